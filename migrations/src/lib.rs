//! The database schema's history. Migrations are frozen: each one describes the schema as it was on
//! its day and imports no project crate, so today's entities can change without rewriting the past.

pub use sea_orm_migration::prelude::*;

mod m20261126_000001_create_seed_tables;
mod m20261126_000002_add_password_auth;
mod m20261126_000003_create_api_keys;
mod m20261126_000004_create_ai_usage;
mod m20261127_000001_mask_key_labels;
mod m20261201_213000_add_user_auth_stamp;
mod m20261202_160000_add_user_disabled_at;
mod m20261203_100001_create_spend_limits;
mod m20261203_100002_add_fallback_models;
mod m20261203_110001_add_key_health;
mod m20261206_160000_create_cache_changes;
mod m20261206_160100_create_conversations;

/// Every migration, oldest first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261126_000001_create_seed_tables::Migration),
            Box::new(m20261126_000002_add_password_auth::Migration),
            Box::new(m20261126_000003_create_api_keys::Migration),
            Box::new(m20261126_000004_create_ai_usage::Migration),
            Box::new(m20261127_000001_mask_key_labels::Migration),
            Box::new(m20261201_213000_add_user_auth_stamp::Migration),
            Box::new(m20261202_160000_add_user_disabled_at::Migration),
            Box::new(m20261203_100001_create_spend_limits::Migration),
            Box::new(m20261203_100002_add_fallback_models::Migration),
            Box::new(m20261203_110001_add_key_health::Migration),
            Box::new(m20261206_160000_create_cache_changes::Migration),
            Box::new(m20261206_160100_create_conversations::Migration),
        ]
    }
}
