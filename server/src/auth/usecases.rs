//! The account use cases, called by the REST routes and by the server functions alike.
//! Signing in and up live in [`crate::auth::sign_in`], the password change in
//! [`crate::auth::password_change`]; both are re-exported here.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait};
use tower_cookies::Cookies;
use tower_sessions::Session;

use app::auth::ssr::AuthPort;
use app::wire::{Redacted, SessionInfo, UserDto};
use app::AppError;
use http::request::Parts;
use secrecy::SecretString;

use crate::auth::extract::{self, require};
use crate::auth::store::{key_hash, recorded_stamp};
use crate::auth::{session, AuthUser};
use crate::backend::StudioBackend;
use crate::entities::{session as session_row, user};
use crate::kit::ids::looks_like_id;
use crate::kit::owned::{delete_owned, Owned};
use crate::kit::{db_failed, RequestMeta};
use crate::state::AppState;

pub use crate::auth::password_change::change_password;
pub use crate::auth::sign_in::{sign_in, sign_up};

/// The browser a request comes from: its session, its cookies (for the known-device cookie) and
/// where it is.
#[derive(Clone, Copy)]
pub struct Browser<'a> {
    /// The request's session.
    pub session: &'a Session,
    /// The request's cookie jar (reads the request's cookies, adds to the response's).
    pub cookies: &'a Cookies,
    /// Client IP and user agent.
    pub meta: &'a RequestMeta,
}

pub(crate) fn to_dto(u: user::Model) -> UserDto {
    UserDto {
        id: u.id,
        email: u.email,
        name: u.name,
    }
}

/// An account's optional name: [`app::rules::name`]; blank is no name.
pub(crate) fn parse_name(name: Option<String>) -> Result<Option<String>, AppError> {
    let Some(name) = name else {
        return Ok(None);
    };
    app::rules::name::parse_name(&name)
        .map(|n| n.map(str::to_owned))
        .map_err(|_| {
            AppError::new(
                422,
                "Invalid name",
                "Names are at most 100 characters, without control characters.",
            )
        })
}

impl Owned for session_row::Entity {
    const ID: session_row::Column = session_row::Column::Id;
    const OWNER: session_row::Column = session_row::Column::UserId;
}

/// The signed-in user's profile.
pub async fn current_user(state: &AppState, auth: &AuthUser) -> Result<UserDto, AppError> {
    user::Entity::find_by_id(auth.user_id.clone())
        .one(&state.db)
        .await
        .map_err(db_failed)?
        .map(to_dto)
        .ok_or_else(AppError::unauthenticated)
}

/// The caller's sessions, newest first.
pub async fn list_sessions(
    state: &AppState,
    auth: &AuthUser,
) -> Result<Vec<SessionInfo>, AppError> {
    let current = auth.session.id().map(|id| key_hash(&id));
    let stamp = user::Entity::find_by_id(auth.user_id.clone())
        .select_only()
        .column(user::Column::AuthStamp)
        .into_tuple::<i64>()
        .one(&state.db)
        .await
        .map_err(db_failed)?;
    let rows = session_row::Entity::find()
        .filter(session_row::Column::UserId.eq(auth.user_id.as_str()))
        .filter(session_row::Column::ExpiresAt.gt(state.clock.unix()))
        .order_by_desc(session_row::Column::CreatedAt)
        .all(&state.db)
        .await
        .map_err(db_failed)?;
    Ok(rows
        .into_iter()
        // A session signed in before the password changed is refused when it next comes back;
        // until then it is not shown either.
        .filter(|r| stamp.is_some() && recorded_stamp(&r.data) == stamp)
        .map(|r| SessionInfo {
            current: current.as_deref() == Some(r.key_hash.as_str()),
            id: r.id,
            created_at: r.created_at.to_rfc3339(),
            last_seen_at: r.last_seen_at.to_rfc3339(),
            user_agent: r.user_agent,
            ip: r.ip,
        })
        .collect())
}

/// Ends one of the caller's sessions. Another user's session id is "not found", like a missing one.
pub async fn end_session(state: &AppState, auth: &AuthUser, id: &str) -> Result<(), AppError> {
    if !looks_like_id(id) {
        return Err(AppError::not_found("session"));
    }
    let txn = state.db.begin().await.map_err(db_failed)?;
    delete_owned::<session_row::Entity>(&txn, id, &auth.user_id, "session").await?;
    crate::cache::announce(&txn, &auth.user_id)
        .await
        .map_err(db_failed)?;
    txn.commit().await.map_err(db_failed)?;
    state.cache.forget_user(&auth.user_id);
    Ok(())
}

/// Ends every session of the caller's except the current one.
pub async fn end_other_sessions(state: &AppState, auth: &AuthUser) -> Result<u64, AppError> {
    let mut query = session_row::Entity::delete_many()
        .filter(session_row::Column::UserId.eq(auth.user_id.as_str()));
    if let Some(id) = auth.session.id() {
        query = query.filter(session_row::Column::KeyHash.ne(key_hash(&id)));
    }
    let txn = state.db.begin().await.map_err(db_failed)?;
    let ended = query.exec(&txn).await.map_err(db_failed)?.rows_affected;
    crate::cache::announce(&txn, &auth.user_id)
        .await
        .map_err(db_failed)?;
    txn.commit().await.map_err(db_failed)?;
    state.cache.forget_user(&auth.user_id);
    Ok(ended)
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
impl AuthPort for StudioBackend {
    async fn sign_up(
        &self,
        req: &Parts,
        email: String,
        password: Redacted,
        name: Option<String>,
    ) -> Result<UserDto, AppError> {
        let meta = self.meta(req);
        let password = SecretString::from(password.0);
        let (session, cookies) = (session_of(req)?, cookies_of(req)?);
        let browser = Browser {
            session: &session,
            cookies: &cookies,
            meta: &meta,
        };
        sign_up(&self.state, &browser, &email, password, name).await
    }

    async fn sign_in(
        &self,
        req: &Parts,
        email: String,
        password: Redacted,
    ) -> Result<UserDto, AppError> {
        let meta = self.meta(req);
        let password = SecretString::from(password.0);
        let (session, cookies) = (session_of(req)?, cookies_of(req)?);
        let browser = Browser {
            session: &session,
            cookies: &cookies,
            meta: &meta,
        };
        sign_in(&self.state, &browser, &email, password).await
    }

    async fn sign_out(&self, req: &Parts) -> Result<(), AppError> {
        session::end(&session_of(req)?).await
    }

    async fn current_user(&self, req: &Parts) -> Result<Option<UserDto>, AppError> {
        match extract::caller(&self.state, &req.extensions).await? {
            Some(auth) => Ok(Some(current_user(&self.state, &auth).await?)),
            None => Ok(None),
        }
    }

    async fn list_sessions(&self, req: &Parts) -> Result<Vec<SessionInfo>, AppError> {
        list_sessions(&self.state, &require(&self.state, &req.extensions).await?).await
    }

    async fn end_session(&self, req: &Parts, id: String) -> Result<(), AppError> {
        end_session(
            &self.state,
            &require(&self.state, &req.extensions).await?,
            &id,
        )
        .await
    }

    async fn end_other_sessions(&self, req: &Parts) -> Result<u64, AppError> {
        end_other_sessions(&self.state, &require(&self.state, &req.extensions).await?).await
    }
}
