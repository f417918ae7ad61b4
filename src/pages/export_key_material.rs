//! `/ui/aws/export-key-material`: wrap a KMS key with an imported AWS KEK
//! after checking AWS's rules, then hand over the blob and the command.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::actions::export::{ExportRefusal, export_wrapped_key_material};
use crate::components::error_banner::ErrorBanner;
use crate::components::export_result::ExportResult;
use crate::components::kek_picker::KekPicker;
use crate::components::key_material_picker::KeyMaterialPicker;
use crate::components::request_progress::{InFlight, RequestProgress};
use crate::routes::Page;
use crate::settings::use_settings;

/// The export page.
#[component]
pub fn ExportKeyMaterialPage() -> impl IntoView {
    let settings = use_settings();
    let query = use_query_map();
    let key_id = RwSignal::new(query.with_untracked(|q| q.get("key")).unwrap_or_default());
    let kek_id = RwSignal::new(query.with_untracked(|q| q.get("kek")).unwrap_or_default());
    let error = RwSignal::new(None::<String>);
    // Bumped when the key or KEK changed since listed: both lists read again.
    let refresh = RwSignal::new(0_u32);

    let export = Action::new_local(move |(key, kek): &(String, String)| {
        let (key, kek) = (key.clone(), kek.clone());
        let client = settings.client();
        async move {
            let client = client?;
            export_wrapped_key_material(&client, &key, &kek)
                .await
                .map_err(|e| {
                    if matches!(e, ExportRefusal::Changed(_)) {
                        refresh.update(|n| *n += 1);
                    }
                    e.to_string()
                })
        }
    });
    let pending = export.pending();
    let in_flight = InFlight::new();
    let outcome = export.value();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let (key, kek) = (key_id.get(), kek_id.get());
        let problem = if key.is_empty() {
            Some("Choose the key material to export: type its id or pick it from the list.")
        } else if kek.is_empty() {
            Some("Choose the AWS wrapping key (KEK) to wrap it with.")
        } else {
            None
        };
        match problem {
            Some(message) => error.set(Some(message.to_owned())),
            None => {
                error.set(None);
                in_flight.dispatch(export, (key, kek));
            }
        }
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
                <KekPicker selected=kek_id refresh=refresh />
                <ErrorBanner message=error />
                <ErrorBanner message=refusal />
                <button type="submit" disabled=move || pending.get() aria-busy=move || pending.get().to_string()>
                    {move || if pending.get() { "Exporting…" } else { "Export wrapped key material" }}
                </button>
                <RequestProgress pending=pending in_flight=in_flight what="Exporting the key material" />
            </form>
            {move || match outcome.get() {
                Some(Ok(wrapped)) => view! { <ExportResult wrapped=wrapped /> }.into_any(),
                _ => ().into_any(),
            }}
        </section>
    }
}
