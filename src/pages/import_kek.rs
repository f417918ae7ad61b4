//! `/ui/aws/import-kek`: import the wrapping key AWS returned, checked in the
//! browser first, tagged so the export step and the Cosmian CLI find it.

use leptos::prelude::*;
use leptos_router::components::A;

use leptos::wasm_bindgen::JsCast;

use crate::actions::import_kek::{
    AlreadyStored, ImportKekOutcome, ImportKekPlan, ImportOnce, import_kek, import_kek_once,
};
use crate::actions::objects::one_line;
use crate::browser::{now_utc, store_import_token};
use crate::client::KmsClient;
use crate::components::clock::use_now;
use crate::components::create_right::{CreateRight, CreateRightNotice};
use crate::components::deferred::{Deferred, prefetch, split_fn, split_view};
use crate::components::download_button::DownloadButton;
use crate::components::error_banner::ErrorBanner;
use crate::components::file_drop::FileDropZone;
use crate::components::kek_list::KekList;
use crate::components::replace_confirmation::Answered;
use crate::components::request_progress::RequestProgress;
use crate::components::submit::{Submit, SubmitButton};
use crate::components::text_field::TextField;
use crate::components::wrapping_algorithm_picker::WrappingAlgorithmPicker;
use crate::domain::aws::arn::AwsKeyArn;
use crate::domain::aws::import_parameters::{ImportParameters, Validity};
use crate::domain::aws::kek::{self, KekInput, MAX_FILE_BYTES};
use crate::domain::aws::kek_tags::SameKek;
use crate::domain::kms_id::KmsId;
use crate::domain::wrapping::WrappingAlgorithm;
use crate::domain::wrapping_key::WrappingPublicKey;
use crate::kmip::ObjectAttributes;
use crate::routes::Page;
use crate::settings::use_settings;

/// Where the wrapping key comes from.
#[derive(Clone, Debug, PartialEq)]
enum KekSource {
    Pasted(String),
    File {
        name: String,
        bytes: Vec<u8>,
    },
    /// A file refused before reading (too large, unreadable).
    RefusedFile(String),
}

impl KekSource {
    fn parse(&self) -> Result<KekInput, String> {
        match self {
            Self::Pasted(text) => kek::parse_text(text),
            Self::File { name, bytes } => {
                kek::parse_file(bytes).map_err(|e| format!("{name}: {e}"))
            }
            Self::RefusedFile(message) => Err(message.clone()),
        }
    }
}

split_fn! {
    prefetch prefetch_reader = __preload_read_kek;
    /// Reads the key given (its code — the JSON, PEM, base64 and DER readers —
    /// loads once the form is usable).
    async fn read_kek(source: KekSource) -> Result<KekInput, String> {
        source.parse()
    }
}

/// One click's request: the plan, and whether to look for it among the stored KEKs
/// first (a Locate of the few that can be it: the list shows a page, not all).
#[derive(Clone, Debug, PartialEq)]
struct Attempt {
    plan: ImportKekPlan,
    check: bool,
    /// From get-parameters-for-import: kept in this tab once the KEK is imported.
    import_token: Option<Vec<u8>>,
    /// Its ParametersValidTo, kept beside it.
    valid_to: Option<time::OffsetDateTime>,
}

