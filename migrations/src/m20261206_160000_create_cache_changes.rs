//! `cache_changes`: how instances on one SQLite file tell each other that something they may
//! cache about a user changed (the server's `cache` module). Each change adds a row in its own
//! transaction; SQLite commits one writer at a time, so `seq` order is commit order and every
//! instance polls the rows after the last one it saw. Writers delete rows older than a minute.
//! PostgreSQL uses `NOTIFY` instead and leaves this table empty.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CacheChanges {
    Table,
    Seq,
    UserId,
    At,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CacheChanges::Table)
                    .col(
                        ColumnDef::new(CacheChanges::Seq)
                            .integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(CacheChanges::UserId).string().not_null())
                    .col(ColumnDef::new(CacheChanges::At).big_integer().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_cache_changes_at")
                    .table(CacheChanges::Table)
                    .col(CacheChanges::At)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CacheChanges::Table).to_owned())
            .await
    }
}
