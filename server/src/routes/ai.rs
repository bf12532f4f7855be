//! `/api/ai/*`: chat, code completion, code generation and the model list.

use std::collections::BTreeMap;

use axum::extract::{DefaultBodyLimit, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::{RefOr, Response as ApiResponse, ResponseBuilder};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use app::wire::{
    AiModelList, ApiError, ChatReply, ChatRequest, CodeCompletionReply, CodeCompletionRequest,
    GenerateCodeReply, GenerateCodeRequest,
};

use crate::ai::limits::BODY_LIMIT;
use crate::ai::usecases::{self, AiReply};
use crate::auth::AuthUser;
use crate::error::HttpError;
use crate::routes::openapi::error_content;
use crate::state::AppState;
use crate::web::json::ApiJson;

/// The routes, to be nested under `/api/ai`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(chat))
        .routes(routes!(code_completion))
        .routes(routes!(generate_code))
        .routes(routes!(models))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
}

/// One event of an AI event stream, as the document describes `text/event-stream` answers.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // Only its schema is used: `ai/stream.rs` writes the events.
struct StreamEvent {
    /// `delta`, then `done` or `error`.
    #[schema(pattern = "^(delta|done|error)$")]
    event: String,
    /// JSON: a `StreamDelta`, a `StreamDone` or an `ApiError`.
    data: String,
}

/// The errors every AI call may answer, documented once for the three AI routes.
struct AiErrors;

impl utoipa::IntoResponses for AiErrors {
    fn responses() -> BTreeMap<String, RefOr<ApiResponse>> {
        const ERRORS: &[(u16, &str)] = &[
            (400, "No OpenRouter key is stored (`API key required`), the stored key was rejected by OpenRouter, or OpenRouter refused the request."),
            (402, "The caller's OpenRouter account is out of credits, or the call could pass the caller's own spending limit (`Spending limit reached`, saying when it resets; nothing was sent)."),
            (404, "`workspaceId` is not one of the caller's workspaces."),
            (409, "The stored key can no longer be decrypted; enter it again."),
            (413, "OpenRouter found the request too large."),
            (422, "Over a size cap (100 messages, 32,000 characters a message, 200,000 in all, 100,000 per code field, `maxTokens` up to 8192), an unknown model, moderated content, or (under a spending limit) a model whose price OpenRouter does not list (`Price unknown`)."),
            (429, "Too many AI calls in flight for the caller (`AI_MAX_IN_FLIGHT_PER_USER`), or OpenRouter's rate limit."),
            (502, "OpenRouter could not be reached or gave an answer the studio cannot use."),
            (503, "The database, the model list, or the key ring is not available."),
            (504, "OpenRouter did not answer in time (`UPSTREAM_TIMEOUT_SECS`)."),
        ];
        ERRORS
            .iter()
            .map(|&(status, description)| {
                let mut response = ResponseBuilder::new()
                    .description(description)
                    .content("application/json", error_content());
                if status == 429 {
                    response = response.header("Retry-After", retry_after());
                }
                (status.to_string(), RefOr::T(response.build()))
            })
            .collect()
    }
}

/// The `Retry-After` header of a 429: whole seconds.
fn retry_after() -> utoipa::openapi::header::Header {
    HeaderBuilder::new()
        .schema(
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int32)))
                .minimum(Some(0)),
        )
        .description(Some("Seconds to wait, when known."))
        .build()
}

/// The description of a `text/event-stream` answer.
const STREAM: &str = "With `\"stream\": true`: `text/event-stream`, `event: delta` events \
(data: `StreamDelta`), then `event: done` (data: `StreamDone`) or `event: error` (data: `ApiError`).";

fn respond<T: Serialize>(reply: AiReply<T>) -> Response {
    match reply {
        AiReply::Whole(body) => Json(body).into_response(),
        AiReply::Stream(relay) => (*relay).into_response(),
    }
}

/// A chat answer, run with the caller's own key.
#[utoipa::path(
    post,
    path = "/chat",
    tag = "ai",
    security(("session" = [])),
    request_body = ChatRequest,
    responses(
        (status = 200, description = STREAM, content(
            (ChatReply = "application/json"),
            (StreamEvent = "text/event-stream"),
        )),
        AiErrors,
    )
)]
async fn chat(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiJson(body): ApiJson<ChatRequest>,
) -> Result<Response, HttpError> {
    Ok(respond(usecases::chat(&state, &auth, body).await?))
}

/// The text to insert at the cursor, run with the caller's own key.
#[utoipa::path(
    post,
    path = "/code-completion",
    tag = "ai",
    security(("session" = [])),
    request_body = CodeCompletionRequest,
    responses(
        (status = 200, description = "The completion.", body = CodeCompletionReply),
        AiErrors,
    )
)]
async fn code_completion(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiJson(body): ApiJson<CodeCompletionRequest>,
) -> Result<Json<CodeCompletionReply>, HttpError> {
    Ok(Json(usecases::complete(&state, &auth, body).await?))
}

/// Code written from a description, run with the caller's own key.
#[utoipa::path(
    post,
    path = "/generate-code",
    tag = "ai",
    security(("session" = [])),
    request_body = GenerateCodeRequest,
    responses(
        (status = 200, description = STREAM, content(
            (GenerateCodeReply = "application/json"),
            (StreamEvent = "text/event-stream"),
        )),
        AiErrors,
    )
)]
async fn generate_code(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiJson(body): ApiJson<GenerateCodeRequest>,
) -> Result<Response, HttpError> {
    Ok(respond(usecases::generate(&state, &auth, body).await?))
}

/// The models OpenRouter offers, cached for `AI_MODELS_TTL_SECS`.
#[utoipa::path(
    get,
    path = "/models",
    tag = "ai",
    security(("session" = [])),
    responses(
        (status = 200, description = "The list (`stale` when the last refresh failed).", body = AiModelList),
        (status = 503, description = "OpenRouter's model list could not be fetched and none is cached.", body = ApiError),
    )
)]
async fn models(
    State(state): State<AppState>,
    _auth: AuthUser,
) -> Result<Json<AiModelList>, HttpError> {
    Ok(Json(state.ai.models.list().await?))
}
