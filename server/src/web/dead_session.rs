//! A session cookie whose session no longer exists (ended elsewhere, expired, or ended by a
//! password change) is forgotten before the handler runs.
//!
//! tower-sessions loads a session lazily. A handler that never reads it (`/health`, the OpenAPI
//! document, a public page) left the record unloaded, and the save that follows every answer
//! then found no record, tried to store an empty one, which the store refuses (only signed-in
//! sessions are stored), and answered a bare 500 with no body, on every request of that browser.
//! Loading it here first lets tower-sessions see the session is empty and clear the cookie
//! instead. The load costs nothing extra: the save after the answer would have made it.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use tower_sessions::Session;

use crate::auth::session::keys;

/// The middleware; it sits inside the session layer.
pub async fn forget_dead_sessions(req: Request, next: Next) -> Response {
    if let Some(session) = req.extensions().get::<Session>() {
        if session.id().is_some() {
            // An error (the database is down) is met again, and answered, where it matters.
            if let Err(e) = session.get_value(keys::USER_ID).await {
                tracing::debug!(error = %e, "could not load the session ahead of the handler");
            }
        }
    }
    next.run(req).await
}
