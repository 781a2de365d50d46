//! The Scheduled tab's month calendar: a tile per date, a calendar icon on dates with
//! scheduled campaigns and a count badge when there is more than one; choosing a tile
//! lists that day's campaigns on the right, and a tile's add button opens the creation
//! wizard with that date chosen for the launch.

use chrono::{Datelike, Months, NaiveDate};
use leptos::prelude::*;
use leptos_router::components::A;
use tidings_domain::campaign_wire::CalendarDay;

use super::icons;
use super::use_campaigns;
use crate::api::use_api;
use crate::auth::use_current_user;
use crate::components::local_time::local_time;
use crate::feedback::{ErrorPanel, Loading};
use crate::zone_time::{local_date_time, now};

/// Today in the user's office's time zone: the calendar's dates are the office's dates,
/// whatever zone the browser's machine is set to. The browser's date when the office's
/// zone is unknown to it.
fn today() -> NaiveDate {
    let office_zone = use_current_user().map(|me| me.office.time_zone);
    office_zone.and_then(|zone| local_date_time(now(), &zone)).map(|local| local.date()).unwrap_or_else(|| {
        let now = js_sys::Date::new_0();
        NaiveDate::from_ymd_opt(now.get_full_year() as i32, now.get_month() + 1, now.get_date())
            .unwrap_or(NaiveDate::MIN)
    })
}

fn first_of_month(date: NaiveDate) -> NaiveDate {
    date.with_day(1).unwrap_or(date)
}

fn last_of_month(first: NaiveDate) -> NaiveDate {
    first.checked_add_months(Months::new(1)).and_then(|next| next.pred_opt()).unwrap_or(first)
}

/// The month calendar with the selected day's campaigns beside it.
#[component]
pub fn ScheduledCalendar() -> impl IntoView {
    let api = use_api();
    let ctx = use_campaigns();
    let month = RwSignal::new(first_of_month(today()));
    let selected = RwSignal::new(None::<NaiveDate>);
    let data = LocalResource::new(move || {
        let first = month.get();
        ctx.reload.track();
        async move { api.calendar(first, last_of_month(first)).await }
    });
    let shift = move |by: i32| {
        month.update(|m| {
            let moved =
                if by < 0 { m.checked_sub_months(Months::new(1)) } else { m.checked_add_months(Months::new(1)) };
            *m = moved.unwrap_or(*m);
        });
        selected.set(None);
    };

    view! {
        <div class="calendar-layout">
            <div class="calendar">
                <div class="calendar-head">
                    <button type="button" class="icon-button" aria-label="Previous month" on:click=move |_| shift(-1)>
                        {icons::chevron(false)}
                    </button>
                    <h2 class="calendar-month" aria-live="polite">{move || month.get().format("%B %Y").to_string()}</h2>
                    <button type="button" class="icon-button" aria-label="Next month" on:click=move |_| shift(1)>
                        {icons::chevron(true)}
                    </button>
                </div>
                <Transition fallback=|| view! { <Loading label="Loading the calendar…"/> }>
                    {move || Suspend::new(async move {
                        match data.await {
                            Ok(calendar) => view! { <MonthGrid first=month.get_untracked() days=calendar.days selected/> }
                                .into_any(),
                            Err(error) => view! {
                                <ErrorPanel
                                    title="The calendar could not be loaded"
                                    message=error.user_message()
                                    retry=Callback::new(move |()| data.refetch())
                                />
                            }
                            .into_any(),
                        }
                    })}
                </Transition>
            </div>
            <aside class="day-details" aria-label="Campaigns on the selected date">
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let days = data.await.map(|c| c.days).unwrap_or_default();
                        view! { <DayDetails days selected/> }
                    })}
                </Transition>
            </aside>
        </div>
    }
}

