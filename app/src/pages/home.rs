//! The landing page: what the studio is, and a live check of the server.

use leptos::prelude::*;

use crate::error::AppError;
use crate::wire::ServerStatus;

/// Reports whether the server and its database answer.
#[server(endpoint = "server_status")]
pub async fn get_server_status() -> Result<ServerStatus, AppError> {
    crate::ports::backend()?.0.server_status().await
}

/// The server side of this page's server function: its port and its registration.
#[cfg(feature = "ssr")]
pub mod ssr {
    use leptos::server_fn::axum::register_explicit;

    use super::GetServerStatus;
    use crate::error::AppError;
    use crate::wire::ServerStatus;

    /// The health use case, as the home page asks it.
    #[async_trait::async_trait]
    pub trait StatusPort: Send + Sync + 'static {
        /// The server's health and database kind.
        async fn server_status(&self) -> Result<ServerStatus, AppError>;
    }

    /// Registers this file's server function.
    pub fn register() {
        register_explicit::<GetServerStatus>();
    }
}

/// The home page.
#[component]
pub fn HomePage() -> impl IntoView {
    let check = ServerAction::<GetServerStatus>::new();
    let result = check.value();
    let pending = check.pending();
    view! {
        <section class="hero">
            <h1>"AiAppsy Web Studio"</h1>
            <p class="lead">
                "Write code with AI models of your choice, using your own OpenRouter key. "
                "Your key is encrypted on the server and never shown again; you see what every call costs."
            </p>
        </section>
        <section class="card" aria-labelledby="status-heading">
            <h2 id="status-heading">"Server status"</h2>
            <p>"Ask the server whether it and its database are answering."</p>
            <button
                type="button"
                class="button"
                data-testid="check-server"
                disabled=move || pending.get()
                on:click=move |_| {
                    check.dispatch(GetServerStatus {});
                }
            >
                {move || if pending.get() { "Checking…" } else { "Check the server" }}
            </button>
            <p role="status" aria-live="polite" data-testid="server-status">
                {move || match result.get() {
                    None => "Not checked yet.".to_string(),
                    Some(Ok(s)) if s.database_ok => format!("Server {} is up; {} database answering.", s.version, s.database),
                    Some(Ok(s)) => format!("Server {} is up, but the {} database is not answering.", s.version, s.database),
                    Some(Err(e)) => e.body.message,
                }}
            </p>
        </section>
    }
}
