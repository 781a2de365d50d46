//! The search box every list shares. Typing is debounced: the list hears of the search
//! once the user pauses, not at every keystroke, so a fast typist sends one request.

use std::time::Duration;

use leptos::prelude::*;

/// How long typing must pause before the search is sent.
const SEARCH_DEBOUNCE: Duration = Duration::from_millis(300);

/// A search box that writes the trimmed text to `search` once typing pauses. The label
/// is shown, or read to screen readers only with `hidden_label` (a placeholder then
/// says what to type); `class` is the wrapper's (the filters' `search`, a form's
/// `form-field search-box`).
#[component]
pub fn SearchBox(
    id: &'static str,
    label: &'static str,
    search: RwSignal<String>,
    #[prop(optional)] placeholder: Option<&'static str>,
    #[prop(optional)] hidden_label: bool,
    #[prop(default = "search")] class: &'static str,
) -> impl IntoView {
    let typed = RwSignal::new(search.get_untracked());
    let on_input = debounced(search, typed);
    view! {
        <div class=class>
            <label for=id class:visually-hidden=hidden_label>{label}</label>
            <input id=id type="search" placeholder=placeholder prop:value=move || typed.get() on:input=on_input/>
        </div>
    }
}

/// The input handler: shows each keystroke in `typed` at once and writes `search` when
/// typing has paused for [`SEARCH_DEBOUNCE`].
fn debounced(search: RwSignal<String>, typed: RwSignal<String>) -> impl Fn(leptos::ev::Event) + Copy + 'static {
    // Each keystroke starts a timer; only the latest one's timer sends the search.
    let keystrokes = StoredValue::new(0u64);
    move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        typed.set(value.clone());
        keystrokes.update_value(|n| *n += 1);
        let this = keystrokes.get_value();
        set_timeout(
            move || {
                // The box may be gone when the pause ends (another tab, a choice made
                // meanwhile): the `try_` forms then do nothing.
                if keystrokes.try_get_value() == Some(this) {
                    search.try_set(value.trim().to_owned());
                }
            },
            SEARCH_DEBOUNCE,
        );
    }
}
