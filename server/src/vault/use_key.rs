//! Using a stored key for one upstream call, and what a call learns about it.
//!
//! State changes are exact: the status of a row changes only by compare-and-swap on the
//! ciphertext it was about (`WHERE user_id = ? AND secret_enc = ?`), so a verdict that arrives
//! late (a slow 401 for a key the user has since replaced) never lands on the newer key. A ring
//! that lacks the row's key version (a rolling deploy, one instance still on an older
//! `STUDIO_MASTER_KEYS`) is this server's problem, not the key's: it answers 503 and leaves the
//! row alone, and so does a row under a retired version (503 until `studio rewrap` moves it).
//! Only a ciphertext that fails authentication marks the key unusable.

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, TransactionTrait};

use app::AppError;

use crate::entities::user_api_key;
use crate::kit::db_failed;
use crate::state::AppState;
use crate::vault::envelope::{self, EnvelopeError};
use crate::vault::events::log_event;
use crate::vault::key::{KeyOrigin, StoredKey};
use crate::vault::usecases::{key_rejected, status, unusable};

/// This server's ring lacks the version the stored key is under.
fn ring_lacks_version() -> AppError {
    AppError::new(
        503,
        "Key vault unavailable",
        "This server cannot open your stored key right now (it does not have the encryption key \
         it was saved under). Your key is unchanged; please try again in a moment.",
    )
}

/// The stored key is under a retired version (below `STUDIO_MIN_DECRYPTION_VERSION`): only
/// `studio rewrap` can move it; the key itself is fine and its status is left alone.
fn retired_version() -> AppError {
    AppError::new(
        503,
        "Key version retired",
        "Your stored key was saved under an encryption key this server no longer uses, and is \
         waiting to be moved to the current one. Your key is unchanged; please try again later.",
    )
}

/// The user's stored key row (ciphertext, status and facts; never the plaintext), from the cache
/// when it holds it ([`crate::cache`]), else read. `None` when no key is stored.
pub async fn key_row(
    state: &AppState,
    user_id: &str,
) -> Result<Option<user_api_key::Model>, AppError> {
    let load = async {
        user_api_key::Entity::find_by_id(user_id.to_owned())
            .one(&state.db)
            .await
            .map_err(db_failed)
    };
    state.cache.key(user_id, load).await
}

/// Decrypts the caller's key for one upstream call. `Ok(None)` when no key is stored. A key
/// that fails authentication is marked unusable, logged, and never sent anywhere.
///
/// The row (ciphertext, status and facts; never the plaintext) comes from the cache when it
/// holds it ([`crate::cache`]); the key is decrypted for each call, so the plaintext lives only
/// as long as the call, and a ring reloaded or a version retired applies at once.
pub async fn stored_key(state: &AppState, user_id: &str) -> Result<Option<StoredKey>, AppError> {
    let Some(row) = key_row(state, user_id).await? else {
        return Ok(None);
    };
    match row.status.as_str() {
        status::UNUSABLE => return Err(unusable()),
        // Not sent again: OpenRouter said it is revoked or disabled; saving a key (the same one,
        // re-verified, or a new one) makes it active again.
        status::REJECTED => return Err(key_rejected()),
        _ => {}
    }
    let kid = u32::try_from(row.key_version).unwrap_or(0);
    let opened = envelope::open(&state.ring.current(), user_id, kid, &row.secret_enc);
    let failure = match opened {
        Ok(secret) => match StoredKey::from_decrypted(secret, row.secret_enc.clone()) {
            Ok(key) => return Ok(Some(key.with_checked_at(row.health_checked_at))),
            // It opened, so it is authentic, yet it is no key: it can never be used.
            Err(_) => EnvelopeError::Unauthentic,
        },
        Err(EnvelopeError::UnknownKey(missing)) => {
            tracing::error!(user.id = %user_id, key.version = missing, "the key ring lacks the version a stored key is under; is STUDIO_MASTER_KEYS or the ring file behind the other instances?");
            return Err(ring_lacks_version());
        }
        Err(EnvelopeError::Retired(retired)) => {
            tracing::error!(user.id = %user_id, key.version = retired, "a stored key is under a retired master-key version; run `studio rewrap` to move it to the primary");
            return Err(retired_version());
        }
        Err(e) => e,
    };
    tracing::error!(user.id = %user_id, key.version = kid, error = %failure, "a stored key could not be decrypted");
    let origin = KeyOrigin {
        sealed: row.secret_enc,
        last6: row.last6,
    };
    swap_status(state, user_id, &origin, status::UNUSABLE, "unusable").await?;
    Err(unusable())
}

/// Marks the key a call was made with as rejected by OpenRouter, and logs it; a key saved
/// since (another ciphertext) is left alone. `origin` is [`StoredKey::origin`].
pub async fn mark_rejected(
    state: &AppState,
    user_id: &str,
    origin: Option<&KeyOrigin>,
) -> Result<(), AppError> {
    let Some(origin) = origin else {
        return Ok(());
    };
    let swapped = swap_status(state, user_id, origin, status::REJECTED, "rejected").await?;
    if !swapped {
        tracing::info!(user.id = %user_id, "a refusal arrived for a key that has since changed; the stored key is left as it is");
    }
    Ok(())
}

/// Moves the row that still holds `origin`'s ciphertext, and is active, to `to`, and logs
/// `event` in the same transaction. Says whether it did.
async fn swap_status(
    state: &AppState,
    user_id: &str,
    origin: &KeyOrigin,
    to: &str,
    event: &str,
) -> Result<bool, AppError> {
    let txn = state.db.begin().await.map_err(db_failed)?;
    let swapped = swap_in(&txn, user_id, origin, to).await?;
    if swapped {
        log_event(
            &txn,
            user_id,
            event,
            None,
            Some(origin.last6.clone()),
            state.clock.now(),
        )
        .await?;
        crate::cache::announce(&txn, user_id)
            .await
            .map_err(db_failed)?;
    }
    txn.commit().await.map_err(db_failed)?;
    if swapped {
        state.cache.forget_user(user_id);
    }
    Ok(swapped)
}

async fn swap_in(
    txn: &DatabaseTransaction,
    user_id: &str,
    origin: &KeyOrigin,
    to: &str,
) -> Result<bool, AppError> {
    let res = user_api_key::Entity::update_many()
        .col_expr(user_api_key::Column::Status, Expr::value(to))
        .filter(user_api_key::Column::UserId.eq(user_id))
        .filter(user_api_key::Column::SecretEnc.eq(origin.sealed.as_str()))
        .filter(user_api_key::Column::Status.eq(status::ACTIVE))
        .exec(txn)
        .await
        .map_err(db_failed)?;
    Ok(res.rows_affected > 0)
}
