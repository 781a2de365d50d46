//! Contact lists: CSV and JSON imports with per-row reports, browsing, visibility by
//! office and organisation, and deletion guarded by campaigns.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a failed unwrap fails the test, which is the point")]

mod common;

use chrono::Utc;
use common::{read, TestApp, TestOptions};
use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use tidings_api::db::opt_outs::{insert as insert_opt_out, NewOptOut};
use tidings_api::db::schema::{campaigns, opt_outs};
use tidings_domain::opt_out_wire::OptOutSource;

/// A multipart body part: name, optional file name, content.
struct Part<'a> {
    name: &'a str,
    file_name: Option<&'a str>,
    content: &'a [u8],
}

fn text<'a>(name: &'a str, value: &'a str) -> Part<'a> {
    Part { name, file_name: None, content: value.as_bytes() }
}

fn file(content: &[u8]) -> Part<'_> {
    Part { name: "file", file_name: Some("contacts.csv"), content }
}

/// Posts a `multipart/form-data` body built by hand (the test client has no multipart
/// support compiled in).
async fn upload(app: &TestApp, token: &str, parts: &[Part<'_>]) -> (StatusCode, Value) {
    let boundary = "----tidings-test-boundary-7d1f0a";
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match part.file_name {
            Some(file_name) => body.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{}\"; filename=\"{file_name}\"\r\nContent-Type: text/csv\r\n\r\n",
                    part.name
                )
                .as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{}\"\r\n\r\n", part.name).as_bytes(),
            ),
        }
        body.extend_from_slice(part.content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let response = app
        .client
        .post(app.url("/api/v1/contact-lists"))
        .bearer_auth(token)
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .body(body)
        .send()
        .await
        .unwrap();
    read(response).await
}

async fn upload_csv(app: &TestApp, token: &str, name: &str, office_id: i64, csv: &str) -> (StatusCode, Value) {
    let office = office_id.to_string();
    upload(app, token, &[text("name", name), text("office_id", &office), file(csv.as_bytes())]).await
}

const SIMPLE_CSV: &str = "First Name,Last Name,Phone\nAda,Lovelace,202-555-0101\nAlan,Turing,202-555-0102\n";

fn opt_out(app: &TestApp, organisation_id: i64, phone: &str, lifted: bool) {
    suppress_as(app, organisation_id, phone, lifted, OptOutSource::Manual);
}

fn suppress_as(app: &TestApp, organisation_id: i64, phone: &str, lifted: bool, source: OptOutSource) {
    let mut conn = app.app_state.pool.get().unwrap();
    let now = Utc::now().naive_utc();
    let id = insert_opt_out(
        &mut conn,
        &NewOptOut {
            organisation_id,
            phone,
            source,
            campaign_id: None,
            created_by: None,
            created_at: now,
            reason: None,
        },
    )
    .unwrap();
    if lifted {
        diesel::update(opt_outs::table.filter(opt_outs::id.eq(id)))
            .set((opt_outs::lifted_at.eq(Some(now)), opt_outs::lift_reason.eq(Some("texted START"))))
            .execute(&mut conn)
            .unwrap();
    }
}

/// A campaign row written directly (this branch has no campaign API yet).
fn campaign(app: &TestApp, organisation_id: i64, office_id: i64, state: &str, contact_list_id: i64) -> i64 {
    let mut conn = app.app_state.pool.get().unwrap();
    let now = Utc::now().naive_utc();
    diesel::insert_into(campaigns::table)
        .values((
            campaigns::organisation_id.eq(organisation_id),
            campaigns::office_id.eq(office_id),
            campaigns::title.eq(format!("{state} campaign")),
            campaigns::state.eq(state),
            campaigns::operated_by.eq("agent"),
            campaigns::wants_single_use.eq(false),
            campaigns::contact_list_id.eq(Some(contact_list_id)),
            campaigns::message_template.eq("Hi {first_name}"),
            campaigns::append_opt_out.eq(true),
            campaigns::time_zone.eq("America/New_York"),
            campaigns::launched_at.eq((state != "draft").then_some(now)),
            campaigns::created_at.eq(now),
            campaigns::updated_at.eq(now),
        ))
        .returning(campaigns::id)
        .get_result(&mut conn)
        .unwrap()
}

