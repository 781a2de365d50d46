//! Live updates, this server's side: the hub whose poller reads new event rows and
//! fans them out to the Server-Sent Events streams, and the pruning of events past the
//! replay window. What services publish, and who may see it, is `services::events`;
//! the stream itself is `http::events`. The hub takes the pool (and pruning the
//! clock), never the server's whole state.

mod hub;
mod pruning;

pub use hub::{EventHub, LiveEvent, GAP_WAIT, POLL_INTERVAL};
pub use pruning::{prune_once, spawn_pruning, PRUNE_INTERVAL, RETENTION};
