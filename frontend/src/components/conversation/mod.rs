//! A conversation, as the Activity tab and the inbox show it: the list row, and the
//! panel with the transcript and its statuses, the composer, the operator and Needs
//! Attention toggles, Opt Out, the conversation's tags and, in simulator mode, a
//! "Simulate reply" control. The panel follows live updates.

mod assignment;
mod bulk;
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
use tidings_domain::delivery::MessageStatus;
use tidings_domain::message_wire::{Author, Direction, Message};
use tidings_domain::template::MergeFields;

use crate::api::{use_api, Api, ApiError, LatestRequest};
use crate::auth::use_current_user;
use crate::components::download::{DownloadButton, TextTask};
use crate::components::local_time::local_time;
use crate::feedback::{ErrorPanel, Loading};
use crate::live::on_live;

pub use bulk::{BulkBar, BulkSelection};
pub use list::{section_label, ConversationList, ListState};
pub use status_icon::status_icon;

use crate::components::phone::display_phone;
use assignment::{AssignmentControl, ConversationHistory};
use composer::Composer;
use simulate::SimulateReply;
use tag_editor::TagEditor;

/// The open conversation `id`; times are shown in `zone`. `changed` runs after staff
/// changed it here, so the list beside it can reload.
#[component]
pub fn ConversationPanel(id: i64, zone: String, changed: Callback<()>) -> impl IntoView {
    let api = use_api();
    let detail = RwSignal::new(None::<ConversationDetail>);
    let earlier = Earlier::new();
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
                    earlier.receive(detail, loaded);
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
                    earlier.receive(detail, updated);
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

    // Whether there is something to show, not what: a reload must update the panel's
    // parts in place (through `detail`), not build a new panel. Both are memos because
    // every successful load sets `load_error` to `None` again, and a signal notifies
    // even when set to the value it had: read directly, each live event would build a
    // new panel and wipe the reply being typed.
    let loaded = Memo::new(move |_| detail.read().is_some());
    let failure = Memo::new(move |_| load_error.read().as_ref().map(ApiError::user_message));
    move || match (loaded.get(), failure.get()) {
        (_, Some(message)) => view! {
            <ErrorPanel
                title="The conversation could not be loaded"
                message
                retry=Callback::new(move |()| reloads.update(|n| *n += 1))
            />
        }
        .into_any(),
        (false, None) => view! { <Loading label="Loading the conversation…"/> }.into_any(),
        (true, None) => view! {
            <Panel id detail earlier zone=zone.clone() busy action_error apply=Callback::new(apply) after_reply/>
        }
        .into_any(),
    }
}

/// The transcript before the detail's newest page: pages read on request ("Show
/// earlier messages"), and messages that slid out of the newest page as new ones came.
#[derive(Clone, Copy)]
struct Earlier {
    /// Oldest first, all older than the detail's messages.
    messages: RwSignal<Vec<Message>>,
    /// The page before everything shown: `None` until the first load, then the
    /// detail's `earlier_cursor` or the last page's `next_cursor` (`Some(None)`: the
    /// whole transcript is shown).
    cursor: RwSignal<Option<Option<String>>>,
    loading: RwSignal<bool>,
    error: RwSignal<Option<String>>,
}

impl Earlier {
    fn new() -> Self {
        Self {
            messages: RwSignal::new(Vec::new()),
            cursor: RwSignal::new(None),
            loading: RwSignal::new(false),
            error: RwSignal::new(None),
        }
    }

    /// Takes a newly loaded detail, keeping what slid out of its newest page so the
    /// transcript shown never has a gap.
    fn receive(self, detail: RwSignal<Option<ConversationDetail>>, loaded: ConversationDetail) {
        let oldest_kept = loaded.messages.first().map(|m| m.id);
        if let (Some(oldest_kept), Some(previous)) = (oldest_kept, detail.read_untracked().as_ref()) {
            let slid: Vec<Message> = previous.messages.iter().filter(|m| m.id < oldest_kept).cloned().collect();
            if !slid.is_empty() {
                self.messages.update(|messages| messages.extend(slid));
            }
        }
        if self.cursor.read_untracked().is_none() {
            self.cursor.set(Some(loaded.earlier_cursor.clone()));
        }
        detail.set(Some(loaded));
    }

