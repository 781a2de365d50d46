//! The cost estimate beside the segment counter and on the launch step: "about 2,418
//! segments, ≈ $19.34", asked of the server (every eligible contact's own message at
//! the organisation's price for the number's type) a moment after the message stops
//! changing.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tidings_domain::campaign_wire::{CostEstimate, EstimateRequest};
use tidings_domain::pricing::thousands;

use super::draft::Draft;
use crate::api::use_api;

/// How long the message must rest before the estimate is asked for again.
const SETTLE_MS: u64 = 500;

#[component]
pub fn CostEstimateLine(draft: Draft) -> impl IntoView {
    let api = use_api();
    let estimate = RwSignal::new(None::<Result<CostEstimate, String>>);
    let request = Memo::new(move |_| {
        let list_id = draft.contact_list.with(|list| list.as_ref().map(|l| l.id))?;
        let body = EstimateRequest {
            message_template: draft.message.get(),
            append_opt_out: Some(draft.append_opt_out.get()),
            phone_number: draft.number.get(),
        };
        (!body.message_template.trim().is_empty()).then_some((list_id, body))
    });
    // Each change starts a timer; only the latest one asks.
    let generation = StoredValue::new(0u64);
    Effect::new(move |_| {
        let Some((list_id, body)) = request.get() else {
            estimate.set(None);
            return;
        };
        generation.update_value(|n| *n += 1);
        let this = generation.get_value();
        set_timeout(
            move || {
                if generation.try_get_value() != Some(this) {
                    return;
                }
                spawn_local(async move {
                    let answer = api.estimate(list_id, &body).await.map_err(|e| e.user_message());
                    if generation.try_get_value() == Some(this) {
                        estimate.try_set(Some(answer));
                    }
                });
            },
            std::time::Duration::from_millis(SETTLE_MS),
        );
    });
    view! {
        <p class="cost-estimate" aria-live="polite">
            {move || match estimate.get() {
                None if request.get().is_none() => "Cost: choose a contact list and write the message to estimate it.".to_owned(),
                None => "Cost: estimating…".to_owned(),
                Some(Err(reason)) => format!("Cost: could not be estimated ({reason})."),
                Some(Ok(cost)) => describe(&cost),
            }}
        </p>
    }
}

/// "Cost: about 2,418 segments, ≈ $19.34 — 1,209 contacts at $0.0083 a segment (3
/// skipped)."
fn describe(cost: &CostEstimate) -> String {
    let skipped = cost.skipped_opted_out + cost.skipped_undeliverable + cost.skipped_invalid;
    let skipped = if skipped > 0 { format!(" ({} skipped)", thousands(skipped)) } else { String::new() };
    let contacts = if cost.eligible == 1 { "contact" } else { "contacts" };
    format!(
        "Cost: {} — {} {contacts} at ${} a segment{skipped}.",
        cost.summary,
        thousands(cost.eligible),
        cost.price_per_segment
    )
}
