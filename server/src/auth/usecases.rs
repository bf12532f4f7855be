//! The account use cases, called by the REST routes and by the server functions alike.

use std::net::IpAddr;

use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, SqlErr};
use secrecy::SecretString;
use tower_sessions::Session;

use app::wire::{SessionInfo, UserDto};
use app::AppError;

use crate::auth::ids::{looks_like_id, new_id};
use crate::auth::store::key_hash;
use crate::auth::{session, throttle, AuthUser, Email, Password};
use crate::entities::{session as session_row, user};
use crate::state::AppState;

/// Where a request came from, for throttling and the session list.
#[derive(Debug, Clone)]
pub struct RequestMeta {
    /// The client IP (trusted-proxy aware).
    pub ip: IpAddr,
    /// The `User-Agent` header.
    pub user_agent: Option<String>,
}

pub(crate) fn db_failed(e: sea_orm::DbErr) -> AppError {
    tracing::error!(error = %e, "database query failed");
    AppError::unavailable()
}

fn to_dto(u: user::Model) -> UserDto {
    UserDto {
        id: u.id,
        email: u.email,
        name: u.name,
    }
}

fn parse_name(name: Option<String>) -> Result<Option<String>, AppError> {
    let name = name.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
    match name {
        Some(n) if n.chars().count() > 100 || n.chars().any(char::is_control) => {
            Err(AppError::new(
                422,
                "Invalid name",
                "Names are at most 100 characters, without control characters.",
            ))
        }
        other => Ok(other),
    }
}

/// Creates an account and signs it in.
pub async fn sign_up(
    state: &AppState,
    session: &Session,
    meta: &RequestMeta,
    email: &str,
    password: SecretString,
    name: Option<String>,
) -> Result<UserDto, AppError> {
    let email = Email::parse(email)?;
    let password = Password::parse(password)?;
    let name = parse_name(name)?;
    let hash = state.hasher.hash(&password).await?;
    let now = state.clock.now();
    let model = user::ActiveModel {
        id: Set(new_id()),
        email: Set(email.as_str().to_owned()),
        name: Set(name),
        created_at: Set(now),
        updated_at: Set(now),
        password_hash: Set(hash),
    };
    let created = user::Entity::insert(model)
        .exec_with_returning(&state.db)
        .await
        .map_err(|e| match e.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => AppError::new(
                409,
                "Email taken",
                "An account with this email already exists. Sign in instead.",
            ),
            _ => db_failed(e),
        })?;
    session::begin(
        session,
        &created.id,
        state.clock.unix(),
        meta.user_agent.as_deref(),
        meta.ip,
    )
    .await?;
    tracing::info!(user.id = %created.id, "account created");
    Ok(to_dto(created))
}

/// Signs in with email and password. Unknown email and wrong password give the same answer, and
/// both run a full Argon2 verify.
pub async fn sign_in(
    state: &AppState,
    session: &Session,
    meta: &RequestMeta,
    email: &str,
    password: SecretString,
) -> Result<UserDto, AppError> {
    let now = state.clock.unix();
    state.ip_throttle.check(meta.ip, now)?;
    let rejected = || {
        AppError::new(
            401,
            "Invalid credentials",
            "The email or password is incorrect.",
        )
    };
    let password = Password::for_sign_in(password)?;
    let Ok(email) = Email::parse(email) else {
        state.ip_throttle.record_failure(meta.ip, now);
        return Err(rejected());
    };
    throttle::check_account(&state.db, email.as_str(), now).await?;
    let found = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(&state.db)
        .await
        .map_err(db_failed)?;
    let ok = state
        .hasher
        .verify(&password, found.as_ref().map(|u| u.password_hash.as_str()))
        .await?;
    match found {
        Some(u) if ok => {
            throttle::clear_account(&state.db, email.as_str()).await?;
            session::begin(session, &u.id, now, meta.user_agent.as_deref(), meta.ip).await?;
            tracing::info!(user.id = %u.id, "signed in");
            Ok(to_dto(u))
        }
        _ => {
            state.ip_throttle.record_failure(meta.ip, now);
            throttle::record_account_failure(&state.db, email.as_str(), now).await?;
            tracing::info!(client.ip = %meta.ip, "sign-in failed");
            Err(rejected())
        }
    }
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
    let rows = session_row::Entity::find()
        .filter(session_row::Column::UserId.eq(auth.user_id.as_str()))
        .filter(session_row::Column::ExpiresAt.gt(state.clock.unix()))
        .order_by_desc(session_row::Column::CreatedAt)
        .all(&state.db)
        .await
        .map_err(db_failed)?;
    Ok(rows
        .into_iter()
        .map(|r| SessionInfo {
            current: current.as_deref() == Some(r.key_hash.as_str()),
            id: r.id,
            created_at: r.created_at.to_rfc3339(),
            last_seen_at: r.last_seen_at.to_rfc3339(),
            user_agent: r.user_agent,
        })
        .collect())
}

/// Ends one of the caller's sessions. Another user's session id is "not found", like a missing one.
pub async fn end_session(state: &AppState, auth: &AuthUser, id: &str) -> Result<(), AppError> {
    if !looks_like_id(id) {
        return Err(AppError::not_found("session"));
    }
    let res = session_row::Entity::delete_many()
        .filter(session_row::Column::Id.eq(id))
        .filter(session_row::Column::UserId.eq(auth.user_id.as_str()))
        .exec(&state.db)
        .await
        .map_err(db_failed)?;
    if res.rows_affected == 0 {
        return Err(AppError::not_found("session"));
    }
    Ok(())
}

/// Ends every session of the caller's except the current one.
pub async fn end_other_sessions(state: &AppState, auth: &AuthUser) -> Result<u64, AppError> {
    let mut query = session_row::Entity::delete_many()
        .filter(session_row::Column::UserId.eq(auth.user_id.as_str()));
    if let Some(id) = auth.session.id() {
        query = query.filter(session_row::Column::KeyHash.ne(key_hash(&id)));
    }
    Ok(query
        .exec(&state.db)
        .await
        .map_err(db_failed)?
        .rows_affected)
}

/// Changes the caller's password after checking the current one; every other session ends.
pub async fn change_password(
    state: &AppState,
    auth: &AuthUser,
    current: SecretString,
    new: SecretString,
) -> Result<(), AppError> {
    let current = Password::for_sign_in(current)?;
    let new = Password::parse(new)?;
    let u = user::Entity::find_by_id(auth.user_id.clone())
        .one(&state.db)
        .await
        .map_err(db_failed)?
        .ok_or_else(AppError::unauthenticated)?;
    if !state
        .hasher
        .verify(&current, Some(&u.password_hash))
        .await?
    {
        return Err(AppError::new(
            403,
            "Wrong password",
            "Your current password is incorrect.",
        ));
    }
    let hash = state.hasher.hash(&new).await?;
    user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, Expr::value(hash))
        .col_expr(user::Column::UpdatedAt, Expr::value(state.clock.now()))
        .filter(user::Column::Id.eq(u.id.as_str()))
        .exec(&state.db)
        .await
        .map_err(db_failed)?;
    let ended = end_other_sessions(state, auth).await?;
    tracing::info!(user.id = %u.id, sessions.ended = ended, "password changed");
    Ok(())
}
