//! Campaign insight: the Contacts tab (delivery states, search, filters, CSV export, SMS
//! preview, opt-out) and Analytics checked against recomputations from the raw messages
//! for campaigns with known histories — on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a failed unwrap fails the test, which is the point")]

mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::{phone, Org, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};
use tidings_api::clock::Clock;
use tidings_api::demo::history::{self as demo_history, Fate};
use tidings_api::jobs::{dispatcher, status_reports};

struct World {
    app: TestApp,
    org: Org,
    manager: String,
}

async fn world(start: DateTime<Utc>) -> World {
    let app = TestApp::spawn().await;
    app.clock.set(start);
    let org = app.seed_default_org("alpha");
    let manager = app.login("manager@alpha.test").await;
    World { app, org, manager }
}

impl World {
    async fn import(&self, rows: Vec<Value>) -> i64 {
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

    async fn campaign(&self, number: i64, list: i64, template: &str, time_zone: &str) -> i64 {
        let (status, campaign) = self
            .app
            .post(
                "/api/v1/campaigns",
                &self.manager,
                json!({
                    "title": "Insight",
                    "phone_number": {"kind": "reusable", "id": number},
                    "contact_list_id": list,
                    "message_template": template,
                    "agent_ids": [self.org.users[2], self.org.users[1]],
                    "time_zone": time_zone,
                }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{campaign}");
        campaign["id"].as_i64().unwrap()
    }

    async fn launch(&self, id: i64) {
        let (status, body) = self.app.post(&format!("/api/v1/campaigns/{id}/launch"), &self.manager, json!({})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }

    async fn contacts(&self, id: i64, query: &str) -> Value {
        let (status, page) = self.app.get(&format!("/api/v1/campaigns/{id}/contacts{query}"), &self.manager).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        page
    }

    async fn analytics(&self, id: i64) -> Value {
        // Signed in afresh: tests move the clock past the session's hour.
        let token = self.app.login("manager@alpha.test").await;
        let (status, analytics) = self.app.get(&format!("/api/v1/campaigns/{id}/analytics"), &token).await;
        assert_eq!(status, StatusCode::OK, "{analytics}");
        analytics
    }

    async fn messages(&self, id: i64) -> Vec<Value> {
        let token = self.app.login("manager@alpha.test").await;
        let (_, page) = self.app.get(&format!("/api/v1/campaigns/{id}/messages?limit=500"), &token).await;
        page["items"].as_array().unwrap().clone()
    }

    fn agent(&self, index: usize) -> tidings_api::auth::AuthUser {
        let mut conn = self.app.app_state.pool.get().unwrap();
        let row = tidings_api::db::users::find_any(&mut conn, self.org.users[index]).unwrap();
        tidings_api::auth::AuthUser::acting_as(row).unwrap()
    }
}

fn states(page: &Value) -> Vec<(String, String)> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["phone"].as_str().unwrap().to_owned(), c["delivery"].as_str().unwrap().to_owned()))
        .collect()
}

#[actix_web::test]
async fn the_contacts_tab_shows_each_contacts_delivery_state() {
    let w = world(Utc.with_ymd_and_hms(2026, 3, 2, 15, 0, 0).unwrap()).await;
    let rows = vec![
        json!({"first_name": "Ada", "last_name": "Lovelace", "phone": phone(1), "fields": {"Program": "=SUM(A1)"}}),
        json!({"first_name": "Bo", "last_name": "Refused", "phone": phone(2), "fields": {"Program": "Art"}}),
        json!({"first_name": "Cy", "last_name": "Retry", "phone": phone(3), "fields": {"Program": "@cmd"}}),
        json!({"first_name": "Di", "last_name": "Opted", "phone": phone(4), "fields": {"Program": "Law"}}),
        json!({"first_name": "Ed", "last_name": "Long", "phone": phone(5), "fields": {"Program": "x".repeat(1700)}}),
        json!({"first_name": "Zoë", "last_name": "Pending", "phone": phone(6), "fields": {"Program": "Music 🎵"}}),
    ];
    let list = w.import(rows).await;
    let number =
        w.app.insert_number(w.org.id, w.org.offices[0], "+14155550100", common::NumberSpec::REUSABLE_SIMULATOR);
    let id = w.campaign(number, list, "Hi {first_name}, about {Program}", "America/New_York").await;
    let before = w.contacts(id, "").await;
    assert!(states(&before).iter().all(|(_, s)| s == "pending"), "before launch everyone is pending");
    assert_eq!(before["field_names"], json!(["Program"]));

    w.app.post("/api/v1/opt-outs", &w.manager, json!({"phone": phone(4)})).await;
    w.launch(id).await;
    w.app.simulator.script_failure(&phone(2), 21211);
    w.app.simulator.script_failure(&phone(3), 30003);
    dispatcher::run_until_idle(&w.app.app_state, "server-a").await.unwrap();
    let reports: Vec<_> = w.app.simulator.take_all_reports();
    let pending_sid: String =
        w.app.simulator.sent().into_iter().find(|s| s.to == phone(6)).map(|s| s.provider_message_id).unwrap();
    let delivered: Vec<_> = reports.into_iter().filter(|r| r.provider_message_id != pending_sid).collect();
    status_reports::apply_all(&w.app.app_state, delivered).await.unwrap();

    let page = w.contacts(id, "").await;
    assert_eq!(
        states(&page),
        vec![
            (phone(1), "delivered".to_owned()),
            (phone(2), "failed".to_owned()),
            (phone(3), "retrying".to_owned()),
            (phone(4), "opted_out".to_owned()),
            (phone(5), "failed".to_owned()),
            (phone(6), "pending".to_owned()),
        ]
    );
    let items = page["items"].as_array().unwrap();
    assert!(items[1]["failed_reason"].as_str().unwrap().contains("not a valid"));
    assert_eq!(items[1]["error_code"], 21211);
    assert!(items[2]["failed_reason"].as_str().unwrap().contains("unreachable"));
    assert!(items[4]["failed_reason"].as_str().unwrap().contains("1600"));
    assert_eq!(items[0]["fields"], json!([{"name": "Program", "value": "=SUM(A1)"}]));

    for (filter, expected) in [
        ("failed", vec![phone(2), phone(5)]),
        ("opted_out", vec![phone(4)]),
        ("retrying", vec![phone(3)]),
        ("pending", vec![phone(6)]),
        ("delivered", vec![phone(1)]),
    ] {
        let filtered = w.contacts(id, &format!("?delivery={filter}")).await;
        let phones: Vec<String> = states(&filtered).into_iter().map(|(p, _)| p).collect();
        assert_eq!(phones, expected, "{filter}");
    }
    assert_eq!(states(&w.contacts(id, "?q=lovelace").await), vec![(phone(1), "delivered".to_owned())]);
    assert_eq!(states(&w.contacts(id, "?q=2000006").await).len(), 1);
    let first = w.contacts(id, "?limit=4").await;
    let rest = w.contacts(id, &format!("?limit=4&cursor={}", first["next_cursor"].as_str().unwrap())).await;
    assert_eq!(states(&rest).len(), 2);
    let (status, problem) = w.app.get(&format!("/api/v1/campaigns/{id}/contacts?delivery=lost"), &w.manager).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");

    // The CSV: same rows, formulas neutralised.
    let response = w
        .app
        .client
        .get(w.app.url(&format!("/api/v1/campaigns/{id}/contacts.csv")))
        .bearer_auth(&w.manager)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let csv = response.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "First Name,Last Name,Phone,Program,Created At,Delivered,Failed Reason,Opted Out");
    assert_eq!(lines.len(), 7);
    assert!(lines[1].starts_with("Ada,Lovelace,'+14152000001,'=SUM(A1),"), "{}", lines[1]);
    assert!(lines[1].ends_with(",delivered,,no"), "{}", lines[1]);
    assert!(lines[4].ends_with(",opted_out,Not texted: the contact opted out.,yes"), "{}", lines[4]);
    assert!(lines[3].contains(",'@cmd,"), "{}", lines[3]);

