//! Each user's default model per AI feature, its fallbacks, and the choice of models for one
//! call: the request's `model`, else the user's default for the feature, else
//! [`DEFAULT_MODEL`]; then the feature's fallbacks, sent as OpenRouter's `models` list.

use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, EntityTrait, TransactionTrait};

use app::wire::{FallbackModels, ModelPreferences};
use app::AppError;

use crate::ai::{Feature, DEFAULT_MODEL};
use crate::entities::user_model_prefs;
use crate::kit::db_failed;
use crate::state::AppState;

/// Fallbacks per feature.
pub const MAX_FALLBACKS: usize = 3;
/// The largest confirmation threshold, USD.
const MAX_CONFIRM_ABOVE_USD: f64 = 1000.0;

/// The models for one call: the one asked for, then the fallbacks in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelChoice {
    /// The model asked for.
    pub model: String,
    /// Tried in order when it fails; never repeats `model`.
    pub fallbacks: Vec<String>,
}

impl ModelChoice {
    /// The model, then the fallbacks.
    pub fn all(&self) -> Vec<String> {
        std::iter::once(self.model.clone())
            .chain(self.fallbacks.iter().cloned())
            .collect()
    }
}

fn split(list: Option<&str>) -> Vec<String> {
    list.map(|l| {
        l.split(',')
            .filter(|m| !m.is_empty())
            .map(str::to_owned)
            .collect()
    })
    .unwrap_or_default()
}

fn join(list: &[String]) -> Option<String> {
    (!list.is_empty()).then(|| list.join(","))
}

fn of_row(r: user_model_prefs::Model) -> ModelPreferences {
    let fallbacks = FallbackModels {
        chat: split(r.chat_fallbacks.as_deref()),
        code_completion: split(r.completion_fallbacks.as_deref()),
        generation: split(r.generation_fallbacks.as_deref()),
    };
    ModelPreferences {
        chat: r.chat_model,
        code_completion: r.completion_model,
        generation: r.generation_model,
        fallbacks: (!fallbacks.is_empty()).then_some(fallbacks),
        confirm_above_usd: r.confirm_above_usd,
    }
}

/// The caller's defaults (`None` where they chose none).
pub async fn get(state: &AppState, user_id: &str) -> Result<ModelPreferences, AppError> {
    let row = user_model_prefs::Entity::find_by_id(user_id.to_owned())
        .one(&state.db)
        .await
        .map_err(db_failed)?;
    Ok(row.map(of_row).unwrap_or_default())
}

fn invalid(message: &str) -> AppError {
    AppError::new(422, "Invalid preferences", message)
}

/// The caller's defaults, from the cache when it holds them ([`crate::cache`]), else read. For
/// what is shown and used; a change reads [`get`] instead, so that it starts from what is stored.
pub async fn cached(state: &AppState, user_id: &str) -> Result<ModelPreferences, AppError> {
    state.cache.prefs(user_id, get(state, user_id)).await
}

/// A feature's fallbacks as sent: trimmed, blanks dropped, at most three, no repeats.
fn clean_fallbacks(list: Vec<String>) -> Result<Vec<String>, AppError> {
    let mut out: Vec<String> = Vec::new();
    for m in list.into_iter().filter_map(|m| blank_is_none(Some(m))) {
        if out.contains(&m) {
            return Err(invalid("A fallback model is listed twice."));
        }
        out.push(m);
    }
    if out.len() > MAX_FALLBACKS {
        return Err(invalid("Each feature has at most three fallback models."));
    }
    Ok(out)
}

