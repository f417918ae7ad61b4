//! "Load, then show", written once: a read from the KMS with the current
//! settings, shown as a loading line, then the error banner or the loaded view.

use std::future::Future;

use leptos::prelude::*;

use super::error_banner::ErrorBanner;
use crate::client::{KmsClient, RequestError};
use crate::settings::use_settings;

/// A read from the KMS, made with the settings' client and again whenever a
/// signal it tracks changes; its error is already in plain words.
pub type KmsRead<T> = LocalResource<Result<T, String>>;

/// Starts `read` with the current settings (tracked, like anything `read`
/// tracks before its first `.await`).
pub fn use_kms_read<T, F, Fut>(read: F) -> KmsRead<T>
where
    T: 'static,
    F: Fn(KmsClient) -> Fut + 'static,
    Fut: Future<Output = Result<T, RequestError>> + 'static,
{
    let settings = use_settings();
    LocalResource::new(move || {
        let client = settings.client();
        let started = client.map(&read);
        async move { started?.await.map_err(|e| e.to_string()) }
    })
}

/// Shows `loading` until `read` is done, then `ok(value)`, or the error in the
/// banner (with a Retry button when `retry` is given).
#[component]
pub fn Loaded<T, V, F>(
    read: KmsRead<T>,
    /// e.g. "Loading wrapping keys…".
    loading: &'static str,
    ok: F,
    /// Offered under the error: read again.
    #[prop(optional)]
    retry: Option<Callback<()>>,
    /// Names the error block for tests and styles.
    #[prop(optional)]
    error_testid: Option<&'static str>,
) -> impl IntoView
where
    T: Clone + 'static,
    V: IntoView + 'static,
    F: Fn(T) -> V + Send + Sync + 'static,
{
    move || match read.get() {
        None => view! { <p class="muted">{loading}</p> }.into_any(),
        Some(Ok(value)) => ok(value).into_any(),
        Some(Err(message)) => view! {
            <div class="load-error" data-testid=error_testid>
                <ErrorBanner message=Signal::derive(move || Some(message.clone())) />
                {retry.map(|retry| view! {
                    <button type="button" on:click=move |_| retry.run(())>"Retry"</button>
                })}
            </div>
        }
        .into_any(),
    }
}
