//! ModelPicker: OpenRouter's models (`GET /api/ai/models`), searchable by name or id, each
//! shown with its price per million input and output tokens and its context length. The list is
//! read by the browser; the server renders the picker with the chosen model only.

use leptos::prelude::*;

use crate::rules::decimal;
use crate::wire::{AiModel, AiModelList};

/// A price per token (OpenRouter's decimal string) as dollars per million tokens: "$0.15",
/// "$0.075", "free"; `None` when it is not a price.
pub fn per_million(per_token: &str) -> Option<String> {
    let v = decimal::parse(per_token.trim())?;
    if !v.is_finite() || v < 0.0 {
        return None;
    }
    let m = v * 1_000_000.0;
    if m == 0.0 {
        return Some("free".to_owned());
    }
    // Three decimals, the third dropped when it is a zero ($0.075, $0.15, $15.00).
    let mut text = format!("${}", decimal::fixed(m, 3));
    if text.ends_with('0') {
        text.pop();
    }
    Some(text)
}

/// A context window as "128k tokens" or "1.05M tokens".
pub fn context(tokens: u64) -> String {
    if tokens >= 1_000_000 {
        format!(
            "{}M tokens",
            decimal::trimmed(tokens as f64 / 1_000_000.0, 2)
        )
    } else if tokens >= 1_000 {
        format!("{}k tokens", tokens / 1_000)
    } else {
        format!("{tokens} tokens")
    }
}

/// "GPT-4o mini · $0.15 in, $0.60 out per million · 128k tokens".
pub fn label(m: &AiModel) -> String {
    let mut parts = vec![m.name.clone()];
    if let Some(p) = &m.pricing {
        match (per_million(&p.prompt), per_million(&p.completion)) {
            (Some(i), Some(o)) if i == "free" && o == "free" => parts.push("free".to_owned()),
            (Some(i), Some(o)) => parts.push(format!("{i} in, {o} out per million")),
            _ => {}
        }
    }
    if let Some(c) = m.context_length {
        parts.push(context(c));
    }
    parts.join(" · ")
}

/// Whether `m` matches every word of `query` (in its id or name, ignoring the case of ASCII
/// letters, which is what model ids and names are written in; folding every script's case
/// would put 24 KB of Unicode tables into the WASM bundle).
pub fn matches(m: &AiModel, query: &str) -> bool {
    let hay = format!("{} {}", m.id, m.name).to_ascii_lowercase();
    query
        .to_ascii_lowercase()
        .split_whitespace()
        .all(|word| hay.contains(word))
}

/// The models the caller may choose from, read by the browser.
pub async fn models() -> Option<AiModelList> {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        use wasm_bindgen_futures::JsFuture;
        let window = web_sys::window()?;
        let response: web_sys::Response = JsFuture::from(window.fetch_with_str("/api/ai/models"))
            .await
            .ok()?
            .dyn_into()
            .ok()?;
        if !response.ok() {
            return None;
        }
        let text = JsFuture::from(response.text().ok()?)
            .await
            .ok()?
            .as_string()?;
        serde_json::from_str(&text).ok()
    }
    #[cfg(not(feature = "hydrate"))]
    None
}

