//! The two sums a cap is checked against: what the period's finished calls cost (the ledger)
//! and the worst case of the calls still in flight (unexpired reservations).

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};

use super::period::Window;
use crate::entities::{ai_usage, spend_reservation};

/// USD spent by `user_id`'s calls recorded in `window`.
pub async fn spent<C: ConnectionTrait>(
    db: &C,
    user_id: &str,
    window: &Window,
) -> Result<f64, DbErr> {
    use ai_usage::Column as C;
    let (start, end) = (
        window.start_day(),
        window.end.format("%Y-%m-%d").to_string(),
    );
    let sum: Option<Option<f64>> = ai_usage::Entity::find()
        .select_only()
        .column_as(Expr::col(C::Cost).sum(), "cost")
        .filter(C::UserId.eq(user_id))
        .filter(C::Day.gte(start))
        .filter(C::Day.lt(end))
        .into_tuple()
        .one(db)
        .await?;
    Ok(sum.flatten().unwrap_or(0.0))
}

/// USD held by `user_id`'s reservations that have not expired at `now`.
pub async fn in_flight<C: ConnectionTrait>(
    db: &C,
    user_id: &str,
    now: DateTime<Utc>,
) -> Result<f64, DbErr> {
    use spend_reservation::Column as C;
    let sum: Option<Option<f64>> = spend_reservation::Entity::find()
        .select_only()
        .column_as(Expr::col(C::AmountUsd).sum(), "amount")
        .filter(C::UserId.eq(user_id))
        .filter(C::ExpiresAt.gt(now))
        .into_tuple()
        .one(db)
        .await?;
    Ok(sum.flatten().unwrap_or(0.0))
}
