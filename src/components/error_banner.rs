//! The one way the app shows a failure: a live region with the full message.

use leptos::prelude::*;

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
                    <span class="error-text">{text}</span>
                </div>
            }
        })
    }
}
