//! Campaign analytics rules: the Contact Message Activity chart's buckets, agent
//! response times and their median, and the rate of engagement.
//!
//! Buckets follow the campaign's calendar, not fixed lengths: "one day" is from the
//! start's local time to the same local time the next day (23 or 25 hours across a DST
//! change), "two months" is to the same local time two calendar months later (Jan 31 →
//! Mar 31; Dec 31 + 2 months → Feb 28/29, clamped), "two years" likewise. A bucket
//! starts at a local hour, midnight, first of the month or first of January in the
//! campaign's time zone, so a day bucket is 23 or 25 hours long when DST changes.

use chrono::{DateTime, TimeDelta, Utc};
#[cfg(feature = "time-zones")]
use chrono::{Datelike, Days, LocalResult, Months, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike};
#[cfg(feature = "time-zones")]
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// The width of one bar of the Contact Message Activity chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ActivityBucket {
    Hour,
    Day,
    Month,
    Year,
}

impl ActivityBucket {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ActivityBucket::Hour => "hour",
            ActivityBucket::Day => "day",
            ActivityBucket::Month => "month",
            ActivityBucket::Year => "year",
        }
    }

    /// Parses the wire spelling; `None` for anything else.
    pub fn parse(value: &str) -> Option<ActivityBucket> {
        match value {
            "hour" => Some(ActivityBucket::Hour),
            "day" => Some(ActivityBucket::Day),
            "month" => Some(ActivityBucket::Month),
            "year" => Some(ActivityBucket::Year),
            _ => None,
        }
    }

    /// The chart's axis caption ("Messages per day").
    pub fn label(self) -> &'static str {
        match self {
            ActivityBucket::Hour => "Messages per hour",
            ActivityBucket::Day => "Messages per day",
            ActivityBucket::Month => "Messages per month",
            ActivityBucket::Year => "Messages per year",
        }
    }
}

/// The instant a local date-time names in `tz`. An ambiguous time (the repeated hour
/// when clocks go back) is its first occurrence; a time that does not exist (skipped
/// when clocks go forward, or a whole skipped day) moves forward to the first local time
/// that does, in 15-minute steps (every real gap ends on a quarter hour).
#[cfg(feature = "time-zones")]
fn resolve_local(tz: Tz, naive: NaiveDateTime) -> Option<DateTime<Utc>> {
    let mut candidate = naive;
    // A little over a day of steps covers the longest gap on record (Samoa, 2011).
    for _ in 0..=(26 * 4) {
        match tz.from_local_datetime(&candidate) {
            LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => return Some(t.with_timezone(&Utc)),
            LocalResult::None => candidate = candidate.checked_add_signed(TimeDelta::minutes(15))?,
        }
    }
    None
}

/// Chooses the bucket for a campaign active from `started_at` until `until` (now, or
/// when it was archived), judged in its time zone: up to one day → hours; up to two
/// calendar months → days; up to two calendar years → months; longer → years. Each
/// limit is inclusive (exactly one day is still hours).
#[cfg(feature = "time-zones")]
pub fn choose_bucket(started_at: DateTime<Utc>, until: DateTime<Utc>, tz: Tz) -> ActivityBucket {
    let start = started_at.with_timezone(&tz).naive_local();
    // A limit beyond chrono's range is never reached.
    let within =
        |limit: Option<NaiveDateTime>| limit.and_then(|l| resolve_local(tz, l)).is_none_or(|limit| until <= limit);
    if within(start.checked_add_days(Days::new(1))) {
        ActivityBucket::Hour
    } else if within(start.checked_add_months(Months::new(2))) {
        ActivityBucket::Day
    } else if within(start.checked_add_months(Months::new(24))) {
        ActivityBucket::Month
    } else {
        ActivityBucket::Year
    }
}

