//! Authentication: passwords, session tokens, API keys, login throttling and the
//! `AuthUser` extractor every protected handler takes.

pub mod api_key;
pub mod client_address;
pub mod extractor;
pub mod jwt;
pub mod password;
pub mod throttle;

pub use extractor::{AuthUser, Credential};
