//! `/api/auth/*`: sign-up, sign-in, sign-out, the session and the session list, password change.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use secrecy::SecretString;
use serde::Deserialize;
use tower_cookies::Cookies;
use tower_sessions::Session;

use app::wire::{SessionList, UserEnvelope};

use crate::auth::usecases::{self, Browser};
use crate::auth::{session, AuthUser};
use crate::error::HttpError;
use crate::kit::RequestMeta;
use crate::state::AppState;
use crate::web::json::ApiJson;

/// The routes, to be nested under `/api/auth`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/signup", post(sign_up))
        .route("/signin", post(sign_in))
        .route("/signout", post(sign_out))
        .route("/session", get(current))
        .route("/sessions", get(list_sessions))
        .route("/sessions/{id}", delete(end_session))
        .route("/password", post(change_password))
}

#[derive(Deserialize)]
struct SignUpBody {
    email: String,
    password: SecretString,
    name: Option<String>,
}

#[derive(Deserialize)]
struct SignInBody {
    email: String,
    password: SecretString,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PasswordBody {
    current_password: SecretString,
    new_password: SecretString,
}

async fn sign_up(
    State(state): State<AppState>,
    session: Session,
    cookies: Cookies,
    meta: RequestMeta,
    ApiJson(body): ApiJson<SignUpBody>,
) -> Result<Response, HttpError> {
    let browser = Browser {
        session: &session,
        cookies: &cookies,
        meta: &meta,
    };
    let user = usecases::sign_up(&state, &browser, &body.email, body.password, body.name).await?;
    Ok((StatusCode::CREATED, Json(UserEnvelope { user })).into_response())
}

async fn sign_in(
    State(state): State<AppState>,
    session: Session,
    cookies: Cookies,
    meta: RequestMeta,
    ApiJson(body): ApiJson<SignInBody>,
) -> Result<Json<UserEnvelope>, HttpError> {
    let browser = Browser {
        session: &session,
        cookies: &cookies,
        meta: &meta,
    };
    let user = usecases::sign_in(&state, &browser, &body.email, body.password).await?;
    Ok(Json(UserEnvelope { user }))
}

async fn sign_out(session: Session) -> Result<Response, HttpError> {
    session::end(&session).await?;
    Ok((
        StatusCode::NO_CONTENT,
        [("clear-site-data", app::auth::CLEAR_SITE_DATA)],
    )
        .into_response())
}

async fn current(
    State(state): State<AppState>,
    auth: AuthUser,
) -> Result<Json<UserEnvelope>, HttpError> {
    Ok(Json(UserEnvelope {
        user: usecases::current_user(&state, &auth).await?,
    }))
}

async fn list_sessions(
    State(state): State<AppState>,
    auth: AuthUser,
) -> Result<Json<SessionList>, HttpError> {
    Ok(Json(SessionList {
        sessions: usecases::list_sessions(&state, &auth).await?,
    }))
}

async fn end_session(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(id): Path<String>,
) -> Result<StatusCode, HttpError> {
    usecases::end_session(&state, &auth, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn change_password(
    State(state): State<AppState>,
    auth: AuthUser,
    cookies: Cookies,
    meta: RequestMeta,
    ApiJson(body): ApiJson<PasswordBody>,
) -> Result<StatusCode, HttpError> {
    let browser = Browser {
        session: &auth.session,
        cookies: &cookies,
        meta: &meta,
    };
    usecases::change_password(
        &state,
        &auth,
        &browser,
        body.current_password,
        body.new_password,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
