//! Where a campaign lives: the addresses of its view's tabs, and the outcome of an
//! action handed to the next screen (the wizard finishes on the Campaigns page).

use leptos::prelude::*;
use tidings_domain::campaign::CampaignState;
use tidings_domain::campaign_wire::Campaign;

/// One of the campaign view's tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewTab {
    Activity,
    General,
    Contacts,
    Analytics,
}

impl ViewTab {
    pub const ALL: [ViewTab; 4] = [ViewTab::Activity, ViewTab::General, ViewTab::Contacts, ViewTab::Analytics];

    /// The `?tab=` value.
    pub fn slug(self) -> &'static str {
        match self {
            ViewTab::Activity => "activity",
            ViewTab::General => "general",
            ViewTab::Contacts => "contacts",
            ViewTab::Analytics => "analytics",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ViewTab::Activity => "Activity",
            ViewTab::General => "General",
            ViewTab::Contacts => "Contacts",
            ViewTab::Analytics => "Analytics",
        }
    }

    /// The tab a `?tab=` value names.
    pub fn from_slug(slug: Option<&str>) -> Option<ViewTab> {
        ViewTab::ALL.into_iter().find(|tab| Some(tab.slug()) == slug)
    }

    /// The tabs `campaign` has: all four once it has launched, else only General.
    pub fn of(campaign: &Campaign) -> Vec<ViewTab> {
        let launched =
            matches!(campaign.state, CampaignState::Active | CampaignState::Paused | CampaignState::Archived)
                && campaign.launched_at.is_some();
        if launched {
            ViewTab::ALL.to_vec()
        } else {
            vec![ViewTab::General]
        }
    }

    /// Where the tab of campaign `id` lives.
    pub fn href(self, id: i64) -> String {
        format!("/campaigns/{id}?tab={}", self.slug())
    }

    pub fn tab_id(self) -> String {
        format!("campaign-tab-{}", self.slug())
    }
}

/// Where a link to `campaign` should lead: its first tab, named in the address
/// (Activity once launched, else General).
pub fn campaign_href(campaign: &Campaign) -> String {
    ViewTab::of(campaign)[0].href(campaign.id)
}

/// What the last action did, shown above the tabs.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// It worked; optionally with a link to what it made.
    Done { message: String, link: Option<(String, String)> },
    /// The API refused or could not be reached: its words.
    Failed(String),
}

/// Where an outcome waits for the next screen that shows outcomes: the wizard finishes
/// on the Campaigns page, and a campaign started from a previous one opens in the
/// wizard. One per app ([`provide_pending_outcome`]); it lives as long as the page.
#[derive(Clone, Copy)]
pub struct PendingOutcome(StoredValue<Option<Outcome>>);

impl PendingOutcome {
    /// Leaves `outcome` for the next screen that shows outcomes.
    pub fn leave(self, outcome: Outcome) {
        self.0.set_value(Some(outcome));
    }

    /// The outcome waiting to be shown, if any; it is shown once.
    pub fn take(self) -> Option<Outcome> {
        self.0.try_update_value(Option::take).flatten()
    }
}

/// Gives the app its one [`PendingOutcome`] (called by `App`).
pub fn provide_pending_outcome() {
    provide_context(PendingOutcome(StoredValue::new(None)));
}

/// The app's [`PendingOutcome`]; taken when a screen is set up, not in an event
/// handler, where no context is reachable.
pub fn use_pending_outcome() -> PendingOutcome {
    // Only a component mounted outside `App` (none is) lacks it: one of its own then
    // keeps the outcome to itself rather than failing.
    use_context().unwrap_or_else(|| PendingOutcome(StoredValue::new(None)))
}
