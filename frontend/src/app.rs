//! The router: which page each path shows. New pages add a `<Route/>` here.

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

use crate::auth::provide_session;
use crate::pages::{
    provide_pending_outcome, CampaignDetailPage, CampaignsPage, ContactListPage, ContactListsPage, EditCampaignPage,
    HomePage, LoginPage, NewCampaignPage, NotFoundPage, OfficesPage, PhoneNumberPage, PhoneNumbersPage, Shell,
    UsersPage,
};

/// The whole app: the session, then the routes.
///
/// Every path but `/login` renders inside [`Shell`], which sends signed-out visitors to
/// the login page and remembers where they were going.
#[component]
pub fn App() -> impl IntoView {
    provide_session();
    provide_pending_outcome();

    view! {
        <Router>
            <Routes fallback=|| view! { <NotFoundPage/> }>
                <Route path=path!("/login") view=LoginPage/>
                <ParentRoute path=path!("") view=Shell>
                    <Route path=path!("") view=HomePage/>
                    <Route path=path!("/campaigns") view=CampaignsPage/>
                    <Route path=path!("/campaigns/new") view=NewCampaignPage/>
                    <Route path=path!("/campaigns/:id/edit") view=EditCampaignPage/>
                    <Route path=path!("/campaigns/:id") view=CampaignDetailPage/>
                    <Route path=path!("/contact-lists") view=ContactListsPage/>
                    <Route path=path!("/contact-lists/:id") view=ContactListPage/>
                    <Route path=path!("/phone-numbers") view=PhoneNumbersPage/>
                    <Route path=path!("/phone-numbers/:id") view=PhoneNumberPage/>
                    <Route path=path!("/users") view=UsersPage/>
                    <Route path=path!("/offices") view=OfficesPage/>
                    <Route path=path!("/*any") view=NotFoundPage/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
