//! A campaign's actions: the row menu (the vertical ellipsis), what each action does,
//! and the confirmation dialog for the ones that cannot be undone.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::wasm_bindgen::JsCast;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;
use tidings_domain::campaign::{ActionAvailability, CampaignAction, CampaignState, PhoneNumberKind};
use tidings_domain::campaign_wire::Campaign;

use super::{campaign_href, icons, use_campaigns, CampaignsContext, Outcome};
use crate::api::{use_api, Api};
use crate::components::dialog::Dialog;

/// The actions this page offers: the guide's Draft actions are Edit, Clone, Launch and
/// Archive, so Schedule is left to the wizard that Edit opens.
pub fn offered(campaign: &Campaign) -> Vec<ActionAvailability> {
    campaign.actions.iter().filter(|a| a.action != CampaignAction::Schedule).cloned().collect()
}

/// Whether `action` asks before it runs: archiving (which ends an active campaign) and
/// launching (which texts the whole contact list).
fn needs_confirmation(action: CampaignAction) -> bool {
    matches!(action, CampaignAction::Archive | CampaignAction::Launch)
}

/// The ⋮ button and its menu of actions; disabled ones are greyed with the reason on hover.
#[component]
pub fn ActionMenu(campaign: Campaign) -> impl IntoView {
    let ctx = use_campaigns();
    let api = use_api();
    let navigate = use_navigate();
    let id = campaign.id;
    let open = move || ctx.open_menu.get() == Some(id);
    let label = format!("Actions for {}", campaign.title);
    let campaign = StoredValue::new(campaign);
    let toggle_ref = NodeRef::<leptos::html::Button>::new();
    let menu_ref = NodeRef::<leptos::html::Ul>::new();
    // Opening the menu puts focus on its first item, as a menu button should.
    Effect::new(move || {
        if let Some(menu) = menu_ref.get() {
            if let Ok(Some(first)) = menu.query_selector("[role=menuitem]") {
                if let Ok(first) = first.dyn_into::<web_sys::HtmlElement>() {
                    let _ = first.focus();
                }
            }
        }
    });

    view! {
        <div
            class="action-menu"
            on:keydown=move |ev| {
                if ev.key() == "Escape" && open() {
                    ctx.open_menu.set(None);
                    if let Some(button) = toggle_ref.get() {
                        let _ = button.focus();
                    }
                }
            }
        >
            <button
                type="button"
                node_ref=toggle_ref
                class="icon-button"
                aria-haspopup="menu"
                aria-expanded=move || open().to_string()
                aria-label=label
                title="Actions"
                on:click=move |_| ctx.open_menu.update(|m| *m = if *m == Some(id) { None } else { Some(id) })
            >
                {icons::ellipsis()}
            </button>
            <Show when=open>
                <div class="menu-backdrop" on:click=move |_| ctx.open_menu.set(None)></div>
                <ul class="menu" role="menu" node_ref=menu_ref>
                    {
                        let navigate = navigate.clone();
                        offered(&campaign.read_value())
                            .into_iter()
                            .map(|item| {
                                let navigate = navigate.clone();
                                let enabled = item.enabled;
                                let action = item.action;
                                // Why an action is greyed, said in the item itself: a
                                // tooltip alone never reaches keyboard or touch users.
                                let reason_id = format!("action-{}-{}-reason", campaign.read_value().id, action.as_str());
                                let reason = (!enabled).then(|| item.reason.clone()).flatten().map(|why| {
                                    view! { <span class="menu-reason" id=reason_id.clone() aria-hidden="true">{why}</span> }
                                });
                                let described_by = reason.is_some().then_some(reason_id.clone());
                                view! {
                                    <li role="none">
                                        <button
                                            type="button"
                                            role="menuitem"
                                            class="menu-item"
                                            class:disabled=!enabled
                                            aria-disabled=(!enabled).to_string()
                                            title=item.reason.clone()
                                            aria-describedby=described_by
                                            on:click=move |_| {
                                                if enabled {
                                                    ctx.open_menu.set(None);
                                                    start(ctx, api, &navigate, campaign.get_value(), action);
                                                }
                                            }
                                        >
                                            <span class="menu-label">{item.label.clone()}</span>
                                            {reason}
                                        </button>
                                    </li>
                                }
                            })
                            .collect_view()
                    }
                </ul>
            </Show>
        </div>
    }
}

/// Starts an action: View opens the campaign, Edit opens it in the wizard; the rest call
/// the API, after a confirmation for those that ask for one.
pub fn start(
    ctx: CampaignsContext,
    api: Api,
    navigate: &impl Fn(&str, NavigateOptions),
    campaign: Campaign,
    action: CampaignAction,
) {
    match action {
        CampaignAction::View => navigate(&campaign_href(&campaign), NavigateOptions::default()),
        CampaignAction::Edit | CampaignAction::Schedule => {
            navigate(&format!("/campaigns/{}/edit", campaign.id), NavigateOptions::default());
        }
        _ if needs_confirmation(action) => ctx.confirming.set(Some((campaign, action))),
        _ => spawn_local(async move {
            ctx.finish(run(api, &campaign, action).await);
        }),
    }
}

