//! `/api/ai/*`: chat, code completion, code generation and the model list.

use axum::extract::{DefaultBodyLimit, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;

use app::wire::{
    AiModelList, ChatRequest, CodeCompletionReply, CodeCompletionRequest, GenerateCodeRequest,
};

use crate::ai::limits::BODY_LIMIT;
use crate::ai::usecases::{self, AiReply};
use crate::auth::AuthUser;
use crate::error::HttpError;
use crate::state::AppState;
use crate::web::json::ApiJson;

/// The routes, to be nested under `/api/ai`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/chat", post(chat))
        .route("/code-completion", post(code_completion))
        .route("/generate-code", post(generate_code))
        .route("/models", get(models))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
}

fn respond<T: Serialize>(reply: AiReply<T>) -> Response {
    match reply {
        AiReply::Whole(body) => Json(body).into_response(),
        AiReply::Stream(relay) => (*relay).into_response(),
    }
}

async fn chat(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiJson(body): ApiJson<ChatRequest>,
) -> Result<Response, HttpError> {
    Ok(respond(usecases::chat(&state, &auth, body).await?))
}

async fn code_completion(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiJson(body): ApiJson<CodeCompletionRequest>,
) -> Result<Json<CodeCompletionReply>, HttpError> {
    Ok(Json(usecases::complete(&state, &auth, body).await?))
}

async fn generate_code(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiJson(body): ApiJson<GenerateCodeRequest>,
) -> Result<Response, HttpError> {
    Ok(respond(usecases::generate(&state, &auth, body).await?))
}

async fn models(
    State(state): State<AppState>,
    _auth: AuthUser,
) -> Result<Json<AiModelList>, HttpError> {
    Ok(Json(state.ai.models.list().await?))
}
