//! The integration-test harness: the real server on port 0 with a fresh database per
//! test — a temporary SQLite file, or, when `TEST_DATABASE_URL` names a PostgreSQL
//! server, a fresh schema that is dropped afterwards.

#![allow(dead_code, reason = "each test binary uses a different part of the harness")]
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

use std::path::PathBuf;
use std::sync::Arc;

use chrono::Utc;
use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tidings_api::app::Application;
use tidings_api::clock::ManualClock;
use tidings_api::config::{Config, DeliverySettings, ProviderKind, Secret, TwilioConfig};
use tidings_api::db::connection::DatabaseTarget;
use tidings_api::providers::simulator::Simulator;
use tidings_api::services::organisations::{create_organisation, NewStaff};
use tidings_domain::Role;

pub const PASSWORD: &str = "correct-horse-battery";
pub const JWT_SECRET: &str = "test-secret-test-secret-test-secret-0123";

pub mod pg_proxy;

/// A database that exists for one test.
pub enum TestDatabase {
    Sqlite {
        _dir: tempfile::TempDir,
        path: PathBuf,
    },
    Postgres {
        admin_url: String,
        schema: String,
        url: String,
        /// Between the server and PostgreSQL when the test takes the database away.
        proxy: Option<Arc<pg_proxy::PgProxy>>,
    },
}

impl TestDatabase {
    /// As [`TestDatabase::create`], with PostgreSQL reached through a proxy an outage
    /// cuts, as a restart or a network fault would.
    pub fn create_behind_proxy() -> Self {
        let mut database = Self::create();
        if let TestDatabase::Postgres { url, proxy, .. } = &mut database {
            let started = Arc::new(pg_proxy::PgProxy::start(pg_proxy::upstream_of(url)));
            *url = pg_proxy::through(url, &started);
            *proxy = Some(started);
        }
        database
    }

    pub fn create() -> Self {
        match std::env::var("TEST_DATABASE_URL") {
            Ok(url) if !url.trim().is_empty() => {
                assert!(url.starts_with("postgres"), "TEST_DATABASE_URL must be a postgres:// URL, got {url}");
                let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
                // No skipping: a configured but unreachable server fails the test.
                let mut admin = PgConnection::establish(&url)
                    .unwrap_or_else(|e| panic!("TEST_DATABASE_URL is set but PostgreSQL is unreachable: {e}"));
                admin.batch_execute(&format!("CREATE SCHEMA {schema}")).unwrap();
                let separator = if url.contains('?') { '&' } else { '?' };
                // Loopback needs no TLS, and libpq's OpenSSL teardown at process exit races
                // pool threads still holding connections (a SIGSEGV after every test passed).
                let tls = if url.contains("sslmode=") { "" } else { "&sslmode=disable" };
                // Named after the schema, so an outage can end this test's sessions only.
                let test_url =
                    format!("{url}{separator}options=-csearch_path%3D{schema}&application_name={schema}{tls}");
                TestDatabase::Postgres { admin_url: url, schema, url: test_url, proxy: None }
            }
            _ => {
                let dir = tempfile::tempdir().unwrap();
                let path = dir.path().join("test.db");
                TestDatabase::Sqlite { _dir: dir, path }
            }
        }
    }

    pub fn target(&self) -> DatabaseTarget {
        match self {
            TestDatabase::Sqlite { path, .. } => DatabaseTarget::Sqlite(path.clone()),
            TestDatabase::Postgres { url, .. } => DatabaseTarget::Postgres(url.clone()),
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, TestDatabase::Postgres { .. })
    }
}

/// The database made unavailable to the server until dropped: SQLite held locked by
/// another connection's write transaction (the server's writes fail once its busy
/// timeout passes); PostgreSQL cut off at the proxy when the test has one (every
/// connection dropped, none made), else with the test's schema renamed away and the
/// server's sessions ended (every statement fails until it is back).
pub enum Outage {
    Sqlite(diesel::SqliteConnection),
    Postgres { admin: PgConnection, schema: String },
    PostgresCut(Arc<pg_proxy::PgProxy>),
}

impl TestDatabase {
    pub fn outage(&self) -> Outage {
        match self {
            TestDatabase::Sqlite { path, .. } => {
                let mut holder = diesel::SqliteConnection::establish(&path.to_string_lossy()).unwrap();
                holder.batch_execute("BEGIN IMMEDIATE").unwrap();
                Outage::Sqlite(holder)
            }
            TestDatabase::Postgres { proxy: Some(proxy), .. } => {
                proxy.cut();
                Outage::PostgresCut(proxy.clone())
            }
            TestDatabase::Postgres { admin_url, schema, .. } => {
                let mut admin = PgConnection::establish(admin_url).unwrap();
                admin
                    .batch_execute(&format!(
                        "ALTER SCHEMA {schema} RENAME TO {schema}_down; \
                         SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                         WHERE application_name = '{schema}' AND pid <> pg_backend_pid();"
                    ))
                    .unwrap();
                Outage::Postgres { admin, schema: schema.clone() }
            }
        }
    }
}

