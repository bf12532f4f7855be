//! `ApiQuery<T>`: axum's `Query` extractor, but a query string that does not fit is the API's
//! JSON error body instead of axum's plain-text 400.

use axum::extract::{FromRequestParts, Query};
use http::request::Parts;
use serde::de::DeserializeOwned;

use app::AppError;

use crate::error::HttpError;

/// A parsed query string.
pub struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(v)) => Ok(Self(v)),
            // The rejection's text quotes the query; it is not needed to act on the error.
            Err(_) => Err(HttpError(AppError::new(
                400,
                "Bad request",
                "The query string is not valid for this endpoint.",
            ))),
        }
    }
}
