//! How instances tell each other what changed: [`announce`] in the changing transaction, and
//! [`spawn_channel`], which applies every instance's announcements to this one's caches and
//! keeps them live.
//!
//! PostgreSQL: `NOTIFY studio_cache, 'u:<user id>'`, heard through a `LISTEN` connection
//! (sqlx's `PgListener` on the same pool). Each instance also pings itself every 200 ms through
//! the same channel; since notifications arrive in commit order, hearing a ping sent at `t`
//! means every change committed before `t` has been applied. A lost connection flushes the
//! caches (announcements may have been missed) and the listener reconnects.
//!
//! SQLite: one row in `cache_changes` (sequence, user id, time) per change, written in the same
//! transaction. SQLite commits one writer at a time, so sequence order is commit order and a
//! poll of the rows after the last one seen misses none. Rows older than a minute are deleted by
//! the writers; a poller that fell further behind was not live and flushes.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::sqlx::postgres::PgListener;
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, Statement};

use super::Caches;

/// The PostgreSQL channel.
const CHANNEL: &str = "studio_cache";
/// How often an instance pings itself (PostgreSQL) or polls (SQLite).
const PING_EVERY: Duration = Duration::from_millis(200);
const POLL_EVERY: Duration = Duration::from_millis(250);
/// How long SQLite keeps a change row.
const KEEP_ROWS_SECS: i64 = 60;
/// At most this many rows per poll (another poll follows at once when there were as many).
const POLL_BATCH: i64 = 500;

/// Tells every instance that something cached about `user_id` changed. Call it inside the
/// transaction that makes the change (on PostgreSQL the notification is sent at commit and
/// dropped on rollback; on SQLite the row commits with the change), then, after the commit,
/// [`Caches::forget_user`] on this instance. It carries the user id only, never a secret.
pub async fn announce<C: ConnectionTrait>(conn: &C, user_id: &str) -> Result<(), DbErr> {
    match conn.get_database_backend() {
        DatabaseBackend::Postgres => {
            conn.execute(Statement::from_sql_and_values(
                DatabaseBackend::Postgres,
                "SELECT pg_notify($1, $2)",
                [CHANNEL.into(), format!("u:{user_id}").into()],
            ))
            .await?;
        }
        backend => {
            // The row's time is the database's (it only ages rows out, and every process on
            // the file shares that clock), not the studio's `Clock`, which tests move.
            conn.execute(Statement::from_sql_and_values(
                backend,
                "INSERT INTO cache_changes (user_id, at) VALUES (?, CAST(strftime('%s', 'now') AS INTEGER))",
                [user_id.into()],
            ))
            .await?;
            conn.execute(Statement::from_sql_and_values(
                backend,
                "DELETE FROM cache_changes WHERE at < CAST(strftime('%s', 'now') AS INTEGER) - ?",
                [KEEP_ROWS_SECS.into()],
            ))
            .await?;
        }
    }
    Ok(())
}

/// Starts applying announcements to `caches` (until the runtime ends). Until the first ping or
/// poll succeeds, nothing is served from the caches.
pub fn spawn_channel(db: &DatabaseConnection, caches: &Arc<Caches>) {
    if !caches.enabled() {
        return;
    }
    match db.get_database_backend() {
        DatabaseBackend::Postgres => {
            let pool = db.get_postgres_connection_pool().clone();
            let instance = format!("{:016x}", rand::random::<u64>());
            tokio::spawn(listen(pool.clone(), Arc::clone(caches), instance.clone()));
            tokio::spawn(ping(pool, Arc::clone(caches), instance));
        }
        _ => {
            tokio::spawn(poll(db.clone(), Arc::clone(caches)));
        }
    }
}

fn apply(caches: &Caches, instance: &str, payload: &str) {
    if let Some(user_id) = payload.strip_prefix("u:") {
        caches.forget_user(user_id);
    } else if let Some(ping) = payload.strip_prefix("p:") {
        // Only our own pings tell us something: their time is on our clock.
        if let Some((from, ms)) = ping.split_once(':') {
            if from == instance {
                if let Ok(ms) = ms.parse() {
                    caches.heard(ms);
                }
            }
        }
    } else {
        caches.flush_all();
    }
}

async fn listen(pool: sea_orm::sqlx::PgPool, caches: Arc<Caches>, instance: String) {
    loop {
        match PgListener::connect_with(&pool).await {
            Ok(mut listener) => {
                if let Err(e) = listener.listen(CHANNEL).await {
                    tracing::warn!(error = %e, "cache invalidation: LISTEN failed");
                } else {
                    loop {
                        match listener.try_recv().await {
                            Ok(Some(n)) => apply(&caches, &instance, n.payload()),
                            Ok(None) => {
                                tracing::warn!("cache invalidation: connection lost; caches flushed, reconnecting");
                                caches.lost();
                            }
                            Err(e) => {
                                tracing::warn!(error = %e, "cache invalidation: listener failed; caches flushed");
                                break;
                            }
                        }
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "cache invalidation: cannot listen"),
        }
        caches.lost();
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

async fn ping(pool: sea_orm::sqlx::PgPool, caches: Arc<Caches>, instance: String) {
    let mut every = tokio::time::interval(PING_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        let payload = format!("p:{instance}:{}", caches.now_ms());
        let sent = sea_orm::sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANNEL)
            .bind(payload)
            .execute(&pool)
            .await;
        if let Err(e) = sent {
            tracing::debug!(error = %e, "cache invalidation: ping failed");
        }
    }
}

async fn last_seq(db: &DatabaseConnection) -> Result<i64, DbErr> {
    let row = db
        .query_one(Statement::from_string(
            db.get_database_backend(),
            "SELECT COALESCE(MAX(seq), 0) AS seq FROM cache_changes",
        ))
        .await?;
    row.map_or(Ok(0), |r| r.try_get::<i64>("", "seq"))
}

async fn poll(db: DatabaseConnection, caches: Arc<Caches>) {
    let mut last: Option<i64> = None;
    loop {
        let began = caches.now_ms();
        match poll_once(&db, &caches, &mut last).await {
            Ok(true) => continue,
            Ok(false) => caches.heard(began),
            Err(e) => tracing::debug!(error = %e, "cache invalidation: poll failed"),
        }
        tokio::time::sleep(POLL_EVERY).await;
    }
}

/// Applies the changes after `last`; says whether a full batch came (more may follow).
async fn poll_once(
    db: &DatabaseConnection,
    caches: &Caches,
    last: &mut Option<i64>,
) -> Result<bool, DbErr> {
    let Some(after) = *last else {
        // Starting: nothing is cached yet, so earlier changes do not matter.
        *last = Some(last_seq(db).await?);
        return Ok(false);
    };
    let rows = db
        .query_all(Statement::from_sql_and_values(
            db.get_database_backend(),
            "SELECT seq, user_id FROM cache_changes WHERE seq > ? ORDER BY seq LIMIT ?",
            [after.into(), POLL_BATCH.into()],
        ))
        .await?;
    let full = i64::try_from(rows.len()).unwrap_or(i64::MAX) >= POLL_BATCH;
    for row in rows {
        let seq: i64 = row.try_get("", "seq")?;
        let user_id: String = row.try_get("", "user_id")?;
        caches.forget_user(&user_id);
        *last = Some(seq);
    }
    Ok(full)
}
