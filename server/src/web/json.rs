//! `ApiJson<T>`: axum's `Json` extractor, but every rejection is the API's JSON error body.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

use app::AppError;

use crate::error::HttpError;

/// A JSON request body.
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = HttpError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Self(v)),
            Err(rejection) => Err(HttpError(rejection_to_error(&rejection))),
        }
    }
}

fn rejection_to_error(rejection: &JsonRejection) -> AppError {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => AppError::new(
            415,
            "Unsupported media type",
            "Send the request body as JSON, with Content-Type: application/json.",
        ),
        JsonRejection::JsonDataError(e) => {
            // serde's message names the field and the problem, never the value.
            let detail = e.body_text();
            let reason = detail
                .split_once(": ")
                .map(|(_, r)| r)
                .unwrap_or("a field is missing or has the wrong type");
            let reason = reason.split(" at line ").next().unwrap_or(reason);
            AppError::new(
                422,
                "Invalid request",
                format!("The request body is not valid: {reason}."),
            )
        }
        JsonRejection::JsonSyntaxError(_) => {
            AppError::new(400, "Bad request", "The request body is not valid JSON.")
        }
        JsonRejection::BytesRejection(_) => AppError::new(
            413,
            "Payload too large",
            "The request body is larger than this endpoint accepts.",
        ),
        _ => AppError::new(400, "Bad request", "The request body could not be read."),
    }
}
