//! Crash soak: a launch texted through a loopback fake Twilio while the server is
//! killed (SIGKILL) at random moments and started again. At the end every contact got
//! exactly one text, or its message is settled as failed or unknown with a reason; the
//! fake saw no number texted twice. `SOAK_CONTACTS` (default 1 000) and `SOAK_KILLS`
//! (default 3) set the size; `make soak` runs 100 000 contacts and 20 kills and writes
//! its figures to RELIABILITY.md. Runs the real `tidings` binary, on SQLite or, with
//! `TEST_DATABASE_URL`, on PostgreSQL with two servers (`SOAK_SERVERS`), either of
//! which is killed.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a failed unwrap fails the test, which is the point")]

mod common;

use std::collections::HashMap;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use rand::{Rng, SeedableRng};
use reqwest::StatusCode;
use serde_json::{json, Value};

const ACCOUNT_SID: &str = "AC0123456789abcdef0123456789abcdef";
const AUTH_TOKEN: &str = "soak-auth-token";
const PASSWORD: &str = "soak-password-123";

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// What the fake Twilio received: texts per recipient.
#[derive(Default)]
struct Received {
    texts: Mutex<HashMap<String, usize>>,
    created: Mutex<Vec<(String, String, String, String)>>,
}

/// Twilio's REST API as far as a launch needs it: numbers for sale, buying one,
/// sending, and listing what was sent (for the reconciler).
async fn fake_twilio(request: HttpRequest, body: web::Bytes, received: web::Data<Received>) -> HttpResponse {
    let pairs =
        |text: &str| web::Query::<Vec<(String, String)>>::from_query(text).map(|q| q.into_inner()).unwrap_or_default();
    let form = pairs(std::str::from_utf8(&body).unwrap_or_default());
    let query = pairs(request.query_string());
    let field = |list: &[(String, String)], name: &str| {
        list.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone()).unwrap_or_default()
    };
    let path = request.path().trim_start_matches(&format!("/2010-04-01/Accounts/{ACCOUNT_SID}/")).to_owned();
    match (request.method().as_str(), path.as_str()) {
        ("POST", "Messages.json") => {
            let sid = format!("SM{}", uuid::Uuid::new_v4().simple());
            let to = field(&form, "To");
            *received.texts.lock().unwrap().entry(to.clone()).or_default() += 1;
            received.created.lock().unwrap().push((sid.clone(), to, field(&form, "From"), field(&form, "Body")));
            HttpResponse::Created().json(json!({"sid": sid, "status": "queued", "num_segments": "1"}))
        }
        ("GET", "Messages.json") => {
            let (to, from) = (field(&query, "To"), field(&query, "From"));
            let listed: Vec<Value> = received
                .created
                .lock()
                .unwrap()
                .iter()
                .filter(|(_, t, f, _)| *t == to && *f == from)
                .map(|(sid, _, _, body)| json!({"sid": sid, "body": body, "status": "sent"}))
                .collect();
            HttpResponse::Ok().json(json!({"messages": listed}))
        }
        ("GET", "AvailablePhoneNumbers/US/Local.json") => {
            HttpResponse::Ok().json(json!({"available_phone_numbers": [{"phone_number": "+12125550100"}]}))
        }
        ("POST", "IncomingPhoneNumbers.json") => HttpResponse::Created().json(
            json!({"sid": format!("PN{}", uuid::Uuid::new_v4().simple()), "phone_number": field(&form, "PhoneNumber")}),
        ),
        _ => HttpResponse::NotFound().json(json!({"code": 20404, "message": "not found", "status": 404})),
    }
}

/// The `tidings` server as a separate process, so it can be killed outright.
struct Server {
    env: Vec<(String, String)>,
    base: String,
    child: Option<Child>,
    log: std::path::PathBuf,
}

impl Server {
    fn run(&self, args: &[&str]) {
        let status = Command::new(env!("CARGO_BIN_EXE_tidings"))
            .args(args)
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "tidings {args:?} failed");
    }

    async fn start(&mut self) {
        let log = std::fs::OpenOptions::new().create(true).append(true).open(&self.log).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_tidings"))
            .arg("serve")
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap();
        self.child = Some(child);
        let client = reqwest::Client::new();
        let started = Instant::now();
        loop {
            if let Ok(response) = client.get(format!("{}/readyz", self.base)).send().await {
                if response.status() == StatusCode::OK {
                    return;
                }
            }
            assert!(started.elapsed() < Duration::from_secs(60), "the server did not become ready");
            actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        }
    }

    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            // SIGKILL: nothing is flushed, nothing is finished.
            child.kill().unwrap();
            child.wait().unwrap();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Server errors the API answered the soak's calls with (5xx), for its report.
