//! The four tabs (Active, Scheduled, Draft, Archived) as a keyboard-operable tab list
//! whose selection lives in the URL (`/campaigns?tab=draft`), so it survives a reload.

use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;
use tidings_domain::campaign::CampaignState;

/// One of the Campaigns page's tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Active,
    Scheduled,
    Draft,
    Archived,
}

impl Tab {
    pub const ALL: [Tab; 4] = [Tab::Active, Tab::Scheduled, Tab::Draft, Tab::Archived];

    /// The campaigns the tab lists.
    pub fn state(self) -> CampaignState {
        match self {
            Tab::Active => CampaignState::Active,
            Tab::Scheduled => CampaignState::Scheduled,
            Tab::Draft => CampaignState::Draft,
            Tab::Archived => CampaignState::Archived,
        }
    }

    /// The `?tab=` value.
    pub fn slug(self) -> &'static str {
        self.state().as_str()
    }

    pub fn label(self) -> &'static str {
        self.state().label()
    }

    /// The tab a `?tab=` value names; Active when absent or unknown.
    pub fn from_slug(slug: Option<&str>) -> Tab {
        Tab::ALL.into_iter().find(|tab| Some(tab.slug()) == slug).unwrap_or(Tab::Active)
    }

    /// Where the tab lives.
    pub fn href(self) -> String {
        format!("/campaigns?tab={}", self.slug())
    }

    fn tab_id(self) -> String {
        format!("campaigns-tab-{}", self.slug())
    }

    fn offset(self, by: isize) -> Tab {
        let index = Tab::ALL.iter().position(|t| *t == self).unwrap_or(0) as isize;
        let len = Tab::ALL.len() as isize;
        Tab::ALL[((index + by).rem_euclid(len)) as usize]
    }
}

/// The id of the panel the tabs control.
pub const PANEL_ID: &str = "campaigns-panel";

/// The `aria-labelledby` of the panel for `tab`.
pub fn tab_element_id(tab: Tab) -> String {
    tab.tab_id()
}

/// The tab list. Arrow keys, Home and End move between tabs and select them (the
/// "automatic activation" pattern), so only the selected tab is in the Tab order.
#[component]
pub fn TabList(current: Memo<Tab>) -> impl IntoView {
    let navigate = use_navigate();
    let go = move |tab: Tab, focus: bool| {
        navigate(&tab.href(), NavigateOptions::default());
        if focus {
            let element = document().get_element_by_id(&tab.tab_id());
            if let Some(element) = element.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
                let _ = element.focus();
            }
        }
    };

    view! {
        <div class="tabs" role="tablist" aria-label="Campaigns by state">
            {Tab::ALL
                .into_iter()
                .map(|tab| {
                    let go_click = go.clone();
                    let go_key = go.clone();
                    let selected = move || current.get() == tab;
                    view! {
                        <button
                            type="button"
                            role="tab"
                            class="tab"
                            id=tab.tab_id()
                            aria-controls=PANEL_ID
                            aria-selected=move || selected().to_string()
                            tabindex=move || if selected() { "0" } else { "-1" }
                            on:click=move |_| go_click(tab, false)
                            on:keydown=move |ev| {
                                let next = match ev.key().as_str() {
                                    "ArrowRight" => Some(tab.offset(1)),
                                    "ArrowLeft" => Some(tab.offset(-1)),
                                    "Home" => Some(Tab::Active),
                                    "End" => Some(Tab::Archived),
                                    _ => None,
                                };
                                if let Some(next) = next {
                                    ev.prevent_default();
                                    go_key(next, true);
                                }
                            }
                        >
                            {tab.label()}
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}
