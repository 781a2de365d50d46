//! Where a campaign lives: the addresses of its view's tabs, and the outcome of an
//! action handed to the next page (the wizard finishes on the Campaigns page, which may
//! be another bundle, loaded afresh).

use tidings_domain::campaign::CampaignState;
use tidings_domain::campaign_wire::Campaign;

use crate::browser::session_storage;

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

/// Where a link to `campaign` should lead: its first tab, named in the address, so
/// `index.html` starts the bundle that has it (Activity once launched, else General).
pub fn campaign_href(campaign: &Campaign) -> String {
    ViewTab::of(campaign)[0].href(campaign.id)
}

/// What the last action did, shown above the tabs.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Outcome {
    /// It worked; optionally with a link to what it made.
    Done { message: String, link: Option<(String, String)> },
    /// The API refused or could not be reached: its words.
    Failed(String),
}

/// Where an outcome waits for the next page, in the tab's session storage: the page
/// that takes it may be in another bundle (see `crate::bundles`), loaded afresh.
const PENDING_OUTCOME_KEY: &str = "tidings.pending-outcome";

/// Leaves `outcome` for the next page that shows outcomes (see
/// [`take_campaigns_outcome`]): the wizard finishes on the Campaigns page, and a
/// campaign started from a previous one opens in the wizard.
pub fn show_pending_outcome(outcome: &Outcome) {
    if let (Some(storage), Ok(json)) = (session_storage(), serde_json::to_string(outcome)) {
        let _ = storage.set_item(PENDING_OUTCOME_KEY, &json);
    }
}

/// The outcome waiting to be shown, if any; it is shown once.
pub fn take_campaigns_outcome() -> Option<Outcome> {
    let storage = session_storage()?;
    let json = storage.get_item(PENDING_OUTCOME_KEY).ok().flatten()?;
    let _ = storage.remove_item(PENDING_OUTCOME_KEY);
    serde_json::from_str(&json).ok()
}
