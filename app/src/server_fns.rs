//! Explicit registration of every server function.
//!
//! Server functions normally register themselves through `inventory`, but the linker may drop a
//! module's registration when nothing else in that object file is referenced (seen here: the
//! workspace and usage functions were missing from the router). Registering each one by type
//! makes the list deterministic. Add new server functions here.

use leptos::server_fn::axum::register_explicit;

/// Registers all server functions with the axum integration; call once before building routes.
pub fn register_all() {
    use crate::auth::*;
    use crate::keys::*;
    use crate::pages::home::GetServerStatus;
    use crate::pages::usage::GetUsageReport;
    use crate::workspaces::*;
    register_explicit::<GetServerStatus>();
    register_explicit::<CurrentUser>();
    register_explicit::<SignIn>();
    register_explicit::<SignUp>();
    register_explicit::<SignOut>();
    register_explicit::<ListSessions>();
    register_explicit::<EndSession>();
    register_explicit::<EndOtherSessions>();
    register_explicit::<KeyStatus>();
    register_explicit::<SaveKey>();
    register_explicit::<RemoveKey>();
    register_explicit::<KeyEvents>();
    register_explicit::<GetUsageReport>();
    register_explicit::<ListWorkspaces>();
    register_explicit::<GetWorkspace>();
    register_explicit::<CreateWorkspace>();
    register_explicit::<RenameWorkspace>();
    register_explicit::<DeleteWorkspace>();
    register_explicit::<SaveWorkspaceCode>();
    register_explicit::<CompleteCode>();
    register_explicit::<GenerateCode>();
}
