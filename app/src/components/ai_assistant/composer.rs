//! The box a prompt is written in, with what sending it would include and cost, Send and Stop.

use leptos::html::Textarea;
use leptos::prelude::*;

use super::{draft, OpenFile, Stopper};
use crate::components::spend_estimate::CostEstimate;
use crate::error::AppError;
use crate::wire::{ApiKeyStatus, CostQuote};

/// The prompt's form. `send` sends the draft; `status` is the caller's key status (Send waits for
/// a key); beside an editor, `file` is the open file the prompt may include (`include`).
#[component]
pub(super) fn Composer(
    send: Callback<()>,
    input_ref: NodeRef<Textarea>,
    draft: RwSignal<String>,
    file: Option<Signal<OpenFile>>,
    include: RwSignal<bool>,
    quote: Resource<Result<CostQuote, AppError>>,
    chars: Signal<usize>,
    messages: Signal<usize>,
    status: Resource<Result<ApiKeyStatus, AppError>>,
    busy: RwSignal<bool>,
    stopper: Stopper,
) -> impl IntoView {
    let has_key = move || status.get().and_then(Result::ok).map(|s| s.has_api_key);
    view! {
        <form on:submit=move |ev| { ev.prevent_default(); send.run(()); }>
            <label for="assistant-input">"Ask the assistant"</label>
            <textarea
                id="assistant-input"
                rows="3"
                node_ref=input_ref
                aria-describedby="assistant-keys"
                on:keydown=move |ev| {
                    if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) {
                        ev.prevent_default();
                        send.run(());
                    }
                }
                prop:value=move || draft.get()
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    draft::keep(&v);
                    draft.set(v);
                }
            ></textarea>
            {file.map(|f| view! {
                <p class="include-code">
                    <label>
                        <input type="checkbox" data-testid="include-code"
                            prop:checked=move || include.get()
                            on:change=move |ev| include.set(event_target_checked(&ev))/>
                        " Include the code"
                    </label>
                    <span class="hint" data-testid="included-part">
                        {move || f.with(|f| match &f.excerpt {
                            Some(e) => format!(" Sends {} of {}.", e.describe(), f.name),
                            None => " The file is empty.".to_owned(),
                        })}
                    </span>
                </p>
            })}
            <CostEstimate quote chars messages/>
            <Transition fallback=|| ()>
                {move || {
                    let ready = has_key() == Some(true);
                    view! {
                        <p>
                            <button type="submit" class="button" disabled=move || busy.get() || !ready>
                                {move || if busy.get() { "Answering…" } else { "Send" }}
                            </button>
                            <Show when=move || busy.get()>
                                <button type="button" class="button secondary" data-testid="stop-answer"
                                    on:click=move |_| stopper.stop()>"Stop"</button>
                            </Show>
                            <span class="hint" id="assistant-keys">" Ctrl+Enter sends, Escape stops."</span>
                        </p>
                    }
                }}
            </Transition>
        </form>
    }
    // Its own type: inside the panel's, the whole view is deeper than rustc allows.
    .into_any()
}