static SERVER_ERRORS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// The `n`th server's process settings: its own port, the shared database and fake.
fn server_on(database_url: &str, fake_base: &str, dir: &std::path::Path, n: usize) -> Server {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let base = format!("http://127.0.0.1:{port}");
    let env = [
        ("DATABASE_URL", database_url.to_owned()),
        ("TIDINGS_BIND", format!("127.0.0.1:{port}")),
        ("TIDINGS_PUBLIC_URL", base.clone()),
        ("TIDINGS_PROVIDER", "twilio".to_owned()),
        ("TWILIO_ACCOUNT_SID", ACCOUNT_SID.to_owned()),
        ("TWILIO_AUTH_TOKEN", AUTH_TOKEN.to_owned()),
        ("TWILIO_API_BASE", fake_base.to_owned()),
        ("TIDINGS_JWT_SECRET", "soak-secret-soak-secret-soak-secret-0123".to_owned()),
        ("TIDINGS_STATIC_DIR", dir.display().to_string()),
        ("TIDINGS_DATA_DIR", dir.display().to_string()),
        ("TIDINGS_INBOUND_SPOOL_DIR", dir.join(format!("spool-{n}")).display().to_string()),
        ("TIDINGS_RATE_LONG_CODE", "10000".to_owned()),
        // The fake lists a message as soon as it takes it: the reconciler need not wait
        // Twilio's two minutes before asking about a send whose answer a kill lost.
        ("TIDINGS_RECONCILE_AFTER_SECONDS", "3".to_owned()),
        ("TIDINGS_ADMIN_PASSWORD", PASSWORD.to_owned()),
        ("RUST_LOG", "warn".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    Server { env, base, child: None, log: dir.join(format!("server-{n}.log")) }
}

async fn call(
    client: &reqwest::Client,
    method: reqwest::Method,
    url: &str,
    token: Option<&str>,
    body: Value,
) -> (StatusCode, Value) {
    let mut request = client.request(method, url).json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    if status.is_server_error() {
        SERVER_ERRORS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
    (status, response.json().await.unwrap_or(Value::Null))
}

#[actix_web::test]
async fn a_launch_survives_the_server_being_killed_and_texts_each_contact_once() {
    let contacts = setting("SOAK_CONTACTS", 1_000);
    let kills = setting("SOAK_KILLS", 3);
    let received = web::Data::new(Received::default());
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let fake_base = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let data = received.clone();
    let fake = HttpServer::new(move || App::new().app_data(data.clone()).default_service(web::to(fake_twilio)))
        .workers(2)
        .listen(listener)
        .unwrap()
        .run();
    actix_web::rt::spawn(fake);

    let database = common::TestDatabase::create();
    let database_url = match database.target() {
        tidings_api::db::connection::DatabaseTarget::Sqlite(path) => format!("sqlite://{}", path.display()),
        tidings_api::db::connection::DatabaseTarget::Postgres(url) => url,
    };
    let dir = tempfile::tempdir().unwrap();
    // Two servers share PostgreSQL, either of which is killed; SQLite has one.
    let server_count = setting("SOAK_SERVERS", if database.is_postgres() { 2 } else { 1 });
    let mut servers: Vec<Server> =
        (0..server_count).map(|n| server_on(&database_url, &fake_base, dir.path(), n)).collect();
    servers[0].run(&["migrate"]);
    servers[0].run(&["create-org", "--name", "Soak College", "--admin-email", "admin@soak.test"]);
    for server in &mut servers {
        server.start().await;
    }
    // The API is asked through the first; the servers send from whichever holds the lane.
    let base = servers[0].base.clone();

    let client = reqwest::Client::new();
    let url = |path: &str| format!("{base}{path}");
    let (status, login) = call(
        &client,
        reqwest::Method::POST,
        &url("/api/v1/auth/login"),
        None,
        json!({"email": "admin@soak.test", "password": PASSWORD}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{login}");
    let token = login["token"].as_str().unwrap().to_owned();
    let (me, office) = (login["user"]["id"].clone(), login["user"]["office"]["id"].clone());
    let post = |path: &str, body: Value| {
        let (client, url, token) = (&client, url(path), &token);
        async move { call(client, reqwest::Method::POST, &url, Some(token), body).await }
    };
    let (status, _) = call(
        &client,
        reqwest::Method::PATCH,
        &url("/api/v1/organisation"),
        Some(&token),
        json!({"texting_hours": {"opens": "00:00", "closes": "24:00"}}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, number) =
        post("/api/v1/phone-numbers", json!({"mode": "provision", "name": "Soak line", "office_id": office})).await;
    assert_eq!(status, StatusCode::CREATED, "{number}");
    let rows: Vec<Value> = (0..contacts)
        .map(|i| json!({"first_name": format!("S{i}"), "last_name": "Soak", "phone": format!("+1646{:07}", 2_000_000 + i)}))
        .collect();
    let (status, list) =
        post("/api/v1/contact-lists", json!({"name": "Soak", "office_id": office, "rows": rows})).await;
    assert_eq!(status, StatusCode::CREATED, "{}", list.to_string().chars().take(600).collect::<String>());
    let campaign = json!({
        "title": "Soak", "office_id": office, "phone_number": {"kind": "reusable", "id": number["id"]},
        "contact_list_id": list["contact_list"]["id"], "message_template": "Hi {first_name}, this is a soak.",
        "operated_by": "agent", "agent_ids": [me],
    });
    let (status, campaign) = post("/api/v1/campaigns", campaign).await;
    assert_eq!(status, StatusCode::CREATED, "{campaign}");
    let id = campaign["id"].as_i64().unwrap();
    let (status, launched) = post(&format!("/api/v1/campaigns/{id}/launch"), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{launched}");

    // Killed at random moments while it sends, and started again each time.
    let mut rng = rand::rngs::StdRng::seed_from_u64(u64::try_from(contacts).unwrap());
    for _ in 0..kills {
        actix_web::rt::time::sleep(Duration::from_millis(rng.random_range(100..1_500))).await;
        let victim = rng.random_range(0..servers.len());
        servers[victim].kill();
        servers[victim].start().await;
    }

    // Then it finishes by itself: nothing left queued, claimed or sending (leases of the
    // killed servers expire; their sends in flight become unknown), and nothing unknown
    // (the reconciler asks the fake about each: found, it was sent; not there, it is
    // queued and sent again).
    let started = Instant::now();
    let messages = loop {
        let messages = all_messages(&client, &base, &token, id).await;
        let in_flight = messages
            .iter()
            .filter(|m| matches!(m["status"].as_str(), Some("queued" | "claimed" | "sending" | "unknown")))
            .count();
        if in_flight == 0 {
            break messages;
        }
        assert!(started.elapsed() < Duration::from_secs(900), "the launch never settled: {in_flight} in flight");
        actix_web::rt::time::sleep(Duration::from_secs(2)).await;
    };

    let texts = received.texts.lock().unwrap().clone();
    let duplicated = texts.values().filter(|n| **n > 1).count();
    assert_eq!(duplicated, 0, "no number was texted twice");
    assert_eq!(messages.len(), contacts, "one message per contact");
    let mut unsettled = 0;
    for message in &messages {
        let to = message["to"].as_str().unwrap();
        let status = message["status"].as_str().unwrap();
        let got = texts.get(to).copied().unwrap_or(0);
        match status {
            // The provider took it: exactly one text.
            "pending" | "sent" | "delivered" => assert_eq!(got, 1, "{to} is {status} and got {got} texts"),
            "failed" | "undelivered" | "unknown" => {
                unsettled += 1;
                assert!(message["error_reason"].as_str().is_some_and(|r| !r.is_empty()), "{message}");
            }
            other => panic!("{to} ended {other}: {message}"),
        }
    }
    // The figures RELIABILITY.md records (`make soak` shows them with --nocapture).
    #[allow(clippy::print_stdout, reason = "the soak's figures are its report")]
    let report = || {
        println!(
        "soak: {contacts} contacts, {server_count} server(s), {kills} kills, {} texts, {duplicated} duplicated, {unsettled} failed or unknown \
         (with a reason), {} server errors answered, settled {:?} after the last kill",
        texts.values().sum::<usize>(),
        SERVER_ERRORS.load(std::sync::atomic::Ordering::Relaxed),
        started.elapsed()
    )
    };
    report();
}

/// Every message of campaign `id`, page by page.
async fn all_messages(client: &reqwest::Client, base: &str, token: &str, id: i64) -> Vec<Value> {
    let mut messages = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(next) => format!("{base}/api/v1/campaigns/{id}/messages?limit=500&cursor={next}"),
            None => format!("{base}/api/v1/campaigns/{id}/messages?limit=500"),
        };
        let (status, page) = call(client, reqwest::Method::GET, &path, Some(token), Value::Null).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        messages.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return messages,
        }
    }
}