/// The import page.
#[component]
pub fn ImportKekPage() -> impl IntoView {
    prefetch(async {
        prefetch_reader().await;
        prefetch_import().await;
        prefetch_outcome().await;
    });
    let settings = use_settings();
    let pasted = RwSignal::new(String::new());
    let source = RwSignal::new(KekSource::Pasted(String::new()));
    let algorithm = RwSignal::new(None::<WrappingAlgorithm>);
    let arn = RwSignal::new(String::new());
    let kms_id = RwSignal::new(String::new());
    let kek_list_refresh = RwSignal::new(0_u32);
    // Import was clicked: an empty key is now worth a message.
    let attempted = RwSignal::new(false);
    let kek_text = NodeRef::<leptos::html::Textarea>::new();

    // The key as read: `None` until the reader's code is there.
    let parsed = LocalResource::new(move || {
        let given = source.get();
        async move { read_kek(given).await }
    });
    let parameters = Memo::new(move |_| {
        parsed
            .get()
            .and_then(Result::ok)
            .and_then(|input| input.parameters)
    });
    // The JSON names the key ARN: fill it in.
    Effect::new(move |_| {
        if let Some(p) = parameters.get() {
            arn.set(p.key_arn.to_string());
        }
    });
    // Bumped by each click: expiry is judged again at that moment.
    let clicked = RwSignal::new(0_u32);
    // What is wrong with the key itself, shown once, under the field.
    let key_invalid = Memo::new(move |_| {
        clicked.track();
        let empty = matches!(source.get(), KekSource::Pasted(ref t) if t.trim().is_empty());
        match parsed.get() {
            None => false,
            Some(Err(_)) => attempted.get() || !empty,
            Some(Ok(input)) => input
                .parameters
                .is_some_and(|p| Validity::at(p.valid_to, now_utc()).is_expired()),
        }
    });

    let import = Action::new_local(move |attempt: &Attempt| {
        let attempt = attempt.clone();
        let client = settings.client();
        async move { run_import(client?, attempt).await }
    });
    let sending = Submit::new(import);
    let create_right = CreateRight::ask("Importing a wrapping key");
    let pending = sending.pending();
    let outcome = import.value();
    Effect::new(move |_| {
        if let Some(Ok(ImportOnce::Done(done))) = outcome.get()
            && let ImportKekOutcome::Imported(_) = *done
        {
            kek_list_refresh.update(|n| *n += 1);
        }
    });
    // "Already in the KMS" answered what was typed then: a change makes it stale.
    Effect::new(move |_| {
        source.track();
        algorithm.track();
        arn.track();
        kms_id.track();
        if matches!(
            outcome.get_untracked(),
            Some(Ok(ImportOnce::AlreadyStored(_)))
        ) {
            outcome.set(None);
        }
    });

    let plan = move |input: KekInput, replace: bool| -> Result<ImportKekPlan, String> {
        let algorithm = algorithm.get().ok_or(
            "Choose the wrapping algorithm: the one you gave to get-parameters-for-import with --wrapping-algorithm.",
        )?;
        let arn_text = arn.get();
        let key_arn = if arn_text.trim().is_empty() {
            // The JSON names it (the field is filled in from it a moment after the paste).
            input.parameters.as_ref().map(|p| p.key_arn.clone())
        } else {
            Some(AwsKeyArn::parse(&arn_text).map_err(|e| format!("AWS key ARN: {e}"))?)
        };
        let kms_id = KmsId::parse_optional(&kms_id.get(), "KMS key id")?;
        Ok(ImportKekPlan {
            key: input.key,
            algorithm,
            key_arn,
            kms_id,
            replace,
            parameters_valid_to: input.parameters.as_ref().map(|p| p.valid_to),
        })
    };
    // The key's own problems are shown under the field (read with it): move
    // the focus there instead of repeating them in the banner.
    let focus_key_field = move || {
        let field: Option<web_sys::HtmlElement> = match source.get_untracked() {
            KekSource::Pasted(_) => kek_text.get_untracked().map(Into::into),
            _ => document()
                .get_element_by_id("kek-file")
                .and_then(|el| el.dyn_into().ok()),
        };
        if let Some(field) = field {
            let _ = field.focus();
        }
    };
    // `check`: look for the key among the stored KEKs first (a normal click);
    // not after the user chose to replace an id or to import anyway.
    // The key given at the click is read again (the analysis may be a moment
    // behind the last keystroke); expired parameters are judged at that moment.
    let submit = move |replace: bool, check: bool| {
        attempted.set(true);
        clicked.update(|n| *n += 1);
        let given = source.get_untracked();
        leptos::task::spawn_local_scoped(async move {
            let input = read_kek(given).await.ok().filter(|input| {
                !input
                    .parameters
                    .as_ref()
                    .is_some_and(|p| Validity::at(p.valid_to, now_utc()).is_expired())
            });
            let Some(input) = input else {
                sending.refusal.set(None);
                import.value().set(None);
                focus_key_field();
                return;
            };
            sending.submit(|| {
                let parameters = input.parameters.clone();
                create_right.check()?;
                Ok(Attempt {
                    plan: plan(input, replace)?,
                    check,
                    import_token: parameters.as_ref().map(|p| p.import_token.clone()),
                    valid_to: parameters.map(|p| p.valid_to),
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
    let invalid_here = move |pasted_field: bool| {
        move || {
            let pasted_source = matches!(source.get(), KekSource::Pasted(_));
            key_invalid.get() && pasted_source == pasted_field
        }
    };
    let kek_text_described_by = move || {
        if parameters.get().is_some() {
            "kek-text-hint kek-analysis parameters-validity"
        } else {
            "kek-text-hint kek-analysis"
        }
    };

    let answered = Answered {
        submit: Callback::new(move |(replace, check)| submit(replace, check)),
        cancel: Callback::new(move |()| import.value().set(None)),
    };
    view! {
        <section aria-labelledby="page-title">
            <h1 id="page-title">{Page::ImportKek.label()}</h1>
            <p>
                "Import the wrapping public key that "
                <code>"aws kms get-parameters-for-import"</code>
                " returned. It is checked here before anything is sent."
            </p>
            <CreateRightNotice right=create_right />
            <form class="import-kek" on:submit=on_submit novalidate>
                <label for="kek-text">"Wrapping public key"</label>
                <p id="kek-text-hint" class="hint">
                    "Paste the PublicKey value (base64), a PEM \"PUBLIC KEY\", or the whole JSON output of get-parameters-for-import."
                </p>
                <textarea
                    id="kek-text"
                    node_ref=kek_text
                    rows="6"
                    spellcheck="false"
                    aria-describedby=kek_text_described_by
                    aria-invalid={
                        let invalid = invalid_here(true);
                        move || invalid().then_some("true")
                    }
                    prop:value=pasted
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        pasted.set(text.clone());
                        source.set(KekSource::Pasted(text));
                    }
                ></textarea>
                <FileDropZone
                    id="kek-file"
                    label="Or choose a file"
                    hint="WrappingPublicKey.bin from the AWS console (DER), a PEM file, or a text file holding base64. You can also drop it here."
                    max_bytes=MAX_FILE_BYTES
                    described_by="kek-analysis"
                    invalid=Signal::derive(invalid_here(false))
                    on_file=Callback::new(move |(name, bytes): (String, Vec<u8>)| {
                        source.set(KekSource::File { name, bytes });
                    })
                    on_error=Callback::new(move |message: String| {
                        source.set(KekSource::RefusedFile(message));
                    })
                />
                <KekAnalysis source=source parsed=parsed attempted=attempted />
                <Show when=move || parameters.get().is_some()>
                    <ImportParametersNotice parameters=Signal::derive(move || parameters.get()) />
                </Show>
                <WrappingAlgorithmPicker
                    selected=algorithm
                    note="Must be the --wrapping-algorithm you passed to get-parameters-for-import: AWS unwraps only with that algorithm."
                />
                <TextField
                    id="key-arn"
                    label="AWS key ARN (optional, recommended)"
                    value=arn
                    hint="arn:aws:kms:<region>:<account>:key/<key id>: the export page then writes the import command for you."
                />
                <TextField
                    id="kms-id"
                    label="KMS key id (optional)"
                    value=kms_id
                    hint="Leave empty and the KMS picks a unique id."
                />
                <ErrorBanner message=sending.refusal />
                <ErrorBanner message=request_error />
                <SubmitButton pending=pending idle="Import wrapping key" busy="Importing…" />
                <RequestProgress pending=pending in_flight=sending.in_flight what="Importing the wrapping key" />
            </form>
            {move || match outcome.get() {
                Some(Ok(answer)) => {
                    // The key as given when the answer came: the result shows its fingerprint.
                    let key = parsed.get_untracked().and_then(Result::ok).map(|i| i.key);
                    view! { <Deferred load=import_outcome_view(answer, key, answered) /> }.into_any()
                }
                _ => ().into_any(),
            }}
            <KekList refresh=kek_list_refresh />
        </section>
    }
}

split_view! {
    prefetch prefetch_outcome = __preload_import_outcome_view;
    /// The import's answer (its code loads once the form is usable).
    fn import_outcome_view(answer: ImportOnce, key: Option<WrappingPublicKey>, answered: Answered) {
        match answer {
            ImportOnce::Done(done) => answered.outcome(*done, |object| {
                let fingerprint = key.map(|k| k.fingerprint()).unwrap_or_default();
                view! { <ImportResult object=object fingerprint=fingerprint /> }.into_any()
            }),
            ImportOnce::AlreadyStored(found) => {
                view! { <AlreadyStoredNotice found=found on_import_anyway=answered.anyway() /> }
                    .into_any()
            }
        }
    }
}

split_fn! {
    prefetch prefetch_import = __preload_run_import;
    /// The import the button starts (its code loads on the first click).
    async fn run_import(client: KmsClient, attempt: Attempt) -> Result<ImportOnce, String> {
        let result = match attempt.check {
            true => import_kek_once(&client, &attempt.plan, None).await,
            false => import_kek(&client, &attempt.plan)
                .await
                .map(|done| ImportOnce::Done(Box::new(done))),
        };
        // The token stays in this tab beside the KEK, for the export page.
        if let (Ok(ImportOnce::Done(done)), Some(token)) = (&result, &attempt.import_token)
            && let ImportKekOutcome::Imported(object) = done.as_ref()
        {
            store_import_token(&object.unique_identifier, token, attempt.valid_to);
        }
        result.map_err(|e| e.to_string())
    }
}

/// What the key was recognised as, or why it is refused, as the user types;
/// the one place a problem with the key itself is shown (the fields point here).
#[component]
fn KekAnalysis(
    source: RwSignal<KekSource>,
    parsed: LocalResource<Result<KekInput, String>>,
    /// Import was clicked: an empty field gets its message too.
    attempted: RwSignal<bool>,
) -> impl IntoView {
    let empty = move || matches!(source.get(), KekSource::Pasted(ref t) if t.trim().is_empty());
    view! {
        <p id="kek-analysis" class="kek-analysis" aria-live="polite">
            {move || {
                if empty() && !attempted.get() {
                    return None;
                }
                Some(match parsed.get()? {
                    Ok(input) => {
                        view! {
                            <span class="ok">
                                {format!("{} (read as {}).", input.key.summary(), input.kind.describe())}
                            </span>
                        }
                            .into_any()
                    }
                    Err(message) => view! { <span class="error-text">{message}</span> }.into_any(),
                })
            }}
        </p>
    }
}

/// The token, ARN and validity taken from get-parameters-for-import; expired
/// parameters are refused here, once (the key field points here).
#[component]
fn ImportParametersNotice(parameters: Signal<Option<ImportParameters>>) -> impl IntoView {
    let now = use_now(std::time::Duration::from_secs(30));
    let validity = move || {
        parameters
            .get()
            .map(|p| Validity::at(p.valid_to, now.get()))
    };
    let expired = move || validity().is_some_and(Validity::is_expired);
    let token =
        Signal::derive(move || parameters.get().map(|p| p.import_token).unwrap_or_default());
    view! {
        <div class="parameters-notice" role="status">
            <p>
                "From get-parameters-for-import: key ARN "
                <code>{move || parameters.get().map(|p| p.key_arn.to_string())}</code>
                "."
            </p>
            <p id="parameters-validity" data-testid="validity" class:error-text=expired>
                {move || validity().map(Validity::sentence)}
            </p>
            <p>
                "Keep the import token for the import-key-material command: "
                <DownloadButton bytes=token file_name="ImportToken.bin".to_owned() />
            </p>
        </div>
    }
}

/// The key is already in the KMS (or may be): say so and offer it instead of
/// importing a second copy.
#[component]
fn AlreadyStoredNotice(found: Vec<AlreadyStored>, on_import_anyway: Callback<()>) -> impl IntoView {
    let certain = found.iter().any(|f| f.same == SameKek::Certainly);
    let ids = found
        .iter()
        .map(|f| f.id.clone())
        .collect::<Vec<_>>()
        .join(", ");
    let (title, text) = if certain {
        (
            "This wrapping key is already in the KMS",
            format!(
                "{ids} holds the same public key (same SHA-256 fingerprint) for the same AWS key ARN and wrapping algorithm, so nothing was imported again. Export your key material with it."
            ),
        )
    } else {
        (
            "This wrapping key may already be in the KMS",
            format!(
                "{ids} is tagged for the same AWS key ARN, wrapping algorithm and RSA size, but was imported without a fingerprint (by the Cosmian CLI?), so it may be the same key. Nothing has been imported: export with it, or import this key anyway if it is a new one."
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
                        let href = Page::export_href(None, Some(&f.id));
                        view! {
                            <li>
                                <A href=href>{format!("Export with {}", f.id)}</A>
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

/// The imported key as the KMS now holds it.
#[component]
fn ImportResult(object: ObjectAttributes, fingerprint: String) -> impl IntoView {
    let export_link = Page::export_href(None, Some(&object.unique_identifier));
    view! {
        <div class="result" role="status" data-testid="import-result">
            <h2>"Wrapping key imported"</h2>
            <dl>
                <dt>"KMS id"</dt>
                <dd data-testid="imported-id">{object.unique_identifier.clone()}</dd>
                <dt>"Tags"</dt>
                <dd data-testid="imported-tags">{object.tags.join(", ")}</dd>
                <dt>"Key"</dt>
                <dd>{one_line(&object)}</dd>
                <dt>"SHA-256 fingerprint"</dt>
                <dd class="fingerprint">{fingerprint}</dd>
            </dl>
            <A href=export_link>"Export key material with this KEK"</A>
        </div>
    }
}
