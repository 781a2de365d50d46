//! Wire types of conversations: the Activity tab's sections, a conversation with its
//! transcript, the changes staff make, and the inbox.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::campaign::OperatedBy;
use crate::contact_list::ContactField;
use crate::message_wire::Message;

/// A section of the Activity tab.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Section {
    NeedsAttention,
    AgentOperated,
    AssistantOperated,
}

impl Section {
    pub const ALL: [Section; 3] = [Section::NeedsAttention, Section::AgentOperated, Section::AssistantOperated];

    /// The wire spelling (`needs_attention`, …), as a query parameter takes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Section::NeedsAttention => "needs_attention",
            Section::AgentOperated => "agent_operated",
            Section::AssistantOperated => "assistant_operated",
        }
    }

    /// Where a conversation belongs: needing attention wins over its operator.
    pub fn of(operated_by: OperatedBy, needs_attention: bool) -> Section {
        match (needs_attention, operated_by) {
            (true, _) => Section::NeedsAttention,
            (false, OperatedBy::Agent) => Section::AgentOperated,
            (false, OperatedBy::Assistant) => Section::AssistantOperated,
        }
    }
}

/// Where a conversation is filed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "diesel", derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow))]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
pub enum Route {
    /// In the campaign: its agents' inboxes.
    Campaign,
    /// Outside an active campaign: the number's unsolicited message settings' inboxes.
    Unsolicited,
    /// The campaign ended: in no inbox.
    Closed,
}

impl Route {
    /// The stored and wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Route::Campaign => "campaign",
            Route::Unsolicited => "unsolicited",
            Route::Closed => "closed",
        }
    }

    /// Parses the stored spelling; `None` for anything else.
    pub fn parse(value: &str) -> Option<Route> {
        [Route::Campaign, Route::Unsolicited, Route::Closed].into_iter().find(|r| r.as_str() == value)
    }
}

/// The contact side of a conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConversationContact {
    pub id: Option<i64>,
    pub first_name: String,
    pub last_name: String,
    /// E.164.
    pub phone: String,
    /// On the organisation's suppression list.
    pub opted_out: bool,
}

/// A conversation as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Conversation {
    pub id: i64,
    pub campaign_id: Option<i64>,
    /// The campaign's title, so an inbox can say where each conversation comes from.
    pub campaign_title: Option<String>,
    pub office_id: i64,
    pub phone_number_id: i64,
    pub contact: ConversationContact,
    pub operated_by: OperatedBy,
    pub needs_attention: bool,
    pub section: Section,
    /// A message read like an opt-out without being a keyword: a person should confirm.
    pub opt_out_suggested: bool,
    pub route: Route,
    pub tags: Vec<String>,
    /// A contact's message came after the caller last opened the conversation (in a
    /// session: reading it through an API key marks nothing).
    pub unread: bool,
    /// The newest message, with its delivery status (the list's status icon).
    pub last_message: Option<Message>,
    /// The agent the conversation is assigned to: it is in their personal inbox and
    /// in nobody else's. `null` when unassigned.
    #[serde(default)]
    pub assignee: Option<Assignee>,
    #[serde(deserialize_with = "crate::wire_time::instant")]
    pub updated_at: DateTime<Utc>,
}

/// A user a conversation is (or may be) assigned to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Assignee {
    pub id: i64,
    pub name: String,
}

/// One section of the Activity tab: a page of its conversations and how many match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConversationSection {
    pub section: Section,
    pub total: i64,
    pub items: Vec<Conversation>,
    pub next_cursor: Option<String>,
}

/// `GET /campaigns/{id}/conversations`: the non-empty sections, in the guide's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CampaignConversations {
    pub sections: Vec<ConversationSection>,
}

/// A tag on a campaign's conversations, for the Activity tab's tag filter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConversationTagCount {
    pub tag: String,
    /// Conversations of the campaign carrying it.
    pub conversations: i64,
}

/// A conversation with the newest part of its transcript (at most 100 messages,
/// `DETAIL_TRANSCRIPT_LIMIT`), oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConversationDetail {
    pub conversation: Conversation,
    /// The newest messages, at most 100, oldest first.
    pub messages: Vec<Message>,
    /// When the conversation has older messages than these: pass it as `cursor` to
    /// `GET /conversations/{id}/messages` for the page before them.
    #[serde(default)]
    pub earlier_cursor: Option<String>,
    /// Whether a Virtual Assistant script could answer this conversation (its
    /// campaign has one), so the operator switch can say why it is off.
    pub assistant_script: bool,
    /// Whether the caller may work it (reply, change, opt out): always, except for a
    /// limited user and a conversation outside their inboxes, which they may only read.
    pub workable: bool,
    /// The contact's other list fields (beyond first name, last name and phone), so a
    /// saved reply's merge fields can be filled; empty for an unsolicited contact.
    #[serde(default)]
    pub contact_fields: Vec<ContactField>,
}

/// How many of the newest messages a conversation's detail carries; the transcript
/// endpoint pages through the rest.
pub const DETAIL_TRANSCRIPT_LIMIT: i64 = 100;

/// `PATCH /conversations/{id}`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateConversation {
    #[serde(default)]
    pub operated_by: Option<OperatedBy>,
    #[serde(default)]
    pub needs_attention: Option<bool>,
    /// The whole tag list: at most 3 tags of at most 30 characters.
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    /// Assign the conversation to this user (one of `GET /conversations/{id}/assignees`),
    /// or `null` to unassign it.
    #[serde(default, with = "crate::campaign_wire::double_option", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub assigned_user_id: Option<Option<i64>>,
}

/// `POST /conversations/{id}/messages`: an agent's reply.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReplyMessage {
    pub body: String,
}

