//! The key vault: one encrypted OpenRouter key per user, the non-secret facts kept beside it
//! (so reads never decrypt), and the user-visible key log.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum UserApiKeys {
    Table,
    UserId,
    SecretEnc,
    KeyVersion,
    Last6,
    Status,
    CreatedAt,
    UpdatedAt,
    VerifiedAt,
    OrLabel,
    OrLimit,
    OrLimitRemaining,
    OrLimitReset,
    OrUsage,
    OrIsFreeTier,
    OrExpiresAt,
}

#[derive(DeriveIden)]
enum ApiKeyEvents {
    Table,
    Id,
    UserId,
    Kind,
    CreatedAt,
    Ip,
    UserAgent,
    Last6,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(UserApiKeys::Table)
                    .col(
                        ColumnDef::new(UserApiKeys::UserId)
                            .string_len(32)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(UserApiKeys::SecretEnc).text().not_null())
                    .col(ColumnDef::new(UserApiKeys::KeyVersion).integer().not_null())
                    .col(ColumnDef::new(UserApiKeys::Last6).string_len(6).not_null())
                    .col(
                        ColumnDef::new(UserApiKeys::Status)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(UserApiKeys::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(UserApiKeys::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(UserApiKeys::VerifiedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(ColumnDef::new(UserApiKeys::OrLabel).string_len(100).null())
                    .col(ColumnDef::new(UserApiKeys::OrLimit).double().null())
                    .col(
                        ColumnDef::new(UserApiKeys::OrLimitRemaining)
                            .double()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(UserApiKeys::OrLimitReset)
                            .string_len(20)
                            .null(),
                    )
                    .col(ColumnDef::new(UserApiKeys::OrUsage).double().null())
                    .col(ColumnDef::new(UserApiKeys::OrIsFreeTier).boolean().null())
                    .col(
                        ColumnDef::new(UserApiKeys::OrExpiresAt)
                            .string_len(40)
                            .null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(UserApiKeys::Table, UserApiKeys::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_user_api_keys_key_version")
                    .table(UserApiKeys::Table)
                    .col(UserApiKeys::KeyVersion)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ApiKeyEvents::Table)
                    .col(
                        ColumnDef::new(ApiKeyEvents::Id)
                            .string_len(32)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(ApiKeyEvents::UserId)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(ColumnDef::new(ApiKeyEvents::Kind).string_len(20).not_null())
                    .col(
                        ColumnDef::new(ApiKeyEvents::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(ColumnDef::new(ApiKeyEvents::Ip).string_len(64).null())
                    .col(
                        ColumnDef::new(ApiKeyEvents::UserAgent)
                            .string_len(512)
                            .null(),
                    )
                    .col(ColumnDef::new(ApiKeyEvents::Last6).string_len(6).null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(ApiKeyEvents::Table, ApiKeyEvents::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_api_key_events_user_created")
                    .table(ApiKeyEvents::Table)
                    .col(ApiKeyEvents::UserId)
                    .col(ApiKeyEvents::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ApiKeyEvents::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(UserApiKeys::Table).to_owned())
            .await
    }
}
