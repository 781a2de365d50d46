//! Phone numbers: registering and provisioning reusable numbers, who may see and change
//! them, unsolicited message settings, releasing, and the single-use numbers the
//! campaign engine provisions and releases.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a failed unwrap fails the test, which is the point")]

mod common;

use chrono::Utc;
use common::{assert_field_error, TestApp};
use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use tidings_api::db::schema::campaigns;
use tidings_api::services::phone_numbers::{
    number_for_campaign, provision_single_use, release_single_use, unsolicited_inboxes, UnusableNumber,
};

/// Registers a long-code number for an office and answers the created number.
async fn register(app: &TestApp, token: &str, office_id: i64, e164: &str, name: &str) -> Value {
    let (status, number) = app
        .post(
            "/api/v1/phone-numbers",
            token,
            json!({"mode": "register", "name": name, "office_id": office_id, "e164": e164, "number_type": "long_code"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{number}");
    number
}

async fn provision(app: &TestApp, token: &str, office_id: i64, name: &str) -> Value {
    let (status, number) = app
        .post(
            "/api/v1/phone-numbers",
            token,
            json!({"mode": "provision", "name": name, "office_id": office_id, "area_code": "415"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{number}");
    number
}

/// Stores a campaign row the way the campaign work will (every NOT NULL column).
fn insert_campaign(app: &TestApp, org: i64, office: i64, title: &str, state: &str, number: Option<i64>) -> i64 {
    let mut conn = app.app_state.pool.get().unwrap();
    let now = Utc::now().naive_utc();
    diesel::insert_into(campaigns::table)
        .values((
            campaigns::organisation_id.eq(org),
            campaigns::office_id.eq(office),
            campaigns::title.eq(title),
            campaigns::state.eq(state),
            campaigns::operated_by.eq("agent"),
            campaigns::phone_number_id.eq(number),
            campaigns::wants_single_use.eq(number.is_none()),
            campaigns::message_template.eq("Hi {first_name}"),
            campaigns::append_opt_out.eq(true),
            campaigns::time_zone.eq("America/New_York"),
            campaigns::created_at.eq(now),
            campaigns::updated_at.eq(now),
        ))
        .returning(campaigns::id)
        .get_result(&mut *conn)
        .unwrap()
}

fn set_campaign_state(app: &TestApp, id: i64, state: &str) {
    let mut conn = app.app_state.pool.get().unwrap();
    diesel::update(campaigns::table.find(id)).set(campaigns::state.eq(state)).execute(&mut *conn).unwrap();
}

fn ids(list: &Value) -> Vec<i64> {
    list["items"].as_array().unwrap().iter().map(|n| n["id"].as_i64().unwrap()).collect()
}

#[actix_web::test]
async fn administrators_register_numbers_normalised_to_e164() {
    let app = TestApp::spawn().await;
    let org = app.seed_default_org("alpha");
    let admin = app.login("admin@alpha.test").await;
    let manager = app.login("manager@alpha.test").await;

    let (status, number) = app
        .post(
            "/api/v1/phone-numbers",
            &admin,
            json!({
                "mode": "register", "name": " Front desk ", "description": "Main line",
                "office_id": org.offices[0], "e164": "(415) 555-0100", "number_type": "long_code",
                "provider_sid": "PN0123", "owner_user_id": org.users[2]
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{number}");
    assert_eq!(number["e164"], "+14155550100", "national format read as a US number");
    assert_eq!(number["name"], "Front desk");
    assert_eq!(number["description"], "Main line");
    assert_eq!(number["kind"], "reusable");
    assert_eq!(number["status"], "active");
    assert_eq!(number["number_type"], "long_code");
    assert_eq!(number["default_operated_by"], "agent");
    assert_eq!(number["provider_sid"], "PN0123");
    assert_eq!(number["owner_user_id"], org.users[2]);
    assert_eq!(number["campaign_id"], Value::Null);
    assert_eq!(number["released_at"], Value::Null);
    assert_eq!(
        number["unsolicited"],
        json!({"user_ids": [org.users[2]], "office_ids": [org.offices[0]]}),
        "by default the office inbox and the owner receive unsolicited messages"
    );

    let (status, read) = app.get(&format!("/api/v1/phone-numbers/{}", number["id"]), &manager).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(read, number);
    let (status, list) = app.get("/api/v1/phone-numbers", &manager).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ids(&list), [number["id"].as_i64().unwrap()]);

    // Other spellings: E.164 with spaces, another country, a toll-free number, a short code.
    let uk = register(&app, &admin, org.offices[1], "+44 20 7946 0018", "London").await;
    assert_eq!(uk["e164"], "+442079460018");
    let (status, toll_free) = app
        .post(
            "/api/v1/phone-numbers",
            &admin,
            json!({"mode": "register", "name": "Hotline", "office_id": org.offices[0], "e164": "1-888-555-0199",
                   "number_type": "toll_free", "default_operated_by": "assistant"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{toll_free}");
    assert_eq!(toll_free["e164"], "+18885550199");
    assert_eq!(toll_free["default_operated_by"], "assistant");
    let (status, short) = app
        .post(
            "/api/v1/phone-numbers",
            &admin,
            json!({"mode": "register", "name": "Short", "office_id": org.offices[0], "e164": "44 444",
                   "number_type": "short_code"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{short}");
    assert_eq!(short["e164"], "44444");

    let (status, list) = app.get("/api/v1/phone-numbers", &admin).await;
    assert_eq!(status, StatusCode::OK);
    let names: Vec<&str> = list["items"].as_array().unwrap().iter().map(|n| n["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Front desk", "Hotline", "London", "Short"], "by name");
    let (_, west) = app.get(&format!("/api/v1/phone-numbers?office_id={}", org.offices[1]), &admin).await;
    assert_eq!(ids(&west), [uk["id"].as_i64().unwrap()]);
}

#[actix_web::test]
async fn invalid_and_duplicate_numbers_are_refused() {
    let app = TestApp::spawn().await;
    let org = app.seed_default_org("alpha");
    let other = app.seed_default_org("beta");
    let admin = app.login("admin@alpha.test").await;
    let other_admin = app.login("admin@beta.test").await;
    let office = org.offices[0];

    let attempt = |e164: &str, number_type: &str| json!({"mode": "register", "name": "Line", "office_id": office, "e164": e164, "number_type": number_type});
    for bad in ["12", "not a number", "555-0100", "+1 415 555 0100 ext. 12", "+1 999 555 0100"] {
        let (status, body) = app.post("/api/v1/phone-numbers", &admin, attempt(bad, "long_code")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {body}");
        assert_field_error(&body, "e164");
    }
    let (status, body) = app.post("/api/v1/phone-numbers", &admin, attempt("+14155550100", "toll_free")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_field_error(&body, "number_type");
    let (status, body) = app.post("/api/v1/phone-numbers", &admin, attempt("+18885550199", "long_code")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_field_error(&body, "number_type");
    let (status, body) = app.post("/api/v1/phone-numbers", &admin, attempt("1234", "short_code")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_field_error(&body, "e164");

    let (status, body) =
        app.post("/api/v1/phone-numbers", &admin, json!({"mode": "register", "name": " ", "office_id": office})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["name", "e164", "number_type"] {
        assert_field_error(&body, field);
    }
    let (status, body) = app
        .post(
            "/api/v1/phone-numbers",
            &admin,
            json!({"mode": "register", "name": "Line", "office_id": other.offices[0], "e164": "12",
                   "number_type": "long_code", "owner_user_id": other.users[0]}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "another organisation's office and user");
    for field in ["e164", "office_id", "owner_user_id"] {
        assert_field_error(&body, field);
    }
    let (status, body) = app
        .post(
            "/api/v1/phone-numbers",
            &admin,
            json!({"mode": "provision", "name": "New", "office_id": office, "e164": "+14155550100", "area_code": "012"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_field_error(&body, "e164");
    assert_field_error(&body, "area_code");

    let first = register(&app, &admin, office, "+14155550100", "Front desk").await;
    let (status, body) = app.post("/api/v1/phone-numbers", &admin, attempt("(415) 555-0100", "long_code")).await;
    assert_eq!(status, StatusCode::CONFLICT, "the same number twice: {body}");
    assert!(body["detail"].as_str().unwrap().contains("Front desk"), "{body}");
    assert_eq!(body["extensions"]["phone_number_id"], first["id"]);
    let (status, body) = app
        .post(
            "/api/v1/phone-numbers",
            &other_admin,
            json!({"mode": "register", "name": "Mine", "office_id": other.offices[0], "e164": "+14155550100",
                   "number_type": "long_code"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "live in another organisation too: {body}");
    assert_field_error(&body, "e164");
    assert!(!body.to_string().contains("Front desk"), "nothing of the other organisation leaks");
    assert!(!body.to_string().contains("organisation"), "nor that another organisation has it: {body}");
}

#[actix_web::test]
async fn provisioning_buys_a_number_from_the_provider() {
    let app = TestApp::spawn().await;
    let org = app.seed_default_org("alpha");
    let admin = app.login("admin@alpha.test").await;

    let number = provision(&app, &admin, org.offices[1], "West outreach").await;
    assert!(number["e164"].as_str().unwrap().starts_with("+1415555"), "{number}");
    assert!(number["provider_sid"].as_str().unwrap().starts_with("PNsim"), "{number}");
    assert_eq!(number["number_type"], "simulator");
    assert_eq!(number["kind"], "reusable");
    assert_eq!(number["office_id"], org.offices[1]);
    assert_eq!(number["unsolicited"], json!({"user_ids": [], "office_ids": [org.offices[1]]}));
    let (status, read) = app.get(&format!("/api/v1/phone-numbers/{}", number["id"]), &admin).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(read["provider_sid"], number["provider_sid"]);

    let (status, body) = app
        .post("/api/v1/phone-numbers", &admin, json!({"mode": "provision", "name": "X", "office_id": 999_999}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "no number is bought for a mistyped office");
    assert_field_error(&body, "office_id");
}

#[actix_web::test]
async fn only_administrators_change_numbers() {
    let app = TestApp::spawn().await;
    let org = app.seed_default_org("alpha");
    let admin = app.login("admin@alpha.test").await;
    let number = register(&app, &admin, org.offices[0], "+14155550100", "Front desk").await;
    let path = format!("/api/v1/phone-numbers/{}", number["id"]);

    for email in ["manager@alpha.test", "agent@alpha.test", "limited@alpha.test"] {
        let token = app.login(email).await;
        let (status, _) = app
            .post(
                "/api/v1/phone-numbers",
                &token,
                json!({"mode": "provision", "name": "Mine", "office_id": org.offices[0]}),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{email} creates");
        let (status, _) = app.patch(&path, &token, json!({"name": "Mine"})).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{email} edits");
        let (status, _) = app.delete(&path, &token).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{email} releases");
        let (status, _) = app
            .call(
                reqwest::Method::PUT,
                &format!("{path}/unsolicited-settings"),
                Some(&token),
                Some(json!({"user_ids": [], "office_ids": []})),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{email} sets unsolicited settings");
    }
    let manager = app.login("manager@alpha.test").await;
    let (status, read) = app.get(&path, &manager).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(read["name"], "Front desk", "nothing changed");

    // Without the two-way messaging permission nothing is readable.
    let (status, _) = app
        .post(
            "/api/v1/users",
            &admin,
            json!({"email": "quiet@alpha.test", "name": "Quiet", "password": common::PASSWORD, "role": "standard",
                   "office_id": org.offices[0], "two_way_messaging": false}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let quiet = app.login("quiet@alpha.test").await;
    let (status, _) = app.get("/api/v1/phone-numbers", &quiet).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app.get(&path, &quiet).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[actix_web::test]
async fn numbers_are_seen_only_in_their_organisation_and_visible_offices() {
    let app = TestApp::spawn().await;
    let org = app.seed_default_org("alpha");
    app.seed_default_org("beta");
    let admin = app.login("admin@alpha.test").await;
    let main = register(&app, &admin, org.offices[0], "+14155550100", "Main line").await;
    let west = register(&app, &admin, org.offices[1], "+14155550101", "West line").await;
    let main_path = format!("/api/v1/phone-numbers/{}", main["id"]);
    let west_path = format!("/api/v1/phone-numbers/{}", west["id"]);

    let other_admin = app.login("admin@beta.test").await;
    for path in [&main_path, &format!("{main_path}/unsolicited-settings")] {
        let (status, _) = app.get(path, &other_admin).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    let (status, _) = app.patch(&main_path, &other_admin, json!({"name": "Taken"})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app.delete(&main_path, &other_admin).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, list) = app.get("/api/v1/phone-numbers", &other_admin).await;
    assert_eq!(ids(&list), Vec::<i64>::new());

    // The limited user works at West; the agent at Main without seeing other offices.
    let limited = app.login("limited@alpha.test").await;
    let (status, _) = app.get(&main_path, &limited).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a limited user of another office");
    let (status, _) = app.get(&format!("{main_path}/unsolicited-settings"), &limited).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, read) = app.get(&west_path, &limited).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(read["name"], "West line");
    let (_, list) = app.get("/api/v1/phone-numbers", &limited).await;
    assert_eq!(ids(&list), [west["id"].as_i64().unwrap()]);
    let (_, list) = app.get(&format!("/api/v1/phone-numbers?office_id={}", org.offices[0]), &limited).await;
    assert_eq!(ids(&list), Vec::<i64>::new());

    let agent = app.login("agent@alpha.test").await;
    let (status, _) = app.get(&west_path, &agent).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, list) = app.get("/api/v1/phone-numbers", &agent).await;
    assert_eq!(ids(&list), [main["id"].as_i64().unwrap()]);
    let manager = app.login("manager@alpha.test").await;
    let (_, list) = app.get("/api/v1/phone-numbers", &manager).await;
    assert_eq!(ids(&list).len(), 2, "view_other_offices sees both");

    let (status, body) = app.get("/api/v1/phone-numbers?kind=landline", &admin).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}

#[actix_web::test]
async fn unsolicited_settings_round_trip_within_the_organisation() {
    let app = TestApp::spawn().await;
    let org = app.seed_default_org("alpha");
    let other = app.seed_default_org("beta");
    let admin = app.login("admin@alpha.test").await;
    let number = register(&app, &admin, org.offices[0], "+14155550100", "Front desk").await;
    let path = format!("/api/v1/phone-numbers/{}/unsolicited-settings", number["id"]);
    let put = |body: Value| app.call(reqwest::Method::PUT, &path, Some(&admin), Some(body));

    let (agent, limited) = (org.users[2], org.users[3]);
    let (status, settings) = put(json!({"user_ids": [limited, agent, limited], "office_ids": [org.offices[1]]})).await;
    assert_eq!(status, StatusCode::OK, "{settings}");
    let expected = json!({"user_ids": [agent.min(limited), agent.max(limited)], "office_ids": [org.offices[1]]});
    assert_eq!(settings, expected);
    let limited_token = app.login("limited@alpha.test").await;
    let (status, read) = app.get(&path, &admin).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(read, expected);
    let (_, whole) = app.get(&format!("/api/v1/phone-numbers/{}", number["id"]), &admin).await;
    assert_eq!(whole["unsolicited"], expected);
    let (status, _) = app.get(&path, &limited_token).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "the limited user does not see Main's number");
    {
        let mut conn = app.app_state.pool.get().unwrap();
        let (users, offices) = unsolicited_inboxes(&mut conn, number["id"].as_i64().unwrap()).unwrap();
        assert_eq!(users, [agent.min(limited), agent.max(limited)]);
        assert_eq!(offices, [org.offices[1]]);
    }

    let (status, body) = put(json!({"user_ids": [agent, other.users[1]], "office_ids": [other.offices[0]]})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_field_error(&body, "user_ids[1]");
    assert_field_error(&body, "office_ids[0]");
    assert_eq!(body["errors"].as_array().unwrap().len(), 2, "{body}");
    let (_, read) = app.get(&path, &admin).await;
    assert_eq!(read, expected, "a refused change changes nothing");

    let (status, _) = app.delete(&format!("/api/v1/users/{agent}"), &admin).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = put(json!({"user_ids": [agent], "office_ids": []})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a deactivated user");
    assert_field_error(&body, "user_ids[0]");
    let (status, body) = put(json!({"user_ids": [], "office_ids": [], "users": []})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "unknown fields are refused: {body}");

    let (status, cleared) = put(json!({"user_ids": [], "office_ids": []})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(cleared, json!({"user_ids": [], "office_ids": []}));
}

#[actix_web::test]
async fn administrators_edit_numbers_but_not_the_office_of_one_in_use() {
    let app = TestApp::spawn().await;
    let org = app.seed_default_org("alpha");
    let other = app.seed_default_org("beta");
    let admin = app.login("admin@alpha.test").await;
    let number = register(&app, &admin, org.offices[0], "+14155550100", "Front desk").await;
    let id = number["id"].as_i64().unwrap();
    let path = format!("/api/v1/phone-numbers/{id}");

    let (status, edited) = app
        .patch(
            &path,
            &admin,
            json!({"name": "Admissions", "description": "For applicants", "owner_user_id": org.users[1],
                   "default_operated_by": "assistant"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!(edited["name"], "Admissions");
    assert_eq!(edited["description"], "For applicants");
    assert_eq!(edited["owner_user_id"], org.users[1]);
    assert_eq!(edited["default_operated_by"], "assistant");
    let (status, edited) = app.patch(&path, &admin, json!({"owner_user_id": null, "description": ""})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(edited["owner_user_id"], Value::Null);
    assert_eq!(edited["description"], "");
    assert_eq!(edited["name"], "Admissions", "left out, left alone");

    let (status, body) = app.patch(&path, &admin, json!({"owner_user_id": other.users[0], "name": ""})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_field_error(&body, "name");
    let (status, body) = app.patch(&path, &admin, json!({"owner_user_id": other.users[0]})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_field_error(&body, "owner_user_id");
    let (status, body) = app.patch(&path, &admin, json!({"office_id": other.offices[0]})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_field_error(&body, "office_id");

    let campaign = insert_campaign(&app, org.id, org.offices[0], "Spring enrolment", "draft", Some(id));
    let (status, body) = app.patch(&path, &admin, json!({"office_id": org.offices[1]})).await;
    assert_eq!(status, StatusCode::CONFLICT, "a draft campaign uses it: {body}");
    assert!(body["detail"].as_str().unwrap().contains("Spring enrolment"), "{body}");
    assert_eq!(body["extensions"]["campaign"]["id"], campaign);
    let (status, _) = app.patch(&path, &admin, json!({"name": "Renamed while in use"})).await;
    assert_eq!(status, StatusCode::OK, "other edits are fine while in use");

    set_campaign_state(&app, campaign, "archived");
    let (status, moved) = app.patch(&path, &admin, json!({"office_id": org.offices[1]})).await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(moved["office_id"], org.offices[1]);

    let mut conn = app.app_state.pool.get().unwrap();
    let actions: Vec<String> = tidings_api::db::audit::for_entity(&mut conn, org.id, "phone_number", id)
        .unwrap()
        .into_iter()
        .map(|entry| entry.action)
        .collect();
    assert_eq!(actions, ["created", "updated", "updated", "updated", "updated"]);
}

#[actix_web::test]
async fn releasing_gives_the_number_back_unless_a_campaign_uses_it() {
    let app = TestApp::spawn().await;
    let org = app.seed_default_org("alpha");
    let admin = app.login("admin@alpha.test").await;
    let number = provision(&app, &admin, org.offices[0], "Outreach").await;
    let id = number["id"].as_i64().unwrap();
    let sid = number["provider_sid"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/phone-numbers/{id}");

    let campaign = insert_campaign(&app, org.id, org.offices[0], "Fall welcome", "active", Some(id));
    let (status, body) = app.delete(&path, &admin).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body["detail"].as_str().unwrap().contains("Fall welcome"), "{body}");
    assert_eq!(body["extensions"]["campaign"], json!({"id": campaign, "title": "Fall welcome", "state": "active"}));
    assert!(!app.simulator.was_released(&sid));
    let (_, read) = app.get(&path, &admin).await;
    assert_eq!(read["status"], "active");

    set_campaign_state(&app, campaign, "archived");
    let (status, released) = app.delete(&path, &admin).await;
    assert_eq!(status, StatusCode::OK, "{released}");
    assert_eq!(released["status"], "released");
    assert!(released["released_at"].is_string());
    assert!(app.simulator.was_released(&sid), "the provider took it back");

    let (status, again) = app.delete(&path, &admin).await;
    assert_eq!(status, StatusCode::OK, "releasing twice is harmless");
    assert_eq!(again["released_at"], released["released_at"]);
    let (status, body) = app.patch(&path, &admin, json!({"name": "Back"})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");

    let (_, active) = app.get("/api/v1/phone-numbers", &admin).await;
    assert_eq!(ids(&active), Vec::<i64>::new(), "active numbers by default");
    let (_, history) = app.get("/api/v1/phone-numbers?status=released", &admin).await;
    assert_eq!(ids(&history), [id]);

    // A released number may be registered again.
    let (status, again) = app
        .post(
            "/api/v1/phone-numbers",
            &admin,
            json!({"mode": "register", "name": "Outreach again", "office_id": org.offices[0],
                   "e164": number["e164"], "number_type": "simulator"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{again}");
    assert_ne!(again["id"], number["id"]);
}

#[actix_web::test]
async fn single_use_numbers_are_provisioned_and_released_for_a_campaign() {
    let app = TestApp::spawn().await;
    let org = app.seed_default_org("alpha");
    let admin = app.login("admin@alpha.test").await;
    let state = &app.app_state;
    let campaign = insert_campaign(&app, org.id, org.offices[0], "Spring enrolment", "active", None);

    let row = provision_single_use(state, org.id, org.offices[0], campaign, "Spring enrolment").await.unwrap();
    assert_eq!(row.kind, tidings_domain::campaign::PhoneNumberKind::SingleUse);
    assert_eq!(row.status, tidings_domain::phone_number::PhoneNumberStatus::Active);
    assert_eq!(row.campaign_id, Some(campaign));
    assert_eq!(row.office_id, org.offices[0]);
    assert_eq!(row.name, "Single-use: Spring enrolment");
    let sid = row.provider_sid.clone().unwrap();
    let again = provision_single_use(state, org.id, org.offices[0], campaign, "Spring enrolment").await.unwrap();
    assert_eq!(again.id, row.id, "a retried launch finds its number");
    let error = provision_single_use(state, org.id, 999_999, campaign + 1, "Elsewhere").await.unwrap_err();
    assert_eq!(error.status().as_u16(), 404);

    let path = format!("/api/v1/phone-numbers/{}", row.id);
    let (status, number) = app.get(&path, &admin).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(number["kind"], "single_use");
    assert_eq!(number["campaign_id"], campaign);
    let (_, list) = app.get("/api/v1/phone-numbers?kind=single_use", &admin).await;
    assert_eq!(ids(&list), [row.id]);
    let (_, list) = app.get("/api/v1/phone-numbers?kind=reusable", &admin).await;
    assert_eq!(ids(&list), Vec::<i64>::new());
    let (status, _) = app.patch(&path, &admin, json!({"name": "Mine now"})).await;
    assert_eq!(status, StatusCode::CONFLICT, "single-use numbers follow their campaign");
    let (status, _) = app.delete(&path, &admin).await;
    assert_eq!(status, StatusCode::CONFLICT, "its campaign is active");

    // What the campaign work checks when a reusable number is chosen.
    let main = register(&app, &admin, org.offices[0], "+14155550100", "Main line").await;
    let west = register(&app, &admin, org.offices[1], "+14155550101", "West line").await;
    {
        let mut conn = state.pool.get().unwrap();
        let main_id = main["id"].as_i64().unwrap();
        let chosen = number_for_campaign(&mut conn, org.id, org.offices[0], main_id).unwrap().unwrap();
        assert_eq!(chosen.id, main_id);
        let mut check = |id| number_for_campaign(&mut conn, org.id, org.offices[0], id).unwrap().unwrap_err();
        assert_eq!(check(west["id"].as_i64().unwrap()), UnusableNumber::OtherOffice);
        assert_eq!(check(row.id), UnusableNumber::SingleUse);
        assert_eq!(check(999_999), UnusableNumber::NotFound);
        assert!(!UnusableNumber::Released.reason().is_empty());
    }

    release_single_use(state, row.id).await.unwrap();
    assert!(app.simulator.was_released(&sid));
    let (_, number) = app.get(&path, &admin).await;
    assert_eq!(number["status"], "released");
    assert!(number["released_at"].is_string());
    release_single_use(state, row.id).await.expect("releasing twice is harmless");
    let error = release_single_use(state, main["id"].as_i64().unwrap()).await.unwrap_err();
    assert_eq!(error.status().as_u16(), 409, "reusable numbers are not released with a campaign");
    {
        let mut conn = state.pool.get().unwrap();
        let released = number_for_campaign(&mut conn, org.id, org.offices[0], row.id).unwrap().unwrap_err();
        assert_eq!(released, UnusableNumber::Released);
        let actions: Vec<String> = tidings_api::db::audit::for_entity(&mut conn, org.id, "phone_number", row.id)
            .unwrap()
            .into_iter()
            .map(|entry| entry.action)
            .collect();
        assert_eq!(actions, ["provisioned", "released"]);
    }

    // A new campaign gets a new number; the released one stays in history.
    let next = insert_campaign(&app, org.id, org.offices[0], "Summer", "draft", None);
    let fresh = provision_single_use(state, org.id, org.offices[0], next, "Summer").await.unwrap();
    assert_ne!(fresh.id, row.id);
}
