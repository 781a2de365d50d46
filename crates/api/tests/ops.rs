//! Health, readiness, metrics, the OpenAPI document and its committed copy.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a failed unwrap fails the test, which is the point")]

mod common;

use common::TestApp;
use reqwest::StatusCode;

#[actix_web::test]
async fn health_readiness_and_metrics_answer() {
    let app = TestApp::spawn().await;
    let response = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let response = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "migrations ran on start");

    app.seed_default_org("alpha");
    app.login("admin@alpha.test").await;
    let _ = app.client.get(app.url("/api/v1/offices/7")).send().await.unwrap();
    let metrics = app.client.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(
        metrics.contains(r#"tidings_http_requests_total{method="POST",route="/api/v1/auth/login",status="200"} 1"#),
        "{metrics}"
    );
    assert!(metrics.contains(r#"route="/api/v1/offices/{id}",status="401""#), "routes are patterns, not raw paths");
    assert!(metrics.contains("tidings_http_request_duration_seconds_bucket"));
    assert!(metrics.contains("tidings_db_pool_connections{state=\"idle\"}"));
}

#[actix_web::test]
async fn a_known_path_asked_with_another_method_is_a_405_that_says_which_it_answers() {
    let app = TestApp::spawn().await;
    for (method, path, allowed) in [
        ("TRACE", "/api/v1/campaigns", "GET, POST"),
        ("PUT", "/api/v1/me", "GET"),
        ("DELETE", "/api/v1/campaigns/7/launch", "POST"),
    ] {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let response = app.client.request(method.clone(), app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        assert_eq!(response.headers().get("allow").and_then(|v| v.to_str().ok()), Some(allowed), "{method} {path}");
    }
    let response = app.client.request(reqwest::Method::TRACE, app.url("/api/v1/nothing-here")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND, "an unknown path is still unknown");
}

#[actix_web::test]
async fn the_metrics_can_ask_for_a_token() {
    let options = common::TestOptions { metrics_token: Some("scrape-me-please".to_owned()), ..Default::default() };
    let app = TestApp::spawn_with(options).await;
    let metrics = |token: Option<&'static str>| {
        let mut request = app.client.get(app.url("/metrics"));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        async move { request.send().await.unwrap().status() }
    };
    assert_eq!(metrics(None).await, StatusCode::UNAUTHORIZED);
    assert_eq!(metrics(Some("a guess")).await, StatusCode::UNAUTHORIZED);
    assert_eq!(metrics(Some("scrape-me-please")).await, StatusCode::OK);
}

#[actix_web::test]
async fn the_openapi_document_and_swagger_ui_are_served() {
    let app = TestApp::spawn().await;
    let response = app.client.get(app.url("/api/openapi.json")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let doc: serde_json::Value = response.json().await.unwrap();
    assert!(doc["paths"]["/api/v1/auth/login"]["post"].is_object());
    let response = app.client.get(app.url("/api/docs/")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.text().await.unwrap().contains("swagger"));
}

#[actix_web::test]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::spawn().await;
    let csp = tidings_api::http::security_headers::CONTENT_SECURITY_POLICY;
    // The SPA's page, a static file, an API answer, a refusal, an unknown path, Swagger UI.
    for path in ["/", "/campaigns/7", "/style.css", "/healthz", "/api/v1/me", "/api/v1/nothing-here", "/api/docs/"] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        assert_eq!(header("content-security-policy").as_deref(), Some(csp), "{path}");
        assert_eq!(header("x-content-type-options").as_deref(), Some("nosniff"), "{path}");
        assert_eq!(header("referrer-policy").as_deref(), Some("no-referrer"), "{path}");
        assert_eq!(header("x-frame-options").as_deref(), Some("DENY"), "{path}");
        assert_eq!(header("strict-transport-security"), None, "{path}: no HSTS over plain HTTP");
    }
    assert!(csp.contains("frame-ancestors 'none'"));
    let scripts = csp.split(';').find(|d| d.trim().starts_with("script-src")).unwrap();
    assert!(!scripts.contains("unsafe-inline"), "no inline scripts: {scripts}");

    let behind_https = TestApp::spawn_with(common::TestOptions {
        public_url: "https://tidings.example".to_owned(),
        ..Default::default()
    })
    .await;
    let response = behind_https.client.get(behind_https.url("/healthz")).send().await.unwrap();
    let hsts = response.headers().get("strict-transport-security").and_then(|v| v.to_str().ok());
    assert_eq!(hsts, Some("max-age=31536000; includeSubDomains"));
}

#[test]
fn the_committed_openapi_document_matches_the_code() {
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi/openapi.json")).unwrap_or_default();
    let generated = tidings_api::openapi::openapi_json().unwrap();
    assert!(
        committed == generated,
        "openapi/openapi.json is out of date with the code: run `make openapi` and commit the result"
    );
}
