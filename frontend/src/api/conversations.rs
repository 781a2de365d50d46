//! Conversations: the Activity tab's sections, a conversation's transcript and the
//! changes staff make to it, the inbox, and the simulator's made-up replies.

use gloo_net::http::Request;
use serde::de::IgnoredAny;
use tidings_domain::campaign_wire::AuditEntry;
use tidings_domain::conversation_wire::{
    Assignee, BulkConversationAction, BulkReport, CampaignConversations, ConversationDetail, ConversationPage,
    ConversationTagCount, InboxCounts, ReplyMessage, Section, SimulatedInbound, StartConversation, UpdateConversation,
};
use tidings_domain::message_wire::MessagePage;

use super::{read_json, Api, ApiError, Body, ItemList, API_BASE};

/// What narrows a list of conversations.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConversationSearch {
    /// First name, last name or phone.
    pub q: String,
    /// Any of these conversation tags.
    pub tags: Vec<String>,
}

impl ConversationSearch {
    fn params(&self) -> Vec<(&'static str, String)> {
        let mut params = Vec::new();
        if !self.q.trim().is_empty() {
            params.push(("q", self.q.trim().to_owned()));
        }
        if !self.tags.is_empty() {
            params.push(("tags", self.tags.join(",")));
        }
        params
    }
}

/// Which inbox, and which of its tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InboxChoice {
    /// An office's inbox; the user's own when `None`.
    pub office_id: Option<i64>,
    /// Of the user's own inbox, only what is assigned to them (`Some(true)`, "Mine") or
    /// only what nobody is assigned to (`Some(false)`, "Unassigned").
    pub assigned: Option<bool>,
    /// The Participating tab (conversations the user replied in) instead of Needs attention.
    pub participating: bool,
}

impl Api {
    /// `GET /campaigns/{id}/conversations`: every non-empty section's first page, or one
    /// section's page after `cursor`.
    pub async fn campaign_conversations(
        &self,
        campaign_id: i64,
        search: &ConversationSearch,
        more: Option<(Section, String)>,
    ) -> Result<CampaignConversations, ApiError> {
        let mut params = search.params();
        if let Some((section, cursor)) = more {
            params.push(("section", section.as_str().to_owned()));
            params.push(("cursor", cursor));
        }
        let request = Request::get(&format!("{API_BASE}/campaigns/{campaign_id}/conversations"))
            .query(params.iter().map(|(k, v)| (*k, v.as_str())));
        read_json(self.send(request).await?).await
    }

    /// `GET /campaigns/{id}/conversation-tags`: the tags in use, for the tag filter.
    pub async fn campaign_conversation_tags(&self, campaign_id: i64) -> Result<Vec<ConversationTagCount>, ApiError> {
        let url = format!("{API_BASE}/campaigns/{campaign_id}/conversation-tags");
        let list: ItemList<ConversationTagCount> = read_json(self.send(Request::get(&url)).await?).await?;
        Ok(list.items)
    }

    /// `GET /conversations/{id}`: the conversation with its transcript.
    pub async fn conversation(&self, id: i64) -> Result<ConversationDetail, ApiError> {
        read_json(self.send(Request::get(&format!("{API_BASE}/conversations/{id}"))).await?).await
    }

    /// `GET /conversations/{id}/messages?cursor=`: the page of the transcript before
    /// `cursor` (a detail's `earlier_cursor` or a page's `next_cursor`), oldest first.
    pub async fn earlier_messages(&self, id: i64, cursor: &str) -> Result<MessagePage, ApiError> {
        let request = Request::get(&format!("{API_BASE}/conversations/{id}/messages")).query([("cursor", cursor)]);
        read_json(self.send(request).await?).await
    }

    /// `POST /conversations/{id}/messages`: an agent's reply, queued for sending; the
    /// answer is the conversation with the reply in its transcript.
    pub async fn reply(&self, id: i64, body: String) -> Result<ConversationDetail, ApiError> {
        let url = format!("{API_BASE}/conversations/{id}/messages");
        let reply = ReplyMessage { body };
        read_json(self.send_idempotent(|| Request::post(&url), || Body::json(&reply)).await?).await
    }