/// The start of every bucket from the one holding `start` to the one holding `end`
/// (inclusive), empty buckets included, as UTC instants. Hour buckets are real hours
/// starting on the local hour (so a 23-hour day has 23 and a 25-hour day 25); day,
/// month and year buckets start at local midnight. Empty when `end < start`. The caller
/// bounds the range: hour buckets over years are a long list.
#[cfg(feature = "time-zones")]
pub fn bucket_edges(start: DateTime<Utc>, end: DateTime<Utc>, bucket: ActivityBucket, tz: Tz) -> Vec<DateTime<Utc>> {
    let mut edges: Vec<DateTime<Utc>> = Vec::new();
    if end < start {
        return edges;
    }
    let local = start.with_timezone(&tz);
    if bucket == ActivityBucket::Hour {
        let into_hour = TimeDelta::minutes(i64::from(local.minute()))
            + TimeDelta::seconds(i64::from(local.second()))
            + TimeDelta::nanoseconds(i64::from(local.nanosecond()));
        let mut edge = Some(start - into_hour);
        while let Some(e) = edge.filter(|e| *e <= end) {
            edges.push(e);
            edge = e.checked_add_signed(TimeDelta::hours(1));
        }
        return edges;
    }
    let date = local.date_naive();
    let first = match bucket {
        ActivityBucket::Month => date.with_day(1),
        ActivityBucket::Year => NaiveDate::from_ymd_opt(date.year(), 1, 1),
        ActivityBucket::Day | ActivityBucket::Hour => Some(date),
    };
    let mut next_date = first;
    while let Some(date) = next_date {
        let Some(edge) = resolve_local(tz, date.and_time(NaiveTime::MIN)) else {
            break;
        };
        if edge > end {
            break;
        }
        // A skipped day resolves to the next day's midnight: keep one edge for both.
        if edges.last().is_none_or(|last| edge > *last) {
            edges.push(edge);
        }
        next_date = match bucket {
            ActivityBucket::Day | ActivityBucket::Hour => date.succ_opt(),
            ActivityBucket::Month => date.checked_add_months(Months::new(1)),
            ActivityBucket::Year => date.checked_add_months(Months::new(12)),
        };
    }
    edges
}

/// Counts instants into buckets given by `edges` (from [`bucket_edges`]); instants
/// before the first edge or after `end` are not counted.
pub fn count_into_buckets(
    edges: &[DateTime<Utc>],
    end: DateTime<Utc>,
    instants: impl IntoIterator<Item = DateTime<Utc>>,
) -> Vec<u64> {
    let mut counts = vec![0u64; edges.len()];
    for instant in instants {
        if instant > end {
            continue;
        }
        let after = edges.partition_point(|edge| *edge <= instant);
        if let Some(count) = after.checked_sub(1).and_then(|i| counts.get_mut(i)) {
            *count += 1;
        }
    }
    counts
}

/// One bar of the chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivityPoint {
    /// When the bucket starts (the campaign's local hour, midnight, month or year).
    #[serde(deserialize_with = "crate::wire_time::instant")]
    pub start: DateTime<Utc>,
    pub count: u64,
}

/// The Contact Message Activity chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivitySeries {
    pub bucket: ActivityBucket,
    /// The IANA zone the buckets follow.
    pub time_zone: String,
    pub points: Vec<ActivityPoint>,
}

/// Builds the chart for a campaign active from `started_at` until `until`, counting the
/// contacts' message times.
#[cfg(feature = "time-zones")]
pub fn activity_series(
    started_at: DateTime<Utc>,
    until: DateTime<Utc>,
    tz: Tz,
    message_times: impl IntoIterator<Item = DateTime<Utc>>,
) -> ActivitySeries {
    let bucket = choose_bucket(started_at, until, tz);
    let edges = bucket_edges(started_at, until, bucket, tz);
    let counts = count_into_buckets(&edges, until, message_times);
    ActivitySeries {
        bucket,
        time_zone: tz.name().to_owned(),
        points: edges.into_iter().zip(counts).map(|(start, count)| ActivityPoint { start, count }).collect(),
    }
}

/// The median: the middle value, or halfway between the two middle values of an even
/// count (what people mean by "median response time"). `None` when empty.
pub fn median(values: &[TimeDelta]) -> Option<TimeDelta> {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let n = sorted.len();
    let upper = *sorted.get(n / 2)?;
    if n % 2 == 1 {
        return Some(upper);
    }
    let lower = *sorted.get(n / 2 - 1)?;
    Some(lower + (upper - lower) / 2)
}

