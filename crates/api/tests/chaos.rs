//! Webhook chaos: status reports delivered one to six times each in any order through
//! the signed status webhook, and
//! contacts' messages delivered again and again, end in the same state as delivery in
//! order, once each. `CHAOS_MESSAGES` sets the size (the short form here; `make soak`
//! runs 10 000).
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a failed unwrap fails the test, which is the point")]

mod common;

use std::collections::HashMap;

use common::{phone, TestApp, TestOptions};
use futures_util::StreamExt;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use reqwest::StatusCode;
use serde_json::json;
use tidings_api::config::{Secret, TwilioConfig};
use tidings_api::jobs::dispatcher;
use tidings_domain::delivery::MessageStatus;

const NUMBER: &str = "+14155550100";
const AUTH_TOKEN: &str = "chaos-webhook-token";

fn size(default: usize) -> usize {
    std::env::var("CHAOS_MESSAGES").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// A campaign texting `count` contacts, launched: its id.
async fn launched(app: &TestApp, org: &common::Org, manager: &str, count: usize) -> i64 {
    let id = app.ready_campaign(org, manager, NUMBER, count).await;
    let (status, _) = app.post(&format!("/api/v1/campaigns/{id}/launch"), manager, json!({})).await;
    assert_eq!(status, StatusCode::OK);
    id
}

/// The Twilio settings the webhooks check signatures with.
fn twilio() -> TwilioConfig {
    TwilioConfig {
        account_sid: "AC0123456789abcdef0123456789abcdef".to_owned(),
        auth_token: Secret::new(AUTH_TOKEN),
        api_base: "http://127.0.0.1:9".to_owned(),
    }
}

#[actix_web::test]
async fn status_reports_repeated_and_out_of_order_end_as_in_order() {
    let count = size(600);
    let options = TestOptions { twilio: Some(twilio()), simulated_sends: true, ..TestOptions::default() };
    let app = TestApp::spawn_with(options).await;
    let org = app.seed_default_org("alpha");
    let manager = app.login("manager@alpha.test").await;
    // Every seventh contact's carrier filters the text (final, not retried).
    for i in (7..=count).step_by(7) {
        app.simulator.script_failure(&phone(i), 30007);
    }
    let id = launched(&app, &org, &manager, count).await;
    assert_eq!(dispatcher::run_until_idle(&app.app_state, "chaos").await.unwrap(), count);

    // In order, each message's reports say: sent, then delivered or undelivered.
    let reports = app.simulator.take_all_reports();
    assert_eq!(reports.len(), count * 2 - count / 7, "sent + delivered, or undelivered alone");
    let mut rng = rand::rngs::StdRng::seed_from_u64(16);
    let mut chaos = Vec::new();
    for report in reports {
        for _ in 0..rng.random_range(1..=6) {
            chaos.push(report.clone());
        }
    }
    chaos.shuffle(&mut rng);
    // Through the signed status webhook, as Twilio delivers them: several at once.
    let deliveries = chaos.into_iter().map(|report| {
        let app = &app;
        async move {
            let mut params = vec![("MessageSid", report.provider_message_id), ("MessageStatus", report.status)];
            if let Some(code) = report.error_code {
                params.push(("ErrorCode", code.to_string()));
            }
            app.signed_webhook(AUTH_TOKEN, "/webhooks/twilio/status", &params).await.status()
        }
    });
    let answers: Vec<StatusCode> = futures_util::stream::iter(deliveries).buffer_unordered(8).collect().await;
    assert!(answers.iter().all(|status| *status == StatusCode::NO_CONTENT), "every callback recorded");

    let statuses: HashMap<String, (String, Option<i64>)> = app
        .campaign_messages(id, &manager)
        .await
        .iter()
        .map(|m| {
            (m["to"].as_str().unwrap().to_owned(), (m["status"].as_str().unwrap().to_owned(), m["error_code"].as_i64()))
        })
        .collect();
    assert_eq!(statuses.len(), count);
    for i in 1..=count {
        let expected =
            if i % 7 == 0 { ("undelivered".to_owned(), Some(30007)) } else { ("delivered".to_owned(), None) };
        assert_eq!(statuses[&phone(i)], expected, "contact {i}");
    }
    let (_, campaign) = app.get(&format!("/api/v1/campaigns/{id}"), &manager).await;
    let counts = &campaign["send_counts"];
    assert_eq!(
        (counts["delivered"].as_i64(), counts["failed"].as_i64(), counts["sent"].as_i64()),
        (Some(i64::try_from(count - count / 7).unwrap()), Some(i64::try_from(count / 7).unwrap()), Some(0)),
        "each message counted once: {counts}"
    );
    assert_eq!(app.simulator.sent().len(), count, "nothing was sent again");
}

#[actix_web::test]
async fn contacts_messages_delivered_again_and_again_are_filed_once_each() {
    let count = size(600) / 4;
    let app = TestApp::spawn_with(TestOptions { twilio: Some(twilio()), ..TestOptions::default() }).await;
    let org = app.seed_default_org("alpha");
    let manager = app.login("manager@alpha.test").await;
    let number = app.insert_number(org.id, org.offices[0], NUMBER, common::NumberSpec::REUSABLE_SIMULATOR);
    // Messages to the number outside any campaign reach the office's inbox.
    let admin = app.login("admin@alpha.test").await;
    let settings = json!({"user_ids": [], "office_ids": [org.offices[0]]});
    let (status, body) = app
        .call(
            reqwest::Method::PUT,
            &format!("/api/v1/phone-numbers/{number}/unsolicited-settings"),
            Some(&admin),
            Some(settings),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Each contact writes twice; each message arrives one to four times, in any order.
    let mut deliveries = Vec::new();
    let mut rng = rand::rngs::StdRng::seed_from_u64(61);
    for i in 1..=count {
        for turn in 1..=2 {
            let params = vec![
                ("MessageSid", format!("SMchaos{i}x{turn}")),
                ("From", phone(i)),
                ("To", NUMBER.to_owned()),
                ("Body", format!("Question {turn} from {i}")),
            ];
            for _ in 0..rng.random_range(1..=4) {
                deliveries.push(params.clone());
            }
        }
    }
    deliveries.shuffle(&mut rng);
    for params in deliveries {
        let response = app.signed_webhook(AUTH_TOKEN, "/webhooks/twilio/inbound", &params).await;
        assert_eq!(response.status(), StatusCode::OK);
    }
    // Every contact has one conversation, in the number's office inbox, holding exactly
    // their two messages, as a person reading it sees.
    let mut conversations = Vec::new();
    let mut path = format!("/api/v1/inbox?office_id={}&limit=100", org.offices[0]);
    loop {
        let (status, page) = app.get(&path, &manager).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        conversations.extend(page["items"].as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()));
        let Some(next) = page["next_cursor"].as_str() else { break };
        path = format!("/api/v1/inbox?office_id={}&limit=100&cursor={next}", org.offices[0]);
    }
    assert_eq!(conversations.len(), count, "one conversation per contact");
    for id in conversations {
        let (_, detail) = app.get(&format!("/api/v1/conversations/{id}"), &manager).await;
        let bodies: Vec<&str> = detail["messages"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["direction"] == "inbound")
            .map(|m| m["body"].as_str().unwrap())
            .collect();
        let from = detail["conversation"]["contact"]["phone"].as_str().unwrap();
        let i = (1..=count).find(|i| phone(*i) == from).unwrap();
        let mut expected = vec![format!("Question 1 from {i}"), format!("Question 2 from {i}")];
        let mut got: Vec<String> = bodies.iter().map(|b| (*b).to_owned()).collect();
        expected.sort();
        got.sort();
        assert_eq!(got, expected, "each message once, in conversation {id}");
    }
}

/// Two reports of one message at once: the one that waited for the other's change is
/// weighed again against it, not dropped as stale (PostgreSQL lets both read the
/// message before either writes; a `delivered` lost that way left it `sent`).
#[actix_web::test]
async fn a_report_that_waited_for_another_on_the_same_message_still_applies() {
    use diesel::RunQueryDsl;
    let options = TestOptions { twilio: Some(twilio()), simulated_sends: true, ..TestOptions::default() };
    let app = TestApp::spawn_with(options).await;
    let org = app.seed_default_org("alpha");
    let manager = app.login("manager@alpha.test").await;
    let id = launched(&app, &org, &manager, 1).await;
    assert_eq!(dispatcher::run_until_idle(&app.app_state, "race").await.unwrap(), 1);
    let sid = app.simulator.take_all_reports()[0].provider_message_id.clone();

    // Another report's transaction has moved the message to `sent`, not yet committed.
    let mut other = app.app_state.pool.get().unwrap();
    let begin = if app.database.is_postgres() { "BEGIN" } else { "BEGIN IMMEDIATE" };
    diesel::sql_query(begin).execute(&mut *other).unwrap();
    diesel::sql_query(format!("UPDATE messages SET status = 'sent' WHERE provider_message_id = '{sid}'"))
        .execute(&mut *other)
        .unwrap();
    // `delivered` arrives meanwhile and waits for it.
    let state = app.app_state.clone();
    let report = tidings_api::providers::StatusReport {
        provider_message_id: sid,
        status: "delivered".to_owned(),
        error_code: None,
    };
    let now = chrono::Utc::now();
    let waiting = std::thread::spawn(move || {
        let mut conn = state.pool.get().unwrap();
        tidings_api::services::delivery::apply_report(&mut conn, &report, &state.config.delivery, now)
    });
    std::thread::sleep(std::time::Duration::from_millis(500));
    diesel::sql_query("COMMIT").execute(&mut *other).unwrap();
    let outcome = waiting.join().unwrap().unwrap();
    assert_eq!(outcome, tidings_api::services::delivery::ReportOutcome::Applied(MessageStatus::Delivered));
    let (_, page) = app.get(&format!("/api/v1/campaigns/{id}/messages"), &manager).await;
    assert_eq!(page["items"][0]["status"], "delivered", "{page}");
}
