//! ModelDefaults: in settings, the default model per AI feature, each picked from OpenRouter's
//! list and kept through `model-preferences` as soon as it is picked.

use leptos::prelude::*;

use crate::components::model_picker::ModelPicker;
use crate::rules::words;
use crate::spend::{get_model_preferences, save_model_preferences};
use crate::wire::ModelPreferences;

/// The settings card.
#[component]
pub fn ModelDefaults() -> impl IntoView {
    let prefs = Resource::new(|| (), |_| get_model_preferences());
    let chat = RwSignal::new(None::<String>);
    let completion = RwSignal::new(None::<String>);
    let generation = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(Ok(p)) = prefs.get() {
            chat.set(p.chat);
            completion.set(p.code_completion);
            generation.set(p.generation);
        }
    });
    // Every pick sends all three as this card holds them (the fallbacks and the threshold
    // absent, so left as they are): two quick picks cannot undo each other.
    let keep = Action::new(move |(): &()| {
        let p = ModelPreferences {
            chat: chat.get_untracked(),
            code_completion: completion.get_untracked(),
            generation: generation.get_untracked(),
            fallbacks: None,
            confirm_above_usd: None,
        };
        save_model_preferences(p)
    });
    let status = move || {
        keep.value().get().map(|r| match r {
            Ok(_) => "Saved.".to_owned(),
            Err(e) => e.body.message,
        })
    };
    view! {
        <section class="card" aria-labelledby="defaults-heading" data-testid="model-defaults">
            <h2 id="defaults-heading">"Default models"</h2>
            <p class="hint">"The model each feature uses unless you choose another in the studio. Prices are OpenRouter's, per million tokens read (in) and written (out)."</p>
            <ModelPicker value=chat label=words::feature("chat") id="default-chat"
                on_pick=move |_| { keep.dispatch(()); }/>
            <ModelPicker value=completion label=words::feature("code_completion") id="default-completion"
                on_pick=move |_| { keep.dispatch(()); }/>
            <ModelPicker value=generation label=words::feature("generation") id="default-generation"
                on_pick=move |_| { keep.dispatch(()); }/>
            <p class="hint" role="status" data-testid="model-defaults-status">{status}</p>
        </section>
    }
}
