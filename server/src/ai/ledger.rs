//! The usage and cost ledger: one row per upstream AI call.
//!
//! A call holds a [`CallRecord`] from before it goes upstream until it ends. Dropping the
//! record (the call returned, failed, or its client went away) hands the row to a queue; one
//! background task writes queued rows in batches. Recording therefore never waits for the
//! database and can never fail the call; a row that cannot be written is logged and dropped.
//!
//! A call made under a spending cap holds a reservation ([`crate::ai::spend::reserve`]); its
//! row and the deletion of its reservation are written in one transaction, so the cap always
//! counts the call once: reserved until the row lands, then at its recorded cost.
//!
//! When OpenRouter reports no usage (a stream cut short, a cancelled call), tokens are
//! estimated at about four characters each. If an answer had begun, OpenRouter bills what was
//! generated, so the cost is estimated from the model's listed prices; a call that produced
//! nothing (refused upstream, cancelled before the first token) and a model without known
//! prices cost 0.

use std::sync::Arc;
use std::time::Instant;

use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter,
    TransactionTrait,
};
use tokio::sync::{mpsc, oneshot};

use crate::ai::Feature;
use crate::entities::{ai_usage, spend_reservation};
use crate::kit::ids::new_id;
use crate::kit::Clock;
use crate::metrics::Metrics;
use crate::openrouter::types::Usage;

/// Rows waiting to be written; beyond this, new rows are dropped (and logged).
const QUEUE: usize = 20_000;
/// Rows written in one statement.
const BATCH: usize = 100;
/// How long a row waits for others to share its transaction. Each transaction is a commit
/// (an `fsync` on SQLite); at 4,000 calls a second, one commit per few rows cost about a tenth
/// of the server's CPU, against about one commit per 50 to 100 rows with this wait.
const LINGER: std::time::Duration = std::time::Duration::from_millis(20);

/// The handle calls record through; cheap to clone.
#[derive(Clone)]
pub struct Ledger {
    tx: mpsc::Sender<Queued>,
    clock: Arc<dyn Clock>,
    metrics: Arc<Metrics>,
}

/// What the writer task receives: a row, or a request to say when every row before it is
/// written (see [`Ledger::drain`]).
enum Queued {
    Row(Box<Entry>),
    Flush(oneshot::Sender<()>),
}

/// One queued row, with the reservation it replaces.
#[derive(Debug, Clone)]
struct Entry {
    row: ai_usage::ActiveModel,
    reservation: Option<String>,
}

impl std::fmt::Debug for Ledger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ledger").finish_non_exhaustive()
    }
}

impl Ledger {
    /// Starts the writer task on the current runtime; rows are dated by `clock`.
    pub fn start(db: DatabaseConnection, clock: Arc<dyn Clock>, metrics: Arc<Metrics>) -> Self {
        let (tx, rx) = mpsc::channel(QUEUE);
        tokio::spawn(write_rows(db, rx, Arc::clone(&metrics)));
        Self { tx, clock, metrics }
    }

    /// Rows queued and not yet written.
    pub fn queue_depth(&self) -> usize {
        self.tx.max_capacity().saturating_sub(self.tx.capacity())
    }

    /// Waits, at most `limit`, until every row queued before this call is written; `false`
    /// if the limit passed first. Shutdown calls it once no call can add a row any more.
    pub async fn drain(&self, limit: std::time::Duration) -> bool {
        let (done, written) = oneshot::channel();
        let asked =
            async { self.tx.send(Queued::Flush(done)).await.is_ok() && written.await.is_ok() };
        tokio::time::timeout(limit, asked).await.unwrap_or(false)
    }

    /// Starts the record of one call to `model`, whose prompt has `prompt_chars` characters.
    pub fn begin(
        &self,
        user_id: &str,
        feature: Feature,
        model: &str,
        prompt_chars: usize,
    ) -> CallRecord {
        CallRecord {
            ledger: self.clone(),
            user_id: user_id.to_owned(),
            feature,
            model: model.to_owned(),
            answered_by: None,
            fallbacks: Vec::new(),
            reservation: None,
            started: Instant::now(),
            created_at: self.clock.now(),
            prompt_chars,
            output_chars: 0,
            usage: None,
            prices: None,
            generation_id: None,
            outcome: None,
        }
    }

