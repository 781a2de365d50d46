//! The Operator step: the agents who answer an agent-operated campaign (with, if
//! wanted, a script so an agent can hand a conversation to the Virtual Assistant), or
//! the Virtual Assistant's script.

use leptos::prelude::*;
use tidings_domain::campaign::OperatedBy;
use tidings_domain::user::User;

use super::assistant_script::AssistantScriptEditor;
use super::draft::{Draft, FieldErrors};
use crate::api::use_api;
use crate::feedback::{ErrorPanel, Loading};

#[component]
pub fn OperatorStep(draft: Draft) -> impl IntoView {
    view! {
        <section class="panel wizard-panel" aria-labelledby="step-heading">
            <h2 id="step-heading">"Operator"</h2>
            {move || match draft.operated_by.get() {
                OperatedBy::Agent => view! {
                    <AgentPicker draft/>
                    <div class="form-field checkbox">
                        <input
                            id="agent-script"
                            type="checkbox"
                            prop:checked=move || draft.agent_script.get()
                            on:change=move |ev| draft.agent_script.set(event_target_checked(&ev))
                        />
                        <label for="agent-script">"Give it a Virtual Assistant script too"</label>
                    </div>
                    <p class="hint">
                        "Agents can then hand a conversation to the Virtual Assistant from the Activity tab."
                    </p>
                    <Show when=move || draft.agent_script.get()>
                        <AssistantScriptEditor draft/>
                    </Show>
                }
                .into_any(),
                OperatedBy::Assistant => view! { <AssistantScriptEditor draft/> }.into_any(),
            }}
            <p class="hint">
                {move || match draft.operated_by.get() {
                    OperatedBy::Agent => "To have the Virtual Assistant answer instead, choose it under General.",
                    OperatedBy::Assistant => "To have agents answer instead, choose them under General.",
                }}
            </p>
        </section>
    }
}

/// Whether `user` may work a campaign of `office`: the rule the API checks.
fn may_work(user: &User, office: i64) -> bool {
    user.active
        && user.two_way_messaging
        && (user.office_id == office
            || (user.role.may_view_other_offices() && (user.view_other_offices || user.role.is_admin())))
}

#[component]
fn AgentPicker(draft: Draft) -> impl IntoView {
    let api = use_api();
    let users = LocalResource::new(move || async move { api.users().await });
    let toggle = move |id: i64, on: bool| {
        draft.agent_ids.update(|ids| {
            ids.retain(|i| *i != id);
            if on {
                ids.push(id);
            }
        });
    };
    view! {
        <fieldset class="agent-choices">
            <legend>"Agents who answer the replies"</legend>
            <FieldErrors id="agent-errors" reasons=Signal::derive(move || draft.errors_under("agent_ids"))/>
            <Transition fallback=|| view! { <Loading label="Loading agents…"/> }>
                {move || Suspend::new(async move {
                    let office = draft.office_id.get().unwrap_or_default();
                    match users.await {
                        Ok(all) => {
                            let agents: Vec<User> = all.into_iter().filter(|u| may_work(u, office)).collect();
                            if agents.is_empty() {
                                return view! {
                                    <p class="muted">"No active user with two-way messaging can see this office."</p>
                                }
                                .into_any();
                            }
                            agents
                                .into_iter()
                                .map(|user| {
                                    let id = user.id;
                                    let input_id = format!("agent-{id}");
                                    view! {
                                        <div class="checkbox">
                                            <input
                                                type="checkbox"
                                                id=input_id.clone()
                                                prop:checked=move || draft.agent_ids.read().contains(&id)
                                                on:change=move |ev| toggle(id, event_target_checked(&ev))
                                            />
                                            <label for=input_id>
                                                {user.name.clone()}
                                                <span class="muted">{format!(" — {}, {}", user.email, user.role.label())}</span>
                                            </label>
                                        </div>
                                    }
                                })
                                .collect_view()
                                .into_any()
                        }
                        Err(error) => view! {
                            <ErrorPanel
                                title="The agents could not be loaded"
                                message=error.user_message()
                                retry=Callback::new(move |()| users.refetch())
                            />
                        }
                        .into_any(),
                    }
                })}
            </Transition>
        </fieldset>
    }
}
