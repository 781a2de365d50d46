//! The Contacts tab's two dialogs: the SMS preview (the exact text, its encoding and
//! segments) and the opt-out confirmation.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tidings_domain::campaign_contact_wire::CampaignContact;
use tidings_domain::template::MessagePreview;

use super::row::full_name;
use crate::api::use_api;
use crate::components::dialog::Dialog;
use crate::components::phone::{display_phone, phone_text};
use crate::components::segment_counter::highlighted;
use crate::feedback::{ErrorPanel, Loading};

/// The message as `contact` receives it, loaded when the dialog opens.
#[component]
pub fn SmsPreviewDialog(campaign_id: i64, contact: CampaignContact, on_close: Callback<()>) -> impl IntoView {
    let api = use_api();
    let contact_id = contact.id;
    let preview = LocalResource::new(move || async move { api.contact_sms_preview(campaign_id, contact_id).await });

    view! {
        <Dialog heading=format!("SMS preview: {}", full_name(&contact)) on_close>
            <p class="muted">"To " {phone_text(&contact.phone)}</p>
            <Suspense fallback=|| view! { <Loading label="Loading the message…"/> }>
                {move || Suspend::new(async move {
                    match preview.await {
                        Ok(preview) => view! { <PreviewBody preview/> }.into_any(),
                        Err(error) => view! {
                            <ErrorPanel
                                title="The preview could not be loaded"
                                message=error.user_message()
                                retry=Callback::new(move |()| preview.refetch())
                            />
                        }
                        .into_any(),
                    }
                })}
            </Suspense>
            <div class="dialog-actions">
                <button type="button" class="button" autofocus on:click=move |_| on_close.run(())>
                    "Close"
                </button>
            </div>
        </Dialog>
    }
}

#[component]
fn PreviewBody(preview: MessagePreview) -> impl IntoView {
    let info = preview.segments;
    let ucs2 = (!info.ucs2_chars.is_empty()).then(|| {
        let chars = info.ucs2_chars.iter().map(char::to_string).collect::<Vec<_>>().join(" ");
        view! { <p class="ucs2-note">{format!("Sent as UCS-2 because of: {chars}")}</p> }
    });
    view! {
        <div class="sms-bubble preview-text" data-testid="sms-text">{highlighted(&preview.body, &info.ucs2_chars)}</div>
        <dl class="preview-facts">
            <dt>"Encoding"</dt>
            <dd data-fact="encoding">{info.encoding.label()}</dd>
            <dt>"Segments"</dt>
            <dd data-fact="segments">{info.segments}</dd>
            <dt>"Length"</dt>
            <dd>{format!("{} characters ({} per segment)", info.units, info.per_segment)}</dd>
        </dl>
        {ucs2}
        {preview.problem.map(|problem| view! { <p class="alert" role="alert">{problem}</p> })}
    }
}

/// Asks before opting `contact` out; `on_done` gets the row as the API returns it.
#[component]
pub fn OptOutDialog(
    campaign_id: i64,
    contact: CampaignContact,
    on_close: Callback<()>,
    on_done: Callback<CampaignContact>,
) -> impl IntoView {
    let api = use_api();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let name = full_name(&contact);
    let contact_id = contact.id;
    let confirm = move |_| {
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let result = api.opt_out_contact(campaign_id, contact_id).await;
            busy.set(false);
            match result {
                Ok(updated) => on_done.run(updated),
                Err(e) => error.set(Some(e.user_message())),
            }
        });
    };
    // While the request runs, closing would leave its outcome nowhere to be shown.
    let close = Callback::new(move |()| {
        if !busy.get_untracked() {
            on_close.run(());
        }
    });

    view! {
        <Dialog heading=format!("Opt out {name}?") on_close=close>
            <p>
                {format!(
                    "{} goes on your organisation's opt-out list: no campaign will text this number again.",
                    display_phone(&contact.phone)
                )}
            </p>
            {move || error.get().map(|message| view! {
                <ErrorPanel title="The contact could not be opted out" message/>
            })}
            <div class="dialog-actions">
                <button type="button" class="button" autofocus on:click=move |_| close.run(())>"Cancel"</button>
                <button type="button" class="button button-danger" disabled=move || busy.get() on:click=confirm>
                    {move || if busy.get() { "Opting out…" } else { "Opt out" }}
                </button>
            </div>
        </Dialog>
    }
}
