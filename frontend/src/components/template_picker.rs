//! The template library where text is written: a button that opens a dialog of the
//! templates the user may use, searchable by name, each with its text, segments and
//! encoding, and why it does not fit here when it does not (a merge field the list
//! lacks). The wizard, the composer's "Saved replies" and the assistant script editor
//! use it; the composer's `/` shortcut uses [`matching`] for its suggestions.

use leptos::prelude::*;
use tidings_domain::template_wire::{template_matches, MessageTemplate};

use crate::api::use_api;
use crate::components::dialog::Dialog;
use crate::components::search_box::SearchBox;
use crate::components::segment_counter::segments_label;
use crate::feedback::Loading;

/// The templates of `all` whose name matches what was typed (a leading `/` ignored).
pub fn matching(all: &[MessageTemplate], typed: &str) -> Vec<MessageTemplate> {
    all.iter().filter(|t| template_matches(t, typed)).cloned().collect()
}

/// "1 segment · GSM-7": what a template costs as written.
pub fn cost_label(template: &MessageTemplate) -> String {
    format!("{} · {}", segments_label(template.segments.segments), template.segments.encoding.label())
}

/// Why a template cannot be an assistant's reply: the assistant sends its replies as
/// written, so merge fields would reach the contact in braces.
pub fn sent_as_written(template: MessageTemplate) -> Option<String> {
    (!template.placeholders.is_empty()).then(|| {
        let fields: Vec<String> = template.placeholders.iter().map(|p| format!("{{{p}}}")).collect();
        format!("Uses {}: the assistant sends its replies as written, without merge fields.", fields.join(", "))
    })
}

/// The picker's button and, once pressed, its dialog.
#[component]
pub fn TemplatePicker(
    /// The button's text.
    label: &'static str,
    /// The office whose templates are offered with the organisation's (all the user
    /// may use when `None`).
    #[prop(into)]
    office_id: Signal<Option<i64>>,
    /// Why a template cannot be used here, or `None` when it can.
    fits: Callback<MessageTemplate, Option<String>>,
    /// Runs with the template chosen; the dialog then closes.
    pick: Callback<MessageTemplate>,
    #[prop(optional, into)] disabled: Signal<bool>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    view! {
        <button type="button" class="button button-small" disabled=move || disabled.get() on:click=move |_| open.set(true)>
            {label}
        </button>
        {move || open.get().then(|| {
            let close = Callback::new(move |()| open.set(false));
            let chosen = Callback::new(move |template: MessageTemplate| {
                open.set(false);
                pick.run(template);
            });
            view! {
                <Dialog heading="Templates" on_close=close>
                    <TemplateChoices office_id=office_id.get_untracked() fits pick=chosen/>
                    <div class="dialog-actions">
                        <button type="button" class="button" on:click=move |_| open.set(false)>"Close"</button>
                    </div>
                </Dialog>
            }
        })}
    }
}

/// The search box and the list of templates, each with its Use button.
#[component]
fn TemplateChoices(
    office_id: Option<i64>,
    fits: Callback<MessageTemplate, Option<String>>,
    pick: Callback<MessageTemplate>,
) -> impl IntoView {
    let api = use_api();
    let templates = LocalResource::new(move || async move { api.templates(office_id).await });
    let search = RwSignal::new(String::new());
    view! {
        <SearchBox id="template-search" label="Find a template by name" class="form-field search-box" search/>
        {move || match templates.get() {
            None => view! { <Loading label="Loading templates…"/> }.into_any(),
            Some(Err(error)) => view! { <p class="alert" role="alert">{error.user_message()}</p> }.into_any(),
            Some(Ok(all)) if all.is_empty() => view! {
                <p class="empty">"No templates yet. Save some on the Templates page."</p>
            }
            .into_any(),
            Some(Ok(all)) => {
                let shown = matching(&all, &search.get());
                if shown.is_empty() {
                    return view! { <p class="empty">"No template has that name."</p> }.into_any();
                }
                view! {
                    <ul class="template-choices" aria-label="Templates">
                        {shown.into_iter().map(|template| choice(template, fits, pick)).collect_view()}
                    </ul>
                }
                .into_any()
            }
        }}
    }
}

fn choice(
    template: MessageTemplate,
    fits: Callback<MessageTemplate, Option<String>>,
    pick: Callback<MessageTemplate>,
) -> impl IntoView {
    let problem = fits.run(template.clone());
    let name = template.name.clone();
    let cost = cost_label(&template);
    let body = template.body.clone();
    let usable = problem.is_none();
    let template = StoredValue::new(template);
    view! {
        <li class="template-choice">
            <div class="template-choice-head">
                <strong>{name.clone()}</strong>
                <span class="muted">{cost}</span>
            </div>
            <p class="template-body">{body}</p>
            {problem.map(|why| view! { <p class="field-errors">{why}</p> })}
            <button
                type="button"
                class="button button-small"
                aria-label=format!("Use {name}")
                disabled=!usable
                on:click=move |_| pick.run(template.get_value())
            >
                "Use"
            </button>
        </li>
    }
}
