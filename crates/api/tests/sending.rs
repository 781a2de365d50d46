//! Sending: the launch fan-out, the dispatcher (leases, retries, the crash guard, two
//! servers, per-number rates), delivery reports through the status service, the Twilio
//! status webhook and its signature, and stopping a campaign — on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a failed unwrap fails the test, which is the point")]

mod common;

use std::collections::{HashMap, HashSet};

use chrono::{Duration, TimeZone, Utc};
use common::{phone, twilio_signature, Org, TestApp, TestOptions};
use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use tidings_api::clock::Clock;
use tidings_api::config::{DeliverySettings, Secret, SendRates, TwilioConfig};
use tidings_api::db::schema::messages;
use tidings_api::jobs::{dispatcher, status_reports};
use tidings_api::providers::{OutboundMessage, StatusReport};

const AUTH_TOKEN: &str = "status-webhook-test-token";

struct World {
    app: TestApp,
    org: Org,
    manager: String,
}

async fn world_with(options: TestOptions) -> World {
    let app = TestApp::spawn_with(options).await;
    app.clock.set(Utc.with_ymd_and_hms(2026, 3, 2, 15, 0, 0).unwrap());
    let org = app.seed_default_org("alpha");
    let manager = app.login("manager@alpha.test").await;
    World { app, org, manager }
}

async fn world() -> World {
    world_with(TestOptions::default()).await
}

