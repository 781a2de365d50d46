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

/// A sign-in attempt from `client` (an `X-Forwarded-For` value, read only when the
/// server trusts the test's loopback proxy): the status and `Retry-After`.
async fn attempt(app: &TestApp, client: &str, email: &str, password: &str) -> (StatusCode, Option<u64>) {
    let response = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("X-Forwarded-For", client)
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap();
    let retry_after = response.headers().get("retry-after").and_then(|v| v.to_str().ok()?.parse().ok());
    (response.status(), retry_after)
}

/// A server that takes the client's address from `X-Forwarded-For` when the peer is
/// the loopback proxy (the test itself).
async fn behind_a_proxy() -> TestApp {
    let loopback = tidings_api::auth::client_address::IpRange::parse("127.0.0.1").unwrap();
    TestApp::spawn_with(common::TestOptions { trusted_proxies: vec![loopback], ..Default::default() }).await
}

#[actix_web::test]
async fn many_failures_from_one_network_lock_it_across_accounts() {
    let app = behind_a_proxy().await;
    app.seed_default_org("alpha");
    let limit = tidings_api::auth::throttle::NETWORK_LIMIT;
    for i in 0..limit {
        let (status, _) = attempt(&app, "203.0.113.7", &format!("guess{i}@alpha.test"), "wrong password").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    let (status, retry_after) = attempt(&app, "203.0.113.7", "admin@alpha.test", PASSWORD).await;
    assert_eq!((status, retry_after), (StatusCode::TOO_MANY_REQUESTS, Some(15 * 60)), "the network is locked");
    // Everyone else signs in as usual.
    let (status, _) = attempt(&app, "198.51.100.20", "admin@alpha.test", PASSWORD).await;
    assert_eq!(status, StatusCode::OK);
    app.clock.advance(Duration::minutes(15));
    let (status, _) = attempt(&app, "203.0.113.7", "admin@alpha.test", PASSWORD).await;
    assert_eq!(status, StatusCode::OK, "the lock ends");
}

#[actix_web::test]
async fn parallel_guesses_at_one_account_get_no_more_than_the_free_attempts() {
    let app = TestApp::spawn().await;
    app.seed_default_org("alpha");
    let guesses = (0..20).map(|i| attempt(&app, "", "manager@alpha.test", if i == 19 { PASSWORD } else { "wrong!" }));
    let answers = futures_util::future::join_all(guesses).await;
    let checked = answers.iter().filter(|(status, _)| *status != StatusCode::TOO_MANY_REQUESTS).count();
    let free = usize::try_from(tidings_api::auth::throttle::FREE_FAILURES).unwrap();
    assert!(checked <= free, "{checked} of 20 parallel guesses were checked: {answers:?}");
    assert!(answers.iter().all(|(status, _)| [
        StatusCode::UNAUTHORIZED,
        StatusCode::TOO_MANY_REQUESTS,
        StatusCode::OK
    ]
    .contains(status)));
}

#[actix_web::test]
async fn a_stranger_elsewhere_cannot_lock_a_user_out_and_waits_longer_each_time() {
    let app = behind_a_proxy().await;
    app.seed_default_org("alpha");
    let user = "manager@alpha.test";
    let mut answers = Vec::new();
    for _ in 0..8 {
        answers.push(attempt(&app, "203.0.113.7", user, "a guess").await.0);
    }
    assert_eq!(answers[..5], [StatusCode::UNAUTHORIZED; 5]);
    assert_eq!(answers[5..], [StatusCode::TOO_MANY_REQUESTS; 3], "refused attempts are not checked");
    assert_eq!(attempt(&app, "203.0.113.7", user, PASSWORD).await.0, StatusCode::TOO_MANY_REQUESTS);
    // The user, from their own network, is not slowed at all.
    assert_eq!(attempt(&app, "198.51.100.20", user, PASSWORD).await.0, StatusCode::OK);

    // The stranger waits twice as long after each further failure.
    app.clock.advance(Duration::seconds(1));
    assert_eq!(attempt(&app, "203.0.113.7", user, "a guess").await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(attempt(&app, "203.0.113.7", user, "a guess").await, (StatusCode::TOO_MANY_REQUESTS, Some(2)));
    app.clock.advance(Duration::seconds(2));
    assert_eq!(attempt(&app, "203.0.113.7", user, "a guess").await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(attempt(&app, "203.0.113.7", user, "a guess").await, (StatusCode::TOO_MANY_REQUESTS, Some(4)));
}

#[actix_web::test]
async fn an_ipv6_client_is_counted_by_its_64_and_forwarded_for_only_behind_a_trusted_proxy() {
    let app = behind_a_proxy().await;
    app.seed_default_org("alpha");
    for _ in 0..5 {
        attempt(&app, "2001:db8:1:2::1", "manager@alpha.test", "a guess").await;
    }
    let (status, _) = attempt(&app, "2001:db8:1:2:ffff::9", "manager@alpha.test", PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "another address of the same /64");
    let (status, _) = attempt(&app, "2001:db8:1:3::1", "manager@alpha.test", PASSWORD).await;
    assert_eq!(status, StatusCode::OK, "another /64");

    // A proxy that adds its own header line: the client's forged first line changes
    // nothing, the proxy's last line names the client.
    let two_lines = |forged: &str| {
        app.client
            .post(app.url("/api/v1/auth/login"))
            .header("X-Forwarded-For", forged)
            .header("X-Forwarded-For", "2001:db8:1:2::7")
            .json(&json!({"email": "manager@alpha.test", "password": PASSWORD}))
            .send()
    };
    let status = two_lines("2001:db8:9:9::1").await.unwrap().status();
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "the throttled /64, however the first line reads");

    // Without a trusted proxy the header is the client's own claim, and ignored.
    let direct = TestApp::spawn().await;
    direct.seed_default_org("alpha");
    for i in 0..5 {
        attempt(&direct, &format!("198.51.100.{i}"), "manager@alpha.test", "a guess").await;
    }
    let (status, _) = attempt(&direct, "198.51.100.99", "manager@alpha.test", PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "a forged X-Forwarded-For changes nothing");
}

#[actix_web::test]
async fn a_flood_of_bogus_sign_ins_leaves_the_rest_of_the_api_answering() {
    const TOKEN: &str = "flood-webhook-token";
    const NUMBER: &str = "+14155550100";
    let twilio = tidings_api::config::TwilioConfig {
        account_sid: "AC0123456789abcdef0123456789abcdef".to_owned(),
        auth_token: tidings_api::config::Secret::new(TOKEN),
        api_base: "http://127.0.0.1:9".to_owned(),
    };
    let loopback = tidings_api::auth::client_address::IpRange::parse("127.0.0.1").unwrap();
    let options = common::TestOptions {
        trusted_proxies: vec![loopback],
        twilio: Some(twilio),
        simulated_sends: true,
        ..Default::default()
    };
    let app = TestApp::spawn_with(options).await;
    let org = app.seed_default_org("alpha");
    let manager = app.login("manager@alpha.test").await;
    // A campaign with one contact, launched: its text waits for the dispatcher.
    let number = app.insert_number(org.id, org.offices[0], NUMBER, common::NumberSpec::REUSABLE_SIMULATOR);
    let rows = [json!({"first_name": "Flo", "last_name": "Od", "phone": "+14155552001"})];
    let (_, list) = app
        .post("/api/v1/contact-lists", &manager, json!({"name": "Flood", "office_id": org.offices[0], "rows": rows}))
        .await;
    let campaign = json!({
        "title": "Flood", "phone_number": {"kind": "reusable", "id": number},
        "contact_list_id": list["contact_list"]["id"], "message_template": "Hi {first_name}",
        "agent_ids": [org.users[1]],
    });
    let (status, campaign) = app.post("/api/v1/campaigns", &manager, campaign).await;
    assert_eq!(status, StatusCode::CREATED, "{campaign}");
    let (status, _) = app.post(&format!("/api/v1/campaigns/{}/launch", campaign["id"]), &manager, json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let webhook = |path: &'static str, params: Vec<(&'static str, String)>| {
        let app = &app;
        async move { app.signed_webhook(TOKEN, path, &params).await.status() }
    };
    // 200 sign-ins at once, each from its own network so none is throttled: every one
    // needs a password check.
    let flood = futures_util::future::join_all((0..200).map(|i| {
        let client = format!("10.{}.{}.1", i / 250, i % 250);
        let app = &app;
        async move { attempt(app, &client, &format!("nobody{i}@alpha.test"), "a guess").await }
    }));
    // Meanwhile staff work, both webhooks take Twilio's calls, and the dispatcher sends.
    let work = async {
        let mut statuses = Vec::new();
        for i in 0..20 {
            statuses.push(app.get("/api/v1/me", &manager).await.0);
            statuses.push(app.client.get(app.url("/readyz")).send().await.unwrap().status());
            let inbound = vec![
                ("MessageSid", format!("SMflood{i}")),
                ("From", "+14155552001".to_owned()),
                ("To", NUMBER.to_owned()),
                ("Body", format!("Still there? {i}")),
            ];
            let filed = webhook("/webhooks/twilio/inbound", inbound).await;
            statuses.push(if filed == StatusCode::OK { StatusCode::OK } else { filed });
            let report = vec![("MessageSid", format!("SMunknown{i}")), ("MessageStatus", "delivered".to_owned())];
            let recorded = webhook("/webhooks/twilio/status", report).await;
            statuses.push(if recorded == StatusCode::NO_CONTENT { StatusCode::OK } else { recorded });
        }
        let sent = tidings_api::jobs::dispatcher::run_until_idle(&app.app_state, "flood").await.unwrap();
        (statuses, sent)
    };
    let (logins, (statuses, sent)) = tokio::join!(flood, work);
    assert!(statuses.iter().all(|status| *status == StatusCode::OK), "{statuses:?}");
    assert_eq!(sent, 1, "the dispatcher texted the campaign's contact");
    assert!(
        logins.iter().all(|answer| answer.0 == StatusCode::UNAUTHORIZED
            || (answer.0 == StatusCode::SERVICE_UNAVAILABLE && answer.1 == Some(1))),
        "every sign-in is refused as wrong, or as too many at once with Retry-After: {logins:?}"
    );
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
    let (status, refusal) = app.call(Method::POST, "/api/v1/auth/logout", Some(&key), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a key does not sign out: {refusal}");
    assert_eq!(app.get("/api/v1/me", &key).await.0, StatusCode::OK, "and keeps working");
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

#[actix_web::test]
async fn a_new_password_another_role_or_a_deactivation_ends_the_users_sessions() {
    let app = TestApp::spawn().await;
    let org = app.seed_default_org("alpha");
    let admin = app.login("admin@alpha.test").await;
    let manager = app.login("manager@alpha.test").await;
    let agent = app.login("agent@alpha.test").await;
    let user = |index: usize| format!("/api/v1/users/{}", org.users[index]);
    let signed_in = |token: String| {
        let app = &app;
        async move { app.get("/api/v1/me", &token).await }
    };

    // A change that is not about trust leaves the sessions alone.
    let (status, body) = app.patch(&user(1), &admin, json!({"name": "Manny Manager"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(signed_in(manager.clone()).await.0, StatusCode::OK);

    // A new password ends every session of that user, and only theirs.
    let (status, body) = app.patch(&user(1), &admin, json!({"password": "another long password"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, problem) = signed_in(manager.clone()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(problem["detail"].as_str().unwrap().contains("password or role"), "{problem}");
    assert_eq!(signed_in(agent.clone()).await.0, StatusCode::OK, "other users stay signed in");
    let (status, login) = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "manager@alpha.test", "password": "another long password"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{login}");
    assert_eq!(signed_in(login["token"].as_str().unwrap().to_owned()).await.0, StatusCode::OK);

    // Another role ends them; the same role again is no change.
    let (status, body) = app.patch(&user(2), &admin, json!({"role": "limited"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(signed_in(agent).await.0, StatusCode::UNAUTHORIZED);
    let agent = app.login("agent@alpha.test").await;
    let (status, body) = app.patch(&user(2), &admin, json!({"role": "limited"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(signed_in(agent.clone()).await.0, StatusCode::OK);

    // A deactivation ends them for good: reactivating the account does not revive them.
    let (status, _) = app.delete(&user(2), &admin).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = app.patch(&user(2), &admin, json!({"active": true})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(signed_in(agent).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(signed_in(app.login("agent@alpha.test").await).await.0, StatusCode::OK);
}

#[actix_web::test]
async fn an_api_keys_last_use_is_written_at_most_once_a_minute() {
    let app = TestApp::spawn().await;
    let org = app.seed_default_org("alpha");
    let admin = app.login("admin@alpha.test").await;
    let (_, created) = app.post("/api/v1/api-keys", &admin, json!({"name": "SIS sync", "user_id": org.users[1]})).await;
    let key = created["key"].as_str().unwrap().to_owned();
    let last_used = || async {
        let (_, list) = app.get("/api/v1/api-keys", &admin).await;
        list["items"][0]["last_used_at"].as_str().map(str::to_owned)
    };
    assert_eq!(app.get("/api/v1/me", &key).await.0, StatusCode::OK);
    let first = last_used().await.expect("the first use is written");
    app.clock.advance(Duration::seconds(50));
    assert_eq!(app.get("/api/v1/me", &key).await.0, StatusCode::OK);
    assert_eq!(last_used().await.as_deref(), Some(first.as_str()), "within the minute: not written again");
    app.clock.advance(Duration::seconds(20));
    assert_eq!(app.get("/api/v1/me", &key).await.0, StatusCode::OK);
    assert_ne!(last_used().await.as_deref(), Some(first.as_str()), "a minute on: written again");
}
