//! The template library through the API: who may read and change which templates, the
//! checks on each field, the segment count, the filters, and the merge fields a saved
//! reply is filled from (the conversation's contact fields).
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a failed unwrap fails the test, which is the point")]

mod common;

use common::{assert_field_error, NumberSpec, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

fn names(list: &Value) -> Vec<&str> {
    list["items"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect()
}

#[actix_web::test]
async fn staff_save_templates_for_the_organisation_or_an_office_and_everyone_who_texts_reads_them() {
    let app = TestApp::spawn().await;
    let org = app.seed_default_org("alpha");
    let (main, west) = (org.offices[0], org.offices[1]);
    let manager = app.login("manager@alpha.test").await;
    let agent = app.login("agent@alpha.test").await;
    let limited = app.login("limited@alpha.test").await;

    let (status, welcome) = app
        .post(
            "/api/v1/templates",
            &agent,
            json!({"name": "  Welcome ", "body": "Hi {first_name}, your {Student ID} is ready", "tags": ["Intro"]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{welcome}");
    assert_eq!(welcome["name"], "Welcome");
    assert_eq!(welcome["office_id"], Value::Null);
    assert_eq!(welcome["placeholders"], json!(["first_name", "Student ID"]));
    assert_eq!(welcome["segments"]["encoding"], "gsm7");
    assert_eq!(welcome["segments"]["segments"], 1);
    assert_eq!(welcome["tags"], json!(["Intro"]));

    // Office templates: the agent (Main only) may not manage West's; the manager may.
    let (status, refused) = app
        .post("/api/v1/templates", &agent, json!({"name": "West hours", "body": "Open 9-5", "office_id": west}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_field_error(&refused, "office_id");
    let (status, west_hours) = app
        .post("/api/v1/templates", &manager, json!({"name": "West hours", "body": "Open 9–5 ☀", "office_id": west}))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(west_hours["segments"]["encoding"], "ucs2");
    let (status, _) = app
        .post("/api/v1/templates", &manager, json!({"name": "Main fees", "body": "Fees are due", "office_id": main}))
        .await;
    assert_eq!(status, StatusCode::CREATED);

    // Each reads the organisation's and their offices' templates, by name.
    let (_, for_agent) = app.get("/api/v1/templates", &agent).await;
    assert_eq!(names(&for_agent), ["Main fees", "Welcome"]);
    let (_, for_limited) = app.get("/api/v1/templates", &limited).await;
    assert_eq!(names(&for_limited), ["Welcome", "West hours"]);
    let (_, for_manager) = app.get("/api/v1/templates", &manager).await;
    assert_eq!(names(&for_manager), ["Main fees", "Welcome", "West hours"]);
    let id = west_hours["id"].as_i64().unwrap();
    let (status, _) = app.get(&format!("/api/v1/templates/{id}"), &agent).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another office's template is not there for the agent");

    // Filters: one office's view (with the organisation's), a search, a tag.
    let (_, west_view) = app.get(&format!("/api/v1/templates?office_id={west}"), &manager).await;
    assert_eq!(names(&west_view), ["Welcome", "West hours"]);
    let (_, searched) = app.get("/api/v1/templates?q=student", &manager).await;
    assert_eq!(names(&searched), ["Welcome"]);
    let (_, tagged) = app.get("/api/v1/templates?tags=intro", &manager).await;
    assert_eq!(names(&tagged), ["Welcome"]);

    // Limited users read but never change the library.
    let (status, _) = app.post("/api/v1/templates", &limited, json!({"name": "Mine", "body": "x"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app.patch(&format!("/api/v1/templates/{id}"), &limited, json!({"name": "Mine"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Edits: rename, move to the organisation, retag; a taken name is a conflict.
    let (status, edited) = app
        .patch(
            &format!("/api/v1/templates/{id}"),
            &manager,
            json!({"name": "Opening hours", "office_id": null, "tags": ["hours"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!((edited["name"].as_str(), &edited["office_id"]), (Some("Opening hours"), &Value::Null));
    let (_, for_agent) = app.get("/api/v1/templates", &agent).await;
    assert_eq!(names(&for_agent), ["Main fees", "Opening hours", "Welcome"]);
    let (status, conflict) = app.patch(&format!("/api/v1/templates/{id}"), &manager, json!({"name": "WELCOME"})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(conflict["detail"].as_str().unwrap().contains("WELCOME"), "{conflict}");
    let (status, _) = app.post("/api/v1/templates", &manager, json!({"name": "welcome", "body": "again"})).await;
    assert_eq!(status, StatusCode::CONFLICT);

    // Deleting is audited like every change.
    let (status, _) = app.delete(&format!("/api/v1/templates/{id}"), &agent).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = app.get(&format!("/api/v1/templates/{id}"), &agent).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let admin = app.login("admin@alpha.test").await;
    let (_, log) = app.get("/api/v1/audit-log?entity_type=template", &admin).await;
    let actions: Vec<&str> = log["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions.iter().filter(|a| **a == "created").count(), 3, "{log}");
    assert!(actions.contains(&"updated") && actions.contains(&"deleted"), "{log}");
}

#[actix_web::test]
async fn bad_templates_are_refused_naming_the_field() {
    let app = TestApp::spawn().await;
    app.seed_default_org("alpha");
    let manager = app.login("manager@alpha.test").await;
    let cases = [
        (json!({"name": " ", "body": "x"}), "name"),
        (json!({"name": "x".repeat(81), "body": "x"}), "name"),
        (json!({"name": "Unclosed", "body": "Hi {first_name"}), "body"),
        (json!({"name": "Blank", "body": "   "}), "body"),
        (json!({"name": "Long", "body": "a".repeat(1601)}), "body"),
        (json!({"name": "Tags", "body": "x", "tags": ["a", "b", "c", "d", "e", "f"]}), "tags"),
        (json!({"name": "Tag", "body": "x", "tags": ["x".repeat(31)]}), "tags[0]"),
        (json!({"name": "Office", "body": "x", "office_id": 999_999}), "office_id"),
    ];
    for (body, field) in cases {
        let (status, problem) = app.post("/api/v1/templates", &manager, body.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {problem}");
        assert_field_error(&problem, field);
    }
    let (status, _) = app.post("/api/v1/templates", &manager, json!({"name": "x", "body": "x", "colour": 1})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "unknown fields are refused");
    let (_, list) = app.get("/api/v1/templates", &manager).await;
    assert_eq!(list["items"], json!([]), "nothing refused was kept");
}

#[actix_web::test]
async fn another_organisations_templates_are_not_there() {
    let app = TestApp::spawn().await;
    app.seed_default_org("alpha");
    app.seed_default_org("beta");
    let alpha = app.login("manager@alpha.test").await;
    let beta = app.login("admin@beta.test").await;
    let (_, template) = app.post("/api/v1/templates", &alpha, json!({"name": "Alpha only", "body": "x"})).await;
    let id = template["id"].as_i64().unwrap();
    let (_, list) = app.get("/api/v1/templates", &beta).await;
    assert_eq!(list["items"], json!([]));
    for status in [
        app.get(&format!("/api/v1/templates/{id}"), &beta).await.0,
        app.patch(&format!("/api/v1/templates/{id}"), &beta, json!({"name": "Taken"})).await.0,
        app.delete(&format!("/api/v1/templates/{id}"), &beta).await.0,
    ] {
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    // Beta may use the same name: names are unique within an organisation.
    let (status, _) = app.post("/api/v1/templates", &beta, json!({"name": "Alpha only", "body": "y"})).await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, kept) = app.get(&format!("/api/v1/templates/{id}"), &alpha).await;
    assert_eq!(kept["name"], "Alpha only");
}

#[actix_web::test]
async fn a_conversation_carries_its_contacts_list_fields_for_saved_replies() {
    let app = TestApp::spawn().await;
    let org = app.seed_default_org("alpha");
    let manager = app.login("manager@alpha.test").await;
    let number = "+14155550100";
    let number_id = app.insert_number(org.id, org.offices[0], number, NumberSpec::REUSABLE_SIMULATOR);
    let rows = [
        json!({"first_name": "Ada", "last_name": "Lovelace", "phone": "+14155552001", "fields": {"Student ID": "S-17"}}),
    ];
    let (status, list) = app
        .post("/api/v1/contact-lists", &manager, json!({"name": "Fields", "office_id": org.offices[0], "rows": rows}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{list}");
    let campaign = json!({
        "title": "Fields", "office_id": org.offices[0], "phone_number": {"kind": "reusable", "id": number_id},
        "contact_list_id": list["contact_list"]["id"], "message_template": "Hi {first_name}", "operated_by": "agent",
        "agent_ids": [org.users[1]],
    });
    let (status, campaign) = app.post("/api/v1/campaigns", &manager, campaign).await;
    assert_eq!(status, StatusCode::CREATED, "{campaign}");
    let id = campaign["id"].as_i64().unwrap();
    let (status, _) = app.post(&format!("/api/v1/campaigns/{id}/launch"), &manager, json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let (_, filed) = app
        .post("/api/v1/simulator/inbound", &manager, json!({"from": "+14155552001", "to": number, "body": "Hi"}))
        .await;
    let conversation = filed["conversation_id"].as_i64().unwrap();
    let (_, detail) = app.get(&format!("/api/v1/conversations/{conversation}"), &manager).await;
    assert_eq!(detail["contact_fields"], json!([{"name": "Student ID", "value": "S-17"}]));
}
