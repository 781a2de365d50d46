//! Instants in IANA time zones, computed by the browser's `Intl.DateTimeFormat`.
//!
//! The browser already carries the zone database, so the SPA asks it instead of
//! compiling chrono-tz's copy into the wasm (that copy alone cost more than 100 KB
//! gzipped). Everything here answers `None` for a zone the browser does not know.

use std::cell::RefCell;
use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeDelta, Utc};
use js_sys::{Array, Function, Intl, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

thread_local! {
    /// Formatters by zone: building one is far slower than using it, and a table shows
    /// the same few zones on every row.
    static FORMATTERS: RefCell<HashMap<String, Option<Intl::DateTimeFormat>>> = RefCell::new(HashMap::new());
}

/// The `Intl` namespace object.
fn intl() -> Option<Object> {
    Reflect::get(&js_sys::global(), &JsValue::from_str("Intl")).ok()?.dyn_into::<Object>().ok()
}

/// A formatter for `zone` giving numeric parts on a 24-hour clock and the zone's short
/// name. Built through `Reflect::construct` because the constructor throws a RangeError
/// for an unknown zone, which must become `None` rather than a trap.
fn build_formatter(zone: &str) -> Option<Intl::DateTimeFormat> {
    let intl = intl()?;
    let constructor = Reflect::get(&intl, &JsValue::from_str("DateTimeFormat")).ok()?.dyn_into::<Function>().ok()?;
    let options = Object::new();
    for (key, value) in [
        ("timeZone", zone),
        ("year", "numeric"),
        ("month", "2-digit"),
        ("day", "2-digit"),
        ("hour", "2-digit"),
        ("minute", "2-digit"),
        ("second", "2-digit"),
        // h23, not hour12: false, which some engines render as "24" at midnight.
        ("hourCycle", "h23"),
        ("timeZoneName", "short"),
    ] {
        Reflect::set(&options, &JsValue::from_str(key), &JsValue::from_str(value)).ok()?;
    }
    // A fixed locale so the parts are ASCII digits whatever the user's language.
    let args = Array::of2(&JsValue::from_str("en-US"), &options);
    Reflect::construct(&constructor, &args).ok()?.dyn_into::<Intl::DateTimeFormat>().ok()
}

fn with_formatter<T>(zone: &str, use_it: impl FnOnce(&Intl::DateTimeFormat) -> Option<T>) -> Option<T> {
    FORMATTERS.with(|cache| {
        let mut cache = cache.borrow_mut();
        let formatter = cache.entry(zone.to_owned()).or_insert_with(|| build_formatter(zone));
        formatter.as_ref().and_then(use_it)
    })
}

/// The wall-clock reading of an instant in a zone, and the zone's short name then.
struct WallClock {
    local: NaiveDateTime,
    abbreviation: String,
}

fn wall_clock(instant: DateTime<Utc>, zone: &str) -> Option<WallClock> {
    with_formatter(zone, |formatter| {
        let date = js_sys::Date::new(&JsValue::from_f64(instant.timestamp_millis() as f64));
        let parts = formatter.format_to_parts(&date);
        let mut numbers: HashMap<String, u32> = HashMap::new();
        let mut abbreviation = String::new();
        for part in parts.iter() {
            let kind = Reflect::get(&part, &JsValue::from_str("type")).ok()?.as_string()?;
            let value = Reflect::get(&part, &JsValue::from_str("value")).ok()?.as_string()?;
            if kind == "timeZoneName" {
                abbreviation = value;
            } else if let Ok(number) = value.parse::<u32>() {
                numbers.insert(kind, number);
            }
        }
        let get = |kind: &str| numbers.get(kind).copied();
        let year = i32::try_from(get("year")?).ok()?;
        let local = NaiveDate::from_ymd_opt(year, get("month")?, get("day")?)?.and_hms_opt(
            get("hour")?,
            get("minute")?,
            get("second")?,
        )?;
        Some(WallClock { local, abbreviation })
    })
}

/// The local date and time of `instant` in `zone` (minutes, no seconds shown).
pub fn local_date_time(instant: DateTime<Utc>, zone: &str) -> Option<NaiveDateTime> {
    wall_clock(instant, zone).map(|clock| clock.local)
}

/// `2026-03-01 14:05 EST` in `zone` — a time always says which zone it is in — and
/// `America/New_York (EST)` for the hover text.
pub fn format_local(instant: DateTime<Utc>, zone: &str) -> Option<(String, String)> {
    let clock = wall_clock(instant, zone)?;
    // A no-break space keeps the zone with its time when a narrow column wraps.
    Some((
        format!("{}\u{a0}{}", minute_text(clock.local), clock.abbreviation),
        format!("{zone} ({})", clock.abbreviation),
    ))
}

/// `14:05 EST` when `instant` falls on today's date in `zone`, else `Mar 1` (or
/// `2025-03-01` in another year): the short time a conversation list shows.
pub fn short_local(instant: DateTime<Utc>, zone: &str) -> Option<String> {
    use chrono::{Datelike, Timelike};
    let clock = wall_clock(instant, zone)?;
    let today = wall_clock(now(), zone)?.local.date();
    let local = clock.local;
    Some(if local.date() == today {
        format!("{:02}:{:02}\u{a0}{}", local.hour(), local.minute(), clock.abbreviation)
    } else if local.year() == today.year() {
        const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
        format!("{} {}", MONTHS[local.month0() as usize], local.day())
    } else {
        format!("{:04}-{:02}-{:02}", local.year(), local.month(), local.day())
    })
}

/// `2026-03-01 14:05`. Written out by hand: chrono's `format` brings its whole strftime
/// engine into every bundle, and this is the only pattern most screens need.
pub fn minute_text(local: NaiveDateTime) -> String {
    use chrono::{Datelike, Timelike};
    format!("{:04}-{:02}-{:02} {:02}:{:02}", local.year(), local.month(), local.day(), local.hour(), local.minute())
}

/// The instant at which clocks in `zone` read `local`. A reading that happens twice
/// (clocks going back) is its first occurrence; one that never happens (clocks going
/// forward) is moved on by the gap, as a person setting a meeting in the gap would mean.
pub fn instant_of_local(local: NaiveDateTime, zone: &str) -> Option<DateTime<Utc>> {
    instant_from_offsets(local, |instant| wall_clock(instant, zone).map(|c| c.local - instant.naive_utc()))
}

/// [`instant_of_local`] with the zone's offset at an instant given by `offset_at`. The
/// offsets a day either side are the two the reading can have (zones change offset at
/// most twice a year); of the instants they give, the earlier one that really reads
/// `local` wins, and in a gap, where neither does, the one past the gap.
fn instant_from_offsets(
    local: NaiveDateTime,
    offset_at: impl Fn(DateTime<Utc>) -> Option<TimeDelta>,
) -> Option<DateTime<Utc>> {
    let as_utc = local.and_utc();
    let before = as_utc - offset_at(as_utc - TimeDelta::days(1))?;
    let after = as_utc - offset_at(as_utc + TimeDelta::days(1))?;
    let (earlier, later) = (before.min(after), before.max(after));
    let reads_local = |instant: DateTime<Utc>| offset_at(instant).is_some_and(|offset| instant + offset == as_utc);
    [earlier, later].into_iter().find(|instant| reads_local(*instant)).or(Some(later))
}

/// Current IANA names for the legacy ones browsers still list (CLDR keeps the old
/// spelling as its canonical id, so `Intl` offers `Asia/Calcutta`, not `Asia/Kolkata`).
const CURRENT_NAMES: &[(&str, &str)] = &[
    ("Africa/Asmera", "Africa/Asmara"),
    ("America/Buenos_Aires", "America/Argentina/Buenos_Aires"),
    ("America/Catamarca", "America/Argentina/Catamarca"),
    ("America/Coral_Harbour", "America/Atikokan"),
    ("America/Cordoba", "America/Argentina/Cordoba"),
    ("America/Godthab", "America/Nuuk"),
    ("America/Indianapolis", "America/Indiana/Indianapolis"),
    ("America/Jujuy", "America/Argentina/Jujuy"),
    ("America/Louisville", "America/Kentucky/Louisville"),
    ("America/Mendoza", "America/Argentina/Mendoza"),
    ("Asia/Calcutta", "Asia/Kolkata"),
    ("Asia/Katmandu", "Asia/Kathmandu"),
    ("Asia/Rangoon", "Asia/Yangon"),
    ("Asia/Saigon", "Asia/Ho_Chi_Minh"),
    ("Atlantic/Faeroe", "Atlantic/Faroe"),
    ("Europe/Kiev", "Europe/Kyiv"),
    ("Pacific/Enderbury", "Pacific/Kanton"),
    ("Pacific/Ponape", "Pacific/Pohnpei"),
    ("Pacific/Truk", "Pacific/Chuuk"),
];

/// The current IANA name of `zone` (an alias the browser lists, renamed since).
pub fn current_name(zone: &str) -> &str {
    CURRENT_NAMES.iter().find(|(old, _)| *old == zone).map_or(zone, |(_, current)| current)
}

/// The zones a picker offers: current IANA names only, sorted, each once.
pub fn current_zone_names() -> Vec<String> {
    let mut zones: Vec<String> = zone_names().iter().map(|zone| current_name(zone).to_owned()).collect();
    zones.sort();
    zones.dedup();
    zones
}

/// `zones` grouped by region (the part before the first `/`: America, Europe…; "Other"
/// for names without one, such as UTC), after a first group holding `first` (the
/// office's zone) so the likely choice is at the top.
pub fn zones_by_region(zones: &[String], first: &[String]) -> Vec<(String, Vec<String>)> {
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    let first: Vec<String> = first.iter().filter(|z| !z.is_empty()).cloned().collect();
    if !first.is_empty() {
        groups.push(("Your office".to_owned(), first.clone()));
    }
    for zone in zones.iter().filter(|z| !first.contains(z)) {
        let region = zone.split_once('/').map_or("Other", |(region, _)| region).to_owned();
        match groups.iter_mut().find(|(name, _)| *name == region) {
            Some((_, members)) => members.push(zone.clone()),
            None => groups.push((region, vec![zone.clone()])),
        }
    }
    groups
}

/// The IANA zones the browser knows, for a zone picker; empty where the browser cannot
/// list them (the picker then offers the zones it was given).
fn zone_names() -> Vec<String> {
    let Some(intl) = intl() else {
        return Vec::new();
    };
    let Some(list) = Reflect::get(&intl, &JsValue::from_str("supportedValuesOf"))
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
        .and_then(|f| f.call1(&intl, &JsValue::from_str("timeZone")).ok())
        .and_then(|v| v.dyn_into::<Array>().ok())
    else {
        return Vec::new();
    };
    list.iter().filter_map(|v| v.as_string()).collect()
}

/// Now, from the browser's clock (chrono's clock is not available in wasm).
pub fn now() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(text: &str) -> NaiveDateTime {
        match NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M") {
            Ok(local) => local,
            Err(e) => panic!("{text}: {e}"),
        }
    }

    /// New York's offset: -4 h from 2026-03-08 07:00 UTC to 2026-11-01 06:00 UTC, else -5 h.
    fn new_york(instant: DateTime<Utc>) -> Option<TimeDelta> {
        let summer = reading("2026-03-08 07:00").and_utc()..reading("2026-11-01 06:00").and_utc();
        Some(TimeDelta::hours(if summer.contains(&instant) { -4 } else { -5 }))
    }

    #[test]
    fn pickers_offer_current_names_grouped_by_region_after_the_office() {
        assert_eq!(current_name("Asia/Calcutta"), "Asia/Kolkata");
        assert_eq!(current_name("Europe/Kiev"), "Europe/Kyiv");
        assert_eq!(current_name("America/Chicago"), "America/Chicago");
        let zones: Vec<String> =
            ["America/Chicago", "America/New_York", "Europe/Kyiv", "UTC"].map(str::to_owned).to_vec();
        let groups = zones_by_region(&zones, &["America/New_York".to_owned()]);
        let names: Vec<(&str, Vec<&str>)> =
            groups.iter().map(|(g, z)| (g.as_str(), z.iter().map(String::as_str).collect())).collect();
        assert_eq!(
            names,
            vec![
                ("Your office", vec!["America/New_York"]),
                ("America", vec!["America/Chicago"]),
                ("Europe", vec!["Europe/Kyiv"]),
                ("Other", vec!["UTC"]),
            ]
        );
    }

    #[test]
    fn minute_text_pads_every_part_to_the_iso_pattern() {
        assert_eq!(minute_text(reading("2026-03-01 04:05")), "2026-03-01 04:05");
        assert_eq!(minute_text(reading("0999-12-31 23:59")), "0999-12-31 23:59");
    }

    #[test]
    fn an_ordinary_reading_is_one_instant() {
        let at = instant_from_offsets(reading("2026-07-01 12:00"), new_york);
        assert_eq!(at, Some(reading("2026-07-01 16:00").and_utc()));
        let at = instant_from_offsets(reading("2026-01-15 09:30"), new_york);
        assert_eq!(at, Some(reading("2026-01-15 14:30").and_utc()));
    }

    #[test]
    fn a_repeated_reading_is_its_first_occurrence() {
        let at = instant_from_offsets(reading("2026-11-01 01:30"), new_york);
        assert_eq!(at, Some(reading("2026-11-01 05:30").and_utc()));
    }

    #[test]
    fn a_skipped_reading_moves_past_the_gap() {
        let at = instant_from_offsets(reading("2026-03-08 02:30"), new_york);
        assert_eq!(at, Some(reading("2026-03-08 07:30").and_utc()), "03:30 EDT");
    }
}
