//! `/ui/azure/import-kek`: import an Azure key-encryption key (KEK) — `az keyvault key show`'s
//! JSON, or the PEM `az keyvault key download` wrote with its kid — checked in the browser
//! first, tagged as the Cosmian CLI tags it (`azure`, `kid:<kid>`).

use leptos::prelude::*;
use leptos_router::components::A;

use crate::actions::azure::import_kek::{
    AlreadyStoredAzure, ImportAzureKekPlan, ImportAzureOnce, import_azure_kek,
    import_azure_kek_once,
};
use crate::actions::objects::one_line;
use crate::client::KmsClient;
use crate::components::create_right::{CreateRight, CreateRightNotice};
use crate::components::deferred::{Deferred, prefetch, split_fn, split_view};
use crate::components::error_banner::ErrorBanner;
use crate::components::file_drop::FileDropZone;
use crate::components::replace_confirmation::Answered;
use crate::components::request_progress::RequestProgress;
use crate::components::submit::{Submit, SubmitButton};
use crate::components::text_field::TextField;
use crate::domain::azure::kek::{AzureKek, parse_kek};
use crate::domain::azure::kek_tags::SameAzureKek;
use crate::domain::kms_id::KmsId;
use crate::kmip::ObjectAttributes;
use crate::routes::Page;
use crate::settings::use_settings;

/// The largest KEK file read (a PEM or the JSON is a few kilobytes).
const MAX_KEK_FILE_BYTES: u64 = 64 * 1024;

/// Where the KEK comes from.
#[derive(Clone, Debug, PartialEq)]
enum KekSource {
    Pasted(String),
    File {
        name: String,
        text: String,
    },
    /// A file refused before or while reading (too large, not text).
    RefusedFile(String),
}

impl KekSource {
    fn parse(&self, kid: &str) -> Result<AzureKek, String> {
        match self {
            Self::Pasted(text) => parse_kek(text, Some(kid)),
            Self::File { name, text } => {
                parse_kek(text, Some(kid)).map_err(|e| format!("{name}: {e}"))
            }
            Self::RefusedFile(message) => Err(message.clone()),
        }
    }

    fn is_empty(&self) -> bool {
        matches!(self, Self::Pasted(text) if text.trim().is_empty())
    }
}

split_fn! {
    prefetch prefetch_reader = __preload_read_azure_kek;
    /// Reads what was given with the kid typed beside it (its code — the JSON,
    /// PEM and DER readers — loads once the form is usable).
    async fn read_azure_kek(source: KekSource, kid: String) -> Result<AzureKek, String> {
        source.parse(&kid)
    }
}

/// One click's request: the plan, and whether to look for the KEK among the stored ones first.
#[derive(Clone, Debug, PartialEq)]
struct Attempt {
    plan: ImportAzureKekPlan,
    check: bool,
}

split_fn! {
    prefetch prefetch_azure_import = __preload_run_azure_import;
    /// The import the button starts (its code loads on the first click).
    async fn run_azure_import(client: KmsClient, attempt: Attempt) -> Result<ImportAzureOnce, String> {
        let result = if attempt.check {
            import_azure_kek_once(&client, &attempt.plan).await
        } else {
            import_azure_kek(&client, &attempt.plan)
                .await
                .map(|done| ImportAzureOnce::Done(Box::new(done)))
        };
        result.map_err(|e| e.to_string())
    }
}

