//! The home page: who is signed in, where, and what their role lets them do.

use leptos::prelude::*;
use leptos_router::components::A;
use tidings_domain::auth::Me;
use tidings_domain::Role;

use crate::auth::use_current_user;
use crate::feedback::ErrorPanel;

/// Welcomes the user by name and sets out their office, role and reach.
#[component]
pub fn HomePage() -> impl IntoView {
    let Some(me) = use_current_user() else {
        return view! {
            <section class="page">
                <ErrorPanel
                    title="Your account is not loaded"
                    message="Reload the page to try again."
                />
            </section>
        }
        .into_any();
    };
    let first_name = me.name.split_whitespace().next().unwrap_or(&me.name).to_owned();

    view! {
        <section class="page">
            <div class="panel welcome">
                <h1>"Welcome, " {first_name}</h1>
                <p class="lede">
                    "You are signed in to " <strong>{me.organisation.name.clone()}</strong>
                    " at the " <strong>{me.office.name.clone()}</strong> " office as "
                    {article(me.role)} " " <strong>{me.role.label().to_lowercase()}</strong> " user."
                </p>
                {(!me.two_way_messaging).then(|| view! {
                    <p class="notice notice-warning">
                        "Two-way messaging is turned off for your account, so campaigns and \
                         conversations are not available to you. Ask an administrator to turn it on."
                    </p>
                })}
                {me.two_way_messaging.then(|| view! {
                    <p>
                        <A href="/campaigns" attr:class="button button-primary">"Go to Campaigns"</A>
                    </p>
                })}
                <dl class="facts">
                    <div class="fact">
                        <dt>"Your office"</dt>
                        <dd>{me.office.name.clone()}</dd>
                    </div>
                    <div class="fact">
                        <dt>"Office time zone"</dt>
                        <dd>{me.office.time_zone.clone()}</dd>
                    </div>
                    <div class="fact">
                        <dt>"Your role"</dt>
                        <dd>
                            {me.role.label()}
                            <span class="fact-note">{role_summary(me.role)}</span>
                        </dd>
                    </div>
                    <div class="fact">
                        <dt>"Campaigns you see"</dt>
                        <dd>{reach(&me)}</dd>
                    </div>
                </dl>
            </div>
        </section>
    }
    .into_any()
}

fn article(role: Role) -> &'static str {
    match role {
        Role::Administrative => "an",
        Role::Standard | Role::Limited => "a",
    }
}

fn role_summary(role: Role) -> AnyView {
    match role {
        // API keys have no screen yet: administrators manage them through the API, whose
        // reference the server serves (no promise of a page that does not exist).
        Role::Administrative => view! {
            "Everything in your organisation, including users, offices and phone numbers; API keys through the "
            <a href="/api/docs/" rel="noopener">"REST API"</a> "."
        }
        .into_any(),
        Role::Standard => {
            "Create, edit, launch, schedule and archive campaigns; manage contact lists; work every conversation."
                .into_any()
        }
        Role::Limited => "Work the conversations in your inboxes and view your office's campaigns.".into_any(),
    }
}

fn reach(me: &Me) -> String {
    if me.role.may_view_other_offices() && me.view_other_offices {
        format!("Every office in {}", me.organisation.name)
    } else {
        format!("{} only", me.office.name)
    }
}
