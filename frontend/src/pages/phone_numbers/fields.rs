//! The fields the dialogs that add a number and edit its details share.

use leptos::prelude::*;
use tidings_domain::campaign::OperatedBy;
use tidings_domain::phone_number::PHONE_NUMBER_DESCRIPTION_MAX;
use tidings_domain::user::User;

use crate::feedback::FieldErrors;

/// The owner drop-down's choices: nobody (an empty value), then each active user, and
/// `current` even when it is not, so the choice shown is the stored one.
pub fn owner_options(users: &[User], current: Option<i64>) -> Vec<(String, String)> {
    let people = users
        .iter()
        .filter(|user| user.active || Some(user.id) == current)
        .map(|user| (user.id.to_string(), format!("{} · {}", user.name, user.email)));
    [(String::new(), "Nobody".to_owned())].into_iter().chain(people).collect()
}

/// Who may answer a number's conversations when no campaign runs on it.
pub fn operator_options() -> Vec<(String, String)> {
    [OperatedBy::Agent, OperatedBy::Assistant].map(|by| (by.as_str().to_owned(), by.label().to_owned())).to_vec()
}

/// The number's description: several lines, optional.
#[component]
pub fn DescriptionField(value: RwSignal<String>, errors: Signal<Vec<String>>) -> impl IntoView {
    view! {
        <div class="form-field">
            <label for="number-description">"Description (optional)"</label>
            <textarea
                id="number-description"
                rows="2"
                maxlength=PHONE_NUMBER_DESCRIPTION_MAX.to_string()
                aria-describedby="number-description-errors"
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            ></textarea>
            <FieldErrors id="number-description-errors" reasons=errors/>
        </div>
    }
}