/// How many conversations need attention in each inbox the caller may open (the
/// navigation's and the inbox picker's counts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InboxCounts {
    /// The caller's personal inbox: what is assigned to them, and the unassigned
    /// conversations of their campaigns and numbers.
    pub mine: i64,
    /// Of those, the conversations assigned to the caller.
    #[serde(default)]
    pub assigned_to_me: i64,
    /// Of those, the unassigned ones.
    #[serde(default)]
    pub unassigned: i64,
    /// Each office inbox the caller may open.
    pub offices: Vec<OfficeInboxCount>,
}

/// One office inbox's count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfficeInboxCount {
    pub office_id: i64,
    pub office_name: String,
    pub needs_attention: i64,
}

/// A page of inbox conversations, the latest activity first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConversationPage {
    pub items: Vec<Conversation>,
    pub next_cursor: Option<String>,
}

/// `POST /api/v1/simulator/inbound`: a contact's reply, made up (simulator only).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SimulatedInbound {
    /// The contact's number.
    pub from: String,
    /// Our number.
    pub to: String,
    pub body: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_are_spelt_as_serde_writes_them() {
        for section in Section::ALL {
            assert_eq!(serde_json::to_value(section).ok(), Some(serde_json::Value::from(section.as_str())));
        }
    }
}

/// Most conversations one bulk action names by id.
pub const BULK_IDS_MAX: usize = 1000;
/// Most conversations one bulk action reaches through a campaign's filter.
pub const BULK_SELECTION_MAX: i64 = 5000;

/// `POST /conversations/bulk`: one action on several conversations: those named by
/// `conversation_ids`, every conversation of a campaign that matches `campaign`, or
/// every conversation of an inbox that matches `inbox`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BulkConversationAction {
    /// 1 to 1000 conversations; leave out to use `campaign`.
    #[serde(default)]
    pub conversation_ids: Vec<i64>,
    /// Every conversation of a campaign matching a filter (at most 5000).
    #[serde(default)]
    pub campaign: Option<BulkCampaignSelection>,
    /// Every conversation of one of your inboxes matching a filter (at most 5000).
    #[serde(default)]
    pub inbox: Option<BulkInboxSelection>,
    pub action: BulkAction,
}

/// The conversations of an inbox a bulk action reaches: as `GET /inbox` lists them.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BulkInboxSelection {
    /// An office inbox; your personal inbox when left out.
    #[serde(default)]
    pub office_id: Option<i64>,
    /// Of your personal inbox: only what is assigned to you (`true`) or to nobody
    /// (`false`).
    #[serde(default)]
    pub assigned_to_me: Option<bool>,
    /// The Participating tab instead of Needs Attention.
    #[serde(default)]
    pub participating: bool,
    /// First name, last name or phone (part of any).
    #[serde(default)]
    pub q: Option<String>,
    /// Conversation tags; any of them matches.
    #[serde(default)]
    pub tags: Vec<String>,
}

/// The conversations of a campaign a bulk action reaches: as the Activity tab filters
/// them.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BulkCampaignSelection {
    pub campaign_id: i64,
    /// One section; every section when left out.
    #[serde(default)]
    pub section: Option<Section>,
    /// First name, last name or phone (part of any).
    #[serde(default)]
    pub q: Option<String>,
    /// Conversation tags; any of them matches.
    #[serde(default)]
    pub tags: Vec<String>,
}

/// What a bulk action does to each conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum BulkAction {
    /// Adds a tag (a conversation keeps at most 3).
    Tag { tag: String },
    /// Assigns to a user, or unassigns with `null`.
    Assign { user_id: Option<i64> },
    /// Clears Needs Attention.
    ClearNeedsAttention,
    /// Puts the contact on the organisation's suppression list.
    OptOut,
}

/// What a bulk action did to one conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BulkResult {
    /// Changed.
    Done,
    /// Already so: nothing to change.
    Unchanged,
    /// Not changed, for the reason given.
    Refused,
}

/// One conversation's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulkOutcome {
    pub conversation_id: i64,
    pub result: BulkResult,
    /// Why it was refused.
    #[serde(default)]
    pub reason: Option<String>,
}

/// The answer of `POST /conversations/bulk`: the totals and each conversation's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulkReport {
    pub done: usize,
    pub unchanged: usize,
    pub refused: usize,
    pub items: Vec<BulkOutcome>,
}

impl BulkReport {
    /// The report of these outcomes.
    pub fn of(items: Vec<BulkOutcome>) -> Self {
        let count = |wanted: BulkResult| items.iter().filter(|o| o.result == wanted).count();
        Self {
            done: count(BulkResult::Done),
            unchanged: count(BulkResult::Unchanged),
            refused: count(BulkResult::Refused),
            items,
        }
    }

    /// "Tagged 3 conversations; 1 already was; 1 refused." as the page reports it.
    pub fn summary(&self, done_verb: &str) -> String {
        let noun = |n: usize| if n == 1 { "conversation" } else { "conversations" };
        let mut parts = vec![format!("{done_verb} {} {}", self.done, noun(self.done))];
        if self.unchanged > 0 {
            parts.push(format!("{} already so", self.unchanged));
        }
        if self.refused > 0 {
            parts.push(format!("{} refused", self.refused));
        }
        format!("{}.", parts.join("; "))
    }
}

/// `POST /conversations`: a staff member texts a contact one to one from a reusable
/// number, opening a conversation (or continuing the open one with that contact).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StartConversation {
    /// A reusable number of an office you see.
    pub phone_number_id: i64,
    /// The contact's phone, as written; read in the number's office's country when it
    /// has no country code.
    pub to: String,
    /// The contact's name, when known (from a contact list or a campaign).
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    /// The text, 1 to 1600 characters.
    pub body: String,
}
