//! The Campaigns page's four tabs (Active, Scheduled, Draft, Archived), selected in the
//! URL (`/campaigns?tab=draft`) so a reload keeps them.

use leptos::prelude::*;
use tidings_domain::campaign::CampaignState;

use crate::components::tab_list::{TabItem, TabList};

/// One of the Campaigns page's tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Active,
    Scheduled,
    Draft,
    Archived,
}

impl Tab {
    pub const ALL: [Tab; 4] = [Tab::Active, Tab::Scheduled, Tab::Draft, Tab::Archived];

    /// The campaigns the tab lists.
    pub fn state(self) -> CampaignState {
        match self {
            Tab::Active => CampaignState::Active,
            Tab::Scheduled => CampaignState::Scheduled,
            Tab::Draft => CampaignState::Draft,
            Tab::Archived => CampaignState::Archived,
        }
    }

    /// The `?tab=` value.
    pub fn slug(self) -> &'static str {
        self.state().as_str()
    }

    pub fn label(self) -> &'static str {
        self.state().label()
    }

    /// The tab a `?tab=` value names; Active when absent or unknown.
    pub fn from_slug(slug: Option<&str>) -> Tab {
        Tab::ALL.into_iter().find(|tab| Some(tab.slug()) == slug).unwrap_or(Tab::Active)
    }

    /// Where the tab lives.
    pub fn href(self) -> String {
        format!("/campaigns?tab={}", self.slug())
    }

    fn tab_id(self) -> String {
        format!("campaigns-tab-{}", self.slug())
    }
}

/// The id of the panel the tabs control.
pub const PANEL_ID: &str = "campaigns-panel";

/// The `aria-labelledby` of the panel for `tab`.
pub fn tab_element_id(tab: Tab) -> String {
    tab.tab_id()
}

/// The Campaigns page's tab list.
#[component]
pub fn CampaignTabs(current: Memo<Tab>) -> impl IntoView {
    let tabs = Tab::ALL.iter().map(|tab| TabItem { label: tab.label(), id: tab.tab_id(), href: tab.href() }).collect();
    let selected = Signal::derive(move || Tab::ALL.iter().position(|t| *t == current.get()).unwrap_or(0));
    view! { <TabList label="Campaigns by state" tabs selected panel_id=PANEL_ID/> }
}
