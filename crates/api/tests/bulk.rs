//! Bulk actions on conversations: tag, assign, clear Needs Attention and opt out many
//! conversations in one request, by ids or by a campaign's filter, with each
//! conversation's outcome reported (done, already so, refused with the reason); the
//! selection's limits and refusals — on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a failed unwrap fails the test, which is the point")]

mod common;

use common::{assert_field_error, phone, NumberSpec, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};
use tidings_api::jobs::{dispatcher, status_reports};

const NUMBER: &str = "+14155550100";

async fn bulk(app: &TestApp, token: &str, body: Value) -> (StatusCode, Value) {
    app.post("/api/v1/conversations/bulk", token, body).await
}

fn totals(report: &Value) -> (i64, i64, i64) {
    (report["done"].as_i64().unwrap(), report["unchanged"].as_i64().unwrap(), report["refused"].as_i64().unwrap())
}

#[actix_web::test]
async fn one_request_tags_assigns_clears_and_opts_out_many_conversations() {
    let app = TestApp::spawn().await;
    let org = app.seed_default_org("alpha");
    app.seed_default_org("beta");
    let manager = app.login("manager@alpha.test").await;
    let limited = app.login("limited@alpha.test").await;
    let number = app.insert_number(org.id, org.offices[0], NUMBER, NumberSpec::REUSABLE_SIMULATOR);
    let rows: Vec<Value> =
        (1..=4).map(|i| json!({"first_name": format!("Contact{i}"), "last_name": "Doe", "phone": phone(i)})).collect();
    let (_, list) = app
        .post("/api/v1/contact-lists", &manager, json!({"name": "List", "office_id": org.offices[0], "rows": rows}))
        .await;
    let body = json!({
        "title": "Bulk outreach", "phone_number": {"kind": "reusable", "id": number},
        "contact_list_id": list["contact_list"]["id"], "message_template": "Hi {first_name}", "operated_by": "agent",
        "agent_ids": [org.users[2]],
    });
    let (_, campaign) = app.post("/api/v1/campaigns", &manager, body).await;
    let campaign = campaign["id"].as_i64().unwrap();
    app.post(&format!("/api/v1/campaigns/{campaign}/launch"), &manager, json!({})).await;
    dispatcher::run_until_idle(&app.app_state, "server-a").await.unwrap();
    status_reports::apply_all(&app.app_state, app.simulator.take_all_reports()).await.unwrap();
    let mut waiting = Vec::new();
    for i in 1..=3 {
        let (_, filed) = app
            .post("/api/v1/simulator/inbound", &manager, json!({"from": phone(i), "to": NUMBER, "body": "Hello"}))
            .await;
        waiting.push(filed["conversation_id"].as_i64().unwrap());
    }

    // Tag three at once; again, and each already has it.
    let tag = json!({"kind": "tag", "tag": "Follow up"});
    let (status, report) = bulk(&app, &manager, json!({"conversation_ids": waiting, "action": tag})).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(totals(&report), (3, 0, 0), "{report}");
    let (_, again) = bulk(&app, &manager, json!({"conversation_ids": waiting, "action": tag})).await;
    assert_eq!(totals(&again), (0, 3, 0), "{again}");
    for id in &waiting {
        let (_, detail) = app.get(&format!("/api/v1/conversations/{id}"), &manager).await;
        assert_eq!(detail["conversation"]["tags"], json!(["Follow up"]));
    }
    // A conversation with three tags already is refused, with the reason; the others go.
    app.patch(&format!("/api/v1/conversations/{}", waiting[0]), &manager, json!({"tags": ["a", "b", "c"]})).await;
    let (_, report) =
        bulk(&app, &manager, json!({"conversation_ids": waiting, "action": {"kind": "tag", "tag": "Urgent"}})).await;
    assert_eq!(totals(&report), (2, 0, 1), "{report}");
    let refused = report["items"].as_array().unwrap().iter().find(|o| o["result"] == "refused").unwrap();
    assert_eq!(refused["conversation_id"], waiting[0]);
    assert!(refused["reason"].as_str().unwrap().contains("At most 3 tags"), "{refused}");

    // Assign all three to the agent; they are the agent's.
    let agent = app.login("agent@alpha.test").await;
    let (_, report) = bulk(
        &app,
        &manager,
        json!({"conversation_ids": waiting, "action": {"kind": "assign", "user_id": org.users[2]}}),
    )
    .await;
    assert_eq!(totals(&report), (3, 0, 0), "{report}");
    let (_, mine) = app.get("/api/v1/inbox?assigned=mine", &agent).await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 3);
    // The agent's whole Mine view, as its filter selects it: unassigned again.
    let (_, report) =
        bulk(&app, &agent, json!({"inbox": {"assigned_to_me": true}, "action": {"kind": "assign", "user_id": null}}))
            .await;
    assert_eq!(totals(&report), (3, 0, 0), "{report}");
    let (_, mine) = app.get("/api/v1/inbox?assigned=mine", &agent).await;
    assert_eq!(mine["items"], json!([]));

    // Clear Needs Attention on everything the campaign's filter matches.
    let selection = json!({"campaign_id": campaign, "section": "needs_attention"});
    let (status, report) =
        bulk(&app, &manager, json!({"campaign": selection, "action": {"kind": "clear_needs_attention"}})).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(totals(&report), (3, 0, 0), "{report}");
    let (_, sections) = app.get(&format!("/api/v1/campaigns/{campaign}/conversations"), &manager).await;
    assert!(sections["sections"].as_array().unwrap().iter().all(|s| s["section"] != "needs_attention"), "{sections}");

    // Opt out two; again, and they already are.
    let two = &waiting[1..];
    let (_, report) = bulk(&app, &manager, json!({"conversation_ids": two, "action": {"kind": "opt_out"}})).await;
    assert_eq!(totals(&report), (2, 0, 0), "{report}");
    let (_, again) = bulk(&app, &manager, json!({"conversation_ids": two, "action": {"kind": "opt_out"}})).await;
    assert_eq!(totals(&again), (0, 2, 0), "{again}");
    let (_, opt_outs) = app.get("/api/v1/opt-outs", &manager).await;
    assert_eq!(opt_outs["items"].as_array().unwrap().len(), 2);

    // Conversations the caller may not work are refused one by one, changed not at all:
    // another office's for the limited user, another organisation's for anyone.
    let (status, report) = bulk(&app, &limited, json!({"conversation_ids": waiting, "action": tag})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(totals(&report), (0, 0, 3), "{report}");
    let outsider = app.login("manager@beta.test").await;
    let (_, report) = bulk(&app, &outsider, json!({"conversation_ids": waiting, "action": {"kind": "opt_out"}})).await;
    assert_eq!(totals(&report), (0, 0, 3), "{report}");
    let (status, _) = bulk(
        &app,
        &outsider,
        json!({"campaign": {"campaign_id": campaign}, "action": {"kind": "clear_needs_attention"}}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another organisation's campaign");
}

#[actix_web::test]
async fn a_bulk_action_without_a_clear_selection_or_with_a_bad_tag_is_refused() {
    let app = TestApp::spawn().await;
    app.seed_default_org("alpha");
    let manager = app.login("manager@alpha.test").await;
    let cases = [
        (json!({"action": {"kind": "opt_out"}}), "conversation_ids"),
        (
            json!({"conversation_ids": [1], "campaign": {"campaign_id": 1}, "action": {"kind": "opt_out"}}),
            "conversation_ids",
        ),
        (
            json!({"conversation_ids": (1..=1001).collect::<Vec<i64>>(), "action": {"kind": "opt_out"}}),
            "conversation_ids",
        ),
        (json!({"conversation_ids": [1], "action": {"kind": "tag", "tag": "x".repeat(31)}}), "action.tag"),
        (json!({"conversation_ids": [3, 0], "action": {"kind": "opt_out"}}), "conversation_ids[1]"),
    ];
    for (body, field) in cases {
        let (status, problem) = bulk(&app, &manager, body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_field_error(&problem, field);
    }
    let (status, _) = bulk(&app, &manager, json!({"conversation_ids": [1], "action": {"kind": "paint"}})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "an unknown action");
}
