//! Today's schema, as SeaORM entities. The migrations crate holds its history.

pub mod ai_usage;
pub mod api_key_event;
pub mod conversation;
pub mod conversation_turn;
pub mod login_throttle;
pub mod session;
pub mod spend_limit;
pub mod spend_reservation;
pub mod user;
pub mod user_api_key;
pub mod user_model_prefs;
pub mod workspace;
