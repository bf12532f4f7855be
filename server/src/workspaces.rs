//! Workspace use cases. Every query is scoped to the caller: another user's workspace is "not
//! found", exactly like a missing one. Creation is limited twice: a cap on the workspaces one
//! user holds (`LIMIT_WORKSPACES_PER_USER`), and a rate per user and per client address.

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    TransactionTrait,
};

use app::rules::language::InvalidLanguage;
use app::wire::{Workspace, WorkspaceSummary};
use app::workspaces::ssr::WorkspacesPort;
use app::AppError;
use http::request::Parts;

use crate::auth::extract::require;
use crate::auth::AuthUser;
use crate::backend::StudioBackend;
use crate::entities::workspace;
use crate::kit::ids::{looks_like_id, new_id};
use crate::kit::owned::{delete_owned, update_owned, Owned};
use crate::kit::{db_failed, RequestMeta};
use crate::rate_limit::counted;
use crate::state::AppState;

const MAX_CODE: usize = 500_000;

impl Owned for workspace::Entity {
    const ID: workspace::Column = workspace::Column::Id;
    const OWNER: workspace::Column = workspace::Column::UserId;
}

/// A workspace's name: [`app::rules::name`], and not empty.
fn parse_name(name: &str) -> Result<String, AppError> {
    match app::rules::name::parse_name(name) {
        Ok(Some(name)) => Ok(name.to_owned()),
        _ => Err(AppError::new(
            422,
            "Invalid name",
            "Workspace names are 1 to 100 characters.",
        )),
    }
}

/// A workspace's language: [`app::rules::language`], stored lowercased so the list reads alike.
fn parse_language(language: &str) -> Result<String, AppError> {
    app::rules::language::parse_language(language)
        .map(str::to_lowercase)
        .map_err(|_| AppError::new(422, "Invalid language", InvalidLanguage::MESSAGE))
}

fn summary(w: &workspace::Model) -> WorkspaceSummary {
    WorkspaceSummary {
        id: w.id.clone(),
        name: w.name.clone(),
        language: w.language.clone(),
        updated_at: w.updated_at.to_rfc3339(),
    }
}

/// The caller's workspaces, most recently changed first.
pub async fn list(state: &AppState, auth: &AuthUser) -> Result<Vec<WorkspaceSummary>, AppError> {
    let rows = workspace::Entity::find()
        .filter(workspace::Column::UserId.eq(auth.user_id.as_str()))
        .order_by_desc(workspace::Column::UpdatedAt)
        .all(&state.db)
        .await
        .map_err(db_failed)?;
    Ok(rows.iter().map(summary).collect())
}

/// One of the caller's workspaces, with its code.
pub async fn get(state: &AppState, auth: &AuthUser, id: &str) -> Result<Workspace, AppError> {
    let not_found = || AppError::not_found("workspace");
    if !looks_like_id(id) {
        return Err(not_found());
    }
    let w = workspace::Entity::find_by_id(id.to_owned())
        .filter(workspace::Column::UserId.eq(auth.user_id.as_str()))
        .one(&state.db)
        .await
        .map_err(db_failed)?
        .ok_or_else(not_found)?;
    Ok(Workspace {
        summary: summary(&w),
        code: w.code,
    })
}

/// Creates a workspace: the name and language are checked first (no slot for a bad request),
/// then a slot per user and per client address is taken, then the cap on workspaces per user is
/// checked and the row inserted in one transaction that locks the owner first, so a parallel
/// burst cannot pass the cap.
pub async fn create(
    state: &AppState,
    auth: &AuthUser,
    meta: &RequestMeta,
    name: &str,
    language: &str,
) -> Result<WorkspaceSummary, AppError> {
    let name = parse_name(name)?;
    let language = parse_language(language)?;
    let limits = &state.limits;
    counted(
        &limits.workspace_user,
        &limits.workspace_ip,
        &auth.user_id,
        meta.ip,
        state.clock.unix(),
        insert_under_cap(state, auth, name, language),
    )
    .await
}

