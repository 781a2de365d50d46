//! A conversation, as the Activity tab and the inbox show it: the list row, and the
//! panel with the transcript and its statuses, the composer, the operator and Needs
//! Attention toggles, Opt Out, the conversation's tags and, in simulator mode, a
//! "Simulate reply" control. The panel follows live updates.

mod composer;
mod emoji;
mod history;
mod list;
mod simulate;
mod status_icon;
mod tag_editor;

use leptos::prelude::*;
use leptos::task::spawn_local;
use tidings_domain::campaign::OperatedBy;
use tidings_domain::conversation_wire::{Conversation, ConversationDetail, Route, UpdateConversation};
use tidings_domain::message_wire::{Author, Direction, Message};

use super::campaigns::local_time::local_time;
use super::shell::use_current_user;
use crate::api::{use_api, ApiError, LatestRequest};
use crate::feedback::{ErrorPanel, Loading};
use crate::live::on_live;

pub use list::{section_label, ConversationList};
pub use status_icon::status_icon;

use composer::Composer;
use simulate::SimulateReply;
use tag_editor::TagEditor;

/// The open conversation `id`; times are shown in `zone`. `changed` runs after staff
/// changed it here, so the list beside it can reload.
#[component]
pub fn ConversationPanel(id: i64, zone: String, changed: Callback<()>) -> impl IntoView {
    let api = use_api();
    let detail = RwSignal::new(None::<ConversationDetail>);
    let load_error = RwSignal::new(None::<ApiError>);
    let reloads = RwSignal::new(0u32);
    let action_error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    // Loads can overlap when events come quickly; only the latest one's answer counts,
    // so an older transcript never replaces a newer one.
    let latest_load = LatestRequest::new();
    Effect::new(move |_| {
        reloads.track();
        let this = latest_load.ticket();
        spawn_local(async move {
            let result = api.conversation(id).await;
            if !latest_load.is_current(this) {
                return;
            }
            match result {
                Ok(loaded) => {
                    detail.set(Some(loaded));
                    load_error.set(None);
                }
                Err(error) => load_error.set(Some(error)),
            }
        });
    });
    on_live(move |event| event.touches_conversation(id), move || reloads.update(|n| *n += 1));

    // A change made here: the answer is the conversation afterwards.
    let apply = move |change: Change| {
        busy.set(true);
        action_error.set(None);
        spawn_local(async move {
            let result = match change {
                Change::Update(update) => api.update_conversation(id, &update).await,
                Change::OptOut => api.opt_out_conversation(id).await,
            };
            busy.set(false);
            match result {
                Ok(updated) => {
                    detail.set(Some(updated));
                    changed.run(());
                }
                Err(error) => action_error.set(Some(error.user_message())),
            }
        });
    };
    let after_reply = Callback::new(move |()| {
        reloads.update(|n| *n += 1);
        changed.run(());
    });

    move || match (detail.get(), load_error.get()) {
        (_, Some(error)) => view! {
            <ErrorPanel
                title="The conversation could not be loaded"
                message=error.user_message()
                retry=Callback::new(move |()| reloads.update(|n| *n += 1))
            />
        }
        .into_any(),
        (None, None) => view! { <Loading label="Loading the conversation…"/> }.into_any(),
        (Some(_), None) => view! {
            <Panel id detail zone=zone.clone() busy action_error apply=Callback::new(apply) after_reply/>
        }
        .into_any(),
    }
}

/// A change staff make from the panel.
#[derive(Debug, Clone)]
enum Change {
    Update(UpdateConversation),
    OptOut,
}

