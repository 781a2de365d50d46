//! Tidings' domain: the rules and wire types that the server and the SPA share.
//!
//! Nothing here performs I/O, so the crate compiles for wasm32 and the browser and the
//! server can never disagree about a rule. Schema derives for the OpenAPI document sit
//! behind the `openapi` feature; the IANA zone database (zone validation, analytics
//! buckets) behind the default `time-zones` feature, which the SPA turns off.

pub mod analytics;
pub mod analytics_wire;
pub mod area_code_zones;
pub mod assistant;
pub mod auth;
pub mod campaign;
pub mod campaign_contact_wire;
pub mod campaign_wire;
pub mod contact_list;
#[cfg(feature = "time-zones")]
pub mod contact_zone;
pub mod conversation_wire;
pub mod delivery;
pub mod event_wire;
pub mod keywords;
pub mod message_wire;
pub mod office;
pub mod opt_out_wire;
pub mod organisation_wire;
pub mod phone_display;
pub mod phone_number;
pub mod pricing;
pub mod problem;
pub mod role;
pub mod segments;
#[cfg(feature = "diesel")]
mod sql_text;
pub mod tags;
pub mod template;
pub mod template_wire;
pub mod texting_hours;
#[cfg(feature = "time-zones")]
pub mod time_zone;
pub mod user;
pub mod wire_time;

pub use problem::{FieldError, Problem};
pub use role::Role;
