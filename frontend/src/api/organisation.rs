//! The organisation's settings (read by the wizard, changed on the Settings page by
//! administrators) and the cost estimate of texting a list at its prices.

use gloo_net::http::Request;
use tidings_domain::campaign_wire::{CostEstimate, EstimateRequest};
use tidings_domain::organisation_wire::{OrganisationSettings, UpdateOrganisationSettings};

use super::{read_json, Api, ApiError, Body, API_BASE};

impl Api {
    /// `GET /organisation`.
    pub async fn organisation(&self) -> Result<OrganisationSettings, ApiError> {
        let request = Request::get(&format!("{API_BASE}/organisation"));
        read_json(self.send(request).await?).await
    }

    /// `PATCH /organisation` (administrators).
    pub async fn update_organisation(
        &self,
        body: &UpdateOrganisationSettings,
    ) -> Result<OrganisationSettings, ApiError> {
        let request = Request::patch(&format!("{API_BASE}/organisation"));
        read_json(self.send_body(request, Body::json(body)?).await?).await
    }

    /// `POST /contact-lists/{id}/estimate`: what texting the list would cost.
    pub async fn estimate(&self, list_id: i64, body: &EstimateRequest) -> Result<CostEstimate, ApiError> {
        let request = Request::post(&format!("{API_BASE}/contact-lists/{list_id}/estimate"));
        read_json(self.send_body(request, Body::json(body)?).await?).await
    }
}
