//! The handful of models the fake knows, with OpenRouter's string pricing.

use serde_json::{json, Value};

/// One entry of `GET /api/v1/models`.
#[derive(Debug)]
pub(crate) struct Model {
    pub(crate) id: &'static str,
    pub(crate) name: &'static str,
    /// The provider reported in completions (`"provider"` field).
    pub(crate) provider: &'static str,
    created: u64,
    context_length: u64,
    max_completion_tokens: u64,
    /// USD per prompt token, as OpenRouter writes it: a decimal string.
    prompt_price: &'static str,
    /// USD per completion token, as a decimal string.
    completion_price: &'static str,
    input_modalities: &'static [&'static str],
    tokenizer: &'static str,
    supported_parameters: &'static [&'static str],
}

const TOOLS_PARAMS: &[&str] = &[
    "tools",
    "tool_choice",
    "max_tokens",
    "temperature",
    "top_p",
    "response_format",
    "stop",
    "seed",
];
const PLAIN_PARAMS: &[&str] = &["max_tokens", "temperature", "top_p", "stop", "seed"];

/// The catalogue. At least one `:free` entry, and the default model, must stay in it.
pub(crate) static MODELS: &[Model] = &[
    Model {
        id: "openai/gpt-4o-mini",
        name: "OpenAI: GPT-4o-mini",
        provider: "OpenAI",
        created: 1_721_260_800,
        context_length: 128_000,
        max_completion_tokens: 16_384,
        prompt_price: "0.00000015",
        completion_price: "0.0000006",
        input_modalities: &["text", "image", "file"],
        tokenizer: "GPT",
        supported_parameters: TOOLS_PARAMS,
    },
    Model {
        id: "openai/gpt-4o",
        name: "OpenAI: GPT-4o",
        provider: "OpenAI",
        created: 1_715_558_400,
        context_length: 128_000,
        max_completion_tokens: 16_384,
        prompt_price: "0.0000025",
        completion_price: "0.00001",
        input_modalities: &["text", "image", "file"],
        tokenizer: "GPT",
        supported_parameters: TOOLS_PARAMS,
    },
    Model {
        id: "anthropic/claude-3.5-haiku",
        name: "Anthropic: Claude 3.5 Haiku",
        provider: "Anthropic",
        created: 1_730_678_400,
        context_length: 200_000,
        max_completion_tokens: 8_192,
        prompt_price: "0.0000008",
        completion_price: "0.000004",
        input_modalities: &["text", "image"],
        tokenizer: "Claude",
        supported_parameters: TOOLS_PARAMS,
    },
    Model {
        id: "google/gemini-2.0-flash-001",
        name: "Google: Gemini 2.0 Flash",
        provider: "Google",
        created: 1_738_769_413,
        context_length: 1_048_576,
        max_completion_tokens: 8_192,
        prompt_price: "0.0000001",
        completion_price: "0.0000004",
        input_modalities: &["text", "image", "file"],
        tokenizer: "Gemini",
        supported_parameters: TOOLS_PARAMS,
    },
    Model {
        id: "meta-llama/llama-3.3-70b-instruct:free",
        name: "Meta: Llama 3.3 70B Instruct (free)",
        provider: "Fake",
        created: 1_733_506_137,
        context_length: 65_536,
        max_completion_tokens: 8_192,
        prompt_price: "0",
        completion_price: "0",
        input_modalities: &["text"],
        tokenizer: "Llama3",
        supported_parameters: PLAIN_PARAMS,
    },
    Model {
        id: "z-ai/glm-4.5-air:free",
        name: "Z.AI: GLM 4.5 Air (free)",
        provider: "Z.AI",
        created: 1_753_471_258,
        context_length: 131_072,
        max_completion_tokens: 96_000,
        prompt_price: "0",
        completion_price: "0",
        input_modalities: &["text"],
        tokenizer: "Other",
        supported_parameters: TOOLS_PARAMS,
    },
];

/// The catalogue entry for `id`, if any.
pub(crate) fn find(id: &str) -> Option<&'static Model> {
    MODELS.iter().find(|model| model.id == id)
}

impl Model {
    /// What `prompt_tokens` and `completion_tokens` cost on this model, in USD.
    pub(crate) fn cost(&self, prompt_tokens: u64, completion_tokens: u64) -> f64 {
        let price = |text: &str| text.parse::<f64>().unwrap_or(0.0);
        // Token counts stay far below 2^52, so the conversion is exact.
        prompt_tokens as f64 * price(self.prompt_price)
            + completion_tokens as f64 * price(self.completion_price)
    }

    /// Whether the model accepts every one of `parameters`.
    pub(crate) fn supports_all<'a>(&self, mut parameters: impl Iterator<Item = &'a str>) -> bool {
        parameters.all(|wanted| self.supported_parameters.contains(&wanted))
    }

    /// The entry in the documented `GET /models` shape.
    pub(crate) fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "canonical_slug": self.id,
            "hugging_face_id": null,
            "name": self.name,
            "created": self.created,
            "description": format!("{} as served by the fake OpenRouter.", self.name),
            "context_length": self.context_length,
            "architecture": {
                "modality": "text->text",
                "input_modalities": self.input_modalities,
                "output_modalities": ["text"],
                "tokenizer": self.tokenizer,
                "instruct_type": null,
            },
            "pricing": {
                "prompt": self.prompt_price,
                "completion": self.completion_price,
                "request": "0",
                "image": "0",
                "web_search": "0",
                "internal_reasoning": "0",
                "input_cache_read": "0",
                "input_cache_write": "0",
            },
            "top_provider": {
                "context_length": self.context_length,
                "max_completion_tokens": self.max_completion_tokens,
                "is_moderated": self.provider == "OpenAI",
            },
            "per_request_limits": null,
            "supported_parameters": self.supported_parameters,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_model_is_in_the_catalogue() {
        assert!(find(crate::DEFAULT_MODEL).is_some());
    }

    #[test]
    fn free_models_cost_nothing_and_paid_ones_something() {
        let free = MODELS.iter().find(|m| m.id.ends_with(":free"));
        assert_eq!(free.map(|m| m.cost(1000, 1000)), Some(0.0));
        let paid = find("openai/gpt-4o-mini").map(|m| m.cost(1000, 1000));
        assert!(paid.is_some_and(|cost| cost > 0.0));
    }
}
