use leptos::prelude::*;

use crate::auth::{list_sessions, EndOtherSessions, EndSession};
use crate::components::when::When;
use crate::rules::words;

/// "Chrome on Linux, 127.0.0.1".
fn where_from(user_agent: Option<&str>, ip: Option<&str>) -> String {
    let device = words::device(user_agent.unwrap_or_default());
    match ip {
        Some(ip) if !ip.is_empty() => format!("{device}, {ip}"),
        _ => device,
    }
}

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
                                        <span data-testid="session-device">{where_from(s.user_agent.as_deref(), s.ip.as_deref())}</span>
                                        <span class="hint">" · signed in " <When at=s.created_at/> " · last seen " <When at=s.last_seen_at/></span>
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
