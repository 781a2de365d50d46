//! A list of conversations: each row a link that opens the conversation, with the
//! contact, the last message and its status icon, and the conversation's tags.

use leptos::prelude::*;
use leptos_router::components::A;
use tidings_domain::conversation_wire::{Conversation, Section};

use super::contact_name;
use super::status_icon::status_icon;

/// A section's heading, in the guide's words.
pub fn section_label(section: Section) -> &'static str {
    match section {
        Section::NeedsAttention => "Needs attention",
        Section::AgentOperated => "Agent-operated",
        Section::AssistantOperated => "Virtual Assistant-operated",
    }
}

/// The rows; `href` says where each one links, `selected` which one is open.
#[component]
pub fn ConversationList(
    items: Vec<Conversation>,
    href: Callback<i64, String>,
    #[prop(into)] selected: Signal<Option<i64>>,
    /// Names the list for screen readers.
    #[prop(into)]
    label: String,
) -> impl IntoView {
    view! {
        <ul class="conversation-list" aria-label=label>
            {items
                .into_iter()
                .map(|conversation| {
                    let id = conversation.id;
                    let name = contact_name(&conversation);
                    let preview = conversation.last_message.as_ref().map(|m| m.body.clone()).unwrap_or_default();
                    let icon = conversation.last_message.as_ref().map(status_icon);
                    view! {
                        <li class="conversation-row" class:selected=move || selected.get() == Some(id)>
                            <A href=href.run(id) attr:aria-current=move || (selected.get() == Some(id)).then_some("true")>
                                <span class="row-top">
                                    <span class="contact-name">{name}</span>
                                    {icon}
                                </span>
                                <span class="muted contact-phone">{conversation.contact.phone.clone()}</span>
                                <span class="preview">{preview}</span>
                                {(!conversation.tags.is_empty()).then(|| view! {
                                    <span class="chips">
                                        {conversation.tags.iter().map(|t| view! { <span class="chip">{t.clone()}</span> }).collect_view()}
                                    </span>
                                })}
                            </A>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
