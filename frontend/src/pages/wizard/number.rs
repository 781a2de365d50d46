//! The Number step: one of the office's reusable numbers, or a new single-use number
//! provisioned at launch.

use leptos::prelude::*;
use tidings_domain::campaign::PhoneNumberKind;
use tidings_domain::campaign_wire::NumberChoice;

use super::draft::{Draft, FieldErrors};
use crate::api::use_api;
use crate::components::phone::phone_text;
use crate::feedback::{ErrorPanel, Loading};

#[component]
pub fn NumberStep(draft: Draft) -> impl IntoView {
    let api = use_api();
    let numbers = LocalResource::new(move || {
        let office = draft.office_id.get();
        async move {
            match office {
                Some(office) => api.phone_numbers(Some(office), PhoneNumberKind::Reusable).await,
                None => Ok(Vec::new()),
            }
        }
    });
    let chosen = move || draft.number.get();

    view! {
        <section class="panel wizard-panel" aria-labelledby="step-heading">
            <h2 id="step-heading">"Number"</h2>
            <FieldErrors id="number-errors" reasons=Signal::derive(move || draft.errors_under("phone_number"))/>
            <fieldset class="number-choices">
                <legend>"Send from"</legend>
                <Transition fallback=|| view! { <Loading label="Loading the office's numbers…"/> }>
                    {move || Suspend::new(async move {
                        match numbers.await {
                            Ok(items) if items.is_empty() => view! {
                                <p class="muted">"This office has no reusable numbers; choose a single-use number."</p>
                            }
                            .into_any(),
                            Ok(items) => items
                                .into_iter()
                                .map(|number| {
                                    let id = number.id;
                                    let input_id = format!("number-{id}");
                                    view! {
                                        <div class="radio">
                                            <input
                                                type="radio"
                                                name="campaign-number"
                                                id=input_id.clone()
                                                prop:checked=move || chosen() == Some(NumberChoice::Reusable { id })
                                                on:change=move |_| draft.number.set(Some(NumberChoice::Reusable { id }))
                                            />
                                            <label for=input_id>
                                                <span class="number-e164">{phone_text(&number.e164)}</span>
                                                " — "
                                                {number.name.clone()}
                                                <span class="muted">" (reusable)"</span>
                                            </label>
                                        </div>
                                    }
                                })
                                .collect_view()
                                .into_any(),
                            Err(error) => view! {
                                <ErrorPanel
                                    title="The office's numbers could not be loaded"
                                    message=error.user_message()
                                    retry=Callback::new(move |()| numbers.refetch())
                                />
                            }
                            .into_any(),
                        }
                    })}
                </Transition>
                <div class="radio">
                    <input
                        type="radio"
                        name="campaign-number"
                        id="number-single-use"
                        prop:checked=move || chosen() == Some(NumberChoice::SingleUse)
                        on:change=move |_| draft.number.set(Some(NumberChoice::SingleUse))
                    />
                    <label for="number-single-use">
                        "A new single-use number"
                        <span class="muted">
                            " — provisioned when the campaign launches and released when it ends. Answer every \
                             contact before ending it: afterwards no responses are sent."
                        </span>
                    </label>
                </div>
            </fieldset>
            <p class="hint">
                "On a reusable number, conversations that still need attention when the campaign ends move to the \
                 number's unsolicited message settings."
            </p>
        </section>
    }
}
