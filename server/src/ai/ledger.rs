//! The usage and cost ledger: one row per upstream AI call.
//!
//! A call holds a [`CallRecord`] from before it goes upstream until it ends. Dropping the
//! record (the call returned, failed, or its client went away) hands the row to a queue; one
//! writer, on a lower-priority thread of its own, writes queued rows in batches. Recording
//! therefore never waits for the database and can never fail the call; a row that cannot be
//! written is logged and dropped.
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

use sea_orm::{ActiveValue::Set, DatabaseConnection};
use tokio::runtime::Handle;
use tokio::sync::{mpsc, oneshot};

use crate::ai::Feature;
use crate::config::DatabaseUrl;
use crate::entities::ai_usage;
use crate::error::StartupError;
use crate::kit::ids::new_id;
use crate::kit::Clock;
use crate::metrics::Metrics;
use crate::openrouter::types::Usage;

mod writer;

/// Rows waiting to be written; beyond this, new rows are dropped (and logged).
const QUEUE: usize = 20_000;
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
    /// Starts the writer on a thread of its own, below the priority of the threads that serve
    /// requests (see [`writer::WRITER_NICE`]), with its own connection to `database` (or, for a SQLite
    /// database without a file, `db`'s). Rows are dated by `clock`. Call it inside the server's
    /// runtime.
    pub fn start(
        db: DatabaseConnection,
        database: &DatabaseUrl,
        clock: Arc<dyn Clock>,
        metrics: Arc<Metrics>,
    ) -> Result<Self, StartupError> {
        let (tx, rx) = mpsc::channel(QUEUE);
        let (url, server, writer_metrics) =
            (database.clone(), Handle::current(), Arc::clone(&metrics));
        std::thread::Builder::new()
            .name("studio-ledger".to_owned())
            .spawn(move || writer::write_on_this_thread(db, &url, rx, writer_metrics, &server))
            .map_err(|e| {
                StartupError::Other(format!("cannot start the usage ledger's writer: {e}"))
            })?;
        Ok(Self { tx, clock, metrics })
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
mod tests;
