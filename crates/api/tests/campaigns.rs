//! Campaign lifecycle: drafts, readiness, launch, the schedule windows at their exact
//! boundaries, archive, clone, the tab lists, the calendar, tags, roles and the audit
//! trail — on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a failed unwrap fails the test, which is the point")]

mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::{Org, TestApp};
use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use tidings_api::db::schema::contact_lists;

/// A contact list with extra fields, written directly (contact lists have their own tests).
fn insert_list(app: &TestApp, org: &Org, office: usize, name: &str, fields: &[&str]) -> i64 {
    let mut conn = app.app_state.pool.get().unwrap();
    let now = app.clock.now_naive();
    diesel::insert_into(contact_lists::table)
        .values((
            contact_lists::organisation_id.eq(org.id),
            contact_lists::office_id.eq(org.offices[office]),
            contact_lists::name.eq(name),
            contact_lists::field_names.eq(serde_json::to_string(fields).unwrap()),
            contact_lists::contact_count.eq(3_i64),
            contact_lists::created_at.eq(now),
            contact_lists::updated_at.eq(now),
        ))
        .returning(contact_lists::id)
        .get_result(&mut *conn)
        .unwrap()
}

use tidings_api::clock::Clock;

struct World {
    app: TestApp,
    org: Org,
    manager: String,
    agent: String,
    limited: String,
    list: i64,
    number: i64,
}

async fn world() -> World {
    let app = TestApp::spawn().await;
    app.clock.set(Utc.with_ymd_and_hms(2026, 3, 2, 15, 0, 0).unwrap());
    let org = app.seed_default_org("alpha");
    let list = insert_list(&app, &org, 0, "Fall applicants", &["Student ID", "Program"]);
    let number = app.insert_number(org.id, org.offices[0], "+14155550100", common::NumberSpec::REUSABLE_SIMULATOR);
    let manager = app.login("manager@alpha.test").await;
    let agent = app.login("agent@alpha.test").await;
    let limited = app.login("limited@alpha.test").await;
    World { app, org, manager, agent, limited, list, number }
}

impl World {
    fn ready_body(&self, title: &str) -> Value {
        json!({
            "title": title,
            "phone_number": {"kind": "reusable", "id": self.number},
            "contact_list_id": self.list,
            "message_template": "Hi {first_name}, your {Program} application is in. ID {Student ID}.",
            "agent_ids": [self.org.users[2]],
            "tags": ["Admissions", "Fall 2026"],
        })
    }

    async fn create_ready(&self, title: &str) -> Value {
        let (status, campaign) = self.app.post("/api/v1/campaigns", &self.manager, self.ready_body(title)).await;
        assert_eq!(status, StatusCode::CREATED, "{campaign}");
        assert_eq!(campaign["readiness"]["ready"], true, "{campaign}");
        campaign
    }
}

fn action<'a>(campaign: &'a Value, name: &str) -> &'a Value {
    campaign["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["action"] == name)
        .unwrap_or_else(|| panic!("no {name} action in {}", campaign["actions"]))
}

fn missing(value: &Value) -> Vec<String> {
    value.as_array().unwrap().iter().map(|m| m["code"].as_str().unwrap().to_owned()).collect()
}

