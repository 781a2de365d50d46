//! The signed-in frame: sends signed-out visitors to the login page, loads who the user
//! is, then shows the header and the current page.

use leptos::prelude::*;
use leptos_router::components::{Outlet, A};
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;
use tidings_domain::auth::Me;

use crate::api::{use_api, ApiError};
use crate::auth::{login_path_for, use_session, CurrentUser, LOGIN_PATH};
use crate::components::inbox_count::provide_inbox_count;
use crate::feedback::{ErrorPanel, Loading};

/// The main navigation: path, label and who sees it. Later pages add their entries
/// here; an entry is highlighted on its own path and, except home, on the paths below it.
const NAVIGATION: &[(&str, &str, Audience)] = &[
    ("/", "Home", Audience::Everyone),
    ("/campaigns", "Campaigns", Audience::Everyone),
    ("/inbox", "Inbox", Audience::Messaging),
    ("/contact-lists", "Contact lists", Audience::Messaging),
    ("/templates", "Templates", Audience::Messaging),
    ("/phone-numbers", "Phone numbers", Audience::Messaging),
    ("/users", "Users", Audience::Admins),
    ("/offices", "Offices", Audience::Admins),
    // The page is the suppression list; the navigation says it the short way.
    ("/opt-outs", "Opt-outs", Audience::Admins),
    ("/settings", "Settings", Audience::Admins),
];

/// Who a navigation entry is for: pages whose every call the API would refuse a user
/// are not offered to them.
#[derive(Clone, Copy)]
enum Audience {
    Everyone,
    /// Users with the two-way messaging permission, and administrators.
    Messaging,
    /// The administrative role (`tidings_domain::role::Role::is_admin`).
    Admins,
}

impl Audience {
    fn includes(self, me: &Me) -> bool {
        match self {
            Audience::Everyone => true,
            Audience::Messaging => me.two_way_messaging || me.role.is_admin(),
            Audience::Admins => me.role.is_admin(),
        }
    }
}

/// The parent route of every signed-in page.
///
/// This is a hand-rolled gate rather than `ProtectedParentRoute`: that one's redirect
/// pushes a history entry (so Back bounces straight back to the login page), while
/// this one replaces it and carries the wanted path in `?next=`. It also notices a
/// session that ends later (a 401 from any call, or a sign-out in another tab).
#[component]
pub fn Shell() -> impl IntoView {
    let session = use_session();
    let location = use_location();
    let navigate = use_navigate();

    Effect::new(move || {
        if !session.is_signed_in() {
            let path = location.pathname.get_untracked();
            let search = location.search.get_untracked();
            navigate(&login_path_for(&path, &search), NavigateOptions { replace: true, ..Default::default() });
        }
    });

    move || {
        if session.is_signed_in() {
            view! { <SignedIn/> }.into_any()
        } else {
            view! { <Loading label="Going to the sign-in page…"/> }.into_any()
        }
    }
}

/// Loads `GET /me`, then renders the frame around the current page.
#[component]
fn SignedIn() -> impl IntoView {
    let api = use_api();
    let session = use_session();
    let me = LocalResource::new(move || async move { api.me().await });

    view! {
        <Transition fallback=|| view! { <Loading label="Loading your account…"/> }>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(me) => view! { <Frame me/> }.into_any(),
                    // The session has ended; the gate is already on its way to the login page.
                    Err(ApiError::SignedOut) => {
                        view! { <Loading label="Going to the sign-in page…"/> }.into_any()
                    }
                    // Without the header there is no sign-out button, so offer one here.
                    Err(error) => view! {
                        <main class="app-main">
                            <ErrorPanel
                                title="Your account could not be loaded"
                                message=error.user_message()
                                retry=Callback::new(move |()| me.refetch())
                            />
                            <p class="aside">
                                "Not you, or stuck? "
                                <button type="button" class="link-button" on:click=move |_| session.end()>
                                    "Sign in again"
                                </button>
                            </p>
                        </main>
                    }
                    .into_any(),
                }
            })}
        </Transition>
    }
}

/// The header (app name, navigation, who is signed in, sign-out) and the page.
#[component]
fn Frame(me: Me) -> impl IntoView {
    let api = use_api();
    let session = use_session();
    let navigate = use_navigate();

    let sign_out = Action::new_local(move |(): &()| {
        let navigate = navigate.clone();
        async move {
            // Whatever the server says (unreachable, failing), this browser forgets the
            // token: signing out must always work. Going to the login page first means
            // the gate does not add `?next=` for a deliberate sign-out.
            let _ = api.logout().await;
            navigate(LOGIN_PATH, NavigateOptions::default());
            session.end();
        }
    });
    let signing_out = sign_out.pending();

    let user_name = me.name.clone();
    let organisation_name = me.organisation.name.clone();
    let navigation: Vec<_> = NAVIGATION.iter().filter(|(_, _, audience)| audience.includes(&me)).collect();
    let waiting = me.two_way_messaging.then(|| provide_inbox_count(api, me.inbox_needs_attention));
    provide_context(CurrentUser(me));
    // "Inbox 3": the conversations waiting in the user's own inbox.
    let inbox_badge = move || {
        let waiting = waiting?.get().filter(|n| *n > 0)?;
        let words = format!("{waiting} need attention");
        Some(view! { <span class="count-badge nav-count" aria-label=words.clone() title=words>{waiting}</span> })
    };

    view! {
        <div class="app">
            <header class="app-header">
                <A href="/" attr:class="app-brand">"Tidings"</A>
                <nav class="app-nav" aria-label="Main">
                    {navigation
                        .into_iter()
                        .map(|&(path, label, _)| {
                            let badge = (path == "/inbox").then_some(inbox_badge);
                            view! { <A href=path exact={path == "/"}>{label} {badge}</A> }
                        })
                        .collect_view()}
                </nav>
                <div class="account">
                    <div class="account-who">
                        <span class="account-name">{user_name}</span>
                        <span class="account-organisation">{organisation_name}</span>
                    </div>
                    <button
                        type="button"
                        class="button"
                        disabled=move || signing_out.get()
                        on:click=move |_| {
                            sign_out.dispatch(());
                        }
                    >
                        {move || if signing_out.get() { "Signing out…" } else { "Sign out" }}
                    </button>
                </div>
            </header>
            <main class="app-main">
                <Outlet/>
            </main>
        </div>
    }
}
