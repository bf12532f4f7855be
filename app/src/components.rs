//! Small components shared by several pages.

pub mod error_text;
pub mod user_menu;