/// The picker: a search box and the list it filters. `value` is the chosen model (`None`: the
/// studio's default); `on_pick` runs when the user picks one.
#[component]
pub fn ModelPicker(
    value: RwSignal<Option<String>>,
    #[prop(into)] label: String,
    id: &'static str,
    #[prop(into)] on_pick: Callback<Option<String>>,
) -> impl IntoView {
    // Fetched by the browser once the page is live; not a resource, so no `Suspense` around the
    // picker waits for it on the server (which never has it): the page's HTML comes complete.
    let list = RwSignal::new(None::<Option<AiModelList>>);
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            let _ = list.try_set(Some(models().await));
        });
    });
    let query = RwSignal::new(String::new());
    let search_id = format!("{id}-search");
    let select_id = format!("{id}-model");
    let options = move || {
        let chosen = value.get();
        let models: Vec<AiModel> = list.get().flatten().map(|l| l.models).unwrap_or_default();
        let q = query.get();
        let mut shown: Vec<(String, String)> = models
            .iter()
            .filter(|m| matches(m, &q) || chosen.as_deref() == Some(m.id.as_str()))
            .map(|m| (m.id.clone(), self::label(m)))
            .collect();
        // A chosen model the list does not hold (yet, or any more) is still shown.
        if let Some(c) = chosen.as_ref() {
            if !shown.iter().any(|(id, _)| id == c) {
                shown.insert(0, (c.clone(), c.clone()));
            }
        }
        shown
            .into_iter()
            .map(|(id, text)| {
                let selected = chosen.as_deref() == Some(id.as_str());
                view! { <option value=id prop:selected=selected>{text}</option> }
            })
            .collect_view()
    };
    // The whole line of the chosen model, which a narrow list cuts short.
    let chosen = move || {
        let id = value.get()?;
        let models = list.get().flatten()?.models;
        models.iter().find(|m| m.id == id).map(self::label)
    };
    view! {
        <div class="model-picker" data-testid=format!("{id}-picker")>
            <label for=select_id.clone()>{label}</label>
            <div class="model-picker-row">
                <label class="sr-only" for=search_id.clone()>"Search models"</label>
                <input type="search" id=search_id class="small" placeholder="Search models"
                    data-testid=format!("{id}-search")
                    prop:value=move || query.get()
                    on:input=move |ev| query.set(event_target_value(&ev))/>
                <select id=select_id data-testid=format!("{id}-model")
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        let v = (!v.is_empty()).then_some(v);
                        value.set(v.clone());
                        on_pick.run(v);
                    }>
                    <option value="" prop:selected=move || value.get().is_none()>"The studio's default"</option>
                    {options}
                </select>
            </div>
            <p class="hint" data-testid=format!("{id}-chosen")>{chosen}</p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::ModelPricing;

    fn model(id: &str, name: &str, prompt: &str, completion: &str, ctx: Option<u64>) -> AiModel {
        AiModel {
            id: id.into(),
            name: name.into(),
            context_length: ctx,
            pricing: Some(ModelPricing {
                prompt: prompt.into(),
                completion: completion.into(),
            }),
        }
    }

    #[test]
    fn prices_read_per_million_tokens() {
        assert_eq!(per_million("0.00000015").as_deref(), Some("$0.15"));
        assert_eq!(per_million("0.000015").as_deref(), Some("$15.00"));
        assert_eq!(per_million("0.000000075").as_deref(), Some("$0.075"));
        assert_eq!(
            per_million("0.0000001").as_deref(),
            Some("$0.10"),
            "not $0.100"
        );
        assert_eq!(per_million("0").as_deref(), Some("free"));
        assert_eq!(per_million("-1"), None);
        assert_eq!(per_million("NaN"), None);
        assert_eq!(per_million("cheap"), None);
    }

    #[test]
    fn context_windows_read_in_thousands() {
        assert_eq!(context(128_000), "128k tokens");
        assert_eq!(context(1_048_576), "1.05M tokens");
        assert_eq!(context(2_000_000), "2M tokens");
        assert_eq!(context(512), "512 tokens");
    }

    #[test]
    fn a_label_names_the_model_its_prices_and_its_context() {
        let m = model(
            "openai/gpt-4o-mini",
            "GPT-4o mini",
            "0.00000015",
            "0.0000006",
            Some(128_000),
        );
        assert_eq!(
            label(&m),
            "GPT-4o mini · $0.15 in, $0.60 out per million · 128k tokens"
        );
        let free = model("x/y:free", "Y (free)", "0", "0", None);
        assert_eq!(label(&free), "Y (free) · free");
    }

    #[test]
    fn search_matches_every_word_in_the_id_or_name() {
        let m = model(
            "anthropic/claude-3.5-haiku",
            "Claude 3.5 Haiku",
            "0",
            "0",
            None,
        );
        assert!(matches(&m, "haiku"));
        assert!(matches(&m, "Claude HAIKU"));
        assert!(matches(&m, "anthropic"));
        assert!(matches(&m, ""));
        assert!(!matches(&m, "haiku gpt"));
    }
}
