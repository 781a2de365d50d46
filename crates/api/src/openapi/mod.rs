//! The OpenAPI document: every handler's `#[utoipa::path]` gathered in one place.

use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::http;

mod limits;
mod links;

/// The API's OpenAPI description, served at `/api/openapi.json` and committed as
/// `openapi/openapi.json`.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Tidings API",
        description = "Two-way SMS campaigns for organisations with many offices. Errors are RFC 9457 \
                       `application/problem+json`. Authenticate with `Authorization: Bearer <token>` \
                       (from `/api/v1/auth/login`) or `Bearer <API key>`.",
        license(name = "MIT")
    ),
    paths(
        http::ops::healthz,
        http::ops::readyz,
        http::ops::metrics,
        http::auth::login,
        http::auth::logout,
        http::auth::get_me,
        http::audit::audit_log,
        http::organisation::get_organisation,
        http::organisation::update_organisation,
        http::offices::list_offices,
        http::offices::create_office,
        http::offices::get_office,
        http::offices::update_office,
        http::offices::delete_office,
        http::users::list_users,
        http::users::create_user,
        http::users::get_user,
        http::users::update_user,
        http::users::delete_user,
        http::api_keys::list_api_keys,
        http::api_keys::create_api_key,
        http::api_keys::delete_api_key,
        http::campaigns::get_calendar,
        http::campaigns::list_campaigns,
        http::campaigns::create_campaign,
        http::campaigns::get_campaign,
        http::campaigns::update_campaign,
        http::campaigns::launch_campaign,
        http::campaigns::schedule_campaign,
        http::campaigns::unschedule_campaign,
        http::campaigns::pause_campaign,
        http::campaigns::resume_campaign,
        http::campaigns::archive_campaign,
        http::campaigns::clone_campaign,
        http::campaigns::get_campaign_audit,
        http::campaigns::list_tags,
        http::phone_numbers::list_phone_numbers,
        http::phone_numbers::create_phone_number,
        http::phone_numbers::get_phone_number,
        http::phone_numbers::update_phone_number,
        http::phone_numbers::delete_phone_number,
        http::phone_numbers::get_unsolicited_settings,
        http::phone_numbers::set_unsolicited_settings,
        http::contact_lists::estimate_contact_list,
        http::contact_lists::list_contact_lists,
        http::contact_lists::create_contact_list,
        http::contact_lists::get_contact_list,
        http::contact_lists::list_contact_list_contacts,
        http::contact_lists::delete_contact_list,
        http::messages::list_campaign_messages,
        http::insight::list_campaign_contacts,
        http::insight::export_campaign_contacts,
        http::insight::preview_campaign_contact,
        http::insight::opt_out_campaign_contact,
        http::insight::get_campaign_analytics,
        http::message_templates::list_templates,
        http::message_templates::create_template,
        http::message_templates::get_template,
        http::message_templates::update_template,
        http::message_templates::delete_template,
        http::transcripts::export_campaign_transcript,
        http::transcripts::export_conversation_transcript,
        http::conversations::list_campaign_conversations,
        http::conversations::list_campaign_conversation_tags,
        http::conversations::get_conversation,
        http::conversations::list_conversation_messages,
        http::conversations::reply_in_conversation,
        http::conversations::update_conversation,
        http::conversations::opt_out_conversation,
        http::conversations::list_conversation_assignees,
        http::conversations::get_conversation_audit,
        http::conversations::bulk_conversation_action,
        http::conversations::start_conversation,
        http::conversations::get_inbox_counts,
        http::conversations::get_inbox,
        http::opt_outs::list_opt_outs,
        http::opt_outs::add_opt_out,
        http::opt_outs::lift_opt_out,
        http::opt_outs::get_opt_out_audit,
        http::simulator::simulate_inbound,
        http::events::create_stream_ticket,
        http::events::get_events,
        http::webhooks::twilio_status,
        http::webhooks::twilio_inbound,
    ),
    components(schemas(
        tidings_domain::Problem,
        tidings_domain::FieldError,
        tidings_domain::event_wire::EventKind,
        tidings_domain::event_wire::StreamTicket,
        tidings_domain::event_wire::MessageCreatedEvent,
        tidings_domain::event_wire::MessageStatusEvent,
        tidings_domain::event_wire::ConversationUpdatedEvent,
        tidings_domain::event_wire::CampaignUpdatedEvent,
    )),
    modifiers(&BearerAuth, &CommonResponses, &StatedLimits, &CreateLinks),
    tags(
        (name = "auth", description = "Signing in and out"),
        (name = "organisation", description = "The organisation's settings: texting hours"),
        (name = "offices", description = "Offices of the organisation"),
        (name = "users", description = "Staff accounts"),
        (name = "api-keys", description = "Keys for integrations"),
        (name = "campaigns", description = "Campaigns: the four tabs, the calendar, state changes"),
        (name = "phone-numbers", description = "Reusable and single-use phone numbers and their unsolicited message settings"),
        (name = "contact-lists", description = "Contact lists: CSV or JSON import, contacts, deletion"),
        (name = "templates", description = "The template library: saved messages for campaigns, replies and the assistant"),
        (name = "messages", description = "Messages and their delivery status"),
        (name = "conversations", description = "Conversations: the Activity tab, transcripts, replies, inboxes"),
        (name = "opt-outs", description = "The organisation's suppression list"),
        (name = "audit", description = "The organisation's audit log (administrators)"),
        (name = "simulator", description = "Simulated contact replies (simulator provider only)"),
        (name = "events", description = "Live updates (Server-Sent Events)"),
        (name = "webhooks", description = "Provider callbacks (Twilio), signed with X-Twilio-Signature"),
        (name = "operations", description = "Health, readiness and metrics"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let bearer = |description: &str| {
            SecurityScheme::Http(
                HttpBuilder::new().scheme(HttpAuthScheme::Bearer).description(Some(description)).build(),
            )
        };
        components
            .add_security_scheme("bearer", bearer("A session token from /api/v1/auth/login, or an API key (tdk_…)."));
        components.add_security_scheme(
            "metrics_token",
            bearer("TIDINGS_METRICS_TOKEN, when the server sets one (GET /metrics only)."),
        );
        // Only the event stream takes it: a browser's EventSource cannot set headers,
        // and no long-lived credential may go into a URL.
        components.add_security_scheme(
            "stream_ticket",
            SecurityScheme::ApiKey(ApiKey::Query(ApiKeyValue::with_description(
                "ticket",
                "A single-use ticket from POST /api/v1/events/tickets, for GET /api/v1/events only.",
            ))),
        );
    }
}

