//! Signing in and out, token validation, throttling and API keys.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a failed unwrap fails the test, which is the point")]

mod common;

use base64::Engine;
use chrono::{Duration, Utc};
use common::{TestApp, JWT_SECRET, PASSWORD};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

#[actix_web::test]
async fn login_answers_a_token_that_shows_who_i_am() {
    let app = TestApp::spawn().await;
    let org = app.seed_default_org("alpha");
    let response = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"email": "  Manager@Alpha.test ", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["user"]["email"], "manager@alpha.test");
    assert_eq!(body["user"]["organisation"]["name"], "alpha College");
    assert_eq!(body["user"]["office"]["name"], "Main");
    assert_eq!(body["user"]["role"], "standard");

    let token = body["token"].as_str().unwrap();
    let (status, me) = app.get("/api/v1/me", token).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["id"], org.users[1]);
    assert_eq!(me["name"], "manager");
    assert_eq!(me["view_other_offices"], true);
    assert_eq!(me["two_way_messaging"], true);
    assert_eq!(me["simulator"], true, "the default provider is the simulator");
}

#[actix_web::test]
async fn wrong_password_or_unknown_email_is_one_vague_401() {
    let app = TestApp::spawn().await;
    app.seed_default_org("alpha");
    for (email, password) in [("manager@alpha.test", "not the password"), ("nobody@alpha.test", PASSWORD)] {
        let (status, body) = app
            .call(Method::POST, "/api/v1/auth/login", None, Some(json!({"email": email, "password": password})))
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body["detail"], "Email or password is wrong.");
    }
    let (status, body) =
        app.call(Method::POST, "/api/v1/auth/login", None, Some(json!({"email": "", "password": ""}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    common::assert_field_error(&body, "email");
    common::assert_field_error(&body, "password");
}

#[actix_web::test]
async fn deactivated_users_cannot_sign_in() {
    let app = TestApp::spawn().await;
    let org = app.seed_default_org("alpha");
    let admin = app.login("admin@alpha.test").await;
    let agent = app.login("agent@alpha.test").await;
    let (status, _) = app.delete(&format!("/api/v1/users/{}", org.users[2]), &admin).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = app.get("/api/v1/me", &agent).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a deactivated user's session stops working");
    let (status, _) = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "agent@alpha.test", "password": PASSWORD})),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn repeated_failures_are_throttled_per_account_with_retry_after() {
    let app = TestApp::spawn().await;
    app.seed_default_org("alpha");
    let wrong = json!({"email": "manager@alpha.test", "password": "wrong password!"});
    for _ in 0..5 {
        let (status, _) = app.call(Method::POST, "/api/v1/auth/login", None, Some(wrong.clone())).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    // Even the right password is refused while throttled.
    let response = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"email": "manager@alpha.test", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(retry_after > 0 && retry_after <= 15 * 60, "Retry-After {retry_after}");
    let (_, body) = common::read(response).await;
    assert_eq!(body["status"], 429);

    // Another account from elsewhere is not affected... but this test's client shares
    // the IP; the per-account limit is what tripped.
    let (status, _) = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "admin@alpha.test", "password": PASSWORD})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    app.clock.advance(Duration::minutes(15));
    app.login("manager@alpha.test").await;
}

#[actix_web::test]
async fn many_failures_from_one_address_are_throttled_across_accounts() {
    let app = TestApp::spawn().await;
    app.seed_default_org("alpha");
    for i in 0..30 {
        let (status, _) = app
            .call(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({"email": format!("guess{i}@alpha.test"), "password": "wrong password"})),
            )
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    let (status, _) = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "admin@alpha.test", "password": PASSWORD})),
        )
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}

fn claims(overrides: Value, user_id: i64, org_id: i64) -> Value {
    let now = Utc::now().timestamp();
    let mut claims = json!({
        "sub": user_id.to_string(), "org": org_id, "iat": now, "exp": now + 600,
        "iss": "tidings", "aud": "tidings-session", "jti": uuid::Uuid::new_v4().to_string(),
    });
    for (key, value) in overrides.as_object().unwrap() {
        claims[key] = value.clone();
    }
    claims
}

fn sign(algorithm: Algorithm, claims: &Value) -> String {
    jsonwebtoken::encode(&Header::new(algorithm), claims, &EncodingKey::from_secret(JWT_SECRET.as_bytes())).unwrap()
}

