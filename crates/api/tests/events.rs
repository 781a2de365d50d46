//! Live updates (`GET /api/v1/events`): what a stream shows to whom, the replay after
//! `Last-Event-ID`, the resync past the replay window, late commits, and who may
//! connect at all — on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a failed unwrap fails the test, which is the point")]

mod common;

use std::collections::HashMap;
use std::time::Duration as StdDuration;

use chrono::{Duration, TimeZone, Utc};
use common::{Org, TestApp};
use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use tidings_api::clock::Clock;
use tidings_api::db::schema::events;
use tidings_api::jobs::{dispatcher, status_reports};

/// How long a test waits for the next event before it fails; only a hung stream
/// gets near it.
const PATIENCE: StdDuration = StdDuration::from_secs(20);

/// An event as a client reads it.
#[derive(Debug, Clone)]
struct Event {
    id: Option<i64>,
    kind: String,
    data: Value,
}

/// A client's open event stream.
struct Stream {
    response: reqwest::Response,
    buffer: String,
}

impl Stream {
    /// The next event; comments (the keepalive) and the retry hint are skipped.
    async fn next(&mut self) -> Event {
        // One deadline for the event, however many keepalives come first.
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let (mut id, mut kind, mut data) = (None, None, Vec::new());
                for line in block.lines() {
                    if let Some(value) = line.strip_prefix("id: ") {
                        id = Some(value.parse().unwrap());
                    } else if let Some(value) = line.strip_prefix("event: ") {
                        kind = Some(value.to_owned());
                    } else if let Some(value) = line.strip_prefix("data: ") {
                        data.push(value.to_owned());
                    }
                }
                if let Some(kind) = kind {
                    return Event { id, kind, data: serde_json::from_str(&data.join("\n")).unwrap() };
                }
                continue;
            }
            let chunk = tokio::time::timeout_at(deadline, self.response.chunk())
                .await
                .expect("an event within the test's patience")
                .unwrap()
                .expect("the stream stays open");
            self.buffer.push_str(std::str::from_utf8(&chunk).unwrap());
        }
    }

    /// Reads until the server ends the stream, failing on any event; keepalives are
    /// fine.
    async fn ends_within(&mut self, patience: StdDuration) {
        let deadline = tokio::time::Instant::now() + patience;
        loop {
            let chunk = tokio::time::timeout_at(deadline, self.response.chunk())
                .await
                .expect("the stream ends within the test's patience")
                .unwrap();
            let Some(chunk) = chunk else { return };
            let text = std::str::from_utf8(&chunk).unwrap();
            assert!(!text.contains("event:"), "no event before the end: {text}");
        }
    }

    /// The next `n` events.
    async fn take(&mut self, n: usize) -> Vec<Event> {
        let mut taken = Vec::with_capacity(n);
        for _ in 0..n {
            taken.push(self.next().await);
        }
        taken
    }
}

