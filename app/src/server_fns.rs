//! Explicit registration of every server function.
//!
//! Server functions normally register themselves through `inventory`, but the linker may drop a
//! module's registration when nothing else in that object file is referenced (seen here: the
//! workspace and usage functions were missing from the router). Registering each one by type
//! makes the list deterministic. Each feature file lists its own (`ssr::register`), next to the
//! functions; a new feature file is added here.

/// Registers all server functions with the axum integration; call once before building routes.
pub fn register_all() {
    crate::pages::home::ssr::register();
    crate::auth::ssr::register();
    crate::keys::ssr::register();
    crate::workspaces::ssr::register();
    crate::conversations::ssr::register();
    crate::ai::ssr::register();
    crate::spend::ssr::register();
}