/// The `p`th percentile (0–100) by the nearest-rank method: the smallest value with at
/// least `p`% of the values at or below it — always one of the values, never an
/// interpolation. `p = 0` gives the minimum, `p = 100` the maximum. `None` when empty or
/// `p` is outside 0–100 (or NaN).
pub fn percentile(values: &[TimeDelta], p: f64) -> Option<TimeDelta> {
    if !(0.0..=100.0).contains(&p) {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let n = sorted.len();
    // p * n before dividing keeps whole percentages exact (95 * 20 / 100 = 19).
    let rank = (p * n as f64 / 100.0).ceil() as usize;
    sorted.get(rank.clamp(1, n.max(1)) - 1).copied()
}

/// Rate of engagement: contacts who responded ÷ contacts sent to (DESIGN.md corrects
/// the guide's inverted sentence). `None` before anything was sent.
pub fn engagement_rate(responded: u64, sent: u64) -> Option<f64> {
    (sent > 0).then(|| responded as f64 / sent as f64)
}

/// Who wrote a message, for response times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Speaker {
    Contact,
    Agent,
    Assistant,
    Campaign,
}

/// Agent response times in one conversation: from the first contact message not yet
/// answered to the next agent reply. An assistant or campaign message in between
/// answers the contact, so the wait restarts with their next message (after a handoff
/// the agent is timed from the message that caused it). Messages are sorted by time
/// first; contact messages never answered by an agent count nothing.
pub fn agent_response_times(messages: &[(DateTime<Utc>, Speaker)]) -> Vec<TimeDelta> {
    let mut ordered = messages.to_vec();
    ordered.sort_by_key(|(at, _)| *at);
    let mut waiting_since: Option<DateTime<Utc>> = None;
    let mut times = Vec::new();
    for (at, speaker) in ordered {
        match speaker {
            Speaker::Contact => {
                waiting_since.get_or_insert(at);
            }
            Speaker::Agent => {
                if let Some(since) = waiting_since.take() {
                    times.push(at - since);
                }
            }
            Speaker::Assistant | Speaker::Campaign => waiting_since = None,
        }
    }
    times
}