    // The SMS preview.
    let zoe = items[5]["id"].as_i64().unwrap();
    let (status, preview) = w.app.get(&format!("/api/v1/campaigns/{id}/contacts/{zoe}/preview"), &w.manager).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(preview["body"], "Hi Zoë, about Music 🎵\nReply STOP to opt out.");
    assert_eq!(preview["segments"]["encoding"], "ucs2");
    assert_eq!(preview["segments"]["ucs2_chars"], json!(["ë", "🎵"]), "ë is not in GSM-7's table");
    let (status, _) = w.app.get(&format!("/api/v1/campaigns/{id}/contacts/999999/preview"), &w.manager).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Opting a contact out from the tab.
    let ada = items[0]["id"].as_i64().unwrap();
    let (status, opted) =
        w.app.post(&format!("/api/v1/campaigns/{id}/contacts/{ada}/opt-out"), &w.manager, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{opted}");
    // History stays true: the message was delivered before the opt-out, and says so;
    // the opt-out is a mark beside it, and the filters agree.
    assert_eq!(opted["delivery"], "delivered");
    assert_eq!(opted["opted_out"], true);
    assert_eq!(items[0]["opted_out"], false);
    assert_eq!(items[3]["opted_out"], true);
    let delivered = w.contacts(id, "?delivery=delivered").await;
    assert_eq!(states(&delivered), vec![(phone(1), "delivered".to_owned())]);
    assert_eq!(delivered["items"][0]["opted_out"], true);
    let skipped = w.contacts(id, "?delivery=opted_out").await;
    assert_eq!(states(&skipped), vec![(phone(4), "opted_out".to_owned())], "only who was not texted for it");
    let analytics = w.analytics(id).await;
    assert_eq!(analytics["send_status"]["successful"], 1, "{analytics}");

    w.app.seed_default_org("beta");
    let outsider = w.app.login("manager@beta.test").await;
    for path in [
        format!("/api/v1/campaigns/{id}/contacts"),
        format!("/api/v1/campaigns/{id}/analytics"),
        format!("/api/v1/campaigns/{id}/contacts/{zoe}/preview"),
        format!("/api/v1/campaigns/{id}/contacts.csv"),
    ] {
        let (status, _) = w.app.get(&path, &outsider).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
}

/// Minutes after launch, then a contact's reply (contact, text) or an agent's reply
/// (contact, agent user index).
type HistoryEvent<'a> = (i64, Option<(usize, &'a str)>, Option<(usize, usize)>);

