//! Wire types of the organisation's settings (`/api/v1/organisation`): the texting
//! window every campaign of the organisation keeps, and its prices per segment.

use serde::{Deserialize, Serialize};

use crate::pricing::{parse_price, price_text, SegmentPrices};
use crate::texting_hours::{TextingWindow, WindowError};

/// A daily texting window on the contact's clock, as `HH:MM` times; `closes` may be
/// `24:00` (the end of the day). The window never crosses midnight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TextingHours {
    /// `HH:MM`, 00:00–23:59.
    #[cfg_attr(feature = "openapi", schema(example = "08:00"))]
    pub opens: String,
    /// `HH:MM`, after `opens`, at most 24:00.
    #[cfg_attr(feature = "openapi", schema(example = "21:00"))]
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
    /// What one SMS segment costs, by the sending number's type, for the cost estimate
    /// before launch.
    pub segment_prices: SegmentPriceList,
    /// The answer to HELP or INFO.
    pub help_reply: String,
    /// The one confirmation a contact gets when they opt out.
    pub opt_out_reply: String,
    /// Appended on its own line to a campaign's first message when the campaign asks
    /// for it (and the message does not already say how to opt out).
    pub opt_out_language: String,
}

/// Prices per segment in US dollars, as decimal text (`0.0083`): at most six decimals,
/// from 0 to 1. Simulator numbers cost nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SegmentPriceList {
    #[cfg_attr(feature = "openapi", schema(example = "0.0083"))]
    pub long_code: String,
    #[cfg_attr(feature = "openapi", schema(example = "0.0083"))]
    pub toll_free: String,
    #[cfg_attr(feature = "openapi", schema(example = "0.0083"))]
    pub short_code: String,
}

impl SegmentPriceList {
    pub fn of(prices: SegmentPrices) -> Self {
        Self {
            long_code: price_text(prices.long_code),
            toll_free: price_text(prices.toll_free),
            short_code: price_text(prices.short_code),
        }
    }

    /// The prices these texts give, or each text's field and reason.
    pub fn prices(&self) -> Result<SegmentPrices, Vec<(&'static str, String)>> {
        let mut errors = Vec::new();
        let mut read = |field: &'static str, text: &str| {
            parse_price(text).unwrap_or_else(|reason| {
                errors.push((field, reason));
                0
            })
        };
        let prices = SegmentPrices {
            long_code: read("long_code", &self.long_code),
            toll_free: read("toll_free", &self.toll_free),
            short_code: read("short_code", &self.short_code),
        };
        if errors.is_empty() {
            Ok(prices)
        } else {
            Err(errors)
        }
    }
}

/// `PATCH /api/v1/organisation` (administrators): fields left out stay.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateOrganisationSettings {
    #[serde(default)]
    pub texting_hours: Option<TextingHours>,
    #[serde(default)]
    pub segment_prices: Option<SegmentPriceList>,
    /// Not blank, at most two segments.
    #[serde(default)]
    pub help_reply: Option<String>,
    /// Not blank, at most two segments; should say how to opt back in (START).
    #[serde(default)]
    pub opt_out_reply: Option<String>,
    /// Not blank, at most 80 characters, and it must say how to opt out ("Reply STOP…",
    /// "Text STOP…", "…STOP to opt out").
    #[serde(default)]
    pub opt_out_language: Option<String>,
}
