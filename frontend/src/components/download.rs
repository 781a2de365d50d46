//! Saving text the page fetched as a file (the Contacts export, transcripts): the API
//! needs the bearer token, which a plain link cannot send, so the page fetches the file
//! and hands the browser a Blob.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::wasm_bindgen::{JsCast, JsValue};
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, Url};

use crate::api::ApiError;
use crate::feedback::ErrorPanel;

/// Fetching a file's text.
pub type TextTask = Pin<Box<dyn Future<Output = Result<String, ApiError>>>>;

/// A button that fetches a file with `fetch` and saves it as `file_name`, saying so
/// while it works and what went wrong if it failed (with a retry). `children` go
/// before the label (an icon).
#[component]
pub fn DownloadButton(
    label: &'static str,
    busy_label: &'static str,
    /// What the error panel calls the file ("The CSV", "The transcript").
    what: &'static str,
    #[prop(into)] file_name: String,
    mime: &'static str,
    fetch: Callback<(), TextTask>,
    #[prop(optional, into)] class: Option<&'static str>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let file_name = StoredValue::new(file_name);
    let start = move || {
        busy.set(true);
        error.set(None);
        let task = fetch.run(());
        spawn_local(async move {
            let result = task.await;
            busy.try_set(false);
            match result {
                Ok(text) => {
                    if save_text(&file_name.get_value(), &text, mime).is_err() {
                        error.try_set(Some("This browser would not save the file.".to_owned()));
                    }
                }
                Err(e) => {
                    error.try_set(Some(e.user_message()));
                }
            }
        });
    };
    view! {
        <button type="button" class=class.unwrap_or("button") disabled=move || busy.get() on:click=move |_| start()>
            {children.map(|children| children())}
            {move || if busy.get() { busy_label } else { label }}
        </button>
        {move || error.get().map(|message| view! {
            <div class="toolbar-error">
                <ErrorPanel
                    title=format!("{what} could not be downloaded")
                    message
                    retry=Callback::new(move |()| start())
                />
            </div>
        })}
    }
}

/// Offers `text` for download as `file_name`, the way a link with `download` would.
pub fn save_text(file_name: &str, text: &str, mime: &str) -> Result<(), JsValue> {
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let blob = Blob::new_with_str_sequence_and_options(&js_sys::Array::of1(&JsValue::from_str(text)), &options)?;
    let url = Url::create_object_url_with_blob(&blob)?;
    let anchor: HtmlAnchorElement = document().create_element("a")?.unchecked_into();
    anchor.set_href(&url);
    anchor.set_download(file_name);
    // Firefox follows only links that are in the document.
    let body = document().body().ok_or_else(|| JsValue::from_str("no body"))?;
    body.append_child(&anchor)?;
    anchor.click();
    anchor.remove();
    // Revoking at once can cancel a download that has not started reading the Blob yet;
    // the URL only has to outlive the click.
    set_timeout(
        move || {
            let _ = Url::revoke_object_url(&url);
        },
        Duration::from_secs(30),
    );
    Ok(())
}
