//! The organisation's own settings (`/api/v1/organisation`): texting hours, automatic
//! replies, opt-out language and prices per segment. Everyone signed in reads them (the
//! wizard shows several); administrators change them, audited.

use serde_json::json;
use tidings_domain::keywords::{validate_automatic_reply, HELP_REPLY, OPT_OUT_REPLY};
use tidings_domain::organisation_wire::{
    OrganisationSettings, SegmentPriceList, TextingHours, UpdateOrganisationSettings,
};
use tidings_domain::pricing::SegmentPrices;
use tidings_domain::template::{validate_opt_out_language, OPT_OUT_LANGUAGE};
use tidings_domain::FieldError;

use crate::auth::AuthUser;
use crate::clock::Clock;
use crate::db::connection::write_transaction;
use crate::db::organisations::{OrganisationChanges, OrganisationRow};
use crate::db::{self, DbConnection};
use crate::error::{ApiError, ApiResult};
use crate::services::{audit, texting_hours};

/// The audit trail's name for the organisation itself.
const ENTITY: &str = "organisation";

/// `GET /organisation`.
pub fn get(conn: &mut DbConnection, actor: &AuthUser) -> ApiResult<OrganisationSettings> {
    let row = db::organisations::find(conn, actor.organisation_id)?;
    Ok(OrganisationSettings {
        id: row.id,
        name: row.name.clone(),
        texting_hours: TextingHours::of(texting_hours::organisation_window(&row)),
        segment_prices: SegmentPriceList::of(segment_prices(&row)),
        help_reply: help_reply(&row),
        opt_out_reply: opt_out_reply(&row),
        opt_out_language: opt_out_language(&row),
    })
}

/// A text the organisation set, or the built-in one when it set none.
fn own_or_builtin(own: &str, builtin: &str) -> String {
    if own.trim().is_empty() { builtin } else { own }.to_owned()
}

/// The opt-out language the organisation's first messages end with.
pub fn opt_out_language(row: &OrganisationRow) -> String {
    own_or_builtin(&row.opt_out_language, OPT_OUT_LANGUAGE)
}

/// What Tidings answers HELP with for the organisation.
pub fn help_reply(row: &OrganisationRow) -> String {
    own_or_builtin(&row.help_text, HELP_REPLY)
}

/// The organisation's opt-out confirmation.
pub fn opt_out_reply(row: &OrganisationRow) -> String {
    own_or_builtin(&row.opt_out_reply, OPT_OUT_REPLY)
}

/// The organisation's prices per segment.
pub fn segment_prices(row: &OrganisationRow) -> SegmentPrices {
    SegmentPrices {
        long_code: row.price_long_code_micros,
        toll_free: row.price_toll_free_micros,
        short_code: row.price_short_code_micros,
    }
}

/// `PATCH /organisation` (administrators). A narrower window applies at once to every
/// queued message: the dispatcher reads it before each send. Campaigns narrowed beyond
/// the new window keep the overlap (`TextingWindow::narrowed_by`).
pub fn update(
    conn: &mut DbConnection,
    actor: &AuthUser,
    clock: &dyn Clock,
    input: UpdateOrganisationSettings,
) -> ApiResult<OrganisationSettings> {
    actor.require_admin()?;
    let mut errors = Vec::new();
    let window = input.texting_hours.as_ref().and_then(|hours| {
        hours
            .window()
            .map_err(|error| errors.push(FieldError::new(format!("texting_hours.{}", error.field), error.reason)))
            .ok()
    });
    let prices = input.segment_prices.as_ref().and_then(|list| {
        list.prices()
            .map_err(|refused| {
                for (field, reason) in refused {
                    errors.push(FieldError::new(format!("segment_prices.{field}"), reason));
                }
            })
            .ok()
    });
    let mut text = |field: &'static str, text: &Option<String>, check: fn(&str) -> Result<String, String>| {
        text.as_deref().and_then(|text| check(text).map_err(|reason| errors.push(FieldError::new(field, reason))).ok())
    };
    let help = text("help_reply", &input.help_reply, validate_automatic_reply);
    let opt_out = text("opt_out_reply", &input.opt_out_reply, validate_automatic_reply);
    let language = text("opt_out_language", &input.opt_out_language, validate_opt_out_language);
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let now = clock.now_naive();
    write_transaction(conn, |conn| {
        let before = get(conn, actor)?;
        let changes = OrganisationChanges {
            texting_opens: window.map(|w| i32::from(w.opens_minute())),
            texting_closes: window.map(|w| i32::from(w.closes_minute())),
            price_long_code_micros: prices.map(|p| p.long_code),
            price_toll_free_micros: prices.map(|p| p.toll_free),
            price_short_code_micros: prices.map(|p| p.short_code),
            help_text: help.clone(),
            opt_out_reply: opt_out.clone(),
            opt_out_language: language.clone(),
        };
        db::organisations::update(conn, actor.organisation_id, &changes)?;
        let before = json!({
            "texting_hours": before.texting_hours,
            "segment_prices": before.segment_prices,
            "help_reply": before.help_reply,
            "opt_out_reply": before.opt_out_reply,
            "opt_out_language": before.opt_out_language,
        });
        let details = json!({ "before": before, "changes": input });
        audit::record(conn, actor, ENTITY, actor.organisation_id, "settings_changed", &details, now)?;
        Ok::<_, ApiError>(())
    })?;
    get(conn, actor)
}
