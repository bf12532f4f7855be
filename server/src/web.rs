//! HTTP plumbing shared by the routes: JSON bodies with JSON errors, request metadata, and the
//! cross-cutting layers (CSRF, security headers, page guard, panics answered as 500s in the caller's form).

pub mod csrf;
pub mod guard;
pub mod headers;
pub mod json;
pub mod meta;
pub mod panic;
