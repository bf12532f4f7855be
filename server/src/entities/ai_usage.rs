use sea_orm::entity::prelude::*;

/// One AI call in the usage and cost ledger. Holds no prompt or answer text.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "ai_usage")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub user_id: String,
    /// `chat`, `code_completion` or `generate_code`.
    pub feature: String,
    /// The model that answered (OpenRouter bills that one), or the one asked for when none did.
    pub model: String,
    /// The model asked for, when a fallback answered instead.
    pub requested_model: Option<String>,
    pub tokens_in: i32,
    pub tokens_out: i32,
    /// USD, from OpenRouter's `usage.cost` (0 when it reported none).
    pub cost: f64,
    pub generation_id: Option<String>,
    /// `ok`, `cancelled`, or `error:<kind>`.
    pub outcome: String,
    pub latency_ms: i32,
    pub created_at: DateTimeUtc,
    /// `created_at`'s UTC date, `YYYY-MM-DD`, for per-day totals.
    pub day: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
