//! Conversation assignment: one agent takes a conversation, which then sits in their
//! personal inbox and in no other inbox until it is reassigned or unassigned. Who may
//! be given it, the change itself (audited, announced as `conversation.updated`) and the
//! conversation's history where that shows.

use serde_json::json;
use tidings_domain::campaign_wire::AuditEntry;
use tidings_domain::conversation_wire::Assignee;

use crate::auth::AuthUser;
use crate::db::conversations::{ConversationChanges, ConversationRow};
use crate::db::users::UserRow;
use crate::db::{self, DbConnection};
use crate::error::{ApiError, ApiResult};
use crate::services::audit;
use crate::services::conversations::{load, load_to_work, ENTITY};

/// Whether `user` may be given a conversation of `office_id`: an active user with the
/// messaging permission who sees that office.
fn may_take(user: &UserRow, office_id: i64) -> ApiResult<bool> {
    if !user.active {
        return Ok(false);
    }
    let user = AuthUser::acting_as(user.clone())?;
    Ok(user.two_way_messaging && user.sees_office(office_id))
}

/// `GET /conversations/{id}/assignees`: the users the conversation may be assigned to,
/// by name (for whoever may work it).
pub fn assignees(conn: &mut DbConnection, actor: &AuthUser, id: i64) -> ApiResult<Vec<Assignee>> {
    let row = load_to_work(conn, actor, id)?;
    let mut candidates = Vec::new();
    for user in db::users::list(conn, actor.organisation_id, None)? {
        if may_take(&user, row.office_id)? {
            candidates.push(Assignee { id: user.id, name: user.name });
        }
    }
    candidates.sort_by(|a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase()).then(a.id.cmp(&b.id)));
    Ok(candidates)
}

/// Puts an assignment (`Some(user)`) or its removal (`None`) into `changes` and the
/// audit trail, inside the caller's transaction. Assigning to whoever has it already
/// changes nothing and records nothing.
pub fn assign(
    conn: &mut DbConnection,
    actor: &AuthUser,
    row: &ConversationRow,
    assignee: Option<i64>,
    changes: &mut ConversationChanges,
    stamp: chrono::NaiveDateTime,
) -> ApiResult<()> {
    if row.assigned_user_id == assignee {
        return Ok(());
    }
    let Some(user_id) = assignee else {
        changes.assigned_user_id = Some(None);
        return audit::record(conn, actor, ENTITY, row.id, "unassigned", &json!({}), stamp);
    };
    let user = match db::users::find(conn, actor.organisation_id, user_id) {
        Ok(user) => user,
        Err(diesel::result::Error::NotFound) => {
            return Err(ApiError::invalid("assigned_user_id", "no such user in your organisation"));
        }
        Err(other) => return Err(other.into()),
    };
    if !may_take(&user, row.office_id)? {
        return Err(ApiError::invalid(
            "assigned_user_id",
            format!("{} cannot take this conversation: they need the messaging permission and its office", user.name),
        ));
    }
    changes.assigned_user_id = Some(Some(user.id));
    audit::record(conn, actor, ENTITY, row.id, "assigned", &json!({ "to": user.name }), stamp)
}

/// `GET /conversations/{id}/audit`: who assigned, changed or opted out the conversation
/// and when, oldest first (for whoever may read it).
pub fn history(conn: &mut DbConnection, actor: &AuthUser, id: i64) -> ApiResult<Vec<AuditEntry>> {
    let row = load(conn, actor, id)?;
    audit::trail(conn, actor.organisation_id, ENTITY, row.id)
}
