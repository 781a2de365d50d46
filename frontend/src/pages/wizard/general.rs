//! The General step: title, office, who operates the campaign, tags and time zone.

use leptos::prelude::*;
use tidings_domain::campaign::{OperatedBy, CAMPAIGN_TITLE_MAX};
use tidings_domain::campaign_wire::NumberChoice;
use tidings_domain::office::Office;
use tidings_domain::tags::{add_tag, CAMPAIGN_TAG_MAX};

use tidings_domain::organisation_wire::TextingHours;
use tidings_domain::texting_hours::TextingWindow;

use super::draft::{Draft, FieldErrors};
use crate::api::use_api;
use crate::zone_time::{current_zone_names, zones_by_region};

#[component]
pub fn GeneralStep(draft: Draft, offices: Vec<Office>) -> impl IntoView {
    let offices = StoredValue::new(offices);
    let change_office = move |value: String| {
        let Ok(id) = value.parse::<i64>() else { return };
        if draft.office_id.get_untracked() == Some(id) {
            return;
        }
        draft.office_id.set(Some(id));
        // Times follow the new office's zone; a reusable number belongs to the old office.
        if let Some(office) = offices.with_value(|o| o.iter().find(|o| o.id == id).cloned()) {
            draft.time_zone.set(office.time_zone);
        }
        if matches!(draft.number.get_untracked(), Some(NumberChoice::Reusable { .. })) {
            draft.number.set(None);
        }
        draft.contact_list.set(None);
    };

    view! {
        <section class="panel wizard-panel" aria-labelledby="step-heading">
            <h2 id="step-heading">"General"</h2>
            <div class="form-field">
                <label for="campaign-title">"Title"</label>
                <input
                    id="campaign-title"
                    type="text"
                    maxlength=CAMPAIGN_TITLE_MAX.to_string()
                    aria-describedby="campaign-title-errors"
                    prop:value=move || draft.title.get()
                    on:input=move |ev| draft.title.set(event_target_value(&ev))
                />
                <FieldErrors id="campaign-title-errors" reasons=Signal::derive(move || draft.errors_for("title"))/>
            </div>
            <div class="form-field">
                <label for="campaign-office">"Office"</label>
                <select
                    id="campaign-office"
                    aria-describedby="campaign-office-errors"
                    on:change=move |ev| change_office(event_target_value(&ev))
                >
                    {offices
                        .get_value()
                        .into_iter()
                        .map(|office| {
                            let id = office.id;
                            view! {
                                <option value=id.to_string() prop:selected=move || draft.office_id.get() == Some(id)>
                                    {office.name}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                <p class="hint">"Changing the office clears the contact list and a reusable number chosen for the old one."</p>
                <FieldErrors id="campaign-office-errors" reasons=Signal::derive(move || draft.errors_for("office_id"))/>
            </div>
            <fieldset class="form-field">
                <legend>"Operated by"</legend>
                {[OperatedBy::Agent, OperatedBy::Assistant]
                    .into_iter()
                    .map(|choice| {
                        let id = format!("operated-by-{}", choice.as_str());
                        view! {
                            <div class="radio">
                                <input
                                    type="radio"
                                    name="operated-by"
                                    id=id.clone()
                                    prop:checked=move || draft.operated_by.get() == choice
                                    on:change=move |_| draft.operated_by.set(choice)
                                />
                                <label for=id>
                                    {match choice {
                                        OperatedBy::Agent => "Agents — people answer the replies",
                                        OperatedBy::Assistant => "Virtual Assistant — a script answers, and hands over to people",
                                    }}
                                </label>
                            </div>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <TagsField draft/>
            <TimeZoneField draft/>
            <TextingHoursField draft/>
        </section>
    }
}

/// Tags as chips: type one and press Enter (or a comma) to add it.
#[component]
fn TagsField(draft: Draft) -> impl IntoView {
    let typed = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let add = move || {
        let text = typed.get_untracked();
        if text.trim().is_empty() {
            return;
        }
        match add_tag(&draft.tags.get_untracked(), &text, Some(CAMPAIGN_TAG_MAX)) {
            Err(why) => problem.set(Some(why)),
            Ok(tags) => {
                draft.tags.set(tags);
                typed.set(String::new());
                problem.set(None);
            }
        }
    };

    view! {
        <div class="form-field">
            <label for="campaign-tags">"Tags"</label>
            <ul class="chips tag-chips">
                {move || {
                    draft
                        .tags
                        .get()
                        .into_iter()
                        .map(|tag| {
                            let removed = tag.clone();
                            view! {
                                <li>
                                    <button
                                        type="button"
                                        class="chip chip-removable"
                                        aria-label=format!("Remove tag {tag}")
                                        on:click=move |_| draft.tags.update(|tags| tags.retain(|t| *t != removed))
                                    >
                                        {tag.clone()}
                                        " ×"
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <input
                id="campaign-tags"
                type="text"
                placeholder="Type a tag and press Enter"
                aria-describedby="campaign-tags-hint campaign-tags-errors"
                prop:value=move || typed.get()
                on:input=move |ev| {
                    let value = event_target_value(&ev);
                    if let Some(tag) = value.strip_suffix(',') {
                        typed.set(tag.to_owned());
                        add();
                    } else {
                        typed.set(value);
                    }
                }
                on:keydown=move |ev| {
                    if ev.key() == "Enter" {
                        ev.prevent_default();
                        add();
                    }
                }
                on:blur=move |_| add()
            />
            <p class="hint" id="campaign-tags-hint">
                {format!("Up to {CAMPAIGN_TAG_MAX} tags; the Campaigns page filters by them.")}
            </p>
            {move || problem.get().map(|message| view! { <p class="field-errors" role="alert">{message}</p> })}
            <FieldErrors id="campaign-tags-errors" reasons=Signal::derive(move || draft.errors_under("tags"))/>
        </div>
    }
}

/// The zone the campaign's times are shown and scheduled in; the office's by default.
#[component]
fn TimeZoneField(draft: Draft) -> impl IntoView {
    // Current IANA names grouped by region, the office's zone (and the chosen one) first.
    let known = StoredValue::new(current_zone_names());
    let office_zone = crate::auth::use_current_user().map(|me| me.office.time_zone).unwrap_or_default();
    let options = move || {
        let current = draft.time_zone.get();
        let mut first = vec![office_zone.clone()];
        if current != office_zone {
            first.push(current.clone());
        }
        zones_by_region(&known.get_value(), &first)
            .into_iter()
            .map(|(region, zones)| {
                let options = zones
                    .into_iter()
                    .map(|zone| {
                        let selected = zone == current;
                        view! { <option value=zone.clone() prop:selected=selected>{zone.clone()}</option> }
                    })
                    .collect_view();
                view! { <optgroup label=region>{options}</optgroup> }
            })
            .collect_view()
    };
    view! {
        <div class="form-field">
            <label for="campaign-time-zone">"Time zone"</label>
            <select
                id="campaign-time-zone"
                aria-describedby="campaign-time-zone-errors"
                on:change=move |ev| draft.time_zone.set(event_target_value(&ev))
            >
                {options}
            </select>
            <p class="hint">"Launch times are chosen, and dates and times shown, in this zone."</p>
            <FieldErrors id="campaign-time-zone-errors" reasons=Signal::derive(move || draft.errors_for("time_zone"))/>
        </div>
    }
}

/// The organisation's texting hours, and the campaign's narrowing of them: messages go
/// out only inside them, on each contact's own clock.
#[component]
fn TextingHoursField(draft: Draft) -> impl IntoView {
    let api = use_api();
    let organisation = LocalResource::new(move || async move { api.organisation().await.ok() });
    let organisation_hours = move || organisation.get().flatten().map(|o| o.texting_hours);
    let narrowed = move || draft.texting_hours.with(Option::is_some);
    let set_narrowed = move |on: bool| {
        let start = organisation_hours().unwrap_or_else(|| TextingHours::of(TextingWindow::DEFAULT));
        draft.texting_hours.set(on.then_some(start));
    };
    let time_input = move |id: &'static str, label: &'static str, opens: bool| {
        let value =
            move || draft.texting_hours.get().map(|h| if opens { h.opens } else { h.closes }).unwrap_or_default();
        view! {
            <div class="form-field">
                <label for=id>{label}</label>
                <input
                    id=id
                    type="time"
                    aria-describedby="campaign-texting-hours-errors"
                    prop:value=value
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        draft.texting_hours.update(|hours| {
                            if let Some(hours) = hours {
                                if opens { hours.opens = text } else { hours.closes = text }
                            }
                        });
                    }
                />
            </div>
        }
    };
    view! {
        <fieldset class="form-field texting-hours-field">
            <legend>"Texting hours"</legend>
            <p class="hint">
                {move || match organisation_hours() {
                    Some(hours) => format!(
                        "Messages reach each contact only between {} and {} on the contact's own clock (the \
                         organisation's texting hours); the rest wait until they open.",
                        hours.opens, hours.closes
                    ),
                    None => "Messages reach each contact only inside the organisation's texting hours, on the \
                             contact's own clock.".to_owned(),
                }}
            </p>
            <div class="checkbox">
                <input
                    type="checkbox"
                    id="campaign-narrow-hours"
                    prop:checked=narrowed
                    on:change=move |ev| set_narrowed(event_target_checked(&ev))
                />
                <label for="campaign-narrow-hours">"Narrow them for this campaign"</label>
            </div>
            <Show when=narrowed>
                <div class="schedule-fields">
                    {time_input("campaign-hours-opens", "Text from", true)}
                    {time_input("campaign-hours-closes", "Until", false)}
                </div>
            </Show>
            <FieldErrors id="campaign-texting-hours-errors" reasons=Signal::derive(move || draft.errors_under("texting_hours"))/>
        </fieldset>
    }
}
