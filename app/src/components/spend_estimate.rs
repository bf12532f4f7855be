//! Cost before and after: the estimated range of a prompt with the chosen model (updated as it
//! is typed, with the same estimate the server reserves against a cap), the confirmation above
//! the user's threshold, and the line under each answer with its real cost and tokens.

use leptos::prelude::*;

use crate::error::AppError;
use crate::rules::spend::usd;
use crate::spend::quote_cost;
use crate::wire::{AiUsage, CostQuote};

/// The quote's prices for `feature` (`chat`, `code_completion`, `generate_code`) with the
/// user's default model, fetched once.
pub fn use_quote(feature: &'static str) -> Resource<Result<CostQuote, AppError>> {
    use_quote_after(feature, Signal::stored(0))
}

/// The same, fetched again each time `changed` does (after the default model changed).
pub fn use_quote_after(
    feature: &'static str,
    changed: Signal<usize>,
) -> Resource<Result<CostQuote, AppError>> {
    Resource::new(
        move || changed.get(),
        move |_| quote_cost(feature.to_owned(), 0, 1, None),
    )
}

/// "Estimated cost with openai/gpt-4o-mini: $0.00001 to $0.0049".
pub fn estimate_text(q: &CostQuote, chars: usize, messages: usize) -> String {
    match q.range(chars, messages) {
        Some((low, high)) => format!(
            "Estimated cost with {}: {} to {} (if the answer runs to {} tokens).",
            q.model,
            usd(low),
            usd(high),
            q.max_tokens
        ),
        None => format!("The price of {} is not known.", q.model),
    }
}

/// The question to ask before sending, when the worst case passes the threshold.
pub fn confirmation(q: &CostQuote, chars: usize, messages: usize) -> Option<String> {
    let (low, high) = q.range(chars, messages)?;
    (high > q.confirm_above_usd).then(|| {
        format!(
            "This prompt could cost up to {} with {} (at least {}), more than the {} you set. Send it?",
            usd(high),
            q.model,
            usd(low),
            usd(q.confirm_above_usd)
        )
    })
}

/// Asks the user; `true` to go ahead.
pub fn confirm(question: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window()
            .and_then(|w| w.confirm_with_message(question).ok())
            .unwrap_or(false)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = question;
        true
    }
}

/// Whether sending may go ahead: no quote yet, under the threshold, or confirmed.
pub fn may_send(
    quote: Resource<Result<CostQuote, AppError>>,
    chars: usize,
    messages: usize,
) -> bool {
    match quote.get_untracked().and_then(Result::ok) {
        Some(q) => confirmation(&q, chars, messages).is_none_or(|question| confirm(&question)),
        None => true,
    }
}

/// The estimate line, kept up to date with `chars` and `messages`.
#[component]
pub fn CostEstimate(
    quote: Resource<Result<CostQuote, AppError>>,
    chars: Signal<usize>,
    messages: Signal<usize>,
) -> impl IntoView {
    view! {
        <Transition fallback=|| ()>
            <p class="hint" data-testid="cost-estimate">
                {move || quote.get().and_then(Result::ok).map(|q| estimate_text(&q, chars.get(), messages.get()))}
            </p>
        </Transition>
    }
}

/// "$0.000045 · 9 tokens (5 in, 4 out) · openai/gpt-4o, a fallback for openai/gpt-4o-mini".
pub fn answer_cost(usage: &AiUsage, model: &str, asked: Option<&str>) -> String {
    let cost = usage
        .cost
        .map_or_else(|| "cost not reported".to_owned(), usd);
    let fallback = match asked {
        Some(a) if a != model => format!(", a fallback for {a}"),
        _ => String::new(),
    };
    format!(
        "{cost} · {} tokens ({} in, {} out) · {model}{fallback}",
        usage.total_tokens, usage.prompt_tokens, usage.completion_tokens
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::QuotedPrice;

    fn quote(threshold: f64) -> CostQuote {
        CostQuote {
            model: "openai/gpt-4o".into(),
            low_usd: None,
            high_usd: None,
            confirm_above_usd: threshold,
            prices: vec![QuotedPrice {
                model: "openai/gpt-4o".into(),
                prompt: 0.000_002_5,
                completion: 0.000_01,
            }],
            max_tokens: 8192,
        }
    }

    #[test]
    fn only_a_prompt_that_could_pass_the_threshold_asks() {
        assert_eq!(
            confirmation(&quote(0.10), 40, 1),
            None,
            "at most about $0.08"
        );
        let asked = confirmation(&quote(0.05), 40, 1).unwrap_or_default();
        assert!(
            asked.starts_with("This prompt could cost up to $0.08"),
            "{asked}"
        );
    }

    #[test]
    fn an_answer_line_names_its_cost_tokens_and_a_fallback() {
        let usage = AiUsage {
            prompt_tokens: 5,
            completion_tokens: 4,
            total_tokens: 9,
            cost: Some(0.000_045),
        };
        assert_eq!(
            answer_cost(&usage, "openai/gpt-4o", Some("openai/gpt-4o-mini")),
            "$0.000045 · 9 tokens (5 in, 4 out) · openai/gpt-4o, a fallback for openai/gpt-4o-mini"
        );
    }
}
