//! Time, behind a trait so tests can move it instead of sleeping.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

/// A source of the current time.
pub trait Clock: Send + Sync + 'static {
    /// Now.
    fn now(&self) -> DateTime<Utc>;

    /// Now, as Unix seconds.
    fn unix(&self) -> i64 {
        self.now().timestamp()
    }
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// The system clock plus an offset that tests can advance.
#[derive(Debug, Clone, Default)]
pub struct OffsetClock {
    offset_secs: Arc<AtomicI64>,
}

impl OffsetClock {
    /// Moves this clock (and every clone of it) forward.
    pub fn advance(&self, by: Duration) {
        self.offset_secs
            .fetch_add(by.num_seconds(), Ordering::SeqCst);
    }
}

impl Clock for OffsetClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now() + Duration::seconds(self.offset_secs.load(Ordering::SeqCst))
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// Every file under `dir` that reads the wall clock directly.
    fn direct_reads(dir: &Path, found: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                direct_reads(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("kit/clock.rs")
            {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                for needle in ["Utc::now()", "SystemTime::now()"] {
                    if text.contains(needle) {
                        found.push(format!("{}: {needle}", path.display()));
                    }
                }
            }
        }
    }

    #[test]
    fn no_server_code_reads_the_wall_clock_past_the_clock() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        assert!(src.join("kit/clock.rs").is_file(), "{}", src.display());
        let mut found = Vec::new();
        direct_reads(&src, &mut found);
        assert!(
            found.is_empty(),
            "take the time from the `Clock` in the state instead: {found:#?}"
        );
    }
}
