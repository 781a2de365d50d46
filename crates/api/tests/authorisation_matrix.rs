//! Every endpoint × caller, generated from the route table (the OpenAPI document the
//! server serves), so a new endpoint cannot escape it: without credentials every
//! protected operation answers 401; another organisation's administrator gets 403 or
//! 404 for this organisation's objects and changes nothing; a limited user is refused
//! what their role may not do and reads what their office has; the organisation's
//! administrator reads everything; whatever any caller gets is a status the document
//! lists for that operation, and never a 5xx. A second test holds every route a handler
//! registers to the document, so none is left out of the matrix.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a failed unwrap fails the test, which is the point")]

mod common;

use common::{NumberSpec, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const NUMBER: &str = "+14155550100";

/// The ids the path templates take, of the organisation under test.
struct Ids {
    by_resource: Vec<(&'static str, i64)>,
    contact: i64,
}

impl Ids {
    /// `template` with its `{…}` segments filled in from the resource each belongs to.
    fn fill(&self, template: &str) -> String {
        let segments: Vec<&str> = template.split('/').collect();
        let mut filled = Vec::new();
        for (i, segment) in segments.iter().enumerate() {
            if *segment == "{contact_id}" {
                filled.push(self.contact.to_string());
            } else if segment.starts_with('{') {
                let resource = segments[i - 1];
                let id = self.by_resource.iter().find(|(name, _)| *name == resource).map(|(_, id)| *id);
                filled.push(id.unwrap_or_else(|| panic!("no id for {resource} in {template}")).to_string());
            } else {
                filled.push((*segment).to_owned());
            }
        }
        filled.join("/")
    }
}

/// Alpha's objects, one of each kind a path names.
async fn alpha_objects(app: &TestApp, org: &common::Org) -> Ids {
    let admin = app.login("admin@alpha.test").await;
    let manager = app.login("manager@alpha.test").await;
    // In West, the limited user's office, so they see what there is to see.
    let west = org.offices[1];
    let number = app.insert_number(org.id, west, NUMBER, NumberSpec::REUSABLE_SIMULATOR);
    let rows = [json!({"first_name": "Ada", "last_name": "Alpha", "phone": "+14155552001"})];
    let (_, list) =
        app.post("/api/v1/contact-lists", &manager, json!({"name": "Alpha", "office_id": west, "rows": rows})).await;
    let list = list["contact_list"]["id"].as_i64().unwrap();
    let body = json!({
        "title": "Alpha outreach", "office_id": west, "phone_number": {"kind": "reusable", "id": number},
        "contact_list_id": list, "message_template": "Hi {first_name}", "operated_by": "agent",
        "agent_ids": [org.users[3]],
    });
    let (status, campaign) = app.post("/api/v1/campaigns", &manager, body).await;
    assert_eq!(status, StatusCode::CREATED, "{campaign}");
    let campaign = campaign["id"].as_i64().unwrap();
    let (status, _) = app.post(&format!("/api/v1/campaigns/{campaign}/launch"), &manager, json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let (_, filed) = app
        .post("/api/v1/simulator/inbound", &manager, json!({"from": "+14155552001", "to": NUMBER, "body": "Hello?"}))
        .await;
    let conversation = filed["conversation_id"].as_i64().unwrap();
    let (_, contacts) = app.get(&format!("/api/v1/campaigns/{campaign}/contacts"), &manager).await;
    let contact = contacts["items"][0]["id"].as_i64().unwrap();
    let (_, key) = app.post("/api/v1/api-keys", &admin, json!({"name": "Sync", "user_id": org.users[1]})).await;
    let (_, opt_out) = app.post("/api/v1/opt-outs", &manager, json!({"phone": "+14155552999"})).await;
    let (_, template) = app
        .post("/api/v1/templates", &manager, json!({"name": "Hello", "body": "Hi {first_name}", "office_id": west}))
        .await;
    Ids {
        by_resource: vec![
            ("campaigns", campaign),
            ("contact-lists", list),
            ("conversations", conversation),
            ("offices", org.offices[0]),
            ("users", org.users[1]),
            ("phone-numbers", number),
            ("api-keys", key["id"].as_i64().unwrap()),
            ("opt-outs", opt_out["id"].as_i64().unwrap()),
            ("templates", template["id"].as_i64().unwrap()),
        ],
        contact,
    }
}

/// What a limited user is refused (DESIGN.md's roles): administration, the audit trails
/// outside a campaign, changing numbers, lists and campaigns. They read what their
/// office has, and work the conversations in their inboxes.
const LIMITED_REFUSED: &[(&str, &str)] = &[
    ("DELETE", "/api/v1/api-keys/{id}"),
    ("DELETE", "/api/v1/contact-lists/{id}"),
    ("DELETE", "/api/v1/offices/{id}"),
    ("DELETE", "/api/v1/phone-numbers/{id}"),
    ("DELETE", "/api/v1/templates/{id}"),
    ("DELETE", "/api/v1/users/{id}"),
    ("GET", "/api/v1/api-keys"),
    ("GET", "/api/v1/audit-log"),
    ("GET", "/api/v1/opt-outs/{id}/audit"),
    ("GET", "/api/v1/users"),
    ("GET", "/api/v1/users/{id}"),
    ("PATCH", "/api/v1/offices/{id}"),
    ("PATCH", "/api/v1/organisation"),
    ("PATCH", "/api/v1/phone-numbers/{id}"),
    ("PATCH", "/api/v1/templates/{id}"),
    ("PATCH", "/api/v1/users/{id}"),
    ("POST", "/api/v1/campaigns/{id}/archive"),
    ("POST", "/api/v1/campaigns/{id}/clone"),
    ("POST", "/api/v1/campaigns/{id}/pause"),
    ("POST", "/api/v1/contact-lists"),
    ("PUT", "/api/v1/phone-numbers/{id}/unsolicited-settings"),
];

/// One operation of the document.
struct Operation {
    template: String,
    method: Method,
    protected: bool,
    documented: Vec<u16>,
    /// A query parameter is required (the matrix sends none: a 400 naming it).
    needs_query: bool,
}

fn operations() -> Vec<Operation> {
    let document: Value = serde_json::from_str(&tidings_api::openapi::openapi_json().unwrap()).unwrap();
    let mut found = Vec::new();
    for (template, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let Ok(method) = method.to_uppercase().parse::<Method>() else { continue };
            let protected = operation["security"]
                .as_array()
                .is_some_and(|requirements| requirements.iter().any(|r| r.get("bearer").is_some()));
            let documented =
                operation["responses"].as_object().unwrap().keys().filter_map(|status| status.parse().ok()).collect();
            let needs_query = operation["parameters"]
                .as_array()
                .is_some_and(|params| params.iter().any(|p| p["in"] == "query" && p["required"] == true));
            found.push(Operation { template: template.clone(), method, protected, documented, needs_query });
        }
    }
    found
}

/// The status of `method path` for `token` (a `{}` JSON body on anything but GET);
/// a stream's body is not waited for.
async fn status_of(app: &TestApp, method: &Method, path: &str, token: Option<&str>) -> StatusCode {
    let mut request = app.client.request(method.clone(), app.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if *method != Method::GET {
        request = request.json(&json!({}));
    }
    request.send().await.unwrap().status()
}

#[actix_web::test]
async fn every_endpoint_answers_every_caller_as_documented() {
    let app = TestApp::spawn().await;
    let org = app.seed_default_org("alpha");
    let ids = alpha_objects(&app, &org).await;
    app.seed_default_org("beta");
    let outsider = app.login("admin@beta.test").await;
    let limited = app.login("limited@alpha.test").await;
    let manager = app.login("manager@alpha.test").await;
    let admin = app.login("admin@alpha.test").await;
    let operations = operations();
    assert!(operations.len() > 60, "the route table is read: {}", operations.len());
    let mut wrong = Vec::new();
    let mut check = |who: &str, operation: &Operation, status: StatusCode, expected: Option<&[u16]>| {
        let documented = operation.documented.contains(&status.as_u16());
        let as_expected = expected.is_none_or(|allowed| allowed.contains(&status.as_u16()));
        if !documented || !as_expected || status.is_server_error() {
            wrong.push(format!("{who}: {} {} → {status}", operation.method, operation.template));
        }
    };

    for operation in operations.iter().filter(|o| !o.template.starts_with("/webhooks/")) {
        let path = ids.fill(&operation.template);
        let anonymous = status_of(&app, &operation.method, &path, None).await;
        check("anonymous", operation, anonymous, operation.protected.then_some(&[401][..]));
        if !operation.protected || operation.template == "/api/v1/auth/logout" {
            continue;
        }
        // Another organisation: alpha's objects are not there for it, and stay as they are.
        let names_an_object = operation.template.contains('{');
        let outside = status_of(&app, &operation.method, &path, Some(&outsider)).await;
        check("another organisation", operation, outside, names_an_object.then_some(&[403, 404, 422][..]));
        let limited_answer = status_of(&app, &operation.method, &path, Some(&limited)).await;
        let limited_expected: Option<&[u16]> =
            if LIMITED_REFUSED.contains(&(operation.method.as_str(), &operation.template)) {
                Some(&[403])
            } else if operation.method == Method::GET {
                // Everything else they read: the campaign, its conversation and list are in
                // their office, and they are its agent.
                Some(if operation.needs_query { &[400] } else { &[200] })
            } else {
                None
            };
        check("limited user", operation, limited_answer, limited_expected);
        // The organisation's own administrator reads everything there is (their changes
        // would pull the objects from under the manager's pass).
        if operation.method == Method::GET {
            let answer = status_of(&app, &operation.method, &path, Some(&admin)).await;
            let readable: &[u16] = if operation.needs_query { &[400] } else { &[200] };
            check("administrator", operation, answer, Some(readable));
        }
    }
    // The manager last: their calls change things (archive, delete).
    for operation in operations.iter().filter(|o| o.protected && o.template != "/api/v1/auth/logout") {
        let path = ids.fill(&operation.template);
        let answer = status_of(&app, &operation.method, &path, Some(&manager)).await;
        check("manager", operation, answer, None);
    }
    assert!(
        wrong.is_empty(),
        "answers the document does not list, or refusals that are missing:\n{}",
        wrong.join("\n")
    );

    // Nothing of alpha's was changed by the outsider: its campaign kept its title.
    let (status, campaign) = app.get(&ids.fill("/api/v1/campaigns/{id}"), &manager).await;
    assert_eq!((status, campaign["title"].as_str()), (StatusCode::OK, Some("Alpha outreach")));
}

/// Every route a handler registers (`#[get("…")]` and the like in `src/http/`, and the
/// webhooks' `cfg.route`) is an operation of the document, so the matrix above covers
/// it: a handler left out of the document cannot escape.
#[test]
fn every_route_the_server_registers_is_in_the_document() {
    let documented: Vec<(String, String)> =
        operations().into_iter().map(|o| (o.method.as_str().to_owned(), o.template)).collect();
    let http = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/http");
    let mut registered = Vec::new();
    for entry in std::fs::read_dir(&http).unwrap() {
        let source = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for line in source.lines().map(str::trim) {
            for method in ["get", "post", "put", "patch", "delete"] {
                if let Some(rest) = line.strip_prefix(&format!("#[{method}(\"")) {
                    let path = rest.split('"').next().unwrap().to_owned();
                    registered.push((method.to_uppercase(), path));
                }
            }
        }
    }
    for webhook in
        [tidings_api::providers::twilio::STATUS_WEBHOOK_PATH, tidings_api::providers::twilio::INBOUND_WEBHOOK_PATH]
    {
        registered.push(("POST".to_owned(), webhook.to_owned()));
    }
    assert!(registered.len() > 60, "the handlers are read: {}", registered.len());
    let missing: Vec<String> = registered
        .iter()
        .filter(|route| !documented.contains(route))
        .map(|(method, path)| format!("{method} {path}"))
        .collect();
    assert!(missing.is_empty(), "routes the OpenAPI document does not list: {missing:?}");
}
