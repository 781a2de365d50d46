//! Whether this server can serve: the database answers and every migration is applied
//! (`/readyz`).

use crate::db::connection::migrations_pending;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Ready, or a 503 that says why not.
pub async fn check(state: &AppState) -> ApiResult<()> {
    let pending = state
        .db(|conn| {
            migrations_pending(conn).map_err(|e| {
                tracing::warn!(error = %e, "readiness check failed");
                ApiError::unavailable("The database is not ready.")
            })
        })
        .await?;
    if pending {
        return Err(ApiError::unavailable("Database migrations are pending; run `tidings migrate`."));
    }
    Ok(())
}
