//! Message templates: placeholders, validation, rendering and opt-out language.
//!
//! Syntax:
//! - `{name}` is a placeholder. `{first_name}`, `{last_name}` and `{phone}` (also
//!   `{phone_number}`) always exist; any other name must be a field of the campaign's
//!   contact list.
//! - `{{` and `}}` are a literal `{` and `}`.
//! - Names match ignoring case, surrounding spaces, and the difference between spaces,
//!   hyphens and underscores: `{Student ID}`, `{student_id}` and `{ STUDENT-ID }` all
//!   name the list field "Student ID" (see [`placeholder_key`]). CSV headers are written
//!   by people, so the template should not depend on how they typed them.
//!
//! Validation ([`validate_template`]) happens when a campaign is saved; rendering
//! ([`render`]) is total so a preview never fails: a malformed brace renders as written,
//! and an unknown placeholder renders as written so the preview shows the mistake.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::problem::FieldError;
use crate::segments::{body_length, segment_info, SegmentInfo, BODY_MAX_LENGTH};

/// Placeholders every contact has, whatever the list's other columns.
pub const BUILTIN_PLACEHOLDERS: [&str; 3] = ["first_name", "last_name", "phone"];
/// The opt-out sentence appended on request.
pub const OPT_OUT_LANGUAGE: &str = "Reply STOP to opt out.";
/// The field name template errors are reported under.
pub const TEMPLATE_FIELD: &str = "message";

/// A piece of a parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplatePart {
    /// Text sent as is (escapes already resolved).
    Text(String),
    /// A placeholder: the name as written (trimmed) and its [`placeholder_key`].
    Placeholder { name: String, key: String },
}

/// Why a template cannot be parsed. Positions count characters from 1.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TemplateSyntaxError {
    #[error("has a '{{' at character {0} that is never closed; write '{{{{' for a literal brace")]
    Unclosed(usize),
    #[error("has a '}}' at character {0} without a matching '{{'; write '}}}}' for a literal brace")]
    UnmatchedClose(usize),
    #[error("has a '{{' at character {0} inside another placeholder")]
    Nested(usize),
    #[error("has an empty placeholder at character {0}")]
    Empty(usize),
}

/// The key a placeholder or field name is matched by: lower-cased, trimmed, with each
/// run of spaces, hyphens and underscores turned into one underscore. `phone_number`
/// folds to `phone`.
pub fn placeholder_key(name: &str) -> String {
    let mut key = String::with_capacity(name.len());
    let mut pending_separator = false;
    for c in name.trim().chars() {
        if c.is_whitespace() || c == '-' || c == '_' {
            pending_separator = !key.is_empty();
        } else {
            if pending_separator {
                key.push('_');
                pending_separator = false;
            }
            key.extend(c.to_lowercase());
        }
    }
    if key == "phone_number" {
        "phone".to_owned()
    } else {
        key
    }
}

/// Parses a template. On a syntax error the parse carries on leniently (the faulty brace
/// becomes text) so callers that must not fail — rendering, listing placeholders — can
/// use the parts; the first error is returned alongside.
fn scan(template: &str) -> (Vec<TemplatePart>, Option<TemplateSyntaxError>) {
    let chars: Vec<char> = template.chars().collect();
    let mut parts = Vec::new();
    let mut text = String::new();
    let mut error = None;
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '{' if chars.get(i + 1) == Some(&'{') => {
                text.push('{');
                i += 2;
            }
            '}' if chars.get(i + 1) == Some(&'}') => {
                text.push('}');
                i += 2;
            }
            '}' => {
                error.get_or_insert(TemplateSyntaxError::UnmatchedClose(i + 1));
                text.push('}');
                i += 1;
            }
            '{' => {
                let open = i;
                let mut j = i + 1;
                while j < chars.len() && chars[j] != '}' && chars[j] != '{' {
                    j += 1;
                }
                match chars.get(j) {
                    Some('}') => {
                        let raw: String = chars[open + 1..j].iter().collect();
                        let name = raw.trim();
                        if name.is_empty() {
                            error.get_or_insert(TemplateSyntaxError::Empty(open + 1));
                            text.extend(&chars[open..=j]);
                        } else {
                            if !text.is_empty() {
                                parts.push(TemplatePart::Text(std::mem::take(&mut text)));
                            }
                            parts.push(TemplatePart::Placeholder { name: name.to_owned(), key: placeholder_key(name) });
                        }
                        i = j + 1;
                    }
                    Some(_) => {
                        // Another '{' before a '}': this one is stray; resume at the next.
                        error.get_or_insert(TemplateSyntaxError::Nested(j + 1));
                        text.extend(&chars[open..j]);
                        i = j;
                    }
                    None => {
                        error.get_or_insert(TemplateSyntaxError::Unclosed(open + 1));
                        text.extend(&chars[open..]);
                        i = chars.len();
                    }
                }
            }
            c => {
                text.push(c);
                i += 1;
            }
        }
    }
    if !text.is_empty() {
        parts.push(TemplatePart::Text(text));
    }
    (parts, error)
}

