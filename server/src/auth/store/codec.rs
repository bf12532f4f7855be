//! How a session travels between tower-sessions' `Record` and the `sessions` table: the id's
//! stored hash and the data's JSON.

use sha2::{Digest, Sha256};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store;

use crate::auth::session::keys;

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

pub(super) fn backend(e: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

/// The session's data as JSON with its keys in order, so unchanged data encodes identically.
pub(super) fn encode(record: &Record) -> session_store::Result<String> {
    let ordered: std::collections::BTreeMap<_, _> = record.data.iter().collect();
    serde_json::to_string(&ordered).map_err(|e| session_store::Error::Encode(e.to_string()))
}

pub(super) fn data_string(record: &Record, key: &str) -> Option<String> {
    record
        .data
        .get(key)
        .and_then(|v| v.as_str())
        .map(str::to_owned)
}

pub(super) fn record(
    id: Id,
    data: std::collections::HashMap<String, serde_json::Value>,
    expires_at: i64,
) -> session_store::Result<Record> {
    let expiry_date = time::OffsetDateTime::from_unix_timestamp(expires_at)
        .map_err(|e| session_store::Error::Decode(e.to_string()))?;
    Ok(Record {
        id,
        data,
        expiry_date,
    })
}
