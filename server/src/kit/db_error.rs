//! The one mapping of a database error to what the caller sees: logged once here, answered as a
//! 503 that carries none of its text.

use app::AppError;

/// Logs `e` and answers "temporarily unavailable".
pub(crate) fn db_failed(e: sea_orm::DbErr) -> AppError {
    tracing::error!(error = %e, "database query failed");
    AppError::unavailable()
}