#[actix_web::test]
async fn a_draft_lists_what_it_misses_and_launches_once_ready() {
    let w = world().await;
    let (status, draft) = w.app.post("/api/v1/campaigns", &w.manager, json!({"title": "  Welcome week "})).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(draft["title"], "Welcome week");
    assert_eq!(draft["state"], "draft");
    assert_eq!(draft["office"]["name"], "Main");
    assert_eq!(draft["time_zone"], "America/New_York", "the office's zone by default");
    assert_eq!(draft["readiness"]["ready"], false);
    assert_eq!(missing(&draft["readiness"]["missing"]), ["phone_number", "contact_list", "message", "agents"]);
    let launch = action(&draft, "launch");
    assert_eq!(launch["enabled"], false);
    assert!(launch["reason"].as_str().unwrap().contains("contact list"), "{launch}");

    let id = draft["id"].as_i64().unwrap();
    let (status, refused) = w.app.post(&format!("/api/v1/campaigns/{id}/launch"), &w.manager, json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(missing(&refused["extensions"]["missing"]).len(), 4);

    let mut body = w.ready_body("Welcome week");
    body.as_object_mut().unwrap().remove("title");
    let (status, ready) = w.app.patch(&format!("/api/v1/campaigns/{id}"), &w.manager, body).await;
    assert_eq!(status, StatusCode::OK, "{ready}");
    assert_eq!(ready["readiness"], json!({"ready": true, "missing": []}));
    assert_eq!(ready["phone_number"]["display"], "(415) 555-0100");
    assert_eq!(ready["contact_list"]["name"], "Fall applicants");
    assert_eq!(ready["tags"], json!(["Admissions", "Fall 2026"]));
    assert_eq!(ready["agents"][0]["name"], "agent");
    assert_eq!(action(&ready, "launch")["enabled"], true);

    w.app.clock.advance(Duration::minutes(5));
    let (status, active) = w.app.post(&format!("/api/v1/campaigns/{id}/launch"), &w.manager, json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(active["state"], "active");
    assert_eq!(active["launched_at"], "2026-03-02T15:05:00Z");
    let enabled: Vec<&str> =
        active["actions"].as_array().unwrap().iter().map(|a| a["action"].as_str().unwrap()).collect();
    assert_eq!(enabled, ["view", "clone", "pause", "archive"]);
    assert_eq!(action(&active, "archive")["label"], "Stop and Archive");

    let (status, _) = w.app.patch(&format!("/api/v1/campaigns/{id}"), &w.manager, json!({"title": "x"})).await;
    assert_eq!(status, StatusCode::CONFLICT, "an active campaign is not edited");
    let (status, _) = w.app.post(&format!("/api/v1/campaigns/{id}/launch"), &w.manager, json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT, "launching twice is refused");
}

#[actix_web::test]
async fn invalid_settings_are_refused_with_every_field_named() {
    let w = world().await;
    let other_office_number =
        w.app.insert_number(w.org.id, w.org.offices[1], "+14155550199", common::NumberSpec::REUSABLE_SIMULATOR);
    let (status, body) = w
        .app
        .post(
            "/api/v1/campaigns",
            &w.manager,
            json!({
                "title": "",
                "phone_number": {"kind": "reusable", "id": other_office_number},
                "contact_list_id": w.list,
                "message_template": "Hi {first_name}, your {GPA} is in",
                "agent_ids": [999_999],
                "tags": ["ok", "OK", "x".repeat(31)],
                "time_zone": "Moon/Base",
            }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["title", "phone_number.id", "message_template", "agent_ids[0]", "tags[1]", "tags[2]", "time_zone"] {
        common::assert_field_error(&body, field);
    }
    let reason = body["errors"].as_array().unwrap().iter().find(|e| e["field"] == "message_template").unwrap();
    assert!(reason["reason"].as_str().unwrap().contains("GPA"), "{reason}");
}

#[actix_web::test]
async fn scheduling_needs_thirty_minutes_and_locks_the_last_hour() {
    let w = world().await;
    let now = w.app.clock.now();
    let campaign = w.create_ready("Open day").await;
    let id = campaign["id"].as_i64().unwrap();
    let schedule = |at: DateTime<Utc>| json!({ "launch_at": at });

    let (status, body) = w
        .app
        .post(&format!("/api/v1/campaigns/{id}/schedule"), &w.manager, schedule(now + Duration::seconds(29 * 60 + 59)))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "29:59 ahead is too soon");
    common::assert_field_error(&body, "launch_at");

    let launch_at = now + Duration::minutes(30);
    let (status, scheduled) =
        w.app.post(&format!("/api/v1/campaigns/{id}/schedule"), &w.manager, schedule(launch_at)).await;
    assert_eq!(status, StatusCode::OK, "30:00 ahead is accepted: {scheduled}");
    assert_eq!(scheduled["state"], "scheduled");
    // Scheduled 30 minutes ahead, it is already inside the hour before launch.
    assert_eq!(action(&scheduled, "unschedule")["enabled"], false);
    let (status, refused) = w.app.post(&format!("/api/v1/campaigns/{id}/unschedule"), &w.manager, json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(refused["detail"].as_str().unwrap().contains("one hour"));

    // A second campaign launching in two hours shows both lock boundaries.
    let second = w.create_ready("Orientation").await;
    let second_id = second["id"].as_i64().unwrap();
    let launch_at = now + Duration::hours(2);
    let (status, _) =
        w.app.post(&format!("/api/v1/campaigns/{second_id}/schedule"), &w.manager, schedule(launch_at)).await;
    assert_eq!(status, StatusCode::OK);
    w.app.clock.set(launch_at - Duration::hours(1));
    // Session tokens last an hour in tests: sign in again on the moved clock.
    let manager = w.app.login("manager@alpha.test").await;
    let (status, edited) =
        w.app.patch(&format!("/api/v1/campaigns/{second_id}"), &manager, json!({"title": "Orientation day"})).await;
    assert_eq!(status, StatusCode::OK, "exactly 1:00:00 before launch is still open: {edited}");
    assert_eq!(edited["state"], "scheduled");
    w.app.clock.set(launch_at - Duration::seconds(59 * 60 + 59));
    for (path, body) in [
        (format!("/api/v1/campaigns/{second_id}/unschedule"), None),
        (format!("/api/v1/campaigns/{second_id}/archive"), None),
    ] {
        let (status, _) = w.app.post(&path, &manager, body.unwrap_or(json!({}))).await;
        assert_eq!(status, StatusCode::CONFLICT, "59:59 before launch is locked: {path}");
    }
    let (status, _) =
        w.app.patch(&format!("/api/v1/campaigns/{second_id}"), &manager, json!({"title": "Too late"})).await;
    assert_eq!(status, StatusCode::CONFLICT);

    w.app.clock.set(launch_at - Duration::hours(1) - Duration::seconds(1));
    let (status, draft) = w.app.post(&format!("/api/v1/campaigns/{second_id}/unschedule"), &manager, json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(draft["state"], "draft");
    assert_eq!(draft["scheduled_at"], Value::Null);
}

#[actix_web::test]
async fn the_scheduler_launches_due_campaigns_exactly_once_across_servers() {
    let w = world().await;
    let now = w.app.clock.now();
    let mut ids = Vec::new();
    for i in 0..6 {
        let campaign = w.create_ready(&format!("Reminder {i}")).await;
        let id = campaign["id"].as_i64().unwrap();
        let (status, _) = w
            .app
            .post(
                &format!("/api/v1/campaigns/{id}/schedule"),
                &w.manager,
                json!({"launch_at": now + Duration::minutes(40 + i)}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        ids.push(id);
    }
    let state = w.app.app_state.clone();
    assert_eq!(tidings_api::jobs::scheduler::run_once(&state, "server-a").await.unwrap(), 0, "nothing due yet");

    w.app.clock.set(now + Duration::minutes(43));
    let (a, b) = futures_util::future::join(
        tidings_api::jobs::scheduler::run_once(&state, "server-a"),
        tidings_api::jobs::scheduler::run_once(&state, "server-b"),
    )
    .await;
    assert_eq!(a.unwrap() + b.unwrap(), 4, "the four due campaigns launch once between the two servers");
    w.app.clock.set(now + Duration::minutes(50));
    assert_eq!(tidings_api::jobs::scheduler::run_once(&state, "server-b").await.unwrap(), 2);
    assert_eq!(tidings_api::jobs::scheduler::run_once(&state, "server-a").await.unwrap(), 0);

    for id in ids {
        let (_, campaign) = w.app.get(&format!("/api/v1/campaigns/{id}"), &w.manager).await;
        assert_eq!(campaign["state"], "active");
        assert!(campaign["launched_at"].is_string());
        let (_, audit) = w.app.get(&format!("/api/v1/campaigns/{id}/audit"), &w.manager).await;
        let launches = audit["items"].as_array().unwrap().iter().filter(|e| e["action"] == "launched").count();
        assert_eq!(launches, 1, "campaign {id} launched once");
        let launch = audit["items"].as_array().unwrap().iter().find(|e| e["action"] == "launched").unwrap();
        assert_eq!(launch["actor"], Value::Null, "the scheduler launched it");
    }
}

#[actix_web::test]
async fn archiving_discards_drafts_and_stops_active_campaigns() {
    let w = world().await;
    let (_, draft) = w.app.post("/api/v1/campaigns", &w.manager, json!({"title": "Never mind"})).await;
    let (status, discarded) =
        w.app.post(&format!("/api/v1/campaigns/{}/archive", draft["id"]), &w.manager, json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(discarded["state"], "archived");
    assert_eq!(discarded["archive_kind"], "discarded");
    assert_eq!(discarded["launched_at"], Value::Null);

    let active = w.create_ready("Deadline").await;
    let id = active["id"].as_i64().unwrap();
    w.app.post(&format!("/api/v1/campaigns/{id}/launch"), &w.manager, json!({})).await;
    let (status, stopped) = w.app.post(&format!("/api/v1/campaigns/{id}/archive"), &w.manager, json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(stopped["archive_kind"], "stopped");
    assert!(stopped["archived_at"].is_string());
    let names: Vec<&str> =
        stopped["actions"].as_array().unwrap().iter().map(|a| a["action"].as_str().unwrap()).collect();
    assert_eq!(names, ["view", "clone"]);
    let (status, _) = w.app.post(&format!("/api/v1/campaigns/{id}/archive"), &w.manager, json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT);
}

#[actix_web::test]
async fn cloning_copies_settings_into_a_new_draft() {
    let w = world().await;
    let original = w.create_ready("Spring open house").await;
    let id = original["id"].as_i64().unwrap();
    w.app.post(&format!("/api/v1/campaigns/{id}/launch"), &w.manager, json!({})).await;
    w.app.post(&format!("/api/v1/campaigns/{id}/archive"), &w.manager, json!({})).await;

    let (status, copy) = w.app.post(&format!("/api/v1/campaigns/{id}/clone"), &w.manager, json!({})).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(copy["title"], "Copy of Spring open house");
    assert_eq!(copy["state"], "draft");
    assert_ne!(copy["id"], original["id"]);
    for field in ["message_template", "tags", "agents", "contact_list", "phone_number", "operated_by", "time_zone"] {
        assert_eq!(copy[field], original[field], "{field} is copied");
    }
    assert_eq!(copy["launched_at"], Value::Null);
    assert_eq!(copy["readiness"]["ready"], true);

    let (_, single) = w
        .app
        .post("/api/v1/campaigns", &w.manager, json!({"title": "Pop-up", "phone_number": {"kind": "single_use"}}))
        .await;
    assert_eq!(single["phone_number"]["kind"], "single_use");
    assert_eq!(single["phone_number"]["id"], Value::Null);
    let (_, single_copy) =
        w.app.post(&format!("/api/v1/campaigns/{}/clone", single["id"]), &w.manager, json!({})).await;
    assert_eq!(single_copy["phone_number"]["kind"], "single_use", "the request for a single-use number is copied");
    assert_eq!(single_copy["phone_number"]["e164"], Value::Null, "never the number itself");
}

#[actix_web::test]
async fn tabs_search_filter_and_respect_office_visibility() {
    let w = world().await;
    let west_list = insert_list(&w.app, &w.org, 1, "West list", &[]);
    let admin = w.app.login("admin@alpha.test").await;
    let a = w.create_ready("Admissions reminder").await;
    w.app.clock.advance(Duration::minutes(1));
    let b = w.create_ready("Financial aid deadline").await;
    w.app.clock.advance(Duration::minutes(1));
    let (status, west) = w
        .app
        .post(
            "/api/v1/campaigns",
            &admin,
            json!({"title": "West welcome", "office_id": w.org.offices[1], "contact_list_id": west_list, "tags": ["west"]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{west}");
    w.app.post(&format!("/api/v1/campaigns/{}/launch", a["id"]), &w.manager, json!({})).await;

    let titles = |page: &Value| -> Vec<String> {
        page["items"].as_array().unwrap().iter().map(|c| c["title"].as_str().unwrap().to_owned()).collect()
    };
    let (_, drafts) = w.app.get("/api/v1/campaigns?state=draft", &w.manager).await;
    assert_eq!(titles(&drafts), ["West welcome", "Financial aid deadline"], "newest update first, both offices");
    let (_, active) = w.app.get("/api/v1/campaigns?state=active", &w.manager).await;
    assert_eq!(titles(&active), ["Admissions reminder"]);
    let row = &active["items"][0];
    for column in [
        "title",
        "office",
        "phone_number",
        "contact_list",
        "operated_by",
        "tags",
        "updated_at",
        "launched_at",
        "time_zone",
    ] {
        assert!(!row[column].is_null(), "the Active tab's {column} column is filled: {row}");
    }

    let (_, found) = w.app.get("/api/v1/campaigns?q=FINANCIAL", &w.manager).await;
    assert_eq!(titles(&found), ["Financial aid deadline"]);
    let (_, tagged) = w.app.get("/api/v1/campaigns?tags=WEST,nothing", &w.manager).await;
    assert_eq!(titles(&tagged), ["West welcome"], "any of the tags, case-insensitive");
    let (_, paged) = w.app.get("/api/v1/campaigns?per_page=2&page=2", &w.manager).await;
    assert_eq!(paged["total"], 3);
    assert_eq!(titles(&paged).len(), 1);

    let (_, agent_view) = w.app.get("/api/v1/campaigns", &w.agent).await;
    assert_eq!(agent_view["total"], 2, "an agent without view_other_offices sees only Main");
    let (_, limited_view) = w.app.get("/api/v1/campaigns", &w.limited).await;
    assert_eq!(titles(&limited_view), ["West welcome"], "a limited user sees their own office only");
    let limited_row = &limited_view["items"][0];
    assert_eq!(action(limited_row, "view")["enabled"], true);
    assert_eq!(action(limited_row, "launch")["enabled"], false);
    assert!(action(limited_row, "launch")["reason"].as_str().unwrap().contains("Limited users"));

    let (status, _) = w.app.get(&format!("/api/v1/campaigns/{}", b["id"]), &w.limited).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another office's campaign is invisible to a limited user");

    let (_, tags) = w.app.get("/api/v1/tags", &w.manager).await;
    let names: Vec<&str> = tags["items"].as_array().unwrap().iter().map(|t| t["tag"].as_str().unwrap()).collect();
    assert_eq!(names, ["Admissions", "Fall 2026", "west"]);
    assert_eq!(tags["items"][0]["campaigns"], 2);
    // The filter of one tab counts that tab's campaigns only.
    let (_, active_tags) = w.app.get("/api/v1/tags?state=active", &w.manager).await;
    let counted: Vec<(&str, i64)> = active_tags["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["tag"].as_str().unwrap(), t["campaigns"].as_i64().unwrap()))
        .collect();
    assert_eq!(counted.iter().find(|(tag, _)| *tag == "Admissions"), Some(&("Admissions", 1)), "{active_tags}");
    assert!(!counted.iter().any(|(tag, _)| *tag == "west"), "the West draft is not active: {active_tags}");
    let (status, _) = w.app.get("/api/v1/tags?state=sleeping", &w.manager).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let (status, body) = w.app.get("/api/v1/campaigns?state=sleeping", &w.manager).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["status"], 400);
}

#[actix_web::test]
async fn roles_and_organisations_are_enforced_on_every_campaign_endpoint() {
    let w = world().await;
    let campaign = w.create_ready("Roles").await;
    let id = campaign["id"].as_i64().unwrap();
    let limited_main = {
        let admin = w.app.login("admin@alpha.test").await;
        let (status, _) = w
            .app
            .post(
                "/api/v1/users",
                &admin,
                json!({"email": "lim2@alpha.test", "name": "Lim Main", "password": common::PASSWORD, "role": "limited", "office_id": w.org.offices[0]}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
        w.app.login("lim2@alpha.test").await
    };
    let (status, _) = w.app.post("/api/v1/campaigns", &limited_main, json!({"title": "Nope"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = w.app.get(&format!("/api/v1/campaigns/{id}"), &limited_main).await;
    assert_eq!(status, StatusCode::OK, "limited users view their office's campaigns");
    for path in ["launch", "archive", "clone"] {
        let (status, _) = w.app.post(&format!("/api/v1/campaigns/{id}/{path}"), &limited_main, json!({})).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path} is forbidden to limited users on a visible campaign");
    }
    let (status, _) = w.app.patch(&format!("/api/v1/campaigns/{id}"), &limited_main, json!({"title": "x"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    w.app.seed_default_org("beta");
    let stranger = w.app.login("admin@beta.test").await;
    for path in ["", "/audit"] {
        let (status, _) = w.app.get(&format!("/api/v1/campaigns/{id}{path}"), &stranger).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    for path in ["launch", "archive", "clone", "unschedule"] {
        let (status, _) = w.app.post(&format!("/api/v1/campaigns/{id}/{path}"), &stranger, json!({})).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path} by another organisation");
    }
    let (status, _) = w.app.patch(&format!("/api/v1/campaigns/{id}"), &stranger, json!({"title": "x"})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, theirs) = w.app.get("/api/v1/campaigns", &stranger).await;
    assert_eq!(theirs["total"], 0);
    let (status, body) =
        w.app.post("/api/v1/campaigns", &stranger, json!({"title": "Steal", "contact_list_id": w.list})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    common::assert_field_error(&body, "contact_list_id");

    let admin = w.app.login("admin@alpha.test").await;
    w.app.patch(&format!("/api/v1/users/{}", w.org.users[2]), &admin, json!({"two_way_messaging": false})).await;
    for path in ["/api/v1/campaigns", "/api/v1/tags", "/api/v1/campaigns/calendar?from=2026-03-01&to=2026-03-31"] {
        let (status, _) = w.app.get(path, &w.agent).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path} without the messaging permission");
    }
}

#[actix_web::test]
async fn the_calendar_groups_scheduled_campaigns_by_local_date() {
    let w = world().await;
    let schedule = |title: &'static str, at: DateTime<Utc>| {
        let w = &w;
        async move {
            let campaign = w.create_ready(title).await;
            let (status, body) = w
                .app
                .post(&format!("/api/v1/campaigns/{}/schedule", campaign["id"]), &w.manager, json!({"launch_at": at}))
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }
    };
    schedule("Morning", Utc.with_ymd_and_hms(2026, 3, 10, 14, 0, 0).unwrap()).await;
    schedule("Afternoon", Utc.with_ymd_and_hms(2026, 3, 10, 19, 0, 0).unwrap()).await;
    // 02:30 UTC on the 12th is the evening of the 11th in New York.
    schedule("Late", Utc.with_ymd_and_hms(2026, 3, 12, 2, 30, 0).unwrap()).await;

    let (status, calendar) = w.app.get("/api/v1/campaigns/calendar?from=2026-03-01&to=2026-03-31", &w.manager).await;
    assert_eq!(status, StatusCode::OK);
    let days = calendar["days"].as_array().unwrap();
    assert_eq!(days.len(), 2);
    assert_eq!(days[0]["date"], "2026-03-10");
    assert_eq!(days[0]["count"], 2);
    let entry = &days[0]["campaigns"][0];
    assert_eq!(entry["title"], "Morning");
    assert_eq!(entry["phone_number"], "(415) 555-0100");
    assert_eq!(entry["office"], "Main");
    assert_eq!(entry["contact_list"], "Fall applicants");
    assert_eq!(days[1]["date"], "2026-03-11");
    assert_eq!(days[1]["count"], 1);

    let (status, body) = w.app.get("/api/v1/campaigns/calendar?from=2026-03-31&to=2026-03-01", &w.manager).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    common::assert_field_error(&body, "to");
    let (status, _) = w.app.get("/api/v1/campaigns/calendar?from=2026-03-01", &w.manager).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // At most a year (366 days: a leap year's) in one request.
    let (status, year) = w.app.get("/api/v1/campaigns/calendar?from=2028-01-01&to=2028-12-31", &w.manager).await;
    assert_eq!(status, StatusCode::OK, "{year}");
    let (status, body) = w.app.get("/api/v1/campaigns/calendar?from=2026-03-01&to=2027-03-02", &w.manager).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    common::assert_field_error(&body, "to");
}

#[actix_web::test]
async fn every_change_is_in_the_audit_trail() {
    let w = world().await;
    let campaign = w.create_ready("Audited").await;
    let id = campaign["id"].as_i64().unwrap();
    w.app.patch(&format!("/api/v1/campaigns/{id}"), &w.manager, json!({"title": "Audited twice"})).await;
    w.app.post(&format!("/api/v1/campaigns/{id}/launch"), &w.manager, json!({})).await;
    w.app.post(&format!("/api/v1/campaigns/{id}/archive"), &w.manager, json!({})).await;
    let (status, audit) = w.app.get(&format!("/api/v1/campaigns/{id}/audit"), &w.manager).await;
    assert_eq!(status, StatusCode::OK);
    let items = audit["items"].as_array().unwrap();
    let actions: Vec<&str> = items.iter().map(|e| e["action"].as_str().unwrap()).collect();
    // The launch's messages are written after it, a chunk at a time: the system records
    // when the last chunk is in, with what it queued and skipped.
    assert_eq!(actions, ["created", "updated", "launched", "launch_written", "archived"]);
    assert!(items.iter().filter(|e| e["action"] != "launch_written").all(|e| e["actor"]["name"] == "manager"));
    assert_eq!(items[1]["details"]["changes"]["title"], "Audited twice");
    assert_eq!(items[2]["details"]["contacts"], 3, "{}", items[2]);
    assert_eq!(items[3]["details"]["queued"], 0, "the list row says 3 but holds no contacts: {}", items[3]);
    assert_eq!(items[4]["details"]["as"], "stopped");
}

#[actix_web::test]
async fn a_single_use_number_is_provisioned_at_launch_and_released_at_archive() {
    let w = world().await;
    let mut body = w.ready_body("Pop-up event");
    body["phone_number"] = json!({"kind": "single_use"});
    let (status, draft) = w.app.post("/api/v1/campaigns", &w.manager, body).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(draft["readiness"]["ready"], true);
    assert_eq!(draft["phone_number"]["e164"], Value::Null, "nothing is provisioned before launch");
    let id = draft["id"].as_i64().unwrap();

    let (status, active) = w.app.post(&format!("/api/v1/campaigns/{id}/launch"), &w.manager, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{active}");
    assert_eq!(active["phone_number"]["kind"], "single_use");
    let e164 = active["phone_number"]["e164"].as_str().unwrap().to_owned();
    assert!(e164.starts_with("+1"), "{e164}");
    let number_id = active["phone_number"]["id"].as_i64().unwrap();
    let (status, number) = w.app.get(&format!("/api/v1/phone-numbers/{number_id}"), &w.manager).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(number["status"], "active");
    assert_eq!(number["campaign_id"], id);

    let (status, archived) = w.app.post(&format!("/api/v1/campaigns/{id}/archive"), &w.manager, json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(archived["phone_number"]["e164"], e164.as_str(), "the archived campaign still shows its number");
    let (_, number) = w.app.get(&format!("/api/v1/phone-numbers/{number_id}"), &w.manager).await;
    assert_eq!(number["status"], "released");
    assert!(w.app.simulator.was_released(number["provider_sid"].as_str().unwrap()));
}
