use sea_orm::entity::prelude::*;

/// A user's encrypted OpenRouter key and the non-secret facts kept beside it.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "user_api_keys")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: String,
    /// `ork1:k<kid>:<base64url>`; see `vault::envelope`.
    pub secret_enc: String,
    /// The master-key version; must match the envelope's.
    pub key_version: i32,
    pub last6: String,
    /// `active`, `rejected` (OpenRouter refused it) or `unusable` (cannot be decrypted).
    pub status: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub verified_at: Option<DateTimeUtc>,
    pub or_label: Option<String>,
    pub or_limit: Option<f64>,
    pub or_limit_remaining: Option<f64>,
    pub or_limit_reset: Option<String>,
    pub or_usage: Option<f64>,
    pub or_is_free_tier: Option<bool>,
    pub or_expires_at: Option<String>,
    /// Lowercase hex SHA-256 of the key (its page on OpenRouter is named by it); not the key.
    pub key_sha256: Option<String>,
    pub or_usage_daily: Option<f64>,
    /// Unix seconds of the last read of the facts from OpenRouter.
    pub health_checked_at: Option<i64>,
    /// Unix seconds an instance claimed the next refresh (compare-and-swap).
    pub refresh_claimed_at: Option<i64>,
    /// Unix seconds a call last hit the free tier's daily cap.
    pub free_cap_hit_at: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
