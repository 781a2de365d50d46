//! The template library: saved messages staff reuse in the wizard, the composer and
//! the assistant script editor. Everyone with the messaging permission reads the
//! organisation's templates and those of the offices they see; administrative and
//! standard users create, edit and delete them within the offices they see.

use serde_json::json;
use tidings_domain::tags::tag_key;
use tidings_domain::template_wire::{
    validate_template_body, validate_template_name, validate_template_tags, CreateMessageTemplate, MessageTemplate,
    UpdateMessageTemplate, TEMPLATES_PER_ORGANISATION_MAX,
};
use tidings_domain::FieldError;

use crate::auth::AuthUser;
use crate::clock::Clock;
use crate::db::connection::write_transaction;
use crate::db::message_templates::{MessageTemplateChanges, MessageTemplateRow, NewMessageTemplate};
use crate::db::{self, utc, DbConnection};
use crate::error::{ApiError, ApiResult};
use crate::services::audit;

/// What `GET /templates` narrows the list to.
#[derive(Debug, Default)]
pub struct TemplateFilter {
    /// Case-insensitive search in the name and the body.
    pub q: Option<String>,
    /// Templates carrying any of these tags.
    pub tags: Vec<String>,
    /// The templates for one office: the organisation's and that office's own.
    pub office_id: Option<i64>,
}

fn to_template(row: MessageTemplateRow) -> MessageTemplate {
    let (placeholders, segments) = MessageTemplate::derived(&row.body);
    MessageTemplate {
        id: row.id,
        tags: serde_json::from_str(&row.tags).unwrap_or_default(),
        name: row.name,
        body: row.body,
        office_id: row.office_id,
        placeholders,
        segments,
        created_by: row.created_by,
        created_at: utc(row.created_at),
        updated_at: utc(row.updated_at),
    }
}

/// Whether `actor` may read a template of `office_id` (`None`: the organisation's).
fn sees(actor: &AuthUser, office_id: Option<i64>) -> bool {
    office_id.is_none_or(|office| actor.sees_office(office))
}

pub fn list(conn: &mut DbConnection, actor: &AuthUser, filter: TemplateFilter) -> ApiResult<Vec<MessageTemplate>> {
    actor.require_messaging()?;
    let needle = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()).map(str::to_lowercase);
    let wanted_tags: Vec<String> = filter.tags.iter().map(|t| tag_key(t)).collect();
    Ok(db::message_templates::list(conn, actor.organisation_id)?
        .into_iter()
        .filter(|row| sees(actor, row.office_id))
        .filter(|row| filter.office_id.is_none_or(|office| row.office_id.is_none_or(|own| own == office)))
        .filter(|row| {
            needle.as_ref().is_none_or(|q| row.name.to_lowercase().contains(q) || row.body.to_lowercase().contains(q))
        })
        .map(to_template)
        .filter(|template| {
            wanted_tags.is_empty() || template.tags.iter().any(|tag| wanted_tags.contains(&tag_key(tag)))
        })
        .collect())
}

pub fn get(conn: &mut DbConnection, actor: &AuthUser, id: i64) -> ApiResult<MessageTemplate> {
    actor.require_messaging()?;
    find_visible(conn, actor, id).map(to_template)
}

/// A template the actor may read; others' and unseen offices' are "not found".
fn find_visible(conn: &mut DbConnection, actor: &AuthUser, id: i64) -> ApiResult<MessageTemplateRow> {
    match db::message_templates::find(conn, actor.organisation_id, id) {
        Ok(row) if sees(actor, row.office_id) => Ok(row),
        Ok(_) | Err(diesel::result::Error::NotFound) => Err(ApiError::not_found("The template")),
        Err(other) => Err(other.into()),
    }
}

/// Checks the office a template is given: one of the organisation's that the actor sees.
fn check_office(
    conn: &mut DbConnection,
    actor: &AuthUser,
    office_id: Option<i64>,
    errors: &mut Vec<FieldError>,
) -> ApiResult<()> {
    let Some(office_id) = office_id else { return Ok(()) };
    match db::offices::find(conn, actor.organisation_id, office_id) {
        Ok(_) if actor.sees_office(office_id) => {}
        Ok(_) => errors.push(FieldError::new("office_id", "you may not manage another office's templates")),
        Err(diesel::result::Error::NotFound) => {
            errors.push(FieldError::new("office_id", "no such office in your organisation"))
        }
        Err(other) => return Err(other.into()),
    }
    Ok(())
}

