//! A launch writes its messages a chunk of contacts at a time, each chunk its own
//! transaction: the campaign shows how far it is, other work goes on between chunks
//! (an opt-out made midway is honoured), a launch cut short resumes where it stopped,
//! and however the chunks are written — resumed, or by two writers at once — every
//! contact gets exactly one launch message.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a failed unwrap fails the test, which is the point")]

mod common;

use std::collections::HashMap;

use common::{phone, TestApp};
use reqwest::StatusCode;
use serde_json::json;
use tidings_api::clock::Clock;
use tidings_api::services::fanout::{self, Chunk, CHUNK};

const NUMBER: &str = "+14155550100";

/// Launches `id` as the Launch button's transaction does, without writing any chunk
/// (as if the server died right after it committed).
fn launch_only(app: &TestApp, id: i64, manager_id: i64) {
    let mut conn = app.app_state.pool.get().unwrap();
    let row = tidings_api::db::users::find_any(&mut conn, manager_id).unwrap();
    let actor = tidings_api::auth::AuthUser::acting_as(row).unwrap();
    tidings_api::services::campaigns::launch(&mut conn, &actor, id, app.clock.now(), None).unwrap();
}

/// Launch messages per recipient.
async fn texts_per_contact(app: &TestApp, manager: &str, id: i64) -> HashMap<String, usize> {
    let mut per_contact = HashMap::new();
    for message in app.campaign_messages(id, manager).await {
        *per_contact.entry(message["to"].as_str().unwrap().to_owned()).or_default() += 1;
    }
    per_contact
}

#[actix_web::test]
async fn a_launch_cut_short_shows_its_progress_honours_an_opt_out_made_midway_and_resumes() {
    let count = usize::try_from(CHUNK).unwrap() * 2 + 500;
    let app = TestApp::spawn().await;
    let org = app.seed_default_org("alpha");
    let manager = app.login("manager@alpha.test").await;
    let id = app.ready_campaign(&org, &manager, NUMBER, count).await;
    launch_only(&app, id, org.users[1]);

    // Active at once, nothing written yet.
    let (_, campaign) = app.get(&format!("/api/v1/campaigns/{id}"), &manager).await;
    assert_eq!(campaign["state"], "active");
    assert_eq!(campaign["launch_progress"], json!({"written": 0, "total": count}), "{campaign}");
    // One chunk, then the server "dies".
    let now = app.clock.now().naive_utc();
    let mut conn = app.app_state.pool.get().unwrap();
    assert_eq!(fanout::write_chunk(&mut conn, id, now).unwrap(), Chunk::More);
    drop(conn);
    let (_, campaign) = app.get(&format!("/api/v1/campaigns/{id}"), &manager).await;
    assert_eq!(campaign["launch_progress"], json!({"written": CHUNK, "total": count}), "{campaign}");
    assert_eq!(campaign["send_counts"]["queued"], CHUNK);

    // Between chunks the database is free: a contact of a later chunk opts out.
    let last = phone(count);
    let (status, opted) = app.post("/api/v1/opt-outs", &manager, json!({"phone": last})).await;
    assert_eq!(status, StatusCode::CREATED, "{opted}");

    // Not resumed while the launch may still be running elsewhere; resumed once still.
    assert_eq!(fanout::resume_stalled(&app.app_state).await.unwrap(), 0);
    app.clock.advance(fanout::STALLED_AFTER + chrono::Duration::seconds(1));
    assert_eq!(fanout::resume_stalled(&app.app_state).await.unwrap(), 1);

    let (_, campaign) = app.get(&format!("/api/v1/campaigns/{id}"), &manager).await;
    assert!(campaign["launch_progress"].is_null(), "{campaign}");
    let counts = &campaign["send_counts"];
    assert_eq!((counts["queued"].as_u64(), counts["skipped_opted_out"].as_u64()), (Some(count as u64 - 1), Some(1)));
    let texts = texts_per_contact(&app, &manager, id).await;
    assert_eq!(texts.len(), count - 1, "every contact but the one who opted out");
    assert!(texts.values().all(|n| *n == 1), "one launch message each");
    assert!(!texts.contains_key(&last));
}