async fn insert_under_cap(
    state: &AppState,
    auth: &AuthUser,
    name: String,
    language: String,
) -> Result<WorkspaceSummary, AppError> {
    let cap = state.config.limits.workspaces_per_user;
    let now = state.clock.now();
    let txn = state.db.begin().await.map_err(db_failed)?;
    crate::db::lock_user(&txn, &auth.user_id)
        .await
        .map_err(db_failed)?;
    let owned = workspace::Entity::find()
        .filter(workspace::Column::UserId.eq(auth.user_id.as_str()))
        .count(&txn)
        .await
        .map_err(db_failed)?;
    if owned >= u64::try_from(cap).unwrap_or(u64::MAX) {
        // Roll back now: a dropped transaction only queues its rollback, and on PostgreSQL the
        // user's row would stay locked in the idle pooled connection until it is used again.
        txn.rollback().await.map_err(db_failed)?;
        return Err(AppError::new(
            409,
            "Workspace limit reached",
            format!(
                "An account holds at most {cap} workspaces. Delete one you no longer need to make room."
            ),
        ));
    }
    let row = workspace::ActiveModel {
        id: Set(new_id(now)),
        user_id: Set(auth.user_id.clone()),
        name: Set(name),
        language: Set(language),
        code: Set(String::new()),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let w = workspace::Entity::insert(row)
        .exec_with_returning(&txn)
        .await
        .map_err(db_failed)?;
    txn.commit().await.map_err(db_failed)?;
    Ok(summary(&w))
}

async fn update(
    state: &AppState,
    auth: &AuthUser,
    id: &str,
    col: workspace::Column,
    value: String,
) -> Result<(), AppError> {
    let update = workspace::Entity::update_many()
        .col_expr(col, Expr::value(value))
        .col_expr(workspace::Column::UpdatedAt, Expr::value(state.clock.now()));
    update_owned(&state.db, update, id, &auth.user_id, "workspace").await
}

/// Renames one of the caller's workspaces.
pub async fn rename(
    state: &AppState,
    auth: &AuthUser,
    id: &str,
    name: &str,
) -> Result<(), AppError> {
    update(state, auth, id, workspace::Column::Name, parse_name(name)?).await
}

/// Saves a workspace's code.
pub async fn save_code(
    state: &AppState,
    auth: &AuthUser,
    id: &str,
    code: String,
) -> Result<(), AppError> {
    if code.len() > MAX_CODE {
        return Err(AppError::new(
            413,
            "Too large",
            "A workspace holds at most 500 KB of code.",
        ));
    }
    update(state, auth, id, workspace::Column::Code, code).await
}

/// Deletes one of the caller's workspaces.
pub async fn delete(state: &AppState, auth: &AuthUser, id: &str) -> Result<(), AppError> {
    delete_owned::<workspace::Entity>(&state.db, id, &auth.user_id, "workspace").await
}

#[async_trait::async_trait]
impl WorkspacesPort for StudioBackend {
    async fn list_workspaces(&self, req: &Parts) -> Result<Vec<WorkspaceSummary>, AppError> {
        list(&self.state, &require(&self.state, &req.extensions).await?).await
    }

    async fn get_workspace(&self, req: &Parts, id: String) -> Result<Workspace, AppError> {
        get(
            &self.state,
            &require(&self.state, &req.extensions).await?,
            &id,
        )
        .await
    }

    async fn create_workspace(
        &self,
        req: &Parts,
        name: String,
        language: String,
    ) -> Result<WorkspaceSummary, AppError> {
        let auth = require(&self.state, &req.extensions).await?;
        create(&self.state, &auth, &self.meta(req), &name, &language).await
    }

    async fn rename_workspace(
        &self,
        req: &Parts,
        id: String,
        name: String,
    ) -> Result<(), AppError> {
        rename(
            &self.state,
            &require(&self.state, &req.extensions).await?,
            &id,
            &name,
        )
        .await
    }

    async fn save_workspace_code(
        &self,
        req: &Parts,
        id: String,
        code: String,
    ) -> Result<(), AppError> {
        save_code(
            &self.state,
            &require(&self.state, &req.extensions).await?,
            &id,
            code,
        )
        .await
    }

    async fn delete_workspace(&self, req: &Parts, id: String) -> Result<(), AppError> {
        delete(
            &self.state,
            &require(&self.state, &req.extensions).await?,
            &id,
        )
        .await
    }
}
