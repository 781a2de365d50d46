//! Uploading a CSV file as a new contact list: pick the file, check which column holds
//! what, upload, and read the per-row import report. The wizard makes the new list the
//! campaign's list; the Contact lists page shows it among the office's lists.

mod preview;
mod report;

use leptos::prelude::*;
use leptos::task::spawn_local;
use tidings_domain::contact_list::{
    ContactList, ContactListImport, ImportReport, RequiredColumn, CONTACT_LIST_NAME_MAX,
};
use tidings_domain::FieldError;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use self::preview::{ChosenColumns, CsvPreview};
use self::report::ImportReportView;
use crate::api::use_api;
use crate::feedback::FieldErrors;

/// How much of the file is read for the preview: plenty for its first rows.
const PREVIEW_BYTES: i32 = 64 * 1024;

/// The list an upload made: id and name.
type NewList = (i64, String);

/// The upload form's state.
#[derive(Clone, Copy)]
struct Upload {
    /// The chosen file (a browser object, so kept on this thread).
    file: StoredValue<Option<web_sys::File>, LocalStorage>,
    name: RwSignal<String>,
    has_header: RwSignal<bool>,
    preview: RwSignal<Option<CsvPreview>>,
    columns: RwSignal<ChosenColumns>,
    busy: RwSignal<bool>,
    /// What the API refused in the upload (file, name, mapping…).
    errors: RwSignal<Vec<FieldError>>,
    /// A refusal without fields (unreachable, forbidden…).
    failure: RwSignal<Option<String>>,
    /// The last import: the list made (if any) and its report.
    result: RwSignal<Option<(Option<NewList>, ImportReport)>>,
}

impl Upload {
    fn reasons(&self, prefix: &str) -> Vec<String> {
        self.errors.with(|errors| {
            errors
                .iter()
                .filter(|e| e.field == prefix || e.field.starts_with(&format!("{prefix}.")))
                .map(|e| e.reason.clone())
                .collect()
        })
    }
}

