//! `/ui/google/import-job`: import a Google Cloud KMS import job's wrapping key — its
//! `gcloud kms import-jobs describe` JSON, or its PEM with method and name — checked in the
//! browser first, tagged with the job (name, method, level, expiry) for the export page.

use std::time::Duration;

use leptos::prelude::*;
use leptos_router::components::A;

use crate::actions::google::import_job::{
    AlreadyStoredGoogle, ImportGoogleJobPlan, ImportGoogleOnce, import_google_job,
    import_google_job_once,
};
use crate::actions::objects::one_line;
use crate::client::KmsClient;
use crate::components::choice_select::ChoiceSelect;
use crate::components::clock::use_now;
use crate::components::create_right::{CreateRight, CreateRightNotice};
use crate::components::deferred::{Deferred, prefetch, split_fn, split_view};
use crate::components::error_banner::ErrorBanner;
use crate::components::file_drop::FileDropZone;
use crate::components::replace_confirmation::Answered;
use crate::components::request_progress::RequestProgress;
use crate::components::submit::{Submit, SubmitButton};
use crate::components::text_field::TextField;
use crate::domain::google::import_job::{ImportJob, read_pasted};
use crate::domain::google::import_method::ImportMethod;
use crate::domain::google::kek_tags::SameGoogleJob;
use crate::domain::kms_id::KmsId;
use crate::kmip::ObjectAttributes;
use crate::routes::Page;
use crate::settings::use_settings;

/// The largest job file read (the describe JSON or a PEM is a few kilobytes; an HSM
/// job's attestation a few more).
const MAX_JOB_FILE_BYTES: u64 = 256 * 1024;

/// Where the job comes from.
#[derive(Clone, Debug, PartialEq)]
enum JobSource {
    Pasted(String),
    File {
        name: String,
        text: String,
    },
    /// A file refused before or while reading (too large, not text).
    RefusedFile(String),
}

impl JobSource {
    fn parse(
        &self,
        method: Option<ImportMethod>,
        name: &str,
        now: time::OffsetDateTime,
    ) -> Result<ImportJob, String> {
        let method = method.map(ImportMethod::gcloud_name).unwrap_or_default();
        match self {
            Self::Pasted(text) => read_pasted(text, &method, name, now),
            Self::File { name: file, text } => {
                read_pasted(text, &method, name, now).map_err(|e| format!("{file}: {e}"))
            }
            Self::RefusedFile(message) => Err(message.clone()),
        }
    }

    fn is_empty(&self) -> bool {
        matches!(self, Self::Pasted(text) if text.trim().is_empty())
    }
}

/// One click's request: the plan, and whether to look for the job among the stored ones first.
#[derive(Clone, Debug, PartialEq)]
struct Attempt {
    plan: ImportGoogleJobPlan,
    check: bool,
}

split_fn! {
    prefetch prefetch_google_import = __preload_run_google_import;
    /// The import the button starts (its code loads on the first click).
    async fn run_google_import(client: KmsClient, attempt: Attempt) -> Result<ImportGoogleOnce, String> {
        let result = if attempt.check {
            import_google_job_once(&client, &attempt.plan).await
        } else {
            import_google_job(&client, &attempt.plan)
                .await
                .map(|done| ImportGoogleOnce::Done(Box::new(done)))
        };
        result.map_err(|e| e.to_string())
    }
}

split_fn! {
    prefetch prefetch_reader = __preload_read_job;
    /// Reads what was given (its code — the JSON, PEM and DER readers — loads
    /// once the form is usable).
    async fn read_job(
        source: JobSource,
        method: Option<ImportMethod>,
        name: String,
        now: time::OffsetDateTime,
    ) -> Result<ImportJob, String> {
        source.parse(method, &name, now)
    }
}

/// What the page read of the job, in one line.
fn job_words(job: &ImportJob, now: time::OffsetDateTime) -> String {
    let level = job
        .protection_level
        .as_ref()
        .map(|l| format!(", protection level {l}"))
        .unwrap_or_else(|| ", protection level not known (a PEM)".to_owned());
    let left = job.time_left_words(now).unwrap_or_else(|| {
        "expiry not known (a PEM): Google refuses it 3 days after its creation".to_owned()
    });
    format!(
        "{} of the import job {} ({}{level}): {left}.",
        job.wrapping_key.summary(),
        job.name.job(),
        job.method.gcloud_name(),
    )
}

fn method_value(m: Option<ImportMethod>) -> String {
    m.map(ImportMethod::gcloud_name).unwrap_or_default()
}

fn method_words(m: Option<ImportMethod>) -> String {
    match m {
        Some(m) => format!("{} — {}", m.gcloud_name(), m.words()),
        None => "Read from the describe JSON".to_owned(),
    }
}

