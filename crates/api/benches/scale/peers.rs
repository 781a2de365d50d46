//! The servers a bench talks to besides Tidings, each on its own thread and actix
//! System: a fake Twilio Messages API that accepts every send and remembers it (for the
//! dispatcher's rate, duplicates, and the status callbacks sent back later), and an
//! actix-web hello-world, the ceiling for any handler on this machine.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use actix_web::{web, App, HttpResponse, HttpServer};

/// What the fake Twilio saw.
#[derive(Default)]
pub struct Accepted {
    /// Sends accepted.
    pub count: AtomicU64,
    /// Sends per destination number: a count above one is a duplicate text.
    pub per_destination: Mutex<HashMap<String, u32>>,
    /// The sids answered, in order, for the status callbacks the bench sends later.
    pub sids: Mutex<Vec<String>>,
}

impl Accepted {
    /// Texts that went to a number already texted.
    pub fn duplicates(&self) -> u64 {
        let seen = self.per_destination.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        seen.values().map(|&times| u64::from(times.saturating_sub(1))).sum()
    }

    pub fn forget(&self) {
        self.count.store(0, Ordering::SeqCst);
        self.per_destination.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clear();
        self.sids.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clear();
    }
}

/// A running peer: its address, stopped when dropped.
pub struct Peer {
    pub address: SocketAddr,
    handle: actix_web::dev::ServerHandle,
}

impl Drop for Peer {
    fn drop(&mut self) {
        let handle = self.handle.clone();
        std::thread::spawn(move || actix_web::rt::System::new().block_on(handle.stop(false)));
    }
}

/// Starts the fake Twilio Messages API on `workers` threads.
pub fn fake_twilio(accepted: Arc<Accepted>, workers: usize) -> Result<Peer, String> {
    start(move || {
        HttpServer::new(move || {
            App::new().app_data(web::Data::from(accepted.clone())).route(
                "/2010-04-01/Accounts/{account}/Messages.json",
                web::post().to(|accepted: web::Data<Accepted>, form: web::Form<Vec<(String, String)>>| async move {
                    let to =
                        form.iter().find(|(name, _)| name == "To").map(|(_, value)| value.clone()).unwrap_or_default();
                    let n = accepted.count.fetch_add(1, Ordering::Relaxed);
                    let sid = format!("SM{n:032x}");
                    *accepted
                        .per_destination
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .entry(to)
                        .or_default() += 1;
                    accepted.sids.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(sid.clone());
                    HttpResponse::Created()
                        .content_type("application/json")
                        .body(format!(r#"{{"sid":"{sid}","status":"queued","num_segments":"1"}}"#))
                }),
            )
        })
        .workers(workers)
        .disable_signals()
        .bind("127.0.0.1:0")
        .map(|server| (server.addrs()[0], server.run()))
    })
}

/// Starts an actix-web hello-world (`POST /hello` → 204) on `workers` threads.
pub fn hello_world(workers: usize) -> Result<Peer, String> {
    start(move || {
        HttpServer::new(|| {
            App::new().route("/hello", web::post().to(|_form: web::Bytes| async { HttpResponse::NoContent().finish() }))
        })
        .workers(workers)
        .disable_signals()
        .bind("127.0.0.1:0")
        .map(|server| (server.addrs()[0], server.run()))
    })
}

/// Runs the server `build` binds and starts on a thread of its own, in its own actix
/// System.
fn start(
    build: impl FnOnce() -> std::io::Result<(SocketAddr, actix_web::dev::Server)> + Send + 'static,
) -> Result<Peer, String> {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            match build() {
                Ok((address, server)) => {
                    let _ = sender.send(Ok((address, server.handle())));
                    let _ = server.await;
                }
                Err(error) => {
                    let _ = sender.send(Err(format!("a bench peer could not start: {error}")));
                }
            }
        });
    });
    let (address, handle) = receiver.recv().map_err(|_| "a bench peer's thread ended".to_owned())??;
    Ok(Peer { address, handle })
}
