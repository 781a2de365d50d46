//! `make bench`: Tidings at scale, measured — not asserted (tests assert behaviour and
//! never depend on speed). One campaign of `BENCH_CONTACTS` contacts (default one
//! million) on SQLite, or on PostgreSQL when `BENCH_DATABASE_URL` names one:
//!
//! - the launch fan-out (conversations and queued messages, one transaction);
//! - the dispatcher draining the queue through the simulator (unpaced), with delivery
//!   reports applied, in messages per second;
//! - the campaign page (`send_counts`), the Analytics tab, and the first Contacts page,
//!   each timed over several runs at full size.
#![allow(clippy::print_stdout, reason = "a bench reports its figures on stdout")]

use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};

use chrono::{Duration, Utc};
use tidings_api::app::Application;
use tidings_api::auth::AuthUser;
use tidings_api::clock::{Clock, ManualClock};
use tidings_api::config::{Config, DeliverySettings, ProviderKind, Secret};
use tidings_api::db::connection::DatabaseTarget;
use tidings_api::db::contact_lists::{NewContact, NewContactList};
use tidings_api::db::phone_numbers::NewPhoneNumber;
use tidings_api::providers::simulator::Simulator;
use tidings_api::services::campaign_contacts::ContactQuery;
use tidings_api::services::organisations::{create_organisation, NewStaff};
use tidings_api::services::paging::PageRequest;
use tidings_api::services::{analytics, campaign_contacts, campaigns};
use tidings_domain::campaign_wire::{CreateCampaign, NumberChoice};
use tidings_domain::Role;

/// Bench failures are reported, not handled: any error's debug form will do.
trait OrFail<T> {
    fn or_fail(self) -> Result<T, String>;
}

impl<T, E: std::fmt::Debug> OrFail<T> for Result<T, E> {
    fn or_fail(self) -> Result<T, String> {
        self.map_err(|e| format!("{e:?}"))
    }
}

fn report(what: &str, elapsed: StdDuration, items: usize) {
    let rate = items as f64 / elapsed.as_secs_f64().max(1e-9);
    println!("{what:<48} {:>10.1} ms  {items:>9} items  {rate:>12.0} /s", elapsed.as_secs_f64() * 1000.0);
}

/// Four digits that differ between runs on one PostgreSQL database.
fn rand_suffix() -> u32 {
    uuid::Uuid::new_v4().as_u128() as u32 % 10_000
}

fn median_of(mut runs: Vec<StdDuration>) -> StdDuration {
    runs.sort();
    runs[runs.len() / 2]
}