/// The Google import job page.
#[component]
pub fn GoogleImportJobPage() -> impl IntoView {
    prefetch(async {
        prefetch_reader().await;
        prefetch_google_import().await;
        prefetch_outcome().await;
    });
    let settings = use_settings();
    let now = use_now(Duration::from_secs(30));
    let pasted = RwSignal::new(String::new());
    let source = RwSignal::new(JobSource::Pasted(String::new()));
    let method = RwSignal::new(None::<ImportMethod>);
    let job_name = RwSignal::new(String::new());
    let kms_id = RwSignal::new(String::new());
    let attempted = RwSignal::new(false);
    let job_text = NodeRef::<leptos::html::Textarea>::new();

    // What was given, as read: `None` until the reader's code is there.
    let parsed = LocalResource::new(move || {
        let given = (source.get(), method.get(), job_name.get(), now.get());
        async move { read_job(given.0, given.1, given.2, given.3).await }
    });
    let show_analysis = move || attempted.get() || !source.with(JobSource::is_empty);
    let invalid = move || show_analysis() && parsed.with(|p| matches!(p, Some(Err(_))));

    let import = Action::new_local(move |attempt: &Attempt| {
        let attempt = attempt.clone();
        let client = settings.client();
        async move { run_google_import(client?, attempt).await }
    });
    let sending = Submit::new(import);
    let create_right = CreateRight::ask("Importing an import job's wrapping key");
    let pending = sending.pending();
    let outcome = import.value();
    // "Already in the KMS" answered what was typed then: a change makes it stale.
    Effect::new(move |_| {
        source.track();
        method.track();
        job_name.track();
        kms_id.track();
        if matches!(
            outcome.get_untracked(),
            Some(Ok(ImportGoogleOnce::AlreadyStored(_)))
        ) {
            outcome.set(None);
        }
    });

    // What is given at the click is read again (the list's reading may be a
    // moment behind the last keystroke), then sent if it reads well.
    let submit = move |replace: bool, check: bool| {
        attempted.set(true);
        let given = (
            source.get_untracked(),
            method.get_untracked(),
            job_name.get_untracked(),
            now.get_untracked(),
        );
        leptos::task::spawn_local_scoped(async move {
            let job = match read_job(given.0, given.1, given.2, given.3).await {
                Ok(job) => job,
                Err(_) => {
                    // The problem is shown under the field (read with it): nothing is sent.
                    sending.refusal.set(None);
                    import.value().set(None);
                    if let Some(field) = job_text.get_untracked() {
                        let _ = field.focus();
                    }
                    return;
                }
            };
            sending.submit(|| {
                create_right.check()?;
                Ok(Attempt {
                    plan: ImportGoogleJobPlan {
                        job,
                        kms_id: KmsId::parse_optional(&kms_id.get_untracked(), "KMS key id")?,
                        replace,
                    },
                    check,
                })
            });
        });
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !pending.get_untracked() {
            submit(false, true);
        }
    };
    let request_error = Signal::derive(move || match outcome.get() {
        Some(Err(message)) => Some(message),
        _ => None,
    });
    let mut methods = vec![None];
    methods.extend(ImportMethod::ALL.map(Some));

    let answered = Answered {
        submit: Callback::new(move |(replace, check)| submit(replace, check)),
        cancel: Callback::new(move |()| import.value().set(None)),
    };
    view! {
        <section aria-labelledby="page-title">
            <h1 id="page-title">{Page::GoogleImportJob.label()}</h1>
            <p>
                "Import the wrapping key of a Cloud KMS import job ("
                <code>"gcloud kms import-jobs create --import-method … --protection-level …"</code>
                "). It is checked here before anything is sent (ACTIVE, not expired, an RSA key of the method's size) and stored with the job's name, method, protection level and expiry, which the export page reads. A job lasts 3 days."
            </p>
            <CreateRightNotice right=create_right />
            <form class="google-import-job" on:submit=on_submit novalidate>
                <label for="google-job-text">"Google import job"</label>
                <p id="google-job-text-hint" class="hint">
                    "Paste the JSON "
                    <code>"gcloud kms import-jobs describe <job> --location <location> --keyring <key ring> --format json"</code>
                    " prints, or the job's publicKey.pem with its method and name below."
                </p>
                <textarea
                    id="google-job-text"
                    node_ref=job_text
                    rows="6"
                    spellcheck="false"
                    aria-describedby="google-job-text-hint google-job-analysis"
                    aria-invalid=move || {
                        (invalid() && matches!(source.get(), JobSource::Pasted(_))).then_some("true")
                    }
                    prop:value=pasted
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        pasted.set(text.clone());
                        source.set(JobSource::Pasted(text));
                    }
                ></textarea>
                <FileDropZone
                    id="google-job-file"
                    label="Or choose a file"
                    hint="A file holding the describe JSON, or the job's public key PEM. You can also drop it here."
                    max_bytes=MAX_JOB_FILE_BYTES
                    described_by="google-job-analysis"
                    invalid=Signal::derive(move || {
                        invalid() && !matches!(source.get(), JobSource::Pasted(_))
                    })
                    on_file=Callback::new(move |(name, bytes): (String, Vec<u8>)| {
                        source.set(match String::from_utf8(bytes) {
                            Ok(text) => JobSource::File { name, text },
                            Err(_) => JobSource::RefusedFile(format!(
                                "{name} is not text: choose a file holding the describe JSON or the job's public key PEM."
                            )),
                        });
                    })
                    on_error=Callback::new(move |message: String| {
                        source.set(JobSource::RefusedFile(message));
                    })
                />
                <ChoiceSelect
                    id="google-import-method"
                    label="Import method (with a PEM)"
                    choices=methods
                    selected=method
                    value=method_value
                    words=method_words
                />
                <TextField
                    id="google-job-name"
                    label="Import job name (with a PEM)"
                    value=job_name
                    hint="projects/<project>/locations/<location>/keyRings/<key ring>/importJobs/<job> (name in the describe JSON). Needed with a PEM; the JSON names its own."
                />
                <p id="google-job-analysis" class="kek-analysis" aria-live="polite">
                    {move || {
                        let read = parsed.get().filter(|_| show_analysis())?;
                        Some(match read {
                            Ok(job) => {
                                view! { <span class="ok">{job_words(&job, now.get())}</span> }
                                    .into_any()
                            }
                            Err(message) => {
                                view! { <span class="error-text">{message}</span> }.into_any()
                            }
                        })
                    }}
                </p>
                <TextField
                    id="google-kms-id"
                    label="KMS key id (optional)"
                    value=kms_id
                    hint="Leave empty and the KMS picks a unique id."
                />
                <ErrorBanner message=sending.refusal />
                <ErrorBanner message=request_error />
                <SubmitButton pending=pending idle="Import Google import job" busy="Importing…" />
                <RequestProgress pending=pending in_flight=sending.in_flight what="Importing the import job's wrapping key" />
            </form>
            {move || match outcome.get() {
                Some(Ok(answer)) => {
                    view! { <Deferred load=google_import_outcome_view(answer, answered) /> }.into_any()
                }
                _ => ().into_any(),
            }}
        </section>
    }
}

