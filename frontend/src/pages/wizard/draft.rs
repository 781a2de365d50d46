//! The wizard's form: every setting of the campaign being written, as signals the
//! steps share, and the create/update bodies built from them.

use chrono::{DateTime, NaiveDate, Utc};
use leptos::prelude::*;
use tidings_domain::assistant::AssistantScript;
use tidings_domain::campaign::{readiness, CampaignDraftFacts, CampaignState, OperatedBy, PhoneNumberKind, Readiness};
use tidings_domain::campaign_wire::{Campaign, CreateCampaign, NumberChoice, UpdateCampaign};
use tidings_domain::contact_list::ContactList;
use tidings_domain::organisation_wire::TextingHours;
use tidings_domain::FieldError;

use super::steps::Step;
// The field-error list is shared with the management pages; the steps import it from here.
pub use crate::feedback::FieldErrors;

/// The campaign being created or edited. Cheap to copy into closures.
#[derive(Clone, Copy)]
pub struct Draft {
    /// The saved campaign, once there is one (editing, or after a first save).
    pub id: RwSignal<Option<i64>>,
    /// Draft, or Scheduled when editing a scheduled campaign.
    pub state: RwSignal<CampaignState>,
    pub scheduled_at: RwSignal<Option<DateTime<Utc>>>,
    pub step: RwSignal<Step>,
    pub title: RwSignal<String>,
    pub office_id: RwSignal<Option<i64>>,
    pub operated_by: RwSignal<OperatedBy>,
    pub tags: RwSignal<Vec<String>>,
    pub time_zone: RwSignal<String>,
    /// The campaign's narrowing of the organisation's texting hours; `None` keeps the
    /// organisation's.
    pub texting_hours: RwSignal<Option<TextingHours>>,
    /// The chosen list, with its field names for the message's merge fields.
    pub contact_list: RwSignal<Option<ContactList>>,
    pub number: RwSignal<Option<NumberChoice>>,
    pub message: RwSignal<String>,
    pub append_opt_out: RwSignal<bool>,
    pub agent_ids: RwSignal<Vec<i64>>,
    pub script: RwSignal<AssistantScript>,
    /// An agent-operated campaign carries a script too, so an agent can hand a
    /// conversation to the Virtual Assistant.
    pub agent_script: RwSignal<bool>,
    /// The date chosen on the Scheduled calendar, for the schedule's date field.
    pub launch_on: RwSignal<Option<NaiveDate>>,
    /// The fields the API refused in the last save, shown next to those fields.
    pub errors: RwSignal<Vec<FieldError>>,
    /// Why the last save, launch or schedule did not happen, above every step.
    pub failure: RwSignal<Option<String>>,
    /// A CSV file chosen on the Contact list step but not imported yet (its name).
    pub pending_upload: RwSignal<Option<String>>,
}

impl Draft {
    /// A blank campaign in `office_id`, shown in its `time_zone`.
    pub fn new(office_id: i64, time_zone: String, launch_on: Option<NaiveDate>, first: Step) -> Self {
        Self {
            id: RwSignal::new(None),
            state: RwSignal::new(CampaignState::Draft),
            scheduled_at: RwSignal::new(None),
            step: RwSignal::new(first),
            title: RwSignal::new(String::new()),
            office_id: RwSignal::new(Some(office_id)),
            operated_by: RwSignal::new(OperatedBy::Agent),
            tags: RwSignal::new(Vec::new()),
            time_zone: RwSignal::new(time_zone),
            texting_hours: RwSignal::new(None),
            contact_list: RwSignal::new(None),
            number: RwSignal::new(None),
            message: RwSignal::new(String::new()),
            append_opt_out: RwSignal::new(true),
            agent_ids: RwSignal::new(Vec::new()),
            script: RwSignal::new(AssistantScript::default()),
            agent_script: RwSignal::new(false),
            launch_on: RwSignal::new(launch_on),
            errors: RwSignal::new(Vec::new()),
            failure: RwSignal::new(None),
            pending_upload: RwSignal::new(None),
        }
    }

