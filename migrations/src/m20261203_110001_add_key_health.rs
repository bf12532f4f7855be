//! Key health: what the studio needs to warn before a key fails, beside the facts it already
//! keeps (`or_*`). `key_sha256` is the lowercase hex SHA-256 of the key, computed at save time
//! (OpenRouter names a key's page by it; it is not the key and opens nothing);
//! `or_usage_daily` is OpenRouter's `usage_daily`; `health_checked_at` the Unix time the facts
//! were last read from OpenRouter; `refresh_claimed_at` the Unix time an instance claimed the
//! next refresh (compare-and-swap, so instances do not duplicate it); `free_cap_hit_at` the
//! Unix time a call last hit the free tier's daily cap. All NULL for keys saved before.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum UserApiKeys {
    Table,
    KeySha256,
    OrUsageDaily,
    HealthCheckedAt,
    RefreshClaimedAt,
    FreeCapHitAt,
}

fn columns() -> [(UserApiKeys, ColumnDef); 5] {
    use UserApiKeys as C;
    [
        (
            C::KeySha256,
            ColumnDef::new(C::KeySha256).string().null().to_owned(),
        ),
        (
            C::OrUsageDaily,
            ColumnDef::new(C::OrUsageDaily).double().null().to_owned(),
        ),
        (
            C::HealthCheckedAt,
            ColumnDef::new(C::HealthCheckedAt)
                .big_integer()
                .null()
                .to_owned(),
        ),
        (
            C::RefreshClaimedAt,
            ColumnDef::new(C::RefreshClaimedAt)
                .big_integer()
                .null()
                .to_owned(),
        ),
        (
            C::FreeCapHitAt,
            ColumnDef::new(C::FreeCapHitAt)
                .big_integer()
                .null()
                .to_owned(),
        ),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column a statement: SQLite alters one thing at a time.
        for (_, mut def) in columns() {
            manager
                .alter_table(
                    Table::alter()
                        .table(UserApiKeys::Table)
                        .add_column(&mut def)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, _) in columns() {
            manager
                .alter_table(
                    Table::alter()
                        .table(UserApiKeys::Table)
                        .drop_column(name)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