/// Calls the API for `action` and says what happened.
async fn run(api: Api, campaign: &Campaign, action: CampaignAction) -> Outcome {
    match api.campaign_action(campaign.id, action).await {
        Ok(after) => Outcome::Done {
            message: match action {
                CampaignAction::Clone => format!("Cloned “{}” into the new draft “{}”.", campaign.title, after.title),
                CampaignAction::Launch => format!("“{}” has launched.", after.title),
                CampaignAction::Unschedule => format!("“{}” is unscheduled and back in Draft.", after.title),
                CampaignAction::Archive => format!("“{}” is archived.", after.title),
                CampaignAction::Pause => {
                    format!(
                        "“{}” is paused: nothing more is sent until you resume it. Replies still arrive.",
                        after.title
                    )
                }
                CampaignAction::Resume => format!("“{}” has resumed sending where it stopped.", after.title),
                _ => format!("“{}” is updated.", after.title),
            },
            link: (action == CampaignAction::Clone).then(|| (campaign_href(&after), "Open the draft".to_owned())),
        },
        Err(error) => Outcome::Failed(error.user_message()),
    }
}

/// What confirming will do, in the user's terms.
fn consequences(campaign: &Campaign, action: CampaignAction) -> (String, Vec<String>) {
    let title = &campaign.title;
    match (campaign.state, action) {
        (CampaignState::Active | CampaignState::Paused, CampaignAction::Archive) => {
            let number = match campaign.phone_number.as_ref().map(|n| n.kind) {
                Some(PhoneNumberKind::SingleUse) => "This campaign uses a single-use phone number. Make sure every \
                     contact has been answered first: once it ends, no further responses are sent and pending \
                     conversations are removed from the queue."
                    .to_owned(),
                _ => "This campaign uses a reusable phone number. Conversations that need attention switch to the \
                     number's unsolicited message settings and move to the inboxes configured there; agents of \
                     this campaign who are not among them lose those conversations from their inboxes."
                    .to_owned(),
            };
            (
                format!("Stop and archive “{title}”?"),
                vec![number, "The campaign then moves to the Archived tab. This cannot be undone.".to_owned()],
            )
        }
        (CampaignState::Scheduled, CampaignAction::Archive) => (
            format!("Archive “{title}”?"),
            vec!["Its schedule is cancelled, it will not launch, and it moves to the Archived tab.".to_owned()],
        ),
        (_, CampaignAction::Archive) => (
            format!("Archive “{title}”?"),
            vec!["The draft is discarded and moves to the Archived tab. You can still clone it later.".to_owned()],
        ),
        _ => (
            format!("Launch “{title}” now?"),
            vec![format!(
                "The first message goes out to every contact on {} straight away.",
                campaign.contact_list.as_ref().map_or("the contact list".to_owned(), |l| format!("“{}”", l.name))
            )],
        ),
    }
}

/// The confirmation dialog for the pending action; focus starts on Cancel.
#[component]
pub fn ConfirmDialog() -> impl IntoView {
    let ctx = use_campaigns();
    let api = use_api();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let close = move || {
        if !busy.get_untracked() {
            ctx.confirming.set(None);
            error.set(None);
        }
    };

    move || {
        ctx.confirming.get().map(|(campaign, action)| {
            let (heading, paragraphs) = consequences(&campaign, action);
            let confirm_label = if action == CampaignAction::Launch {
                "Launch".to_owned()
            } else {
                action.label(campaign.state).to_owned()
            };
            let confirm = move |_| {
                let campaign = campaign.clone();
                busy.set(true);
                error.set(None);
                spawn_local(async move {
                    let outcome = run(api, &campaign, action).await;
                    busy.set(false);
                    match outcome {
                        Outcome::Failed(message) => error.set(Some(message)),
                        done => {
                            ctx.confirming.set(None);
                            ctx.finish(done);
                        }
                    }
                });
            };
            view! {
                <Dialog heading on_close=Callback::new(move |()| close())>
                    {paragraphs.into_iter().map(|p| view! { <p>{p}</p> }).collect_view()}
                    {move || error.get().map(|message| view! { <p class="alert" role="alert">{message}</p> })}
                    <div class="dialog-actions">
                        <button type="button" class="button" on:click=move |_| close()>
                            "Cancel"
                        </button>
                        <button type="button" class="button button-danger" disabled=move || busy.get() on:click=confirm>
                            {move || if busy.get() { "Working…".to_owned() } else { confirm_label.clone() }}
                        </button>
                    </div>
                </Dialog>
            }
        })
    }
}
