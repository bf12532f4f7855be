use leptos::form::ActionForm;
use leptos::prelude::*;

use crate::auth::AuthActions;

/// The top bar's account corner: sign-in links, or the user and a sign-out button.
#[component]
pub fn UserMenu() -> impl IntoView {
    let actions = expect_context::<AuthActions>();
    view! {
        <div class="user-menu">
            <Transition fallback=|| ()>
                {move || actions.user.get().map(|user| match user {
                    Ok(Some(u)) => view! {
                        <span class="hint" data-testid="current-user">{u.email}</span>
                        <ActionForm action=actions.sign_out>
                            <button type="submit" class="button secondary">"Sign out"</button>
                        </ActionForm>
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