/// Every limit the server enforces on a body, stated on its schema (`limits`).
struct StatedLimits;

impl Modify for StatedLimits {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        limits::state_limits(openapi);
    }
}

/// Links from each create to the operations on what it created (`links`).
struct CreateLinks;

impl Modify for CreateLinks {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        links::link_creates(openapi);
    }
}

/// The answers every operation of a kind can give, whatever its handler: a missing or
/// ended session (401), a body that is not JSON, too large or of another media type
/// (400, 413, 415), a query parameter that is not valid (400), a path id that is not
/// one (404), and the database unavailable (503 with `Retry-After`). Added here once,
/// where a handler's own description does not already say it, so the document lists
/// every status the server can send.
struct CommonResponses;

impl Modify for CommonResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            if let Some(post) = item.post.as_mut() {
                add_idempotency_key(path, post);
            }
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
                &mut item.head,
                &mut item.options,
                &mut item.trace,
            ];
            for operation in operations.into_iter().flatten() {
                add_common_responses(path, operation);
            }
        }
    }
}

/// Whether `operation` takes the bearer credential of a signed-in caller.
fn signed_in(operation: &utoipa::openapi::path::Operation) -> bool {
    operation.security.as_ref().is_some_and(|requirements| {
        requirements.iter().any(|r| serde_json::to_value(r).is_ok_and(|v| v.get("bearer").is_some()))
    })
}

