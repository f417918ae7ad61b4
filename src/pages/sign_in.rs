//! The two addresses the KMS's own sign-in sends the browser to: `/ui/locate`
//! after signing in (back to where the user was) and `/ui/login` after signing out.

use leptos::prelude::*;

use crate::browser::replace_page;
use crate::components::sign_in_button::SignInButton;
use crate::routes::Page;
use crate::session::{Account, return_after_sign_in, use_session};

/// `/ui/locate`: back to the page the user left to sign in, or to the guided flow.
#[component]
pub fn SignedIn() -> impl IntoView {
    let target = return_after_sign_in().unwrap_or_else(|| Page::Byok.href());
    replace_page(&target);
    view! {
        <section aria-labelledby="page-title">
            <h1 id="page-title">"Signed in"</h1>
            <p>"Taking you back to " <a href=target.clone()>{target.clone()}</a> "…"</p>
        </section>
    }
}

/// `/ui/login`: where the KMS sends a user who signed out.
#[component]
pub fn SignInPage() -> impl IntoView {
    let session = use_session();
    view! {
        <section aria-labelledby="page-title">
            <h1 id="page-title">"Sign in to the KMS"</h1>
            {move || match session.account.get() {
                Account::User { user, .. } => view! {
                    <p>
                        "You are signed in as " <strong>{user.to_string()}</strong> ". Go to "
                        <a href=Page::Byok.href()>{Page::Byok.label()}</a> "."
                    </p>
                }
                .into_any(),
                Account::SignedOut(_) => view! {
                    <p>"You are signed out. The KMS keeps no session for you in this browser."</p>
                    <SignInButton />
                }
                .into_any(),
                Account::Unknown => view! { <p class="muted">"Checking who you are…"</p> }.into_any(),
                Account::Unavailable(message) => view! { <p>{message}</p> }.into_any(),
            }}
        </section>
    }
}
