//! The sign-in page: email and password, with the API's refusal shown as an alert.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use tidings_domain::auth::LoginRequest;

use crate::api::{self, ApiError};
use crate::auth::{destination_after_login, use_session};

/// Signs the user in, then goes on to the page they wanted (`?next=`), or home.
#[component]
pub fn LoginPage() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let query = use_query_map();

    // One way out of this page, for a fresh sign-in and for a visitor who is already
    // signed in: whenever there is a session, go on.
    Effect::new(move || {
        if session.is_signed_in() {
            let next = query.with_untracked(|query| query.get("next"));
            navigate(&destination_after_login(next), NavigateOptions { replace: true, ..Default::default() });
        }
    });

    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let sign_in = Action::new_local(move |credentials: &LoginRequest| {
        let credentials = credentials.clone();
        async move {
            let signed_in = api::login(&credentials).await?;
            session.begin(signed_in.token);
            Ok::<(), ApiError>(())
        }
    });
    let pending = sign_in.pending();
    let failure = move || sign_in.value().get().and_then(Result::err);
    let field_invalid = move |field: &'static str| {
        move || {
            sign_in.value().with(|value| match value {
                Some(Err(error)) if error.names_field(field) => Some("true"),
                _ => None,
            })
        }
    };

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if pending.get_untracked() {
            return;
        }
        sign_in.dispatch(LoginRequest {
            email: email.get_untracked().trim().to_owned(),
            password: password.get_untracked(),
        });
    };

    view! {
        <main class="auth-page">
            <section class="auth-card" aria-labelledby="sign-in-title">
                <p class="auth-brand">"Tidings"</p>
                <h1 id="sign-in-title">"Sign in"</h1>
                <p class="auth-lede">"Two-way SMS campaigns for your organisation."</p>
                <form on:submit=submit>
                    {move || failure().map(|error| view! {
                        <p class="alert" role="alert">{error.user_message()}</p>
                    })}
                    <div class="field">
                        <label for="email">"Email"</label>
                        <input
                            id="email"
                            name="email"
                            type="email"
                            autocomplete="username"
                            required
                            aria-invalid=field_invalid("email")
                            bind:value=email
                        />
                    </div>
                    <div class="field">
                        <label for="password">"Password"</label>
                        <input
                            id="password"
                            name="password"
                            type="password"
                            autocomplete="current-password"
                            required
                            aria-invalid=field_invalid("password")
                            bind:value=password
                        />
                    </div>
                    <button type="submit" class="button button-primary" disabled=move || pending.get()>
                        {move || if pending.get() { "Signing in…" } else { "Sign in" }}
                    </button>
                </form>
            </section>
        </main>
    }
}
