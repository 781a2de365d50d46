//! API keys (`/api-keys`, administrators): the keys integrations call the API with,
//! each acting as a user of the organisation. A new key is shown once, when it is made;
//! the list shows when each was last used, and a key can be revoked, after which every
//! request with it is refused.

use std::collections::HashMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use tidings_domain::auth::{ApiKey, CreateApiKey, CreatedApiKey, API_KEY_NAME_MAX};

use crate::api::{use_api, ApiError};
use crate::auth::use_current_user;
use crate::components::admin_table::AdminTable;
use crate::components::dialog::{ConfirmDialog, Dialog, Task};
use crate::components::local_time::local_time;
use crate::components::text_field::TextField;
use crate::feedback::{AdminsOnly, ErrorPanel, FormState, Loading, NoticeBar};

#[component]
pub fn ApiKeysPage() -> impl IntoView {
    let Some(me) = use_current_user().filter(|me| me.role.is_admin()) else {
        return view! { <section class="page admin-page"><h1>"API keys"</h1><AdminsOnly/></section> }.into_any();
    };
    let api = use_api();
    let zone = StoredValue::new(me.office.time_zone.clone());
    // The keys, with the names of the users they act as.
    let keys = LocalResource::new(move || async move {
        let (keys, users) = (api.api_keys().await?, api.users().await?);
        let names: HashMap<i64, String> = users.into_iter().map(|user| (user.id, user.name)).collect();
        Ok::<_, ApiError>((keys, names))
    });
    let creating = RwSignal::new(false);
    let revoking = RwSignal::new(None::<ApiKey>);
    let notice = RwSignal::new(None::<String>);
    let on_created = Callback::new(move |created: CreatedApiKey| {
        notice.set(Some(format!("The API key {} was created.", created.api_key.name)));
        keys.refetch();
    });

    view! {
        <section class="page admin-page">
            <p class="breadcrumb"><A href="/settings">"← Settings"</A></p>
            <div class="page-head">
                <h1>"API keys"</h1>
                <button type="button" class="button button-primary" on:click=move |_| creating.set(true)>
                    "New API key"
                </button>
            </div>
            <p class="muted">
                "Integrations call the API with a key, sent as " <code>"Authorization: Bearer <key>"</code>
                ". A key acts as the administrator who created it."
            </p>
            <NoticeBar notice/>
            <section class="panel">
                {move || match keys.get() {
                    None => view! { <Loading label="Loading API keys…"/> }.into_any(),
                    Some(Ok((items, _))) if items.is_empty() => {
                        view! { <p class="empty">"No API keys yet."</p> }.into_any()
                    }
                    Some(Ok((items, names))) => view! {
                        <AdminTable
                            caption="The organisation's API keys, newest first"
                            columns=&["Name", "Key", "Acts as", "Created", "Last used", "Status", "Actions"]
                        >
                            {items
                                .into_iter()
                                .map(|key| {
                                    let acts_as = names.get(&key.user_id).cloned().unwrap_or_else(|| format!("User #{}", key.user_id));
                                    key_row(key, acts_as, zone.get_value(), revoking)
                                })
                                .collect_view()}
                        </AdminTable>
                    }
                    .into_any(),
                    Some(Err(error)) => view! {
                        <ErrorPanel
                            title="The API keys could not be loaded"
                            message=error.user_message()
                            retry=Callback::new(move |()| keys.refetch())
                        />
                    }
                    .into_any(),
                }}
            </section>
            {move || creating.get().then(|| view! {
                <NewKeyDialog on_created on_close=Callback::new(move |()| creating.set(false))/>
            })}
            {move || revoking.get().map(|key| {
                let (id, name) = (key.id, key.name.clone());
                view! {
                    <ConfirmDialog
                        heading=format!("Revoke {}?", key.name)
                        consequence="Every request with this key is refused from now on. This cannot be undone: \
                                     an integration that still needs access needs a new key."
                        confirm_label="Revoke key"
                        on_close=Callback::new(move |()| revoking.set(None))
                        run=Callback::new(move |()| {
                            let name = name.clone();
                            Box::pin(async move {
                                api.revoke_api_key(id).await?;
                                notice.try_set(Some(format!("The API key {name} was revoked.")));
                                keys.refetch();
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

/// One key's row: what it is, whom it acts as, its use, and Revoke while it works.
fn key_row(key: ApiKey, acts_as: String, zone: String, revoking: RwSignal<Option<ApiKey>>) -> impl IntoView {
    let status = match key.revoked_at {
        Some(at) => view! { "Revoked " {local_time(Some(at), &zone)} }.into_any(),
        None => "Active".into_any(),
    };
    let last_used = match key.last_used_at {
        Some(at) => local_time(Some(at), &zone).into_any(),
        None => "Never".into_any(),
    };
    let name = key.name.clone();
    let active = key.revoked_at.is_none();
    let created = local_time(Some(key.created_at), &zone);
    let prefix = format!("{}…", key.prefix);
    let key = StoredValue::new(key);
    view! {
        <tr>
            <td>{name.clone()}</td>
            <td><code>{prefix}</code></td>
            <td>{acts_as}</td>
            <td>{created}</td>
            <td>{last_used}</td>
            <td>{status}</td>
            <td class="actions-cell row-actions">
                {active.then(|| view! {
                    <button
                        type="button"
                        class="button button-small"
                        aria-label=format!("Revoke {name}")
                        on:click=move |_| revoking.set(Some(key.get_value()))
                    >
                        "Revoke"
                    </button>
                })}
            </td>
        </tr>
    }
}

/// Names a new key, then shows it: the only time it is shown.
#[component]
fn NewKeyDialog(on_created: Callback<CreatedApiKey>, on_close: Callback<()>) -> impl IntoView {
    let api = use_api();
    let name = RwSignal::new(String::new());
    let form = FormState::default();
    let created = RwSignal::new(None::<CreatedApiKey>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        form.begin();
        let name = name.get_untracked();
        spawn_local(async move {
            let answer = api.create_api_key(&CreateApiKey { name, user_id: None }).await;
            if !form.is_open() {
                return;
            }
            match answer {
                Ok(key) => {
                    on_created.run(key.clone());
                    created.set(Some(key));
                }
                Err(error) => form.refused(&error),
            }
        });
    };

    view! {
        <Dialog heading="New API key" on_close>
            {move || match created.get() {
                None => view! {
                    <form class="admin-form" on:submit=submit novalidate>
                        <TextField
                            id="api-key-name"
                            label="Name"
                            hint="What the key is for, such as “SIS nightly sync”."
                            value=name
                            errors=form.reasons("name")
                            maxlength=API_KEY_NAME_MAX
                        />
                        {form.failure_alert()}
                        <div class="dialog-actions">
                            <button type="button" class="button" on:click=move |_| on_close.run(())>"Cancel"</button>
                            <button type="submit" class="button button-primary" disabled=move || form.busy.get()>
                                {move || if form.busy.get() { "Creating…" } else { "Create key" }}
                            </button>
                        </div>
                    </form>
                }
                .into_any(),
                Some(key) => view! { <ShownOnce key on_close/> }.into_any(),
            }}
        </Dialog>
    }
}

/// The new key, selected for copying, with the warning that it is not shown again.
#[component]
fn ShownOnce(key: CreatedApiKey, on_close: Callback<()>) -> impl IntoView {
    let select_all = |ev: leptos::ev::FocusEvent| {
        use leptos::wasm_bindgen::JsCast;
        if let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
            input.select();
        }
    };
    view! {
        <div class="admin-form">
            <p class="notice notice-warning" role="status">
                "Copy the key now and keep it somewhere safe: it is not shown again."
            </p>
            <div class="form-field">
                <label for="api-key-secret">{format!("The key “{}”", key.api_key.name)}</label>
                <input id="api-key-secret" type="text" readonly autofocus value=key.key on:focus=select_all/>
            </div>
            <div class="dialog-actions">
                <button type="button" class="button button-primary" on:click=move |_| on_close.run(())>"Done"</button>
            </div>
        </div>
    }
}
