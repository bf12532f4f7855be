//! OpenRouter's model list, fetched from `GET /models` without a key and cached for a
//! time-to-live. Once a list is held, an expired one is still served at once while a single
//! background task refreshes it, so no AI call waits for `/models`. A failed refresh keeps the
//! last good list (marked stale) and is not retried for a while, so a down upstream is not
//! hammered. Only the very first fetch is waited for.
//!
//! A model id is checked against the list before any upstream call. While no list has ever
//! been fetched the check lets ids through: OpenRouter then judges, and its "invalid model"
//! answer is turned into a message naming the model.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

use futures::future::BoxFuture;

use app::rules::spend::Prices;
use app::wire::{AiModel, AiModelList, ModelPricing};
use app::AppError;

use crate::kit::Clock;
use crate::metrics::Metrics;
use crate::openrouter::types::ModelEntry;
use crate::openrouter::{OpenRouterClient, UpstreamError};

/// Longest wait before a failed refresh is tried again.
const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(30);
/// Characters in a model id.
const MAX_MODEL_ID_CHARS: usize = 200;
/// OpenRouter's documented routing variants (`openai/gpt-4o:nitro`), which `/models` does not
/// list for every model.
const VARIANTS: &[&str] = &[
    "free", "nitro", "floor", "online", "exacto", "extended", "thinking",
];

type Fetch =
    Arc<dyn Fn() -> BoxFuture<'static, Result<Vec<ModelEntry>, UpstreamError>> + Send + Sync>;

struct Snapshot {
    models: Vec<AiModel>,
    /// Every listed id, with its prices (USD per prompt and per completion token) when known.
    listed: HashMap<String, Option<(f64, f64)>>,
    fetched_at: Instant,
    fetched_at_utc: chrono::DateTime<chrono::Utc>,
    stale: bool,
}

struct Inner {
    fetch: Fetch,
    clock: Arc<dyn Clock>,
    ttl: Duration,
    extra: HashSet<String>,
    snapshot: RwLock<Option<Arc<Snapshot>>>,
    /// When a failed refresh may be tried again.
    retry_at: RwLock<Option<Instant>>,
    refreshing: Arc<tokio::sync::Mutex<()>>,
    metrics: Arc<Metrics>,
}

/// The cached model list; cheap to clone.
#[derive(Clone)]
pub struct ModelCatalog {
    inner: Arc<Inner>,
}

impl ModelCatalog {
    /// A catalog fetching from `client`, kept `ttl`, also accepting the `extra` ids.
    pub fn new(
        client: OpenRouterClient,
        ttl: Duration,
        extra: impl Iterator<Item = String>,
        clock: Arc<dyn Clock>,
        metrics: Arc<Metrics>,
    ) -> Self {
        let fetch: Fetch = Arc::new(move || {
            let client = client.clone();
            Box::pin(async move { client.models().await })
        });
        Self::with_fetch(fetch, ttl, extra, clock, metrics)
    }