// The tests build charts in real zones.
#[cfg(all(test, feature = "time-zones"))]
mod tests {
    use super::*;
    use chrono_tz::America::New_York;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        match Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).single() {
            Some(t) => t,
            None => panic!("valid instant"),
        }
    }

    /// An instant given as New York local time (first occurrence when ambiguous).
    fn ny(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        match New_York.with_ymd_and_hms(y, mo, d, h, mi, 0).earliest() {
            Some(t) => t.with_timezone(&Utc),
            None => panic!("valid local time"),
        }
    }

    fn mins(m: i64) -> TimeDelta {
        TimeDelta::minutes(m)
    }

    #[test]
    fn bucket_limits_are_inclusive_calendar_spans() {
        let start = ny(2026, 1, 10, 9, 0);
        assert_eq!(choose_bucket(start, start, New_York), ActivityBucket::Hour);
        assert_eq!(choose_bucket(start, ny(2026, 1, 11, 9, 0), New_York), ActivityBucket::Hour);
        assert_eq!(choose_bucket(start, ny(2026, 1, 11, 9, 1), New_York), ActivityBucket::Day);
        assert_eq!(choose_bucket(start, ny(2026, 3, 10, 9, 0), New_York), ActivityBucket::Day);
        assert_eq!(choose_bucket(start, ny(2026, 3, 10, 9, 1), New_York), ActivityBucket::Month);
        assert_eq!(choose_bucket(start, ny(2028, 1, 10, 9, 0), New_York), ActivityBucket::Month);
        assert_eq!(choose_bucket(start, ny(2028, 1, 10, 9, 1), New_York), ActivityBucket::Year);
    }

    #[test]
    fn one_day_across_spring_forward_is_23_hours() {
        // 2026-03-08 02:00 EST → 03:00 EDT.
        let start = ny(2026, 3, 7, 12, 0);
        let next_noon = ny(2026, 3, 8, 12, 0);
        assert_eq!(next_noon - start, TimeDelta::hours(23));
        assert_eq!(choose_bucket(start, next_noon, New_York), ActivityBucket::Hour);
        assert_eq!(choose_bucket(start, next_noon + mins(1), New_York), ActivityBucket::Day);
        // Twenty-four real hours is already more than a local day.
        assert_eq!(choose_bucket(start, start + TimeDelta::hours(24), New_York), ActivityBucket::Day);
    }

    #[test]
    fn month_ends_clamp() {
        let start = ny(2025, 12, 31, 10, 0);
        // Dec 31 + 2 months = Feb 28 (2026 is not a leap year).
        assert_eq!(choose_bucket(start, ny(2026, 2, 28, 10, 0), New_York), ActivityBucket::Day);
        assert_eq!(choose_bucket(start, ny(2026, 2, 28, 10, 1), New_York), ActivityBucket::Month);
    }

    #[test]
    fn a_start_inside_a_gap_day_later_resolves_forward() {
        // 02:30 local on 2026-03-07; a day later 02:30 does not exist: the limit is 03:00 EDT.
        let start = ny(2026, 3, 7, 2, 30);
        assert_eq!(choose_bucket(start, ny(2026, 3, 8, 3, 0), New_York), ActivityBucket::Hour);
        assert_eq!(choose_bucket(start, ny(2026, 3, 8, 3, 1), New_York), ActivityBucket::Day);
    }

    #[test]
    fn hour_edges_are_real_hours_on_the_local_hour() {
        let edges = bucket_edges(ny(2026, 1, 10, 9, 17), ny(2026, 1, 10, 12, 0), ActivityBucket::Hour, New_York);
        assert_eq!(
            edges,
            vec![ny(2026, 1, 10, 9, 0), ny(2026, 1, 10, 10, 0), ny(2026, 1, 10, 11, 0), ny(2026, 1, 10, 12, 0)]
        );
        // A whole spring-forward day has 23 hour buckets, a fall-back day 25.
        let spring = bucket_edges(ny(2026, 3, 8, 0, 0), ny(2026, 3, 9, 0, 0) - mins(1), ActivityBucket::Hour, New_York);
        assert_eq!(spring.len(), 23);
        let fall = bucket_edges(ny(2026, 11, 1, 0, 0), ny(2026, 11, 2, 0, 0) - mins(1), ActivityBucket::Hour, New_York);
        assert_eq!(fall.len(), 25);
        // Half-hour zones start buckets on their own local hour.
        let kolkata = chrono_tz::Asia::Kolkata;
        let edges = bucket_edges(utc(2026, 1, 1, 0, 10), utc(2026, 1, 1, 1, 0), ActivityBucket::Hour, kolkata);
        assert_eq!(edges, vec![utc(2025, 12, 31, 23, 30), utc(2026, 1, 1, 0, 30)]);
    }

    #[test]
    fn day_edges_are_local_midnights_and_23_or_25_hours_apart_across_dst() {
        let edges = bucket_edges(ny(2026, 3, 7, 15, 0), ny(2026, 3, 9, 1, 0), ActivityBucket::Day, New_York);
        assert_eq!(edges, vec![ny(2026, 3, 7, 0, 0), ny(2026, 3, 8, 0, 0), ny(2026, 3, 9, 0, 0)]);
        assert_eq!(edges[2] - edges[1], TimeDelta::hours(23));
        let edges = bucket_edges(ny(2026, 11, 1, 0, 0), ny(2026, 11, 2, 0, 0), ActivityBucket::Day, New_York);
        assert_eq!(edges[1] - edges[0], TimeDelta::hours(25));
        // Inclusive end: an end exactly on an edge includes that bucket.
        assert_eq!(edges.len(), 2);
        assert!(bucket_edges(ny(2026, 1, 2, 0, 0), ny(2026, 1, 1, 0, 0), ActivityBucket::Day, New_York).is_empty());
    }

    #[test]
    fn month_and_year_edges_include_empty_buckets() {
        let edges = bucket_edges(ny(2026, 1, 15, 8, 0), ny(2026, 4, 2, 8, 0), ActivityBucket::Month, New_York);
        assert_eq!(edges, vec![ny(2026, 1, 1, 0, 0), ny(2026, 2, 1, 0, 0), ny(2026, 3, 1, 0, 0), ny(2026, 4, 1, 0, 0)]);
        let edges = bucket_edges(ny(2024, 6, 1, 8, 0), ny(2026, 1, 1, 0, 0), ActivityBucket::Year, New_York);
        assert_eq!(edges, vec![ny(2024, 1, 1, 0, 0), ny(2025, 1, 1, 0, 0), ny(2026, 1, 1, 0, 0)]);
    }

    #[test]
    fn midnight_that_does_not_exist_moves_to_the_first_local_time() {
        // Santiago springs forward at midnight: 2025-09-07 00:00 does not exist.
        let santiago = chrono_tz::America::Santiago;
        let edges = bucket_edges(utc(2025, 9, 6, 12, 0), utc(2025, 9, 7, 12, 0), ActivityBucket::Day, santiago);
        assert_eq!(edges.len(), 2);
        assert_eq!(edges[1].with_timezone(&santiago).hour(), 1);
        // Samoa skipped 2011-12-30 entirely: one edge for the two dates.
        let apia = chrono_tz::Pacific::Apia;
        let edges = bucket_edges(utc(2011, 12, 29, 0, 0), utc(2011, 12, 30, 12, 0), ActivityBucket::Day, apia);
        let days: Vec<u32> = edges.iter().map(|e| e.with_timezone(&apia).day()).collect();
        assert_eq!(days, vec![28, 29, 31]);
    }

    #[test]
    fn series_counts_messages_into_their_buckets() {
        let start = ny(2026, 1, 10, 9, 30);
        let until = ny(2026, 1, 10, 12, 5);
        let times = [
            ny(2026, 1, 10, 9, 45),
            ny(2026, 1, 10, 10, 0),
            ny(2026, 1, 10, 10, 59),
            ny(2026, 1, 10, 12, 5),
            ny(2026, 1, 10, 12, 6),
            ny(2026, 1, 10, 8, 0),
        ];
        let series = activity_series(start, until, New_York, times);
        assert_eq!(series.bucket, ActivityBucket::Hour);
        assert_eq!(series.time_zone, "America/New_York");
        let counts: Vec<u64> = series.points.iter().map(|p| p.count).collect();
        assert_eq!(counts, vec![1, 2, 0, 1]);
        assert_eq!(series.points[2].start, ny(2026, 1, 10, 11, 0));
    }

    #[test]
    fn median_averages_the_middle_pair() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[mins(5)]), Some(mins(5)));
        assert_eq!(median(&[mins(9), mins(1), mins(5)]), Some(mins(5)));
        assert_eq!(median(&[mins(4), mins(1), mins(3), mins(10)]), Some(TimeDelta::seconds(210)));
    }

    #[test]
    fn percentile_is_nearest_rank() {
        let values: Vec<TimeDelta> = (1..=20).rev().map(mins).collect();
        assert_eq!(percentile(&values, 0.0), Some(mins(1)));
        assert_eq!(percentile(&values, 5.0), Some(mins(1)));
        assert_eq!(percentile(&values, 5.1), Some(mins(2)));
        assert_eq!(percentile(&values, 50.0), Some(mins(10)));
        assert_eq!(percentile(&values, 95.0), Some(mins(19)));
        assert_eq!(percentile(&values, 100.0), Some(mins(20)));
        assert_eq!(percentile(&values, 100.1), None);
        assert_eq!(percentile(&values, f64::NAN), None);
        assert_eq!(percentile(&[], 50.0), None);
        let four = [mins(1), mins(2), mins(3), mins(4)];
        assert_eq!(percentile(&four, 50.0), Some(mins(2)), "nearest rank never interpolates");
    }

    #[test]
    fn engagement_is_responded_over_sent() {
        assert_eq!(engagement_rate(25, 100), Some(0.25));
        assert_eq!(engagement_rate(0, 0), None);
    }

    #[test]
    fn response_time_runs_from_the_first_unanswered_contact_message() {
        let t = |m: i64| utc(2026, 1, 1, 9, 0) + mins(m);
        let messages = [
            (t(0), Speaker::Campaign),
            (t(10), Speaker::Contact),
            (t(12), Speaker::Contact),
            (t(15), Speaker::Agent),
            (t(16), Speaker::Agent),
            (t(30), Speaker::Contact),
            (t(31), Speaker::Assistant),
            (t(40), Speaker::Contact),
            (t(50), Speaker::Agent),
            (t(60), Speaker::Contact),
        ];
        assert_eq!(agent_response_times(&messages), vec![mins(5), mins(10)]);
        // Order of input does not matter.
        let mut shuffled = messages.to_vec();
        shuffled.reverse();
        assert_eq!(agent_response_times(&shuffled), vec![mins(5), mins(10)]);
    }

    #[test]
    fn bucket_spellings_round_trip() {
        for b in [ActivityBucket::Hour, ActivityBucket::Day, ActivityBucket::Month, ActivityBucket::Year] {
            assert_eq!(ActivityBucket::parse(b.as_str()), Some(b));
        }
    }
}
