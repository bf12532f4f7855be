//! `/signup`: creates an account and signs it in.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::auth::{next_query, AuthActions};
use crate::components::error_text::ErrorText;

/// The sign-up page.
#[component]
pub fn SignUpPage() -> impl IntoView {
    let action = expect_context::<AuthActions>().sign_up();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let pending = action.pending();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    view! {
        <section class="card narrow">
            <h1>"Create your account"</h1>
            <ActionForm action=action attr:data-testid="signup-form">
                <input type="hidden" name="next" value=next/>
                <label for="signup-name">"Name " <span class="hint">"(optional)"</span></label>
                <input id="signup-name" name="name" type="text" autocomplete="name" maxlength="100"/>
                <label for="signup-email">"Email"</label>
                <input id="signup-email" name="email" type="email" autocomplete="email" required/>
                <label for="signup-password">"Password"</label>
                <input id="signup-password" name="password" type="password" autocomplete="new-password"
                    minlength="8" maxlength="128" required aria-describedby="signup-password-hint"/>
                <p id="signup-password-hint" class="hint">"8 to 128 characters."</p>
                <ErrorText error/>
                <p>
                    <button class="button" type="submit" disabled=move || pending.get()>
                        {move || if pending.get() { "Creating…" } else { "Create account" }}
                    </button>
                </p>
            </ActionForm>
            <p class="hint">"Already have an account? " <a href=move || format!("/signin{}", next_query(&next()))>"Sign in"</a></p>
        </section>
    }
}
