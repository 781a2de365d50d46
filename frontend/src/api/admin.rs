//! The calls of the management pages: contact lists, phone numbers (with their
//! unsolicited message settings), users, offices and API keys.

use gloo_net::http::Request;
use tidings_domain::auth::{ApiKey, CreateApiKey, CreatedApiKey};
use tidings_domain::contact_list::{ContactListPage, ContactPage};
use tidings_domain::office::{CreateOffice, Office, UpdateOffice};
use tidings_domain::phone_number::{
    CreatePhoneNumber, PhoneNumber, PhoneNumberStatus, UnsolicitedSettings, UpdatePhoneNumber,
};
use tidings_domain::user::{CreateUser, UpdateUser, User};

use super::{read_empty, read_json, Api, ApiError, Body, ItemList, API_BASE};

/// Query pairs for a page of a list: the narrowing search, and where the last page ended.
fn page_query(search: &str, cursor: Option<&str>, limit: u32) -> Vec<(&'static str, String)> {
    let mut params = vec![("limit", limit.to_string())];
    if !search.is_empty() {
        params.push(("q", search.to_owned()));
    }
    if let Some(cursor) = cursor {
        params.push(("cursor", cursor.to_owned()));
    }
    params
}

impl Api {
    /// `GET /contact-lists`: a page of an office's lists, newest first, after `cursor`.
    pub async fn contact_list_page(
        &self,
        office_id: i64,
        search: &str,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<ContactListPage, ApiError> {
        let mut params = page_query(search, cursor, limit);
        params.push(("office_id", office_id.to_string()));
        let request = Request::get(&format!("{API_BASE}/contact-lists")).query(params.iter().map(|(k, v)| (*k, v)));
        read_json(self.send(request).await?).await
    }

    /// `GET /contact-lists/{id}/contacts`: a page of a list's contacts in file order,
    /// narrowed by name or phone digits, after `cursor`.
    pub async fn contact_page(
        &self,
        list_id: i64,
        search: &str,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<ContactPage, ApiError> {
        let params = page_query(search, cursor, limit);
        let request = Request::get(&format!("{API_BASE}/contact-lists/{list_id}/contacts"))
            .query(params.iter().map(|(k, v)| (*k, v)));
        read_json(self.send(request).await?).await
    }

    /// `DELETE /contact-lists/{id}`: refused (409) while a campaign that left draft uses it.
    pub async fn delete_contact_list(&self, id: i64) -> Result<(), ApiError> {
        read_empty(self.send(Request::delete(&format!("{API_BASE}/contact-lists/{id}"))).await?).await
    }

    /// `GET /phone-numbers`: every number of an office, of both kinds, active or released.
    pub async fn office_phone_numbers(
        &self,
        office_id: i64,
        status: PhoneNumberStatus,
    ) -> Result<Vec<PhoneNumber>, ApiError> {
        let request = Request::get(&format!("{API_BASE}/phone-numbers"))
            .query([("office_id", office_id.to_string()), ("status", status.as_str().to_owned())]);
        let list: ItemList<PhoneNumber> = read_json(self.send(request).await?).await?;
        Ok(list.items)
    }

    /// `GET /phone-numbers/{id}`.
    pub async fn phone_number(&self, id: i64) -> Result<PhoneNumber, ApiError> {
        read_json(self.send(Request::get(&format!("{API_BASE}/phone-numbers/{id}"))).await?).await
    }

    /// `POST /phone-numbers`: registers or provisions a reusable number.
    pub async fn create_phone_number(&self, body: &CreatePhoneNumber) -> Result<PhoneNumber, ApiError> {
        let request = Request::post(&format!("{API_BASE}/phone-numbers"));
        read_json(self.send_body(request, Body::json(body)?).await?).await
    }

    /// `PATCH /phone-numbers/{id}`: name, description, office, owner, default behaviour.
    pub async fn update_phone_number(&self, id: i64, body: &UpdatePhoneNumber) -> Result<PhoneNumber, ApiError> {
        let request = Request::patch(&format!("{API_BASE}/phone-numbers/{id}"));
        read_json(self.send_body(request, Body::json(body)?).await?).await
    }

    /// `DELETE /phone-numbers/{id}`: releases the number; the answer is it, released.
    pub async fn release_phone_number(&self, id: i64) -> Result<PhoneNumber, ApiError> {
        read_json(self.send(Request::delete(&format!("{API_BASE}/phone-numbers/{id}"))).await?).await
    }

    /// `GET /phone-numbers/{id}/unsolicited-settings`.
    pub async fn unsolicited_settings(&self, id: i64) -> Result<UnsolicitedSettings, ApiError> {
        let url = format!("{API_BASE}/phone-numbers/{id}/unsolicited-settings");
        read_json(self.send(Request::get(&url)).await?).await
    }

    /// `PUT /phone-numbers/{id}/unsolicited-settings`: replaces them; the answer is what
    /// the server stored.
    pub async fn set_unsolicited_settings(
        &self,
        id: i64,
        body: &UnsolicitedSettings,
    ) -> Result<UnsolicitedSettings, ApiError> {
        let request = Request::put(&format!("{API_BASE}/phone-numbers/{id}/unsolicited-settings"));
        read_json(self.send_body(request, Body::json(body)?).await?).await
    }

    /// `POST /users`.
    pub async fn create_user(&self, body: &CreateUser) -> Result<User, ApiError> {
        let request = Request::post(&format!("{API_BASE}/users"));
        read_json(self.send_body(request, Body::json(body)?).await?).await
    }

    /// `PATCH /users/{id}` (also reactivates, with `active: true`).
    pub async fn update_user(&self, id: i64, body: &UpdateUser) -> Result<User, ApiError> {
        let request = Request::patch(&format!("{API_BASE}/users/{id}"));
        read_json(self.send_body(request, Body::json(body)?).await?).await
    }

    /// `DELETE /users/{id}`: deactivates the user; their history stays.
    pub async fn deactivate_user(&self, id: i64) -> Result<(), ApiError> {
        read_empty(self.send(Request::delete(&format!("{API_BASE}/users/{id}"))).await?).await
    }

    /// `POST /offices`.
    pub async fn create_office(&self, body: &CreateOffice) -> Result<Office, ApiError> {
        let request = Request::post(&format!("{API_BASE}/offices"));
        read_json(self.send_body(request, Body::json(body)?).await?).await
    }

    /// `PATCH /offices/{id}`.
    pub async fn update_office(&self, id: i64, body: &UpdateOffice) -> Result<Office, ApiError> {
        let request = Request::patch(&format!("{API_BASE}/offices/{id}"));
        read_json(self.send_body(request, Body::json(body)?).await?).await
    }

    /// `DELETE /offices/{id}`: refused (409) while users, numbers, lists or campaigns
    /// still belong to it.
    pub async fn delete_office(&self, id: i64) -> Result<(), ApiError> {
        read_empty(self.send(Request::delete(&format!("{API_BASE}/offices/{id}"))).await?).await
    }

    /// `GET /api-keys`: the organisation's keys, newest first (never their secrets).
    pub async fn api_keys(&self) -> Result<Vec<ApiKey>, ApiError> {
        let list: ItemList<ApiKey> = read_json(self.send(Request::get(&format!("{API_BASE}/api-keys"))).await?).await?;
        Ok(list.items)
    }

    /// `POST /api-keys`: the answer holds the key, shown this once.
    pub async fn create_api_key(&self, body: &CreateApiKey) -> Result<CreatedApiKey, ApiError> {
        let request = Request::post(&format!("{API_BASE}/api-keys"));
        read_json(self.send_body(request, Body::json(body)?).await?).await
    }

    /// `DELETE /api-keys/{id}`: requests with the key fail from now on.
    pub async fn revoke_api_key(&self, id: i64) -> Result<(), ApiError> {
        read_empty(self.send(Request::delete(&format!("{API_BASE}/api-keys/{id}"))).await?).await
    }
}
