//! Accounts and server-side sessions.
//!
//! Sessions are tower-sessions records kept in the app's own `sessions` table through SeaORM
//! ([`store`]), so several instances share them. tower-sessions gives the idle timeout (expiry on
//! inactivity, refreshed on every request); this module adds what it lacks: an absolute lifetime,
//! a session list per user, revocation of a user's other sessions, and the auth stamp that ends
//! every session signed in with a password that has since changed. Password checks are throttled
//! per address ([`crate::rate_limit`]) and per account in the database ([`throttle`]), with a
//! known-device cookie ([`device`]) that keeps the owner's own browser out of the account's lock.
//! An operator can disable an account ([`accounts`]), which ends its sessions and refuses its
//! sign-ins.

pub mod accounts;
pub mod device;
pub mod email;
pub mod extract;
pub mod password;
pub mod password_change;
pub mod session;
pub mod sign_in;
pub mod store;
pub mod throttle;
pub mod usecases;

pub use email::Email;
pub use extract::AuthUser;
pub use password::{Password, PasswordHasher};