fn campaign_list_id(app: &TestApp, campaign_id: i64) -> Option<i64> {
    let mut conn = app.app_state.pool.get().unwrap();
    campaigns::table.filter(campaigns::id.eq(campaign_id)).select(campaigns::contact_list_id).first(&mut conn).unwrap()
}

fn names(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| format!("{} {}", c["first_name"].as_str().unwrap(), c["last_name"].as_str().unwrap()))
        .collect()
}

#[actix_web::test]
async fn a_csv_upload_maps_common_headers_keeps_every_column_and_reports_each_row() {
    let app = TestApp::spawn().await;
    let org = app.seed_default_org("alpha");
    let manager = app.login("manager@alpha.test").await;
    opt_out(&app, org.id, "+12025550104", false);
    opt_out(&app, org.id, "+12025550105", true);

    let csv = "First Name,Last Name,Mobile,Student ID,Program\n\
               Ada,Lovelace,(202) 555-0101,S001,Mathematics\n\
               Alan,Turing,not a number,S002,Computing\n\
               Grace,,202-555-0103,S003,Navy\n\
               Ada,Byron,+1 202 555 0101,S004,Poetry\n\
               Edsger,Dijkstra,202.555.0104,S005,Algorithms\n\
               Barbara,Liskov,2025550105,S006,\"Systems, Languages\"\n";
    let (status, body) = upload_csv(&app, &manager, " Fall intake ", org.offices[0], csv).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let list = &body["contact_list"];
    assert_eq!(list["name"], "Fall intake");
    assert_eq!(list["office_name"], "Main");
    assert_eq!(list["field_names"], json!(["Student ID", "Program"]));
    assert_eq!(list["contact_count"], 3);

    let report = &body["report"];
    assert_eq!(report["rows_read"], 6);
    assert_eq!(report["imported"], 3);
    assert_eq!(report["invalid"], 2);
    assert_eq!(report["duplicates"], 1);
    assert_eq!(report["opted_out"], 1);
    let problems = report["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 3);
    assert_eq!(problems[0]["row"], 2);
    assert_eq!(problems[0]["field"], "phone");
    assert_eq!(problems[0]["kind"], "invalid_phone");
    assert_eq!(problems[0]["value"], "not a number");
    assert_eq!(problems[1]["row"], 3);
    assert_eq!(problems[1]["field"], "last_name");
    assert_eq!(problems[1]["kind"], "missing_value");
    assert_eq!(problems[2]["row"], 4);
    assert_eq!(problems[2]["kind"], "duplicate");
    assert_eq!(problems[2]["duplicate_of"], 1);
    assert!(problems.iter().all(|p| p["reason"].as_str().is_some_and(|r| !r.is_empty())));
    assert_eq!(
        report["opted_out_rows"],
        json!([{"row": 5, "phone": "+12025550104", "undeliverable": false}]),
        "a lifted opt-out is no flag"
    );
    assert_eq!(report["problems_truncated"], false);

    let id = list["id"].as_i64().unwrap();
    let (status, shown) = app.get(&format!("/api/v1/contact-lists/{id}"), &manager).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(shown["contact_count"], 3);
    assert_eq!(shown["field_names"], json!(["Student ID", "Program"]));
    assert_eq!(shown["deletable"], true);
    assert_eq!(shown["in_use_by_campaigns"], 0);

    let (status, page) = app.get(&format!("/api/v1/contact-lists/{id}/contacts"), &manager).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(names(&page), ["Ada Lovelace", "Edsger Dijkstra", "Barbara Liskov"]);
    let ada = &page["items"][0];
    assert_eq!(ada["phone"], "+12025550101");
    assert_eq!(ada["row_number"], 1);
    assert_eq!(
        ada["fields"],
        json!([{"name": "Student ID", "value": "S001"}, {"name": "Program", "value": "Mathematics"}])
    );
    assert_eq!(ada["opted_out"], false);
    assert_eq!(page["items"][1]["opted_out"], true);
    assert_eq!(page["items"][2]["fields"][1]["value"], "Systems, Languages");
    assert!(page["next_cursor"].is_null());
}

#[actix_web::test]
async fn integrations_import_json_rows_with_an_api_key() {
    let app = TestApp::spawn().await;
    let org = app.seed_default_org("alpha");
    let admin = app.login("admin@alpha.test").await;
    let (_, key) = app.post("/api/v1/api-keys", &admin, json!({"name": "SIS sync", "user_id": org.users[1]})).await;
    let key = key["key"].as_str().unwrap().to_owned();

    // Written out by hand: `json!` would sort the field names, and their order is the
    // list's field order.
    let rows = r#"{
        "name": "From the SIS",
        "office_id": OFFICE,
        "rows": [
            {"first_name": "Ada", "last_name": "Lovelace", "phone": "(213) 555-0101",
             "fields": {"Program": "Math", "Cohort": 2026}},
            {"first_name": "Alan", "last_name": "Turing", "phone": 2135550102, "fields": {"cohort": "2027"}},
            {"first_name": "Grace", "phone": "213-555-0103"}
        ]
    }"#
    .replace("OFFICE", &org.offices[1].to_string());
    let response = app
        .client
        .post(app.url("/api/v1/contact-lists"))
        .bearer_auth(&key)
        .header("content-type", "application/json")
        .body(rows)
        .send()
        .await
        .unwrap();
    let (status, body) = read(response).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["contact_list"]["office_name"], "West");
    assert_eq!(body["contact_list"]["field_names"], json!(["Program", "Cohort"]));
    assert_eq!(body["report"]["imported"], 2);
    assert_eq!(body["report"]["problems"][0]["row"], 3);
    assert_eq!(body["report"]["problems"][0]["field"], "last_name");

    let id = body["contact_list"]["id"].as_i64().unwrap();
    let (_, page) = app.get(&format!("/api/v1/contact-lists/{id}/contacts"), &key).await;
    assert_eq!(page["items"][1]["phone"], "+12135550102");
    assert_eq!(
        page["items"][1]["fields"],
        json!([{"name": "Program", "value": ""}, {"name": "Cohort", "value": "2027"}])
    );

    let (status, body) = app
        .post(
            "/api/v1/contact-lists",
            &key,
            json!({"name": "x", "office_id": org.offices[0], "rows": [{"phone": "1"}]}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "no valid row");
    common::assert_field_error(&body, "rows");
    assert_eq!(body["extensions"]["report"]["problems"][0]["field"], "first_name");
    let (status, body) = app
        .post("/api/v1/contact-lists", &key, json!({"name": "x", "office_id": org.offices[0], "rows": [{"phone": {}}]}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    common::assert_field_error(&body, "rows[0].phone");
}

#[actix_web::test]
async fn a_file_without_one_valid_row_is_refused_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let org = app.seed_default_org("alpha");
    let manager = app.login("manager@alpha.test").await;

    let csv = "First Name,Last Name,Phone\nAda,,202-555-0101\n,Turing,202-555-0102\nGrace,Hopper,12\n";
    let (status, body) = upload_csv(&app, &manager, "Broken", org.offices[0], csv).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    common::assert_field_error(&body, "file");
    let report = &body["extensions"]["report"];
    assert_eq!(report["rows_read"], 3);
    assert_eq!(report["imported"], 0);
    assert_eq!(report["invalid"], 3);
    let rows: Vec<i64> = report["problems"].as_array().unwrap().iter().map(|p| p["row"].as_i64().unwrap()).collect();
    assert_eq!(rows, [1, 2, 3]);

    let (status, lists) = app.get("/api/v1/contact-lists", &manager).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(lists["items"], json!([]), "nothing was stored");
}

#[actix_web::test]
async fn files_missing_a_required_column_or_any_rows_are_refused() {
    let app = TestApp::spawn().await;
    let org = app.seed_default_org("alpha");
    let manager = app.login("manager@alpha.test").await;
    let office = org.offices[0];

    let (status, body) =
        upload_csv(&app, &manager, "No phones", office, "First Name,Last Name,Email\nAda,Lovelace,ada@x.test\n").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    common::assert_field_error(&body, "file");
    assert_eq!(body["extensions"]["missing_columns"], json!(["phone"]));
    assert!(body["errors"][0]["reason"].as_str().unwrap().contains("phone"));

    for csv in ["", "First Name,Last Name,Phone\n"] {
        let (status, body) = upload_csv(&app, &manager, "Empty", office, csv).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{csv:?}");
        common::assert_field_error(&body, "file");
    }

    let (status, body) = upload(&app, &manager, &[text("office_id", "abc")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["name", "office_id", "file"] {
        common::assert_field_error(&body, field);
    }

    // A headerless file with an explicit mapping imports.
    let mapping = r#"{"first_name": 1, "last_name": 2, "phone": 0, "fields": [{"column": 3, "name": "Program"}]}"#;
    let office_text = office.to_string();
    let (status, body) = upload(
        &app,
        &manager,
        &[
            text("name", "Mapped"),
            text("office_id", &office_text),
            text("has_header", "false"),
            text("mapping", mapping),
            file(b"2025550101,Ada,Lovelace,Math\n2025550102,Alan,Turing,CS\n"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["contact_list"]["field_names"], json!(["Program"]));
    assert_eq!(body["report"]["imported"], 2);

    let response = app
        .client
        .post(app.url("/api/v1/contact-lists"))
        .bearer_auth(&manager)
        .header("content-type", "text/csv")
        .body(SIMPLE_CSV)
        .send()
        .await
        .unwrap();
    assert_eq!(read(response).await.0, StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[actix_web::test]
async fn a_hundred_thousand_rows_import_in_one_request() {
    let app = TestApp::spawn().await;
    let org = app.seed_default_org("alpha");
    let manager = app.login("manager@alpha.test").await;

    let rows = 100_000;
    let mut csv = String::with_capacity(rows * 60);
    csv.push_str("first_name,last_name,cell,Student ID,Program\n");
    for i in 0..rows {
        // 202-2XX-XXXX: ten exchanges of ten thousand lines.
        csv.push_str(&format!(
            "First{i},Last{i},(202) {} {:04},S{i:06},Program {}\n",
            200 + i / 10_000,
            i % 10_000,
            i % 7
        ));
    }
    let started = std::time::Instant::now();
    let (status, body) = upload_csv(&app, &manager, "Everyone", org.offices[0], &csv).await;
    eprintln!(
        "100k-row import ({}, {} bytes) took {:?}",
        if app.database.is_postgres() { "postgres" } else { "sqlite" },
        csv.len(),
        started.elapsed()
    );
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["report"]["imported"], 100_000);
    assert_eq!(body["report"]["problems"], json!([]));

    let id = body["contact_list"]["id"].as_i64().unwrap();
    let (_, shown) = app.get(&format!("/api/v1/contact-lists/{id}"), &manager).await;
    assert_eq!(shown["contact_count"], 100_000);
    let (_, found) = app.get(&format!("/api/v1/contact-lists/{id}/contacts?q=First99999%20Last99999"), &manager).await;
    assert_eq!(names(&found), ["First99999 Last99999"]);
    assert_eq!(found["items"][0]["phone"], "+12022099999");
    assert_eq!(found["items"][0]["row_number"], 100_000);
}

#[actix_web::test]
async fn contacts_are_searched_and_paged_by_cursor() {
    let app = TestApp::spawn().await;
    let org = app.seed_default_org("alpha");
    let agent = app.login("agent@alpha.test").await;
    let csv = "First Name,Last Name,Phone\n\
               Ada,Lovelace,202-555-0101\n\
               Alan,Turing,202-555-0102\n\
               Grace,Hopper,202-555-0103\n\
               Annie,Easley,202-555-0104\n\
               Katherine,Johnson,202-555-0105\n\
               Dorothy,Vaughan,202-555-0106\n\
               Mary,Jackson,202-555-0107\n";
    let (status, body) = upload_csv(&app, &agent, "Pioneers", org.offices[0], csv).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let base = format!("/api/v1/contact-lists/{}/contacts", body["contact_list"]["id"]);

    let mut seen = Vec::new();
    let mut path = format!("{base}?limit=3");
    loop {
        let (status, page) = app.get(&path, &agent).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page["items"].as_array().unwrap().len() <= 3);
        seen.extend(names(&page));
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("{base}?limit=3&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen.len(), 7);
    assert_eq!(seen[0], "Ada Lovelace");
    assert_eq!(seen[6], "Mary Jackson");

    for (q, expected) in [
        ("an", vec!["Alan Turing", "Annie Easley", "Dorothy Vaughan"]),
        ("ANN", vec!["Annie Easley"]),
        ("hopper", vec!["Grace Hopper"]),
        ("katherine johnson", vec!["Katherine Johnson"]),
        ("(202) 555-0106", vec!["Dorothy Vaughan"]),
        ("5550107", vec!["Mary Jackson"]),
        ("zzz", vec![]),
        ("100%", vec![]),
    ] {
        let encoded = q.replace('%', "%25").replace(' ', "%20").replace('(', "%28").replace(')', "%29");
        let (status, page) = app.get(&format!("{base}?q={encoded}"), &agent).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(names(&page), expected, "q={q}");
    }
    let (_, page) = app.get(&format!("{base}?q=a&limit=2"), &agent).await;
    let cursor = page["next_cursor"].as_str().unwrap().to_owned();
    let (_, next) = app.get(&format!("{base}?q=a&limit=2&cursor={cursor}"), &agent).await;
    assert_eq!(names(&page), ["Ada Lovelace", "Alan Turing"]);
    assert_eq!(names(&next), ["Grace Hopper", "Annie Easley"], "the search carries on after the cursor");

    let (status, body) = app.get(&format!("{base}?cursor=abc"), &agent).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    common::assert_field_error(&body, "cursor");
    let (status, body) = app.get(&format!("{base}?limit=0"), &agent).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    common::assert_field_error(&body, "limit");
}

#[actix_web::test]
async fn lists_are_seen_only_in_their_offices_and_organisation() {
    let app = TestApp::spawn().await;
    let alpha = app.seed_default_org("alpha");
    app.seed_default_org("beta");
    let admin = app.login("admin@alpha.test").await;
    let manager = app.login("manager@alpha.test").await;
    let agent = app.login("agent@alpha.test").await;
    let limited = app.login("limited@alpha.test").await;
    let beta_admin = app.login("admin@beta.test").await;

    let (status, main) = upload_csv(&app, &admin, "Main list", alpha.offices[0], SIMPLE_CSV).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, west) = upload_csv(&app, &manager, "West list", alpha.offices[1], SIMPLE_CSV).await;
    assert_eq!(status, StatusCode::CREATED);
    let main = format!("/api/v1/contact-lists/{}", main["contact_list"]["id"]);
    let west = format!("/api/v1/contact-lists/{}", west["contact_list"]["id"]);

    let listed = |page: &Value| -> Vec<String> {
        page["items"].as_array().unwrap().iter().map(|l| l["name"].as_str().unwrap().to_owned()).collect()
    };
    let (_, page) = app.get("/api/v1/contact-lists", &manager).await;
    assert_eq!(listed(&page), ["West list", "Main list"], "newest first, every office");
    let (_, page) = app.get("/api/v1/contact-lists?q=WEST", &manager).await;
    assert_eq!(listed(&page), ["West list"]);
    let (_, page) = app.get(&format!("/api/v1/contact-lists?office_id={}", alpha.offices[0]), &manager).await;
    assert_eq!(listed(&page), ["Main list"]);

    // The limited user works in West; the agent sees Main only.
    let (_, page) = app.get("/api/v1/contact-lists", &limited).await;
    assert_eq!(listed(&page), ["West list"]);
    assert_eq!(app.get(&west, &limited).await.0, StatusCode::OK);
    assert_eq!(app.get(&format!("{west}/contacts"), &limited).await.0, StatusCode::OK);
    assert_eq!(app.get(&main, &limited).await.0, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&format!("{main}/contacts"), &limited).await.0, StatusCode::NOT_FOUND);
    let (_, page) = app.get("/api/v1/contact-lists", &agent).await;
    assert_eq!(listed(&page), ["Main list"]);
    assert_eq!(app.get(&west, &agent).await.0, StatusCode::NOT_FOUND);
    assert_eq!(app.delete(&west, &agent).await.0, StatusCode::NOT_FOUND);
    let (status, body) = upload_csv(&app, &agent, "Elsewhere", alpha.offices[1], SIMPLE_CSV).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "the agent cannot add lists to an office they do not see");
    common::assert_field_error(&body, "office_id");

    let (status, _) = upload_csv(&app, &limited, "Mine", alpha.offices[1], SIMPLE_CSV).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "limited users cannot import");
    assert_eq!(app.delete(&west, &limited).await.0, StatusCode::FORBIDDEN);

    for path in [&main, &west] {
        assert_eq!(app.get(path, &beta_admin).await.0, StatusCode::NOT_FOUND);
        assert_eq!(app.get(&format!("{path}/contacts"), &beta_admin).await.0, StatusCode::NOT_FOUND);
        assert_eq!(app.delete(path, &beta_admin).await.0, StatusCode::NOT_FOUND);
    }
    let (_, page) = app.get("/api/v1/contact-lists", &beta_admin).await;
    assert_eq!(page["items"], json!([]));
    let (status, body) = upload_csv(&app, &beta_admin, "Theirs", alpha.offices[0], SIMPLE_CSV).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "another organisation's office is not an office");
    common::assert_field_error(&body, "office_id");

    let (status, _) =
        app.patch(&format!("/api/v1/users/{}", alpha.users[1]), &admin, json!({"two_way_messaging": false})).await;
    assert_eq!(status, StatusCode::OK);
    let no_messaging = app.login("manager@alpha.test").await;
    assert_eq!(app.get("/api/v1/contact-lists", &no_messaging).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.get(&main, &no_messaging).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.get(&format!("{main}/contacts"), &no_messaging).await.0, StatusCode::FORBIDDEN);
    assert_eq!(upload_csv(&app, &no_messaging, "x", alpha.offices[0], SIMPLE_CSV).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.delete(&main, &no_messaging).await.0, StatusCode::FORBIDDEN);
}

#[actix_web::test]
async fn a_list_used_by_a_campaign_that_left_draft_cannot_be_deleted() {
    let app = TestApp::spawn().await;
    let org = app.seed_default_org("alpha");
    let manager = app.login("manager@alpha.test").await;

    let (_, held) = upload_csv(&app, &manager, "Held", org.offices[0], SIMPLE_CSV).await;
    let held_id = held["contact_list"]["id"].as_i64().unwrap();
    let (_, free) = upload_csv(&app, &manager, "Free", org.offices[0], SIMPLE_CSV).await;
    let free_id = free["contact_list"]["id"].as_i64().unwrap();
    campaign(&app, org.id, org.offices[0], "active", held_id);
    let draft = campaign(&app, org.id, org.offices[0], "draft", free_id);

    let (_, shown) = app.get(&format!("/api/v1/contact-lists/{held_id}"), &manager).await;
    assert_eq!(shown["in_use_by_campaigns"], 1);
    assert_eq!(shown["deletable"], false);
    let (status, body) = app.delete(&format!("/api/v1/contact-lists/{held_id}"), &manager).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body["detail"].as_str().unwrap().contains("Held"), "{body}");
    assert_eq!(body["extensions"]["in_use_by_campaigns"], 1);
    assert_eq!(
        app.get(&format!("/api/v1/contact-lists/{held_id}/contacts"), &manager).await.1["items"]
            .as_array()
            .unwrap()
            .len(),
        2,
        "the contacts stay"
    );

    let (_, shown) = app.get(&format!("/api/v1/contact-lists/{free_id}"), &manager).await;
    assert_eq!(shown["deletable"], true, "a draft does not hold its list");
    let (status, _) = app.delete(&format!("/api/v1/contact-lists/{free_id}"), &manager).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(app.get(&format!("/api/v1/contact-lists/{free_id}"), &manager).await.0, StatusCode::NOT_FOUND);
    assert_eq!(campaign_list_id(&app, draft), None, "the draft lost its list");
    let (_, page) = app.get("/api/v1/contact-lists", &manager).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);

    let mut conn = app.app_state.pool.get().unwrap();
    let actions = |conn: &mut _, id| -> Vec<String> {
        tidings_api::db::audit::for_entity(conn, org.id, "contact_list", id)
            .unwrap()
            .into_iter()
            .map(|entry| entry.action)
            .collect()
    };
    assert_eq!(actions(&mut conn, free_id), ["created", "deleted"]);
    assert_eq!(actions(&mut conn, held_id), ["created"], "a refused delete changes nothing");
}

