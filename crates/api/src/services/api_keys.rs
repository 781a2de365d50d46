//! API keys for integrations: administrators create (shown once), list and revoke them.

use serde_json::json;
use tidings_domain::auth::{ApiKey, CreateApiKey, CreatedApiKey, API_KEY_NAME_MAX};
use tidings_domain::FieldError;

use crate::auth::{api_key, AuthUser};
use crate::clock::Clock;
use crate::db::api_keys::{ApiKeyRow, NewApiKey};
use crate::db::connection::write_transaction;
use crate::db::{self, utc, DbConnection};
use crate::error::{ApiError, ApiResult};
use crate::services::audit;

fn to_api_key(row: ApiKeyRow) -> ApiKey {
    ApiKey {
        id: row.id,
        name: row.name,
        prefix: row.prefix,
        user_id: row.user_id,
        created_at: utc(row.created_at),
        last_used_at: row.last_used_at.map(utc),
        revoked_at: row.revoked_at.map(utc),
    }
}

pub fn list(conn: &mut DbConnection, actor: &AuthUser) -> ApiResult<Vec<ApiKey>> {
    actor.require_admin()?;
    Ok(db::api_keys::list(conn, actor.organisation_id)?.into_iter().map(to_api_key).collect())
}

pub fn create(
    conn: &mut DbConnection,
    actor: &AuthUser,
    clock: &dyn Clock,
    input: CreateApiKey,
) -> ApiResult<CreatedApiKey> {
    actor.require_admin()?;
    let name = input.name.trim().to_owned();
    let mut errors = Vec::new();
    if name.is_empty() || name.chars().count() > API_KEY_NAME_MAX {
        errors.push(FieldError::new("name", format!("must be 1 to {API_KEY_NAME_MAX} characters")));
    }
    let user_id = input.user_id.unwrap_or(actor.id);
    match db::users::find(conn, actor.organisation_id, user_id) {
        Ok(user) if user.active => {}
        Ok(_) => errors.push(FieldError::new("user_id", "the user is deactivated")),
        Err(diesel::result::Error::NotFound) => {
            errors.push(FieldError::new("user_id", "no such user in your organisation"))
        }
        Err(other) => return Err(other.into()),
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let generated = api_key::generate();
    let now = clock.now_naive();
    write_transaction(conn, |conn| {
        let id = db::api_keys::insert(
            conn,
            &NewApiKey {
                organisation_id: actor.organisation_id,
                user_id,
                name: &name,
                prefix: &generated.prefix,
                key_hash: &generated.hash,
                created_at: now,
            },
        )?;
        audit::record(conn, actor, "api_key", id, "created", &json!({"name": name, "user_id": user_id}), now)?;
        let row = db::api_keys::find(conn, actor.organisation_id, id)?;
        Ok(CreatedApiKey { key: generated.secret.clone(), api_key: to_api_key(row) })
    })
}

pub fn revoke(conn: &mut DbConnection, actor: &AuthUser, clock: &dyn Clock, id: i64) -> ApiResult<()> {
    actor.require_admin()?;
    let now = clock.now_naive();
    write_transaction(conn, |conn| {
        let key = db::api_keys::find(conn, actor.organisation_id, id).map_err(|e| match e {
            diesel::result::Error::NotFound => ApiError::not_found("The API key"),
            other => other.into(),
        })?;
        if key.revoked_at.is_some() {
            return Ok(());
        }
        db::api_keys::revoke(conn, actor.organisation_id, id, now)?;
        audit::record(conn, actor, "api_key", id, "revoked", &json!({"name": key.name}), now)?;
        Ok(())
    })
}
