//! One upstream call: the caller's slot under the in-flight cap, its worst-case cost reserved
//! against the caller's spending cap, the key for the duration of the request, and the ledger
//! record (which replaces the reservation), written however the call ends.

use app::AppError;

use crate::ai::ledger::CallRecord;
use crate::ai::limits::{InFlightGuard, MAX_TOKENS};
use crate::ai::prefs::ModelChoice;
use crate::ai::spend;
use crate::ai::stream::{Finish, Relay};
use crate::ai::{upstream_errors, Feature};
use crate::openrouter::types::{ChatCompletionRequest, Usage};
use crate::openrouter::UpstreamError;
use crate::state::AppState;
use crate::vault::key::{KeyOrigin, StoredKey};

/// A whole answer.
pub(crate) struct Answer {
    /// The first choice's text.
    pub text: String,
    /// The model that answered.
    pub model: String,
    /// OpenRouter's usage report.
    pub usage: Option<Usage>,
    /// OpenRouter's generation id.
    pub generation_id: Option<String>,
}

/// One upstream call, from its slot to its ledger row.
pub(crate) struct Call<'a> {
    user_id: &'a str,
    key: StoredKey,
    slot: InFlightGuard,
    record: CallRecord,
}

impl<'a> Call<'a> {
    /// Takes a slot under the caller's in-flight cap (429), reserves the call's worst case
    /// against their spending cap (402), and opens the ledger record. Under a spending cap a
    /// request without `max_tokens` is sent with the largest allowed, so that its worst case is
    /// a bound.
    pub async fn start(
        state: &AppState,
        user_id: &'a str,
        feature: Feature,
        key: StoredKey,
        choice: &ModelChoice,
        body: &mut ChatCompletionRequest,
    ) -> Result<Self, AppError> {
        let slot = state.ai.in_flight.try_acquire(user_id)?;
        let prompt_chars = body
            .messages
            .iter()
            .map(|m| m.content.chars().count())
            .sum();
        if !choice.fallbacks.is_empty() {
            body.models = Some(choice.all());
        }
        let capped = spend::limit::is_capped(state, user_id).await?;
        if capped && body.max_tokens.is_none() {
            body.max_tokens = Some(MAX_TOKENS);
        }
        let reservation = if capped {
            let worst = spend::quote::worst_case(
                state,
                &choice.all(),
                prompt_chars,
                body.messages.len(),
                body.max_tokens,
            );
            spend::reserve::reserve(state, user_id, worst).await?
        } else {
            None
        };
        let mut record = state
            .ai
            .ledger
            .begin(user_id, feature, &body.model, prompt_chars);
        record.set_prices(state.ai.models.prices(&body.model));
        record.set_fallbacks(choice.fallbacks.clone());
        record.set_reservation(reservation.and_then(spend::reserve::Reservation::claim));
        Ok(Self {
            user_id,
            key,
            slot,
            record,
        })
    }

    pub async fn whole(
        self,
        state: &AppState,
        body: ChatCompletionRequest,
    ) -> Result<Answer, AppError> {
        let Self {
            user_id,
            key,
            slot: _slot,
            mut record,
        } = self;
        let result = state.openrouter.chat(key.key(), &body).await;
        crate::vault::health::after_call(state, user_id, &key, result.as_ref().err());
        let origin = Some(key.origin().clone());
        drop(key);
        let (completion, header_id) = match result {
            Ok(ok) => ok,
            Err(e) => return Err(failed(state, user_id, origin, &body.model, &e, record).await),
        };
        let generation_id = header_id.or_else(|| completion.id.clone());
        record.set_generation_id(generation_id.clone());
        if let Some(usage) = completion.usage {
            record.set_usage(usage);
        }
        let text = match (&completion.error, completion.text()) {
            (None, Some(text)) => text.to_owned(),
            (error, _) => {
                let code = error.as_ref().and_then(|e| e.code.clone());
                tracing::warn!(user.id = %user_id, ai.model = %body.model, error.code = ?code, "OpenRouter answered 200 without an answer");
                record.finish("error:provider");
                return Err(AppError::new(
                    502,
                    "Provider error",
                    "The model's provider could not produce an answer. Please try again, or choose another model.",
                ));
            }
        };
        record.add_output(&text);
        let model = completion.model.unwrap_or(body.model);
        record.set_answered_by(&model);
        record.finish("ok");
        Ok(Answer {
            text,
            model,
            usage: completion.usage,
            generation_id,
        })
    }

    pub async fn stream(
        self,
        state: &AppState,
        body: ChatCompletionRequest,
        finish: Finish,
    ) -> Result<Relay, AppError> {
        let Self {
            user_id,
            key,
            slot,
            record,
        } = self;
        let result = state.openrouter.chat_stream(key.key(), &body).await;
        crate::vault::health::after_call(state, user_id, &key, result.as_ref().err());
        let origin = Some(key.origin().clone());
        drop(key);
        match result {
            Ok(res) => Ok(Relay::new(
                res,
                state.openrouter.timeouts.completion,
                finish,
                body.model,
                record,
                slot,
                state.metrics.stream_opened(),
            )),
            Err(e) => Err(failed(state, user_id, origin, &body.model, &e, record).await),
        }
    }
}

/// `origin` names the stored key the call was made with, so that a refusal marks that key only.
async fn failed(
    state: &AppState,
    user_id: &str,
    origin: Option<KeyOrigin>,
    model: &str,
    e: &UpstreamError,
    record: CallRecord,
) -> AppError {
    let mapped = upstream_errors::handle(state, user_id, origin.as_ref(), model, e).await;
    record.finish(&format!("error:{}", mapped.kind));
    mapped.error
}
