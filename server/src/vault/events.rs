//! The key log: what happened to a user's key (set, replaced, removed, rejected, unusable),
//! when, and from which IP and user agent. It never holds key material: only the last six
//! characters that the mask shows anyway.
//!
//! The log is bounded: the transaction that appends an entry also drops the user's entries
//! beyond the newest [`KEEP_EVENTS`], so no user can grow it without limit.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use app::wire::{ApiKeyEvent, ApiKeyEventPage};
use app::AppError;

use crate::auth::AuthUser;
use crate::entities::api_key_event;
use crate::kit::ids::new_id;
use crate::kit::{db_failed, RequestMeta};
use crate::state::AppState;

/// How many entries of a user's key log are kept.
pub const KEEP_EVENTS: u64 = 100;

/// The most entries one page shows.
pub const MAX_PER_PAGE: u32 = 100;

/// Appends one event, made at `now` (the state's clock), to `user_id`'s log and prunes the log to its newest [`KEEP_EVENTS`], inside
/// the caller's transaction.
pub(crate) async fn log_event(
    txn: &DatabaseTransaction,
    user_id: &str,
    kind: &str,
    meta: Option<&RequestMeta>,
    last6: Option<String>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let event = api_key_event::ActiveModel {
        id: Set(new_id(now)),
        user_id: Set(user_id.to_owned()),
        kind: Set(kind.to_owned()),
        created_at: Set(now),
        ip: Set(meta.map(|m| m.ip.to_string())),
        user_agent: Set(meta
            .and_then(|m| m.user_agent.as_ref())
            .map(|u| u.chars().take(500).collect())),
        last6: Set(last6),
    };
    // Appends for one user queue, so that each prune sees every entry before it.
    crate::db::lock_user(txn, user_id)
        .await
        .map_err(db_failed)?;
    api_key_event::Entity::insert(event)
        .exec(txn)
        .await
        .map_err(db_failed)?;
    prune(txn, user_id).await
}

/// Deletes `user_id`'s entries that are not among the newest [`KEEP_EVENTS`].
async fn prune(txn: &DatabaseTransaction, user_id: &str) -> Result<(), AppError> {
    use api_key_event::Column as C;
    let newest = Query::select()
        .column(C::Id)
        .from(api_key_event::Entity)
        .and_where(C::UserId.eq(user_id))
        .order_by(C::CreatedAt, sea_orm::Order::Desc)
        .order_by(C::Id, sea_orm::Order::Desc)
        .limit(KEEP_EVENTS)
        .to_owned();
    api_key_event::Entity::delete_many()
        .filter(C::UserId.eq(user_id))
        .filter(C::Id.not_in_subquery(newest))
        .exec(txn)
        .await
        .map_err(db_failed)?;
    Ok(())
}

/// A page of the caller's key log, newest first. `page` starts at 1 (0 is read as 1);
/// `per_page` is clamped to 1..=[`MAX_PER_PAGE`].
pub async fn key_events(
    state: &AppState,
    auth: &AuthUser,
    page: u32,
    per_page: u32,
) -> Result<ApiKeyEventPage, AppError> {
    let page = page.max(1);
    let per_page = per_page.clamp(1, MAX_PER_PAGE);
    // In u64 a page of u32 pages by at most 100 cannot overflow; checked all the same.
    let offset = u64::from(page - 1)
        .checked_mul(u64::from(per_page))
        .ok_or_else(page_out_of_range)?;
    let rows = if offset >= KEEP_EVENTS {
        // Past the kept entries there is nothing: no query with a huge offset.
        Vec::new()
    } else {
        api_key_event::Entity::find()
            .filter(api_key_event::Column::UserId.eq(auth.user_id.as_str()))
            .order_by_desc(api_key_event::Column::CreatedAt)
            .order_by_desc(api_key_event::Column::Id)
            .offset(offset)
            .limit(u64::from(per_page) + 1)
            .all(&state.db)
            .await
            .map_err(db_failed)?
    };
    let shown = usize::try_from(per_page).unwrap_or(usize::MAX);
    let has_more = rows.len() > shown;
    let events = rows
        .into_iter()
        .take(shown)
        .map(|r| ApiKeyEvent {
            id: r.id,
            kind: r.kind,
            created_at: r.created_at.to_rfc3339(),
            ip: r.ip,
            user_agent: r.user_agent,
            last6: r.last6,
        })
        .collect();
    Ok(ApiKeyEventPage {
        events,
        page,
        per_page,
        has_more,
    })
}

fn page_out_of_range() -> AppError {
    AppError::new(
        422,
        "Invalid page",
        "That page of the key log does not exist.",
    )
}

/// Reads the key log's `page` and `per_page` query values: `page` a whole number from 1 (a
/// missing one is 1), `per_page` a whole number clamped to 1..=[`MAX_PER_PAGE`] (a missing one
/// is 20). Anything else is a 422 naming the parameter.
pub fn parse_paging(page: Option<&str>, per_page: Option<&str>) -> Result<(u32, u32), AppError> {
    let whole = |name: &str, raw: &str| {
        raw.trim().parse::<i64>().map_err(|_| {
            AppError::new(
                422,
                "Invalid page",
                format!("{name} must be a whole number."),
            )
        })
    };
    let page = match page {
        None => 1,
        Some(raw) => u32::try_from(whole("page", raw)?)
            .ok()
            .filter(|p| *p >= 1)
            .ok_or_else(|| {
                AppError::new(
                    422,
                    "Invalid page",
                    format!("page must be a whole number from 1 to {}.", u32::MAX),
                )
            })?,
    };
    let per_page = match per_page {
        None => 20,
        Some(raw) => {
            let n = whole("perPage", raw)?.clamp(1, i64::from(MAX_PER_PAGE));
            u32::try_from(n).unwrap_or(MAX_PER_PAGE)
        }
    };
    Ok((page, per_page))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_values_are_clamped_or_refused_never_overflowed() {
        assert_eq!(parse_paging(None, None).ok(), Some((1, 20)));
        assert_eq!(parse_paging(Some("3"), Some("500")).ok(), Some((3, 100)));
        assert_eq!(parse_paging(Some("1"), Some("-5")).ok(), Some((1, 1)));
        assert_eq!(
            parse_paging(Some("4294967295"), Some("100")).ok(),
            Some((u32::MAX, 100))
        );
        for (page, per_page) in [
            (Some("0"), None),
            (Some("-1"), None),
            (Some("4294967296"), None),
            (Some("99999999999999999999999"), None),
            (Some("1e3"), None),
            (Some(""), None),
            (None, Some("ten")),
            (None, Some("99999999999999999999999")),
        ] {
            let err = parse_paging(page, per_page).expect_err("refused");
            assert_eq!(err.status, 422, "{page:?} {per_page:?}");
        }
    }
}
