//! Changing the password: the current-password check is throttled like a sign-in, and the change
//! ends every session signed in with the old password.
//!
//! The check takes a slot of the per-address password limit (refunded on success) and counts an
//! attempt in the same database bucket a sign-in to the account would use, before Argon2. The
//! change bumps the user's auth stamp in the same statement that stores the new hash, compared
//! with the stamp read beside the hash that was checked; the session store refuses every session
//! recorded under an older stamp, including one whose sign-in checked the old password before the
//! change and created its session after. The caller's own session gets a new id and the new stamp.

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, TransactionTrait};
use secrecy::SecretString;

use app::AppError;

use crate::auth::usecases::{end_other_sessions, Browser};
use crate::auth::{device, session, throttle, AuthUser, Password};
use crate::entities::user;
use crate::kit::db_failed;
use crate::rate_limit::ip_key;
use crate::state::AppState;

/// Changes the caller's password after checking the current one; every other session ends.
pub async fn change_password(
    state: &AppState,
    auth: &AuthUser,
    browser: &Browser<'_>,
    current: SecretString,
    new: SecretString,
) -> Result<(), AppError> {
    let now = state.clock.unix();
    let slot = state
        .limits
        .password_ip
        .try_acquire(&ip_key(browser.meta.ip), now)?;
    let current = Password::for_sign_in(current)?;
    let new = Password::parse(new)?;
    let u = user::Entity::find_by_id(auth.user_id.clone())
        .one(&state.db)
        .await
        .map_err(db_failed)?
        .ok_or_else(AppError::unauthenticated)?;
    let bucket = match device::recognise(state, browser.cookies, &u.id) {
        Some(known) => throttle::device(&known),
        None => throttle::account(&u.email),
    };
    throttle::take_attempt(&state.db, &bucket, now).await?;
    if !state
        .hasher
        .verify(&current, Some(&u.password_hash))
        .await?
    {
        tracing::info!(user.id = %u.id, "password change refused: wrong current password");
        return Err(AppError::new(
            403,
            "Wrong password",
            "Your current password is incorrect.",
        ));
    }
    throttle::clear(&state.db, &bucket).await?;
    state.limits.password_ip.refund(slot);
    let hash = state.hasher.hash(&new).await?;
    let stamp = u.auth_stamp.saturating_add(1);
    let txn = state.db.begin().await.map_err(db_failed)?;
    let changed = user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, Expr::value(hash))
        .col_expr(user::Column::AuthStamp, Expr::value(stamp))
        .col_expr(user::Column::UpdatedAt, Expr::value(state.clock.now()))
        .filter(user::Column::Id.eq(u.id.as_str()))
        // The password checked above must still be the current one.
        .filter(user::Column::AuthStamp.eq(u.auth_stamp))
        .exec(&txn)
        .await
        .map_err(db_failed)?;
    crate::cache::announce(&txn, &u.id)
        .await
        .map_err(db_failed)?;
    txn.commit().await.map_err(db_failed)?;
    state.cache.forget_user(&u.id);
    if changed.rows_affected == 0 {
        return Err(AppError::new(
            409,
            "Password changed elsewhere",
            "Your password was changed at the same moment somewhere else. Please sign in again.",
        ));
    }
    let ended = end_other_sessions(state, auth).await?;
    session::renew(&auth.session, stamp).await?;
    tracing::info!(user.id = %u.id, sessions.ended = ended, "password changed");
    Ok(())
}