    /// Reads the page before everything shown.
    fn load(self, api: Api, id: i64) {
        let Some(Some(cursor)) = self.cursor.get_untracked() else { return };
        self.loading.set(true);
        self.error.set(None);
        spawn_local(async move {
            let result = api.earlier_messages(id, &cursor).await;
            self.loading.set(false);
            match result {
                Ok(page) => {
                    self.messages.update(|messages| {
                        let mut older = page.items;
                        older.append(messages);
                        *messages = older;
                    });
                    self.cursor.set(Some(page.next_cursor));
                }
                Err(error) => self.error.set(Some(error.user_message())),
            }
        });
    }
}

/// Why a limited user cannot work a conversation they can read.
const NOT_IN_YOUR_INBOX: &str =
    "This conversation is not in your inboxes: you can read it, and its campaign's agents answer it.";

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
    earlier: Earlier,
    zone: String,
    busy: RwSignal<bool>,
    action_error: RwSignal<Option<String>>,
    apply: Callback<Change>,
    after_reply: Callback<()>,
) -> impl IntoView {
    let api = use_api();
    let conversation = Memo::new(move |_| detail.read().as_ref().map(|d| d.conversation.clone()));
    let messages = Memo::new(move |_| {
        let mut messages = earlier.messages.get();
        if let Some(detail) = detail.read().as_ref() {
            messages.extend(detail.messages.iter().cloned());
        }
        messages
    });
    let field =
        move |read: fn(&Conversation) -> String| move || conversation.read().as_ref().map(read).unwrap_or_default();
    let agent_operated = move || conversation.read().as_ref().is_some_and(|c| c.operated_by == OperatedBy::Agent);
    let needs_attention = move || conversation.read().as_ref().is_some_and(|c| c.needs_attention);
    let opted_out = move || conversation.read().as_ref().is_some_and(|c| c.contact.opted_out);
    let composer_office = Signal::derive(move || conversation.read().as_ref().map(|c| c.office_id));
    let contact_merge = Signal::derive(move || {
        detail.read().as_ref().map_or_else(MergeFields::new, |d| {
            let contact = &d.conversation.contact;
            MergeFields::for_contact(
                &contact.first_name,
                &contact.last_name,
                &contact.phone,
                d.contact_fields.iter().map(|f| (f.name.as_str(), f.value.as_str())),
            )
        })
    });
    // A limited user reads a conversation outside their inboxes but does not work it.
    let not_theirs = move || detail.read().as_ref().is_some_and(|d| !d.workable);
    let blocked = Signal::derive(move || {
        if not_theirs() {
            return Some(NOT_IN_YOUR_INBOX.to_owned());
        }
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
    let read_only = move || not_theirs() || conversation.read().as_ref().is_some_and(|c| c.route == Route::Closed);
    let assistant_script = move || detail.read().as_ref().is_some_and(|d| d.assistant_script);
    // Why the Virtual Assistant cannot take the conversation over, shown beside the
    // switch (a disabled button shows no tooltip to keyboard users).
    let assistant_off = move || {
        if !agent_operated() || read_only() {
            None
        } else if !assistant_script() {
            Some("No Virtual Assistant script: this campaign has none, so agents answer.")
        } else {
            None
        }
    };
    let last_failure = Signal::derive(move || last_permanent_failure(&messages.read()));
    let tags = Signal::derive(move || conversation.read().as_ref().map(|c| c.tags.clone()).unwrap_or_default());
    let confirming_opt_out = RwSignal::new(false);
    let simulator = use_current_user().is_some_and(|me| me.simulator);
    let set_operator = move |operated_by: OperatedBy| {
        apply.run(Change::Update(UpdateConversation { operated_by: Some(operated_by), ..Default::default() }));
    };
    // The assistant cannot take over a conversation that waits for a person: switching
    // then asks to clear Needs Attention first, and does both at once.
    let confirming_handover = RwSignal::new(false);
    let to_assistant = move || {
        if needs_attention() {
            confirming_handover.set(true);
        } else {
            set_operator(OperatedBy::Assistant);
        }
    };
    let heading_id = format!("conversation-{id}-heading");
    let assistant_off_id = format!("conversation-{id}-assistant-off");

    view! {
        <section class="conversation-panel" aria-labelledby=heading_id>
            <header class="conversation-head">
                <div>
                    <h2 id=heading_id.clone()>{field(contact_name)}</h2>
                    <p class="muted">
                        {field(|c| display_phone(&c.contact.phone))}
                        " · "
                        {move || conversation.read().as_ref().map(|c| section_label(c.section))}
                        {move || opted_out().then(|| view! { " · " <span class="badge badge-danger">"Opted out"</span> })}
                    </p>
                </div>
                <DownloadButton
                    label="Download transcript"
                    busy_label="Preparing…"
                    what="The transcript"
                    file_name=format!("conversation-{id}.txt")
                    mime="text/plain;charset=utf-8"
                    class="button button-small"
                    fetch=Callback::new(move |()| {
                        Box::pin(async move { api.conversation_transcript(id).await }) as TextTask
                    })
                />
            </header>
            <div class="conversation-controls">
                <div class="operator-toggle" role="group" aria-label="Operated by" aria-describedby=assistant_off_id.clone()>
                    <button
                        type="button"
                        class="toggle"
                        aria-pressed=move || agent_operated().to_string()
                        disabled=move || busy.get() || read_only()
                        on:click=move |_| set_operator(OperatedBy::Agent)
                    >
                        "Agent-operated"
                    </button>
                    <button
                        type="button"
                        class="toggle"
                        aria-pressed=move || (!agent_operated()).to_string()
                        disabled=move || busy.get() || read_only() || assistant_off().is_some()
                        on:click=move |_| to_assistant()
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
                        disabled=move || busy.get() || read_only()
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
                    disabled=move || busy.get() || opted_out() || not_theirs()
                    on:click=move |_| confirming_opt_out.set(true)
                >
                    "Opt Out"
                </button>
                <p class="muted control-reason" id=assistant_off_id>{assistant_off}</p>
            </div>
            <AssignmentControl
                id
                assignee=Signal::derive(move || conversation.read().as_ref().and_then(|c| c.assignee.clone()))
                disabled=Signal::derive(move || busy.get() || read_only() || not_theirs())
                assign=Callback::new(move |to: Option<i64>| {
                    apply.run(Change::Update(UpdateConversation { assigned_user_id: Some(to), ..Default::default() }));
                })
            />
            {move || (read_only() && !not_theirs()).then(|| view! {
                <p class="notice notice-warning" role="status">
                    "This campaign has ended: the conversation is read-only. The contact can still be opted out."
                </p>
            })}
            <Show when=move || confirming_handover.get() && needs_attention()>
                <div class="inline-confirm" role="alertdialog" aria-label="Hand over to the Virtual Assistant" aria-modal="false">
                    <p>
                        "This conversation needs attention. The Virtual Assistant takes over only what no person "
                        "is waiting on: clear Needs Attention and hand it over?"
                    </p>
                    <button
                        type="button"
                        class="button button-primary"
                        on:click=move |_| {
                            confirming_handover.set(false);
                            let change = UpdateConversation {
                                operated_by: Some(OperatedBy::Assistant),
                                needs_attention: Some(false),
                                ..Default::default()
                            };
                            apply.run(Change::Update(change));
                        }
                    >
                        "Clear and hand over"
                    </button>
                    <button type="button" class="button" on:click=move |_| confirming_handover.set(false)>"Cancel"</button>
                </div>
            </Show>
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
                <p class="notice notice-warning">"The last message reads like a request to stop. Check it, and opt the contact out if so."</p>
            })}
            {move || action_error.get().map(|message| view! { <p class="alert" role="alert">{message}</p> })}
            <TagEditor
                id
                tags
                saving=Signal::derive(move || busy.get() || read_only())
                save=Callback::new(move |tags: Vec<String>| {
                    apply.run(Change::Update(UpdateConversation { tags: Some(tags), ..Default::default() }));
                })
            />
            <ConversationHistory
                id
                zone=zone.clone()
                changes=Signal::derive(move || conversation.read().as_ref().map_or(0, |c| c.updated_at.timestamp_micros()))
            />
            <EarlierMessages id earlier/>
            <Transcript messages zone/>
            {simulator.then(|| view! { <SimulateReply conversation messages/> })}
            <Composer id blocked warning=last_failure sent=after_reply office_id=composer_office merge=contact_merge/>
        </section>
    }
}

