//! Components shared by several pages, one per file.

pub mod ai_assistant;
pub mod api_key_settings;
pub mod connect_button;
pub mod error_text;
pub mod key_health;
pub mod key_log;
pub mod recovery;
pub mod session_list;
pub mod user_menu;
