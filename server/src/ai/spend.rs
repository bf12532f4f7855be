//! Personal spending caps: a user's limit per UTC day, week (from Monday) or month, the
//! worst-case reservation each call holds against it, the alerts at 80 % and 100 %, and the
//! cost estimate shown before sending.

pub mod limit;
pub mod period;
pub mod quote;
pub mod reserve;
pub mod totals;

use app::spend::ssr::SpendPort;
use app::wire::{CostQuote, ModelPreferences, SpendLimit, SpendLimitStatus};
use app::AppError;
use http::request::Parts;

use crate::ai::{prefs, Feature};
use crate::auth::extract::require;
use crate::backend::StudioBackend;

fn feature(name: &str) -> Result<Feature, AppError> {
    match name {
        "chat" => Ok(Feature::Chat),
        "code_completion" => Ok(Feature::CodeCompletion),
        "generate_code" => Ok(Feature::GenerateCode),
        _ => Err(AppError::new(
            422,
            "Unknown feature",
            "feature is chat, code_completion or generate_code.",
        )),
    }
}

#[async_trait::async_trait]
impl SpendPort for StudioBackend {
    async fn spend_status(&self, req: &Parts) -> Result<Option<SpendLimitStatus>, AppError> {
        let auth = require(&self.state, &req.extensions).await?;
        limit::status(&self.state, &auth.user_id).await
    }

    async fn set_spend_limit(
        &self,
        req: &Parts,
        input: SpendLimit,
    ) -> Result<SpendLimitStatus, AppError> {
        let auth = require(&self.state, &req.extensions).await?;
        limit::put(&self.state, &auth.user_id, input).await
    }

    async fn remove_spend_limit(&self, req: &Parts) -> Result<(), AppError> {
        let auth = require(&self.state, &req.extensions).await?;
        limit::remove(&self.state, &auth.user_id).await
    }

    async fn dismiss_spend_alert(&self, req: &Parts, level: u8) -> Result<(), AppError> {
        let auth = require(&self.state, &req.extensions).await?;
        limit::dismiss_alert(&self.state, &auth.user_id, level).await
    }

    async fn quote_cost(
        &self,
        req: &Parts,
        name: String,
        chars: u32,
        messages: u32,
        max_tokens: Option<u32>,
    ) -> Result<CostQuote, AppError> {
        let auth = require(&self.state, &req.extensions).await?;
        crate::ai::limits::check_max_tokens(max_tokens)?;
        let to_usize = |n: u32| usize::try_from(n).unwrap_or(usize::MAX);
        quote::quote(
            &self.state,
            &auth.user_id,
            feature(&name)?,
            to_usize(chars),
            to_usize(messages),
            max_tokens,
        )
        .await
    }

    async fn model_preferences(&self, req: &Parts) -> Result<ModelPreferences, AppError> {
        let auth = require(&self.state, &req.extensions).await?;
        prefs::cached(&self.state, &auth.user_id).await
    }

    async fn save_model_preferences(
        &self,
        req: &Parts,
        input: ModelPreferences,
    ) -> Result<ModelPreferences, AppError> {
        let auth = require(&self.state, &req.extensions).await?;
        prefs::put(&self.state, &auth.user_id, input).await
    }
}
