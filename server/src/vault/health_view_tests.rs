use super::*;
use chrono::TimeZone;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 3, 12, 0, 0)
        .single()
        .unwrap_or_default()
}

fn row() -> Model {
    Model {
        user_id: "u".into(),
        secret_enc: "x".into(),
        key_version: 1,
        last6: "abc123".into(),
        status: "active".into(),
        created_at: now(),
        updated_at: now(),
        verified_at: Some(now()),
        or_label: None,
        or_limit: Some(10.0),
        or_limit_remaining: Some(9.5),
        or_limit_reset: Some("monthly".into()),
        or_usage: Some(0.5),
        or_is_free_tier: Some(false),
        or_expires_at: None,
        key_sha256: Some("ab".repeat(32)),
        or_usage_daily: Some(0.5),
        health_checked_at: Some(now().timestamp()),
        refresh_claimed_at: None,
        free_cap_hit_at: None,
    }
}

fn kinds(row: &Model) -> Vec<String> {
    health(row, now())
        .problems
        .into_iter()
        .map(|p| p.kind)
        .collect()
}

#[test]
fn a_healthy_key_has_no_problems_and_links_to_its_page() {
    let h = health(&row(), now());
    assert!(h.problems.is_empty());
    assert_eq!(
        h.key_page.as_deref(),
        Some(format!("https://openrouter.ai/keys/{}", "ab".repeat(32)).as_str())
    );
}

#[test]
fn expiry_is_announced_a_week_ahead_and_after_it_passes() {
    let mut r = row();
    r.or_expires_at = Some("2026-12-06T12:00:00Z".into());
    assert_eq!(kinds(&r), ["expires_soon"]);
    assert!(health(&r, now()).problems[0].advice.contains("in 3 days"));
    r.or_expires_at = Some("2026-12-11T12:00:00Z".into());
    assert!(kinds(&r).is_empty(), "eight days ahead is not yet");
    r.or_expires_at = Some("2026-12-01T00:00:00Z".into());
    assert_eq!(kinds(&r), ["expired"]);
}

#[test]
fn a_balance_under_a_dollar_or_a_tenth_of_the_limit_is_low() {
    let mut r = row();
    r.or_limit_remaining = Some(0.99);
    assert_eq!(kinds(&r), ["low_balance"]);
    r.or_limit = Some(100.0);
    r.or_limit_remaining = Some(9.0);
    assert_eq!(kinds(&r), ["low_balance"], "under 10 % of 100");
    r.or_limit_remaining = Some(11.0);
    assert!(kinds(&r).is_empty());
    r.or_limit = None;
    r.or_limit_remaining = None;
    assert!(kinds(&r).is_empty(), "no limit: the balance cannot be read");
}

#[test]
fn a_rejected_key_and_a_free_cap_hit_today_are_problems() {
    let mut r = row();
    r.status = "rejected".into();
    r.free_cap_hit_at = Some(now().timestamp() - 3600);
    assert_eq!(kinds(&r), ["rejected", "free_tier_cap"]);
    r.free_cap_hit_at = Some(now().timestamp() - 24 * 3600);
    assert_eq!(kinds(&r), ["rejected"], "yesterday's cap has reset");
}

#[test]
fn a_key_stored_before_its_hash_links_to_the_key_list() {
    let mut r = row();
    r.key_sha256 = None;
    assert_eq!(health(&r, now()).key_page.as_deref(), Some(KEY_LIST));
}
