//! Failures outside a handler, answered in the form their caller reads: the REST API its JSON
//! `{"error","message"}`, a server function the `AppError` it decodes, a page an HTML page for
//! people with the same sentence.
//!
//! Two places need it while the database is down: the page guard, which cannot tell who is
//! signed in, and the session layer, which answers a failed session save with an empty 500 of
//! its own (tower-sessions builds it, with no body and no content type). [`no_bare_errors`] sits
//! just outside the session layer and replaces any such body-less 5xx with a 503 in the
//! caller's form; every response the app itself builds has a content type, so nothing else is
//! touched.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::header::{self, HeaderValue};
use http::StatusCode;

use app::AppError;

use crate::error::HttpError;
use crate::web::panic::{Classifier, Kind};

/// `error` in the form a caller of `kind` reads.
pub fn in_callers_form(kind: Kind, error: AppError) -> Response {
    match kind {
        Kind::Api => HttpError(error).into_response(),
        Kind::ServerFn => {
            let status =
                StatusCode::from_u16(error.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let body = serde_json::to_string(&error).unwrap_or_default();
            (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
        }
        Kind::Page => page(&error),
    }
}

/// An HTML page for people saying what `error` says, with its status.
pub fn page(error: &AppError) -> Response {
    let status = StatusCode::from_u16(error.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let html = format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<title>{title} · AiAppsy Web Studio</title>
<link rel="stylesheet" href="/pkg/studio.css"/>
</head>
<body>
<main class="container">
<section class="card">
<h1>{title}</h1>
<p>{message}</p>
<p><a href="">Try again</a> · <a href="/">Go to the home page</a></p>
</section>
</main>
</body>
</html>
"#,
        title = escape(&error.body.error),
        message = escape(&error.body.message),
    );
    let mut res = (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        html,
    )
        .into_response();
    // The page has no script; its one stylesheet is the site's own.
    res.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
        ),
    );
    if let Some(seconds) = error.body.retry_after {
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    res
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The middleware: a 5xx without a content type (the session layer's own, when saving the
/// session failed) becomes a 503 in the caller's form.
pub async fn no_bare_errors(
    State(classifier): State<Classifier>,
    req: Request,
    next: Next,
) -> Response {
    let kind = classifier.kind(req.uri().path());
    let res = next.run(req).await;
    if res.status().is_server_error() && !res.headers().contains_key(header::CONTENT_TYPE) {
        tracing::warn!(status = res.status().as_u16(), request.kind = ?kind, "a layer answered a bare error (the session could not be saved); answered 503");
        return in_callers_form(kind, AppError::unavailable());
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_says_the_error_in_words_and_escapes_them() {
        let res =
            page(&AppError::new(503, "Down <now>", "Try \"again\" & soon.").with_retry_after(5));
        assert_eq!(res.status(), 503);
        assert_eq!(res.headers()[header::RETRY_AFTER], "5");
        let html = futures::executor::block_on(axum::body::to_bytes(res.into_body(), 1 << 16))
            .expect("a body");
        let html = String::from_utf8(html.to_vec()).expect("UTF-8");
        assert!(html.contains("<h1>Down &lt;now&gt;</h1>"), "{html}");
        assert!(html.contains("Try &quot;again&quot; &amp; soon."), "{html}");
    }
}
