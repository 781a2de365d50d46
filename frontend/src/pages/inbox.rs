//! `/inbox`: the conversations waiting for the signed-in user — their own inbox
//! (campaigns they are an agent of, numbers whose unsolicited message settings name
//! them) or an office's — in the tabs Needs attention and Participating (those they
//! replied in), beside the open conversation. Their own inbox has two views besides:
//! Mine (assigned to them) and Unassigned. Everything lives in the query string
//! (`?office=3&tab=participating&conversation=9`, `?view=mine`), so a reload keeps the
//! place.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use tidings_domain::conversation_wire::{Conversation, BULK_IDS_MAX};

use crate::api::{use_api, ApiError, ConversationSearch, InboxChoice, LatestRequest};
use crate::auth::use_current_user;
use crate::components::conversation::{BulkBar, BulkSelection, ConversationList, ConversationPanel, ListState};
use crate::components::filters::{Filters, SearchLabels};
use crate::components::new_text::{may_text, NewTextDialog, TextTo};
use crate::components::tab_list::{TabItem, TabList};
use crate::feedback::{ErrorPanel, Loading};
use crate::live::on_live;

/// The element the inbox's tabs control.
const INBOX_PANEL_ID: &str = "inbox-panel";

const INBOX_SEARCH: SearchLabels = SearchLabels {
    id: "inbox-search",
    label: "Search the inbox by first name, last name or phone number",
    placeholder: "Search by name or phone",
};

/// The inbox's query string for `choice`, with `conversation` open.
fn inbox_href(choice: InboxChoice, conversation: Option<i64>) -> String {
    let mut params = Vec::new();
    if let Some(office) = choice.office_id {
        params.push(format!("office={office}"));
    }
    match choice.assigned {
        Some(true) => params.push("view=mine".to_owned()),
        Some(false) => params.push("view=unassigned".to_owned()),
        None => {}
    }
    if choice.participating {
        params.push("tab=participating".to_owned());
    }
    if let Some(id) = conversation {
        params.push(format!("conversation={id}"));
    }
    if params.is_empty() {
        "/inbox".to_owned()
    } else {
        format!("/inbox?{}", params.join("&"))
    }
}

