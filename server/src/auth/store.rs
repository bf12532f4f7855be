//! A tower-sessions store in the app's own `sessions` table, through SeaORM, so SQLite and
//! PostgreSQL behave alike and several instances share sessions.
//!
//! The cookie's session id is never stored: rows are keyed by its SHA-256, so a copy of the
//! database does not hand out live sessions. A save never recreates a row that is gone: a session
//! revoked (sign-out elsewhere, password change) while one of its requests was in flight stays
//! revoked.
//!
//! Loading a session reads its user's auth stamp in the same query (a join on the primary key):
//! a session whose recorded stamp is not the user's current one was signed in with a password
//! that has since changed, and is deleted and treated as absent. Every way a session is
//! authenticated (REST extractor, server functions, the page guard) loads it through here.

use std::sync::Arc;

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, DatabaseConnection, EntityTrait, JoinType,
    QueryFilter, QuerySelect, RelationTrait as _,
};
use sha2::{Digest, Sha256};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

use crate::auth::session::keys;
use crate::entities::{session, user};
use crate::kit::clock::Clock;
use crate::kit::ids::new_id;

/// How stale a session's last write may grow before a request with unchanged data writes it again.
const TOUCH_EVERY_SECS: i64 = 60;

/// The SeaORM-backed session store.
#[derive(Clone)]
pub struct SeaOrmStore {
    db: DatabaseConnection,
    clock: Arc<dyn Clock>,
    idle_secs: i64,
}

impl std::fmt::Debug for SeaOrmStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SeaOrmStore")
    }
}

/// The stored form of a session id.
pub fn key_hash(id: &Id) -> String {
    hex::encode(Sha256::digest(id.to_string().as_bytes()))
}

/// The auth stamp a stored session's data (JSON) records, if any.
pub fn recorded_stamp(data: &str) -> Option<i64> {
    serde_json::from_str::<serde_json::Value>(data)
        .ok()?
        .get(keys::AUTH_STAMP)?
        .as_i64()
}

fn backend(e: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

/// The session's data as JSON with its keys in order, so unchanged data encodes identically.
fn encode(record: &Record) -> session_store::Result<String> {
    let ordered: std::collections::BTreeMap<_, _> = record.data.iter().collect();
    serde_json::to_string(&ordered).map_err(|e| session_store::Error::Encode(e.to_string()))
}

fn data_string(record: &Record, key: &str) -> Option<String> {
    record
        .data
        .get(key)
        .and_then(|v| v.as_str())
        .map(str::to_owned)
}

impl SeaOrmStore {
    /// A store on `db`. Idle expiry is judged by `clock`: every save pushes it `idle_secs` ahead
    /// (tower-sessions' own expiry date follows the system clock, which tests cannot move).
    pub fn new(db: DatabaseConnection, clock: Arc<dyn Clock>, idle_secs: i64) -> Self {
        Self {
            db,
            clock,
            idle_secs,
        }
    }

    /// The database it stores in.
    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Now, by its clock (Unix seconds).
    pub fn now(&self) -> i64 {
        self.clock.unix()
    }

    fn expires_at(&self) -> i64 {
        self.clock.unix() + self.idle_secs
    }

    /// Deletes rows whose idle expiry has passed; run periodically.
    pub async fn delete_expired(&self) -> Result<u64, sea_orm::DbErr> {
        let res = session::Entity::delete_many()
            .filter(session::Column::ExpiresAt.lte(self.clock.unix()))
            .exec(&self.db)
            .await?;
        Ok(res.rows_affected)
    }
}

#[async_trait::async_trait]
impl SessionStore for SeaOrmStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let user_id = data_string(record, keys::USER_ID)
            .ok_or_else(|| backend("only signed-in sessions are stored"))?;
        let data = encode(record)?;
        let now = self.clock.now();
        // A collision of 128-bit random ids is not expected; retry a few times all the same.
        for _ in 0..3 {
            let row = session::ActiveModel {
                id: Set(new_id(now)),
                key_hash: Set(key_hash(&record.id)),
                user_id: Set(user_id.clone()),
                data: Set(data.clone()),
                expires_at: Set(self.expires_at()),
                created_at: Set(now),
                last_seen_at: Set(now),
                user_agent: Set(data_string(record, keys::USER_AGENT)),
                ip: Set(data_string(record, keys::IP)),
            };
            match session::Entity::insert(row).exec(&self.db).await {
                Ok(_) => return Ok(()),
                Err(e) if e.to_string().to_lowercase().contains("unique") => {
                    record.id = Id::default();
                }
                Err(e) => return Err(backend(e)),
            }
        }
        Err(backend("could not allocate a unique session id"))
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let data = encode(record)?;
        let now = self.clock.now();
        // tower-sessions saves an idle-expiry session on every request; rewriting the row each
        // time would make every API call a database write. Unchanged data is written again only
        // once its last write is a minute old, so the idle timeout is exact to the minute.
        let stale = now - chrono::Duration::seconds(TOUCH_EVERY_SECS);
        let due = Condition::all()
            .add(session::Column::KeyHash.eq(key_hash(&record.id)))
            .add(
                Condition::any()
                    .add(session::Column::Data.ne(data.clone()))
                    .add(session::Column::LastSeenAt.lt(stale)),
            );
        // A read decides first: on SQLite even an UPDATE that matches no row takes the
        // database's one write lock, so every signed-in request would queue behind every writer
        // (and fail when a writer holds the lock past the busy timeout), though it writes nothing.
        let needed: Option<String> = session::Entity::find()
            .select_only()
            .column(session::Column::KeyHash)
            .filter(due.clone())
            .into_tuple()
            .one(&self.db)
            .await
            .map_err(backend)?;
        if needed.is_none() {
            return Ok(());
        }
        session::Entity::update_many()
            .col_expr(session::Column::Data, Expr::value(data))
            .col_expr(session::Column::ExpiresAt, Expr::value(self.expires_at()))
            .col_expr(session::Column::LastSeenAt, Expr::value(now))
            .filter(due)
            .exec(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let row: Option<(String, i64, i64)> = session::Entity::find()
            .select_only()
            .column(session::Column::Data)
            .column(session::Column::ExpiresAt)
            .column(user::Column::AuthStamp)
            .join(JoinType::InnerJoin, session::Relation::User.def())
            .filter(session::Column::KeyHash.eq(key_hash(id)))
            .filter(session::Column::ExpiresAt.gt(self.clock.unix()))
            .into_tuple()
            .one(&self.db)
            .await
            .map_err(backend)?;
        let Some((data, expires_at, current_stamp)) = row else {
            return Ok(None);
        };
        let data: std::collections::HashMap<String, serde_json::Value> =
            serde_json::from_str(&data).map_err(|e| session_store::Error::Decode(e.to_string()))?;
        let stamp = data
            .get(keys::AUTH_STAMP)
            .and_then(serde_json::Value::as_i64);
        if stamp != Some(current_stamp) {
            tracing::info!("session refused: signed in before the password changed");
            self.delete(id).await?;
            return Ok(None);
        }
        let expiry_date = time::OffsetDateTime::from_unix_timestamp(expires_at)
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date,
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        session::Entity::delete_many()
            .filter(session::Column::KeyHash.eq(key_hash(id)))
            .exec(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }
}
