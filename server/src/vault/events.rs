//! The key log: what happened to a user's key (set, replaced, removed, rejected, unusable),
//! when, and from which IP and user agent. It never holds key material: only the last six
//! characters that the mask shows anyway.

use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use app::wire::{ApiKeyEvent, ApiKeyEventPage};
use app::AppError;

use crate::auth::ids::new_id;
use crate::auth::usecases::{db_failed, RequestMeta};
use crate::auth::AuthUser;
use crate::entities::api_key_event;
use crate::state::AppState;

/// Appends one event to `user_id`'s log, inside the caller's transaction when given one.
pub(crate) async fn log_event(
    db: &impl sea_orm::ConnectionTrait,
    user_id: &str,
    kind: &str,
    meta: Option<&RequestMeta>,
    last6: Option<String>,
) -> Result<(), AppError> {
    let event = api_key_event::ActiveModel {
        id: Set(new_id()),
        user_id: Set(user_id.to_owned()),
        kind: Set(kind.to_owned()),
        created_at: Set(chrono::Utc::now()),
        ip: Set(meta.map(|m| m.ip.to_string())),
        user_agent: Set(meta
            .and_then(|m| m.user_agent.as_ref())
            .map(|u| u.chars().take(500).collect())),
        last6: Set(last6),
    };
    api_key_event::Entity::insert(event)
        .exec(db)
        .await
        .map_err(db_failed)?;
    Ok(())
}

/// A page of the caller's key log, newest first.
pub async fn key_events(
    state: &AppState,
    auth: &AuthUser,
    page: u32,
    per_page: u32,
) -> Result<ApiKeyEventPage, AppError> {
    let page = page.max(1);
    let per_page = per_page.clamp(1, 100);
    let rows = api_key_event::Entity::find()
        .filter(api_key_event::Column::UserId.eq(auth.user_id.as_str()))
        .order_by_desc(api_key_event::Column::CreatedAt)
        .order_by_desc(api_key_event::Column::Id)
        // In u64, (u32::MAX - 1) * 100 cannot overflow.
        .offset(u64::from(page - 1) * u64::from(per_page))
        .limit(u64::from(per_page) + 1)
        .all(&state.db)
        .await
        .map_err(db_failed)?;
    let has_more = rows.len() > per_page as usize;
    let events = rows
        .into_iter()
        .take(per_page as usize)
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
