//! One module per screen; `app` routes to them.

mod api_keys;
mod audit_log;
mod campaigns;
mod contact_lists;
mod home;
mod inbox;
mod login;
mod not_found;
mod offices;
mod phone_numbers;
mod settings;
mod shell;
mod suppression;
mod templates;
mod users;
mod wizard;

pub use api_keys::ApiKeysPage;
pub use audit_log::AuditLogPage;
pub use campaigns::{CampaignDetailPage, CampaignsPage};
pub use contact_lists::{ContactListPage, ContactListsPage};
pub use home::HomePage;
pub use inbox::InboxPage;
pub use login::LoginPage;
pub use not_found::NotFoundPage;
pub use offices::OfficesPage;
pub use phone_numbers::{PhoneNumberPage, PhoneNumbersPage};
pub use settings::SettingsPage;
pub use shell::Shell;
pub use suppression::SuppressionPage;
pub use templates::TemplatesPage;
pub use users::UsersPage;
pub use wizard::{EditCampaignPage, NewCampaignPage};
