//! The bench's workload, scenario by scenario: the data it sets up in-process, then
//! the HTTP scenarios against server processes.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use diesel::prelude::*;
use tidings_api::app::Application;
use tidings_api::auth::AuthUser;
use tidings_api::clock::SystemClock;
use tidings_api::config::{Config, DeliverySettings, ProviderKind, Secret};
use tidings_api::db::connection::{write_transaction, DatabaseTarget};
use tidings_api::db::contact_lists::{NewContact, NewContactList};
use tidings_api::db::phone_numbers::NewPhoneNumber;
use tidings_api::db::schema::messages;
use tidings_api::db::DbConnection;
use tidings_api::providers::simulator::Simulator;
use tidings_api::services::campaigns;
use tidings_api::services::organisations::{create_organisation, NewStaff};
use tidings_domain::campaign_wire::{CreateCampaign, NumberChoice};
use tidings_domain::Role;

use crate::load::{self, request};
use crate::peers::{self, Accepted};
use crate::server::{self, Launch, Server};
use crate::{launch as launching, ms, secs, Figure, OrFail, Report};

/// What the bench is asked to do (environment variables).
pub struct Settings {
    pub contacts: usize,
    pub database_url: Option<String>,
    /// How long the dispatcher runs (`BENCH_DISPATCH_SECONDS`, default 60).
    pub dispatch: Duration,
    /// How long each HTTP load runs (`BENCH_LOAD_SECONDS`, default 10).
    pub load: Duration,
    /// Campaigns on the Campaigns tab (`BENCH_CAMPAIGNS`, default 10 000).
    pub campaigns: usize,
}

impl Settings {
    pub fn from_env() -> Result<Self, String> {
        let number = |name: &str, default: usize| -> Result<usize, String> {
            match std::env::var(name) {
                Ok(value) if !value.is_empty() => value.parse().map_err(|_| format!("{name} must be a whole number")),
                _ => Ok(default),
            }
        };
        Ok(Self {
            contacts: number("BENCH_CONTACTS", 1_000_000)?,
            database_url: std::env::var("BENCH_DATABASE_URL").ok().filter(|url| !url.is_empty()),
            dispatch: Duration::from_secs(number("BENCH_DISPATCH_SECONDS", 60)? as u64),
            load: Duration::from_secs(number("BENCH_LOAD_SECONDS", 10)? as u64),
            campaigns: number("BENCH_CAMPAIGNS", 10_000)?,
        })
    }

    pub fn backend(&self) -> &'static str {
        if self.database_url.is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    }
}

/// The sending numbers: the dispatch is spread over this many lanes, as an
/// organisation sending thousands a second spreads it over many numbers.
const NUMBERS: usize = 16;
const PASSWORD: &str = "bench-password-123";

/// What the in-process setup leaves for the HTTP scenarios.
struct Prepared {
    email: String,
    campaign_id: i64,
    office_id: i64,
    /// The campaign the conversation list searches, and its conversations.
    searched: (i64, usize),
    organisation_id: i64,
}

fn phone_of(i: usize) -> String {
    format!("+1{}{:07}", 212 + i / 8_000_000, 2_000_000 + i % 8_000_000)
}

/// The Campaigns tab's campaigns: a program's name in each title, and a cohort tag.
const PROGRAMS: [&str; 10] =
    ["nursing", "welding", "biology", "history", "finance", "chemistry", "design", "music", "law", "physics"];
const COHORTS: usize = 7;

/// Conversations in the campaign the conversation list searches.
const SEARCHED_CONVERSATIONS: usize = 100_000;
/// Its contacts' numbers start here, apart from the large campaign's.
const SEARCHED_PHONES_FROM: usize = 40_000_000;

