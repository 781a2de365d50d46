//! The template library's calls: the templates a user may use, and saving, editing and
//! deleting them.

use gloo_net::http::Request;
use tidings_domain::template_wire::{CreateMessageTemplate, MessageTemplate, UpdateMessageTemplate};

use super::{read_empty, read_json, Api, ApiError, Body, ItemList, API_BASE};

impl Api {
    /// `GET /templates`: every template the user may use, by name; with `office_id`,
    /// the organisation's and that office's.
    pub async fn templates(&self, office_id: Option<i64>) -> Result<Vec<MessageTemplate>, ApiError> {
        let mut request = Request::get(&format!("{API_BASE}/templates"));
        if let Some(office_id) = office_id {
            request = request.query([("office_id", office_id.to_string())]);
        }
        let list: ItemList<MessageTemplate> = read_json(self.send(request).await?).await?;
        Ok(list.items)
    }

    /// `POST /templates`.
    pub async fn create_template(&self, body: &CreateMessageTemplate) -> Result<MessageTemplate, ApiError> {
        let request = Request::post(&format!("{API_BASE}/templates"));
        read_json(self.send_body(request, Body::json(body)?).await?).await
    }

    /// `PATCH /templates/{id}`.
    pub async fn update_template(&self, id: i64, body: &UpdateMessageTemplate) -> Result<MessageTemplate, ApiError> {
        let request = Request::patch(&format!("{API_BASE}/templates/{id}"));
        read_json(self.send_body(request, Body::json(body)?).await?).await
    }

    /// `DELETE /templates/{id}`.
    pub async fn delete_template(&self, id: i64) -> Result<(), ApiError> {
        read_empty(self.send(Request::delete(&format!("{API_BASE}/templates/{id}"))).await?).await
    }
}
