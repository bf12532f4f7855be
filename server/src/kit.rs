//! The kit: small pieces every feature uses and no feature owns (ids, the clock, the mapping of
//! database errors, owner-scoped writes, where a request came from).
//!
//! They lived in `auth` because sign-in needed them first, which made every other feature
//! import `auth` for things that are not about accounts. Here they sit below the features: this
//! module imports no feature module (`auth`, `vault`, `ai`, `workspaces`, `openrouter`), only
//! `config`, `error` and outside crates, so the arrows from features to it point one way.
//! (zero-to-production keeps such helpers in `src/utils.rs`; a folder keeps each file small.)

pub mod client_ip;
pub mod clock;
pub mod db_error;
pub mod ids;
pub mod owned;
pub mod request_meta;

pub use clock::{Clock, OffsetClock, SystemClock};
pub(crate) use db_error::db_failed;
pub use ids::{looks_like_id, new_id};
pub use request_meta::{request_meta, RequestMeta};
