//! The streaming answer: OpenRouter's event stream relayed to the client as it arrives.
//!
//! The client receives `event: delta` (`{"content": "…"}`) for each piece of the answer,
//! `: keep-alive` comments while OpenRouter is working, and then either one `event: done`
//! ([`StreamDone`]) or one `event: error` (`{"error", "message"}`).
//!
//! The relay owns the upstream response, the call's in-flight slot and its ledger record. When
//! the client goes away, axum drops the body, and with it the relay: the upstream response is
//! dropped (which closes that connection and so cancels the generation), the slot is freed, and
//! the record is written as `cancelled` with what was produced so far.

use std::convert::Infallible;
use std::time::Duration;

use axum::body::Body;
use axum::body::Bytes;
use axum::response::{IntoResponse, Response};
use futures::stream::BoxStream;
use futures::StreamExt;
use http::header::{HeaderValue, CACHE_CONTROL, CONTENT_TYPE};

use app::sse::{SseError, SseItem, SseParser};
use app::wire::{StreamDelta, StreamDone};
use app::AppError;

use crate::ai::clean;
use crate::ai::ledger::CallRecord;
use crate::ai::limits::InFlightGuard;
use crate::ai::upstream_errors;
use crate::conversations::answer::AnswerSink;
use crate::metrics::OpenStream;
use crate::openrouter::client::Streaming;
use crate::openrouter::lanes::Ticket;
use crate::openrouter::types::{ChatCompletion, Usage};

mod wire;
pub use wire::wire_usage;
use wire::{event, interrupted, midstream};

/// The most answer text kept to build `done.code` for code generation.
const MAX_COLLECTED: usize = 1024 * 1024;

/// What a relayed stream does with the whole answer at its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finish {
    /// Nothing (chat).
    Plain,
    /// Puts the cleaned code in `done.code` (code generation).
    Code,
}

/// One relayed stream.
pub struct Relay {
    upstream: BoxStream<'static, reqwest::Result<Bytes>>,
    parser: SseParser,
    idle: Duration,
    finish: Finish,
    model: String,
    generation_id: Option<String>,
    usage: Option<Usage>,
    finish_reason: Option<String>,
    collected: String,
    done: bool,
    record: Option<CallRecord>,
    /// Keeps the answer in its conversation, when the chat names one.
    keep: Option<AnswerSink>,
    /// The kept answer and how it ended, written before the last frame goes out.
    finishing: Option<(AnswerSink, &'static str)>,
    _slot: InFlightGuard,
    /// Counts this stream in the metrics' `studio_open_streams` while it lives.
    _open: OpenStream,
    /// Its place on an upstream connection, given back when the stream ends.
    _lane: Ticket,
}

impl Relay {
    /// A relay of `upstream`, allowing `idle` between two upstream chunks.
    pub fn new(
        upstream: Streaming,
        idle: Duration,
        finish: Finish,
        model: String,
        mut record: CallRecord,
        slot: InFlightGuard,
        open: OpenStream,
    ) -> Self {
        let Streaming {
            response: upstream,
            ticket,
        } = upstream;
        let generation_id = crate::openrouter::client::generation_id(&upstream);
        record.set_generation_id(generation_id.clone());
        Self {
            upstream: upstream.bytes_stream().boxed(),
            parser: SseParser::default(),
            idle,
            finish,
            model,
            generation_id,
            usage: None,
            finish_reason: None,
            collected: String::new(),
            done: false,
            record: Some(record),
            keep: None,
            finishing: None,
            _slot: slot,
            _open: open,
            _lane: ticket,
        }
    }

    /// Keeps the answer in a conversation: written when the stream ends, as far as it got
    /// (`stopped` when the client goes away first).
    pub fn keep_answer(&mut self, sink: AnswerSink) {
        self.keep = Some(sink);
    }

    /// The `text/event-stream` response.
    pub fn into_response(self) -> Response {
        let body = futures::stream::unfold(self, |mut relay| async move {
            let frame = relay.next_frame().await?;
            Some((Ok::<Bytes, Infallible>(frame), relay))
        });
        let mut response = Body::from_stream(body).into_response();
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        // Tells a buffering reverse proxy (nginx) to pass each event on at once.
        headers.insert("x-accel-buffering", HeaderValue::from_static("no"));
        response
    }

