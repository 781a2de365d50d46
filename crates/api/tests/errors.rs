//! Every bad input answers an RFC 9457 problem naming the field and the reason.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a failed unwrap fails the test, which is the point")]

mod common;

use common::{TestApp, TestOptions};
use reqwest::StatusCode;
use serde_json::json;

#[actix_web::test]
async fn bad_bodies_get_problems_that_name_the_field() {
    let app = TestApp::spawn().await;
    app.seed_default_org("alpha");
    let admin = app.login("admin@alpha.test").await;

    let response = app
        .client
        .post(app.url("/api/v1/offices"))
        .bearer_auth(&admin)
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .unwrap();
    let (status, body) = common::read(response).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "malformed JSON");
    assert!(body["detail"].as_str().unwrap().contains("not valid JSON"));

    let (status, body) =
        app.post("/api/v1/offices", &admin, json!({"name": "N", "time_zone": "UTC", "colour": "red"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "unknown field");
    common::assert_field_error(&body, "colour");

    let (status, body) = app.post("/api/v1/offices", &admin, json!({"name": 5, "time_zone": "UTC"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "wrong type");
    common::assert_field_error(&body, "name");

    let (status, body) = app.post("/api/v1/offices", &admin, json!({"name": "N"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "missing field");
    common::assert_field_error(&body, "time_zone");

    let (status, body) = app
        .post(
            "/api/v1/users",
            &admin,
            json!({"email": "a@b.org", "name": "A", "password": "long enough pw", "role": "boss", "office_id": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "unknown enum value");
    common::assert_field_error(&body, "role");

    let response = app
        .client
        .post(app.url("/api/v1/offices"))
        .bearer_auth(&admin)
        .header("content-type", "text/plain")
        .body("name=N")
        .send()
        .await
        .unwrap();
    assert_eq!(common::read(response).await.0, StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[actix_web::test]
async fn bad_path_and_query_values_are_400_with_the_field() {
    let app = TestApp::spawn().await;
    app.seed_default_org("alpha");
    let admin = app.login("admin@alpha.test").await;
    let (status, body) = app.get("/api/v1/offices/abc", &admin).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    common::assert_field_error(&body, "id");
    let (status, body) = app.get("/api/v1/users?office_id=north", &admin).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    common::assert_field_error(&body, "office_id");
    let (status, body) = app.get("/api/v1/users?colour=red", &admin).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    common::assert_field_error(&body, "colour");
}

#[actix_web::test]
async fn a_body_over_the_limit_is_413() {
    let app = TestApp::spawn_with(TestOptions { max_body_bytes: 256, ..TestOptions::default() }).await;
    app.seed_default_org("alpha");
    let admin = app.login("admin@alpha.test").await;
    let (status, body) =
        app.post("/api/v1/offices", &admin, json!({"name": "x".repeat(400), "time_zone": "UTC"})).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(body["detail"].as_str().unwrap().contains("256"));
}

#[actix_web::test]
async fn unknown_routes_and_methods_are_problems_and_other_paths_get_the_app() {
    let app = TestApp::spawn().await;
    app.seed_default_org("alpha");
    let admin = app.login("admin@alpha.test").await;
    let (status, body) = app.get("/api/v1/no-such-thing", &admin).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["status"], 404);
    let (status, _) = app.call(reqwest::Method::PUT, "/api/v1/me", Some(&admin), None).await;
    assert!(status == StatusCode::METHOD_NOT_ALLOWED || status == StatusCode::NOT_FOUND, "{status}");

    // Deep links of the SPA answer its index.html so a reload works.
    let response = app.client.get(app.url("/campaigns/42/activity")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.text().await.unwrap().contains("app-shell"));
    let response = app.client.get(app.url("/style.css")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.text().await.unwrap(), "body{}");
}

#[actix_web::test]
async fn the_apps_files_are_sent_as_their_precompressed_copies_when_accepted() {
    let app = TestApp::spawn().await;
    let pkg = app.static_dir.path().join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(pkg.join("app.wasm"), b"\0asm plain").unwrap();
    std::fs::write(pkg.join("app.wasm.gz"), b"gzip copy").unwrap();
    std::fs::write(pkg.join("app.wasm.br"), b"brotli copy").unwrap();
    std::fs::write(pkg.join("only-gz.js"), "plain()").unwrap();
    std::fs::write(pkg.join("only-gz.js.gz"), b"gzip js").unwrap();

    let fetch = |path: &'static str, accept: Option<&'static str>| {
        let mut request = app.client.get(app.url(path));
        if let Some(accept) = accept {
            request = request.header("Accept-Encoding", accept);
        }
        async move {
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), StatusCode::OK, "{path} with {accept:?}");
            let header = |name: &str| {
                response.headers().get(name).map(|value| value.to_str().unwrap().to_owned()).unwrap_or_default()
            };
            let (encoding, kind, vary) = (header("content-encoding"), header("content-type"), header("vary"));
            (encoding, kind, vary, response.bytes().await.unwrap().to_vec())
        }
    };

    let (encoding, kind, vary, body) = fetch("/pkg/app.wasm", Some("gzip, deflate, br")).await;
    assert_eq!((encoding.as_str(), kind.as_str(), body.as_slice()), ("br", "application/wasm", &b"brotli copy"[..]));
    assert!(vary.to_ascii_lowercase().contains("accept-encoding"), "{vary}");

    let (encoding, kind, _, body) = fetch("/pkg/app.wasm", Some("gzip")).await;
    assert_eq!((encoding.as_str(), kind.as_str(), body.as_slice()), ("gzip", "application/wasm", &b"gzip copy"[..]));

    let (encoding, _, _, body) = fetch("/pkg/app.wasm", Some("br;q=0, gzip")).await;
    assert_eq!((encoding.as_str(), body.as_slice()), ("gzip", &b"gzip copy"[..]));

    // Without a copy in an accepted encoding, the file itself.
    let (encoding, _, _, body) = fetch("/pkg/app.wasm", None).await;
    assert_eq!((encoding.as_str(), body.as_slice()), ("", &b"\0asm plain"[..]));
    let (encoding, kind, _, body) = fetch("/pkg/only-gz.js", Some("br, gzip")).await;
    assert_eq!((encoding.as_str(), body.as_slice()), ("gzip", &b"gzip js"[..]));
    assert!(kind.starts_with("text/javascript") || kind.starts_with("application/javascript"), "{kind}");

    // A module that is not there is missing, not the SPA's page read as wasm.
    let response = app.client.get(app.url("/pkg/chunk_404.wasm")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(response.headers()["content-type"], "application/problem+json");
}

#[actix_web::test]
async fn a_body_that_is_not_an_object_and_a_page_out_of_range_are_refused() {
    let app = TestApp::spawn().await;
    app.seed_default_org("alpha");
    let admin = app.login("admin@alpha.test").await;
    // An array would otherwise be read as the fields in order: a PATCH that changes nothing.
    let (status, problem) = app.patch("/api/v1/organisation", &admin, json!([null, null])).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert!(problem["detail"].as_str().unwrap().contains("JSON object"), "{problem}");
    for query in ["per_page=0", "per_page=101", "per_page=2147483648", "page=0"] {
        let (status, problem) = app.get(&format!("/api/v1/campaigns?{query}"), &admin).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {problem}");
    }
    let (status, problem) = app.get("/api/v1/campaigns?per_page=101", &admin).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    common::assert_field_error(&problem, "per_page");
    assert_eq!(app.get("/api/v1/campaigns?per_page=100&page=1", &admin).await.0, StatusCode::OK);
}
