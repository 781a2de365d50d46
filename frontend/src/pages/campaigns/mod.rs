//! The Campaigns page (four tabs, search, tag filter, row actions, the Scheduled
//! calendar) and the campaign view (`view`).

mod actions;
mod calendar;
mod icons;
mod table;
mod tabs;
mod view;

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use tidings_domain::campaign::CampaignAction;
use tidings_domain::campaign_wire::Campaign;

use crate::api::use_api;
use crate::auth::use_current_user;
use crate::components::campaign_links::{campaign_href, use_pending_outcome, Outcome};

pub use view::CampaignDetailPage;

use crate::components::filters::{Filters, SearchLabels};
use actions::ConfirmDialog;
use calendar::ScheduledCalendar;
use table::CampaignTable;
use tabs::{tab_element_id, CampaignTabs, Tab, PANEL_ID};

/// State shared by the list, its rows' menus and the confirmation dialog.
#[derive(Clone, Copy)]
pub struct CampaignsContext {
    /// Bumped after an action so lists and details load again.
    pub reload: RwSignal<u32>,
    pub outcome: RwSignal<Option<Outcome>>,
    /// The campaign whose action menu is open.
    pub open_menu: RwSignal<Option<i64>>,
    /// The action waiting for the user's confirmation.
    pub confirming: RwSignal<Option<(Campaign, CampaignAction)>>,
}

impl CampaignsContext {
    fn provide() -> Self {
        let ctx = Self {
            reload: RwSignal::new(0),
            outcome: RwSignal::new(use_pending_outcome().take()),
            open_menu: RwSignal::new(None),
            confirming: RwSignal::new(None),
        };
        provide_context(ctx);
        ctx
    }

    /// Records an action's result and reloads what shows campaigns.
    pub fn finish(&self, outcome: Outcome) {
        if matches!(outcome, Outcome::Done { .. }) {
            self.reload.update(|n| *n += 1);
        }
        self.outcome.set(Some(outcome));
    }
}

/// The page's shared state; a fresh one outside the page (never expected).
pub fn use_campaigns() -> CampaignsContext {
    use_context::<CampaignsContext>().unwrap_or_else(CampaignsContext::provide)
}

const CAMPAIGN_SEARCH: SearchLabels =
    SearchLabels { id: "campaign-search", label: "Search campaigns by title", placeholder: "Search by title" };

/// How the Scheduled tab shows its campaigns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ScheduledView {
    Calendar,
    Table,
}

/// `/campaigns?tab=…`: the tabs, each with search, tag filter and paging.
#[component]
pub fn CampaignsPage() -> impl IntoView {
    let ctx = CampaignsContext::provide();
    let query = use_query_map();
    let tab = Memo::new(move |_| Tab::from_slug(query.read().get("tab").as_deref()));
    let search = RwSignal::new(String::new());
    let tags = RwSignal::new(Vec::<String>::new());
    let page = RwSignal::new(1u32);
    let view_mode = RwSignal::new(ScheduledView::Calendar);
    let api = use_api();
    // The tag filter counts the campaigns of the tab it filters.
    let campaign_tags = LocalResource::new(move || {
        let state = tab.get().state();
        async move { api.tags(state).await.map(|list| list.into_iter().map(|t| (t.tag, t.campaigns)).collect()) }
    });
    // Limited users see campaigns but the API refuses them creating one.
    let may_create = use_current_user().is_some_and(|me| me.role.manages_campaigns());
    let may_create = move || may_create;

    // A new tab or new filters start again at the first page, with a clean slate.
    Effect::watch(
        move || (tab.get(), search.get(), tags.get()),
        move |_, _, _| {
            page.set(1);
            ctx.open_menu.set(None);
        },
        false,
    );

    let panel = move || {
        let current = tab.get();
        if current == Tab::Scheduled && view_mode.get() == ScheduledView::Calendar {
            view! { <ScheduledCalendar/> }.into_any()
        } else {
            view! { <CampaignTable tab search tags page/> }.into_any()
        }
    };

    view! {
        <section class="page campaigns-page">
            <div class="page-head">
                <h1>"Campaigns"</h1>
                <Show when=may_create>
                    <A href="/campaigns/new" attr:class="button button-primary">"New campaign"</A>
                </Show>
            </div>
            <OutcomeBar/>
            <CampaignTabs current=tab/>
            <div
                class="panel tab-panel"
                role="tabpanel"
                id=PANEL_ID
                aria-labelledby=move || tab_element_id(tab.get())
            >
                <div class="toolbar">
                    <Filters search tags search_box=CAMPAIGN_SEARCH tag_options=campaign_tags/>
                    <Show when=move || tab.get() == Tab::Scheduled>
                        <div class="view-toggle" role="group" aria-label="Show scheduled campaigns as">
                            <button
                                type="button"
                                class="toggle"
                                aria-pressed=move || (view_mode.get() == ScheduledView::Calendar).to_string()
                                on:click=move |_| view_mode.set(ScheduledView::Calendar)
                            >
                                "Calendar"
                            </button>
                            <button
                                type="button"
                                class="toggle"
                                aria-pressed=move || (view_mode.get() == ScheduledView::Table).to_string()
                                on:click=move |_| view_mode.set(ScheduledView::Table)
                            >
                                "Table"
                            </button>
                        </div>
                    </Show>
                </div>
                <Show when=move || tab.get() == Tab::Scheduled && view_mode.get() == ScheduledView::Calendar>
                    <p class="muted filter-note">
                        "The calendar shows every scheduled campaign; search and tags narrow the table view."
                    </p>
                </Show>
                {panel}
            </div>
            <ConfirmDialog/>
        </section>
    }
}

/// The last action's result: a notice (with a link to a new draft) or the API's refusal.
#[component]
pub fn OutcomeBar() -> impl IntoView {
    let ctx = use_campaigns();
    move || {
        ctx.outcome.get().map(|outcome| match outcome {
            Outcome::Done { message, link } => view! {
                <div class="notice notice-success outcome" role="status">
                    <span>{message}</span>
                    {link.map(|(href, label)| view! { " " <A href=href>{label}</A> })}
                    <button type="button" class="link-button dismiss" on:click=move |_| ctx.outcome.set(None)>
                        "Dismiss"
                    </button>
                </div>
            }
            .into_any(),
            Outcome::Failed(message) => view! {
                <div class="alert outcome" role="alert">
                    <span>{message}</span>
                    <button type="button" class="link-button dismiss" on:click=move |_| ctx.outcome.set(None)>
                        "Dismiss"
                    </button>
                </div>
            }
            .into_any(),
        })
    }
}