fn name_conflict(name: &str) -> ApiError {
    ApiError::conflict(format!("A template named '{name}' already exists; choose another name."))
}

fn tags_json(tags: &[String]) -> ApiResult<String> {
    serde_json::to_string(tags).map_err(ApiError::internal)
}

pub fn create(
    conn: &mut DbConnection,
    actor: &AuthUser,
    clock: &dyn Clock,
    input: CreateMessageTemplate,
) -> ApiResult<MessageTemplate> {
    actor.require_campaign_manager()?;
    let mut errors = Vec::new();
    let name = validate_template_name(&input.name, &mut errors);
    validate_template_body(&input.body, &mut errors);
    let tags = validate_template_tags(&input.tags, &mut errors);
    check_office(conn, actor, input.office_id, &mut errors)?;
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let now = clock.now_naive();
    let name_key = name.to_lowercase();
    let tags = tags_json(&tags)?;
    write_transaction(conn, |conn| {
        if db::message_templates::name_taken(conn, actor.organisation_id, &name_key, None)? {
            return Err(name_conflict(&name));
        }
        if db::message_templates::count(conn, actor.organisation_id)? >= TEMPLATES_PER_ORGANISATION_MAX {
            return Err(ApiError::conflict(format!(
                "The organisation already keeps {TEMPLATES_PER_ORGANISATION_MAX} templates, the most it may; \
                 delete one first."
            )));
        }
        let id = db::message_templates::insert(
            conn,
            &NewMessageTemplate {
                organisation_id: actor.organisation_id,
                office_id: input.office_id,
                name: &name,
                name_key: &name_key,
                body: &input.body,
                tags: &tags,
                created_by: Some(actor.id),
                created_at: now,
                updated_at: now,
            },
        )?;
        audit::record(
            conn,
            actor,
            "template",
            id,
            "created",
            &json!({"name": name, "office_id": input.office_id}),
            now,
        )?;
        find_visible(conn, actor, id).map(to_template)
    })
}

pub fn update(
    conn: &mut DbConnection,
    actor: &AuthUser,
    clock: &dyn Clock,
    id: i64,
    input: UpdateMessageTemplate,
) -> ApiResult<MessageTemplate> {
    actor.require_campaign_manager()?;
    let existing = find_visible(conn, actor, id)?;
    let mut errors = Vec::new();
    let name = input.name.as_deref().map(|name| validate_template_name(name, &mut errors));
    if let Some(body) = &input.body {
        validate_template_body(body, &mut errors);
    }
    let tags = input.tags.as_deref().map(|tags| validate_template_tags(tags, &mut errors));
    if let Some(office_id) = input.office_id {
        check_office(conn, actor, office_id, &mut errors)?;
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let now = clock.now_naive();
    let changes = MessageTemplateChanges {
        office_id: input.office_id,
        name_key: name.as_ref().map(|name| name.to_lowercase()),
        name: name.clone(),
        body: input.body.clone(),
        tags: tags.as_deref().map(tags_json).transpose()?,
        updated_at: Some(now),
    };
    write_transaction(conn, |conn| {
        if let (Some(name), Some(key)) = (&changes.name, &changes.name_key) {
            if db::message_templates::name_taken(conn, actor.organisation_id, key, Some(id))? {
                return Err(name_conflict(name));
            }
        }
        db::message_templates::update(conn, actor.organisation_id, id, &changes)?;
        let changed: Vec<&str> = [
            ("name", changes.name.is_some()),
            ("body", changes.body.is_some()),
            ("office_id", changes.office_id.is_some()),
            ("tags", changes.tags.is_some()),
        ]
        .into_iter()
        .filter_map(|(field, changed)| changed.then_some(field))
        .collect();
        let name = changes.name.as_deref().unwrap_or(&existing.name);
        audit::record(conn, actor, "template", id, "updated", &json!({"name": name, "changed": changed}), now)?;
        find_visible(conn, actor, id).map(to_template)
    })
}

pub fn delete(conn: &mut DbConnection, actor: &AuthUser, clock: &dyn Clock, id: i64) -> ApiResult<()> {
    actor.require_campaign_manager()?;
    let now = clock.now_naive();
    write_transaction(conn, |conn| {
        let existing = find_visible(conn, actor, id)?;
        db::message_templates::delete(conn, actor.organisation_id, id)?;
        audit::record(conn, actor, "template", id, "deleted", &json!({"name": existing.name}), now)?;
        Ok(())
    })
}