/// How a stream proves who it is.
enum Credential<'a> {
    Header(&'a str),
    /// A stream ticket bought with this token, in the URL (as the browser does).
    Ticket(&'a str),
}

/// A stream ticket bought with `token`.
async fn ticket(app: &TestApp, token: &str) -> String {
    let (status, body) = app.call(reqwest::Method::POST, "/api/v1/events/tickets", Some(token), None).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["ticket"].as_str().unwrap().to_owned()
}

struct World {
    app: TestApp,
    org: Org,
    manager: String,
    /// Limited, West office.
    limited: String,
    /// Standard, Main office only.
    agent: String,
}

async fn world() -> World {
    let app = TestApp::spawn().await;
    app.clock.set(Utc.with_ymd_and_hms(2026, 3, 2, 15, 0, 0).unwrap());
    let org = app.seed_default_org("alpha");
    let manager = app.login("manager@alpha.test").await;
    let limited = app.login("limited@alpha.test").await;
    let agent = app.login("agent@alpha.test").await;
    World { app, org, manager, limited, agent }
}

impl World {
    fn west(&self) -> i64 {
        self.org.offices[1]
    }

    fn main(&self) -> i64 {
        self.org.offices[0]
    }

    async fn open(&self, credential: Credential<'_>, last_event_id: Option<i64>) -> Stream {
        open(&self.app, credential, last_event_id).await
    }

    /// A ready campaign of the West office texting two contacts, with the limited user
    /// (West) as its agent.
    async fn west_campaign(&self) -> i64 {
        let rows = vec![
            json!({"first_name": "Ada", "last_name": "West", "phone": "+14155552001"}),
            json!({"first_name": "Bob", "last_name": "West", "phone": "+14155552002"}),
        ];
        let (status, list) = self
            .app
            .post(
                "/api/v1/contact-lists",
                &self.manager,
                json!({"name": "West list", "office_id": self.west(), "rows": rows}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{list}");
        let number =
            self.app.insert_number(self.org.id, self.west(), "+14155550199", common::NumberSpec::REUSABLE_SIMULATOR);
        let (status, campaign) = self
            .app
            .post(
                "/api/v1/campaigns",
                &self.manager,
                json!({
                    "title": "West welcome",
                    "office_id": self.west(),
                    "phone_number": {"kind": "reusable", "id": number},
                    "contact_list_id": list["contact_list"]["id"],
                    "message_template": "Hello {first_name}",
                    "agent_ids": [self.org.users[3]],
                }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{campaign}");
        assert_eq!(campaign["readiness"]["ready"], true, "{campaign}");
        campaign["id"].as_i64().unwrap()
    }

    async fn launch(&self, id: i64) {
        let (status, body) = self.app.post(&format!("/api/v1/campaigns/{id}/launch"), &self.manager, json!({})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }

    async fn archive(&self, id: i64, token: &str) {
        let (status, body) = self.app.post(&format!("/api/v1/campaigns/{id}/archive"), token, json!({})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }

    /// A draft in `office_id`, discarded at once: one `campaign.updated` of that office.
    async fn discarded_draft(&self, token: &str, office_id: i64) -> i64 {
        discarded_draft(&self.app, token, office_id).await
    }

    async fn dispatch(&self) -> usize {
        dispatcher::run_until_idle(&self.app.app_state, "events-test").await.unwrap()
    }

    async fn deliver_reports(&self) -> usize {
        let reports = self.app.simulator.take_all_reports();
        status_reports::apply_all(&self.app.app_state, reports).await.unwrap()
    }
}

async fn open(app: &TestApp, credential: Credential<'_>, last_event_id: Option<i64>) -> Stream {
    let mut request = app.client.get(app.url("/api/v1/events")).header("Accept-Encoding", "gzip");
    request = match credential {
        Credential::Header(token) => request.bearer_auth(token),
        Credential::Ticket(token) => request.query(&[("ticket", ticket(app, token).await)]),
    };
    if let Some(id) = last_event_id {
        request = request.header("Last-Event-ID", id.to_string());
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    assert_eq!(header("content-type"), "text/event-stream");
    assert_ne!(header("content-encoding"), "gzip", "events are never held back in a compressor");
    Stream { response, buffer: String::new() }
}

async fn discarded_draft(app: &TestApp, token: &str, office_id: i64) -> i64 {
    let (status, draft) =
        app.post("/api/v1/campaigns", token, json!({"title": "Sentinel", "office_id": office_id})).await;
    assert_eq!(status, StatusCode::CREATED, "{draft}");
    let id = draft["id"].as_i64().unwrap();
    let (status, body) = app.post(&format!("/api/v1/campaigns/{id}/archive"), token, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    id
}

fn assert_campaign_event(event: &Event, id: i64, state: &str) {
    assert_eq!(event.kind, "campaign.updated", "{event:?}");
    assert_eq!((event.data["id"].as_i64(), event.data["state"].as_str()), (Some(id), Some(state)), "{event:?}");
    assert!(event.id.is_some(), "{event:?}");
}

/// Reads `message.status` events until each of `count` messages has reached
/// `status`; answers every status seen per message, in order.
async fn statuses_until(stream: &mut Stream, count: usize, status: &str) -> HashMap<i64, Vec<String>> {
    let mut seen: HashMap<i64, Vec<String>> = HashMap::new();
    while seen.len() < count || seen.values().any(|s| s.last().map(String::as_str) != Some(status)) {
        let event = stream.next().await;
        assert_eq!(event.kind, "message.status", "{event:?}");
        seen.entry(event.data["id"].as_i64().unwrap()).or_default().push(event.data["status"].as_str().unwrap().into());
    }
    seen
}

#[actix_web::test]
async fn a_campaign_streams_to_its_office_and_to_those_who_see_every_office_and_to_nobody_else() {
    let w = world().await;
    let beta = w.app.seed_default_org("beta");
    let outsider = w.app.login("admin@beta.test").await;
    let id = w.west_campaign().await;

    let mut manager = w.open(Credential::Header(&w.manager), None).await;
    // The browser's way: EventSource cannot set headers.
    let mut limited = w.open(Credential::Ticket(&w.limited), None).await;
    let mut agent = w.open(Credential::Header(&w.agent), None).await;
    let mut other_org = w.open(Credential::Header(&outsider), None).await;

    w.launch(id).await;
    for stream in [&mut manager, &mut limited] {
        // Active at once, its messages still to write; then written (one chunk here).
        let launched = stream.next().await;
        assert_campaign_event(&launched, id, "active");
        assert_eq!(launched.data["launch_progress"], json!({"written": 0, "total": 2}), "{launched:?}");
        let written = stream.next().await;
        assert_campaign_event(&written, id, "active");
        assert_eq!(written.data["send_counts"]["queued"], 2, "{written:?}");
        assert!(written.data["launch_progress"].is_null(), "{written:?}");
    }

    assert_eq!(w.dispatch().await, 2);
    assert_eq!(w.deliver_reports().await, 4, "sent, then delivered, for each message");
    for stream in [&mut manager, &mut limited] {
        let seen = statuses_until(stream, 2, "delivered").await;
        for statuses in seen.values() {
            assert_eq!(statuses, &["pending", "sent", "delivered"]);
        }
    }
    let (_, messages) = w.app.get(&format!("/api/v1/campaigns/{id}/messages"), &w.manager).await;
    let contacts: Vec<i64> =
        messages["items"].as_array().unwrap().iter().map(|m| m["contact_id"].as_i64().unwrap()).collect();
    assert_eq!(contacts.len(), 2);

    // A Main-office event: the agent's first event is this one, so nothing of the West
    // office reached them; the limited user (West) does not get it.
    let main_draft = w.discarded_draft(&w.agent, w.main()).await;
    assert_campaign_event(&agent.next().await, main_draft, "archived");
    assert_campaign_event(&manager.next().await, main_draft, "archived");
    w.archive(id, &w.manager).await;
    assert_campaign_event(&limited.next().await, id, "archived");
    assert_campaign_event(&manager.next().await, id, "archived");

    // Another organisation sees its own events and none of these.
    let beta_draft = discarded_draft(&w.app, &outsider, beta.offices[1]).await;
    assert_campaign_event(&other_org.next().await, beta_draft, "archived");
}

#[actix_web::test]
async fn a_message_status_event_says_what_the_messages_list_says() {
    let w = world().await;
    let id = w.west_campaign().await;
    w.launch(id).await;
    let mut limited = w.open(Credential::Header(&w.limited), None).await;
    w.app.simulator.script_failure("+14155552002", 21211);
    assert_eq!(w.dispatch().await, 2);
    let events = limited.take(2).await;
    let (_, page) = w.app.get(&format!("/api/v1/campaigns/{id}/messages"), &w.limited).await;
    for message in page["items"].as_array().unwrap() {
        let event = events.iter().find(|e| e.data["id"] == message["id"]).expect("an event per message");
        assert_eq!(event.kind, "message.status");
        for field in ["campaign_id", "contact_id", "status", "retrying", "error_code", "error_reason"] {
            assert_eq!(event.data[field], message[field], "{field} of {event:?}");
        }
    }
    assert!(events.iter().any(|e| e.data["status"] == "failed" && e.data["error_code"] == 21211), "{events:?}");
    // Each names the conversation whose transcript shows the message.
    for event in &events {
        let conversation = event.data["conversation_id"].as_i64().expect("a launch message has a conversation");
        let (status, detail) = w.app.get(&format!("/api/v1/conversations/{conversation}"), &w.limited).await;
        assert_eq!(status, StatusCode::OK, "{detail}");
        let message = detail["messages"].as_array().unwrap().iter().find(|m| m["id"] == event.data["id"]);
        assert_eq!(message.map(|m| &m["status"]), Some(&event.data["status"]), "{detail}");
    }
}

#[actix_web::test]
async fn reconnecting_with_last_event_id_replays_what_was_missed_and_only_what_the_user_may_see() {
    let w = world().await;
    let id = w.west_campaign().await;
    let mut manager = w.open(Credential::Header(&w.manager), None).await;
    w.launch(id).await;
    let launched = manager.next().await;
    assert_campaign_event(&launched, id, "active");
    let written = manager.next().await;
    assert_campaign_event(&written, id, "active");
    let last_seen = written.id.unwrap();
    drop(manager);

    // Missed while away.
    assert_eq!(w.dispatch().await, 2);
    w.archive(id, &w.manager).await;

    let mut back = w.open(Credential::Header(&w.manager), Some(last_seen)).await;
    let missed = back.take(3).await;
    assert!(missed.iter().take(2).all(|e| e.kind == "message.status" && e.data["status"] == "pending"), "{missed:?}");
    assert_campaign_event(&missed[2], id, "archived");
    let ids: Vec<i64> = missed.iter().map(|e| e.id.unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]) && ids[0] > last_seen, "in order, after the last seen: {ids:?}");
    // Then live, with nothing sent twice.
    let sentinel = w.discarded_draft(&w.manager, w.west()).await;
    assert_campaign_event(&back.next().await, sentinel, "archived");

    // A browser's first connection names the id in the URL.
    let query = w
        .app
        .client
        .get(
            w.app.url(&format!("/api/v1/events?last_event_id={last_seen}&ticket={}", ticket(&w.app, &w.manager).await)),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(query.status(), StatusCode::OK);
    let mut query = Stream { response: query, buffer: String::new() };
    let replayed: Vec<i64> = query.take(4).await.iter().map(|e| e.id.unwrap()).collect();
    assert_eq!(replayed[..3], ids[..]);

    // On reconnect a browser keeps the first URL and sends the header: the header wins.
    let both = w
        .app
        .client
        .get(w.app.url("/api/v1/events?last_event_id=0"))
        .bearer_auth(&w.manager)
        .header("Last-Event-ID", ids[2].to_string())
        .send()
        .await
        .unwrap();
    let mut both = Stream { response: both, buffer: String::new() };
    assert_campaign_event(&both.next().await, sentinel, "archived");

    // From the start: the limited user (West) gets the West campaign's events; the
    // Main-only agent gets none of them, only the Main event that follows.
    let mut limited = w.open(Credential::Header(&w.limited), Some(0)).await;
    let west: Vec<Event> = limited.take(6).await;
    assert_eq!(
        west.iter().map(|e| e.id.unwrap()).collect::<Vec<_>>(),
        [&[launched.id.unwrap(), last_seen][..], &ids, &[replayed[3]]].concat()
    );
    let mut agent = w.open(Credential::Header(&w.agent), Some(0)).await;
    let main_draft = w.discarded_draft(&w.agent, w.main()).await;
    assert_campaign_event(&agent.next().await, main_draft, "archived");
}

#[actix_web::test]
async fn a_reconnect_after_the_replay_window_is_told_to_resync() {
    let w = world().await;
    let mut drafts = Vec::new();
    for _ in 0..3 {
        drafts.push(w.discarded_draft(&w.manager, w.west()).await);
    }
    let mut stream = w.open(Credential::Header(&w.manager), Some(0)).await;
    let old = stream.take(3).await;
    for (event, draft) in old.iter().zip(&drafts) {
        assert_campaign_event(event, *draft, "archived");
    }
    drop(stream);

    w.app.clock.advance(Duration::minutes(11));
    let state = &w.app.app_state;
    let pruned = tidings_api::live::prune_once(&state.pool, state.clock.as_ref()).await.unwrap();
    assert_eq!(pruned, 2, "the newest event is always kept");

    // What came after the first event is gone: reload instead, then carry on.
    let mut gone = w.open(Credential::Header(&w.manager), old[0].id).await;
    let resync = gone.next().await;
    assert_eq!((resync.kind.as_str(), resync.id), ("resync", old[2].id), "{resync:?}");
    // Nothing is missing after the newest: no resync, just what comes next.
    let mut current = w.open(Credential::Header(&w.manager), old[2].id).await;
    let next = w.discarded_draft(&w.manager, w.west()).await;
    assert_campaign_event(&gone.next().await, next, "archived");
    assert_campaign_event(&current.next().await, next, "archived");
}

#[actix_web::test]
async fn an_event_committed_after_a_later_one_still_reaches_the_stream() {
    // Any server writing to the shared database reaches every stream; on PostgreSQL a
    // transaction may commit after one that took a later id.
    let w = world().await;
    let last = w.discarded_draft(&w.manager, w.west()).await;
    let mut stream = w.open(Credential::Header(&w.manager), None).await;
    let newest: i64 = {
        let mut conn = w.app.app_state.pool.get().unwrap();
        events::table.select(diesel::dsl::max(events::id)).first::<Option<i64>>(&mut *conn).unwrap().unwrap()
    };
    let insert = |id: i64, campaign: i64| {
        let mut conn = w.app.app_state.pool.get().unwrap();
        diesel::insert_into(events::table)
            .values((
                events::id.eq(id),
                events::organisation_id.eq(w.org.id),
                events::office_id.eq(w.west()),
                events::kind.eq("campaign.updated"),
                events::campaign_id.eq(Some(campaign)),
                events::data.eq(json!({"id": campaign, "state": "archived"}).to_string()),
                events::created_at.eq(w.app.clock.now_naive()),
            ))
            .execute(&mut *conn)
            .unwrap();
    };
    insert(newest + 2, last);
    let later = stream.next().await;
    assert_eq!(later.id, Some(newest + 2));
    insert(newest + 1, last);
    let earlier = stream.next().await;
    assert_eq!(earlier.id, Some(newest + 1));
}

#[actix_web::test]
async fn the_stream_needs_a_signed_in_user_with_the_messaging_permission() {
    let w = world().await;
    let (status, problem) = w.app.call(reqwest::Method::GET, "/api/v1/events", None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{problem}");
    let (status, _) = w.app.call(reqwest::Method::GET, "/api/v1/events?ticket=nonsense", None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // No long-lived credential is taken from a URL: not a session token, not an API key.
    let admin = w.app.login("admin@alpha.test").await;
    let (_, created) =
        w.app.post("/api/v1/api-keys", &admin, json!({"name": "Stream", "user_id": w.org.users[1]})).await;
    let key = created["key"].as_str().unwrap().to_owned();
    for credential in [&w.manager, &key] {
        for parameter in ["access_token", "ticket"] {
            let url = format!("/api/v1/events?{parameter}={credential}");
            let (status, problem) = w.app.call(reqwest::Method::GET, &url, None, None).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{parameter}: {problem}");
        }
    }
    // A ticket opens one stream, once.
    let once = ticket(&w.app, &w.manager).await;
    let first = w.app.client.get(w.app.url(&format!("/api/v1/events?ticket={once}"))).send().await.unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    let (status, problem) =
        w.app.call(reqwest::Method::GET, &format!("/api/v1/events?ticket={once}"), None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(problem["detail"].as_str().unwrap().contains("used already"), "{problem}");
    // The ticket is a fallback only: a bad header is not rescued by it.
    let response = w
        .app
        .client
        .get(w.app.url(&format!("/api/v1/events?ticket={}", ticket(&w.app, &w.manager).await)))
        .header("Authorization", "Basic abc")
        .send()
        .await
        .unwrap();
    assert_eq!(common::read(response).await.0, StatusCode::UNAUTHORIZED);

    let (status, problem) = w.app.get("/api/v1/events?last_event_id=yesterday", &w.manager).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    common::assert_field_error(&problem, "last_event_id");

    let (status, body) =
        w.app.patch(&format!("/api/v1/users/{}", w.org.users[2]), &admin, json!({"two_way_messaging": false})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = w.app.get("/api/v1/events", &w.agent).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[actix_web::test]
async fn a_stream_ends_with_the_session_and_with_the_server() {
    let w = world().await;
    let mut signed_out = w.open(Credential::Header(&w.limited), None).await;
    let mut signed_out_ticket = w.open(Credential::Ticket(&w.limited), None).await;
    let mut new_password = w.open(Credential::Ticket(&w.agent), None).await;
    let (status, _) = w.app.call(reqwest::Method::POST, "/api/v1/auth/logout", Some(&w.limited), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let admin = w.app.login("admin@alpha.test").await;
    let (status, body) = w
        .app
        .patch(&format!("/api/v1/users/{}", w.org.users[2]), &admin, json!({"password": "a brand new password"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // The credential is checked again with each keepalive, every 15 seconds; a
    // ticket's stream lasts as long as the session that bought it.
    let keepalive = tidings_api::http::events::KEEPALIVE;
    signed_out.ends_within(keepalive + PATIENCE).await;
    signed_out_ticket.ends_within(PATIENCE).await;
    new_password.ends_within(PATIENCE).await;

    let mut open = w.open(Credential::Header(&w.manager), None).await;
    w.app.app_state.events.close();
    open.ends_within(PATIENCE).await;
}

#[actix_web::test]
async fn replies_and_conversation_changes_stream_to_the_office_only() {
    let w = world().await;
    let id = w.west_campaign().await;
    w.launch(id).await;
    w.dispatch().await;
    let mut limited = w.open(Credential::Header(&w.limited), None).await;
    let mut outsider_office = w.open(Credential::Header(&w.agent), None).await;
    let (status, filed) = w
        .app
        .post(
            "/api/v1/simulator/inbound",
            &w.manager,
            json!({"from": "+14155552001", "to": "+14155550199", "body": "Where do I go?"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{filed}");
    let conversation = filed["conversation_id"].as_i64().unwrap();
    let mut seen = Vec::new();
    while !(seen.iter().any(|e: &Event| e.kind == "message.created")
        && seen.iter().any(|e| e.kind == "conversation.updated"))
    {
        seen.push(limited.next().await);
    }
    let created = seen.iter().find(|e| e.kind == "message.created").unwrap();
    assert_eq!(
        (created.data["conversation_id"].as_i64(), created.data["direction"].as_str()),
        (Some(conversation), Some("inbound"))
    );
    let updated = seen.iter().find(|e| e.kind == "conversation.updated").unwrap();
    assert_eq!(
        (updated.data["id"].as_i64(), updated.data["needs_attention"].as_bool()),
        (Some(conversation), Some(true))
    );

    // The Main-only agent's stream carries none of it: its first event is one of its own office.
    let main_draft = w.discarded_draft(&w.manager, w.main()).await;
    let first = outsider_office.next().await;
    assert_eq!(first.kind, "campaign.updated");
    assert_eq!(first.data["id"], main_draft, "{first:?}");
}
