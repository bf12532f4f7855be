//! `POST /api/v1/chat/completions`, streaming or not.

use axum::{
    extract::State,
    http::{HeaderMap, HeaderValue},
    response::{IntoResponse, Response},
    Json,
};
use bytes::Bytes;
use serde_json::json;

use crate::{
    behaviour::{asked_failure, authenticate_with, route_models, KeyKind, Markers},
    catalogue::Model,
    completion::{Answer, ChatRequest, Generation},
    errors::ApiError,
    oversized,
    state::AppState,
    streaming,
};

/// Answers a chat request as a model would ([`crate::answers`]), or refuses it as the behaviour
/// table says (see [`crate::behaviour`] for the order of the checks).
pub(crate) async fn chat_completions(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let caller = authenticate_with(&state, &headers)?;
    let request = ChatRequest::parse(&body)?;
    let markers = Markers::of(&request.last_user_text());
    if markers.slow && caller.kind == KeyKind::RevokedOnCalls {
        // A refusal that arrives late: what a call racing a key change sees.
        tokio::time::sleep(state.config.slow_delay).await;
        return Err(ApiError::UserNotFound);
    }
    caller.may_complete(request.model_id())?;
    let model = route_models(&request.candidates(), markers.primary_down)?;
    let prompt = request.last_user_text();
    if let Some(failure) = asked_failure(&markers, model.id, &request.earlier_texts(), || {
        state.seen_prompts.seen_before(&prompt)
    }) {
        return Err(failure);
    }

    if markers.slow {
        // Holds only this request's task; others are served meanwhile.
        tokio::time::sleep(state.config.slow_delay).await;
    }
    if markers.oversized_error {
        return Ok(oversized::error());
    }
    if markers.oversized_body {
        return Ok(if request.stream {
            oversized::stream_line()
        } else {
            oversized::completion(model.id)
        });
    }
    let generation = Generation::new();
    let answer = Answer::to(&request, model);
    if request.stream {
        return Ok(streaming::respond(
            &state,
            &generation,
            model,
            &answer,
            markers.midstream_fail,
            markers.trickle,
        ));
    }
    if markers.midstream_fail {
        // Without a stream there is no "midstream": the provider's failure is a plain 502.
        return Err(ApiError::ProviderDown);
    }
    if !state.config.first_byte_delay.is_zero() {
        tokio::time::sleep(state.config.first_byte_delay).await;
    }
    Ok(complete(&generation, model, &answer))
}

/// The non-streaming body, in the shape of a real captured response.
fn complete(generation: &Generation, model: &Model, answer: &Answer) -> Response {
    let body = json!({
        "id": generation.id,
        "object": "chat.completion",
        "created": generation.created,
        "model": model.id,
        "provider": model.provider,
        "system_fingerprint": null,
        "choices": [{
            "index": 0,
            "logprobs": null,
            "finish_reason": answer.finish_reason,
            "native_finish_reason": answer.finish_reason,
            "message": {
                "role": "assistant",
                "content": answer.content,
                "refusal": null,
                "reasoning": null,
            },
        }],
        "usage": answer.usage_json(),
    });
    let mut response = Json(body).into_response();
    if let Ok(id) = HeaderValue::from_str(&generation.id) {
        response.headers_mut().insert("x-generation-id", id);
    }
    response
}
