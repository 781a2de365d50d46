//! The demo organisation "Demo College" that `make run` starts with.

use tidings_domain::Role;

use crate::clock::Clock;
use crate::db::{self, DbConnection};
use crate::error::ApiResult;
use crate::services::organisations::{create_organisation, CreatedOrganisation, NewStaff};

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
    // Office index per demo user: admin, manager and agent at Main Campus, limited at West.
    let placement = [(0, false), (0, true), (0, false), (1, false)];
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
    create_organisation(conn, clock, DEMO_ORGANISATION, &offices, &staff).map(Some)
}
