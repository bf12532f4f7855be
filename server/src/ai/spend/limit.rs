//! The cap itself: read with where the period stands, set, removed, and its alert dismissed.

use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, TransactionTrait};

use app::wire::{SpendLimit, SpendLimitStatus};
use app::AppError;

use super::period::{Period, Window};
use super::totals;
use crate::entities::spend_limit;
use crate::kit::db_failed;
use crate::state::AppState;

/// The largest cap accepted, USD.
const MAX_AMOUNT_USD: f64 = 100_000.0;
/// The share of the cap at which the first alert shows.
const WARN_AT: f64 = 0.8;

fn invalid(message: &str) -> AppError {
    AppError::new(422, "Invalid spending limit", message)
}

fn calendar_end() -> AppError {
    invalid("The current period cannot be computed at this date.")
}

/// The stored cap, if the user set one.
pub async fn stored(
    state: &AppState,
    user_id: &str,
) -> Result<Option<spend_limit::Model>, AppError> {
    spend_limit::Entity::find_by_id(user_id.to_owned())
        .one(&state.db)
        .await
        .map_err(db_failed)
}

/// Whether the user set a cap (what every AI call asks first), from the cache when it holds it.
pub async fn is_capped(state: &AppState, user_id: &str) -> Result<bool, AppError> {
    let load = async { Ok(stored(state, user_id).await?.is_some()) };
    state.cache.capped(user_id, load).await
}

/// A stored cap's period (a row written by this code always parses).
pub fn period_of(row: &spend_limit::Model) -> Period {
    Period::parse(&row.period).unwrap_or(Period::Month)
}

/// `GET /api/user/spend-limit`: the cap and the current period; `None` without a cap.
pub async fn status(state: &AppState, user_id: &str) -> Result<Option<SpendLimitStatus>, AppError> {
    let Some(row) = stored(state, user_id).await? else {
        return Ok(None);
    };
    let now = state.clock.now();
    let period = period_of(&row);
    let window = period.window(now).ok_or_else(calendar_end)?;
    let spent = totals::spent(&state.db, user_id, &window)
        .await
        .map_err(db_failed)?;
    let in_flight = totals::in_flight(&state.db, user_id, now)
        .await
        .map_err(db_failed)?;
    let fraction = window.elapsed_fraction(now);
    let projected = if fraction > 0.0 {
        spent / fraction
    } else {
        spent
    };
    Ok(Some(SpendLimitStatus {
        amount_usd: row.amount_usd,
        period: period.as_str().to_owned(),
        spent_usd: spent,
        in_flight_usd: in_flight,
        period_start: window.start_day(),
        period_end: window.last_day().format("%Y-%m-%d").to_string(),
        resets_at: window.resets_at().to_rfc3339(),
        projected_usd: projected,
        alert: alert(&row, &window, spent),
    }))
}

/// 100 once the cap is reached (or a call was refused for it), 80 from 80 % of it; `None` once
/// that alert (or a higher one) was dismissed in this period.
fn alert(row: &spend_limit::Model, window: &Window, spent: f64) -> Option<u8> {
    let start = window.start_day();
    let level = if spent >= row.amount_usd || row.refused_period.as_deref() == Some(&start) {
        100
    } else if spent >= WARN_AT * row.amount_usd {
        80
    } else {
        return None;
    };
    let seen = match row.alert_seen_period.as_deref() {
        Some(p) if p == start => row.alert_seen_level.unwrap_or(0),
        _ => 0,
    };
    (i32::from(level) > seen).then_some(level)
}

/// `PUT /api/user/spend-limit`: sets (or replaces) the cap; a new cap starts with no alert
/// dismissed.
pub async fn put(
    state: &AppState,
    user_id: &str,
    limit: SpendLimit,
) -> Result<SpendLimitStatus, AppError> {
    let period = Period::parse(&limit.period)?;
    let amount = limit.amount_usd;
    if !amount.is_finite() || amount <= 0.0 || amount > MAX_AMOUNT_USD {
        return Err(invalid(
            "amountUsd is a number of dollars above 0 and at most 100000.",
        ));
    }
    let row = spend_limit::ActiveModel {
        user_id: Set(user_id.to_owned()),
        amount_usd: Set(amount),
        period: Set(period.as_str().to_owned()),
        alert_seen_period: Set(None),
        alert_seen_level: Set(None),
        refused_period: Set(None),
        updated_at: Set(state.clock.now()),
    };
    use spend_limit::Column as C;
    let txn = state.db.begin().await.map_err(db_failed)?;
    spend_limit::Entity::insert(row)
        .on_conflict(
            OnConflict::column(C::UserId)
                .update_columns([
                    C::AmountUsd,
                    C::Period,
                    C::AlertSeenPeriod,
                    C::AlertSeenLevel,
                    C::RefusedPeriod,
                    C::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec(&txn)
        .await
        .map_err(db_failed)?;
    crate::cache::announce(&txn, user_id)
        .await
        .map_err(db_failed)?;
    txn.commit().await.map_err(db_failed)?;
    state.cache.forget_user(user_id);
    tracing::info!(user.id = %user_id, spend.period = period.as_str(), "spending limit set");
    status(state, user_id).await?.ok_or_else(AppError::internal)
}

/// `DELETE /api/user/spend-limit`: removes the cap (nothing to remove is fine).
pub async fn remove(state: &AppState, user_id: &str) -> Result<(), AppError> {
    let txn = state.db.begin().await.map_err(db_failed)?;
    spend_limit::Entity::delete_by_id(user_id.to_owned())
        .exec(&txn)
        .await
        .map_err(db_failed)?;
    crate::cache::announce(&txn, user_id)
        .await
        .map_err(db_failed)?;
    txn.commit().await.map_err(db_failed)?;
    state.cache.forget_user(user_id);
    tracing::info!(user.id = %user_id, "spending limit removed");
    Ok(())
}

/// Dismisses the current period's alert at `level` (80 or 100), so it is not shown again until
/// the next period (or, for 80, until 100 is reached).
pub async fn dismiss_alert(state: &AppState, user_id: &str, level: u8) -> Result<(), AppError> {
    if level != 80 && level != 100 {
        return Err(invalid("An alert is 80 or 100."));
    }
    let Some(row) = stored(state, user_id).await? else {
        return Ok(());
    };
    let window = period_of(&row)
        .window(state.clock.now())
        .ok_or_else(calendar_end)?;
    let start = window.start_day();
    let seen = match row.alert_seen_period.as_deref() {
        Some(p) if p == start => row.alert_seen_level.unwrap_or(0),
        _ => 0,
    };
    use spend_limit::Column as C;
    spend_limit::Entity::update_many()
        .col_expr(C::AlertSeenPeriod, Expr::value(start))
        .col_expr(C::AlertSeenLevel, Expr::value(seen.max(i32::from(level))))
        .filter(C::UserId.eq(user_id))
        .exec(&state.db)
        .await
        .map_err(db_failed)?;
    Ok(())
}
