//! Pages that need an account send anonymous visitors to sign-in, with a way back.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use crate::auth::extract::caller;
use crate::state::AppState;

/// Path prefixes that need a signed-in user.
const PROTECTED: &[&str] = &["/settings", "/studio", "/usage"];

fn is_protected(path: &str) -> bool {
    PROTECTED.iter().any(|p| {
        path == *p
            || path
                .strip_prefix(p)
                .is_some_and(|rest| rest.starts_with('/'))
    })
}

/// The middleware.
pub async fn require_sign_in(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if req.method() != http::Method::GET || !is_protected(path) {
        return next.run(req).await;
    }
    match caller(&state, req.extensions()).await {
        Ok(Some(_)) => next.run(req).await,
        Ok(None) => {
            let target = req
                .uri()
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or("/");
            let next_param: String = url_encode(target);
            Redirect::to(&format!("/signin?next={next_param}")).into_response()
        }
        Err(e) => crate::error::HttpError(e).into_response(),
    }
}

fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_account_pages_are_protected() {
        assert!(is_protected("/settings"));
        assert!(is_protected("/studio/abc"));
        assert!(!is_protected("/studious"));
        assert!(!is_protected("/signin"));
    }
}
