//! `Idempotency-Key` on POSTs: a retry is answered, not done twice.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a failed unwrap fails the test, which is the point")]

mod common;

use chrono::Duration;
use common::{NumberSpec, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};
use tidings_api::clock::Clock;

const NUMBER: &str = "+14155550100";

/// `POST path` with `key`: status, whether it was a replay, and the body.
async fn post(app: &TestApp, token: &str, path: &str, key: &str, body: Value) -> (StatusCode, bool, Value) {
    let response = app
        .client
        .post(app.url(path))
        .bearer_auth(token)
        .header("Idempotency-Key", key)
        .json(&body)
        .send()
        .await
        .unwrap();
    let replayed = response.headers().get("idempotent-replayed").is_some_and(|v| v == "true");
    let (status, body) = common::read(response).await;
    (status, replayed, body)
}

/// A launched campaign whose contact wrote in: the conversation's id.
async fn conversation(app: &TestApp, org: &common::Org, manager: &str) -> i64 {
    let number = app.insert_number(org.id, org.offices[0], NUMBER, NumberSpec::REUSABLE_SIMULATOR);
    let rows = [json!({"first_name": "Ada", "last_name": "Doe", "phone": "+14155552001"})];
    let (_, list) = app
        .post("/api/v1/contact-lists", manager, json!({"name": "L", "office_id": org.offices[0], "rows": rows}))
        .await;
    let body = json!({
        "title": "Retries", "phone_number": {"kind": "reusable", "id": number},
        "contact_list_id": list["contact_list"]["id"], "message_template": "Hi {first_name}",
        "operated_by": "agent", "agent_ids": [org.users[1]],
    });
    let (_, campaign) = app.post("/api/v1/campaigns", manager, body).await;
    let (status, _) = app.post(&format!("/api/v1/campaigns/{}/launch", campaign["id"]), manager, json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let (_, filed) = app
        .post("/api/v1/simulator/inbound", manager, json!({"from": "+14155552001", "to": NUMBER, "body": "Hi?"}))
        .await;
    filed["conversation_id"].as_i64().unwrap()
}

#[actix_web::test]
async fn a_retried_reply_texts_once_and_a_reused_key_is_refused() {
    let app = TestApp::spawn().await;
    let org = app.seed_default_org("alpha");
    let manager = app.login("manager@alpha.test").await;
    let id = conversation(&app, &org, &manager).await;
    let path = format!("/api/v1/conversations/{id}/messages");
    let reply = json!({"body": "We have your note."});

    let (status, replayed, first) = post(&app, &manager, &path, "reply-7f3a", reply.clone()).await;
    assert_eq!((status, replayed), (StatusCode::CREATED, false), "{first}");
    let (status, replayed, again) = post(&app, &manager, &path, "reply-7f3a", reply.clone()).await;
    assert_eq!((status, replayed), (StatusCode::CREATED, true));
    assert_eq!(again, first, "the first answer, again");
    let (_, detail) = app.get(&format!("/api/v1/conversations/{id}"), &manager).await;
    let sent = detail["messages"].as_array().unwrap().iter().filter(|m| m["body"] == "We have your note.").count();
    assert_eq!(sent, 1, "texted once");

    // The same key with another request.
    let (status, _, problem) = post(&app, &manager, &path, "reply-7f3a", json!({"body": "Something else"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    common::assert_field_error(&problem, "Idempotency-Key");
    // A key that is not one.
    let (status, _, problem) = post(&app, &manager, &path, "has spaces", reply.clone()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    common::assert_field_error(&problem, "Idempotency-Key");
    // A refusal is kept too: the retry of a request that was wrong is as wrong.
    let (status, _, _) = post(&app, &manager, &path, "empty-body", json!({"body": " "})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, replayed, _) = post(&app, &manager, &path, "empty-body", json!({"body": " "})).await;
    assert_eq!((status, replayed), (StatusCode::UNPROCESSABLE_ENTITY, true));

    // Keys belong to an organisation, and last a day.
    app.seed_default_org("beta");
    let outsider = app.login("manager@beta.test").await;
    let (status, replayed, _) = post(&app, &outsider, &path, "reply-7f3a", reply.clone()).await;
    assert_eq!((status, replayed), (StatusCode::NOT_FOUND, false), "not alpha's answer");
    app.clock.advance(Duration::hours(25));
    let manager = app.login("manager@alpha.test").await;
    let (status, replayed, _) = post(&app, &manager, &path, "reply-7f3a", reply).await;
    assert_eq!((status, replayed), (StatusCode::CREATED, false), "a day later the key is new");
}

#[actix_web::test]
async fn a_retried_number_purchase_buys_once() {
    let app = TestApp::spawn().await;
    let org = app.seed_default_org("alpha");
    let admin = app.login("admin@alpha.test").await;
    let buy = json!({"mode": "provision", "name": "West outreach", "office_id": org.offices[1], "area_code": "415"});
    let (status, _, first) = post(&app, &admin, "/api/v1/phone-numbers", "buy-west-1", buy.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let (status, replayed, again) = post(&app, &admin, "/api/v1/phone-numbers", "buy-west-1", buy).await;
    assert_eq!((status, replayed), (StatusCode::CREATED, true));
    assert_eq!(again["id"], first["id"]);
    let (_, numbers) = app.get("/api/v1/phone-numbers", &admin).await;
    let bought = numbers["items"].as_array().unwrap().iter().filter(|n| n["name"] == "West outreach").count();
    assert_eq!(bought, 1, "bought once: {numbers}");
}

#[actix_web::test]
async fn a_key_whose_first_request_still_runs_is_a_409() {
    let app = TestApp::spawn().await;
    let org = app.seed_default_org("alpha");
    let manager = app.login("manager@alpha.test").await;
    let now = app.clock.now_naive();
    // The first request has claimed the key and not answered yet.
    let mut conn = app.app_state.pool.get().unwrap();
    let claimed = tidings_api::db::idempotency::begin(&mut conn, org.id, "busy-key", "not-this-request", now).unwrap();
    assert_eq!(claimed, tidings_api::db::idempotency::Begin::Run);
    drop(conn);
    let (status, _, problem) =
        post(&app, &manager, "/api/v1/opt-outs", "busy-key", json!({"phone": "+14155550199"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "another request's key: {problem}");
    // The same request while the first still runs.
    let body = json!({"phone": "+14155550199"});
    let bytes = serde_json::to_vec(&body).unwrap();
    let fingerprint =
        tidings_api::http::idempotency::fingerprint("POST", "/api/v1/opt-outs", "", "application/json", &bytes);
    let mut conn = app.app_state.pool.get().unwrap();
    tidings_api::db::idempotency::begin(&mut conn, org.id, "running", &fingerprint, now).unwrap();
    drop(conn);
    let (status, _, problem) = post(&app, &manager, "/api/v1/opt-outs", "running", body).await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    let (_, listed) = app.get("/api/v1/opt-outs?q=4155550199", &manager).await;
    assert!(listed["items"].as_array().unwrap().is_empty(), "not done while the first runs: {listed}");
    // A claim left by a server that died is taken over after ten minutes.
    let later = now + Duration::minutes(11);
    let mut conn = app.app_state.pool.get().unwrap();
    let taken = tidings_api::db::idempotency::begin(&mut conn, org.id, "running", &fingerprint, later).unwrap();
    assert_eq!(taken, tidings_api::db::idempotency::Begin::Run);
}
