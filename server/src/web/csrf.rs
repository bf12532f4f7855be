//! Refuses state-changing requests that a browser sends from another origin, before any handler
//! (REST or server function) runs. Leptos server functions do no such check of their own.
//!
//! For every method but GET, HEAD and OPTIONS: `Sec-Fetch-Site` decides when present
//! (`same-origin` and `none` pass); otherwise an `Origin` header must equal the public origin.
//! A request with neither is not from a modern browser: it passes without a session cookie (a
//! script signing up or in), and is refused with one, since an old browser may be carrying the
//! user's cookie for another site. Scripts that hold a session send `Origin`.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::Method;

use app::AppError;

use crate::auth::session::{COOKIE, SECURE_COOKIE};
use crate::error::HttpError;
use crate::state::AppState;

/// The middleware.
pub async fn csrf(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    match verdict(req.headers(), &state.config.public_origin) {
        Verdict::Allow => next.run(req).await,
        Verdict::CrossSite => {
            tracing::warn!(path = %req.uri().path(), "cross-origin write refused");
            HttpError(AppError::new(
                403,
                "Forbidden",
                "This request came from another site and was refused.",
            ))
            .into_response()
        }
        Verdict::Unattributed => {
            tracing::warn!(path = %req.uri().path(), "write with a session cookie but no Origin refused");
            HttpError(AppError::new(
                403,
                "Forbidden",
                "A request that carries a session cookie must say where it comes from: send an Origin header naming this site.",
            ))
            .into_response()
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    Allow,
    CrossSite,
    Unattributed,
}

fn verdict(headers: &http::HeaderMap, public_origin: &str) -> Verdict {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let allow = |ok: bool| {
        if ok {
            Verdict::Allow
        } else {
            Verdict::CrossSite
        }
    };
    match (header("sec-fetch-site"), header("origin")) {
        (Some(site), _) => allow(matches!(site, "same-origin" | "none")),
        (None, Some(origin)) => allow(origin.eq_ignore_ascii_case(public_origin)),
        (None, None) if carries_session(headers) => Verdict::Unattributed,
        (None, None) => Verdict::Allow,
    }
}

fn carries_session(headers: &http::HeaderMap) -> bool {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.split('=').next())
        .any(|name| matches!(name.trim(), COOKIE | SECURE_COOKIE))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> http::HeaderMap {
        pairs
            .iter()
            .map(|(k, v)| {
                (
                    http::HeaderName::from_static(k),
                    http::HeaderValue::from_static(v),
                )
            })
            .collect()
    }

    const ORIGIN: &str = "http://localhost:3000";

    #[test]
    fn fetch_metadata_decides_when_present() {
        assert_eq!(
            verdict(&headers(&[("sec-fetch-site", "same-origin")]), ORIGIN),
            Verdict::Allow
        );
        assert_eq!(
            verdict(&headers(&[("sec-fetch-site", "none")]), ORIGIN),
            Verdict::Allow
        );
        for site in ["cross-site", "same-site"] {
            let h = headers(&[
                ("sec-fetch-site", site),
                ("origin", "http://localhost:3000"),
            ]);
            assert_eq!(verdict(&h, ORIGIN), Verdict::CrossSite, "{site}");
        }
    }

    #[test]
    fn origin_must_be_the_public_origin() {
        assert_eq!(
            verdict(&headers(&[("origin", "http://localhost:3000")]), ORIGIN),
            Verdict::Allow
        );
        for origin in ["https://evil.test", "null", "http://localhost:3001"] {
            let h = headers(&[("origin", origin)]);
            assert_eq!(verdict(&h, ORIGIN), Verdict::CrossSite, "{origin}");
        }
    }

    #[test]
    fn neither_header_passes_only_without_a_session_cookie() {
        assert_eq!(verdict(&headers(&[]), ORIGIN), Verdict::Allow);
        assert_eq!(
            verdict(&headers(&[("cookie", "theme=dark")]), ORIGIN),
            Verdict::Allow
        );
        for cookie in [
            "studio_sid=abc",
            "theme=dark; studio_sid=abc",
            "__Host-sid=abc",
        ] {
            let h = headers(&[("cookie", cookie)]);
            assert_eq!(verdict(&h, ORIGIN), Verdict::Unattributed, "{cookie}");
        }
    }
}
