//! Conversation tags: type a tag and press Enter to add it (at most three, 30
//! characters each, with a counter); each tag has a remove button.

use leptos::prelude::*;
use tidings_domain::tags::{add_tag, CONVERSATION_TAG_MAX, TAG_MAX_CHARS};

/// The editor; `save` receives the whole new tag list (the API replaces it at once).
#[component]
pub fn TagEditor(
    id: i64,
    #[prop(into)] tags: Signal<Vec<String>>,
    save: Callback<Vec<String>>,
    #[prop(into)] saving: Signal<bool>,
) -> impl IntoView {
    let typed = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let input_id = format!("conversation-tags-{id}");
    let full = move || tags.read().len() >= CONVERSATION_TAG_MAX;
    let add = move || {
        let candidate = typed.get_untracked();
        match add_tag(&tags.get_untracked(), &candidate, Some(CONVERSATION_TAG_MAX)) {
            Ok(next) => {
                problem.set(None);
                typed.set(String::new());
                save.run(next);
            }
            Err(why) => problem.set(Some(why)),
        }
    };

    view! {
        <div class="tag-editor">
            <label for=input_id.clone()>"Conversation Tags"</label>
            <ul class="chips" aria-label="Tags on this conversation">
                {move || {
                    tags.get()
                        .into_iter()
                        .map(|tag| {
                            let remaining = tags.get_untracked().into_iter().filter(|t| *t != tag).collect::<Vec<_>>();
                            view! {
                                <li class="chip">
                                    {tag.clone()}
                                    <button
                                        type="button"
                                        class="chip-remove"
                                        aria-label=format!("Remove tag {tag}")
                                        disabled=move || saving.get()
                                        on:click=move |_| save.run(remaining.clone())
                                    >
                                        "×"
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <div class="tag-input">
                <input
                    id=input_id
                    type="text"
                    maxlength=TAG_MAX_CHARS.to_string()
                    placeholder=move || if full() { "Three tags at most" } else { "Type a tag, press Enter" }
                    disabled=move || full() || saving.get()
                    aria-describedby=format!("conversation-tags-count-{id}")
                    prop:value=move || typed.get()
                    on:input=move |ev| {
                        problem.set(None);
                        typed.set(event_target_value(&ev));
                    }
                    on:keydown=move |ev| {
                        if ev.key() == "Enter" {
                            ev.prevent_default();
                            add();
                        }
                    }
                />
                <span class="muted tag-counter" id=format!("conversation-tags-count-{id}")>
                    {move || format!("{}/{TAG_MAX_CHARS} characters", typed.read().chars().count())}
                </span>
            </div>
            {move || problem.get().map(|why| view! { <p class="field-errors" role="alert">{why}</p> })}
        </div>
    }
}
