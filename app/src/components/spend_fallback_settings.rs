//! FallbackSettings: in settings, up to three fallback models per AI feature, tried in order
//! (by OpenRouter, as its `models` list) when the default model fails.

use leptos::prelude::*;

use crate::rules::words;
use crate::spend::{get_model_preferences, save_model_preferences};
use crate::wire::FallbackModels;

/// The features, as `model-preferences` names them.
const FEATURES: [&str; 3] = ["chat", "code_completion", "generation"];

/// The settings card.
#[component]
pub fn FallbackSettings() -> impl IntoView {
    let prefs = Resource::new(|| (), |_| get_model_preferences());
    // Three inputs per feature, in FEATURES' order.
    let fields: Vec<RwSignal<String>> = (0..9).map(|_| RwSignal::new(String::new())).collect();
    let fields = StoredValue::new(fields);
    let message = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(Ok(p)) = prefs.get() {
            let f = p.fallbacks.unwrap_or_default();
            for (row, list) in [f.chat, f.code_completion, f.generation]
                .into_iter()
                .enumerate()
            {
                for slot in 0..3 {
                    let v = list.get(slot).cloned().unwrap_or_default();
                    fields.with_value(|all| all[row * 3 + slot].set(v));
                }
            }
        }
    });
    let save = Action::new(move |_: &()| async move {
        let row = |r: usize| -> Vec<String> {
            fields.with_value(|all| {
                (0..3)
                    .map(|s| all[r * 3 + s].get_untracked().trim().to_owned())
                    .filter(|m| !m.is_empty())
                    .collect()
            })
        };
        let result = match get_model_preferences().await {
            Ok(mut p) => {
                p.fallbacks = Some(FallbackModels {
                    chat: row(0),
                    code_completion: row(1),
                    generation: row(2),
                });
                save_model_preferences(p).await
            }
            Err(e) => Err(e),
        };
        message.set(Some(match result {
            Ok(_) => "Fallback models saved.".to_owned(),
            Err(e) => e.body.message,
        }));
    });
    view! {
        <section class="card" aria-labelledby="fallback-heading" data-testid="fallback-settings">
            <h2 id="fallback-heading">"Fallback models"</h2>
            <p class="hint">"When the default model fails (down, rate-limited, refusing), OpenRouter tries these in order and bills the one that answers. The usage page marks such answers."</p>
            <form on:submit=move |ev| { ev.prevent_default(); save.dispatch(()); }>
                {FEATURES.iter().enumerate().map(|(row, key)| { let name = words::feature(key); view! {
                    <fieldset>
                        <legend>{name.clone()}</legend>
                        {(0..3).map(|slot| {
                            let id = format!("fallback-{key}-{slot}");
                            let signal = fields.with_value(|all| all[row * 3 + slot]);
                            view! {
                                <label class="sr-only" for=id.clone()>{format!("{name}: fallback {}", slot + 1)}</label>
                                <input id=id class="small mono" placeholder=format!("fallback {}", slot + 1)
                                    prop:value=move || signal.get() on:input=move |ev| signal.set(event_target_value(&ev))/>
                            }
                        }).collect_view()}
                    </fieldset>
                }}).collect_view()}
                <p><button type="submit" class="button">"Save fallbacks"</button></p>
            </form>
            <p class="hint" role="status">{move || message.get()}</p>
        </section>
    }
}
