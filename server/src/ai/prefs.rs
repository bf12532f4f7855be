//! Each user's default model per AI feature, and the choice of model for one call: the
//! request's `model`, else the user's default for the feature, else [`DEFAULT_MODEL`].

use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, EntityTrait};

use app::wire::ModelPreferences;
use app::AppError;

use crate::ai::{Feature, DEFAULT_MODEL};
use crate::entities::user_model_prefs;
use crate::kit::db_failed;
use crate::state::AppState;

/// The caller's defaults (`None` where they chose none).
pub async fn get(state: &AppState, user_id: &str) -> Result<ModelPreferences, AppError> {
    let row = user_model_prefs::Entity::find_by_id(user_id.to_owned())
        .one(&state.db)
        .await
        .map_err(db_failed)?;
    Ok(row
        .map(|r| ModelPreferences {
            chat: r.chat_model,
            code_completion: r.completion_model,
            generation: r.generation_model,
        })
        .unwrap_or_default())
}

/// Replaces the caller's defaults; every model named must be one OpenRouter offers (422).
pub async fn put(
    state: &AppState,
    user_id: &str,
    prefs: ModelPreferences,
) -> Result<ModelPreferences, AppError> {
    let prefs = ModelPreferences {
        chat: blank_is_none(prefs.chat),
        code_completion: blank_is_none(prefs.code_completion),
        generation: blank_is_none(prefs.generation),
    };
    for model in [&prefs.chat, &prefs.code_completion, &prefs.generation]
        .into_iter()
        .flatten()
    {
        state.ai.models.check(model).await?;
    }
    let row = user_model_prefs::ActiveModel {
        user_id: Set(user_id.to_owned()),
        chat_model: Set(prefs.chat.clone()),
        completion_model: Set(prefs.code_completion.clone()),
        generation_model: Set(prefs.generation.clone()),
        updated_at: Set(state.clock.now()),
    };
    use user_model_prefs::Column as C;
    user_model_prefs::Entity::insert(row)
        .on_conflict(
            OnConflict::column(C::UserId)
                .update_columns([
                    C::ChatModel,
                    C::CompletionModel,
                    C::GenerationModel,
                    C::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec(&state.db)
        .await
        .map_err(db_failed)?;
    tracing::info!(user.id = %user_id, "model preferences saved");
    Ok(prefs)
}

fn blank_is_none(model: Option<String>) -> Option<String> {
    model.map(|m| m.trim().to_owned()).filter(|m| !m.is_empty())
}

/// The model for one call of `feature`, checked against OpenRouter's list (422 if unknown).
pub async fn model_for(
    state: &AppState,
    user_id: &str,
    feature: Feature,
    requested: Option<&str>,
) -> Result<String, AppError> {
    let model = match requested.map(str::trim).filter(|m| !m.is_empty()) {
        Some(m) => m.to_owned(),
        None => {
            let prefs = get(state, user_id).await?;
            let chosen = match feature {
                Feature::Chat => prefs.chat,
                Feature::CodeCompletion => prefs.code_completion,
                Feature::GenerateCode => prefs.generation,
            };
            chosen.unwrap_or_else(|| DEFAULT_MODEL.to_owned())
        }
    };
    state.ai.models.check(&model).await?;
    Ok(model)
}
