//! The conversation use cases: list, start, read, rename or make current, delete, and take
//! turns out. Each is called by its REST route and by its server function.

use std::collections::HashMap;

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, TransactionTrait,
};

use app::wire::{
    Conversation, ConversationChange, ConversationList, ConversationSummary, ConversationTurn,
    NewConversation,
};
use app::AppError;

use super::{
    current_id, own_workspace, owned, summary, DEFAULT_TITLE, MAX_CONVERSATIONS_PER_WORKSPACE,
};
use crate::auth::AuthUser;
use crate::entities::{conversation, conversation_turn as turn};
use crate::kit::db_failed;
use crate::kit::ids::new_id;
use crate::kit::owned::{delete_owned, update_owned};
use crate::state::AppState;

/// A conversation's title: [`app::rules::name`], and not empty.
fn parse_title(title: &str) -> Result<String, AppError> {
    match app::rules::name::parse_name(title) {
        Ok(Some(title)) => Ok(title.to_owned()),
        _ => Err(AppError::new(
            422,
            "Invalid title",
            "Conversation titles are 1 to 100 characters.",
        )),
    }
}

/// How many turns each of `ids` holds.
async fn turn_counts(
    db: &impl ConnectionTrait,
    ids: Vec<String>,
) -> Result<HashMap<String, u64>, AppError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(String, i64)> = turn::Entity::find()
        .select_only()
        .column(turn::Column::ConversationId)
        .column_as(Expr::col(turn::Column::Id).count(), "n")
        .filter(turn::Column::ConversationId.is_in(ids))
        .group_by(turn::Column::ConversationId)
        .into_tuple()
        .all(db)
        .await
        .map_err(db_failed)?;
    Ok(rows
        .into_iter()
        .map(|(id, n)| (id, u64::try_from(n).unwrap_or_default()))
        .collect())
}

/// The conversations of the caller's workspace `workspace_id`, most recently changed first.
pub async fn list(
    state: &AppState,
    auth: &AuthUser,
    workspace_id: &str,
) -> Result<ConversationList, AppError> {
    own_workspace(&state.db, &auth.user_id, workspace_id).await?;
    let rows = conversation::Entity::find()
        .filter(conversation::Column::WorkspaceId.eq(workspace_id))
        .filter(conversation::Column::UserId.eq(auth.user_id.as_str()))
        .order_by_desc(conversation::Column::UpdatedAt)
        .order_by_desc(conversation::Column::Id)
        .all(&state.db)
        .await
        .map_err(db_failed)?;
    let current = rows
        .iter()
        .max_by(|a, b| (a.opened_at, &a.id).cmp(&(b.opened_at, &b.id)))
        .map(|c| c.id.clone());
    let counts = turn_counts(&state.db, rows.iter().map(|c| c.id.clone()).collect()).await?;
    Ok(ConversationList {
        conversations: rows
            .iter()
            .map(|c| {
                let n = counts.get(&c.id).copied().unwrap_or_default();
                summary(c, current.as_deref() == Some(c.id.as_str()), n)
            })
            .collect(),
    })
}

