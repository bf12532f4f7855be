//! The health use case: is the server healthy, and on which database? `GET /health` and the
//! home page's server function both ask it.

use app::pages::home::ssr::StatusPort;
use app::wire::ServerStatus;
use app::AppError;

use crate::backend::StudioBackend;
use crate::db;
use crate::state::AppState;

/// The server's version, its database kind, and whether the database answers.
pub async fn status(state: &AppState) -> ServerStatus {
    ServerStatus {
        database: state.config.database.kind().as_str().to_owned(),
        database_ok: db::is_reachable(&state.db).await,
        version: env!("CARGO_PKG_VERSION").to_owned(),
    }
}

#[async_trait::async_trait]
impl StatusPort for StudioBackend {
    async fn server_status(&self) -> Result<ServerStatus, AppError> {
        Ok(status(&self.state).await)
    }
}
