//! `/ui/aws/export-key-material`: wrap a KMS key with an imported AWS KEK
//! after checking AWS's rules, then hand over the blob and the command.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::actions::export::{ExportRefusal, WrappedKeyMaterial, export_wrapped_key_material};
use crate::browser::{stored_import_token, stored_import_token_valid_to};
use crate::client::KmsClient;
use crate::components::deferred::{Deferred, prefetch, split_fn};
use crate::components::error_banner::ErrorBanner;
use crate::components::export_result::{ExportResult, prefetch_export_result};
use crate::components::kek_picker::KekPicker;
use crate::components::key_material_picker::KeyMaterialPicker;
use crate::components::request_progress::RequestProgress;
use crate::components::shared_key_notice::shared_key_notice_view;
use crate::components::submit::{Submit, SubmitButton};
use crate::routes::{EXPORT_KEK_QUERY, EXPORT_KEY_QUERY, Page};
use crate::settings::use_settings;

split_fn! {
    prefetch prefetch_export = __preload_run_export;
    /// The export the button starts (its code loads on the first click).
    async fn run_export(
        client: KmsClient,
        key: String,
        kek: String,
    ) -> Result<WrappedKeyMaterial, ExportRefusal> {
        export_wrapped_key_material(&client, &key, &kek).await
    }
}

/// The export page.
#[component]
pub fn ExportKeyMaterialPage() -> impl IntoView {
    let settings = use_settings();
    let query = use_query_map();
    let chosen = |name| RwSignal::new(query.with_untracked(|q| q.get(name)).unwrap_or_default());
    let (key_id, kek_id) = (chosen(EXPORT_KEY_QUERY), chosen(EXPORT_KEK_QUERY));
    prefetch(async {
        prefetch_export().await;
        prefetch_export_result().await;
    });
    // Bumped when the key or KEK changed since listed: both lists read again.
    let refresh = RwSignal::new(0_u32);

    let export = Action::new_local(move |(key, kek): &(String, String)| {
        let (key, kek) = (key.clone(), kek.clone());
        let client = settings.client();
        async move {
            let client = client?;
            run_export(client, key, kek).await.map_err(|e| {
                if matches!(e, ExportRefusal::Changed(_)) {
                    refresh.update(|n| *n += 1);
                }
                e.to_string()
            })
        }
    });
    let submit = Submit::new(export);
    let pending = submit.pending();
    let outcome = export.value();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submit.submit(|| {
            let (key, kek) = (key_id.get(), kek_id.get());
            if key.is_empty() {
                Err("Choose the key material to export: type its id or pick it from the list.")
            } else if kek.is_empty() {
                Err("Choose the AWS wrapping key (KEK) to wrap it with.")
            } else {
                Ok((key, kek))
            }
            .map_err(str::to_owned)
        });
    };
    let refusal = Signal::derive(move || match outcome.get() {
        Some(Err(message)) => Some(message),
        _ => None,
    });

    view! {
        <section aria-labelledby="page-title">
            <h1 id="page-title">{Page::ExportKeyMaterial.label()}</h1>
            <p>
                "Wrap a key of this KMS with an imported AWS wrapping key. AWS's import rules are checked before anything is sent; the key never leaves the KMS unwrapped."
            </p>
            <form class="export-key-material" on:submit=on_submit novalidate>
                <KeyMaterialPicker selected=key_id refresh=refresh />
                <Deferred load=shared_key_notice_view(key_id.into()) />
                <KekPicker selected=kek_id refresh=refresh />
                <ErrorBanner message=submit.refusal />
                <ErrorBanner message=refusal />
                <SubmitButton pending=pending idle="Export wrapped key material" busy="Exporting…" />
                <RequestProgress pending=pending in_flight=submit.in_flight what="Exporting the key material" />
            </form>
            {move || match outcome.get() {
                Some(Ok(wrapped)) => {
                    let import_token = stored_import_token(&wrapped.kek_id);
                    let valid_to = stored_import_token_valid_to(&wrapped.kek_id);
                    view! {
                        <ExportResult
                            wrapped=wrapped
                            import_token=import_token
                            parameters_valid_to=valid_to
                        />
                    }
                        .into_any()
                }
                _ => ().into_any(),
            }}
        </section>
    }
}
