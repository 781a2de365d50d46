//! Tidings' server: HTTP API, persistence, background jobs and the CLI's commands.
//!
//! Layers, one direction: `http` (extract, authorise, map) → `services` (use cases,
//! rules, transactions) → `db` (diesel). Rules shared with the SPA live in the
//! `tidings-domain` crate.

pub mod app;
pub mod auth;
pub mod clock;
pub mod config;
pub mod db;
pub mod demo;
pub mod error;
pub mod http;
pub mod jobs;
pub mod live;
pub mod metrics;
pub mod openapi;
pub mod providers;
pub mod services;
pub mod spool;
pub mod state;
pub mod telemetry;
