//! Integration tests of the fake: each behaviour other test suites rely on, pinned down here so
//! a change to the fake cannot silently weaken them. Every test starts its own fake on port 0.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod binary;
mod chat;
mod helpers;
mod key;
mod latency;
mod models;
mod oauth;
mod recording;
mod refusals;
mod streaming;
