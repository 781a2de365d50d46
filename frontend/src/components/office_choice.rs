//! Which office a management page shows: `?office=ID` in the URL (so a deep link or a
//! reload keeps it), else the user's own office; a picker for users who see every
//! office, the office's name for the others.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use tidings_domain::auth::Me;

use crate::api::use_api;
use crate::auth::use_current_user;

/// Whether the user sees every office (the server's rule: administrators, and standard
/// users with the `view_other_offices` permission).
pub fn sees_all_offices(me: &Me) -> bool {
    me.role.may_view_other_offices() && (me.view_other_offices || me.role.is_admin())
}

/// The office the page shows.
pub fn use_office_choice() -> Memo<i64> {
    let query = use_query_map();
    let me = use_current_user();
    let own = me.as_ref().map_or(0, |me| me.office.id);
    let may_choose = me.as_ref().is_some_and(sees_all_offices);
    Memo::new(move |_| {
        query.read().get("office").and_then(|id| id.parse::<i64>().ok()).filter(|_| may_choose).unwrap_or(own)
    })
}

/// The office picker, or the office's name when the user sees only their own. Choosing
/// an office puts it in the URL of `path`.
#[component]
pub fn OfficePicker(chosen: Memo<i64>, path: &'static str) -> impl IntoView {
    let api = use_api();
    let me = use_current_user();
    let Some(me) = me.filter(sees_all_offices) else {
        let name = use_current_user().map(|me| me.office.name).unwrap_or_default();
        return view! { <p class="office-name">"Office: " <strong>{name}</strong></p> }.into_any();
    };
    let navigate = use_navigate();
    let offices = LocalResource::new(move || async move { api.offices().await });
    let own = me.office.clone();
    view! {
        <div class="form-field office-picker">
            <label for="office-picker">"Office"</label>
            <select
                id="office-picker"
                on:change=move |ev| {
                    let id = event_target_value(&ev);
                    navigate(&format!("{path}?office={id}"), NavigateOptions::default());
                }
            >
                {move || {
                    // Until the offices load (or if they fail), the user's own office is offered.
                    let offices = offices
                        .get()
                        .and_then(Result::ok)
                        .map(|offices| offices.into_iter().map(|o| (o.id, o.name)).collect::<Vec<_>>())
                        .unwrap_or_else(|| vec![(own.id, own.name.clone())]);
                    offices
                        .into_iter()
                        .map(|(id, name)| {
                            view! { <option value=id.to_string() prop:selected=move || chosen.get() == id>{name}</option> }
                        })
                        .collect_view()
                }}
            </select>
        </div>
    }
    .into_any()
}
