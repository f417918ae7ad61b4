//! `/ui/google/guided`: from "I need this key in Cloud KMS" to the wrapped key and its import
//! command in five steps: views and signals only (rules in `domain::google::guided`).

use std::time::Duration;

use leptos::prelude::*;

use crate::actions::export::ExportRefusal;
use crate::actions::google::export::{GoogleExportRequest, GoogleWrapped};
use crate::actions::guided_clouds::{KekInKms, google_job_in_kms};
use crate::client::KmsClient;
use crate::components::choice_select::ChoiceSelect;
use crate::components::clock::use_now;
use crate::components::command_block::CommandBlock;
use crate::components::create_right::CreateRight;
use crate::components::deferred::{Deferred, prefetch, split_fn, split_view};
use crate::components::error_banner::ErrorBanner;
use crate::components::guided_step::{CheckedLine, ExportStep, GuidedStep, ImportStep, KeyStep};
use crate::components::submit::Submit;
use crate::components::text_field::{TextArea, TextField};
use crate::domain::google::guided::{GoogleJobInput, describe_imported};
use crate::domain::google::import_job::ImportJob;
use crate::domain::google::import_method::ImportMethod;
use crate::domain::google::protection_level::ProtectionLevel;
use crate::routes::Page;
use crate::settings::use_settings;

use super::google_export::{GoogleResult, prefetch_google_export, run_google_export};

split_fn! {
    prefetch prefetch_import = __preload_run_google_guided_import;
    /// Step 3's import (its code loads with the page's prefetch).
    async fn run_google_guided_import(client: KmsClient, job: ImportJob) -> Result<KekInKms, String> {
        google_job_in_kms(&client, job).await
    }
}

/// A level Google imports into, as the picker's index into `ProtectionLevel::IMPORTABLE`.
fn level_at(index: usize) -> ProtectionLevel {
    ProtectionLevel::IMPORTABLE[index].clone()
}

/// The Google guided page.
#[component]
pub fn GoogleGuidedPage() -> impl IntoView {
    prefetch(async {
        prefetch_import().await;
        prefetch_google_export().await;
        prefetch_result().await;
    });
    let now = use_now(Duration::from_secs(30));
    // Step 1.
    let start = GoogleJobInput::default();
    let project = RwSignal::new(start.project);
    let location = RwSignal::new(start.location);
    let key_ring = RwSignal::new(start.key_ring);
    let job = RwSignal::new(start.job);
    let method = RwSignal::new(start.method);
    let level = RwSignal::new(
        ProtectionLevel::IMPORTABLE
            .iter()
            .position(|l| *l == start.level)
            .unwrap_or_default(),
    );
    let plan = Memo::new(move |_| {
        GoogleJobInput {
            project: project.get(),
            location: location.get(),
            key_ring: key_ring.get(),
            job: job.get(),
            method: method.get(),
            level: level_at(level.get()),
        }
        .plan()
    });
    // Nothing is wrong with a form not yet filled in: no error before a project is named.
    let plan_error = Signal::derive(move || {
        plan.get()
            .err()
            .filter(|_| !project.with(|p| p.trim().is_empty()))
    });
    let create = Signal::derive(move || {
        plan.get()
            .map(|p| p.create_command().multi_line())
            .unwrap_or_default()
    });
    let describe = Signal::derive(move || {
        plan.get()
            .map(|p| p.describe_command().multi_line())
            .unwrap_or_default()
    });
    // Step 2: nothing pasted is `None`.
    let pasted = RwSignal::new(String::new());
    let read = Memo::new(move |_| {
        let text = pasted.get();
        if text.trim().is_empty() {
            return None;
        }
        Some(
            plan.get()
                .map_err(|e| format!("Step 1 first: {e}"))
                .and_then(|plan| {
                    let job = ImportJob::parse_describe(&text, now.get())?;
                    plan.check_pasted(&job)?;
                    Ok(job)
                }),
        )
    });
    let job_line = Signal::derive(move || {
        read.get().map(|read| {
            read.map(|j| {
                let left = j.time_left_words(now.get()).unwrap_or_default();
                format!(
                    "{} of the import job {} ({}, {}): {left}.",
                    j.wrapping_key.summary(),
                    j.name.job(),
                    j.method.gcloud_name(),
                    j.protection_level
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default(),
                )
            })
        })
    });
    let levels: Vec<usize> = (0..ProtectionLevel::IMPORTABLE.len()).collect();
    view! {
        <section aria-labelledby="page-title">
            <h1 id="page-title">{Page::GoogleGuided.label()}</h1>
            <p>
                "From a key of this KMS to a Cloud KMS key version in five steps: the import job Google creates, its JSON pasted back, its wrapping key imported here, the key wrapped as the job's method says, and the commands to import and check it. A job lasts 3 days."
            </p>
            <GuidedStep number=1 title="The import job in Google Cloud">
                <TextField id="google-guided-project" label="Project id" value=project placeholder="my-project-123456" />
                <TextField id="google-guided-location" label="Location" value=location placeholder="europe-west1" />
                <TextField id="google-guided-ring" label="Key ring" value=key_ring />
                <TextField id="google-guided-job" label="Import job name" value=job />
                <ChoiceSelect
                    id="google-guided-method"
                    label="Import method"
                    choices=ImportMethod::ALL.to_vec()
                    selected=method
                    value=ImportMethod::gcloud_name
                    words=|m: ImportMethod| format!("{} — {}", m.gcloud_name(), m.words())
                />
                <ChoiceSelect
                    id="google-guided-level"
                    label="Protection level"
                    choices=levels
                    selected=level
                    value=|i: usize| level_at(i).gcloud_name()
                    words=|i: usize| level_at(i).to_string()
                />
                <ErrorBanner message=plan_error />
                <Show when=move || plan.with(Result::is_ok)>
                    <p class="hint">"Run both; keep the second one's output for step 2:"</p>
                    <CommandBlock id="google-guided-create" text=create label="Copy the gcloud kms import-jobs create command" />
                    <CommandBlock id="google-guided-describe" text=describe label="Copy the gcloud kms import-jobs describe command" />
                </Show>
            </GuidedStep>
            <GuidedStep number=2 title="What Google printed">
                <TextArea id="google-guided-json" label="The JSON output of gcloud kms import-jobs describe" rows=6 value=pasted />
                <CheckedLine id="google-guided-analysis" checked=job_line />
            </GuidedStep>
            <Deferred load=google_later_steps_view(pasted, read) />
        </section>
    }
}

