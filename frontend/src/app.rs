//! The router: which page each path shows. Sign-in, the shell, home, the Campaigns page
//! and "not found" are in the module every page loads; every other screen is a lazy
//! route (`crate::chunks`), fetched the first time it is opened. New pages add a
//! `<Route/>` here and, unless every user needs them at once, a screen there.

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{path, Lazy};

use crate::auth::provide_session;
use crate::chunks::{
    ApiKeysScreen, AuditLogScreen, CampaignDetailScreen, ContactListScreen, ContactListsScreen, EditCampaignScreen,
    InboxScreen, NewCampaignScreen, OfficesScreen, PhoneNumberScreen, PhoneNumbersScreen, SettingsScreen,
    SuppressionScreen, TemplatesScreen, UsersScreen,
};
use crate::components::campaign_links::provide_pending_outcome;
use crate::pages::{CampaignsPage, HomePage, LoginPage, NotFoundPage, Shell};

/// The whole app: the session, then the routes.
///
/// Every path but `/login` renders inside [`Shell`], which sends signed-out visitors to
/// the login page and remembers where they were going.
#[component]
pub fn App() -> impl IntoView {
    provide_session();
    provide_pending_outcome();
    // True while the router opens a page: the first visit to a screen fetches its
    // module, and the bar says something is happening until it is shown.
    let (routing, set_routing) = signal(false);

    view! {
        <Show when=move || routing.get()>
            <div class="route-progress" role="progressbar" aria-label="Opening the page"></div>
        </Show>
        <Router set_is_routing=set_routing>
            <Routes fallback=|| view! { <NotFoundPage/> }>
                <Route path=path!("/login") view=LoginPage/>
                <ParentRoute path=path!("") view=Shell>
                    <Route path=path!("") view=HomePage/>
                    <Route path=path!("/campaigns") view=CampaignsPage/>
                    <Route path=path!("/inbox") view={Lazy::<InboxScreen>::new()}/>
                    <Route path=path!("/campaigns/new") view={Lazy::<NewCampaignScreen>::new()}/>
                    <Route path=path!("/campaigns/:id/edit") view={Lazy::<EditCampaignScreen>::new()}/>
                    <Route path=path!("/campaigns/:id") view={Lazy::<CampaignDetailScreen>::new()}/>
                    <Route path=path!("/contact-lists") view={Lazy::<ContactListsScreen>::new()}/>
                    <Route path=path!("/contact-lists/:id") view={Lazy::<ContactListScreen>::new()}/>
                    <Route path=path!("/phone-numbers") view={Lazy::<PhoneNumbersScreen>::new()}/>
                    <Route path=path!("/phone-numbers/:id") view={Lazy::<PhoneNumberScreen>::new()}/>
                    <Route path=path!("/users") view={Lazy::<UsersScreen>::new()}/>
                    <Route path=path!("/offices") view={Lazy::<OfficesScreen>::new()}/>
                    <Route path=path!("/opt-outs") view={Lazy::<SuppressionScreen>::new()}/>
                    <Route path=path!("/settings") view={Lazy::<SettingsScreen>::new()}/>
                    <Route path=path!("/audit-log") view={Lazy::<AuditLogScreen>::new()}/>
                    <Route path=path!("/api-keys") view={Lazy::<ApiKeysScreen>::new()}/>
                    <Route path=path!("/templates") view={Lazy::<TemplatesScreen>::new()}/>
                    <Route path=path!("/*any") view=NotFoundPage/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