/// Every signed-in POST of the API takes an `Idempotency-Key` (`http::idempotency`).
fn add_idempotency_key(path: &str, operation: &mut utoipa::openapi::path::Operation) {
    use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
    use utoipa::openapi::{ObjectBuilder, Required, Type};
    let signed_in = signed_in(operation);
    if !signed_in || !path.starts_with("/api/v1/") {
        return;
    }
    let key = ParameterBuilder::new()
        .name(crate::http::idempotency::HEADER)
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(
            "Makes a retry safe: the first answer is kept 24 hours per organisation and key, and a request \
             with the same key gets it again (with `Idempotent-Replayed: true`) instead of being done twice. \
             The same key with a different request is a 422; while the first is still running, a 409.",
        ))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(crate::http::idempotency::MAX_KEY_LENGTH))
                .pattern(Some("^[!-~]+$")),
        ))
        .build();
    operation.parameters.get_or_insert_with(Vec::new).push(key);
    let responses = &mut operation.responses.responses;
    responses
        .entry("409".to_owned())
        .or_insert_with(|| problem_response("A request with this Idempotency-Key is still running"));
    responses.entry("422".to_owned()).or_insert_with(|| {
        problem_response("Invalid fields, or the Idempotency-Key was used with a different request")
    });
    responses.entry("400".to_owned()).or_insert_with(|| problem_response("The Idempotency-Key is not valid"));
}

fn add_common_responses(path: &str, operation: &mut utoipa::openapi::path::Operation) {
    use utoipa::openapi::path::ParameterIn;
    let signed_in = signed_in(operation);
    let json_body = operation.request_body.as_ref().is_some_and(|body| body.content.contains_key("application/json"));
    let form_body = operation
        .request_body
        .as_ref()
        .is_some_and(|body| body.content.contains_key("application/x-www-form-urlencoded"));
    let parameters = operation.parameters.as_deref().unwrap_or_default();
    let has = |place: ParameterIn| parameters.iter().any(|p| p.parameter_in == place);
    let (query, in_path) = (has(ParameterIn::Query), has(ParameterIn::Path));
    if in_path {
        positive_path_ids(operation);
    }
    let mut add = |status: &str, description: &str| {
        operation.responses.responses.entry(status.to_owned()).or_insert_with(|| problem_response(description));
    };
    if signed_in {
        add("401", "Not signed in, or the session ended (sign in again)");
    }
    if json_body {
        add("400", "The body is not valid JSON");
        add("413", "The body is larger than the server accepts (TIDINGS_MAX_BODY_BYTES)");
        add("415", "The body is not sent as application/json");
    }
    if form_body {
        add("400", "The form is not valid");
        add("413", "The form is larger than the server accepts");
        add("415", "The body is not sent as application/x-www-form-urlencoded");
    }
    if query {
        add("400", "A query parameter is not valid");
    }
    if in_path {
        add("400", "A path id is not a whole number in range");
        add("404", "No such resource visible to you");
    }
    if path != "/healthz" {
        add("503", "The database is busy or unreachable; nothing was changed (Retry-After says when to try again)");
    }
}

/// Every id in a path is a positive whole number (`http::path_id`).
fn positive_path_ids(operation: &mut utoipa::openapi::path::Operation) {
    use utoipa::openapi::path::ParameterIn;
    use utoipa::openapi::schema::{Schema, SchemaType, Type};
    use utoipa::openapi::RefOr;
    for parameter in operation.parameters.iter_mut().flatten() {
        if parameter.parameter_in != ParameterIn::Path {
            continue;
        }
        if let Some(RefOr::T(Schema::Object(object))) = parameter.schema.as_mut() {
            if object.schema_type == SchemaType::Type(Type::Integer) {
                object.minimum = Some(utoipa::Number::Int(1));
            }
        }
    }
}

fn problem_response(description: &str) -> utoipa::openapi::RefOr<utoipa::openapi::Response> {
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/problem+json",
            ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build(),
        )
        .build()
        .into()
}

/// The document as pretty JSON with a trailing newline (what `make openapi` writes).
pub fn openapi_json() -> Result<String, serde_json::Error> {
    ApiDoc::openapi().to_pretty_json().map(|mut json| {
        json.push('\n');
        json
    })
}
