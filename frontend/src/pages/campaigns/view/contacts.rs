//! The campaign view's Contacts tab.

use leptos::prelude::*;
use tidings_domain::campaign_wire::Campaign;

#[component]
pub fn ContactsTab(campaign: Campaign) -> impl IntoView {
    view! { <p>{campaign.title}</p> }
}
