//! The wizard's steps, in order, the step list a user can jump around in, which step
//! owns each field the API can refuse, and each step's name in the address.

use leptos::prelude::*;

use super::draft::Draft;

/// One page of the wizard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// From scratch or from a previous campaign (new campaigns only).
    Start,
    General,
    ContactList,
    Number,
    Message,
    Operator,
    /// Review, then launch now, schedule or save as draft.
    Finish,
}

impl Step {
    const AFTER_START: [Step; 6] =
        [Step::General, Step::ContactList, Step::Number, Step::Message, Step::Operator, Step::Finish];

    pub fn label(self) -> &'static str {
        match self {
            Step::Start => "Start",
            Step::General => "General",
            Step::ContactList => "Contact list",
            Step::Number => "Number",
            Step::Message => "Message",
            Step::Operator => "Operator",
            Step::Finish => "Launch",
        }
    }

    /// The step's name in the address (`?step=`).
    pub fn slug(self) -> &'static str {
        match self {
            Step::Start => "start",
            Step::General => "general",
            Step::ContactList => "contact-list",
            Step::Number => "number",
            Step::Message => "message",
            Step::Operator => "operator",
            Step::Finish => "launch",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Step> {
        Self::all(true).into_iter().find(|step| step.slug() == slug)
    }

    /// The steps of a wizard that does (`with_start`) or does not begin with Start.
    pub fn all(with_start: bool) -> Vec<Step> {
        let start = with_start.then_some(Step::Start);
        start.into_iter().chain(Self::AFTER_START).collect()
    }

    /// The step whose form has `field`, as the API names it in a refusal.
    pub fn of_field(field: &str) -> Step {
        let root = field.split(['.', '[']).next().unwrap_or(field);
        match root {
            "contact_list_id" => Step::ContactList,
            "phone_number" => Step::Number,
            "message_template" | "append_opt_out" => Step::Message,
            "agent_ids" | "assistant_script" => Step::Operator,
            "launch_at" => Step::Finish,
            // title, office_id, operated_by, tags, time_zone, and anything unforeseen.
            _ => Step::General,
        }
    }
}

/// The wizard's address on `step`: `path` with `?step=` (and the calendar's date).
pub fn step_address(path: &str, step: Step, launch_on: Option<chrono::NaiveDate>) -> String {
    let date = launch_on.map(|d| format!("&launch_on={d}")).unwrap_or_default();
    format!("{path}?step={}{date}", step.slug())
}

/// The ordered step list: the current step marked, steps with refused fields flagged.
#[component]
pub fn StepList(draft: Draft, with_start: bool) -> impl IntoView {
    let steps = Step::all(with_start);
    let count = steps.len();
    view! {
        <nav class="wizard-steps" aria-label="Campaign creation steps">
            <ol>
                {steps
                    .into_iter()
                    .enumerate()
                    .map(|(index, step)| {
                        let has_errors =
                            move || draft.errors.with(|errors| errors.iter().any(|e| Step::of_field(&e.field) == step));
                        view! {
                            <li>
                                <button
                                    type="button"
                                    class="wizard-step"
                                    class:has-errors=has_errors
                                    aria-current=move || (draft.step.get() == step).then_some("step")
                                    on:click=move |_| {
                                        let forward = index > Step::all(with_start)
                                            .iter()
                                            .position(|s| *s == draft.step.get_untracked())
                                            .unwrap_or(0);
                                        if !(forward && stopped_on(draft)) {
                                            draft.step.set(step);
                                        }
                                    }
                                >
                                    <span class="step-number" aria-hidden="true">{index + 1}</span>
                                    <span>{step.label()}</span>
                                    <span class="visually-hidden">{format!(", step {} of {count}", index + 1)}</span>
                                    {move || has_errors().then(|| view! {
                                        <span class="visually-hidden">", needs attention"</span>
                                    })}
                                </button>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </nav>
    }
}

/// Back and Next under a step.
#[component]
pub fn StepButtons(draft: Draft, with_start: bool) -> impl IntoView {
    let steps = StoredValue::new(Step::all(with_start));
    let position = move || steps.with_value(|s| s.iter().position(|s| *s == draft.step.get()).unwrap_or(0));
    let go = move |by: isize| {
        let next = steps.with_value(|s| s.get(position().saturating_add_signed(by)).copied());
        if let Some(next) = next {
            if by > 0 && stopped_on(draft) {
                return;
            }
            draft.step.set(next);
            scroll_to_top();
        }
    };
    view! {
        <div class="wizard-buttons">
            <Show when=move || { position() > 0 }>
                <button type="button" class="button" on:click=move |_| go(-1)>"Back"</button>
            </Show>
            <Show when=move || { position() + 1 < steps.with_value(Vec::len) }>
                <button type="button" class="button button-primary" on:click=move |_| go(1)>
                    "Next"
                </button>
            </Show>
        </div>
    }
}

/// Whether the current step keeps the user from going on: then its field says why and
/// takes the focus.
fn stopped_on(draft: Draft) -> bool {
    let Some(problem) = draft.problem_leaving(draft.step.get_untracked()) else {
        return false;
    };
    let field = problem.field.clone();
    draft.errors.update(|errors| {
        errors.retain(|e| e.field != field);
        errors.push(problem);
    });
    let id = if field == "title" { "campaign-title" } else { "contact-list-errors" };
    if let Some(element) = document().get_element_by_id(id) {
        if let Ok(element) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(element) {
            let _ = element.focus();
        }
    }
    true
}

/// A new step starts at the top of the page, not where the last one was scrolled to.
pub fn scroll_to_top() {
    window().scroll_to_with_x_and_y(0.0, 0.0);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_step_is_found_by_its_address_name() {
        for step in Step::all(true) {
            assert_eq!(Step::from_slug(step.slug()), Some(step));
        }
        assert_eq!(Step::from_slug("constructor"), None);
    }

    #[test]
    fn the_address_names_the_step_and_keeps_the_calendar_date() {
        let date = chrono::NaiveDate::from_ymd_opt(2026, 12, 1);
        assert_eq!(step_address("/campaigns/new", Step::ContactList, None), "/campaigns/new?step=contact-list");
        assert_eq!(
            step_address("/campaigns/7/edit", Step::Finish, date),
            "/campaigns/7/edit?step=launch&launch_on=2026-12-01"
        );
    }
}
