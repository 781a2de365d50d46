//! The campaigns table of a tab: the Active tab's columns (the date column fits the
//! tab), row action menus, and paging.

use leptos::prelude::*;
use leptos_router::components::A;
use tidings_domain::campaign::CampaignState;
use tidings_domain::campaign_wire::{Campaign, CampaignPage};

use super::actions::ActionMenu;
use super::tabs::Tab;
use super::{campaign_href, use_campaigns};
use crate::api::use_api;
use crate::components::local_time::local_time;
use crate::feedback::{ErrorPanel, Loading};

/// Rows per page.
const PER_PAGE: u32 = 25;

impl Tab {
    /// The tab's own date column, after Last updated.
    fn date_heading(self) -> &'static str {
        match self {
            Tab::Active => "Launched Date",
            Tab::Scheduled => "Launch time",
            Tab::Draft => "Created",
            Tab::Archived => "Archived",
        }
    }

    /// What an empty table says: that nothing matches the filters, or what is missing
    /// and how it comes.
    fn empty_text(self, filtered: bool) -> &'static str {
        match (self, filtered) {
            (Tab::Active, true) => "No active campaign matches the search and tags.",
            (Tab::Scheduled, true) => "No scheduled campaign matches the search and tags.",
            (Tab::Draft, true) => "No draft matches the search and tags.",
            (Tab::Archived, true) => "No archived campaign matches the search and tags.",
            (Tab::Active, false) => "No campaign is running: launch a draft, or schedule one for later.",
            (Tab::Scheduled, false) => {
                "Nothing is scheduled: schedule a campaign from its last step, or from a date in the calendar."
            }
            (Tab::Draft, false) => "No drafts: “New campaign” starts one, and it waits here until it launches.",
            (Tab::Archived, false) => "Nothing archived yet: stopped campaigns and discarded drafts land here.",
        }
    }

    fn date_of(self, campaign: &Campaign) -> Option<chrono::DateTime<chrono::Utc>> {
        match self {
            Tab::Active => campaign.launched_at,
            Tab::Scheduled => campaign.scheduled_at,
            Tab::Draft => Some(campaign.created_at),
            Tab::Archived => campaign.archived_at,
        }
    }
}

/// One page of the tab's campaigns, filtered by the search and tags.
#[component]
pub fn CampaignTable(
    tab: Memo<Tab>,
    search: RwSignal<String>,
    tags: RwSignal<Vec<String>>,
    page: RwSignal<u32>,
) -> impl IntoView {
    let api = use_api();
    let ctx = use_campaigns();
    let data = LocalResource::new(move || {
        let (tab, search, tags, number) = (tab.get(), search.get(), tags.get(), page.get());
        ctx.reload.track();
        let filtered = !search.is_empty() || !tags.is_empty();
        async move {
            api.campaigns(Some(tab.state()), &search, &tags, number, PER_PAGE).await.map(|page| (tab, page, filtered))
        }
    });

    // While new filters or another page load, the old rows stay under an "Updating…" line.
    let pending = RwSignal::new(false);

    view! {
        <p class="updating" role="status" aria-live="polite">
            {move || pending.get().then_some("Updating…")}
        </p>
        <Transition fallback=|| view! { <Loading label="Loading campaigns…"/> } set_pending=pending.write_only()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((tab, list, filtered)) => view! { <Table tab list page filtered/> }.into_any(),
                    Err(error) => view! {
                        <ErrorPanel
                            title="The campaigns could not be loaded"
                            message=error.user_message()
                            retry=Callback::new(move |()| data.refetch())
                        />
                    }
                    .into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Table(tab: Tab, list: CampaignPage, page: RwSignal<u32>, filtered: bool) -> impl IntoView {
    let headings = [
        "Title",
        "Office",
        "Phone Number",
        "Contact List",
        "Operated By",
        "Tags",
        "Last updated",
        tab.date_heading(),
        "Actions",
    ];
    let empty = list.items.is_empty();
    let rows = list.items.into_iter().map(|campaign| view! { <Row tab campaign/> }).collect_view();
    let first = (u64::from(list.page.max(1)) - 1) * u64::from(list.per_page) + 1;
    let total = u64::try_from(list.total).unwrap_or(0);
    let last_on_page = (first - 1 + u64::from(list.per_page)).min(total);
    let has_previous = list.page > 1;
    let has_next = last_on_page < total;

    view! {
        <div class="table-wrap">
            <table class="campaign-table">
                <thead>
                    <tr>{headings.into_iter().map(|h| view! { <th scope="col">{h}</th> }).collect_view()}</tr>
                </thead>
                <tbody>
                    {rows}
                    {empty.then(|| view! {
                        <tr>
                            <td colspan="9" class="empty">{tab.empty_text(filtered)}</td>
                        </tr>
                    })}
                </tbody>
            </table>
        </div>
        // An empty tab says why in its table; a pager over nothing ("0 of 0") says nothing.
        <nav class="pager" aria-label="Pages" hidden=total == 0>
            <span class="pager-range">{format!("{first}–{last_on_page} of {total}")}</span>
            <button
                type="button"
                class="button"
                disabled=!has_previous
                on:click=move |_| page.update(|p| *p = p.saturating_sub(1).max(1))
            >
                "Previous"
            </button>
            <button type="button" class="button" disabled=!has_next on:click=move |_| page.update(|p| *p += 1)>
                "Next"
            </button>
        </nav>
    }
}

#[component]
fn Row(tab: Tab, campaign: Campaign) -> impl IntoView {
    let zone = campaign.time_zone.clone();
    let href = campaign_href(&campaign);
    let id = campaign.id;
    let title = campaign.title.clone();
    let office = campaign.office.name.clone();
    let number = campaign.phone_number.as_ref().map_or("—".to_owned(), |n| n.display.clone());
    let list = campaign.contact_list.as_ref().map_or("—".to_owned(), |l| l.name.clone());
    let operated = campaign.operated_by.label();
    let tags = campaign.tags.iter().map(|t| view! { <li class="chip">{t.clone()}</li> }).collect_view();
    let date = local_time(tab.date_of(&campaign), &zone);
    let updated = local_time(Some(campaign.updated_at), &zone);
    // The Active tab lists paused campaigns too; the pill tells them apart.
    let paused = (campaign.state == CampaignState::Paused)
        .then(|| view! { " " <span class="state-pill state-paused">"Paused"</span> });
    view! {
        <tr data-campaign-id=id>
            <th scope="row" class="title-cell">
                <A href=href>{title}</A>
                {paused}
            </th>
            <td>{office}</td>
            <td class="number-cell">{number}</td>
            <td>{list}</td>
            <td>{operated}</td>
            <td>
                <ul class="chips">
                    {tags}
                </ul>
            </td>
            <td>{updated}</td>
            <td>{date}</td>
            <td class="actions-cell">
                <ActionMenu campaign/>
            </td>
        </tr>
    }
}
