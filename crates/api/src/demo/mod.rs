//! The demo organisation "Demo College" that `make run` starts with: two offices, four
//! users, reusable numbers, contact lists and campaigns in every state, so every tab
//! and the calendar have something to show on first start. Not a service: it drives
//! the services as staff would (`history` plays messages through delivery and inbound,
//! `lists` imports the contact lists, `templates` saves the template library), and only
//! the `seed-demo` command runs it.

pub mod history;
mod lists;
mod templates;

use chrono::{DateTime, Duration, Utc};
use tidings_domain::assistant::{AssistantRule, AssistantScript};
use tidings_domain::campaign::OperatedBy;
use tidings_domain::campaign::PhoneNumberKind;
use tidings_domain::campaign_wire::{CreateCampaign, NumberChoice};
use tidings_domain::phone_number::{NumberType, PhoneNumberStatus};
use tidings_domain::Role;

use crate::auth::AuthUser;
use crate::clock::Clock;
use crate::db::phone_numbers::NewPhoneNumber;
use crate::db::{self, DbConnection};
use crate::error::ApiResult;
use crate::services::organisations::{create_organisation, CreatedOrganisation, NewStaff};
use crate::services::{campaigns, fanout};
use history::Fate;

pub const DEMO_ORGANISATION: &str = "Demo College";

/// The demo logins, for printing: (email, name, role).
pub const DEMO_USERS: [(&str, &str, Role); 4] = [
    ("admin@demo.test", "Ada Admin", Role::Administrative),
    ("manager@demo.test", "Morgan Manager", Role::Standard),
    ("agent@demo.test", "Avery Agent", Role::Standard),
    ("limited@demo.test", "Lee Limited", Role::Limited),
];

/// Creates the demo organisation unless it exists; `None` when it already did.
pub fn seed_demo(conn: &mut DbConnection, clock: &dyn Clock, password: &str) -> ApiResult<Option<CreatedOrganisation>> {
    if db::organisations::find_by_name(conn, DEMO_ORGANISATION)?.is_some() {
        return Ok(None);
    }
    let offices = [("Main Campus", "America/New_York"), ("West Campus", "America/Los_Angeles")];
    // Office index and view_other_offices per demo user: admin, manager and agent at
    // Main Campus (the manager sees every office), limited at West Campus.
    let placement = [(0, true), (0, true), (0, false), (1, false)];
    let staff: Vec<NewStaff<'_>> = DEMO_USERS
        .iter()
        .zip(placement)
        .map(|((email, name, role), (office, view_other_offices))| NewStaff {
            email,
            name,
            password,
            role: *role,
            office,
            view_other_offices,
        })
        .collect();
    let created = create_organisation(conn, clock, DEMO_ORGANISATION, &offices, &staff)?;
    seed_content(conn, clock.now(), &created)?;
    let manager = AuthUser::acting_as(db::users::find_any(conn, created.user_ids[1])?)?;
    templates::seed_templates(conn, clock, &manager, &created)?;
    Ok(Some(created))
}

/// A demo reusable number, answered by the office inbox when no campaign runs.
fn demo_number(
    conn: &mut DbConnection,
    created: &CreatedOrganisation,
    office: usize,
    e164: &str,
    name: &str,
    owner: Option<i64>,
    now: DateTime<Utc>,
) -> ApiResult<i64> {
    let stamp = now.naive_utc();
    let id = db::phone_numbers::insert(
        conn,
        &NewPhoneNumber {
            organisation_id: created.organisation_id,
            office_id: created.office_ids[office],
            kind: PhoneNumberKind::Reusable,
            e164,
            name,
            description: "Demo number (simulator)",
            number_type: NumberType::Simulator,
            owner_user_id: owner,
            default_operated_by: OperatedBy::Agent,
            provider_sid: None,
            status: PhoneNumberStatus::Active,
            campaign_id: None,
            created_at: stamp,
            updated_at: stamp,
        },
    )?;
    db::phone_numbers::replace_recipients(
        conn,
        id,
        &owner.into_iter().collect::<Vec<_>>(),
        &[created.office_ids[office]],
    )?;
    Ok(id)
}

