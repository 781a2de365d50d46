//! `make bench`: Tidings at scale, each figure next to its limit measured in the same
//! run on the same machine and backend, and their ratio. Measured, never asserted
//! (tests assert behaviour and never depend on speed). SQLite by default, PostgreSQL
//! when `BENCH_DATABASE_URL` names one; `BENCH_CONTACTS` contacts (default 1 000 000).
//!
//! In order: the launch fan-out next to the same rows bulk-written by the database
//! alone, with a STOP arriving mid-launch; then, against a `tidings serve` process
//! (the binary cargo built with this bench): the Campaigns tab over 10 000 campaigns
//! and the conversation list under concurrent load, a 100 000-row CSV import next to
//! parsing the file alone, the dispatcher sending to a loopback fake Twilio next to the
//! fake's own accept rate (and, on PostgreSQL, two servers at once), signed status
//! callbacks next to an actix-web hello-world, the Analytics tab next to a full scan of
//! the campaign's messages, and the server's resident memory. The kernels (segments,
//! templates, signatures, E.164) are `benches/kernels.rs`.
#![allow(clippy::print_stdout, reason = "a bench reports its figures on stdout")]

mod launch;
mod load;
mod peers;
mod server;
mod workload;

use std::fmt::Write as _;
use std::time::Duration;

/// Bench failures are reported, not handled: any error's debug form will do.
pub trait OrFail<T> {
    fn or_fail(self) -> Result<T, String>;
}

impl<T, E: std::fmt::Debug> OrFail<T> for Result<T, E> {
    fn or_fail(self) -> Result<T, String> {
        self.map_err(|e| format!("{e:?}"))
    }
}

/// One line of the report.
pub struct Figure {
    pub scenario: String,
    pub measured: String,
    pub limit: String,
    /// Limit ÷ measured for times, measured ÷ limit for rates: 1.0 is the limit.
    pub ratio: Option<f64>,
    pub target: &'static str,
    pub met: bool,
}

impl Figure {
    fn ratio_text(&self) -> String {
        self.ratio.map_or_else(|| "—".to_owned(), |r| format!("{r:.2}"))
    }
}

/// The figures so far, printed as each arrives and as a table at the end.
#[derive(Default)]
pub struct Report {
    figures: Vec<Figure>,
}

impl Report {
    pub fn add(&mut self, figure: Figure) {
        println!(
            "{:<58} {:>24}   limit {:>24}   ratio {:>5}   target {} {}",
            figure.scenario,
            figure.measured,
            figure.limit,
            figure.ratio_text(),
            figure.target,
            if figure.met { "met" } else { "MISSED" }
        );
        self.figures.push(figure);
    }

    fn table(&self) -> String {
        let mut table =
            String::from("| scenario | measured | limit (same run) | ratio | target | |\n|---|---|---|---|---|---|\n");
        for f in &self.figures {
            let _ = writeln!(
                table,
                "| {} | {} | {} | {} | {} | {} |",
                f.scenario,
                f.measured,
                f.limit,
                f.ratio_text(),
                f.target,
                if f.met { "met" } else { "**missed**" }
            );
        }
        table
    }
}

pub fn ms(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1000.0)
}

pub fn secs(duration: Duration) -> String {
    format!("{:.2} s", duration.as_secs_f64())
}

fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, std::num::NonZeroUsize::get);
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find_map(|line| line.strip_prefix("MemTotal:"))
                .and_then(|kb| kb.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or_else(|| "unknown memory".to_owned(), |kb| format!("{:.1} GiB", kb / 1024.0 / 1024.0));
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|m| m.trim_start_matches([' ', '\t', ':']).to_owned())
        })
        .unwrap_or_default();
    format!("{cores} cores ({cpu}), {memory}")
}

fn main() -> Result<(), String> {
    let settings = workload::Settings::from_env()?;
    println!("Tidings scale bench on {}: {} contacts, {}", machine(), settings.contacts, settings.backend());
    let mut report = Report::default();
    workload::run(&settings, &mut report)?;
    println!("\n{}", report.table());
    Ok(())
}
