//! The composer's emoji picker: a small grid of common emoji, each a labelled button,
//! in a popover that Escape closes.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The emoji offered, with the names screen readers say.
const EMOJI: &[(&str, &str)] = &[
    ("😀", "grinning face"),
    ("😊", "smiling face"),
    ("😂", "tears of joy"),
    ("🙂", "slightly smiling face"),
    ("😉", "winking face"),
    ("😍", "heart eyes"),
    ("🤔", "thinking face"),
    ("😅", "sweat smile"),
    ("😢", "crying face"),
    ("😮", "surprised face"),
    ("🙏", "folded hands"),
    ("👍", "thumbs up"),
    ("👋", "waving hand"),
    ("👏", "clapping hands"),
    ("🎉", "party popper"),
    ("🎓", "graduation cap"),
    ("📅", "calendar"),
    ("📞", "telephone"),
    ("✅", "check mark"),
    ("❤️", "red heart"),
    ("⭐", "star"),
    ("🔥", "fire"),
    ("💡", "light bulb"),
    ("📝", "memo"),
];

/// The Emoji button and its popover; `pick` receives the chosen emoji.
#[component]
pub fn EmojiPicker(pick: Callback<&'static str>, #[prop(into)] disabled: Signal<bool>) -> impl IntoView {
    let open = RwSignal::new(false);
    let button = NodeRef::<leptos::html::Button>::new();
    let grid = NodeRef::<leptos::html::Div>::new();
    let close = move || {
        open.set(false);
        if let Some(button) = button.get_untracked() {
            let _ = button.focus();
        }
    };
    // Focus the first emoji when the popover opens, so the keyboard is inside it.
    Effect::new(move |_| {
        if open.get() {
            if let Some(first) = grid
                .get()
                .and_then(|grid| grid.query_selector("button").ok().flatten())
                .and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = first.focus();
            }
        }
    });

    view! {
        <div class="emoji-picker">
            <button
                type="button"
                class="button button-small"
                node_ref=button
                aria-haspopup="dialog"
                aria-expanded=move || open.get().to_string()
                disabled=move || disabled.get()
                on:click=move |_| open.update(|o| *o = !*o)
            >
                "😀 Emoji"
            </button>
            <Show when=move || open.get()>
                <div
                    class="emoji-popover"
                    role="dialog"
                    aria-label="Insert an emoji"
                    node_ref=grid
                    on:keydown=move |ev| {
                        if ev.key() == "Escape" {
                            ev.prevent_default();
                            close();
                        }
                    }
                >
                    {EMOJI
                        .iter()
                        .map(|&(emoji, name)| view! {
                            <button
                                type="button"
                                class="emoji"
                                aria-label=name
                                title=name
                                on:click=move |_| {
                                    pick.run(emoji);
                                    open.set(false);
                                }
                            >
                                {emoji}
                            </button>
                        })
                        .collect_view()}
                </div>
            </Show>
        </div>
    }
}
