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
        Ok(None) => Redirect::to(&sign_in_for(req.uri())).into_response(),
        // A page, so an HTML page: the database is down, say so in words.
        Err(e) => crate::web::failure::page(&e),
    }
}

/// `/signin`, with `next` set to the page asked for when it is a same-origin path. The result
/// is ASCII with every byte outside a path's safe set percent-encoded, so it is always a valid
/// `Location` (an invalid one would panic in `Redirect::to`).
fn sign_in_for(uri: &http::Uri) -> String {
    let target = uri.path_and_query().map_or("/", |p| p.as_str());
    format!("/signin{}", app::auth::next_query(target))
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

    #[test]
    fn the_way_back_is_kept_only_when_it_is_a_local_path() {
        let to = |uri: &str| sign_in_for(&uri.parse().unwrap());
        assert_eq!(
            to("/settings?tab=key"),
            "/signin?next=/settings%3Ftab%3Dkey"
        );
        assert_eq!(to("/studio/abc"), "/signin?next=/studio/abc");
        assert_eq!(to("/studio//evil.test"), "/signin");
        assert_eq!(to("/studio/%2F/evil.test"), "/signin");
        assert_eq!(to("/studio/%09x"), "/signin");
    }
}
