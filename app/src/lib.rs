//! The user interface and everything that crosses between browser and server: components, pages,
//! wire types and server functions. Compiled twice, for the browser (`hydrate`) and the server
//! (`ssr`); nothing in here touches the database, the cipher or OpenRouter directly. Server
//! functions reach server-side use cases through their feature's port (declared beside them; see
//! [`ports`]), which the `server` crate implements and provides through Leptos context. Rules
//! both sides check (the key format, names, languages, the event-stream parser) live here once.

pub mod ai;
pub mod auth;
pub mod components;
pub mod conversations;
pub mod error;
pub mod keys;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ports;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod server_fns;
pub mod shell;
pub mod spend;
pub mod sse;
pub mod wire;
pub mod workspaces;

pub use error::AppError;
pub use shell::{shell, App};