/// Starts a conversation in the caller's workspace; it becomes the current one. The cap is
/// checked and the row inserted in one transaction that locks the owner first.
pub async fn create(
    state: &AppState,
    auth: &AuthUser,
    workspace_id: &str,
    input: NewConversation,
) -> Result<ConversationSummary, AppError> {
    let title = match input.title.as_deref() {
        Some(t) => parse_title(t)?,
        None => DEFAULT_TITLE.to_owned(),
    };
    let now = state.clock.now();
    let txn = state.db.begin().await.map_err(db_failed)?;
    crate::db::lock_user(&txn, &auth.user_id)
        .await
        .map_err(db_failed)?;
    let refused = match own_workspace(&txn, &auth.user_id, workspace_id).await {
        Err(e) => Some(e),
        Ok(()) => {
            let held = conversation::Entity::find()
                .filter(conversation::Column::WorkspaceId.eq(workspace_id))
                .count(&txn)
                .await
                .map_err(db_failed)?;
            (held >= MAX_CONVERSATIONS_PER_WORKSPACE).then(|| {
                AppError::new(
                    409,
                    "Conversation limit reached",
                    format!("A workspace holds at most {MAX_CONVERSATIONS_PER_WORKSPACE} conversations. Delete one you no longer need to make room."),
                )
            })
        }
    };
    if let Some(e) = refused {
        // Roll back now, so that PostgreSQL does not keep the user's row locked in the pool.
        txn.rollback().await.map_err(db_failed)?;
        return Err(e);
    }
    let row = conversation::ActiveModel {
        id: Set(new_id(now)),
        user_id: Set(auth.user_id.clone()),
        workspace_id: Set(workspace_id.to_owned()),
        title: Set(title),
        opened_at: Set(now),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let c = conversation::Entity::insert(row)
        .exec_with_returning(&txn)
        .await
        .map_err(db_failed)?;
    txn.commit().await.map_err(db_failed)?;
    Ok(summary(&c, true, 0))
}

async fn summary_of(
    state: &AppState,
    c: &conversation::Model,
) -> Result<ConversationSummary, AppError> {
    let current = current_id(&state.db, &c.workspace_id).await?;
    let n = turn_counts(&state.db, vec![c.id.clone()]).await?;
    Ok(summary(
        c,
        current.as_deref() == Some(c.id.as_str()),
        n.get(&c.id).copied().unwrap_or_default(),
    ))
}

/// One of the caller's conversations with its turns, oldest first.
pub async fn get(state: &AppState, auth: &AuthUser, id: &str) -> Result<Conversation, AppError> {
    let c = owned(&state.db, &auth.user_id, id).await?;
    let turns = turn::Entity::find()
        .filter(turn::Column::ConversationId.eq(c.id.as_str()))
        .order_by_asc(turn::Column::Seq)
        .all(&state.db)
        .await
        .map_err(db_failed)?;
    let mut summary = summary_of(state, &c).await?;
    summary.turn_count = u32::try_from(turns.len()).unwrap_or(u32::MAX);
    Ok(Conversation {
        summary,
        turns: turns
            .into_iter()
            .map(|t| ConversationTurn {
                seq: u32::try_from(t.seq).unwrap_or_default(),
                role: t.role,
                content: t.content,
                status: t.status,
                model: t.model,
                created_at: t.created_at.to_rfc3339(),
            })
            .collect(),
    })
}

/// Renames one of the caller's conversations, or makes it the current one of its workspace.
pub async fn change(
    state: &AppState,
    auth: &AuthUser,
    id: &str,
    change: ConversationChange,
) -> Result<ConversationSummary, AppError> {
    let title = change.title.as_deref().map(parse_title).transpose()?;
    match (change.current, &title) {
        (Some(false), _) => {
            return Err(AppError::new(
                422,
                "Invalid change",
                "A conversation stops being current when another one is made current.",
            ))
        }
        (None, None) => {
            return Err(AppError::new(
                422,
                "Nothing to change",
                "Send a new `title`, or `current: true`.",
            ))
        }
        _ => {}
    }
    let now = state.clock.now();
    let mut update = conversation::Entity::update_many();
    if let Some(title) = title {
        update = update
            .col_expr(conversation::Column::Title, Expr::value(title))
            .col_expr(conversation::Column::UpdatedAt, Expr::value(now));
    }
    if change.current == Some(true) {
        update = update.col_expr(conversation::Column::OpenedAt, Expr::value(now));
    }
    update_owned(&state.db, update, id, &auth.user_id, "conversation").await?;
    let c = owned(&state.db, &auth.user_id, id).await?;
    summary_of(state, &c).await
}

/// Deletes one of the caller's conversations; its turns go with it.
pub async fn delete(state: &AppState, auth: &AuthUser, id: &str) -> Result<(), AppError> {
    delete_owned::<conversation::Entity>(&state.db, id, &auth.user_id, "conversation").await
}

/// Takes turns out of one of the caller's conversations: those numbered `from` and later, or
/// those numbered below `before` (exactly one of the two).
pub async fn delete_turns(
    state: &AppState,
    auth: &AuthUser,
    id: &str,
    from: Option<u32>,
    before: Option<u32>,
) -> Result<(), AppError> {
    let which = match (from, before) {
        (Some(n), None) => turn::Column::Seq.gte(i64::from(n)),
        (None, Some(n)) => turn::Column::Seq.lt(i64::from(n)),
        _ => {
            return Err(AppError::new(
                422,
                "Invalid range",
                "Give exactly one of `from` (this turn and later ones) and `before` (the turns before this one).",
            ))
        }
    };
    let c = owned(&state.db, &auth.user_id, id).await?;
    turn::Entity::delete_many()
        .filter(turn::Column::ConversationId.eq(c.id.as_str()))
        .filter(which)
        .exec(&state.db)
        .await
        .map_err(db_failed)?;
    conversation::Entity::update_many()
        .col_expr(
            conversation::Column::UpdatedAt,
            Expr::value(state.clock.now()),
        )
        .filter(conversation::Column::Id.eq(c.id.as_str()))
        .exec(&state.db)
        .await
        .map_err(db_failed)?;
    Ok(())
}
