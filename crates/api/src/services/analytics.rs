//! A campaign's Analytics tab: send status, engagement, responses and contact message
//! activity, each as defined in DESIGN.md "Analytics".
//!
//! Built to stay fast at a million messages: send status reads the maintained
//! `send_counts`; activity reads the 15-minute slot counters; failures and responses
//! scan only failed messages and the conversation side (contact, agent and assistant
//! messages) through their indexes — never the launch messages themselves.
//!
//! Definitions where the guide is silent: outbound activity counts a message when the
//! provider took it, inbound when it arrived; "sent" in engagement is the launch
//! messages sent or delivered; an agent response time runs from each contact message to
//! the next agent reply in its conversation (contact messages no agent answered count
//! nothing), attributed to the agent who replied.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, TimeDelta, Utc};
use chrono_tz::Tz;
use tidings_domain::analytics::{bucket_edges, choose_bucket, median, percentile, ActivityBucket};
use tidings_domain::analytics_wire::{
    Activity, ActivityBar, AgentResponses, CampaignAnalytics, Engagement, FailureCount, Responses, SendStatus,
};
use tidings_domain::campaign_wire::NamedRef;
use tidings_domain::delivery::error_reason;
use tidings_domain::message_wire::Author;

use crate::auth::AuthUser;
use crate::db::analytics::ReplyRow;
use crate::db::{self, utc, DbConnection};
use crate::error::ApiResult;
use crate::services::campaigns::load_visible;

/// `GET /campaigns/{id}/analytics`.
pub fn of_campaign(
    conn: &mut DbConnection,
    actor: &AuthUser,
    campaign_id: i64,
    now: DateTime<Utc>,
) -> ApiResult<CampaignAnalytics> {
    let campaign = load_visible(conn, actor, campaign_id)?;
    let counts = db::send_counts::of(conn, &[campaign.id])?.remove(&campaign.id).unwrap_or_default();
    let failures = db::analytics::failures_by_code(conn, campaign.id)?
        .into_iter()
        .map(|(code, count)| FailureCount {
            code,
            reason: code.map_or_else(|| "The provider could not be reached.".to_owned(), error_reason),
            count,
        })
        .collect();
    let send_status = SendStatus {
        total: counts.queued
            + counts.pending
            + counts.sent
            + counts.delivered
            + counts.failed
            + counts.unknown
            + counts.cancelled,
        successful: counts.sent + counts.delivered,
        failed: counts.failed,
        in_progress: counts.queued + counts.pending + counts.unknown,
        cancelled: counts.cancelled,
        failures,
    };
    let replies = db::analytics::replies(conn, campaign.id)?;
    let responded = {
        let mut contacts: Vec<i64> =
            replies.iter().filter(|r| r.author == Author::Contact).filter_map(|r| r.conversation_id).collect();
        contacts.sort_unstable();
        contacts.dedup();
        i64::try_from(contacts.len()).unwrap_or(i64::MAX)
    };
    let sent = send_status.successful;
    let engagement = Engagement {
        sent,
        responded,
        opt_outs: db::analytics::opt_outs_from(conn, campaign.id)?,
        rate: (sent > 0).then(|| responded as f64 / sent as f64),
    };
    let responses = responses(conn, actor.organisation_id, &replies)?;
    let activity = match campaign.launched_at {
        Some(launched) => {
            let until = campaign.archived_at.map_or(now, utc);
            let tz: Tz = campaign.time_zone.parse().unwrap_or(chrono_tz::UTC);
            Some(activity(&db::activity::of_campaign(conn, campaign.id)?, utc(launched), until, tz))
        }
        None => None,
    };
    Ok(CampaignAnalytics { send_status, engagement, responses, activity })
}

fn seconds(delta: Option<TimeDelta>) -> Option<i64> {
    delta.map(|d| d.num_seconds())
}

