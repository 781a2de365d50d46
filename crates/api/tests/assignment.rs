//! Conversation assignment through the API: a conversation given to one agent moves to
//! their personal inbox and out of the other agents'; the inbox's Mine and Unassigned
//! views and their counts; who may be given it; unassigning; the conversation's history
//! and the `conversation.updated` event — on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a failed unwrap fails the test, which is the point")]

mod common;

use common::{assert_field_error, phone, NumberSpec, TestApp};
use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use tidings_api::db::schema::events;
use tidings_api::jobs::{dispatcher, status_reports};

const NUMBER: &str = "+14155550100";

async fn inbox(app: &TestApp, token: &str, query: &str) -> Vec<i64> {
    let (status, body) = app.get(&format!("/api/v1/inbox{query}"), token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["items"].as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect()
}

async fn counts(app: &TestApp, token: &str) -> (i64, i64, i64) {
    let (_, counts) = app.get("/api/v1/inbox/counts", token).await;
    let get = |key: &str| counts[key].as_i64().unwrap();
    (get("mine"), get("assigned_to_me"), get("unassigned"))
}

async fn assign(app: &TestApp, token: &str, conversation: i64, to: Value) -> (StatusCode, Value) {
    app.patch(&format!("/api/v1/conversations/{conversation}"), token, json!({ "assigned_user_id": to })).await
}

#[actix_web::test]
async fn an_assigned_conversation_moves_to_its_agents_inbox_and_out_of_the_others() {
    let app = TestApp::spawn().await;
    let org = app.seed_default_org("alpha");
    let beta = app.seed_default_org("beta");
    let (admin_id, manager_id, agent_id, limited_id) = (org.users[0], org.users[1], org.users[2], org.users[3]);
    let manager = app.login("manager@alpha.test").await;
    let agent = app.login("agent@alpha.test").await;
    let number = app.insert_number(org.id, org.offices[0], NUMBER, NumberSpec::REUSABLE_SIMULATOR);
    let rows: Vec<Value> =
        (1..=2).map(|i| json!({"first_name": format!("Contact{i}"), "last_name": "Doe", "phone": phone(i)})).collect();
    let (_, list) = app
        .post("/api/v1/contact-lists", &manager, json!({"name": "List", "office_id": org.offices[0], "rows": rows}))
        .await;
    let body = json!({
        "title": "Assigned outreach", "phone_number": {"kind": "reusable", "id": number},
        "contact_list_id": list["contact_list"]["id"], "message_template": "Hi {first_name}", "operated_by": "agent",
        "agent_ids": [agent_id, manager_id],
    });
    let (_, campaign) = app.post("/api/v1/campaigns", &manager, body).await;
    let campaign = campaign["id"].as_i64().unwrap();
    let (status, _) = app.post(&format!("/api/v1/campaigns/{campaign}/launch"), &manager, json!({})).await;
    assert_eq!(status, StatusCode::OK);
    dispatcher::run_until_idle(&app.app_state, "server-a").await.unwrap();
    status_reports::apply_all(&app.app_state, app.simulator.take_all_reports()).await.unwrap();
    let mut conversations = Vec::new();
    for i in 1..=2 {
        let (_, filed) = app
            .post("/api/v1/simulator/inbound", &manager, json!({"from": phone(i), "to": NUMBER, "body": "A question"}))
            .await;
        conversations.push(filed["conversation_id"].as_i64().unwrap());
    }
    let (first, second) = (conversations[0], conversations[1]);
    let mut both = vec![first, second];
    both.sort_unstable();
    let sorted = |mut ids: Vec<i64>| {
        ids.sort_unstable();
        ids
    };
    assert_eq!(sorted(inbox(&app, &agent, "").await), both);
    assert_eq!(counts(&app, &agent).await, (2, 0, 2));

    // Who may take it: the organisation's messaging users who see Main; not West's
    // limited user.
    let (status, candidates) = app.get(&format!("/api/v1/conversations/{first}/assignees"), &agent).await;
    assert_eq!(status, StatusCode::OK, "{candidates}");
    let ids: Vec<i64> = candidates["items"].as_array().unwrap().iter().map(|u| u["id"].as_i64().unwrap()).collect();
    assert_eq!(sorted(ids), sorted(vec![admin_id, manager_id, agent_id]));

    // The manager gives the first to the agent: it leaves the manager's inbox.
    let (status, detail) = assign(&app, &manager, first, json!(agent_id)).await;
    assert_eq!(status, StatusCode::OK, "{detail}");
    assert_eq!(detail["conversation"]["assignee"], json!({"id": agent_id, "name": "agent"}));
    assert_eq!(inbox(&app, &manager, "").await, vec![second]);
    assert_eq!(sorted(inbox(&app, &agent, "").await), both);
    assert_eq!(inbox(&app, &agent, "?assigned=mine").await, vec![first]);
    assert_eq!(inbox(&app, &agent, "?assigned=unassigned").await, vec![second]);
    assert_eq!(counts(&app, &agent).await, (2, 1, 1));
    assert_eq!(counts(&app, &manager).await, (1, 0, 1));
    let data: String = {
        let mut conn = app.app_state.pool.get().unwrap();
        events::table
            .filter(events::kind.eq("conversation.updated"))
            .filter(events::conversation_id.eq(first))
            .order(events::id.desc())
            .select(events::data)
            .first(&mut conn)
            .unwrap()
    };
    let event: Value = serde_json::from_str(&data).unwrap();
    assert_eq!(event["assigned_user_id"], agent_id, "{event}");

    // Reassigned to the manager, then unassigned: back in both inboxes.
    let (status, _) = assign(&app, &agent, first, json!(manager_id)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(inbox(&app, &agent, "").await, vec![second]);
    assert_eq!(inbox(&app, &manager, "?assigned=mine").await, vec![first]);
    let (status, detail) = assign(&app, &manager, first, Value::Null).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(detail["conversation"]["assignee"], Value::Null);
    assert_eq!(sorted(inbox(&app, &manager, "").await), both);

    // Someone who cannot take it is refused at the field; nothing changes.
    for to in [json!(limited_id), json!(999_999), json!(beta.users[1])] {
        let (status, problem) = assign(&app, &manager, first, to.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{to}: {problem}");
        assert_field_error(&problem, "assigned_user_id");
    }
    // An office inbox holds only unassigned conversations: its "Mine" is empty.
    let office_mine = format!("?assigned=mine&office_id={}", org.offices[0]);
    assert_eq!(inbox(&app, &manager, &office_mine).await, Vec::<i64>::new());

    // The history names each assignment in order.
    let (status, history) = app.get(&format!("/api/v1/conversations/{first}/audit"), &agent).await;
    assert_eq!(status, StatusCode::OK, "{history}");
    let entries: Vec<(String, Value)> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["action"].as_str().unwrap().to_owned(), e["details"]["to"].clone()))
        .collect();
    assert_eq!(
        entries,
        vec![
            ("assigned".to_owned(), json!("agent")),
            ("assigned".to_owned(), json!("manager")),
            ("unassigned".to_owned(), Value::Null),
        ]
    );

    // Another organisation sees none of it.
    let outsider = app.login("manager@beta.test").await;
    for path in [format!("/api/v1/conversations/{first}/assignees"), format!("/api/v1/conversations/{first}/audit")] {
        let (status, _) = app.get(&path, &outsider).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    let (status, _) = assign(&app, &outsider, first, json!(agent_id)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
