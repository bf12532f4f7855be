//! The shared state the handlers read: the configuration, the request log and the open-stream
//! counters. It lives apart from the router ([`crate::app`]) so that handlers import it without
//! importing the module that imports them.

use std::sync::Arc;

use crate::{config::FakeConfig, inflight::StreamCounters, recording::RequestLog};

/// Everything the handlers share; cheap to clone.
#[derive(Clone, Debug)]
pub(crate) struct AppState {
    pub(crate) config: Arc<FakeConfig>,
    pub(crate) log: Arc<RequestLog>,
    pub(crate) streams: Arc<StreamCounters>,
}

impl AppState {
    /// Fresh state: an empty log and no open streams.
    pub(crate) fn new(config: FakeConfig) -> Self {
        Self {
            log: Arc::new(RequestLog::new(config.max_recorded_requests)),
            config: Arc::new(config),
            streams: Arc::new(StreamCounters::default()),
        }
    }
}