impl Drop for Outage {
    fn drop(&mut self) {
        match self {
            Outage::Sqlite(holder) => {
                let _ = holder.batch_execute("ROLLBACK");
            }
            Outage::Postgres { admin, schema } => {
                let _ = admin.batch_execute(&format!("ALTER SCHEMA {schema}_down RENAME TO {schema}"));
            }
            Outage::PostgresCut(proxy) => proxy.restore(),
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let TestDatabase::Postgres { admin_url, schema, .. } = self {
            if let Ok(mut admin) = PgConnection::establish(admin_url) {
                let _ = admin.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"));
            }
        }
    }
}

/// Knobs a test may turn before the server starts.
pub struct TestOptions {
    pub max_body_bytes: usize,
    pub max_upload_bytes: usize,
    /// Run with `TIDINGS_PROVIDER=twilio` against these settings (a fake Twilio), built
    /// through `Application::build` as `tidings serve` does; the simulator otherwise.
    pub twilio: Option<TwilioConfig>,
    /// With `twilio` set: still send through the inspectable simulator, the Twilio
    /// settings only signing the webhooks (chaos delivers the simulator's reports to the
    /// signed status webhook).
    pub simulated_sends: bool,
    /// Reach PostgreSQL through a proxy that `TestDatabase::outage` cuts.
    pub database_behind_proxy: bool,
    /// Send rates, attempts and retry delays of the dispatcher.
    pub delivery: DeliverySettings,
    /// How long a session lasts on the test's clock (tests that move the clock across
    /// days keep their sessions).
    pub token_ttl_minutes: i64,
    /// SQLite's busy timeout (the spool test holds the database locked past it).
    pub sqlite_busy_timeout_ms: u64,
    pub public_url: String,
    /// Proxies whose `X-Forwarded-For` names the client (`TIDINGS_TRUSTED_PROXIES`).
    pub trusted_proxies: Vec<tidings_api::auth::client_address::IpRange>,
    /// The bearer token `/metrics` asks for (`TIDINGS_METRICS_TOKEN`).
    pub metrics_token: Option<String>,
}

impl Default for TestOptions {
    fn default() -> Self {
        Self {
            max_body_bytes: 1024 * 1024,
            max_upload_bytes: 64 * 1024 * 1024,
            twilio: None,
            simulated_sends: false,
            database_behind_proxy: false,
            delivery: DeliverySettings::default(),
            token_ttl_minutes: 60,
            sqlite_busy_timeout_ms: tidings_api::db::connection::DEFAULT_BUSY_TIMEOUT_MS,
            public_url: "http://127.0.0.1:8080".to_owned(),
            trusted_proxies: Vec::new(),
            metrics_token: None,
        }
    }
}

/// A running server and a client for it.
pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub clock: Arc<ManualClock>,
    pub app_state: tidings_api::state::AppState,
    /// The server's provider, to check what reached it (`was_released`); unused (the
    /// server talks to Twilio) when `TestOptions::twilio` is set.
    pub simulator: Arc<Simulator>,
    pub static_dir: tempfile::TempDir,
    pub database: TestDatabase,
}