    /// Why the user may not go on from `step` yet: input that would otherwise be dropped
    /// without a word (a chosen but not imported file) or a setting nothing can do
    /// without (the title). Said at its field.
    pub fn problem_leaving(&self, step: Step) -> Option<FieldError> {
        match step {
            Step::General if self.title.with_untracked(|t| t.trim().is_empty()) => {
                Some(FieldError::new("title", "Give the campaign a title: it names the campaign everywhere."))
            }
            Step::ContactList => self.pending_upload.get_untracked().map(|file| {
                FieldError::new(
                    "contact_list_id",
                    format!(
                        "“{file}” is chosen but not imported: select “Upload and import”, or choose an existing list."
                    ),
                )
            }),
            _ => None,
        }
    }

    /// The settings of a saved campaign (with its list's details, when it has one).
    pub fn from_campaign(campaign: &Campaign, list: Option<ContactList>, launch_on: Option<NaiveDate>) -> Self {
        let draft = Self::new(campaign.office.id, campaign.time_zone.clone(), launch_on, Step::General);
        draft.id.set(Some(campaign.id));
        draft.state.set(campaign.state);
        draft.scheduled_at.set(campaign.scheduled_at);
        draft.title.set(campaign.title.clone());
        draft.operated_by.set(campaign.operated_by);
        draft.tags.set(campaign.tags.clone());
        draft.texting_hours.set(campaign.texting_hours.clone());
        draft.contact_list.set(list);
        draft.number.set(campaign.phone_number.as_ref().and_then(|number| match (number.kind, number.id) {
            (PhoneNumberKind::Reusable, Some(id)) => Some(NumberChoice::Reusable { id }),
            (PhoneNumberKind::SingleUse, _) => Some(NumberChoice::SingleUse),
            (PhoneNumberKind::Reusable, None) => None,
        }));
        draft.message.set(campaign.message_template.clone());
        draft.append_opt_out.set(campaign.append_opt_out);
        draft.agent_ids.set(campaign.agents.iter().map(|agent| agent.id).collect());
        if let Some(script) = &campaign.assistant_script {
            draft.script.set(script.clone());
            draft.agent_script.set(campaign.operated_by == OperatedBy::Agent);
        }
        draft
    }

    /// The script to send: for an assistant-operated campaign, or an agent-operated one
    /// that carries one, and only once it has a rule, since the API checks any script it
    /// is sent and a draft may be unfinished.
    fn script_to_send(&self) -> Option<AssistantScript> {
        let script = self.script.get_untracked();
        let wanted = self.operated_by.get_untracked() == OperatedBy::Assistant || self.agent_script.get_untracked();
        (wanted && !script.rules.is_empty()).then_some(script)
    }

    /// `POST /campaigns` for a first save.
    pub fn create_body(&self) -> CreateCampaign {
        CreateCampaign {
            title: self.title.get_untracked(),
            office_id: self.office_id.get_untracked(),
            operated_by: Some(self.operated_by.get_untracked()),
            phone_number: self.number.get_untracked(),
            contact_list_id: self.contact_list.with_untracked(|list| list.as_ref().map(|l| l.id)),
            message_template: Some(self.message.get_untracked()),
            append_opt_out: Some(self.append_opt_out.get_untracked()),
            agent_ids: Some(self.agent_ids.get_untracked()),
            assistant_script: self.script_to_send(),
            tags: Some(self.tags.get_untracked()),
            time_zone: Some(self.time_zone.get_untracked()),
            texting_hours: self.texting_hours.get_untracked(),
        }
    }

