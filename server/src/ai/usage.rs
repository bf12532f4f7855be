//! The usage report: per-day, per-feature totals over a date range, and the latest calls.

use chrono::{Duration, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect};

use app::wire::{UsageCall, UsageDay, UsageReport, UsageTotals};
use app::AppError;

use crate::auth::usecases::db_failed;
use crate::entities::ai_usage;
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

fn invalid_range(message: &str) -> AppError {
    AppError::new(422, "Invalid date range", message)
}

/// A date as `YYYY-MM-DD`, or the UTC date of an RFC 3339 time.
fn parse_day(raw: &str) -> Result<NaiveDate, AppError> {
    let raw = raw.trim();
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .or_else(|_| {
            chrono::DateTime::parse_from_rfc3339(raw).map(|t| t.with_timezone(&Utc).date_naive())
        })
        .map_err(|_| invalid_range("from and to are dates such as 2026-11-26."))
}

/// The inclusive UTC date range `from..=to`, defaulting to the last 30 days.
pub fn range(from: Option<&str>, to: Option<&str>) -> Result<(NaiveDate, NaiveDate), AppError> {
    let to = match to.filter(|s| !s.trim().is_empty()) {
        Some(raw) => parse_day(raw)?,
        None => Utc::now().date_naive(),
    };
    let from = match from.filter(|s| !s.trim().is_empty()) {
        Some(raw) => parse_day(raw)?,
        None => to - Duration::days(DEFAULT_DAYS - 1),
    };
    if from > to {
        return Err(invalid_range("from must not be after to."));
    }
    if (to - from).num_days() >= MAX_DAYS {
        return Err(invalid_range("A report covers at most 366 days."));
    }
    Ok((from, to))
}

/// The caller's usage between `from` and `to` (inclusive UTC dates).
pub async fn report(
    state: &AppState,
    user_id: &str,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<UsageReport, AppError> {
    let (from, to) = range(from, to)?;
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
mod tests {
    use super::*;

    #[test]
    fn ranges_default_to_the_last_30_days() {
        let days = range(None, Some("2026-11-30")).map(|(f, t)| (f.to_string(), t.to_string()));
        assert_eq!(days, Ok(("2026-11-01".into(), "2026-11-30".into())));
    }

    #[test]
    fn rfc3339_times_are_read_as_their_utc_date() {
        let from = range(Some("2026-11-26T23:30:00-02:00"), Some("2026-11-30"))
            .map(|(f, _)| f.to_string());
        assert_eq!(from, Ok("2026-11-27".into()));
    }

    #[test]
    fn bad_ranges_are_422() {
        for (from, to) in [
            ("2026-11-30", "2026-11-01"),
            ("nope", "2026-11-01"),
            ("2020-01-01", "2026-01-01"),
        ] {
            assert_eq!(range(Some(from), Some(to)).map_err(|e| e.status), Err(422));
        }
    }
}
