//! ApiKeySettings: the stored key's status, add/replace, remove, and the key log.

use leptos::form::ActionForm;
use leptos::prelude::*;

use crate::components::connect_button::{ConnectButton, ConnectOutcome};
use crate::components::error_text::ErrorText;
use crate::components::key_log::KeyLog;
use crate::components::when::When;
use crate::keys::{format_hint, key_status, RemoveKey, SaveKey};
use crate::wire::ApiKeyStatus;

/// The settings card for the user's OpenRouter key.
#[component]
pub fn ApiKeySettings() -> impl IntoView {
    let save = ServerAction::<SaveKey>::new();
    let remove = ServerAction::<RemoveKey>::new();
    let changes = move || (save.version().get(), remove.version().get());
    let status = Resource::new(changes, |_| key_status());
    let input = RwSignal::new(String::new());
    let confirming = RwSignal::new(false);
    let saving = save.pending();
    let save_error = Signal::derive(move || save.value().get().and_then(Result::err));
    let remove_error = Signal::derive(move || remove.value().get().and_then(Result::err));
    // The field is cleared once the server has the key: it is never in the page afterwards.
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            input.set(String::new());
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = remove.value().get() {
            confirming.set(false);
        }
    });
    let hint = move || {
        format_hint(&input.get()).unwrap_or(
            "Paste the key from openrouter.ai/settings/keys: sk-or-v1- and 64 characters.",
        )
    };
    view! {
        <section class="card" aria-labelledby="key-heading" data-testid="api-key-settings">
            <h2 id="key-heading">"OpenRouter API key"</h2>
            <ConnectOutcome/>
            <Transition fallback=|| view! { <p class="hint">"Loading…"</p> }>
                {move || status.get().map(|s| match s {
                    Ok(s) => view! { <KeyStatus status=s/> }.into_any(),
                    Err(e) => view! { <p class="error" role="alert">{e.body.message}</p> }.into_any(),
                })}
            </Transition>
            <ConnectButton/>
            <p class="hint">"Or paste a key you made yourself:"</p>
            <ActionForm action=save attr:class="key-form" attr:data-testid="api-key-form">
                // Inside a Transition, as everything that reads the status is: the server then
                // waits for it, so the HTML it sends is what hydration expects to find.
                <label for="api-key-input">
                    <Transition fallback=|| "Your key">
                        {move || if has_key(&status) { "Replace your key" } else { "Add your key" }}
                    </Transition>
                </label>
                <input
                    id="api-key-input"
                    name="api_key"
                    type="password"
                    autocomplete="off"
                    spellcheck="false"
                    required
                    aria-describedby="api-key-hint"
                    prop:value=move || input.get()
                    on:input=move |ev| input.set(event_target_value(&ev))
                />
                <p id="api-key-hint" class="hint" aria-live="polite" data-testid="api-key-hint">{hint}</p>
                <ErrorText error=save_error/>
                <p>
                    <button class="button" type="submit" disabled=move || saving.get() aria-busy=move || saving.get().to_string()>
                        {move || if saving.get() { "Verifying with OpenRouter…" } else { "Save key" }}
                    </button>
                </p>
            </ActionForm>
            <Transition fallback=|| ()>
            <Show when=move || has_key(&status)>
                <div class="danger-zone">
                    <Show
                        when=move || confirming.get()
                        fallback=move || view! {
                            <button type="button" class="button secondary" on:click=move |_| confirming.set(true)>
                                "Remove key…"
                            </button>
                        }
                    >
                        <p role="alert">"Remove your key? AI features stop working until you add one again."</p>
                        <ActionForm action=remove attr:class="inline">
                            <button type="submit" class="button danger">"Yes, remove it"</button>
                        </ActionForm>
                        <button type="button" class="button secondary" on:click=move |_| confirming.set(false)>
                            "Cancel"
                        </button>
                    </Show>
                    <ErrorText error=remove_error/>
                </div>
            </Show>
            </Transition>
        </section>
        <KeyLog refresh=Signal::derive(changes)/>
    }
}

fn has_key(status: &Resource<Result<ApiKeyStatus, crate::AppError>>) -> bool {
    status
        .get()
        .and_then(Result::ok)
        .is_some_and(|s| s.has_api_key)
}

fn money(v: Option<f64>) -> String {
    v.map(|v| format!("${}", crate::rules::decimal::fixed(v, 2)))
        .unwrap_or_else(|| "unlimited".to_owned())
}

/// The stored key's mask and what OpenRouter reported.
#[component]
fn KeyStatus(status: ApiKeyStatus) -> impl IntoView {
    let Some(mask) = status.api_key.clone() else {
        return view! {
            <p data-testid="key-status">"No key stored yet. AI features need your own OpenRouter key."</p>
        }
        .into_any();
    };
    let facts = status.openrouter.clone().unwrap_or_default();
    let state = match status.status.as_deref() {
        Some("rejected") => "OpenRouter rejected this key on a recent call: replace it.",
        Some("unusable") => "This key can no longer be used: please enter it again.",
        _ => "Active",
    };
    view! {
        <dl class="facts" data-testid="key-status">
            <dt>"Key"</dt><dd class="mono" data-testid="masked-key">{mask}</dd>
            <dt>"Status"</dt><dd>{state}</dd>
            <dt>"Verified"</dt><dd>{status.verified_at.clone().map_or_else(|| "never".into_any(), |at| view! { <When at/> }.into_any())}</dd>
            <dt>"Credit left"</dt><dd data-testid="credit-left">{money(facts.limit_remaining.or(facts.limit))}</dd>
            <dt>"Limit"</dt><dd>{money(facts.limit)}</dd>
            <dt>"Limit resets"</dt><dd>{facts.limit_reset.clone().unwrap_or_else(|| "never".into())}</dd>
            <dt>"Expires"</dt><dd>{facts.expires_at.clone().map_or_else(|| "never".into_any(), |at| view! { <When at/> }.into_any())}</dd>
            <dt>"Free tier"</dt><dd>{match facts.is_free_tier { Some(true) => "yes", Some(false) => "no", None => "unknown" }}</dd>
        </dl>
    }
    .into_any()
}
