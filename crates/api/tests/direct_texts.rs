//! One-to-one texts through the API: a standard user texts a phone from a reusable
//! number; the conversation is theirs (assigned, in their inbox) and later texts to the
//! same phone continue it; the contact's opt-out is refused with the reason; texting
//! hours hold the first message; limited users, other offices' and single-use numbers,
//! bad phones and other organisations are refused — on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a failed unwrap fails the test, which is the point")]

mod common;

use chrono::{TimeZone, Utc};
use common::{assert_field_error, NumberSpec, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};
use tidings_api::jobs::dispatcher;

const NUMBER: &str = "+14155550100";

async fn text(app: &TestApp, token: &str, body: Value) -> (StatusCode, Value) {
    app.post("/api/v1/conversations", token, body).await
}

#[actix_web::test]
async fn a_standard_user_texts_a_contact_one_to_one_and_the_conversation_is_theirs() {
    let app = TestApp::spawn().await;
    let org = app.seed_default_org("alpha");
    app.seed_default_org("beta");
    let agent = app.login("agent@alpha.test").await;
    let manager = app.login("manager@alpha.test").await;
    let number = app.insert_number(org.id, org.offices[0], NUMBER, NumberSpec::REUSABLE_SIMULATOR);
    let west_number = app.insert_number(org.id, org.offices[1], "+14155550101", NumberSpec::REUSABLE_SIMULATOR);

    let (status, opened) = text(
        &app,
        &agent,
        json!({"phone_number_id": number, "to": "(212) 555-0199", "first_name": "Ada", "last_name": "Lovelace",
               "body": "Hi Ada, this is Avery from admissions."}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{opened}");
    let id = opened["conversation"]["id"].as_i64().unwrap();
    assert_eq!(opened["conversation"]["contact"]["phone"], "+12125550199");
    assert_eq!(opened["conversation"]["contact"]["first_name"], "Ada");
    assert_eq!(opened["conversation"]["campaign_id"], Value::Null);
    assert_eq!(opened["conversation"]["assignee"]["id"], org.users[2]);
    let message = &opened["messages"][0];
    assert_eq!((message["author"].as_str(), message["status"].as_str()), (Some("agent"), Some("queued")));
    let (_, mine) = app.get("/api/v1/inbox?assigned=mine&tab=participating", &agent).await;
    assert_eq!(mine["items"][0]["id"], id, "{mine}");

    // A second text to the same phone continues the conversation.
    let (status, again) =
        text(&app, &agent, json!({"phone_number_id": number, "to": "+12125550199", "body": "Any questions?"})).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["conversation"]["id"], id);
    assert_eq!(again["messages"].as_array().unwrap().len(), 2);

    // Opted out: refused, saying why; nothing is queued.
    app.post("/api/v1/opt-outs", &manager, json!({"phone": "+12125550188", "reason": "asked by phone"})).await;
    let (status, refused) =
        text(&app, &agent, json!({"phone_number_id": number, "to": "2125550188", "body": "Hello"})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    assert!(refused["detail"].as_str().unwrap().contains("suppression list (manual"), "{refused}");

    // Who and what may not: a limited user, another office's number for the agent, a
    // bad phone, an empty message; another organisation.
    let limited = app.login("limited@alpha.test").await;
    let (status, _) =
        text(&app, &limited, json!({"phone_number_id": west_number, "to": "2125550100", "body": "x"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, problem) =
        text(&app, &agent, json!({"phone_number_id": west_number, "to": "2125550100", "body": "x"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_field_error(&problem, "phone_number_id");
    let (status, problem) = text(&app, &agent, json!({"phone_number_id": number, "to": "555", "body": "x"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_field_error(&problem, "to");
    let (status, problem) =
        text(&app, &agent, json!({"phone_number_id": number, "to": "2125550100", "body": ""})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_field_error(&problem, "body");
    let outsider = app.login("admin@beta.test").await;
    let (status, problem) =
        text(&app, &outsider, json!({"phone_number_id": number, "to": "2125550100", "body": "x"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_field_error(&problem, "phone_number_id");
    let (status, _) = app.get(&format!("/api/v1/conversations/{id}"), &outsider).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn the_first_one_to_one_text_waits_for_the_contacts_texting_hours() {
    let app = TestApp::spawn().await;
    let org = app.seed_default_org("alpha");
    let number = app.insert_number(org.id, org.offices[0], NUMBER, NumberSpec::REUSABLE_SIMULATOR);
    {
        let mut conn = app.app_state.pool.get().unwrap();
        tidings_api::db::organisations::set_texting_hours(&mut conn, org.id, 8 * 60, 21 * 60).unwrap();
    }
    // 03:00 in New York (212): outside 08:00–21:00.
    app.clock.set(Utc.with_ymd_and_hms(2026, 3, 2, 8, 0, 0).unwrap());
    let agent = app.login("agent@alpha.test").await;
    let (status, opened) =
        text(&app, &agent, json!({"phone_number_id": number, "to": "2125550199", "body": "Good morning"})).await;
    assert_eq!(status, StatusCode::CREATED, "{opened}");
    let id = opened["conversation"]["id"].as_i64().unwrap();
    dispatcher::run_until_idle(&app.app_state, "server-a").await.unwrap();
    assert_eq!(first_status(&app, &agent, id).await, "queued", "held at 03:00 in New York");
    app.clock.set(Utc.with_ymd_and_hms(2026, 3, 2, 13, 5, 0).unwrap());
    dispatcher::run_until_idle(&app.app_state, "server-a").await.unwrap();
    // Signed in again: the session of five hours ago has expired.
    let agent = app.login("agent@alpha.test").await;
    assert_ne!(first_status(&app, &agent, id).await, "queued", "sent once the window opened at 08:00");
}

/// The status of a conversation's first message.
async fn first_status(app: &TestApp, token: &str, id: i64) -> String {
    let (_, detail) = app.get(&format!("/api/v1/conversations/{id}"), token).await;
    detail["messages"][0]["status"].as_str().unwrap().to_owned()
}