pub fn run(settings: &Settings, report: &mut Report) -> Result<(), String> {
    let dir = tempfile::tempdir().or_fail()?;
    let sqlite_path = dir.path().join("bench.db");
    let database_url = settings.database_url.clone().unwrap_or_else(|| format!("sqlite://{}", sqlite_path.display()));
    let prepared = prepare(settings, &database_url, dir.path().to_path_buf(), report)?;
    let data_dir = dir.path().join("server");
    std::fs::create_dir_all(&data_dir).or_fail()?;

    let accepted = Arc::new(Accepted::default());
    let twilio = peers::fake_twilio(accepted.clone(), 1)?;
    let launch = |run_jobs| Launch {
        database_url: &database_url,
        twilio_api_base: format!("http://{}", twilio.address),
        data_dir: &data_dir,
        run_jobs,
    };

    // Reading and importing, with the jobs off.
    {
        let reading = Server::start(&launch(false))?;
        std::thread::sleep(Duration::from_secs(2));
        let idle = reading.rss_mb();
        report.add(Figure {
            scenario: "server memory, idle".to_owned(),
            measured: format!("{idle:.0} MB RSS"),
            limit: "—".to_owned(),
            ratio: None,
            target: "≤ 60 MB",
            met: idle <= 60.0,
        });
        let token = server::login(reading.address, &prepared.email, PASSWORD)?;
        campaigns_tab(settings, report, reading.address, &token)?;
        conversation_list(settings, report, reading.address, &token, prepared.searched)?;
        csv_import(report, reading.address, &token, prepared.office_id)?;
    }

    // Sending: the fake's own ceiling first, then one server's dispatcher.
    dispatch(settings, report, &launch(true), &accepted, (twilio.address, prepared.organisation_id))?;

    // Status callbacks and the Analytics tab, with the jobs off.
    {
        let intake = Server::start(&launch(false))?;
        status_intake(settings, report, &intake, &accepted)?;
        let token = server::login(intake.address, &prepared.email, PASSWORD)?;
        analytics(report, intake.address, &token, prepared.campaign_id, &database_url)?;
    }
    Ok(())
}