/// Builds a campaign whose history is known: launched at `launch`, messages delivered a
/// minute later (one undelivered), then `replies` (contact index, minutes after launch,
/// text) and agent replies (contact index, minutes, agent user index).
async fn campaign_with_history(
    w: &World,
    time_zone: &str,
    contacts: usize,
    replies: &[(usize, i64, &str)],
    agent_replies: &[(usize, i64, usize)],
) -> (i64, DateTime<Utc>) {
    let rows =
        (1..=contacts).map(|i| json!({"first_name": format!("C{i}"), "last_name": "H", "phone": phone(i)})).collect();
    let list = w.import(rows).await;
    let number =
        w.app.insert_number(w.org.id, w.org.offices[0], "+14155550100", common::NumberSpec::REUSABLE_SIMULATOR);
    let id = w.campaign(number, list, "Hello {first_name}", time_zone).await;
    let launch = w.app.clock.now();
    w.launch(id).await;
    let mut conn = w.app.app_state.pool.get().unwrap();
    demo_history::play_queue(&mut conn, number, launch + Duration::minutes(1), |i| {
        if i == 0 {
            Fate::Undelivered(30006)
        } else {
            Fate::Delivered
        }
    })
    .unwrap();
    let mut events: Vec<HistoryEvent<'_>> = Vec::new();
    events.extend(replies.iter().map(|(c, m, text)| (*m, Some((*c, *text)), None)));
    events.extend(agent_replies.iter().map(|(c, m, agent)| (*m, None, Some((*c, *agent)))));
    events.sort_by_key(|(m, _, _)| *m);
    for (minutes, reply, agent_reply) in events {
        let at = launch + Duration::minutes(minutes);
        if let Some((contact, text)) = reply {
            demo_history::reply(&mut conn, &phone(contact), "+14155550100", text, at).unwrap();
        }
        if let Some((contact, agent)) = agent_reply {
            let conversation =
                tidings_api::db::conversations::find_open(&mut conn, number, &phone(contact)).unwrap().unwrap();
            demo_history::agent_reply(&mut conn, &w.agent(agent), conversation.id, "Thanks for writing", &[], at)
                .unwrap();
        }
        demo_history::play_queue(&mut conn, number, at, |_| Fate::Delivered).unwrap();
    }
    (id, launch)
}

