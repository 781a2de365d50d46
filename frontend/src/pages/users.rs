//! Users (`/users`, administrators): the organisation's staff with role, office and
//! status; creating one, editing role, office, permissions or password, deactivating
//! and reactivating. The API's field errors show under the fields.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tidings_domain::office::Office;
use tidings_domain::role::Role;
use tidings_domain::user::{CreateUser, UpdateUser, User, PASSWORD_MIN};

use crate::api::{use_api, ApiError};
use crate::auth::use_current_user;
use crate::components::admin_table::AdminTable;
use crate::components::dialog::{ConfirmDialog, Dialog, Task};
use crate::components::text_field::{SelectField, TextField};
use crate::feedback::{AdminsOnly, ErrorPanel, FormState, Loading, NoticeBar};

const ROLES: [Role; 3] = [Role::Administrative, Role::Standard, Role::Limited];

/// Which dialog is open.
#[derive(Clone)]
enum Editing {
    New,
    Existing(User),
}

#[component]
pub fn UsersPage() -> impl IntoView {
    let me = use_current_user();
    if !me.as_ref().is_some_and(|me| me.role.is_admin()) {
        return view! { <section class="page admin-page"><h1>"Users"</h1><AdminsOnly/></section> }.into_any();
    }
    let my_id = me.map_or(0, |me| me.id);
    let api = use_api();
    let loaded = LocalResource::new(move || async move {
        let users = api.users().await?;
        let offices = api.offices().await?;
        Ok::<_, ApiError>((users, offices))
    });
    let editing = RwSignal::new(None::<Editing>);
    let deactivating = RwSignal::new(None::<User>);
    let notice = RwSignal::new(None::<String>);
    let offices = Memo::new(move |_| loaded.get().and_then(Result::ok).map(|(_, offices)| offices).unwrap_or_default());

    let on_saved = Callback::new(move |(user, created): (User, bool)| {
        editing.set(None);
        let verb = if created { "created" } else { "updated" };
        notice.set(Some(format!("{} ({}) was {verb}.", user.name, user.email)));
        loaded.refetch();
    });
    let reactivate = move |user: User| {
        spawn_local(async move {
            let body = UpdateUser { active: Some(true), ..UpdateUser::default() };
            let message = match api.update_user(user.id, &body).await {
                Ok(user) => format!("{} can sign in again.", user.name),
                Err(error) => error.user_message(),
            };
            notice.try_set(Some(message));
            loaded.refetch();
        });
    };

    view! {
        <section class="page admin-page">
            <div class="page-head">
                <h1>"Users"</h1>
                <button type="button" class="button button-primary" on:click=move |_| editing.set(Some(Editing::New))>
                    "New user"
                </button>
            </div>
            <NoticeBar notice/>
            <section class="panel">
                {move || match loaded.get() {
                            None => view! { <Loading label="Loading users…"/> }.into_any(),
                            Some(Ok((users, offices))) => view! {
                                <AdminTable caption="Users of the organisation" columns=&["Name", "Email", "Role", "Office", "Status", "Actions"]>
                                    {users
                                        .into_iter()
                                        .map(|user| {
                                            let office = office_name(&offices, user.office_id);
                                            let user = StoredValue::new(user);
                                            let u = user.get_value();
                                            let status = if u.active { "Active" } else { "Deactivated" };
                                            let scope = if u.view_other_offices && u.role.may_view_other_offices() {
                                                " · sees every office"
                                            } else {
                                                ""
                                            };
                                            view! {
                                                <tr class:inactive=!u.active>
                                                    <td>{u.name.clone()}</td>
                                                    <td>{u.email.clone()}</td>
                                                    <td>{u.role.label()}</td>
                                                    <td>{office} <span class="muted">{scope}</span></td>
                                                    <td>{status}</td>
                                                    <td class="actions-cell row-actions">
                                                        <button
                                                            type="button"
                                                            class="button button-small"
                                                            aria-label=format!("Edit {}", u.name)
                                                            on:click=move |_| editing.set(Some(Editing::Existing(user.get_value())))
                                                        >
                                                            "Edit"
                                                        </button>
                                                        {if !u.active {
                                                            view! {
                                                                <button
                                                                    type="button"
                                                                    class="button button-small"
                                                                    aria-label=format!("Reactivate {}", u.name)
                                                                    on:click=move |_| reactivate(user.get_value())
                                                                >
                                                                    "Reactivate"
                                                                </button>
                                                            }
                                                            .into_any()
                                                        } else if u.id != my_id {
                                                            view! {
                                                                <button
                                                                    type="button"
                                                                    class="button button-small"
                                                                    aria-label=format!("Deactivate {}", u.name)
                                                                    on:click=move |_| deactivating.set(Some(user.get_value()))
                                                                >
                                                                    "Deactivate"
                                                                </button>
                                                            }
                                                            .into_any()
                                                        } else {
                                                            ().into_any()
                                                        }}
                                                    </td>
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </AdminTable>
                            }
                            .into_any(),
                            Some(Err(error)) => view! {
                                <ErrorPanel
                                    title="The users could not be loaded"
                                    message=error.user_message()
                                    retry=Callback::new(move |()| loaded.refetch())
                                />
                            }
                            .into_any(),
                    }}
            </section>
            {move || editing.get().map(|which| view! {
                <UserDialog which offices=offices.get_untracked() on_saved on_close=Callback::new(move |()| editing.set(None))/>
            })}
            {move || deactivating.get().map(|user| {
                let (id, name) = (user.id, user.name.clone());
                view! {
                    <ConfirmDialog
                        heading=format!("Deactivate {}?", user.name)
                        consequence="They can no longer sign in. Their conversations and history stay, and you \
                                     can reactivate them later."
                        confirm_label="Deactivate"
                        on_close=Callback::new(move |()| deactivating.set(None))
                        run=Callback::new(move |()| {
                            let name = name.clone();
                            Box::pin(async move {
                                api.deactivate_user(id).await?;
                                notice.try_set(Some(format!("{name} was deactivated.")));
                                loaded.refetch();
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

fn office_name(offices: &[Office], id: i64) -> String {
    offices.iter().find(|o| o.id == id).map(|o| o.name.clone()).unwrap_or_default()
}

/// The form for a new user, or for editing one (email fixed; password optional).
#[component]
fn UserDialog(
    which: Editing,
    offices: Vec<Office>,
    on_saved: Callback<(User, bool)>,
    on_close: Callback<()>,
) -> impl IntoView {
    let api = use_api();
    let existing = match &which {
        Editing::New => None,
        Editing::Existing(user) => Some(user.clone()),
    };
    let first_office = offices.first().map_or(0, |o| o.id);
    let name = RwSignal::new(existing.as_ref().map(|u| u.name.clone()).unwrap_or_default());
    let email = RwSignal::new(existing.as_ref().map(|u| u.email.clone()).unwrap_or_default());
    let password = RwSignal::new(String::new());
    let role = RwSignal::new(existing.as_ref().map_or(Role::Standard, |u| u.role).as_str().to_owned());
    let chosen_role = move || Role::parse(&role.read()).unwrap_or(Role::Standard);
    let office = RwSignal::new(existing.as_ref().map_or(first_office, |u| u.office_id).to_string());
    let office_options: Vec<(String, String)> = offices.into_iter().map(|o| (o.id.to_string(), o.name)).collect();
    let chosen_office = move || office.read_untracked().parse::<i64>().unwrap_or(first_office);
    let other_offices = RwSignal::new(existing.as_ref().is_some_and(|u| u.view_other_offices));
    let messaging = RwSignal::new(existing.as_ref().is_none_or(|u| u.two_way_messaging));
    let form = FormState::default();
    let is_new = existing.is_none();
    let existing_id = existing.as_ref().map(|u| u.id);
    let heading = existing.as_ref().map_or("New user".to_owned(), |u| format!("Edit {}", u.name));

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        form.begin();
        spawn_local(async move {
            let answer = match existing_id {
                None => {
                    let body = CreateUser {
                        email: email.get_untracked(),
                        name: name.get_untracked(),
                        password: password.get_untracked(),
                        role: chosen_role(),
                        office_id: chosen_office(),
                        view_other_offices: other_offices.get_untracked(),
                        two_way_messaging: messaging.get_untracked(),
                    };
                    api.create_user(&body).await
                }
                Some(id) => {
                    let password = password.get_untracked();
                    let body = UpdateUser {
                        name: Some(name.get_untracked()),
                        password: (!password.is_empty()).then_some(password),
                        role: Some(chosen_role()),
                        office_id: Some(chosen_office()),
                        view_other_offices: Some(other_offices.get_untracked()),
                        two_way_messaging: Some(messaging.get_untracked()),
                        active: None,
                    };
                    api.update_user(id, &body).await
                }
            };
            if !form.is_open() {
                return;
            }
            match answer {
                Ok(user) => on_saved.run((user, is_new)),
                Err(error) => form.refused(&error),
            }
        });
    };
    let reasons = move |field| form.reasons(field);

    view! {
        <Dialog heading on_close>
            <form class="admin-form" on:submit=submit novalidate>
                <TextField id="user-name" label="Name" value=name errors=reasons("name")/>
                <TextField id="user-email" label="Email" kind="email" value=email errors=reasons("email") disabled=!is_new/>
                <TextField
                    id="user-password"
                    label=if is_new { "Password" } else { "New password (leave empty to keep the current one)" }
                    kind="password"
                    hint=format!("At least {PASSWORD_MIN} characters.")
                    value=password
                    errors=reasons("password")
                />
                <SelectField
                    id="user-role"
                    label="Role"
                    options=ROLES.map(|r| (r.as_str().to_owned(), r.label().to_owned())).to_vec()
                    value=role
                    errors=reasons("role")
                />
                <p class="hint role-hint">
                    {move || match chosen_role() {
                        Role::Administrative => "Everything, including users, offices, numbers and API keys.",
                        Role::Standard => "Campaigns, contact lists and all conversation work.",
                        Role::Limited => "Answers the conversations in their inboxes; cannot create campaigns.",
                    }}
                </p>
                <SelectField
                    id="user-office"
                    label="Office"
                    options=office_options
                    value=office
                    errors=reasons("office_id")
                />
                <div class="form-field checkbox">
                    <input
                        id="user-other-offices"
                        type="checkbox"
                        disabled=move || chosen_role() == Role::Limited
                        prop:checked=move || other_offices.get()
                        on:change=move |ev| other_offices.set(event_target_checked(&ev))
                    />
                    <label for="user-other-offices">"Sees every office's campaigns (never for limited users)"</label>
                </div>
                <div class="form-field checkbox">
                    <input
                        id="user-messaging"
                        type="checkbox"
                        prop:checked=move || messaging.get()
                        on:change=move |ev| messaging.set(event_target_checked(&ev))
                    />
                    <label for="user-messaging">"Two-way messaging (campaigns and conversations)"</label>
                </div>
                {form.failure_alert()}
                <div class="dialog-actions">
                    <button type="button" class="button" on:click=move |_| on_close.run(())>"Cancel"</button>
                    <button type="submit" class="button button-primary" disabled=move || form.busy.get()>
                        {move || match (form.busy.get(), is_new) {
                            (true, _) => "Saving…",
                            (false, true) => "Create user",
                            (false, false) => "Save changes",
                        }}
                    </button>
                </div>
            </form>
        </Dialog>
    }
}
