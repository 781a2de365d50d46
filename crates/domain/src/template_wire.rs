//! The template library's wire types and rules: saved messages, the organisation's or
//! one office's, that staff reuse in the wizard's message step, as saved replies in the
//! conversation composer, and in the assistant script editor.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::campaign_wire::double_option;
use crate::problem::FieldError;
use crate::segments::{segment_info, SegmentInfo, BODY_MAX_LENGTH};
use crate::tags::normalise_tags;
use crate::template::{placeholders, template_problems};

/// Longest template name accepted.
pub const TEMPLATE_NAME_MAX: usize = 80;
/// Most tags a template may carry.
pub const TEMPLATE_TAG_MAX: usize = 5;
/// Most templates an organisation may keep: the composer's picker loads them all.
pub const TEMPLATES_PER_ORGANISATION_MAX: i64 = 1000;

/// A saved template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessageTemplate {
    pub id: i64,
    pub name: String,
    /// The text, with merge fields such as `{first_name}` or `{Student ID}`.
    pub body: String,
    /// The office whose staff see it; `null` for the whole organisation.
    pub office_id: Option<i64>,
    pub tags: Vec<String>,
    /// The merge fields the body uses, as written, once each.
    pub placeholders: Vec<String>,
    /// Segments and encoding of the body as written (each merge field counted as its
    /// own text until it is filled).
    pub segments: SegmentInfo,
    pub created_by: Option<i64>,
    #[serde(deserialize_with = "crate::wire_time::instant")]
    pub created_at: DateTime<Utc>,
    #[serde(deserialize_with = "crate::wire_time::instant")]
    pub updated_at: DateTime<Utc>,
}

impl MessageTemplate {
    /// The derived fields of a body: its merge fields and its segments.
    pub fn derived(body: &str) -> (Vec<String>, SegmentInfo) {
        (placeholders(body), segment_info(body))
    }
}

/// `POST /api/v1/templates`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateMessageTemplate {
    /// 1 to 80 characters, unique in the organisation (ignoring case).
    pub name: String,
    /// 1 to 1600 characters, with well-formed merge fields.
    pub body: String,
    /// An office of the organisation, or `null` (or left out) for every office.
    #[serde(default)]
    pub office_id: Option<i64>,
    /// At most 5 tags of at most 30 characters.
    #[serde(default)]
    pub tags: Vec<String>,
}

/// `PATCH /api/v1/templates/{id}`: fields left out stay as they are.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateMessageTemplate {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub body: Option<String>,
    /// `null` makes it the whole organisation's.
    #[serde(default, with = "double_option", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub office_id: Option<Option<i64>>,
    #[serde(default)]
    pub tags: Option<Vec<String>>,
}

/// A checked name: trimmed, 1 to [`TEMPLATE_NAME_MAX`] characters.
pub fn validate_template_name(name: &str, errors: &mut Vec<FieldError>) -> String {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > TEMPLATE_NAME_MAX {
        errors.push(FieldError::new("name", format!("must be 1 to {TEMPLATE_NAME_MAX} characters")));
    }
    name.to_owned()
}

/// A checked body: not blank, well-formed braces, within the body limit. Merge fields
/// are not checked against a list: a template serves many lists, and the wizard checks
/// it against the one chosen.
pub fn validate_template_body(body: &str, errors: &mut Vec<FieldError>) {
    let length = body.chars().count();
    if length > BODY_MAX_LENGTH {
        errors.push(FieldError::new("body", format!("must be at most {BODY_MAX_LENGTH} characters (it is {length})")));
        return;
    }
    for reason in template_problems::<&str>(body, None) {
        errors.push(FieldError::new("body", reason));
    }
}

/// Checked tags, trimmed, at most [`TEMPLATE_TAG_MAX`].
pub fn validate_template_tags<S: AsRef<str>>(tags: &[S], errors: &mut Vec<FieldError>) -> Vec<String> {
    normalise_tags(tags, Some(TEMPLATE_TAG_MAX), errors)
}

/// Whether a template matches what a picker's filter box holds: its name, or with a
/// leading `/` (the composer's shortcut) still its name, ignoring case.
pub fn template_matches(template: &MessageTemplate, typed: &str) -> bool {
    let typed = typed.trim().trim_start_matches('/').trim().to_lowercase();
    typed.is_empty() || template.name.to_lowercase().contains(&typed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_trimmed_and_bounded() {
        let mut errors = Vec::new();
        assert_eq!(validate_template_name("  Welcome  ", &mut errors), "Welcome");
        assert!(errors.is_empty());
        validate_template_name("   ", &mut errors);
        validate_template_name(&"x".repeat(TEMPLATE_NAME_MAX + 1), &mut errors);
        assert_eq!(errors.len(), 2);
        assert!(errors.iter().all(|e| e.field == "name"));
    }

    #[test]
    fn a_body_must_be_written_and_well_formed_but_may_use_any_field() {
        let mut errors = Vec::new();
        validate_template_body("Hi {first_name}, your {Student ID} is ready", &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        validate_template_body("Hi {first_name", &mut errors);
        validate_template_body("  ", &mut errors);
        assert_eq!(errors.len(), 2);
        assert!(errors.iter().all(|e| e.field == "body"));
    }

    #[test]
    fn the_derived_fields_name_the_merge_fields_and_the_segments() {
        let (fields, segments) = MessageTemplate::derived("Hi {first_name}, see you {first_name}! 😀");
        assert_eq!(fields, vec!["first_name".to_owned()]);
        assert_eq!(segments.encoding.as_str(), "ucs2");
        assert_eq!(segments.segments, 1);
    }

    #[test]
    fn the_slash_shortcut_filters_by_name() {
        let (placeholders, segments) = MessageTemplate::derived("x");
        let template = MessageTemplate {
            id: 1,
            name: "Office hours".into(),
            body: "x".into(),
            office_id: None,
            tags: vec![],
            placeholders,
            segments,
            created_by: None,
            created_at: DateTime::<Utc>::UNIX_EPOCH,
            updated_at: DateTime::<Utc>::UNIX_EPOCH,
        };
        assert!(template_matches(&template, "/off"));
        assert!(template_matches(&template, "HOURS"));
        assert!(template_matches(&template, "/"));
        assert!(!template_matches(&template, "/fees"));
    }
}
