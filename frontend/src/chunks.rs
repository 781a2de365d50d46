//! Where the app is split. The first page a user sees (sign-in, home, the Campaigns
//! page) is in the main module; every other screen is a lazy route whose code the
//! browser fetches the first time one of its group is opened (the build splits the
//! module with `wasm-split-cli`; see `mk/frontend.mk`). Code several groups share goes
//! into chunks they load alongside.
//!
//! Screens are grouped by what they share, because every chunk is a file with its own
//! imports and its own compression: fifteen screens of their own made 330 chunks and
//! more than doubled the download. A group is one wasm module: the functions of one
//! `#[lazy(group)]` name, all expanded from the one macro below so they share its
//! location, which the name's hash is taken from.
//!
//! A screen holds no route data of its own: each page starts its own requests, so
//! `data()` is empty and only the view is deferred.

// wasm-split's generated loaders call the chunk's functions through `extern` imports:
// the only unsafe code in the app, written by the macro, not by hand.
#![allow(unsafe_code)]

use leptos::lazy;
use leptos::prelude::*;
use leptos_router::LazyRoute;

use crate::pages;

/// Declares, per group, a lazy route per screen: `name: Screen => Page` renders
/// `<Page/>` from the group's module (`name` names its function there).
macro_rules! lazy_screens {
    ($($group:ident { $($(#[$doc:meta])* $name:ident: $screen:ident => $page:ident),* $(,)? })*) => {
        $($(
            $(#[$doc])*
            pub struct $screen;

            impl LazyRoute for $screen {
                fn data() -> Self {
                    $screen
                }

                async fn view(_this: Self) -> AnyView {
                    #[lazy($group)]
                    fn $name() -> AnyView {
                        view! { <pages::$page/> }.into_any()
                    }
                    $name().await
                }
            }
        )*)*
    };
}

lazy_screens! {
    conversations {
        /// `/inbox`: the conversations waiting for the user.
        inbox_screen: InboxScreen => InboxPage,
        /// `/campaigns/{id}`: one campaign's Activity, General, Contacts and Analytics.
        campaign_detail_screen: CampaignDetailScreen => CampaignDetailPage,
    }
    wizard {
        /// `/campaigns/new`: the creation wizard.
        new_campaign_screen: NewCampaignScreen => NewCampaignPage,
        /// `/campaigns/{id}/edit`: the wizard on a saved draft.
        edit_campaign_screen: EditCampaignScreen => EditCampaignPage,
        /// `/templates`: the template library (it shares the message editing parts).
        templates_screen: TemplatesScreen => TemplatesPage,
    }
    lists {
        /// `/contact-lists`.
        contact_lists_screen: ContactListsScreen => ContactListsPage,
        /// `/contact-lists/{id}`.
        contact_list_screen: ContactListScreen => ContactListPage,
    }
    administration {
        /// `/phone-numbers`.
        phone_numbers_screen: PhoneNumbersScreen => PhoneNumbersPage,
        /// `/phone-numbers/{id}`.
        phone_number_screen: PhoneNumberScreen => PhoneNumberPage,
        /// `/users`.
        users_screen: UsersScreen => UsersPage,
        /// `/offices`.
        offices_screen: OfficesScreen => OfficesPage,
        /// `/opt-outs`: the organisation's suppression list.
        suppression_screen: SuppressionScreen => SuppressionPage,
        /// `/settings`: the organisation's settings.
        settings_screen: SettingsScreen => SettingsPage,
        /// `/audit-log`.
        audit_log_screen: AuditLogScreen => AuditLogPage,
        /// `/api-keys`.
        api_keys_screen: ApiKeysScreen => ApiKeysPage,
    }
}