/// The contact's name, or their number when the list had no name.
fn contact_name(conversation: &Conversation) -> String {
    let name = format!("{} {}", conversation.contact.first_name, conversation.contact.last_name);
    let name = name.trim();
    if name.is_empty() {
        display_phone(&conversation.contact.phone)
    } else {
        name.to_owned()
    }
}

/// Why a reply may not reach the contact: our last message to them failed for good (a
/// landline, an invalid or unreachable number), and nothing came back from them since.
fn last_permanent_failure(messages: &[Message]) -> Option<String> {
    let last = messages.last()?;
    let failed = matches!(last.status, MessageStatus::Undelivered | MessageStatus::Failed) && !last.retrying;
    (last.direction == Direction::Outbound && failed).then(|| {
        let reason = last.error_reason.as_deref().unwrap_or("it could not be delivered").trim_end_matches('.');
        format!("The last message to this number failed: {reason}. A reply will probably fail too.")
    })
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

/// Why a message was not delivered, shown under it (not only in the icon's tooltip).
fn undelivered_reason(message: &Message) -> Option<String> {
    if !matches!(message.status, MessageStatus::Undelivered | MessageStatus::Failed) {
        return None;
    }
    let reason = message.error_reason.as_deref().unwrap_or("The provider could not deliver it.");
    Some(match message.error_code {
        Some(code) => format!("Not delivered: {reason} ({code})"),
        None => format!("Not delivered: {reason}"),
    })
}

/// Who wrote a message, naming the person for a staff reply.
fn bubble_author(message: &Message) -> String {
    match (&message.author_name, message.author) {
        (Some(name), Author::Agent) => format!("{name} (agent)"),
        _ => author_label(message.author).to_owned(),
    }
}

/// "Show earlier messages", above the transcript while it has older pages.
#[component]
fn EarlierMessages(id: i64, earlier: Earlier) -> impl IntoView {
    let api = use_api();
    let more = move || matches!(earlier.cursor.get(), Some(Some(_)));
    view! {
        <Show when=more>
            <p class="transcript-earlier">
                <button
                    type="button"
                    class="button"
                    disabled=move || earlier.loading.get()
                    on:click=move |_| earlier.load(api, id)
                >
                    {move || if earlier.loading.get() { "Loading earlier messages…" } else { "Show earlier messages" }}
                </button>
            </p>
        </Show>
        {move || earlier.error.get().map(|message| view! { <p class="alert" role="alert">{message}</p> })}
    }
}

/// The messages, oldest first, each with its author, time and status.
#[component]
fn Transcript(messages: Memo<Vec<Message>>, zone: String) -> impl IntoView {
    let zone = StoredValue::new(zone);
    view! {
        <ol class="transcript" aria-label="Messages">
            // Updated in place, message by message (nobody clicks a bubble, so rows need no
            // keys; the conversation list's keyed rows are where the bundle's budget goes).
            {move || {
                messages
                    .get()
                    .into_iter()
                    .map(|message| view! {
                        <li class=if message.direction == Direction::Inbound { "bubble inbound" } else { "bubble outbound" }>
                            <p class="bubble-meta">
                                <span class="bubble-author">{bubble_author(&message)}</span>
                                " · "
                                {zone.with_value(|zone| local_time(Some(message.created_at), zone))}
                                " "
                                {status_icon(&message)}
                            </p>
                            <p class="bubble-body">{message.body.clone()}</p>
                            {undelivered_reason(&message).map(|why| view! { <p class="bubble-failure">{why}</p> })}
                        </li>
                    })
                    .collect_view()
            }}
        </ol>
    }
}
