//! The Message step: the template (written, or taken from the template library) with a
//! merge-field picker, a live preview for a sample contact of the list, the segment
//! counter and the opt-out language toggle.

use leptos::prelude::*;
use tidings_domain::contact_list::Contact;
use tidings_domain::segments::segment_info;
use tidings_domain::template::{
    preview_message, template_problems, MergeFields, BUILTIN_PLACEHOLDERS, OPT_OUT_LANGUAGE,
};
use tidings_domain::template_wire::MessageTemplate;

use super::cost::CostEstimateLine;
use super::draft::{Draft, FieldErrors};
use crate::api::use_api;
use crate::components::segment_counter::{highlighted, SegmentCounter};
use crate::components::template_picker::TemplatePicker;

/// How many of the list's contacts can be picked for the preview.
const SAMPLE_CONTACTS: u32 = 5;

#[component]
pub fn MessageStep(draft: Draft) -> impl IntoView {
    let api = use_api();
    let textarea = NodeRef::<leptos::html::Textarea>::new();
    let list_id = Memo::new(move |_| draft.contact_list.with(|l| l.as_ref().map(|l| l.id)));
    let samples = LocalResource::new(move || {
        let id = list_id.get();
        async move {
            match id {
                Some(id) => api.contacts(id, SAMPLE_CONTACTS).await.map(|page| page.items),
                None => Ok(Vec::new()),
            }
        }
    });
    let sample_index = RwSignal::new(0usize);
    // Another list's contacts start again at its first contact.
    Effect::watch(move || list_id.get(), move |_, _, _| sample_index.set(0), false);
    let sample = move || samples.get().and_then(|r| r.ok()).and_then(|list| list.get(sample_index.get()).cloned());

    // The merge fields the picker offers: the built-ins, then the list's own fields.
    let field_names = move || {
        let mut names: Vec<String> = BUILTIN_PLACEHOLDERS.iter().map(|p| (*p).to_owned()).collect();
        if let Some(list) = draft.contact_list.get() {
            names.extend(list.field_names);
        }
        names
    };
    let insert = move |name: String| {
        let placeholder = format!("{{{name}}}");
        let Some(area) = textarea.get_untracked() else {
            draft.message.update(|m| m.push_str(&placeholder));
            return;
        };
        let text = draft.message.get_untracked();
        // The selection is in UTF-16 units; the template is a Rust string.
        let units: Vec<u16> = text.encode_utf16().collect();
        let start = area.selection_start().ok().flatten().map_or(units.len(), |s| s as usize).min(units.len());
        let end = area.selection_end().ok().flatten().map_or(start, |e| e as usize).clamp(start, units.len());
        let before = String::from_utf16_lossy(&units[..start]);
        let after = String::from_utf16_lossy(&units[end..]);
        draft.message.set(format!("{before}{placeholder}{after}"));
        let caret = (start + placeholder.encode_utf16().count()) as u32;
        area.set_value(&draft.message.get_untracked());
        let _ = area.focus();
        let _ = area.set_selection_range(caret, caret);
    };

    // The organisation's own opt-out language (the built-in one until it loads).
    let organisation = LocalResource::new(move || async move { api.organisation().await.ok() });
    let language =
        move || organisation.get().flatten().map(|o| o.opt_out_language).unwrap_or_else(|| OPT_OUT_LANGUAGE.to_owned());
    let preview = Memo::new(move |_| {
        let fields = match sample() {
            Some(contact) => merge_fields(&contact),
            None => MergeFields::new(),
        };
        let language = language();
        preview_message(&draft.message.get(), &fields, draft.append_opt_out.get().then_some(language.as_str()))
    });
    let problems = move || {
        let list = draft.contact_list.get();
        let fields = list.map(|l| l.field_names);
        let message = draft.message.get();
        if message.trim().is_empty() {
            return Vec::new();
        }
        template_problems(&message, fields.as_deref())
    };

    view! {
        <section class="panel wizard-panel" aria-labelledby="step-heading">
            <h2 id="step-heading">"Message"</h2>
            <div class="message-layout">
                <div class="message-editor">
                    <div class="form-field">
                        <div class="label-row">
                            <label for="message-template">"Message"</label>
                            <TemplatePicker
                                label="Use a template"
                                office_id=draft.office_id
                                fits=Callback::new(move |template: MessageTemplate| fits_list(&template, draft))
                                pick=Callback::new(move |template: MessageTemplate| draft.message.set(template.body))
                            />
                        </div>
                        <textarea
                            id="message-template"
                            node_ref=textarea
                            rows="7"
                            aria-describedby="message-template-hint message-template-errors"
                            prop:value=move || draft.message.get()
                            on:input=move |ev| draft.message.set(event_target_value(&ev))
                        ></textarea>
                        <p class="hint" id="message-template-hint">
                            "Merge fields in braces, such as {first_name}, are filled in for each contact. "
                            "Write {{ or }} for a literal brace."
                        </p>
                        <FieldErrors
                            id="message-template-errors"
                            reasons=Signal::derive(move || draft.errors_for("message_template"))
                        />
                        <ul class="template-problems">
                            {move || problems().into_iter().map(|p| view! { <li>{format!("The message {p}.")}</li> }).collect_view()}
                        </ul>
                    </div>
                    <div class="merge-fields" role="group" aria-label="Insert a merge field">
                        <span class="merge-fields-label">"Insert a merge field:"</span>
                        {move || {
                            field_names()
                                .into_iter()
                                .map(|name| {
                                    let label = format!("{{{name}}}");
                                    view! {
                                        <button
                                            type="button"
                                            class="chip merge-field"
                                            aria-label=format!("Insert {name}")
                                            on:click=move |_| insert(name.clone())
                                        >
                                            {label}
                                        </button>
                                    }
                                })
                                .collect_view()
                        }}
                    </div>
                    <div class="form-field checkbox">
                        <input
                            id="append-opt-out"
                            type="checkbox"
                            prop:checked=move || draft.append_opt_out.get()
                            on:change=move |ev| draft.append_opt_out.set(event_target_checked(&ev))
                        />
                        <label for="append-opt-out">{move || format!("Add opt-out language: “{}”", language())}</label>
                    </div>
                    <p class="hint">
                        "Added on its own line unless the message already says how to opt out (“Reply STOP…”)."
                    </p>
                </div>
                <aside class="message-preview" aria-labelledby="preview-heading">
                    <h3 id="preview-heading">"Preview"</h3>
                    {move || match samples.get() {
                        None if list_id.get().is_some() => view! { <p class="muted">"Loading sample contacts…"</p> }.into_any(),
                        Some(Err(error)) => view! { <p class="alert" role="alert">{error.user_message()}</p> }.into_any(),
                        _ => match samples.get().and_then(|r| r.ok()).filter(|list| !list.is_empty()) {
                            Some(contacts) => view! { <SampleChooser contacts sample_index/> }.into_any(),
                            None => view! {
                                <p class="muted">"Choose a contact list to preview the message for one of its contacts."</p>
                            }
                            .into_any(),
                        },
                    }}
                    <div class="sms-bubble" data-testid="message-preview">
                        {move || {
                            let preview = preview.get();
                            highlighted(&preview.body, &preview.segments.ucs2_chars)
                        }}
                    </div>
                    {move || {
                        // An empty template has its own reason under the editor once saved.
                        let written = !draft.message.read().trim().is_empty();
                        preview.get().problem.filter(|_| written).map(|p| view! {
                            <p class="field-errors" role="alert">{format!("Cannot be sent: {p}.")}</p>
                        })
                    }}
                    <SegmentCounter info=Signal::derive(move || preview.get().segments)/>
                    <CostEstimateLine draft/>
                    <p class="hint">
                        {move || {
                            let template = segment_info(&draft.message.get());
                            format!("The template as written: {} characters.", template.units)
                        }}
                    </p>
                </aside>
            </div>
        </section>
    }
}