/// `office_id` is the office the list is for (none yet: nothing can be uploaded);
/// `on_uploaded` gets the new list; `for_campaign` says the report's list becomes the
/// campaign's.
#[component]
pub fn CsvUpload(
    #[prop(into)] office_id: Signal<Option<i64>>,
    on_uploaded: Callback<ContactList>,
    /// Told the chosen file's name when one is chosen and not imported yet, and `None`
    /// once the file is imported.
    #[prop(optional)]
    on_chosen: Option<Callback<Option<String>>>,
    for_campaign: bool,
) -> impl IntoView {
    let api = use_api();
    let upload = Upload {
        file: StoredValue::new_local(None),
        name: RwSignal::new(String::new()),
        has_header: RwSignal::new(true),
        preview: RwSignal::new(None),
        columns: RwSignal::new(ChosenColumns::default()),
        busy: RwSignal::new(false),
        errors: RwSignal::new(Vec::new()),
        failure: RwSignal::new(None),
        result: RwSignal::new(None),
    };

    let choose_file = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else {
            return;
        };
        let Some(file) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        let file_name = file.name();
        upload.name.set(file_name.strip_suffix(".csv").unwrap_or(&file_name).to_owned());
        upload.errors.set(Vec::new());
        upload.failure.set(None);
        upload.result.set(None);
        upload.file.set_value(Some(file.clone()));
        if let Some(chosen) = on_chosen {
            chosen.run(Some(file_name.clone()));
        }
        spawn_local(async move {
            match read_start(&file).await {
                Some(bytes) => match CsvPreview::read(&bytes) {
                    Some(preview) => {
                        // The form may be gone by now (another step was opened): then nothing is shown.
                        let has_header = upload.has_header.try_get_untracked().unwrap_or(true);
                        upload.columns.set(ChosenColumns::guess(&preview, has_header));
                        upload.preview.set(Some(preview));
                    }
                    None => {
                        upload.preview.set(None);
                        upload.failure.set(Some("The file has no rows.".to_owned()));
                    }
                },
                None => upload.failure.set(Some("The file could not be read.".to_owned())),
            }
        });
    };

    let submit = move |_| {
        let (Some(file), Some(office)) = (upload.file.get_value(), office_id.get_untracked()) else {
            return;
        };
        let Some(mapping) = upload.columns.with_untracked(ChosenColumns::to_mapping) else {
            return;
        };
        let Some(form) =
            upload_form(&file, &upload.name.get_untracked(), office, upload.has_header.get_untracked(), &mapping)
        else {
            upload.failure.set(Some("The upload could not be prepared in this browser.".to_owned()));
            return;
        };
        upload.busy.set(true);
        upload.errors.set(Vec::new());
        upload.failure.set(None);
        upload.result.set(None);
        spawn_local(async move {
            match api.upload_contact_list(form).await {
                Ok(ContactListImport { contact_list, report }) => {
                    upload.result.set(Some((Some((contact_list.id, contact_list.name.clone())), report)));
                    on_uploaded.run(contact_list);
                }
                Err(error) => {
                    if let Some(report) = error.import_report() {
                        // Imported, with nothing to keep: the report says why.
                        upload.result.set(Some((None, report)));
                        if let Some(chosen) = on_chosen {
                            chosen.run(None);
                        }
                    }
                    let fields = error.field_errors();
                    if fields.is_empty() {
                        upload.failure.set(Some(error.user_message()));
                    }
                    upload.errors.set(fields);
                }
            }
            upload.busy.set(false);
        });
    };

    let problems = move || upload.columns.with(ChosenColumns::problems);
    // Uploading the same file again would make a second, identical list.
    let uploaded = move || upload.result.with(|result| matches!(result, Some((Some(_), _))));
    let can_upload = move || {
        !uploaded()
            && upload.preview.read().is_some()
            && problems().is_empty()
            && !upload.name.read().trim().is_empty()
            && !upload.busy.get()
            && office_id.read().is_some()
    };

    view! {
        <div class="csv-upload">
            <p class="hint">
                "A UTF-8 CSV file with a first name, last name and phone column; every other column is kept as a \
                 field the message can use. Numbers without a country code are read in the office's country."
            </p>
            <div class="form-field">
                <label for="csv-file">"CSV file"</label>
                <input id="csv-file" type="file" accept=".csv,text/csv" on:change=choose_file/>
                <FieldErrors id="csv-file-errors" reasons=Signal::derive(move || upload.reasons("file"))/>
            </div>
            <div class="form-field">
                <label for="csv-list-name">"List name"</label>
                <input
                    id="csv-list-name"
                    type="text"
                    maxlength=CONTACT_LIST_NAME_MAX.to_string()
                    prop:value=move || upload.name.get()
                    on:input=move |ev| upload.name.set(event_target_value(&ev))
                />
                <FieldErrors id="csv-list-name-errors" reasons=Signal::derive(move || upload.reasons("name"))/>
            </div>
            <Show when=move || upload.preview.read().is_some()>
                <div class="form-field checkbox">
                    <input
                        id="csv-has-header"
                        type="checkbox"
                        prop:checked=move || upload.has_header.get()
                        on:change=move |ev| {
                            let has_header = event_target_checked(&ev);
                            upload.has_header.set(has_header);
                            if let Some(preview) = upload.preview.get_untracked() {
                                upload.columns.set(ChosenColumns::guess(&preview, has_header));
                            }
                        }
                    />
                    <label for="csv-has-header">"The first row holds column names"</label>
                </div>
                <ColumnMapping upload/>
                <FieldErrors id="csv-mapping-errors" reasons=Signal::derive(move || upload.reasons("mapping"))/>
                <ul class="mapping-problems">
                    {move || problems().into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}
                </ul>
                <button type="button" class="button button-primary" disabled=move || !can_upload() on:click=submit>
                    {move || if upload.busy.get() { "Uploading…" } else { "Upload and import" }}
                </button>
            </Show>
            {move || upload.failure.get().map(|message| view! { <p class="alert" role="alert">{message}</p> })}
            {move || upload.result.get().map(|(list, report)| view! { <ImportReportView list report for_campaign/> })}
        </div>
    }
}

