//! A keyboard-operable tab list whose selection lives in the address, so a reload or a
//! shared link opens the same tab: the Campaigns page's, a campaign's and the inbox's.
//!
//! Arrow keys, Home and End move between the tabs and select them (the "automatic
//! activation" pattern), so only the selected tab is in the Tab order.

use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

/// One tab.
#[derive(Debug, Clone, PartialEq)]
pub struct TabItem {
    pub label: &'static str,
    /// The tab element's id, which its panel's `aria-labelledby` names.
    pub id: String,
    /// Where selecting it goes.
    pub href: String,
}

/// The tabs; `selected` is the index of the selected one, `panel_id` the element they
/// control. With `replace`, switching tabs replaces the history entry instead of adding
/// one, so Back leaves the page rather than stepping through its tabs.
#[component]
pub fn TabList(
    /// Names the tab list for screen readers.
    label: &'static str,
    tabs: Vec<TabItem>,
    #[prop(into)] selected: Signal<usize>,
    panel_id: &'static str,
    #[prop(optional)] replace: bool,
) -> impl IntoView {
    let navigate = use_navigate();
    let tabs = StoredValue::new(tabs);
    let count = tabs.with_value(Vec::len);
    let go = move |index: usize, focus: bool| {
        let Some(tab) = tabs.with_value(|tabs| tabs.get(index).cloned()) else {
            return;
        };
        navigate(&tab.href, NavigateOptions { replace, ..Default::default() });
        if focus {
            let element = document().get_element_by_id(&tab.id);
            if let Some(element) = element.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
                let _ = element.focus();
            }
        }
    };

    view! {
        <div class="tabs" role="tablist" aria-label=label>
            {tabs
                .get_value()
                .into_iter()
                .enumerate()
                .map(|(index, tab)| {
                    let go_click = go.clone();
                    let go_key = go.clone();
                    let is_selected = move || selected.get() == index;
                    view! {
                        <button
                            type="button"
                            role="tab"
                            class="tab"
                            id=tab.id
                            aria-controls=panel_id
                            aria-selected=move || is_selected().to_string()
                            tabindex=move || if is_selected() { "0" } else { "-1" }
                            on:click=move |_| go_click(index, false)
                            on:keydown=move |ev| {
                                let next = match ev.key().as_str() {
                                    "ArrowRight" => Some((index + 1) % count),
                                    "ArrowLeft" => Some((index + count - 1) % count),
                                    "Home" => Some(0),
                                    "End" => Some(count - 1),
                                    _ => None,
                                };
                                if let Some(next) = next {
                                    ev.prevent_default();
                                    go_key(next, true);
                                }
                            }
                        >
                            {tab.label}
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}
