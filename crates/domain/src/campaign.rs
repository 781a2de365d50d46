//! Campaign rules: states and transitions, readiness, schedule windows, titles, and the
//! actions a user may take on a campaign (the buttons the SPA greys out, and the checks
//! the server applies to the same requests).
//!
//! ```text
//! draft ──launch (ready)──▶ active ──stop & archive / end──▶ archived
//!   │  └─schedule (≥30 min ahead)─▶ scheduled ──launch time──▶ active
//!   │                                   └─unschedule (not within 1 h of launch)─▶ draft
//!   └─archive (discard)──────────────────────────────────────▶ archived
//! any state ──clone──▶ new draft
//! ```
//!
//! Both sides call [`check_action`] / [`campaign_actions`] with the same facts, so a
//! button the SPA enables is a request the server accepts, and a greyed-out button's
//! tooltip is the reason the server would give.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::assistant::{validate_script, AssistantScript};
use crate::problem::FieldError;
use crate::template::template_problems;

/// Longest campaign title accepted, in characters.
pub const CAMPAIGN_TITLE_MAX: usize = 200;
/// A campaign may be scheduled no sooner than this after the moment it is scheduled.
pub const MIN_SCHEDULE_LEAD: TimeDelta = TimeDelta::minutes(30);
/// A scheduled campaign is locked (no edit, unschedule or archive) this long before its
/// launch time.
pub const LAUNCH_LOCK: TimeDelta = TimeDelta::hours(1);

/// Where a campaign is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "diesel", derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow))]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
pub enum CampaignState {
    Draft,
    Scheduled,
    Active,
    /// Launched, but nothing more is sent until it is resumed; replies and agent work go
    /// on. Shown on the Active tab.
    Paused,
    Archived,
}

impl CampaignState {
    pub const ALL: [CampaignState; 5] = [
        CampaignState::Draft,
        CampaignState::Scheduled,
        CampaignState::Active,
        CampaignState::Paused,
        CampaignState::Archived,
    ];

    /// The stored and wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            CampaignState::Draft => "draft",
            CampaignState::Scheduled => "scheduled",
            CampaignState::Active => "active",
            CampaignState::Paused => "paused",
            CampaignState::Archived => "archived",
        }
    }

    /// Parses the stored spelling; `None` for anything else.
    pub fn parse(value: &str) -> Option<CampaignState> {
        CampaignState::ALL.into_iter().find(|s| s.as_str() == value)
    }

    /// A human label (the Campaigns page's tab names).
    pub fn label(self) -> &'static str {
        match self {
            CampaignState::Draft => "Draft",
            CampaignState::Scheduled => "Scheduled",
            CampaignState::Active => "Active",
            CampaignState::Paused => "Paused",
            CampaignState::Archived => "Archived",
        }
    }

    /// Whether the campaign has launched and is not archived: active or paused (the
    /// Active tab's campaigns).
    pub fn is_running(self) -> bool {
        matches!(self, CampaignState::Active | CampaignState::Paused)
    }

    /// The states a list filtered by `self` shows: `active` is the Active tab, which
    /// holds paused campaigns too; every other state shows itself.
    pub fn listed_states(self) -> &'static [CampaignState] {
        match self {
            CampaignState::Draft => &[CampaignState::Draft],
            CampaignState::Scheduled => &[CampaignState::Scheduled],
            CampaignState::Active => &[CampaignState::Active, CampaignState::Paused],
            CampaignState::Paused => &[CampaignState::Paused],
            CampaignState::Archived => &[CampaignState::Archived],
        }
    }
}

/// Who answers a campaign's conversations.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "diesel", derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow))]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
pub enum OperatedBy {
    /// Agent-backed: people answer.
    #[default]
    Agent,
    /// Virtual Assistant-backed: the assistant answers and hands over to people.
    Assistant,
}

impl OperatedBy {
    /// The stored and wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            OperatedBy::Agent => "agent",
            OperatedBy::Assistant => "assistant",
        }
    }

    /// Parses the stored spelling; `None` for anything else.
    pub fn parse(value: &str) -> Option<OperatedBy> {
        match value {
            "agent" => Some(OperatedBy::Agent),
            "assistant" => Some(OperatedBy::Assistant),
            _ => None,
        }
    }

    /// A human label, as the Operated By column shows it.
    pub fn label(self) -> &'static str {
        match self {
            OperatedBy::Agent => "Agent",
            OperatedBy::Assistant => "Virtual Assistant",
        }
    }
}

/// The kind of phone number a campaign texts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "diesel", derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow))]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
pub enum PhoneNumberKind {
    /// Owned by an office, reused across campaigns; has unsolicited message settings.
    Reusable,
    /// Provisioned for one campaign and released when it ends.
    SingleUse,
}

