//! A fresh database for one test, shared by the test crates (`#[path]`-included by each).

use std::path::Path;

/// A fresh database URL: a new SQLite file in `dir`, or a new PostgreSQL database (named
/// `studio_test_{kind}_…`, which CI drops afterwards) when `STUDIO_TEST_POSTGRES_URL` names a
/// server.
pub async fn fresh_database_url(dir: &Path, kind: &str) -> String {
    match std::env::var("STUDIO_TEST_POSTGRES_URL") {
        Ok(admin_url) if !admin_url.is_empty() => create_postgres_database(&admin_url, kind).await,
        _ => format!("sqlite://{}", dir.join("studio.db").display()),
    }
}

async fn create_postgres_database(admin_url: &str, kind: &str) -> String {
    use sea_orm::{ConnectionTrait, Database};
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::{SystemTime, UNIX_EPOCH};
    // Unique across the parallel tests of a process (the counter) and across processes (the pid).
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let name = format!(
        "studio_test_{kind}_{nanos:x}{:x}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let admin = Database::connect(admin_url)
        .await
        .expect("the PostgreSQL test server answers");
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("can create a test database");
    let _ = admin.close().await;
    let base = admin_url.rsplit_once('/').map_or(admin_url, |(b, _)| b);
    format!("{base}/{name}")
}
