use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use app::wire::ModelPreferences;

use super::{CachedSession, Caches, Name};
use crate::metrics::Metrics;

fn live(ttl: Duration, max: usize) -> (Arc<Caches>, Arc<Metrics>) {
    let metrics = Metrics::new();
    let caches = Caches::new(ttl, max, Arc::clone(&metrics));
    caches.heard(caches.now_ms());
    assert!(caches.is_live());
    (caches, metrics)
}

fn prefs(model: &str) -> ModelPreferences {
    ModelPreferences {
        chat: Some(model.to_owned()),
        ..ModelPreferences::default()
    }
}

async fn read_prefs(caches: &Caches, user: &str, db_says: &str) -> String {
    let got = caches
        .prefs(user, async { Ok::<_, ()>(prefs(db_says)) })
        .await
        .expect("the load does not fail");
    got.chat.unwrap_or_default()
}

fn session(user: &str) -> CachedSession {
    CachedSession {
        user_id: user.to_owned(),
        data: HashMap::new(),
        encoded: "{}".to_owned(),
        expires_at: 100,
        last_seen: 1,
    }
}

#[tokio::test]
async fn a_value_read_once_is_served_from_the_cache_and_counted() {
    let (caches, metrics) = live(Duration::from_secs(60), 100);
    assert_eq!(read_prefs(&caches, "u1", "a").await, "a");
    // The database now says "b", but nothing announced it: the cached "a" is served.
    assert_eq!(read_prefs(&caches, "u1", "b").await, "a");
    assert_eq!(metrics.state_cache_counts(Name::Prefs), (1, 1));
    assert_eq!(metrics.state_cache_counts(Name::Key), (0, 0));
}

#[tokio::test]
async fn forgetting_a_user_takes_effect_at_once_and_only_for_that_user() {
    let (caches, _) = live(Duration::from_secs(60), 100);
    read_prefs(&caches, "u1", "a").await;
    read_prefs(&caches, "u2", "a").await;
    let ticket = caches.ticket();
    caches.fill_session(ticket, "h1", session("u1"));
    caches.fill_session(ticket, "h2", session("u2"));
    caches.forget_user("u1");
    assert_eq!(read_prefs(&caches, "u1", "b").await, "b");
    assert_eq!(read_prefs(&caches, "u2", "b").await, "a");
    assert!(caches.session("h1").is_none(), "u1's session is forgotten");
    assert!(caches.session("h2").is_some(), "u2's is not");
}

