//! The shared state the handlers read: the configuration, the request log and the open-stream
//! counters. It lives apart from the router ([`crate::app`]) so that handlers import it without
//! importing the module that imports them.

use std::sync::Arc;

use crate::{
    config::FakeConfig, inflight::StreamCounters, key_facts::KeyFactsTable, oauth::AuthCodes,
    recording::RequestLog,
};

/// Everything the handlers share; cheap to clone.
#[derive(Clone, Debug)]
pub(crate) struct AppState {
    pub(crate) config: Arc<FakeConfig>,
    pub(crate) log: Arc<RequestLog>,
    pub(crate) streams: Arc<StreamCounters>,
    pub(crate) auth_codes: Arc<AuthCodes>,
    pub(crate) key_facts: Arc<KeyFactsTable>,
    pub(crate) seen_prompts: Arc<SeenPrompts>,
}

/// The prompts `FAKE_ERROR_ONCE:` has failed once already.
#[derive(Debug, Default)]
pub(crate) struct SeenPrompts(std::sync::Mutex<std::collections::HashSet<String>>);

impl SeenPrompts {
    /// Whether `prompt` was seen before; remembers it either way.
    pub(crate) fn seen_before(&self, prompt: &str) -> bool {
        let mut seen = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if seen.len() >= 10_000 {
            seen.clear();
        }
        !seen.insert(prompt.to_owned())
    }
}

impl AppState {
    /// Fresh state: an empty log and no open streams.
    pub(crate) fn new(config: FakeConfig) -> Self {
        Self {
            log: Arc::new(RequestLog::new(config.max_recorded_requests)),
            config: Arc::new(config),
            streams: Arc::new(StreamCounters::default()),
            auth_codes: Arc::new(AuthCodes::default()),
            key_facts: Arc::new(KeyFactsTable::default()),
            seen_prompts: Arc::new(SeenPrompts::default()),
        }
    }
}