/// A seeded organisation: ids and a signed-in token per user.
pub struct Org {
    pub id: i64,
    pub offices: Vec<i64>,
    pub users: Vec<i64>,
    pub emails: Vec<String>,
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(TestOptions::default()).await
    }

    pub async fn spawn_with(options: TestOptions) -> Self {
        let database =
            if options.database_behind_proxy { TestDatabase::create_behind_proxy() } else { TestDatabase::create() };
        let static_dir = tempfile::tempdir().unwrap();
        std::fs::write(
            static_dir.path().join("index.html"),
            "<!doctype html><title>Tidings</title><div id=app-shell></div>",
        )
        .unwrap();
        std::fs::write(static_dir.path().join("style.css"), "body{}").unwrap();
        let config = Config {
            database: database.target(),
            bind: "127.0.0.1:0".parse().unwrap(),
            public_url: options.public_url,
            jwt_secret: Secret::new(JWT_SECRET),
            provider: if options.twilio.is_some() && !options.simulated_sends {
                ProviderKind::Twilio
            } else {
                ProviderKind::Simulator
            },
            twilio: options.twilio,
            static_dir: static_dir.path().to_path_buf(),
            max_body_bytes: options.max_body_bytes,
            max_upload_bytes: options.max_upload_bytes,
            token_ttl_minutes: options.token_ttl_minutes,
            db_pool_size: 4,
            run_jobs: false,
            delivery: options.delivery,
            simulator_failure_rate: 0.0,
            inbound_spool_dir: static_dir.path().join("inbound-spool"),
            sqlite_busy_timeout_ms: options.sqlite_busy_timeout_ms,
            replay_spool: false,
            trusted_proxies: options.trusted_proxies,
            password_workers: 2,
            metrics_token: options.metrics_token.map(Secret::new),
            provider_timeout: tidings_api::providers::twilio::DEFAULT_TIMEOUT,
            reconcile_after: tidings_api::services::reconcile::DEFAULT_GRACE,
        };
        let clock = Arc::new(ManualClock::new(Utc::now()));
        let simulator = Arc::new(Simulator::new());
        let app = if config.provider == ProviderKind::Twilio {
            Application::build(config, clock.clone()).expect("server builds")
        } else {
            Application::build_with_provider(config, clock.clone(), simulator.clone()).expect("server builds")
        };
        let base = format!("http://127.0.0.1:{}", app.port());
        let app_state = app.state().clone();
        actix_web::rt::spawn(app.into_server());
        Self { base, client: reqwest::Client::new(), clock, app_state, simulator, static_dir, database }
    }

    /// Creates an organisation with offices ("Main", "West") and one user per role
    /// given, all with `PASSWORD`.
    pub fn seed_org(&self, name: &str, staff: &[(&str, Role, usize, bool)]) -> Org {
        let mut conn = self.app_state.pool.get().unwrap();
        let people: Vec<NewStaff<'_>> = staff
            .iter()
            .map(|(email, role, office, view_other_offices)| NewStaff {
                email,
                name: email.split('@').next().unwrap(),
                password: PASSWORD,
                role: *role,
                office: *office,
                view_other_offices: *view_other_offices,
            })
            .collect();
        let created = create_organisation(
            &mut conn,
            self.clock.as_ref(),
            name,
            &[("Main", "America/New_York"), ("West", "America/Los_Angeles")],
            &people,
        )
        .expect("organisation seeds");
        // Texting hours open all day: the tests that are not about them send at any
        // hour of their clock; `texting_hours.rs` sets the window it tests.
        tidings_api::db::organisations::set_texting_hours(&mut conn, created.organisation_id, 0, 24 * 60)
            .expect("texting hours set");
        Org {
            id: created.organisation_id,
            offices: created.office_ids,
            users: created.user_ids,
            emails: staff.iter().map(|s| s.0.to_owned()).collect(),
        }
    }

    /// A standard organisation: admin, standard (sees other offices), agent, limited.
    pub fn seed_default_org(&self, prefix: &str) -> Org {
        self.seed_org(
            &format!("{prefix} College"),
            &[
                (&format!("admin@{prefix}.test"), Role::Administrative, 0, true),
                (&format!("manager@{prefix}.test"), Role::Standard, 0, true),
                (&format!("agent@{prefix}.test"), Role::Standard, 0, false),
                (&format!("limited@{prefix}.test"), Role::Limited, 1, false),
            ],
        )
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn login(&self, email: &str) -> String {
        let response = self
            .client
            .post(self.url("/api/v1/auth/login"))
            .json(&json!({"email": email, "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "login of {email}");
        let body: Value = response.json().await.unwrap();
        body["token"].as_str().unwrap().to_owned()
    }

    /// Sends a request with an optional bearer token and JSON body; answers status and
    /// body (JSON, or a string for anything else).
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = self.client.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        read(response).await
    }

    pub async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }

    pub async fn patch(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::PATCH, path, Some(token), Some(body)).await
    }

    pub async fn delete(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.call(Method::DELETE, path, Some(token), None).await
    }
}

/// Reads a response, asserting that errors are problem+json.
pub async fn read(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let text = response.text().await.unwrap();
    if status.is_client_error() || status.is_server_error() {
        assert!(
            content_type.starts_with("application/problem+json"),
            "error {status} must be problem+json, was '{content_type}': {text}"
        );
    }
    let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, value)
}

/// Asserts a problem body names `field` among its errors.
pub fn assert_field_error(body: &Value, field: &str) {
    let errors = body["errors"].as_array().unwrap_or_else(|| panic!("no errors list in {body}"));
    assert!(
        errors.iter().any(|e| e["field"] == field && e["reason"].as_str().is_some_and(|r| !r.is_empty())),
        "expected an error for '{field}' in {body}"
    );
}

/// A distinct, valid contact phone per index.
pub fn phone(i: usize) -> String {
    format!("+1415{:07}", 2_000_000 + i)
}

