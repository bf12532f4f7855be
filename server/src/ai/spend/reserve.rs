//! Holding a call's worst-case cost against the cap before it goes upstream.
//!
//! One transaction per call, which takes the user's lock first ([`crate::db::lock_user`]), so
//! that the check and the reservation of racing calls (on any instance) queue: each sees the
//! reservations of those before it. A call is refused when what the period's finished calls
//! cost, plus what the calls in flight may cost, plus its own worst case, would pass the cap.
//! The reservation is replaced by the call's ledger row, in the transaction that writes the
//! row ([`crate::ai::ledger`]), so no moment counts the call twice or not at all. A reservation
//! expires after [`RESERVATION_TTL`]: one left by an instance that crashed stops counting.

use chrono::Duration;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait,
};

use app::rules::spend::usd;
use app::AppError;

use super::limit::period_of;
use super::period::describe_reset;
use super::totals;
use crate::entities::{spend_limit, spend_reservation};
use crate::kit::db_failed;
use crate::kit::ids::new_id;
use crate::state::AppState;

/// How long a reservation counts: longer than any call runs (a stream included).
pub const RESERVATION_TTL: Duration = Duration::minutes(30);
/// Rounding slack when comparing sums of floating-point dollars.
const EPSILON: f64 = 1e-12;

/// A reservation held in the database. Handed to the call's ledger record, whose row replaces
/// it; dropped unclaimed (the call never started), it is deleted at once.
#[derive(Debug)]
pub struct Reservation {
    id: Option<String>,
    db: DatabaseConnection,
}

impl Reservation {
    /// Gives the reservation's id to whoever replaces it.
    pub fn claim(mut self) -> Option<String> {
        self.id.take()
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        if let Some(id) = self.id.take() {
            let db = self.db.clone();
            tokio::spawn(async move {
                if let Err(e) = spend_reservation::Entity::delete_by_id(id).exec(&db).await {
                    tracing::warn!(error = %e, "could not delete an unused spend reservation; it expires");
                }
            });
        }
    }
}

/// Reserves `worst` (USD; `None` when the model's prices are unknown) for one call of
/// `user_id`, whom the caller found to have a cap (read without the lock, so that a user
/// without one costs no write); if the cap is gone meanwhile, `None` is returned. A call that would pass
/// the cap is refused with 402, naming when the period resets.
pub async fn reserve(
    state: &AppState,
    user_id: &str,
    worst: Option<f64>,
) -> Result<Option<Reservation>, AppError> {
    let Some(worst) = worst.filter(|w| w.is_finite() && *w >= 0.0) else {
        return Err(AppError::new(
            422,
            "Price unknown",
            "OpenRouter lists no price for this model, so your spending limit cannot be kept. \
             Choose a model from the list, or remove the limit in settings.",
        ));
    };
    let now = state.clock.now();
    let txn = state.db.begin().await.map_err(db_failed)?;
    crate::db::lock_user(&txn, user_id)
        .await
        .map_err(db_failed)?;
    let Some(row) = spend_limit::Entity::find_by_id(user_id.to_owned())
        .one(&txn)
        .await
        .map_err(db_failed)?
    else {
        txn.commit().await.map_err(db_failed)?;
        return Ok(None);
    };
    let period = period_of(&row);
    let window = period.window(now).ok_or_else(AppError::internal)?;
    // Reservations left by a crashed instance no longer count; clear them while holding the lock.
    spend_reservation::Entity::delete_many()
        .filter(spend_reservation::Column::UserId.eq(user_id))
        .filter(spend_reservation::Column::ExpiresAt.lte(now))
        .exec(&txn)
        .await
        .map_err(db_failed)?;
    let spent = totals::spent(&txn, user_id, &window)
        .await
        .map_err(db_failed)?;
    let in_flight = totals::in_flight(&txn, user_id, now)
        .await
        .map_err(db_failed)?;
    // A free call cannot pass a cap, so it is never refused.
    if worst > 0.0 && spent + in_flight + worst > row.amount_usd + EPSILON {
        spend_limit::Entity::update_many()
            .col_expr(
                spend_limit::Column::RefusedPeriod,
                sea_orm::sea_query::Expr::value(window.start_day()),
            )
            .filter(spend_limit::Column::UserId.eq(user_id))
            .exec(&txn)
            .await
            .map_err(db_failed)?;
        txn.commit().await.map_err(db_failed)?;
        tracing::info!(user.id = %user_id, spend.period = period.as_str(), "AI call refused at the spending limit");
        let running = if in_flight > 0.0 {
            format!(" ({} of it held by calls still running)", usd(in_flight))
        } else {
            String::new()
        };
        return Err(AppError::new(
            402,
            "Spending limit reached",
            format!(
                "This call could cost up to {}, and {} of your {} {} limit is already used{running}. \
                 The limit resets {}; you can raise it in settings.",
                usd(worst),
                usd(spent + in_flight),
                usd(row.amount_usd),
                period.adjective(),
                describe_reset(window.resets_at()),
            ),
        ));
    }
    let id = new_id(now);
    spend_reservation::Entity::insert(spend_reservation::ActiveModel {
        id: Set(id.clone()),
        user_id: Set(user_id.to_owned()),
        amount_usd: Set(worst),
        created_at: Set(now),
        expires_at: Set(now + RESERVATION_TTL),
    })
    .exec(&txn)
    .await
    .map_err(db_failed)?;
    txn.commit().await.map_err(db_failed)?;
    Ok(Some(Reservation {
        id: Some(id),
        db: state.db.clone(),
    }))
}
