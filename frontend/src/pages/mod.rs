//! One module per screen; `app` routes to them.

mod campaigns;
mod conversation;
mod home;
mod inbox;
mod login;
mod not_found;
mod shell;
mod wizard;

pub use campaigns::{CampaignDetailPage, CampaignsPage};
pub use home::HomePage;
pub use inbox::InboxPage;
pub use login::LoginPage;
pub use not_found::NotFoundPage;
pub use shell::Shell;
pub use wizard::{EditCampaignPage, NewCampaignPage};
