//! The database adapter: connecting (SQLite or PostgreSQL from one URL), migrating, and checking
//! that the database still answers.

use std::str::FromStr;
use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sea_orm::sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
};
use sea_orm::{DatabaseConnection, SqlxPostgresConnector, SqlxSqliteConnector};

use crate::config::{DatabaseKind, DatabaseUrl};
use crate::error::StartupError;

const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);
const PING_TIMEOUT: Duration = Duration::from_secs(2);

/// Connects to the database `url` names, creating a SQLite file (and its folder) if needed.
pub async fn connect(url: &DatabaseUrl) -> Result<DatabaseConnection, StartupError> {
    let unreachable = |e: sea_orm::sqlx::Error| {
        StartupError::config(
            "DATABASE_URL",
            format!("cannot open the database at {}: {e}", url.redacted()),
        )
    };
    match url.kind() {
        DatabaseKind::Sqlite => {
            if let Some(folder) = url.sqlite_path().and_then(|p| p.parent()) {
                if !folder.as_os_str().is_empty() {
                    std::fs::create_dir_all(folder).map_err(|e| {
                        StartupError::config(
                            "DATABASE_URL",
                            format!("cannot create the folder {}: {e}", folder.display()),
                        )
                    })?;
                }
            }
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .acquire_timeout(ACQUIRE_TIMEOUT)
                .connect_with(sqlite_options(url)?)
                .await
                .map_err(unreachable)?;
            Ok(SqlxSqliteConnector::from_sqlx_sqlite_pool(pool))
        }
        DatabaseKind::Postgres => {
            let pool = PgPoolOptions::new()
                .max_connections(20)
                .acquire_timeout(ACQUIRE_TIMEOUT)
                .connect_with(pg_options(url)?)
                .await
                .map_err(unreachable)?;
            Ok(SqlxPostgresConnector::from_sqlx_postgres_pool(pool))
        }
    }
}

/// A pool of its own for one background task (the usage ledger's writer), with the same
/// settings as [`connect`]'s: it connects on first use, so its connections (and, on SQLite,
/// the driver's worker thread) are made by the thread that uses it, and run at that thread's
/// priority. `None` for a SQLite database without a file (another pool would see another
/// database). Call it inside the runtime that will use it.
pub fn connect_lazy_for_background(
    url: &DatabaseUrl,
) -> Result<Option<DatabaseConnection>, StartupError> {
    match url.kind() {
        DatabaseKind::Sqlite => {
            if url.sqlite_path().is_none() {
                return Ok(None);
            }
            let pool = SqlitePoolOptions::new()
                .max_connections(1)
                .acquire_timeout(ACQUIRE_TIMEOUT)
                .connect_lazy_with(sqlite_options(url)?);
            Ok(Some(SqlxSqliteConnector::from_sqlx_sqlite_pool(pool)))
        }
        DatabaseKind::Postgres => {
            let pool = PgPoolOptions::new()
                .max_connections(2)
                .acquire_timeout(ACQUIRE_TIMEOUT)
                .connect_lazy_with(pg_options(url)?);
            Ok(Some(SqlxPostgresConnector::from_sqlx_postgres_pool(pool)))
        }
    }
}

fn sqlite_options(url: &DatabaseUrl) -> Result<SqliteConnectOptions, StartupError> {
    Ok(SqliteConnectOptions::from_str(url.expose())
        .map_err(|e| StartupError::config("DATABASE_URL", format!("not a SQLite URL: {e}")))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(Duration::from_secs(5))
        .foreign_keys(true))
}

fn pg_options(url: &DatabaseUrl) -> Result<PgConnectOptions, StartupError> {
    PgConnectOptions::from_str(url.expose())
        .map_err(|e| StartupError::config("DATABASE_URL", format!("not a PostgreSQL URL: {e}")))
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection, url: &DatabaseUrl) -> Result<(), StartupError> {
    Migrator::up(db, None).await.map_err(|e| {
        StartupError::config(
            "DATABASE_URL",
            format!("cannot migrate the database at {}: {e}", url.redacted()),
        )
    })
}

/// Whether the database answers a trivial query within a short time.
pub async fn is_reachable(db: &DatabaseConnection) -> bool {
    match tokio::time::timeout(PING_TIMEOUT, db.ping()).await {
        Ok(Ok(())) => true,
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "database ping failed");
            false
        }
        Err(_) => {
            tracing::warn!("database ping timed out");
            false
        }
    }
}

/// Makes a transaction's first statement a write on the owner's `users` row, so that writers
/// of one user's rows (a count, then an insert) queue instead of interleaving: on PostgreSQL
/// the row stays locked until the transaction ends; on SQLite a writing transaction holds the
/// database's write lock, and one that writes first waits its turn (`busy_timeout`) instead of
/// failing to upgrade later.
pub async fn lock_user(
    txn: &sea_orm::DatabaseTransaction,
    user_id: &str,
) -> Result<(), sea_orm::DbErr> {
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

    use crate::entities::user;
    user::Entity::update_many()
        .col_expr(
            user::Column::UpdatedAt,
            Expr::col(user::Column::UpdatedAt).into(),
        )
        .filter(user::Column::Id.eq(user_id))
        .exec(txn)
        .await?;
    Ok(())
}
