//! What the key-health banners say: the stored facts about a key, and the clock, turned into
//! problems worded for people, worst first. Pure: no database, no OpenRouter.

use chrono::{DateTime, Duration, Utc};

use app::wire::{KeyHealth, KeyProblem};

use crate::entities::user_api_key::Model;
use crate::vault::usecases::status;

/// The list of keys on OpenRouter, for keys stored before their hash was kept.
pub const KEY_LIST: &str = "https://openrouter.ai/settings/keys";

/// How far ahead an expiry is announced.
pub const EXPIRY_WARNING_DAYS: i64 = 7;

/// A balance under this many dollars is low...
pub const LOW_BALANCE_USD: f64 = 1.0;
/// ...and so is one under this share of the limit.
pub const LOW_BALANCE_SHARE: f64 = 0.10;

fn problem(kind: &str, title: &str, advice: String) -> KeyProblem {
    KeyProblem {
        kind: kind.to_owned(),
        title: title.to_owned(),
        advice,
    }
}

fn day(t: DateTime<Utc>) -> String {
    t.format("%-d %B %Y, %H:%M UTC").to_string()
}

/// The health of the key in `row` at `now`.
pub fn health(row: &Model, now: DateTime<Utc>) -> KeyHealth {
    let mut problems = Vec::new();
    if row.status == status::REJECTED {
        problems.push(problem(
            "rejected",
            "OpenRouter rejected this key",
            "OpenRouter refused your key: it may have been disabled, deleted or revoked. Check it on OpenRouter, then connect again or paste a new key in settings.".into(),
        ));
    }
    let expires = row
        .or_expires_at
        .as_deref()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc));
    if let Some(at) = expires {
        if at <= now {
            problems.push(problem(
                "expired",
                "Your key has expired",
                format!("Your OpenRouter key expired on {}. Create a new key on OpenRouter, then connect again or paste it in settings.", day(at)),
            ));
        } else if at - now <= Duration::days(EXPIRY_WARNING_DAYS) {
            let days = (at - now).num_hours().div_euclid(24);
            let when = match days {
                0 => "in less than a day".to_owned(),
                1 => "in 1 day".to_owned(),
                n => format!("in {n} days"),
            };
            problems.push(problem(
                "expires_soon",
                "Your key expires soon",
                format!("Your OpenRouter key expires on {} ({when}). Extend it or create a new key on OpenRouter before then, or AI calls will stop.", day(at)),
            ));
        }
    }
    if let (Some(limit), Some(left)) = (row.or_limit, row.or_limit_remaining) {
        if left < LOW_BALANCE_USD || (limit > 0.0 && left < limit * LOW_BALANCE_SHARE) {
            let reset = row
                .or_limit_reset
                .as_deref()
                .map(|r| format!(" (it resets {r})"))
                .unwrap_or_default();
            let advice = if left <= 0.0 {
                format!("Your key has used all of its ${limit:.2} limit{reset}, so calls that cost money will fail. Raise the key's limit on OpenRouter, or use free models until it resets.")
            } else {
                format!("Only ${left:.2} of your key's ${limit:.2} limit is left{reset}. Raise the key's limit on OpenRouter before calls start failing.")
            };
            problems.push(problem(
                "low_balance",
                "Your key's credit is running out",
                advice,
            ));
        }
    }
    let capped_today = row
        .free_cap_hit_at
        .and_then(|t| DateTime::from_timestamp(t, 0))
        .is_some_and(|t| t.date_naive() == now.date_naive());
    if capped_today {
        problems.push(problem(
            "free_tier_cap",
            "Today's free requests are used up",
            "Your key has hit the free tier's daily cap on free models. It resets at midnight UTC; buying credits on OpenRouter raises the cap, or choose a paid model.".into(),
        ));
    }
    KeyHealth {
        problems,
        key_page: Some(
            row.key_sha256
                .as_deref()
                .map(|h| format!("https://openrouter.ai/keys/{h}"))
                .unwrap_or_else(|| KEY_LIST.to_owned()),
        ),
        checked_at: row
            .health_checked_at
            .and_then(|t| DateTime::from_timestamp(t, 0))
            .map(|t| t.to_rfc3339()),
    }
}

#[cfg(test)]
#[path = "health_view_tests.rs"]
mod tests;
