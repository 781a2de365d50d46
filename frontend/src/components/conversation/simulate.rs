//! "Simulate reply" (simulator mode only): writes a made-up message from the contact
//! to our number, so anyone can try the whole loop — a reply, needs attention, an
//! agent's answer and its statuses — without a phone.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tidings_domain::conversation_wire::{Conversation, SimulatedInbound};
use tidings_domain::message_wire::{Direction, Message};

use crate::api::use_api;

/// Our number in a conversation: the sender of our messages, the recipient of theirs.
fn our_number(messages: &[Message]) -> Option<String> {
    messages.first().map(|m| if m.direction == Direction::Outbound { m.from.clone() } else { m.to.clone() })
}

#[component]
pub fn SimulateReply(conversation: Memo<Option<Conversation>>, messages: Memo<Vec<Message>>) -> impl IntoView {
    let api = use_api();
    let text = RwSignal::new(String::new());
    let status = RwSignal::new(None::<Result<(), String>>);
    let busy = RwSignal::new(false);
    let id = move || conversation.read().as_ref().map(|c| c.id).unwrap_or_default();
    let submit = move || {
        let body = text.get_untracked();
        let (Some(from), Some(to)) = (
            conversation.read_untracked().as_ref().map(|c| c.contact.phone.clone()),
            our_number(&messages.read_untracked()),
        ) else {
            return;
        };
        if body.trim().is_empty() {
            status.set(Some(Err("Type what the contact says.".to_owned())));
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let result = api.simulate_reply(&SimulatedInbound { from, to, body }).await;
            busy.set(false);
            match result {
                Ok(_) => {
                    text.set(String::new());
                    status.set(Some(Ok(())));
                }
                Err(error) => status.set(Some(Err(error.user_message()))),
            }
        });
    };

    view! {
        <details class="simulate-reply">
            <summary>"Simulate reply"</summary>
            <form on:submit=move |ev| {
                ev.prevent_default();
                submit();
            }>
                <p class="muted">"Simulator mode: make up a message from this contact, as if they had texted back."</p>
                <label for=move || format!("simulate-{}", id())>"The contact's message"</label>
                <input
                    id=move || format!("simulate-{}", id())
                    type="text"
                    prop:value=move || text.get()
                    on:input=move |ev| {
                        status.set(None);
                        text.set(event_target_value(&ev));
                    }
                />
                <button type="submit" class="button" disabled=move || busy.get()>"Send as the contact"</button>
                {move || status.get().map(|result| match result {
                    Ok(()) => view! { <p class="muted" role="status">"Received. It appears in the conversation."</p> }.into_any(),
                    Err(message) => view! { <p class="alert" role="alert">{message}</p> }.into_any(),
                })}
            </form>
        </details>
    }
}