/// Response counts and agent response times.
fn responses(conn: &mut DbConnection, organisation_id: i64, replies: &[ReplyRow]) -> ApiResult<Responses> {
    let count =
        |author: Author| i64::try_from(replies.iter().filter(|r| r.author == author).count()).unwrap_or(i64::MAX);
    let times = agent_response_times(replies);
    let all: Vec<TimeDelta> = times.iter().map(|(delta, _)| *delta).collect();
    let mut per_agent: BTreeMap<i64, Vec<TimeDelta>> = BTreeMap::new();
    let mut replies_per_agent: BTreeMap<i64, i64> = BTreeMap::new();
    for reply in replies.iter().filter(|r| r.author == Author::Agent) {
        if let Some(agent) = reply.author_user_id {
            *replies_per_agent.entry(agent).or_default() += 1;
            per_agent.entry(agent).or_default();
        }
    }
    for (delta, agent) in &times {
        per_agent.entry(*agent).or_default().push(*delta);
    }
    let ids: Vec<i64> = per_agent.keys().copied().collect();
    let names: HashMap<i64, String> = db::users::names_of(conn, organisation_id, &ids)?.into_iter().collect();
    Ok(Responses {
        contact_responses: count(Author::Contact),
        agent_responses: count(Author::Agent),
        chatbot_responses: count(Author::Assistant),
        median_agent_response_seconds: seconds(median(&all)),
        p90_agent_response_seconds: seconds(percentile(&all, 90.0)),
        per_agent: per_agent
            .into_iter()
            .map(|(agent, deltas)| AgentResponses {
                agent: NamedRef { id: agent, name: names.get(&agent).cloned().unwrap_or_default() },
                responses: replies_per_agent.get(&agent).copied().unwrap_or(0),
                median_response_seconds: seconds(median(&deltas)),
                p90_response_seconds: seconds(percentile(&deltas, 90.0)),
            })
            .collect(),
    })
}

/// For each contact message, the time to the next agent reply in its conversation,
/// with that reply's agent. `replies` are in message order.
pub fn agent_response_times(replies: &[ReplyRow]) -> Vec<(TimeDelta, i64)> {
    let mut waiting: HashMap<i64, Vec<DateTime<Utc>>> = HashMap::new();
    let mut times = Vec::new();
    for reply in replies {
        let Some(conversation) = reply.conversation_id else { continue };
        match (reply.author, reply.author_user_id) {
            (Author::Contact, _) => waiting.entry(conversation).or_default().push(utc(reply.created_at)),
            (Author::Agent, Some(agent)) => {
                for asked in waiting.remove(&conversation).unwrap_or_default() {
                    times.push((utc(reply.created_at) - asked, agent));
                }
            }
            _ => {}
        }
    }
    times
}

/// Slot counters summed into the buckets the campaign's active time calls for.
fn activity(slots: &[(DateTime<Utc>, i64, i64)], launched: DateTime<Utc>, until: DateTime<Utc>, tz: Tz) -> Activity {
    let bucket = choose_bucket(launched, until, tz);
    // One bucket's length past `until` (a year at most) yields the last bar's end too.
    let span = match bucket {
        ActivityBucket::Hour => TimeDelta::hours(2),
        ActivityBucket::Day => TimeDelta::days(2),
        ActivityBucket::Month => TimeDelta::days(32),
        ActivityBucket::Year => TimeDelta::days(367),
    };
    let edges = bucket_edges(launched, until + span, bucket, tz);
    let shown = edges.partition_point(|edge| *edge <= until);
    let end = edges.get(shown).copied();
    let mut bars: Vec<ActivityBar> =
        edges[..shown].iter().map(|start| ActivityBar { start: *start, inbound: 0, outbound: 0 }).collect();
    for (slot, inbound, outbound) in slots {
        if edges.first().is_none_or(|first| slot < first) || end.is_some_and(|end| *slot >= end) {
            continue;
        }
        let index = edges[..shown].partition_point(|edge| edge <= slot).saturating_sub(1);
        if let Some(bar) = bars.get_mut(index) {
            bar.inbound += inbound;
            bar.outbound += outbound;
        }
    }
    Activity { bucket: bucket.as_str().to_owned(), time_zone: tz.name().to_owned(), bars }
}
