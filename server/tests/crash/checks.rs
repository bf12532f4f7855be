//! What is checked in the database after each crash, with no `studio` process running: the
//! store's own integrity check, and the usage ledger's row count per user.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};

/// The most usage rows a crash may lose (`server/src/ai/ledger.rs`): the queue's capacity and
/// the one batch the writer may be in the middle of.
pub const LEDGER_MAY_LOSE: u64 = 20_000 + 100;

async fn connect(url: &str) -> DatabaseConnection {
    Database::connect(url).await.expect("the database opens")
}

async fn strings(db: &DatabaseConnection, sql: &str) -> Vec<String> {
    db.query_all(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .iter()
        .map(|row| {
            row.try_get_by_index::<String>(0)
                .unwrap_or_else(|e| panic!("{sql}: {e}"))
        })
        .collect()
}

/// SQLite: `PRAGMA integrity_check`'s answer (`ok` when sound). PostgreSQL: the crash was the
/// client's, not the server's, so what must hold is that no killed connection left a backend
/// (and its locks) behind, and that every B-tree index of the database passes `amcheck`'s
/// `bt_index_check`; answers `ok` likewise.
pub async fn integrity(url: &str) -> String {
    let db = connect(url).await;
    let answer = if url.starts_with("sqlite") {
        strings(&db, "PRAGMA integrity_check").await.join("; ")
    } else {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let others = strings(
                &db,
                "SELECT count(*)::text FROM pg_stat_activity \
                 WHERE datname = current_database() AND pid <> pg_backend_pid()",
            )
            .await;
            if others.first().map(String::as_str) == Some("0") {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "backends of killed connections are still there after 30 s"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        db.execute_unprepared("CREATE EXTENSION IF NOT EXISTS amcheck")
            .await
            .expect("amcheck is available (postgresql-contrib)");
        // `bt_index_check` raises an error for a corrupt index; each checked index is a row.
        let sql = "SELECT c.relname::text FROM pg_index i \
             JOIN pg_class c ON c.oid = i.indexrelid \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             JOIN pg_am a ON a.oid = c.relam \
             CROSS JOIN LATERAL bt_index_check(c.oid, true) AS checked \
             WHERE n.nspname = 'public' AND a.amname = 'btree'";
        match db
            .query_all(Statement::from_string(db.get_database_backend(), sql))
            .await
        {
            Ok(indexes) if !indexes.is_empty() => "ok".to_owned(),
            Ok(_) => "no index was checked".to_owned(),
            Err(e) => format!("amcheck: {e}"),
        }
    };
    let _ = db.close().await;
    answer
}

/// The usage rows each user has.
pub async fn usage_rows(url: &str) -> HashMap<String, u64> {
    let db = connect(url).await;
    let rows = db
        .query_all(Statement::from_string(
            db.get_database_backend(),
            "SELECT user_id, COUNT(*) AS n FROM ai_usage GROUP BY user_id",
        ))
        .await
        .expect("the ledger reads");
    let counts = rows
        .iter()
        .map(|row| {
            let user: String = row.try_get("", "user_id").expect("a user id");
            let n: i64 = row.try_get("", "n").expect("a count");
            (user, u64::try_from(n).unwrap_or(0))
        })
        .collect();
    let _ = db.close().await;
    counts
}

/// OpenRouter's generation ids of every usage row.
pub async fn usage_generations(url: &str) -> HashSet<String> {
    let db = connect(url).await;
    let ids = strings(
        &db,
        "SELECT generation_id FROM ai_usage WHERE generation_id IS NOT NULL",
    )
    .await;
    let _ = db.close().await;
    ids.into_iter().collect()
}

/// The figures `studio check-keys` printed: (rows, sound, marked unusable, faulty).
pub fn parse_check(report: &str) -> Option<(u64, u64, u64, u64)> {
    // "checked 6 stored keys: 6 open under exactly their own version, 0 marked unusable, 0 faulty"
    let line = report.lines().next()?;
    let numbers: Vec<u64> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect();
    match numbers.as_slice() {
        [rows, sound, unusable, faulty] => Some((*rows, *sound, *unusable, *faulty)),
        _ => None,
    }
}
