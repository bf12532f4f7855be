//! Rotation: re-encrypting stored keys under the ring's primary version.
//!
//! One row per statement, each a compare-and-swap on the old envelope, so the job is safe to
//! interrupt (every row is under exactly one version at every moment), to re-run (rows already
//! under the primary are skipped), and to run while servers serve (a key saved meanwhile is not
//! overwritten: the swap misses and the new row, already under some ring version, is left alone
//! or picked up on the next pass).

use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, TransactionTrait,
};

use crate::entities::user_api_key;
use crate::vault::envelope;
use crate::vault::keyring::KeyRing;

/// What a rewrap pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RewrapReport {
    /// Rows moved to the primary version.
    pub rewrapped: u64,
    /// Rows changed by someone else meanwhile (left as they are).
    pub raced: u64,
    /// Rows that could not be decrypted (left as they are; their owners must re-enter them).
    pub unusable: u64,
}

/// Moves every row not under the primary version to it.
pub async fn rewrap_all(
    db: &DatabaseConnection,
    ring: &KeyRing,
) -> Result<RewrapReport, sea_orm::DbErr> {
    let (primary, _) = ring.primary();
    let primary_i32 = i32::try_from(primary).unwrap_or(i32::MAX);
    let mut report = RewrapReport::default();
    let mut skip: Vec<String> = Vec::new();
    loop {
        let batch = user_api_key::Entity::find()
            .filter(user_api_key::Column::KeyVersion.ne(primary_i32))
            .filter(user_api_key::Column::UserId.is_not_in(skip.clone()))
            .limit(100)
            .all(db)
            .await?;
        if batch.is_empty() {
            return Ok(report);
        }
        for row in batch {
            let kid = u32::try_from(row.key_version).unwrap_or(0);
            let sealed = envelope::open(ring, &row.user_id, kid, &row.secret_enc)
                .and_then(|plain| envelope::seal(ring, &row.user_id, &plain));
            let Ok((new_env, new_kid)) = sealed else {
                tracing::warn!(user.id = %row.user_id, key.version = kid, "a stored key could not be rewrapped");
                report.unusable += 1;
                skip.push(row.user_id);
                continue;
            };
            let txn = db.begin().await?;
            let res = user_api_key::Entity::update_many()
                .col_expr(user_api_key::Column::SecretEnc, Expr::value(new_env))
                .col_expr(
                    user_api_key::Column::KeyVersion,
                    Expr::value(i32::try_from(new_kid).unwrap_or(i32::MAX)),
                )
                .filter(user_api_key::Column::UserId.eq(row.user_id.as_str()))
                .filter(user_api_key::Column::KeyVersion.eq(row.key_version))
                .filter(user_api_key::Column::SecretEnc.eq(row.secret_enc.as_str()))
                .exec(&txn)
                .await?;
            // Every instance reads the row again (a cached ciphertext would make a later
            // compare-and-swap on it miss).
            if res.rows_affected == 1 {
                crate::cache::announce(&txn, &row.user_id).await?;
            }
            txn.commit().await?;
            if res.rows_affected == 1 {
                report.rewrapped += 1;
            } else {
                report.raced += 1;
            }
        }
    }
}

/// The distinct key versions stored rows use.
pub async fn versions_in_use(db: &DatabaseConnection) -> Result<Vec<u32>, sea_orm::DbErr> {
    let versions: Vec<i32> = user_api_key::Entity::find()
        .select_only()
        .column(user_api_key::Column::KeyVersion)
        .distinct()
        .into_tuple()
        .all(db)
        .await?;
    Ok(versions
        .into_iter()
        .filter_map(|v| u32::try_from(v).ok())
        .collect())
}
