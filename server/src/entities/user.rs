use sea_orm::entity::prelude::*;

/// A person with an account.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    #[sea_orm(unique)]
    pub email: String,
    pub name: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// An Argon2id PHC string; never leaves the server.
    pub password_hash: String,
    /// Bumped on every password change; a session signed in under an older stamp is refused.
    pub auth_stamp: i64,
    /// When an operator disabled the account (Unix seconds), or `None`: a disabled account
    /// cannot sign in, and disabling it bumped `auth_stamp`, ending its sessions.
    pub disabled_at: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
