//! `ApiPath<T>`: axum's `Path` extractor, but a path parameter that does not fit (not UTF-8
//! once percent-decoded, or not of the wanted type) is the API's JSON error body instead of
//! axum's plain-text 400.

use axum::extract::{FromRequestParts, Path};
use http::request::Parts;
use serde::de::DeserializeOwned;

use app::AppError;

use crate::error::HttpError;

/// Parsed path parameters.
pub struct ApiPath<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(v)) => Ok(Self(v)),
            // The rejection's text quotes the path; it is not needed to act on the error.
            Err(_) => Err(HttpError(AppError::new(
                400,
                "Bad request",
                "The address names something this endpoint cannot read.",
            ))),
        }
    }
}