/// Recomputes the activity chart from the raw messages: each inbound message at its
/// arrival, each outbound one when the provider took it, in the bar whose start is the
/// latest at or before it.
fn recomputed_bars(analytics: &Value, messages: &[Value]) -> Vec<(i64, i64)> {
    let starts: Vec<DateTime<Utc>> = analytics["activity"]["bars"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["start"].as_str().unwrap().parse().unwrap())
        .collect();
    let mut bars = vec![(0_i64, 0_i64); starts.len()];
    for message in messages {
        let (at, inbound) = if message["direction"] == "inbound" {
            (message["created_at"].as_str(), true)
        } else {
            (message["sent_at"].as_str(), false)
        };
        let Some(at) = at.map(|a| a.parse::<DateTime<Utc>>().unwrap()) else { continue };
        let Some(index) = starts.iter().rposition(|s| *s <= at) else { continue };
        if inbound {
            bars[index].0 += 1;
        } else {
            bars[index].1 += 1;
        }
    }
    bars
}

fn bars(analytics: &Value) -> Vec<(i64, i64)> {
    analytics["activity"]["bars"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (b["inbound"].as_i64().unwrap(), b["outbound"].as_i64().unwrap()))
        .collect()
}

#[actix_web::test]
async fn analytics_equal_a_recomputation_from_the_messages() {
    let w = world(Utc.with_ymd_and_hms(2026, 3, 2, 15, 0, 0).unwrap()).await;
    // Contact 1's message is undelivered. Contacts 2 and 3 reply; 3 twice before an
    // agent answers; contact 4 opts out.
    let (id, launch) = campaign_with_history(
        &w,
        "America/New_York",
        5,
        &[(2, 10, "Question one"), (3, 20, "First"), (3, 25, "Second"), (4, 30, "STOP")],
        &[(2, 40, 2), (3, 45, 1)],
    )
    .await;
    w.app.clock.set(launch + Duration::hours(3));
    let analytics = w.analytics(id).await;
    let messages = w.messages(id).await;

    let launch_messages: Vec<&Value> = messages.iter().filter(|m| m["author"] == "campaign").collect();
    let successful = launch_messages.iter().filter(|m| m["status"] == "sent" || m["status"] == "delivered").count();
    let failed = launch_messages.iter().filter(|m| m["status"] == "failed" || m["status"] == "undelivered").count();
    let send_status = &analytics["send_status"];
    assert_eq!(
        (send_status["total"].as_u64(), send_status["successful"].as_u64(), send_status["failed"].as_u64()),
        (Some(5), Some(successful as u64), Some(failed as u64))
    );
    assert_eq!((successful, failed), (4, 1));
    assert_eq!(
        send_status["failures"],
        json!([{"code": 30006, "reason": "The number is a landline or its carrier cannot receive texts.", "count": 1}])
    );

    let inbound: Vec<&Value> = messages.iter().filter(|m| m["direction"] == "inbound").collect();
    let responded: std::collections::HashSet<&str> = inbound.iter().map(|m| m["from"].as_str().unwrap()).collect();
    let engagement = &analytics["engagement"];
    assert_eq!(engagement["sent"], 4);
    assert_eq!(engagement["responded"], responded.len());
    assert_eq!(engagement["responded"], 3);
    assert_eq!(engagement["opt_outs"], 1);
    assert!((engagement["rate"].as_f64().unwrap() - 0.75).abs() < 1e-9);

    let responses = &analytics["responses"];
    assert_eq!(responses["contact_responses"], inbound.len());
    assert_eq!(responses["agent_responses"], messages.iter().filter(|m| m["author"] == "agent").count());
    assert_eq!(responses["chatbot_responses"], 0);
    // Contact 2: 10 → 40 (30 min); contact 3: 20 → 45 (25 min) and 25 → 45 (20 min).
    assert_eq!(responses["median_agent_response_seconds"], 25 * 60);
    assert_eq!(responses["p90_agent_response_seconds"], 30 * 60);
    let per_agent = responses["per_agent"].as_array().unwrap();
    assert_eq!(per_agent.len(), 2);
    let by_agent = |id: i64| per_agent.iter().find(|a| a["agent"]["id"] == id).unwrap().clone();
    assert_eq!(by_agent(w.org.users[2])["responses"], 1);
    assert_eq!(by_agent(w.org.users[2])["median_response_seconds"], 30 * 60);
    assert_eq!(by_agent(w.org.users[1])["median_response_seconds"], (25 * 60 + 20 * 60) / 2);

    assert_eq!(analytics["activity"]["bucket"], "hour");
    assert_eq!(analytics["activity"]["time_zone"], "America/New_York");
    assert_eq!(bars(&analytics), recomputed_bars(&analytics, &messages));
    let total_in: i64 = bars(&analytics).iter().map(|b| b.0).sum();
    assert_eq!(total_in, 4);
}