/// The Azure KEK import page.
#[component]
pub fn AzureImportKekPage() -> impl IntoView {
    prefetch(async {
        prefetch_reader().await;
        prefetch_azure_import().await;
        prefetch_outcome().await;
    });
    let settings = use_settings();
    let pasted = RwSignal::new(String::new());
    let source = RwSignal::new(KekSource::Pasted(String::new()));
    let kid = RwSignal::new(String::new());
    let kms_id = RwSignal::new(String::new());
    // Import was clicked: an empty field is now worth a message.
    let attempted = RwSignal::new(false);
    let kek_text = NodeRef::<leptos::html::Textarea>::new();

    // What was given, as read: `None` until the reader's code is there.
    let parsed = LocalResource::new(move || {
        let given = (source.get(), kid.get());
        async move { read_azure_kek(given.0, given.1).await }
    });
    let show_analysis = move || attempted.get() || !source.with(KekSource::is_empty);
    let invalid = move || show_analysis() && parsed.with(|p| matches!(p, Some(Err(_))));

    let import = Action::new_local(move |attempt: &Attempt| {
        let attempt = attempt.clone();
        let client = settings.client();
        async move { run_azure_import(client?, attempt).await }
    });
    let sending = Submit::new(import);
    let create_right = CreateRight::ask("Importing a key-encryption key");
    let pending = sending.pending();
    let outcome = import.value();
    // "Already in the KMS" answered what was typed then: a change makes it stale.
    Effect::new(move |_| {
        source.track();
        kid.track();
        kms_id.track();
        if matches!(
            outcome.get_untracked(),
            Some(Ok(ImportAzureOnce::AlreadyStored(_)))
        ) {
            outcome.set(None);
        }
    });

    // `check`: look for the KEK among the stored ones first (a normal click); not after the
    // user chose to replace an id or to import anyway.
    let submit = move |replace: bool, check: bool| {
        attempted.set(true);
        // What is given at the click is read again (the analysis may be a
        // moment behind the last keystroke), then sent if it reads well.
        let given = (source.get_untracked(), kid.get_untracked());
        leptos::task::spawn_local_scoped(async move {
            let kek = match read_azure_kek(given.0, given.1).await {
                Ok(kek) => kek,
                Err(_) => {
                    // The problem is shown under the field (read with it): nothing is sent.
                    sending.refusal.set(None);
                    import.value().set(None);
                    if let Some(field) = kek_text.get_untracked() {
                        let _ = field.focus();
                    }
                    return;
                }
            };
            sending.submit(|| {
                create_right.check()?;
                Ok(Attempt {
                    plan: ImportAzureKekPlan {
                        kek,
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

    let answered = Answered {
        submit: Callback::new(move |(replace, check)| submit(replace, check)),
        cancel: Callback::new(move |()| import.value().set(None)),
    };
    view! {
        <section aria-labelledby="page-title">
            <h1 id="page-title">{Page::AzureImportKek.label()}</h1>
            <p>
                "Import the key-encryption key (KEK) Azure created for your Key Vault Premium or Managed HSM ("
                <code>"az keyvault key create --kty RSA-HSM --ops import"</code>
                "). It is checked here before anything is sent, and tagged as the Cosmian CLI tags it, so "
                <code>"ckms azure byok export"</code>
                " can use it too."
            </p>
            <CreateRightNotice right=create_right />
            <form class="azure-import-kek" on:submit=on_submit novalidate>
                <label for="azure-kek-text">"Azure KEK"</label>
                <p id="azure-kek-text-hint" class="hint">
                    "Paste the JSON "
                    <code>"az keyvault key show --name <KEK> --vault-name <vault>"</code>
                    " prints (it names its kid), or the PEM "
                    <code>"az keyvault key download"</code>
                    " wrote, with the kid below."
                </p>
                <textarea
                    id="azure-kek-text"
                    node_ref=kek_text
                    rows="6"
                    spellcheck="false"
                    aria-describedby="azure-kek-text-hint azure-kek-analysis"
                    aria-invalid=move || {
                        (invalid() && matches!(source.get(), KekSource::Pasted(_))).then_some("true")
                    }
                    prop:value=pasted
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        pasted.set(text.clone());
                        source.set(KekSource::Pasted(text));
                    }
                ></textarea>
                <FileDropZone
                    id="azure-kek-file"
                    label="Or choose a file"
                    hint="The <KEK>.publickey.pem az keyvault key download wrote, or a file holding the az keyvault key show JSON. You can also drop it here."
                    max_bytes=MAX_KEK_FILE_BYTES
                    described_by="azure-kek-analysis"
                    invalid=Signal::derive(move || {
                        invalid() && !matches!(source.get(), KekSource::Pasted(_))
                    })
                    on_file=Callback::new(move |(name, bytes): (String, Vec<u8>)| {
                        source.set(match String::from_utf8(bytes) {
                            Ok(text) => KekSource::File { name, text },
                            Err(_) => KekSource::RefusedFile(format!(
                                "{name} is not text: choose the .publickey.pem az keyvault key download wrote, or a file holding the az keyvault key show JSON."
                            )),
                        });
                    })
                    on_error=Callback::new(move |message: String| {
                        source.set(KekSource::RefusedFile(message));
                    })
                />
                <TextField
                    id="azure-kid"
                    label="Key identifier (kid), with its version"
                    value=kid
                    hint="https://<vault>.vault.azure.net/keys/<KEK>/<version> (key.kid in az keyvault key show). Needed with a PEM; the JSON names its own."
                />
                <p id="azure-kek-analysis" class="kek-analysis" aria-live="polite">
                    {move || {
                        let read = parsed.get().filter(|_| show_analysis())?;
                        Some(match read {
                                Ok(kek) => {
                                    view! {
                                        <span class="ok">
                                            {format!(
                                                "{} for {} (read as {}).",
                                                kek.key.summary(),
                                                kek.kid,
                                                kek.source.describe()
                                            )}
                                        </span>
                                    }
                                        .into_any()
                                }
                                Err(message) => {
                                    view! { <span class="error-text">{message}</span> }.into_any()
                                }
                            })
                    }}
                </p>
                <TextField
                    id="azure-kms-id"
                    label="KMS key id (optional)"
                    value=kms_id
                    hint="Leave empty and the KMS picks a unique id."
                />
                <ErrorBanner message=sending.refusal />
                <ErrorBanner message=request_error />
                <SubmitButton pending=pending idle="Import Azure KEK" busy="Importing…" />
                <RequestProgress pending=pending in_flight=sending.in_flight what="Importing the Azure KEK" />
            </form>
            {move || match outcome.get() {
                Some(Ok(answer)) => {
                    view! { <Deferred load=azure_import_outcome_view(answer, answered) /> }.into_any()
                }
                _ => ().into_any(),
            }}
        </section>
    }
}

split_view! {
    prefetch prefetch_outcome = __preload_azure_import_outcome_view;
    /// The import's answer (its code loads once the form is usable).
    fn azure_import_outcome_view(answer: ImportAzureOnce, answered: Answered) {
        match answer {
            ImportAzureOnce::Done(done) => answered.outcome(*done, |object| view! { <ImportResult object=object /> }.into_any()),
            ImportAzureOnce::AlreadyStored(found) => {
                view! { <AlreadyStoredNotice found=found on_import_anyway=answered.anyway() /> }
                    .into_any()
            }
        }
    }
}

/// A KEK for this kid is already in the KMS (or may be): offer it instead of a second copy.
#[component]
fn AlreadyStoredNotice(
    found: Vec<AlreadyStoredAzure>,
    on_import_anyway: Callback<()>,
) -> impl IntoView {
    let certain = found.iter().any(|f| f.same == SameAzureKek::Certainly);
    let ids = found
        .iter()
        .map(|f| f.id.clone())
        .collect::<Vec<_>>()
        .join(", ");
    let (title, text) = if certain {
        (
            "This Azure KEK is already in the KMS",
            format!(
                "{ids} holds the same public key (same SHA-256 fingerprint) for the same kid, so nothing was imported again. Export with it."
            ),
        )
    } else {
        (
            "This Azure KEK may already be in the KMS",
            format!(
                "{ids} is tagged with the same kid but was imported without a fingerprint (by the Cosmian CLI?), so it is most likely the same key. Nothing has been imported: export with it, or import this one anyway."
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
                        let href = Page::azure_export_href(None, Some(&f.id));
                        view! {
                            <li>
                                <A href=href>{format!("Export for Azure with {}", f.id)}</A>
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

/// The imported KEK as the KMS now holds it.
#[component]
fn ImportResult(object: ObjectAttributes) -> impl IntoView {
    let export_link = Page::azure_export_href(None, Some(&object.unique_identifier));
    view! {
        <div class="result" role="status" data-testid="import-result">
            <h2>"Azure KEK imported"</h2>
            <dl>
                <dt>"KMS id"</dt>
                <dd data-testid="imported-id">{object.unique_identifier.clone()}</dd>
                <dt>"Tags"</dt>
                <dd data-testid="imported-tags">{object.tags.join(", ")}</dd>
                <dt>"Key"</dt>
                <dd>{one_line(&object)}</dd>
            </dl>
            <A href=export_link>"Export a key for Azure with this KEK"</A>
        </div>
    }
}
