//! Persistence: connection handling, the schema and one repository module per aggregate.

pub mod activity;
pub mod analytics;
pub mod api_keys;
pub mod audit;
pub mod campaign_contacts;
pub mod campaigns;
pub mod connection;
pub mod contact_lists;
pub mod conversations;
pub mod events;
pub mod idempotency;
pub mod login_throttle;
pub mod message_templates;
pub mod messages;
pub mod offices;
pub mod opt_outs;
pub mod organisations;
pub mod phone_numbers;
pub mod schema;
pub mod send_counts;
pub mod send_queue;
pub mod text_search;
pub mod tokens;
pub mod users;

pub use connection::{run_blocking, DbConnection, DbPool};

use chrono::{DateTime, NaiveDateTime, Utc};

/// Whether a statement failed on a unique index (a row that already exists): read off
/// the database's own error, never an HTTP status.
pub fn is_unique_violation(error: &diesel::result::Error) -> bool {
    matches!(error, diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _))
}

/// Stored timestamps are UTC without zone; this turns one into an instant.
pub fn utc(timestamp: NaiveDateTime) -> DateTime<Utc> {
    timestamp.and_utc()
}
