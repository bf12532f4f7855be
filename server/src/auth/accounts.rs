//! Disabling and enabling accounts (`studio disable-account EMAIL`, `studio enable-account
//! EMAIL`).
//!
//! Disabling sets `users.disabled_at`, bumps the account's auth stamp and deletes its session
//! rows, in one transaction. Deleting ends every session at once; the stamp also ends a session
//! that a sign-in racing the disable writes just after it (it carries the stamp read before), as
//! for a password change. A disabled account's sign-ins are refused after the password check
//! ([`disabled`]): a wrong password gets the usual 401, so only someone who knows the password
//! learns that the account is disabled. Nothing else changes: the stored key stays encrypted
//! and untouched, and enabling the account makes it usable again.

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait,
};

use app::AppError;

use crate::auth::Email;
use crate::entities::{session, user};

/// What a disable or enable did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The account's email, normalised.
    pub email: String,
    /// Whether the account's state changed (false: it already was as asked).
    pub changed: bool,
    /// Sessions deleted (disable only).
    pub sessions_ended: u64,
}

/// Why a disable or enable could not be done.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// The text is not an email address.
    #[error("{0} is not an email address")]
    NotAnEmail(String),
    /// No account has this email.
    #[error("no account has the email {0}")]
    NotFound(String),
    /// The database failed.
    #[error("the database failed: {0}")]
    Db(#[from] sea_orm::DbErr),
}

/// The answer to a sign-in with the right password for a disabled account.
pub fn disabled() -> AppError {
    AppError::new(
        403,
        "Account disabled",
        "This account has been disabled. Please contact the studio's administrator.",
    )
}

async fn find(
    db: &impl sea_orm::ConnectionTrait,
    email: &str,
) -> Result<user::Model, AccountError> {
    let parsed = Email::parse(email).map_err(|_| AccountError::NotAnEmail(email.to_owned()))?;
    user::Entity::find()
        .filter(user::Column::Email.eq(parsed.as_str()))
        .one(db)
        .await?
        .ok_or_else(|| AccountError::NotFound(parsed.as_str().to_owned()))
}

/// Disables the account with `email` at `now` (Unix seconds) and ends its sessions. Disabling a
/// disabled account ends any sessions again and keeps its first `disabled_at`. The transaction
/// writes first (the stamp), so on SQLite it holds the write lock before it reads anything and
/// never fails to upgrade a read lock while the server writes.
pub async fn disable(
    db: &DatabaseConnection,
    email: &str,
    now: i64,
) -> Result<Outcome, AccountError> {
    let parsed = Email::parse(email).map_err(|_| AccountError::NotAnEmail(email.to_owned()))?;
    let txn = db.begin().await?;
    let bumped = user::Entity::update_many()
        .col_expr(
            user::Column::AuthStamp,
            Expr::col(user::Column::AuthStamp).add(1),
        )
        .filter(user::Column::Email.eq(parsed.as_str()))
        .exec(&txn)
        .await?;
    if bumped.rows_affected == 0 {
        return Err(AccountError::NotFound(parsed.as_str().to_owned()));
    }
    let u = find(&txn, email).await?;
    if u.disabled_at.is_none() {
        user::Entity::update_many()
            .col_expr(user::Column::DisabledAt, Expr::value(now))
            .filter(user::Column::Id.eq(u.id.as_str()))
            .exec(&txn)
            .await?;
    }
    let ended = session::Entity::delete_many()
        .filter(session::Column::UserId.eq(u.id.as_str()))
        .exec(&txn)
        .await?
        .rows_affected;
    crate::cache::announce(&txn, &u.id).await?;
    txn.commit().await?;
    tracing::info!(user.id = %u.id, sessions.ended = ended, "account disabled");
    Ok(Outcome {
        email: u.email,
        changed: u.disabled_at.is_none(),
        sessions_ended: ended,
    })
}

/// Enables the account with `email` again.
pub async fn enable(db: &DatabaseConnection, email: &str) -> Result<Outcome, AccountError> {
    let u = find(db, email).await?;
    if u.disabled_at.is_none() {
        return Ok(Outcome {
            email: u.email,
            changed: false,
            sessions_ended: 0,
        });
    }
    let txn = db.begin().await?;
    user::Entity::update(user::ActiveModel {
        id: ActiveValue::Unchanged(u.id.clone()),
        disabled_at: ActiveValue::Set(None),
        ..Default::default()
    })
    .exec(&txn)
    .await?;
    crate::cache::announce(&txn, &u.id).await?;
    txn.commit().await?;
    tracing::info!(user.id = %u.id, "account enabled");
    Ok(Outcome {
        email: u.email,
        changed: true,
        sessions_ended: 0,
    })
}