/// The mapping table: a select per required value, then every column with its role,
/// whether it is kept, its field name and the first rows' values.
#[component]
fn ColumnMapping(upload: Upload) -> impl IntoView {
    view! {
        <fieldset class="column-mapping">
            <legend>"Which column holds what"</legend>
            <div class="mapping-required">
                {RequiredColumn::ALL.into_iter().map(|which| view! { <RequiredColumnSelect upload which/> }).collect_view()}
            </div>
            <div class="table-wrap">
                <table class="mapping-table">
                    <thead>
                        <tr>
                            <th scope="col">"Column"</th>
                            <th scope="col">"Imported as"</th>
                            <th scope="col">"First rows"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {move || {
                            let (preview, has_header) = (upload.preview.get().unwrap_or_default(), upload.has_header.get());
                            let rows = preview.data_rows(has_header);
                            (0..preview.column_count())
                                .map(|column| {
                                    let samples = rows
                                        .iter()
                                        .filter_map(|row| row.get(column).filter(|v| !v.is_empty()).cloned())
                                        .collect::<Vec<_>>()
                                        .join(" · ");
                                    view! {
                                        <tr>
                                            <th scope="row">{preview.column_name(column, has_header)}</th>
                                            <td><ColumnRole upload column/></td>
                                            <td class="muted">{samples}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()
                        }}
                    </tbody>
                </table>
            </div>
        </fieldset>
    }
}

/// The column holding one required value.
#[component]
fn RequiredColumnSelect(upload: Upload, which: RequiredColumn) -> impl IntoView {
    let id = format!("map-{}", which.field());
    let label = match which {
        RequiredColumn::FirstName => "First name column",
        RequiredColumn::LastName => "Last name column",
        RequiredColumn::Phone => "Phone column",
    };
    let current = move || upload.columns.with(|c| c.get(which));
    view! {
        <div class="form-field mapping-select">
            <label for=id.clone()>{label}</label>
            <select
                id=id
                on:change=move |ev| {
                    let column = event_target_value(&ev).parse::<usize>().ok();
                    upload.columns.update(|c| c.set(which, column));
                }
            >
                <option value="" prop:selected=move || current().is_none()>"Choose a column"</option>
                {move || {
                    let (preview, has_header) = (upload.preview.get().unwrap_or_default(), upload.has_header.get());
                    (0..preview.column_count())
                        .map(|column| {
                            view! {
                                <option value=column.to_string() prop:selected=move || current() == Some(column)>
                                    {preview.column_name(column, has_header)}
                                </option>
                            }
                        })
                        .collect_view()
                }}
            </select>
        </div>
    }
}

/// A column's role: a required value, or a field kept under a name (or left out).
#[component]
fn ColumnRole(upload: Upload, column: usize) -> impl IntoView {
    let role = move || upload.columns.with(|c| c.role_of(column));
    let extra = move || upload.columns.with(|c| c.extra.iter().find(|e| e.column == column).cloned());
    let update = move |change: &dyn Fn(&mut preview::ExtraColumn)| {
        upload.columns.update(|c| {
            if let Some(e) = c.extra.iter_mut().find(|e| e.column == column) {
                change(e);
            }
        });
    };
    let keep_id = format!("keep-column-{column}");
    let name_id = format!("field-name-{column}");
    move || match role() {
        Some(which) => view! { <strong>{capitalised(which.label())}</strong> }.into_any(),
        None => {
            let Some(current) = extra() else { return ().into_any() };
            let (keep_id, name_id) = (keep_id.clone(), name_id.clone());
            view! {
                <div class="column-role">
                    <input
                        type="checkbox"
                        id=keep_id.clone()
                        prop:checked=current.keep
                        on:change=move |ev| {
                            let keep = event_target_checked(&ev);
                            update(&|e| e.keep = keep);
                        }
                    />
                    <label for=keep_id>"Keep as field"</label>
                    <label for=name_id.clone() class="visually-hidden">
                        {format!("Field name for column {}", column + 1)}
                    </label>
                    <input
                        type="text"
                        id=name_id
                        class="field-name"
                        disabled=!current.keep
                        prop:value=current.name.clone()
                        on:change=move |ev| {
                            let name = event_target_value(&ev);
                            update(&|e| e.name = name.clone());
                        }
                    />
                </div>
            }
            .into_any()
        }
    }
}

/// "first name" → "First name".
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// The first [`PREVIEW_BYTES`] of the file.
async fn read_start(file: &web_sys::File) -> Option<Vec<u8>> {
    let blob = file.slice_with_i32_and_i32(0, PREVIEW_BYTES).ok()?;
    let buffer = JsFuture::from(blob.array_buffer()).await.ok()?;
    Some(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// The multipart body of `POST /contact-lists`.
fn upload_form(
    file: &web_sys::File,
    name: &str,
    office_id: i64,
    has_header: bool,
    mapping: &tidings_domain::contact_list::ColumnMapping,
) -> Option<web_sys::FormData> {
    let form = web_sys::FormData::new().ok()?;
    form.append_with_str("name", name.trim()).ok()?;
    form.append_with_str("office_id", &office_id.to_string()).ok()?;
    form.append_with_str("has_header", if has_header { "true" } else { "false" }).ok()?;
    form.append_with_str("mapping", &serde_json::to_string(mapping).ok()?).ok()?;
    form.append_with_blob_and_filename("file", file, &file.name()).ok()?;
    Some(form)
}
