//! Small pieces of the assistant panel: signals owned by the panel, a one-second tick, the
//! free-model lookup, and an API error in words.

use leptos::prelude::*;

/// A signal owned by the panel (`panel`), whichever handler creates it.
pub(super) fn in_panel<T: Send + Sync + 'static>(
    panel: StoredValue<Owner>,
    value: T,
) -> RwSignal<T> {
    panel.with_value(|owner| owner.with(|| RwSignal::new(value)))
}

/// Runs `then` in a second (in the browser).
pub(super) fn tick(then: impl FnOnce() + 'static) {
    #[cfg(feature = "hydrate")]
    set_timeout(then, std::time::Duration::from_secs(1));
    #[cfg(not(feature = "hydrate"))]
    let _ = then;
}

/// Finds a free model, then calls `then` with it (or with none when there is none).
pub(super) fn pick_free_model_and(then: impl FnOnce(Option<String>) + 'static) {
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async move {
        then(crate::components::recovery::free_model().await);
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = then;
}

/// An API error as the user reads it, with the wait on a rate limit.
pub fn describe(e: crate::wire::ApiError) -> String {
    match e.retry_after {
        Some(s) => format!("{} Try again in {s} seconds.", e.message),
        None => e.message,
    }
}