impl PhoneNumberKind {
    /// The stored and wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            PhoneNumberKind::Reusable => "reusable",
            PhoneNumberKind::SingleUse => "single_use",
        }
    }

    /// Parses the stored spelling; `None` for anything else.
    pub fn parse(value: &str) -> Option<PhoneNumberKind> {
        match value {
            "reusable" => Some(PhoneNumberKind::Reusable),
            "single_use" => Some(PhoneNumberKind::SingleUse),
            _ => None,
        }
    }

    /// A human label.
    pub fn label(self) -> &'static str {
        match self {
            PhoneNumberKind::Reusable => "Reusable",
            PhoneNumberKind::SingleUse => "Single-use",
        }
    }
}

/// How an archived campaign got there (the Archived tab holds launched campaigns and
/// discarded drafts alike; this tells them apart).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "diesel", derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow))]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
pub enum ArchiveKind {
    /// A draft archived without launching.
    Discarded,
    /// A scheduled campaign archived before its launch time.
    Cancelled,
    /// An active campaign stopped and archived (or ended).
    Stopped,
}

impl ArchiveKind {
    /// The stored and wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ArchiveKind::Discarded => "discarded",
            ArchiveKind::Cancelled => "cancelled",
            ArchiveKind::Stopped => "stopped",
        }
    }

    /// Parses the stored spelling; `None` for anything else.
    pub fn parse(value: &str) -> Option<ArchiveKind> {
        match value {
            "discarded" => Some(ArchiveKind::Discarded),
            "cancelled" => Some(ArchiveKind::Cancelled),
            "stopped" => Some(ArchiveKind::Stopped),
            _ => None,
        }
    }

    /// How archiving a campaign in `state` is recorded; `None` when it cannot be archived.
    pub fn archiving(state: CampaignState) -> Option<ArchiveKind> {
        match state {
            CampaignState::Draft => Some(ArchiveKind::Discarded),
            CampaignState::Scheduled => Some(ArchiveKind::Cancelled),
            CampaignState::Active | CampaignState::Paused => Some(ArchiveKind::Stopped),
            CampaignState::Archived => None,
        }
    }

    /// A human label.
    pub fn label(self) -> &'static str {
        match self {
            ArchiveKind::Discarded => "Discarded",
            ArchiveKind::Cancelled => "Cancelled",
            ArchiveKind::Stopped => "Stopped",
        }
    }
}

/// Something a user can do to a campaign (a button in the Actions column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CampaignAction {
    View,
    Edit,
    Clone,
    Launch,
    Schedule,
    Unschedule,
    /// Stop sending an active campaign's messages for now.
    Pause,
    /// Carry on sending a paused campaign's messages.
    Resume,
    Archive,
}

impl CampaignAction {
    pub const ALL: [CampaignAction; 9] = [
        CampaignAction::View,
        CampaignAction::Edit,
        CampaignAction::Clone,
        CampaignAction::Launch,
        CampaignAction::Schedule,
        CampaignAction::Unschedule,
        CampaignAction::Pause,
        CampaignAction::Resume,
        CampaignAction::Archive,
    ];

    /// The stored and wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            CampaignAction::View => "view",
            CampaignAction::Edit => "edit",
            CampaignAction::Clone => "clone",
            CampaignAction::Launch => "launch",
            CampaignAction::Schedule => "schedule",
            CampaignAction::Unschedule => "unschedule",
            CampaignAction::Pause => "pause",
            CampaignAction::Resume => "resume",
            CampaignAction::Archive => "archive",
        }
    }

    /// Parses the wire spelling; `None` for anything else.
    pub fn parse(value: &str) -> Option<CampaignAction> {
        CampaignAction::ALL.into_iter().find(|a| a.as_str() == value)
    }

    /// The button's label on a campaign in `state` ("Stop and Archive" on an active one).
    pub fn label(self, state: CampaignState) -> &'static str {
        match self {
            CampaignAction::View => "View",
            CampaignAction::Edit => "Edit",
            CampaignAction::Clone => "Clone",
            CampaignAction::Launch => "Launch",
            CampaignAction::Schedule => "Schedule",
            CampaignAction::Unschedule => "Unschedule",
            CampaignAction::Pause => "Pause",
            CampaignAction::Resume => "Resume",
            CampaignAction::Archive if state.is_running() => "Stop and Archive",
            CampaignAction::Archive => "Archive",
        }
    }

    fn verb(self) -> &'static str {
        self.as_str()
    }

    fn past_participle(self) -> &'static str {
        match self {
            CampaignAction::View => "viewed",
            CampaignAction::Edit => "edited",
            CampaignAction::Clone => "cloned",
            CampaignAction::Launch => "launched",
            CampaignAction::Schedule => "scheduled",
            CampaignAction::Unschedule => "unscheduled",
            CampaignAction::Pause => "paused",
            CampaignAction::Resume => "resumed",
            CampaignAction::Archive => "archived",
        }
    }
}

/// A state change that the diagram does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum TransitionError {
    #[error("{} campaigns cannot be {}", .from.label(), .action.past_participle())]
    NotAllowed { from: CampaignState, action: CampaignAction },
    #[error("the campaign is not due to launch until {launch_at}")]
    NotDue { launch_at: DateTime<Utc> },
}