#[actix_web::test]
async fn the_bucket_follows_how_long_the_campaign_has_been_active() {
    let start = Utc.with_ymd_and_hms(2026, 1, 10, 12, 0, 0).unwrap();
    let w = world(start).await;
    let (id, launch) = campaign_with_history(&w, "UTC", 2, &[(2, 30, "hi")], &[]).await;
    let months = |n: u32| launch.checked_add_months(chrono::Months::new(n)).unwrap() - launch;
    for (active, bucket, count) in [
        (Duration::days(1), "hour", 25),
        (Duration::days(1) + Duration::minutes(1), "day", 2),
        (months(2), "day", 60),
        (months(2) + Duration::days(1), "month", 3),
        (months(24), "month", 25),
        (months(24) + Duration::days(1), "year", 3),
    ] {
        w.app.clock.set(launch + active);
        // A token for the moment the clock shows.
        let token = w.app.login("manager@alpha.test").await;
        let (_, analytics) = w.app.get(&format!("/api/v1/campaigns/{id}/analytics"), &token).await;
        assert_eq!(analytics["activity"]["bucket"], bucket, "{active:?}");
        assert_eq!(
            analytics["activity"]["bars"].as_array().unwrap().len(),
            count,
            "{active:?}: empty buckets included"
        );
        let in_total: i64 = bars(&analytics).iter().map(|b| b.0).sum();
        assert_eq!(in_total, 1, "{active:?}");
    }
}

