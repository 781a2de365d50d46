//! The limits the server enforces on request bodies, stated in the document: every
//! length, count and range a handler checks, taken from the same constants the checks
//! use, so an integrator (and schemathesis) never meets a refusal the schemas did not
//! announce. Every id is a positive whole number. What a schema cannot state — a
//! reference to a record that is not yours, segments of a message, a phone number that
//! parses but is not a valid number — stays a 422 naming the field.

use tidings_domain::assistant::{MAX_FALLBACKS_LIMIT, PHRASE_MAX_CHARS};
use tidings_domain::campaign::CAMPAIGN_TITLE_MAX;
use tidings_domain::contact_list::CONTACT_LIST_NAME_MAX;
use tidings_domain::conversation_wire::BULK_IDS_MAX;
use tidings_domain::keywords::AUTOMATIC_REPLY_MAX_SEGMENTS;
use tidings_domain::office::OFFICE_NAME_MAX;
use tidings_domain::opt_out_wire::OPT_OUT_REASON_MAX;
use tidings_domain::phone_number::{PHONE_NUMBER_DESCRIPTION_MAX, PHONE_NUMBER_NAME_MAX, UNSOLICITED_RECIPIENTS_MAX};
use tidings_domain::segments::BODY_MAX_LENGTH;
use tidings_domain::tags::{CAMPAIGN_TAG_MAX, CONVERSATION_TAG_MAX, TAG_MAX_CHARS};
use tidings_domain::template::OPT_OUT_LANGUAGE_MAX;
use tidings_domain::template_wire::{TEMPLATE_NAME_MAX, TEMPLATE_TAG_MAX};
use tidings_domain::user::PASSWORD_MIN;
use utoipa::openapi::schema::{ArrayItems, Object, Schema, SchemaType, Type};
use utoipa::openapi::RefOr;

// The patterns spell out Rust's `char::is_whitespace` (Unicode White_Space) rather
// than `\s`, whose meaning differs between regex engines: a pattern must accept exactly
// what the server's check accepts, or a fuzzer's "invalid" value would be taken.

/// Text with a character that is not whitespace (the server trims; blank is refused).
/// JSON Schema patterns are searched, not anchored.
const NOT_BLANK: &str = r"[^\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]";
/// A tag (`tags::validate_tag`): no control characters, something besides whitespace.
const TAG: &str = r"^[^\u0000-\u001f\u007f-\u009f]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000-\u001f\u007f-\u009f]*$";
/// An email address as `user::validate_email` reads it: one `@` with text before it,
/// a domain with a dot not at either end, no whitespace inside.
const EMAIL: &str = r"^[\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[^@\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+@[^@.\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^@\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*\.[^@\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[^@.\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$";
/// `HH:MM`, `24:00` allowed for a closing time.
const CLOCK_TIME: &str = r"^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$";

