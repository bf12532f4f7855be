//! The cost of a call before it is sent: the worst case reserved against a cap, and the range
//! the UI shows (with the threshold above which it asks first).

use app::rules::spend::{least_cost, worst_cost, Prices};
use app::wire::{CostQuote, QuotedPrice, DEFAULT_CONFIRM_ABOVE_USD};
use app::AppError;

use crate::ai::limits::MAX_TOKENS;
use crate::ai::{prefs, Feature};
use crate::state::AppState;

fn prices(state: &AppState, model: &str) -> Option<Prices> {
    state
        .ai
        .models
        .prices(model)
        .map(|(prompt, completion)| Prices { prompt, completion })
}

/// The most a call on any of `models` (the model, then its fallbacks: OpenRouter bills the one
/// that answers) can cost; `None` when one of their prices is unknown.
pub fn worst_case(
    state: &AppState,
    models: &[String],
    chars: usize,
    messages: usize,
    max_tokens: Option<u32>,
) -> Option<f64> {
    let max_tokens = max_tokens.unwrap_or(MAX_TOKENS);
    models.iter().try_fold(0.0_f64, |worst, model| {
        let p = prices(state, model)?;
        Some(worst.max(worst_cost(chars, messages, max_tokens, p)))
    })
}

/// The estimate for a prompt of `chars` characters in `messages` messages, for `feature` with
/// the caller's chosen model and fallbacks.
pub async fn quote(
    state: &AppState,
    user_id: &str,
    feature: Feature,
    chars: usize,
    messages: usize,
    max_tokens: Option<u32>,
) -> Result<CostQuote, AppError> {
    let choice = prefs::model_for(state, user_id, feature, None).await?;
    let stored = prefs::cached(state, user_id).await?;
    let all = choice.all();
    let quoted: Option<Vec<QuotedPrice>> = all
        .iter()
        .map(|m| {
            prices(state, m).map(|p| QuotedPrice {
                model: m.clone(),
                prompt: p.prompt,
                completion: p.completion,
            })
        })
        .collect();
    Ok(CostQuote {
        prices: quoted.unwrap_or_default(),
        max_tokens: max_tokens.unwrap_or(MAX_TOKENS),
        low_usd: prices(state, &choice.model).map(|p| least_cost(chars, p)),
        high_usd: worst_case(state, &all, chars, messages.max(1), max_tokens),
        model: choice.model,
        confirm_above_usd: stored
            .confirm_above_usd
            .unwrap_or(DEFAULT_CONFIRM_ABOVE_USD),
    })
}
