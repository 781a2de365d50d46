//! The inbound webhook's durable spool: a signed request Tidings could not file because
//! the database was unavailable (SQLite locked past its busy timeout, PostgreSQL down)
//! is written here before Twilio is answered, and replayed once the database is back
//! (`jobs::spool_replay`), so a STOP is never lost even if Twilio gives up retrying.
//!
//! One file per request, written to a temporary name, flushed to disk (`fsync`), then
//! renamed into place and the directory flushed too: after a crash a request is either
//! whole in the spool or was never acknowledged as kept. Names sort by arrival, so
//! replay files requests in the order they came. A replayed request is deleted; filing
//! is idempotent (a repeated `MessageSid` is stored once), so a request both spooled and
//! retried by Twilio is filed once.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A signed inbound request as it arrived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpooledRequest {
    pub received_at: DateTime<Utc>,
    /// The path and query Twilio requested (signed with the public URL).
    pub path: String,
    /// `X-Twilio-Signature`, checked before the request was kept.
    pub signature: String,
    /// The form's parameters, in the order received.
    pub params: Vec<(String, String)>,
}

/// The spool directory of this server.
#[derive(Debug)]
pub struct InboundSpool {
    dir: PathBuf,
    /// Serialises writers of this process (names are unique anyway; this keeps the
    /// directory fsyncs from piling up).
    writing: Mutex<()>,
}

/// Extension of a kept request; temporary files have another and are never replayed.
const KEPT: &str = "json";

impl InboundSpool {
    pub fn new(dir: PathBuf) -> Self {
        Self { dir, writing: Mutex::new(()) }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Keeps `request` durably: when this returns `Ok`, the request survives a crash.
    pub fn keep(&self, request: &SpooledRequest) -> io::Result<PathBuf> {
        let _guard = self.writing.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        fs::create_dir_all(&self.dir)?;
        let name = format!("{:020}-{}", request.received_at.timestamp_micros(), uuid::Uuid::new_v4().simple());
        let temporary = self.dir.join(format!("{name}.tmp"));
        let kept = self.dir.join(format!("{name}.{KEPT}"));
        let body = serde_json::to_vec(request).map_err(io::Error::other)?;
        {
            let mut file = OpenOptions::new().write(true).create_new(true).open(&temporary)?;
            file.write_all(&body)?;
            file.sync_all()?;
        }
        fs::rename(&temporary, &kept)?;
        // The rename is durable only once the directory itself is flushed.
        File::open(&self.dir)?.sync_all()?;
        Ok(kept)
    }

    /// The kept requests, oldest first. A file that cannot be read is skipped (and
    /// logged), not deleted: it stays for a person to look at.
    pub fn pending(&self) -> io::Result<Vec<(PathBuf, SpooledRequest)>> {
        let entries = match fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(error) => return Err(error),
        };
        let mut paths: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|ext| ext == KEPT))
            .collect();
        paths.sort();
        let mut pending = Vec::with_capacity(paths.len());
        for path in paths {
            match fs::read(&path)
                .map_err(|e| e.to_string())
                .and_then(|bytes| serde_json::from_slice::<SpooledRequest>(&bytes).map_err(|e| e.to_string()))
            {
                Ok(request) => pending.push((path, request)),
                Err(error) => tracing::error!(path = %path.display(), %error, "unreadable spooled inbound request"),
            }
        }
        Ok(pending)
    }

    /// Forgets a request once it is filed.
    pub fn forget(&self, path: &Path) -> io::Result<()> {
        match fs::remove_file(path) {
            Err(error) if error.kind() != io::ErrorKind::NotFound => Err(error),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(at: i64, body: &str) -> SpooledRequest {
        SpooledRequest {
            received_at: DateTime::from_timestamp(at, 0).unwrap_or_default(),
            path: "/webhooks/twilio/inbound".to_owned(),
            signature: "sig".to_owned(),
            params: vec![("Body".to_owned(), body.to_owned())],
        }
    }

    #[test]
    fn kept_requests_come_back_in_arrival_order_until_forgotten() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let spool = InboundSpool::new(dir.path().join("spool"));
        assert!(spool.pending()?.is_empty(), "no directory yet: nothing pending");
        spool.keep(&request(200, "second"))?;
        spool.keep(&request(100, "first"))?;
        std::fs::write(dir.path().join("spool").join("half-written.tmp"), b"{")?;
        let pending = spool.pending()?;
        let bodies: Vec<&str> = pending.iter().map(|(_, r)| r.params[0].1.as_str()).collect();
        assert_eq!(bodies, ["first", "second"], "temporary files are never replayed");
        spool.forget(&pending[0].0)?;
        spool.forget(&pending[0].0)?;
        assert_eq!(spool.pending()?.len(), 1);
        Ok(())
    }
}
