use leptos::prelude::*;

use crate::auth::{list_sessions, EndOtherSessions, EndSession};

/// The user's signed-in sessions, with "sign out" per session and everywhere else.
#[component]
pub fn SessionList() -> impl IntoView {
    let end_one = ServerAction::<EndSession>::new();
    let end_others = ServerAction::<EndOtherSessions>::new();
    let sessions = Resource::new(
        move || (end_one.version().get(), end_others.version().get()),
        |_| list_sessions(),
    );
    view! {
        <section class="card" aria-labelledby="sessions-heading">
            <h2 id="sessions-heading">"Where you are signed in"</h2>
            <Transition fallback=|| ()>
                {move || sessions.get().map(|r| match r {
                    Ok(list) => view! {
                        <ul class="sessions" data-testid="session-list">
                            {list.into_iter().map(|s| {
                                let id = s.id.clone();
                                view! {
                                    <li>
                                        <span>{s.user_agent.unwrap_or_else(|| "Unknown browser".into())}</span>
                                        <span class="hint">" · since " {s.created_at} " · last seen " {s.last_seen_at}</span>
                                        {if s.current {
                                            view! { <strong>" (this browser)"</strong> }.into_any()
                                        } else {
                                            view! {
                                                <button type="button" class="button secondary"
                                                    on:click=move |_| { end_one.dispatch(EndSession { id: id.clone() }); }>
                                                    "Sign out"
                                                </button>
                                            }.into_any()
                                        }}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => view! { <p class="error">{e.body.message}</p> }.into_any(),
                })}
            </Transition>
            <button type="button" class="button secondary" on:click=move |_| { end_others.dispatch(EndOtherSessions {}); }>
                "Sign out everywhere else"
            </button>
        </section>
    }
}
