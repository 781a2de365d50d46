//! The campaign view's tabs (Activity, General, Contacts, Analytics), selected in
//! `?tab=`.

use leptos::prelude::*;
use tidings_domain::campaign::CampaignState;
use tidings_domain::campaign_wire::Campaign;

use crate::pages::tab_list::{TabItem, TabList};

/// One of the campaign view's tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewTab {
    Activity,
    General,
    Contacts,
    Analytics,
}

impl ViewTab {
    pub const ALL: [ViewTab; 4] = [ViewTab::Activity, ViewTab::General, ViewTab::Contacts, ViewTab::Analytics];

    /// The `?tab=` value.
    pub fn slug(self) -> &'static str {
        match self {
            ViewTab::Activity => "activity",
            ViewTab::General => "general",
            ViewTab::Contacts => "contacts",
            ViewTab::Analytics => "analytics",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ViewTab::Activity => "Activity",
            ViewTab::General => "General",
            ViewTab::Contacts => "Contacts",
            ViewTab::Analytics => "Analytics",
        }
    }

    /// The tab a `?tab=` value names.
    pub fn from_slug(slug: Option<&str>) -> Option<ViewTab> {
        ViewTab::ALL.into_iter().find(|tab| Some(tab.slug()) == slug)
    }

    /// The tabs `campaign` has: all four once it has launched, else only General.
    pub fn of(campaign: &Campaign) -> Vec<ViewTab> {
        let launched =
            matches!(campaign.state, CampaignState::Active | CampaignState::Archived) && campaign.launched_at.is_some();
        if launched {
            ViewTab::ALL.to_vec()
        } else {
            vec![ViewTab::General]
        }
    }

    /// Where the tab of campaign `id` lives.
    pub fn href(self, id: i64) -> String {
        format!("/campaigns/{id}?tab={}", self.slug())
    }

    pub fn tab_id(self) -> String {
        format!("campaign-tab-{}", self.slug())
    }
}

/// The id of the panel the tabs control.
pub const VIEW_PANEL_ID: &str = "campaign-panel";

/// The campaign's tab list. Switching tabs replaces the history entry, so Back leaves
/// the campaign instead of stepping through its tabs.
#[component]
pub fn ViewTabList(campaign_id: i64, tabs: Vec<ViewTab>, current: Memo<ViewTab>) -> impl IntoView {
    let items =
        tabs.iter().map(|tab| TabItem { label: tab.label(), id: tab.tab_id(), href: tab.href(campaign_id) }).collect();
    let selected = Signal::derive(move || tabs.iter().position(|t| *t == current.get()).unwrap_or(0));
    view! { <TabList label="Campaign" tabs=items selected panel_id=VIEW_PANEL_ID replace=true/> }
}
