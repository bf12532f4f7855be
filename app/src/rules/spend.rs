//! What a call may cost, estimated the same way by the browser (the estimate shown before
//! sending) and the server (the worst case reserved against a spending cap).
//!
//! The prompt's tokens are not known before OpenRouter counts them, so two estimates are used:
//! a typical one (about four characters to a token, as for English text and code) for the low
//! end of the range, and a generous one (three characters to a token plus a few per message
//! for the chat template) for the worst case. The answer costs at most `max_tokens` tokens.

/// Characters to a token in the typical estimate.
const TYPICAL_CHARS_PER_TOKEN: usize = 4;
/// Characters to a token in the generous estimate.
const WORST_CHARS_PER_TOKEN: usize = 3;
/// Tokens a chat template adds per message, in the generous estimate.
const TEMPLATE_TOKENS_PER_MESSAGE: u64 = 8;

/// A model's listed prices, USD per token.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prices {
    /// Per prompt token.
    pub prompt: f64,
    /// Per completion token.
    pub completion: f64,
}

impl Prices {
    /// OpenRouter's decimal-string prices as numbers; `None` unless both are finite and not
    /// negative.
    pub fn parse(prompt: &str, completion: &str) -> Option<Self> {
        let parse = |v: &str| super::decimal::parse(v).filter(|p| p.is_finite() && *p >= 0.0);
        Some(Self {
            prompt: parse(prompt)?,
            completion: parse(completion)?,
        })
    }
}

fn to_u64(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// The prompt's tokens, typically.
pub fn typical_prompt_tokens(chars: usize) -> u64 {
    to_u64(chars.div_ceil(TYPICAL_CHARS_PER_TOKEN))
}

/// The prompt's tokens, generously: never fewer than the typical estimate.
pub fn worst_prompt_tokens(chars: usize, messages: usize) -> u64 {
    to_u64(chars.div_ceil(WORST_CHARS_PER_TOKEN))
        .saturating_add(to_u64(messages).saturating_mul(TEMPLATE_TOKENS_PER_MESSAGE))
}

/// The most a call can cost: the generous prompt estimate and `max_tokens` answer tokens.
pub fn worst_cost(chars: usize, messages: usize, max_tokens: u32, prices: Prices) -> f64 {
    worst_prompt_tokens(chars, messages) as f64 * prices.prompt
        + f64::from(max_tokens) * prices.completion
}

/// The least a call is likely to cost: the typical prompt estimate and no answer.
pub fn least_cost(chars: usize, prices: Prices) -> f64 {
    typical_prompt_tokens(chars) as f64 * prices.prompt
}

/// USD for people: cents above a cent, more digits below.
pub fn usd(v: f64) -> String {
    if v > 0.0 && v < 0.01 {
        format!("${}", super::decimal::trimmed(v, 6))
    } else {
        format!("${}", super::decimal::fixed(v, 2))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GPT4O: Prices = Prices {
        prompt: 0.000_002_5,
        completion: 0.000_01,
    };

    #[test]
    fn the_worst_case_is_never_below_the_typical_estimate() {
        for chars in [0, 1, 3, 4, 5, 399, 400, 100_000] {
            assert!(worst_prompt_tokens(chars, 1) >= typical_prompt_tokens(chars));
            assert!(worst_cost(chars, 1, 0, GPT4O) >= least_cost(chars, GPT4O));
        }
    }

    #[test]
    fn the_worst_case_adds_max_tokens_at_the_completion_price() {
        let cost = worst_cost(300, 2, 100, GPT4O);
        let expected = (100.0 + 16.0) * 0.000_002_5 + 100.0 * 0.000_01;
        assert!((cost - expected).abs() < 1e-12, "{cost}");
    }

    #[test]
    fn prices_parse_like_openrouter_writes_them() {
        assert_eq!(
            Prices::parse("0.0000025", "0.00001"),
            Some(GPT4O),
            "decimal strings"
        );
        assert_eq!(Prices::parse("-1", "0"), None);
        assert_eq!(Prices::parse("NaN", "0"), None);
        assert_eq!(Prices::parse("x", "0"), None);
    }

    #[test]
    fn amounts_read_as_dollars() {
        assert_eq!(usd(7.4), "$7.40");
        assert_eq!(usd(0.0), "$0.00");
        assert_eq!(usd(0.000_15), "$0.00015");
    }
}
