//! `/api/v1/templates`: the template library. Everyone with the messaging permission
//! reads; administrative and standard users create, edit and delete.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use serde::Deserialize;
use tidings_domain::template_wire::{CreateMessageTemplate, MessageTemplate, UpdateMessageTemplate};
use tidings_domain::Problem;
use utoipa::IntoParams;

use crate::auth::AuthUser;
use crate::error::ApiResult;
use crate::http::json::JsonBody;
use crate::http::query::{comma_list, Query};
use crate::http::ItemList;
use crate::services::message_templates::{self, TemplateFilter};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct TemplateListQuery {
    /// Case-insensitive search in the name and the text.
    pub q: Option<String>,
    /// Comma-separated tags; a template matches when it carries ANY of them
    /// (case-insensitive).
    pub tags: Option<String>,
    /// The templates for this office: the organisation's and the office's own.
    pub office_id: Option<i64>,
}

/// The templates this user may use, by name: the organisation's and those of the
/// offices the user sees. An organisation keeps at most 1000, so the list is not paged.
#[utoipa::path(
    tag = "templates",
    params(TemplateListQuery),
    responses(
        (status = 200, description = "Templates by name", body = ItemList<MessageTemplate>),
        (status = 400, description = "Bad query value", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "No two-way messaging permission", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/api/v1/templates")]
pub async fn list_templates(
    state: web::Data<AppState>,
    user: AuthUser,
    query: Query<TemplateListQuery>,
) -> ApiResult<web::Json<ItemList<MessageTemplate>>> {
    let query = query.into_inner();
    let filter = TemplateFilter { q: query.q, tags: comma_list(query.tags), office_id: query.office_id };
    state.db(move |conn| message_templates::list(conn, &user, filter)).await.map(|items| web::Json(ItemList { items }))
}

/// One template.
#[utoipa::path(
    tag = "templates",
    params(("id" = i64, Path, description = "Template id")),
    responses(
        (status = 200, description = "The template", body = MessageTemplate),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "No two-way messaging permission", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such template, or another office's", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/api/v1/templates/{id}")]
pub async fn get_template(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<web::Json<MessageTemplate>> {
    let id = id.into_inner();
    state.db(move |conn| message_templates::get(conn, &user, id)).await.map(web::Json)
}

/// Save a template for the organisation or one office (administrative and standard
/// users; an office they see).
#[utoipa::path(
    tag = "templates",
    request_body = CreateMessageTemplate,
    responses(
        (status = 201, description = "Created", body = MessageTemplate),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A limited user, or no two-way messaging permission", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The name is taken, or the organisation keeps 1000 templates already", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/api/v1/templates")]
pub async fn create_template(
    state: web::Data<AppState>,
    user: AuthUser,
    body: JsonBody<CreateMessageTemplate>,
) -> ApiResult<HttpResponse> {
    let clock = state.clock.clone();
    let input = body.into_inner();
    let template = state.db(move |conn| message_templates::create(conn, &user, clock.as_ref(), input)).await?;
    Ok(HttpResponse::Created().json(template))
}

/// Change a template's name, text, office or tags.
#[utoipa::path(
    tag = "templates",
    params(("id" = i64, Path, description = "Template id")),
    request_body = UpdateMessageTemplate,
    responses(
        (status = 200, description = "Updated", body = MessageTemplate),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A limited user, or no two-way messaging permission", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such template, or another office's", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The name is taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/api/v1/templates/{id}")]
pub async fn update_template(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: JsonBody<UpdateMessageTemplate>,
) -> ApiResult<web::Json<MessageTemplate>> {
    let clock = state.clock.clone();
    let (id, input) = (id.into_inner(), body.into_inner());
    state.db(move |conn| message_templates::update(conn, &user, clock.as_ref(), id, input)).await.map(web::Json)
}

/// Delete a template. Campaigns that used it keep their own copy of the text.
#[utoipa::path(
    tag = "templates",
    params(("id" = i64, Path, description = "Template id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A limited user, or no two-way messaging permission", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such template, or another office's", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[delete("/api/v1/templates/{id}")]
pub async fn delete_template(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let clock = state.clock.clone();
    let id = id.into_inner();
    state.db(move |conn| message_templates::delete(conn, &user, clock.as_ref(), id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// This resource's routes, in matching order.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(list_templates)
        .service(create_template)
        .service(get_template)
        .service(update_template)
        .service(delete_template);
}
