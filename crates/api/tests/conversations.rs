//! Conversations: whole campaigns through the simulator (launch, delivery, replies, the
//! assistant, handoff, agent replies, stop and archive) with a reusable and a single-use
//! number; the keyword table; an opt-out racing a send; the Twilio inbound webhook's
//! signature and repeats; the suppression list API — on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a failed unwrap fails the test, which is the point")]

mod common;

use chrono::{TimeZone, Utc};
use common::{phone, twilio_signature, Org, TestApp, TestOptions};
use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use tidings_api::clock::Clock;
use tidings_api::config::{Secret, TwilioConfig};
use tidings_api::db::schema::audit_log;
use tidings_api::jobs::{dispatcher, status_reports};

const AUTH_TOKEN: &str = "inbound-webhook-test-token";
const NUMBER: &str = "+14155550100";

struct World {
    app: TestApp,
    org: Org,
    manager: String,
    agent: String,
}

async fn world_with(options: TestOptions) -> World {
    let app = TestApp::spawn_with(options).await;
    app.clock.set(Utc.with_ymd_and_hms(2026, 3, 2, 15, 0, 0).unwrap());
    let org = app.seed_default_org("alpha");
    let manager = app.login("manager@alpha.test").await;
    let agent = app.login("agent@alpha.test").await;
    World { app, org, manager, agent }
}

fn script() -> Value {
    json!({
        "rules": [{"phrases": ["deadline"], "reply": "The deadline is March 15."}],
        "fallback_reply": "Sorry, I did not get that.",
        "handoff_phrases": ["talk to a person"],
        "max_fallbacks_before_handoff": 1,
    })
}

