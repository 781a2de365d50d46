//! Wire types of a campaign's Contacts tab: each contact with the delivery state of its
//! campaign message, and the SMS preview.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::contact_list::ContactField;

/// Where a contact's campaign message stands (the Delivered column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    Delivered,
    /// A transient failure; another attempt is scheduled.
    Retrying,
    /// Not delivered; see `failed_reason`.
    Failed,
    /// Not launched yet, queued, or on its way.
    Pending,
    /// Not texted because the contact is on the organisation's suppression list
    /// ("delivery failed — opted out"): skipped at launch, or withdrawn before it went.
    /// A message that went out before the opt-out keeps its own state (see
    /// [`CampaignContact::opted_out`]).
    OptedOut,
}

impl DeliveryState {
    pub fn parse(value: &str) -> Option<DeliveryState> {
        match value {
            "delivered" => Some(DeliveryState::Delivered),
            "retrying" => Some(DeliveryState::Retrying),
            "failed" => Some(DeliveryState::Failed),
            "pending" => Some(DeliveryState::Pending),
            "opted_out" => Some(DeliveryState::OptedOut),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Delivered => "delivered",
            DeliveryState::Retrying => "retrying",
            DeliveryState::Failed => "failed",
            DeliveryState::Pending => "pending",
            DeliveryState::OptedOut => "opted_out",
        }
    }
}

/// A row of the Contacts tab.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CampaignContact {
    pub id: i64,
    pub first_name: String,
    pub last_name: String,
    /// E.164.
    pub phone: String,
    /// Every other imported field, in the list's order.
    pub fields: Vec<ContactField>,
    #[serde(deserialize_with = "crate::wire_time::instant")]
    pub created_at: DateTime<Utc>,
    pub delivery: DeliveryState,
    /// Whether the contact is on the organisation's suppression list now. Shown beside
    /// the delivery state, which stays what happened to the message: a contact who
    /// opted out after their message was delivered reads "Delivered" and "opted out".
    pub opted_out: bool,
    /// The provider's code of the failure, when there is one.
    pub error_code: Option<i64>,
    /// Why the message was not delivered (failed), or why it is being retried.
    pub failed_reason: Option<String>,
    /// For a pending message outside its contact's texting hours: when they open.
    #[serde(default, deserialize_with = "crate::wire_time::optional_instant")]
    pub waits_until: Option<DateTime<Utc>>,
    /// The same in words: "Waits for texting hours until 08:00 (America/Chicago)."
    #[serde(default)]
    pub waiting_note: Option<String>,
}

/// A page of the Contacts tab, in list order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CampaignContactPage {
    /// The list's extra field names, in order (the table's columns).
    pub field_names: Vec<String>,
    pub items: Vec<CampaignContact>,
    pub next_cursor: Option<String>,
}
