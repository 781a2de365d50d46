//! The search box (the shared debounced one) and the tag filter (any of the chosen
//! tags): the Campaigns page's (titles, campaign tags) and the Activity tab's (names and
//! phones, conversation tags) share it.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::components::search_box::SearchBox;

/// The tags a filter offers: (tag, how many carry it), or why they could not be loaded.
pub type TagOptions = LocalResource<Result<Vec<(String, i64)>, ApiError>>;

/// What the search box is for.
#[derive(Clone, Copy)]
pub struct SearchLabels {
    /// The element id (unique on the page).
    pub id: &'static str,
    /// The label read by screen readers.
    pub label: &'static str,
    pub placeholder: &'static str,
}

/// Search and tag filter; they write the debounced search and the chosen tags.
#[component]
pub fn Filters(
    search: RwSignal<String>,
    tags: RwSignal<Vec<String>>,
    search_box: SearchLabels,
    /// The tags to offer; no tag filter without them.
    #[prop(optional)]
    tag_options: Option<TagOptions>,
) -> impl IntoView {
    view! {
        <div class="filters">
            <SearchBox
                id=search_box.id
                label=search_box.label
                placeholder=search_box.placeholder
                hidden_label=true
                search
            />
            {tag_options.map(|available| view! { <TagFilter tags available/> })}
        </div>
    }
}

/// A drop-down of checkboxes, one per tag in use, with the chosen ones as chips.
#[component]
fn TagFilter(tags: RwSignal<Vec<String>>, available: TagOptions) -> impl IntoView {
    let toggle = move |tag: String, on: bool| {
        tags.update(|chosen| {
            chosen.retain(|t| *t != tag);
            if on {
                chosen.push(tag);
            }
        });
    };

    // A popover closes as people expect: on a click anywhere else, and on Escape (which
    // gives focus back to its button).
    let popover = NodeRef::<leptos::html::Details>::new();
    let clicks = window_event_listener(leptos::ev::click, move |ev| {
        let Some(details) = popover.get_untracked() else { return };
        let target = ev.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Node>(t).ok());
        if details.open() && !details.contains(target.as_ref()) {
            details.set_open(false);
        }
    });
    on_cleanup(move || clicks.remove());
    let close_on_escape = move |ev: leptos::ev::KeyboardEvent| {
        let Some(details) = popover.get_untracked() else { return };
        if ev.key() == "Escape" && details.open() {
            ev.stop_propagation();
            details.set_open(false);
            if let Some(summary) = details.query_selector("summary").ok().flatten() {
                if let Ok(summary) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(summary) {
                    let _ = summary.focus();
                }
            }
        }
    };

    view! {
        <details class="tag-filter" node_ref=popover on:keydown=close_on_escape>
            <summary class="button">
                "Tags"
                {move || {
                    let n = tags.read().len();
                    (n > 0).then(|| view! { <span class="count-badge">{n}</span> })
                }}
            </summary>
            <div class="tag-options">
                <Transition fallback=|| view! { <p class="muted">"Loading tags…"</p> }>
                    {move || Suspend::new(async move {
                        match available.await {
                            Ok(list) if list.is_empty() => view! { <p class="muted">"No tags in use."</p> }.into_any(),
                            Ok(list) => list
                                .into_iter()
                                .map(|(tag, count)| {
                                    let label = tag.clone();
                                    let checked_tag = tag.clone();
                                    let id = format!("tag-option-{}", tag.replace(char::is_whitespace, "-"));
                                    view! {
                                        <div class="tag-option">
                                            <input
                                                type="checkbox"
                                                id=id.clone()
                                                prop:checked=move || tags.read().contains(&checked_tag)
                                                on:change=move |ev| toggle(tag.clone(), event_target_checked(&ev))
                                            />
                                            <label for=id>{label}</label>
                                            <span class="muted tag-count">{count}</span>
                                        </div>
                                    }
                                })
                                .collect_view()
                                .into_any(),
                            Err(error) => view! {
                                <p role="alert" class="alert">{error.user_message()}</p>
                            }
                            .into_any(),
                        }
                    })}
                </Transition>
            </div>
        </details>
        <div class="chosen-tags">
            {move || {
                tags.get()
                    .into_iter()
                    .map(|tag| {
                        let remove = tag.clone();
                        view! {
                            <button
                                type="button"
                                class="chip chip-removable"
                                aria-label=format!("Remove tag filter {tag}")
                                on:click=move |_| toggle(remove.clone(), false)
                            >
                                {tag.clone()}
                                " ×"
                            </button>
                        }
                    })
                    .collect_view()
            }}
        </div>
    }
}
