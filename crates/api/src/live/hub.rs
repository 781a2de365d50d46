//! The hub: each server's poller reads new event rows and fans them out to the
//! server's Server-Sent Events streams.
//!
//! Events are rows, written in the transactions of the changes they describe, so a
//! change made by any server sharing the database reaches the streams of every server.
//! One poller per server (started by the first stream, stopped a while after the last
//! one left) reads rows after the newest id it has seen and hands them to a broadcast
//! channel; each stream keeps what its user may see.
//!
//! PostgreSQL hands out ids when a row is inserted, not when it commits: a transaction
//! holding id 10 may commit after one holding id 11. An id the poller skips is looked
//! for again for [`GAP_WAIT`] before it is taken for a rolled-back insert. (SQLite has
//! one writer at a time, so its ids commit in order.)

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration as StdDuration, Instant};

use actix_web::web::Bytes;
use tokio::sync::{broadcast, watch, Mutex};

use crate::db::{self, events::EventRow, run_blocking, DbPool};
use crate::error::ApiResult;

/// How often the poller looks for new events.
pub const POLL_INTERVAL: StdDuration = StdDuration::from_millis(300);
/// Rows read per query.
const BATCH: i64 = 500;
/// Events a slow stream may fall behind before it is told to resync.
const CHANNEL_CAPACITY: usize = 4096;
/// How long an id the poller skipped may still commit; far longer than any of our
/// write transactions.
pub const GAP_WAIT: StdDuration = StdDuration::from_secs(30);
/// Most skipped ids looked for at once (a rolled-back bulk insert skips many).
const MAX_GAPS: usize = 10_000;
/// How long the poller runs on after the last stream left.
const IDLE_STOP: StdDuration = StdDuration::from_secs(60);

/// One stored event on its way to the streams.
#[derive(Debug)]
pub struct LiveEvent {
    pub row: EventRow,
    /// The event on the wire, written once by the first stream that sends it.
    pub frame: OnceLock<Bytes>,
}

/// This server's fan-out of events to its streams. It holds the pool its poller reads
/// with, and nothing else of the server's state.
pub struct EventHub {
    pool: DbPool,
    sender: broadcast::Sender<Arc<LiveEvent>>,
    /// Whether a poller is running.
    running: AtomicBool,
    /// The newest id read; 0 when the poller stopped for want of streams (a new one
    /// starts from the newest stored event, not from where the last one stopped).
    cursor: AtomicI64,
    /// Starting and idle-stopping the poller, and subscribing, happen one at a time, so
    /// a stream never subscribes to a poller that is on its way out.
    lifecycle: Mutex<()>,
    /// Set when the server shuts down: streams end, instead of holding the graceful
    /// shutdown for its whole timeout.
    closing: watch::Sender<bool>,
}

impl EventHub {
    pub fn new(pool: DbPool) -> Self {
        let (sender, _) = broadcast::channel(CHANNEL_CAPACITY);
        Self {
            pool,
            sender,
            running: AtomicBool::new(false),
            cursor: AtomicI64::new(0),
            lifecycle: Mutex::new(()),
            closing: watch::Sender::new(false),
        }
    }
}

impl EventHub {
    /// A receiver of every event from now on, starting the poller when none runs.
    pub async fn subscribe(self: &Arc<Self>) -> ApiResult<broadcast::Receiver<Arc<LiveEvent>>> {
        let _lifecycle = self.lifecycle.lock().await;
        self.start_if_stopped().await?;
        Ok(self.sender.subscribe())
    }

    /// Starts the poller again if its task ended with its worker; streams call this
    /// now and then, so they never wait on a poller that is gone.
    pub async fn keep_running(self: &Arc<Self>) -> ApiResult<()> {
        if self.running.load(Ordering::SeqCst) {
            return Ok(());
        }
        let _lifecycle = self.lifecycle.lock().await;
        self.start_if_stopped().await
    }

