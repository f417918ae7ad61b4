//! The KMS address and access token form; nothing changes until both are valid.

use leptos::prelude::*;

use crate::components::error_banner::ErrorBanner;
use crate::settings::{origin, use_settings};

/// A disclosure with the connection settings.
#[component]
pub fn SettingsPanel() -> impl IntoView {
    let settings = use_settings();
    let url = RwSignal::new(settings.server_url.get_untracked());
    let token = RwSignal::new(settings.token.get_untracked());
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match settings.save(&url.get(), &token.get()) {
            Ok(()) => {
                error.set(None);
                saved.set(true);
            }
            Err(message) => {
                error.set(Some(message));
                saved.set(false);
            }
        }
    };
    view! {
        <details class="settings">
            <summary>"Settings"</summary>
            <form on:submit=on_submit novalidate>
                <label for="server-url">"KMS address"</label>
                <input
                    id="server-url"
                    name="server-url"
                    type="url"
                    autocomplete="url"
                    placeholder=origin()
                    aria-describedby="server-url-hint"
                    prop:value=url
                    on:input=move |ev| {
                        url.set(event_target_value(&ev));
                        saved.set(false);
                    }
                />
                <p id="server-url-hint" class="hint">
                    "Leave empty to use the server that serves this page (" {origin()} ")."
                </p>
                <label for="access-token">"Access token (optional)"</label>
                <input
                    id="access-token"
                    name="access-token"
                    type="password"
                    autocomplete="off"
                    aria-describedby="access-token-hint"
                    prop:value=token
                    on:input=move |ev| {
                        token.set(event_target_value(&ev));
                        saved.set(false);
                    }
                />
                <p id="access-token-hint" class="hint">
                    "An API token or JWT, sent as \"Authorization: Bearer\". Kept in this tab only."
                </p>
                <ErrorBanner message=error />
                <button type="submit">"Save settings"</button>
                <Show when=move || saved.get()>
                    <p class="saved" role="status">"Saved."</p>
                </Show>
            </form>
        </details>
    }
}
