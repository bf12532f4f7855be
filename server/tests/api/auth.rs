//! Accounts and sessions: sign-up, sign-in, the session's life, sign-in limits, other sites,
//! and what guards every answer.

mod accounts;
mod argon2_load;
mod cross_origin;
mod dead_session;
mod device;
mod disable;
mod password;
mod protected;
mod session_list;
mod sessions;
mod sign_in_limits;
mod sign_up;
pub(crate) mod support;
mod throttle;
