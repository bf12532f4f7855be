//! The implementation of `app`'s [`Backend`] port: each method works out who is asking from the
//! request, then calls the same use case the matching REST route calls.

use app::ports::Backend;
use app::wire::{
    ApiKeyEventPage, ApiKeyStatus, CodeCompletionReply, CodeCompletionRequest, GenerateCodeReply,
    GenerateCodeRequest, Redacted, ServerStatus, SessionInfo, UsageReport, UserDto, Workspace,
    WorkspaceSummary,
};
use app::AppError;
use http::request::Parts;
use secrecy::{ExposeSecret, SecretString};
use tower_cookies::Cookies;
use tower_sessions::Session;

use crate::ai::usecases::{self as ai, AiReply};
use crate::auth::usecases::Browser;
use crate::auth::{extract, session, usecases};
use crate::health;
use crate::kit::request_meta;
use crate::state::AppState;
use crate::vault::usecases as vault;
use crate::workspaces;

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

/// The request's cookie jar, which the session layer put in its extensions.
fn cookies_of(req: &Parts) -> Result<Cookies, AppError> {
    req.extensions.get::<Cookies>().cloned().ok_or_else(|| {
        tracing::error!("the cookie layer is missing");
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
        let meta = request_meta(&self.state.config.trusted_proxies, &req.extensions, &req.headers);
        let password = SecretString::from(password.0);
        let (session, cookies) = (session_of(req)?, cookies_of(req)?);
        let browser = Browser {
            session: &session,
            cookies: &cookies,
            meta: &meta,
        };
        usecases::sign_up(&self.state, &browser, &email, password, name).await
    }

    async fn sign_in(
        &self,
        req: &Parts,
        email: String,
        password: Redacted,
    ) -> Result<UserDto, AppError> {
        let meta = request_meta(&self.state.config.trusted_proxies, &req.extensions, &req.headers);
        let password = SecretString::from(password.0);
        let (session, cookies) = (session_of(req)?, cookies_of(req)?);
        let browser = Browser {
            session: &session,
            cookies: &cookies,
            meta: &meta,
        };
        usecases::sign_in(&self.state, &browser, &email, password).await
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

    async fn save_key(&self, req: &Parts, api_key: Redacted) -> Result<(), AppError> {
        let auth = extract::require(&self.state, &req.extensions).await?;
        let meta = request_meta(&self.state.config.trusted_proxies, &req.extensions, &req.headers);
        let secret = SecretString::from(api_key.0);
        vault::save_key(&self.state, &auth, &meta, secret.expose_secret()).await
    }

    async fn remove_key(&self, req: &Parts) -> Result<(), AppError> {
        let auth = extract::require(&self.state, &req.extensions).await?;
        let meta = request_meta(&self.state.config.trusted_proxies, &req.extensions, &req.headers);
        vault::remove_key(&self.state, &auth, &meta).await
    }

    async fn key_events(&self, req: &Parts, page: u32) -> Result<ApiKeyEventPage, AppError> {
        let auth = extract::require(&self.state, &req.extensions).await?;
        vault::key_events(&self.state, &auth, page, 20).await
    }

    async fn usage(&self, req: &Parts, days: u32) -> Result<UsageReport, AppError> {
        let auth = extract::require(&self.state, &req.extensions).await?;
        crate::ai::usage::report_last_days(&self.state, &auth.user_id, days).await
    }

    async fn list_workspaces(&self, req: &Parts) -> Result<Vec<WorkspaceSummary>, AppError> {
        let auth = extract::require(&self.state, &req.extensions).await?;
        workspaces::list(&self.state, &auth).await
    }

    async fn get_workspace(&self, req: &Parts, id: String) -> Result<Workspace, AppError> {
        let auth = extract::require(&self.state, &req.extensions).await?;
        workspaces::get(&self.state, &auth, &id).await
    }

    async fn create_workspace(
        &self,
        req: &Parts,
        name: String,
        language: String,
    ) -> Result<WorkspaceSummary, AppError> {
        let auth = extract::require(&self.state, &req.extensions).await?;
        let meta = request_meta(&self.state.config.trusted_proxies, &req.extensions, &req.headers);
        workspaces::create(&self.state, &auth, &meta, &name, &language).await
    }

    async fn rename_workspace(
        &self,
        req: &Parts,
        id: String,
        name: String,
    ) -> Result<(), AppError> {
        let auth = extract::require(&self.state, &req.extensions).await?;
        workspaces::rename(&self.state, &auth, &id, &name).await
    }

    async fn save_workspace_code(
        &self,
        req: &Parts,
        id: String,
        code: String,
    ) -> Result<(), AppError> {
        let auth = extract::require(&self.state, &req.extensions).await?;
        workspaces::save_code(&self.state, &auth, &id, code).await
    }

    async fn delete_workspace(&self, req: &Parts, id: String) -> Result<(), AppError> {
        let auth = extract::require(&self.state, &req.extensions).await?;
        workspaces::delete(&self.state, &auth, &id).await
    }

    async fn complete_code(
        &self,
        req: &Parts,
        input: CodeCompletionRequest,
    ) -> Result<CodeCompletionReply, AppError> {
        let auth = extract::require(&self.state, &req.extensions).await?;
        ai::complete(&self.state, &auth, input).await
    }

    async fn generate_code(
        &self,
        req: &Parts,
        mut input: GenerateCodeRequest,
    ) -> Result<GenerateCodeReply, AppError> {
        let auth = extract::require(&self.state, &req.extensions).await?;
        input.stream = false;
        match ai::generate(&self.state, &auth, input).await? {
            AiReply::Whole(reply) => Ok(reply),
            AiReply::Stream(_) => Err(AppError::internal()),
        }
    }
}
