//! Owner-scoped writes. A row is changed or deleted only when it has the id asked for *and*
//! belongs to the caller, in one statement; when no row matched (it is missing, or it is another
//! user's) the answer is the same 404, so nobody learns of another user's rows. An id that is
//! not one of ours (any text a client sends, a NUL byte included, which PostgreSQL refuses in a
//! string) is that 404 too, without asking the database.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, UpdateMany};

use app::AppError;

use crate::kit::db_failed;
use crate::kit::ids::looks_like_id;

/// A table whose rows have an id and an owner.
pub(crate) trait Owned: EntityTrait {
    /// The row's id.
    const ID: Self::Column;
    /// The owning user's id.
    const OWNER: Self::Column;
}

/// Runs `update` on the row `id` of `user_id`; 404 `what` when there is none.
pub(crate) async fn update_owned<E: Owned>(
    db: &impl ConnectionTrait,
    update: UpdateMany<E>,
    id: &str,
    user_id: &str,
    what: &str,
) -> Result<(), AppError> {
    if !looks_like_id(id) {
        return Err(AppError::not_found(what));
    }
    let res = update
        .filter(E::ID.eq(id))
        .filter(E::OWNER.eq(user_id))
        .exec(db)
        .await
        .map_err(db_failed)?;
    found(res.rows_affected, what)
}

/// Deletes the row `id` of `user_id`; 404 `what` when there is none.
pub(crate) async fn delete_owned<E: Owned>(
    db: &impl ConnectionTrait,
    id: &str,
    user_id: &str,
    what: &str,
) -> Result<(), AppError> {
    if !looks_like_id(id) {
        return Err(AppError::not_found(what));
    }
    let res = E::delete_many()
        .filter(E::ID.eq(id))
        .filter(E::OWNER.eq(user_id))
        .exec(db)
        .await
        .map_err(db_failed)?;
    found(res.rows_affected, what)
}

/// "No row" is 404 `what`.
fn found(rows_affected: u64, what: &str) -> Result<(), AppError> {
    if rows_affected == 0 {
        return Err(AppError::not_found(what));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_row_is_not_found() {
        assert_eq!(found(0, "workspace").map_err(|e| e.status), Err(404));
        assert!(found(1, "workspace").is_ok());
    }
}
