//! Calls of the campaign view's Contacts and Analytics tabs: the contacts with their
//! delivery state (paged, searchable, as CSV), a contact's SMS preview and opt-out, and
//! the campaign's analytics.

use gloo_net::http::Request;
use tidings_domain::analytics_wire::CampaignAnalytics;
use tidings_domain::campaign_contact_wire::{CampaignContact, CampaignContactPage};
use tidings_domain::template::MessagePreview;

use super::{read_json, read_refusal, Api, ApiError, API_BASE};

/// The search parameter, left out when there is nothing to search for (the server
/// treats a blank `q` the same, but the address stays clean).
fn search_param(search: &str) -> Option<(&'static str, String)> {
    let search = search.trim();
    (!search.is_empty()).then(|| ("q", search.to_owned()))
}

impl Api {
    /// `GET /campaigns/{id}/contacts`: `limit` rows after `cursor` (the previous page's
    /// `next_cursor`), narrowed by a name or phone search.
    pub async fn campaign_contacts(
        &self,
        id: i64,
        search: &str,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<CampaignContactPage, ApiError> {
        let mut params = vec![("limit", limit.to_string())];
        params.extend(search_param(search));
        if let Some(cursor) = cursor {
            params.push(("cursor", cursor.to_owned()));
        }
        let request = Request::get(&format!("{API_BASE}/campaigns/{id}/contacts"))
            .query(params.iter().map(|(k, v)| (*k, v.as_str())));
        read_json(self.send(request).await?).await
    }

    /// `GET /campaigns/{id}/contacts.csv`: every row the search matches, as CSV text.
    /// The endpoint takes only the bearer header, so the page fetches the file itself
    /// rather than pointing a link at it.
    pub async fn campaign_contacts_csv(&self, id: i64, search: &str) -> Result<String, ApiError> {
        let params: Vec<_> = search_param(search).into_iter().collect();
        let request = Request::get(&format!("{API_BASE}/campaigns/{id}/contacts.csv"))
            .query(params.iter().map(|(k, v)| (*k, v.as_str())));
        self.read_text(request).await
    }

    /// `GET /campaigns/{id}/transcript.csv`: every message of the campaign, as CSV text.
    pub async fn campaign_transcript_csv(&self, id: i64) -> Result<String, ApiError> {
        self.read_text(Request::get(&format!("{API_BASE}/campaigns/{id}/transcript.csv"))).await
    }

    /// `GET /conversations/{id}/transcript.txt`: one conversation as text.
    pub async fn conversation_transcript(&self, id: i64) -> Result<String, ApiError> {
        self.read_text(Request::get(&format!("{API_BASE}/conversations/{id}/transcript.txt"))).await
    }

    /// A file's text, or the API's refusal.
    async fn read_text(&self, request: gloo_net::http::RequestBuilder) -> Result<String, ApiError> {
        let response = self.send(request).await?;
        if !response.ok() {
            return Err(read_refusal(response).await);
        }
        let status = response.status();
        response.text().await.map_err(|_| ApiError::Unexpected { status })
    }

    /// `GET /campaigns/{id}/contacts/{contact_id}/preview`: the exact text the contact
    /// receives, its encoding and segments.
    pub async fn contact_sms_preview(&self, id: i64, contact_id: i64) -> Result<MessagePreview, ApiError> {
        let url = format!("{API_BASE}/campaigns/{id}/contacts/{contact_id}/preview");
        read_json(self.send(Request::get(&url)).await?).await
    }

    /// `POST /campaigns/{id}/contacts/{contact_id}/opt-out`: the contact's row afterwards.
    pub async fn opt_out_contact(&self, id: i64, contact_id: i64) -> Result<CampaignContact, ApiError> {
        let url = format!("{API_BASE}/campaigns/{id}/contacts/{contact_id}/opt-out");
        read_json(self.send(Request::post(&url)).await?).await
    }

    /// `GET /campaigns/{id}/analytics`.
    pub async fn campaign_analytics(&self, id: i64) -> Result<CampaignAnalytics, ApiError> {
        read_json(self.send(Request::get(&format!("{API_BASE}/campaigns/{id}/analytics"))).await?).await
    }
}
