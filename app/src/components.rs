//! Components shared by several pages, one per file.

pub mod ai_assistant;
pub mod api_key_settings;
pub mod code_editor;
pub mod connect_button;
pub mod error_text;
pub mod key_health;
pub mod key_log;
pub mod markdown;
pub mod model_defaults;
pub mod model_picker;
pub mod recovery;
pub mod session_list;
pub mod spend_alert;
pub mod spend_estimate;
pub mod spend_fallback_settings;
pub mod spend_limit_settings;
pub mod spend_summary;
pub mod top_bar;
pub mod user_menu;
pub mod when;
