//! KeyHealthBanner: what may soon stop the user's key (expiry, low credit, rejected, the free
//! tier's daily cap), with what to do and a link to the key's page on OpenRouter. Shown on the
//! studio, in the assistant (compact) and in settings; nothing when the key is fine.

use leptos::prelude::*;

use crate::keys::fetch_key_health;
use crate::wire::KeyHealth;

/// The banner. `refresh` reloads it (the assistant bumps it after a failed call, whose
/// refusal refreshes the key's facts); `compact` shows the titles only.
#[component]
pub fn KeyHealthBanner(
    #[prop(optional, into)] refresh: Signal<u32>,
    #[prop(optional)] compact: bool,
) -> impl IntoView {
    let health = Resource::new(move || refresh.get(), |_| fetch_key_health());
    let testid = if compact {
        "key-health-assistant"
    } else {
        "key-health"
    };
    view! {
        <Transition fallback=|| ()>
            {move || {
                health
                    .get()
                    .and_then(Result::ok)
                    .filter(|h| !h.problems.is_empty())
                    .map(|h| view! { <Banner health=h compact=compact testid=testid/> })
            }}
        </Transition>
    }
}

#[component]
fn Banner(health: KeyHealth, compact: bool, testid: &'static str) -> impl IntoView {
    let page = health.key_page.clone().unwrap_or_default();
    let kinds = health
        .problems
        .iter()
        .map(|p| p.kind.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    view! {
        <div class="banner warning" role="alert" data-testid=testid data-kinds=kinds>
            {health.problems.into_iter().map(|p| view! {
                <p data-kind=p.kind.clone()>
                    <strong>{p.title}</strong>
                    {(!compact).then(|| view! { " " {p.advice} })}
                </p>
            }).collect_view()}
            <p class="banner-actions">
                <a href=page target="_blank" rel="noopener noreferrer" data-testid="key-page-link">
                    "Open this key on OpenRouter"
                </a>
                " · "
                <a href="/settings">"Key settings"</a>
            </p>
        </div>
    }
}