split_view! {
    prefetch prefetch_outcome = __preload_google_import_outcome_view;
    /// The import's answer (its code loads once the form is usable).
    fn google_import_outcome_view(answer: ImportGoogleOnce, answered: Answered) {
        match answer {
            ImportGoogleOnce::Done(done) => answered.outcome(*done, |object| view! { <ImportResult object=object /> }.into_any()),
            ImportGoogleOnce::AlreadyStored(found) => {
                view! { <AlreadyStoredNotice found=found on_import_anyway=answered.anyway() /> }
                    .into_any()
            }
        }
    }
}

/// This job's wrapping key is already in the KMS (or may be): offer it instead of a second copy.
#[component]
fn AlreadyStoredNotice(
    found: Vec<AlreadyStoredGoogle>,
    on_import_anyway: Callback<()>,
) -> impl IntoView {
    let certain = found.iter().any(|f| f.same == SameGoogleJob::Certainly);
    let ids = found
        .iter()
        .map(|f| f.id.clone())
        .collect::<Vec<_>>()
        .join(", ");
    let (title, text) = if certain {
        (
            "This import job is already in the KMS",
            format!(
                "{ids} holds the same public key (same SHA-256 fingerprint) for the same import job, so nothing was imported again. Export with it."
            ),
        )
    } else {
        (
            "This import job may already be in the KMS",
            format!(
                "{ids} is tagged with the same import job but without a fingerprint, so it is most likely the same key. Nothing has been imported: export with it, or import this one anyway."
            ),
        )
    };
    view! {
        <div class="result already-stored" role="status" data-testid="already-stored">
            <h2>{title}</h2>
            <p data-testid="already-stored-text">{text}</p>
            <ul>
                {found
                    .into_iter()
                    .map(|f| {
                        let href = Page::google_export_href(None, Some(&f.id));
                        view! {
                            <li>
                                <A href=href>{format!("Export for Google Cloud with {}", f.id)}</A>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            {(!certain)
                .then(|| {
                    view! {
                        <button type="button" class="secondary" on:click=move |_| on_import_anyway.run(())>
                            "Import it anyway"
                        </button>
                    }
                })}
        </div>
    }
}

/// The imported wrapping key as the KMS now holds it.
#[component]
fn ImportResult(object: ObjectAttributes) -> impl IntoView {
    let export_link = Page::google_export_href(None, Some(&object.unique_identifier));
    view! {
        <div class="result" role="status" data-testid="import-result">
            <h2>"Import job imported"</h2>
            <dl>
                <dt>"KMS id"</dt>
                <dd data-testid="imported-id">{object.unique_identifier.clone()}</dd>
                <dt>"Tags"</dt>
                <dd data-testid="imported-tags">{object.tags.join(", ")}</dd>
                <dt>"Key"</dt>
                <dd>{one_line(&object)}</dd>
            </dl>
            <A href=export_link>"Export a key for Google Cloud with this import job"</A>
        </div>
    }
}
