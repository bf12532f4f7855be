use sea_orm::entity::prelude::*;

/// A user's spending cap: at most `amount_usd` per `period` (`day`, `week` or `month`, UTC).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "spend_limits")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: String,
    pub amount_usd: f64,
    pub period: String,
    /// The start (`YYYY-MM-DD`) of the period whose alert the user dismissed.
    pub alert_seen_period: Option<String>,
    /// The alert dismissed in that period: 80 or 100.
    pub alert_seen_level: Option<i32>,
    /// The start of the last period in which a call was refused for the cap.
    pub refused_period: Option<String>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
