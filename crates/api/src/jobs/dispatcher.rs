//! The dispatcher: drains the outbound queue, one lane per sending number.
//!
//! A server takes a number's lane (a leased row in `dispatch_lanes`), so one server at
//! a time sends from a number and its rate holds however many servers run. In a lane,
//! messages are claimed in batches (leased rows; `FOR UPDATE SKIP LOCKED` on
//! PostgreSQL), then sent in windows: `sending` is committed for the window *before*
//! the provider is called, sends go out concurrently at the number's pace, and the
//! answers are written in one transaction. A server that dies mid-window leaves its
//! messages `sending`; once their lease expires, recovery marks them `unknown` and
//! they are never resent by themselves.

use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;
use std::time::Duration as StdDuration;

use actix_web::rt::time::{sleep_until, Instant};
use chrono::Duration;
use futures_util::future::join_all;

use crate::error::ApiResult;
use crate::providers::OutboundMessage;
use crate::services::delivery::{self, Attempt};
use crate::services::send_queue;
use crate::state::AppState;

/// How often a server looks for numbers with due messages.
pub const INTERVAL: StdDuration = StdDuration::from_millis(250);
/// How long a lane stays held without renewal.
const LANE_LEASE: Duration = Duration::minutes(2);
/// How long a message may stay `sending` before its outcome is declared unknown; well
/// beyond the provider client's own timeout.
const SEND_LEASE: Duration = Duration::minutes(2);
/// Numbers looked at per pass.
const LANES_PER_PASS: i64 = 200;
/// Windows claimed at once.
const WINDOWS_PER_CLAIM: usize = 4;

/// How a lane paces its sends.
#[derive(Debug, Clone, Copy)]
struct Pace {
    /// Messages per window (sent concurrently, each at its slot).
    window: usize,
    /// Time between two sends; zero when unlimited.
    spacing: StdDuration,
}

impl Pace {
    fn new(rate: Option<f64>, concurrency: usize) -> Self {
        match rate {
            None => Self { window: concurrency.max(1), spacing: StdDuration::ZERO },
            Some(per_second) => {
                // Whole messages per second, at most the concurrency: a window is about a
                // second of sending at this rate.
                let window = (per_second.floor() as usize).clamp(1, concurrency.max(1));
                Self { window, spacing: StdDuration::from_secs_f64(1.0 / per_second) }
            }
        }
    }
}

/// What one lane did.
#[derive(Debug, Default, Clone, Copy)]
pub struct LaneReport {
    /// Messages handed to the provider.
    pub sent: usize,
}

/// Sends the due messages of one number for `owner` until none are due (or the lane is
/// lost). Answers how many went to the provider.
pub async fn run_lane(state: &AppState, owner: &str, phone_number_id: i64) -> ApiResult<LaneReport> {
    let number = state.db(move |conn| send_queue::lane_number(conn, phone_number_id)).await?;
    let number_type = number.number_type;
    let settings = state.config.delivery.clone();
    let pace = Pace::new(settings.rates.per_second(number_type), settings.concurrency);
    let status_callback = Some(format!("{}{}", state.config.public_url, crate::providers::twilio::STATUS_WEBHOOK_PATH));
    let mut report = LaneReport::default();
    let mut next_slot = Instant::now();
    loop {
        let now = state.clock.now();
        let lane_owner = owner.to_owned();
        let held = state
            .db(move |conn| send_queue::hold_lane(conn, phone_number_id, &lane_owner, now, now + LANE_LEASE))
            .await?;
        if !held {
            return Ok(report);
        }
        let limit = pace.window * WINDOWS_PER_CLAIM;
        // Long enough to send the whole batch at this pace, with room to spare.
        let batch_time = pace.spacing.mul_f64(limit as f64);
        let claim_lease = SEND_LEASE + Duration::from_std(batch_time).unwrap_or(Duration::hours(1));
        let claimer = owner.to_owned();
        let claimed = state
            .db(move |conn| {
                let limit = i64::try_from(limit).unwrap_or(i64::MAX);
                send_queue::claim(conn, phone_number_id, &claimer, (now, now + claim_lease), limit)
            })
            .await?;
        if claimed.is_empty() {
            break;
        }
        for window in claimed.chunks(pace.window) {
            let now = state.clock.now();
            let window_owned = window.to_vec();
            let sender = owner.to_owned();
            let held = state
                .db(move |conn| delivery::begin_sending(conn, &window_owned, &sender, now, now + SEND_LEASE))
                .await?;
            let mut sends = Vec::with_capacity(held.len());
            for message in window.iter().filter(|m| held.contains(&m.id)) {
                let slot = next_slot;
                next_slot += pace.spacing;
                let outbound = OutboundMessage {
                    to: message.to_phone.clone(),
                    from: message.from_phone.clone(),
                    body: message.body.clone(),
                    status_callback: status_callback.clone(),
                };
                let provider = state.provider.clone();
                let (id, campaign_id, author) = (message.id, message.campaign_id, message.author);
                let attempts = u32::try_from(message.attempts + 1).unwrap_or(u32::MAX);
                sends.push(async move {
                    sleep_until(slot).await;
                    let answer = provider.send_message(outbound).await;
                    Attempt { id, campaign_id, author, attempts, answer }
                });
            }
            let attempts = join_all(sends).await;
            report.sent += attempts.len();
            // A lane that fell behind its pace does not burst to catch up.
            next_slot = next_slot.max(Instant::now());
            let recorder = owner.to_owned();
            let now = state.clock.now();
            let delivery_settings = settings.clone();
            state
                .db(move |conn| delivery::record_attempts(conn, &attempts, &recorder, &delivery_settings, now))
                .await?;
        }
    }
    let releaser = owner.to_owned();
    state.db(move |conn| send_queue::release_lane(conn, phone_number_id, &releaser)).await?;
    Ok(report)
}

