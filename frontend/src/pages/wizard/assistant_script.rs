//! The Virtual Assistant's script editor: a greeting, rules of trigger phrases and a
//! reply, the fallback reply, handoff phrases and how many misunderstandings in a row
//! hand the conversation to people. Checked as you type by the API's own rule.

use leptos::prelude::*;
use tidings_domain::assistant::{validate_script, AssistantRule, MAX_FALLBACKS_LIMIT, SCRIPT_FIELD};
use tidings_domain::template_wire::MessageTemplate;

use super::draft::Draft;
use crate::components::template_picker::{sent_as_written, TemplatePicker};

/// One rule being edited. Phrases are written one per line; a stable key keeps each
/// row's text boxes (and focus) in place while rules are added and removed.
#[derive(Clone, Copy)]
struct RuleRow {
    key: u64,
    phrases: RwSignal<String>,
    reply: RwSignal<String>,
}

impl RuleRow {
    fn new(key: u64, rule: &AssistantRule) -> Self {
        Self { key, phrases: RwSignal::new(rule.phrases.join("\n")), reply: RwSignal::new(rule.reply.clone()) }
    }

    fn rule(&self) -> AssistantRule {
        AssistantRule { phrases: lines(&self.phrases.get()), reply: self.reply.get() }
    }
}

/// The non-blank lines of a text box, trimmed.
fn lines(text: &str) -> Vec<String> {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect()
}

#[component]
pub fn AssistantScriptEditor(draft: Draft) -> impl IntoView {
    let initial = draft.script.get_untracked();
    let next_key = StoredValue::new(initial.rules.len() as u64);
    let rows =
        RwSignal::new(initial.rules.iter().enumerate().map(|(i, r)| RuleRow::new(i as u64, r)).collect::<Vec<_>>());
    let handoff = RwSignal::new(initial.handoff_phrases.join("\n"));
    // The rows and the handoff text are the truth while editing; the draft follows them.
    Effect::new(move || {
        let rules: Vec<AssistantRule> = rows.get().iter().map(RuleRow::rule).collect();
        let handoff_phrases = lines(&handoff.get());
        // Only real edits count: opening the step must not look like a change (which
        // would drop the API's reasons shown for the script).
        let changed = draft.script.with_untracked(|s| s.rules != rules || s.handoff_phrases != handoff_phrases);
        if changed {
            draft.script.update(|script| {
                script.rules = rules;
                script.handoff_phrases = handoff_phrases;
            });
        }
    });
    let add_rule = move |_| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        rows.update(|rows| rows.push(RuleRow::new(key, &AssistantRule { phrases: Vec::new(), reply: String::new() })));
    };

    // The API's refusals and the same rule checked here, for a field and those under it.
    let live = Memo::new(move |_| {
        let mut errors = Vec::new();
        validate_script(&draft.script.get(), &mut errors);
        errors
    });
    let reasons = move |field: String| {
        let mut reasons = draft.errors_under(&field);
        for error in live.get() {
            let under = error.field == field || error.field.starts_with(&format!("{field}["));
            if under && !reasons.contains(&error.reason) {
                reasons.push(error.reason);
            }
        }
        reasons
    };
    let field = |suffix: &str| format!("{SCRIPT_FIELD}.{suffix}");

    view! {
        <div class="script-editor">
            <p class="hint">
                "The assistant answers a reply with the first rule that has one of its phrases in it (ignoring case \
                 and punctuation); otherwise with the fallback. Keywords such as STOP are answered before it."
            </p>
            <div class="form-field">
                <label for="script-greeting">"Greeting (optional)"</label>
                <textarea
                    id="script-greeting"
                    rows="2"
                    prop:value=move || draft.script.with(|s| s.greeting.clone().unwrap_or_default())
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        draft.script.update(|s| s.greeting = (!text.trim().is_empty()).then_some(text));
                    }
                ></textarea>
                <Reasons reasons=Signal::derive(move || reasons(field("greeting")))/>
            </div>
            <h3>"Rules"</h3>
            <Reasons reasons=Signal::derive(move || {
                let rules = field("rules");
                let mut exact = draft.errors_for(&rules);
                exact.extend(live.get().into_iter().filter(|e| e.field == rules).map(|e| e.reason));
                exact.dedup();
                exact
            })/>
            <ol class="script-rules">
                <For each=move || rows.get() key=|row| row.key let:row>
                    <RuleEditor row rows reasons office_id=draft.office_id/>
                </For>
            </ol>
            <button type="button" class="button" on:click=add_rule>"Add a rule"</button>
            <div class="form-field">
                <label for="script-fallback">"Fallback reply"</label>
                <textarea
                    id="script-fallback"
                    rows="2"
                    prop:value=move || draft.script.with(|s| s.fallback_reply.clone())
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        draft.script.update(|s| s.fallback_reply = text);
                    }
                ></textarea>
                <TemplatePicker
                    label="Use a template"
                    office_id=draft.office_id
                    fits=Callback::new(sent_as_written)
                    pick=Callback::new(move |template: MessageTemplate| {
                        draft.script.update(|s| s.fallback_reply = template.body);
                    })
                />
                <Reasons reasons=Signal::derive(move || reasons(field("fallback_reply")))/>
            </div>
            <div class="form-field">
                <label for="script-handoff">"Handoff phrases, one per line"</label>
                <textarea
                    id="script-handoff"
                    rows="4"
                    prop:value=move || handoff.get()
                    on:input=move |ev| handoff.set(event_target_value(&ev))
                ></textarea>
                <p class="hint">"A reply with one of these goes straight to people."</p>
                <Reasons reasons=Signal::derive(move || reasons(field("handoff_phrases")))/>
            </div>
            <div class="form-field">
                <label for="script-max-fallbacks">"Misunderstood replies in a row before handing over"</label>
                <input
                    id="script-max-fallbacks"
                    type="number"
                    min="0"
                    max=MAX_FALLBACKS_LIMIT.to_string()
                    prop:value=move || draft.script.with(|s| s.max_fallbacks_before_handoff.to_string())
                    on:input=move |ev| {
                        if let Ok(n) = event_target_value(&ev).parse::<u8>() {
                            draft.script.update(|s| s.max_fallbacks_before_handoff = n);
                        }
                    }
                />
                <Reasons reasons=Signal::derive(move || reasons(field("max_fallbacks_before_handoff")))/>
            </div>
        </div>
    }
}

