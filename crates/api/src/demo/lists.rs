//! The demo organisation's contact lists, imported through the same CSV path as a
//! user's upload.

use chrono::{DateTime, Utc};

use crate::auth::AuthUser;
use crate::clock::ManualClock;
use crate::db::DbConnection;
use crate::error::ApiResult;
use crate::services::contact_lists::{parse_csv, prepare_import, store_import, CsvOptions};
use crate::services::organisations::CreatedOrganisation;

/// The demo lists' ids.
pub struct DemoLists {
    pub applicants: i64,
    pub financial_aid: i64,
    pub west_students: i64,
}

const FIRST_NAMES: [&str; 16] = [
    "Maya", "Jordan", "Priya", "Luis", "Aisha", "Noah", "Sofia", "Ethan", "Grace", "Mateo", "Chloe", "Omar", "Hana",
    "Diego", "Zoe", "Samuel",
];
const LAST_NAMES: [&str; 16] = [
    "Patel", "Nguyen", "Garcia", "Johnson", "Okafor", "Kim", "Rossi", "Brown", "Haddad", "Silva", "Chen", "Lopez",
    "Ito", "Martin", "Novak", "Adeyemi",
];
const PROGRAMS: [&str; 4] = ["Nursing", "Computer Science", "Business", "Biology"];

/// A CSV of `count` people whose numbers are `+1 <area> 555 01xx` from `first_line`.
fn applicants_csv(area: &str, first_line: usize, count: usize) -> String {
    let mut csv = String::from("First Name,Last Name,Mobile,Student ID,Program\n");
    for i in 0..count {
        csv.push_str(&format!(
            "{},{},({area}) 555-{:04},S{:05},{}\n",
            FIRST_NAMES[i % FIRST_NAMES.len()],
            LAST_NAMES[(i * 7) % LAST_NAMES.len()],
            100 + first_line + i,
            24_000 + first_line + i,
            PROGRAMS[i % PROGRAMS.len()]
        ));
    }
    csv
}

fn import(
    conn: &mut DbConnection,
    actor: &AuthUser,
    office_id: i64,
    name: &str,
    csv: &str,
    at: DateTime<Utc>,
) -> ApiResult<i64> {
    let target = prepare_import(conn, actor, Some(name), Some(office_id), Vec::new())?;
    let parsed = parse_csv(csv.as_bytes(), &CsvOptions { has_header: true, mapping: None }, target.region)?;
    let imported = store_import(conn, actor, &ManualClock::new(at), target, parsed)?;
    Ok(imported.contact_list.id)
}

pub fn seed_lists(
    conn: &mut DbConnection,
    actor: &AuthUser,
    created: &CreatedOrganisation,
    now: DateTime<Utc>,
) -> ApiResult<DemoLists> {
    let (main, west) = (created.office_ids[0], created.office_ids[1]);
    let at = now - chrono::Duration::days(4);
    Ok(DemoLists {
        applicants: import(conn, actor, main, "Fall 2026 applicants", &applicants_csv("212", 0, 12), at)?,
        financial_aid: import(conn, actor, main, "Financial aid follow-up", &applicants_csv("212", 20, 8), at)?,
        west_students: import(conn, actor, west, "West Campus new students", &applicants_csv("415", 40, 6), at)?,
    })
}
