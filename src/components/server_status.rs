//! Which KMS the app talks to and whether it answers, with a retry.

use leptos::prelude::*;

use crate::components::error_banner::ErrorBanner;
use crate::settings::use_settings;

/// "Cosmian KMS 5.28.0 at <url>", or the reason it cannot be reached.
#[component]
pub fn ServerStatus() -> impl IntoView {
    let settings = use_settings();
    let attempts = RwSignal::new(0_u32);
    let status = LocalResource::new(move || {
        attempts.track();
        let client = settings.client();
        async move {
            let client = client?;
            let info = client.server_info().await.map_err(|e| e.to_string())?;
            Ok::<_, String>((info.version, client.url().to_string()))
        }
    });
    view! {
        <div class="server-status" aria-live="polite">
            {move || match status.get() {
                None => view! { <p class="muted">"Connecting to the KMS…"</p> }.into_any(),
                Some(Ok((version, url))) => {
                    view! {
                        <p class="connected" data-testid="server-version">
                            "Connected to Cosmian KMS "
                            <span class="version">{version}</span>
                            " at "
                            {url}
                        </p>
                    }
                        .into_any()
                }
                Some(Err(message)) => {
                    view! {
                        <div class="server-error" data-testid="server-error">
                            <ErrorBanner message=Signal::derive(move || Some(message.clone())) />
                            <button type="button" on:click=move |_| attempts.update(|n| *n += 1)>
                                "Retry"
                            </button>
                        </div>
                    }
                        .into_any()
                }
            }}
        </div>
    }
}
