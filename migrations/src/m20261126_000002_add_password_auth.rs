//! Password sign-in: a password hash per user, and the per-account failure counter that throttles
//! guessing across every instance sharing the database.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    PasswordHash,
}

#[derive(DeriveIden)]
enum LoginThrottle {
    Table,
    Account,
    Failures,
    LastFailureAt,
    LockedUntil,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(
                        ColumnDef::new(Users::PasswordHash)
                            .string_len(255)
                            .not_null()
                            .default(""),
                    )
                    .to_owned(),
            )
            .await?;
        // Keyed by the normalised email whether or not an account exists, so throttling itself
        // does not reveal which emails are registered.
        manager
            .create_table(
                Table::create()
                    .table(LoginThrottle::Table)
                    .col(
                        ColumnDef::new(LoginThrottle::Account)
                            .string_len(320)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(LoginThrottle::Failures).integer().not_null())
                    .col(
                        ColumnDef::new(LoginThrottle::LastFailureAt)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(LoginThrottle::LockedUntil)
                            .big_integer()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(LoginThrottle::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(Users::PasswordHash)
                    .to_owned(),
            )
            .await
    }
}
