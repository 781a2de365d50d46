//! The campaign view's tabs (Activity, General, Contacts, Analytics), selected in
//! `?tab=`.

use leptos::prelude::*;

pub use crate::components::campaign_links::ViewTab;
use crate::components::tab_list::{TabItem, TabList};

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