/// The state a campaign is in after `action`, by the state diagram alone (no readiness,
/// clock or permission: see [`check_action`] for those). View, Edit and Clone leave the
/// campaign's state as it is; a clone is a new campaign in [`CampaignState::Draft`].
pub fn transition(state: CampaignState, action: CampaignAction) -> Result<CampaignState, TransitionError> {
    use CampaignAction as A;
    use CampaignState as S;
    match (state, action) {
        (_, A::View | A::Clone) => Ok(state),
        (S::Draft | S::Scheduled, A::Edit) => Ok(state),
        (S::Draft, A::Launch) => Ok(S::Active),
        (S::Draft, A::Schedule) => Ok(S::Scheduled),
        (S::Scheduled, A::Unschedule) => Ok(S::Draft),
        (S::Active, A::Pause) => Ok(S::Paused),
        (S::Paused, A::Resume) => Ok(S::Active),
        (S::Draft | S::Scheduled | S::Active | S::Paused, A::Archive) => Ok(S::Archived),
        (from, action) => Err(TransitionError::NotAllowed { from, action }),
    }
}

/// The scheduler's transition: a scheduled campaign whose launch time has come becomes
/// active. (Users cannot launch a scheduled campaign early; they unschedule it first.)
pub fn scheduled_launch(
    state: CampaignState,
    launch_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<CampaignState, TransitionError> {
    if state != CampaignState::Scheduled {
        return Err(TransitionError::NotAllowed { from: state, action: CampaignAction::Launch });
    }
    if launch_at > now {
        return Err(TransitionError::NotDue { launch_at });
    }
    Ok(CampaignState::Active)
}

/// A launch time that is too soon.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum ScheduleError {
    #[error("must be at least 30 minutes from now (no earlier than {earliest})")]
    TooSoon { earliest: DateTime<Utc> },
}

/// The earliest launch time that may be chosen at `now` (for the date picker's minimum).
pub fn earliest_launch(now: DateTime<Utc>) -> DateTime<Utc> {
    now + MIN_SCHEDULE_LEAD
}

/// Checks a launch time at the moment of scheduling: at least [`MIN_SCHEDULE_LEAD`]
/// after `now`. Exactly 30 minutes is accepted; 29 minutes 59 seconds is not.
pub fn validate_schedule(launch_at: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), ScheduleError> {
    let earliest = earliest_launch(now);
    if launch_at < earliest {
        return Err(ScheduleError::TooSoon { earliest });
    }
    Ok(())
}

/// Whether a scheduled campaign is locked at `now`: less than [`LAUNCH_LOCK`] remains
/// before `launch_at` (`launch_at - now < 1 h`). With 1:00:00 left it is still open;
/// with 59:59 left, or once the launch time has passed, it is locked.
pub fn within_lock(launch_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    launch_at - now < LAUNCH_LOCK
}

/// The last moment a scheduled campaign can still be edited, unscheduled or archived
/// (for "editable until …" hints): the lock starts right after it.
pub fn lock_starts_at(launch_at: DateTime<Utc>) -> DateTime<Utc> {
    launch_at - LAUNCH_LOCK
}

/// Checks a campaign title: trimmed, 1 to 200 characters. Returns the trimmed title.
pub fn validate_campaign_title(title: &str, errors: &mut Vec<FieldError>) -> String {
    let trimmed = title.trim();
    if trimmed.is_empty() {
        errors.push(FieldError::new("title", "must not be empty"));
    } else if trimmed.chars().count() > CAMPAIGN_TITLE_MAX {
        errors.push(FieldError::new("title", format!("must be at most {CAMPAIGN_TITLE_MAX} characters")));
    }
    trimmed.to_owned()
}

/// The title a clone starts with ("Copy of …"), cut to the title limit; the wizard asks
/// for a new one anyway.
pub fn clone_title(original: &str) -> String {
    format!("Copy of {}", original.trim()).chars().take(CAMPAIGN_TITLE_MAX).collect()
}

/// Something a draft still needs before it can launch or be scheduled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReadinessItem {
    Title,
    Office,
    PhoneNumber,
    ContactList,
    Message,
    Agents,
    AssistantScript,
}

impl ReadinessItem {
    /// The stable wire code.
    pub fn as_str(self) -> &'static str {
        match self {
            ReadinessItem::Title => "title",
            ReadinessItem::Office => "office",
            ReadinessItem::PhoneNumber => "phone_number",
            ReadinessItem::ContactList => "contact_list",
            ReadinessItem::Message => "message",
            ReadinessItem::Agents => "agents",
            ReadinessItem::AssistantScript => "assistant_script",
        }
    }

    /// What the user must supply, in words.
    pub fn label(self) -> &'static str {
        match self {
            ReadinessItem::Title => "a title",
            ReadinessItem::Office => "an office",
            ReadinessItem::PhoneNumber => "a phone number (or a single-use number)",
            ReadinessItem::ContactList => "a contact list",
            ReadinessItem::Message => "a valid message",
            ReadinessItem::Agents => "at least one agent",
            ReadinessItem::AssistantScript => "a valid Virtual Assistant script",
        }
    }
}

/// One missing item, with its label so clients need no table of their own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MissingItem {
    pub code: ReadinessItem,
    pub label: String,
}

