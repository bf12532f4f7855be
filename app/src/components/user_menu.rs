use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::auth::{AuthActions, SignOut};

/// The top bar's account corner: sign-in links, or the user and a sign-out button.
///
/// The sign-out form is a plain form posting to the server function (so it works before the
/// WASM has loaded) whose submit the browser turns into the action. Not `ActionForm`: the top
/// bar is in the main WASM file that every page loads first, and `ActionForm` would bring its
/// form-data decoding there for a form without fields.
#[component]
pub fn UserMenu() -> impl IntoView {
    let actions = expect_context::<AuthActions>();
    view! {
        <div class="user-menu">
            <Transition fallback=|| ()>
                {move || actions.user.get().map(|user| match user {
                    Ok(Some(u)) => view! {
                        <span class="hint" data-testid="current-user">{u.email}</span>
                        <form method="post" action=SignOut::url() on:submit=move |ev| {
                            ev.prevent_default();
                            actions.sign_out.dispatch(SignOut {});
                        }>
                            <button type="submit" class="button secondary">"Sign out"</button>
                        </form>
                    }.into_any(),
                    _ => view! {
                        <a href="/signin">"Sign in"</a>
                        <a class="button" href="/signup">"Sign up"</a>
                    }.into_any(),
                })}
            </Transition>
        </div>
    }
}
