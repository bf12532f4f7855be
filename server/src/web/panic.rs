//! A handler that panics still answers: a JSON 500 for people, and one log line. The panic's
//! message is not logged, since it may quote whatever the handler held.

use axum::response::{IntoResponse, Response};
use tower_http::catch_panic::{CatchPanicLayer, ResponseForPanic};

use app::AppError;

use crate::error::HttpError;

/// Turns a panic into the generic internal error.
#[derive(Debug, Clone, Copy, Default)]
pub struct PanicToJson;

impl ResponseForPanic for PanicToJson {
    type ResponseBody = axum::body::Body;

    fn response_for_panic(
        &mut self,
        _payload: Box<dyn std::any::Any + Send + 'static>,
    ) -> http::Response<Self::ResponseBody> {
        tracing::error!("a request handler panicked; answered 500");
        let response: Response = HttpError(AppError::internal()).into_response();
        response
    }
}

/// The layer.
pub fn catch_panics() -> CatchPanicLayer<PanicToJson> {
    CatchPanicLayer::custom(PanicToJson)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::get;
    use tower::ServiceExt as _;

    #[tokio::test]
    async fn a_panicking_handler_answers_a_json_500() {
        async fn boom() -> &'static str {
            panic!("sk-or-v1-secret held by the handler")
        }
        let app = axum::Router::new()
            .route("/boom", get(boom))
            .layer(catch_panics());
        let res = app
            .oneshot(
                http::Request::builder()
                    .uri("/boom")
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(res.status(), 500);
        let body = axum::body::to_bytes(res.into_body(), 10_000).await.unwrap();
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(json["error"], "Internal error");
        assert!(!String::from_utf8_lossy(&body).contains("sk-or-v1"));
    }
}