/// Parses a template strictly.
pub fn parse_template(template: &str) -> Result<Vec<TemplatePart>, TemplateSyntaxError> {
    match scan(template) {
        (parts, None) => Ok(parts),
        (_, Some(error)) => Err(error),
    }
}

/// The placeholders a template uses, as written, once each (by key), in order of first
/// use. Lenient: a malformed brace is skipped, not an error.
pub fn placeholders(template: &str) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    let mut names = Vec::new();
    for part in scan(template).0 {
        if let TemplatePart::Placeholder { name, key } = part {
            if !seen.contains(&key) {
                seen.push(key);
                names.push(name);
            }
        }
    }
    names
}

/// The problems of a template, as reasons. `fields` are the contact list's extra field
/// names; `None` when no list is chosen yet, which skips the unknown-placeholder check.
pub fn template_problems<S: AsRef<str>>(template: &str, fields: Option<&[S]>) -> Vec<String> {
    if template.trim().is_empty() {
        return vec!["must not be empty".to_owned()];
    }
    let (parts, error) = scan(template);
    let mut problems = Vec::new();
    if let Some(error) = error {
        problems.push(error.to_string());
    }
    if let Some(fields) = fields {
        let mut known: Vec<String> = BUILTIN_PLACEHOLDERS.iter().map(|s| (*s).to_owned()).collect();
        let mut shown: Vec<String> = known.clone();
        for field in fields {
            let key = placeholder_key(field.as_ref());
            if !key.is_empty() && !known.contains(&key) {
                known.push(key);
                shown.push(field.as_ref().trim().to_owned());
            }
        }
        let mut reported: Vec<&str> = Vec::new();
        for part in &parts {
            if let TemplatePart::Placeholder { name, key } = part {
                if !known.contains(key) && !reported.contains(&key.as_str()) {
                    reported.push(key);
                    let available: Vec<String> = shown.iter().map(|f| format!("{{{f}}}")).collect();
                    problems.push(format!(
                        "uses {{{name}}}, which is not a field of the contact list (available: {})",
                        available.join(", ")
                    ));
                }
            }
        }
    }
    let literal: usize = parts
        .iter()
        .map(|part| match part {
            TemplatePart::Text(text) => body_length(text),
            TemplatePart::Placeholder { .. } => 0,
        })
        .sum();
    if literal > BODY_MAX_LENGTH {
        problems.push(format!("must be at most {BODY_MAX_LENGTH} characters (its text alone is {literal})"));
    }
    problems
}

/// Checks a campaign's message template against the contact list's field names (the
/// built-in placeholders need not be listed). Errors use the field `message`: empty,
/// malformed braces, each unknown placeholder by name, and text that alone exceeds the
/// 1600-character body limit. The rendered length is checked per contact by
/// [`render_message`].
pub fn validate_template<S: AsRef<str>>(template: &str, available_fields: &[S]) -> Vec<FieldError> {
    template_problems(template, Some(available_fields))
        .into_iter()
        .map(|reason| FieldError::new(TEMPLATE_FIELD, reason))
        .collect()
}

/// A contact's values for placeholders, looked up by [`placeholder_key`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MergeFields {
    values: BTreeMap<String, String>,
}

impl MergeFields {
    pub fn new() -> Self {
        Self::default()
    }

