//! HTTP plumbing shared by the routes: JSON bodies, query strings and path parameters with JSON
//! errors, and the cross-cutting layers (CSRF, security headers, page guard, dead session cookies
//! forgotten, panics answered as 500s in the caller's form, failures outside handlers in the same
//! forms, pages that stall or panic ended, server-function errors with their own status,
//! connections closed after an unread body).

pub mod csrf;
pub mod dead_session;
pub mod failure;
pub mod guard;
pub mod guarded_body;
pub mod headers;
pub mod json;
pub mod panic;
pub mod path;
pub mod query;
pub mod server_fn_status;
pub mod unread_body;
