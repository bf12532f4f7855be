//! The key-vault use cases, called by the REST routes, the server functions and the AI proxy.
//!
//! Reads never decrypt: the mask and OpenRouter's facts are stored beside the ciphertext. The
//! plaintext exists only in [`stored_key`], for the duration of one upstream call. Saving is in
//! [`crate::vault::save`], using a key and what calls learn about it in
//! [`crate::vault::use_key`].

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, TransactionTrait};

use app::keys::ssr::KeysPort;
use app::wire::{ApiKeyEventPage, ApiKeyStatus, KeyHealth, Redacted};
use app::AppError;
use http::request::Parts;
use secrecy::{ExposeSecret, SecretString};

use crate::auth::extract::require;
use crate::auth::AuthUser;
use crate::backend::StudioBackend;
use crate::entities::user_api_key;
use crate::kit::{db_failed, RequestMeta};
use crate::state::AppState;
pub use crate::vault::events::key_events;
use crate::vault::events::log_event;
use crate::vault::facts;
use crate::vault::key::mask;
pub use crate::vault::save::{save_key, save_key_via, Via};
use crate::vault::use_key::key_row;
pub use crate::vault::use_key::{mark_rejected, stored_key};

/// The key statuses.
pub mod status {
    /// Usable.
    pub const ACTIVE: &str = "active";
    /// OpenRouter refused it on a call.
    pub const REJECTED: &str = "rejected";
    /// It cannot be decrypted and must be entered again.
    pub const UNUSABLE: &str = "unusable";
}

pub(crate) fn unusable() -> AppError {
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
    .with_kind("authentication")
}

/// The caller's key status, without decrypting anything (the row from the cache when it holds it).
pub async fn key_status(state: &AppState, auth: &AuthUser) -> Result<ApiKeyStatus, AppError> {
    Ok(match key_row(state, &auth.user_id).await? {
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
            openrouter: Some(facts::of_row(&r)),
            status: Some(r.status),
            created_at: Some(r.created_at.to_rfc3339()),
            updated_at: Some(r.updated_at.to_rfc3339()),
            verified_at: r.verified_at.map(|t| t.to_rfc3339()),
        },
    })
}

/// What may soon stop the caller's key (the banners), from the stored facts; nothing when no
/// key is stored. Reads only: the facts are refreshed in the background ([`crate::vault::health`]).
pub async fn key_health(state: &AppState, auth: &AuthUser) -> Result<KeyHealth, AppError> {
    Ok(key_row(state, &auth.user_id)
        .await?
        .map(|r| crate::vault::health_view::health(&r, state.clock.now()))
        .unwrap_or_default())
}

/// Opens a write on the user's row as a transaction's first statement, and says whether the row
/// exists. Writing first matters on SQLite: a transaction that reads first cannot later upgrade
/// to a write once another save has committed ("database is locked"), whereas one that writes
/// first simply waits its turn. On PostgreSQL it locks the row until the transaction ends.
pub(crate) async fn lock_row(txn: &DatabaseTransaction, user_id: &str) -> Result<bool, AppError> {
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
        log_event(
            &txn,
            &auth.user_id,
            "removed",
            Some(meta),
            Some(old.last6),
            state.clock.now(),
        )
        .await?;
        crate::cache::announce(&txn, &auth.user_id)
            .await
            .map_err(db_failed)?;
        tracing::info!(user.id = %auth.user_id, "API key removed");
    }
    txn.commit().await.map_err(db_failed)?;
    state.cache.forget_user(&auth.user_id);
    Ok(())
}

#[async_trait::async_trait]
impl KeysPort for StudioBackend {
    async fn key_status(&self, req: &Parts) -> Result<ApiKeyStatus, AppError> {
        key_status(&self.state, &require(&self.state, &req.extensions).await?).await
    }

    async fn save_key(&self, req: &Parts, api_key: Redacted) -> Result<(), AppError> {
        let auth = require(&self.state, &req.extensions).await?;
        let secret = SecretString::from(api_key.0);
        save_key(&self.state, &auth, &self.meta(req), secret.expose_secret()).await
    }

    async fn remove_key(&self, req: &Parts) -> Result<(), AppError> {
        let auth = require(&self.state, &req.extensions).await?;
        remove_key(&self.state, &auth, &self.meta(req)).await
    }

    async fn key_health(&self, req: &Parts) -> Result<KeyHealth, AppError> {
        key_health(&self.state, &require(&self.state, &req.extensions).await?).await
    }

    async fn key_events(&self, req: &Parts, page: u32) -> Result<ApiKeyEventPage, AppError> {
        key_events(
            &self.state,
            &require(&self.state, &req.extensions).await?,
            page,
            20,
        )
        .await
    }
}
