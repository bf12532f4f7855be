//! Small pieces of the assistant panel: signals owned by the panel, the chat model and keeping it
//! as the default, a one-second tick, the free-model lookup, and an API error in words.

use leptos::prelude::*;

use crate::error::AppError;
use crate::spend::{get_model_preferences, save_model_preferences};
use crate::wire::ModelPreferences;

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

/// Keeps a model as the user's chat default.
pub(super) type KeepModel = Action<Option<String>, Result<ModelPreferences, AppError>>;

/// The chat's model, the user's default once read, and the action that keeps a model picked
/// here as the new default (the fallbacks and the confirmation threshold left as they are).
pub(super) fn chat_model() -> (RwSignal<Option<String>>, KeepModel) {
    let model = RwSignal::new(None::<String>);
    let prefs = Resource::new(|| (), |_| get_model_preferences());
    Effect::new(move |_| {
        if let Some(Ok(p)) = prefs.get() {
            model.set(p.chat);
        }
    });
    let keep = Action::new(move |chosen: &Option<String>| {
        let chosen = chosen.clone();
        async move {
            let mut p = get_model_preferences().await?;
            p.chat = chosen;
            // Absent: left as they are.
            p.fallbacks = None;
            p.confirm_above_usd = None;
            save_model_preferences(p).await
        }
    });
    (model, keep)
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
