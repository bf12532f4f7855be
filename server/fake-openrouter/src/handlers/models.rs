//! `GET /api/v1/models`: the catalogue.

use axum::{extract::Query, http::HeaderMap, Json};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::{behaviour::authenticate, catalogue::MODELS, errors::ApiError};

/// The query parameters OpenRouter documents for this endpoint.
#[derive(Debug, Deserialize)]
pub(crate) struct ModelsQuery {
    /// Comma-separated parameters every returned model must support, e.g. `tools`.
    supported_parameters: Option<String>,
}

/// Lists the models. No key is needed, but a key that is sent must be a live one.
pub(crate) async fn list_models(
    headers: HeaderMap,
    Query(query): Query<ModelsQuery>,
) -> Result<Json<Value>, ApiError> {
    match authenticate(&headers) {
        Ok(_) | Err(ApiError::NoCredentials) => {}
        Err(refusal) => return Err(refusal),
    }
    let wanted = query.supported_parameters.unwrap_or_default();
    let wanted = || wanted.split(',').map(str::trim).filter(|p| !p.is_empty());
    let data: Vec<Value> = MODELS
        .iter()
        .filter(|model| model.supports_all(wanted()))
        .map(|model| model.to_json())
        .collect();
    Ok(Json(json!({ "data": data })))
}
