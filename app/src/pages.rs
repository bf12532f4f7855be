//! One file per page.

pub mod home;
pub mod lazy;
pub mod not_found;
pub mod settings;
pub mod signin;
pub mod signup;
pub mod studio;
pub mod usage;
pub mod workspace;
