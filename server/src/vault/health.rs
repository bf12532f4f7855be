//! Key health: OpenRouter's facts about a key in use are read again in the background, at most
//! once an hour per key ([`REFRESH_EVERY_SECS`]) and right after a call got 401 or 402, and a
//! call that hits the free tier's daily cap is noted. What the banners say is in
//! [`crate::vault::health_view`].
//!
//! Every instance may notice that a refresh is due; only the one whose compare-and-swap on
//! `refresh_claimed_at` matched a row (still holding the key's ciphertext, due, and not claimed
//! in the last [`CLAIM_STALE_SECS`]) makes the call, so instances never duplicate a refresh. A
//! claim whose refresh failed (OpenRouter down) lapses after those seconds. Writes land only on
//! the row that still holds the ciphertext the key came from.

use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::entities::user_api_key::{self, Column as C};
use crate::openrouter::{ApiKey, UpstreamError};
use crate::state::AppState;
use crate::vault::facts;
use crate::vault::key::{KeyOrigin, StoredKey};
use crate::vault::use_key::mark_rejected;

/// Facts older than this are read again when the key is next used.
pub const REFRESH_EVERY_SECS: i64 = 60 * 60;
/// A claim older than this is taken to have failed, and may be taken again.
pub const CLAIM_STALE_SECS: i64 = 120;
/// After a 401 or 402, facts read this recently are fresh enough (a burst of refusals makes
/// one refresh, not one per refusal).
pub const AFTER_REFUSAL_FRESH_SECS: i64 = 30;

/// Why a refresh is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// The key was used and its facts are over an hour old.
    Hourly,
    /// OpenRouter just answered 401 or 402 to a call with it.
    Refused,
}

/// What a call with `key` learnt, acted on in the background: a refresh when due or after a
/// 401/402, a note of the free tier's daily cap after its 429. Never delays the call.
pub fn after_call(state: &AppState, user_id: &str, key: &StoredKey, error: Option<&UpstreamError>) {
    let now = state.clock.unix();
    let why = match error {
        Some(UpstreamError::Status {
            status: 401 | 402, ..
        }) => Some(Why::Refused),
        Some(UpstreamError::Status {
            status: 429,
            message,
            ..
        }) if message.to_lowercase().contains("free-models-per-day") => {
            let (state, user_id, origin) =
                (state.clone(), user_id.to_owned(), key.origin().clone());
            tokio::spawn(async move { note_free_cap(&state, &user_id, &origin).await });
            None
        }
        _ => key
            .checked_at()
            .is_none_or(|t| now - t >= REFRESH_EVERY_SECS)
            .then_some(Why::Hourly),
    };
    if let Some(why) = why {
        let (state, user_id, key) = (state.clone(), user_id.to_owned(), key.clone());
        tokio::spawn(async move { refresh(&state, &user_id, key.key(), key.origin(), why).await });
    }
}

/// Claims the refresh of the row holding `origin` if it is due for `why`; says whether this
/// caller won the claim.
pub async fn claim(state: &AppState, user_id: &str, origin: &KeyOrigin, why: Why) -> bool {
    let now = state.clock.unix();
    let fresh_for = match why {
        Why::Hourly => REFRESH_EVERY_SECS,
        Why::Refused => AFTER_REFUSAL_FRESH_SECS,
    };
    let claimed = user_api_key::Entity::update_many()
        .col_expr(C::RefreshClaimedAt, Expr::value(now))
        .filter(C::UserId.eq(user_id))
        .filter(C::SecretEnc.eq(origin.sealed.as_str()))
        .filter(
            Condition::any()
                .add(C::HealthCheckedAt.is_null())
                .add(C::HealthCheckedAt.lte(now - fresh_for)),
        )
        .filter(
            Condition::any()
                .add(C::RefreshClaimedAt.is_null())
                .add(C::RefreshClaimedAt.lte(now - CLAIM_STALE_SECS)),
        )
        .exec(&state.db)
        .await;
    match claimed {
        Ok(r) => r.rows_affected == 1,
        Err(e) => {
            tracing::warn!(user.id = %user_id, error = %e, "could not claim a key-health refresh");
            false
        }
    }
}

/// Reads the key's facts from OpenRouter again, if this instance wins the claim, and stores
/// them (or marks the key rejected when OpenRouter refuses it).
pub async fn refresh(state: &AppState, user_id: &str, key: &ApiKey, origin: &KeyOrigin, why: Why) {
    if !claim(state, user_id, origin, why).await {
        return;
    }
    let now = state.clock.unix();
    let update = user_api_key::Entity::update_many()
        .col_expr(C::HealthCheckedAt, Expr::value(now))
        .col_expr(C::RefreshClaimedAt, Expr::value(Option::<i64>::None))
        .filter(C::UserId.eq(user_id))
        .filter(C::SecretEnc.eq(origin.sealed.as_str()));
    let update = match state.openrouter.key_info(key).await {
        Ok(info) => {
            let f = facts::from_key_info(&info, &origin.last6);
            update
                .col_expr(C::OrLabel, Expr::value(f.label))
                .col_expr(C::OrLimit, Expr::value(f.limit))
                .col_expr(C::OrLimitRemaining, Expr::value(f.limit_remaining))
                .col_expr(C::OrLimitReset, Expr::value(f.limit_reset))
                .col_expr(C::OrUsage, Expr::value(f.usage))
                .col_expr(C::OrIsFreeTier, Expr::value(f.is_free_tier))
                .col_expr(C::OrExpiresAt, Expr::value(f.expires_at))
                .col_expr(C::OrUsageDaily, Expr::value(info.usage_daily))
        }
        Err(UpstreamError::Status {
            status: 401 | 403, ..
        }) => {
            // Disabled, deleted or revoked: the same verdict as a refused call.
            if let Err(e) = mark_rejected(state, user_id, Some(origin)).await {
                tracing::warn!(user.id = %user_id, error = %e, "could not mark a refused key");
            }
            update
        }
        Err(e) => {
            // The claim lapses by itself, so the next call after it tries again.
            tracing::warn!(user.id = %user_id, error = %e, "could not refresh a key's facts");
            return;
        }
    };
    match store_facts(state, user_id, update).await {
        Ok(()) => tracing::info!(user.id = %user_id, why = ?why, "key facts refreshed"),
        Err(e) => tracing::warn!(user.id = %user_id, error = %e, "could not store a key's facts"),
    }
}

/// Runs `update` and announces it: the cached row's facts (`health_checked_at`, the free tier's
/// cap) move on.
async fn store_facts(
    state: &AppState,
    user_id: &str,
    update: sea_orm::UpdateMany<user_api_key::Entity>,
) -> Result<(), sea_orm::DbErr> {
    use sea_orm::TransactionTrait;
    let txn = state.db.begin().await?;
    update.exec(&txn).await?;
    crate::cache::announce(&txn, user_id).await?;
    txn.commit().await?;
    state.cache.forget_user(user_id);
    Ok(())
}

/// Notes that a call with the key holding `origin` hit the free tier's daily cap (announced, so
/// that the banner, read from the cached row, shows it on every instance).
async fn note_free_cap(state: &AppState, user_id: &str, origin: &KeyOrigin) {
    let update = user_api_key::Entity::update_many()
        .col_expr(C::FreeCapHitAt, Expr::value(state.clock.unix()))
        .filter(C::UserId.eq(user_id))
        .filter(C::SecretEnc.eq(origin.sealed.as_str()));
    if let Err(e) = store_facts(state, user_id, update).await {
        tracing::warn!(user.id = %user_id, error = %e, "could not note the free tier's cap");
    }
}
