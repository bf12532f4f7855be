//! The layer that counts every request and times it to its response's head (for a stream,
//! the time to its first byte of headers, not to its end).

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

use super::{Class, Metrics};
use crate::web::panic::{Classifier, Kind};

/// What the layer needs: the registry and the classifier that knows the server functions.
#[derive(Clone)]
pub struct Counting {
    /// The registry.
    pub metrics: Arc<Metrics>,
    /// Tells server functions from the API and pages.
    pub classifier: Classifier,
}

/// Counts and times one request.
pub async fn count(State(c): State<Counting>, req: Request, next: Next) -> Response {
    let class = class_of(&c.classifier, req.uri().path());
    let started = Instant::now();
    let res = next.run(req).await;
    c.metrics
        .request(class, res.status().as_u16(), started.elapsed());
    res
}

fn class_of(classifier: &Classifier, path: &str) -> Class {
    if path == "/health" || path == "/ready" {
        return Class::Health;
    }
    if path.starts_with("/api/ai/") {
        return Class::Ai;
    }
    match classifier.kind(path) {
        Kind::ServerFn => Class::ServerFn,
        Kind::Api => Class::Api,
        Kind::Page
            if path.starts_with("/pkg/")
                || path
                    .rsplit('/')
                    .next()
                    .is_some_and(|last| last.contains('.')) =>
        {
            Class::Asset
        }
        Kind::Page => Class::Page,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_classed_by_what_they_serve() {
        let c = Classifier::new(["/api/save_key".to_owned()]);
        assert_eq!(class_of(&c, "/health"), Class::Health);
        assert_eq!(class_of(&c, "/ready"), Class::Health);
        assert_eq!(class_of(&c, "/api/ai/chat"), Class::Ai);
        assert_eq!(class_of(&c, "/api/user/api-key"), Class::Api);
        assert_eq!(class_of(&c, "/api/save_key"), Class::ServerFn);
        assert_eq!(class_of(&c, "/pkg/studio.wasm"), Class::Asset);
        assert_eq!(class_of(&c, "/favicon.ico"), Class::Asset);
        assert_eq!(class_of(&c, "/settings"), Class::Page);
        assert_eq!(class_of(&c, "/studio/w1"), Class::Page);
    }
}
