//! Texting hours (DESIGN.md, Compliance): the organisation's window and a campaign's
//! narrowing through the API, and the dispatcher on a manual clock never handing a
//! campaign message to the provider outside its contact's window — across US zones,
//! Arizona and Hawaii, a list's time-zone column, and both 2026 clock changes — while
//! replies to a contact who wrote are not held.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod common;

use std::collections::HashSet;

use chrono::{DateTime, TimeZone, Utc};
use common::{assert_field_error, TestApp, TestOptions};
use reqwest::StatusCode;
use serde_json::{json, Value};
use tidings_api::jobs::dispatcher;

struct World {
    app: TestApp,
    org: common::Org,
    admin: String,
    manager: String,
    number: i64,
}

const NUMBER: &str = "+12125550100";

/// One contact per clock: New York, Chicago, Denver, Los Angeles, Phoenix (no DST),
/// Honolulu (no DST), and a New York number whose list row says Hawaii.
const CONTACTS: [(&str, &str, &str); 7] = [
    ("NewYork", "+12125550111", ""),
    ("Chicago", "+13125550112", ""),
    ("Denver", "+13035550113", ""),
    ("LosAngeles", "+14155550114", ""),
    ("Phoenix", "+16025550115", ""),
    ("Honolulu", "+18085550116", ""),
    ("Column", "+12125550117", "HI"),
];

fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

async fn world(start: DateTime<Utc>) -> World {
    // The clock moves across days and months; sessions outlast it.
    let app = TestApp::spawn_with(TestOptions { token_ttl_minutes: 366 * 24 * 60, ..TestOptions::default() }).await;
    app.clock.set(start);
    let org = app.seed_default_org("alpha");
    let admin = app.login("admin@alpha.test").await;
    let manager = app.login("manager@alpha.test").await;
    let number = app.insert_number(org.id, org.offices[0], NUMBER, common::NumberSpec::REUSABLE_SIMULATOR);
    let w = World { app, org, admin, manager, number };
    w.set_hours("08:00", "21:00").await;
    w
}

impl World {
    async fn set_hours(&self, opens: &str, closes: &str) {
        let body = json!({"texting_hours": {"opens": opens, "closes": closes}});
        let (status, settings) = self.app.patch("/api/v1/organisation", &self.admin, body).await;
        assert_eq!(status, StatusCode::OK, "{settings}");
    }

    /// A list of `rows` (name, phone, state column) in the first office.
    async fn import(&self, rows: &[(&str, &str, &str)]) -> i64 {
        let rows: Vec<Value> = rows
            .iter()
            .map(|(name, phone, state)| {
                json!({"first_name": name, "last_name": "Doe", "phone": phone, "fields": {"State": state}})
            })
            .collect();
        let body = json!({"name": "Everywhere", "office_id": self.org.offices[0], "rows": rows});
        let (status, body) = self.app.post("/api/v1/contact-lists", &self.manager, body).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["contact_list"]["time_zone_field"], "State", "{body}");
        body["contact_list"]["id"].as_i64().unwrap()
    }

    /// Creates a campaign (with `extra` settings) and launches it; answers its id.
    async fn launch(&self, list: i64, extra: Value) -> i64 {
        let mut body = json!({
            "title": "Everywhere",
            "phone_number": {"kind": "reusable", "id": self.number},
            "contact_list_id": list,
            "message_template": "Hi {first_name}",
            "agent_ids": [self.org.users[2]],
        });
        if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
            body.extend(extra.clone());
        }
        let (status, campaign) = self.app.post("/api/v1/campaigns", &self.manager, body).await;
        assert_eq!(status, StatusCode::CREATED, "{campaign}");
        let id = campaign["id"].as_i64().unwrap();
        let (status, launched) =
            self.app.post(&format!("/api/v1/campaigns/{id}/launch"), &self.manager, json!({})).await;
        assert_eq!(status, StatusCode::OK, "{launched}");
        id
    }

    /// Runs the dispatcher at `now`; answers the phones it texted this time.
    async fn dispatch_at(&self, now: DateTime<Utc>) -> HashSet<String> {
        self.app.clock.set(now);
        let before = self.app.simulator.sent().len();
        dispatcher::run_until_idle(&self.app.app_state, "server-a").await.unwrap();
        self.app.simulator.sent()[before..].iter().map(|sent| sent.to.clone()).collect()
    }

    async fn contacts(&self, campaign: i64) -> Vec<Value> {
        let (status, page) = self.app.get(&format!("/api/v1/campaigns/{campaign}/contacts"), &self.manager).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        page["items"].as_array().unwrap().clone()
    }

    async fn campaign(&self, id: i64) -> Value {
        let (status, campaign) = self.app.get(&format!("/api/v1/campaigns/{id}"), &self.manager).await;
        assert_eq!(status, StatusCode::OK, "{campaign}");
        campaign
    }
}

