//! A modal dialog on the native `<dialog>`: `showModal()` makes the rest of the page
//! inert, so focus cannot wander behind it, without a hand-written focus trap.

use leptos::html::Dialog;
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;

/// Shown while it is rendered: focus moves to its `autofocus` element, Escape calls
/// `on_close`, and when it goes away focus returns to what was focused before, so a
/// keyboard user carries on from the button that opened it.
#[component]
pub fn Modal(
    /// The id of the element that names the dialog (its heading).
    #[prop(into)]
    labelled_by: String,
    on_close: Callback<()>,
    children: Children,
) -> impl IntoView {
    let dialog_ref = NodeRef::<Dialog>::new();
    let opener = StoredValue::new_local(document().active_element());
    dialog_ref.on_load(move |dialog| {
        let _ = dialog.show_modal();
        // Browsers differ on what showModal focuses without a focusable autofocus
        // element; naming it explicitly makes every browser agree.
        if let Ok(Some(first)) = dialog.query_selector("[autofocus]") {
            if let Ok(first) = first.dyn_into::<web_sys::HtmlElement>() {
                let _ = first.focus();
            }
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
                // Only a close by the browser itself counts: the close event of a dialog
                // the page has already taken away arrives after it left the document.
                let connected = ev.target().and_then(|t| t.dyn_into::<web_sys::Node>().ok()).is_some_and(|n| n.is_connected());
                if connected {
                    on_close.run(());
                }
            }
        >
            {children()}
        </dialog>
    }
}
