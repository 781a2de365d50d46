//! Wire types of the organisation's settings (`/api/v1/organisation`): the texting
//! window every campaign of the organisation keeps.

use serde::{Deserialize, Serialize};

use crate::texting_hours::{TextingWindow, WindowError};

/// A daily texting window on the contact's clock, as `HH:MM` times; `closes` may be
/// `24:00` (the end of the day). The window never crosses midnight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TextingHours {
    /// `HH:MM`, 00:00–23:59.
    #[cfg_attr(feature = "openapi", schema(example = "08:00", pattern = "^[0-2][0-9]:[0-5][0-9]$"))]
    pub opens: String,
    /// `HH:MM`, after `opens`, at most 24:00.
    #[cfg_attr(feature = "openapi", schema(example = "21:00", pattern = "^[0-2][0-9]:[0-5][0-9]$"))]
    pub closes: String,
}

impl TextingHours {
    pub fn of(window: TextingWindow) -> Self {
        Self { opens: window.opens_text(), closes: window.closes_text() }
    }

    /// The window these times describe, or why they do not describe one.
    pub fn window(&self) -> Result<TextingWindow, WindowError> {
        TextingWindow::parse(&self.opens, &self.closes)
    }
}

/// `GET /api/v1/organisation`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrganisationSettings {
    pub id: i64,
    pub name: String,
    /// When campaign messages (and a text that opens a conversation) may reach a
    /// contact, on the contact's own clock. Default 08:00–21:00.
    pub texting_hours: TextingHours,
}

/// `PATCH /api/v1/organisation` (administrators): fields left out stay.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateOrganisationSettings {
    #[serde(default)]
    pub texting_hours: Option<TextingHours>,
}