/// The loaded panel. Built once per conversation: later loads update its parts in
/// place, so a reply being typed keeps its text and caret when a status changes.
#[component]
fn Panel(
    id: i64,
    detail: RwSignal<Option<ConversationDetail>>,
    zone: String,
    busy: RwSignal<bool>,
    action_error: RwSignal<Option<String>>,
    apply: Callback<Change>,
    after_reply: Callback<()>,
) -> impl IntoView {
    let conversation = Memo::new(move |_| detail.read().as_ref().map(|d| d.conversation.clone()));
    let messages = Memo::new(move |_| detail.read().as_ref().map(|d| d.messages.clone()).unwrap_or_default());
    let field =
        move |read: fn(&Conversation) -> String| move || conversation.read().as_ref().map(read).unwrap_or_default();
    let agent_operated = move || conversation.read().as_ref().is_some_and(|c| c.operated_by == OperatedBy::Agent);
    let needs_attention = move || conversation.read().as_ref().is_some_and(|c| c.needs_attention);
    let opted_out = move || conversation.read().as_ref().is_some_and(|c| c.contact.opted_out);
    let blocked = Signal::derive(move || {
        let conversation = conversation.read();
        let conversation = conversation.as_ref()?;
        if conversation.contact.opted_out {
            Some("This contact opted out: no more messages can be sent to them.".to_owned())
        } else if conversation.route == Route::Closed {
            Some("The campaign has ended: no more replies can be sent in this conversation.".to_owned())
        } else {
            None
        }
    });
    let tags = Signal::derive(move || conversation.read().as_ref().map(|c| c.tags.clone()).unwrap_or_default());
    let confirming_opt_out = RwSignal::new(false);
    let simulator = use_current_user().is_some_and(|me| me.simulator);
    let set_operator = move |operated_by: OperatedBy| {
        apply.run(Change::Update(UpdateConversation { operated_by: Some(operated_by), ..Default::default() }));
    };
    let heading_id = format!("conversation-{id}-heading");

    view! {
        <section class="conversation-panel" aria-labelledby=heading_id>
            <header class="conversation-head">
                <div>
                    <h2 id=heading_id.clone()>{field(contact_name)}</h2>
                    <p class="muted">
                        {field(|c| c.contact.phone.clone())}
                        " · "
                        {move || conversation.read().as_ref().map(|c| section_label(c.section))}
                        {move || opted_out().then(|| view! { " · " <span class="badge badge-danger">"Opted out"</span> })}
                    </p>
                </div>
            </header>
            <div class="conversation-controls">
                <div class="operator-toggle" role="group" aria-label="Operated by">
                    <button
                        type="button"
                        class="toggle"
                        aria-pressed=move || agent_operated().to_string()
                        disabled=move || busy.get()
                        on:click=move |_| set_operator(OperatedBy::Agent)
                    >
                        "Agent-operated"
                    </button>
                    <button
                        type="button"
                        class="toggle"
                        aria-pressed=move || (!agent_operated()).to_string()
                        disabled=move || busy.get()
                        on:click=move |_| set_operator(OperatedBy::Assistant)
                    >
                        "Virtual Assistant-operated"
                    </button>
                </div>
                <Show when=agent_operated>
                    <button
                        type="button"
                        role="switch"
                        class="switch"
                        aria-checked=move || needs_attention().to_string()
                        disabled=move || busy.get()
                        on:click=move |_| {
                            let change = UpdateConversation {
                                needs_attention: Some(!needs_attention()),
                                ..Default::default()
                            };
                            apply.run(Change::Update(change));
                        }
                    >
                        <span class="switch-track" aria-hidden="true"><span class="switch-thumb"></span></span>
                        "Needs Attention"
                    </button>
                </Show>
                <button
                    type="button"
                    class="button button-danger"
                    disabled=move || busy.get() || opted_out()
                    on:click=move |_| confirming_opt_out.set(true)
                >
                    "Opt Out"
                </button>
            </div>
            <Show when=move || confirming_opt_out.get()>
                <div class="inline-confirm" role="alertdialog" aria-label="Opt out this contact" aria-modal="false">
                    <p>
                        "Opt out " {field(contact_name)}
                        "? They go on the organisation's suppression list: no campaign or reply will text "
                        "them again until an administrator lifts it."
                    </p>
                    <button
                        type="button"
                        class="button button-danger"
                        on:click=move |_| {
                            confirming_opt_out.set(false);
                            apply.run(Change::OptOut);
                        }
                    >
                        "Opt out"
                    </button>
                    <button type="button" class="button" on:click=move |_| confirming_opt_out.set(false)>
                        "Cancel"
                    </button>
                </div>
            </Show>
            {move || conversation.read().as_ref().filter(|c| c.opt_out_suggested && !c.contact.opted_out).map(|_| view! {
                <p class="notice">"The last message reads like a request to stop. Check it, and opt the contact out if so."</p>
            })}
            {move || action_error.get().map(|message| view! { <p class="alert" role="alert">{message}</p> })}
            <TagEditor
                id
                tags
                saving=busy
                save=Callback::new(move |tags: Vec<String>| {
                    apply.run(Change::Update(UpdateConversation { tags: Some(tags), ..Default::default() }));
                })
            />
            <Transcript messages zone/>
            {simulator.then(|| view! { <SimulateReply conversation messages/> })}
            <Composer id blocked sent=after_reply/>
        </section>
    }
}

/// The contact's name, or their number when the list had no name.
fn contact_name(conversation: &Conversation) -> String {
    let name = format!("{} {}", conversation.contact.first_name, conversation.contact.last_name);
    let name = name.trim();
    if name.is_empty() {
        conversation.contact.phone.clone()
    } else {
        name.to_owned()
    }
}

/// Who wrote a message, as the transcript labels it.
fn author_label(author: Author) -> &'static str {
    match author {
        Author::Campaign => "Campaign message",
        Author::Agent => "Agent",
        Author::Assistant => "Virtual Assistant",
        Author::System => "Automatic reply",
        Author::Contact => "Contact",
    }
}

/// The messages, oldest first, each with its author, time and status.
#[component]
fn Transcript(messages: Memo<Vec<Message>>, zone: String) -> impl IntoView {
    let zone = StoredValue::new(zone);
    view! {
        <ol class="transcript" aria-label="Messages">
            <For each=move || messages.get() key=|m| (m.id, m.status, m.retrying) let:message>
                <li class=if message.direction == Direction::Inbound { "bubble inbound" } else { "bubble outbound" }>
                    <p class="bubble-meta">
                        <span class="bubble-author">{author_label(message.author)}</span>
                        " · "
                        {zone.with_value(|zone| local_time(Some(message.created_at), zone))}
                        " "
                        {status_icon(&message)}
                    </p>
                    <p class="bubble-body">{message.body.clone()}</p>
                </li>
            </For>
        </ol>
    }
}
