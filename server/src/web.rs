//! HTTP plumbing shared by the routes: JSON bodies and query strings with JSON errors, and the
//! cross-cutting layers (CSRF, security headers, page guard, panics answered as 500s in the
//! caller's form, failures outside handlers in the same forms, pages that stall ended,
//! server-function errors with their own status, connections closed after an unread body).

pub mod csrf;
pub mod failure;
pub mod guard;
pub mod headers;
pub mod json;
pub mod page_deadline;
pub mod panic;
pub mod query;
pub mod server_fn_status;
pub mod unread_body;
