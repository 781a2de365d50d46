//! One phone number (`/phone-numbers/{id}`): its facts (administrators edit a reusable
//! number's details), and for a reusable number in service the unsolicited message
//! settings — which personal inboxes and office inboxes receive messages not tied to an
//! active campaign — in an editor administrators save.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use tidings_domain::campaign::PhoneNumberKind;
use tidings_domain::office::Office;
use tidings_domain::phone_number::{PhoneNumber, PhoneNumberStatus, UnsolicitedSettings};
use tidings_domain::user::User;

use super::details::NumberDetailsDialog;
use super::{is_admin, status_label};
use crate::api::{use_api, ApiError};
use crate::components::phone::phone_text;
use crate::feedback::{ErrorPanel, FieldErrors, FormState, Loading, NoticeBar};

#[component]
pub fn PhoneNumberPage() -> impl IntoView {
    let api = use_api();
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").and_then(|id| id.parse::<i64>().ok()));
    // Everything the page shows, in one go: the number, the offices (for names and the
    // office inboxes), its unsolicited settings and the users who may receive them.
    let loaded = LocalResource::new(move || {
        let id = id.get();
        async move {
            let Some(id) = id else { return Ok::<_, ApiError>(None) };
            let number = api.phone_number(id).await?;
            let offices = api.offices().await?;
            let editor = if number.kind == PhoneNumberKind::Reusable && number.status == PhoneNumberStatus::Active {
                let settings = api.unsolicited_settings(id).await?;
                // A failure here only leaves the personal inboxes out, which the editor says.
                Some(Editor { settings, users: api.users().await })
            } else {
                None
            };
            Ok(Some(Loaded { number, offices, editor }))
        }
    });
    let notice = RwSignal::new(None::<String>);
    let on_saved = Callback::new(move |name: String| {
        notice.set(Some(format!("The details of {name} were saved.")));
        loaded.refetch();
    });

    view! {
        <section class="page admin-page">
            <p class="breadcrumb"><A href="/phone-numbers">"← Phone numbers"</A></p>
            <NoticeBar notice/>
            {move || match loaded.get() {
                        None => view! { <Loading label="Loading the phone number…"/> }.into_any(),
                        Some(Ok(Some(loaded))) => view! { <NumberView loaded on_saved/> }.into_any(),
                        Some(Ok(None)) => view! {
                            <ErrorPanel title="No such phone number" message="The address does not name a phone number."/>
                        }
                        .into_any(),
                        Some(Err(error)) => view! {
                            <ErrorPanel
                                title="The phone number could not be loaded"
                                message=error.user_message()
                                retry=Callback::new(move |()| loaded.refetch())
                            />
                        }
                        .into_any(),
                }}
        </section>
    }
}

/// What the page loaded.
#[derive(Clone)]
struct Loaded {
    number: PhoneNumber,
    offices: Vec<Office>,
    /// The unsolicited settings' editor, for a reusable number in service.
    editor: Option<Editor>,
}

/// The stored settings, and the users (or why they could not be listed).
#[derive(Clone)]
struct Editor {
    settings: UnsolicitedSettings,
    users: Result<Vec<User>, ApiError>,
}

#[component]
fn NumberView(loaded: Loaded, on_saved: Callback<String>) -> impl IntoView {
    let Loaded { number, offices, editor } = loaded;
    // Only a reusable number in service has details to change (it then has an editor).
    let editable = is_admin() && editor.is_some();
    let editing = RwSignal::new(false);
    let for_dialog = StoredValue::new((
        number.clone(),
        offices.clone(),
        editor.as_ref().and_then(|editor| editor.users.as_ref().ok().cloned()),
    ));
    let owner = editor.as_ref().and_then(|editor| {
        let users = editor.users.as_ref().ok()?;
        let owner = users.iter().find(|user| Some(user.id) == number.owner_user_id)?;
        Some(owner.name.clone())
    });
    let office_name = offices.iter().find(|o| o.id == number.office_id).map(|o| o.name.clone()).unwrap_or_default();
    let back = format!("/phone-numbers?office={}", number.office_id);
    let description = (!number.description.is_empty()).then(|| number.description.clone());
    view! {
        <div class="page-head">
            <h1>{number.name.clone()}</h1>
            <A href=back>{format!("All numbers of {office_name}")}</A>
            <Show when=move || editable>
                <button type="button" class="button" on:click=move |_| editing.set(true)>"Edit details"</button>
            </Show>
        </div>
        {move || editing.get().then(|| {
            let (number, offices, users) = for_dialog.get_value();
            view! {
                <NumberDetailsDialog
                    number
                    offices
                    users
                    on_saved=Callback::new(move |name| {
                        editing.set(false);
                        on_saved.run(name);
                    })
                    on_close=Callback::new(move |()| editing.set(false))
                />
            }
        })}
        <section class="panel">
            <dl class="settings number-facts">
                <dt>"Number"</dt>
                <dd class="number-cell">{phone_text(&number.e164)}</dd>
                <dt>"Office"</dt>
                <dd>{office_name}</dd>
                <dt>"Kind"</dt>
                <dd>{number.kind.label()}</dd>
                <dt>"Type"</dt>
                <dd>{number.number_type.label()}</dd>
                <dt>"Status"</dt>
                <dd>{status_label(number.status)}</dd>
                <dt>"Answered by when no campaign runs"</dt>
                <dd>{number.default_operated_by.label()}</dd>
                {owner.map(|name| view! { <dt>"Owner"</dt> <dd>{name}</dd> })}
                {description.map(|text| view! { <dt>"Description"</dt> <dd>{text}</dd> })}
            </dl>
        </section>
        {if let Some(editor) = editor {
            view! { <UnsolicitedEditor number_id=number.id offices editor/> }.into_any()
        } else {
            view! {
                <p class="muted">
                    "Only reusable numbers in service have unsolicited message settings: a single-use number's \
                     replies belong to its campaign."
                </p>
            }
            .into_any()
        }}
    }
}

