//! Offices, users and roles: who may do what, and nothing crosses an organisation.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a failed unwrap fails the test, which is the point")]

mod common;

use common::TestApp;
use reqwest::StatusCode;
use serde_json::json;

#[actix_web::test]
async fn administrators_manage_offices_and_others_only_read_them() {
    let app = TestApp::spawn().await;
    let org = app.seed_default_org("alpha");
    let admin = app.login("admin@alpha.test").await;
    let manager = app.login("manager@alpha.test").await;
    let limited = app.login("limited@alpha.test").await;

    let (status, office) =
        app.post("/api/v1/offices", &admin, json!({"name": " North ", "time_zone": "America/Chicago"})).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(office["name"], "North");
    assert_eq!(office["time_zone"], "America/Chicago");

    for token in [&manager, &limited] {
        let (status, list) = app.get("/api/v1/offices", token).await;
        assert_eq!(status, StatusCode::OK);
        let names: Vec<&str> = list["items"].as_array().unwrap().iter().map(|o| o["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["Main", "North", "West"]);
        let (status, _) = app.post("/api/v1/offices", token, json!({"name": "South", "time_zone": "UTC"})).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = app.patch(&format!("/api/v1/offices/{}", office["id"]), token, json!({"name": "X"})).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }

    let (status, body) = app.post("/api/v1/offices", &admin, json!({"name": "north", "time_zone": "Mars/Base"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    common::assert_field_error(&body, "time_zone");
    let (status, _) = app.post("/api/v1/offices", &admin, json!({"name": "North", "time_zone": "UTC"})).await;
    assert_eq!(status, StatusCode::CONFLICT);

    let (status, renamed) =
        app.patch(&format!("/api/v1/offices/{}", office["id"]), &admin, json!({"name": "North Campus"})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(renamed["name"], "North Campus");
    assert_eq!(renamed["time_zone"], "America/Chicago");

    let (status, body) = app.delete(&format!("/api/v1/offices/{}", org.offices[0]), &admin).await;
    assert_eq!(status, StatusCode::CONFLICT, "an office with users stays");
    assert!(body["detail"].as_str().unwrap().contains("users"));
    let (status, _) = app.delete(&format!("/api/v1/offices/{}", office["id"]), &admin).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = app.get(&format!("/api/v1/offices/{}", office["id"]), &admin).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn administrators_manage_users_and_roles_are_enforced() {
    let app = TestApp::spawn().await;
    let org = app.seed_default_org("alpha");
    let admin = app.login("admin@alpha.test").await;
    let manager = app.login("manager@alpha.test").await;
    let limited = app.login("limited@alpha.test").await;

    let new_user = json!({
        "email": "New.Person@Alpha.test", "name": "New Person", "password": "a long password",
        "role": "limited", "office_id": org.offices[1], "view_other_offices": true
    });
    let (status, _) = app.post("/api/v1/users", &manager, new_user.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "standard users cannot create users");
    let (status, created) = app.post("/api/v1/users", &admin, new_user.clone()).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(created["email"], "new.person@alpha.test");
    assert_eq!(created["role"], "limited");
    assert_eq!(created["view_other_offices"], false, "limited users never see other offices");
    assert!(created.get("password_hash").is_none());
    let (status, _) = app.post("/api/v1/users", &admin, new_user).await;
    assert_eq!(status, StatusCode::CONFLICT, "emails are unique");

    let (status, body) = app
        .post(
            "/api/v1/users",
            &admin,
            json!({"email": "bad", "name": " ", "password": "short", "role": "standard", "office_id": 999_999}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["email", "name", "password", "office_id"] {
        common::assert_field_error(&body, field);
    }

    let (status, list) = app.get("/api/v1/users", &manager).await;
    assert_eq!(status, StatusCode::OK, "standard users list users to pick agents");
    assert_eq!(list["items"].as_array().unwrap().len(), 5);
    let (status, west) = app.get(&format!("/api/v1/users?office_id={}", org.offices[1]), &manager).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(west["items"].as_array().unwrap().len(), 2);
    let (status, _) = app.get("/api/v1/users", &limited).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (status, promoted) = app
        .patch(
            &format!("/api/v1/users/{}", created["id"]),
            &admin,
            json!({"role": "standard", "view_other_offices": true}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(promoted["role"], "standard");
    assert_eq!(promoted["view_other_offices"], true);

    let (status, _) = app.patch(&format!("/api/v1/users/{}", org.users[0]), &admin, json!({"role": "standard"})).await;
    assert_eq!(status, StatusCode::CONFLICT, "the last administrator stays");
    let (status, _) = app.delete(&format!("/api/v1/users/{}", org.users[0]), &admin).await;
    assert_eq!(status, StatusCode::CONFLICT, "no deactivating yourself");
}

#[actix_web::test]
async fn a_password_change_takes_effect_at_the_next_sign_in() {
    let app = TestApp::spawn().await;
    let org = app.seed_default_org("alpha");
    let admin = app.login("admin@alpha.test").await;
    let (status, _) = app
        .patch(&format!("/api/v1/users/{}", org.users[2]), &admin, json!({"password": "a brand new password"}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app
        .call(
            reqwest::Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "agent@alpha.test", "password": "a brand new password"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[actix_web::test]
async fn nothing_of_another_organisation_is_visible_or_changeable() {
    let app = TestApp::spawn().await;
    let alpha = app.seed_default_org("alpha");
    app.seed_default_org("beta");
    let alpha_admin = app.login("admin@alpha.test").await;
    let beta_admin = app.login("admin@beta.test").await;
    let (_, key) = app.post("/api/v1/api-keys", &alpha_admin, json!({"name": "alpha key"})).await;

    let office = format!("/api/v1/offices/{}", alpha.offices[0]);
    let user = format!("/api/v1/users/{}", alpha.users[1]);
    let api_key = format!("/api/v1/api-keys/{}", key["id"]);
    assert_eq!(app.get(&office, &beta_admin).await.0, StatusCode::NOT_FOUND);
    assert_eq!(app.patch(&office, &beta_admin, json!({"name": "Taken"})).await.0, StatusCode::NOT_FOUND);
    assert_eq!(app.delete(&office, &beta_admin).await.0, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&user, &beta_admin).await.0, StatusCode::NOT_FOUND);
    assert_eq!(app.patch(&user, &beta_admin, json!({"name": "Taken"})).await.0, StatusCode::NOT_FOUND);
    assert_eq!(app.delete(&user, &beta_admin).await.0, StatusCode::NOT_FOUND);
    assert_eq!(app.delete(&api_key, &beta_admin).await.0, StatusCode::NOT_FOUND);
    let (status, body) = app
        .post(
            "/api/v1/users",
            &beta_admin,
            json!({"email": "x@beta.test", "name": "X", "password": "long enough pw", "role": "standard", "office_id": alpha.offices[0]}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "another organisation's office is not an office");
    common::assert_field_error(&body, "office_id");
    let (status, body) =
        app.post("/api/v1/api-keys", &beta_admin, json!({"name": "k", "user_id": alpha.users[0]})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    common::assert_field_error(&body, "user_id");

    let (_, offices) = app.get("/api/v1/offices", &beta_admin).await;
    assert_eq!(offices["items"].as_array().unwrap().len(), 2);
    let (_, users) = app.get("/api/v1/users", &beta_admin).await;
    assert!(users["items"].as_array().unwrap().iter().all(|u| u["email"].as_str().unwrap().ends_with("@beta.test")));
    let (_, keys) = app.get("/api/v1/api-keys", &beta_admin).await;
    assert_eq!(keys["items"].as_array().unwrap().len(), 0);
}

#[actix_web::test]
async fn limited_users_see_only_themselves_and_the_messaging_flag_is_reported() {
    let app = TestApp::spawn().await;
    let org = app.seed_default_org("alpha");
    let admin = app.login("admin@alpha.test").await;
    let limited = app.login("limited@alpha.test").await;
    assert_eq!(app.get(&format!("/api/v1/users/{}", org.users[3]), &limited).await.0, StatusCode::OK);
    assert_eq!(app.get(&format!("/api/v1/users/{}", org.users[1]), &limited).await.0, StatusCode::FORBIDDEN);

    let (status, _) =
        app.patch(&format!("/api/v1/users/{}", org.users[2]), &admin, json!({"two_way_messaging": false})).await;
    assert_eq!(status, StatusCode::OK);
    let agent = app.login("agent@alpha.test").await;
    let (_, me) = app.get("/api/v1/me", &agent).await;
    assert_eq!(me["two_way_messaging"], false);
}

#[actix_web::test]
async fn an_office_still_in_use_by_a_campaign_is_not_deleted() {
    let app = TestApp::spawn().await;
    app.seed_default_org("alpha");
    let admin = app.login("admin@alpha.test").await;
    let (_, office) = app.post("/api/v1/offices", &admin, json!({"name": "Pop-up", "time_zone": "UTC"})).await;
    let (status, _) =
        app.post("/api/v1/campaigns", &admin, json!({"title": "Uses the office", "office_id": office["id"]})).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = app.delete(&format!("/api/v1/offices/{}", office["id"]), &admin).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body["detail"].as_str().unwrap().contains("campaigns"), "{body}");
}
