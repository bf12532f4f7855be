//! The key-vault use cases, called by the REST routes, the server functions and the AI proxy.
//!
//! Reads never decrypt: the mask and OpenRouter's facts are stored beside the ciphertext. The
//! plaintext exists only in [`stored_key`], for the duration of one upstream call.

use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    QueryFilter, TransactionTrait,
};

use app::wire::{ApiKeyStatus, OpenRouterFacts, UserDto};
use app::AppError;

use crate::auth::usecases::{current_user, db_failed, RequestMeta};
use crate::auth::AuthUser;
use crate::entities::user_api_key;
use crate::openrouter::UpstreamError;
use crate::state::AppState;
use crate::vault::envelope::{self, EnvelopeError};
pub use crate::vault::events::key_events;
use crate::vault::events::log_event;
use crate::vault::key::{mask, OpenRouterKey};

/// The key statuses.
pub mod status {
    /// Usable.
    pub const ACTIVE: &str = "active";
    /// OpenRouter refused it on a call.
    pub const REJECTED: &str = "rejected";
    /// It cannot be decrypted and must be entered again.
    pub const UNUSABLE: &str = "unusable";
}

fn unusable() -> AppError {
    AppError::new(
        409,
        "API key unusable",
        "The stored key can no longer be used; please enter it again in settings.",
    )
}

/// OpenRouter refused the stored key: on a call, or earlier (it is then not sent again).
pub fn key_rejected() -> AppError {
    AppError::new(
        400,
        "API key rejected",
        "OpenRouter rejected your stored API key (it may have been revoked, disabled, or be a \
         management key). Please update your key in settings.",
    )
}

/// The caller's key status, without decrypting anything.
pub async fn key_status(state: &AppState, auth: &AuthUser) -> Result<ApiKeyStatus, AppError> {
    let row = user_api_key::Entity::find_by_id(auth.user_id.clone())
        .one(&state.db)
        .await
        .map_err(db_failed)?;
    Ok(match row {
        None => ApiKeyStatus {
            has_api_key: false,
            api_key: None,
            status: None,
            created_at: None,
            updated_at: None,
            verified_at: None,
            openrouter: None,
        },
        Some(r) => ApiKeyStatus {
            has_api_key: true,
            api_key: Some(mask(&r.last6)),
            status: Some(r.status),
            created_at: Some(r.created_at.to_rfc3339()),
            updated_at: Some(r.updated_at.to_rfc3339()),
            verified_at: r.verified_at.map(|t| t.to_rfc3339()),
            openrouter: Some(OpenRouterFacts {
                label: r.or_label,
                limit: r.or_limit,
                limit_remaining: r.or_limit_remaining,
                limit_reset: r.or_limit_reset,
                usage: r.or_usage,
                is_free_tier: r.or_is_free_tier,
                expires_at: r.or_expires_at,
            }),
        },
    })
}