#[actix_web::test]
async fn forged_and_stale_tokens_are_refused() {
    let app = TestApp::spawn().await;
    let org = app.seed_default_org("alpha");
    let (user, org_id) = (org.users[0], org.id);

    // A correctly formed token signed by the test is accepted, so the refusals below
    // are about the one thing each case changes.
    let good = sign(Algorithm::HS256, &claims(json!({}), user, org_id));
    assert_eq!(app.get("/api/v1/me", &good).await.0, StatusCode::OK);

    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let none_token = format!(
        "{}.{}.",
        engine.encode(br#"{"alg":"none","typ":"JWT"}"#),
        engine.encode(claims(json!({}), user, org_id).to_string())
    );
    let mut tampered = good.clone();
    let payload_start = tampered.find('.').unwrap() + 1;
    let forged_payload = engine.encode(claims(json!({"sub": "999"}), user, org_id).to_string());
    let signature_start = tampered.rfind('.').unwrap();
    tampered.replace_range(payload_start..signature_start, &forged_payload);

    let cases = [
        ("alg none", none_token),
        ("tampered payload", tampered),
        ("HS384", sign(Algorithm::HS384, &claims(json!({}), user, org_id))),
        ("wrong audience", sign(Algorithm::HS256, &claims(json!({"aud": "someone-else"}), user, org_id))),
        ("wrong issuer", sign(Algorithm::HS256, &claims(json!({"iss": "evil"}), user, org_id))),
        ("expired", sign(Algorithm::HS256, &claims(json!({"exp": Utc::now().timestamp() - 5}), user, org_id))),
        ("other organisation", sign(Algorithm::HS256, &claims(json!({"org": org_id + 1}), user, org_id))),
        ("garbage", "not-a-token".to_owned()),
    ];
    for (name, token) in cases {
        let (status, body) = app.get("/api/v1/me", &token).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{name} must be refused");
        assert_eq!(body["status"], 401, "{name}");
    }
    let (status, _) = app.call(Method::GET, "/api/v1/me", None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn an_issued_token_expires_on_the_servers_clock() {
    let app = TestApp::spawn().await;
    app.seed_default_org("alpha");
    let token = app.login("manager@alpha.test").await;
    app.clock.advance(Duration::minutes(59));
    assert_eq!(app.get("/api/v1/me", &token).await.0, StatusCode::OK);
    app.clock.advance(Duration::minutes(1));
    assert_eq!(app.get("/api/v1/me", &token).await.0, StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn logout_revokes_the_token_only() {
    let app = TestApp::spawn().await;
    app.seed_default_org("alpha");
    let first = app.login("manager@alpha.test").await;
    let second = app.login("manager@alpha.test").await;
    let (status, _) = app.call(Method::POST, "/api/v1/auth/logout", Some(&first), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(app.get("/api/v1/me", &first).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(app.get("/api/v1/me", &second).await.0, StatusCode::OK, "other sessions stay signed in");
}

#[actix_web::test]
async fn api_keys_are_shown_once_work_as_bearer_and_stop_when_revoked() {
    let app = TestApp::spawn().await;
    let org = app.seed_default_org("alpha");
    let admin = app.login("admin@alpha.test").await;
    let (status, created) =
        app.post("/api/v1/api-keys", &admin, json!({"name": "SIS sync", "user_id": org.users[1]})).await;
    assert_eq!(status, StatusCode::CREATED);
    let key = created["key"].as_str().unwrap().to_owned();
    assert!(key.starts_with("tdk_"));

    let (status, me) = app.get("/api/v1/me", &key).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["email"], "manager@alpha.test", "the key acts as its user");

    let (_, list) = app.get("/api/v1/api-keys", &admin).await;
    let listed = &list["items"][0];
    assert_eq!(listed["name"], "SIS sync");
    assert!(listed.get("key").is_none(), "the secret is never listed");
    assert!(!list.to_string().contains(&key));
    assert!(listed["last_used_at"].is_string());

    let (status, _) = app.get("/api/v1/api-keys", &key).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a standard user's key cannot manage keys");

    let (status, _) = app.delete(&format!("/api/v1/api-keys/{}", created["id"]), &admin).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = app.get("/api/v1/me", &key).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = app.get("/api/v1/me", "tdk_made-up-key").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
