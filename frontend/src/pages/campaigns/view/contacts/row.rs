//! One row of the Contacts table: the imported fields, when the contact was created, the
//! delivery icon, the failed reason and the row's actions.

use leptos::prelude::*;
use tidings_domain::campaign_contact_wire::{CampaignContact, DeliveryState};

use super::super::super::icons;
use crate::components::local_time::local_time;
use crate::components::phone::{display_phone, phone_text};

/// What the Delivered column says for a state: the icon's words (its label and hover
/// text) and the class that colours it.
pub fn delivery_words(state: DeliveryState) -> (&'static str, &'static str) {
    match state {
        DeliveryState::Delivered => ("Delivered", "delivery-delivered"),
        DeliveryState::Retrying => ("Retrying: the first attempt failed, sending again", "delivery-retrying"),
        DeliveryState::Failed => ("Not delivered", "delivery-failed"),
        DeliveryState::Pending => ("Pending: not sent yet", "delivery-pending"),
        DeliveryState::OptedOut => ("Opted out: not texted", "delivery-opted-out"),
    }
}

/// The Delivered cell's icon, named for screen readers and on hover.
fn delivery_icon(state: DeliveryState) -> impl IntoView {
    let (words, class) = delivery_words(state);
    let icon = match state {
        DeliveryState::Delivered => icons::check().into_any(),
        DeliveryState::Retrying => icons::clock().into_any(),
        DeliveryState::Failed => icons::failed_flag().into_any(),
        DeliveryState::Pending => icons::dotted_circle().into_any(),
        DeliveryState::OptedOut => icons::blocked().into_any(),
    };
    view! {
        <span class=format!("delivery {class}") role="img" aria-label=words title=words data-delivery=state.as_str()>
            {icon}
        </span>
    }
}

/// The contact's name as the dialogs and button labels say it.
pub fn full_name(contact: &CampaignContact) -> String {
    let name = format!("{} {}", contact.first_name, contact.last_name);
    let name = name.trim();
    if name.is_empty() {
        display_phone(&contact.phone)
    } else {
        name.to_owned()
    }
}

/// A row; `preview` and `opt_out` open the row's dialogs.
#[component]
pub fn ContactRow(
    contact: CampaignContact,
    zone: StoredValue<String>,
    preview: Callback<CampaignContact>,
    opt_out: Callback<CampaignContact>,
    /// Opens a one-to-one text to the contact; absent for users who may not start one.
    text: Option<Callback<CampaignContact>>,
) -> impl IntoView {
    let name = full_name(&contact);
    // The delivery icon tells what happened to the message; an opt-out since then is a
    // mark beside it, never a rewrite of that history.
    let opted_out = contact.opted_out;
    let opted_out_mark = (opted_out && contact.delivery != DeliveryState::OptedOut).then(|| {
        view! { <span class="badge badge-danger opted-out-mark" title="On the suppression list: not texted again">"opted out"</span> }
    });
    let reason = match (&contact.failed_reason, contact.error_code) {
        (Some(reason), Some(code)) => {
            view! { {reason.clone()} " " <span class="muted">{format!("({code})")}</span> }.into_any()
        }
        (Some(reason), None) => reason.clone().into_any(),
        // A pending message outside its contact's texting hours says until when.
        (None, _) => match &contact.waiting_note {
            Some(note) => view! { <span class="waiting-note">{note.clone()}</span> }.into_any(),
            None => view! { <span class="muted">"—"</span> }.into_any(),
        },
    };
    let for_preview = contact.clone();
    let text_button = text.map(|text| {
        let for_text = contact.clone();
        view! {
            <button
                type="button"
                class="icon-button"
                aria-label=format!("Text {name} one to one")
                title=if opted_out { "Opted out: not texted" } else { "Text one to one" }
                disabled=opted_out
                on:click=move |_| text.run(for_text.clone())
            >
                {icons::reply()}
            </button>
        }
    });
    let for_opt_out = contact.clone();

    view! {
        <tr data-contact-id=contact.id>
            <td>{contact.first_name.clone()}</td>
            <td>{contact.last_name.clone()}</td>
            <td class="number-cell">{phone_text(&contact.phone)}</td>
            {contact.fields.iter().map(|field| view! { <td>{field.value.clone()}</td> }).collect_view()}
            <td>{zone.with_value(|zone| local_time(Some(contact.created_at), zone))}</td>
            <td class="delivery-cell">{delivery_icon(contact.delivery)} {opted_out_mark}</td>
            <td class="reason-cell">{reason}</td>
            <td class="actions-cell contact-actions">
                <button
                    type="button"
                    class="icon-button"
                    aria-label=format!("Opt out {name}")
                    title=if opted_out { "Already opted out" } else { "Opt out" }
                    disabled=opted_out
                    on:click=move |_| opt_out.run(for_opt_out.clone())
                >
                    {icons::blocked()}
                </button>
                <button
                    type="button"
                    class="icon-button"
                    aria-label=format!("SMS preview for {name}")
                    title="SMS preview"
                    on:click=move |_| preview.run(for_preview.clone())
                >
                    {icons::message()}
                </button>
                {text_button}
            </td>
        </tr>
    }
}