#[actix_web::test]
async fn two_writers_at_once_write_each_contact_once() {
    let count = usize::try_from(CHUNK).unwrap() * 3 + 7;
    let app = TestApp::spawn().await;
    let org = app.seed_default_org("alpha");
    let manager = app.login("manager@alpha.test").await;
    let id = app.ready_campaign(&org, &manager, NUMBER, count).await;
    launch_only(&app, id, org.users[1]);
    // Two servers resuming the same launch together: their chunks interleave.
    let (first, second) =
        tokio::join!(fanout::write_launch(&app.app_state, id), fanout::write_launch(&app.app_state, id));
    first.unwrap();
    second.unwrap();
    let texts = texts_per_contact(&app, &manager, id).await;
    assert_eq!(texts.len(), count);
    assert!(texts.values().all(|n| *n == 1), "one launch message each");
    let (_, campaign) = app.get(&format!("/api/v1/campaigns/{id}"), &manager).await;
    assert_eq!(campaign["send_counts"]["queued"], count, "{campaign}");
}

#[actix_web::test]
async fn the_launch_button_answers_with_every_message_written() {
    let count = usize::try_from(CHUNK).unwrap() + 1;
    let app = TestApp::spawn().await;
    let org = app.seed_default_org("alpha");
    let manager = app.login("manager@alpha.test").await;
    let id = app.ready_campaign(&org, &manager, NUMBER, count).await;
    let (status, launched) = app.post(&format!("/api/v1/campaigns/{id}/launch"), &manager, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{launched}");
    assert_eq!(launched["send_counts"]["queued"], count, "{launched}");
    assert!(launched["launch_progress"].is_null(), "{launched}");
}

#[actix_web::test]
async fn a_stop_arriving_mid_launch_is_filed_before_the_launch_ends_and_its_chunk_skips_the_contact() {
    let chunks = 8;
    let count = usize::try_from(CHUNK).unwrap() * chunks;
    let app = TestApp::spawn().await;
    let org = app.seed_default_org("alpha");
    let manager = app.login("manager@alpha.test").await;
    let id = app.ready_campaign(&org, &manager, NUMBER, count).await;
    launch_only(&app, id, org.users[1]);
    let state = &app.app_state;
    let progress = |state: &tidings_api::state::AppState| {
        let state = state.clone();
        async move {
            state
                .db(move |conn| Ok(tidings_api::db::campaigns::find_by_id(conn, id)?.expect("the campaign")))
                .await
                .unwrap()
        }
    };
    // The last contact texts STOP once the first chunk is written. On SQLite the launch
    // holds the one write lock chunk after chunk; it must step aside for the STOP.
    let stopper = phone(count);
    let stop = async {
        while progress(state).await.fanout_written == 0 {
            actix_web::rt::time::sleep(std::time::Duration::from_millis(1)).await;
        }
        let message = tidings_api::services::inbound::InboundMessage {
            from: stopper.clone(),
            to: NUMBER.to_owned(),
            body: "STOP".to_owned(),
            provider_message_id: Some("SMmidlaunchstop".to_owned()),
        };
        let before = progress(state).await.fanout_written;
        tidings_api::services::inbound::receive_at(state, message, app.clock.now()).await.unwrap();
        (before, progress(state).await)
    };
    let (launched, (asked_at, when_stopped)) = tokio::join!(fanout::write_launch(state, id), stop);
    launched.unwrap();
    // Filed after at most the chunk being written and the one after, never at the end.
    assert!(
        when_stopped.fanout_after_contact_id.is_some() && when_stopped.fanout_written - asked_at <= 2 * CHUNK,
        "the STOP waited for the launch: asked when {asked_at} contacts were written, filed at {} of {}",
        when_stopped.fanout_written,
        when_stopped.fanout_total
    );
    // Filed before its contact's chunk: the launch skipped them.
    let texts = texts_per_contact(&app, &manager, id).await;
    assert_eq!(texts.len(), count - 1);
    assert!(!texts.contains_key(&stopper), "no launch message after STOP");
    let (_, campaign) = app.get(&format!("/api/v1/campaigns/{id}"), &manager).await;
    assert_eq!(campaign["send_counts"]["skipped_opted_out"], 1, "{campaign}");
}
