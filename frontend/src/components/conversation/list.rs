//! A list of conversations: each row a link that opens the conversation, with the
//! contact, the last message and its status icon, the conversation's tags, and an
//! unread mark while a contact's message waits for the viewer.
//!
//! Rows are keyed by what they show, so a reload (a live event, a colleague's change)
//! rebuilds only the rows that changed, and a row's element stays bound to its
//! conversation when others move: a click aimed at a row opens that row's conversation
//! even when a reply just reordered the list, and the pane keeps its scroll.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_router::components::A;
use tidings_domain::conversation_wire::{Conversation, Section};
use tidings_domain::delivery::MessageStatus;

use super::bulk::BulkSelection;
use super::contact_name;
use super::status_icon::status_icon;
use crate::components::phone::phone_text;
use crate::zone_time::{format_local, short_local};

/// A section's heading, in the guide's words.
pub fn section_label(section: Section) -> &'static str {
    match section {
        Section::NeedsAttention => "Needs attention",
        Section::AgentOperated => "Agent-operated",
        Section::AssistantOperated => "Virtual Assistant-operated",
    }
}

/// What a list pane shows: its rows, or why there are none yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListState {
    Loading,
    Failed,
    Empty,
    Listed,
}

impl ListState {
    /// From whether the loaded list is empty (`None`: not loaded yet) and whether the
    /// last load failed.
    pub fn of(loaded_empty: Option<bool>, failed: bool) -> ListState {
        match loaded_empty {
            _ if failed => ListState::Failed,
            None => ListState::Loading,
            Some(true) => ListState::Empty,
            Some(false) => ListState::Listed,
        }
    }
}

/// Everything a row shows: a row whose key is unchanged is kept as it is.
type RowKey = (i64, DateTime<Utc>, Option<(i64, MessageStatus, bool)>, Vec<String>, (bool, bool), &'static str);

fn row_key(conversation: &Conversation) -> RowKey {
    (
        conversation.id,
        conversation.updated_at,
        conversation.last_message.as_ref().map(|m| (m.id, m.status, m.retrying)),
        conversation.tags.clone(),
        (conversation.contact.opted_out, conversation.unread),
        conversation.section.as_str(),
    )
}

/// The rows; `href` says where each one links, `selected` which one is open. Opening
/// one leaves the page (and the list's pane) where it was scrolled.
#[component]
pub fn ConversationList(
    #[prop(into)] items: Signal<Vec<Conversation>>,
    href: Callback<i64, String>,
    /// The page's own memo, not a `Signal` made from it here: a conversion made while
    /// the page rebuilds its list was disposed with that rebuild while rows still read
    /// it (the crash of issue 13).
    selected: Memo<Option<i64>>,
    /// Names the list for screen readers.
    #[prop(into)]
    label: String,
    /// The zone the last message's time is shown in (the viewer's own).
    zone: StoredValue<String>,
    /// Whether each row names its campaign (the inbox mixes campaigns).
    #[prop(optional)]
    show_campaign: bool,
    /// The bulk actions' selection: each row gets a checkbox.
    #[prop(optional)]
    picking: Option<BulkSelection>,
) -> impl IntoView {
    view! {
        <ul class="conversation-list" aria-label=label>
            <For each=move || items.get() key=row_key let:conversation>
                {conversation_row(conversation, href, selected, zone, show_campaign, picking)}
            </For>
        </ul>
    }
}

/// One row. A plain function, not a component: each component costs the page its own
/// copy of the framework's untracked-build code (a few KB of the bundle budget).
fn conversation_row(
    conversation: Conversation,
    href: Callback<i64, String>,
    selected: Memo<Option<i64>>,
    zone: StoredValue<String>,
    show_campaign: bool,
    picking: Option<BulkSelection>,
) -> impl IntoView {
    let id = conversation.id;
    // Unread until opened here: the server marks it read as it sends the conversation,
    // but this row keeps the list's older copy until the next reload.
    let unread = conversation.unread;
    let opened = std::cell::Cell::new(false);
    let unread_now = move || {
        let open = selected.get() == Some(id);
        opened.set(opened.get() || open);
        unread && !opened.get()
    };
    let name = contact_name(&conversation);
    let preview = conversation.last_message.as_ref().map(|m| m.body.clone()).unwrap_or_default();
    let icon = conversation.last_message.as_ref().map(status_icon);
    let when = conversation.last_message.as_ref().map(|m| m.created_at).and_then(|at| {
        let text = zone.with_value(|zone| short_local(at, zone))?;
        let full = zone.with_value(|zone| format_local(at, zone)).map(|(full, _)| full).unwrap_or_default();
        Some(view! { <time class="muted row-time" datetime=at.to_rfc3339() title=full>{text}</time> })
    });
    let campaign = show_campaign.then(|| {
        let title = conversation.campaign_title.clone().unwrap_or_else(|| "Unsolicited".to_owned());
        view! { <span class="row-campaign">{title}</span> }
    });
    let checkbox = picking.map(|picking| {
        let label = format!("Select {name}");
        view! {
            <input
                type="checkbox"
                class="row-select"
                aria-label=label
                prop:checked=move || picking.everything.get() || picking.picked.read().contains(&id)
                on:change=move |ev| picking.toggle(id, event_target_checked(&ev))
            />
        }
    });
    view! {
        <li
            class="conversation-row"
            class:selected=move || selected.get() == Some(id)
            class:unread=unread_now
            class:pickable=picking.is_some()
        >
            {checkbox}
            <A href=move || href.run(id) scroll=false attr:aria-current=move || (selected.get() == Some(id)).then_some("true")>
                <span class="row-top">
                    <span class="contact-name">{name}</span>
                    <span class="row-status">{when} {icon}</span>
                </span>
                {campaign}
                <span class="muted contact-phone">{phone_text(&conversation.contact.phone)}</span>
                <span class="preview">{preview}</span>
                {conversation.assignee.as_ref().map(|a| view! {
                    <span class="muted row-assignee">{format!("Assigned to {}", a.name)}</span>
                })}
                {(!conversation.tags.is_empty()).then(|| view! {
                    <span class="chips">
                        {conversation.tags.iter().map(|t| view! { <span class="chip">{t.clone()}</span> }).collect_view()}
                    </span>
                })}
            </A>
        </li>
    }
}
