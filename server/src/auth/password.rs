//! Passwords: a redacted newtype, and Argon2id hashing off the async runtime with bounded
//! concurrency (each hash takes about 19 MiB; a burst of sign-ins must not exhaust memory or
//! starve other requests).

use std::sync::Arc;
use std::time::Duration;

use app::AppError;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, SaltString};
use argon2::{Argon2, PasswordHasher as _, PasswordVerifier as _};
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::Semaphore;

const MIN_CHARS: usize = 8;
const MAX_CHARS: usize = 128;
/// How long a request may queue for a hashing slot before it is told to retry.
const QUEUE_TIMEOUT: Duration = Duration::from_secs(10);

/// A password that met the length rules. Prints as `[REDACTED]`.
#[derive(Clone)]
pub struct Password(SecretString);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password([REDACTED])")
    }
}

impl Password {
    /// Accepts 8 to 128 characters.
    pub fn parse(raw: SecretString) -> Result<Self, AppError> {
        let n = raw.expose_secret().chars().count();
        if !(MIN_CHARS..=MAX_CHARS).contains(&n) {
            return Err(AppError::new(
                422,
                "Invalid password",
                format!("Passwords must be {MIN_CHARS} to {MAX_CHARS} characters long."),
            ));
        }
        Ok(Self(raw))
    }

    /// For sign-in, where length rules are not re-checked (only the hash decides), but absurdly
    /// long input is still refused before hashing.
    pub fn for_sign_in(raw: SecretString) -> Result<Self, AppError> {
        if raw.expose_secret().len() > 4 * MAX_CHARS {
            return Err(AppError::new(
                422,
                "Invalid password",
                "That password is too long.",
            ));
        }
        Ok(Self(raw))
    }
}

/// Argon2id (OWASP parameters: m = 19 MiB, t = 2, p = 1) on blocking threads, a few at a time.
#[derive(Clone)]
pub struct PasswordHasher {
    slots: Arc<Semaphore>,
    dummy_hash: Arc<str>,
}

impl PasswordHasher {
    /// `concurrency` hashes may run at once (the core count is a good choice).
    pub fn new(concurrency: usize) -> Self {
        let dummy = SaltString::generate(&mut OsRng);
        let dummy_hash = Argon2::default()
            .hash_password(b"a password nobody has", &dummy)
            .map(|h| h.to_string())
            .unwrap_or_default();
        Self {
            slots: Arc::new(Semaphore::new(concurrency.max(1))),
            dummy_hash: dummy_hash.into(),
        }
    }

    /// Hashes a new password into a PHC string.
    pub async fn hash(&self, password: &Password) -> Result<String, AppError> {
        let secret = password.0.clone();
        self.run(move || {
            let salt = SaltString::generate(&mut OsRng);
            Argon2::default()
                .hash_password(secret.expose_secret().as_bytes(), &salt)
                .map(|h| h.to_string())
                .map_err(|e| {
                    tracing::error!(error = %e, "password hashing failed");
                    AppError::internal()
                })
        })
        .await?
    }

    /// Checks a password against a stored hash. With no hash (unknown email) it verifies against
    /// a dummy hash anyway, so both cases take the same time, and answers `false`.
    pub async fn verify(
        &self,
        password: &Password,
        stored: Option<&str>,
    ) -> Result<bool, AppError> {
        let secret = password.0.clone();
        let known = stored.is_some_and(|s| !s.is_empty());
        let hash: String = match stored {
            Some(s) if !s.is_empty() => s.to_owned(),
            _ => self.dummy_hash.to_string(),
        };
        self.run(move || {
            let ok = PasswordHash::new(&hash)
                .map(|parsed| {
                    Argon2::default()
                        .verify_password(secret.expose_secret().as_bytes(), &parsed)
                        .is_ok()
                })
                .unwrap_or(false);
            ok && known
        })
        .await
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let busy = || {
            AppError::new(
                503,
                "Busy",
                "The server is busy. Please try again in a moment.",
            )
            .with_retry_after(2)
        };
        let permit = tokio::time::timeout(QUEUE_TIMEOUT, self.slots.clone().acquire_owned())
            .await
            .map_err(|_| busy())?
            .map_err(|_| busy())?;
        let result = tokio::task::spawn_blocking(move || {
            let out = work();
            drop(permit);
            out
        })
        .await;
        result.map_err(|e| {
            tracing::error!(error = %e, "password hashing task failed");
            AppError::internal()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pw(s: &str) -> SecretString {
        SecretString::from(s.to_owned())
    }

    #[test]
    fn passwords_outside_8_to_128_characters_are_refused() {
        assert!(Password::parse(pw("short")).is_err());
        assert!(Password::parse(pw(&"x".repeat(129))).is_err());
        assert!(Password::parse(pw("long enough")).is_ok());
    }

    #[test]
    fn a_password_prints_redacted() {
        let p = Password::parse(pw("correct horse battery")).expect("valid");
        assert!(!format!("{p:?}").contains("horse"));
    }

    #[tokio::test]
    async fn a_hash_verifies_its_password_and_nothing_else() {
        let hasher = PasswordHasher::new(2);
        let p = Password::parse(pw("correct horse battery")).expect("valid");
        let hash = hasher.hash(&p).await.expect("hashes");
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(hasher.verify(&p, Some(&hash)).await.expect("verifies"));
        let wrong = Password::parse(pw("wrong horse battery")).expect("valid");
        assert!(!hasher.verify(&wrong, Some(&hash)).await.expect("verifies"));
        assert!(!hasher.verify(&p, None).await.expect("dummy verify"));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn no_more_hashes_than_the_cap_run_at_once() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let hasher = PasswordHasher::new(2);
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let jobs = (0..24).map(|_| {
            let (hasher, running, most) = (hasher.clone(), running.clone(), most.clone());
            tokio::spawn(async move {
                hasher
                    .run(move || {
                        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(5));
                        running.fetch_sub(1, Ordering::SeqCst);
                    })
                    .await
            })
        });
        for job in futures::future::join_all(jobs).await {
            assert!(job.expect("joins").is_ok());
        }
        let most = most.load(Ordering::SeqCst);
        assert!(
            (1..=2).contains(&most),
            "{most} hashes ran at once; the cap is 2"
        );
    }
}