    /// A contact's values: the built-ins, then the list's other fields. A list column
    /// whose name folds to a built-in (say a second "Phone" column) does not override it.
    pub fn for_contact<K, V>(
        first_name: &str,
        last_name: &str,
        phone: &str,
        fields: impl IntoIterator<Item = (K, V)>,
    ) -> Self
    where
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let mut merge = Self::new();
        merge.insert("first_name", first_name);
        merge.insert("last_name", last_name);
        merge.insert("phone", phone);
        for (name, value) in fields {
            let key = placeholder_key(name.as_ref());
            merge.values.entry(key).or_insert_with(|| value.as_ref().to_owned());
        }
        merge
    }

    /// Sets a value, replacing any value under the same key.
    pub fn insert(&mut self, name: &str, value: &str) {
        self.values.insert(placeholder_key(name), value.to_owned());
    }

    /// The value for a placeholder or field name, if the contact has that field.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(&placeholder_key(name)).map(String::as_str)
    }
}

impl<K: AsRef<str>, V: AsRef<str>> FromIterator<(K, V)> for MergeFields {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut merge = Self::new();
        for (name, value) in iter {
            merge.insert(name.as_ref(), value.as_ref());
        }
        merge
    }
}

/// Fills a template's placeholders. Never fails: a field the contact has but left blank
/// renders as nothing; a placeholder the contact does not have at all, and malformed
/// braces, render as written so previews show the mistake.
pub fn render(template: &str, fields: &MergeFields) -> String {
    let mut out = String::with_capacity(template.len());
    for part in scan(template).0 {
        match part {
            TemplatePart::Text(text) => out.push_str(&text),
            TemplatePart::Placeholder { name, key } => match fields.values.get(&key) {
                Some(value) => out.push_str(value),
                None => {
                    out.push('{');
                    out.push_str(&name);
                    out.push('}');
                }
            },
        }
    }
    out
}

/// Whether a body already tells the reader how to opt out ("Reply STOP…", "Text STOP…").
pub fn has_opt_out_language(body: &str) -> bool {
    let lower = body.to_lowercase();
    ["reply stop", "text stop", "stop to opt out", "stop to unsubscribe", "stop to end"]
        .iter()
        .any(|phrase| lower.contains(phrase))
}

/// Appends `language` (the organisation's opt-out language, [`OPT_OUT_LANGUAGE`] by
/// default) on its own line, unless the body already has opt-out language. Trailing
/// whitespace before it is dropped: it would cost characters and show as a gap.
pub fn append_opt_out_language(body: &str, language: &str) -> String {
    if has_opt_out_language(body) {
        return body.to_owned();
    }
    let kept = body.trim_end();
    if kept.is_empty() {
        language.to_owned()
    } else {
        format!("{kept}\n{language}")
    }
}

/// The longest opt-out language an organisation may set.
pub const OPT_OUT_LANGUAGE_MAX: usize = 80;

/// Checks an organisation's opt-out language: not blank, at most
/// [`OPT_OUT_LANGUAGE_MAX`] characters, and it must tell the reader how to opt out (as
/// [`has_opt_out_language`] reads it, so a message never gets it twice).
pub fn validate_opt_out_language(text: &str) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("must not be blank".to_owned());
    }
    if text.chars().count() > OPT_OUT_LANGUAGE_MAX {
        return Err(format!("must be at most {OPT_OUT_LANGUAGE_MAX} characters"));
    }
    if !has_opt_out_language(text) {
        return Err("must say how to opt out, e.g. “Reply STOP to opt out.” or “Text STOP to end.”".to_owned());
    }
    Ok(text.to_owned())
}

/// Why a rendered message cannot be sent.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RenderError {
    #[error("the message for this contact is empty")]
    Empty,
    #[error("the message for this contact is {length} characters; the limit is {max}")]
    TooLong { length: usize, max: usize },
}

/// Renders the body sent to one contact, with `opt_out` language appended when given,
/// and checks it fits Twilio's limit (see [`body_length`]) and is not blank.
pub fn render_message(template: &str, fields: &MergeFields, opt_out: Option<&str>) -> Result<String, RenderError> {
    let rendered = render(template, fields);
    if rendered.trim().is_empty() {
        return Err(RenderError::Empty);
    }
    let body = match opt_out {
        Some(language) => append_opt_out_language(&rendered, language),
        None => rendered,
    };
    let length = body_length(&body);
    if length > BODY_MAX_LENGTH {
        return Err(RenderError::TooLong { length, max: BODY_MAX_LENGTH });
    }
    Ok(body)
}

