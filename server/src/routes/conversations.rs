//! `/api/workspaces/{id}/conversations` and `/api/conversations/{id}`: the assistant's kept
//! conversations. Answers are added by `POST /api/ai/chat` with a `conversationId`.

use axum::extract::{DefaultBodyLimit, State};
use axum::Json;
use http::StatusCode;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use app::wire::{
    ApiError, Conversation, ConversationChange, ConversationList, ConversationSummary,
    NewConversation,
};

use crate::auth::AuthUser;
use crate::conversations::store;
use crate::error::HttpError;
use crate::state::AppState;
use crate::web::json::ApiJson;
use crate::web::path::ApiPath;
use crate::web::query::ApiQuery;

/// Conversation bodies are tiny.
const BODY_LIMIT: usize = 16 * 1024;

/// The routes, to be nested under `/api`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(read, change, remove))
        .routes(routes!(remove_turns))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
}

/// The conversations of one of the caller's workspaces, most recently changed first; the
/// current one (the one the assistant opens) is marked.
#[utoipa::path(
    get,
    path = "/workspaces/{id}/conversations",
    tag = "conversations",
    operation_id = "list_conversations",
    security(("session" = [])),
    params(("id" = String, Path, description = "A workspace's id.")),
    responses(
        (status = 200, description = "The conversations.", body = ConversationList),
        (status = 400, description = "The id is not UTF-8 once percent-decoded.", body = ApiError),
        (status = 404, description = "No workspace with this id belongs to the caller.", body = ApiError),
        (status = 503, description = "The database is not answering.", body = ApiError),
    )
)]
async fn list(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<ConversationList>, HttpError> {
    Ok(Json(store::list(&state, &auth, &id).await?))
}

/// Start a conversation in one of the caller's workspaces; it becomes the current one.
#[utoipa::path(
    post,
    path = "/workspaces/{id}/conversations",
    tag = "conversations",
    operation_id = "create_conversation",
    security(("session" = [])),
    params(("id" = String, Path, description = "A workspace's id.")),
    request_body = NewConversation,
    responses(
        (status = 201, description = "Started.", body = ConversationSummary),
        (status = 404, description = "No workspace with this id belongs to the caller.", body = ApiError),
        (status = 409, description = "The workspace holds the most conversations it may (50).", body = ApiError),
        (status = 422, description = "The title is not 1 to 100 characters.", body = ApiError),
        (status = 503, description = "The database is not answering.", body = ApiError),
    )
)]
async fn create(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<NewConversation>,
) -> Result<(StatusCode, Json<ConversationSummary>), HttpError> {
    let made = store::create(&state, &auth, &id, body).await?;
    Ok((StatusCode::CREATED, Json(made)))
}

/// One of the caller's conversations with its turns, oldest first.
#[utoipa::path(
    get,
    path = "/conversations/{id}",
    tag = "conversations",
    operation_id = "get_conversation",
    security(("session" = [])),
    params(("id" = String, Path, description = "A conversation's id.")),
    responses(
        (status = 200, description = "The conversation.", body = Conversation),
        (status = 400, description = "The id is not UTF-8 once percent-decoded.", body = ApiError),
        (status = 404, description = "No conversation with this id belongs to the caller.", body = ApiError),
        (status = 503, description = "The database is not answering.", body = ApiError),
    )
)]
async fn read(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Conversation>, HttpError> {
    Ok(Json(store::get(&state, &auth, &id).await?))
}

/// Rename one of the caller's conversations, or make it the current one of its workspace.
#[utoipa::path(
    patch,
    path = "/conversations/{id}",
    tag = "conversations",
    operation_id = "change_conversation",
    security(("session" = [])),
    params(("id" = String, Path, description = "A conversation's id.")),
    request_body = ConversationChange,
    responses(
        (status = 200, description = "Changed.", body = ConversationSummary),
        (status = 404, description = "No conversation with this id belongs to the caller.", body = ApiError),
        (status = 422, description = "Nothing to change, a title that is not 1 to 100 characters, or `current: false`.", body = ApiError),
        (status = 503, description = "The database is not answering.", body = ApiError),
    )
)]
async fn change(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<ConversationChange>,
) -> Result<Json<ConversationSummary>, HttpError> {
    Ok(Json(store::change(&state, &auth, &id, body).await?))
}

/// Delete one of the caller's conversations with its turns.
#[utoipa::path(
    delete,
    path = "/conversations/{id}",
    tag = "conversations",
    operation_id = "delete_conversation",
    security(("session" = [])),
    params(("id" = String, Path, description = "A conversation's id.")),
    responses(
        (status = 204, description = "Deleted."),
        (status = 400, description = "The id is not UTF-8 once percent-decoded.", body = ApiError),
        (status = 404, description = "No conversation with this id belongs to the caller.", body = ApiError),
        (status = 503, description = "The database is not answering.", body = ApiError),
    )
)]
async fn remove(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, HttpError> {
    store::delete(&state, &auth, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Which turns to take out: exactly one of the two.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct TurnRange {
    /// This turn (`seq`) and every later one: the last exchange, to edit or regenerate it.
    from: Option<u32>,
    /// Every turn before this one (`seq`): the oldest.
    before: Option<u32>,
}

/// Take turns out of one of the caller's conversations.
#[utoipa::path(
    delete,
    path = "/conversations/{id}/turns",
    tag = "conversations",
    operation_id = "delete_conversation_turns",
    security(("session" = [])),
    params(("id" = String, Path, description = "A conversation's id."), TurnRange),
    responses(
        (status = 204, description = "Taken out (or there were none in the range)."),
        (status = 400, description = "The id or the query string does not fit (a parameter given twice, not a number, or not UTF-8).", body = ApiError),
        (status = 404, description = "No conversation with this id belongs to the caller.", body = ApiError),
        (status = 422, description = "Not exactly one of `from` and `before`.", body = ApiError),
        (status = 503, description = "The database is not answering.", body = ApiError),
    )
)]
async fn remove_turns(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiPath(id): ApiPath<String>,
    ApiQuery(range): ApiQuery<TurnRange>,
) -> Result<StatusCode, HttpError> {
    store::delete_turns(&state, &auth, &id, range.from, range.before).await?;
    Ok(StatusCode::NO_CONTENT)
}
