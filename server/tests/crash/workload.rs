//! The clients: each signed-in user, from its own connection pool and cookie jar, saves and
//! replaces its key and makes chat calls until the round ends, and remembers what it was told.
//!
//! What a user was told about its key is exact: a 200 for a save means that key is stored; any
//! other answer means nothing changed; no answer at all (the server was killed mid-request)
//! means either may be true. So after a crash the stored key must be the last confirmed one or
//! one of the unanswered saves that followed it.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::Rng as _;
use serde_json::json;

pub const PASSWORD: &str = "correct horse battery staple";

/// What one user was told about its key.
#[derive(Debug, Default, Clone)]
pub struct KeyRecord {
    /// The last six characters of the last key a save got a 200 for.
    pub confirmed: Option<String>,
    /// Keys whose save got no answer after that (the server died under it).
    pub unanswered: Vec<String>,
}

/// One round's counts for one user.
#[derive(Debug, Default)]
pub struct Counts {
    pub saves_sent: AtomicU64,
    pub saves_confirmed: AtomicU64,
    pub saves_refused: AtomicU64,
    pub saves_unanswered: AtomicU64,
    pub chats_sent: AtomicU64,
    pub chats_ok: AtomicU64,
    pub signed_in_again: AtomicU64,
    /// OpenRouter's generation ids of the chats that got a 200.
    pub confirmed_generations: Mutex<Vec<String>>,
}

/// A user and its browser.
pub struct User {
    pub email: String,
    pub id: String,
    pub client: reqwest::Client,
    pub record: Mutex<KeyRecord>,
    pub counts: Mutex<Arc<Counts>>,
}

/// A client with a cookie jar that sends `Sec-Fetch-Site: same-origin` as a browser would.
pub fn browser() -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        "sec-fetch-site",
        reqwest::header::HeaderValue::from_static("same-origin"),
    );
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .timeout(Duration::from_secs(30))
        .build()
        .expect("a client")
}

/// A live key for the fake OpenRouter with 64 random hex digits (the first is `c`, which no
/// failure mode of the fake starts with).
pub fn random_key() -> String {
    let mut rng = rand::thread_rng();
    let hex: String = std::iter::once('c')
        .chain((0..63).map(|_| char::from(b"0123456789abcdef"[rng.gen_range(0..16)])))
        .collect();
    fake_openrouter::key(&hex)
}

fn last6(key: &str) -> String {
    key[key.len() - 6..].to_owned()
}

impl User {
    /// Signs up `email` and saves a first key.
    pub async fn sign_up(base: &str, email: String) -> User {
        let client = browser();
        let res = client
            .post(format!("{base}/api/auth/signup"))
            .json(&json!({"email": email, "password": PASSWORD, "name": "Crash"}))
            .send()
            .await
            .expect("sign-up answers");
        assert_eq!(res.status(), 201, "sign-up of {email}");
        let body: serde_json::Value = res.json().await.expect("JSON");
        let id = body["user"]["id"].as_str().expect("an id").to_owned();
        let user = User {
            email,
            id,
            client,
            record: Mutex::default(),
            counts: Mutex::default(),
        };
        assert_eq!(user.save(base).await, Some(200), "the first save");
        user
    }

    fn counts(&self) -> Arc<Counts> {
        self.counts.lock().expect("not poisoned").clone()
    }

    /// Starts a new round's counts and returns the last round's.
    pub fn next_round(&self) -> Arc<Counts> {
        std::mem::take(&mut *self.counts.lock().expect("not poisoned"))
    }

    /// Saves a fresh key; the status, or `None` when no answer came.
    async fn save(&self, base: &str) -> Option<u16> {
        let key = random_key();
        let tail = last6(&key);
        let counts = self.counts();
        counts.saves_sent.fetch_add(1, Ordering::Relaxed);
        let answer = self
            .client
            .post(format!("{base}/api/user/api-key"))
            .json(&json!({"apiKey": key}))
            .send()
            .await;
        let mut record = self.record.lock().expect("not poisoned");
        match answer {
            Ok(res) if res.status() == 200 => {
                counts.saves_confirmed.fetch_add(1, Ordering::Relaxed);
                record.confirmed = Some(tail);
                record.unanswered.clear();
                Some(200)
            }
            Ok(res) => {
                counts.saves_refused.fetch_add(1, Ordering::Relaxed);
                Some(res.status().as_u16())
            }
            Err(_) => {
                counts.saves_unanswered.fetch_add(1, Ordering::Relaxed);
                record.unanswered.push(tail);
                None
            }
        }
    }

    async fn chat(&self, base: &str) -> Option<u16> {
        let counts = self.counts();
        counts.chats_sent.fetch_add(1, Ordering::Relaxed);
        let res = self
            .client
            .post(format!("{base}/api/ai/chat"))
            .json(&json!({"messages": [{"role": "user", "content": "crash test"}]}))
            .send()
            .await
            .ok()?;
        let status = res.status().as_u16();
        if status == 200 {
            // The answer is read whole: a 200 whose body never arrived is no confirmed call.
            let body: serde_json::Value = res.json().await.ok()?;
            let generation = body["generationId"].as_str().expect("a generation id");
            counts.chats_ok.fetch_add(1, Ordering::Relaxed);
            counts
                .confirmed_generations
                .lock()
                .expect("not poisoned")
                .push(generation.to_owned());
        }
        Some(status)
    }

    async fn sign_in(&self, base: &str) -> bool {
        self.counts()
            .signed_in_again
            .fetch_add(1, Ordering::Relaxed);
        let res = self
            .client
            .post(format!("{base}/api/auth/signin"))
            .json(&json!({"email": self.email, "password": PASSWORD}))
            .send()
            .await;
        matches!(res, Ok(r) if r.status() == 200)
    }

    /// Saves and chats until `stop` is set: about one save in three calls.
    pub async fn work(self: Arc<Self>, base: String, stop: Arc<AtomicBool>) {
        while !stop.load(Ordering::Relaxed) {
            let saving = rand::thread_rng().gen_bool(0.35);
            let status = if saving {
                self.save(&base).await
            } else {
                self.chat(&base).await
            };
            match status {
                Some(401) => {
                    self.sign_in(&base).await;
                }
                Some(_) => {}
                // The server is gone; the round is ending.
                None => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        }
    }

    /// The last six characters of the stored key's mask, as `GET /api/user/api-key` shows it.
    pub async fn stored_tail(&self, base: &str) -> Option<String> {
        let url = format!("{base}/api/user/api-key");
        let mut res = self.client.get(&url).send().await.expect("answers");
        if res.status() == 401 {
            assert!(self.sign_in(base).await, "{} signs in again", self.email);
            res = self.client.get(&url).send().await.expect("answers");
        }
        assert_eq!(res.status(), 200, "the key status of {}", self.email);
        let body: serde_json::Value = res.json().await.expect("JSON");
        body["apiKey"].as_str().map(last6)
    }
}
