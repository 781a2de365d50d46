//! An agent-operated campaign may carry a Virtual Assistant script, so an agent can hand
//! a conversation to the assistant; one waiting for a person is handed over only with
//! Needs Attention cleared in the same change; the script can be taken off again — on
//! SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a failed unwrap fails the test, which is the point")]

mod common;

use common::{phone, NumberSpec, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};
use tidings_api::jobs::{dispatcher, status_reports};

const NUMBER: &str = "+14155550100";

#[actix_web::test]
async fn an_agent_campaign_with_a_script_hands_a_conversation_to_the_assistant() {
    let app = TestApp::spawn().await;
    let org = app.seed_default_org("alpha");
    let manager = app.login("manager@alpha.test").await;
    let number = app.insert_number(org.id, org.offices[0], NUMBER, NumberSpec::REUSABLE_SIMULATOR);
    let rows = [json!({"first_name": "Ada", "last_name": "Doe", "phone": phone(1)})];
    let (_, list) = app
        .post("/api/v1/contact-lists", &manager, json!({"name": "List", "office_id": org.offices[0], "rows": rows}))
        .await;
    let script = json!({
        "rules": [{"phrases": ["deadline"], "reply": "The deadline is March 15."}],
        "fallback_reply": "Sorry, I did not get that.",
    });
    let body = json!({
        "title": "Agents with a script", "phone_number": {"kind": "reusable", "id": number},
        "contact_list_id": list["contact_list"]["id"], "message_template": "Hi {first_name}", "operated_by": "agent",
        "agent_ids": [org.users[2]], "assistant_script": script,
    });
    let (status, campaign) = app.post("/api/v1/campaigns", &manager, body).await;
    assert_eq!(status, StatusCode::CREATED, "{campaign}");
    assert_eq!(campaign["operated_by"], "agent");
    assert!(campaign["assistant_script"]["rules"].is_array(), "{campaign}");
    let id = campaign["id"].as_i64().unwrap();
    let (status, _) = app.post(&format!("/api/v1/campaigns/{id}/launch"), &manager, json!({})).await;
    assert_eq!(status, StatusCode::OK);
    dispatcher::run_until_idle(&app.app_state, "server-a").await.unwrap();
    status_reports::apply_all(&app.app_state, app.simulator.take_all_reports()).await.unwrap();
    let (_, filed) = app
        .post("/api/v1/simulator/inbound", &manager, json!({"from": phone(1), "to": NUMBER, "body": "Hi there"}))
        .await;
    let conversation = filed["conversation_id"].as_i64().unwrap();
    let path = format!("/api/v1/conversations/{conversation}");
    let (_, detail) = app.get(&path, &manager).await;
    assert_eq!(
        (detail["assistant_script"].as_bool(), &detail["conversation"]["needs_attention"]),
        (Some(true), &json!(true))
    );

    // Waiting for a person: the switch alone is refused, saying to clear it first.
    let (status, problem) = app.patch(&path, &manager, json!({"operated_by": "assistant"})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(problem["detail"].as_str().unwrap().contains("clear it first"), "{problem}");
    // Cleared in the same change, it goes to the assistant, which then answers.
    let (status, handed) =
        app.patch(&path, &manager, json!({"operated_by": "assistant", "needs_attention": false})).await;
    assert_eq!(status, StatusCode::OK, "{handed}");
    assert_eq!(handed["conversation"]["operated_by"], "assistant");
    app.post("/api/v1/simulator/inbound", &manager, json!({"from": phone(1), "to": NUMBER, "body": "deadline?"})).await;
    let (_, after) = app.get(&path, &manager).await;
    let last: &Value = after["messages"].as_array().unwrap().last().unwrap();
    assert_eq!(
        (last["author"].as_str(), last["body"].as_str()),
        (Some("assistant"), Some("The deadline is March 15."))
    );
}

#[actix_web::test]
async fn a_drafts_script_is_taken_off_an_agent_campaign_with_null() {
    let app = TestApp::spawn().await;
    app.seed_default_org("alpha");
    let manager = app.login("manager@alpha.test").await;
    let script = json!({"rules": [{"phrases": ["hours"], "reply": "9 to 5."}], "fallback_reply": "Sorry?"});
    let (_, campaign) = app
        .post(
            "/api/v1/campaigns",
            &manager,
            json!({"title": "Draft", "operated_by": "agent", "assistant_script": script}),
        )
        .await;
    let id = campaign["id"].as_i64().unwrap();
    let (status, updated) =
        app.patch(&format!("/api/v1/campaigns/{id}"), &manager, json!({"assistant_script": null})).await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!(updated["assistant_script"], Value::Null);
}