    /// `PATCH /campaigns/{id}`: every setting, so the saved campaign is what the
    /// wizard shows (a cleared number or list is sent as `null`).
    pub fn update_body(&self) -> UpdateCampaign {
        let create = self.create_body();
        UpdateCampaign {
            title: Some(create.title),
            office_id: create.office_id,
            operated_by: create.operated_by,
            phone_number: Some(create.phone_number),
            contact_list_id: Some(create.contact_list_id),
            message_template: create.message_template,
            append_opt_out: create.append_opt_out,
            agent_ids: create.agent_ids,
            // An agent-operated campaign whose script was turned off loses it.
            assistant_script: match create.assistant_script {
                Some(script) => Some(Some(script)),
                None if create.operated_by == Some(OperatedBy::Agent) && !self.agent_script.get_untracked() => {
                    Some(None)
                }
                None => None,
            },
            tags: create.tags,
            time_zone: create.time_zone,
            texting_hours: Some(create.texting_hours),
        }
    }

    /// Whether the campaign as written could launch, by the rule the API applies.
    pub fn readiness(&self) -> Readiness {
        let list = self.contact_list.get();
        let fields = list.as_ref().map(|l| l.field_names.clone()).unwrap_or_default();
        let title = self.title.get();
        let message = self.message.get();
        let script = self.script.get();
        readiness(&CampaignDraftFacts {
            title: &title,
            has_office: self.office_id.get().is_some(),
            phone_number: self.number.get().map(|choice| match choice {
                NumberChoice::Reusable { .. } => PhoneNumberKind::Reusable,
                NumberChoice::SingleUse => PhoneNumberKind::SingleUse,
            }),
            has_contact_list: list.is_some(),
            message_template: &message,
            contact_fields: &fields,
            operated_by: self.operated_by.get(),
            agent_count: self.agent_ids.get().len(),
            assistant_script: Some(&script),
        })
    }

    /// Drops the API's reasons for a setting once the user changes it, so what is shown
    /// next to a field is never about a value it no longer has. Call once per wizard.
    pub fn forget_errors_when_changed(&self) {
        let draft = *self;
        let forget = move |root: &'static str| {
            draft.errors.update(|errors| {
                errors.retain(|e| {
                    !(e.field == root
                        || e.field.starts_with(&format!("{root}["))
                        || e.field.starts_with(&format!("{root}.")))
                })
            });
        };
        Effect::watch(move || draft.title.track(), move |_, _, _| forget("title"), false);
        Effect::watch(move || draft.office_id.track(), move |_, _, _| forget("office_id"), false);
        Effect::watch(move || draft.tags.track(), move |_, _, _| forget("tags"), false);
        Effect::watch(move || draft.time_zone.track(), move |_, _, _| forget("time_zone"), false);
        Effect::watch(move || draft.texting_hours.track(), move |_, _, _| forget("texting_hours"), false);
        Effect::watch(move || draft.contact_list.track(), move |_, _, _| forget("contact_list_id"), false);
        Effect::watch(move || draft.number.track(), move |_, _, _| forget("phone_number"), false);
        Effect::watch(move || draft.message.track(), move |_, _, _| forget("message_template"), false);
        Effect::watch(move || draft.agent_ids.track(), move |_, _, _| forget("agent_ids"), false);
        Effect::watch(move || draft.script.track(), move |_, _, _| forget("assistant_script"), false);
    }

    /// The API's reasons for `field` (exactly that field).
    pub fn errors_for(&self, field: &str) -> Vec<String> {
        self.errors.with(|errors| errors.iter().filter(|e| e.field == field).map(|e| e.reason.clone()).collect())
    }

    /// The API's reasons for `field` and the fields under it (`tags` → `tags[2]`).
    pub fn errors_under(&self, field: &str) -> Vec<String> {
        self.errors.with(|errors| {
            errors
                .iter()
                .filter(|e| {
                    e.field == field
                        || e.field.starts_with(&format!("{field}["))
                        || e.field.starts_with(&format!("{field}."))
                })
                .map(|e| e.reason.clone())
                .collect()
        })
    }
}
