//! `/api/auth/*`: sign-up, sign-in, sign-out, the session and the session list, password change.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use secrecy::SecretString;
use serde::Deserialize;
use tower_cookies::Cookies;
use tower_sessions::Session;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use app::wire::{ApiError, SessionList, UserEnvelope};

use crate::auth::usecases::{self, Browser};
use crate::auth::{session, AuthUser};
use crate::error::HttpError;
use crate::kit::RequestMeta;
use crate::state::AppState;
use crate::web::json::ApiJson;
use crate::web::path::ApiPath;

/// The routes, to be nested under `/api/auth`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(sign_up))
        .routes(routes!(sign_in))
        .routes(routes!(sign_out))
        .routes(routes!(current))
        .routes(routes!(list_sessions))
        .routes(routes!(end_session))
        .routes(routes!(change_password))
}

/// `POST /api/auth/signup`.
#[derive(Deserialize, ToSchema)]
struct SignUpBody {
    /// The email to sign in with; normalised (trimmed, lower-cased).
    email: String,
    /// 8 to 128 characters.
    #[schema(value_type = String, format = Password)]
    password: SecretString,
    /// A display name.
    name: Option<String>,
}

/// `POST /api/auth/signin`.
#[derive(Deserialize, ToSchema)]
struct SignInBody {
    /// The account's email.
    email: String,
    /// Its password.
    #[schema(value_type = String, format = Password)]
    password: SecretString,
}

/// `POST /api/auth/password`.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct PasswordBody {
    /// The password now.
    #[schema(value_type = String, format = Password)]
    current_password: SecretString,
    /// The new one, 8 to 128 characters.
    #[schema(value_type = String, format = Password)]
    new_password: SecretString,
}

/// Create an account and sign in.
///
/// An email that already has an account is a sign-in: the right password gets the same 201, a
/// wrong one the sign-in 401. Sets the session cookie.
#[utoipa::path(
    post,
    path = "/signup",
    tag = "auth",
    request_body = SignUpBody,
    responses(
        (status = 201, description = "Signed up (or in); the session cookie is set.", body = UserEnvelope),
        (status = 401, description = "The email has an account and the password is not its password.", body = ApiError),
        (status = 422, description = "The email or password is not acceptable (the password must be 8 to 128 characters).", body = ApiError),
        (status = 429, description = "Too many sign-ups from this address (`LIMIT_SIGNUPS_PER_ADDRESS_HOUR`), or sign-in attempts for the account.", body = ApiError, headers(("Retry-After" = u32, description = "Seconds to wait."))),
        (status = 503, description = "The database is not answering.", body = ApiError),
    )
)]
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

/// Sign in.
///
/// Sets the session cookie and the known-device cookie.
#[utoipa::path(
    post,
    path = "/signin",
    tag = "auth",
    request_body = SignInBody,
    responses(
        (status = 200, description = "Signed in; the session cookie is set.", body = UserEnvelope),
        (status = 401, description = "The email or password is wrong.", body = ApiError),
        (status = 422, description = "The email or password is not acceptable.", body = ApiError),
        (status = 429, description = "Too many attempts from this address, or for this account.", body = ApiError, headers(("Retry-After" = u32, description = "Seconds to wait."))),
        (status = 503, description = "The database is not answering.", body = ApiError),
    )
)]
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

/// Sign out.
///
/// Ends the session (if any) and answers `Clear-Site-Data: "cookies", "storage"`.
#[utoipa::path(
    post,
    path = "/signout",
    tag = "auth",
    responses(
        (status = 204, description = "Signed out (also when no one was signed in).", headers(("Clear-Site-Data" = String, description = "`\"cookies\", \"storage\"`"))),
        (status = 503, description = "The database is not answering.", body = ApiError),
    )
)]
async fn sign_out(session: Session) -> Result<Response, HttpError> {
    session::end(&session).await?;
    Ok((
        StatusCode::NO_CONTENT,
        [("clear-site-data", app::auth::CLEAR_SITE_DATA)],
    )
        .into_response())
}

/// The signed-in user.
#[utoipa::path(
    get,
    path = "/session",
    tag = "auth",
    security(("session" = [])),
    responses(
        (status = 200, description = "The caller.", body = UserEnvelope),
        (status = 503, description = "The database is not answering.", body = ApiError),
    )
)]
async fn current(
    State(state): State<AppState>,
    auth: AuthUser,
) -> Result<Json<UserEnvelope>, HttpError> {
    Ok(Json(UserEnvelope {
        user: usecases::current_user(&state, &auth).await?,
    }))
}

/// The caller's signed-in sessions, newest first.
#[utoipa::path(
    get,
    path = "/sessions",
    tag = "auth",
    security(("session" = [])),
    responses(
        (status = 200, description = "The sessions.", body = SessionList),
        (status = 503, description = "The database is not answering.", body = ApiError),
    )
)]
async fn list_sessions(
    State(state): State<AppState>,
    auth: AuthUser,
) -> Result<Json<SessionList>, HttpError> {
    Ok(Json(SessionList {
        sessions: usecases::list_sessions(&state, &auth).await?,
    }))
}

/// End one of the caller's other sessions ("sign out elsewhere").
#[utoipa::path(
    delete,
    path = "/sessions/{id}",
    tag = "auth",
    security(("session" = [])),
    params(("id" = String, Path, description = "A session's public id, from `GET /api/auth/sessions`.")),
    responses(
        (status = 204, description = "The session ended."),
        (status = 400, description = "The id is not UTF-8 once percent-decoded.", body = ApiError),
        (status = 404, description = "No session with this id belongs to the caller.", body = ApiError),
        (status = 503, description = "The database is not answering.", body = ApiError),
    )
)]
async fn end_session(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, HttpError> {
    usecases::end_session(&state, &auth, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Change the password.
///
/// Ends every other session of the account; this browser gets a new session id.
#[utoipa::path(
    post,
    path = "/password",
    tag = "auth",
    security(("session" = [])),
    request_body = PasswordBody,
    responses(
        (status = 204, description = "Changed; the session cookie is renewed."),
        (status = 403, description = "The current password is wrong.", body = ApiError),
        (status = 409, description = "The password was changed at the same moment somewhere else; sign in again.", body = ApiError),
        (status = 422, description = "The new password is not acceptable (8 to 128 characters).", body = ApiError),
        (status = 429, description = "Too many password checks from this address or for this account.", body = ApiError, headers(("Retry-After" = u32, description = "Seconds to wait."))),
        (status = 503, description = "The database is not answering.", body = ApiError),
    )
)]
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
