//! One module per screen; `app` routes to them.

mod campaigns;
mod home;
mod login;
mod not_found;
mod shell;

pub use campaigns::{CampaignDetailPage, CampaignsPage};
pub use home::HomePage;
pub use login::LoginPage;
pub use not_found::NotFoundPage;
pub use shell::Shell;