    fn with_fetch(
        fetch: Fetch,
        ttl: Duration,
        extra: impl Iterator<Item = String>,
        clock: Arc<dyn Clock>,
        metrics: Arc<Metrics>,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                fetch,
                clock,
                ttl,
                extra: extra.collect(),
                snapshot: RwLock::new(None),
                retry_at: RwLock::new(None),
                refreshing: Arc::new(tokio::sync::Mutex::new(())),
                metrics,
            }),
        }
    }

    /// The list, refreshed first if it is older than the time-to-live; 503 if OpenRouter has
    /// never answered.
    pub async fn list(&self) -> Result<AiModelList, AppError> {
        let snapshot = self.current().await.ok_or_else(|| {
            AppError::new(
                503,
                "Models unavailable",
                "The list of models could not be fetched from OpenRouter. Please try again in a moment.",
            )
        })?;
        Ok(AiModelList {
            models: snapshot.models.clone(),
            fetched_at: snapshot.fetched_at_utc.to_rfc3339(),
            stale: snapshot.stale,
        })
    }

    /// Refuses an id that is malformed (422), or that the list does not hold (422, naming it).
    pub async fn check(&self, id: &str) -> Result<(), AppError> {
        check_shape(id)?;
        if self.inner.extra.contains(id) {
            return Ok(());
        }
        let Some(snapshot) = self.current().await else {
            tracing::warn!(ai.model = %id, "no model list yet; letting OpenRouter check the model");
            return Ok(());
        };
        if listing(&snapshot.listed, id).is_some() {
            Ok(())
        } else {
            Err(AppError::new(
                422,
                "Unknown model",
                format!("OpenRouter does not offer a model called \"{id}\". Choose one from the model list."),
            ))
        }
    }

    /// The model's prices in USD per prompt and per completion token, from the list already
    /// fetched (never fetching); `None` when the model or its prices are unknown.
    pub fn prices(&self, id: &str) -> Option<(f64, f64)> {
        listing(&self.last()?.listed, id).copied().flatten()
    }

    async fn current(&self) -> Option<Arc<Snapshot>> {
        let held = self.last();
        self.inner.metrics.model_cache(held.is_some());
        if let Some(last) = held {
            if last.fetched_at.elapsed() >= self.inner.ttl && self.may_retry() {
                if let Ok(guard) = Arc::clone(&self.inner.refreshing).try_lock_owned() {
                    let this = self.clone();
                    tokio::spawn(async move {
                        this.refresh().await;
                        drop(guard);
                    });
                }
            }
            return Some(last);
        }
        let _one_at_a_time = self.inner.refreshing.lock().await;
        if let Some(last) = self.last() {
            return Some(last);
        }
        if self.may_retry() {
            self.refresh().await;
        }
        self.last()
    }

    fn may_retry(&self) -> bool {
        self.inner
            .retry_at
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .is_none_or(|at| Instant::now() >= at)
    }

    /// Fetches the list; on failure marks the last one stale and holds retries back.
    async fn refresh(&self) {
        match (self.inner.fetch)().await {
            Ok(entries) => {
                let snapshot = snapshot_of(entries, self.inner.clock.now());
                tracing::info!(ai.models = snapshot.models.len(), "model list refreshed");
                self.store(snapshot);
                *self
                    .inner
                    .retry_at
                    .write()
                    .unwrap_or_else(PoisonError::into_inner) = None;
            }
            Err(e) => {
                tracing::warn!(error = %e, "could not refresh the model list; keeping the last good one");
                *self
                    .inner
                    .retry_at
                    .write()
                    .unwrap_or_else(PoisonError::into_inner) =
                    Some(Instant::now() + RETRY_AFTER_FAILURE.min(self.inner.ttl));
                if let Some(last) = self.last() {
                    self.store(Snapshot {
                        models: last.models.clone(),
                        listed: last.listed.clone(),
                        fetched_at: last.fetched_at,
                        fetched_at_utc: last.fetched_at_utc,
                        stale: true,
                    });
                }
            }
        }
    }

    fn store(&self, snapshot: Snapshot) {
        *self
            .inner
            .snapshot
            .write()
            .unwrap_or_else(PoisonError::into_inner) = Some(Arc::new(snapshot));
    }

    fn last(&self) -> Option<Arc<Snapshot>> {
        self.inner
            .snapshot
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

fn snapshot_of(entries: Vec<ModelEntry>, now: chrono::DateTime<chrono::Utc>) -> Snapshot {
    let models: Vec<AiModel> = entries
        .into_iter()
        .map(|e| AiModel {
            name: e.name.unwrap_or_else(|| e.id.clone()),
            id: e.id,
            context_length: e.context_length,
            pricing: e.pricing.map(|p| ModelPricing {
                prompt: p.prompt,
                completion: p.completion,
            }),
        })
        .collect();
    Snapshot {
        listed: models
            .iter()
            .map(|m| (m.id.clone(), m.pricing.as_ref().and_then(parse_prices)))
            .collect(),
        models,
        fetched_at: Instant::now(),
        fetched_at_utc: now,
        stale: false,
    }
}

/// The entry for `id`, or for its base model when `id` is a routing variant of a listed one.
fn listing<'a>(
    listed: &'a HashMap<String, Option<(f64, f64)>>,
    id: &str,
) -> Option<&'a Option<(f64, f64)>> {
    listed.get(id).or_else(|| {
        id.rsplit_once(':')
            .filter(|(_, variant)| VARIANTS.contains(variant))
            .and_then(|(base, _)| listed.get(base))
    })
}

/// OpenRouter's decimal-string prices as numbers, read as the browser reads them
/// ([`Prices::parse`]); `None` unless both are finite and not negative.
fn parse_prices(pricing: &ModelPricing) -> Option<(f64, f64)> {
    Prices::parse(&pricing.prompt, &pricing.completion).map(|p| (p.prompt, p.completion))
}

/// A model id: 1 to 200 of the characters OpenRouter's ids use.
pub fn check_shape(id: &str) -> Result<(), AppError> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "/._:-~".contains(c);
    if id.is_empty() || id.chars().count() > MAX_MODEL_ID_CHARS || !id.chars().all(allowed) {
        return Err(AppError::new(
            422,
            "Invalid model",
            "A model id looks like openai/gpt-4o-mini (letters, digits and / . _ : - only).",
        ));
    }
    Ok(())
}

#[cfg(test)]
#[path = "models_tests.rs"]
mod tests;
