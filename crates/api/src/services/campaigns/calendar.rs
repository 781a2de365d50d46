//! The calendar of scheduled campaigns by local launch date, and the tags in use.

use chrono::{Duration, NaiveDate};
use chrono_tz::Tz;
use tidings_domain::campaign::CampaignState;
use tidings_domain::campaign_wire::{Calendar, CalendarDay, CalendarEntry};
use tidings_domain::FieldError;

use super::{lookups, number_view, visibility_filter, MAX_CALENDAR_DAYS};
use crate::auth::AuthUser;
use crate::db::campaigns::CampaignFilter;
use crate::db::{self, utc, DbConnection};
use crate::error::{ApiError, ApiResult};

/// `GET /campaigns/calendar`: scheduled campaigns by local launch date.
pub fn calendar(
    conn: &mut DbConnection,
    actor: &AuthUser,
    from: NaiveDate,
    to: NaiveDate,
    office_id: Option<i64>,
) -> ApiResult<Calendar> {
    actor.require_messaging()?;
    if to < from {
        return Err(ApiError::bad_request_fields(
            "The calendar range is empty.",
            vec![FieldError::new("to", "must not be before from")],
        ));
    }
    if (to - from).num_days() >= MAX_CALENDAR_DAYS {
        return Err(ApiError::bad_request_fields(
            "The calendar range is too wide.",
            vec![FieldError::new("to", format!("must be less than {MAX_CALENDAR_DAYS} days after from"))],
        ));
    }
    // Local dates can be up to 14 hours either side of UTC: widen the window by a day
    // each way and keep the campaigns whose local date falls inside.
    let start = from.and_hms_opt(0, 0, 0).unwrap_or_default() - Duration::days(1);
    let end = to.and_hms_opt(0, 0, 0).unwrap_or_default() + Duration::days(2);
    let filter = CampaignFilter { state: Some(CampaignState::Scheduled), office_id, ..visibility_filter(actor) };
    let rows = db::campaigns::scheduled_between(conn, &filter, start, end)?;
    let lookups = lookups(conn, actor.organisation_id, &rows)?;
    let mut days: std::collections::BTreeMap<NaiveDate, Vec<CalendarEntry>> = std::collections::BTreeMap::new();
    for row in &rows {
        let Some(launch) = row.scheduled_at.map(utc) else { continue };
        let zone: Tz = row.time_zone.parse().unwrap_or(Tz::UTC);
        let date = launch.with_timezone(&zone).date_naive();
        if date < from || date > to {
            continue;
        }
        days.entry(date).or_default().push(CalendarEntry {
            id: row.id,
            title: row.title.clone(),
            phone_number: number_view(row, &lookups).map(|n| n.display).unwrap_or_else(|| "None chosen".to_owned()),
            office: lookups.offices.get(&row.office_id).cloned().unwrap_or_default(),
            contact_list: row.contact_list_id.and_then(|id| lookups.lists.get(&id).map(|l| l.0.clone())),
            launch_at: launch,
            time_zone: row.time_zone.clone(),
        });
    }
    Ok(Calendar {
        from,
        to,
        days: days
            .into_iter()
            .map(|(date, campaigns)| CalendarDay { date, count: campaigns.len(), campaigns })
            .collect(),
    })
}

/// `GET /tags`: campaign tags in use in the campaigns this user sees.
pub fn tags(
    conn: &mut DbConnection,
    actor: &AuthUser,
    state: Option<CampaignState>,
) -> ApiResult<Vec<tidings_domain::campaign_wire::TagCount>> {
    actor.require_messaging()?;
    let filter = CampaignFilter { state, ..visibility_filter(actor) };
    Ok(db::campaigns::tag_counts(conn, &filter)?
        .into_iter()
        .map(|(tag, campaigns)| tidings_domain::campaign_wire::TagCount { tag, campaigns })
        .collect())
}
