//! Who the app acts as, in the header: "Signed in as …" with Sign out, or
//! Sign in, or how the KMS knows the user (token, certificate, default user).

use leptos::prelude::*;

use super::sign_in_button::SignInButton;
use crate::domain::account::SignInMethod;
use crate::session::{Account, leave_to_sign_out, use_session};
use crate::settings::use_settings;

/// The header's account line.
#[component]
pub fn AccountStatus() -> impl IntoView {
    let session = use_session();
    view! {
        <div class="account-status" data-testid="account" aria-live="polite">
            {move || match session.account.get() {
                Account::Unknown => view! { <p class="muted">"Checking who you are…"</p> }.into_any(),
                Account::SignedOut(method) => signed_out(method).into_any(),
                Account::User { user, method, by_token } => {
                    signed_in(user.to_string(), method, by_token).into_any()
                }
                // The server status above already says why the KMS did not answer.
                Account::Unavailable(_) => view! {
                    <p class="muted">"Who you are: not known until the KMS answers."</p>
                }
                .into_any(),
            }}
        </div>
    }
}

fn signed_out(method: SignInMethod) -> impl IntoView {
    let offer = (method == SignInMethod::OpenIdConnect).then(|| view! { <SignInButton /> });
    view! {
        <p>"Not signed in: this KMS expects " {method.describe()} "."</p>
        {offer}
    }
}

fn signed_in(user: String, method: SignInMethod, by_token: bool) -> impl IntoView {
    let how = match (&method, by_token) {
        (_, true) => "Signed in with an access token as ",
        (SignInMethod::OpenIdConnect, false) => "Signed in as ",
        (SignInMethod::ClientCertificate, false) => {
            "Signed in with your browser's client certificate as "
        }
        _ => "No sign-in: the KMS acts as its default user ",
    };
    let sign_out = (method == SignInMethod::OpenIdConnect && !by_token).then(SignOutButton);
    view! {
        <p>{how} <strong class="user-id">{user}</strong></p>
        {sign_out}
    }
}

/// Ends the KMS's session.
#[component]
fn SignOutButton() -> impl IntoView {
    let settings = use_settings();
    let sign_out = move |_| {
        if let Ok(client) = settings.client() {
            leave_to_sign_out(&client);
        }
    };
    view! { <button type="button" on:click=sign_out>"Sign out"</button> }
}
