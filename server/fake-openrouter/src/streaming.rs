//! The `text/event-stream` answer: chunks in OpenRouter's order, paced by the configured delays.
//!
//! Order: `: OPENROUTER PROCESSING`, a role chunk, one content chunk per word, a finish chunk,
//! a usage chunk with `"choices": []`, then `data: [DONE]`. With `MIDSTREAM_FAIL` the stream
//! sends two content chunks, then a chunk with a top-level `error` and
//! `finish_reason: "error"`, and closes without `[DONE]`.

use std::{convert::Infallible, time::Duration};

use axum::{
    body::Body,
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use bytes::Bytes;
use futures::{stream, StreamExt};
use serde_json::{json, Value};

use crate::{
    catalogue::Model,
    completion::{Answer, Generation},
    state::AppState,
};

/// Keep-alive comment OpenRouter sends while the model is working.
const PROCESSING_COMMENT: &str = ": OPENROUTER PROCESSING\n\n";

/// How many content chunks arrive before a `MIDSTREAM_FAIL` error chunk.
const CHUNKS_BEFORE_FAILURE: usize = 2;

/// What every chunk of one stream shares.
struct ChunkHeader<'a> {
    generation: &'a Generation,
    model: &'a Model,
}

impl ChunkHeader<'_> {
    /// A `data:` event for a chunk with these `choices` and any `extra` top-level fields.
    fn event(&self, choices: Value, extra: Option<(&str, Value)>) -> Bytes {
        let mut chunk = json!({
            "id": self.generation.id,
            "provider": self.model.provider,
            "model": self.model.id,
            "object": "chat.completion.chunk",
            "created": self.generation.created,
            "system_fingerprint": null,
            "choices": choices,
        });
        if let (Some((name, value)), Some(object)) = (extra, chunk.as_object_mut()) {
            object.insert(name.to_owned(), value);
        }
        Bytes::from(format!("data: {chunk}\n\n"))
    }

    fn delta(&self, delta: Value, finish_reason: Option<&str>) -> Bytes {
        let choice = json!({
            "index": 0,
            "delta": delta,
            "finish_reason": finish_reason,
            "native_finish_reason": finish_reason,
            "logprobs": null,
        });
        self.event(json!([choice]), None)
    }
}

/// The least time between the chunks of a stream asked for with `TRICKLE`.
pub(crate) const TRICKLE: Duration = Duration::from_millis(500);

/// The streamed response to a chat request; `trickle` spaces its chunks at least
/// [`TRICKLE`] apart.
pub(crate) fn respond(
    state: &AppState,
    generation: &Generation,
    model: &Model,
    answer: &Answer,
    fail_midstream: bool,
    trickle: bool,
) -> Response {
    let header = ChunkHeader { generation, model };
    let first = state.config.first_byte_delay;
    let between = if trickle {
        state.config.chunk_delay.max(TRICKLE)
    } else {
        state.config.chunk_delay
    };

    let mut plan: Vec<(Duration, Bytes)> = vec![
        (
            Duration::ZERO,
            Bytes::from_static(PROCESSING_COMMENT.as_bytes()),
        ),
        (
            first,
            header.delta(json!({"role": "assistant", "content": ""}), None),
        ),
    ];
    let pieces = answer.pieces();
    let sent = if fail_midstream {
        CHUNKS_BEFORE_FAILURE.min(pieces.len())
    } else {
        pieces.len()
    };
    for piece in &pieces[..sent] {
        plan.push((between, header.delta(json!({ "content": piece }), None)));
    }
    if fail_midstream {
        let error =
            json!({"code": "server_error", "message": "Provider disconnected unexpectedly"});
        let choice = json!([{
            "index": 0,
            "delta": {"content": ""},
            "finish_reason": "error",
            "native_finish_reason": "error",
        }]);
        plan.push((between, header.event(choice, Some(("error", error)))));
    } else {
        plan.push((between, header.delta(json!({}), Some(answer.finish_reason))));
        plan.push((
            Duration::ZERO,
            header.event(json!([]), Some(("usage", answer.usage_json()))),
        ));
        plan.push((Duration::ZERO, Bytes::from_static(b"data: [DONE]\n\n")));
    }

    let body = stream::iter(plan)
        .then(|(delay, chunk)| async move {
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            Ok::<_, Infallible>(chunk)
        })
        .boxed();
    let body = Body::from_stream(state.streams.track(body));

    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Ok(id) = HeaderValue::from_str(&generation.id) {
        headers.insert("x-generation-id", id);
    }
    response
}
