//! `/signin`: works as a plain HTML form before the WASM loads, and in place after.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::auth::{next_query, AuthActions};
use crate::components::error_text::ErrorText;

/// The sign-in page.
#[component]
pub fn SignInPage() -> impl IntoView {
    let action = expect_context::<AuthActions>().sign_in();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let pending = action.pending();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    view! {
        <section class="card narrow">
            <h1>"Sign in"</h1>
            <ActionForm action=action attr:data-testid="signin-form">
                <input type="hidden" name="next" value=next/>
                <label for="signin-email">"Email"</label>
                <input id="signin-email" name="email" type="email" autocomplete="email" required/>
                <label for="signin-password">"Password"</label>
                <input id="signin-password" name="password" type="password" autocomplete="current-password" required/>
                <ErrorText error/>
                <p>
                    <button class="button" type="submit" disabled=move || pending.get()>
                        {move || if pending.get() { "Signing in…" } else { "Sign in" }}
                    </button>
                </p>
            </ActionForm>
            <p class="hint">"New here? " <a href=move || format!("/signup{}", next_query(&next()))>"Create an account"</a></p>
        </section>
    }
}
