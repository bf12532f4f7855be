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
//!
//! Loaded sessions are cached ([`crate::cache`]): a cached one is served until its idle expiry
//! as last read, and a change of its user (sign-out, password change, disable, a session's data
//! written) is announced in the writing transaction, so every instance forgets it within a
//! second. A write that only moves the idle expiry forward is not announced: other instances
//! then judge it expired early and read it again.

use std::sync::Arc;

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, DatabaseConnection, EntityTrait, JoinType,
    QueryFilter, QuerySelect, RelationTrait as _, TransactionTrait,
};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

use crate::auth::session::keys;
use crate::cache::{announce, CachedSession, Caches};
use crate::entities::{session, user};
use crate::kit::clock::Clock;
use crate::kit::ids::new_id;

mod codec;
use codec::{backend, data_string, encode, record};
pub use codec::{key_hash, recorded_stamp};

/// How stale a session's last write may grow before a request with unchanged data writes it again.
const TOUCH_EVERY_SECS: i64 = 60;

/// The SeaORM-backed session store.
#[derive(Clone)]
pub struct SeaOrmStore {
    db: DatabaseConnection,
    clock: Arc<dyn Clock>,
    idle_secs: i64,
    cache: Arc<Caches>,
}

impl std::fmt::Debug for SeaOrmStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SeaOrmStore")
    }
}

impl SeaOrmStore {
    /// A store on `db`. Idle expiry is judged by `clock`: every save pushes it `idle_secs` ahead
    /// (tower-sessions' own expiry date follows the system clock, which tests cannot move).
    pub fn new(
        db: DatabaseConnection,
        clock: Arc<dyn Clock>,
        idle_secs: i64,
        cache: Arc<Caches>,
    ) -> Self {
        Self {
            db,
            clock,
            idle_secs,
            cache,
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
        let hash = key_hash(&record.id);
        let now = self.clock.now();
        // tower-sessions saves an idle-expiry session on every request; rewriting the row each
        // time would make every API call a database write. Unchanged data is written again only
        // once its last write is a minute old, so the idle timeout is exact to the minute.
        let stale = now - chrono::Duration::seconds(TOUCH_EVERY_SECS);
        if let Some(cached) = self.cache.session(&hash) {
            if cached.encoded == data && cached.last_seen > stale.timestamp() {
                return Ok(());
            }
        }
        // A read decides first: on SQLite even an UPDATE that matches no row takes the
        // database's one write lock, so every signed-in request would queue behind every writer
        // (and fail when a writer holds the lock past the busy timeout), though it writes nothing.
        let row: Option<(String, String, chrono::DateTime<chrono::Utc>, i64)> =
            session::Entity::find()
                .select_only()
                .column(session::Column::UserId)
                .column(session::Column::Data)
                .column(session::Column::LastSeenAt)
                .column(session::Column::ExpiresAt)
                .filter(session::Column::KeyHash.eq(hash.as_str()))
                .into_tuple()
                .one(&self.db)
                .await
                .map_err(backend)?;
        // A row that is gone is never recreated.
        let Some((user_id, stored, last_seen, expires_at)) = row else {
            return Ok(());
        };
        let changed = stored != data;
        if !changed && last_seen >= stale {
            self.cache
                .touch_session(&hash, last_seen.timestamp(), expires_at);
            return Ok(());
        }
        let due = Condition::all()
            .add(session::Column::KeyHash.eq(hash.as_str()))
            .add(
                Condition::any()
                    .add(session::Column::Data.ne(data.clone()))
                    .add(session::Column::LastSeenAt.lt(stale)),
            );
        let update = session::Entity::update_many()
            .col_expr(session::Column::Data, Expr::value(data))
            .col_expr(session::Column::ExpiresAt, Expr::value(self.expires_at()))
            .col_expr(session::Column::LastSeenAt, Expr::value(now))
            .filter(due);
        if !changed {
            update.exec(&self.db).await.map_err(backend)?;
            self.cache
                .touch_session(&hash, now.timestamp(), self.expires_at());
            return Ok(());
        }
        // New data (a flow begun, a renewed stamp): every instance must read it again.
        let txn = self.db.begin().await.map_err(backend)?;
        update.exec(&txn).await.map_err(backend)?;
        announce(&txn, &user_id).await.map_err(backend)?;
        txn.commit().await.map_err(backend)?;
        self.cache.forget_user(&user_id);
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let hash = key_hash(id);
        let now = self.clock.unix();
        if let Some(cached) = self.cache.session(&hash) {
            if cached.expires_at > now {
                return record(*id, cached.data, cached.expires_at).map(Some);
            }
        }
        let ticket = self.cache.ticket();
        let row: Option<(String, String, i64, chrono::DateTime<chrono::Utc>, i64)> =
            session::Entity::find()
                .select_only()
                .column(session::Column::UserId)
                .column(session::Column::Data)
                .column(session::Column::ExpiresAt)
                .column(session::Column::LastSeenAt)
                .column(user::Column::AuthStamp)
                .join(JoinType::InnerJoin, session::Relation::User.def())
                .filter(session::Column::KeyHash.eq(hash.as_str()))
                .filter(session::Column::ExpiresAt.gt(now))
                .into_tuple()
                .one(&self.db)
                .await
                .map_err(backend)?;
        let Some((user_id, encoded, expires_at, last_seen, current_stamp)) = row else {
            return Ok(None);
        };
        let data: std::collections::HashMap<String, serde_json::Value> =
            serde_json::from_str(&encoded)
                .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        let stamp = data
            .get(keys::AUTH_STAMP)
            .and_then(serde_json::Value::as_i64);
        if stamp != Some(current_stamp) {
            tracing::info!("session refused: signed in before the password changed");
            self.delete(id).await?;
            return Ok(None);
        }
        let cached = CachedSession {
            user_id,
            data: data.clone(),
            encoded,
            expires_at,
            last_seen: last_seen.timestamp(),
        };
        self.cache.fill_session(ticket, &hash, cached);
        record(*id, data, expires_at).map(Some)
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        let hash = key_hash(id);
        let owner: Option<String> = session::Entity::find()
            .select_only()
            .column(session::Column::UserId)
            .filter(session::Column::KeyHash.eq(hash.as_str()))
            .into_tuple()
            .one(&self.db)
            .await
            .map_err(backend)?;
        let delete = session::Entity::delete_many().filter(session::Column::KeyHash.eq(hash));
        let Some(owner) = owner else {
            // Nothing stored under it (an anonymous session cycled at sign-in), so nothing cached.
            delete.exec(&self.db).await.map_err(backend)?;
            return Ok(());
        };
        let txn = self.db.begin().await.map_err(backend)?;
        delete.exec(&txn).await.map_err(backend)?;
        announce(&txn, &owner).await.map_err(backend)?;
        txn.commit().await.map_err(backend)?;
        self.cache.forget_user(&owner);
        Ok(())
    }
}