/// What one property accepts.
#[derive(Clone, Copy)]
enum Limit {
    /// Text of `min..=max` characters; `pattern` when the server reads its shape.
    Text { min: usize, max: Option<usize>, pattern: Option<&'static str> },
    /// A list of at most `max` items (when the server counts them), each `item`.
    Items { max: Option<usize>, item: &'static Limit },
    /// A whole number in `min..=max`.
    Whole { min: i64, max: i64 },
}

/// Not blank, at most `max` characters.
const fn text(max: usize) -> Limit {
    Limit::Text { min: 1, max: Some(max), pattern: Some(NOT_BLANK) }
}

/// Anything up to `max` characters, blank included.
const fn up_to(max: usize) -> Limit {
    Limit::Text { min: 0, max: Some(max), pattern: None }
}

/// At most `max` items of `item`.
const fn items(max: usize, item: &'static Limit) -> Limit {
    Limit::Items { max: Some(max), item }
}

const TAG_TEXT: Limit = Limit::Text { min: 1, max: Some(TAG_MAX_CHARS), pattern: Some(TAG) };
/// A phrase needs a word; what counts as one is the server's to say (422).
const PHRASE: Limit = Limit::Text { min: 1, max: Some(PHRASE_MAX_CHARS), pattern: None };
const MESSAGE: Limit = text(BODY_MAX_LENGTH);
const ID: Limit = Limit::Whole { min: 1, max: i64::MAX };
const NAME: Limit = text(120);
const REQUIRED: Limit = Limit::Text { min: 1, max: None, pattern: None };
const PASSWORD: Limit = Limit::Text { min: PASSWORD_MIN, max: Some(256), pattern: None };
const CLOCK: Limit = Limit::Text { min: 5, max: Some(5), pattern: Some(CLOCK_TIME) };
/// An automatic reply may take two segments: at most 306 GSM-7 characters (fewer
/// with other characters, which the server counts: 422).
const AUTOMATIC_REPLY: Limit = text(AUTOMATIC_REPLY_MAX_SEGMENTS * 153);

/// (schema, property, limit). A schema or property that no longer exists fails the
/// document's generation (`ops::openapi_document_is_committed` and every test that
/// builds the app), so the table cannot drift from the types.
const LIMITS: &[(&str, &str, Limit)] = &[
    ("CreateCampaign", "title", text(CAMPAIGN_TITLE_MAX)),
    ("UpdateCampaign", "title", text(CAMPAIGN_TITLE_MAX)),
    ("CreateCampaign", "message_template", up_to(BODY_MAX_LENGTH)),
    ("UpdateCampaign", "message_template", up_to(BODY_MAX_LENGTH)),
    ("CreateCampaign", "tags", items(CAMPAIGN_TAG_MAX, &TAG_TEXT)),
    ("UpdateCampaign", "tags", items(CAMPAIGN_TAG_MAX, &TAG_TEXT)),
    ("CreateCampaign", "agent_ids", Limit::Items { max: None, item: &ID }),
    ("UpdateCampaign", "agent_ids", Limit::Items { max: None, item: &ID }),
    ("UpdateConversation", "tags", items(CONVERSATION_TAG_MAX, &TAG_TEXT)),
    ("BulkConversationAction", "conversation_ids", items(BULK_IDS_MAX, &ID)),
    ("ReplyMessage", "body", MESSAGE),
    ("StartConversation", "body", MESSAGE),
    ("StartConversation", "to", REQUIRED),
    ("StartConversation", "first_name", up_to(100)),
    ("StartConversation", "last_name", up_to(100)),
    ("SimulatedInbound", "body", MESSAGE),
    ("SimulatedInbound", "from", REQUIRED),
    ("SimulatedInbound", "to", REQUIRED),
    ("EstimateRequest", "message_template", up_to(BODY_MAX_LENGTH)),
    ("AssistantScript", "greeting", up_to(BODY_MAX_LENGTH)),
    ("AssistantScript", "fallback_reply", MESSAGE),
    ("AssistantScript", "handoff_phrases", Limit::Items { max: None, item: &PHRASE }),
    ("AssistantScript", "max_fallbacks_before_handoff", Limit::Whole { min: 0, max: MAX_FALLBACKS_LIMIT as i64 }),
    ("AssistantRule", "phrases", Limit::Items { max: None, item: &PHRASE }),
    ("AssistantRule", "reply", MESSAGE),
    ("CreateMessageTemplate", "name", text(TEMPLATE_NAME_MAX)),
    ("UpdateMessageTemplate", "name", text(TEMPLATE_NAME_MAX)),
    ("CreateMessageTemplate", "body", MESSAGE),
    ("UpdateMessageTemplate", "body", MESSAGE),
    ("CreateMessageTemplate", "tags", items(TEMPLATE_TAG_MAX, &TAG_TEXT)),
    ("UpdateMessageTemplate", "tags", items(TEMPLATE_TAG_MAX, &TAG_TEXT)),
    ("CreateOffice", "name", text(OFFICE_NAME_MAX)),
    ("UpdateOffice", "name", text(OFFICE_NAME_MAX)),
    ("CreateUser", "name", NAME),
    ("UpdateUser", "name", NAME),
    ("CreateUser", "email", Limit::Text { min: 5, max: None, pattern: Some(EMAIL) }),
    ("CreateUser", "password", PASSWORD),
    ("UpdateUser", "password", PASSWORD),
    ("CreateApiKey", "name", NAME),
    ("CreatePhoneNumber", "name", text(PHONE_NUMBER_NAME_MAX)),
    ("UpdatePhoneNumber", "name", text(PHONE_NUMBER_NAME_MAX)),
    ("CreatePhoneNumber", "description", up_to(PHONE_NUMBER_DESCRIPTION_MAX)),
    ("UpdatePhoneNumber", "description", up_to(PHONE_NUMBER_DESCRIPTION_MAX)),
    ("UnsolicitedSettings", "user_ids", items(UNSOLICITED_RECIPIENTS_MAX, &ID)),
    ("UnsolicitedSettings", "office_ids", items(UNSOLICITED_RECIPIENTS_MAX, &ID)),
    ("CreateContactListRows", "name", text(CONTACT_LIST_NAME_MAX)),
    ("AddOptOut", "phone", REQUIRED),
    ("AddOptOut", "reason", up_to(OPT_OUT_REASON_MAX)),
    ("LiftOptOut", "reason", text(OPT_OUT_REASON_MAX)),
    ("UpdateOrganisationSettings", "help_reply", AUTOMATIC_REPLY),
    ("UpdateOrganisationSettings", "opt_out_reply", AUTOMATIC_REPLY),
    ("UpdateOrganisationSettings", "opt_out_language", text(OPT_OUT_LANGUAGE_MAX)),
    ("TextingHours", "opens", CLOCK),
    ("TextingHours", "closes", CLOCK),
];

/// States [`LIMITS`] on the component schemas, and that every `id`, `*_id` and `*_ids`
/// integer is a positive whole number.
pub fn state_limits(openapi: &mut utoipa::openapi::OpenApi) {
    let Some(components) = openapi.components.as_mut() else { return };
    for (name, schema) in components.schemas.iter_mut() {
        if let RefOr::T(Schema::Object(object)) = schema {
            for (property, value) in object.properties.iter_mut() {
                if is_id(property) {
                    apply_to_integers(value, ID);
                }
            }
            for (_, property, limit) in LIMITS.iter().filter(|(schema, ..)| schema == name) {
                let value = object
                    .properties
                    .get_mut(*property)
                    .unwrap_or_else(|| panic!("openapi::limits names {name}.{property}, which does not exist"));
                apply(value, *limit, name, property);
            }
        }
    }
    for (schema, property, _) in LIMITS {
        assert!(components.schemas.contains_key(*schema), "openapi::limits names {schema}.{property}: no such schema");
    }
}

fn is_id(property: &str) -> bool {
    property == "id" || property.ends_with("_id") || property.ends_with("_ids")
}

/// Sets `limit` on an integer property, or on the integer items of an array property.
fn apply_to_integers(value: &mut RefOr<Schema>, limit: Limit) {
    match value {
        RefOr::T(Schema::Object(object)) if has_type(object, Type::Integer) => set_whole(object, limit),
        RefOr::T(Schema::Array(array)) => {
            if let ArrayItems::RefOrSchema(items) = &mut array.items {
                apply_to_integers(items, limit);
            }
        }
        _ => {}
    }
}

fn apply(value: &mut RefOr<Schema>, limit: Limit, name: &str, property: &str) {
    match (value, limit) {
        (RefOr::T(Schema::Object(object)), Limit::Text { min, max, pattern }) if has_type(object, Type::String) => {
            object.min_length = Some(min);
            object.max_length = max;
            object.pattern = pattern.map(str::to_owned);
        }
        (RefOr::T(Schema::Object(object)), Limit::Whole { .. }) if has_type(object, Type::Integer) => {
            set_whole(object, limit);
        }
        (RefOr::T(Schema::Array(array)), Limit::Items { max, item }) => {
            array.max_items = max;
            if let ArrayItems::RefOrSchema(items) = &mut array.items {
                apply(items, *item, name, property);
            }
        }
        _ => panic!("openapi::limits: {name}.{property} is not of the kind its limit expects"),
    }
}

fn set_whole(object: &mut Object, limit: Limit) {
    if let Limit::Whole { min, max } = limit {
        object.minimum = Some(utoipa::Number::Int(min as isize));
        object.maximum = Some(utoipa::Number::Int(max as isize));
    }
}

fn has_type(object: &Object, wanted: Type) -> bool {
    match &object.schema_type {
        SchemaType::Type(t) => *t == wanted,
        SchemaType::Array(types) => types.contains(&wanted),
        SchemaType::AnyValue => false,
    }
}