impl World {
    async fn import(&self, n: usize) -> i64 {
        let rows: Vec<Value> = (1..=n)
            .map(|i| json!({"first_name": format!("Contact{i}"), "last_name": "Doe", "phone": phone(i)}))
            .collect();
        let (status, body) = self
            .app
            .post(
                "/api/v1/contact-lists",
                &self.manager,
                json!({"name": "List", "office_id": self.org.offices[0], "rows": rows}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["contact_list"]["id"].as_i64().unwrap()
    }

    /// Creates and launches a campaign; answers its id.
    async fn launch(&self, number: Value, list: i64, operated_by: &str) -> i64 {
        let mut body = json!({
            "title": "Spring outreach",
            "phone_number": number,
            "contact_list_id": list,
            "message_template": "Hi {first_name}, any questions?",
            "operated_by": operated_by,
            "agent_ids": [self.org.users[2]],
        });
        if operated_by == "assistant" {
            body["assistant_script"] = script();
        }
        let (status, campaign) = self.app.post("/api/v1/campaigns", &self.manager, body).await;
        assert_eq!(status, StatusCode::CREATED, "{campaign}");
        let id = campaign["id"].as_i64().unwrap();
        let (status, launched) =
            self.app.post(&format!("/api/v1/campaigns/{id}/launch"), &self.manager, json!({})).await;
        assert_eq!(status, StatusCode::OK, "{launched}");
        id
    }

    /// Sends everything due and delivers every report.
    async fn deliver(&self) {
        dispatcher::run_until_idle(&self.app.app_state, "server-a").await.unwrap();
        let reports = self.app.simulator.take_all_reports();
        status_reports::apply_all(&self.app.app_state, reports).await.unwrap();
    }

    async fn reply(&self, from: &str, to: &str, body: &str) -> Value {
        let (status, filed) = self
            .app
            .post("/api/v1/simulator/inbound", &self.manager, json!({"from": from, "to": to, "body": body}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{filed}");
        filed
    }

    async fn sections(&self, campaign: i64) -> Value {
        let (status, body) = self.app.get(&format!("/api/v1/campaigns/{campaign}/conversations"), &self.manager).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    async fn conversation(&self, id: i64) -> Value {
        let (status, body) = self.app.get(&format!("/api/v1/conversations/{id}"), &self.manager).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    async fn inbox_rows(&self, token: &str) -> Value {
        let (status, body) = self.app.get("/api/v1/inbox", token).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["items"].clone()
    }

    async fn inbox(&self, token: &str, query: &str) -> Vec<i64> {
        let (status, body) = self.app.get(&format!("/api/v1/inbox{query}"), token).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["items"].as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect()
    }
}

/// Section name → conversation phones, in the order listed.
fn section_phones(sections: &Value) -> Vec<(String, Vec<String>)> {
    sections["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let phones = s["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["contact"]["phone"].as_str().unwrap().to_owned())
                .collect();
            (s["section"].as_str().unwrap().to_owned(), phones)
        })
        .collect()
}

fn bodies(detail: &Value) -> Vec<(String, String)> {
    detail["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["author"].as_str().unwrap().to_owned(), m["body"].as_str().unwrap().to_owned()))
        .collect()
}

#[actix_web::test]
async fn a_whole_assistant_campaign_on_a_reusable_number() {
    let w = world_with(TestOptions::default()).await;
    let list = w.import(3).await;
    let number = w.app.insert_number(w.org.id, w.org.offices[0], NUMBER, common::NumberSpec::REUSABLE_SIMULATOR);
    // The number's unsolicited messages go to the manager's personal inbox.
    let (status, _) = w
        .app
        .call(
            reqwest::Method::PUT,
            &format!("/api/v1/phone-numbers/{number}/unsolicited-settings"),
            Some(&w.app.login("admin@alpha.test").await),
            Some(json!({"user_ids": [w.org.users[1]], "office_ids": []})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let campaign = w.launch(json!({"kind": "reusable", "id": number}), list, "assistant").await;
    w.deliver().await;

    let sections = w.sections(campaign).await;
    let listed = section_phones(&sections);
    assert_eq!(listed.len(), 1, "only the assistant section has conversations: {listed:?}");
    assert_eq!(listed[0].0, "assistant_operated");
    assert_eq!(listed[0].1.len(), 3);
    let first = &sections["sections"][0]["items"][0];
    assert_eq!(first["last_message"]["status"], "delivered");

    // A rule answers; an unknown question gets the fallback, the next one hands over.
    let asked = w.reply(&phone(1), NUMBER, "When is the deadline?").await;
    let asked_id = asked["conversation_id"].as_i64().unwrap();
    w.deliver().await;
    let detail = w.conversation(asked_id).await;
    assert_eq!(
        bodies(&detail)[1..],
        [
            ("contact".to_owned(), "When is the deadline?".to_owned()),
            ("assistant".to_owned(), "The deadline is March 15.".to_owned())
        ]
    );
    assert_eq!(detail["messages"][2]["status"], "delivered");
    assert_eq!(detail["conversation"]["section"], "assistant_operated");

    let confused = w.reply(&phone(2), NUMBER, "Blue?").await["conversation_id"].as_i64().unwrap();
    assert_eq!(bodies(&w.conversation(confused).await).last().unwrap().1, "Sorry, I did not get that.");
    w.reply(&phone(2), NUMBER, "Green?").await;
    let handed = w.conversation(confused).await;
    assert_eq!(handed["conversation"]["operated_by"], "agent");
    assert_eq!(handed["conversation"]["section"], "needs_attention");

    let wants_person =
        w.reply(&phone(3), NUMBER, "Can I talk to a person please").await["conversation_id"].as_i64().unwrap();
    let listed = section_phones(&w.sections(campaign).await);
    assert_eq!(listed[0], ("needs_attention".to_owned(), vec![phone(3), phone(2)]));
    assert_eq!(listed[1], ("assistant_operated".to_owned(), vec![phone(1)]));
    assert_eq!(w.inbox(&w.agent, "").await, vec![wants_person, confused], "the campaign agent's inbox");
    assert!(w.inbox(&w.manager, "").await.is_empty(), "not a campaign agent");

    // The operator cannot switch while the conversation needs attention.
    let (status, _) =
        w.app.patch(&format!("/api/v1/conversations/{confused}"), &w.agent, json!({"operated_by": "assistant"})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, problem) =
        w.app.patch(&format!("/api/v1/conversations/{asked_id}"), &w.agent, json!({"needs_attention": true})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "needs attention is for agent-operated conversations");
    common::assert_field_error(&problem, "needs_attention");

    // An agent replies: needs attention clears, the agent participates.
    let (status, replied) = w
        .app
        .post(&format!("/api/v1/conversations/{confused}/messages"), &w.agent, json!({"body": "Hi, Avery here."}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{replied}");
    assert_eq!(replied["conversation"]["section"], "agent_operated");
    w.deliver().await;
    let detail = w.conversation(confused).await;
    let last = detail["messages"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((last["author"].as_str(), last["status"].as_str()), (Some("agent"), Some("delivered")));
    assert_eq!(w.inbox(&w.agent, "?tab=participating").await, vec![confused]);
    assert_eq!(w.inbox(&w.agent, "").await, vec![wants_person]);

    // Tags: at most three, 30 characters, trimmed, unique regardless of case.
    let (status, problem) = w
        .app
        .patch(&format!("/api/v1/conversations/{confused}"), &w.agent, json!({"tags": [" Transfer ", "transfer"]}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    common::assert_field_error(&problem, "tags[1]");
    let (status, tagged) = w
        .app
        .patch(&format!("/api/v1/conversations/{confused}"), &w.agent, json!({"tags": [" Transfer ", "Aid"]}))
        .await;
    assert_eq!(status, StatusCode::OK, "{tagged}");
    assert_eq!(tagged["conversation"]["tags"], json!(["Transfer", "Aid"]));
    let (status, _) = w
        .app
        .patch(&format!("/api/v1/conversations/{confused}"), &w.agent, json!({"tags": ["a", "b", "c", "d"]}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) =
        w.app.patch(&format!("/api/v1/conversations/{confused}"), &w.agent, json!({"tags": ["x".repeat(31)]})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // The tag filter offers the tags in use, each once whatever its case, with counts.
    let (status, _) =
        w.app.patch(&format!("/api/v1/conversations/{wants_person}"), &w.agent, json!({"tags": ["aid"]})).await;
    assert_eq!(status, StatusCode::OK);
    let (status, in_use) = w.app.get(&format!("/api/v1/campaigns/{campaign}/conversation-tags"), &w.manager).await;
    assert_eq!(status, StatusCode::OK, "{in_use}");
    assert_eq!(in_use["items"], json!([{"tag": "Aid", "conversations": 2}, {"tag": "Transfer", "conversations": 1}]));
    let (status, _) =
        w.app.patch(&format!("/api/v1/conversations/{wants_person}"), &w.agent, json!({"tags": []})).await;
    assert_eq!(status, StatusCode::OK);
    let (_, filtered) = w.app.get(&format!("/api/v1/campaigns/{campaign}/conversations?tags=aid"), &w.manager).await;
    assert_eq!(section_phones(&filtered), vec![("agent_operated".to_owned(), vec![phone(2)])]);
    let (_, searched) = w.app.get(&format!("/api/v1/campaigns/{campaign}/conversations?q=contact1"), &w.manager).await;
    assert_eq!(section_phones(&searched), vec![("assistant_operated".to_owned(), vec![phone(1)])]);

    // Stop and archive: the conversation still needing attention moves to the number's
    // unsolicited settings (the manager), out of the campaign agent's inbox.
    let (status, _) = w.app.post(&format!("/api/v1/campaigns/{campaign}/archive"), &w.manager, json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert!(w.inbox(&w.agent, "").await.is_empty());
    assert_eq!(w.inbox(&w.manager, "").await, vec![wants_person]);
    assert_eq!(w.conversation(wants_person).await["conversation"]["route"], "unsolicited");
    assert_eq!(w.conversation(asked_id).await["conversation"]["route"], "closed");
    // A later reply from that contact lands in the same place; another contact's reply
    // opens an unsolicited conversation under the number's default behaviour (agent).
    let again = w.reply(&phone(3), NUMBER, "Hello?").await["conversation_id"].as_i64().unwrap();
    assert_eq!(again, wants_person);
    let fresh = w.reply(&phone(1), NUMBER, "One more thing").await["conversation_id"].as_i64().unwrap();
    assert_ne!(fresh, asked_id);
    let opened = w.conversation(fresh).await;
    assert_eq!(
        (opened["conversation"]["route"].as_str(), opened["conversation"]["section"].as_str()),
        (Some("unsolicited"), Some("needs_attention"))
    );
    assert_eq!(w.inbox(&w.manager, "").await, vec![fresh, wants_person]);
    let (status, _) =
        w.app.post(&format!("/api/v1/conversations/{asked_id}/messages"), &w.agent, json!({"body": "Late"})).await;
    assert_eq!(status, StatusCode::CONFLICT, "a closed conversation takes no reply");
    let tags_before = w.conversation(asked_id).await["conversation"]["tags"].clone();
    let (status, problem) =
        w.app.patch(&format!("/api/v1/conversations/{asked_id}"), &w.manager, json!({"tags": ["Late"]})).await;
    assert_eq!(status, StatusCode::CONFLICT, "a closed conversation is read-only: {problem}");
    assert!(problem["detail"].as_str().unwrap().contains("read-only"), "{problem}");
    assert_eq!(w.conversation(asked_id).await["conversation"]["tags"], tags_before);
}

#[actix_web::test]
async fn a_single_use_campaign_closes_everything_when_it_stops() {
    let w = world_with(TestOptions::default()).await;
    let list = w.import(2).await;
    let campaign = w.launch(json!({"kind": "single_use"}), list, "agent").await;
    w.deliver().await;
    let (_, read) = w.app.get(&format!("/api/v1/campaigns/{campaign}"), &w.manager).await;
    let number = read["phone_number"]["e164"].as_str().unwrap().to_owned();
    let talk = w.reply(&phone(1), &number, "Yes please").await["conversation_id"].as_i64().unwrap();
    assert_eq!(w.conversation(talk).await["conversation"]["section"], "needs_attention");
    assert_eq!(w.inbox(&w.agent, "").await, vec![talk]);

    let (status, _) = w.app.post(&format!("/api/v1/campaigns/{campaign}/archive"), &w.manager, json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert!(w.inbox(&w.agent, "").await.is_empty(), "conversations leave the inboxes");
    assert_eq!(w.conversation(talk).await["conversation"]["route"], "closed");
    // The number is gone: a reply to it answers nothing and stores nothing.
    let mut conn = w.app.app_state.pool.get().unwrap();
    let inbound = tidings_api::services::inbound::InboundMessage {
        from: phone(1),
        to: number.clone(),
        body: "Hello?".to_owned(),
        provider_message_id: Some("SMlate".to_owned()),
    };
    let outcome = tidings_api::services::inbound::file(&mut conn, &inbound, w.app.clock.now()).unwrap();
    assert_eq!(outcome, tidings_api::services::inbound::InboundOutcome::NotOurNumber);
    // A STOP to it still reaches the organisation that had it: recorded, nothing sent.
    let stop = tidings_api::services::inbound::InboundMessage {
        from: phone(2),
        body: " stop ".to_owned(),
        provider_message_id: Some("SMlatestop".to_owned()),
        ..inbound
    };
    let outcome = tidings_api::services::inbound::file(&mut conn, &stop, w.app.clock.now()).unwrap();
    assert_eq!(
        outcome,
        tidings_api::services::inbound::InboundOutcome::OptOutToReleasedNumber { organisation_id: w.org.id }
    );
    drop(conn);
    let (status, list) = w.app.get(&format!("/api/v1/opt-outs?q={}", &phone(2)[2..]), &w.manager).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let entry = &list["items"][0];
    assert_eq!((&entry["phone"], &entry["source"]), (&json!(phone(2)), &json!("keyword")), "{list}");
}

#[actix_web::test]
async fn keywords_come_first_whatever_the_case_and_spacing() {
    let w = world_with(TestOptions::default()).await;
    let list = w.import(12).await;
    let number = w.app.insert_number(w.org.id, w.org.offices[0], NUMBER, common::NumberSpec::REUSABLE_SIMULATOR);
    w.launch(json!({"kind": "reusable", "id": number}), list, "agent").await;
    w.deliver().await;
    let sent_before = w.app.simulator.sent().len();
    for (i, keyword) in
        ["STOP", " stop ", "StopAll", "unsubscribe", "Cancel", "END", "quit\n", "Revoke", "OPTOUT"].iter().enumerate()
    {
        let contact = phone(i + 1);
        let conversation = w.reply(&contact, NUMBER, keyword).await["conversation_id"].as_i64().unwrap();
        let detail = w.conversation(conversation).await;
        assert_eq!(detail["conversation"]["contact"]["opted_out"], true, "{keyword:?} opts out");
        let last = detail["messages"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(last["author"], "system", "{keyword:?}");
        assert!(last["body"].as_str().unwrap().contains("unsubscribed"), "{last}");
        assert_eq!(detail["conversation"]["needs_attention"], false);
        // A second STOP gets no second confirmation.
        w.reply(&contact, NUMBER, "STOP").await;
        let replies = bodies(&w.conversation(conversation).await).into_iter().filter(|(a, _)| a == "system").count();
        assert_eq!(replies, 1, "{keyword:?}: exactly one confirmation");
    }
    w.deliver().await;
    assert_eq!(w.app.simulator.sent().len(), sent_before + 9, "nine confirmations went out");

    // A keyword inside a sentence is not an opt-out.
    let chatty = w.reply(&phone(10), NUMBER, "I will stop by the office tomorrow to ask").await["conversation_id"]
        .as_i64()
        .unwrap();
    let detail = w.conversation(chatty).await;
    assert_eq!(detail["conversation"]["contact"]["opted_out"], false);
    assert_eq!(detail["conversation"]["section"], "needs_attention");
    // A softer phrase flags it for a person, without opting out.
    let soft = w.reply(&phone(11), NUMBER, "please do not text me again").await["conversation_id"].as_i64().unwrap();
    let detail = w.conversation(soft).await;
    assert_eq!(
        (
            detail["conversation"]["opt_out_suggested"].as_bool(),
            detail["conversation"]["contact"]["opted_out"].as_bool()
        ),
        (Some(true), Some(false))
    );
    // HELP gets the help text; START lifts an opt-out with a confirmation.
    let help = w.reply(&phone(12), NUMBER, "help").await["conversation_id"].as_i64().unwrap();
    assert_eq!(bodies(&w.conversation(help).await).last().unwrap().0, "system");
    let back = w.reply(&phone(1), NUMBER, "Start").await["conversation_id"].as_i64().unwrap();
    let detail = w.conversation(back).await;
    assert_eq!(detail["conversation"]["contact"]["opted_out"], false);
    assert!(bodies(&detail).last().unwrap().1.contains("re-subscribed"));

    // The suppression list shows the keyword entries, and the lifted one with its reason.
    let (_, live) = w.app.get("/api/v1/opt-outs", &w.manager).await;
    assert_eq!(live["items"].as_array().unwrap().len(), 8);
    assert_eq!(live["items"][0]["source"], "keyword");
    assert_eq!(live["items"][0]["campaign"]["name"], "Spring outreach");
    let (_, all) = w.app.get("/api/v1/opt-outs?include_lifted=true", &w.manager).await;
    let lifted = all["items"].as_array().unwrap().iter().find(|e| e["phone"] == phone(1)).unwrap().clone();
    assert_eq!(lifted["lift_reason"], "START keyword");
}

#[actix_web::test]
async fn an_opt_out_racing_a_send_leaves_nothing_sent_after_it_answers() {
    let w = world_with(TestOptions::default()).await;
    let list = w.import(40).await;
    let number = w.app.insert_number(w.org.id, w.org.offices[0], NUMBER, common::NumberSpec::REUSABLE_SIMULATOR);
    w.launch(json!({"kind": "reusable", "id": number}), list, "agent").await;
    let state = w.app.app_state.clone();
    let target = phone(20);
    let stop = async {
        let answered = w.reply(&target, NUMBER, "STOP").await;
        let sent_at_answer: Vec<_> =
            w.app.simulator.sent().into_iter().filter(|s| s.to == target).map(|s| s.body).collect();
        (answered, sent_at_answer)
    };
    let (sent, (_, at_answer)) = futures_util::future::join(dispatcher::run_until_idle(&state, "server-a"), stop).await;
    sent.unwrap();
    w.deliver().await;
    let after: Vec<String> = w.app.simulator.sent().into_iter().filter(|s| s.to == target).map(|s| s.body).collect();
    let campaign_after: Vec<&String> = after.iter().filter(|b| b.starts_with("Hi ")).collect();
    let campaign_at_answer: Vec<&String> = at_answer.iter().filter(|b| b.starts_with("Hi ")).collect();
    assert_eq!(
        campaign_after, campaign_at_answer,
        "no campaign message reached the contact after the opt-out answered"
    );
    assert!(after.iter().filter(|b| b.contains("unsubscribed")).count() == 1, "one confirmation: {after:?}");
}

#[actix_web::test]
async fn the_inbound_webhook_is_signed_and_stores_a_repeated_message_once() {
    let twilio = TwilioConfig {
        account_sid: "AC0123456789abcdef0123456789abcdef".to_owned(),
        auth_token: Secret::new(AUTH_TOKEN),
        api_base: "http://127.0.0.1:9".to_owned(),
    };
    let w = world_with(TestOptions { twilio: Some(twilio), ..TestOptions::default() }).await;
    w.app.insert_number(w.org.id, w.org.offices[0], NUMBER, common::NumberSpec::REUSABLE_SIMULATOR);
    let url = "http://127.0.0.1:8080/webhooks/twilio/inbound";
    let from = phone(7);
    let params: Vec<(&str, &str)> = vec![
        ("MessageSid", "SMinbound1"),
        ("From", &from),
        ("To", NUMBER),
        ("Body", "Is anyone there?"),
        ("NumMedia", "0"),
    ];
    let post = |signature: Option<String>, params: Vec<(&'static str, String)>| {
        let app = &w.app;
        async move {
            let mut request = app.client.post(app.url("/webhooks/twilio/inbound")).form(&params);
            if let Some(signature) = signature {
                request = request.header("X-Twilio-Signature", signature);
            }
            let response = request.send().await.unwrap();
            let status = response.status();
            let content_type = response.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned());
            (status, content_type, response.text().await.unwrap())
        }
    };
    let owned: Vec<(&'static str, String)> = params.iter().map(|(n, v)| (*n, (*v).to_owned())).collect();
    let good = twilio_signature(AUTH_TOKEN, url, &params);
    assert_eq!(post(None, owned.clone()).await.0, StatusCode::FORBIDDEN);
    assert_eq!(post(Some(twilio_signature("wrong", url, &params)), owned.clone()).await.0, StatusCode::FORBIDDEN);
    let mut tampered = owned.clone();
    tampered[3].1 = "STOP".to_owned();
    assert_eq!(post(Some(good.clone()), tampered).await.0, StatusCode::FORBIDDEN);
    let mut conn = w.app.app_state.pool.get().unwrap();
    let stored: i64 = tidings_api::db::schema::messages::table.count().get_result(&mut *conn).unwrap();
    assert_eq!(stored, 0, "refused requests change nothing");

    let (status, content_type, body) = post(Some(good.clone()), owned.clone()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type.as_deref(), Some("text/xml"));
    assert!(body.ends_with("<Response/>"), "{body}");
    assert_eq!(post(Some(good), owned).await.0, StatusCode::OK, "Twilio's retry is accepted");
    let stored: i64 = tidings_api::db::schema::messages::table.count().get_result(&mut *conn).unwrap();
    assert_eq!(stored, 1, "a repeated MessageSid is stored once");
    drop(conn);
    let (_, inbox) = w.app.get("/api/v1/opt-outs", &w.manager).await;
    assert!(inbox["items"].as_array().unwrap().is_empty());
}

#[actix_web::test]
async fn the_suppression_list_is_searched_added_to_and_lifted_with_a_reason() {
    let w = world_with(TestOptions::default()).await;
    // An integration's API key adds as `api`; a member of staff signed in as `manual`,
    // with the reason they gave.
    let admin = w.app.login("admin@alpha.test").await;
    let (status, key) =
        w.app.post("/api/v1/api-keys", &admin, json!({"name": "SIS sync", "user_id": w.org.users[1]})).await;
    assert_eq!(status, StatusCode::CREATED, "{key}");
    let key = key["key"].as_str().unwrap().to_owned();
    let (status, added) = w.app.post("/api/v1/opt-outs", &key, json!({"phone": "(415) 200-0005"})).await;
    assert_eq!(status, StatusCode::CREATED, "{added}");
    assert_eq!((added["phone"].as_str(), added["source"].as_str()), (Some("+14152000005"), Some("api")));
    let (status, by_staff) = w
        .app
        .post("/api/v1/opt-outs", &w.manager, json!({"phone": "+14152000009", "reason": "asked at the front desk"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{by_staff}");
    assert_eq!(
        (by_staff["source"].as_str(), by_staff["reason"].as_str()),
        (Some("manual"), Some("asked at the front desk"))
    );
    let long = "x".repeat(501);
    let (status, problem) =
        w.app.post("/api/v1/opt-outs", &w.manager, json!({"phone": "+14152000008", "reason": long})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    common::assert_field_error(&problem, "reason");
    let (_, manual_only) = w.app.get("/api/v1/opt-outs?source=manual", &w.manager).await;
    let manual: Vec<&str> =
        manual_only["items"].as_array().unwrap().iter().map(|e| e["phone"].as_str().unwrap()).collect();
    assert_eq!(manual, ["+14152000009"]);
    let (status, again) = w.app.post("/api/v1/opt-outs", &w.manager, json!({"phone": "+14152000005"})).await;
    assert_eq!((status, again["id"].clone()), (StatusCode::OK, added["id"].clone()));
    let (status, problem) = w.app.post("/api/v1/opt-outs", &w.manager, json!({"phone": "12"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    common::assert_field_error(&problem, "phone");
    let limited = w.app.login("limited@alpha.test").await;
    let (status, _) = w.app.post("/api/v1/opt-outs", &limited, json!({"phone": "+14152000006"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A listed number gets no campaign message, from any office.
    let list = w.import(6).await;
    let number = w.app.insert_number(w.org.id, w.org.offices[0], NUMBER, common::NumberSpec::REUSABLE_SIMULATOR);
    let campaign = w.launch(json!({"kind": "reusable", "id": number}), list, "agent").await;
    let (_, read) = w.app.get(&format!("/api/v1/campaigns/{campaign}"), &w.manager).await;
    assert_eq!(read["send_counts"]["skipped_opted_out"], 1);

    // Office-scoped users see their office's campaigns' entries and those of no campaign.
    let (_, campaign_read) = w.app.get(&format!("/api/v1/campaigns/{campaign}/contacts"), &w.manager).await;
    let contact = campaign_read["items"][1]["id"].as_i64().unwrap();
    let (status, _) =
        w.app.post(&format!("/api/v1/campaigns/{campaign}/contacts/{contact}/opt-out"), &w.manager, json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let phones = |page: &Value| -> Vec<String> {
        page["items"].as_array().unwrap().iter().map(|e| e["phone"].as_str().unwrap().to_owned()).collect()
    };
    let (_, everything) = w.app.get("/api/v1/opt-outs", &w.manager).await;
    assert!(phones(&everything).contains(&phone(2)), "a Main Campus campaign's opt-out: {everything}");
    let west = w.app.login("limited@alpha.test").await;
    let (status, scoped) = w.app.get("/api/v1/opt-outs", &west).await;
    assert_eq!(status, StatusCode::OK, "{scoped}");
    assert!(!phones(&scoped).contains(&phone(2)), "West Campus does not see Main Campus entries: {scoped}");
    assert!(phones(&scoped).contains(&"+14152000009".to_owned()), "entries of no campaign are seen by all");

    let (_, found) = w.app.get("/api/v1/opt-outs?q=2000005", &w.manager).await;
    assert_eq!(found["items"].as_array().unwrap().len(), 1);
    let (_, none) = w.app.get("/api/v1/opt-outs?q=999", &w.manager).await;
    assert!(none["items"].as_array().unwrap().is_empty());
    let id = added["id"].as_i64().unwrap();
    let (status, problem) = w
        .app
        .call(
            reqwest::Method::DELETE,
            &format!("/api/v1/opt-outs/{id}"),
            Some(&w.manager),
            Some(json!({"reason": " "})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    common::assert_field_error(&problem, "reason");
    let reason = json!({"reason": "Asked by phone"});
    let path = format!("/api/v1/opt-outs/{id}");
    let (status, problem) = w.app.call(reqwest::Method::DELETE, &path, Some(&w.manager), Some(reason.clone())).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only administrators lift an opt-out: {problem}");
    let (status, lifted) = w.app.call(reqwest::Method::DELETE, &path, Some(&admin), Some(reason)).await;
    assert_eq!(status, StatusCode::OK, "{lifted}");
    assert_eq!(lifted["lift_reason"], "Asked by phone");
    assert_eq!(lifted["lifted_by"]["id"], w.org.users[0]);
    let (status, _) = w.app.call(reqwest::Method::DELETE, &path, Some(&admin), Some(json!({"reason": "again"}))).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let mut conn = w.app.app_state.pool.get().unwrap();
    let actions: Vec<String> = audit_log::table
        .filter(audit_log::entity_type.eq("opt_out"))
        .filter(audit_log::entity_id.eq(id))
        .order(audit_log::id)
        .select(audit_log::action)
        .load(&mut *conn)
        .unwrap();
    assert_eq!(actions, ["added", "lifted"]);
    drop(conn);
    let (status, trail) = w.app.get(&format!("/api/v1/opt-outs/{id}/audit"), &admin).await;
    assert_eq!(status, StatusCode::OK, "{trail}");
    let trail: Vec<&str> = trail["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(trail, ["added", "lifted"]);
    let (status, _) = w.app.get(&format!("/api/v1/opt-outs/{id}/audit"), &w.manager).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "the trail is for administrators");
    // The organisation's audit log has every add and lift, newest first, paged.
    let (status, log) = w.app.get("/api/v1/audit-log?entity_type=opt_out&limit=2", &admin).await;
    assert_eq!(status, StatusCode::OK, "{log}");
    let first: Vec<(&str, i64)> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["action"].as_str().unwrap(), e["entity_id"].as_i64().unwrap()))
        .collect();
    assert_eq!(first[0], ("lifted", id), "the lift is the newest: {log}");
    let cursor = log["next_cursor"].as_str().unwrap().to_owned();
    let (_, rest) = w.app.get(&format!("/api/v1/audit-log?entity_type=opt_out&cursor={cursor}"), &admin).await;
    let added = rest["items"].as_array().unwrap().iter().filter(|e| e["action"] == "added").count() + 1;
    assert_eq!(added, 3, "api, manual, and the campaign contact's opt-outs, each added once: {rest}");
    assert!(log["items"].as_array().unwrap().iter().all(|e| e["entity_type"] == "opt_out"));
    let (status, _) = w.app.get("/api/v1/audit-log", &w.manager).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "the log is for administrators");

    w.app.seed_default_org("beta");
    let outsider = w.app.login("manager@beta.test").await;
    let (_, theirs) = w.app.get("/api/v1/opt-outs?include_lifted=true", &outsider).await;
    assert!(theirs["items"].as_array().unwrap().is_empty(), "nothing crosses an organisation");
    let (status, _) = w
        .app
        .call(reqwest::Method::DELETE, &format!("/api/v1/opt-outs/{id}"), Some(&outsider), Some(json!({"reason": "x"})))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn conversations_stay_within_their_organisation_and_offices() {
    let w = world_with(TestOptions::default()).await;
    let list = w.import(1).await;
    let number = w.app.insert_number(w.org.id, w.org.offices[0], NUMBER, common::NumberSpec::REUSABLE_SIMULATOR);
    let campaign = w.launch(json!({"kind": "reusable", "id": number}), list, "agent").await;
    let conversation = w.reply(&phone(1), NUMBER, "Hello").await["conversation_id"].as_i64().unwrap();

    w.app.seed_default_org("beta");
    let outsider = w.app.login("manager@beta.test").await;
    let west_only = w.app.login("limited@alpha.test").await;
    for token in [&outsider, &west_only] {
        let (status, _) = w.app.get(&format!("/api/v1/conversations/{conversation}"), token).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) =
            w.app.post(&format!("/api/v1/conversations/{conversation}/messages"), token, json!({"body": "hi"})).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = w
            .app
            .patch(&format!("/api/v1/conversations/{conversation}"), token, json!({"needs_attention": false}))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = w.app.post(&format!("/api/v1/conversations/{conversation}/opt-out"), token, json!({})).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = w.app.get(&format!("/api/v1/campaigns/{campaign}/conversations"), token).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = w.app.get(&format!("/api/v1/campaigns/{campaign}/conversation-tags"), token).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(w.inbox(token, "").await.is_empty());
    }
    let (status, _) =
        w.app.post("/api/v1/simulator/inbound", &outsider, json!({"from": phone(2), "to": NUMBER, "body": "x"})).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another organisation's number");
    let (status, _) =
        w.app.call(reqwest::Method::GET, &format!("/api/v1/conversations/{conversation}"), None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Manual opt-out from the conversation: audited, and the contact shows opted out.
    let (status, opted) =
        w.app.post(&format!("/api/v1/conversations/{conversation}/opt-out"), &w.agent, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{opted}");
    assert_eq!(opted["conversation"]["contact"]["opted_out"], true);
    let (status, problem) =
        w.app.post(&format!("/api/v1/conversations/{conversation}/messages"), &w.agent, json!({"body": "hi"})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    let (_, entries) = w.app.get("/api/v1/opt-outs", &w.manager).await;
    assert_eq!(entries["items"][0]["source"], "manual");
    assert_eq!(entries["items"][0]["created_by"]["id"], w.org.users[2]);
}

#[actix_web::test]
async fn lists_sort_by_latest_activity_and_name_who_wrote_and_where() {
    let w = world_with(TestOptions::default()).await;
    let number = w.app.insert_number(w.org.id, w.org.offices[0], NUMBER, common::NumberSpec::REUSABLE_SIMULATOR);
    let list = w.import(4).await;
    let campaign = w.launch(json!({"kind": "reusable", "id": number}), list, "agent").await;
    w.deliver().await;
    // Contact 1 writes first, then contact 3, then contact 1 again: the latest activity
    // leads, whatever order the conversations were made in.
    let first = w.reply(&phone(1), NUMBER, "Question one").await["conversation_id"].as_i64().unwrap();
    w.app.clock.advance(chrono::Duration::minutes(5));
    let third = w.reply(&phone(3), NUMBER, "Question three").await["conversation_id"].as_i64().unwrap();
    w.app.clock.advance(chrono::Duration::minutes(5));
    w.reply(&phone(1), NUMBER, "Me again").await;
    let sections = w.sections(campaign).await;
    let waiting: Vec<i64> =
        sections["sections"][0]["items"].as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect();
    assert_eq!(sections["sections"][0]["section"], "needs_attention");
    assert_eq!(waiting, vec![first, third]);
    assert_eq!(w.inbox(&w.agent, "").await, vec![first, third], "the inbox sorts the same way");
    let (status, counts) = w.app.get("/api/v1/inbox/counts", &w.agent).await;
    assert_eq!(status, StatusCode::OK, "{counts}");
    assert_eq!(counts["mine"], 2, "{counts}");
    assert_eq!(counts["offices"].as_array().unwrap().len(), 1, "the agent sees only their office: {counts}");
    assert_eq!(counts["offices"][0]["needs_attention"], 0, "no unsolicited conversations: {counts}");

    // Paging follows the same order, one at a time, without repeats or gaps.
    let mut paged = Vec::new();
    let mut path = "/api/v1/inbox?limit=1".to_owned();
    loop {
        let (status, page) = w.app.get(&path, &w.agent).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        paged.extend(page["items"].as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()));
        match page["next_cursor"].as_str() {
            Some(next) => path = format!("/api/v1/inbox?limit=1&cursor={next}"),
            None => break,
        }
    }
    assert_eq!(paged, vec![first, third]);
    let (status, problem) = w.app.get("/api/v1/inbox?cursor=42", &w.agent).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");

    // An agent's reply moves its conversation to the top and names its author; every
    // conversation names its campaign.
    w.app.clock.advance(chrono::Duration::minutes(5));
    let (status, replied) =
        w.app.post(&format!("/api/v1/conversations/{third}/messages"), &w.agent, json!({"body": "Yes"})).await;
    assert_eq!(status, StatusCode::CREATED, "{replied}");
    let last = replied["messages"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((last["author"].as_str(), last["author_name"].as_str()), (Some("agent"), Some("agent")));
    assert_eq!(replied["messages"][0]["author_name"], Value::Null, "the campaign message has no author");
    let (_, participating) = w.app.get("/api/v1/inbox?tab=participating", &w.agent).await;
    assert_eq!(participating["items"][0]["id"], third);
    assert_eq!(participating["items"][0]["campaign_title"], "Spring outreach");
    assert_eq!(participating["items"][0]["last_message"]["author_name"], "agent");
    let (_, counts) = w.app.get("/api/v1/inbox/counts", &w.agent).await;
    assert_eq!(counts["mine"], 1, "the answered conversation no longer needs attention: {counts}");
    // A tab the inbox does not have, or an empty cursor, is a bad request naming it.
    for (query, field) in [("tab=everything", "tab"), ("cursor=", "cursor")] {
        let (status, problem) = w.app.get(&format!("/api/v1/inbox?{query}"), &w.agent).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {problem}");
        common::assert_field_error(&problem, field);
    }
}

/// Whether the conversation `id` is marked unread in `items` (a list's rows).
fn unread_in(items: &Value, id: i64) -> bool {
    let row = items.as_array().unwrap().iter().find(|c| c["id"] == id).expect("the conversation is listed");
    row["unread"].as_bool().unwrap()
}

#[actix_web::test]
async fn a_contacts_message_is_unread_for_each_person_until_they_open_it() {
    let w = world_with(TestOptions::default()).await;
    let number = w.app.insert_number(w.org.id, w.org.offices[0], NUMBER, common::NumberSpec::REUSABLE_SIMULATOR);
    let list = w.import(2).await;
    let campaign = w.launch(json!({"kind": "reusable", "id": number}), list, "agent").await;
    w.deliver().await;
    // Our own campaign message is nothing to read.
    let sections = w.sections(campaign).await;
    let quiet = sections["sections"][0]["items"][0].clone();
    assert_eq!(quiet["unread"], false, "{quiet}");

    let asked = w.reply(&phone(1), NUMBER, "When is the deadline?").await["conversation_id"].as_i64().unwrap();
    assert!(unread_in(&w.inbox_rows(&w.agent).await, asked), "the agent has not read it");
    let sections = w.sections(campaign).await;
    assert!(unread_in(&sections["sections"][0]["items"], asked), "nor has the manager");

    // The agent opens it: read for the agent, still unread for the manager.
    let (status, opened) = w.app.get(&format!("/api/v1/conversations/{asked}"), &w.agent).await;
    assert_eq!(status, StatusCode::OK, "{opened}");
    assert_eq!(opened["conversation"]["unread"], false, "the answer says it is read now");
    assert!(!unread_in(&w.inbox_rows(&w.agent).await, asked), "read for the agent");
    let sections = w.sections(campaign).await;
    assert!(unread_in(&sections["sections"][0]["items"], asked), "each person reads for themselves");

    // A new message makes it unread again; the agent's own reply does not.
    w.app.clock.advance(chrono::Duration::minutes(1));
    w.reply(&phone(1), NUMBER, "Also, the fee?").await;
    assert!(unread_in(&w.inbox_rows(&w.agent).await, asked), "a newer message is unread");
    let (status, replied) =
        w.app.post(&format!("/api/v1/conversations/{asked}/messages"), &w.agent, json!({"body": "March 15"})).await;
    assert_eq!(status, StatusCode::CREATED, "{replied}");
    assert_eq!(replied["conversation"]["unread"], false, "answering it reads it");
    let (_, participating) = w.app.get("/api/v1/inbox?tab=participating", &w.agent).await;
    assert!(!unread_in(&participating["items"], asked), "{participating}");

    // An integration reading through the manager's API key marks nothing for them.
    let admin = w.app.login("admin@alpha.test").await;
    let (status, key) =
        w.app.post("/api/v1/api-keys", &admin, json!({"name": "CRM sync", "user_id": w.org.users[1]})).await;
    assert_eq!(status, StatusCode::CREATED, "{key}");
    let key = key["key"].as_str().unwrap().to_owned();
    let (status, _) = w.app.get(&format!("/api/v1/conversations/{asked}"), &key).await;
    assert_eq!(status, StatusCode::OK);
    let sections = w.sections(campaign).await;
    assert!(unread_in(&sections["sections"][0]["items"], asked), "an API key's read is not the manager's");
    w.conversation(asked).await;
    let sections = w.sections(campaign).await;
    let listed = sections["sections"].as_array().unwrap().iter().flat_map(|s| s["items"].as_array().unwrap().clone());
    assert!(listed.filter(|c| c["id"] == asked).all(|c| c["unread"] == false), "the manager opened it");
}

#[actix_web::test]
async fn stops_that_arrive_while_the_database_is_unavailable_are_kept_and_filed_once_it_is_back() {
    let twilio = TwilioConfig {
        account_sid: "AC0123456789abcdef0123456789abcdef".to_owned(),
        auth_token: Secret::new(AUTH_TOKEN),
        api_base: "http://127.0.0.1:9".to_owned(),
    };
    // SQLite writes give up after 200 ms instead of 10 s, so the outage is quick to reach.
    let options = TestOptions { twilio: Some(twilio), sqlite_busy_timeout_ms: 200, ..TestOptions::default() };
    let w = world_with(options).await;
    let number = w.app.insert_number(w.org.id, w.org.offices[0], NUMBER, common::NumberSpec::REUSABLE_SIMULATOR);
    let phones: Vec<String> = (100..150).map(phone).collect();
    let stop = |i: usize| -> Vec<(&'static str, String)> {
        vec![
            ("MessageSid", format!("SMstop{i}")),
            ("From", phones[i].clone()),
            ("To", NUMBER.to_owned()),
            ("Body", "STOP".to_owned()),
        ]
    };
    let post = |params: Vec<(&'static str, String)>| {
        let app = &w.app;
        async move {
            let response = app.signed_webhook(AUTH_TOKEN, "/webhooks/twilio/inbound", &params).await;
            let retry_after = response.headers().get("retry-after").map(|v| v.to_str().unwrap().to_owned());
            (response.status(), retry_after)
        }
    };

    let outage = w.app.database.outage();
    let answers = futures_util::future::join_all((0..phones.len()).map(|i| post(stop(i)))).await;
    for (status, retry_after) in &answers {
        assert_eq!(*status, StatusCode::SERVICE_UNAVAILABLE, "Twilio is asked to retry");
        assert!(retry_after.is_some(), "with Retry-After");
    }
    let spool = w.app.app_state.spool.clone();
    assert_eq!(spool.pending().unwrap().len(), 50, "every STOP is kept on disk");
    let replay = tidings_api::jobs::spool_replay::run_once(&w.app.app_state).await.unwrap();
    assert_eq!((replay.filed, replay.left), (0, 50), "nothing can be filed while the database is still unavailable");

    drop(outage);
    let replay = tidings_api::jobs::spool_replay::run_once(&w.app.app_state).await.unwrap();
    assert_eq!((replay.filed, replay.left), (50, 0));
    assert!(spool.pending().unwrap().is_empty());
    // Twilio's own retry of one of them arrives after the replay: a repeat, filed once.
    assert_eq!(post(stop(0)).await.0, StatusCode::OK);

    let (status, list) = w.app.get("/api/v1/opt-outs?limit=100", &w.manager).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let suppressed: std::collections::HashSet<String> =
        list["items"].as_array().unwrap().iter().map(|o| o["phone"].as_str().unwrap().to_owned()).collect();
    assert_eq!(suppressed, phones.iter().cloned().collect(), "all 50 are on the suppression list");
    assert!(list["items"].as_array().unwrap().iter().all(|o| o["source"] == "keyword"));

    // None of those numbers is texted again.
    let rows: Vec<Value> =
        phones.iter().map(|p| json!({"first_name": "Gone", "last_name": "Away", "phone": p})).collect();
    let body = json!({"name": "Stopped", "office_id": w.org.offices[0], "rows": rows});
    let (status, imported) = w.app.post("/api/v1/contact-lists", &w.manager, body).await;
    assert_eq!(status, StatusCode::CREATED, "{imported}");
    let list = imported["contact_list"]["id"].as_i64().unwrap();
    let campaign = w.launch(json!({"kind": "reusable", "id": number}), list, "agent").await;
    let (_, launched) = w.app.get(&format!("/api/v1/campaigns/{campaign}"), &w.manager).await;
    assert_eq!(launched["send_counts"]["skipped_opted_out"], 50, "{launched}");
    assert_eq!(launched["send_counts"]["queued"], 0);
}

#[actix_web::test]
async fn the_organisations_own_help_answer_and_opt_out_confirmation_are_sent() {
    let w = world_with(TestOptions::default()).await;
    let admin = w.app.login("admin@alpha.test").await;
    // The organisation's opt-out language ends its first messages.
    let (status, problem) =
        w.app.patch("/api/v1/organisation", &admin, json!({"opt_out_language": "Thanks for reading!"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "it must say how to opt out");
    common::assert_field_error(&problem, "opt_out_language");
    let (status, _) =
        w.app.patch("/api/v1/organisation", &admin, json!({"opt_out_language": "Text STOP to end."})).await;
    assert_eq!(status, StatusCode::OK);
    let list = w.import(2).await;
    let number = w.app.insert_number(w.org.id, w.org.offices[0], NUMBER, common::NumberSpec::REUSABLE_SIMULATOR);
    w.launch(json!({"kind": "reusable", "id": number}), list, "agent").await;
    w.deliver().await;
    let first: Vec<String> = w.app.simulator.sent().into_iter().map(|s| s.body).collect();
    assert_eq!(
        first,
        ["Hi Contact1, any questions?\nText STOP to end.", "Hi Contact2, any questions?\nText STOP to end."]
    );

    let (status, problem) =
        w.app.patch("/api/v1/organisation", &admin, json!({"help_reply": " ", "opt_out_reply": "x".repeat(307)})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    common::assert_field_error(&problem, "help_reply");
    common::assert_field_error(&problem, "opt_out_reply");
    let replies = json!({
        "help_reply": "Alpha College admissions: call 555-0100. Reply STOP to opt out.",
        "opt_out_reply": "Alpha College: you will get no more texts. Reply START to come back.",
    });
    let (status, settings) = w.app.patch("/api/v1/organisation", &admin, replies).await;
    assert_eq!(status, StatusCode::OK, "{settings}");
    assert_eq!(settings["help_reply"], "Alpha College admissions: call 555-0100. Reply STOP to opt out.");
    let (status, _) = w.app.patch("/api/v1/organisation", &w.manager, json!({"help_reply": "Hi"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    w.reply(&phone(1), NUMBER, "help").await;
    w.reply(&phone(2), NUMBER, "STOP").await;
    w.deliver().await;
    let to = |p: String| -> Vec<String> {
        w.app.simulator.sent().into_iter().filter(|s| s.to == p).map(|s| s.body).collect()
    };
    assert_eq!(
        to(phone(1)).last().map(String::as_str),
        Some("Alpha College admissions: call 555-0100. Reply STOP to opt out.")
    );
    assert_eq!(
        to(phone(2)).last().map(String::as_str),
        Some("Alpha College: you will get no more texts. Reply START to come back.")
    );
}

#[actix_web::test]
async fn a_limited_user_works_only_the_conversations_in_their_inboxes() {
    let w = world_with(TestOptions::default()).await;
    let west = w.org.offices[1];
    let limited = w.app.login("limited@alpha.test").await;
    let number = w.app.insert_number(w.org.id, west, NUMBER, common::NumberSpec::REUSABLE_SIMULATOR);
    // Two West campaigns to different contacts: the limited user is an agent of the second only.
    let (mut conversations, mut campaigns) = (Vec::new(), Vec::new());
    for (i, agent) in [(1, w.org.users[1]), (2, w.org.users[3])] {
        let rows = [json!({"first_name": "West", "last_name": format!("Contact{i}"), "phone": phone(i)})];
        let (status, list) = w
            .app
            .post(
                "/api/v1/contact-lists",
                &w.manager,
                json!({"name": format!("West {i}"), "office_id": west, "rows": rows}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{list}");
        let body = json!({
            "title": format!("West outreach {i}"),
            "office_id": west,
            "phone_number": {"kind": "reusable", "id": number},
            "contact_list_id": list["contact_list"]["id"],
            "message_template": "Hi {first_name}",
            "operated_by": "agent",
            "agent_ids": [agent],
        });
        let (status, campaign) = w.app.post("/api/v1/campaigns", &w.manager, body).await;
        assert_eq!(status, StatusCode::CREATED, "{campaign}");
        let (status, launched) =
            w.app.post(&format!("/api/v1/campaigns/{}/launch", campaign["id"]), &w.manager, json!({})).await;
        assert_eq!(status, StatusCode::OK, "{launched}");
        conversations.push(w.reply(&phone(i), NUMBER, "A question").await["conversation_id"].as_i64().unwrap());
        campaigns.push(campaign["id"].as_i64().unwrap());
    }
    let (others, mine) = (conversations[0], conversations[1]);
    // The campaign's Contacts tab: a limited user opts out only the contacts of
    // conversations in their inboxes.
    let (w, limited) = (&w, &limited);
    let contact_opt_out = |campaign: i64| async move {
        let (status, page) = w.app.get(&format!("/api/v1/campaigns/{campaign}/contacts"), &w.manager).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let contact = page["items"][0]["id"].as_i64().unwrap();
        w.app.post(&format!("/api/v1/campaigns/{campaign}/contacts/{contact}/opt-out"), limited, json!({})).await
    };
    let (status, problem) = contact_opt_out(campaigns[0]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    assert!(w.conversation(others).await["conversation"]["contact"]["opted_out"] == false, "not opted out");

    // Another agent's conversation in their office: read, not worked.
    let (status, detail) = w.app.get(&format!("/api/v1/conversations/{others}"), limited).await;
    assert_eq!((status, detail["workable"].as_bool()), (StatusCode::OK, Some(false)), "{detail}");
    let (status, problem) =
        w.app.post(&format!("/api/v1/conversations/{others}/messages"), limited, json!({"body": "hi"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    assert!(problem["detail"].as_str().unwrap().contains("not in yours"), "{problem}");
    let path = format!("/api/v1/conversations/{others}");
    assert_eq!(w.app.patch(&path, limited, json!({"tags": ["Mine now"]})).await.0, StatusCode::FORBIDDEN);
    assert_eq!(w.app.post(&format!("{path}/opt-out"), limited, json!({})).await.0, StatusCode::FORBIDDEN);
    assert!(w.conversation(others).await["conversation"]["tags"].as_array().unwrap().is_empty(), "nothing changed");

    // Their own: worked.
    let (status, detail) = w.app.get(&format!("/api/v1/conversations/{mine}"), limited).await;
    assert_eq!((status, detail["workable"].as_bool()), (StatusCode::OK, Some(true)), "{detail}");
    let (status, answered) =
        w.app.post(&format!("/api/v1/conversations/{mine}/messages"), limited, json!({"body": "Happy to help"})).await;
    assert_eq!(status, StatusCode::CREATED, "{answered}");
    // Standard users work every conversation they see.
    assert_eq!(w.conversation(others).await["workable"], true);
    let (status, opted_out) = contact_opt_out(campaigns[1]).await;
    assert_eq!((status, &opted_out["opted_out"]), (StatusCode::OK, &json!(true)), "{opted_out}");

    // Making up a contact's message is for standard and administrative users.
    let (status, problem) =
        w.app.post("/api/v1/simulator/inbound", limited, json!({"from": phone(2), "to": NUMBER, "body": "x"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
}

#[actix_web::test]
async fn a_long_transcript_reads_a_page_at_a_time_from_the_newest_back() {
    let w = world_with(TestOptions::default()).await;
    let list = w.import(1).await;
    let number = w.app.insert_number(w.org.id, w.org.offices[0], NUMBER, common::NumberSpec::REUSABLE_SIMULATOR);
    w.launch(json!({"kind": "reusable", "id": number}), list, "agent").await;
    let mut id = 0;
    for i in 1..=7 {
        id = w.reply(&phone(1), NUMBER, &format!("Message {i}")).await["conversation_id"].as_i64().unwrap();
    }
    // The campaign message and seven replies: eight in all, read three at a time.
    let mut pages = Vec::new();
    let mut path = format!("/api/v1/conversations/{id}/messages?limit=3");
    loop {
        let (status, page) = w.app.get(&path, &w.manager).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let bodies: Vec<String> =
            page["items"].as_array().unwrap().iter().map(|m| m["body"].as_str().unwrap().to_owned()).collect();
        pages.push(bodies);
        let Some(next) = page["next_cursor"].as_str() else { break };
        path = format!("/api/v1/conversations/{id}/messages?limit=3&cursor={next}");
    }
    assert_eq!(pages.len(), 3);
    assert_eq!(pages[0], ["Message 5", "Message 6", "Message 7"], "the newest first, each page oldest first");
    assert_eq!(pages[1], ["Message 2", "Message 3", "Message 4"]);
    assert_eq!(pages[2].len(), 2);
    assert!(pages[2][0].starts_with("Hi Contact1"), "{:?}", pages[2]);
    let (status, problem) = w.app.get(&format!("/api/v1/conversations/{id}/messages?limit=501"), &w.manager).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    common::assert_field_error(&problem, "limit");
}

#[actix_web::test]
async fn a_conversation_opens_on_its_newest_hundred_messages_with_a_cursor_to_the_rest() {
    let w = world_with(TestOptions::default()).await;
    let list = w.import(1).await;
    let number = w.app.insert_number(w.org.id, w.org.offices[0], NUMBER, common::NumberSpec::REUSABLE_SIMULATOR);
    w.launch(json!({"kind": "reusable", "id": number}), list, "agent").await;
    let mut id = 0;
    for i in 1..=104 {
        id = w.reply(&phone(1), NUMBER, &format!("Message {i}")).await["conversation_id"].as_i64().unwrap();
    }
    // The campaign message and 104 replies: the detail carries the newest 100.
    let detail = w.conversation(id).await;
    let bodies: Vec<&str> =
        detail["messages"].as_array().unwrap().iter().map(|m| m["body"].as_str().unwrap()).collect();
    assert_eq!(bodies.len(), 100);
    assert_eq!((bodies[0], bodies[99]), ("Message 5", "Message 104"), "oldest first");
    let cursor = detail["earlier_cursor"].as_str().expect("an earlier page exists");
    let (status, page) = w.app.get(&format!("/api/v1/conversations/{id}/messages?cursor={cursor}"), &w.manager).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let earlier: Vec<&str> = page["items"].as_array().unwrap().iter().map(|m| m["body"].as_str().unwrap()).collect();
    assert_eq!(earlier.len(), 5);
    assert!(earlier[0].starts_with("Hi Contact1"), "{earlier:?}");
    assert_eq!(earlier[4], "Message 4");
    assert!(page["next_cursor"].is_null(), "{page}");
}

/// A transcript download's status and text.
async fn download(app: &TestApp, path: &str, token: &str) -> (StatusCode, String, String) {
    let response = app.client.get(app.url(path)).bearer_auth(token).send().await.unwrap();
    let status = response.status();
    let kind = response.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    (status, kind, response.text().await.unwrap())
}

#[actix_web::test]
async fn a_campaigns_transcript_downloads_as_csv_and_a_conversation_as_text() {
    let w = world_with(TestOptions::default()).await;
    let number = w.app.insert_number(w.org.id, w.org.offices[0], NUMBER, common::NumberSpec::REUSABLE_SIMULATOR);
    let (status, body) = w
        .app
        .post(
            "/api/v1/contact-lists",
            &w.manager,
            json!({"name": "List", "office_id": w.org.offices[0], "rows": [
                {"first_name": "Ada", "last_name": "Lovelace", "phone": phone(1)},
                {"first_name": "=HYPERLINK(1)", "last_name": "Doe", "phone": phone(2)},
            ]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let list = body["contact_list"]["id"].as_i64().unwrap();
    let campaign = w.launch(json!({"kind": "reusable", "id": number}), list, "agent").await;
    w.deliver().await;
    w.app.clock.advance(chrono::Duration::minutes(5));
    let ada = w.reply(&phone(1), NUMBER, "When is the deadline?").await["conversation_id"].as_i64().unwrap();
    w.app.clock.advance(chrono::Duration::minutes(5));
    let (status, replied) =
        w.app.post(&format!("/api/v1/conversations/{ada}/messages"), &w.agent, json!({"body": "March 15."})).await;
    assert_eq!(status, StatusCode::CREATED, "{replied}");
    w.deliver().await;
    let (status, tagged) =
        w.app.patch(&format!("/api/v1/conversations/{ada}"), &w.agent, json!({"tags": ["Deadline", "Fall"]})).await;
    assert_eq!(status, StatusCode::OK, "{tagged}");

    // The campaign: one row per message, in the order written, times in its zone.
    let path = format!("/api/v1/campaigns/{campaign}/transcript.csv");
    let (status, kind, csv) = download(&w.app, &path, &w.manager).await;
    assert_eq!(status, StatusCode::OK, "{csv}");
    assert!(kind.starts_with("text/csv"), "{kind}");
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(csv.as_bytes());
    let rows: Vec<Vec<String>> = reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect();
    assert_eq!(rows[0], ["Contact", "Phone", "Direction", "Author", "Time", "Status", "Tags", "Message"]);
    assert_eq!(rows.len(), 5, "{csv}");
    let ada_phone = format!("'{}", phone(1));
    let row = |i: usize| rows[i].iter().map(String::as_str).collect::<Vec<_>>();
    assert_eq!(
        row(1),
        [
            "Ada Lovelace",
            &ada_phone,
            "outbound",
            "Campaign",
            "2026-03-02 10:00:00 EST",
            "delivered",
            "Deadline; Fall",
            "Hi Ada, any questions?\nReply STOP to opt out."
        ]
    );
    assert_eq!(rows[2][0], "'=HYPERLINK(1) Doe", "a formula is neutralised");
    assert_eq!(rows[2][6], "", "the other conversation has no tags");
    assert_eq!(
        row(3),
        [
            "Ada Lovelace",
            &ada_phone,
            "inbound",
            "Ada Lovelace",
            "2026-03-02 10:05:00 EST",
            "received",
            "Deadline; Fall",
            "When is the deadline?"
        ]
    );
    assert_eq!(
        row(4),
        [
            "Ada Lovelace",
            &ada_phone,
            "outbound",
            "agent",
            "2026-03-02 10:10:00 EST",
            "delivered",
            "Deadline; Fall",
            "March 15."
        ]
    );

    // One conversation, as text.
    let (status, kind, text) = download(&w.app, &format!("/api/v1/conversations/{ada}/transcript.txt"), &w.agent).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert!(kind.starts_with("text/plain"), "{kind}");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], format!("Conversation with Ada Lovelace ({})", phone(1)));
    assert_eq!(lines[1], "Campaign: Spring outreach");
    assert_eq!(lines[2], "Times in America/New_York");
    assert_eq!(lines[4], "[2026-03-02 10:00:00 EST] Campaign (delivered): Hi Ada, any questions?");
    assert_eq!(lines[5], "Reply STOP to opt out.");
    assert_eq!(lines[6], "[2026-03-02 10:05:00 EST] Ada Lovelace (received): When is the deadline?");
    assert_eq!(lines[7], "[2026-03-02 10:10:00 EST] agent (delivered): March 15.");
    assert_eq!(lines.len(), 8, "{text}");

    // Nobody outside the organisation, and nobody signed out.
    w.app.seed_default_org("beta");
    let outsider = w.app.login("manager@beta.test").await;
    for path in [path.clone(), format!("/api/v1/conversations/{ada}/transcript.txt")] {
        assert_eq!(download(&w.app, &path, &outsider).await.0, StatusCode::NOT_FOUND, "{path}");
        let response = w.app.client.get(w.app.url(&path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    let (status, _, _) = download(&w.app, "/api/v1/campaigns/999999/transcript.csv", &w.manager).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
