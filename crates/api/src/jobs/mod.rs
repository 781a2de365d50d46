//! Background jobs. Each claims its work with row leases, so several servers sharing one
//! PostgreSQL database never do the same work twice — except the live-update feed
//! (`events`), whose reading and pruning every server may do at once.

pub mod dispatcher;
pub mod events;
pub mod scheduler;
pub mod status_reports;

use crate::state::AppState;

/// Starts every background job on the current actix runtime.
pub fn spawn_all(state: AppState) {
    scheduler::spawn(state.clone());
    dispatcher::spawn(state.clone());
    events::spawn_pruning(state.clone());
    status_reports::spawn(state);
}
