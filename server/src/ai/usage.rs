//! The usage report: per-day, per-feature totals over a date range, and the latest calls.

use chrono::{Days, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect};

use app::wire::{UsageCall, UsageDay, UsageReport, UsageTotals};
use app::AppError;

use crate::entities::ai_usage;
use crate::kit::db_failed;
use crate::state::AppState;

/// Days shown when the caller gives no range.
const DEFAULT_DAYS: i64 = 30;
/// The longest range one report covers.
const MAX_DAYS: i64 = 366;
/// Calls listed under `recent`.
const RECENT: u64 = 20;

#[derive(FromQueryResult)]
struct DayRow {
    day: String,
    feature: String,
    calls: i64,
    failed: Option<i64>,
    tokens_in: Option<i64>,
    tokens_out: Option<i64>,
    cost: Option<f64>,
}

/// The earliest date a report may name.
const FIRST_DAY: NaiveDate = match NaiveDate::from_ymd_opt(2000, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};
/// The latest date a report may name.
const LAST_DAY: NaiveDate = match NaiveDate::from_ymd_opt(9999, 12, 31) {
    Some(d) => d,
    None => NaiveDate::MAX,
};

fn invalid_range(message: &str) -> AppError {
    AppError::new(422, "Invalid date range", message)
}

fn out_of_bounds() -> AppError {
    invalid_range("Dates must be between 2000-01-01 and 9999-12-31.")
}

/// A date as `YYYY-MM-DD`, or the UTC date of an RFC 3339 time, between [`FIRST_DAY`] and
/// [`LAST_DAY`].
fn parse_day(raw: &str) -> Result<NaiveDate, AppError> {
    let raw = raw.trim();
    let day = NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .or_else(|_| {
            chrono::DateTime::parse_from_rfc3339(raw).map(|t| t.with_timezone(&Utc).date_naive())
        })
        .map_err(|_| {
            invalid_range(
                "from and to are dates such as 2026-11-26, between 2000-01-01 and 9999-12-31.",
            )
        })?;
    if (FIRST_DAY..=LAST_DAY).contains(&day) {
        Ok(day)
    } else {
        Err(out_of_bounds())
    }
}

/// The inclusive UTC date range `from..=to`, defaulting to the 30 days up to `today`. Every step
/// is checked, so no date a client sends can overflow the calendar.
pub fn range(
    from: Option<&str>,
    to: Option<&str>,
    today: NaiveDate,
) -> Result<(NaiveDate, NaiveDate), AppError> {
    let to = match to.filter(|s| !s.trim().is_empty()) {
        Some(raw) => parse_day(raw)?,
        None => today.clamp(FIRST_DAY, LAST_DAY),
    };
    let from = match from.filter(|s| !s.trim().is_empty()) {
        Some(raw) => parse_day(raw)?,
        None => days_up_to(to, DEFAULT_DAYS)?,
    };
    if from > to {
        return Err(invalid_range("from must not be after to."));
    }
    if (to - from).num_days() >= MAX_DAYS {
        return Err(invalid_range("A report covers at most 366 days."));
    }
    Ok((from, to))
}

/// The first of the `days` days that end with `to`, no earlier than [`FIRST_DAY`].
fn days_up_to(to: NaiveDate, days: i64) -> Result<NaiveDate, AppError> {
    u64::try_from(days.saturating_sub(1))
        .ok()
        .and_then(|back| to.checked_sub_days(Days::new(back)))
        .map(|from| from.max(FIRST_DAY))
        .ok_or_else(out_of_bounds)
}

/// The caller's usage over the `days` days up to today (the usage page's report).
pub async fn report_last_days(
    state: &AppState,
    user_id: &str,
    days: u32,
) -> Result<UsageReport, AppError> {
    if !(1..=MAX_DAYS).contains(&i64::from(days)) {
        return Err(invalid_range("A report covers 1 to 366 days."));
    }
    let to = state.clock.now().date_naive().clamp(FIRST_DAY, LAST_DAY);
    let from = days_up_to(to, i64::from(days))?;
    let (from, to) = (
        from.format("%Y-%m-%d").to_string(),
        to.format("%Y-%m-%d").to_string(),
    );
    report(state, user_id, Some(&from), Some(&to)).await
}

/// The caller's usage between `from` and `to` (inclusive UTC dates).
pub async fn report(
    state: &AppState,
    user_id: &str,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<UsageReport, AppError> {
    let (from, to) = range(from, to, state.clock.now().date_naive())?;
    let (from, to) = (
        from.format("%Y-%m-%d").to_string(),
        to.format("%Y-%m-%d").to_string(),
    );
    use ai_usage::Column as C;
    let in_range = || {
        ai_usage::Entity::find()
            .filter(C::UserId.eq(user_id))
            .filter(C::Day.gte(from.as_str()))
            .filter(C::Day.lte(to.as_str()))
    };
    let rows = in_range()
        .select_only()
        .column(C::Day)
        .column(C::Feature)
        .column_as(Expr::col(C::Id).count(), "calls")
        .column_as(
            Expr::cust("SUM(CASE WHEN outcome = 'ok' THEN 0 ELSE 1 END)"),
            "failed",
        )
        .column_as(Expr::col(C::TokensIn).sum(), "tokens_in")
        .column_as(Expr::col(C::TokensOut).sum(), "tokens_out")
        .column_as(Expr::col(C::Cost).sum(), "cost")
        .group_by(C::Day)
        .group_by(C::Feature)
        .order_by_asc(C::Day)
        .order_by_asc(C::Feature)
        .into_model::<DayRow>()
        .all(&state.db)
        .await
        .map_err(db_failed)?;
    let count = |v: i64| u64::try_from(v).unwrap_or(0);
    let days: Vec<UsageDay> = rows
        .into_iter()
        .map(|r| UsageDay {
            day: r.day,
            feature: r.feature,
            totals: UsageTotals {
                calls: count(r.calls),
                failed: count(r.failed.unwrap_or(0)),
                tokens_in: count(r.tokens_in.unwrap_or(0)),
                tokens_out: count(r.tokens_out.unwrap_or(0)),
                cost: r.cost.unwrap_or(0.0),
            },
        })
        .collect();
    let totals = days.iter().fold(UsageTotals::default(), |mut t, d| {
        t.calls += d.totals.calls;
        t.failed += d.totals.failed;
        t.tokens_in += d.totals.tokens_in;
        t.tokens_out += d.totals.tokens_out;
        t.cost += d.totals.cost;
        t
    });
    let recent = in_range()
        .order_by_desc(C::CreatedAt)
        .order_by_desc(C::Id)
        .limit(RECENT)
        .all(&state.db)
        .await
        .map_err(db_failed)?
        .into_iter()
        .map(|r| UsageCall {
            id: r.id,
            created_at: r.created_at.to_rfc3339(),
            feature: r.feature,
            model: r.model,
            requested_model: r.requested_model,
            tokens_in: u32::try_from(r.tokens_in).unwrap_or(0),
            tokens_out: u32::try_from(r.tokens_out).unwrap_or(0),
            cost: r.cost,
            generation_id: r.generation_id,
            outcome: r.outcome,
            latency_ms: u32::try_from(r.latency_ms).unwrap_or(0),
        })
        .collect();
    Ok(UsageReport {
        from,
        to,
        totals,
        days,
        recent,
    })
}

#[cfg(test)]
#[path = "usage_props.rs"]
mod props;

#[cfg(test)]
#[path = "usage_tests.rs"]
mod tests;
