//! The router: which page each path shows. New pages add a `<Route/>` here, and to the
//! bundle that holds them (`crate::bundles`, `index.html`).

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

use crate::auth::provide_session;
// The sign-in page lives in the home bundle (index.html starts it for `/login`): a page
// of another bundle whose session ends loads `/login` afresh, like any other screen.
#[cfg(not(feature = "bundle-home"))]
use crate::bundles::Elsewhere as LoginPage;
#[cfg(feature = "bundle-home")]
use crate::pages::LoginPage;
use crate::pages::{NotFoundPage, Shell};

// Each bundle compiles its own screens; the others' routes lead to `Elsewhere`, which
// loads them in their bundle. The code of screens nobody routes to is left out.
#[cfg(not(any(feature = "bundle-campaign", feature = "bundle-insight")))]
use crate::bundles::Elsewhere as CampaignDetailPage;
#[cfg(not(feature = "bundle-inbox"))]
use crate::bundles::Elsewhere as InboxPage;
#[cfg(not(feature = "bundle-home"))]
use crate::bundles::{Elsewhere as HomePage, Elsewhere as CampaignsPage};
#[cfg(not(feature = "wizard"))]
use crate::bundles::{Elsewhere as NewCampaignPage, Elsewhere as EditCampaignPage};
#[cfg(not(feature = "bundle-lists"))]
use crate::bundles::{Elsewhere as ContactListsPage, Elsewhere as ContactListPage};
#[cfg(not(feature = "bundle-settings"))]
use crate::bundles::{
    Elsewhere as PhoneNumbersPage, Elsewhere as PhoneNumberPage, Elsewhere as UsersPage, Elsewhere as OfficesPage,
    Elsewhere as SuppressionPage, Elsewhere as SettingsPage, Elsewhere as AuditLogPage,
};
#[cfg(any(feature = "bundle-campaign", feature = "bundle-insight"))]
use crate::pages::CampaignDetailPage;
#[cfg(feature = "bundle-inbox")]
use crate::pages::InboxPage;
#[cfg(feature = "bundle-settings")]
use crate::pages::{
    AuditLogPage, OfficesPage, PhoneNumberPage, PhoneNumbersPage, SettingsPage, SuppressionPage, UsersPage,
};
#[cfg(feature = "bundle-home")]
use crate::pages::{CampaignsPage, HomePage};
#[cfg(feature = "bundle-lists")]
use crate::pages::{ContactListPage, ContactListsPage};
#[cfg(feature = "wizard")]
use crate::pages::{EditCampaignPage, NewCampaignPage};

/// The whole app: the session, then the routes.
///
/// Every path but `/login` renders inside [`Shell`], which sends signed-out visitors to
/// the login page and remembers where they were going.
#[component]
pub fn App() -> impl IntoView {
    provide_session();

    view! {
        <Router>
            <Routes fallback=|| view! { <NotFoundPage/> }>
                <Route path=path!("/login") view=LoginPage/>
                <ParentRoute path=path!("") view=Shell>
                    <Route path=path!("") view=HomePage/>
                    <Route path=path!("/campaigns") view=CampaignsPage/>
                    <Route path=path!("/inbox") view=InboxPage/>
                    <Route path=path!("/campaigns/new") view=NewCampaignPage/>
                    <Route path=path!("/campaigns/:id/edit") view=EditCampaignPage/>
                    <Route path=path!("/campaigns/:id") view=CampaignDetailPage/>
                    <Route path=path!("/contact-lists") view=ContactListsPage/>
                    <Route path=path!("/contact-lists/:id") view=ContactListPage/>
                    <Route path=path!("/phone-numbers") view=PhoneNumbersPage/>
                    <Route path=path!("/phone-numbers/:id") view=PhoneNumberPage/>
                    <Route path=path!("/users") view=UsersPage/>
                    <Route path=path!("/offices") view=OfficesPage/>
                    <Route path=path!("/opt-outs") view=SuppressionPage/>
                    <Route path=path!("/settings") view=SettingsPage/>
                    <Route path=path!("/audit-log") view=AuditLogPage/>
                    <Route path=path!("/*any") view=NotFoundPage/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