/// The organisation, list, numbers and campaigns, written in-process; the launch
/// scenarios run here too.
fn prepare(settings: &Settings, database_url: &str, dir: PathBuf, report: &mut Report) -> Result<Prepared, String> {
    let config = Config {
        database: DatabaseTarget::parse(database_url).or_fail()?,
        bind: "127.0.0.1:0".parse().or_fail()?,
        public_url: "http://127.0.0.1:8080".to_owned(),
        jwt_secret: Secret::new("bench-secret-bench-secret-bench-secret-0"),
        provider: ProviderKind::Simulator,
        twilio: None,
        static_dir: dir.clone(),
        max_body_bytes: 1024 * 1024,
        max_upload_bytes: 64 * 1024 * 1024,
        token_ttl_minutes: 60,
        db_pool_size: 4,
        run_jobs: false,
        delivery: DeliverySettings::default(),
        simulator_failure_rate: 0.0,
        inbound_spool_dir: dir.join("inbound-spool"),
        sqlite_busy_timeout_ms: tidings_api::db::connection::DEFAULT_BUSY_TIMEOUT_MS,
        replay_spool: false,
        trusted_proxies: Vec::new(),
        password_workers: tidings_api::config::default_password_workers(),
        metrics_token: None,
        provider_timeout: tidings_api::providers::twilio::DEFAULT_TIMEOUT,
        reconcile_after: tidings_api::services::reconcile::DEFAULT_GRACE,
    };
    let contacts = settings.contacts;
    let campaign_count = settings.campaigns;
    actix_web::rt::System::new().block_on(async move {
        let app =
            Application::build_with_provider(config, Arc::new(SystemClock), Arc::new(Simulator::new())).or_fail()?;
        let state = app.state().clone();
        let mut conn = state.pool.get().or_fail()?;
        let email = format!("m-{}@bench.test", uuid::Uuid::new_v4().simple());
        let created = create_organisation(
            &mut conn,
            &SystemClock,
            &format!("Bench {}", uuid::Uuid::new_v4().simple()),
            &[("Main", "America/New_York")],
            &[NewStaff {
                email: &email,
                name: "Manager",
                password: PASSWORD,
                role: Role::Administrative,
                office: 0,
                view_other_offices: true,
            }],
        )
        .or_fail()?;
        let (organisation_id, office_id) = (created.organisation_id, created.office_ids[0]);
        let manager = AuthUser::acting_as(tidings_api::db::users::find_any(&mut conn, created.user_ids[0]).or_fail()?)
            .or_fail()?;
        // Texting hours open all day: the bench measures the send path at any hour.
        tidings_api::db::organisations::set_texting_hours(&mut conn, organisation_id, 0, 24 * 60).or_fail()?;
        let stamp = Utc::now().naive_utc();
        let list = insert_list(&mut conn, (organisation_id, office_id), "Bench list", 0..contacts)?;
        let searched_count = contacts.min(SEARCHED_CONVERSATIONS);
        let searched_list = insert_list(
            &mut conn,
            (organisation_id, office_id),
            "Bench searched list",
            SEARCHED_PHONES_FROM..SEARCHED_PHONES_FROM + searched_count,
        )?;
        let numbers_base = 1000 + uuid::Uuid::new_v4().as_u128() % 8000;
        let mut numbers = Vec::new();
        for n in 0..NUMBERS {
            let e164 = format!("+1646{:03}{:04}", 200 + n, numbers_base);
            let id = tidings_api::db::phone_numbers::insert(
                &mut conn,
                &NewPhoneNumber {
                    organisation_id,
                    office_id,
                    kind: tidings_domain::campaign::PhoneNumberKind::Reusable,
                    e164: &e164,
                    name: &format!("Bench line {n}"),
                    description: "",
                    number_type: tidings_domain::phone_number::NumberType::LongCode,
                    owner_user_id: None,
                    default_operated_by: tidings_domain::campaign::OperatedBy::Agent,
                    provider_sid: Some(&format!("PN{:032x}", numbers_base * 100 + n as u128)),
                    status: tidings_domain::phone_number::PhoneNumberStatus::Active,
                    campaign_id: None,
                    created_at: stamp,
                    updated_at: stamp,
                },
            )
            .or_fail()?;
            numbers.push((id, e164));
        }
        let draft_of = |conn: &mut DbConnection, title: String, tags: Vec<String>, (list, number): (i64, i64)| {
            campaigns::create(
                conn,
                &manager,
                CreateCampaign {
                    title,
                    phone_number: Some(NumberChoice::Reusable { id: number }),
                    contact_list_id: Some(list),
                    message_template: Some("Hi {first_name}, your {Program} application is waiting.".to_owned()),
                    agent_ids: Some(vec![manager.id]),
                    tags: Some(tags),
                    ..CreateCampaign::default()
                },
                Utc::now(),
            )
            .map(|campaign| campaign.id)
            .or_fail()
        };
        let draft = |conn: &mut DbConnection, title: String, tags: Vec<String>| {
            draft_of(conn, title, tags, (list, numbers[0].0))
        };
        println!("set up: {contacts} contacts, {NUMBERS} numbers");

        // The limit: the same rows, bulk-written by the database alone.
        let limit_campaign = draft(&mut conn, "Bench limit".to_owned(), Vec::new())?;
        let mut rows = launching::rows_of(&mut conn, limit_campaign, stamp)?;
        let bulk = launching::bulk_write(&mut conn, &mut rows)?;
        drop(rows);
        let campaign_id = draft(&mut conn, "Bench campaign".to_owned(), vec!["bench".to_owned()])?;
        drop(conn);
        let stops = launching::launch_with_stop(
            &state,
            campaign_id,
            {
                let manager = manager.clone();
                move |conn| campaigns::launch(conn, &manager, campaign_id, Utc::now(), None)
            },
            &phone_of(contacts * 3 / 4),
            &phone_of(7),
            &numbers[0].1,
            Duration::from_millis(300),
        )
        .await?;
        let (launched, stop_waited) = (stops.launched, stops.mid_launch);
        let ratio = bulk.as_secs_f64() / launched.as_secs_f64();
        report.add(Figure {
            scenario: format!("launch fan-out, {contacts} contacts"),
            measured: secs(launched),
            limit: format!("{} (bulk write alone)", secs(bulk)),
            ratio: Some(ratio),
            target: "≤ 6 s, ratio ≥ 0.5",
            met: launched <= Duration::from_secs(6) && ratio >= 0.5,
        });
        report.add(Figure {
            scenario: "a STOP arriving 0.3 s into that launch, answered in".to_owned(),
            measured: ms(stop_waited),
            limit: format!("{} (a STOP with no launch running)", ms(stops.alone)),
            ratio: None,
            target: "≤ 1 s",
            met: stop_waited <= Duration::from_secs(1),
        });

        // Spread the queued messages over the numbers, one lane each.
        let mut conn = state.pool.get().or_fail()?;
        for (n, (id, e164)) in numbers.iter().enumerate() {
            diesel::update(messages::table.filter(messages::campaign_id.eq(campaign_id)).filter(diesel::dsl::sql::<
                diesel::sql_types::Bool,
            >(
                &format!(
                "id % {NUMBERS} = {n}"
            )
            )))
            .set((messages::phone_number_id.eq(id), messages::from_phone.eq(e164)))
            .execute(&mut *conn)
            .or_fail()?;
        }
        // The campaign the conversation list searches: launched, on a number of its own.
        let searched = draft_of(&mut conn, "Bench searched".to_owned(), Vec::new(), (searched_list, numbers[1].0))?;
        campaigns::launch(&mut conn, &manager, searched, Utc::now(), None).or_fail()?;
        tidings_api::services::fanout::write_launch_on(&mut conn, searched, Utc::now().naive_utc()).or_fail()?;
        // The Campaigns tab's campaigns: drafts in 20 tags.
        let started = Instant::now();
        for i in 0..campaign_count {
            let title = format!("{} outreach {i}", PROGRAMS[i % PROGRAMS.len()]);
            draft(&mut conn, title, vec![format!("cohort-{}", i % COHORTS)])?;
        }
        // PostgreSQL's autovacuum would have gathered statistics on these tables within a
        // minute of such writes; the bench does not wait for it. (SQLite keeps none unless
        // asked, and Tidings does not ask, so none are gathered there.)
        if matches!(*conn, DbConnection::Postgresql(_)) {
            diesel::sql_query("ANALYZE").execute(&mut *conn).or_fail()?;
        }
        println!("set up: {campaign_count} campaigns in {}", secs(started.elapsed()));
        Ok::<Prepared, String>(Prepared {
            email,
            campaign_id,
            office_id,
            searched: (searched, searched_count),
            organisation_id,
        })
    })
}