#[component]
fn MonthGrid(first: NaiveDate, days: Vec<CalendarDay>, selected: RwSignal<Option<NaiveDate>>) -> impl IntoView {
    // Limited users cannot create campaigns, so they get no add buttons.
    let may_create = use_current_user().is_some_and(|me| me.role.manages_campaigns());
    let lead = first.weekday().num_days_from_sunday() as usize;
    let last = last_of_month(first);
    let today = today();
    let tiles: Vec<_> = first
        .iter_days()
        .take_while(|d| *d <= last)
        .map(|date| {
            let count = days.iter().find(|d| d.date == date).map_or(0, |d| d.count);
            let label = match count {
                0 => date.format("%A %-d %B").to_string(),
                1 => format!("{}, 1 scheduled campaign", date.format("%A %-d %B")),
                n => format!("{}, {n} scheduled campaigns", date.format("%A %-d %B")),
            };
            // Launches must be at least 30 minutes away, so past dates offer no add button.
            let add = (may_create && date >= today).then(|| {
                view! {
                    <A
                        href=format!("/campaigns/new?launch_on={date}")
                        attr:class="day-add"
                        attr:aria-label=format!("New campaign on {}", date.format("%A %-d %B"))
                        attr:title="Schedule a new campaign on this date"
                    >
                        {icons::plus()}
                    </A>
                }
            });
            view! {
                <div class="day-cell">
                    <button
                        type="button"
                        class="day-tile"
                        class:has-campaigns={count > 0}
                        class:today={date == today}
                        aria-pressed=move || (selected.get() == Some(date)).to_string()
                        aria-label=label
                        data-date=date.to_string()
                        on:click=move |_| selected.set(Some(date))
                    >
                        <span class="day-number">{date.day()}</span>
                        {(count > 0).then(|| view! { <span class="day-icon">{icons::calendar()}</span> })}
                        {(count > 1).then(|| view! { <span class="count-badge day-badge">{count}</span> })}
                    </button>
                    {add}
                </div>
            }
        })
        .collect();

    view! {
        <div class="month-grid" data-month=first.format("%Y-%m").to_string()>
            {["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
                .into_iter()
                .map(|d| view! { <div class="weekday" aria-hidden="true">{d}</div> })
                .collect_view()}
            {(0..lead).map(|_| view! { <div class="day-blank"></div> }).collect_view()}
            {tiles}
        </div>
    }
}

#[component]
fn DayDetails(days: Vec<CalendarDay>, selected: RwSignal<Option<NaiveDate>>) -> impl IntoView {
    move || {
        let Some(date) = selected.get() else {
            return view! { <p class="muted">"Select a date with a calendar icon to see its campaigns."</p> }
                .into_any();
        };
        let heading = date.format("%A %-d %B %Y").to_string();
        let entries = days.iter().find(|d| d.date == date).map(|d| d.campaigns.clone()).unwrap_or_default();
        if entries.is_empty() {
            return view! {
                <h3>{heading}</h3>
                <p class="muted">"No campaigns are scheduled on this date."</p>
            }
            .into_any();
        }
        view! {
            <h3>{heading}</h3>
            <ul class="day-list">
                {entries
                    .into_iter()
                    .map(|entry| view! {
                        <li class="day-entry">
                            <A href=format!("/campaigns/{}?tab=general", entry.id) attr:class="day-entry-title">{entry.title.clone()}</A>
                            <dl>
                                <dt>"Number"</dt>
                                <dd>{entry.phone_number.clone()}</dd>
                                <dt>"Office"</dt>
                                <dd>{entry.office.clone()}</dd>
                                <dt>"Contact list"</dt>
                                <dd>{entry.contact_list.clone().unwrap_or_else(|| "—".to_owned())}</dd>
                                <dt>"Launches"</dt>
                                <dd>{local_time(Some(entry.launch_at), &entry.time_zone)}</dd>
                            </dl>
                        </li>
                    })
                    .collect_view()}
            </ul>
        }
        .into_any()
    }
}