/// Marks messages whose sending lease expired `unknown` and returns expired claims to
/// the queue. Answers how many became unknown.
pub async fn recover(state: &AppState) -> ApiResult<usize> {
    let now = state.clock.now();
    state.db(move |conn| delivery::recover_expired(conn, now)).await
}

/// Numbers with due messages whose lane nobody holds.
pub async fn due_numbers(state: &AppState) -> ApiResult<Vec<i64>> {
    let now = state.clock.now();
    state.db(move |conn| send_queue::due_lanes(conn, now, LANES_PER_PASS)).await
}

/// One full pass for `owner`: recovery, then every due lane to completion, lanes side
/// by side. Answers how many messages went to the provider. Tests drive the dispatcher
/// with this; the server runs [`spawn`].
pub async fn run_once(state: &AppState, owner: &str) -> ApiResult<usize> {
    recover(state).await?;
    let numbers = due_numbers(state).await?;
    let lanes = numbers.into_iter().map(|number| run_lane(state, owner, number));
    let mut sent = 0;
    for outcome in join_all(lanes).await {
        sent += outcome?.sent;
    }
    Ok(sent)
}

/// Passes until nothing more is due (retries scheduled later wait for their time).
pub async fn run_until_idle(state: &AppState, owner: &str) -> ApiResult<usize> {
    let mut total = 0;
    loop {
        let sent = run_once(state, owner).await?;
        if sent == 0 {
            return Ok(total);
        }
        total += sent;
    }
}

/// Runs the dispatcher for the life of the server: every `INTERVAL`, recovery and a
/// lane task for each due number not already being worked by this server.
pub fn spawn(state: AppState) {
    let owner = format!("dispatcher-{}", uuid::Uuid::new_v4().simple());
    let running: Rc<RefCell<HashSet<i64>>> = Rc::default();
    actix_web::rt::spawn(async move {
        let mut ticker = actix_web::rt::time::interval(INTERVAL);
        let mut ticks: u64 = 0;
        loop {
            ticker.tick().await;
            ticks += 1;
            // Recovery every few seconds is plenty: leases last minutes.
            if ticks % 20 == 1 {
                if let Err(error) = recover(&state).await {
                    tracing::warn!(%error, "dispatcher recovery failed");
                }
            }
            let numbers = match due_numbers(&state).await {
                Ok(numbers) => numbers,
                Err(error) => {
                    tracing::warn!(%error, "dispatcher pass failed");
                    continue;
                }
            };
            for number in numbers {
                if !running.borrow_mut().insert(number) {
                    continue;
                }
                let (state, owner, running) = (state.clone(), owner.clone(), running.clone());
                actix_web::rt::spawn(async move {
                    match run_lane(&state, &owner, number).await {
                        Ok(report) if report.sent > 0 => {
                            tracing::debug!(phone_number_id = number, sent = report.sent, "lane drained")
                        }
                        Ok(_) => {}
                        Err(error) => tracing::warn!(phone_number_id = number, %error, "lane failed"),
                    }
                    running.borrow_mut().remove(&number);
                });
            }
        }
    });
}
