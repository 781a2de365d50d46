//! Templates (`/templates`): the template library. Everyone who texts reads the
//! organisation's templates and their offices'; administrative and standard users save,
//! edit and delete them. Each shows its merge fields, segments and encoding; they are
//! used in the wizard's message step, as saved replies in the composer, and in the
//! assistant script editor.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tidings_domain::auth::Me;
use tidings_domain::office::Office;
use tidings_domain::segments::segment_info;
use tidings_domain::template::BUILTIN_PLACEHOLDERS;
use tidings_domain::template_wire::{
    template_matches, CreateMessageTemplate, MessageTemplate, UpdateMessageTemplate, TEMPLATE_NAME_MAX,
    TEMPLATE_TAG_MAX,
};

use crate::api::{use_api, ApiError};
use crate::auth::use_current_user;
use crate::components::admin_table::AdminTable;
use crate::components::dialog::{ConfirmDialog, Dialog, Task};
use crate::components::office_choice::sees_all_offices;
use crate::components::search_box::SearchBox;
use crate::components::segment_counter::SegmentCounter;
use crate::components::template_picker::cost_label;
use crate::components::text_field::{SelectField, TextField};
use crate::feedback::{ErrorPanel, FieldErrors, FormState, Loading, NoticeBar};

/// What the office drop-down says for the whole organisation.
const WHOLE_ORGANISATION: &str = "Every office";

#[component]
pub fn TemplatesPage() -> impl IntoView {
    let Some(me) = use_current_user() else { return ().into_any() };
    let api = use_api();
    let manages = me.role.manages_campaigns() && me.two_way_messaging;
    let library = LocalResource::new(move || async move {
        let (templates, offices) = (api.templates(None).await?, api.offices().await?);
        Ok::<_, ApiError>((templates, offices))
    });
    let search = RwSignal::new(String::new());
    let editing = RwSignal::new(None::<Option<MessageTemplate>>);
    let deleting = RwSignal::new(None::<MessageTemplate>);
    let notice = RwSignal::new(None::<String>);
    let me = StoredValue::new(me);
    let saved = Callback::new(move |template: MessageTemplate| {
        notice.set(Some(format!("The template {} was saved.", template.name)));
        library.refetch();
    });

    view! {
        <section class="page admin-page templates-page">
            <div class="page-head">
                <h1>"Templates"</h1>
                {manages.then(|| view! {
                    <button type="button" class="button button-primary" on:click=move |_| editing.set(Some(None))>
                        "New template"
                    </button>
                })}
            </div>
            <p class="muted">
                "Saved messages for campaigns, replies and the Virtual Assistant. In a reply, type "
                <kbd>"/"</kbd> " and part of a name to use one."
            </p>
            <NoticeBar notice/>
            <SearchBox id="templates-search" label="Search templates" class="form-field search-box" search/>
            <section class="panel">
                {move || match library.get() {
                    None => view! { <Loading label="Loading templates…"/> }.into_any(),
                    Some(Err(error)) => view! {
                        <ErrorPanel
                            title="The templates could not be loaded"
                            message=error.user_message()
                            retry=Callback::new(move |()| library.refetch())
                        />
                    }
                    .into_any(),
                    Some(Ok((templates, _))) if templates.is_empty() => {
                        view! { <p class="empty">"No templates yet."</p> }.into_any()
                    }
                    Some(Ok((templates, offices))) => {
                        let typed = search.get();
                        let shown: Vec<MessageTemplate> = templates
                            .into_iter()
                            .filter(|t| template_matches(t, &typed) || t.body.to_lowercase().contains(&typed.to_lowercase()))
                            .collect();
                        if shown.is_empty() {
                            return view! { <p class="empty">"No template matches the search."</p> }.into_any();
                        }
                        view! {
                            <AdminTable
                                caption="The templates you may use, by name"
                                columns=&["Name", "Office", "Text", "Segments", "Tags", "Actions"]
                            >
                                {shown
                                    .into_iter()
                                    .map(|template| template_row(template, &offices, manages, editing, deleting))
                                    .collect_view()}
                            </AdminTable>
                        }
                        .into_any()
                    }
                }}
            </section>
            {move || editing.get().map(|template| {
                let offices = library.get().and_then(|r| r.ok()).map(|(_, offices)| offices).unwrap_or_default();
                let offices = choosable_offices(&me.get_value(), offices);
                view! {
                    <TemplateDialog template offices saved on_close=Callback::new(move |()| editing.set(None))/>
                }
            })}
            {move || deleting.get().map(|template| {
                let (id, name) = (template.id, template.name.clone());
                view! {
                    <ConfirmDialog
                        heading=format!("Delete {}?", template.name)
                        consequence="Nobody can use it any more. Campaigns that used it keep their own copy of the text."
                        confirm_label="Delete template"
                        on_close=Callback::new(move |()| deleting.set(None))
                        run=Callback::new(move |()| {
                            let name = name.clone();
                            Box::pin(async move {
                                api.delete_template(id).await?;
                                notice.try_set(Some(format!("The template {name} was deleted.")));
                                library.refetch();
                                Ok(())
                            }) as Task
                        })
                    />
                }
            })}
        </section>
    }
    .into_any()
}

