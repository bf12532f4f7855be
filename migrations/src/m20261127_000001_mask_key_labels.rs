//! OpenRouter's `/key` label (`sk-or-v1-abc...def`) shows hex digits of the key that the
//! studio's mask does not. Stored labels are replaced by the mask (`sk-`, nineteen `*`, the
//! last six characters); new saves store the mask from the start. The old labels cannot be
//! brought back, so `down` leaves the masks in place.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // `||` concatenates on SQLite and PostgreSQL alike.
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE user_api_keys SET or_label = 'sk-*******************' || last6 \
                 WHERE or_label IS NOT NULL",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Ok(())
    }
}