impl TestApp {
    /// Posts `params` to the webhook at `path` as Twilio does: a form signed with
    /// `token` over the server's default public URL (`TestOptions::public_url`).
    pub async fn signed_webhook(&self, token: &str, path: &str, params: &[(&str, String)]) -> reqwest::Response {
        let borrowed: Vec<(&str, &str)> = params.iter().map(|(n, v)| (*n, v.as_str())).collect();
        let signature = twilio_signature(token, &format!("http://127.0.0.1:8080{path}"), &borrowed);
        self.client.post(self.url(path)).header("X-Twilio-Signature", signature).form(params).send().await.unwrap()
    }
}

impl TestApp {
    /// A ready campaign of `org`'s first office texting `count` contacts (`phone(1)`
    /// on) from a new simulator number `number`: its id, not yet launched.
    pub async fn ready_campaign(&self, org: &Org, manager: &str, number: &str, count: usize) -> i64 {
        let rows: Vec<Value> = (1..=count)
            .map(|i| json!({"first_name": format!("C{i}"), "last_name": "Bulk", "phone": phone(i)}))
            .collect();
        let body = json!({"name": "Bulk", "office_id": org.offices[0], "rows": rows});
        let (status, list) = self.post("/api/v1/contact-lists", manager, body).await;
        assert_eq!(status, StatusCode::CREATED, "{}", list.to_string().chars().take(300).collect::<String>());
        let number = self.insert_number(org.id, org.offices[0], number, NumberSpec::REUSABLE_SIMULATOR);
        let body = json!({
            "title": "Bulk", "phone_number": {"kind": "reusable", "id": number},
            "contact_list_id": list["contact_list"]["id"], "message_template": "Hi {first_name}",
            "agent_ids": [org.users[1]],
        });
        let (status, campaign) = self.post("/api/v1/campaigns", manager, body).await;
        assert_eq!(status, StatusCode::CREATED, "{campaign}");
        campaign["id"].as_i64().unwrap()
    }

    /// Every message of campaign `id`, as its messages list pages them.
    pub async fn campaign_messages(&self, id: i64, token: &str) -> Vec<Value> {
        let mut messages = Vec::new();
        let mut path = format!("/api/v1/campaigns/{id}/messages?limit=500");
        loop {
            let (status, page) = self.get(&path, token).await;
            assert_eq!(status, StatusCode::OK, "{page}");
            messages.extend(page["items"].as_array().unwrap().iter().cloned());
            let Some(next) = page["next_cursor"].as_str() else { return messages };
            path = format!("/api/v1/campaigns/{id}/messages?limit=500&cursor={next}");
        }
    }
}

/// Twilio's signature of a form post, computed here from its definition (TWILIO.md),
/// independently of the server's code.
pub fn twilio_signature(token: &str, url: &str, params: &[(&str, &str)]) -> String {
    use base64::Engine;
    use hmac::Mac;
    let mut sorted = params.to_vec();
    sorted.sort();
    let mut data = url.to_owned();
    for (name, value) in sorted {
        data.push_str(name);
        data.push_str(value);
    }
    let mut mac = hmac::Hmac::<sha1::Sha1>::new_from_slice(token.as_bytes()).unwrap();
    mac.update(data.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// What kind of number [`TestApp::insert_number`] writes.
#[derive(Debug, Clone, Copy)]
pub struct NumberSpec<'a> {
    /// `reusable` or `single_use`.
    pub kind: &'a str,
    /// `simulator`, `long_code`, …
    pub number_type: &'a str,
}

impl NumberSpec<'static> {
    pub const REUSABLE_SIMULATOR: NumberSpec<'static> = NumberSpec { kind: "reusable", number_type: "simulator" };
}

impl TestApp {
    /// An active number of an office, written directly (numbers have their own tests),
    /// with a provider sid so releasing it reaches the provider.
    pub fn insert_number(&self, organisation_id: i64, office_id: i64, e164: &str, spec: NumberSpec<'_>) -> i64 {
        use diesel::prelude::*;
        use tidings_api::clock::Clock;
        use tidings_api::db::schema::phone_numbers;
        let mut conn = self.app_state.pool.get().unwrap();
        let now = self.clock.now_naive();
        diesel::insert_into(phone_numbers::table)
            .values((
                phone_numbers::organisation_id.eq(organisation_id),
                phone_numbers::office_id.eq(office_id),
                phone_numbers::kind.eq(spec.kind),
                phone_numbers::e164.eq(e164),
                phone_numbers::name.eq("Admissions line"),
                phone_numbers::description.eq(""),
                phone_numbers::number_type.eq(spec.number_type),
                phone_numbers::default_operated_by.eq("agent"),
                phone_numbers::provider_sid.eq(Some(format!("PNtest{}", e164.trim_start_matches('+')))),
                phone_numbers::status.eq("active"),
                phone_numbers::created_at.eq(now),
                phone_numbers::updated_at.eq(now),
            ))
            .returning(phone_numbers::id)
            .get_result(&mut *conn)
            .unwrap()
    }
}
