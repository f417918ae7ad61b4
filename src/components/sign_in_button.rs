//! The "Sign in" button, written once: the header and every "sign in again"
//! message offer it; it keeps the page and its form, then goes to the KMS.

use leptos::prelude::*;

use crate::session::leave_to_sign_in;
use crate::settings::use_settings;

/// Goes through the KMS's OpenID Connect sign-in and back to this page.
#[component]
pub fn SignInButton() -> impl IntoView {
    let settings = use_settings();
    let error = RwSignal::new(None::<String>);
    let sign_in = move |_| match settings.client() {
        Ok(client) => leave_to_sign_in(&client),
        Err(message) => error.set(Some(message)),
    };
    view! {
        <button type="button" class="sign-in" on:click=sign_in>"Sign in"</button>
        {move || error.get().map(|text| view! { <span role="alert">{text}</span> })}
    }
}
