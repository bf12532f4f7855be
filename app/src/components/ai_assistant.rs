//! AIAssistant: a chat panel that streams replies from `/api/ai/chat`. Without a key it shows a
//! setup prompt; what the user typed is kept (in this browser) and can be sent on return.

use leptos::prelude::*;

use crate::components::spend_estimate::{use_quote, CostEstimate};
use crate::keys::key_status;

const DRAFT_KEY: &str = "studio.assistant.draft";

/// One line of the conversation.
#[derive(Debug, Clone, PartialEq)]
pub struct Turn {
    /// Position in the conversation.
    pub id: usize,
    /// `user` or `assistant`.
    pub role: &'static str,
    /// The text so far.
    pub content: RwSignal<String>,
    /// For an answer: its real cost and tokens, once OpenRouter reported them.
    pub meta: RwSignal<Option<String>>,
}

/// The assistant panel.
#[component]
pub fn AiAssistant() -> impl IntoView {
    let status = Resource::new(|| (), |_| key_status());
    let has_key = move || status.get().and_then(Result::ok).map(|s| s.has_api_key);
    let turns = RwSignal::new(Vec::<Turn>::new());
    let draft = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let quote = use_quote("chat");
    let chars = Signal::derive(move || {
        let past: usize = turns.with(|t| {
            t.iter()
                .map(|t| t.content.with(|c| c.chars().count()))
                .sum()
        });
        past + draft.with(|d| d.chars().count())
    });
    let messages = Signal::derive(move || turns.with(Vec::len) + 1);
    Effect::new(move |_| {
        if let Some(saved) = storage_get(DRAFT_KEY) {
            draft.set(saved);
        }
    });
    let send = move || {
        let text = draft.get_untracked();
        if text.trim().is_empty() || busy.get_untracked() {
            return;
        }
        let (n, m) = (chars.get_untracked(), messages.get_untracked());
        if !crate::components::spend_estimate::may_send(quote, n, m) {
            return;
        }
        let asked = quote.get_untracked().and_then(Result::ok).map(|q| q.model);
        let meta = RwSignal::new(None::<String>);
        error.set(None);
        busy.set(true);
        let reply = RwSignal::new(String::new());
        turns.update(|t| {
            let n = t.len();
            t.push(Turn {
                id: n,
                role: "user",
                content: RwSignal::new(text.clone()),
                meta: RwSignal::new(None),
            });
            t.push(Turn {
                id: n + 1,
                role: "assistant",
                content: reply,
                meta,
            });
        });
        draft.set(String::new());
        storage_set(DRAFT_KEY, "");
        let history: Vec<(String, String)> = turns
            .get_untracked()
            .iter()
            .filter(|t| !(t.role == "assistant" && t.content.get_untracked().is_empty()))
            .map(|t| (t.role.to_owned(), t.content.get_untracked()))
            .collect();
        stream_chat(history, (reply, meta, asked), error, busy);
    };
    view! {
        <section class="card assistant" aria-labelledby="assistant-heading" data-testid="ai-assistant">
            <h2 id="assistant-heading">"AI assistant"</h2>
            <Transition fallback=|| ()>
                {move || (has_key() == Some(false)).then(|| view! {
                    <div class="setup-prompt" role="note" data-testid="setup-prompt">
                        <p><strong>"Set up your OpenRouter key to use the assistant."</strong></p>
                        <p>"AI features run with your own key, which you add in settings. Anything you type here is kept until you come back."</p>
                        <a class="button" href="/settings">"Go to settings"</a>
                    </div>
                })}
            </Transition>
            <ol class="chat" aria-live="polite" data-testid="chat-log">
                <For each=move || turns.get() key=|t| t.id let:turn>
                    <li class=format!("turn {}", turn.role) data-role=turn.role>
                        <span class="who">{if turn.role == "user" { "You" } else { "Assistant" }}</span>
                        <p class="text">{move || turn.content.get()}</p>
                        <p class="hint answer-cost" data-testid="answer-cost">{move || turn.meta.get()}</p>
                    </li>
                </For>
            </ol>
            <p class="error" role="alert" data-testid="assistant-error">{move || error.get()}</p>
            <form on:submit=move |ev| { ev.prevent_default(); send(); }>
                <label for="assistant-input">"Ask the assistant"</label>
                <textarea
                    id="assistant-input"
                    rows="3"
                    prop:value=move || draft.get()
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        storage_set(DRAFT_KEY, &v);
                        draft.set(v);
                    }
                ></textarea>
                <CostEstimate quote chars messages/>
                <Transition fallback=|| ()>
                    {move || {
                        let ready = has_key() == Some(true);
                        view! {
                            <p>
                                <button type="submit" class="button" disabled=move || busy.get() || !ready>
                                    {move || if busy.get() { "Answering…" } else { "Send" }}
                                </button>
                            </p>
                        }
                    }}
                </Transition>
            </form>
        </section>
    }
}

#[cfg(feature = "hydrate")]
fn stream_chat(
    history: Vec<(String, String)>,
    (reply, meta, asked): Reply,
    error: RwSignal<Option<String>>,
    busy: RwSignal<bool>,
) {
    use crate::sse::{post, Answer};
    use crate::wire::ApiError;
    let messages: Vec<serde_json::Value> = history
        .into_iter()
        .map(|(role, content)| serde_json::json!({"role": role, "content": content}))
        .collect();
    let body = serde_json::json!({"messages": messages, "stream": true}).to_string();
    leptos::task::spawn_local(async move {
        let outcome = post("/api/ai/chat", &body, |event| match event.name.as_str() {
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
                error.set(Some(
                    e.map(describe)
                        .unwrap_or_else(|| "The answer stopped early.".into()),
                ));
            }
            _ => {}
        })
        .await;
        match outcome {
            Ok(Answer::Done) => {}
            Ok(Answer::Error(_, body)) => {
                let e: Option<ApiError> = serde_json::from_str(&body).ok();
                error.set(Some(
                    e.map(describe)
                        .unwrap_or_else(|| "The assistant could not answer.".into()),
                ));
            }
            Err(_) => error.set(Some(
                "Could not reach the server. Check your connection.".into(),
            )),
        }
        busy.set(false);
    });
}

#[cfg(not(feature = "hydrate"))]
fn stream_chat(_: Vec<(String, String)>, _: Reply, _: RwSignal<Option<String>>, _: RwSignal<bool>) {
}

/// An answer's text, its cost line, and the model asked for.
type Reply = (RwSignal<String>, RwSignal<Option<String>>, Option<String>);

/// An API error as the user reads it, with the wait on a rate limit.
pub fn describe(e: crate::wire::ApiError) -> String {
    match e.retry_after {
        Some(s) => format!("{} Try again in {s} seconds.", e.message),
        None => e.message,
    }
}

/// Removes the assistant's saved draft from this browser (at sign-out: the next person to sign
/// in here must not find it).
pub fn forget_draft() {
    #[cfg(feature = "hydrate")]
    if let Some(s) = storage() {
        let _ = s.remove_item(DRAFT_KEY);
    }
}

#[cfg(feature = "hydrate")]
fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

fn storage_get(key: &str) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        storage()
            .and_then(|s| s.get_item(key).ok().flatten())
            .filter(|v| !v.is_empty())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = key;
        None
    }
}

fn storage_set(key: &str, value: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(s) = storage() {
        let _ = s.set_item(key, value);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (key, value);
}