/// A contact list of the contacts numbered `numbers` (first names `First<n>`).
fn insert_list(
    conn: &mut DbConnection,
    (organisation_id, office_id): (i64, i64),
    name: &str,
    numbers: std::ops::Range<usize>,
) -> Result<i64, String> {
    let stamp = Utc::now().naive_utc();
    let list = tidings_api::db::contact_lists::insert_list(
        conn,
        &NewContactList {
            organisation_id,
            office_id,
            name,
            field_names: "[\"Program\"]",
            time_zone_field: None,
            contact_count: i64::try_from(numbers.len()).or_fail()?,
            created_by: None,
            created_at: stamp,
            updated_at: stamp,
        },
    )
    .or_fail()?;
    let first = numbers.start;
    for chunk in numbers.collect::<Vec<_>>().chunks(50_000) {
        let rows: Vec<NewContact> = chunk
            .iter()
            .map(|&i| NewContact {
                organisation_id,
                contact_list_id: list,
                row_number: i64::try_from(i - first).unwrap_or(0) + 1,
                first_name: format!("First{i}"),
                last_name: "Bench".to_owned(),
                phone: phone_of(i),
                fields: "[\"Mathematics\"]".to_owned(),
                created_at: stamp,
            })
            .collect();
        write_transaction(conn, |conn| tidings_api::db::contact_lists::insert_contacts(conn, &rows)).or_fail()?;
    }
    Ok(list)
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

fn campaigns_tab(settings: &Settings, report: &mut Report, address: SocketAddr, token: &str) -> Result<(), String> {
    let auth = bearer(token);
    // A program's name and a cohort: about one campaign in 70 matches both.
    let requests: Vec<Vec<u8>> = (0..PROGRAMS.len() * COHORTS)
        .map(|i| {
            request(
                "GET",
                &format!(
                    "/api/v1/campaigns?state=draft&q={}&tags=cohort-{}&per_page=25",
                    PROGRAMS[i % PROGRAMS.len()],
                    i % COHORTS
                ),
                &[("Authorization", &auth)],
                b"",
            )
        })
        .collect();
    let outcome = load::run(address, Arc::new(requests), 200, settings.load, None)?;
    let scenario = format!("Campaigns tab, {} campaigns, search + tag, 200 connections", settings.campaigns);
    report.add(p99_figure(scenario, &outcome, ("p99 ≤ 10 ms", Duration::from_millis(10)))?);
    Ok(())
}

fn conversation_list(
    settings: &Settings,
    report: &mut Report,
    address: SocketAddr,
    token: &str,
    (campaign_id, conversations): (i64, usize),
) -> Result<(), String> {
    let auth = bearer(token);
    let requests: Vec<Vec<u8>> = (0..100)
        .map(|i| {
            request(
                "GET",
                &format!(
                    "/api/v1/campaigns/{campaign_id}/conversations?q=First{}",
                    SEARCHED_PHONES_FROM + i * 7919 % conversations.max(1)
                ),
                &[("Authorization", &auth)],
                b"",
            )
        })
        .collect();
    let outcome = load::run(address, Arc::new(requests), 20, settings.load, None)?;
    let scenario = format!("conversation list, {conversations} conversations, name search, 20 connections");
    report.add(p99_figure(scenario, &outcome, ("p99 ≤ 15 ms", Duration::from_millis(15)))?);
    Ok(())
}

/// The figure of a page under concurrent load: its p99 and rate, and what it refused.
fn p99_figure(
    scenario: String,
    outcome: &load::Outcome,
    (target, within): (&'static str, Duration),
) -> Result<Figure, String> {
    let refused = check(outcome, &scenario)?;
    let p99 = outcome.percentile(0.99);
    Ok(Figure {
        measured: format!("p99 {} ({:.0}/s{})", ms(p99), outcome.per_second(), refused.as_deref().unwrap_or_default()),
        scenario,
        limit: "—".to_owned(),
        ratio: None,
        target,
        met: p99 <= within && refused.is_none(),
    })
}

/// Refuses a load nothing answered; otherwise answers what was refused, for the figure
/// (a server that sheds load under it is a result, not a bench failure).
fn check(outcome: &load::Outcome, what: &str) -> Result<Option<String>, String> {
    if outcome.answered == 0 || outcome.failed >= outcome.answered {
        return Err(format!(
            "{what}: {} answered, {} failed (first: {})",
            outcome.answered,
            outcome.failed,
            outcome.first_failure.as_deref().unwrap_or("no answer")
        ));
    }
    Ok((outcome.failed > 0).then(|| {
        format!(
            ", {} of {} refused ({})",
            outcome.failed,
            outcome.answered,
            outcome.first_failure.as_deref().unwrap_or_default().trim()
        )
    }))
}

/// A load whose every answer the figure needs (a rate of refusals is no rate).
fn refuse_any(refused: Option<String>) -> Result<(), String> {
    refused.map_or(Ok(()), |refused| Err(format!("answers were refused{refused}")))
}

/// 100 000 rows with three extra fields, uploaded as a user would, next to parsing and
/// normalising the same file alone.
fn csv_import(report: &mut Report, address: SocketAddr, token: &str, office_id: i64) -> Result<(), String> {
    const ROWS: usize = 100_000;
    let mut file = String::from("First Name,Last Name,Phone,Program,Campus,Cohort\n");
    for i in 0..ROWS {
        file.push_str(&format!(
            "Ada{i},Lovelace,(917) {:03}-{:04},Mathematics,North,Fall {}\n",
            200 + i / 10_000,
            i % 10_000,
            2026 + i % 3
        ));
    }
    let started = Instant::now();
    let mut normalised = 0usize;
    let mut reader = csv::Reader::from_reader(file.as_bytes());
    for record in reader.records() {
        let record = record.or_fail()?;
        let phone = phonenumber::parse(Some(phonenumber::country::Id::US), &record[2]).or_fail()?;
        normalised += phone.format().mode(phonenumber::Mode::E164).to_string().len();
    }
    let alone = started.elapsed();
    std::hint::black_box(normalised);

    let boundary = "tidings-bench-boundary";
    let mut body = Vec::new();
    for (name, value) in [("name", "Bench import".to_owned()), ("office_id", office_id.to_string())] {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"contacts.csv\"\r\nContent-Type: text/csv\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(file.as_bytes());
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let auth = bearer(token);
    let content_type = format!("multipart/form-data; boundary={boundary}");
    let upload = request(
        "POST",
        "/api/v1/contact-lists",
        &[("Authorization", &auth), ("Content-Type", &content_type), ("Connection", "close")],
        &body,
    );
    let started = Instant::now();
    let answer = server::exchange(address, &upload)?;
    let imported = started.elapsed();
    if !answer.starts_with("HTTP/1.1 201") {
        return Err(format!("the import answered {}", answer.chars().take(400).collect::<String>()));
    }
    report.add(Figure {
        scenario: "CSV import, 100 000 rows, 3 extra fields".to_owned(),
        measured: secs(imported),
        limit: format!("{} (csv + phonenumber alone)", secs(alone)),
        ratio: Some(alone.as_secs_f64() / imported.as_secs_f64()),
        target: "≤ 1.5 s",
        met: imported <= Duration::from_millis(1500),
    });
    Ok(())
}

fn dispatch(
    settings: &Settings,
    report: &mut Report,
    launch: &Launch<'_>,
    accepted: &Arc<Accepted>,
    (twilio, organisation_id): (SocketAddr, i64),
) -> Result<(), String> {
    // The fake's own ceiling, loaded by the same client Tidings would be.
    let path = format!("/2010-04-01/Accounts/{}/Messages.json", server::ACCOUNT_SID);
    let sends: Vec<Vec<u8>> = (0..1000)
        .map(|i| {
            let form = format!("To=%2B1917555{i:04}&From=%2B16462000000&Body=Hi+there&StatusCallback=http%3A%2F%2F127.0.0.1%2Fwebhooks%2Ftwilio%2Fstatus");
            request("POST", &path, &[("Content-Type", "application/x-www-form-urlencoded")], form.as_bytes())
        })
        .collect();
    let ceiling = load::run(twilio, Arc::new(sends), 64, settings.load.min(Duration::from_secs(5)), None)?;
    refuse_any(check(&ceiling, "fake Twilio")?)?;
    let ceiling_rate = ceiling.per_second();
    accepted.forget();

    let sending = Server::start(launch)?;
    let (rate, peak) = watch_sending(settings.dispatch, accepted, &[&sending])?;
    drop(sending);
    report.add(Figure {
        scenario: format!("dispatcher to a loopback fake Twilio, {} s, one server", settings.dispatch.as_secs()),
        measured: format!("{rate:.0} msg/s"),
        limit: format!("{ceiling_rate:.0}/s (the fake's accept rate)"),
        ratio: Some(rate / ceiling_rate),
        target: "≥ 8 000 msg/s",
        met: rate >= 8000.0,
    });
    report.add(Figure {
        scenario: "server memory, during the dispatch run".to_owned(),
        measured: format!("{peak:.0} MB RSS (peak)"),
        limit: "—".to_owned(),
        ratio: None,
        target: "≤ 250 MB",
        met: peak <= 250.0,
    });
    if settings.database_url.is_some() {
        free_leases(launch.database_url, organisation_id)?;
        let (first, second) = (Server::start(launch)?, Server::start(launch)?);
        let (rate, _) = watch_sending(settings.dispatch, accepted, &[&first, &second])?;
        report.add(Figure {
            scenario: format!("dispatcher, two servers on one PostgreSQL, {} s", settings.dispatch.as_secs()),
            measured: format!("{rate:.0} msg/s together"),
            limit: format!("{ceiling_rate:.0}/s (the fake's accept rate)"),
            ratio: Some(rate / ceiling_rate),
            target: "≥ 8 000 msg/s",
            met: rate >= 8000.0,
        });
    }
    let duplicates = accepted.duplicates();
    report.add(Figure {
        scenario: "texts sent twice to one contact, over every dispatch run".to_owned(),
        measured: duplicates.to_string(),
        limit: format!("of {}", accepted.count.load(Ordering::SeqCst)),
        ratio: None,
        target: "0",
        met: duplicates == 0,
    });
    Ok(())
}

/// Frees what the server killed mid-send held: its lanes and the messages it claimed
/// but had not begun sending. Recovery does that by itself once their two-minute leases
/// run out; the bench does not wait. (Messages it was sending stay `sending`, and
/// become `unknown`, as after any crash.)
fn free_leases(database_url: &str, organisation_id: i64) -> Result<(), String> {
    use tidings_api::db::schema::{dispatch_lanes, phone_numbers};
    let pool = tidings_api::db::connection::build_pool(&DatabaseTarget::parse(database_url).or_fail()?, 1).or_fail()?;
    let mut conn = pool.get().or_fail()?;
    let ours =
        phone_numbers::table.filter(phone_numbers::organisation_id.eq(organisation_id)).select(phone_numbers::id);
    diesel::delete(dispatch_lanes::table.filter(dispatch_lanes::phone_number_id.eq_any(ours)))
        .execute(&mut *conn)
        .or_fail()?;
    diesel::update(
        messages::table
            .filter(messages::organisation_id.eq(organisation_id))
            .filter(messages::status.eq(tidings_domain::delivery::MessageStatus::Claimed)),
    )
    .set((
        messages::status.eq(tidings_domain::delivery::MessageStatus::Queued),
        messages::lease_owner.eq(None::<String>),
        messages::lease_expires_at.eq(None::<chrono::NaiveDateTime>),
    ))
    .execute(&mut *conn)
    .or_fail()?;
    Ok(())
}

/// Waits for the first send, then counts sends for `window`; answers the rate and the
/// servers' peak resident memory (MB).
fn watch_sending(window: Duration, accepted: &Accepted, servers: &[&Server]) -> Result<(f64, f64), String> {
    let waited = Instant::now();
    let before = accepted.count.load(Ordering::SeqCst);
    while accepted.count.load(Ordering::SeqCst) == before {
        if waited.elapsed() > Duration::from_secs(60) {
            return Err("the dispatcher sent nothing within 60 s".to_owned());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let from = accepted.count.load(Ordering::SeqCst);
    let started = Instant::now();
    let mut peak: f64 = 0.0;
    while started.elapsed() < window {
        std::thread::sleep(Duration::from_millis(500));
        peak = peak.max(servers.iter().map(|s| s.rss_mb()).fold(0.0, f64::max));
    }
    let sent = accepted.count.load(Ordering::SeqCst) - from;
    Ok((sent as f64 / started.elapsed().as_secs_f64(), peak))
}

/// Signed status callbacks for the messages sent (each delivered), next to an actix-web
/// hello-world loaded the same way.
fn status_intake(settings: &Settings, report: &mut Report, intake: &Server, accepted: &Accepted) -> Result<(), String> {
    let sids: Vec<String> =
        accepted.sids.lock().map_err(|_| "the fake's record")?.iter().take(50_000).cloned().collect();
    if sids.is_empty() {
        return Err("no message was sent, so no status callback can be".to_owned());
    }
    let path = tidings_api::providers::twilio::STATUS_WEBHOOK_PATH;
    let url = tidings_api::providers::twilio_signature::signed_url(&intake.public_url, path);
    let callbacks: Vec<Vec<u8>> = sids
        .iter()
        .map(|sid| {
            let params = vec![
                ("AccountSid".to_owned(), server::ACCOUNT_SID.to_owned()),
                ("MessageSid".to_owned(), sid.clone()),
                ("MessageStatus".to_owned(), "delivered".to_owned()),
            ];
            let signature =
                tidings_api::providers::twilio_signature::compute_signature(server::AUTH_TOKEN, &url, &params);
            let form = format!("AccountSid={}&MessageSid={sid}&MessageStatus=delivered", server::ACCOUNT_SID);
            request(
                "POST",
                path,
                &[("Content-Type", "application/x-www-form-urlencoded"), ("X-Twilio-Signature", &signature)],
                form.as_bytes(),
            )
        })
        .collect();
    let outcome = load::run(intake.address, Arc::new(callbacks), 64, settings.load, None)?;
    refuse_any(check(&outcome, "status callbacks")?)?;
    let hello = peers::hello_world(2)?;
    let hello_requests = vec![request(
        "POST",
        "/hello",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        b"MessageSid=SM1&MessageStatus=delivered",
    )];
    let ceiling = load::run(hello.address, Arc::new(hello_requests), 64, settings.load, None)?;
    refuse_any(check(&ceiling, "hello-world")?)?;
    let (rate, p99) = (outcome.per_second(), outcome.percentile(0.99));
    report.add(Figure {
        scenario: "signed status callbacks over HTTP, 64 connections".to_owned(),
        measured: format!("{rate:.0}/s, p99 {}", ms(p99)),
        limit: format!("{:.0}/s, p99 {} (actix hello-world)", ceiling.per_second(), ms(ceiling.percentile(0.99))),
        ratio: Some(rate / ceiling.per_second()),
        target: "≥ 15 000/s, p99 ≤ 15 ms",
        met: rate >= 15_000.0 && p99 <= Duration::from_millis(15),
    });
    Ok(())
}

/// The Analytics tab over HTTP, 200 requests one at a time, next to a full scan of the
/// campaign's messages by status (what it would cost to recompute send status).
fn analytics(
    report: &mut Report,
    address: SocketAddr,
    token: &str,
    campaign_id: i64,
    database_url: &str,
) -> Result<(), String> {
    let auth = bearer(token);
    let asks =
        vec![request("GET", &format!("/api/v1/campaigns/{campaign_id}/analytics"), &[("Authorization", &auth)], b"")];
    let outcome = load::run(address, Arc::new(asks), 1, Duration::from_secs(600), Some(200))?;
    refuse_any(check(&outcome, "Analytics tab")?)?;
    let pool = tidings_api::db::connection::build_pool(&DatabaseTarget::parse(database_url).or_fail()?, 1).or_fail()?;
    let mut conn = pool.get().or_fail()?;
    let mut scans = Vec::new();
    let mut counted = 0;
    for _ in 0..5 {
        let started = Instant::now();
        let by_status: Vec<(String, i64)> = messages::table
            .filter(messages::campaign_id.eq(campaign_id))
            .group_by(messages::status)
            .select((messages::status, diesel::dsl::count_star()))
            .load(&mut *conn)
            .or_fail()?;
        scans.push(started.elapsed());
        counted = by_status.iter().map(|(_, n)| n).sum::<i64>();
    }
    scans.sort();
    let scan = scans[scans.len() / 2];
    let p99 = outcome.percentile(0.99);
    report.add(Figure {
        scenario: format!("Analytics tab, one campaign of {counted} messages"),
        measured: format!("p50 {}, p99 {}", ms(outcome.percentile(0.5)), ms(p99)),
        limit: format!("{} (full scan by status, median)", ms(scan)),
        ratio: Some(scan.as_secs_f64() / p99.as_secs_f64()),
        target: "p99 ≤ 20 ms",
        met: p99 <= Duration::from_millis(20),
    });
    Ok(())
}
