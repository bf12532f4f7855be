use sea_orm::entity::prelude::*;

/// Failed sign-ins for one normalised email, whether or not an account has it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "login_throttle")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub account: String,
    pub failures: i32,
    /// Unix seconds.
    pub last_failure_at: i64,
    /// Unix seconds; sign-in is refused before this.
    pub locked_until: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
