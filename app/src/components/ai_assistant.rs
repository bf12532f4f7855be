//! AIAssistant: a chat panel that streams replies from `/api/ai/chat`. Without a key it shows a
//! setup prompt; what the user typed is kept (in this browser) and can be sent on return.

use leptos::prelude::*;

use crate::components::connect_button::ConnectButton;
use crate::components::key_health::KeyHealthBanner;
use crate::components::model_picker::ModelPicker;
use crate::components::recovery::{Recovery, RecoveryBar};
use crate::components::spend_estimate::use_quote_after;
use crate::keys::key_status;

/// The assistant panel; beside an editor, `file` is the file open in it, `on_insert` puts an
/// answer's code block at the editor's cursor ("Insert at cursor" is shown only with it), and on
/// a workspace page (`workspace`, its id) the conversations are kept on the server.
#[component]
pub fn AiAssistant(
    #[prop(optional, into)] file: Option<Signal<OpenFile>>,
    #[prop(optional)] on_insert: Option<Callback<String>>,
    #[prop(optional, into)] workspace: Option<String>,
) -> impl IntoView {
    let kept = workspace.map(Kept::new);
    let status = Resource::new(|| (), |_| key_status());
    let has_key = move || status.get().and_then(Result::ok).map(|s| s.has_api_key);
    let turns = RwSignal::new(Vec::<Turn>::new());
    let draft = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let include = RwSignal::new(false);
    let included = move || {
        file.filter(|_| include.get())
            .and_then(|f| f.with(OpenFile::message))
    };
    // The model for chat: the user's default, changed here and kept as the default.
    let (model, keep_model) = chat_model();
    let quote = use_quote_after("chat", keep_model.version().into());
    let chars = Signal::derive(move || {
        let past: usize = turns.with(|t| {
            t.iter()
                .map(|t| t.content.with(|c| c.chars().count()))
                .sum()
        });
        let code = included().map_or(0, |(text, _)| text.chars().count());
        past + draft.with(|d| d.chars().count()) + code
    });
    let messages = Signal::derive(move || turns.with(Vec::len) + 1);
    Effect::new(move |_| {
        if let Some(saved) = draft::load() {
            draft.set(saved);
        }
    });
    // Turn ids only grow: a retry's answer must not reuse the id (and so the row) of the
    // answer it replaces.
    let next_id = RwSignal::new(0usize);
    let fresh_id = move || {
        let id = next_id.get_untracked();
        next_id.set(id + 1);
        id
    };
    // A turn's signals belong to the panel. An event handler runs under the owner of the view it
    // sits in, and the recovery bar's view is dropped as soon as its offer is taken, taking
    // anything created under it along: an answer started from "Continue" would stream into
    // disposed signals and never show.
    let panel = StoredValue::new(Owner::current().unwrap_or_default());
    let recovery = RwSignal::new(None::<Recovery>);
    let stopper = Stopper::new();
    let input_ref = NodeRef::<leptos::html::Textarea>::new();
    let retried = RwSignal::new(false);
    let health_refresh = RwSignal::new(0u32);
    // Asks for an answer to the conversation as it stands (its last turn the user's).
    let run = move |asked_for: Option<String>| {
        let model = asked_for.or_else(|| model.get_untracked());
        error.set(None);
        recovery.set(None);
        busy.set(true);
        let history = turns.with_untracked(|t| match kept {
            Some(_) => conversation::latest(t),
            None => conversation::history(t),
        });
        let reply = in_panel(panel, String::new());
        let meta = in_panel(panel, None::<String>);
        turns.update(|t| {
            let n = fresh_id();
            t.push(Turn {
                id: n,
                role: "assistant",
                content: reply,
                meta,
                context: None,
                note: None,
            });
        });
        let asked = model
            .clone()
            .or_else(|| quote.get_untracked().and_then(Result::ok).map(|q| q.model));
        let on_fail = move || health_refresh.update(|n| *n += 1);
        stream_chat(
            history,
            model,
            kept,
            (reply, meta, asked),
            Signals {
                error,
                busy,
                recovery,
                retried,
            },
            stopper,
            on_fail,
        );
    };
    let push_user = move |text: String, with: Option<(String, String)>| {
        let (context, note) = with.unzip();
        turns.update(|t| {
            // An answer that never started is not kept.
            t.retain(|turn| !(turn.role == "assistant" && turn.content.get_untracked().is_empty()));
            // A kept conversation holds no prompt whose call failed: neither does the panel.
            if kept.is_some() && t.last().is_some_and(|l| l.role == "user") {
                t.pop();
            }
            let n = fresh_id();
            t.push(Turn {
                id: n,
                role: "user",
                content: in_panel(panel, text),
                meta: in_panel(panel, None),
                context,
                note,
            });
        });
    };
    let send = move || {
        let text = draft.get_untracked();
        if text.trim().is_empty() || busy.get_untracked() {
            return;
        }
        let (n, m) = (chars.get_untracked(), messages.get_untracked());
        if !crate::components::spend_estimate::may_send(quote, n, m) {
            return;
        }
        retried.set(false);
        push_user(text, included());
        draft.set(String::new());
        draft::keep("");
        run(None);
    };
    let drop_failed_reply = move || {
        turns.update(|t| {
            if t.last()
                .is_some_and(|l| l.role == "assistant" && l.content.get_untracked().is_empty())
            {
                t.pop();
            }
        });
    };
    // The last answer again, from the same conversation.
    let regenerate = move || {
        if busy.get_untracked() {
            return;
        }
        if let Some(k) = kept {
            turns.with_untracked(|t| k.redo_last(t));
        }
        turns.update(|t| {
            if t.last().is_some_and(|l| l.role == "assistant") {
                t.pop();
            }
        });
        retried.set(false);
        run(None);
    };
    // The last prompt back in the box, its exchange out of the conversation, to change and send.
    let edit_last = move || {
        if busy.get_untracked() {
            return;
        }
        let mut text = None;
        if let Some(k) = kept {
            turns.with_untracked(|t| k.redo_last(t));
        }
        turns.update(|t| {
            if let Some(i) = t.iter().rposition(|turn| turn.role == "user") {
                text = Some(t[i].content.get_untracked());
                t.truncate(i);
            }
        });
        if let Some(text) = text {
            draft::keep(&text);
            draft.set(text);
            error.set(None);
            recovery.set(None);
            if let Some(el) = input_ref.get_untracked() {
                let _ = el.focus();
            }
        }
    };
    let answered = move || {
        !busy.get()
            && turns.with(|t| {
                t.last()
                    .is_some_and(|l| l.role == "assistant" && !l.content.with(String::is_empty))
            })
    };
    let act = move |r: Recovery| match r {
        Recovery::FreeModel => {
            drop_failed_reply();
            pick_free_model_and(run);
        }
        Recovery::Countdown(_) => {}
        Recovery::Continue => {
            push_user(
                "Please continue exactly where your last answer stopped.".into(),
                None,
            );
            run(None);
        }
        Recovery::DropOldest => {
            drop_failed_reply();
            turns.update(|t| {
                let n = crate::components::recovery::oldest_to_drop(t.len());
                if let Some(k) = kept {
                    k.drop_oldest(n);
                }
                t.drain(..n);
            });
            run(None);
        }
    };
    // The countdown ticks each second; at zero the same prompt is sent again, once.
    Effect::new(move |_| {
        if let Some(Recovery::Countdown(n)) = recovery.get() {
            tick(move || {
                if recovery.get_untracked() != Some(Recovery::Countdown(n)) {
                    return;
                }
                if n <= 1 {
                    retried.set(true);
                    drop_failed_reply();
                    run(None);
                } else {
                    recovery.set(Some(Recovery::Countdown(n - 1)));
                }
            });
        }
    });
    view! {
        <section class="card assistant" aria-labelledby="assistant-heading" data-testid="ai-assistant"
            on:keydown=move |ev| if ev.key() == "Escape" && busy.get_untracked() { stopper.stop(); }>
            <h2 id="assistant-heading">"AI assistant"</h2>
            <KeyHealthBanner compact=true refresh=health_refresh/>
            {kept.map(|kept| view! { <ConversationBar kept busy turns panel next_id/> })}
            <Transition fallback=|| ()>
                {move || (has_key() == Some(false)).then(|| view! {
                    <div class="setup-prompt" role="note" data-testid="setup-prompt">
                        <p><strong>"Set up your OpenRouter key to use the assistant."</strong></p>
                        <p>"AI features run with your own OpenRouter key: connect with OpenRouter in one step, or paste a key in settings. Anything you type here is kept until you come back."</p>
                        <ConnectButton/>
                        <a class="button secondary" href="/settings">"Go to settings"</a>
                    </div>
                })}
            </Transition>
            <ChatLog turns on_insert/>
            <Show when=answered>
                <p class="answer-actions">
                    <button type="button" class="button secondary" data-testid="regenerate" on:click=move |_| regenerate()>"Regenerate"</button>
                    <button type="button" class="button secondary" data-testid="edit-last" on:click=move |_| edit_last()>"Edit last prompt"</button>
                </p>
            </Show>
            <p class="error" role="alert" data-testid="assistant-error">{move || error.get()}</p>
            <RecoveryBar recovery=recovery act=act/>
            <ModelPicker value=model label="Model" id="assistant" on_pick=move |m| { keep_model.dispatch(m); }/>
            <p class="error" role="alert" data-testid="model-error">
                {move || keep_model.value().get().and_then(Result::err).map(|e| e.body.message)}
            </p>
            <Composer send=Callback::new(move |()| send()) input_ref draft file include quote chars
                messages status busy stopper/>
        </section>
    }
}

mod chat_log;
mod composer;
mod conversation;
mod conversations_bar;
mod draft;
mod helpers;
mod kept;
mod stream;
use chat_log::ChatLog;
use composer::Composer;
pub use conversation::{OpenFile, Turn};
use conversations_bar::ConversationBar;
pub use draft::forget as forget_draft;
pub use helpers::describe;
use helpers::{chat_model, in_panel, pick_free_model_and, tick};
use kept::Kept;
use stream::{stream_chat, Signals, Stopper};
