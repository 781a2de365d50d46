//! The modal dialog the management pages share: labelled, focus moved in on opening,
//! kept in while open (Tab wraps), Escape closes, and focus handed back to what had it.

use std::future::Future;
use std::pin::Pin;

use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;

use crate::api::ApiError;

/// What can take focus inside the dialog, for moving focus in and wrapping Tab.
const FOCUSABLE: &str = "input:not([disabled]), select:not([disabled]), textarea:not([disabled]), \
                         button:not([disabled]), a[href]";

/// A modal dialog titled `heading`. `on_close` runs on Escape (the caller also closes
/// it after its own buttons). The first field, else the first button, gets focus.
#[component]
pub fn Dialog(#[prop(into)] heading: String, on_close: Callback<()>, children: Children) -> impl IntoView {
    let dialog_ref = NodeRef::<leptos::html::Div>::new();
    // Whoever opened the dialog gets focus back when it goes away.
    let opener = StoredValue::new_local(
        document().active_element().and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok()),
    );
    on_cleanup(move || {
        if let Some(Some(opener)) = opener.try_get_value() {
            let _ = opener.focus();
        }
    });
    Effect::new(move || {
        if let Some(first) = dialog_ref.get().and_then(|dialog| focusable(&dialog).into_iter().next()) {
            let _ = first.focus();
        }
    });
    // On the window, not the dialog: a button that disables itself while it works drops
    // focus to the body, and Escape must still close the dialog then.
    let keys = window_event_listener(leptos::ev::keydown, move |ev| match ev.key().as_str() {
        "Escape" => {
            ev.stop_propagation();
            on_close.run(());
        }
        "Tab" => {
            let Some(dialog) = dialog_ref.get_untracked() else { return };
            let items = focusable(&dialog);
            let (Some(first), Some(last)) = (items.first(), items.last()) else { return };
            let active = document().active_element();
            let inside = active.as_ref().is_some_and(|a| dialog.contains(Some(a)));
            let at = |item: &web_sys::HtmlElement| active.as_ref().is_some_and(|a| a.is_same_node(Some(item)));
            if !inside || (ev.shift_key() && at(first)) || (!ev.shift_key() && at(last)) {
                ev.prevent_default();
                let _ = if ev.shift_key() { last.focus() } else { first.focus() };
            }
        }
        _ => {}
    });
    on_cleanup(move || keys.remove());

    view! {
        <div class="dialog-backdrop">
            <div
                class="dialog"
                role="dialog"
                aria-modal="true"
                aria-labelledby="dialog-heading"
                node_ref=dialog_ref
            >
                <h2 id="dialog-heading">{heading}</h2>
                {children()}
            </div>
        </div>
    }
}

fn focusable(dialog: &web_sys::HtmlDivElement) -> Vec<web_sys::HtmlElement> {
    let Ok(nodes) = dialog.query_selector_all(FOCUSABLE) else {
        return Vec::new();
    };
    (0..nodes.length()).filter_map(|i| nodes.get(i)?.dyn_into::<web_sys::HtmlElement>().ok()).collect()
}

/// The work a confirmation starts: the API call, boxed so one dialog serves every page.
pub type Task = Pin<Box<dyn Future<Output = Result<(), ApiError>>>>;

/// A question before something that cannot be undone: `consequence` says what will
/// happen, `confirm_label` names the button, `run` starts the work. A refusal (a list
/// still in use, an office with users…) is shown in the dialog; success closes it.
#[component]
pub fn ConfirmDialog(
    #[prop(into)] heading: String,
    #[prop(into)] consequence: String,
    confirm_label: &'static str,
    on_close: Callback<()>,
    run: Callback<(), Task>,
) -> impl IntoView {
    // Whether the dialog is still shown when the work ends (its page may have gone).
    let shown = StoredValue::new(());
    let action = Action::new_local(move |(): &()| {
        let task = run.run(());
        async move {
            let outcome = task.await.map_err(|error| error.user_message());
            if outcome.is_ok() && shown.try_get_value().is_some() {
                on_close.run(());
            }
            outcome
        }
    });
    let busy = action.pending();
    let refusal = move || action.value().get().and_then(Result::err);
    view! {
        <Dialog heading on_close>
            <p>{consequence}</p>
            {move || refusal().map(|message| view! { <p class="alert" role="alert">{message}</p> })}
            <div class="dialog-actions">
                <button type="button" class="button" on:click=move |_| on_close.run(())>
                    "Cancel"
                </button>
                <button
                    type="button"
                    class="button button-danger"
                    disabled=move || busy.get()
                    on:click=move |_| {
                        action.dispatch(());
                    }
                >
                    {move || if busy.get() { "Working…" } else { confirm_label }}
                </button>
            </div>
        </Dialog>
    }
}
