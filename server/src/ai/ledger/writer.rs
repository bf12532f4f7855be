//! The ledger's one writer: its thread, below the request threads' priority, and its loop, which
//! takes queued rows in batches and commits them in groups.

use std::sync::Arc;

use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, TransactionTrait};
use tokio::runtime::Handle;
use tokio::sync::{mpsc, oneshot};

use super::{Entry, Queued};
use crate::config::DatabaseUrl;
use crate::entities::{ai_usage, spend_reservation};
use crate::metrics::Metrics;

/// Rows written in one statement.
const BATCH: usize = 100;
/// How long a row waits for others to share its transaction. Each transaction is a commit
/// (an `fsync` on SQLite); at 4,000 calls a second, one commit per few rows cost about a tenth
/// of the server's CPU, against about one commit per 50 to 100 rows with this wait.
const LINGER: std::time::Duration = std::time::Duration::from_millis(20);

/// The writer thread's nice value (Linux's scale: 0 is the default, 19 the lowest priority).
/// Writing a batch costs a burst of CPU (building and encoding the statement; on SQLite, the
/// insert and its commit; the database's own work is not ours to lower). Measured at 2,000 calls
/// a second on two cores (README, "Benchmarks"), that burst on a request-serving thread added
/// about 0.2 ms (SQLite) to 0.3 ms (PostgreSQL) to the chat's p99 latency; below them, the
/// kernel lets the requests go first and the rows wait a moment, which they can.
pub(super) const WRITER_NICE: i32 = 10;

/// The writer thread's body: lowers its priority, then writes rows on a runtime of its own until
/// every [`super::Ledger`] handle is gone. If that runtime cannot be built, the writer runs on the
/// server's runtime instead, at the server's priority.
pub(super) fn write_on_this_thread(
    db: DatabaseConnection,
    url: &DatabaseUrl,
    rx: mpsc::Receiver<Queued>,
    metrics: Arc<Metrics>,
    server: &Handle,
) {
    // Linux's nice value is per thread; the SQLite driver's worker thread, made by this one when
    // the writer first connects, inherits it.
    if let Err(e) =
        rustix::process::setpriority_process(Some(rustix::thread::gettid()), WRITER_NICE)
    {
        tracing::debug!(error = %e, "the usage ledger's writer keeps the default priority");
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            tracing::warn!(error = %e, "the usage ledger's writer runs on the server's threads");
            server.spawn(write_rows(db, rx, metrics));
            return;
        }
    };
    runtime.block_on(async move {
        let db = match crate::db::connect_lazy_for_background(url) {
            Ok(Some(own)) => own,
            Ok(None) => db,
            Err(e) => {
                tracing::warn!(error = %e, "the usage ledger's writer shares the server's connections");
                db
            }
        };
        write_rows(db, rx, metrics).await;
    });
}

pub(super) async fn write_rows(
    db: DatabaseConnection,
    mut rx: mpsc::Receiver<Queued>,
    metrics: Arc<Metrics>,
) {
    let mut queued = Vec::with_capacity(BATCH);
    let mut batch = Vec::with_capacity(BATCH);
    let mut flushes = Vec::new();
    let mut backlog = false;
    while rx.recv_many(&mut queued, BATCH).await > 0 {
        sort(&mut queued, &mut batch, &mut flushes);
        // Group commit: rows that arrive within LINGER of the first share its transaction,
        // unless the batch is full, someone waits for the queue to be written, or the last
        // batch was full (rows are waiting: no reason to). The writer sleeps through the wait
        // and then takes what came, rather than waiting on the queue: waiting on it, each row
        // woke this thread, a system call on the request's thread and a context switch on a
        // core the requests need, about 2,000 a second at 2,000 calls a second.
        if !backlog && batch.len() < BATCH && flushes.is_empty() {
            tokio::time::sleep(LINGER).await;
            take_ready(&mut rx, &mut queued, BATCH - batch.len());
            sort(&mut queued, &mut batch, &mut flushes);
        }
        backlog = batch.len() >= BATCH;
        if !batch.is_empty() {
            write_batch(&db, &batch, &metrics).await;
            batch.clear();
        }
        // Every row queued before a flush request came in the same or an earlier batch.
        for done in flushes.drain(..) {
            let _ = done.send(());
        }
    }
}

/// Moves up to `room` rows already queued into `queued`, without waiting for more (a flush
/// request taken along does not count as a row).
fn take_ready(rx: &mut mpsc::Receiver<Queued>, queued: &mut Vec<Queued>, room: usize) {
    let mut rows = 0;
    while rows < room {
        match rx.try_recv() {
            Ok(item) => {
                rows += usize::from(matches!(item, Queued::Row(_)));
                queued.push(item);
            }
            Err(_) => break,
        }
    }
}

fn sort(queued: &mut Vec<Queued>, batch: &mut Vec<Entry>, flushes: &mut Vec<oneshot::Sender<()>>) {
    for item in queued.drain(..) {
        match item {
            Queued::Row(entry) => batch.push(*entry),
            Queued::Flush(done) => flushes.push(done),
        }
    }
}

async fn write_batch(db: &DatabaseConnection, batch: &[Entry], metrics: &Metrics) {
    if write(db, batch).await.is_ok() {
        metrics.ledger_written(batch.len());
        return;
    }
    // One bad row (its user deleted meanwhile) must not cost the others theirs.
    for entry in batch {
        match write(db, std::slice::from_ref(entry)).await {
            Ok(()) => metrics.ledger_written(1),
            Err(e) => {
                metrics.ledger_dropped();
                tracing::error!(error = %e, "could not write a usage row; it is lost");
            }
        }
    }
}

/// Inserts `entries`' rows and deletes the reservations they replace, in one transaction.
async fn write(db: &DatabaseConnection, entries: &[Entry]) -> Result<(), DbErr> {
    let rows = entries.iter().map(|e| e.row.clone());
    let reservations: Vec<String> = entries
        .iter()
        .filter_map(|e| e.reservation.clone())
        .collect();
    if reservations.is_empty() {
        ai_usage::Entity::insert_many(rows).exec(db).await?;
        return Ok(());
    }
    let txn = db.begin().await?;
    ai_usage::Entity::insert_many(rows).exec(&txn).await?;
    spend_reservation::Entity::delete_many()
        .filter(spend_reservation::Column::Id.is_in(reservations))
        .exec(&txn)
        .await?;
    txn.commit().await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> Queued {
        Queued::Row(Box::new(Entry {
            row: ai_usage::ActiveModel::default(),
            reservation: None,
        }))
    }

    #[test]
    fn after_the_wait_the_writer_takes_what_is_queued_up_to_the_room_left() {
        let (tx, mut rx) = mpsc::channel(16);
        let (done, _written) = oneshot::channel();
        for item in [row(), row(), Queued::Flush(done), row(), row()] {
            assert!(tx.try_send(item).is_ok());
        }
        let mut queued = Vec::new();
        take_ready(&mut rx, &mut queued, 3);
        let rows = queued
            .iter()
            .filter(|q| matches!(q, Queued::Row(_)))
            .count();
        assert_eq!(
            (queued.len(), rows),
            (4, 3),
            "three rows and the flush between them"
        );
        take_ready(&mut rx, &mut queued, 3);
        assert_eq!(queued.len(), 5, "the row left, and no wait for more");
    }
}