/// Validates `raw`, checks it with OpenRouter, encrypts and stores it. On any failure the
/// previously stored key stays exactly as it was.
pub async fn save_key(
    state: &AppState,
    auth: &AuthUser,
    meta: &RequestMeta,
    raw: &str,
) -> Result<UserDto, AppError> {
    let key = OpenRouterKey::parse(raw)?;
    let info = match state.openrouter.key_info(&key).await {
        Ok(info) => info,
        Err(e) => return Err(verification_failed(state, auth, meta, &key, e).await),
    };
    if info.is_management_key || info.is_provisioning_key {
        return Err(AppError::new(
            422,
            "Management key",
            "This is an OpenRouter management key, which cannot run completions. Create an \
             inference key at openrouter.ai/settings/keys and use that instead.",
        ));
    }
    let ring = state.ring.current();
    let (sealed, kid) = envelope::seal(&ring, &auth.user_id, key.secret()).map_err(|e| {
        tracing::error!(error = %e, "could not encrypt a key");
        AppError::internal()
    })?;
    let now = state.clock.now();
    let txn = state.db.begin().await.map_err(db_failed)?;
    let existed = lock_row(&txn, &auth.user_id).await?;
    let row = user_api_key::ActiveModel {
        user_id: Set(auth.user_id.clone()),
        secret_enc: Set(sealed),
        key_version: Set(i32::try_from(kid).unwrap_or(i32::MAX)),
        last6: Set(key.last6()),
        status: Set(status::ACTIVE.to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
        verified_at: Set(Some(now)),
        or_label: Set(info.label.clone()),
        or_limit: Set(info.limit),
        or_limit_remaining: Set(info.limit_remaining),
        or_limit_reset: Set(info.limit_reset.clone()),
        or_usage: Set(info.usage),
        or_is_free_tier: Set(info.is_free_tier),
        or_expires_at: Set(info.expires_at.clone()),
    };
    use user_api_key::Column as C;
    user_api_key::Entity::insert(row)
        .on_conflict(
            OnConflict::column(C::UserId)
                .update_columns([
                    C::SecretEnc,
                    C::KeyVersion,
                    C::Last6,
                    C::Status,
                    C::UpdatedAt,
                    C::VerifiedAt,
                    C::OrLabel,
                    C::OrLimit,
                    C::OrLimitRemaining,
                    C::OrLimitReset,
                    C::OrUsage,
                    C::OrIsFreeTier,
                    C::OrExpiresAt,
                ])
                .to_owned(),
        )
        .exec(&txn)
        .await
        .map_err(db_failed)?;
    let kind = if existed { "replaced" } else { "set" };
    log_event(&txn, &auth.user_id, kind, Some(meta), Some(key.last6())).await?;
    txn.commit().await.map_err(db_failed)?;
    tracing::info!(user.id = %auth.user_id, key.version = kid, event = kind, "API key stored");
    current_user(state, auth).await
}

async fn verification_failed(
    state: &AppState,
    auth: &AuthUser,
    meta: &RequestMeta,
    key: &OpenRouterKey,
    e: UpstreamError,
) -> AppError {
    match e {
        UpstreamError::Status {
            status: 401 | 403, ..
        } => {
            let _ = log_event(
                &state.db,
                &auth.user_id,
                "rejected",
                Some(meta),
                Some(key.last6()),
            )
            .await;
            AppError::new(
                422,
                "Key rejected",
                "OpenRouter rejected this key. Check that you copied the whole key and that it has not been revoked.",
            )
        }
        other => {
            tracing::warn!(error = %other, "could not verify a key with OpenRouter");
            AppError::new(
                503,
                "OpenRouter unreachable",
                "We could not reach OpenRouter to verify the key; nothing was changed. Please try again in a moment.",
            )
        }
    }
}

/// Opens a write on the user's row as a transaction's first statement, and says whether the row
/// exists. Writing first matters on SQLite: a transaction that reads first cannot later upgrade
/// to a write once another save has committed ("database is locked"), whereas one that writes
/// first simply waits its turn. On PostgreSQL it locks the row until the transaction ends.
async fn lock_row(txn: &DatabaseTransaction, user_id: &str) -> Result<bool, AppError> {
    let touched = user_api_key::Entity::update_many()
        .col_expr(
            user_api_key::Column::UpdatedAt,
            Expr::col(user_api_key::Column::UpdatedAt).into(),
        )
        .filter(user_api_key::Column::UserId.eq(user_id))
        .exec(txn)
        .await
        .map_err(db_failed)?;
    Ok(touched.rows_affected > 0)
}

/// Deletes the caller's key (succeeds when there is none).
pub async fn remove_key(
    state: &AppState,
    auth: &AuthUser,
    meta: &RequestMeta,
) -> Result<(), AppError> {
    let txn = state.db.begin().await.map_err(db_failed)?;
    lock_row(&txn, &auth.user_id).await?;
    let old = user_api_key::Entity::find_by_id(auth.user_id.clone())
        .one(&txn)
        .await
        .map_err(db_failed)?;
    if let Some(old) = old {
        user_api_key::Entity::delete_by_id(auth.user_id.clone())
            .exec(&txn)
            .await
            .map_err(db_failed)?;
        log_event(&txn, &auth.user_id, "removed", Some(meta), Some(old.last6)).await?;
        tracing::info!(user.id = %auth.user_id, "API key removed");
    }
    txn.commit().await.map_err(db_failed)
}

/// Decrypts the caller's key for one upstream call. `Ok(None)` when no key is stored. A key
/// that cannot be decrypted is marked unusable, logged, and never sent anywhere.
pub async fn stored_key(
    state: &AppState,
    user_id: &str,
) -> Result<Option<OpenRouterKey>, AppError> {
    let Some(row) = user_api_key::Entity::find_by_id(user_id.to_owned())
        .one(&state.db)
        .await
        .map_err(db_failed)?
    else {
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
    match envelope::open(&state.ring.current(), user_id, kid, &row.secret_enc)
        .map_err(|e| (e, ()))
        .and_then(|s| {
            OpenRouterKey::from_decrypted(s).map_err(|_| (EnvelopeError::Unauthentic, ()))
        }) {
        Ok(key) => Ok(Some(key)),
        Err((e, ())) => {
            tracing::error!(user.id = %user_id, key.version = kid, error = %e, "a stored key could not be decrypted");
            set_status(&state.db, user_id, status::UNUSABLE).await?;
            log_event(&state.db, user_id, "unusable", None, Some(row.last6)).await?;
            Err(unusable())
        }
    }
}

/// Marks the user's key as rejected by OpenRouter and logs it.
pub async fn mark_rejected(state: &AppState, user_id: &str) -> Result<(), AppError> {
    set_status(&state.db, user_id, status::REJECTED).await?;
    log_event(&state.db, user_id, "rejected", None, None).await
}

async fn set_status(db: &DatabaseConnection, user_id: &str, to: &str) -> Result<(), AppError> {
    user_api_key::Entity::update_many()
        .col_expr(user_api_key::Column::Status, Expr::value(to))
        .filter(user_api_key::Column::UserId.eq(user_id))
        .exec(db)
        .await
        .map_err(db_failed)?;
    Ok(())
}