#[component]
pub fn InboxPage() -> impl IntoView {
    crate::live::provide_live();
    let api = use_api();
    let navigate = use_navigate();
    let query = use_query_map();
    let me = use_current_user();
    let zone = me.as_ref().map_or_else(|| "UTC".to_owned(), |me| me.office.time_zone.clone());
    let row_zone = StoredValue::new(zone.clone());
    let choice = Memo::new(move |_| {
        let query = query.read();
        let office_id = query.get("office").and_then(|v| v.parse().ok());
        let assigned = match query.get("view").as_deref() {
            Some("mine") => Some(true),
            Some("unassigned") => Some(false),
            _ => None,
        }
        .filter(|_| office_id.is_none());
        InboxChoice { office_id, assigned, participating: query.get("tab").as_deref() == Some("participating") }
    });
    let office = Memo::new(move |_| (choice.get().office_id, choice.get().assigned));
    let selected = Memo::new(move |_| query.read().get("conversation").and_then(|v| v.parse::<i64>().ok()));
    let search = RwSignal::new(String::new());
    let tags = RwSignal::new(Vec::<String>::new());
    let reloads = RwSignal::new(0u32);
    let items = RwSignal::new(None::<(Vec<Conversation>, Option<String>)>);
    let load_error = RwSignal::new(None::<ApiError>);
    let latest_request = LatestRequest::new();
    let picking = BulkSelection::new();
    let texting = RwSignal::new(false);

    Effect::new(move |_| {
        let choice = choice.get();
        let wanted = ConversationSearch { q: search.get(), tags: tags.get() };
        reloads.track();
        let this = latest_request.ticket();
        spawn_local(async move {
            let result = api.inbox(choice, &wanted, None).await;
            if !latest_request.is_current(this) {
                return;
            }
            match result {
                Ok(page) => {
                    items.set(Some((page.items, page.next_cursor)));
                    load_error.set(None);
                }
                Err(error) => load_error.set(Some(error)),
            }
        });
    });
    let reload = move || reloads.update(|n| *n += 1);
    let refresh_counts = crate::components::inbox_count::inbox_counts_refresher();
    on_live(
        |event| event.touches_conversations(),
        move || {
            reload();
            refresh_counts();
        },
    );
    let load_more = move |cursor: String| {
        let wanted = ConversationSearch { q: search.get_untracked(), tags: tags.get_untracked() };
        let choice = choice.get_untracked();
        spawn_local(async move {
            match api.inbox(choice, &wanted, Some(cursor)).await {
                Ok(page) => items.update(|shown| {
                    if let Some((shown, next)) = shown.as_mut() {
                        shown.extend(page.items);
                        *next = page.next_cursor;
                    }
                }),
                Err(error) => load_error.set(Some(error)),
            }
        });
    };

    // Which inboxes the user may open: their own, their office's, and every office's
    // when they may see other offices.
    let offices = LocalResource::new(move || async move { api.offices().await });
    let own_office = me.as_ref().map(|me| (me.office.id, me.office.name.clone()));
    let sees_others = me.as_ref().is_some_and(|me| me.view_other_offices);
    let go = move |next: InboxChoice| {
        navigate(&inbox_href(next, None), NavigateOptions::default());
    };
    // Tracked: a row kept across a switch of inbox or view links within the new one.
    let href = Callback::new(move |id: i64| inbox_href(choice.get(), Some(id)));
    // How many need attention in each inbox the picker offers (`None`: the user's own),
    // reloaded with the list.
    let counts = LocalResource::new(move || {
        reloads.track();
        async move { api.inbox_counts().await.ok() }
    });
    let counts_of = move |office: Option<i64>, assigned: Option<bool>| {
        let counts = counts.get().flatten()?;
        match (office, assigned) {
            (None, None) => Some(counts.mine),
            (None, Some(true)) => Some(counts.assigned_to_me),
            (None, Some(false)) => Some(counts.unassigned),
            (Some(id), _) => counts.offices.iter().find(|o| o.office_id == id).map(|o| o.needs_attention),
        }
    };
    // Made here, not in the closure that rebuilds the tabs: a signal made there would be
    // disposed with each rebuild while the tabs' effects may still read it.
    let selected_tab = Signal::derive(move || usize::from(choice.get().participating));

    // Rebuilt only when what the pane shows changes kind; the rows are keyed, so a
    // reload updates what changed in place.
    let shown = Memo::new(move |_| {
        ListState::of(items.read().as_ref().map(|(list, _)| list.is_empty()), load_error.read().is_some())
    });
    let rows =
        Signal::derive(move || items.with(|shown| shown.as_ref().map(|(list, _)| list.clone()).unwrap_or_default()));
    let next = Memo::new(move |_| items.with(|shown| shown.as_ref().and_then(|(_, next)| next.clone())));
    let list = move || {
        match shown.get() {
        ListState::Failed => view! {
            <ErrorPanel
                title="The inbox could not be loaded"
                message=load_error.get_untracked().map(|e| e.user_message()).unwrap_or_default()
                retry=Callback::new(move |()| reload())
            />
        }
        .into_any(),
        ListState::Loading => view! { <Loading label="Loading the inbox…"/> }.into_any(),
        ListState::Empty => view! {
            <p class="muted empty">
                {move || if choice.get().participating {
                    "No conversations you replied in match."
                } else {
                    "Nothing needs attention here."
                }}
            </p>
        }
        .into_any(),
        ListState::Listed => view! {
            <ConversationList items=rows href selected label="Inbox conversations" zone=row_zone show_campaign=true picking/>
            {move || next.get().map(|cursor| view! {
                <button type="button" class="button button-small" on:click=move |_| load_more(cursor.clone())>
                    "Load more"
                </button>
            })}
        }
        .into_any(),
    }
    };

    // Bulk actions: the rows picked; "Select all that match" picks every page of the
    // inbox's filter (up to the API's 1000 ids a request).
    Effect::watch(move || (choice.get(), search.get(), tags.get()), move |_, _, _| picking.clear(), false);
    let select_all = Callback::new(move |()| {
        let wanted = ConversationSearch { q: search.get_untracked(), tags: tags.get_untracked() };
        let which = choice.get_untracked();
        spawn_local(async move {
            let mut ids = std::collections::BTreeSet::new();
            let mut cursor = None;
            loop {
                match api.inbox(which, &wanted, cursor).await {
                    Ok(page) => {
                        ids.extend(page.items.iter().map(|c| c.id));
                        cursor = page.next_cursor;
                    }
                    Err(error) => {
                        load_error.try_set(Some(error));
                        return;
                    }
                }
                if cursor.is_none() || ids.len() >= BULK_IDS_MAX {
                    break;
                }
            }
            picking.picked.try_set(ids.into_iter().take(BULK_IDS_MAX).collect());
        });
    });
    let after_bulk = Callback::new(move |()| {
        reload();
        refresh_counts();
    });

    view! {
        <section class="page inbox-page">
            <div class="page-head">
                <h1>"Inbox"</h1>
                <div class="page-head-actions">
                {may_text().then(|| view! {
                    <button type="button" class="button button-primary" on:click=move |_| texting.set(true)>
                        "New text"
                    </button>
                })}
                <label class="inbox-choice">
                    "Inbox "
                    <select on:change=move |ev| {
                        let value = event_target_value(&ev);
                        let office_id = value.parse::<i64>().ok();
                        let assigned = match value.as_str() {
                            "mine" => Some(true),
                            "unassigned" => Some(false),
                            _ => None,
                        };
                        go(InboxChoice { office_id, assigned, participating: choice.get_untracked().participating });
                    }>
                        <option value="" selected=move || choice.get().office_id.is_none() && choice.get().assigned.is_none()>
                            {move || with_count("My inbox".to_owned(), counts_of(None, None))}
                        </option>
                        <option value="mine" selected=move || choice.get().assigned == Some(true)>
                            {move || with_count("Mine: assigned to me".to_owned(), counts_of(None, Some(true)))}
                        </option>
                        <option value="unassigned" selected=move || choice.get().assigned == Some(false)>
                            {move || with_count("Unassigned".to_owned(), counts_of(None, Some(false)))}
                        </option>
                        {move || {
                            let mut listed: Vec<(i64, String)> = own_office.clone().into_iter().collect();
                            if sees_others {
                                if let Some(Ok(all)) = offices.get() {
                                    listed = all.into_iter().map(|o| (o.id, o.name)).collect();
                                }
                            }
                            listed
                                .into_iter()
                                .map(|(id, name)| view! {
                                    <option value=id.to_string() selected=move || choice.get().office_id == Some(id)>
                                        {with_count(format!("{name} office"), counts_of(Some(id), None))}
                                    </option>
                                })
                                .collect_view()
                        }}
                    </select>
                </label>
                </div>
            </div>
            {move || {
                // The tabs keep the chosen inbox (rebuilt only when it changes, so the
                // focused tab survives switching); the open conversation stays behind.
                let (office_id, assigned) = office.get();
                let tabs = [(false, "Needs attention"), (true, "Participating")]
                    .into_iter()
                    .map(|(participating, label)| TabItem {
                        label,
                        id: format!("inbox-tab-{}", if participating { "participating" } else { "needs-attention" }),
                        href: inbox_href(InboxChoice { office_id, assigned, participating }, None),
                    })
                    .collect::<Vec<_>>();
                view! { <TabList label="Inbox" tabs selected=selected_tab panel_id=INBOX_PANEL_ID/> }
            }}
            <div
                class="panel conversation-workspace"
                role="tabpanel"
                id=INBOX_PANEL_ID
                aria-labelledby=move || {
                    if choice.get().participating { "inbox-tab-participating" } else { "inbox-tab-needs-attention" }
                }
            >
                <div class="activity-list">
                    <div class="toolbar">
                        <Filters search tags search_box=INBOX_SEARCH/>
                    </div>
                    <BulkBar selection=picking all_matching=Signal::derive(|| None) select_all done=after_bulk/>
                    <div class="conversation-scroll">{list}</div>
                </div>
                <div class="activity-conversation">
                    {move || match selected.get() {
                        Some(id) => view! {
                            <ConversationPanel id zone=zone.clone() changed=Callback::new(move |()| {
                                reload();
                                refresh_counts();
                            })/>
                        }
                            .into_any(),
                        None => view! { <p class="muted empty">"Select a conversation to read it and reply."</p> }.into_any(),
                    }}
                </div>
            </div>
            {move || texting.get().then(|| view! {
                <NewTextDialog to=TextTo::default() on_close=Callback::new(move |()| texting.set(false))/>
            })}
        </section>
    }
}

/// An inbox's name with how many of its conversations need attention.
fn with_count(name: String, waiting: Option<i64>) -> String {
    match waiting {
        Some(n) if n > 0 => format!("{name} ({n} need attention)"),
        _ => name,
    }
}
