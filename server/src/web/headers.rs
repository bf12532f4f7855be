//! Security headers on every response. HTML pages get their CSP (with the per-response script
//! nonce) from the app shell; everything else gets a locked-down default here.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use http::header::{self, HeaderValue};

/// The CSP for responses that are not app pages (JSON, files).
const DEFAULT_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/// The middleware.
pub async fn security_headers(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let static_asset = ["/pkg/", "/editor/", "/favicon"]
        .iter()
        .any(|p| path.starts_with(p));
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let mut set = |name: header::HeaderName, value: &'static str| {
        if !h.contains_key(&name) {
            h.insert(name, HeaderValue::from_static(value));
        }
    };
    set(header::CONTENT_SECURITY_POLICY, DEFAULT_CSP);
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::REFERRER_POLICY, "same-origin");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(
        header::STRICT_TRANSPORT_SECURITY,
        "max-age=31536000; includeSubDomains",
    );
    set(
        header::HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    set(
        header::HeaderName::from_static("cross-origin-resource-policy"),
        "same-origin",
    );
    set(
        header::HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    );
    // Pages and API answers are per-user; only the hashed site assets may be cached. A site
    // file is sent brotli- or gzip-compressed or as it is, by the request's Accept-Encoding
    // (the release build precompresses the site), so a shared cache must keep them apart.
    if static_asset {
        set(header::CACHE_CONTROL, "public, max-age=300");
        set(header::VARY, "accept-encoding");
    } else {
        set(header::CACHE_CONTROL, "no-store");
    }
    res
}
