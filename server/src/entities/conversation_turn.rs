use sea_orm::entity::prelude::*;

/// One prompt or answer of a kept conversation; `seq` orders them.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "conversation_turns")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub conversation_id: String,
    pub seq: i32,
    /// `user` or `assistant`.
    pub role: String,
    pub content: String,
    /// `done`; for an answer also `answering`, `stopped` or `failed`.
    pub status: String,
    /// For an answer: the model that answered.
    pub model: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