fn main() -> Result<(), String> {
    let contacts: usize = std::env::var("BENCH_CONTACTS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let dir = tempfile::tempdir().or_fail()?;
    let database = match std::env::var("BENCH_DATABASE_URL") {
        Ok(url) if !url.is_empty() => DatabaseTarget::parse(&url).or_fail()?,
        _ => DatabaseTarget::Sqlite(dir.path().join("bench.db")),
    };
    println!(
        "Tidings scale bench: {contacts} contacts on {}",
        if matches!(database, DatabaseTarget::Sqlite(_)) { "SQLite" } else { "PostgreSQL" }
    );
    let config = Config {
        database,
        bind: "127.0.0.1:0".parse().or_fail()?,
        public_url: "http://127.0.0.1:8080".to_owned(),
        jwt_secret: Secret::new("bench-secret-bench-secret-bench-secret-0"),
        provider: ProviderKind::Simulator,
        twilio: None,
        static_dir: dir.path().to_path_buf(),
        max_body_bytes: 1024 * 1024,
        max_upload_bytes: 64 * 1024 * 1024,
        token_ttl_minutes: 60,
        db_pool_size: 4,
        run_jobs: false,
        delivery: DeliverySettings::default(),
        simulator_failure_rate: 0.0,
        inbound_spool_dir: dir.path().join("inbound-spool"),
        sqlite_busy_timeout_ms: tidings_api::db::connection::DEFAULT_BUSY_TIMEOUT_MS,
        replay_spool: false,
        trusted_proxies: Vec::new(),
        password_workers: tidings_api::config::default_password_workers(),
        metrics_token: None,
        provider_timeout: tidings_api::providers::twilio::DEFAULT_TIMEOUT,
        reconcile_after: tidings_api::services::reconcile::DEFAULT_GRACE,
    };
    let clock = Arc::new(ManualClock::new(Utc::now()));
    let simulator = Arc::new(Simulator::new());
    actix_web::rt::System::new().block_on(async move {
        let app = Application::build_with_provider(config, clock.clone(), simulator.clone()).or_fail()?;
        let state = app.state().clone();
        let mut conn = state.pool.get().or_fail()?;
        let org_name = format!("Bench {}", uuid::Uuid::new_v4().simple());
        let created = create_organisation(
            &mut conn,
            clock.as_ref(),
            &org_name,
            &[("Main", "America/New_York")],
            &[NewStaff {
                email: &format!("m-{}@bench.test", uuid::Uuid::new_v4().simple()),
                name: "Manager",
                password: "bench-password-123",
                role: Role::Administrative,
                office: 0,
                view_other_offices: true,
            }],
        )
        .or_fail()?;
        let manager = AuthUser::acting_as(tidings_api::db::users::find_any(&mut conn, created.user_ids[0]).or_fail()?)
            .or_fail()?;
        // Texting hours open all day: the bench measures the send path at any hour.
        tidings_api::db::organisations::set_texting_hours(&mut conn, created.organisation_id, 0, 24 * 60).or_fail()?;
        let now = clock.now();
        let stamp = now.naive_utc();
        let list = tidings_api::db::contact_lists::insert_list(
            &mut conn,
            &NewContactList {
                organisation_id: created.organisation_id,
                office_id: created.office_ids[0],
                name: "Bench list",
                field_names: "[\"Program\"]",
                time_zone_field: None,
                contact_count: i64::try_from(contacts).or_fail()?,
                created_by: None,
                created_at: stamp,
                updated_at: stamp,
            },
        )
        .or_fail()?;
        let started = Instant::now();
        for chunk in (0..contacts).collect::<Vec<_>>().chunks(50_000) {
            let rows: Vec<NewContact> = chunk
                .iter()
                .map(|i| NewContact {
                    organisation_id: created.organisation_id,
                    contact_list_id: list,
                    row_number: i64::try_from(*i).unwrap_or(0) + 1,
                    first_name: format!("First{i}"),
                    last_name: "Bench".to_owned(),
                    phone: format!("+1{}{:07}", 212 + i / 10_000_000, 2_000_000 + i % 8_000_000),
                    fields: "[\"Mathematics\"]".to_owned(),
                    created_at: stamp,
                })
                .collect();
            tidings_api::db::connection::write_transaction(&mut conn, |conn| {
                tidings_api::db::contact_lists::insert_contacts(conn, &rows)
            })
            .or_fail()?;
        }
        report("contacts written (setup)", started.elapsed(), contacts);

        let e164 = format!("+1646555{:04}", rand_suffix());
        let number = tidings_api::db::phone_numbers::insert(
            &mut conn,
            &NewPhoneNumber {
                organisation_id: created.organisation_id,
                office_id: created.office_ids[0],
                kind: tidings_domain::campaign::PhoneNumberKind::Reusable,
                e164: &e164,
                name: "Bench line",
                description: "",
                number_type: tidings_domain::phone_number::NumberType::Simulator,
                owner_user_id: None,
                default_operated_by: tidings_domain::campaign::OperatedBy::Agent,
                provider_sid: None,
                status: tidings_domain::phone_number::PhoneNumberStatus::Active,
                campaign_id: None,
                created_at: stamp,
                updated_at: stamp,
            },
        )
        .or_fail()?;
        let draft = campaigns::create(
            &mut conn,
            &manager,
            CreateCampaign {
                title: "Bench campaign".to_owned(),
                phone_number: Some(NumberChoice::Reusable { id: number }),
                contact_list_id: Some(list),
                message_template: Some("Hi {first_name}, your {Program} application is waiting.".to_owned()),
                agent_ids: Some(vec![manager.id]),
                ..CreateCampaign::default()
            },
            now,
        )
        .or_fail()?;
        let started = Instant::now();
        campaigns::launch(&mut conn, &manager, draft.id, now, None).or_fail()?;
        tidings_api::services::fanout::write_launch_on(&mut conn, draft.id, now.naive_utc()).or_fail()?;
        report("launch fan-out (chunks of 2 000 contacts)", started.elapsed(), contacts);
        drop(conn);

        let started = Instant::now();
        let sent = tidings_api::jobs::dispatcher::run_until_idle(&state, "bench").await.or_fail()?;
        report("dispatcher to the simulator (claim, send, record)", started.elapsed(), sent);
        let reports = simulator.take_all_reports();
        let count = reports.len();
        let started = Instant::now();
        tidings_api::jobs::status_reports::apply_all(&state, reports).await.or_fail()?;
        report("delivery reports applied (one transaction each)", started.elapsed(), count);
        clock.advance(Duration::hours(2));

        let mut conn = state.pool.get().or_fail()?;
        let time = |f: &mut dyn FnMut() -> Result<(), String>| -> Result<StdDuration, String> {
            let mut runs = Vec::new();
            for _ in 0..5 {
                let started = Instant::now();
                f()?;
                runs.push(started.elapsed());
            }
            Ok(median_of(runs))
        };
        let now = clock.now();
        let page = time(&mut || {
            campaigns::get(&mut conn, &manager, draft.id, now).or_fail()?;
            Ok(())
        })
        .or_fail()?;
        report("campaign page with send_counts (median of 5)", page, contacts);
        let mut conn = state.pool.get().or_fail()?;
        let tab = time(&mut || {
            analytics::of_campaign(&mut conn, &manager, draft.id, now).or_fail()?;
            Ok(())
        })
        .or_fail()?;
        report("Analytics tab (median of 5)", tab, contacts);
        let mut conn = state.pool.get().or_fail()?;
        let contacts_page = time(&mut || {
            campaign_contacts::list(
                &mut conn,
                &manager,
                draft.id,
                &ContactQuery::default(),
                &PageRequest::first(50),
                now,
            )
            .or_fail()?;
            Ok(())
        })
        .or_fail()?;
        report("Contacts tab, first page (median of 5)", contacts_page, 50);
        Ok::<(), String>(())
    })
}
