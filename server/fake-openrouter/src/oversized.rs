//! Answers far larger than any real one, for testing that a client reads upstream bodies with a
//! cap: `OVERSIZED_BODY` and `OVERSIZED_ERROR` in the prompt, and keys whose hex begins `b16b`
//! on `GET /key`.
//!
//! The bodies are generated as they are sent, [`OVERSIZED_BYTES`] in all, so the fake holds
//! none of them in memory; a client that stops reading simply closes the connection.

use std::convert::Infallible;

use axum::{
    body::Body,
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use bytes::Bytes;
use futures::stream;

/// How many filler bytes an oversized answer carries.
pub const OVERSIZED_BYTES: usize = 64 * 1024 * 1024;

const PIECE: usize = 64 * 1024;

/// `head`, then [`OVERSIZED_BYTES`] of `fill`, then `tail`, as a streamed body with `status`.
fn padded(
    status: StatusCode,
    content_type: &'static str,
    head: String,
    fill: u8,
    tail: &'static str,
) -> Response {
    let piece = Bytes::from(vec![fill; PIECE]);
    let fillers = std::iter::repeat_n(piece, OVERSIZED_BYTES / PIECE);
    let chunks = std::iter::once(Bytes::from(head))
        .chain(fillers)
        .chain(std::iter::once(Bytes::from_static(tail.as_bytes())))
        .map(Ok::<_, Infallible>);
    let mut response = (status, Body::from_stream(stream::iter(chunks))).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// A well-formed completion whose content is [`OVERSIZED_BYTES`] long.
pub(crate) fn completion(model: &str) -> Response {
    let head = format!(
        r#"{{"id":"gen-oversized","object":"chat.completion","model":"{model}","choices":[{{"index":0,"finish_reason":"stop","message":{{"role":"assistant","content":""#
    );
    padded(StatusCode::OK, "application/json", head, b'x', r#""}}]}"#)
}

/// An event stream whose first data line is [`OVERSIZED_BYTES`] long.
pub(crate) fn stream_line() -> Response {
    let head =
        ": OPENROUTER PROCESSING\n\ndata: {\"choices\":[{\"delta\":{\"content\":\"".to_owned();
    padded(
        StatusCode::OK,
        "text/event-stream",
        head,
        b'x',
        "\"}}]}\n\ndata: [DONE]\n\n",
    )
}

/// A 500 whose error body is [`OVERSIZED_BYTES`] long.
pub(crate) fn error() -> Response {
    let head = r#"{"error":{"code":500,"message":""#.to_owned();
    padded(
        StatusCode::INTERNAL_SERVER_ERROR,
        "application/json",
        head,
        b' ',
        r#""}}"#,
    )
}

/// `GET /key`'s answer with [`OVERSIZED_BYTES`] of whitespace inside the object.
pub(crate) fn key_info() -> Response {
    let head = r#"{"data":{"label":"oversized","#.to_owned();
    padded(
        StatusCode::OK,
        "application/json",
        head,
        b' ',
        r#""limit":null}}"#,
    )
}