    fn enqueue(&self, entry: Entry) {
        // A refused row's reservation is left to expire: deleting it would undercount the cap.
        if let Err(e) = self.tx.try_send(Queued::Row(Box::new(entry))) {
            self.metrics.ledger_dropped();
            tracing::error!(reason = %e, "the usage ledger queue refused a row; it is lost");
        }
    }
}

async fn write_rows(db: DatabaseConnection, mut rx: mpsc::Receiver<Queued>, metrics: Arc<Metrics>) {
    let mut queued = Vec::with_capacity(BATCH);
    let mut batch = Vec::with_capacity(BATCH);
    let mut flushes = Vec::new();
    while rx.recv_many(&mut queued, BATCH).await > 0 {
        sort(&mut queued, &mut batch, &mut flushes);
        // Group commit: the first row waits up to LINGER for others to share its transaction,
        // unless the batch is full or someone waits for the queue to be written.
        let until = tokio::time::Instant::now() + LINGER;
        while batch.len() < BATCH && flushes.is_empty() {
            match tokio::time::timeout_at(until, rx.recv_many(&mut queued, BATCH - batch.len()))
                .await
            {
                Ok(n) if n > 0 => sort(&mut queued, &mut batch, &mut flushes),
                _ => break,
            }
        }
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

/// One call's ledger row in the making. Dropping it records the row; a call that never reached
/// [`CallRecord::finish`] is recorded as `cancelled`.
#[derive(Debug)]
pub struct CallRecord {
    ledger: Ledger,
    user_id: String,
    feature: Feature,
    model: String,
    /// The model OpenRouter says answered.
    answered_by: Option<String>,
    /// The fallbacks the call was sent with.
    fallbacks: Vec<String>,
    /// The spend reservation this row replaces.
    reservation: Option<String>,
    started: Instant,
    created_at: chrono::DateTime<chrono::Utc>,
    prompt_chars: usize,
    output_chars: usize,
    usage: Option<Usage>,
    /// USD per prompt and per completion token, for the estimate.
    prices: Option<(f64, f64)>,
    generation_id: Option<String>,
    outcome: Option<String>,
}

impl CallRecord {
    /// Counts answer text received so far (for the estimate when no usage is reported).
    pub fn add_output(&mut self, text: &str) {
        self.output_chars += text.chars().count();
    }

    /// OpenRouter's usage report.
    pub fn set_usage(&mut self, usage: Usage) {
        self.usage = Some(usage);
    }

    /// The model's listed prices (USD per prompt and per completion token), for estimating the
    /// cost of a call OpenRouter reports no usage for.
    pub fn set_prices(&mut self, prices: Option<(f64, f64)>) {
        self.prices = prices;
    }

    /// The model OpenRouter says answered.
    pub fn set_answered_by(&mut self, model: &str) {
        self.answered_by = Some(model.to_owned());
    }

    /// The fallbacks the call was sent with.
    pub fn set_fallbacks(&mut self, fallbacks: Vec<String>) {
        self.fallbacks = fallbacks;
    }

    /// The spend reservation this call holds; its row replaces it.
    pub fn set_reservation(&mut self, id: Option<String>) {
        self.reservation = id;
    }

    /// OpenRouter's generation id.
    pub fn set_generation_id(&mut self, id: Option<String>) {
        if id.is_some() {
            self.generation_id = id;
        }
    }

    /// Ends the call with `outcome` (`ok`, or `error:<kind>`) and records it.
    pub fn finish(mut self, outcome: &str) {
        self.outcome = Some(outcome.to_owned());
    }

    fn row(&mut self) -> ai_usage::ActiveModel {
        let (tokens_in, tokens_out, cost) = match self.usage {
            Some(u) => (u.prompt_tokens, u.completion_tokens, u.cost.unwrap_or(0.0)),
            None => {
                let (tokens_in, tokens_out) =
                    (estimate(self.prompt_chars), estimate(self.output_chars));
                let cost = match self.prices {
                    Some((prompt, completion)) if self.output_chars > 0 => {
                        tokens_in as f64 * prompt + tokens_out as f64 * completion
                    }
                    _ => 0.0,
                };
                (tokens_in, tokens_out, cost)
            }
        };
        let latency = self.started.elapsed().as_millis();
        let requested = std::mem::take(&mut self.model);
        // A fallback answered when OpenRouter names one of them; any other name (a dated
        // alias of the same model) is recorded as it was reported.
        let fallback = self
            .answered_by
            .as_ref()
            .is_some_and(|m| *m != requested && self.fallbacks.contains(m));
        let (model, requested_model) = match self.answered_by.take() {
            Some(answered) if fallback => (answered, Some(requested)),
            Some(answered) if !answered.is_empty() => (answered, None),
            _ => (requested, None),
        };
        ai_usage::ActiveModel {
            id: Set(new_id(self.created_at)),
            user_id: Set(std::mem::take(&mut self.user_id)),
            feature: Set(self.feature.as_str().to_owned()),
            model: Set(model),
            requested_model: Set(requested_model),
            tokens_in: Set(i32::try_from(tokens_in).unwrap_or(i32::MAX)),
            tokens_out: Set(i32::try_from(tokens_out).unwrap_or(i32::MAX)),
            cost: Set(if cost.is_finite() { cost } else { 0.0 }),
            generation_id: Set(self.generation_id.take()),
            outcome: Set(self
                .outcome
                .take()
                .unwrap_or_else(|| "cancelled".to_owned())),
            latency_ms: Set(i32::try_from(latency).unwrap_or(i32::MAX)),
            created_at: Set(self.created_at),
            day: Set(self.created_at.format("%Y-%m-%d").to_string()),
        }
    }
}

impl Drop for CallRecord {
    fn drop(&mut self) {
        let row = self.row();
        let reservation = self.reservation.take();
        if let (Set(user), Set(model), Set(outcome), Set(latency)) =
            (&row.user_id, &row.model, &row.outcome, &row.latency_ms)
        {
            tracing::info!(
                user.id = %user,
                ai.feature = self.feature.as_str(),
                ai.model = %model,
                ai.outcome = %outcome,
                ai.latency_ms = latency,
                "AI call ended"
            );
        }
        if let Set(outcome) = &row.outcome {
            self.ledger
                .metrics
                .upstream_call(self.feature.as_str(), outcome);
        }
        self.ledger.enqueue(Entry { row, reservation });
    }
}

/// About four characters to a token; no text, no tokens.
fn estimate(chars: usize) -> u64 {
    u64::try_from(chars.div_ceil(4)).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A ledger whose queue the test reads instead of a writer task.
    struct Rows(mpsc::Receiver<Queued>);

    impl Rows {
        fn try_recv(&mut self) -> Result<Entry, ()> {
            match self.0.try_recv() {
                Ok(Queued::Row(entry)) => Ok(*entry),
                _ => Err(()),
            }
        }
    }

    fn ledger() -> (Ledger, Rows) {
        let (tx, rx) = mpsc::channel(10);
        let clock: Arc<dyn Clock> = Arc::new(crate::kit::SystemClock);
        let metrics = Metrics::new();
        (Ledger { tx, clock, metrics }, Rows(rx))
    }

    fn value<T: Clone + Into<sea_orm::Value>>(v: &sea_orm::ActiveValue<T>) -> T {
        match v {
            sea_orm::ActiveValue::Set(x) | sea_orm::ActiveValue::Unchanged(x) => x.clone(),
            sea_orm::ActiveValue::NotSet => panic!("not set"),
        }
    }

    #[test]
    fn a_finished_call_records_its_usage_and_outcome() {
        let (l, mut rx) = ledger();
        let mut r = l.begin("u1", Feature::Chat, "a/b", 400);
        r.set_usage(Usage {
            prompt_tokens: 10,
            completion_tokens: 5,
            total_tokens: 15,
            cost: Some(0.25),
        });
        r.set_generation_id(Some("gen-1".into()));
        r.finish("ok");
        let Ok(Entry { row, .. }) = rx.try_recv() else {
            panic!("nothing was recorded");
        };
        assert_eq!(value(&row.user_id), "u1");
        assert_eq!(value(&row.feature), "chat");
        assert_eq!((value(&row.tokens_in), value(&row.tokens_out)), (10, 5));
        assert_eq!(value(&row.cost), 0.25);
        assert_eq!(value(&row.outcome), "ok");
        assert_eq!(value(&row.generation_id), Some("gen-1".to_owned()));
        assert_eq!(value(&row.day).len(), 10);
    }

    #[test]
    fn a_fallback_answer_records_the_model_that_answered_and_the_one_asked_for() {
        let (l, mut rx) = ledger();
        let mut r = l.begin("u1", Feature::Chat, "a/primary", 4);
        r.set_fallbacks(vec!["b/fallback".into()]);
        r.set_reservation(Some("res-1".into()));
        r.set_answered_by("b/fallback");
        r.finish("ok");
        let Ok(Entry { row, reservation }) = rx.try_recv() else {
            panic!("nothing was recorded");
        };
        assert_eq!(
            value(&row.model),
            "b/fallback",
            "OpenRouter bills the one that answered"
        );
        assert_eq!(value(&row.requested_model), Some("a/primary".to_owned()));
        assert_eq!(
            reservation.as_deref(),
            Some("res-1"),
            "the row replaces the reservation"
        );

        let mut alias = l.begin("u1", Feature::Chat, "a/primary", 4);
        alias.set_answered_by("a/primary-2026-01-01");
        alias.finish("ok");
        let Ok(Entry { row, .. }) = rx.try_recv() else {
            panic!("nothing was recorded");
        };
        assert_eq!(value(&row.model), "a/primary-2026-01-01");
        assert_eq!(
            value(&row.requested_model),
            None,
            "a name that is no fallback is no fallback"
        );
    }

    #[test]
    fn a_dropped_call_is_recorded_as_cancelled_with_estimated_tokens() {
        let (l, mut rx) = ledger();
        let mut r = l.begin("u1", Feature::GenerateCode, "a/b", 40);
        r.add_output("12345678");
        drop(r);
        let Ok(Entry { row, .. }) = rx.try_recv() else {
            panic!("nothing was recorded");
        };
        assert_eq!(value(&row.outcome), "cancelled");
        assert_eq!((value(&row.tokens_in), value(&row.tokens_out)), (10, 2));
        assert_eq!(value(&row.cost), 0.0, "no prices known, no cost invented");
    }

    #[test]
    fn a_dropped_call_costs_its_estimated_tokens_at_the_listed_prices() {
        let (l, mut rx) = ledger();
        let mut r = l.begin("u1", Feature::Chat, "a/b", 40);
        r.set_prices(Some((0.000_001, 0.000_004)));
        r.add_output("12345678");
        drop(r);
        let Ok(Entry { row, .. }) = rx.try_recv() else {
            panic!("nothing was recorded");
        };
        assert!((value(&row.cost) - (10.0 * 0.000_001 + 2.0 * 0.000_004)).abs() < 1e-15);

        let mut refused = l.begin("u1", Feature::Chat, "a/b", 40);
        refused.set_prices(Some((0.000_001, 0.000_004)));
        refused.finish("error:out_of_credits");
        let Ok(Entry { row, .. }) = rx.try_recv() else {
            panic!("nothing was recorded");
        };
        assert_eq!(value(&row.cost), 0.0, "nothing generated, nothing billed");
    }
}
