//! The signed-in session: the bearer token, kept in localStorage so a reload stays
//! signed in, and the paths that lead to and from the login page.

use leptos::prelude::*;
use tidings_domain::auth::Me;

use crate::browser::local_storage;

/// The localStorage key that holds the bearer token.
const TOKEN_KEY: &str = "tidings.token";

/// The login page's path.
pub const LOGIN_PATH: &str = "/login";

/// The bearer token of the signed-in user, if any. Cheap to copy into closures.
#[derive(Clone, Copy)]
pub struct Session {
    token: RwSignal<Option<String>>,
}

impl Session {
    fn restore() -> Self {
        Self { token: RwSignal::new(stored_token()) }
    }

    /// The token to send, read without subscribing to changes.
    pub fn token(&self) -> Option<String> {
        self.token.get_untracked()
    }

    /// Whether someone is signed in; reactive, so views and effects follow sign-in and
    /// sign-out.
    pub fn is_signed_in(&self) -> bool {
        self.token.with(Option::is_some)
    }

    /// Starts a session with a token the API issued.
    pub fn begin(&self, token: String) {
        if let Some(storage) = local_storage() {
            // Storage can refuse (quota, privacy modes); the session then lasts until the
            // tab closes, which is still a working session.
            let _ = storage.set_item(TOKEN_KEY, &token);
        }
        self.token.set(Some(token));
    }

    /// Forgets the token, here and in storage: after sign-out or when the API answers
    /// 401. Views that need a session send the user to the login page.
    pub fn end(&self) {
        if let Some(storage) = local_storage() {
            let _ = storage.remove_item(TOKEN_KEY);
        }
        self.token.set(None);
    }
}

/// Creates the session from storage and makes it available to every component.
pub fn provide_session() -> Session {
    let session = Session::restore();
    provide_context(session);
    follow_other_tabs(session);
    session
}

/// The session provided by [`provide_session`].
pub fn use_session() -> Session {
    use_context::<Session>().unwrap_or_else(provide_session)
}

/// The login page's address for a visitor who wanted `path` (with its `search` query).
pub fn login_path_for(path: &str, search: &str) -> String {
    if path == "/" || path.starts_with(LOGIN_PATH) {
        return LOGIN_PATH.to_owned();
    }
    let wanted = if search.is_empty() { path.to_owned() } else { format!("{path}?{search}") };
    format!("{LOGIN_PATH}?next={}", encode_query_value(&wanted))
}

/// Percent-encodes a query value the way `encodeURIComponent` does.
fn encode_query_value(value: &str) -> String {
    let mut encoded = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

/// Where to go after signing in: the `next` query value when it is a path on this site,
/// otherwise home. Anything else (`//evil.example`, `https://…`) could send a user who
/// followed a crafted link to another site.
pub fn destination_after_login(next: Option<String>) -> String {
    match next {
        Some(next)
            if next.starts_with('/')
                && !next.starts_with("//")
                && !next.contains('\\')
                && !next.starts_with(LOGIN_PATH) =>
        {
            next
        }
        _ => "/".to_owned(),
    }
}

fn stored_token() -> Option<String> {
    local_storage().and_then(|storage| storage.get_item(TOKEN_KEY).ok().flatten()).filter(|token| !token.is_empty())
}

/// Signing in or out in another tab does the same here, so no tab keeps acting with a
/// token that was revoked.
fn follow_other_tabs(session: Session) {
    let listener = window_event_listener(leptos::ev::storage, move |event| {
        // A `null` key means the whole storage was cleared.
        if event.key().is_none_or(|key| key == TOKEN_KEY) {
            session.token.set(stored_token());
        }
    });
    // The app lives as long as the page; nothing ever needs to remove the listener.
    drop(listener);
}

/// The signed-in user, provided by the signed-in frame (`pages::shell`) to every page inside it.
#[derive(Clone)]
pub struct CurrentUser(pub Me);

/// The signed-in user, when called from a page inside the shell.
pub fn use_current_user() -> Option<Me> {
    use_context::<CurrentUser>().map(|CurrentUser(me)| me)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_login_page_remembers_the_wanted_page_except_home() {
        assert_eq!(login_path_for("/", ""), "/login");
        assert_eq!(login_path_for("/login", "next=%2Fx"), "/login");
        assert_eq!(login_path_for("/campaigns/5", ""), "/login?next=%2Fcampaigns%2F5");
        assert_eq!(
            login_path_for("/campaigns", "tab=draft&q=open day"),
            "/login?next=%2Fcampaigns%3Ftab%3Ddraft%26q%3Dopen%20day"
        );
        assert_eq!(login_path_for("/caf\u{e9}", ""), "/login?next=%2Fcaf%C3%A9");
    }

    #[test]
    fn only_paths_on_this_site_are_destinations() {
        assert_eq!(destination_after_login(Some("/campaigns/5".into())), "/campaigns/5");
        assert_eq!(destination_after_login(Some("//evil.example".into())), "/");
        assert_eq!(destination_after_login(Some("https://evil.example".into())), "/");
        assert_eq!(destination_after_login(Some("/\\evil.example".into())), "/");
        assert_eq!(destination_after_login(Some("/login".into())), "/");
        assert_eq!(destination_after_login(None), "/");
    }
}