/// Which sample contact the preview is for.
#[component]
fn SampleChooser(contacts: Vec<Contact>, sample_index: RwSignal<usize>) -> impl IntoView {
    view! {
        <div class="form-field">
            <label for="preview-contact">"Preview for"</label>
            <select id="preview-contact" on:change=move |ev| {
                if let Ok(index) = event_target_value(&ev).parse::<usize>() {
                    sample_index.set(index);
                }
            }>
                {contacts
                    .into_iter()
                    .enumerate()
                    .map(|(index, contact)| view! {
                        <option value=index.to_string() prop:selected=move || sample_index.get() == index>
                            {format!("{} {}", contact.first_name, contact.last_name)}
                        </option>
                    })
                    .collect_view()}
            </select>
        </div>
    }
}

/// Why a saved template does not fit the chosen list: the first merge field it uses
/// that the list lacks.
fn fits_list(template: &MessageTemplate, draft: Draft) -> Option<String> {
    let fields = draft.contact_list.with_untracked(|l| l.as_ref().map(|l| l.field_names.clone()))?;
    let problem = template_problems(&template.body, Some(&fields)).into_iter().next()?;
    Some(format!("It {problem}."))
}

/// A contact's values for the template's merge fields.
fn merge_fields(contact: &Contact) -> MergeFields {
    MergeFields::for_contact(
        &contact.first_name,
        &contact.last_name,
        &contact.phone,
        contact.fields.iter().map(|f| (f.name.as_str(), f.value.as_str())),
    )
}
