//! Background jobs. Each claims its work with row leases, so several servers sharing one
//! PostgreSQL database never do the same work twice. (The live-update hub and its
//! pruning, which every server runs at once, are `crate::live`.)

pub mod dispatcher;
pub mod reconciler;
pub mod scheduler;
pub mod spool_replay;
pub mod status_reports;

use crate::state::AppState;

/// Starts every background job on the current actix runtime.
pub fn spawn_all(state: AppState) {
    scheduler::spawn(state.clone());
    dispatcher::spawn(state.clone());
    reconciler::spawn(state.clone());
    crate::live::spawn_pruning(state.pool.clone(), state.clock.clone());
    status_reports::spawn(state);
}