#[tokio::test]
async fn a_read_that_raced_an_invalidation_is_never_served() {
    let (caches, _) = live(Duration::from_secs(60), 100);
    // A session read begins (ticket), the user is revoked while it reads, then it fills.
    let ticket = caches.ticket();
    caches.forget_user("u1");
    caches.fill_session(ticket, "h1", session("u1"));
    assert!(caches.session("h1").is_none());

    // The same for a key, preferences or cap read: the load itself is where the race is.
    let value = caches
        .prefs("u1", async {
            caches.forget_user("u1");
            Ok::<_, ()>(prefs("old"))
        })
        .await
        .unwrap();
    assert_eq!(
        value.chat.as_deref(),
        Some("old"),
        "the caller gets what it read"
    );
    assert_eq!(
        read_prefs(&caches, "u1", "new").await,
        "new",
        "but it was not kept"
    );
    assert_eq!(
        read_prefs(&caches, "u1", "newer").await,
        "new",
        "a clean read is"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_fills_and_invalidations_on_many_threads_never_leave_a_revoked_value() {
    let (caches, _) = live(Duration::from_secs(60), 1000);
    let generation = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let mut tasks = Vec::new();
    for t in 0..4 {
        let (caches, generation) = (Arc::clone(&caches), Arc::clone(&generation));
        tasks.push(tokio::spawn(async move {
            for i in 0..2000u64 {
                if t == 0 && i % 3 == 0 {
                    // A writer: the "database" moves on, then the change is announced.
                    generation.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    caches.forget_user("u");
                } else {
                    let load = async {
                        let g = generation.load(std::sync::atomic::Ordering::SeqCst);
                        tokio::task::yield_now().await;
                        Ok::<_, ()>(prefs(&g.to_string()))
                    };
                    caches.prefs("u", load).await.unwrap();
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    // Whatever was kept must be the database's current value.
    let now = generation
        .load(std::sync::atomic::Ordering::SeqCst)
        .to_string();
    assert_eq!(read_prefs(&caches, "u", &now).await, now);
}

#[tokio::test]
async fn nothing_is_served_while_the_channel_is_not_live_and_it_flushes_when_back() {
    let (caches, metrics) = live(Duration::from_secs(60), 100);
    read_prefs(&caches, "u1", "a").await;
    caches.lost();
    assert!(!caches.is_live());
    assert_eq!(read_prefs(&caches, "u1", "b").await, "b");
    assert_eq!(
        read_prefs(&caches, "u1", "c").await,
        "c",
        "and nothing is kept"
    );
    caches.heard(caches.now_ms());
    assert_eq!(read_prefs(&caches, "u1", "d").await, "d");
    assert_eq!(read_prefs(&caches, "u1", "e").await, "d");
    assert_eq!(metrics.state_cache_counts(Name::Prefs), (1, 4));
}

#[tokio::test]
async fn a_channel_that_went_quiet_stops_serving_and_flushes_on_its_next_word() {
    let (caches, _) = live(Duration::from_secs(60), 100);
    read_prefs(&caches, "u1", "a").await;
    tokio::time::sleep(Duration::from_millis(super::LIVE_WINDOW_MS + 100)).await;
    assert!(
        !caches.is_live(),
        "no ping or poll for longer than the window"
    );
    assert_eq!(read_prefs(&caches, "u1", "b").await, "b");
    caches.heard(caches.now_ms());
    assert_eq!(
        read_prefs(&caches, "u1", "c").await,
        "c",
        "flushed: a is gone"
    );
}

#[tokio::test]
async fn values_expire_after_the_ttl_and_a_zero_ttl_caches_nothing() {
    let (caches, _) = live(Duration::from_millis(50), 100);
    read_prefs(&caches, "u1", "a").await;
    tokio::time::sleep(Duration::from_millis(80)).await;
    assert_eq!(read_prefs(&caches, "u1", "b").await, "b");

    let off = Caches::new(Duration::ZERO, 100, Metrics::new());
    off.heard(off.now_ms());
    assert!(!off.enabled() && !off.is_live());
    assert_eq!(read_prefs(&off, "u1", "a").await, "a");
    assert_eq!(read_prefs(&off, "u1", "b").await, "b");
}

#[tokio::test]
async fn the_maps_stay_within_their_bound() {
    let (caches, _) = live(Duration::from_secs(60), 64);
    for i in 0..1000 {
        let user = format!("u{i}");
        read_prefs(&caches, &user, "a").await;
        caches.fill_session(caches.ticket(), &format!("h{i}"), session(&user));
    }
    let (users, sessions) = caches.lock().sizes();
    assert!(
        users <= 64 && sessions <= 64,
        "{users} users, {sessions} sessions"
    );
    assert!(caches.session("h999").is_some(), "the newest is kept");
}

#[tokio::test]
async fn a_touch_moves_a_cached_sessions_times_forward_only() {
    let (caches, _) = live(Duration::from_secs(60), 100);
    caches.fill_session(caches.ticket(), "h1", session("u1"));
    caches.touch_session("h1", 50, 500);
    caches.touch_session("h1", 10, 200);
    let s = caches.session("h1").expect("cached");
    assert_eq!((s.last_seen, s.expires_at), (50, 500));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_of_misses_for_one_user_reads_the_database_once_and_other_users_apart() {
    let (caches, _) = live(Duration::from_secs(60), 100);
    let reads = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for i in 0..40 {
        let (caches, reads) = (Arc::clone(&caches), Arc::clone(&reads));
        let user = if i % 2 == 0 { "u1" } else { "u2" };
        tasks.push(tokio::spawn(async move {
            let load = async {
                reads.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                // A slow read, so that the whole burst arrives while it runs.
                tokio::time::sleep(Duration::from_millis(50)).await;
                Ok::<_, ()>(prefs(user))
            };
            caches.prefs(user, load).await.unwrap().chat
        }));
    }
    for (i, t) in tasks.into_iter().enumerate() {
        let want = if i % 2 == 0 { "u1" } else { "u2" };
        assert_eq!(t.await.unwrap().as_deref(), Some(want));
    }
    assert_eq!(
        reads.load(std::sync::atomic::Ordering::SeqCst),
        2,
        "one read per user, however many asked at once"
    );
    assert!(
        caches.loading.lock().unwrap().is_empty(),
        "no lock is left behind"
    );
}

#[tokio::test]
async fn a_waiting_miss_reads_again_when_the_first_read_was_revoked_or_failed() {
    let (caches, _) = live(Duration::from_secs(60), 100);
    let caches2 = Arc::clone(&caches);
    // The first read is revoked while it runs: it must not be kept, so the one waiting
    // behind it reads for itself.
    let first = tokio::spawn(async move {
        let load = async {
            tokio::time::sleep(Duration::from_millis(30)).await;
            Ok::<_, ()>(prefs("old"))
        };
        caches2.prefs("u", load).await.unwrap().chat
    });
    tokio::time::sleep(Duration::from_millis(5)).await;
    caches.forget_user("u");
    assert_eq!(read_prefs(&caches, "u", "new").await, "new");
    assert_eq!(first.await.unwrap().as_deref(), Some("old"));

    // A failed read keeps nothing; the next caller reads.
    let failed = caches.key("v", async { Err::<Option<_>, _>("down") }).await;
    assert!(failed.is_err());
    let found = caches.key("v", async { Ok::<_, &str>(None) }).await;
    assert_eq!(found, Ok(None));
    assert!(caches.loading.lock().unwrap().is_empty());
}
