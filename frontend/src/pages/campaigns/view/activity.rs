//! The campaign view's Activity tab: the campaign's conversations in the sections Needs
//! attention, Agent-operated and Virtual Assistant-operated (each shown only when it
//! has conversations), searched by name or phone and filtered by conversation tags,
//! beside the open conversation (`?conversation=` keeps it across a reload). Replies,
//! status changes and colleagues' changes arrive live.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_query_map;
use tidings_domain::campaign_wire::Campaign;
use tidings_domain::conversation_wire::{ConversationSection, Section};
use tidings_domain::event_wire::EventKind;

use super::super::filters::{Filters, SearchBox};
use crate::api::{use_api, ApiError, ConversationSearch, LatestRequest};
use crate::feedback::{ErrorPanel, Loading};
use crate::live::on_live;
use crate::pages::conversation::{section_label, ConversationList, ConversationPanel};

const CONVERSATION_SEARCH: SearchBox = SearchBox {
    id: "conversation-search",
    label: "Search conversations by first name, last name or phone number",
    placeholder: "Search by name or phone",
};

#[component]
pub fn ActivityTab(campaign: Campaign) -> impl IntoView {
    crate::live::provide_live();
    let api = use_api();
    let campaign_id = campaign.id;
    let zone = campaign.time_zone.clone();
    let query = use_query_map();
    let selected = Memo::new(move |_| query.read().get("conversation").and_then(|v| v.parse::<i64>().ok()));
    let search = RwSignal::new(String::new());
    let tags = RwSignal::new(Vec::<String>::new());
    let reloads = RwSignal::new(0u32);
    let sections = RwSignal::new(None::<Vec<ConversationSection>>);
    let load_error = RwSignal::new(None::<ApiError>);
    // Answers can arrive out of order when the search changes quickly; only the latest
    // request's answer is shown.
    let latest_request = LatestRequest::new();

    Effect::new(move |_| {
        let wanted = ConversationSearch { q: search.get(), tags: tags.get() };
        reloads.track();
        let this = latest_request.ticket();
        spawn_local(async move {
            let result = api.campaign_conversations(campaign_id, &wanted, None).await;
            if !latest_request.is_current(this) {
                return;
            }
            match result {
                Ok(loaded) => {
                    sections.set(Some(loaded.sections));
                    load_error.set(None);
                }
                Err(error) => load_error.set(Some(error)),
            }
        });
    });
    let reload = move || reloads.update(|n| *n += 1);
    on_live(move |event| event.touches_campaign(campaign_id), reload);
    // The tags in use change only when a conversation does (not with every reply or
    // status), so the filter's options reload on those alone.
    let tag_reloads = RwSignal::new(0u32);
    let reload_tags = move || tag_reloads.update(|n| *n += 1);
    on_live(
        move |event| {
            event.touches_campaign(campaign_id)
                && matches!(event.kind, EventKind::ConversationUpdated | EventKind::Resync)
        },
        reload_tags,
    );

    let tag_options = LocalResource::new(move || {
        tag_reloads.track();
        async move {
            api.campaign_conversation_tags(campaign_id)
                .await
                .map(|list| list.into_iter().map(|t| (t.tag, t.conversations)).collect())
        }
    });
    let href = Callback::new(move |id: i64| format!("/campaigns/{campaign_id}?tab=activity&conversation={id}"));
    let load_more = move |section: Section, cursor: String| {
        let wanted = ConversationSearch { q: search.get_untracked(), tags: tags.get_untracked() };
        spawn_local(async move {
            match api.campaign_conversations(campaign_id, &wanted, Some((section, cursor))).await {
                Ok(more) => sections.update(|loaded| {
                    let (Some(loaded), Some(page)) = (loaded.as_mut(), more.sections.into_iter().next()) else {
                        return;
                    };
                    if let Some(shown) = loaded.iter_mut().find(|s| s.section == section) {
                        shown.items.extend(page.items);
                        shown.next_cursor = page.next_cursor;
                    }
                }),
                Err(error) => load_error.set(Some(error)),
            }
        });
    };

    let list = move || {
        match (sections.get(), load_error.get()) {
        (_, Some(error)) => view! {
            <ErrorPanel
                title="The conversations could not be loaded"
                message=error.user_message()
                retry=Callback::new(move |()| reload())
            />
        }
        .into_any(),
        (None, None) => view! { <Loading label="Loading conversations…"/> }.into_any(),
        (Some(loaded), None) if loaded.is_empty() => {
            let filtered = !search.read().is_empty() || !tags.read().is_empty();
            view! {
                <p class="muted empty">
                    {if filtered {
                        "No conversations match the search and tags."
                    } else {
                        "No conversations yet: contacts' replies to the campaign appear here."
                    }}
                </p>
            }
            .into_any()
        }
        (Some(loaded), None) => loaded
            .into_iter()
            .map(|section| {
                let label = section_label(section.section);
                let heading = format!("{label} ({})", section.total);
                let more = section.next_cursor.clone().map(|cursor| {
                    let which = section.section;
                    view! {
                        <button type="button" class="button button-small" on:click=move |_| load_more(which, cursor.clone())>
                            "Load more"
                        </button>
                    }
                });
                view! {
                    <section class=format!("conversation-section section-{}", section.section.as_str())>
                        <h3>{heading}</h3>
                        <ConversationList items=section.items href selected label=label/>
                        {more}
                    </section>
                }
            })
            .collect_view()
            .into_any(),
    }
    };

    view! {
        <div class="activity">
            <div class="activity-list">
                <div class="toolbar">
                    <Filters search tags search_box=CONVERSATION_SEARCH tag_options/>
                </div>
                {list}
            </div>
            <div class="activity-conversation">
                {move || match selected.get() {
                    Some(id) => view! {
                        <ConversationPanel id zone=zone.clone() changed=Callback::new(move |()| {
                            reload();
                            reload_tags();
                        })/>
                    }
                    .into_any(),
                    None => view! {
                        <p class="muted empty">"Select a conversation to read it and reply."</p>
                    }
                    .into_any(),
                }}
            </div>
        </div>
    }
}
