//! The demo organisation `make run` starts with: every tab and the calendar have content.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a failed unwrap fails the test, which is the point")]

mod common;

use common::TestApp;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tidings_api::clock::Clock;
use tidings_api::demo::seed_demo;

const PASSWORD: &str = "demo-password-123";

#[actix_web::test]
async fn the_demo_organisation_fills_every_tab_and_the_calendar_once() {
    let app = TestApp::spawn().await;
    {
        let mut conn = app.app_state.pool.get().unwrap();
        assert!(seed_demo(&mut conn, app.clock.as_ref(), PASSWORD).unwrap().is_some());
        assert!(seed_demo(&mut conn, app.clock.as_ref(), PASSWORD).unwrap().is_none(), "a second seed changes nothing");
    }
    let (status, login) = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "manager@demo.test", "password": PASSWORD})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(login["user"]["name"], "Morgan Manager");
    let token = login["token"].as_str().unwrap();

    let mut offices = std::collections::BTreeSet::new();
    for state in ["active", "scheduled", "draft", "archived"] {
        let (status, page) = app.get(&format!("/api/v1/campaigns?state={state}"), token).await;
        assert_eq!(status, StatusCode::OK);
        let items = page["items"].as_array().unwrap();
        assert!(!items.is_empty(), "the {state} tab has campaigns");
        for item in items {
            offices.insert(item["office"]["name"].as_str().unwrap().to_owned());
        }
    }
    assert_eq!(offices.len(), 2, "campaigns in both offices");

    let (_, drafts) = app.get("/api/v1/campaigns?state=draft", token).await;
    let readiness: Vec<bool> =
        drafts["items"].as_array().unwrap().iter().map(|c| c["readiness"]["ready"].as_bool().unwrap()).collect();
    assert!(readiness.contains(&true) && readiness.contains(&false), "drafts ready and not ready: {readiness:?}");

    let today = app.clock.now().date_naive();
    let until = today + chrono::Duration::days(30);
    let (status, calendar) = app.get(&format!("/api/v1/campaigns/calendar?from={today}&to={until}"), token).await;
    assert_eq!(status, StatusCode::OK);
    let days = calendar["days"].as_array().unwrap();
    assert!(days.len() >= 3, "scheduled on several dates: {calendar}");
    assert!(days.iter().any(|d| d["count"] == 2), "two campaigns on one date");

    let (_, lists) = app.get("/api/v1/contact-lists", token).await;
    assert_eq!(lists["items"].as_array().unwrap().len(), 3);
    let (_, numbers) = app.get("/api/v1/phone-numbers", token).await;
    assert_eq!(numbers["items"].as_array().unwrap().len(), 3);

    let (_, active) = app.get("/api/v1/campaigns?state=active", token).await;
    let assistant: Vec<&Value> =
        active["items"].as_array().unwrap().iter().filter(|c| c["operated_by"] == "assistant").collect();
    assert_eq!(assistant.len(), 1, "one Virtual Assistant campaign");

    // The active campaigns hold conversations in every section, with delivered, failed
    // and replied messages, an assistant handoff and tags.
    let mut sections = std::collections::BTreeSet::new();
    let (mut failed, mut tagged, mut replied) = (0, 0, 0);
    for campaign in active["items"].as_array().unwrap() {
        let id = campaign["id"].as_i64().unwrap();
        assert!(campaign["send_counts"]["delivered"].as_i64().unwrap() > 0, "{}", campaign["title"]);
        failed += campaign["send_counts"]["failed"].as_i64().unwrap();
        let (status, listed) = app.get(&format!("/api/v1/campaigns/{id}/conversations?limit=100"), token).await;
        assert_eq!(status, StatusCode::OK);
        for section in listed["sections"].as_array().unwrap() {
            sections.insert(section["section"].as_str().unwrap().to_owned());
            for conversation in section["items"].as_array().unwrap() {
                tagged += usize::from(!conversation["tags"].as_array().unwrap().is_empty());
                replied += usize::from(conversation["last_message"]["direction"] == "inbound");
            }
        }
    }
    assert_eq!(sections.len(), 3, "every section has conversations: {sections:?}");
    assert!(failed >= 2 && tagged >= 2 && replied >= 3, "failed {failed}, tagged {tagged}, replied {replied}");
    let aid = assistant[0]["id"].as_i64().unwrap();
    let (_, aid_sections) =
        app.get(&format!("/api/v1/campaigns/{aid}/conversations?section=needs_attention"), token).await;
    let handed = &aid_sections["sections"][0]["items"][0];
    assert_eq!(handed["operated_by"], "agent", "the assistant handed this one over: {handed}");

    // Active and archived campaigns show non-trivial analytics.
    let (_, archived) = app.get("/api/v1/campaigns?state=archived", token).await;
    let ran: Vec<&Value> = active["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(archived["items"].as_array().unwrap().iter().filter(|c| c["launched_at"].is_string()))
        .collect();
    assert_eq!(ran.len(), 4, "three active campaigns and one that ran and was stopped");
    for campaign in ran {
        let (status, analytics) = app.get(&format!("/api/v1/campaigns/{}/analytics", campaign["id"]), token).await;
        assert_eq!(status, StatusCode::OK);
        assert!(analytics["send_status"]["successful"].as_i64().unwrap() > 0, "{analytics}");
        assert!(analytics["engagement"]["responded"].as_i64().unwrap() > 0, "{analytics}");
        let bars = analytics["activity"]["bars"].as_array().unwrap();
        let inbound: i64 = bars.iter().map(|b| b["inbound"].as_i64().unwrap()).sum();
        let outbound: i64 = bars.iter().map(|b| b["outbound"].as_i64().unwrap()).sum();
        assert!(inbound > 0 && outbound > 0, "{}: {analytics}", campaign["title"]);
    }
}
