//! The page for a path the app has no screen for.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

/// Says which path has no page and offers the way home.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    let path = use_location().pathname;
    view! {
        <section class="page">
            <div class="panel">
                <h1>"Page not found"</h1>
                <p>"There is no page at " <code>{move || path.get()}</code> "."</p>
                <p><A href="/">"Go to the home page"</A></p>
            </div>
        </section>
    }
}