/// Replaces the caller's defaults; every model named must be one OpenRouter offers (422).
/// `fallbacks` and `confirmAboveUsd`, when absent, keep their stored values.
pub async fn put(
    state: &AppState,
    user_id: &str,
    prefs: ModelPreferences,
) -> Result<ModelPreferences, AppError> {
    let current = get(state, user_id).await?;
    let fallbacks = match prefs.fallbacks {
        Some(f) => FallbackModels {
            chat: clean_fallbacks(f.chat)?,
            code_completion: clean_fallbacks(f.code_completion)?,
            generation: clean_fallbacks(f.generation)?,
        },
        None => current.fallbacks.unwrap_or_default(),
    };
    let confirm_above_usd = match prefs.confirm_above_usd {
        Some(v) if !v.is_finite() || !(0.0..=MAX_CONFIRM_ABOVE_USD).contains(&v) => {
            return Err(invalid(
                "confirmAboveUsd is a number of dollars from 0 to 1000.",
            ));
        }
        Some(v) => Some(v),
        None => current.confirm_above_usd,
    };
    let prefs = ModelPreferences {
        chat: blank_is_none(prefs.chat),
        code_completion: blank_is_none(prefs.code_completion),
        generation: blank_is_none(prefs.generation),
        fallbacks: (!fallbacks.is_empty()).then_some(fallbacks.clone()),
        confirm_above_usd,
    };
    for model in [&prefs.chat, &prefs.code_completion, &prefs.generation]
        .into_iter()
        .flatten()
        .chain(&fallbacks.chat)
        .chain(&fallbacks.code_completion)
        .chain(&fallbacks.generation)
    {
        state.ai.models.check(model).await?;
    }
    let row = user_model_prefs::ActiveModel {
        user_id: Set(user_id.to_owned()),
        chat_model: Set(prefs.chat.clone()),
        completion_model: Set(prefs.code_completion.clone()),
        generation_model: Set(prefs.generation.clone()),
        chat_fallbacks: Set(join(&fallbacks.chat)),
        completion_fallbacks: Set(join(&fallbacks.code_completion)),
        generation_fallbacks: Set(join(&fallbacks.generation)),
        confirm_above_usd: Set(confirm_above_usd),
        updated_at: Set(state.clock.now()),
    };
    use user_model_prefs::Column as C;
    let txn = state.db.begin().await.map_err(db_failed)?;
    user_model_prefs::Entity::insert(row)
        .on_conflict(
            OnConflict::column(C::UserId)
                .update_columns([
                    C::ChatModel,
                    C::CompletionModel,
                    C::GenerationModel,
                    C::ChatFallbacks,
                    C::CompletionFallbacks,
                    C::GenerationFallbacks,
                    C::ConfirmAboveUsd,
                    C::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec(&txn)
        .await
        .map_err(db_failed)?;
    crate::cache::announce(&txn, user_id)
        .await
        .map_err(db_failed)?;
    txn.commit().await.map_err(db_failed)?;
    state.cache.forget_user(user_id);
    tracing::info!(user.id = %user_id, "model preferences saved");
    Ok(prefs)
}

fn blank_is_none(model: Option<String>) -> Option<String> {
    model.map(|m| m.trim().to_owned()).filter(|m| !m.is_empty())
}

/// The models for one call of `feature`: the model checked against OpenRouter's list (422 if
/// unknown), and the feature's fallbacks that the list still offers.
pub async fn model_for(
    state: &AppState,
    user_id: &str,
    feature: Feature,
    requested: Option<&str>,
) -> Result<ModelChoice, AppError> {
    let prefs = cached(state, user_id).await?;
    let fallbacks = prefs.fallbacks.unwrap_or_default();
    let (chosen, fallbacks) = match feature {
        Feature::Chat => (prefs.chat, fallbacks.chat),
        Feature::CodeCompletion => (prefs.code_completion, fallbacks.code_completion),
        Feature::GenerateCode => (prefs.generation, fallbacks.generation),
    };
    let model = match requested.map(str::trim).filter(|m| !m.is_empty()) {
        Some(m) => m.to_owned(),
        None => chosen.unwrap_or_else(|| DEFAULT_MODEL.to_owned()),
    };
    state.ai.models.check(&model).await?;
    let mut kept = Vec::with_capacity(fallbacks.len());
    for f in fallbacks.into_iter().filter(|f| *f != model) {
        match state.ai.models.check(&f).await {
            Ok(()) => kept.push(f),
            Err(_) => {
                tracing::warn!(user.id = %user_id, ai.model = %f, "a fallback model is no longer offered; skipped");
            }
        }
    }
    Ok(ModelChoice {
        model,
        fallbacks: kept,
    })
}
