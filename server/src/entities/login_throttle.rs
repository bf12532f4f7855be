use sea_orm::entity::prelude::*;

/// One throttle bucket (`acct:<email>`, whether or not an account has it, or
/// `dev:<user id>:<device id>`): its recent password-check attempts and lock.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "login_throttle")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub account: String,
    /// Attempts in a row (counted before each password check; cleared by a success).
    pub failures: i32,
    /// Unix seconds of the latest attempt.
    pub last_failure_at: i64,
    /// Unix seconds; sign-in is refused before this.
    pub locked_until: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
