//! The AI features: chat, code completion and code generation through OpenRouter, each call
//! made with the caller's own key.
//!
//! Policy:
//! - The key is decrypted for one call ([`crate::vault::usecases::stored_key`]) and applied
//!   only by [`crate::openrouter::OpenRouterClient::authorized`]; no key, no upstream call.
//! - Every limit ([`limits`]) and the model ([`models`]) are checked before any upstream call.
//! - OpenRouter's error bodies never reach the user; [`upstream_errors`] writes the message.
//! - Every upstream call leaves one row in the ledger ([`ledger`]), written off the request's
//!   path so that recording never slows or fails the call.
//! - Logs carry `user.id`, `ai.feature`, `ai.model`, `upstream.status`; never prompts, answers,
//!   keys or `Authorization` values.

mod call;
pub mod clean;
pub mod ledger;
pub mod limits;
pub mod models;
pub mod prefs;
pub mod prompts;
pub mod spend;
pub mod stream;
pub mod upstream_errors;
pub mod upstream_types;
pub mod usage;
pub mod usage_csv;
pub mod usecases;

use std::sync::Arc;
use std::time::Duration;

use sea_orm::DatabaseConnection;

use crate::config::Config;
use crate::error::StartupError;
use crate::kit::Clock;
use crate::metrics::Metrics;
use crate::openrouter::OpenRouterClient;

/// The model used when neither the request nor the caller's settings name one.
pub const DEFAULT_MODEL: &str = "openai/gpt-4o-mini";

/// An AI feature, as the ledger and the model preferences name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feature {
    /// `POST /api/ai/chat`.
    Chat,
    /// `POST /api/ai/code-completion`.
    CodeCompletion,
    /// `POST /api/ai/generate-code`.
    GenerateCode,
}

impl Feature {
    /// `chat`, `code_completion` or `generate_code`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Chat => "chat",
            Self::CodeCompletion => "code_completion",
            Self::GenerateCode => "generate_code",
        }
    }
}

/// The AI features' shared parts, held in the application state.
#[derive(Clone)]
pub struct AiServices {
    /// OpenRouter's model list, cached.
    pub models: models::ModelCatalog,
    /// Calls in flight per user.
    pub in_flight: limits::InFlight,
    /// The usage and cost ledger.
    pub ledger: ledger::Ledger,
}

impl AiServices {
    /// Builds them from the configuration; starts the ledger's writer thread.
    pub fn new(
        config: &Config,
        client: &OpenRouterClient,
        db: DatabaseConnection,
        clock: Arc<dyn Clock>,
        metrics: &Arc<Metrics>,
    ) -> Result<Self, StartupError> {
        Ok(Self {
            models: models::ModelCatalog::new(
                client.clone(),
                Duration::from_secs(config.ai_models_ttl_secs),
                config.ai_extra_models.iter().cloned(),
                Arc::clone(&clock),
                Arc::clone(metrics),
            ),
            in_flight: limits::InFlight::new(config.ai_max_in_flight_per_user),
            ledger: ledger::Ledger::start(db, &config.database, clock, Arc::clone(metrics))?,
        })
    }
}
