use sea_orm::entity::prelude::*;

/// One signed-in browser (a tower-sessions record plus what the session list shows).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sessions")]
pub struct Model {
    /// The public handle shown in the session list.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// SHA-256 of the cookie's session id.
    #[sea_orm(unique)]
    pub key_hash: String,
    pub user_id: String,
    /// The session's data, as JSON.
    pub data: String,
    /// Unix seconds after which the session is idle-expired.
    pub expires_at: i64,
    pub created_at: DateTimeUtc,
    pub last_seen_at: DateTimeUtc,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The session's user (the store reads their auth stamp with the session).
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::UserId",
        to = "super::user::Column::Id"
    )]
    User,
}

impl ActiveModelBehavior for ActiveModel {}
