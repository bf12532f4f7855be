//! The composition root of AiAppsy Web Studio: configuration, start-up, the REST API and the
//! adapters (database, sessions, key vault, OpenRouter client). It alone reads the environment
//! and binds sockets.

pub mod ai;
pub mod auth;
pub mod backend;
pub mod cache;
pub mod cli;
pub mod config;
pub mod conversations;
pub mod db;
pub mod entities;
pub mod error;
pub mod health;
pub mod kit;
pub mod metrics;
pub mod openrouter;
pub mod rate_limit;
pub mod routes;
pub mod serve;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod vault;
pub mod web;
pub mod workspaces;

pub use config::Config;
pub use startup::Application;
