//! `/ui/google/export`: wrap a KMS key for a stored Google import job after checking Google's
//! rules, then hand over the wrapped-key file (download, SHA-256), the job's time left and the
//! `gcloud kms keys versions import` command with the algorithm that fits the key.

use std::time::Duration;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::actions::copies::record_google_export;
use crate::actions::export::ExportRefusal;
use crate::actions::google::export::{GoogleExportRequest, GoogleWrapped, export_for_google};
use crate::browser::{now_utc, random_bytes};
use crate::client::KmsClient;
use crate::components::choice_select::ChoiceSelect;
use crate::components::clock::use_now;
use crate::components::cloud_ledger_record::{cloud_ledger_record_status, use_cloud_ledger_record};
use crate::components::command_block::CommandBlock;
use crate::components::deferred::{Deferred, prefetch, split_fn, split_view};
use crate::components::download_button::DownloadButton;
use crate::components::error_banner::ErrorBanner;
use crate::components::google_job_picker::GoogleJobPicker;
use crate::components::import_script_download::GoogleImportScriptDownload;
use crate::components::key_material_picker::KeyMaterialPicker;
use crate::components::request_progress::RequestProgress;
use crate::components::shared_key_notice::shared_key_notice_view;
use crate::components::submit::{Submit, SubmitButton};
use crate::components::text_field::TextField;
use crate::domain::google::algorithm::GoogleAlgorithm;
use crate::domain::google::command::import_version;
use crate::domain::google::protection_level::ProtectionLevel;
use crate::domain::ledger::google::GoogleCommand;
use crate::routes::{EXPORT_KEK_QUERY, EXPORT_KEY_QUERY, Page};
use crate::settings::use_settings;

split_fn! {
    prefetch pub(super) prefetch_google_export = __preload_run_google_export;
    /// The export the button starts (its code loads on the first click).
    pub(super) async fn run_google_export(
        client: KmsClient,
        request: GoogleExportRequest,
    ) -> Result<GoogleWrapped, ExportRefusal> {
        export_for_google(&client, &request).await
    }
}

/// The key's protection level as the form offers it (`None`: not stated).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KeyLevel {
    NotStated,
    Software,
    Hsm,
    HsmSingleTenant,
}

impl KeyLevel {
    const ALL: [Self; 4] = [
        Self::NotStated,
        Self::Software,
        Self::Hsm,
        Self::HsmSingleTenant,
    ];

    fn level(self) -> Option<ProtectionLevel> {
        match self {
            Self::NotStated => None,
            Self::Software => Some(ProtectionLevel::Software),
            Self::Hsm => Some(ProtectionLevel::Hsm),
            Self::HsmSingleTenant => Some(ProtectionLevel::HsmSingleTenant),
        }
    }

    fn value(self) -> String {
        self.level()
            .map(|l| l.api_name().to_owned())
            .unwrap_or_default()
    }

    fn words(self) -> String {
        match self.level() {
            None => "Not stated (the job's level is assumed)".to_owned(),
            Some(level) => format!("{level} (--protection-level {})", level.gcloud_name()),
        }
    }
}

fn algorithm_value(a: Option<GoogleAlgorithm>) -> String {
    a.map(GoogleAlgorithm::gcloud_name).unwrap_or_default()
}

fn algorithm_words(a: Option<GoogleAlgorithm>) -> String {
    match a {
        Some(a) => a.gcloud_name(),
        None => "The first that fits the key".to_owned(),
    }
}

