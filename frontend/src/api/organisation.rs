//! The organisation's settings: read by the wizard (its texting hours) and changed on
//! the Settings page by administrators.

use gloo_net::http::Request;
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
}