/// The SMS preview of one contact's message (Contacts tab, wizard), with what it costs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessagePreview {
    /// The body as the contact would receive it.
    pub body: String,
    pub segments: SegmentInfo,
    /// Why this body could not be sent, if it could not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

/// Renders a preview; unlike [`render_message`] it always has a body to show.
pub fn preview_message(template: &str, fields: &MergeFields, opt_out: Option<&str>) -> MessagePreview {
    let rendered = render(template, fields);
    let body = match opt_out {
        Some(language) => append_opt_out_language(&rendered, language),
        None => rendered,
    };
    let problem = render_message(template, fields, opt_out).err().map(|e| e.to_string());
    MessagePreview { segments: segment_info(&body), body, problem }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ada() -> MergeFields {
        MergeFields::for_contact("Ada", "Lovelace", "+15555550100", [("Student ID", "S-42"), ("Program", "")])
    }

    #[test]
    fn renders_builtins_and_list_fields_by_folded_name() {
        let text = "Hi {first_name} {Last Name}, ID {student_id} / { STUDENT-ID } ({phone_number}).";
        assert_eq!(render(text, &ada()), "Hi Ada Lovelace, ID S-42 / S-42 (+15555550100).");
    }

    #[test]
    fn blank_fields_render_empty_and_unknown_ones_render_as_written() {
        assert_eq!(render("[{program}]", &ada()), "[]");
        assert_eq!(render("x{program}y", &ada()), "xy");
        assert_eq!(render("x{nickname}y", &ada()), "x{nickname}y");
    }

    #[test]
    fn doubled_braces_are_literal() {
        assert_eq!(render("{{first_name}} is {first_name} }}{{", &ada()), "{first_name} is Ada }{");
        assert!(placeholders("{{first_name}}").is_empty());
        assert!(parse_template("a {{ b }} c").is_ok());
    }

    #[test]
    fn placeholders_are_listed_once_in_order() {
        let text = "{Last Name} {first_name} {last_name} {phone} {oops";
        assert_eq!(placeholders(text), vec!["Last Name", "first_name", "phone"]);
    }

    #[test]
    fn syntax_errors_name_the_position() {
        assert_eq!(parse_template("Hi {first_name"), Err(TemplateSyntaxError::Unclosed(4)));
        assert_eq!(parse_template("Hi first_name}"), Err(TemplateSyntaxError::UnmatchedClose(14)));
        assert_eq!(parse_template("{a{b}}"), Err(TemplateSyntaxError::Nested(3)));
        assert_eq!(parse_template("Hi { }"), Err(TemplateSyntaxError::Empty(4)));
        // A malformed brace still renders as written.
        assert_eq!(render("Hi {first_name", &ada()), "Hi {first_name");
        assert_eq!(render("{a{first_name}", &ada()), "{aAda");
    }

    #[test]
    fn validation_reports_unknown_placeholders_by_name() {
        let errors = validate_template("Hi {first_name}, your {Advisor} and {GPA}", &["Program", "GPA"]);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "message");
        assert!(errors[0].reason.contains("{Advisor}"), "{}", errors[0].reason);
        assert!(errors[0].reason.contains("{first_name}, {last_name}, {phone}, {Program}, {GPA}"));
        assert!(validate_template("{phone_number} {gpa}", &["GPA"]).is_empty());
        let twice = validate_template("{x} {X}", &[] as &[&str]);
        assert_eq!(twice.len(), 1, "one error per distinct placeholder");
    }

    #[test]
    fn validation_refuses_empty_and_malformed_templates() {
        assert_eq!(validate_template("  ", &[] as &[&str])[0].reason, "must not be empty");
        let errors = validate_template("Hi {first_name", &[] as &[&str]);
        assert_eq!(errors.len(), 1);
        assert!(errors[0].reason.contains("never closed"));
        let errors = validate_template("50% off } today", &[] as &[&str]);
        assert!(errors[0].reason.contains("'}}'"), "{}", errors[0].reason);
    }

    #[test]
    fn validation_refuses_text_that_alone_exceeds_the_body_limit() {
        let fits = format!("{}{{first_name}}", "a".repeat(1600));
        assert!(validate_template(&fits, &[] as &[&str]).is_empty());
        let over = format!("{}{{first_name}}", "a".repeat(1601));
        assert_eq!(validate_template(&over, &[] as &[&str]).len(), 1);
    }

    #[test]
    fn render_message_checks_the_rendered_length() {
        let template = format!("{}{{first_name}}", "a".repeat(1597));
        assert_eq!(render_message(&template, &ada(), None).map(|b| b.len()), Ok(1600));
        let template = format!("{}{{first_name}}", "a".repeat(1598));
        assert_eq!(render_message(&template, &ada(), None), Err(RenderError::TooLong { length: 1601, max: 1600 }));
        // The opt-out sentence counts too.
        let template = format!("{}{{first_name}}", "a".repeat(1597 - OPT_OUT_LANGUAGE.len() - 1));
        assert!(render_message(&template, &ada(), Some(OPT_OUT_LANGUAGE)).is_ok());
        let template = format!("{}{{first_name}}", "a".repeat(1597 - OPT_OUT_LANGUAGE.len()));
        assert!(render_message(&template, &ada(), Some(OPT_OUT_LANGUAGE)).is_err());
    }

    #[test]
    fn a_message_that_renders_blank_is_refused() {
        assert_eq!(render_message(" {program} ", &ada(), None), Err(RenderError::Empty));
        assert_eq!(render_message(" {program} ", &ada(), Some(OPT_OUT_LANGUAGE)), Err(RenderError::Empty));
    }

    #[test]
    fn opt_out_language_goes_on_its_own_line_once() {
        assert_eq!(append_opt_out_language("Hi Ada!  \n", OPT_OUT_LANGUAGE), "Hi Ada!\nReply STOP to opt out.");
        assert_eq!(append_opt_out_language("", OPT_OUT_LANGUAGE), OPT_OUT_LANGUAGE);
        let already = "Hi. Text STOP to end.";
        assert_eq!(append_opt_out_language(already, OPT_OUT_LANGUAGE), already);
        assert_eq!(
            render_message("Hi {first_name}", &ada(), Some(OPT_OUT_LANGUAGE)),
            Ok("Hi Ada\nReply STOP to opt out.".to_owned())
        );
        assert_eq!(render_message("Hi {first_name}", &ada(), None), Ok("Hi Ada".to_owned()));
    }

    #[test]
    fn keys_fold_case_and_separators() {
        assert_eq!(placeholder_key("  Student   ID "), "student_id");
        assert_eq!(placeholder_key("student__id"), "student_id");
        assert_eq!(placeholder_key("_x-"), "x");
        assert_eq!(placeholder_key("Phone Number"), "phone");
        assert_eq!(placeholder_key("Prénom"), "prénom");
    }

    #[test]
    fn list_columns_never_override_builtins() {
        let merge = MergeFields::for_contact("Ada", "L", "+1", [("First Name", "Augusta")]);
        assert_eq!(merge.get("first_name"), Some("Ada"));
        let collected: MergeFields = [("First Name", "Augusta")].into_iter().collect();
        assert_eq!(collected.get("FIRST_NAME"), Some("Augusta"));
    }

    #[test]
    fn preview_always_has_a_body_and_counts_segments() {
        let preview = preview_message("Hi {first_name} 😀", &ada(), None);
        assert_eq!(preview.body, "Hi Ada 😀");
        assert_eq!(preview.segments.segments, 1);
        assert_eq!(preview.problem, None);
        let long = format!("{}{{first_name}}", "a".repeat(1600));
        let preview = preview_message(&long, &ada(), None);
        assert_eq!(preview.body.len(), 1603);
        assert!(preview.problem.is_some());
    }

    #[test]
    fn an_organisations_opt_out_language_must_say_how_to_opt_out() {
        assert_eq!(validate_opt_out_language(" Text STOP to end. "), Ok("Text STOP to end.".to_owned()));
        assert!(validate_opt_out_language("Thanks!").is_err());
        assert!(validate_opt_out_language("").is_err());
        assert!(validate_opt_out_language(&format!("Reply STOP to opt out. {}", "x".repeat(80))).is_err());
        assert_eq!(append_opt_out_language("Hi", "Text STOP to end."), "Hi\nText STOP to end.");
    }
}
