//! The one modal dialog every screen uses, and the confirmation built on it. It is the
//! native `<dialog>` opened with `showModal()`: the rest of the page is inert, so focus
//! cannot wander behind it without a hand-written focus trap; Escape closes it; focus
//! goes back to what had it.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};

use leptos::html;
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;

use crate::api::ApiError;
use crate::feedback::FormState;

/// What can take focus inside the dialog, for choosing where focus starts.
const FOCUSABLE: &str = "input:not([disabled]), select:not([disabled]), textarea:not([disabled]), \
                         button:not([disabled]), a[href]";

/// Numbers the headings, so two dialogs in one page never share an id.
static HEADINGS: AtomicUsize = AtomicUsize::new(0);

/// A modal dialog named by `heading`, shown while it is rendered (the page closes it by
/// no longer rendering it). Focus starts on the element marked `autofocus`, else on the
/// first field or button; `on_close` runs on Escape (the caller also closes it after
/// its own buttons).
#[component]
pub fn Dialog(#[prop(into)] heading: String, on_close: Callback<()>, children: Children) -> impl IntoView {
    let heading_id = format!("dialog-heading-{}", HEADINGS.fetch_add(1, Ordering::Relaxed));
    let dialog_ref = NodeRef::<html::Dialog>::new();
    let opener = StoredValue::new_local(document().active_element());
    dialog_ref.on_load(move |dialog| {
        let _ = dialog.show_modal();
        // Browsers differ on what showModal focuses; naming it makes every browser agree.
        let first = dialog
            .query_selector("[autofocus]")
            .ok()
            .flatten()
            .or_else(|| dialog.query_selector(FOCUSABLE).ok().flatten());
        if let Some(first) = first.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = first.focus();
        }
    });
    on_cleanup(move || {
        // Everything behind a modal dialog is inert and cannot take focus, so the dialog
        // closes before focus goes back.
        if let Some(dialog) = dialog_ref.get_untracked() {
            dialog.close();
        }
        let opener = opener.try_get_value().flatten();
        if let Some(opener) =
            opener.filter(|e| e.is_connected()).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = opener.focus();
        }
    });

    let labelled_by = heading_id.clone();
    view! {
        <dialog
            node_ref=dialog_ref
            class="dialog modal"
            role="dialog"
            aria-modal="true"
            aria-labelledby=labelled_by
            on:keydown=move |ev| {
                // The page closes the dialog by no longer rendering it; the browser's own
                // Escape handling would close it behind the page's back.
                if ev.key() == "Escape" {
                    ev.prevent_default();
                    on_close.run(());
                }
            }
            on:close=move |ev| {
                // Escape with focus outside the dialog (a button that disabled itself
                // while it works drops focus to the body) closes it natively. Only such a
                // close counts: the close event of a dialog the page has already taken
                // away arrives after it left the document.
                let connected = ev.target().and_then(|t| t.dyn_into::<web_sys::Node>().ok()).is_some_and(|n| n.is_connected());
                if connected {
                    on_close.run(());
                }
            }
        >
            <h2 id=heading_id>{heading}</h2>
            {children()}
        </dialog>
    }
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

/// The foot of a form in a dialog: the refusal that names no field, Cancel, and the
/// submit button, which says `busy_label` while the form is being sent (and is red for
/// a change that lets something happen again, such as lifting an opt-out).
#[component]
pub fn FormActions(
    form: FormState,
    on_close: Callback<()>,
    label: &'static str,
    busy_label: &'static str,
    #[prop(optional)] danger: bool,
) -> impl IntoView {
    let class = if danger { "button button-danger" } else { "button button-primary" };
    view! {
        {form.failure_alert()}
        <div class="dialog-actions">
            <button type="button" class="button" on:click=move |_| on_close.run(())>"Cancel"</button>
            <button type="submit" class=class disabled=move || form.busy.get()>
                {move || if form.busy.get() { busy_label } else { label }}
            </button>
        </div>
    }
}
