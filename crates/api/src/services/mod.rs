//! Use cases: authorisation, rules and transactions, one module per area. Handlers and
//! background jobs call these; these call the repositories in `db`.

pub mod analytics;
pub mod api_keys;
pub mod assignment;
pub mod audit;
pub mod auth;
pub mod bulk;
pub mod campaign_contacts;
pub mod campaigns;
pub mod contact_lists;
pub mod conversations;
pub mod csv_cells;
pub mod delivery;
pub mod direct_texts;
pub mod estimate;
pub mod events;
pub mod fanout;
pub mod inbound;
pub mod inbox;
pub mod message_templates;
pub mod messages;
pub mod offices;
pub mod opt_outs;
pub mod organisation_settings;
pub mod organisations;
pub mod paging;
pub mod phone_numbers;
pub mod phones;
pub mod readiness;
pub mod reconcile;
pub mod send_queue;
pub mod texting_hours;
pub mod transcripts;
pub mod users;