/// The Google export page.
#[component]
pub fn GoogleExportPage() -> impl IntoView {
    let settings = use_settings();
    let query = use_query_map();
    let chosen = |name| RwSignal::new(query.with_untracked(|q| q.get(name)).unwrap_or_default());
    let (key_id, kek_id) = (chosen(EXPORT_KEY_QUERY), chosen(EXPORT_KEK_QUERY));
    let algorithm = RwSignal::new(None::<GoogleAlgorithm>);
    let key_level = RwSignal::new(KeyLevel::NotStated);
    prefetch(async {
        prefetch_google_export().await;
        prefetch_google_result().await;
    });
    // Bumped when the key or job changed since listed: both lists read again.
    let refresh = RwSignal::new(0_u32);

    let export = Action::new_local(move |request: &GoogleExportRequest| {
        let request = request.clone();
        let client = settings.client();
        async move {
            let client = client?;
            run_google_export(client, request).await.map_err(|e| {
                if matches!(e, ExportRefusal::Changed(_)) {
                    refresh.update(|n| *n += 1);
                }
                e.sentence("Google Cloud")
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
                Err("Choose the key to export: type its id or pick it from the list.")
            } else if kek.is_empty() {
                Err("Choose the Google import job to wrap it for (import it first on the Google import page).")
            } else {
                Ok(GoogleExportRequest {
                    key_id: key,
                    kek_id: kek,
                    algorithm: algorithm.get(),
                    key_level: key_level.get().level(),
                })
            }
            .map_err(str::to_owned)
        });
    };
    let refusal = Signal::derive(move || match outcome.get() {
        Some(Err(message)) => Some(message),
        _ => None,
    });
    let mut algorithms = vec![None];
    algorithms.extend(GoogleAlgorithm::all().into_iter().map(Some));

    view! {
        <section aria-labelledby="page-title">
            <h1 id="page-title">{Page::GoogleExport.label()}</h1>
            <p>
                "Wrap a key of this KMS for a Cloud KMS import job, as the job's method says: RSA-OAEP (SHA-1 or SHA-256) of an AES-256 key then AES key wrap of the material, or plain RSA-OAEP SHA-256 (AES and HMAC keys only). Google's rules are checked before anything is sent: the job not expired, the material its method carries, the algorithm, the protection levels. The key never leaves the KMS unwrapped."
            </p>
            <form class="google-export" on:submit=on_submit novalidate>
                <KeyMaterialPicker selected=key_id refresh=refresh />
                <Deferred load=shared_key_notice_view(key_id.into()) />
                <GoogleJobPicker selected=kek_id refresh=refresh />
                <ChoiceSelect
                    id="google-algorithm"
                    label="Algorithm in Cloud KMS"
                    choices=algorithms
                    selected=algorithm
                    value=algorithm_value
                    words=algorithm_words
                />
                <ChoiceSelect
                    id="google-key-level"
                    label="Protection level of the Cloud KMS key (optional)"
                    choices=KeyLevel::ALL.to_vec()
                    selected=key_level
                    value=KeyLevel::value
                    words=KeyLevel::words
                />
                <ErrorBanner message=submit.refusal />
                <ErrorBanner message=refusal />
                <SubmitButton pending=pending idle="Export for Google Cloud" busy="Exporting…" />
                <RequestProgress pending=pending in_flight=submit.in_flight what="Exporting the key for Google Cloud" />
            </form>
            {move || match outcome.get() {
                Some(Ok(wrapped)) => {
                    view! { <Deferred load=google_result_view(wrapped) /> }.into_any()
                }
                _ => ().into_any(),
            }}
        </section>
    }
}

split_view! {
    prefetch prefetch_google_result = __preload_google_result_view;
    /// The result (its code loads with the page's prefetch, before the first export is done).
    fn google_result_view(wrapped: GoogleWrapped) {
        view! { <GoogleResult wrapped=wrapped /> }.into_any()
    }
}

/// The wrapped-key file and the import command, named after the key's name in Cloud KMS.
#[component]
pub(super) fn GoogleResult(
    wrapped: GoogleWrapped,
    /// The key's name in Cloud KMS, when the caller shows more commands about it (the guided flow).
    #[prop(optional)]
    key_name: Option<RwSignal<String>>,
) -> impl IntoView {
    let now = use_now(Duration::from_secs(30));
    let summary = format!(
        "{} {} wrapped with {} for the import job {} ({}, RSA {}-bit): it becomes a {} version.",
        wrapped.key_id,
        wrapped.material,
        wrapped.wrapping,
        wrapped.job.name.job(),
        wrapped.job.method.gcloud_name(),
        wrapped.kek_bits,
        wrapped.algorithm,
    );
    let key_name = key_name.unwrap_or_else(|| RwSignal::new(String::new()));
    key_name.set(wrapped.default_key_name.clone().unwrap_or_default());
    let job = wrapped.job.clone();
    let expiry = move || {
        format!(
            "The import job {}: {}.",
            job.name.job(),
            job.expiry_words(now.get())
        )
    };
    let for_command = wrapped.clone();
    let options = Memo::new(move |_| for_command.import_options(&key_name.get()));
    let command = Memo::new(move |_| options.get().map(|o| import_version(&o).multi_line()));
    let for_ledger = wrapped.clone();
    let (ledger, on_command_copied) =
        use_cloud_ledger_record(wrapped.key_id.clone(), |client| async move {
            record_google_export(&client, &for_ledger, now_utc(), random_bytes()).await
        });
    let on_copied = Callback::new(move |()| {
        if let Ok(options) = options.get_untracked() {
            on_command_copied.run(GoogleCommand::from_options(&options));
        }
    });
    let file_name = Signal::derive(move || {
        let name = key_name.get();
        let name = name.trim();
        GoogleWrapped::file_name(if name.is_empty() { "key" } else { name })
    });
    let command_text = Signal::derive(move || command.get().unwrap_or_default());
    let command_error = Signal::derive(move || command.get().err());
    let bytes = wrapped.blob.clone();
    view! {
        <div class="result" role="status" data-testid="google-result">
            <h2>"Wrapped key ready"</h2>
            <p data-testid="google-summary">{summary}</p>
            <p data-testid="google-job-expiry">{expiry}</p>
            <TextField
                id="google-key-name"
                label="Key name in Cloud KMS"
                value=key_name
                hint="The key in the job's key ring (created with --import-only, same protection level as the job). It names the file and the import command."
            />
            <DownloadButton bytes=bytes file_name=file_name />
            <p>
                "SHA-256 of the file: "
                <code data-testid="google-sha256">{wrapped.sha256.clone()}</code>
            </p>
            <ErrorBanner message=command_error />
            <Show when=move || command_error.get().is_none()>
                <CommandBlock
                    id="google-import-command"
                    text=command_text
                    label="Copy the gcloud kms keys versions import command"
                    on_copied=on_copied
                />
            </Show>
            <GoogleImportScriptDownload wrapped=wrapped.clone() key_name=key_name />
            <h3>"BYOK ledger"</h3>
            {cloud_ledger_record_status(ledger, wrapped.key_id.clone(), "google-ledger-status")}
        </div>
    }
}
