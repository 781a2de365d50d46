//! The demo's template library: a few saved messages, the organisation's and each
//! office's, so the Templates page, the wizard's "Use a template" and the composer's
//! saved replies have something to offer on first start.

use tidings_domain::template_wire::CreateMessageTemplate;

use crate::auth::AuthUser;
use crate::clock::Clock;
use crate::db::DbConnection;
use crate::error::ApiResult;
use crate::services::message_templates;
use crate::services::organisations::CreatedOrganisation;

/// (name, office index or none for the organisation, body, tags).
const TEMPLATES: [(&str, Option<usize>, &str, &[&str]); 5] = [
    (
        "Application reminder",
        None,
        "Hi {first_name}, your {Program} application is waiting for one last step: log in to finish it.",
        &["admissions"],
    ),
    ("Thanks for replying", None, "Thanks, {first_name}! Someone from our team will text you back shortly.", &[]),
    (
        "Office hours",
        Some(0),
        "Main Campus admissions is open Monday to Friday, 9am to 5pm. Drop by Hall A, room 101.",
        &["hours"],
    ),
    (
        "Campus tour",
        Some(1),
        "Hi {first_name}, would you like a tour of West Campus? Reply with a day that suits you.",
        &[],
    ),
    ("Aid deadline", None, "The financial aid deadline is March 1. Questions? Reply here and we'll help.", &["aid"]),
];

pub fn seed_templates(
    conn: &mut DbConnection,
    clock: &dyn Clock,
    manager: &AuthUser,
    created: &CreatedOrganisation,
) -> ApiResult<()> {
    for (name, office, body, tags) in TEMPLATES {
        let input = CreateMessageTemplate {
            name: name.to_owned(),
            body: body.to_owned(),
            office_id: office.map(|index| created.office_ids[index]),
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
        };
        message_templates::create(conn, manager, clock, input)?;
    }
    Ok(())
}
