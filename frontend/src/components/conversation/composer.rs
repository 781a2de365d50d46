//! The reply box: the text with undo, redo, select all, an emoji picker and the segment
//! counter, and Send. Enter sends and Shift+Enter starts a new line (the composer says
//! so); Ctrl+Z and Ctrl+Shift+Z (or Ctrl+Y) undo and redo through the composer's own
//! history, a word at a time.

use leptos::prelude::*;
use tidings_domain::segments::segment_info;

use super::emoji::EmojiPicker;
use super::history::{insert_at, History};
use crate::api::use_api;
use crate::components::segment_counter::SegmentCounter;

/// The composer of conversation `id`. `blocked` says why no reply can be sent (the
/// contact opted out, the campaign ended), which disables it; `sent` runs after a reply
/// was queued.
#[component]
pub fn Composer(
    id: i64,
    #[prop(into)] blocked: Signal<Option<String>>,
    /// A reason the reply may not arrive; the first Send asks to confirm it.
    #[prop(into)]
    warning: Signal<Option<String>>,
    sent: Callback<()>,
) -> impl IntoView {
    let api = use_api();
    let history = RwSignal::new(History::default());
    let text = Memo::new(move |_| history.read().current().to_owned());
    let info = Signal::derive(move || segment_info(&text.get()));
    let area = NodeRef::<leptos::html::Textarea>::new();
    let error = RwSignal::new(None::<String>);

    let send = Action::new_local(move |body: &String| {
        let body = body.clone();
        async move { api.reply(id, body).await }
    });
    let sending = send.pending();
    // Runs once per answer, and only then: the callback reads signals of the page
    // around it (the lists it reloads), and an effect that tracked those would run
    // again on their next change, see the last answer still there, and wipe the reply
    // being typed.
    Effect::watch(
        move || send.version().get(),
        move |_, _, _| match send.value().get_untracked() {
            Some(Ok(_)) => {
                error.set(None);
                history.update(|h| h.record(String::new()));
                sent.run(());
            }
            Some(Err(failure)) => error.set(Some(failure.user_message())),
            None => {}
        },
        false,
    );

    let disabled = Signal::derive(move || blocked.read().is_some() || sending.get());
    let can_send = move || !disabled.get() && !text.read().trim().is_empty();
    // The warning is said before the first send; "Send anyway" sends.
    let confirming = RwSignal::new(false);
    let submit = move || {
        if !can_send() {
            return;
        }
        if warning.get_untracked().is_some() && !confirming.get_untracked() {
            confirming.set(true);
            return;
        }
        confirming.set(false);
        send.dispatch(text.get_untracked());
    };
    let focus_area = move || {
        if let Some(area) = area.get_untracked() {
            let _ = area.focus();
        }
    };
    let undo = move || {
        history.update(|h| {
            h.undo();
        });
        focus_area();
    };
    let redo = move || {
        history.update(|h| {
            h.redo();
        });
        focus_area();
    };
    let select_all = move || {
        if let Some(area) = area.get_untracked() {
            let _ = area.focus();
            area.select();
        }
    };
    let pick_emoji = Callback::new(move |emoji: &'static str| {
        let caret = area.get_untracked().and_then(|a| a.selection_start().ok().flatten()).unwrap_or(u32::MAX);
        let (next, caret) = insert_at(&text.get_untracked(), caret, emoji);
        history.update(|h| h.record(next.clone()));
        if let Some(area) = area.get_untracked() {
            // Write the value now so the caret can go right after the emoji.
            area.set_value(&next);
            let _ = area.focus();
            let _ = area.set_selection_range(caret, caret);
        }
    });

    view! {
        <form
            class="composer"
            aria-label="Reply"
            on:submit=move |ev| {
                ev.prevent_default();
                submit();
            }
        >
            {move || blocked.get().map(|why| view! { <p class="muted composer-blocked">{why}</p> })}
            {move || error.get().map(|message| view! { <p class="alert" role="alert">{message}</p> })}
            {move || {
                warning.get().filter(|_| blocked.read().is_none()).map(|why| {
                    view! {
                        <div class="notice notice-warning composer-warning" role="alert">
                            <p>{why}</p>
                            {move || confirming.get().then(|| view! {
                                <p>
                                    <button type="button" class="button button-small" on:click=move |_| submit()>
                                        "Send anyway"
                                    </button>
                                    " "
                                    <button type="button" class="button button-small" on:click=move |_| confirming.set(false)>
                                        "Cancel"
                                    </button>
                                </p>
                            })}
                        </div>
                    }
                })
            }}
            <label for=format!("reply-{id}") class="visually-hidden">"Your reply"</label>
            <textarea
                id=format!("reply-{id}")
                node_ref=area
                rows="2"
                placeholder="Type a reply…"
                aria-describedby=format!("reply-{id}-keys")
                disabled=move || disabled.get()
                prop:value=move || text.get()
                on:input=move |ev| {
                    let value = event_target_value(&ev);
                    history.update(|h| h.type_text(value));
                }
                on:keydown=move |ev| {
                    let command = ev.ctrl_key() || ev.meta_key();
                    match ev.key().as_str() {
                        // Enter sends, Shift+Enter starts a new line; not while an input
                        // method is still composing a character.
                        "Enter" if !ev.shift_key() && !ev.is_composing() => {
                            ev.prevent_default();
                            submit();
                        }
                        "z" | "Z" if command && ev.shift_key() => {
                            ev.prevent_default();
                            redo();
                        }
                        "z" | "Z" if command => {
                            ev.prevent_default();
                            undo();
                        }
                        "y" | "Y" if command => {
                            ev.prevent_default();
                            redo();
                        }
                        _ => {}
                    }
                }
            ></textarea>
            <div class="composer-foot">
                <div class="composer-tools" role="toolbar" aria-label="Edit the reply">
                    <button
                        type="button"
                        class="button button-small"
                        disabled=move || disabled.get() || !history.read().can_undo()
                        on:click=move |_| undo()
                    >
                        "Undo"
                    </button>
                    <button
                        type="button"
                        class="button button-small"
                        disabled=move || disabled.get() || !history.read().can_redo()
                        on:click=move |_| redo()
                    >
                        "Redo"
                    </button>
                    <button
                        type="button"
                        class="button button-small"
                        disabled=move || disabled.get()
                        on:click=move |_| select_all()
                    >
                        "Select all"
                    </button>
                    <EmojiPicker pick=pick_emoji disabled/>
                </div>
                <button type="submit" class="button button-primary" disabled=move || !can_send()>
                    {move || if sending.get() { "Sending…" } else { "Send" }}
                </button>
            </div>
            <div class="composer-meta">
                <SegmentCounter info/>
                <span class="muted composer-keys" id=format!("reply-{id}-keys")>
                    <kbd>"Enter"</kbd> " sends · " <kbd>"Shift"</kbd> "+" <kbd>"Enter"</kbd> " adds a line"
                </span>
            </div>
        </form>
    }
}
