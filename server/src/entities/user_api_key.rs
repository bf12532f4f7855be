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
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
