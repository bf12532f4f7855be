//! "Connect with OpenRouter": the button that starts the OAuth flow, and the sentence the
//! settings page shows when OpenRouter sends the browser back.
//!
//! The button is a plain form posting to `/api/user/api-key/connect` (no WASM needed); the
//! server answers a redirect to OpenRouter's page, which comes back to the callback, which
//! redirects to `/settings?connect=<outcome>`. The key never passes through the page.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::keys::connect::outcome_message;

/// The start button.
#[component]
pub fn ConnectButton() -> impl IntoView {
    view! {
        <form method="post" action="/api/user/api-key/connect" class="connect-form">
            <button type="submit" class="button" data-testid="connect-openrouter">
                "Connect with OpenRouter"
            </button>
            <span class="hint">" OpenRouter asks you to approve, then hands the studio a key of your own: nothing to copy."</span>
        </form>
    }
}

/// The outcome of a connection, from `?connect=`; nothing for any other page visit.
#[component]
pub fn ConnectOutcome() -> impl IntoView {
    let query = use_query_map();
    move || {
        let outcome = query.with(|q| q.get("connect"))?;
        let (ok, text) = outcome_message(&outcome)?;
        Some(view! {
            <p
                class=if ok { "notice" } else { "error" }
                role=if ok { "status" } else { "alert" }
                data-testid="connect-outcome"
                data-outcome=outcome
            >
                {text}
            </p>
        })
    }
}
