//! The AI usage and cost ledger (one row per upstream call), and each user's default model per
//! AI feature.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum AiUsage {
    Table,
    Id,
    UserId,
    Feature,
    Model,
    TokensIn,
    TokensOut,
    Cost,
    GenerationId,
    Outcome,
    LatencyMs,
    CreatedAt,
    Day,
}

#[derive(DeriveIden)]
enum UserModelPrefs {
    Table,
    UserId,
    ChatModel,
    CompletionModel,
    GenerationModel,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // `day` (UTC, `YYYY-MM-DD`) is written beside `created_at` so that per-day totals are a
        // plain GROUP BY on both SQLite and PostgreSQL, which spell date extraction differently.
        manager
            .create_table(
                Table::create()
                    .table(AiUsage::Table)
                    .col(
                        ColumnDef::new(AiUsage::Id)
                            .string_len(32)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(AiUsage::UserId).string_len(32).not_null())
                    .col(ColumnDef::new(AiUsage::Feature).string_len(32).not_null())
                    .col(ColumnDef::new(AiUsage::Model).string_len(200).not_null())
                    .col(ColumnDef::new(AiUsage::TokensIn).integer().not_null())
                    .col(ColumnDef::new(AiUsage::TokensOut).integer().not_null())
                    .col(ColumnDef::new(AiUsage::Cost).double().not_null())
                    .col(ColumnDef::new(AiUsage::GenerationId).string_len(100).null())
                    .col(ColumnDef::new(AiUsage::Outcome).string_len(40).not_null())
                    .col(ColumnDef::new(AiUsage::LatencyMs).integer().not_null())
                    .col(
                        ColumnDef::new(AiUsage::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(ColumnDef::new(AiUsage::Day).string_len(10).not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(AiUsage::Table, AiUsage::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_ai_usage_user_created")
                    .table(AiUsage::Table)
                    .col(AiUsage::UserId)
                    .col(AiUsage::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(UserModelPrefs::Table)
                    .col(
                        ColumnDef::new(UserModelPrefs::UserId)
                            .string_len(32)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(UserModelPrefs::ChatModel)
                            .string_len(200)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(UserModelPrefs::CompletionModel)
                            .string_len(200)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(UserModelPrefs::GenerationModel)
                            .string_len(200)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(UserModelPrefs::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(UserModelPrefs::Table, UserModelPrefs::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(UserModelPrefs::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(AiUsage::Table).to_owned())
            .await
    }
}
