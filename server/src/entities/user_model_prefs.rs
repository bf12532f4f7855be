use sea_orm::entity::prelude::*;

/// A user's default model per AI feature; `None` means the server's default.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "user_model_prefs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: String,
    pub chat_model: Option<String>,
    pub completion_model: Option<String>,
    pub generation_model: Option<String>,
    /// Ordered fallbacks, comma-separated model ids (at most three); NULL for none.
    pub chat_fallbacks: Option<String>,
    pub completion_fallbacks: Option<String>,
    pub generation_fallbacks: Option<String>,
    /// Above this estimated cost (USD) the UI asks before sending; NULL for the default.
    pub confirm_above_usd: Option<f64>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
