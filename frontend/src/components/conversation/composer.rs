//! The reply box: the text with undo, redo, select all, an emoji picker and the segment
//! counter, and Send. Enter sends and Shift+Enter starts a new line (the composer says
//! so); Ctrl+Z and Ctrl+Shift+Z (or Ctrl+Y) undo and redo through the composer's own
//! history, a word at a time. Saved replies come from the template library, through
//! the "Saved replies" picker or by typing `/` and part of a name; either way the
//! contact's merge fields are filled in before the text lands in the box.

use leptos::prelude::*;
use tidings_domain::segments::segment_info;
use tidings_domain::template::{render, MergeFields};
use tidings_domain::template_wire::MessageTemplate;

use super::emoji::EmojiPicker;
use super::history::{insert_at, History};
use crate::api::use_api;
use crate::components::segment_counter::SegmentCounter;
use crate::components::template_picker::{matching, TemplatePicker};

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
    /// The conversation's office, whose saved replies are offered with the
    /// organisation's.
    #[prop(into)]
    office_id: Signal<Option<i64>>,
    /// The contact's values for a saved reply's merge fields.
    #[prop(into)]
    merge: Signal<MergeFields>,
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
    // Saved replies: loaded the first time the `/` shortcut is typed.
    let wanted = RwSignal::new(false);
    let saved = LocalResource::new(move || {
        let wanted = wanted.get();
        let office = office_id.get_untracked();
        async move {
            match wanted {
                true => api.templates(office).await.ok(),
                false => None,
            }
        }
    });
    // Escape hides the suggestions until the `/` is typed again.
    let dismissed = RwSignal::new(false);
    let shortcut = Memo::new(move |_| {
        let text = text.get();
        (text.starts_with('/') && !text.contains('\n')).then_some(text)
    });
    Effect::watch(
        move || shortcut.get().is_some(),
        move |typing, _, _| {
            if *typing {
                wanted.set(true);
            } else {
                dismissed.set(false);
            }
        },
        false,
    );
    let suggestions = Memo::new(move |_| {
        let typed = shortcut.get().filter(|_| !dismissed.get())?;
        let found = matching(saved.get().flatten().as_deref().unwrap_or_default(), &typed);
        (!found.is_empty()).then_some(found)
    });
    let highlighted = RwSignal::new(0usize);
    Effect::watch(move || shortcut.get(), move |_, _, _| highlighted.set(0), false);
    let use_template = Callback::new(move |template: MessageTemplate| {
        let filled = render(&template.body, &merge.get_untracked());
        history.update(|h| h.record(filled.clone()));
        if let Some(area) = area.get_untracked() {
            area.set_value(&filled);
            let _ = area.focus();
            let end = filled.encode_utf16().count() as u32;
            let _ = area.set_selection_range(end, end);
        }
    });
    let suggestions_id = format!("reply-{id}-saved");

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
                    if let Some(found) = suggestions.get_untracked() {
                        let last = found.len() - 1;
                        match ev.key().as_str() {
                            "ArrowDown" => {
                                ev.prevent_default();
                                highlighted.update(|i| *i = if *i >= last { 0 } else { *i + 1 });
                                return;
                            }
                            "ArrowUp" => {
                                ev.prevent_default();
                                highlighted.update(|i| *i = if *i == 0 { last } else { *i - 1 });
                                return;
                            }
                            "Enter" | "Tab" if !ev.shift_key() && !ev.is_composing() => {
                                ev.prevent_default();
                                use_template.run(found[highlighted.get_untracked().min(last)].clone());
                                return;
                            }
                            "Escape" => {
                                ev.prevent_default();
                                dismissed.set(true);
                                return;
                            }
                            _ => {}
                        }
                    }
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
            {move || suggestions.get().map(|found| {
                view! {
                    <ul id=suggestions_id.clone() class="saved-suggestions" role="listbox" aria-label="Saved replies">
                        {found
                            .into_iter()
                            .enumerate()
                            .map(|(index, template)| {
                                let name = template.name.clone();
                                let preview = template.body.clone();
                                let template = StoredValue::new(template);
                                view! {
                                    <li
                                        role="option"
                                        class="saved-suggestion"
                                        aria-selected=move || (highlighted.get() == index).to_string()
                                        // Before the box loses focus, so the caret can come back.
                                        on:mousedown=move |ev| {
                                            ev.prevent_default();
                                            use_template.run(template.get_value());
                                        }
                                    >
                                        <strong>{name}</strong>
                                        <span class="muted">{preview}</span>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
            })}
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
                    <TemplatePicker
                        label="Saved replies"
                        office_id
                        fits=Callback::new(|_: MessageTemplate| None)
                        pick=use_template
                        disabled
                    />
                </div>
                <button type="submit" class="button button-primary" disabled=move || !can_send()>
                    {move || if sending.get() { "Sending…" } else { "Send" }}
                </button>
            </div>
            <div class="composer-meta">
                <SegmentCounter info/>
                <span class="muted composer-keys" id=format!("reply-{id}-keys")>
                    <kbd>"Enter"</kbd> " sends · " <kbd>"Shift"</kbd> "+" <kbd>"Enter"</kbd> " adds a line · "
                    <kbd>"/"</kbd> " picks a saved reply"
                </span>
            </div>
        </form>
    }
}
