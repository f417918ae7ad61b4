//! Which KMS the app talks to and whether it answers, with a retry (signed
//! out of the KMS's own sign-in too: the version then comes from `/version`).

use leptos::prelude::*;

use crate::client::RequestError;
use crate::components::loaded::{Loaded, use_kms_read};
use crate::domain::account::SignInMethod;

/// "Cosmian KMS 5.28.0 at <url>", or the reason it cannot be reached.
#[component]
pub fn ServerStatus() -> impl IntoView {
    let attempts = RwSignal::new(0_u32);
    let status = use_kms_read(move |client| {
        attempts.track();
        async move {
            let version = match client.server_info().await {
                Ok(info) => info.version,
                // Signed out of the KMS's own sign-in, the header offers Sign in:
                // /server-info wants credentials, /version answers anyone. A KMS
                // that wants a token keeps saying so here.
                Err(
                    e @ RequestError::SignInNeeded {
                        method: SignInMethod::OpenIdConnect,
                        ..
                    },
                ) => client.version().await.map_err(|_| e)?,
                Err(e) => return Err(e),
            };
            Ok((version, client.url().to_string()))
        }
    });
    let show = |(version, url): (String, String)| {
        view! {
            <p class="connected" data-testid="server-version">
                "Connected to Cosmian KMS "
                <span class="version">{version}</span>
                " at "
                {url}
            </p>
        }
    };
    view! {
        <div class="server-status" aria-live="polite">
            <Loaded
                read=status
                loading="Connecting to the KMS…"
                ok=show
                retry=Callback::new(move |()| attempts.update(|n| *n += 1))
                error_testid="server-error"
            />
        </div>
    }
}
