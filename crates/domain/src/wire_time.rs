//! Reading instants off the wire. The server reads them as chrono's `FromStr` does
//! (relaxed RFC 3339: a space for `T`, lower-case letters), as it always has. The SPA
//! only ever reads what the server wrote — strict RFC 3339 — and uses chrono's strict
//! parser, which leaves chrono's general format parser (several KB) out of the wasm
//! bundles.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer};

fn parse(text: &str) -> Option<DateTime<Utc>> {
    #[cfg(feature = "time-zones")]
    let parsed = text.parse::<DateTime<chrono::FixedOffset>>().ok();
    #[cfg(not(feature = "time-zones"))]
    let parsed = DateTime::parse_from_rfc3339(text).ok();
    parsed.map(|instant| instant.with_timezone(&Utc))
}

/// `deserialize_with` for a `DateTime<Utc>` field.
pub fn instant<'de, D: Deserializer<'de>>(deserializer: D) -> Result<DateTime<Utc>, D::Error> {
    let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
    parse(&text).ok_or_else(|| serde::de::Error::custom("not an RFC 3339 date and time"))
}

/// `deserialize_with` for an `Option<DateTime<Utc>>` field (with `#[serde(default)]`).
pub fn optional_instant<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    match Option::<std::borrow::Cow<'de, str>>::deserialize(deserializer)? {
        Some(text) => parse(&text).map(Some).ok_or_else(|| serde::de::Error::custom("not an RFC 3339 date and time")),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Stamped {
        #[serde(deserialize_with = "instant")]
        at: DateTime<Utc>,
        #[serde(default, deserialize_with = "optional_instant")]
        until: Option<DateTime<Utc>>,
    }

    #[test]
    fn what_the_server_writes_reads_back_the_same() {
        let at = DateTime::from_timestamp_micros(1_796_000_000_123_456).unwrap_or_default();
        let json = format!(r#"{{"at": {}, "until": null}}"#, serde_json::to_string(&at).unwrap_or_default());
        let read: Stamped = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{json}: {e}"));
        assert_eq!((read.at, read.until), (at, None));
        let missing: Result<Stamped, _> = serde_json::from_str(r#"{"at": "2026-12-06T10:00:00+01:00"}"#);
        assert_eq!(
            missing.map(|s| (s.at.to_rfc3339(), s.until)).ok(),
            Some(("2026-12-06T09:00:00+00:00".to_owned(), None))
        );
        assert!(serde_json::from_str::<Stamped>(r#"{"at": "yesterday"}"#).is_err());
    }
}
