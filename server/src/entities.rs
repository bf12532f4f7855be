//! Today's schema, as SeaORM entities. The migrations crate holds its history.

pub mod api_key_event;
pub mod login_throttle;
pub mod session;
pub mod user;
pub mod user_api_key;
pub mod workspace;
