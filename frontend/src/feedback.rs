//! Loading and error panels, so a page is never blank while it waits or after it fails.

use leptos::prelude::*;

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
