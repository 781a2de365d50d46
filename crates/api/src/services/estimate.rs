//! The cost of a message to a contact list before launch (the wizard's message and
//! launch steps): every contact a launch would text, with their own rendered message
//! counted in segments, times the organisation's price per segment for the number's
//! type. Nothing is written.

use tidings_domain::campaign_wire::{CostEstimate, EstimateRequest, NumberChoice};
use tidings_domain::delivery::SendCounts;
use tidings_domain::phone_number::NumberType;
use tidings_domain::pricing::{amount_text, estimate_text, price_text};
use tidings_domain::segments::{segment_info, BODY_MAX_LENGTH};
use tidings_domain::FieldError;

use crate::auth::AuthUser;
use crate::db::{self, DbConnection};
use crate::error::{ApiError, ApiResult};
use crate::services::contact_lists::find_visible;
use crate::services::fanout::{walk_list, Message};
use crate::services::organisation_settings::{opt_out_language, segment_prices};

/// `POST /contact-lists/{id}/estimate`. `single_use_type` is the type of number the
/// provider gives a single-use campaign (a long code; simulator numbers with the
/// simulator).
pub fn estimate(
    conn: &mut DbConnection,
    actor: &AuthUser,
    list_id: i64,
    input: &EstimateRequest,
    single_use_type: NumberType,
) -> ApiResult<CostEstimate> {
    actor.require_messaging()?;
    if input.message_template.chars().count() > BODY_MAX_LENGTH {
        let reason = format!("must be at most {BODY_MAX_LENGTH} characters");
        return Err(ApiError::validation(vec![FieldError::new("message_template", reason)]));
    }
    let list = find_visible(conn, actor, list_id)?;
    let number_type = match input.phone_number {
        None => NumberType::LongCode,
        Some(NumberChoice::SingleUse) => single_use_type,
        Some(NumberChoice::Reusable { id }) => match db::phone_numbers::find(conn, actor.organisation_id, id) {
            Ok(number) => number.number_type,
            Err(diesel::result::Error::NotFound) => {
                let reason = "no such phone number in your organisation";
                return Err(ApiError::validation(vec![FieldError::new("phone_number.id", reason)]));
            }
            Err(other) => return Err(other.into()),
        },
    };
    let organisation = db::organisations::find(conn, actor.organisation_id)?;
    let price = segment_prices(&organisation).for_type(number_type);
    let language = opt_out_language(&organisation);
    let message = Message {
        template: &input.message_template,
        opt_out_language: input.append_opt_out.unwrap_or(true).then_some(language.as_str()),
    };
    let mut skipped = SendCounts::default();
    let (mut eligible, mut segments) = (0_i64, 0_i64);
    walk_list(conn, &list, message, &mut skipped, |_, page| {
        for texted in &page {
            eligible += 1;
            segments += i64::try_from(segment_info(&texted.body).segments).unwrap_or(i64::MAX);
        }
        Ok(())
    })?;
    let cost = segments.saturating_mul(price);
    Ok(CostEstimate {
        contacts: list.contact_count,
        eligible,
        skipped_opted_out: skipped.skipped_opted_out,
        skipped_undeliverable: skipped.skipped_undeliverable,
        skipped_invalid: skipped.skipped_invalid,
        segments,
        number_type,
        price_per_segment: price_text(price),
        estimated_cost: amount_text(cost),
        summary: estimate_text(segments, cost),
    })
}
