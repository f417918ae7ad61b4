//! The one way the app shows a failure: a live region with the full message
//! (and the Sign in button when the message says to sign in again).

use leptos::prelude::*;

use super::sign_in_button::SignInButton;
use crate::domain::account::SIGN_IN_ADVICE;

/// Shows `message` as an alert while it is `Some`.
#[component]
pub fn ErrorBanner(
    /// The plain-words message, or `None` to show nothing.
    #[prop(into)]
    message: Signal<Option<String>>,
) -> impl IntoView {
    move || {
        message.get().map(|text| {
            view! {
                <div class="error-banner" role="alert">
                    <strong>"Error: "</strong>
                    <span class="error-text">{text.clone()}</span>
                    {text.contains(SIGN_IN_ADVICE).then(|| view! { <SignInButton /> })}
                </div>
            }
        })
    }
}