impl From<ReadinessItem> for MissingItem {
    fn from(code: ReadinessItem) -> Self {
        Self { code, label: code.label().to_owned() }
    }
}

/// Whether a draft can launch, and if not what it lacks (in the wizard's order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Readiness {
    pub ready: bool,
    pub missing: Vec<MissingItem>,
}

impl Readiness {
    /// A campaign that lacks nothing.
    pub fn ready() -> Self {
        Self { ready: true, missing: Vec::new() }
    }

    fn from_missing(missing: Vec<ReadinessItem>) -> Self {
        Self { ready: missing.is_empty(), missing: missing.into_iter().map(MissingItem::from).collect() }
    }

    /// "a title, a contact list" — for reasons and 409 details.
    pub fn missing_labels(&self) -> String {
        self.missing.iter().map(|m| m.label.as_str()).collect::<Vec<_>>().join(", ")
    }
}

/// What readiness is judged on: a draft's saved settings.
#[derive(Debug, Clone, Default)]
pub struct CampaignDraftFacts<'a> {
    pub title: &'a str,
    pub has_office: bool,
    /// The chosen number's kind, or `SingleUse` when a single-use number is requested;
    /// `None` when neither.
    pub phone_number: Option<PhoneNumberKind>,
    pub has_contact_list: bool,
    pub message_template: &'a str,
    /// The contact list's field names (other than first name, last name and phone), to
    /// check the template's placeholders; ignored without a contact list.
    pub contact_fields: &'a [String],
    pub operated_by: OperatedBy,
    /// Agents assigned (needed when agent-backed).
    pub agent_count: usize,
    /// The assistant script (needed, and valid, when assistant-backed).
    pub assistant_script: Option<&'a AssistantScript>,
}

/// Judges whether a draft is ready. The message must be non-empty, well-formed and (once
/// a list is chosen) use only the list's fields; the title must pass
/// [`validate_campaign_title`]; an assistant script must pass [`validate_script`].
pub fn readiness(facts: &CampaignDraftFacts<'_>) -> Readiness {
    let mut missing = Vec::new();
    let mut title_errors = Vec::new();
    validate_campaign_title(facts.title, &mut title_errors);
    if !title_errors.is_empty() {
        missing.push(ReadinessItem::Title);
    }
    if !facts.has_office {
        missing.push(ReadinessItem::Office);
    }
    if facts.phone_number.is_none() {
        missing.push(ReadinessItem::PhoneNumber);
    }
    if !facts.has_contact_list {
        missing.push(ReadinessItem::ContactList);
    }
    let fields = facts.has_contact_list.then_some(facts.contact_fields);
    if !template_problems(facts.message_template, fields).is_empty() {
        missing.push(ReadinessItem::Message);
    }
    match facts.operated_by {
        OperatedBy::Agent => {
            if facts.agent_count == 0 {
                missing.push(ReadinessItem::Agents);
            }
        }
        OperatedBy::Assistant => {
            let valid = facts.assistant_script.is_some_and(|script| {
                let mut errors = Vec::new();
                validate_script(script, &mut errors);
                errors.is_empty()
            });
            if !valid {
                missing.push(ReadinessItem::AssistantScript);
            }
        }
    }
    Readiness::from_missing(missing)
}

/// Whether one action is available, and why not when it is greyed out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActionAvailability {
    pub action: CampaignAction,
    /// The button's label ("Stop and Archive" on an active campaign).
    pub label: String,
    pub enabled: bool,
    /// Why it is disabled; `None` when enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Why a user may not take an action now. The server maps [`ActionRefusal::LimitedUser`]
/// to 403 and the rest to 409; the message is the greyed-out button's reason.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ActionRefusal {
    #[error("Limited users cannot {} campaigns", .action.verb())]
    LimitedUser { action: CampaignAction },
    #[error("{} campaigns cannot be {}", .state.label(), .action.past_participle())]
    NotAvailable { state: CampaignState, action: CampaignAction },
    #[error("Not ready to {}: add {}", .action.verb(), .readiness.missing_labels())]
    NotReady { action: CampaignAction, readiness: Readiness },
    #[error("A scheduled campaign cannot be {} within one hour of its launch time", .action.past_participle())]
    WithinLaunchLock { action: CampaignAction, launch_at: DateTime<Utc> },
}

impl ActionRefusal {
    /// Whether this is a permission problem (403) rather than a state conflict (409).
    pub fn is_forbidden(&self) -> bool {
        matches!(self, ActionRefusal::LimitedUser { .. })
    }
}

/// The facts the action rules need.
#[derive(Debug, Clone, Copy)]
pub struct ActionContext<'a> {
    pub state: CampaignState,
    /// The campaign's readiness (only drafts' readiness matters).
    pub readiness: &'a Readiness,
    /// The scheduled launch time (only scheduled campaigns have one that matters).
    pub launch_at: Option<DateTime<Utc>>,
    pub now: DateTime<Utc>,
    /// Whether the user's role manages campaigns ([`crate::Role::manages_campaigns`]).
    pub may_manage: bool,
}

