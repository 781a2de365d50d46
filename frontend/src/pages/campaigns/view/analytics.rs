//! The campaign view's Analytics tab.

use leptos::prelude::*;
use tidings_domain::campaign_wire::Campaign;

#[component]
pub fn AnalyticsTab(campaign: Campaign) -> impl IntoView {
    view! { <p>{campaign.title}</p> }
}