/// The offices a user may give a template: every office, or their own.
fn choosable_offices(me: &Me, offices: Vec<Office>) -> Vec<Office> {
    offices.into_iter().filter(|office| sees_all_offices(me) || office.id == me.office.id).collect()
}

fn template_row(
    template: MessageTemplate,
    offices: &[Office],
    manages: bool,
    editing: RwSignal<Option<Option<MessageTemplate>>>,
    deleting: RwSignal<Option<MessageTemplate>>,
) -> impl IntoView {
    let office = match template.office_id {
        None => WHOLE_ORGANISATION.to_owned(),
        Some(id) => offices.iter().find(|o| o.id == id).map_or_else(|| format!("Office #{id}"), |o| o.name.clone()),
    };
    let name = template.name.clone();
    let body = template.body.clone();
    let cost = cost_label(&template);
    let tags = template.tags.join(", ");
    let template = StoredValue::new(template);
    view! {
        <tr>
            <td>{name.clone()}</td>
            <td>{office}</td>
            <td class="template-body">{body}</td>
            <td>{cost}</td>
            <td>{tags}</td>
            <td class="actions-cell row-actions">
                {manages.then(|| view! {
                    <button
                        type="button"
                        class="button button-small"
                        aria-label=format!("Edit {name}")
                        on:click=move |_| editing.set(Some(Some(template.get_value())))
                    >
                        "Edit"
                    </button>
                    <button
                        type="button"
                        class="button button-small button-danger"
                        aria-label=format!("Delete {name}")
                        on:click=move |_| deleting.set(Some(template.get_value()))
                    >
                        "Delete"
                    </button>
                })}
            </td>
        </tr>
    }
}

/// Saves a new template (`template` is `None`) or changes one.
#[component]
fn TemplateDialog(
    template: Option<MessageTemplate>,
    offices: Vec<Office>,
    saved: Callback<MessageTemplate>,
    on_close: Callback<()>,
) -> impl IntoView {
    let api = use_api();
    let existing = template.as_ref().map(|t| t.id);
    let name = RwSignal::new(template.as_ref().map(|t| t.name.clone()).unwrap_or_default());
    let body = RwSignal::new(template.as_ref().map(|t| t.body.clone()).unwrap_or_default());
    let office =
        RwSignal::new(template.as_ref().and_then(|t| t.office_id).map(|id| id.to_string()).unwrap_or_default());
    let tags = RwSignal::new(template.as_ref().map(|t| t.tags.join(", ")).unwrap_or_default());
    let form = FormState::default();
    let mut options = vec![(String::new(), WHOLE_ORGANISATION.to_owned())];
    options.extend(offices.into_iter().map(|o| (o.id.to_string(), o.name)));
    let info = Signal::derive(move || segment_info(&body.get()));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        form.begin();
        let office_id = office.get_untracked().parse::<i64>().ok();
        let tags: Vec<String> =
            tags.get_untracked().split(',').map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()).collect();
        let (name, body) = (name.get_untracked(), body.get_untracked());
        spawn_local(async move {
            let answer = match existing {
                None => api.create_template(&CreateMessageTemplate { name, body, office_id, tags }).await,
                Some(id) => {
                    let change = UpdateMessageTemplate {
                        name: Some(name),
                        body: Some(body),
                        office_id: Some(office_id),
                        tags: Some(tags),
                    };
                    api.update_template(id, &change).await
                }
            };
            if !form.is_open() {
                return;
            }
            match answer {
                Ok(template) => {
                    saved.run(template);
                    on_close.run(());
                }
                Err(error) => form.refused(&error),
            }
        });
    };
    let heading = if existing.is_some() { "Edit template" } else { "New template" };
    let builtins: Vec<String> = BUILTIN_PLACEHOLDERS.iter().map(|p| format!("{{{p}}}")).collect();

    view! {
        <Dialog heading on_close>
            <form class="admin-form" on:submit=submit novalidate>
                <TextField id="template-name" label="Name" value=name errors=form.reasons("name") maxlength=TEMPLATE_NAME_MAX/>
                <SelectField id="template-office" label="Office" options=options value=office errors=form.reasons("office_id")/>
                <div class="form-field">
                    <label for="template-body">"Text"</label>
                    <textarea
                        id="template-body"
                        rows="5"
                        aria-describedby="template-body-hint template-body-errors"
                        prop:value=move || body.get()
                        on:input=move |ev| body.set(event_target_value(&ev))
                    ></textarea>
                    <p class="hint" id="template-body-hint">
                        {format!(
                            "Merge fields in braces are filled in for each contact: {} or any field of a contact list, such as {{Student ID}}.",
                            builtins.join(", ")
                        )}
                    </p>
                    <FieldErrors id="template-body-errors" reasons=form.reasons("body")/>
                    <SegmentCounter info/>
                </div>
                <TextField
                    id="template-tags"
                    label="Tags"
                    hint=format!("Separated by commas, at most {TEMPLATE_TAG_MAX}.")
                    value=tags
                    errors=form.reasons("tags")
                />
                {form.failure_alert()}
                <div class="dialog-actions">
                    <button type="button" class="button" on:click=move |_| on_close.run(())>"Cancel"</button>
                    <button type="submit" class="button button-primary" disabled=move || form.busy.get()>
                        {move || if form.busy.get() { "Saving…" } else { "Save template" }}
                    </button>
                </div>
            </form>
        </Dialog>
    }
}