/// The actions offered on a campaign in `state`, in the Actions column's order. A draft
/// offers View only to users who cannot manage campaigns: the rest open it with Edit,
/// which they would find disabled.
pub fn offered_actions(state: CampaignState, may_manage: bool) -> Vec<CampaignAction> {
    use CampaignAction as A;
    match state {
        CampaignState::Draft if may_manage => {
            vec![A::Edit, A::Clone, A::Launch, A::Schedule, A::Archive]
        }
        CampaignState::Draft => vec![A::View, A::Edit, A::Clone, A::Launch, A::Schedule, A::Archive],
        CampaignState::Scheduled => vec![A::View, A::Edit, A::Clone, A::Unschedule, A::Archive],
        CampaignState::Active => vec![A::View, A::Clone, A::Pause, A::Archive],
        CampaignState::Paused => vec![A::View, A::Clone, A::Resume, A::Archive],
        CampaignState::Archived => vec![A::View, A::Clone],
    }
}

/// Checks whether the user may take `action` now; returns the campaign's state
/// afterwards. In order: the state diagram, the user's role, then the draft's
/// readiness (launch, schedule) or the launch lock (edit, unschedule, archive of a
/// scheduled campaign). A schedule's own launch time is checked by
/// [`validate_schedule`].
pub fn check_action(ctx: &ActionContext<'_>, action: CampaignAction) -> Result<CampaignState, ActionRefusal> {
    let next = transition(ctx.state, action).map_err(|_| ActionRefusal::NotAvailable { state: ctx.state, action })?;
    if action == CampaignAction::View {
        return Ok(next);
    }
    if !ctx.may_manage {
        return Err(ActionRefusal::LimitedUser { action });
    }
    match (ctx.state, action) {
        (CampaignState::Draft, CampaignAction::Launch | CampaignAction::Schedule) if !ctx.readiness.ready => {
            Err(ActionRefusal::NotReady { action, readiness: ctx.readiness.clone() })
        }
        (CampaignState::Scheduled, CampaignAction::Edit | CampaignAction::Unschedule | CampaignAction::Archive) => {
            match ctx.launch_at {
                Some(launch_at) if within_lock(launch_at, ctx.now) => {
                    Err(ActionRefusal::WithinLaunchLock { action, launch_at })
                }
                _ => Ok(next),
            }
        }
        _ => Ok(next),
    }
}