#[actix_web::test]
async fn imports_have_their_own_size_limit() {
    let app = TestApp::spawn_with(TestOptions { max_upload_bytes: 4096, ..TestOptions::default() }).await;
    let org = app.seed_default_org("alpha");
    let manager = app.login("manager@alpha.test").await;

    let (status, _) = upload_csv(&app, &manager, "Small", org.offices[0], SIMPLE_CSV).await;
    assert_eq!(status, StatusCode::CREATED);
    let mut big = String::from("First Name,Last Name,Phone\n");
    for i in 0..200 {
        big.push_str(&format!("First{i},Last{i},202-555-{i:04}\n"));
    }
    let (status, body) = upload_csv(&app, &manager, "Big", org.offices[0], &big).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    let rows: Vec<Value> =
        (0..200).map(|i| json!({"first_name": "F", "last_name": "L", "phone": format!("202-555-{i:04}")})).collect();
    let (status, _) = app
        .post("/api/v1/contact-lists", &manager, json!({"name": "Big", "office_id": org.offices[0], "rows": rows}))
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let (_, page) = app.get("/api/v1/contact-lists", &manager).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn the_import_report_marks_numbers_that_cannot_receive_texts_apart_from_opt_outs() {
    let app = TestApp::spawn().await;
    let org = app.seed_default_org("alpha");
    let manager = app.login("manager@alpha.test").await;
    suppress_as(&app, org.id, "+12025550102", false, OptOutSource::Undeliverable);
    let (status, body) = upload_csv(&app, &manager, "Landlines", org.offices[0], SIMPLE_CSV).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let report = &body["report"];
    assert_eq!((report["opted_out"].as_u64(), report["undeliverable"].as_u64()), (Some(0), Some(1)), "{report}");
    assert_eq!(report["opted_out_rows"][0]["phone"], "+12025550102");
    assert_eq!(report["opted_out_rows"][0]["undeliverable"], true);
}

#[actix_web::test]
async fn the_cost_of_texting_a_list_counts_each_eligible_contacts_own_segments_at_the_organisations_price() {
    let app = TestApp::spawn().await;
    let org = app.seed_default_org("alpha");
    let admin = app.login("admin@alpha.test").await;
    let manager = app.login("manager@alpha.test").await;
    let rows = json!([
        {"first_name": "Ada", "last_name": "L", "phone": "+14155550101", "fields": {"Note": ""}},
        // A long merge value: this contact's message takes two segments.
        {"first_name": "Bo", "last_name": "K", "phone": "+14155550102", "fields": {"Note": "x".repeat(200)}},
        {"first_name": "Cy", "last_name": "O", "phone": "+14155550103", "fields": {"Note": ""}},
        {"first_name": "Di", "last_name": "U", "phone": "+14155550104", "fields": {"Note": ""}},
    ]);
    let body = json!({"name": "Costed", "office_id": org.offices[0], "rows": rows});
    let (status, list) = app.post("/api/v1/contact-lists", &manager, body).await;
    assert_eq!(status, StatusCode::CREATED, "{list}");
    let list = list["contact_list"]["id"].as_i64().unwrap();
    suppress_as(&app, org.id, "+14155550103", false, OptOutSource::Keyword);
    suppress_as(&app, org.id, "+14155550104", false, OptOutSource::Undeliverable);
    let number = app.insert_number(
        org.id,
        org.offices[0],
        "+18885550100",
        common::NumberSpec { kind: "reusable", number_type: "toll_free" },
    );
    let estimate = |body: Value| {
        let (app, manager) = (&app, &manager);
        async move { app.post(&format!("/api/v1/contact-lists/{list}/estimate"), manager, body).await }
    };

    let (status, cost) = estimate(json!({"message_template": "Hi {first_name} {Note}", "append_opt_out": false})).await;
    assert_eq!(status, StatusCode::OK, "{cost}");
    assert_eq!(
        (cost["contacts"].as_i64(), cost["eligible"].as_i64(), cost["segments"].as_i64()),
        (Some(4), Some(2), Some(3)),
        "{cost}"
    );
    assert_eq!((cost["skipped_opted_out"].as_i64(), cost["skipped_undeliverable"].as_i64()), (Some(1), Some(1)));
    assert_eq!(cost["number_type"], "long_code", "no number chosen yet: a long code");
    assert_eq!(cost["price_per_segment"], "0.0083");
    assert_eq!(cost["estimated_cost"], "0.02", "3 × $0.0083 = $0.0249");
    assert_eq!(cost["summary"], "about 3 segments, ≈ $0.02");

    // An administrator's price for toll-free numbers applies to a toll-free number.
    let prices = json!({"segment_prices": {"long_code": "0.0083", "toll_free": "0.5", "short_code": "0.01"}});
    let (status, settings) = app.patch("/api/v1/organisation", &admin, prices).await;
    assert_eq!(status, StatusCode::OK, "{settings}");
    assert_eq!(settings["segment_prices"]["toll_free"], "0.5");
    let body = json!({"message_template": "Hi {first_name} {Note}", "append_opt_out": false,
                      "phone_number": {"kind": "reusable", "id": number}});
    let (status, cost) = estimate(body).await;
    assert_eq!(status, StatusCode::OK, "{cost}");
    assert_eq!((&cost["number_type"], &cost["estimated_cost"]), (&json!("toll_free"), &json!("1.50")));

    // Bad input is named; other people's lists do not exist.
    let (status, problem) = app
        .patch(
            "/api/v1/organisation",
            &admin,
            json!({"segment_prices": {"long_code": "-1", "toll_free": "2", "short_code": "0"}}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    common::assert_field_error(&problem, "segment_prices.long_code");
    common::assert_field_error(&problem, "segment_prices.toll_free");
    let (status, problem) = estimate(json!({"message_template": "x".repeat(1601)})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    common::assert_field_error(&problem, "message_template");
    let (status, problem) =
        estimate(json!({"message_template": "Hi", "phone_number": {"kind": "reusable", "id": 999_999}})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    common::assert_field_error(&problem, "phone_number.id");
    app.seed_default_org("beta");
    let outsider = app.login("manager@beta.test").await;
    let (status, _) =
        app.post(&format!("/api/v1/contact-lists/{list}/estimate"), &outsider, json!({"message_template": "Hi"})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn a_list_has_at_most_fifty_columns() {
    let app = TestApp::spawn().await;
    let org = app.seed_default_org("alpha");
    let manager = app.login("manager@alpha.test").await;
    let office = org.offices[0];
    let csv_of = |extra: usize| {
        let names: Vec<String> = (1..=extra).map(|i| format!("Field {i}")).collect();
        let values: Vec<String> = (1..=extra).map(|i| format!("v{i}")).collect();
        format!("First Name,Last Name,Phone,{}\nAda,Lovelace,+14155552001,{}\n", names.join(","), values.join(","))
    };
    let (status, body) = upload_csv(&app, &manager, "Wide", office, &csv_of(47)).await;
    assert_eq!(status, StatusCode::CREATED, "fifty columns: {body}");
    let (status, problem) = upload_csv(&app, &manager, "Too wide", office, &csv_of(48)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    common::assert_field_error(&problem, "file");
    assert!(problem.to_string().contains("at most 50"), "{problem}");

    let row = |extra: usize| {
        let fields: serde_json::Map<String, Value> = (1..=extra).map(|i| (format!("Field {i}"), json!("v"))).collect();
        json!({"first_name": "Ada", "last_name": "Lovelace", "phone": "+14155552001", "fields": fields})
    };
    let (status, problem) = app
        .post("/api/v1/contact-lists", &manager, json!({"name": "Rows", "office_id": office, "rows": [row(48)]}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    common::assert_field_error(&problem, "rows");
    let (status, body) = app
        .post("/api/v1/contact-lists", &manager, json!({"name": "Rows", "office_id": office, "rows": [row(47)]}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}
