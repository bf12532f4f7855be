use leptos::prelude::*;

use crate::components::when::When;
use crate::keys::key_events;

/// The user's key log, newest first.
#[component]
pub fn KeyLog(#[prop(into)] refresh: Signal<(usize, usize)>) -> impl IntoView {
    let events = Resource::new(move || refresh.get(), |_| key_events(1));
    view! {
        <section class="card" aria-labelledby="log-heading">
            <h2 id="log-heading">"Key log"</h2>
            <Transition fallback=|| ()>
                {move || events.get().map(|r| match r {
                    Ok(page) if page.events.is_empty() => view! { <p class="hint">"Nothing yet."</p> }.into_any(),
                    Ok(page) => view! {
                        <table class="table stacks" data-testid="key-log">
                            <thead><tr><th>"When"</th><th>"What"</th><th>"Key"</th><th>"From"</th></tr></thead>
                            <tbody>
                                {page.events.into_iter().map(|e| view! {
                                    <tr>
                                        <td data-label="When"><When at=e.created_at/></td>
                                        <td data-label="What">{crate::keys::connect::event_label(&e.kind).to_owned()}</td>
                                        <td data-label="Key" class="mono">{e.last6.map(|l| format!("…{l}")).unwrap_or_default()}</td>
                                        <td data-label="From">{e.ip.unwrap_or_default()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                    Err(e) => view! { <p class="error">{e.body.message}</p> }.into_any(),
                })}
            </Transition>
        </section>
    }
}
