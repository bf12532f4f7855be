//! Who is asking: the [`AuthUser`] extractor (REST) and [`caller`] (server functions).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use http::Extensions;
use tower_sessions::Session;

use app::AppError;

use crate::auth::session;
use crate::error::HttpError;
use crate::state::AppState;

/// A signed-in caller. Handlers that take one answer 401 to anonymous callers.
#[derive(Clone)]
pub struct AuthUser {
    /// The user's id.
    pub user_id: String,
    /// Their session.
    pub session: Session,
}

impl std::fmt::Debug for AuthUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthUser")
            .field("user_id", &self.user_id)
            .finish_non_exhaustive()
    }
}

/// The caller behind a request's extensions, if signed in.
pub async fn caller(
    state: &AppState,
    extensions: &Extensions,
) -> Result<Option<AuthUser>, AppError> {
    let Some(session) = extensions.get::<Session>().cloned() else {
        tracing::error!("the session layer is missing");
        return Err(AppError::internal());
    };
    let now = state.clock.unix();
    Ok(session::user_id(&session, state.session_policy, now)
        .await?
        .map(|user_id| AuthUser { user_id, session }))
}

/// The caller, or 401.
pub async fn require(state: &AppState, extensions: &Extensions) -> Result<AuthUser, AppError> {
    caller(state, extensions)
        .await?
        .ok_or_else(AppError::unauthenticated)
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = HttpError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(require(state, &parts.extensions).await?)
    }
}
