//! Fallback models: each user's ordered fallbacks per AI feature (comma-separated model ids, at
//! most three, NULL for none) and the cost above which the UI asks before sending, beside the
//! default models in `user_model_prefs`; and `ai_usage.requested_model`, the model a call asked
//! for when another one (a fallback) answered. `ai_usage.model` stays the model that answered,
//! the one OpenRouter bills.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum UserModelPrefs {
    Table,
    ChatFallbacks,
    CompletionFallbacks,
    GenerationFallbacks,
    ConfirmAboveUsd,
}

#[derive(DeriveIden)]
enum AiUsage {
    Table,
    RequestedModel,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        for column in [
            UserModelPrefs::ChatFallbacks,
            UserModelPrefs::CompletionFallbacks,
            UserModelPrefs::GenerationFallbacks,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(UserModelPrefs::Table)
                        .add_column(ColumnDef::new(column).string_len(700).null())
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(UserModelPrefs::Table)
                    .add_column(
                        ColumnDef::new(UserModelPrefs::ConfirmAboveUsd)
                            .double()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(AiUsage::Table)
                    .add_column(
                        ColumnDef::new(AiUsage::RequestedModel)
                            .string_len(200)
                            .null(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(AiUsage::Table)
                    .drop_column(AiUsage::RequestedModel)
                    .to_owned(),
            )
            .await?;
        for column in [
            UserModelPrefs::ConfirmAboveUsd,
            UserModelPrefs::GenerationFallbacks,
            UserModelPrefs::CompletionFallbacks,
            UserModelPrefs::ChatFallbacks,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(UserModelPrefs::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
