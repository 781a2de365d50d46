//! RFC 9457 problem details: the one error shape of the API.

use serde::{Deserialize, Serialize};

/// One invalid field of a request and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// The field's name as the client sent it (dotted for nested fields, `rows[3].phone`).
    pub field: String,
    /// Why the value was refused, in words a user can act on.
    pub reason: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self { field: field.into(), reason: reason.into() }
    }
}

/// An `application/problem+json` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    /// A URI naming the kind of problem (`about:blank` when the status says it all).
    #[serde(rename = "type", default = "about_blank")]
    pub kind: String,
    /// A short summary of the kind of problem.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong with this request, for a person to read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The invalid fields, when the request was refused for its content.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// Extra machine-readable facts (for example the `missing` items of a launch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub extensions: Option<serde_json::Value>,
}

fn about_blank() -> String {
    "about:blank".to_owned()
}

impl Problem {
    /// The message a user should see: the detail, else the title, plus field reasons.
    pub fn user_message(&self) -> String {
        let mut message = self.detail.clone().unwrap_or_else(|| self.title.clone());
        for error in &self.errors {
            message.push_str(&format!(" {}: {}.", error.field, error.reason));
        }
        message
    }
}