    /// Call with `lifecycle` held.
    async fn start_if_stopped(self: &Arc<Self>) -> ApiResult<()> {
        if !self.running.load(Ordering::SeqCst) {
            let mut cursor = self.cursor.load(Ordering::SeqCst);
            if cursor == 0 {
                cursor =
                    run_blocking(&self.pool, |conn| Ok(db::events::id_range(conn)?.map_or(0, |(_, newest)| newest)))
                        .await?;
            }
            self.cursor.store(cursor, Ordering::SeqCst);
            self.running.store(true, Ordering::SeqCst);
            actix_web::rt::spawn(poll(self.clone(), cursor));
        }
        Ok(())
    }

    /// Changes to `true` when the server shuts down.
    pub fn closing(&self) -> watch::Receiver<bool> {
        self.closing.subscribe()
    }

    /// Ends every stream of this server (shutdown); their clients reconnect elsewhere
    /// with `Last-Event-ID`.
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    /// The newest event id this server has read.
    pub fn latest(&self) -> i64 {
        self.cursor.load(Ordering::SeqCst)
    }

    fn broadcast(&self, row: EventRow) {
        // No receivers is not an error: the events are stored for replay anyway.
        let _ = self.sender.send(Arc::new(LiveEvent { row, frame: OnceLock::new() }));
    }
}

/// Marks the poller stopped if its task ends any other way than by going idle (its
/// worker stopped): the next stream starts another from the same cursor.
struct Running<'a> {
    hub: &'a EventHub,
    armed: bool,
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        if self.armed {
            self.hub.running.store(false, Ordering::SeqCst);
        }
    }
}

async fn poll(hub: Arc<EventHub>, mut cursor: i64) {
    let mut running = Running { hub: &hub, armed: true };
    let mut gaps: BTreeMap<i64, Instant> = BTreeMap::new();
    let mut idle_since: Option<Instant> = None;
    let mut ticker = actix_web::rt::time::interval(POLL_INTERVAL);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        if hub.sender.receiver_count() == 0 {
            let since = *idle_since.get_or_insert_with(Instant::now);
            if since.elapsed() >= IDLE_STOP {
                let _lifecycle = hub.lifecycle.lock().await;
                if hub.sender.receiver_count() == 0 {
                    hub.cursor.store(0, Ordering::SeqCst);
                    hub.running.store(false, Ordering::SeqCst);
                    running.armed = false;
                    tracing::debug!("event poller stopped: no streams");
                    return;
                }
            }
        } else {
            idle_since = None;
        }
        if let Err(error) = poll_once(&hub, &mut cursor, &mut gaps).await {
            tracing::warn!(%error, "reading live-update events failed");
        }
    }
}

/// Reads and broadcasts everything after `cursor`, then whatever skipped id has since
/// committed.
async fn poll_once(hub: &EventHub, cursor: &mut i64, gaps: &mut BTreeMap<i64, Instant>) -> ApiResult<()> {
    loop {
        let after = *cursor;
        let rows = run_blocking(&hub.pool, move |conn| Ok(db::events::after(conn, after, BATCH)?)).await?;
        let full = rows.len() == usize::try_from(BATCH).unwrap_or(usize::MAX);
        let now = Instant::now();
        for row in rows {
            let first_skipped = (*cursor + 1).max(row.id.saturating_sub(i64::try_from(MAX_GAPS).unwrap_or(i64::MAX)));
            for id in first_skipped..row.id {
                if gaps.len() < MAX_GAPS {
                    gaps.insert(id, now);
                }
            }
            *cursor = row.id;
            hub.cursor.store(row.id, Ordering::SeqCst);
            hub.broadcast(row);
        }
        if !full {
            break;
        }
    }
    gaps.retain(|_, skipped_at| skipped_at.elapsed() < GAP_WAIT);
    if !gaps.is_empty() {
        let ids: Vec<i64> = gaps.keys().copied().collect();
        let late = run_blocking(&hub.pool, move |conn| Ok(db::events::with_ids(conn, &ids)?)).await?;
        for row in late {
            gaps.remove(&row.id);
            hub.broadcast(row);
        }
    }
    Ok(())
}
