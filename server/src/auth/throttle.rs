//! Throttling password checks per account, in the database (shared by every instance).
//!
//! Policy: an attempt is counted *before* its password is checked. [`take_attempt`] runs one
//! transaction that writes first (taking the row's lock on PostgreSQL, the write lock on SQLite),
//! reads the bucket, refuses with 429 while it is locked, and otherwise records this attempt and
//! the lock it earns, then commits; only then may the caller run Argon2. So attempts racing for
//! one bucket are counted one after another, and a parallel burst cannot walk through the limit.
//! A successful check clears the bucket ([`clear`]).
//!
//! The first [`FREE_ATTEMPTS`] attempts are free; each later one locks the bucket for twice as
//! long as the one before, from one second up to [`MAX_LOCK_SECS`]. A bucket forgets after an hour
//! without attempts. That lets through at most about 70 checks an hour however the attempts are
//! timed or spread over addresses (5 free, 6 while the lock grows to a minute, then one a minute).
//!
//! Buckets are keyed by a prefixed string: [`account`] (`acct:<email>`, whether or not an account
//! has that email, so throttling does not reveal which are registered) and [`device`]
//! (`dev:<user id>:<device id>`, for a browser that proves with its known-device cookie that it
//! signed in to that account before: the owner is not locked out by someone else's failures).

use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait,
};

use app::AppError;

use crate::auth::device::KnownDevice;
use crate::entities::login_throttle;
use crate::kit::db_failed;
use crate::rate_limit::too_many;

/// Attempts per bucket before the first lock.
pub const FREE_ATTEMPTS: i32 = 5;
/// The longest lock one attempt earns.
pub const MAX_LOCK_SECS: i64 = 60;
/// A bucket with no attempt for this long starts over.
const RESET_AFTER_SECS: i64 = 60 * 60;

/// The bucket of every attempt on `email` without a known-device cookie.
pub fn account(email: &str) -> String {
    format!("acct:{email}")
}

/// The bucket of one known browser's attempts on its account.
pub fn device(known: &KnownDevice) -> String {
    format!("dev:{}:{}", known.user_id, known.nonce)
}

/// How long the `attempts`-th attempt in a row locks its bucket.
fn lock_secs(attempts: i32) -> i64 {
    match attempts - FREE_ATTEMPTS {
        n if n <= 0 => 0,
        n => (1_i64 << (n - 1).min(10)).min(MAX_LOCK_SECS),
    }
}

/// Counts an attempt on `bucket` at `now`, or refuses with 429 and `Retry-After` while the
/// bucket is locked. Call it before checking the password.
pub async fn take_attempt(db: &DatabaseConnection, bucket: &str, now: i64) -> Result<(), AppError> {
    let txn = db.begin().await.map_err(db_failed)?;
    // Write first. The row is created if missing (a concurrent creator makes PostgreSQL wait
    // here until it commits), then the no-op update takes the row's lock (PostgreSQL) or the
    // database's write lock (SQLite) before anything is read, so concurrent attempts queue and
    // each one reads the count the previous one committed.
    let blank = login_throttle::ActiveModel {
        account: Set(bucket.to_owned()),
        failures: Set(0),
        last_failure_at: Set(0),
        locked_until: Set(0),
    };
    login_throttle::Entity::insert(blank)
        .on_conflict(
            OnConflict::column(login_throttle::Column::Account)
                .do_nothing()
                .to_owned(),
        )
        .do_nothing()
        .exec(&txn)
        .await
        .map_err(db_failed)?;
    login_throttle::Entity::update_many()
        .col_expr(
            login_throttle::Column::Failures,
            Expr::col(login_throttle::Column::Failures).into(),
        )
        .filter(login_throttle::Column::Account.eq(bucket))
        .exec(&txn)
        .await
        .map_err(db_failed)?;
    let row = login_throttle::Entity::find_by_id(bucket.to_owned())
        .one(&txn)
        .await
        .map_err(db_failed)?;
    if let Some(r) = &row {
        if r.locked_until > now {
            txn.rollback().await.map_err(db_failed)?;
            return Err(too_many(
                "sign-in attempts for this account",
                r.locked_until - now,
            ));
        }
    }
    let attempts = match row {
        Some(r) if now - r.last_failure_at < RESET_AFTER_SECS => r.failures.saturating_add(1),
        _ => 1,
    };
    let model = login_throttle::ActiveModel {
        account: Set(bucket.to_owned()),
        failures: Set(attempts),
        last_failure_at: Set(now),
        locked_until: Set(now + lock_secs(attempts)),
    };
    login_throttle::Entity::insert(model)
        .on_conflict(
            OnConflict::column(login_throttle::Column::Account)
                .update_columns([
                    login_throttle::Column::Failures,
                    login_throttle::Column::LastFailureAt,
                    login_throttle::Column::LockedUntil,
                ])
                .to_owned(),
        )
        .exec(&txn)
        .await
        .map_err(db_failed)?;
    txn.commit().await.map_err(db_failed)
}

/// Forgets `bucket`'s attempts after a successful password check.
pub async fn clear(db: &DatabaseConnection, bucket: &str) -> Result<(), AppError> {
    login_throttle::Entity::delete_by_id(bucket.to_owned())
        .exec(db)
        .await
        .map_err(db_failed)?;
    Ok(())
}

/// Deletes buckets that have forgotten their attempts (no attempt for an hour, no lock running);
/// run periodically, so guesses at many emails do not grow the table for ever.
pub async fn prune(db: &DatabaseConnection, now: i64) -> Result<u64, sea_orm::DbErr> {
    let res = login_throttle::Entity::delete_many()
        .filter(login_throttle::Column::LastFailureAt.lte(now - RESET_AFTER_SECS))
        .filter(login_throttle::Column::LockedUntil.lte(now))
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_attempts_are_free_then_the_lock_doubles_up_to_a_minute() {
        let locks: Vec<i64> = (1..=14).map(lock_secs).collect();
        assert_eq!(locks, [0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(lock_secs(i32::MAX), 60);
    }

    #[test]
    fn a_patient_attacker_gets_well_under_a_hundred_checks_an_hour() {
        // Retry the moment each lock ends: the most checks an hour the policy allows.
        let (mut now, mut attempts, mut checks) = (0_i64, 0, 0);
        while now < 3600 {
            attempts += 1;
            checks += 1;
            now += lock_secs(attempts).max(1);
        }
        assert!(checks <= 100, "{checks}");
    }

    #[test]
    fn buckets_are_prefixed_by_kind() {
        assert_eq!(account("a@example.com"), "acct:a@example.com");
        let known = KnownDevice {
            user_id: "cuser".into(),
            nonce: "n1".into(),
        };
        assert_eq!(device(&known), "dev:cuser:n1");
    }
}
