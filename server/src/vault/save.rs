//! Saving a key: the format check, the limits on live checks, OpenRouter's verdict, then the
//! encrypted row and its log entry in one transaction.
//!
//! Every save that passes the format check is a live call to OpenRouter with the key, so the
//! studio would otherwise be an oracle for testing stolen keys. A save takes a slot per user and
//! per client address (IPv6 per /64) before that call, and keeps it whatever OpenRouter says
//! about the key; only a failure on the studio's or OpenRouter's side (a 5xx or a timeout, when
//! nothing was learnt about the key) hands the slots back.

use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, EntityTrait, TransactionTrait};

use app::AppError;

use crate::auth::AuthUser;
use crate::entities::user_api_key;
use crate::kit::{db_failed, RequestMeta};
use crate::openrouter::ApiKey;
use crate::openrouter::UpstreamError;
use crate::rate_limit::counted;
use crate::state::AppState;
use crate::vault::envelope;
use crate::vault::events::log_event;
use crate::vault::facts;
use crate::vault::usecases::{lock_row, status};

/// How a key reached the studio; it names the key log's entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// Pasted into settings (or sent to the REST API): `set` or `replaced`.
    Pasted,
    /// Handed back by OpenRouter's OAuth flow ("Connect with OpenRouter"): `connected`.
    OpenRouter,
}

/// Validates `raw`, checks it with OpenRouter, encrypts and stores it. On any failure the
/// previously stored key stays exactly as it was.
pub async fn save_key(
    state: &AppState,
    auth: &AuthUser,
    meta: &RequestMeta,
    raw: &str,
) -> Result<(), AppError> {
    save_key_via(state, auth, meta, raw, Via::Pasted).await
}

/// [`save_key`] for a key that arrived `via` the paste box or the OAuth flow: the same checks,
/// limits, encryption and log; only the log entry's name differs.
pub async fn save_key_via(
    state: &AppState,
    auth: &AuthUser,
    meta: &RequestMeta,
    raw: &str,
    via: Via,
) -> Result<(), AppError> {
    // A malformed key is refused before it costs a slot: it reaches nobody.
    let key = ApiKey::parse(raw)?;
    let limits = &state.limits;
    counted(
        &limits.key_save_user,
        &limits.key_save_ip,
        &auth.user_id,
        meta.ip,
        state.clock.unix(),
        verify_and_store(state, auth, meta, &key, via),
    )
    .await
}

async fn verify_and_store(
    state: &AppState,
    auth: &AuthUser,
    meta: &RequestMeta,
    key: &ApiKey,
    via: Via,
) -> Result<(), AppError> {
    let info = match state.openrouter.key_info(key).await {
        Ok(info) => info,
        Err(e) => return Err(verification_failed(state, auth, meta, key, e).await),
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
    let txn = state.db.begin().await.map_err(db_failed)?;
    // The user's row first: on PostgreSQL a key row that does not exist yet locks nothing, so
    // two first saves would both read "no key" and both log "set". Taking the time after the
    // lock makes the key log's order the order in which saves won.
    crate::db::lock_user(&txn, &auth.user_id)
        .await
        .map_err(db_failed)?;
    let now = state.clock.now();
    let existed = lock_row(&txn, &auth.user_id).await?;
    let mut row = user_api_key::ActiveModel {
        user_id: Set(auth.user_id.clone()),
        secret_enc: Set(sealed),
        key_version: Set(i32::try_from(kid).unwrap_or(i32::MAX)),
        last6: Set(key.last6()),
        status: Set(status::ACTIVE.to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
        verified_at: Set(Some(now)),
        key_sha256: Set(Some(key_sha256(key))),
        or_usage_daily: Set(info.usage_daily),
        health_checked_at: Set(Some(now.timestamp())),
        refresh_claimed_at: Set(None),
        free_cap_hit_at: Set(None),
        ..Default::default()
    };
    facts::set_on(&mut row, facts::from_key_info(&info, &key.last6()));
    use user_api_key::Column as C;
    user_api_key::Entity::insert(row)
        .on_conflict(
            OnConflict::column(C::UserId)
                .update_columns(
                    [
                        C::SecretEnc,
                        C::KeyVersion,
                        C::Last6,
                        C::Status,
                        C::UpdatedAt,
                        C::VerifiedAt,
                        C::KeySha256,
                        C::OrUsageDaily,
                        C::HealthCheckedAt,
                        C::RefreshClaimedAt,
                        C::FreeCapHitAt,
                    ]
                    .into_iter()
                    .chain(facts::COLUMNS),
                )
                .to_owned(),
        )
        .exec(&txn)
        .await
        .map_err(db_failed)?;
    let kind = match (via, existed) {
        (Via::OpenRouter, _) => "connected",
        (Via::Pasted, true) => "replaced",
        (Via::Pasted, false) => "set",
    };
    log_event(
        &txn,
        &auth.user_id,
        kind,
        Some(meta),
        Some(key.last6()),
        now,
    )
    .await?;
    crate::cache::announce(&txn, &auth.user_id)
        .await
        .map_err(db_failed)?;
    txn.commit().await.map_err(db_failed)?;
    state.cache.forget_user(&auth.user_id);
    tracing::info!(user.id = %auth.user_id, key.version = kid, event = kind, "API key stored");
    Ok(())
}

/// The lowercase hex SHA-256 of the key: OpenRouter names the key's page by it. It opens
/// nothing and is kept in place of the key, never beside it in a form that could be reversed.
fn key_sha256(key: &ApiKey) -> String {
    use secrecy::ExposeSecret;
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(key.secret().expose_secret().as_bytes()))
}

async fn verification_failed(
    state: &AppState,
    auth: &AuthUser,
    meta: &RequestMeta,
    key: &ApiKey,
    e: UpstreamError,
) -> AppError {
    match e {
        UpstreamError::Status {
            status: 401 | 403, ..
        } => {
            if let Err(err) = log_rejected_save(state, auth, meta, key).await {
                tracing::warn!(user.id = %auth.user_id, error = %err, "could not log a refused key");
            }
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

async fn log_rejected_save(
    state: &AppState,
    auth: &AuthUser,
    meta: &RequestMeta,
    key: &ApiKey,
) -> Result<(), AppError> {
    let txn = state.db.begin().await.map_err(db_failed)?;
    log_event(
        &txn,
        &auth.user_id,
        "rejected",
        Some(meta),
        Some(key.last6()),
        state.clock.now(),
    )
    .await?;
    txn.commit().await.map_err(db_failed)
}