/// The Actions column of a campaign: each offered action, enabled or greyed out with
/// the reason [`check_action`] would give.
pub fn campaign_actions(ctx: &ActionContext<'_>) -> Vec<ActionAvailability> {
    offered_actions(ctx.state, ctx.may_manage)
        .into_iter()
        .map(|action| {
            let refusal = check_action(ctx, action).err();
            ActionAvailability {
                action,
                label: action.label(ctx.state).to_owned(),
                enabled: refusal.is_none(),
                reason: refusal.map(|r| r.to_string()),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assistant::AssistantRule;
    use chrono::TimeZone;
    use CampaignAction as A;
    use CampaignState as S;

    fn now() -> DateTime<Utc> {
        match Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).single() {
            Some(now) => now,
            None => panic!("valid instant"),
        }
    }

    fn secs(s: i64) -> TimeDelta {
        TimeDelta::seconds(s)
    }

    #[test]
    fn spellings_round_trip() {
        for s in CampaignState::ALL {
            assert_eq!(CampaignState::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_value(s).ok(), Some(serde_json::json!(s.as_str())));
        }
        for a in CampaignAction::ALL {
            assert_eq!(CampaignAction::parse(a.as_str()), Some(a));
        }
        for o in [OperatedBy::Agent, OperatedBy::Assistant] {
            assert_eq!(OperatedBy::parse(o.as_str()), Some(o));
        }
        for k in [PhoneNumberKind::Reusable, PhoneNumberKind::SingleUse] {
            assert_eq!(PhoneNumberKind::parse(k.as_str()), Some(k));
            assert_eq!(serde_json::to_value(k).ok(), Some(serde_json::json!(k.as_str())));
        }
        for k in [ArchiveKind::Discarded, ArchiveKind::Cancelled, ArchiveKind::Stopped] {
            assert_eq!(ArchiveKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(CampaignState::parse("Active"), None);
        assert_eq!(PhoneNumberKind::parse("single-use"), None);
    }

    #[test]
    fn archiving_records_how() {
        assert_eq!(ArchiveKind::archiving(S::Draft), Some(ArchiveKind::Discarded));
        assert_eq!(ArchiveKind::archiving(S::Scheduled), Some(ArchiveKind::Cancelled));
        assert_eq!(ArchiveKind::archiving(S::Active), Some(ArchiveKind::Stopped));
        assert_eq!(ArchiveKind::archiving(S::Paused), Some(ArchiveKind::Stopped));
        assert_eq!(ArchiveKind::archiving(S::Archived), None);
    }

    #[test]
    fn transitions_follow_the_diagram() {
        assert_eq!(transition(S::Draft, A::Launch), Ok(S::Active));
        assert_eq!(transition(S::Draft, A::Schedule), Ok(S::Scheduled));
        assert_eq!(transition(S::Draft, A::Archive), Ok(S::Archived));
        assert_eq!(transition(S::Scheduled, A::Unschedule), Ok(S::Draft));
        assert_eq!(transition(S::Scheduled, A::Archive), Ok(S::Archived));
        assert_eq!(transition(S::Active, A::Archive), Ok(S::Archived));
        assert_eq!(transition(S::Active, A::Pause), Ok(S::Paused));
        assert_eq!(transition(S::Paused, A::Resume), Ok(S::Active));
        assert_eq!(transition(S::Paused, A::Archive), Ok(S::Archived), "Stop & Archive works from paused");
        for s in CampaignState::ALL {
            assert_eq!(transition(s, A::Clone), Ok(s));
            assert_eq!(transition(s, A::View), Ok(s));
        }
        assert_eq!(transition(S::Scheduled, A::Edit), Ok(S::Scheduled));
        for (s, a) in [
            (S::Active, A::Edit),
            (S::Active, A::Launch),
            (S::Active, A::Unschedule),
            (S::Archived, A::Archive),
            (S::Active, A::Resume),
            (S::Paused, A::Pause),
            (S::Paused, A::Edit),
            (S::Paused, A::Launch),
            (S::Draft, A::Pause),
            (S::Scheduled, A::Pause),
            (S::Archived, A::Resume),
            (S::Archived, A::Edit),
            (S::Archived, A::Launch),
            (S::Scheduled, A::Launch),
            (S::Scheduled, A::Schedule),
            (S::Draft, A::Unschedule),
        ] {
            assert_eq!(transition(s, a), Err(TransitionError::NotAllowed { from: s, action: a }), "{s:?} {a:?}");
        }
        let refused = transition(S::Active, A::Edit).err().map(|e| e.to_string());
        assert_eq!(refused.as_deref(), Some("Active campaigns cannot be edited"));
    }

    #[test]
    fn a_running_campaign_offers_pause_or_resume_and_the_active_tab_holds_both() {
        let ready = Readiness::ready();
        let labels = |state| -> Vec<String> {
            campaign_actions(&ctx(state, &ready, None, true)).into_iter().map(|a| a.label).collect()
        };
        assert_eq!(labels(S::Active), ["View", "Clone", "Pause", "Stop and Archive"]);
        assert_eq!(labels(S::Paused), ["View", "Clone", "Resume", "Stop and Archive"]);
        assert_eq!(check_action(&ctx(S::Active, &ready, None, true), A::Pause), Ok(S::Paused));
        assert!(check_action(&ctx(S::Paused, &ready, None, false), A::Resume).is_err_and(|r| r.is_forbidden()));
        assert_eq!(S::Active.listed_states(), [S::Active, S::Paused]);
        assert_eq!(S::Paused.listed_states(), [S::Paused]);
        assert!(S::Paused.is_running() && !S::Archived.is_running());
        assert_eq!(CampaignState::parse("paused"), Some(S::Paused));
    }

    #[test]
    fn the_scheduler_launches_only_due_scheduled_campaigns() {
        let at = now();
        assert_eq!(scheduled_launch(S::Scheduled, at, at), Ok(S::Active));
        assert_eq!(scheduled_launch(S::Scheduled, at, at + secs(5)), Ok(S::Active));
        assert_eq!(
            scheduled_launch(S::Scheduled, at + secs(1), at),
            Err(TransitionError::NotDue { launch_at: at + secs(1) })
        );
        assert!(scheduled_launch(S::Draft, at, at).is_err());
        assert!(scheduled_launch(S::Archived, at, at).is_err());
    }

    #[test]
    fn schedule_needs_thirty_minutes_of_lead() {
        let n = now();
        assert_eq!(validate_schedule(n + secs(30 * 60), n), Ok(()));
        assert_eq!(validate_schedule(n + secs(30 * 60 + 1), n), Ok(()));
        assert_eq!(
            validate_schedule(n + secs(29 * 60 + 59), n),
            Err(ScheduleError::TooSoon { earliest: n + secs(1800) })
        );
        assert!(validate_schedule(n - secs(60), n).is_err());
        assert_eq!(earliest_launch(n), n + MIN_SCHEDULE_LEAD);
        // One nanosecond short is still too soon.
        assert!(validate_schedule(n + secs(1800) - TimeDelta::nanoseconds(1), n).is_err());
    }

    #[test]
    fn lock_boundaries() {
        let launch = now();
        let left = |s: i64| within_lock(launch, launch - secs(s));
        assert!(!left(2 * 3600), "two hours left");
        assert!(!left(3600), "exactly 1:00:00 left is still open");
        assert!(left(3599), "59:59 left is locked");
        assert!(left(30 * 60), "30:00 left is locked");
        assert!(left(29 * 60 + 59), "29:59 left is locked");
        assert!(left(0), "at launch time");
        assert!(left(-60), "past launch time, scheduler not yet run");
        assert_eq!(lock_starts_at(launch), launch - secs(3600));
        assert!(!within_lock(launch, lock_starts_at(launch)));
    }

    #[test]
    fn titles_are_trimmed_and_bounded() {
        let mut errors = Vec::new();
        assert_eq!(validate_campaign_title("  Fall Orientation ", &mut errors), "Fall Orientation");
        validate_campaign_title(&"é".repeat(200), &mut errors);
        assert!(errors.is_empty());
        validate_campaign_title(&"é".repeat(201), &mut errors);
        validate_campaign_title(" \t", &mut errors);
        assert_eq!(
            errors,
            vec![
                FieldError::new("title", "must be at most 200 characters"),
                FieldError::new("title", "must not be empty"),
            ]
        );
        assert_eq!(clone_title(" Fall "), "Copy of Fall");
        assert_eq!(clone_title(&"x".repeat(200)).chars().count(), 200);
    }

    fn script() -> AssistantScript {
        AssistantScript {
            rules: vec![AssistantRule { phrases: vec!["hours".to_owned()], reply: "9 to 5".to_owned() }],
            ..AssistantScript::default()
        }
    }

    fn complete<'a>(fields: &'a [String], script: &'a AssistantScript) -> CampaignDraftFacts<'a> {
        CampaignDraftFacts {
            title: "Fall Orientation",
            has_office: true,
            phone_number: Some(PhoneNumberKind::Reusable),
            has_contact_list: true,
            message_template: "Hi {first_name}, your program is {Program}.",
            contact_fields: fields,
            operated_by: OperatedBy::Agent,
            agent_count: 1,
            assistant_script: Some(script),
        }
    }

    fn codes(r: &Readiness) -> Vec<&'static str> {
        r.missing.iter().map(|m| m.code.as_str()).collect()
    }

    #[test]
    fn a_complete_draft_is_ready() {
        let fields = vec!["Program".to_owned()];
        let s = script();
        assert_eq!(readiness(&complete(&fields, &s)), Readiness::ready());
        let single_use = CampaignDraftFacts { phone_number: Some(PhoneNumberKind::SingleUse), ..complete(&fields, &s) };
        assert!(readiness(&single_use).ready);
        let va = CampaignDraftFacts { operated_by: OperatedBy::Assistant, agent_count: 0, ..complete(&fields, &s) };
        assert!(readiness(&va).ready, "assistant-backed needs no agents");
    }

    #[test]
    fn an_empty_draft_lacks_everything_in_wizard_order() {
        let r = readiness(&CampaignDraftFacts::default());
        assert!(!r.ready);
        assert_eq!(codes(&r), vec!["title", "office", "phone_number", "contact_list", "message", "agents"]);
        assert_eq!(r.missing[2].label, "a phone number (or a single-use number)");
        let va = readiness(&CampaignDraftFacts { operated_by: OperatedBy::Assistant, ..Default::default() });
        assert_eq!(codes(&va).last(), Some(&"assistant_script"));
    }

    #[test]
    fn the_message_must_fit_the_contact_list() {
        let fields = vec!["Program".to_owned()];
        let s = script();
        let facts = CampaignDraftFacts { contact_fields: &[], ..complete(&fields, &s) };
        assert_eq!(codes(&readiness(&facts)), vec!["message"], "{{Program}} is not a field");
        let malformed = CampaignDraftFacts { message_template: "Hi {first_name", ..complete(&fields, &s) };
        assert_eq!(codes(&readiness(&malformed)), vec!["message"]);
        // Without a list only the message's form is judged.
        let no_list = CampaignDraftFacts { has_contact_list: false, contact_fields: &[], ..complete(&fields, &s) };
        assert_eq!(codes(&readiness(&no_list)), vec!["contact_list"]);
    }

    #[test]
    fn an_invalid_script_is_missing() {
        let fields = vec!["Program".to_owned()];
        let s = script();
        let empty = AssistantScript::default();
        let facts = CampaignDraftFacts {
            operated_by: OperatedBy::Assistant,
            assistant_script: Some(&empty),
            ..complete(&fields, &s)
        };
        assert_eq!(codes(&readiness(&facts)), vec!["assistant_script"]);
        let none = CampaignDraftFacts { assistant_script: None, ..facts };
        assert_eq!(codes(&readiness(&none)), vec!["assistant_script"]);
    }

    fn ctx<'a>(
        state: CampaignState,
        readiness: &'a Readiness,
        launch_in: Option<i64>,
        may_manage: bool,
    ) -> ActionContext<'a> {
        ActionContext { state, readiness, launch_at: launch_in.map(|s| now() + secs(s)), now: now(), may_manage }
    }

    fn summary(actions: &[ActionAvailability]) -> Vec<(&'static str, bool)> {
        actions.iter().map(|a| (a.action.as_str(), a.enabled)).collect()
    }

    #[test]
    fn draft_actions_grey_out_launch_and_schedule_until_ready() {
        let ready = Readiness::ready();
        let actions = campaign_actions(&ctx(S::Draft, &ready, None, true));
        assert_eq!(
            summary(&actions),
            vec![("edit", true), ("clone", true), ("launch", true), ("schedule", true), ("archive", true)]
        );
        let not_ready = Readiness::from_missing(vec![ReadinessItem::Title, ReadinessItem::ContactList]);
        let actions = campaign_actions(&ctx(S::Draft, &not_ready, None, true));
        assert_eq!(
            summary(&actions),
            vec![("edit", true), ("clone", true), ("launch", false), ("schedule", false), ("archive", true)]
        );
        assert_eq!(actions[2].reason.as_deref(), Some("Not ready to launch: add a title, a contact list"));
        assert_eq!(actions[3].reason.as_deref(), Some("Not ready to schedule: add a title, a contact list"));
        assert_eq!(actions[0].reason, None);
    }

    #[test]
    fn scheduled_actions_lock_within_an_hour_of_launch() {
        let ready = Readiness::ready();
        let open = campaign_actions(&ctx(S::Scheduled, &ready, Some(3600), true));
        assert_eq!(
            summary(&open),
            vec![("view", true), ("edit", true), ("clone", true), ("unschedule", true), ("archive", true)]
        );
        let locked = campaign_actions(&ctx(S::Scheduled, &ready, Some(3599), true));
        assert_eq!(
            summary(&locked),
            vec![("view", true), ("edit", false), ("clone", true), ("unschedule", false), ("archive", false)]
        );
        assert_eq!(
            locked[1].reason.as_deref(),
            Some("A scheduled campaign cannot be edited within one hour of its launch time")
        );
        assert_eq!(
            check_action(&ctx(S::Scheduled, &ready, Some(60), true), A::Unschedule),
            Err(ActionRefusal::WithinLaunchLock { action: A::Unschedule, launch_at: now() + secs(60) })
        );
        assert_eq!(check_action(&ctx(S::Scheduled, &ready, Some(3600), true), A::Unschedule), Ok(S::Draft));
    }

    #[test]
    fn active_and_archived_actions() {
        let ready = Readiness::ready();
        let active = campaign_actions(&ctx(S::Active, &ready, None, true));
        assert_eq!(summary(&active), vec![("view", true), ("clone", true), ("pause", true), ("archive", true)]);
        assert_eq!(active[3].label, "Stop and Archive");
        let archived = campaign_actions(&ctx(S::Archived, &ready, None, true));
        assert_eq!(summary(&archived), vec![("view", true), ("clone", true)]);
    }

    #[test]
    fn limited_users_may_only_view() {
        let ready = Readiness::ready();
        for state in CampaignState::ALL {
            let actions = campaign_actions(&ctx(state, &ready, Some(7200), false));
            for a in &actions {
                assert_eq!(a.enabled, a.action == A::View, "{state:?} {:?}", a.action);
            }
            assert!(actions.iter().any(|a| a.action == A::View), "{state:?} offers View");
        }
        let draft = campaign_actions(&ctx(S::Draft, &ready, None, false));
        assert_eq!(draft[3].reason.as_deref(), Some("Limited users cannot launch campaigns"));
        let refusal = check_action(&ctx(S::Active, &ready, None, false), A::Archive);
        assert_eq!(refusal, Err(ActionRefusal::LimitedUser { action: A::Archive }));
        assert!(refusal.is_err_and(|r| r.is_forbidden()));
    }

    #[test]
    fn the_server_check_refuses_what_is_not_offered() {
        let ready = Readiness::ready();
        let refusal = check_action(&ctx(S::Archived, &ready, None, true), A::Launch);
        assert_eq!(refusal, Err(ActionRefusal::NotAvailable { state: S::Archived, action: A::Launch }));
        assert_eq!(refusal.err().map(|r| r.to_string()).as_deref(), Some("Archived campaigns cannot be launched"));
        // A wrong-state request is a conflict even for a limited user.
        let limited = check_action(&ctx(S::Archived, &ready, None, false), A::Edit);
        assert!(limited.is_err_and(|r| !r.is_forbidden()));
        assert_eq!(check_action(&ctx(S::Draft, &ready, None, true), A::Launch), Ok(S::Active));
        assert_eq!(check_action(&ctx(S::Draft, &ready, None, true), A::Schedule), Ok(S::Scheduled));
        let not_ready = Readiness::from_missing(vec![ReadinessItem::Agents]);
        assert!(matches!(
            check_action(&ctx(S::Draft, &not_ready, None, true), A::Launch),
            Err(ActionRefusal::NotReady { .. })
        ));
    }

    #[test]
    fn actions_serialise_for_the_spa() {
        let ready = Readiness::ready();
        let locked = campaign_actions(&ctx(S::Scheduled, &ready, Some(10), true));
        let json = serde_json::to_value(&locked[1]).ok();
        assert_eq!(
            json,
            Some(serde_json::json!({
                "action": "edit",
                "label": "Edit",
                "enabled": false,
                "reason": "A scheduled campaign cannot be edited within one hour of its launch time"
            }))
        );
        let enabled = serde_json::to_value(&locked[0]).ok();
        assert_eq!(enabled, Some(serde_json::json!({"action": "view", "label": "View", "enabled": true})));
    }
}