    /// `PATCH /conversations/{id}`: operator, needs attention or the whole tag list.
    pub async fn update_conversation(
        &self,
        id: i64,
        change: &UpdateConversation,
    ) -> Result<ConversationDetail, ApiError> {
        let request = Request::patch(&format!("{API_BASE}/conversations/{id}"));
        read_json(self.send_body(request, Body::json(change)?).await?).await
    }

    /// `POST /conversations/bulk`: one action on many conversations, reported per
    /// conversation.
    pub async fn bulk_conversations(&self, body: &BulkConversationAction) -> Result<BulkReport, ApiError> {
        let request = Request::post(&format!("{API_BASE}/conversations/bulk"));
        read_json(self.send_body(request, Body::json(body)?).await?).await
    }

    /// `POST /conversations`: texts a contact one to one from a reusable number.
    pub async fn start_conversation(&self, body: &StartConversation) -> Result<ConversationDetail, ApiError> {
        let request = Request::post(&format!("{API_BASE}/conversations"));
        read_json(self.send_body(request, Body::json(body)?).await?).await
    }

    /// `GET /conversations/{id}/assignees`: who the conversation may be assigned to.
    pub async fn assignees(&self, id: i64) -> Result<Vec<Assignee>, ApiError> {
        let request = Request::get(&format!("{API_BASE}/conversations/{id}/assignees"));
        let list: ItemList<Assignee> = read_json(self.send(request).await?).await?;
        Ok(list.items)
    }

    /// `GET /conversations/{id}/audit`: the conversation's history, oldest first.
    pub async fn conversation_audit(&self, id: i64) -> Result<Vec<AuditEntry>, ApiError> {
        let request = Request::get(&format!("{API_BASE}/conversations/{id}/audit"));
        let list: ItemList<AuditEntry> = read_json(self.send(request).await?).await?;
        Ok(list.items)
    }

    /// `POST /conversations/{id}/opt-out`: puts the contact on the suppression list.
    pub async fn opt_out_conversation(&self, id: i64) -> Result<ConversationDetail, ApiError> {
        read_json(self.send(Request::post(&format!("{API_BASE}/conversations/{id}/opt-out"))).await?).await
    }

    /// `GET /inbox`: a page of an inbox tab, newest first.
    /// `GET /inbox/counts`: conversations needing attention per inbox.
    pub async fn inbox_counts(&self) -> Result<InboxCounts, ApiError> {
        read_json(self.send(Request::get(&format!("{API_BASE}/inbox/counts"))).await?).await
    }

    pub async fn inbox(
        &self,
        choice: InboxChoice,
        search: &ConversationSearch,
        cursor: Option<String>,
    ) -> Result<ConversationPage, ApiError> {
        let mut params = search.params();
        if let Some(office_id) = choice.office_id {
            params.push(("office_id", office_id.to_string()));
        }
        if let Some(mine) = choice.assigned {
            params.push(("assigned", if mine { "mine" } else { "unassigned" }.to_owned()));
        }
        params.push(("tab", if choice.participating { "participating" } else { "needs_attention" }.to_owned()));
        if let Some(cursor) = cursor {
            params.push(("cursor", cursor));
        }
        let request = Request::get(&format!("{API_BASE}/inbox")).query(params.iter().map(|(k, v)| (*k, v.as_str())));
        read_json(self.send(request).await?).await
    }

    /// `POST /simulator/inbound`: a made-up reply from `from` to our number `to`.
    pub async fn simulate_reply(&self, reply: &SimulatedInbound) -> Result<(), ApiError> {
        let request = Request::post(&format!("{API_BASE}/simulator/inbound"));
        read_json::<IgnoredAny>(self.send_body(request, Body::json(reply)?).await?).await.map(|_| ())
    }
}
