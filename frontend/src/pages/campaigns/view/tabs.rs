//! The campaign view's tabs (Activity, General, Contacts, Analytics) as a
//! keyboard-operable tab list whose selection lives in `?tab=`.

use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

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

    /// Where the tab of campaign `id` lives.
    pub fn href(self, id: i64) -> String {
        format!("/campaigns/{id}?tab={}", self.slug())
    }

    pub fn tab_id(self) -> String {
        format!("campaign-tab-{}", self.slug())
    }
}

/// The id of the panel the tabs control.
pub const VIEW_PANEL_ID: &str = "campaign-panel";

/// The tab list: arrow keys, Home and End move between the campaign's tabs and select
/// them, so only the selected tab is in the Tab order.
#[component]
pub fn ViewTabList(campaign_id: i64, tabs: Vec<ViewTab>, current: Memo<ViewTab>) -> impl IntoView {
    let navigate = use_navigate();
    let go = move |tab: ViewTab, focus: bool| {
        navigate(&tab.href(campaign_id), NavigateOptions { replace: true, ..Default::default() });
        if focus {
            let element = document().get_element_by_id(&tab.tab_id());
            if let Some(element) = element.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
                let _ = element.focus();
            }
        }
    };
    let count = tabs.len();

    view! {
        <div class="tabs" role="tablist" aria-label="Campaign">
            {tabs
                .iter()
                .enumerate()
                .map(|(index, &tab)| {
                    let go_click = go.clone();
                    let go_key = go.clone();
                    let all = tabs.clone();
                    let selected = move || current.get() == tab;
                    view! {
                        <button
                            type="button"
                            role="tab"
                            class="tab"
                            id=tab.tab_id()
                            aria-controls=VIEW_PANEL_ID
                            aria-selected=move || selected().to_string()
                            tabindex=move || if selected() { "0" } else { "-1" }
                            on:click=move |_| go_click(tab, false)
                            on:keydown=move |ev| {
                                let next = match ev.key().as_str() {
                                    "ArrowRight" => Some((index + 1) % count),
                                    "ArrowLeft" => Some((index + count - 1) % count),
                                    "Home" => Some(0),
                                    "End" => Some(count - 1),
                                    _ => None,
                                };
                                if let Some(next) = next {
                                    ev.prevent_default();
                                    go_key(all[next], true);
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
