//! OpenAPI links from each create to what can be done with what it created: the
//! answer of `POST /api/v1/offices` links to `GET`/`PATCH`/`DELETE /api/v1/offices/{id}`
//! with `id` taken from its body, and so on for every resource. Integrators read them
//! as "what next", and schemathesis' stateful phase follows them to test real records
//! instead of ids that do not exist.

use std::collections::BTreeMap;

use serde_json::json;
use utoipa::openapi::extensions::Extensions;
use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::schema::Schema;
use utoipa::openapi::{OpenApi, RefOr};

/// Creates whose new record is named by another field than its own `id`:
/// (create path, JSON pointer to the id, the collection whose `{id}` it fills).
const OTHER_TARGETS: &[(&str, &str, &str)] = &[
    ("/api/v1/simulator/inbound", "/conversation_id", "/api/v1/conversations"),
    ("/api/v1/campaigns/{id}/clone", "/id", "/api/v1/campaigns"),
];

/// Adds the links to every create's success answer.
pub fn link_creates(openapi: &mut OpenApi) {
    let schemas = openapi.components.as_ref().map(|c| c.schemas.clone()).unwrap_or_default();
    let targets: Vec<(String, Vec<(String, String)>)> =
        openapi.paths.paths.iter().map(|(path, item)| (path.clone(), operation_ids(item))).collect();
    for (path, item) in openapi.paths.paths.iter_mut() {
        let Some(create) = item.post.as_mut() else { continue };
        let (pointer, collection) = match OTHER_TARGETS.iter().find(|(from, ..)| from == path) {
            Some((_, pointer, collection)) => ((*pointer).to_owned(), (*collection).to_owned()),
            None => match id_pointer(create, path, &schemas) {
                Some(pointer) => (pointer, path.clone()),
                None => continue,
            },
        };
        let member = format!("{collection}/{{id}}");
        let linked: Vec<&(String, String)> = targets
            .iter()
            .filter(|(target, _)| {
                *target == member || target.strip_prefix(&format!("{member}/")).is_some_and(|rest| !rest.contains('{'))
            })
            .flat_map(|(_, operations)| operations)
            .collect();
        let Some(response) = success_response(create) else { continue };
        let links: serde_json::Map<String, serde_json::Value> = linked
            .into_iter()
            .map(|(method, operation_id)| {
                let link = json!({
                    "operationId": operation_id,
                    "parameters": {"id": format!("$response.body#{pointer}")},
                    "description": format!("{method} what this created"),
                });
                (operation_id.clone(), link)
            })
            .collect();
        // utoipa 5.5 writes `Link` fields in snake case (`operation_id`), which no
        // OpenAPI reader understands; the links go in as JSON, flattened into the
        // response object like an extension.
        response.extensions.get_or_insert_with(Extensions::default).insert("links".to_owned(), links.into());
    }
}

/// (method, operationId) of each operation of a path.
fn operation_ids(item: &PathItem) -> Vec<(String, String)> {
    [("GET", &item.get), ("PUT", &item.put), ("POST", &item.post), ("DELETE", &item.delete), ("PATCH", &item.patch)]
        .into_iter()
        .filter_map(|(method, operation)| {
            operation.as_ref().and_then(|o| o.operation_id.clone()).map(|id| (method.to_owned(), id))
        })
        .collect()
}

fn success_response(operation: &mut Operation) -> Option<&mut utoipa::openapi::Response> {
    let key = ["201", "200"].into_iter().find(|status| operation.responses.responses.contains_key(*status))?;
    match operation.responses.responses.get_mut(key)? {
        RefOr::T(response) => Some(response),
        RefOr::Ref(_) => None,
    }
}

/// Where a create's answer names the new record: its `id`, or the `id` of the property
/// named after the collection (`contact_list` for `/contact-lists`). `None` for a POST
/// that creates nothing addressable (an action, a sign-in).
fn id_pointer(operation: &Operation, path: &str, schemas: &BTreeMap<String, RefOr<Schema>>) -> Option<String> {
    if path.ends_with('}') || path.contains('{') {
        return None;
    }
    let status = ["201", "200"].into_iter().find(|status| operation.responses.responses.contains_key(*status))?;
    let RefOr::T(response) = operation.responses.responses.get(status)? else { return None };
    let schema = response.content.get("application/json")?.schema.as_ref()?;
    let properties = properties_of(schema, schemas)?;
    if properties.contains_key("id") {
        return Some("/id".to_owned());
    }
    let singular = path.rsplit('/').next()?.trim_end_matches('s').replace('-', "_");
    let nested = properties_of(properties.get(&singular)?, schemas)?;
    nested.contains_key("id").then(|| format!("/{singular}/id"))
}

fn properties_of<'a>(
    schema: &'a RefOr<Schema>,
    schemas: &'a BTreeMap<String, RefOr<Schema>>,
) -> Option<&'a BTreeMap<String, RefOr<Schema>>> {
    match schema {
        RefOr::Ref(reference) => {
            let name = reference.ref_location.rsplit('/').next()?;
            properties_of(schemas.get(name)?, schemas)
        }
        RefOr::T(Schema::Object(object)) => Some(&object.properties),
        RefOr::T(Schema::AllOf(all_of)) => all_of.items.iter().find_map(|item| properties_of(item, schemas)),
        RefOr::T(_) => None,
    }
}
