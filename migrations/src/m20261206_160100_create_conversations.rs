//! Kept conversations of the assistant: `conversations` (one per thread of a workspace, owned by
//! the workspace's user; `opened_at` marks the one the assistant opens, the latest wins) and
//! `conversation_turns` (its prompts and answers, `seq` their order; `status` says whether an
//! answer is still arriving, complete, stopped or failed). Deleting a workspace deletes its
//! conversations, and deleting a conversation its turns (foreign keys, on both databases).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Workspaces {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Conversations {
    Table,
    Id,
    UserId,
    WorkspaceId,
    Title,
    OpenedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ConversationTurns {
    Table,
    Id,
    ConversationId,
    Seq,
    Role,
    Content,
    Status,
    Model,
    CreatedAt,
    UpdatedAt,
}

fn id<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col).string_len(32).not_null().to_owned()
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
                    .table(Conversations::Table)
                    .col(id(Conversations::Id).primary_key())
                    .col(id(Conversations::UserId))
                    .col(id(Conversations::WorkspaceId))
                    .col(
                        ColumnDef::new(Conversations::Title)
                            .string_len(200)
                            .not_null(),
                    )
                    .col(timestamp(Conversations::OpenedAt))
                    .col(timestamp(Conversations::CreatedAt))
                    .col(timestamp(Conversations::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Conversations::Table, Conversations::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Conversations::Table, Conversations::WorkspaceId)
                            .to(Workspaces::Table, Workspaces::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_conversations_workspace_updated")
                    .table(Conversations::Table)
                    .col(Conversations::WorkspaceId)
                    .col(Conversations::UpdatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ConversationTurns::Table)
                    .col(id(ConversationTurns::Id).primary_key())
                    .col(id(ConversationTurns::ConversationId))
                    .col(ColumnDef::new(ConversationTurns::Seq).integer().not_null())
                    .col(
                        ColumnDef::new(ConversationTurns::Role)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(ColumnDef::new(ConversationTurns::Content).text().not_null())
                    .col(
                        ColumnDef::new(ConversationTurns::Status)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ConversationTurns::Model)
                            .string_len(200)
                            .null(),
                    )
                    .col(timestamp(ConversationTurns::CreatedAt))
                    .col(timestamp(ConversationTurns::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ConversationTurns::Table, ConversationTurns::ConversationId)
                            .to(Conversations::Table, Conversations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_conversation_turns_conversation_seq")
                    .table(ConversationTurns::Table)
                    .col(ConversationTurns::ConversationId)
                    .col(ConversationTurns::Seq)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ConversationTurns::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Conversations::Table).to_owned())
            .await
    }
}
