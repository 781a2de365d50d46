//! Users: administrators manage them; standard users may list them (to pick agents).

use serde_json::json;
use tidings_domain::user::{validate_email, validate_password, validate_user_name, CreateUser, UpdateUser, User};
use tidings_domain::{FieldError, Role};

use crate::auth::password::PasswordWorkers;
use crate::auth::AuthUser;
use crate::clock::Clock;
use crate::db::connection::write_transaction;
use crate::db::users::{NewUser, UserChanges, UserRow};
use crate::db::{self, utc, DbConnection};
use crate::error::{ApiError, ApiResult};
use crate::services::audit;

pub fn to_user(row: UserRow) -> ApiResult<User> {
    let role = row.role;
    Ok(User {
        id: row.id,
        email: row.email,
        name: row.name,
        role,
        office_id: row.office_id,
        view_other_offices: row.view_other_offices && role.may_view_other_offices(),
        two_way_messaging: row.two_way_messaging,
        active: row.active,
        created_at: utc(row.created_at),
        updated_at: utc(row.updated_at),
    })
}

fn find(conn: &mut DbConnection, organisation_id: i64, id: i64) -> ApiResult<UserRow> {
    db::users::find(conn, organisation_id, id).map_err(|e| match e {
        diesel::result::Error::NotFound => ApiError::not_found("The user"),
        other => other.into(),
    })
}

/// Limited users may not browse the staff list; others see the whole organisation.
pub fn list(conn: &mut DbConnection, actor: &AuthUser, office_id: Option<i64>) -> ApiResult<Vec<User>> {
    if actor.role == Role::Limited {
        return Err(ApiError::forbidden("Limited users cannot list users."));
    }
    db::users::list(conn, actor.organisation_id, office_id)?.into_iter().map(to_user).collect()
}

pub fn get(conn: &mut DbConnection, actor: &AuthUser, id: i64) -> ApiResult<User> {
    let row = find(conn, actor.organisation_id, id)?;
    if actor.role == Role::Limited && row.id != actor.id {
        return Err(ApiError::forbidden("Limited users can only see their own account."));
    }
    to_user(row)
}

fn check_office(
    conn: &mut DbConnection,
    actor: &AuthUser,
    office_id: i64,
    errors: &mut Vec<FieldError>,
) -> ApiResult<()> {
    match db::offices::find(conn, actor.organisation_id, office_id) {
        Ok(_) => Ok(()),
        Err(diesel::result::Error::NotFound) => {
            errors.push(FieldError::new("office_id", "no such office in your organisation"));
            Ok(())
        }
        Err(other) => Err(other.into()),
    }
}

/// A password's hash, made before the database is asked (hashing is slow on purpose):
/// on the bounded password workers, never while a pooled connection waits. `None` when
/// there is no password or it is refused anyway (the service names why).
pub async fn hash_new_password(
    passwords: &PasswordWorkers,
    actor: &AuthUser,
    password: Option<&str>,
) -> ApiResult<Option<String>> {
    actor.require_admin()?;
    let Some(password) = password else { return Ok(None) };
    let mut errors = Vec::new();
    validate_password(password, &mut errors);
    if !errors.is_empty() {
        return Ok(None);
    }
    passwords.hash(password.to_owned()).await.map(Some)
}

/// `password_hash` is [`hash_new_password`]'s for `input.password`.
pub fn create(
    conn: &mut DbConnection,
    actor: &AuthUser,
    clock: &dyn Clock,
    input: CreateUser,
    password_hash: Option<String>,
) -> ApiResult<User> {
    actor.require_admin()?;
    let mut errors = Vec::new();
    let email = validate_email(&input.email, &mut errors);
    let name = validate_user_name(&input.name, &mut errors);
    validate_password(&input.password, &mut errors);
    check_office(conn, actor, input.office_id, &mut errors)?;
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let hash = password_hash.ok_or_else(|| ApiError::internal("a new user's password was not hashed"))?;
    let now = clock.now_naive();
    write_transaction(conn, |conn| {
        if db::users::find_by_email(conn, &email)?.is_some() {
            return Err(ApiError::conflict("A user with this email already exists."));
        }
        let id = db::users::insert(
            conn,
            &NewUser {
                organisation_id: actor.organisation_id,
                office_id: input.office_id,
                email: &email,
                name: &name,
                password_hash: &hash,
                role: input.role,
                view_other_offices: input.view_other_offices,
                two_way_messaging: input.two_way_messaging,
                active: true,
                created_at: now,
                updated_at: now,
            },
        )?;
        audit::record(
            conn,
            actor,
            "user",
            id,
            "created",
            &json!({"email": email, "role": input.role, "office_id": input.office_id}),
            now,
        )?;
        to_user(find(conn, actor.organisation_id, id)?)
    })
}

/// `password_hash` is [`hash_new_password`]'s for `input.password`.
pub fn update(
    conn: &mut DbConnection,
    actor: &AuthUser,
    clock: &dyn Clock,
    id: i64,
    input: UpdateUser,
    password_hash: Option<String>,
) -> ApiResult<User> {
    actor.require_admin()?;
    let mut errors = Vec::new();
    let name = input.name.as_deref().map(|n| validate_user_name(n, &mut errors));
    if let Some(password) = &input.password {
        validate_password(password, &mut errors);
    }
    if let Some(office_id) = input.office_id {
        check_office(conn, actor, office_id, &mut errors)?;
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    if input.password.is_some() && password_hash.is_none() {
        return Err(ApiError::internal("a user's new password was not hashed"));
    }
    let now = clock.now_naive();
    write_transaction(conn, |conn| {
        let current = find(conn, actor.organisation_id, id)?;
        let demotes_admin = current.role == Role::Administrative
            && current.active
            && (input.role.is_some_and(|r| r != Role::Administrative) || input.active == Some(false));
        if demotes_admin && db::users::count_active_admins(conn, actor.organisation_id)? <= 1 {
            return Err(ApiError::conflict("The organisation needs at least one active administrative user."));
        }
        let changes = UserChanges {
            name: name.clone(),
            password_hash,
            role: input.role,
            office_id: input.office_id,
            view_other_offices: input.view_other_offices,
            two_way_messaging: input.two_way_messaging,
            active: input.active,
            updated_at: Some(now),
        };
        db::users::update(conn, actor.organisation_id, id, &changes)?;
        // A new password, another role or a deactivation ends the user's sessions
        // everywhere: what they were signed in as no longer holds.
        let ends_sessions = input.password.is_some()
            || input.role.is_some_and(|role| role != current.role)
            || (input.active == Some(false) && current.active);
        if ends_sessions {
            db::users::end_sessions(conn, id)?;
        }
        audit::record(
            conn,
            actor,
            "user",
            id,
            "updated",
            &json!({
                "name": name,
                "password_changed": input.password.is_some(),
                "role": input.role,
                "office_id": input.office_id,
                "view_other_offices": input.view_other_offices,
                "two_way_messaging": input.two_way_messaging,
                "active": input.active,
            }),
            now,
        )?;
        to_user(find(conn, actor.organisation_id, id)?)
    })
}

/// Deactivates a user: they can no longer sign in; their history stays.
pub fn deactivate(conn: &mut DbConnection, actor: &AuthUser, clock: &dyn Clock, id: i64) -> ApiResult<()> {
    if actor.id == id {
        actor.require_admin()?;
        return Err(ApiError::conflict("You cannot deactivate your own account."));
    }
    update(conn, actor, clock, id, UpdateUser { active: Some(false), ..UpdateUser::default() }, None).map(|_| ())
}
