//! Personal spending caps: `spend_limits` (one row per user who set a cap: the amount in USD,
//! the period it resets on, and which alert of the current period was dismissed) and
//! `spend_reservations` (the worst-case cost of each AI call in flight, held in the database so
//! that every instance counts every other's calls; a row expires so that one left by a crashed
//! instance stops counting).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum SpendLimits {
    Table,
    UserId,
    AmountUsd,
    Period,
    AlertSeenPeriod,
    AlertSeenLevel,
    RefusedPeriod,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum SpendReservations {
    Table,
    Id,
    UserId,
    AmountUsd,
    CreatedAt,
    ExpiresAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SpendLimits::Table)
                    .col(
                        ColumnDef::new(SpendLimits::UserId)
                            .string_len(32)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(SpendLimits::AmountUsd).double().not_null())
                    .col(ColumnDef::new(SpendLimits::Period).string_len(8).not_null())
                    .col(
                        ColumnDef::new(SpendLimits::AlertSeenPeriod)
                            .string_len(10)
                            .null(),
                    )
                    .col(ColumnDef::new(SpendLimits::AlertSeenLevel).integer().null())
                    .col(
                        ColumnDef::new(SpendLimits::RefusedPeriod)
                            .string_len(10)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(SpendLimits::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(SpendLimits::Table, SpendLimits::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SpendReservations::Table)
                    .col(
                        ColumnDef::new(SpendReservations::Id)
                            .string_len(32)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(SpendReservations::UserId)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SpendReservations::AmountUsd)
                            .double()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SpendReservations::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SpendReservations::ExpiresAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(SpendReservations::Table, SpendReservations::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_spend_reservations_user_expires")
                    .table(SpendReservations::Table)
                    .col(SpendReservations::UserId)
                    .col(SpendReservations::ExpiresAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SpendReservations::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(SpendLimits::Table).to_owned())
            .await
    }
}
