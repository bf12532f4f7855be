use sea_orm::entity::prelude::*;

/// One entry of a user's key log. Holds no key material beyond the public last six characters.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_key_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub user_id: String,
    /// `set`, `replaced`, `removed`, `verified`, `rejected`, `unusable`.
    pub kind: String,
    pub created_at: DateTimeUtc,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub last6: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
