//! Accounts and server-side sessions.
//!
//! Sessions are tower-sessions records kept in the app's own `sessions` table through SeaORM
//! ([`store`]), so several instances share them. tower-sessions gives the idle timeout (expiry on
//! inactivity, refreshed on every request); this module adds what it lacks: an absolute lifetime,
//! a session list per user, and revocation of a user's other sessions.

pub mod client_ip;
pub mod clock;
pub mod email;
pub mod extract;
pub mod ids;
pub mod password;
pub mod session;
pub mod store;
pub mod throttle;
pub mod usecases;

pub use clock::{Clock, SystemClock};
pub use email::Email;
pub use extract::AuthUser;
pub use password::{Password, PasswordHasher};
