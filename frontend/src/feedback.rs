//! Loading and error panels, so a page is never blank while it waits or after it fails;
//! the API's field errors, shown under the fields they name; and the saving state the
//! management forms share.

use leptos::prelude::*;
use tidings_domain::FieldError;

use crate::api::ApiError;

/// A spinner with words saying what is loading; announced politely to screen readers.
#[component]
pub fn Loading(#[prop(into)] label: String) -> impl IntoView {
    view! {
        <div class="loading" role="status" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            <span>{label}</span>
        </div>
    }
}

/// A failure the user can read, with a way to try again when one helps.
#[component]
pub fn ErrorPanel(
    #[prop(into)] title: String,
    #[prop(into)] message: String,
    #[prop(optional)] retry: Option<Callback<()>>,
) -> impl IntoView {
    view! {
        <section class="panel error-panel">
            <h2>{title}</h2>
            <p role="alert">{message}</p>
            {retry.map(|retry| view! {
                <button type="button" class="button" on:click=move |_| retry.run(())>
                    "Try again"
                </button>
            })}
        </section>
    }
}

/// The API's reasons for a field, under it, announced to screen readers when they appear.
#[component]
pub fn FieldErrors(#[prop(into)] reasons: Signal<Vec<String>>, #[prop(into)] id: String) -> impl IntoView {
    view! {
        <Show when=move || !reasons.read().is_empty()>
            <ul class="field-errors" id=id.clone() role="alert">
                {move || reasons.get().into_iter().map(|reason| view! { <li>{reason}</li> }).collect_view()}
            </ul>
        </Show>
    }
}

/// The reasons the API gave for `field` and for its parts (`user_ids[2]` for `user_ids`).
pub fn reasons_for(errors: &[FieldError], field: &str) -> Vec<String> {
    errors
        .iter()
        .filter(|e| {
            e.field == field
                || e.field.strip_prefix(field).is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
        })
        .map(|e| e.reason.clone())
        .collect()
}

/// What the page's last change did (or why it failed), until dismissed.
#[component]
pub fn NoticeBar(notice: RwSignal<Option<String>>) -> impl IntoView {
    move || {
        notice.get().map(|message| {
            view! {
                <div class="notice notice-success outcome" role="status">
                    <span>{message}</span>
                    <button type="button" class="link-button dismiss" on:click=move |_| notice.set(None)>
                        "Dismiss"
                    </button>
                </div>
            }
        })
    }
}

/// A form's saving state: busy while its request runs, the API's reasons for the fields
/// it names, and a refusal that names none. Cheap to copy into closures.
#[derive(Clone, Copy, Default)]
pub struct FormState {
    pub busy: RwSignal<bool>,
    errors: RwSignal<Vec<FieldError>>,
    failure: RwSignal<Option<String>>,
}

impl FormState {
    /// A save starts: busy, and the last refusal forgotten.
    pub fn begin(self) {
        self.busy.set(true);
        self.errors.set(Vec::new());
        self.failure.set(None);
    }

    /// Whether the form is still there when its answer arrives (its dialog may have been
    /// closed, or its page left, meanwhile).
    pub fn is_open(self) -> bool {
        self.busy.try_get_untracked().is_some()
    }

    /// The API refused: its reasons go under the fields it names, or, naming none, above
    /// the buttons; the form can be sent again.
    pub fn refused(self, error: &ApiError) {
        let fields = error.field_errors();
        if fields.is_empty() {
            self.failure.try_set(Some(error.user_message()));
        }
        self.errors.try_set(fields);
        self.busy.try_set(false);
    }

    /// The reasons for `field` and its parts, for the field's error list.
    pub fn reasons(self, field: &'static str) -> Signal<Vec<String>> {
        Signal::derive(move || self.errors.with(|errors| reasons_for(errors, field)))
    }

    /// The refusal that names no field, as an alert.
    pub fn failure_alert(self) -> impl IntoView {
        move || self.failure.get().map(|message| view! { <p class="alert" role="alert">{message}</p> })
    }
}

/// What a page for administrators shows everyone else, without asking the API.
#[component]
pub fn AdminsOnly() -> impl IntoView {
    view! {
        <ErrorPanel
            title="For administrators"
            message="Only users with the administrative role manage this part of Tidings."
        />
    }
}
