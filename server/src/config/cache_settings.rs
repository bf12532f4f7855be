//! `CACHE_TTL_SECS` and `CACHE_MAX_ENTRIES`: the bounds of the state caches (`crate::cache`).

use crate::error::StartupError;

/// `(CACHE_TTL_SECS, CACHE_MAX_ENTRIES)` through `read`: 60 s and 100,000 by default; a TTL of
/// 0 turns the caches off.
pub(super) fn read(read: &impl Fn(&str) -> Option<String>) -> Result<(u64, usize), StartupError> {
    let ttl = match read("CACHE_TTL_SECS") {
        None => 60,
        Some(raw) => raw
            .parse::<u64>()
            .ok()
            .filter(|n| *n <= 86_400)
            .ok_or_else(|| {
                StartupError::config("CACHE_TTL_SECS", "expected seconds from 0 to 86400")
            })?,
    };
    let max = match read("CACHE_MAX_ENTRIES") {
        None => 100_000,
        Some(raw) => raw
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=10_000_000).contains(n))
            .ok_or_else(|| {
                StartupError::config("CACHE_MAX_ENTRIES", "expected a number from 1 to 10000000")
            })?,
    };
    Ok((ttl, max))
}
