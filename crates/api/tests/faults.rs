//! Database trouble: a request the database cannot take answers 503 with `Retry-After`
//! and leaves nothing half-done; the server finds the database again by itself; servers
//! starting at once migrate once.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a failed unwrap fails the test, which is the point")]

mod common;

use common::{TestApp, TestOptions};
use reqwest::StatusCode;
use serde_json::json;

#[actix_web::test]
async fn a_write_the_database_cannot_take_is_a_503_that_changes_nothing() {
    // SQLite writes give up after 200 ms instead of 10 s, so the outage is quick to reach;
    // PostgreSQL goes away at a proxy, as in a restart: connections dropped, none made.
    let options = TestOptions { sqlite_busy_timeout_ms: 200, database_behind_proxy: true, ..TestOptions::default() };
    let app = TestApp::spawn_with(options).await;
    app.seed_default_org("alpha");
    let admin = app.login("admin@alpha.test").await;
    let office = json!({"name": "Harbour office", "time_zone": "America/Chicago"});

    let outage = app.database.outage();
    let response = app.client.post(app.url("/api/v1/offices")).bearer_auth(&admin).json(&office).send().await.unwrap();
    let status = response.status();
    let retry_after = response.headers().get("retry-after").map(|v| v.to_str().unwrap().to_owned());
    let content_type = response.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned());
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(retry_after.as_deref(), Some("2"));
    assert_eq!(content_type.as_deref(), Some("application/problem+json"));
    assert!(body["detail"].as_str().unwrap().contains("nothing was changed"), "{body}");
    if app.database.is_postgres() {
        assert_eq!(app.client.get(app.url("/readyz")).send().await.unwrap().status(), StatusCode::SERVICE_UNAVAILABLE);
    }
    drop(outage);

    // Back by itself: ready, and the office was not half-created.
    assert_eq!(app.client.get(app.url("/readyz")).send().await.unwrap().status(), StatusCode::OK);
    let (status, offices) = app.get("/api/v1/offices", &admin).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!offices.to_string().contains("Harbour office"), "{offices}");
    let (status, created) = app.post("/api/v1/offices", &admin, office).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
}

#[test]
fn servers_starting_at_once_migrate_once() {
    let database = common::TestDatabase::create();
    let target = database.target();
    let servers: Vec<_> = (0..4)
        .map(|_| {
            let target = target.clone();
            std::thread::spawn(move || {
                let pool = tidings_api::db::connection::build_pool(&target, 1).unwrap();
                let mut conn = pool.get().unwrap();
                tidings_api::db::connection::run_migrations(&mut conn)
            })
        })
        .collect();
    let applied: Vec<usize> = servers.into_iter().map(|server| server.join().unwrap().unwrap()).collect();
    let total = applied.iter().sum::<usize>();
    assert!(total > 0 && applied.iter().filter(|n| **n > 0).count() == 1, "one server migrated: {applied:?}");
    let pool = tidings_api::db::connection::build_pool(&target, 1).unwrap();
    let mut conn = pool.get().unwrap();
    assert!(!tidings_api::db::connection::migrations_pending(&mut conn).unwrap());
}
