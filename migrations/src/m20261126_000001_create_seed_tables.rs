//! The seed's tables: users, their server-side sessions and their workspaces.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Email,
    Name,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    KeyHash,
    UserId,
    Data,
    ExpiresAt,
    CreatedAt,
    LastSeenAt,
    UserAgent,
    Ip,
}

#[derive(DeriveIden)]
enum Workspaces {
    Table,
    Id,
    UserId,
    Name,
    Language,
    Code,
    CreatedAt,
    UpdatedAt,
}

fn text_id<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col)
        .string_len(32)
        .not_null()
        .primary_key()
        .to_owned()
}

fn timestamp<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(text_id(Users::Id))
                    .col(
                        ColumnDef::new(Users::Email)
                            .string_len(320)
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(Users::Name).string_len(200).null())
                    .col(timestamp(Users::CreatedAt))
                    .col(timestamp(Users::UpdatedAt))
                    .to_owned(),
            )
            .await?;

        // One row per signed-in browser. `key_hash` is a SHA-256 of the cookie's session id, so a
        // copy of the database does not hand out live sessions; `id` is the public handle the user
        // sees in their session list.
        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    .col(text_id(Sessions::Id))
                    .col(
                        ColumnDef::new(Sessions::KeyHash)
                            .string_len(64)
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(Sessions::UserId).string_len(32).not_null())
                    .col(ColumnDef::new(Sessions::Data).text().not_null())
                    .col(ColumnDef::new(Sessions::ExpiresAt).big_integer().not_null())
                    .col(timestamp(Sessions::CreatedAt))
                    .col(timestamp(Sessions::LastSeenAt))
                    .col(ColumnDef::new(Sessions::UserAgent).string_len(512).null())
                    .col(ColumnDef::new(Sessions::Ip).string_len(64).null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(Sessions::Table, Sessions::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_sessions_user_id")
                    .table(Sessions::Table)
                    .col(Sessions::UserId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_sessions_expires_at")
                    .table(Sessions::Table)
                    .col(Sessions::ExpiresAt)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Workspaces::Table)
                    .col(text_id(Workspaces::Id))
                    .col(ColumnDef::new(Workspaces::UserId).string_len(32).not_null())
                    .col(ColumnDef::new(Workspaces::Name).string_len(200).not_null())
                    .col(
                        ColumnDef::new(Workspaces::Language)
                            .string_len(40)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Workspaces::Code).text().not_null())
                    .col(timestamp(Workspaces::CreatedAt))
                    .col(timestamp(Workspaces::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Workspaces::Table, Workspaces::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_workspaces_user_id")
                    .table(Workspaces::Table)
                    .col(Workspaces::UserId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Workspaces::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Sessions::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Users::Table).to_owned())
            .await
    }
}
