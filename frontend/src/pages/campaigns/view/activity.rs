//! The campaign view's Activity tab: the campaign's conversations in the sections Needs
//! attention, Agent-operated and Virtual Assistant-operated (each shown only when it
//! has conversations), searched by name or phone and filtered by conversation tags,
//! beside the open conversation (`?conversation=` keeps it across a reload). Replies,
//! status changes and colleagues' changes arrive live.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_query_map;
use tidings_domain::campaign_wire::Campaign;
use tidings_domain::conversation_wire::{BulkCampaignSelection, ConversationSection, Section};
use tidings_domain::event_wire::EventKind;

use super::super::icons;
use crate::api::{use_api, ApiError, ConversationSearch, LatestRequest};
use crate::components::conversation::{
    section_label, BulkBar, BulkSelection, ConversationList, ConversationPanel, ListState,
};
use crate::components::download::{DownloadButton, TextTask};
use crate::components::filters::{Filters, SearchLabels};
use crate::feedback::{ErrorPanel, Loading};
use crate::live::on_live;

const CONVERSATION_SEARCH: SearchLabels = SearchLabels {
    id: "conversation-search",
    label: "Search conversations by first name, last name or phone number",
    placeholder: "Search by name or phone",
};

#[component]
pub fn ActivityTab(campaign: Campaign) -> impl IntoView {
    crate::live::provide_live();
    let api = use_api();
    let campaign_id = campaign.id;
    // Conversation times read in the viewer's own zone, in the Activity tab as in the
    // inbox, so the same message shows the same time wherever they meet it.
    let zone =
        crate::auth::use_current_user().map_or_else(|| campaign.time_zone.clone(), |me| me.office.time_zone.clone());
    let row_zone = StoredValue::new(zone.clone());
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
    let picking = BulkSelection::new();

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
    let refresh_counts = crate::components::inbox_count::inbox_counts_refresher();
    on_live(
        move |event| event.touches_campaign(campaign_id),
        move || {
            reload();
            refresh_counts();
        },
    );
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

    // What the list pane shows is rebuilt only when its kind changes; within a list,
    // sections and rows are keyed, so a reload updates what changed in place.
    let state = Memo::new(move |_| {
        ListState::of(sections.read().as_ref().map(|sections| sections.is_empty()), load_error.read().is_some())
    });
    let shown = Memo::new(move |_| {
        sections.read().as_ref().map(|all| all.iter().map(|s| s.section).collect::<Vec<_>>()).unwrap_or_default()
    });
    let list = move || {
        match state.get() {
        ListState::Failed => view! {
            <ErrorPanel
                title="The conversations could not be loaded"
                message=load_error.get_untracked().map(|e| e.user_message()).unwrap_or_default()
                retry=Callback::new(move |()| reload())
            />
        }
        .into_any(),
        ListState::Loading => view! { <Loading label="Loading conversations…"/> }.into_any(),
        ListState::Empty => {
            let filtered = !search.read_untracked().is_empty() || !tags.read_untracked().is_empty();
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
        // The three sections in the guide's order, each shown while it has conversations.
        ListState::Listed => Section::ALL
            .into_iter()
            .map(|which| {
                view! {
                    <Show when=move || shown.read().contains(&which)>
                        {section_block(which, sections, href, selected, row_zone, Callback::new(move |cursor| load_more(which, cursor)), picking)}
                    </Show>
                }
            })
            .collect_view()
            .into_any(),
    }
    };

    // Bulk actions: the rows picked, or every conversation the search and tags match.
    Effect::watch(move || (search.get(), tags.get()), move |_, _, _| picking.clear(), false);
    let all_matching = Signal::derive(move || {
        let total: i64 = sections.read().as_ref().map_or(0, |all| all.iter().map(|s| s.total).sum());
        let q = search.get();
        let selection = BulkCampaignSelection {
            campaign_id,
            section: None,
            q: (!q.trim().is_empty()).then_some(q),
            tags: tags.get(),
        };
        Some((selection, total))
    });
    let after_bulk = Callback::new(move |()| {
        refresh_counts();
        reload();
        reload_tags();
    });

    view! {
        <div class="conversation-workspace">
            <div class="activity-list">
                <div class="toolbar">
                    <Filters search tags search_box=CONVERSATION_SEARCH tag_options/>
                    <DownloadButton
                        label="Download transcript"
                        busy_label="Preparing transcript…"
                        what="The transcript"
                        file_name=format!("campaign-{campaign_id}-transcript.csv")
                        mime="text/csv;charset=utf-8"
                        fetch=Callback::new(move |()| {
                            Box::pin(async move { api.campaign_transcript_csv(campaign_id).await }) as TextTask
                        })
                    >
                        {icons::download()}
                    </DownloadButton>
                </div>
                <BulkBar selection=picking all_matching select_all=Callback::new(move |()| picking.everything.set(true)) done=after_bulk/>
                <div class="conversation-scroll">{list}</div>
            </div>
            <div class="activity-conversation">
                {move || match selected.get() {
                    Some(id) => view! {
                        <ConversationPanel id zone=zone.clone() changed=Callback::new(move |()| {
                            refresh_counts();
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

/// One section of the list (its heading with the count, its rows, Load more), read
/// from the loaded sections as they change. A plain function rather than a component,
/// which would cost the bundle its own copy of the framework's untracked-build code.
fn section_block(
    which: Section,
    sections: RwSignal<Option<Vec<ConversationSection>>>,
    href: Callback<i64, String>,
    selected: Memo<Option<i64>>,
    zone: StoredValue<String>,
    load_more: Callback<String>,
    picking: BulkSelection,
) -> impl IntoView {
    // A fn, not a closure: the answer borrows from its argument.
    fn find(all: &Option<Vec<ConversationSection>>, which: Section) -> Option<&ConversationSection> {
        all.as_ref()?.iter().find(|s| s.section == which)
    }
    let label = section_label(which);
    let heading = move || {
        let total = sections.with(|all| find(all, which).map_or(0, |s| s.total));
        format!("{label} ({total})")
    };
    let items =
        Signal::derive(move || sections.with(|all| find(all, which).map(|s| s.items.clone()).unwrap_or_default()));
    let cursor = Memo::new(move |_| sections.with(|all| find(all, which).and_then(|s| s.next_cursor.clone())));
    view! {
        <section class=format!("conversation-section section-{}", which.as_str())>
            <h3>{heading}</h3>
            <ConversationList items href selected label=label zone picking/>
            {move || cursor.get().map(|cursor| view! {
                <button type="button" class="button button-small" on:click=move |_| load_more.run(cursor.clone())>
                    "Load more"
                </button>
            })}
        </section>
    }
}