impl World {
    /// Imports `rows` (JSON rows) into a list of the first office.
    async fn import(&self, name: &str, rows: Vec<Value>) -> i64 {
        let (status, body) = self
            .app
            .post(
                "/api/v1/contact-lists",
                &self.manager,
                json!({"name": name, "office_id": self.org.offices[0], "rows": rows}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["contact_list"]["id"].as_i64().unwrap()
    }

    /// A ready campaign on `number` texting `list`.
    async fn campaign(&self, title: &str, number: Value, list: i64, template: &str) -> i64 {
        let (status, campaign) = self
            .app
            .post(
                "/api/v1/campaigns",
                &self.manager,
                json!({
                    "title": title,
                    "phone_number": number,
                    "contact_list_id": list,
                    "message_template": template,
                    "agent_ids": [self.org.users[2]],
                }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{campaign}");
        assert_eq!(campaign["readiness"]["ready"], true, "{campaign}");
        campaign["id"].as_i64().unwrap()
    }

    async fn launch(&self, id: i64) -> Value {
        let (status, campaign) =
            self.app.post(&format!("/api/v1/campaigns/{id}/launch"), &self.manager, json!({})).await;
        assert_eq!(status, StatusCode::OK, "{campaign}");
        campaign
    }

    async fn counts(&self, id: i64) -> Value {
        let (status, campaign) = self.app.get(&format!("/api/v1/campaigns/{id}"), &self.manager).await;
        assert_eq!(status, StatusCode::OK);
        let counts = campaign["send_counts"].clone();
        // The maintained counters always equal a recount of the messages.
        let mut conn = self.app.app_state.pool.get().unwrap();
        let recount = tidings_api::db::send_counts::recount(&mut conn, id).unwrap();
        assert_eq!(counts, serde_json::to_value(recount).unwrap(), "counters drifted from the messages");
        counts
    }

    async fn messages(&self, id: i64) -> Vec<Value> {
        let (status, page) = self.app.get(&format!("/api/v1/campaigns/{id}/messages?limit=500"), &self.manager).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        page["items"].as_array().unwrap().clone()
    }

    async fn dispatch(&self, owner: &str) -> usize {
        dispatcher::run_until_idle(&self.app.app_state, owner).await.unwrap()
    }

    /// Delivers every report the simulator has, due or not.
    async fn deliver_reports(&self) -> usize {
        let reports = self.app.simulator.take_all_reports();
        status_reports::apply_all(&self.app.app_state, reports).await.unwrap()
    }
}

fn by_phone(messages: &[Value]) -> HashMap<String, Value> {
    messages.iter().map(|m| (m["to"].as_str().unwrap().to_owned(), m.clone())).collect()
}

#[actix_web::test]
async fn launch_queues_one_message_per_eligible_contact_and_counts_the_skipped() {
    let w = world().await;
    let long_program = "x".repeat(1700);
    let list = w
        .import(
            "Fall applicants",
            vec![
                json!({"first_name": "Ada", "last_name": "Lovelace", "phone": phone(1), "fields": {"Program": "Math"}}),
                json!({"first_name": "Zoë 😀", "last_name": "Kim", "phone": phone(2), "fields": {"Program": "Art"}}),
                json!({"first_name": "Opted", "last_name": "Out", "phone": phone(3), "fields": {"Program": "Law"}}),
                json!({"first_name": "Too", "last_name": "Long", "phone": phone(4), "fields": {"Program": long_program}}),
                json!({"first_name": "Alan", "last_name": "Turing", "phone": phone(5), "fields": {"Program": ""}}),
            ],
        )
        .await;
    {
        let mut conn = w.app.app_state.pool.get().unwrap();
        tidings_api::db::opt_outs::insert(
            &mut conn,
            &tidings_api::db::opt_outs::NewOptOut {
                organisation_id: w.org.id,
                phone: &phone(3),
                source: tidings_domain::opt_out_wire::OptOutSource::Keyword,
                campaign_id: None,
                created_by: None,
                created_at: w.app.clock.now_naive(),
                reason: None,
            },
        )
        .unwrap();
    }
    let number =
        w.app.insert_number(w.org.id, w.org.offices[0], "+14155550100", common::NumberSpec::REUSABLE_SIMULATOR);
    let id = w
        .campaign("Welcome", json!({"kind": "reusable", "id": number}), list, "Hi {first_name}, welcome to {Program}!")
        .await;
    let (_, before) = w.app.get(&format!("/api/v1/campaigns/{id}"), &w.manager).await;
    assert_eq!(before["send_counts"]["queued"], 0, "nothing is queued before launch");

    let launched = w.launch(id).await;
    assert_eq!(launched["send_counts"]["queued"], 3, "{}", launched["send_counts"]);
    assert_eq!(launched["send_counts"]["skipped_opted_out"], 1);
    assert_eq!(launched["send_counts"]["skipped_invalid"], 1);

    let queued = by_phone(&w.messages(id).await);
    assert_eq!(queued.len(), 3);
    assert!(!queued.contains_key(&phone(3)) && !queued.contains_key(&phone(4)));
    let ada = &queued[&phone(1)];
    assert_eq!(ada["body"], "Hi Ada, welcome to Math!\nReply STOP to opt out.");
    assert_eq!(
        (ada["status"].as_str(), ada["encoding"].as_str(), ada["segments"].as_i64()),
        (Some("queued"), Some("gsm7"), Some(1))
    );
    assert_eq!(ada["from"], "+14155550100");
    assert_eq!(ada["author"], "campaign");
    let zoe = &queued[&phone(2)];
    assert_eq!(zoe["encoding"], "ucs2", "an emoji makes the message UCS-2");
    assert_eq!(queued[&phone(5)]["body"], "Hi Alan, welcome to !\nReply STOP to opt out.");

    assert_eq!(w.dispatch("server-a").await, 3);
    let sent = w.app.simulator.sent();
    assert_eq!(sent.len(), 3, "each eligible contact gets exactly one message");
    let recipients: HashSet<&str> = sent.iter().map(|s| s.to.as_str()).collect();
    assert_eq!(recipients, HashSet::from([phone(1).as_str(), phone(2).as_str(), phone(5).as_str()]));
    assert_eq!(w.counts(id).await["pending"], 3);
    assert_eq!(w.dispatch("server-a").await, 0, "nothing is sent twice");

    w.deliver_reports().await;
    let counts = w.counts(id).await;
    assert_eq!((counts["delivered"].as_i64(), counts["pending"].as_i64()), (Some(3), Some(0)), "{counts}");
    let delivered = by_phone(&w.messages(id).await);
    assert!(delivered[&phone(1)]["provider_message_id"].as_str().unwrap().starts_with("SM"));
    assert!(delivered[&phone(1)]["sent_at"].is_string());
    assert_eq!(delivered[&phone(1)]["attempts"], 1);
}

#[actix_web::test]
async fn failures_are_retried_with_backoff_or_recorded_with_the_code_and_a_reason() {
    let delivery =
        DeliverySettings { max_attempts: 2, retry_base: Duration::seconds(30), ..DeliverySettings::default() };
    let w = world_with(TestOptions { delivery, ..TestOptions::default() }).await;
    let rows = (1..=5)
        .map(|i| json!({"first_name": format!("C{i}"), "last_name": "Test", "phone": phone(i)}))
        .collect::<Vec<_>>();
    let list = w.import("Five", rows).await;
    let number =
        w.app.insert_number(w.org.id, w.org.offices[0], "+14155550100", common::NumberSpec::REUSABLE_SIMULATOR);
    let id = w.campaign("Reminder", json!({"kind": "reusable", "id": number}), list, "Hi {first_name}").await;
    let sim = &w.app.simulator;
    sim.script_failure(&phone(1), 30003); // unreachable handset, then fine
    sim.script_failure(&phone(2), 21211); // refused at send
    sim.script_failure(&phone(3), 21610); // unsubscribed
    sim.script_failure(&phone(4), 30005); // unknown handset
    sim.script_failure(&phone(5), 30003); // unreachable twice: out of attempts
    sim.script_failure(&phone(5), 30003);
    w.launch(id).await;

    assert_eq!(w.dispatch("server-a").await, 5);
    w.deliver_reports().await;
    let first = by_phone(&w.messages(id).await);
    let retrying = &first[&phone(1)];
    assert_eq!(
        (retrying["status"].as_str(), retrying["retrying"].as_bool()),
        (Some("queued"), Some(true)),
        "{retrying}"
    );
    assert_eq!(retrying["error_code"], 30003);
    assert!(retrying["error_reason"].as_str().unwrap().contains("unreachable"));
    let invalid = &first[&phone(2)];
    assert_eq!((invalid["status"].as_str(), invalid["error_code"].as_i64()), (Some("failed"), Some(21211)));
    assert!(invalid["error_reason"].as_str().unwrap().contains("not a valid"), "{invalid}");
    assert_eq!(first[&phone(3)]["status"], "failed");
    assert!(first[&phone(3)]["error_reason"].as_str().unwrap().contains("unsubscribed"));
    let unknown_handset = &first[&phone(4)];
    assert_eq!(
        (unknown_handset["status"].as_str(), unknown_handset["error_code"].as_i64()),
        (Some("undelivered"), Some(30005))
    );
    let counts = w.counts(id).await;
    assert_eq!((counts["queued"].as_i64(), counts["failed"].as_i64()), (Some(2), Some(3)), "{counts}");

    assert_eq!(w.dispatch("server-a").await, 0, "a retry waits for its backoff");
    w.app.clock.advance(Duration::seconds(31));
    assert_eq!(w.dispatch("server-a").await, 2, "the two retries go out once due");
    w.deliver_reports().await;
    let last = by_phone(&w.messages(id).await);
    assert_eq!(
        (last[&phone(1)]["status"].as_str(), last[&phone(1)]["attempts"].as_i64()),
        (Some("delivered"), Some(2))
    );
    assert_eq!(last[&phone(1)]["retrying"], false);
    let exhausted = &last[&phone(5)];
    assert_eq!(
        (exhausted["status"].as_str(), exhausted["attempts"].as_i64()),
        (Some("undelivered"), Some(2)),
        "{exhausted}"
    );
    let counts = w.counts(id).await;
    assert_eq!(
        (counts["delivered"].as_i64(), counts["failed"].as_i64(), counts["queued"].as_i64()),
        (Some(1), Some(4), Some(0))
    );
    let to_first: usize = w.app.simulator.sent().iter().filter(|s| s.to == phone(1)).count();
    assert_eq!(to_first, 2, "one resend after the transient failure");

    let (status, failed) =
        w.app.get(&format!("/api/v1/campaigns/{id}/messages?status=failed,undelivered"), &w.manager).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(failed["items"].as_array().unwrap().len(), 4);
    let (status, problem) = w.app.get(&format!("/api/v1/campaigns/{id}/messages?status=lost"), &w.manager).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    common::assert_field_error(&problem, "status");
}

#[actix_web::test]
async fn a_crash_between_send_and_record_leaves_the_message_unknown_and_never_resends_it() {
    let w = world().await;
    let rows = (1..=3).map(|i| json!({"first_name": "C", "last_name": "T", "phone": phone(i)})).collect();
    let list = w.import("Three", rows).await;
    let number =
        w.app.insert_number(w.org.id, w.org.offices[0], "+14155550100", common::NumberSpec::REUSABLE_SIMULATOR);
    let id = w.campaign("Crash", json!({"kind": "reusable", "id": number}), list, "Hello {first_name}").await;
    w.launch(id).await;

    // A server claims two messages, commits `sending`, hands them to the provider — and
    // dies before recording the answers.
    let state = w.app.app_state.clone();
    let now = w.app.clock.now();
    let claimed = {
        let mut conn = state.pool.get().unwrap();
        let claimed = tidings_api::db::send_queue::claim_batch(
            &mut conn,
            number,
            "crashed-server",
            now.naive_utc(),
            (now + Duration::minutes(5)).naive_utc(),
            2,
        )
        .unwrap();
        tidings_api::services::delivery::begin_sending(
            &mut conn,
            &claimed,
            "crashed-server",
            now,
            now + Duration::minutes(2),
        )
        .unwrap();
        claimed
    };
    assert_eq!(claimed.len(), 2);
    for message in &claimed {
        let outbound = OutboundMessage {
            to: message.to_phone.clone(),
            from: message.from_phone.clone(),
            body: message.body.clone(),
            status_callback: None,
        };
        state.provider.send_message(outbound).await.unwrap();
    }

    // Another server, before the lease expires: it sends only the third message.
    assert_eq!(w.dispatch("server-b").await, 1);
    w.app.clock.advance(Duration::minutes(3));
    assert_eq!(w.dispatch("server-b").await, 0, "messages of unknown outcome are not resent");
    let sent = w.app.simulator.sent();
    assert_eq!(sent.len(), 3, "each contact reached once");
    let per_phone: HashSet<&str> = sent.iter().map(|s| s.to.as_str()).collect();
    assert_eq!(per_phone.len(), 3);

    let (_, unknown) = w.app.get(&format!("/api/v1/campaigns/{id}/messages?status=unknown"), &w.manager).await;
    let unknown = unknown["items"].as_array().unwrap();
    assert_eq!(unknown.len(), 2, "surfaced as unknown");
    assert!(unknown[0]["error_reason"].as_str().unwrap().contains("may or may not"));
    assert_eq!(w.counts(id).await["unknown"], 2);
}

#[actix_web::test]
async fn a_report_that_beats_the_record_of_its_send_is_applied_when_the_send_is_recorded() {
    let w = world().await;
    let list = w.import("One", vec![json!({"first_name": "A", "last_name": "B", "phone": phone(1)})]).await;
    let number =
        w.app.insert_number(w.org.id, w.org.offices[0], "+14155550100", common::NumberSpec::REUSABLE_SIMULATOR);
    let id = w.campaign("Race", json!({"kind": "reusable", "id": number}), list, "Hello").await;
    w.launch(id).await;
    let state = w.app.app_state.clone();
    let now = w.app.clock.now();
    let mut conn = state.pool.get().unwrap();
    let claimed = tidings_api::db::send_queue::claim_batch(
        &mut conn,
        number,
        "server-a",
        now.naive_utc(),
        (now + Duration::minutes(5)).naive_utc(),
        10,
    )
    .unwrap();
    tidings_api::services::delivery::begin_sending(&mut conn, &claimed, "server-a", now, now + Duration::minutes(2))
        .unwrap();
    let settings = state.config.delivery.clone();
    let report =
        StatusReport { provider_message_id: "SMearly".to_owned(), status: "delivered".to_owned(), error_code: None };
    let outcome = tidings_api::services::delivery::apply_report(&mut conn, &report, &settings, now).unwrap();
    assert_eq!(outcome, tidings_api::services::delivery::ReportOutcome::Early);
    let attempt = tidings_api::services::delivery::Attempt {
        id: claimed[0].id,
        campaign_id: Some(id),
        author: tidings_domain::message_wire::Author::Campaign,
        attempts: 1,
        answer: Ok(tidings_api::providers::SendReceipt {
            provider_message_id: "SMearly".to_owned(),
            status: "queued".to_owned(),
            num_segments: Some(1),
        }),
    };
    tidings_api::services::delivery::record_attempts(&mut conn, &[attempt], "server-a", &settings, now).unwrap();
    drop(conn);
    let messages = w.messages(id).await;
    assert_eq!(messages[0]["status"], "delivered");
    assert_eq!(w.counts(id).await["delivered"], 1);
}

#[actix_web::test]
async fn two_dispatchers_send_each_of_thousands_of_messages_exactly_once() {
    let w = world().await;
    let mut campaigns = Vec::new();
    for c in 0..4 {
        let rows = (0..750)
            .map(|i| json!({"first_name": format!("N{i}"), "last_name": "T", "phone": phone(c * 1000 + i)}))
            .collect();
        let list = w.import(&format!("List {c}"), rows).await;
        let number = w.app.insert_number(
            w.org.id,
            w.org.offices[0],
            &format!("+1415555010{c}"),
            common::NumberSpec::REUSABLE_SIMULATOR,
        );
        let id =
            w.campaign(&format!("Blast {c}"), json!({"kind": "reusable", "id": number}), list, "Hi {first_name}").await;
        w.launch(id).await;
        campaigns.push(id);
    }
    let state = w.app.app_state.clone();
    let (a, b) = futures_util::future::join(
        dispatcher::run_until_idle(&state, "server-a"),
        dispatcher::run_until_idle(&state, "server-b"),
    )
    .await;
    assert_eq!(a.unwrap() + b.unwrap(), 3000);
    let sent = w.app.simulator.sent();
    assert_eq!(sent.len(), 3000);
    let distinct: HashSet<(&str, &str)> = sent.iter().map(|s| (s.from.as_str(), s.to.as_str())).collect();
    assert_eq!(distinct.len(), 3000, "no message went out twice");
    for id in campaigns {
        assert_eq!(w.counts(id).await["pending"], 750);
    }
    let mut conn = state.pool.get().unwrap();
    let unsent: i64 = messages::table.filter(messages::status.ne("pending")).count().get_result(&mut *conn).unwrap();
    assert_eq!(unsent, 0);
}

#[actix_web::test]
async fn each_number_sends_at_its_rate() {
    let rates = SendRates { simulator: 20.0, ..SendRates::default() };
    let w = world_with(TestOptions {
        delivery: DeliverySettings { rates, ..DeliverySettings::default() },
        ..TestOptions::default()
    })
    .await;
    for c in 0..2 {
        let rows = (0..30).map(|i| json!({"first_name": "R", "last_name": "T", "phone": phone(c * 100 + i)})).collect();
        let list = w.import(&format!("Rate {c}"), rows).await;
        let number = w.app.insert_number(
            w.org.id,
            w.org.offices[0],
            &format!("+1415555020{c}"),
            common::NumberSpec::REUSABLE_SIMULATOR,
        );
        let id = w.campaign(&format!("Paced {c}"), json!({"kind": "reusable", "id": number}), list, "Hi").await;
        w.launch(id).await;
    }
    assert_eq!(w.dispatch("server-a").await, 60);
    // Measured on the provider's own clock: at 20/s no number ever has more than 20
    // sends (plus one at the window's edge) inside one second.
    let mut per_number: HashMap<String, Vec<std::time::Instant>> = HashMap::new();
    for record in w.app.simulator.sent() {
        per_number.entry(record.from).or_default().push(record.at);
    }
    assert_eq!(per_number.len(), 2);
    for (number, mut times) in per_number {
        times.sort();
        assert_eq!(times.len(), 30);
        for i in 0..times.len() - 21 {
            let span = times[i + 21] - times[i];
            assert!(span >= std::time::Duration::from_secs(1), "{number}: 22 sends within {span:?}");
        }
    }
}

#[actix_web::test]
async fn stopping_a_single_use_campaign_cancels_what_is_unsent_and_releases_the_number() {
    let w = world().await;
    let rows = (1..=3).map(|i| json!({"first_name": "S", "last_name": "U", "phone": phone(i)})).collect();
    let list = w.import("Single", rows).await;
    let id = w.campaign("One-off", json!({"kind": "single_use"}), list, "Hello").await;
    let launched = w.launch(id).await;
    let number_sid = {
        let number_id = launched["phone_number"]["id"].as_i64().unwrap();
        let mut conn = w.app.app_state.pool.get().unwrap();
        tidings_api::db::phone_numbers::find_any(&mut conn, number_id).unwrap().provider_sid.unwrap()
    };
    w.app.simulator.script_failure(&phone(3), 30003);
    assert_eq!(w.dispatch("server-a").await, 3);
    // Phone 1 is delivered, phone 2 still with the provider, phone 3 waits for a retry.
    let reports = w.app.simulator.take_all_reports();
    let sids: HashMap<String, String> =
        w.app.simulator.sent().into_iter().map(|s| (s.provider_message_id, s.to)).collect();
    let (kept, held): (Vec<_>, Vec<_>) = reports.into_iter().partition(|r| sids[&r.provider_message_id] != phone(2));
    status_reports::apply_all(&w.app.app_state, kept).await.unwrap();

    let (status, stopped) = w.app.post(&format!("/api/v1/campaigns/{id}/archive"), &w.manager, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{stopped}");
    let counts = w.counts(id).await;
    assert_eq!((counts["delivered"].as_i64(), counts["cancelled"].as_i64()), (Some(1), Some(2)), "{counts}");
    let messages = by_phone(&w.messages(id).await);
    assert_eq!(messages[&phone(3)]["status"], "cancelled");
    assert_eq!(messages[&phone(2)]["status"], "cancelled");
    assert!(w.app.simulator.was_released(&number_sid), "the single-use number goes back to the provider");

    // Past the retry's backoff (the session token lives an hour in tests).
    w.app.clock.advance(Duration::minutes(50));
    assert_eq!(w.dispatch("server-a").await, 0, "nothing more is sent");
    assert_eq!(w.app.simulator.sent().len(), 3);
    // The provider's later word on a message it already had is still the truth.
    status_reports::apply_all(&w.app.app_state, held).await.unwrap();
    assert_eq!(by_phone(&w.messages(id).await)[&phone(2)]["status"], "delivered");
}

#[actix_web::test]
async fn stopping_a_campaign_on_a_reusable_number_withdraws_its_unsent_launch_messages() {
    let w = world().await;
    let rows = (1..=4).map(|i| json!({"first_name": "R", "last_name": "U", "phone": phone(i)})).collect();
    let list = w.import("Reusable", rows).await;
    let number =
        w.app.insert_number(w.org.id, w.org.offices[0], "+14155550100", common::NumberSpec::REUSABLE_SIMULATOR);
    let id = w.campaign("Stop me", json!({"kind": "reusable", "id": number}), list, "Hello").await;
    w.launch(id).await;
    let (status, _) = w.app.post(&format!("/api/v1/campaigns/{id}/archive"), &w.manager, json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(w.counts(id).await["cancelled"], 4);
    assert_eq!(w.dispatch("server-a").await, 0);
    assert!(w.app.simulator.sent().is_empty());
}

async fn post_status(app: &TestApp, params: &[(&str, &str)], signature: Option<&str>) -> (StatusCode, Value) {
    let mut request = app.client.post(app.url("/webhooks/twilio/status")).form(params);
    if let Some(signature) = signature {
        request = request.header("X-Twilio-Signature", signature);
    }
    common::read(request.send().await.unwrap()).await
}

#[actix_web::test]
async fn status_callbacks_are_signed_and_only_move_a_message_forward() {
    let twilio = TwilioConfig {
        account_sid: "AC0123456789abcdef0123456789abcdef".to_owned(),
        auth_token: Secret::new(AUTH_TOKEN),
        // Nothing is sent in this test; the server only needs Twilio settings.
        api_base: "http://127.0.0.1:9".to_owned(),
    };
    let w = world_with(TestOptions { twilio: Some(twilio), ..TestOptions::default() }).await;
    let list = w
        .import(
            "Two",
            vec![
                json!({"first_name": "A", "last_name": "B", "phone": phone(1)}),
                json!({"first_name": "C", "last_name": "D", "phone": phone(2)}),
            ],
        )
        .await;
    let number =
        w.app.insert_number(w.org.id, w.org.offices[0], "+14155550100", common::NumberSpec::REUSABLE_SIMULATOR);
    let id = w.campaign("Signed", json!({"kind": "reusable", "id": number}), list, "Hello").await;
    w.launch(id).await;
    // As if the dispatcher had sent both: Twilio knows them as SM1… and SM2….
    {
        let mut conn = w.app.app_state.pool.get().unwrap();
        let ids: Vec<i64> = messages::table
            .filter(messages::campaign_id.eq(id))
            .order(messages::id)
            .select(messages::id)
            .load(&mut *conn)
            .unwrap();
        let now = w.app.clock.now();
        let claimed = tidings_api::db::send_queue::claim_batch(
            &mut conn,
            number,
            "s",
            now.naive_utc(),
            (now + Duration::minutes(5)).naive_utc(),
            10,
        )
        .unwrap();
        tidings_api::services::delivery::begin_sending(&mut conn, &claimed, "s", now, now + Duration::minutes(2))
            .unwrap();
        let attempts = ids
            .iter()
            .enumerate()
            .map(|(i, message)| tidings_api::services::delivery::Attempt {
                id: *message,
                campaign_id: Some(id),
                author: tidings_domain::message_wire::Author::Campaign,
                attempts: 1,
                answer: Ok(tidings_api::providers::SendReceipt {
                    provider_message_id: format!("SM{}", i + 1),
                    status: "queued".to_owned(),
                    num_segments: Some(1),
                }),
            })
            .collect::<Vec<_>>();
        tidings_api::services::delivery::record_attempts(
            &mut conn,
            &attempts,
            "s",
            &w.app.app_state.config.delivery,
            now,
        )
        .unwrap();
    }
    let url = "http://127.0.0.1:8080/webhooks/twilio/status";
    let sent: &[(&str, &str)] =
        &[("MessageSid", "SM1"), ("MessageStatus", "sent"), ("AccountSid", "AC0"), ("ApiVersion", "2010-04-01")];
    let good = twilio_signature(AUTH_TOKEN, url, sent);

    // Refused, and nothing changes: no header, a wrong key, another URL, a changed body,
    // a changed header.
    let status_of = |messages: &[Value], sid: &str| {
        messages.iter().find(|m| m["provider_message_id"] == sid).unwrap()["status"].as_str().unwrap().to_owned()
    };
    assert_eq!(post_status(&w.app, sent, None).await.0, StatusCode::FORBIDDEN);
    let wrong_key = twilio_signature("another-token", url, sent);
    assert_eq!(post_status(&w.app, sent, Some(&wrong_key)).await.0, StatusCode::FORBIDDEN);
    let other_url = twilio_signature(AUTH_TOKEN, "http://127.0.0.1:8080/webhooks/twilio/inbound", sent);
    assert_eq!(post_status(&w.app, sent, Some(&other_url)).await.0, StatusCode::FORBIDDEN);
    let tampered: &[(&str, &str)] =
        &[("MessageSid", "SM1"), ("MessageStatus", "delivered"), ("AccountSid", "AC0"), ("ApiVersion", "2010-04-01")];
    let (status, problem) = post_status(&w.app, tampered, Some(&good)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(problem["detail"].as_str().unwrap().contains("X-Twilio-Signature"), "{problem}");
    let mut flipped = good.clone().into_bytes();
    flipped[3] = if flipped[3] == b'A' { b'B' } else { b'A' };
    assert_eq!(post_status(&w.app, sent, Some(&String::from_utf8(flipped).unwrap())).await.0, StatusCode::FORBIDDEN);
    assert_eq!(status_of(&w.messages(id).await, "SM1"), "pending");

    assert_eq!(post_status(&w.app, sent, Some(&good)).await.0, StatusCode::NO_CONTENT);
    assert_eq!(status_of(&w.messages(id).await, "SM1"), "sent");
    assert_eq!(post_status(&w.app, sent, Some(&good)).await.0, StatusCode::NO_CONTENT, "a repeat is accepted");
    let delivered: &[(&str, &str)] =
        &[("MessageSid", "SM1"), ("MessageStatus", "delivered"), ("RawDlrDoneDate", "2603021501")];
    let signature = twilio_signature(AUTH_TOKEN, url, delivered);
    assert_eq!(post_status(&w.app, delivered, Some(&signature)).await.0, StatusCode::NO_CONTENT);
    assert_eq!(post_status(&w.app, sent, Some(&good)).await.0, StatusCode::NO_CONTENT, "a late 'sent'");
    assert_eq!(status_of(&w.messages(id).await, "SM1"), "delivered", "statuses only move forward");

    let undelivered: &[(&str, &str)] =
        &[("MessageSid", "SM2"), ("MessageStatus", "undelivered"), ("ErrorCode", "30006")];
    let signature = twilio_signature(AUTH_TOKEN, url, undelivered);
    assert_eq!(post_status(&w.app, undelivered, Some(&signature)).await.0, StatusCode::NO_CONTENT);
    let messages = w.messages(id).await;
    let failed = messages.iter().find(|m| m["provider_message_id"] == "SM2").unwrap();
    assert_eq!((failed["status"].as_str(), failed["error_code"].as_i64()), (Some("undelivered"), Some(30006)));
    assert!(failed["error_reason"].as_str().unwrap().contains("landline"));
    let counts = w.counts(id).await;
    assert_eq!((counts["delivered"].as_i64(), counts["failed"].as_i64()), (Some(1), Some(1)));

    let incomplete: &[(&str, &str)] = &[("MessageStatus", "sent")];
    let signature = twilio_signature(AUTH_TOKEN, url, incomplete);
    let (status, problem) = post_status(&w.app, incomplete, Some(&signature)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    common::assert_field_error(&problem, "MessageSid");
}

#[actix_web::test]
async fn the_status_webhook_is_refused_without_twilio() {
    let w = world().await;
    let params: &[(&str, &str)] = &[("MessageSid", "SM1"), ("MessageStatus", "sent")];
    let signature = twilio_signature(AUTH_TOKEN, "http://127.0.0.1:8080/webhooks/twilio/status", params);
    let (status, problem) = post_status(&w.app, params, Some(&signature)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
}

#[actix_web::test]
async fn campaign_messages_are_private_to_the_organisation_and_paged() {
    let w = world().await;
    let rows = (1..=5).map(|i| json!({"first_name": "P", "last_name": "G", "phone": phone(i)})).collect();
    let list = w.import("Paged", rows).await;
    let number =
        w.app.insert_number(w.org.id, w.org.offices[0], "+14155550100", common::NumberSpec::REUSABLE_SIMULATOR);
    let id = w.campaign("Paged", json!({"kind": "reusable", "id": number}), list, "Hello").await;
    w.launch(id).await;
    let (_, first) = w.app.get(&format!("/api/v1/campaigns/{id}/messages?limit=2"), &w.manager).await;
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let cursor = first["next_cursor"].as_str().unwrap().to_owned();
    let (_, second) = w.app.get(&format!("/api/v1/campaigns/{id}/messages?limit=2&cursor={cursor}"), &w.manager).await;
    assert!(second["items"][0]["id"].as_i64().unwrap() > first["items"][1]["id"].as_i64().unwrap());
    let (_, last) = w
        .app
        .get(
            &format!("/api/v1/campaigns/{id}/messages?limit=2&cursor={}", second["next_cursor"].as_str().unwrap()),
            &w.manager,
        )
        .await;
    assert_eq!(last["items"].as_array().unwrap().len(), 1);
    assert_eq!(last["next_cursor"], Value::Null);

    w.app.seed_default_org("beta");
    let outsider = w.app.login("manager@beta.test").await;
    let (status, _) = w.app.get(&format!("/api/v1/campaigns/{id}/messages"), &outsider).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = w.app.call(reqwest::Method::GET, &format!("/api/v1/campaigns/{id}/messages"), None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, problem) = w.app.get(&format!("/api/v1/campaigns/{id}/messages?limit=0"), &w.manager).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a limit out of bounds is a bad query value, as on every list");
    common::assert_field_error(&problem, "limit");
    let (status, problem) = w.app.get(&format!("/api/v1/campaigns/{id}/messages?limit=501"), &w.manager).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    common::assert_field_error(&problem, "limit");
    let (status, problem) = w.app.get(&format!("/api/v1/campaigns/{id}/messages?colour=red"), &w.manager).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "the list's own filter still refuses unknown parameters");
    common::assert_field_error(&problem, "colour");
}

#[actix_web::test]
async fn a_pause_acknowledged_stops_every_send_and_resume_carries_on_where_it_stopped() {
    let w = world().await;
    let rows = (1..=5).map(|i| json!({"first_name": "P", "last_name": "Z", "phone": phone(i)})).collect();
    let list = w.import("Five", rows).await;
    let number =
        w.app.insert_number(w.org.id, w.org.offices[0], "+14155550100", common::NumberSpec::REUSABLE_SIMULATOR);
    let id = w.campaign("Pause me", json!({"kind": "reusable", "id": number}), list, "Hello {first_name}").await;
    w.launch(id).await;

    // A dispatcher has claimed two messages and is about to commit them as `sending`
    // when the pause is acknowledged.
    let state = w.app.app_state.clone();
    let now = w.app.clock.now();
    let lease = (now + Duration::minutes(5)).naive_utc();
    let claimed = {
        let mut conn = state.pool.get().unwrap();
        tidings_api::db::send_queue::claim_batch(&mut conn, number, "racing-server", now.naive_utc(), lease, 2).unwrap()
    };
    assert_eq!(claimed.len(), 2);
    let (status, paused) = w.app.post(&format!("/api/v1/campaigns/{id}/pause"), &w.manager, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{paused}");
    assert_eq!(paused["state"], "paused");
    let committed = {
        let mut conn = state.pool.get().unwrap();
        tidings_api::services::delivery::begin_sending(&mut conn, &claimed, "racing-server", now, now).unwrap()
    };
    assert!(committed.is_empty(), "the claim taken before the pause sends nothing after it");
    assert_eq!(w.dispatch("server-a").await, 0, "nothing is claimed while paused");
    w.app.clock.advance(Duration::minutes(10));
    assert_eq!(w.dispatch("server-a").await, 0, "not even once every lease has expired");
    assert!(w.app.simulator.sent().is_empty());
    assert_eq!(w.counts(id).await["queued"], 5, "the held messages still count as queued");

    // Conversations go on: an agent's reply is sent while the campaign is paused.
    let agent = w.app.login("agent@alpha.test").await;
    let (_, activity) = w.app.get(&format!("/api/v1/campaigns/{id}/conversations"), &agent).await;
    let conversation = activity["sections"][0]["items"][0]["id"].as_i64().unwrap();
    let (status, reply) =
        w.app.post(&format!("/api/v1/conversations/{conversation}/messages"), &agent, json!({"body": "Hi"})).await;
    assert_eq!(status, StatusCode::CREATED, "{reply}");
    assert_eq!(w.dispatch("server-a").await, 1, "the agent's reply, not a launch message");

    // Resume: the five launch messages go out, each contact once.
    let (status, resumed) = w.app.post(&format!("/api/v1/campaigns/{id}/resume"), &w.manager, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{resumed}");
    assert_eq!(resumed["state"], "active");
    assert_eq!(w.dispatch("server-a").await, 5);
    let launch_texts: Vec<_> = w.app.simulator.sent().into_iter().filter(|s| s.body.starts_with("Hello")).collect();
    let reached: HashSet<&str> = launch_texts.iter().map(|s| s.to.as_str()).collect();
    assert_eq!((launch_texts.len(), reached.len()), (5, 5));

    let (_, audit) = w.app.get(&format!("/api/v1/campaigns/{id}/audit"), &w.manager).await;
    let actions: Vec<&str> = audit["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions[actions.len() - 2..], ["paused", "resumed"]);
    assert_eq!(audit["items"][actions.len() - 2]["details"]["held_messages"], 5);
}

#[actix_web::test]
async fn a_paused_campaign_stays_on_the_active_tab_and_stop_and_archive_withdraws_what_it_held() {
    let w = world().await;
    let rows = (1..=3).map(|i| json!({"first_name": "S", "last_name": "P", "phone": phone(i)})).collect();
    let list = w.import("Three", rows).await;
    let number =
        w.app.insert_number(w.org.id, w.org.offices[0], "+14155550100", common::NumberSpec::REUSABLE_SIMULATOR);
    let id = w.campaign("Held", json!({"kind": "reusable", "id": number}), list, "Hello").await;
    w.launch(id).await;

    let limited = w.app.login("limited@alpha.test").await;
    let (status, _) = w.app.post(&format!("/api/v1/campaigns/{id}/pause"), &limited, json!({})).await;
    assert!(matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{status}");
    let (status, problem) = w.app.post(&format!("/api/v1/campaigns/{id}/resume"), &w.manager, json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT, "an active campaign is not resumed: {problem}");
    let (status, _) = w.app.post(&format!("/api/v1/campaigns/{id}/pause"), &w.manager, json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = w.app.post(&format!("/api/v1/campaigns/{id}/pause"), &w.manager, json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT, "a paused campaign is not paused again");

    let (_, tab) = w.app.get("/api/v1/campaigns?state=active", &w.manager).await;
    let listed = tab["items"].as_array().unwrap().iter().find(|c| c["id"] == id).expect("on the Active tab");
    assert_eq!(listed["state"], "paused");
    let actions: Vec<(&str, &str)> = listed["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["action"].as_str().unwrap(), a["label"].as_str().unwrap()))
        .collect();
    assert_eq!(actions, [("view", "View"), ("clone", "Clone"), ("resume", "Resume"), ("archive", "Stop and Archive")]);
    let (_, only_paused) = w.app.get("/api/v1/campaigns?state=paused", &w.manager).await;
    assert_eq!(only_paused["items"].as_array().unwrap().len(), 1);

    let (status, archived) = w.app.post(&format!("/api/v1/campaigns/{id}/archive"), &w.manager, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{archived}");
    assert_eq!(archived["archive_kind"], "stopped");
    assert_eq!(w.counts(id).await["cancelled"], 3);
    assert_eq!(w.dispatch("server-a").await, 0);
    assert!(w.app.simulator.sent().is_empty());
}

#[actix_web::test]
async fn numbers_that_cannot_receive_texts_are_suppressed_and_the_next_launch_skips_them() {
    let w = world().await;
    let rows = (1..=5).map(|i| json!({"first_name": format!("N{i}"), "last_name": "U", "phone": phone(i)})).collect();
    let list = w.import("Mixed", rows).await;
    let number =
        w.app.insert_number(w.org.id, w.org.offices[0], "+14155550100", common::NumberSpec::REUSABLE_SIMULATOR);
    let first = w.campaign("First", json!({"kind": "reusable", "id": number}), list, "Hi {first_name}").await;
    let sim = &w.app.simulator;
    sim.script_failure(&phone(2), 21211); // not a valid mobile number, refused at send
    sim.script_failure(&phone(3), 21610); // replied STOP to the provider
    sim.script_failure(&phone(4), 30006); // landline
    sim.script_failure(&phone(5), 30003); // unreachable for now: retried, not suppressed
    w.launch(first).await;
    assert_eq!(w.dispatch("server-a").await, 5);
    w.deliver_reports().await;

    let (status, list_page) = w.app.get("/api/v1/opt-outs", &w.manager).await;
    assert_eq!(status, StatusCode::OK);
    let entries: HashMap<String, Value> = list_page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["phone"].as_str().unwrap().to_owned(), e.clone()))
        .collect();
    assert_eq!(entries.len(), 3, "{list_page}");
    assert_eq!(entries[&phone(2)]["source"], "undeliverable");
    assert!(entries[&phone(2)]["reason"].as_str().unwrap().starts_with("Twilio 21211: "), "{}", entries[&phone(2)]);
    assert_eq!(entries[&phone(3)]["source"], "keyword");
    assert_eq!(entries[&phone(4)]["source"], "undeliverable");
    assert!(entries[&phone(4)]["reason"].as_str().unwrap().contains("landline"));
    assert!(!entries.contains_key(&phone(5)), "a transient failure says nothing about the number");

    let second = w.campaign("Second", json!({"kind": "reusable", "id": number}), list, "Hello again").await;
    let launched = w.launch(second).await;
    let counts = &launched["send_counts"];
    assert_eq!(
        (counts["queued"].as_i64(), counts["skipped_undeliverable"].as_i64(), counts["skipped_opted_out"].as_i64()),
        (Some(2), Some(2), Some(1)),
        "{counts}"
    );
    w.counts(second).await;
    // The Contacts tab: an undeliverable number is a failure with its reason, not an
    // opt-out; the one who said STOP is opted out.
    let (_, contacts) = w.app.get(&format!("/api/v1/campaigns/{second}/contacts"), &w.manager).await;
    let by_number: HashMap<&str, &Value> =
        contacts["items"].as_array().unwrap().iter().map(|c| (c["phone"].as_str().unwrap(), c)).collect();
    let landline = by_number[phone(4).as_str()];
    assert_eq!((landline["delivery"].as_str(), landline["opted_out"].as_bool()), (Some("failed"), Some(false)));
    assert!(landline["failed_reason"].as_str().unwrap().contains("cannot receive texts"), "{landline}");
    let stopped = by_number[phone(3).as_str()];
    assert_eq!((stopped["delivery"].as_str(), stopped["opted_out"].as_bool()), (Some("opted_out"), Some(true)));

    // Lifting an undeliverable number (it may have been ported to a mobile) is for
    // administrators.
    let entry = entries[&phone(4)]["id"].as_i64().unwrap();
    let lift = json!({"reason": "ported to a mobile"});
    let (status, _) = w
        .app
        .call(
            reqwest::Method::DELETE,
            &format!("/api/v1/opt-outs/{entry}"),
            Some(w.manager.as_str()),
            Some(lift.clone()),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let admin = w.app.login("admin@alpha.test").await;
    let (status, lifted) = w
        .app
        .call(reqwest::Method::DELETE, &format!("/api/v1/opt-outs/{entry}"), Some(admin.as_str()), Some(lift))
        .await;
    assert_eq!(status, StatusCode::OK, "{lifted}");
    assert_eq!(lifted["lift_reason"], "ported to a mobile");

    // A keyword opt-out (21610: the contact's own STOP, at the provider) is theirs to
    // lift by texting START; no member of staff can, administrators included.
    let keyword = entries[&phone(3)]["id"].as_i64().unwrap();
    let (status, problem) = w
        .app
        .call(
            reqwest::Method::DELETE,
            &format!("/api/v1/opt-outs/{keyword}"),
            Some(admin.as_str()),
            Some(json!({"reason": "they asked us"})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(problem["detail"].as_str().unwrap().contains("START"), "{problem}");
}

#[actix_web::test]
async fn a_failure_the_provider_reports_after_taking_the_message_is_final_unless_it_will_pass() {
    let w = world().await;
    let rows = (1..=3).map(|i| json!({"first_name": "C", "last_name": "T", "phone": phone(i)})).collect();
    let list = w.import("Three", rows).await;
    let number =
        w.app.insert_number(w.org.id, w.org.offices[0], "+14155550100", common::NumberSpec::REUSABLE_SIMULATOR);
    let id = w.campaign("Reports", json!({"kind": "reusable", "id": number}), list, "Hello {first_name}").await;
    w.launch(id).await;
    assert_eq!(w.dispatch("server-a").await, 3);
    // Twilio's own reports, in place of the simulator's: an unknown error, a failure
    // without a code, an unreachable handset.
    w.app.simulator.take_all_reports();
    let sent = by_phone(&w.messages(id).await);
    let sid = |i: usize| sent[&phone(i)]["provider_message_id"].as_str().unwrap().to_owned();
    let report = |i: usize, status: &str, error_code: Option<i64>| tidings_api::providers::StatusReport {
        provider_message_id: sid(i),
        status: status.to_owned(),
        error_code,
    };
    let reports =
        vec![report(1, "undelivered", Some(30008)), report(2, "failed", None), report(3, "undelivered", Some(30003))];
    status_reports::apply_all(&w.app.app_state, reports).await.unwrap();

    let after = by_phone(&w.messages(id).await);
    assert_eq!(
        (after[&phone(1)]["status"].as_str(), after[&phone(1)]["error_code"].as_i64()),
        (Some("undelivered"), Some(30008))
    );
    assert_eq!(after[&phone(2)]["status"], "undelivered", "Twilio's `failed` after taking it");
    assert!(after[&phone(2)]["error_reason"].as_str().unwrap().contains("without saying why"), "{}", after[&phone(2)]);
    assert_eq!(after[&phone(3)]["status"], "queued", "an unreachable handset is tried again");
    w.app.clock.advance(Duration::hours(2));
    assert_eq!(w.dispatch("server-a").await, 1, "only the unreachable handset's message goes again");
    let resent: Vec<String> = w.app.simulator.sent().iter().map(|s| s.to.clone()).collect();
    assert_eq!(resent.iter().filter(|to| **to == phone(1)).count(), 1, "30008 is not sent twice");
    assert_eq!(resent.iter().filter(|to| **to == phone(2)).count(), 1, "a failure without a code is not sent twice");
}

#[actix_web::test]
async fn sends_whose_answer_was_lost_are_looked_up_and_settled_as_sent_or_sent_again() {
    let w = world().await;
    let rows = (1..=3).map(|i| json!({"first_name": "C", "last_name": "T", "phone": phone(i)})).collect();
    let list = w.import("Three", rows).await;
    let number =
        w.app.insert_number(w.org.id, w.org.offices[0], "+14155550100", common::NumberSpec::REUSABLE_SIMULATOR);
    let id = w.campaign("Lost", json!({"kind": "reusable", "id": number}), list, "Hello {first_name}").await;
    w.app.simulator.script_lost_answer(&phone(1), true); // it went out; the answer did not come back
    w.app.simulator.script_lost_answer(&phone(2), false); // it never arrived
    w.launch(id).await;
    assert_eq!(w.dispatch("server-a").await, 3);
    let sent = by_phone(&w.messages(id).await);
    assert_eq!(
        (sent[&phone(1)]["status"].as_str(), sent[&phone(2)]["status"].as_str()),
        (Some("unknown"), Some("unknown"))
    );

    let reconcile = tidings_api::services::reconcile::run_once;
    assert_eq!(reconcile(&w.app.app_state).await.unwrap(), Default::default(), "the provider is given time first");
    w.app.clock.advance(Duration::minutes(3));
    let round = reconcile(&w.app.app_state).await.unwrap();
    assert_eq!((round.found, round.requeued, round.undecided), (1, 1, 0));
    let settled = by_phone(&w.messages(id).await);
    let found = &settled[&phone(1)];
    assert_eq!(found["status"], "sent", "{found}");
    assert!(found["provider_message_id"].as_str().unwrap().starts_with("SM"), "it takes the provider's id");
    let never = &settled[&phone(2)];
    assert_eq!(never["status"], "queued", "{never}");
    assert!(never["error_reason"].as_str().unwrap().contains("never received"), "{never}");

    assert_eq!(w.dispatch("server-a").await, 1, "only the one that never arrived goes again");
    let texts: Vec<String> = w.app.simulator.sent().iter().map(|s| s.to.clone()).collect();
    for i in 1..=3 {
        assert_eq!(texts.iter().filter(|to| **to == phone(i)).count(), 1, "contact {i} got one text: {texts:?}");
    }
    let counts = w.counts(id).await;
    assert_eq!(counts["unknown"], 0, "{counts}");
    assert_eq!(reconcile(&w.app.app_state).await.unwrap(), Default::default(), "nothing is left to settle");
}
