//! One module per screen; `app` routes to them.

mod campaigns;
mod contact_lists;
mod dialog;
mod home;
mod login;
mod not_found;
mod office_choice;
mod offices;
mod paged;
mod phone_numbers;
mod shell;
mod text_field;
mod users;
mod wizard;

pub use campaigns::{provide_pending_outcome, CampaignDetailPage, CampaignsPage};
pub use contact_lists::{ContactListPage, ContactListsPage};
pub use home::HomePage;
pub use login::LoginPage;
pub use not_found::NotFoundPage;
pub use offices::OfficesPage;
pub use phone_numbers::{PhoneNumberPage, PhoneNumbersPage};
pub use shell::Shell;
pub use users::UsersPage;
pub use wizard::{EditCampaignPage, NewCampaignPage};
