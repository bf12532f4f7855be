//! Integration tests: the real application on port 0, a fresh database each, and the in-repo fake
//! OpenRouter. Set `STUDIO_TEST_POSTGRES_URL` to run them against PostgreSQL instead of SQLite.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod ai;
mod api_key;
mod auth;
mod cache;
mod connect;
mod conversations;
mod fuzz;
mod helpers;
mod instances;
mod key_health;
mod load;
mod openapi;
mod outage;
mod redirects;
mod shutdown;
mod startup;
mod unread_body;
mod usage_ranges;
mod vault;
mod workspaces;