#[actix_web::test]
async fn day_buckets_follow_the_campaigns_zone_across_a_dst_change() {
    // New York leaves daylight time on 1 November 2026: that local day has 25 hours.
    let w = world(Utc.with_ymd_and_hms(2026, 10, 30, 16, 0, 0).unwrap()).await;
    let (id, launch) = campaign_with_history(&w, "America/New_York", 2, &[(2, 60 * 60, "late reply")], &[]).await;
    w.app.clock.set(launch + Duration::days(4));
    let token = w.app.login("manager@alpha.test").await;
    let (_, analytics) = w.app.get(&format!("/api/v1/campaigns/{id}/analytics"), &token).await;
    assert_eq!(analytics["activity"]["bucket"], "day");
    let starts: Vec<DateTime<Utc>> = analytics["activity"]["bars"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["start"].as_str().unwrap().parse().unwrap())
        .collect();
    assert_eq!(starts[0], Utc.with_ymd_and_hms(2026, 10, 30, 4, 0, 0).unwrap(), "local midnight, EDT");
    assert_eq!(starts[2], Utc.with_ymd_and_hms(2026, 11, 1, 4, 0, 0).unwrap());
    assert_eq!(starts[3] - starts[2], Duration::hours(25), "the day the clocks go back");
    assert_eq!(starts[3], Utc.with_ymd_and_hms(2026, 11, 2, 5, 0, 0).unwrap(), "local midnight, EST");
    assert_eq!(bars(&analytics), recomputed_bars(&analytics, &w.messages(id).await));
}

#[actix_web::test]
async fn campaigns_without_replies_or_with_only_opt_outs() {
    let w = world(Utc.with_ymd_and_hms(2026, 3, 2, 15, 0, 0).unwrap()).await;
    let (silent, launch) = campaign_with_history(&w, "UTC", 3, &[], &[]).await;
    w.app.clock.set(launch + Duration::hours(2));
    let analytics = w.analytics(silent).await;
    assert_eq!(analytics["engagement"]["responded"], 0);
    assert_eq!(analytics["engagement"]["rate"], 0.0);
    assert_eq!(analytics["responses"]["median_agent_response_seconds"], Value::Null);
    assert!(analytics["responses"]["per_agent"].as_array().unwrap().is_empty());

    // Every reply is an opt-out: each counts as a response and an opt-out.
    let w = world(Utc.with_ymd_and_hms(2026, 3, 2, 15, 0, 0).unwrap()).await;
    let (quitters, launch) = campaign_with_history(&w, "UTC", 3, &[(2, 5, "STOP"), (3, 6, "unsubscribe")], &[]).await;
    w.app.clock.set(launch + Duration::hours(2));
    let analytics = w.analytics(quitters).await;
    assert_eq!(analytics["engagement"]["opt_outs"], 2);
    assert_eq!(analytics["engagement"]["responded"], 2);
    assert_eq!(analytics["responses"]["contact_responses"], 2);
    assert_eq!(analytics["responses"]["agent_responses"], 0);
    let token = w.app.login("manager@alpha.test").await;
    let (_, draft) = w.app.post("/api/v1/campaigns", &token, json!({"title": "Not yet"})).await;
    let analytics = w.analytics(draft["id"].as_i64().unwrap()).await;
    assert_eq!((analytics["send_status"]["total"].as_i64(), analytics["activity"].clone()), (Some(0), Value::Null));
}

#[actix_web::test]
async fn a_long_contacts_export_streams_every_row_page_after_page() {
    let w = world(Utc.with_ymd_and_hms(2026, 3, 2, 15, 0, 0).unwrap()).await;
    // More than two of the export's pages (5 000 rows each).
    let count = 10_003;
    let rows = (0..count)
        .map(|i| json!({"first_name": format!("P{i}"), "last_name": "Many", "phone": format!("+1415{:07}", 2_000_000 + i)}))
        .collect();
    let list = w.import(rows).await;
    let number =
        w.app.insert_number(w.org.id, w.org.offices[0], "+14155550100", common::NumberSpec::REUSABLE_SIMULATOR);
    let id = w.campaign(number, list, "Hi {first_name}", "America/Chicago").await;
    let response = w
        .app
        .client
        .get(w.app.url(&format!("/api/v1/campaigns/{id}/contacts.csv")))
        .bearer_auth(&w.manager)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let csv = response.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), count + 1, "the header and every contact");
    let firsts: std::collections::HashSet<&str> =
        lines[1..].iter().map(|line| line.split(',').next().unwrap()).collect();
    assert_eq!(firsts.len(), count, "each contact once");
}
