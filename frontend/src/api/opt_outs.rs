//! The calls of the Suppression list page (the organisation's opt-outs, adding a number,
//! lifting an entry, an entry's audit trail) and of the organisation's audit log.

use gloo_net::http::Request;
use tidings_domain::campaign_wire::{AuditEntry, AuditPage};
use tidings_domain::opt_out_wire::{AddOptOut, LiftOptOut, OptOut, OptOutPage, OptOutSource};

use super::{read_json, Api, ApiError, Body, ItemList, API_BASE};

/// What the list shows: digits of a phone, one source, lifted entries too.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OptOutSearch {
    pub digits: String,
    pub source: Option<OptOutSource>,
    pub include_lifted: bool,
}

impl Api {
    /// `GET /opt-outs`: a page of the suppression list, newest first, after `cursor`.
    pub async fn opt_out_page(
        &self,
        search: &OptOutSearch,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<OptOutPage, ApiError> {
        let mut params = vec![("limit", limit.to_string())];
        if !search.digits.is_empty() {
            params.push(("q", search.digits.clone()));
        }
        if let Some(source) = search.source {
            params.push(("source", source.as_str().to_owned()));
        }
        if search.include_lifted {
            params.push(("include_lifted", "true".to_owned()));
        }
        if let Some(cursor) = cursor {
            params.push(("cursor", cursor.to_owned()));
        }
        let request = Request::get(&format!("{API_BASE}/opt-outs")).query(params.iter().map(|(k, v)| (*k, v)));
        read_json(self.send(request).await?).await
    }

    /// `POST /opt-outs`: adds a number (an entry already there is answered as it is).
    pub async fn add_opt_out(&self, body: &AddOptOut) -> Result<OptOut, ApiError> {
        let request = Request::post(&format!("{API_BASE}/opt-outs"));
        read_json(self.send_body(request, Body::json(body)?).await?).await
    }

    /// `DELETE /opt-outs/{id}`: lifts an entry, with the reason.
    pub async fn lift_opt_out(&self, id: i64, body: &LiftOptOut) -> Result<OptOut, ApiError> {
        let request = Request::delete(&format!("{API_BASE}/opt-outs/{id}"));
        read_json(self.send_body(request, Body::json(body)?).await?).await
    }

    /// `GET /opt-outs/{id}/audit`: what happened to an entry, oldest first.
    pub async fn opt_out_audit(&self, id: i64) -> Result<Vec<AuditEntry>, ApiError> {
        let request = Request::get(&format!("{API_BASE}/opt-outs/{id}/audit"));
        let list: ItemList<AuditEntry> = read_json(self.send(request).await?).await?;
        Ok(list.items)
    }

    /// `GET /audit-log`: the organisation's audit log, newest first, after `cursor`.
    pub async fn audit_log(
        &self,
        entity_type: Option<&str>,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<AuditPage, ApiError> {
        let mut params = vec![("limit", limit.to_string())];
        if let Some(kind) = entity_type {
            params.push(("entity_type", kind.to_owned()));
        }
        if let Some(cursor) = cursor {
            params.push(("cursor", cursor.to_owned()));
        }
        let request = Request::get(&format!("{API_BASE}/audit-log")).query(params.iter().map(|(k, v)| (*k, v)));
        read_json(self.send(request).await?).await
    }
}
