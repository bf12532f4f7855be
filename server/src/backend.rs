//! The implementation of `app`'s [`Backend`] port: each method works out who is asking from the
//! request, then calls the same use case the matching REST route calls.

use app::ports::Backend;
use app::wire::{ApiKeyEventPage, ApiKeyStatus, Redacted, ServerStatus, SessionInfo, UserDto};
use app::AppError;
use http::request::Parts;
use secrecy::{ExposeSecret, SecretString};
use tower_sessions::Session;

use crate::auth::{extract, session, usecases};
use crate::routes::health;
use crate::state::AppState;
use crate::vault::usecases as vault;
use crate::web::meta::request_meta;

/// The server-side use cases, as server functions reach them.
pub struct StudioBackend {
    state: AppState,
}

impl StudioBackend {
    /// Wraps the application state.
    pub fn new(state: AppState) -> Self {
        Self { state }
    }
}

fn session_of(req: &Parts) -> Result<Session, AppError> {
    req.extensions.get::<Session>().cloned().ok_or_else(|| {
        tracing::error!("the session layer is missing");
        AppError::internal()
    })
}

#[async_trait::async_trait]
impl Backend for StudioBackend {
    async fn server_status(&self) -> Result<ServerStatus, AppError> {
        Ok(health::status(&self.state).await)
    }

    async fn sign_up(
        &self,
        req: &Parts,
        email: String,
        password: Redacted,
        name: Option<String>,
    ) -> Result<UserDto, AppError> {
        let meta = request_meta(&self.state, &req.extensions, &req.headers);
        let password = SecretString::from(password.0);
        usecases::sign_up(
            &self.state,
            &session_of(req)?,
            &meta,
            &email,
            password,
            name,
        )
        .await
    }

    async fn sign_in(
        &self,
        req: &Parts,
        email: String,
        password: Redacted,
    ) -> Result<UserDto, AppError> {
        let meta = request_meta(&self.state, &req.extensions, &req.headers);
        let password = SecretString::from(password.0);
        usecases::sign_in(&self.state, &session_of(req)?, &meta, &email, password).await
    }

    async fn sign_out(&self, req: &Parts) -> Result<(), AppError> {
        session::end(&session_of(req)?).await
    }

    async fn current_user(&self, req: &Parts) -> Result<Option<UserDto>, AppError> {
        match extract::caller(&self.state, &req.extensions).await? {
            Some(auth) => Ok(Some(usecases::current_user(&self.state, &auth).await?)),
            None => Ok(None),
        }
    }

    async fn list_sessions(&self, req: &Parts) -> Result<Vec<SessionInfo>, AppError> {
        let auth = extract::require(&self.state, &req.extensions).await?;
        usecases::list_sessions(&self.state, &auth).await
    }

    async fn end_session(&self, req: &Parts, id: String) -> Result<(), AppError> {
        let auth = extract::require(&self.state, &req.extensions).await?;
        usecases::end_session(&self.state, &auth, &id).await
    }

    async fn end_other_sessions(&self, req: &Parts) -> Result<u64, AppError> {
        let auth = extract::require(&self.state, &req.extensions).await?;
        usecases::end_other_sessions(&self.state, &auth).await
    }

    async fn key_status(&self, req: &Parts) -> Result<ApiKeyStatus, AppError> {
        let auth = extract::require(&self.state, &req.extensions).await?;
        vault::key_status(&self.state, &auth).await
    }

    async fn save_key(&self, req: &Parts, api_key: Redacted) -> Result<UserDto, AppError> {
        let auth = extract::require(&self.state, &req.extensions).await?;
        let meta = request_meta(&self.state, &req.extensions, &req.headers);
        let secret = SecretString::from(api_key.0);
        vault::save_key(&self.state, &auth, &meta, secret.expose_secret()).await
    }

    async fn remove_key(&self, req: &Parts) -> Result<(), AppError> {
        let auth = extract::require(&self.state, &req.extensions).await?;
        let meta = request_meta(&self.state, &req.extensions, &req.headers);
        vault::remove_key(&self.state, &auth, &meta).await
    }

    async fn key_events(&self, req: &Parts, page: u32) -> Result<ApiKeyEventPage, AppError> {
        let auth = extract::require(&self.state, &req.extensions).await?;
        vault::key_events(&self.state, &auth, page, 20).await
    }
}