/// One rule: its phrases and reply, and a button to remove it.
#[component]
fn RuleEditor(
    row: RuleRow,
    rows: RwSignal<Vec<RuleRow>>,
    reasons: impl Fn(String) -> Vec<String> + Copy + Send + Sync + 'static,
    office_id: RwSignal<Option<i64>>,
) -> impl IntoView {
    let position = move || rows.with(|rows| rows.iter().position(|r| r.key == row.key).unwrap_or(0));
    let (phrases_id, reply_id) = (format!("rule-{}-phrases", row.key), format!("rule-{}-reply", row.key));
    view! {
        <li class="script-rule">
            <div class="form-field">
                <label for=phrases_id.clone()>{move || format!("Rule {}: phrases, one per line", position() + 1)}</label>
                <textarea
                    id=phrases_id
                    rows="3"
                    prop:value=move || row.phrases.get()
                    on:input=move |ev| row.phrases.set(event_target_value(&ev))
                ></textarea>
                <Reasons reasons=Signal::derive(move || reasons(format!("{SCRIPT_FIELD}.rules[{}].phrases", position())))/>
            </div>
            <div class="form-field">
                <label for=reply_id.clone()>{move || format!("Rule {}: reply", position() + 1)}</label>
                <textarea
                    id=reply_id
                    rows="2"
                    prop:value=move || row.reply.get()
                    on:input=move |ev| row.reply.set(event_target_value(&ev))
                ></textarea>
                <TemplatePicker
                    label="Use a template"
                    office_id=office_id
                    fits=Callback::new(sent_as_written)
                    pick=Callback::new(move |template: MessageTemplate| row.reply.set(template.body))
                />
                <Reasons reasons=Signal::derive(move || reasons(format!("{SCRIPT_FIELD}.rules[{}].reply", position())))/>
            </div>
            <button
                type="button"
                class="link-button"
                on:click=move |_| rows.update(|rows| rows.retain(|r| r.key != row.key))
            >
                {move || format!("Remove rule {}", position() + 1)}
            </button>
        </li>
    }
}

/// Reasons under a script field.
#[component]
fn Reasons(#[prop(into)] reasons: Signal<Vec<String>>) -> impl IntoView {
    move || {
        let reasons = reasons.get();
        (!reasons.is_empty()).then(|| {
            view! {
                <ul class="field-errors">{reasons.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}</ul>
            }
        })
    }
}