/// The settings as checkboxes; saved with `PUT`, the answer shown as what is stored.
#[component]
fn UnsolicitedEditor(number_id: i64, offices: Vec<Office>, editor: Editor) -> impl IntoView {
    let api = use_api();
    let admin = is_admin();
    let Editor { settings, users } = editor;
    let chosen = RwSignal::new(Some(settings.clone()));
    let saved = RwSignal::new(Some(settings));
    let form = FormState::default();
    let notice = RwSignal::new(None::<&'static str>);
    let changed = move || chosen.get().map(|c| c.normalised()) != saved.get().map(|s| s.normalised());

    let toggle = move |office: bool, id: i64, on: bool| {
        notice.set(None);
        chosen.update(|settings| {
            if let Some(settings) = settings {
                let ids = if office { &mut settings.office_ids } else { &mut settings.user_ids };
                ids.retain(|other| *other != id);
                if on {
                    ids.push(id);
                }
            }
        });
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(body) = chosen.get_untracked() else { return };
        form.begin();
        notice.set(None);
        spawn_local(async move {
            match api.set_unsolicited_settings(number_id, &body).await {
                Ok(settings) => {
                    chosen.try_set(Some(settings.clone()));
                    saved.try_set(Some(settings));
                    notice.try_set(Some("Saved. Unsolicited replies now go to the inboxes chosen here."));
                    form.busy.try_set(false);
                }
                Err(error) => form.refused(&error),
            }
        });
    };
    let is_on = move |office: bool, id: i64| {
        chosen.with(|c| {
            c.as_ref().is_some_and(|c| if office { c.office_ids.contains(&id) } else { c.user_ids.contains(&id) })
        })
    };
    let offices = StoredValue::new(offices);

    view! {
        <section class="panel unsolicited" aria-labelledby="unsolicited-heading">
            <h2 id="unsolicited-heading">"Unsolicited message settings"</h2>
            <p class="hint">
                "Messages to this number that belong to no active campaign — and conversations that still need \
                 attention when a campaign on it is archived — go to these inboxes."
            </p>
            {(!admin).then(|| view! { <p class="muted">"Only administrators change these settings."</p> })}
                    <form class="admin-form" on:submit=save>
                        <fieldset class="inbox-choices" disabled=!admin>
                            <legend>"Office inboxes"</legend>
                            {offices
                                .get_value()
                                .into_iter()
                                .map(|office| {
                                    let (id, input_id) = (office.id, format!("office-inbox-{}", office.id));
                                    view! {
                                        <div class="checkbox">
                                            <input
                                                type="checkbox"
                                                id=input_id.clone()
                                                prop:checked=move || is_on(true, id)
                                                on:change=move |ev| toggle(true, id, event_target_checked(&ev))
                                            />
                                            <label for=input_id>{office.name}</label>
                                        </div>
                                    }
                                })
                                .collect_view()}
                            <FieldErrors
                                id="office-inbox-errors"
                                reasons=form.reasons("office_ids")
                            />
                        </fieldset>
                        <fieldset class="inbox-choices" disabled=!admin>
                            <legend>"Personal inboxes"</legend>
                            {match users {
                                Err(error) => view! { <p class="alert">{error.user_message()}</p> }.into_any(),
                                Ok(users) => view! { <UserChoices users is_on toggle/> }.into_any(),
                            }}
                            <FieldErrors
                                id="user-inbox-errors"
                                reasons=form.reasons("user_ids")
                            />
                        </fieldset>
                        <Show when=move || chosen.with(|c| c.as_ref().is_some_and(UnsolicitedSettings::is_empty))>
                            <p class="notice-warning">"Nobody receives unsolicited replies with these settings."</p>
                        </Show>
                        {form.failure_alert()}
                        <div class="form-actions" aria-live="polite">
                            <Show when=move || admin>
                                <button
                                    type="submit"
                                    class="button button-primary"
                                    disabled=move || form.busy.get() || !changed()
                                >
                                    {move || if form.busy.get() { "Saving…" } else { "Save settings" }}
                                </button>
                            </Show>
                            {move || notice.get().map(|message| view! { <span class="notice notice-success" role="status">{message}</span> })}
                            <Show when=move || changed() && notice.get().is_none()>
                                <span class="muted">"Unsaved changes"</span>
                            </Show>
                        </div>
                    </form>
        </section>
    }
}

/// A checkbox per user who can receive messages (active, with two-way messaging), and
/// any other user the settings already name, so nobody is dropped unseen.
#[component]
fn UserChoices(
    users: Vec<User>,
    is_on: impl Fn(bool, i64) -> bool + Copy + Send + Sync + 'static,
    toggle: impl Fn(bool, i64, bool) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    users
        .into_iter()
        .filter(|user| (user.active && user.two_way_messaging) || is_on(false, user.id))
        .map(|user| {
            let (id, input_id) = (user.id, format!("user-inbox-{}", user.id));
            let note = (!user.active).then_some(" (deactivated)");
            view! {
                <div class="checkbox">
                    <input
                        type="checkbox"
                        id=input_id.clone()
                        prop:checked=move || is_on(false, id)
                        on:change=move |ev| toggle(false, id, event_target_checked(&ev))
                    />
                    <label for=input_id>{user.name} {note} <span class="muted">" · " {user.email}</span></label>
                </div>
            }
        })
        .collect_view()
}
