//! One streamed answer of the assistant: `/api/ai/chat` read event by event into the answer's
//! signals, its cost line at the end, and the recovery to offer when it fails.

use leptos::prelude::*;

use super::kept::Kept;
use crate::components::recovery::Recovery;

/// An answer's text, its cost line, and the model asked for.
pub(super) type Reply = (RwSignal<String>, RwSignal<Option<String>>, Option<String>);

/// The panel's signals an answer writes to (read only by the browser's build).
#[derive(Clone, Copy)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub(super) struct Signals {
    /// The error shown under the conversation.
    pub error: RwSignal<Option<String>>,
    /// Whether an answer is running.
    pub busy: RwSignal<bool>,
    /// The recovery offered after a failure.
    pub recovery: RwSignal<Option<Recovery>>,
    /// Whether this prompt was already retried once.
    pub retried: RwSignal<bool>,
}

/// Stops the answer that is streaming: its request is aborted, so the server drops OpenRouter's
/// stream and records what had been produced. The text so far stays.
#[derive(Clone, Copy)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub(super) struct Stopper {
    #[cfg(feature = "hydrate")]
    current: StoredValue<Option<web_sys::AbortController>, LocalStorage>,
    /// Whether the user stopped the latest answer.
    stopped: RwSignal<bool>,
}

impl Stopper {
    pub(super) fn new() -> Self {
        Self {
            #[cfg(feature = "hydrate")]
            current: StoredValue::new_local(None),
            stopped: RwSignal::new(false),
        }
    }

    /// Stops the answer streaming now, if one is.
    pub(super) fn stop(self) {
        #[cfg(feature = "hydrate")]
        if let Some(c) = self.current.get_value() {
            self.stopped.set(true);
            c.abort();
        }
    }
}

/// Streams one answer to `history` into `reply`, with `model` when the user chose one; in a
/// kept conversation (`kept`), `history` is only the new prompt and the server adds the rest.
#[cfg(feature = "hydrate")]
#[allow(clippy::too_many_arguments)] // One call site; a struct would only rename them.
pub(super) fn stream_chat(
    history: Vec<(String, String)>,
    model: Option<String>,
    kept: Option<Kept>,
    (reply, meta, asked): Reply,
    Signals {
        error,
        busy,
        recovery,
        retried,
    }: Signals,
    stopper: Stopper,
    on_fail: impl Fn() + 'static,
) {
    use super::describe;
    use crate::components::recovery::recovery_for;
    use crate::sse::{post, Answer};
    use crate::wire::ApiError;
    let messages: Vec<serde_json::Value> = history
        .into_iter()
        .map(|(role, content)| serde_json::json!({"role": role, "content": content}))
        .collect();
    let mut body = serde_json::json!({"messages": messages, "stream": true});
    if let Some(model) = model {
        body["model"] = serde_json::json!(model);
    }
    let offer = move |e: &Option<ApiError>| {
        let partial = !reply.get_untracked().is_empty();
        let (kind, wait) = e
            .as_ref()
            .map_or((None, None), |e| (e.kind.clone(), e.retry_after));
        recovery.set(recovery_for(
            kind.as_deref(),
            wait,
            partial,
            retried.get_untracked(),
        ));
    };
    let Ok(controller) = web_sys::AbortController::new() else {
        error.set(Some("This browser cannot stream answers.".into()));
        busy.set(false);
        return;
    };
    stopper.stopped.set(false);
    stopper.current.set_value(Some(controller.clone()));
    leptos::task::spawn_local(async move {
        if let Some(kept) = kept {
            match super::kept::prepare(kept).await {
                Ok(id) => body["conversationId"] = serde_json::json!(id),
                Err(e) => {
                    error.set(Some(describe(e.body)));
                    stopper.current.set_value(None);
                    busy.set(false);
                    return;
                }
            }
        }
        let body = body.to_string();
        let signal = controller.signal();
        let outcome = post("/api/ai/chat", &body, &signal, |event| {
            match event.name.as_str() {
                "delta" => {
                    let piece = serde_json::from_str::<serde_json::Value>(&event.data)
                        .ok()
                        .and_then(|v| v.get("content").and_then(|c| c.as_str()).map(str::to_owned))
                        .unwrap_or_default();
                    reply.update(|r| r.push_str(&piece));
                }
                "done" => {
                    if let Ok(done) = serde_json::from_str::<crate::wire::StreamDone>(&event.data) {
                        meta.set(Some(crate::components::spend_estimate::answer_cost(
                            &done.usage,
                            &done.model,
                            asked.as_deref(),
                        )));
                    }
                }
                "error" => {
                    let e: Option<ApiError> = serde_json::from_str(&event.data).ok();
                    offer(&e);
                    error.set(Some(
                        e.map(describe)
                            .unwrap_or_else(|| "The answer stopped early.".into()),
                    ));
                }
                _ => {}
            }
        })
        .await;
        match outcome {
            Ok(Answer::Done) => {}
            Ok(Answer::Error(_, body)) => {
                let e: Option<ApiError> = serde_json::from_str(&body).ok();
                offer(&e);
                on_fail();
                error.set(Some(
                    e.map(describe)
                        .unwrap_or_else(|| "The assistant could not answer.".into()),
                ));
            }
            Err(_) if stopper.stopped.get_untracked() => {
                meta.set(Some("Stopped.".into()));
            }
            Err(_) => error.set(Some(
                "Could not reach the server. Check your connection.".into(),
            )),
        }
        stopper.current.set_value(None);
        busy.set(false);
        if let Some(kept) = kept {
            kept.changed.update(|n| *n += 1);
        }
    });
}

/// The same, without a browser: nothing to stream.
#[cfg(not(feature = "hydrate"))]
pub(super) fn stream_chat(
    _: Vec<(String, String)>,
    _: Option<String>,
    _: Option<Kept>,
    _: Reply,
    _: Signals,
    _: Stopper,
    _: impl Fn() + 'static,
) {
}