fn demo_script() -> AssistantScript {
    AssistantScript {
        greeting: None,
        rules: vec![
            AssistantRule {
                phrases: vec!["deadline".to_owned(), "due".to_owned(), "when".to_owned()],
                reply: "The FAFSA priority deadline is March 1. Reply HELP for more options.".to_owned(),
            },
            AssistantRule {
                phrases: vec!["documents".to_owned(), "verification".to_owned()],
                reply: "Upload verification documents in the student portal under Financial Aid > Documents."
                    .to_owned(),
            },
        ],
        fallback_reply: "I can answer questions about deadlines and documents. Reply AGENT to reach a person."
            .to_owned(),
        handoff_phrases: vec!["agent".to_owned(), "talk to a person".to_owned(), "human".to_owned()],
        max_fallbacks_before_handoff: 2,
    }
}

/// The contact phones a campaign texted.
fn recipients_of(conn: &mut DbConnection, campaign_id: i64) -> ApiResult<Vec<String>> {
    let phones = history::recipients(conn, campaign_id)?;
    if phones.len() < 5 {
        return Err(crate::error::ApiError::internal(format!(
            "demo campaign {campaign_id} texted only {} contacts",
            phones.len()
        )));
    }
    Ok(phones)
}

/// Numbers, lists and campaigns in every state across both offices.
fn seed_content(conn: &mut DbConnection, now: DateTime<Utc>, created: &CreatedOrganisation) -> ApiResult<()> {
    let manager = AuthUser::acting_as(db::users::find_any(conn, created.user_ids[1])?)?;
    let agent_id = created.user_ids[2];
    let main_line = demo_number(conn, created, 0, "+12125550142", "Main Campus Admissions", Some(agent_id), now)?;
    let aid_line = demo_number(conn, created, 0, "+12125550143", "Financial Aid line", None, now)?;
    let west_line = demo_number(conn, created, 1, "+14155550142", "West Campus Welcome", None, now)?;
    let lists = lists::seed_lists(conn, &manager, created, now)?;

    let campaign = |title: &str, office: usize, number: Option<NumberChoice>, list: Option<i64>, tags: &[&str]| {
        CreateCampaign {
            title: title.to_owned(),
            office_id: Some(created.office_ids[office]),
            operated_by: Some(OperatedBy::Agent),
            phone_number: number,
            contact_list_id: list,
            message_template: list.map(|_| {
                "Hi {first_name}, this is Demo College. Your {Program} application is waiting for one last step: \
                 log in to finish it."
                    .to_owned()
            }),
            append_opt_out: Some(true),
            // Main Campus campaigns are worked by the agent and the manager; West Campus
            // ones by the manager and the West Campus (limited) user.
            agent_ids: Some(if office == 0 {
                vec![agent_id, created.user_ids[1]]
            } else {
                vec![created.user_ids[1], created.user_ids[3]]
            }),
            assistant_script: None,
            tags: Some(tags.iter().map(|t| (*t).to_owned()).collect()),
            time_zone: None,
            texting_hours: None,
        }
    };
    let reusable = |id: i64| Some(NumberChoice::Reusable { id });
    // `days` from today at `hour`:00 on `zone`'s clock. Launches in the past happen at
    // such times, inside the default texting hours of their lists' zones (212 is New
    // York, 415 Los Angeles), so their history is the same whatever the hour of seeding.
    let day = |days: i64, hour: u32, zone: chrono_tz::Tz| {
        let date = now.with_timezone(&zone).date_naive() + Duration::days(days);
        date.and_hms_opt(hour, 0, 0)
            .and_then(|local| local.and_local_timezone(zone).earliest())
            .map(|local| local.with_timezone(&Utc))
            .unwrap_or(now + Duration::days(days))
    };
    let (east, west) = (chrono_tz::America::New_York, chrono_tz::America::Los_Angeles);
    let fall_launch = day(-2, 10, east);
    let aid_launch = day(-1, 14, east);
    // Today's noon in the West when it is at least an hour ago, else yesterday's.
    let welcome_launch =
        Some(day(0, 12, west)).filter(|at| *at <= now - Duration::hours(1)).unwrap_or(day(-1, 12, west));
    let summer_launch = day(-39, 10, east);

    // Active.
    let fall = campaigns::create(
        conn,
        &manager,
        campaign(
            "Fall application reminder",
            0,
            reusable(main_line),
            Some(lists.applicants),
            &["Admissions", "Fall 2026"],
        ),
        fall_launch - Duration::days(1),
    )?;
    campaigns::launch(conn, &manager, fall.id, fall_launch, None)?;
    fanout::write_launch_on(conn, fall.id, fall_launch.naive_utc())?;
    let agent = AuthUser::acting_as(db::users::find_any(conn, agent_id)?)?;
    {
        // Delivered, one landline, one invalid number; replies needing attention, one answered.
        let sent = fall_launch + Duration::minutes(1);
        history::play_queue(conn, main_line, sent, |i| match i {
            3 => Fate::Undelivered(30006),
            7 => Fate::Refused(21211),
            _ => Fate::Delivered,
        })?;
        let to = recipients_of(conn, fall.id)?;
        let number = "+12125550142";
        let later = |hours: i64| sent + Duration::hours(hours);
        history::reply(conn, &to[0], number, "Thanks! I'll finish it tonight.", later(2))?;
        if let Some(docs) =
            history::reply(conn, &to[1], number, "Which documents do I still need to upload?", later(3))?
        {
            history::agent_reply(
                conn,
                &agent,
                docs,
                "Hi! Only your transcript is missing: upload it under My Application > Documents.",
                &["Documents"],
                later(4),
            )?;
            history::reply(conn, &to[1], number, "Got it, thank you!", later(5))?;
            history::tag(conn, &agent, docs, &["Documents", "Resolved"], later(5))?;
        }
        history::reply(conn, &to[2], number, "Can I still change my program?", later(20))?;
        history::play_queue(conn, main_line, later(5), |_| Fate::Delivered)?;
    }
    let mut aid =
        campaign("Financial aid deadline", 0, reusable(aid_line), Some(lists.financial_aid), &["Financial Aid"]);
    aid.operated_by = Some(OperatedBy::Assistant);
    aid.agent_ids = Some(vec![agent_id]);
    aid.assistant_script = Some(demo_script());
    aid.message_template =
        Some("Hi {first_name}, the FAFSA priority deadline is coming up. Questions? Just reply.".to_owned());
    let aid = campaigns::create(conn, &manager, aid, aid_launch - Duration::hours(4))?;
    campaigns::launch(conn, &manager, aid.id, aid_launch, None)?;
    fanout::write_launch_on(conn, aid.id, aid_launch.naive_utc())?;
    {
        // The assistant answers, hands one over; one contact opts out.
        let sent = aid_launch + Duration::minutes(1);
        history::play_queue(conn, aid_line, sent, |i| if i == 2 { Fate::Undelivered(30005) } else { Fate::Delivered })?;
        let to = recipients_of(conn, aid.id)?;
        let number = "+12125550143";
        let later = |minutes: i64| sent + Duration::minutes(minutes);
        history::reply(conn, &to[0], number, "When is the deadline?", later(30))?;
        history::reply(conn, &to[1], number, "Which verification documents do you need?", later(45))?;
        if let Some(handed) = history::reply(conn, &to[3], number, "I'd like to talk to a person", later(60))? {
            history::tag(conn, &agent, handed, &["FAFSA"], later(61))?;
        }
        history::reply(conn, &to[4], number, "STOP", later(90))?;
        history::play_queue(conn, aid_line, later(91), |_| Fate::Delivered)?;
    }
    let mut welcome =
        campaign("West welcome week", 1, reusable(west_line), Some(lists.west_students), &["Orientation"]);
    welcome.message_template =
        Some("Welcome to West Campus, {first_name}! Reply with any question about welcome week.".to_owned());
    let welcome = campaigns::create(conn, &manager, welcome, welcome_launch - Duration::hours(1))?;
    campaigns::launch(conn, &manager, welcome.id, welcome_launch, None)?;
    fanout::write_launch_on(conn, welcome.id, welcome_launch.naive_utc())?;
    {
        let sent = welcome_launch + Duration::minutes(1);
        history::play_queue(conn, west_line, sent, |_| Fate::Delivered)?;
        let to = recipients_of(conn, welcome.id)?;
        history::reply(conn, &to[0], "+14155550142", "Where is the welcome tent?", sent + Duration::minutes(40))?;
    }

    // Scheduled: several dates, two campaigns on one of them.
    // At fixed local times, so the two campaigns of one date share it whatever the hour
    // of seeding.
    for (title, office, number, list, at, tags) in [
        ("Open house invitation", 0, reusable(main_line), lists.applicants, day(2, 11, east), &["Admissions"][..]),
        ("Orientation RSVP", 0, reusable(main_line), lists.applicants, day(5, 10, east), &["Orientation"][..]),
        ("Housing survey", 0, reusable(aid_line), lists.financial_aid, day(5, 14, east), &["Housing"][..]),
        (
            "West campus tour",
            1,
            Some(NumberChoice::SingleUse),
            lists.west_students,
            day(9, 10, west),
            &["Orientation"][..],
        ),
    ] {
        let draft = campaigns::create(conn, &manager, campaign(title, office, number, Some(list), tags), now)?;
        campaigns::schedule(conn, &manager, draft.id, at, now)?;
    }

    // Drafts: one ready to launch, one still missing its number, list and agents.
    campaigns::create(
        conn,
        &manager,
        campaign(
            "Spring enrollment nudge",
            0,
            reusable(main_line),
            Some(lists.applicants),
            &["Admissions", "Spring 2027"],
        ),
        now,
    )?;
    let mut newsletter = campaign("Alumni newsletter", 0, None, None, &["Alumni"]);
    newsletter.agent_ids = None;
    campaigns::create(conn, &manager, newsletter, now)?;

    // Archived: one that ran and was stopped, one draft that was discarded.
    let summer = campaigns::create(
        conn,
        &manager,
        campaign("Summer bridge program", 0, reusable(main_line), Some(lists.applicants), &["Summer"]),
        summer_launch - Duration::days(1),
    )?;
    campaigns::launch(conn, &manager, summer.id, summer_launch, None)?;
    fanout::write_launch_on(conn, summer.id, summer_launch.naive_utc())?;
    {
        let sent = summer_launch + Duration::minutes(1);
        history::play_queue(
            conn,
            main_line,
            sent,
            |i| if i == 5 { Fate::Undelivered(30003) } else { Fate::Delivered },
        )?;
        let to = recipients_of(conn, summer.id)?;
        if let Some(asked) = history::reply(
            conn,
            &to[0],
            "+12125550142",
            "Is housing included in the bridge program?",
            sent + Duration::hours(3),
        )? {
            history::agent_reply(
                conn,
                &agent,
                asked,
                "Yes, housing is included for all six weeks.",
                &["Housing"],
                sent + Duration::hours(4),
            )?;
        }
        history::play_queue(conn, main_line, sent + Duration::hours(4), |_| Fate::Delivered)?;
    }
    campaigns::archive(conn, &manager, summer.id, now - Duration::days(20))?;
    let discarded = campaigns::create(
        conn,
        &manager,
        campaign("Transfer fair (cancelled)", 1, None, None, &["Transfer"]),
        now - Duration::days(10),
    )?;
    campaigns::archive(conn, &manager, discarded.id, now - Duration::days(9))?;
    Ok(())
}