    /// The next bytes for the client, as soon as an upstream chunk yields any; `None` at the end.
    async fn next_frame(&mut self) -> Option<Bytes> {
        if self.done {
            return None;
        }
        loop {
            let mut out = Vec::new();
            match tokio::time::timeout(self.idle, self.upstream.next()).await {
                Err(_) => self.fail(&mut out, upstream_errors::timeout(), "timeout"),
                Ok(Some(Err(e))) => {
                    tracing::warn!(ai.model = %self.model, error = %e, "the upstream stream broke");
                    self.fail(&mut out, interrupted(), "interrupted");
                }
                Ok(Some(Ok(bytes))) => match self.parser.push(&bytes) {
                    Ok(items) => self.handle(items, &mut out),
                    Err(e) => self.refuse(&mut out, e),
                },
                Ok(None) => {
                    match self.parser.finish() {
                        Ok(items) => self.handle(items, &mut out),
                        Err(e) => self.refuse(&mut out, e),
                    }
                    if !self.done {
                        if self.finish_reason.is_some() {
                            // Some providers end without `[DONE]`; a finish reason is enough.
                            self.complete(&mut out);
                        } else {
                            self.fail(&mut out, interrupted(), "interrupted");
                        }
                    }
                }
            }
            if !out.is_empty() {
                if let Some((keep, status)) = self.finishing.take() {
                    // Boxed: the database write's future is large, and held inline it would
                    // make every open stream's body that much larger while it waits.
                    Box::pin(keep.finish(status, Some(self.model.clone()))).await;
                }
                return Some(Bytes::from(out));
            }
        }
    }

    /// Ends the stream on an upstream line or event past its cap (logged once, here); the rest
    /// of the upstream body is not read.
    fn refuse(&mut self, out: &mut Vec<u8>, e: SseError) {
        tracing::warn!(ai.model = %self.model, error = %e, "refused an upstream stream past its caps");
        self.fail(out, interrupted(), "oversized_answer");
    }

    fn handle(&mut self, items: Vec<SseItem>, out: &mut Vec<u8>) {
        for item in items {
            if self.done {
                return;
            }
            match item {
                SseItem::KeepAlive => out.extend_from_slice(b": keep-alive\n\n"),
                // OpenRouter names no events: only the data matters.
                SseItem::Event(e) if e.data.trim() == "[DONE]" => self.complete(out),
                SseItem::Event(e) => match serde_json::from_str::<ChatCompletion>(&e.data) {
                    Ok(chunk) => self.chunk(chunk, out),
                    Err(_) => {
                        tracing::warn!(ai.model = %self.model, "skipped an unreadable upstream chunk");
                    }
                },
            }
        }
    }

    fn chunk(&mut self, chunk: ChatCompletion, out: &mut Vec<u8>) {
        if self.generation_id.is_none() {
            self.generation_id = chunk.id.clone();
        }
        if let Some(model) = &chunk.model {
            self.model.clone_from(model);
        }
        if let Some(e) = &chunk.error {
            tracing::warn!(ai.model = %self.model, error.code = ?e.code, "the provider failed mid-stream");
            self.fail(out, midstream(), "midstream");
            return;
        }
        if let Some(usage) = chunk.usage {
            self.usage = Some(usage);
        }
        if let Some(reason) = chunk.finish_reason() {
            self.finish_reason = Some(reason.to_owned());
        }
        if let Some(text) = chunk.text().filter(|t| !t.is_empty()) {
            if let Some(record) = &mut self.record {
                record.add_output(text);
            }
            if let Some(keep) = &mut self.keep {
                keep.push(text);
            }
            if self.finish == Finish::Code && self.collected.len() + text.len() <= MAX_COLLECTED {
                self.collected.push_str(text);
            }
            event(
                out,
                "delta",
                &StreamDelta {
                    content: text.to_owned(),
                },
            );
        }
    }

    fn complete(&mut self, out: &mut Vec<u8>) {
        let done = StreamDone {
            model: self.model.clone(),
            usage: wire_usage(self.usage),
            generation_id: self.generation_id.clone(),
            finish_reason: self.finish_reason.clone(),
            code: (self.finish == Finish::Code).then(|| clean::clean_code(&self.collected)),
        };
        event(out, "done", &done);
        self.end("ok", self.usage);
    }

    fn fail(&mut self, out: &mut Vec<u8>, error: AppError, kind: &str) {
        event(out, "error", &error.body);
        self.end(&format!("error:{kind}"), self.usage);
    }

    fn end(&mut self, outcome: &str, usage: Option<Usage>) {
        self.done = true;
        if let Some(keep) = self.keep.take() {
            let status = if outcome == "ok" { "done" } else { "failed" };
            self.finishing = Some((keep, status));
        }
        if let Some(mut record) = self.record.take() {
            if let Some(u) = usage {
                record.set_usage(u);
            }
            record.set_generation_id(self.generation_id.clone());
            record.set_answered_by(&self.model);
            record.finish(outcome);
        }
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        if let Some((keep, status)) = self.finishing.take() {
            keep.finish_later(status, Some(self.model.clone()));
        }
        if let Some(keep) = self.keep.take() {
            keep.finish_later("stopped", Some(self.model.clone()));
        }
        if let Some(record) = &mut self.record {
            // Cancelled: the record's own drop writes it with what arrived so far.
            record.set_generation_id(self.generation_id.clone());
            record.set_answered_by(&self.model);
            tracing::info!(ai.model = %self.model, "the client left during a stream; upstream cancelled");
        }
    }
}
