//! Spending server functions (the cap, its alert, the estimate before sending, the model
//! preferences with their fallbacks), their port and their registration.

use leptos::prelude::*;

use crate::error::AppError;
use crate::wire::{CostQuote, ModelPreferences, SpendLimit, SpendLimitStatus};

#[cfg(feature = "ssr")]
use crate::ports::run;

/// The caller's cap and the current period; `None` without a cap.
#[server(endpoint = "spend_status")]
pub async fn get_spend_status() -> Result<Option<SpendLimitStatus>, AppError> {
    let (backend, req) = crate::ports::backend()?;
    run(backend.spend_status(&req)).await
}

/// Sets the caller's cap (the same use case as `PUT /api/user/spend-limit`).
#[server(endpoint = "set_spend_limit", input = server_fn::codec::Json)]
pub async fn set_spend_limit(limit: SpendLimit) -> Result<SpendLimitStatus, AppError> {
    let (backend, req) = crate::ports::backend()?;
    run(backend.set_spend_limit(&req, limit)).await
}

/// Removes the caller's cap.
#[server(endpoint = "remove_spend_limit")]
pub async fn remove_spend_limit() -> Result<(), AppError> {
    let (backend, req) = crate::ports::backend()?;
    run(backend.remove_spend_limit(&req)).await
}

/// Dismisses this period's alert at `level` (80 or 100).
#[server(endpoint = "dismiss_spend_alert")]
pub async fn dismiss_spend_alert(level: u8) -> Result<(), AppError> {
    let (backend, req) = crate::ports::backend()?;
    run(backend.dismiss_spend_alert(&req, level)).await
}

/// The estimated cost of a prompt of `chars` characters in `messages` messages for `feature`
/// (`chat`, `code_completion`, `generate_code`), with the caller's model and fallbacks.
#[server(endpoint = "quote_cost")]
pub async fn quote_cost(
    feature: String,
    chars: u32,
    messages: u32,
    max_tokens: Option<u32>,
) -> Result<CostQuote, AppError> {
    let (backend, req) = crate::ports::backend()?;
    run(backend.quote_cost(&req, feature, chars, messages, max_tokens)).await
}

/// The caller's model preferences (the same use case as `GET /api/user/model-preferences`).
#[server(endpoint = "model_preferences")]
pub async fn get_model_preferences() -> Result<ModelPreferences, AppError> {
    let (backend, req) = crate::ports::backend()?;
    run(backend.model_preferences(&req)).await
}

/// Saves the caller's model preferences (as `PUT /api/user/model-preferences`).
#[server(endpoint = "save_model_preferences", input = server_fn::codec::Json)]
pub async fn save_model_preferences(prefs: ModelPreferences) -> Result<ModelPreferences, AppError> {
    let (backend, req) = crate::ports::backend()?;
    run(backend.save_model_preferences(&req, prefs)).await
}

/// The server side of this file: the port `server` implements, and the registration list.
#[cfg(feature = "ssr")]
pub mod ssr {
    use http::request::Parts;
    use leptos::server_fn::axum::register_explicit;

    use super::{
        DismissSpendAlert, GetModelPreferences, GetSpendStatus, QuoteCost, RemoveSpendLimit,
        SaveModelPreferences, SetSpendLimit,
    };
    use crate::error::AppError;
    use crate::wire::{CostQuote, ModelPreferences, SpendLimit, SpendLimitStatus};

    /// The spending use cases the UI reaches.
    #[async_trait::async_trait]
    pub trait SpendPort: Send + Sync + 'static {
        /// The cap and the current period.
        async fn spend_status(&self, req: &Parts) -> Result<Option<SpendLimitStatus>, AppError>;
        /// Sets the cap.
        async fn set_spend_limit(
            &self,
            req: &Parts,
            limit: SpendLimit,
        ) -> Result<SpendLimitStatus, AppError>;
        /// Removes the cap.
        async fn remove_spend_limit(&self, req: &Parts) -> Result<(), AppError>;
        /// Dismisses this period's alert.
        async fn dismiss_spend_alert(&self, req: &Parts, level: u8) -> Result<(), AppError>;
        /// The estimate before sending.
        async fn quote_cost(
            &self,
            req: &Parts,
            feature: String,
            chars: u32,
            messages: u32,
            max_tokens: Option<u32>,
        ) -> Result<CostQuote, AppError>;
        /// The model preferences.
        async fn model_preferences(&self, req: &Parts) -> Result<ModelPreferences, AppError>;
        /// Saves the model preferences.
        async fn save_model_preferences(
            &self,
            req: &Parts,
            prefs: ModelPreferences,
        ) -> Result<ModelPreferences, AppError>;
    }

    /// Registers this file's server functions.
    pub fn register() {
        register_explicit::<GetSpendStatus>();
        register_explicit::<SetSpendLimit>();
        register_explicit::<RemoveSpendLimit>();
        register_explicit::<DismissSpendAlert>();
        register_explicit::<QuoteCost>();
        register_explicit::<GetModelPreferences>();
        register_explicit::<SaveModelPreferences>();
    }
}