/// What step 2 read: nothing pasted is `None`.
type PastedJob = Memo<Option<Result<ImportJob, String>>>;

split_view! {
    /// Steps 3 to 5, whose code loads right after the page's: steps 1 and 2
    /// are usable first.
    fn google_later_steps_view(pasted: RwSignal<String>, read: PastedJob) {
        view! { <LaterSteps pasted=pasted read=read /> }.into_any()
    }
}

/// Steps 3 (import the job's wrapping key), 4 (the key) and 5 (the wrapped
/// key and commands).
#[component]
fn LaterSteps(pasted: RwSignal<String>, read: PastedJob) -> impl IntoView {
    let settings = use_settings();
    // Step 3.
    let import = Action::new_local(move |job: &ImportJob| {
        let job = job.clone();
        let client = settings.client();
        async move { run_google_guided_import(client?, job).await }
    });
    let importing = Submit::new(import);
    let create_right = CreateRight::ask("Importing the import job's wrapping key");
    // Another paste makes step 3's answer stale.
    Effect::new(move |_| {
        pasted.track();
        import.value().set(None);
    });
    let kek_in_kms = Signal::derive(move || import.value().get().and_then(Result::ok));
    let on_import = Callback::new(move |()| {
        importing.submit(|| {
            create_right.check()?;
            read.get_untracked().unwrap_or_else(|| {
                Err(
                    "Paste the JSON gcloud kms import-jobs describe printed (step 2) first."
                        .to_owned(),
                )
            })
        })
    });
    // Steps 4 and 5.
    let key_id = RwSignal::new(String::new());
    let refresh = RwSignal::new(0_u32);
    let export = Action::new_local(move |request: &GoogleExportRequest| {
        let request = request.clone();
        let client = settings.client();
        async move {
            run_google_export(client?, request).await.map_err(|e| {
                if matches!(e, ExportRefusal::Changed(_)) {
                    refresh.update(|n| *n += 1);
                }
                e.sentence("Google Cloud")
            })
        }
    });
    let exporting = Submit::new(export);
    let on_export = Callback::new(move |()| {
        exporting.submit(|| {
            let kek = kek_in_kms
                .get_untracked()
                .ok_or("Import the import job into the KMS (step 3) first.")?;
            match key_id.get_untracked().trim() {
                "" => Err(
                    "Choose the key to bring (step 4): type its id or pick it from the list."
                        .to_owned(),
                ),
                key => Ok(GoogleExportRequest {
                    key_id: key.to_owned(),
                    kek_id: kek.id,
                    algorithm: None,
                    key_level: None,
                }),
            }
        })
    });
    view! {
            <ImportStep
                title="Import the job's wrapping key into the KMS"
                create_right=create_right
                submit=importing
                id="google-guided-import"
                idle="Import the wrapping key"
                what="Importing the import job's wrapping key"
                on_click=on_import
            />
            <KeyStep key_id=key_id refresh=refresh />
            <ExportStep
                title="Export it wrapped for the job"
                submit=exporting
                id="google-guided-export"
                idle="Export for Google Cloud"
                what="Exporting the key for Google Cloud"
                on_click=on_export
            >
                {move || export.value().get().and_then(Result::ok).map(|wrapped| view! { <Deferred load=google_guided_result_view(wrapped) /> })}
            </ExportStep>
    }
}

split_view! {
    prefetch prefetch_result = __preload_google_guided_result_view;
    /// Step 5's result (its code loads with the page's prefetch).
    fn google_guided_result_view(wrapped: GoogleWrapped) {
        view! { <GuidedWrapped wrapped=wrapped /> }.into_any()
    }
}

/// The export page's result, then the command that describes the imported version.
#[component]
fn GuidedWrapped(wrapped: GoogleWrapped) -> impl IntoView {
    let key_name = RwSignal::new(String::new());
    let version = RwSignal::new("1".to_owned());
    let job = wrapped.job.name.clone();
    let check = Memo::new(move |_| {
        describe_imported(&job, &key_name.get(), &version.get()).map(|c| c.multi_line())
    });
    let check_error = Signal::derive(move || check.get().err());
    view! {
        <GoogleResult wrapped=wrapped key_name=key_name />
        <h3>"Then check the version in Cloud KMS"</h3>
        <TextField
            id="google-guided-version"
            label="Version number"
            value=version
            hint="The version the import printed (name ends in /cryptoKeyVersions/<n>): 1 for a key created empty."
        />
        <p>"Expect \"state\": \"ENABLED\" in the output."</p>
        <ErrorBanner message=check_error />
        <Show when=move || check_error.get().is_none()>
            <CommandBlock
                id="google-guided-check"
                text=Signal::derive(move || check.get().unwrap_or_default())
                label="Copy the gcloud kms keys versions describe command"
            />
        </Show>
    }
}
