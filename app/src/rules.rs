//! Input rules that the browser and the server both reach, each written once with its tests.
//! `app` compiles for both, so a rule here can hint in a form and be enforced by the server with
//! the same code. The key format is [`crate::keys::format`], beside the key's server functions.

pub mod context;
pub mod decimal;
pub mod excerpt;
pub mod highlight;
pub mod language;
pub mod markdown;
pub mod name;
pub mod offsets;
pub mod spend;
pub mod syntax;
pub mod words;