fn phones(names: &[&str]) -> HashSet<String> {
    CONTACTS.iter().filter(|(name, _, _)| names.contains(name)).map(|(_, phone, _)| (*phone).to_owned()).collect()
}

#[actix_web::test]
async fn administrators_set_the_organisations_window_and_campaigns_may_only_narrow_it() {
    let w = world(at(2026, 3, 2, 15, 0)).await;
    let (status, settings) = w.app.get("/api/v1/organisation", &w.manager).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(settings["texting_hours"], json!({"opens": "08:00", "closes": "21:00"}));

    let body = json!({"texting_hours": {"opens": "07:00", "closes": "22:00"}});
    let (status, _) = w.app.patch("/api/v1/organisation", &w.manager, body).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only administrators change the window");
    let (status, problem) = w
        .app
        .patch("/api/v1/organisation", &w.admin, json!({"texting_hours": {"opens": "21:00", "closes": "08:00"}}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_field_error(&problem, "texting_hours.closes");
    let (status, problem) = w
        .app
        .patch("/api/v1/organisation", &w.admin, json!({"texting_hours": {"opens": "8am", "closes": "21:00"}}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_field_error(&problem, "texting_hours.opens");
    let (status, settings) = w.app.get("/api/v1/organisation", &w.admin).await;
    assert_eq!((status, &settings["texting_hours"]["opens"]), (StatusCode::OK, &json!("08:00")), "nothing changed");

    // A campaign narrows the window; it cannot widen it.
    let base = json!({"title": "Narrow"});
    let mut wide = base.clone();
    wide["texting_hours"] = json!({"opens": "07:00", "closes": "12:00"});
    let (status, problem) = w.app.post("/api/v1/campaigns", &w.manager, wide).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_field_error(&problem, "texting_hours");
    let mut narrow = base.clone();
    narrow["texting_hours"] = json!({"opens": "10:00", "closes": "18:30"});
    let (status, campaign) = w.app.post("/api/v1/campaigns", &w.manager, narrow).await;
    assert_eq!(status, StatusCode::CREATED, "{campaign}");
    assert_eq!(campaign["texting_hours"], json!({"opens": "10:00", "closes": "18:30"}));
    assert_eq!(campaign["effective_texting_hours"], json!({"opens": "10:00", "closes": "18:30"}));
    let id = campaign["id"].as_i64().unwrap();
    let (status, campaign) =
        w.app.patch(&format!("/api/v1/campaigns/{id}"), &w.manager, json!({"texting_hours": null})).await;
    assert_eq!(status, StatusCode::OK, "{campaign}");
    assert_eq!(campaign["texting_hours"], Value::Null, "back to the organisation's");
    assert_eq!(campaign["effective_texting_hours"], json!({"opens": "08:00", "closes": "21:00"}));

    // The change is in the organisation's audit log, with who made it and the window before.
    let (status, log) = w.app.get("/api/v1/audit-log?entity_type=organisation", &w.admin).await;
    assert_eq!(status, StatusCode::OK, "{log}");
    let change = &log["items"][0];
    assert_eq!((&change["action"], &change["actor"]["id"]), (&json!("settings_changed"), &json!(w.org.users[0])));
    assert_eq!(change["details"]["changes"]["texting_hours"], json!({"opens": "08:00", "closes": "21:00"}), "{log}");
}

#[actix_web::test]
async fn each_contact_is_texted_only_inside_the_window_on_their_own_clock() {
    // 14:30 UTC on Monday 2 March 2026: 09:30 in New York, 08:30 in Chicago; still
    // night or early morning further west.
    let launch_at = at(2026, 3, 2, 14, 30);
    let w = world(launch_at).await;
    let list = w.import(&CONTACTS).await;
    let campaign = w.launch(list, json!({})).await;

    assert_eq!(w.dispatch_at(launch_at).await, phones(&["NewYork", "Chicago"]));
    let waiting = w.contacts(campaign).await;
    let note = |name: &str| {
        waiting.iter().find(|c| c["first_name"] == name).map(|c| c["waiting_note"].clone()).unwrap_or(Value::Null)
    };
    assert_eq!(note("NewYork"), Value::Null);
    assert_eq!(note("Denver"), json!("Waits for texting hours until 08:00 (America/Denver)."));
    assert_eq!(note("Phoenix"), json!("Waits for texting hours until 08:00 (America/Phoenix)."));
    assert_eq!(note("Honolulu"), json!("Waits for texting hours until 08:00 (Pacific/Honolulu)."));
    assert_eq!(
        note("Column"),
        json!("Waits for texting hours until 08:00 (Pacific/Honolulu)."),
        "the list's column wins"
    );
    let summary = w.campaign(campaign).await;
    assert_eq!(summary["texting_wait"]["waiting"], 5, "{summary}");
    assert_eq!(summary["texting_wait"]["last_opens_at"], "2026-03-02T18:00:00Z", "08:00 in Honolulu");

    // A minute before each opening nothing more goes; at it, that zone's contacts do.
    assert!(w.dispatch_at(at(2026, 3, 2, 14, 59)).await.is_empty());
    assert_eq!(w.dispatch_at(at(2026, 3, 2, 15, 0)).await, phones(&["Denver", "Phoenix"]));
    assert!(w.dispatch_at(at(2026, 3, 2, 15, 59)).await.is_empty());
    assert_eq!(w.dispatch_at(at(2026, 3, 2, 16, 0)).await, phones(&["LosAngeles"]));
    assert!(w.dispatch_at(at(2026, 3, 2, 17, 59)).await.is_empty());
    assert_eq!(w.dispatch_at(at(2026, 3, 2, 18, 0)).await, phones(&["Honolulu", "Column"]));
    assert_eq!(w.app.simulator.sent().len(), CONTACTS.len(), "each contact once");
    assert_eq!(w.campaign(campaign).await["texting_wait"], Value::Null, "nobody waits any more");
}

#[actix_web::test]
async fn a_launch_at_the_end_of_the_day_sends_what_fits_and_the_rest_the_next_morning() {
    // 20:59 in New York (EST): inside the window at launch, outside it by the time the
    // dispatcher gets to the queue.
    let launch_at = at(2026, 3, 3, 1, 59);
    let w = world(launch_at).await;
    let list = w.import(&CONTACTS[..1]).await;
    let campaign = w.launch(list, json!({})).await;
    assert!(w.dispatch_at(at(2026, 3, 3, 2, 0)).await.is_empty(), "21:00 is outside the window");
    let contacts = w.contacts(campaign).await;
    assert_eq!(contacts[0]["delivery"], "pending");
    assert_eq!(contacts[0]["waiting_note"], "Waits for texting hours until 08:00 (America/New_York).");
    assert_eq!(contacts[0]["waits_until"], "2026-03-03T13:00:00Z");
    assert!(w.dispatch_at(at(2026, 3, 3, 12, 59)).await.is_empty());
    assert_eq!(w.dispatch_at(at(2026, 3, 3, 13, 0)).await, phones(&["NewYork"]));

    // A campaign's narrower hours hold its messages to them.
    let late = w
        .launch(list, json!({"title": "Afternoon only", "texting_hours": {"opens": "14:00", "closes": "17:00"}}))
        .await;
    assert!(w.dispatch_at(at(2026, 3, 3, 13, 30)).await.is_empty(), "08:30 is before the campaign's 14:00");
    let contacts = w.contacts(late).await;
    assert_eq!(contacts[0]["waiting_note"], "Waits for texting hours until 14:00 (America/New_York).");
    assert_eq!(w.dispatch_at(at(2026, 3, 3, 19, 0)).await, phones(&["NewYork"]));
}

#[actix_web::test]
async fn the_window_opens_once_on_both_clock_change_days_of_2026() {
    // Spring forward, Sunday 8 March: 08:00 EDT is 12:00 UTC, not 13:00.
    let w = world(at(2026, 3, 8, 3, 0)).await;
    let list = w.import(&CONTACTS[..1]).await;
    w.launch(list, json!({})).await;
    assert!(w.dispatch_at(at(2026, 3, 8, 11, 59)).await.is_empty());
    assert_eq!(w.dispatch_at(at(2026, 3, 8, 12, 0)).await, phones(&["NewYork"]));

    // Fall back, Sunday 1 November: a window opening at 01:30 meets that time twice
    // (05:30 and 06:30 UTC). The message goes the first time, and only then.
    w.set_hours("01:30", "06:00").await;
    w.app.clock.set(at(2026, 11, 1, 4, 0));
    w.launch(list, json!({"title": "Night owls"})).await;
    assert!(w.dispatch_at(at(2026, 11, 1, 5, 29)).await.is_empty());
    assert_eq!(w.dispatch_at(at(2026, 11, 1, 5, 30)).await, phones(&["NewYork"]));
    assert!(w.dispatch_at(at(2026, 11, 1, 6, 30)).await.is_empty(), "the second 01:30 sends nothing again");
    assert_eq!(w.app.simulator.sent().len(), 2);
}

#[actix_web::test]
async fn a_reply_to_a_contact_who_wrote_is_not_held_but_a_text_that_opens_a_conversation_is() {
    let launch_at = at(2026, 3, 2, 15, 0); // 10:00 in New York
    let w = world(launch_at).await;
    let list = w.import(&CONTACTS[..2]).await; // New York, Chicago
    let campaign = w.launch(list, json!({})).await;
    assert_eq!(w.dispatch_at(launch_at).await.len(), 2);
    let (status, filed) = w
        .app
        .post(
            "/api/v1/simulator/inbound",
            &w.manager,
            json!({"from": CONTACTS[0].1, "to": NUMBER, "body": "Late question"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{filed}");
    let (status, sections) = w.app.get(&format!("/api/v1/campaigns/{campaign}/conversations"), &w.manager).await;
    assert_eq!(status, StatusCode::OK);
    let all: Vec<Value> = sections["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["items"].as_array().cloned().unwrap_or_default())
        .collect();
    let conversation_of = |phone: &str| {
        all.iter()
            .find(|c| c["contact"]["phone"] == phone)
            .and_then(|c| c["id"].as_i64())
            .unwrap_or_else(|| panic!("{sections}"))
    };
    let (answered, silent) = (conversation_of(CONTACTS[0].1), conversation_of(CONTACTS[1].1));

    // 23:30 in New York and 22:30 in Chicago.
    let night = at(2026, 3, 3, 4, 30);
    w.app.clock.set(night);
    let agent = w.app.login("agent@alpha.test").await;
    for conversation in [answered, silent] {
        let (status, sent) = w
            .app
            .post(&format!("/api/v1/conversations/{conversation}/messages"), &agent, json!({"body": "Hello"}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{sent}");
    }
    assert_eq!(w.dispatch_at(night).await, phones(&["NewYork"]), "the reply to the contact who wrote goes at once");
    assert!(w.dispatch_at(at(2026, 3, 3, 13, 59)).await.is_empty(), "07:59 in Chicago");
    assert_eq!(w.dispatch_at(at(2026, 3, 3, 14, 0)).await, phones(&["Chicago"]), "08:00 in Chicago");
}
