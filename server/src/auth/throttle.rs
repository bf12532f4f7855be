//! Throttling failed sign-ins.
//!
//! - Per client IP, in memory: about ten failures a minute, then 429 with `Retry-After`.
//! - Per account, in the database (shared by every instance): after five failures each further
//!   one locks the account for an exponentially growing time, capped at a minute, so an attacker
//!   gets well under a hundred guesses an hour but cannot lock the real user out for long.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;

use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait,
};

use app::AppError;

use crate::entities::login_throttle;

const IP_WINDOW_SECS: i64 = 60;
const IP_MAX_FAILURES: usize = 10;
const IP_TABLE_CAP: usize = 100_000;
const ACCOUNT_FREE_FAILURES: i32 = 5;
const ACCOUNT_MAX_LOCK_SECS: i64 = 60;
const ACCOUNT_RESET_AFTER_SECS: i64 = 60 * 60;

fn too_many(retry_after: i64) -> AppError {
    let secs = u32::try_from(retry_after.max(1)).unwrap_or(u32::MAX);
    AppError::new(
        429,
        "Too many attempts",
        format!("Too many failed sign-ins. Please wait {secs} seconds and try again."),
    )
    .with_retry_after(secs)
}

/// Failed sign-ins per client IP over the last minute.
#[derive(Debug, Default)]
pub struct IpThrottle {
    failures: Mutex<HashMap<IpAddr, VecDeque<i64>>>,
}

impl IpThrottle {
    /// Refuses with 429 while `ip` has too many recent failures.
    pub fn check(&self, ip: IpAddr, now: i64) -> Result<(), AppError> {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let Some(times) = map.get_mut(&ip) else {
            return Ok(());
        };
        while times.front().is_some_and(|t| now - t >= IP_WINDOW_SECS) {
            times.pop_front();
        }
        match times.front() {
            Some(oldest) if times.len() >= IP_MAX_FAILURES => {
                Err(too_many(IP_WINDOW_SECS - (now - oldest)))
            }
            _ => Ok(()),
        }
    }

    /// Counts a failure for `ip`.
    pub fn record_failure(&self, ip: IpAddr, now: i64) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= IP_TABLE_CAP {
            map.retain(|_, times| times.back().is_some_and(|t| now - t < IP_WINDOW_SECS));
        }
        let times = map.entry(ip).or_default();
        times.push_back(now);
        while times.len() > IP_MAX_FAILURES {
            times.pop_front();
        }
    }
}

fn db_failed(e: sea_orm::DbErr) -> AppError {
    tracing::error!(error = %e, "login throttle query failed");
    AppError::unavailable()
}

/// Refuses with 429 while `account` is locked.
pub async fn check_account(
    db: &DatabaseConnection,
    account: &str,
    now: i64,
) -> Result<(), AppError> {
    let row = login_throttle::Entity::find_by_id(account.to_owned())
        .one(db)
        .await
        .map_err(db_failed)?;
    match row {
        Some(r) if r.locked_until > now => Err(too_many(r.locked_until - now)),
        _ => Ok(()),
    }
}

/// Counts a failure for `account` and sets its lock.
pub async fn record_account_failure(
    db: &DatabaseConnection,
    account: &str,
    now: i64,
) -> Result<(), AppError> {
    let txn = db.begin().await.map_err(db_failed)?;
    // Write first: it takes the row's lock (PostgreSQL) or the write lock (SQLite), so failures
    // that end at the same moment are counted one after another instead of each reading the
    // same count and writing it plus one.
    login_throttle::Entity::update_many()
        .col_expr(
            login_throttle::Column::Failures,
            Expr::col(login_throttle::Column::Failures).into(),
        )
        .filter(login_throttle::Column::Account.eq(account))
        .exec(&txn)
        .await
        .map_err(db_failed)?;
    let row = login_throttle::Entity::find_by_id(account.to_owned())
        .one(&txn)
        .await
        .map_err(db_failed)?;
    let failures = match row {
        Some(r) if now - r.last_failure_at < ACCOUNT_RESET_AFTER_SECS => {
            r.failures.saturating_add(1)
        }
        _ => 1,
    };
    let locked_until = match failures - ACCOUNT_FREE_FAILURES {
        n if n <= 0 => 0,
        n => now + (1_i64 << (n - 1).min(10)).min(ACCOUNT_MAX_LOCK_SECS),
    };
    let model = login_throttle::ActiveModel {
        account: Set(account.to_owned()),
        failures: Set(failures),
        last_failure_at: Set(now),
        locked_until: Set(locked_until),
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

/// Forgets `account`'s failures after a successful sign-in.
pub async fn clear_account(db: &DatabaseConnection, account: &str) -> Result<(), AppError> {
    login_throttle::Entity::delete_by_id(account.to_owned())
        .exec(db)
        .await
        .map_err(db_failed)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_eleventh_failure_within_a_minute_is_refused_with_retry_after() {
        let t = IpThrottle::default();
        let ip: IpAddr = [10, 0, 0, 1].into();
        for i in 0..10 {
            assert!(t.check(ip, 1000 + i).is_ok());
            t.record_failure(ip, 1000 + i);
        }
        let err = t.check(ip, 1010).expect_err("throttled");
        assert_eq!(err.status, 429);
        assert_eq!(err.body.retry_after, Some(50));
        assert!(t.check(ip, 1061).is_ok(), "the window slides");
        assert!(
            t.check([10, 0, 0, 2].into(), 1010).is_ok(),
            "other IPs are unaffected"
        );
    }
}
