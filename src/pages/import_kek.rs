//! `/ui/aws/import-kek`: import the wrapping key AWS returned, checked in the
//! browser first, tagged so the export step and the Cosmian CLI find it.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::actions::import_kek::{ImportKekOutcome, ImportKekPlan, import_kek};
use crate::actions::objects::one_line;
use crate::browser::now_utc;
use crate::components::download_button::DownloadButton;
use crate::components::error_banner::ErrorBanner;
use crate::components::file_drop::FileDropZone;
use crate::components::kek_list::KekList;
use crate::components::request_progress::{InFlight, RequestProgress};
use crate::components::text_field::TextField;
use crate::components::wrapping_algorithm_picker::WrappingAlgorithmPicker;
use crate::domain::arn::AwsKeyArn;
use crate::domain::import_parameters::{ImportParameters, validity_notice};
use crate::domain::kek::{self, KekInput, MAX_FILE_BYTES};
use crate::domain::wrapping::WrappingAlgorithm;
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

/// The import page.
#[component]
pub fn ImportKekPage() -> impl IntoView {
    let settings = use_settings();
    let pasted = RwSignal::new(String::new());
    let source = RwSignal::new(KekSource::Pasted(String::new()));
    let algorithm = RwSignal::new(None::<WrappingAlgorithm>);
    let arn = RwSignal::new(String::new());
    let kms_id = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let kek_list_refresh = RwSignal::new(0_u32);

    let parsed = Memo::new(move |_| source.with(KekSource::parse));
    let parameters = Memo::new(move |_| parsed.get().ok().and_then(|input| input.parameters));
    // The JSON names the key ARN: fill it in.
    Effect::new(move |_| {
        if let Some(p) = parameters.get() {
            arn.set(p.key_arn.to_string());
        }
    });

    let import = Action::new_local(move |plan: &ImportKekPlan| {
        let plan = plan.clone();
        let client = settings.client();
        async move {
            let client = client?;
            import_kek(&client, &plan).await.map_err(|e| e.to_string())
        }
    });
    let pending = import.pending();
    let in_flight = InFlight::new();
    let outcome = import.value();
    Effect::new(move |_| {
        if let Some(Ok(ImportKekOutcome::Imported(_))) = outcome.get() {
            kek_list_refresh.update(|n| *n += 1);
        }
    });

    let plan = move |replace: bool| -> Result<ImportKekPlan, String> {
        let input = parsed.get()?;
        let algorithm = algorithm.get().ok_or(
            "Choose the wrapping algorithm: the one you gave to get-parameters-for-import with --wrapping-algorithm.",
        )?;
        let arn_text = arn.get();
        let key_arn = if arn_text.trim().is_empty() {
            None
        } else {
            Some(AwsKeyArn::parse(&arn_text).map_err(|e| format!("AWS key ARN: {e}"))?)
        };
        if let Some(p) = &input.parameters {
            let (notice, expired) = validity_notice(p.valid_to, now_utc());
            if expired {
                return Err(format!("These import parameters are {notice}."));
            }
        }
        let kms_id = kms_id.get().trim().to_owned();
        if kms_id.chars().any(char::is_whitespace) {
            return Err("KMS key id: spaces are not allowed; use letters, digits, '-' or '_', or leave it empty.".to_owned());
        }
        Ok(ImportKekPlan {
            key: input.key,
            algorithm,
            key_arn,
            kms_id,
            replace,
            import_token: input.parameters.map(|p| p.import_token),
        })
    };
    let submit = move |replace: bool| match plan(replace) {
        Ok(plan) => {
            error.set(None);
            in_flight.dispatch(import, plan);
        }
        Err(message) => error.set(Some(message)),
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !pending.get_untracked() {
            submit(false);
        }
    };
    let request_error = Signal::derive(move || match outcome.get() {
        Some(Err(message)) => Some(message),
        _ => None,
    });

    view! {
        <section aria-labelledby="page-title">
            <h1 id="page-title">{Page::ImportKek.label()}</h1>
            <p>
                "Import the wrapping public key that "
                <code>"aws kms get-parameters-for-import"</code>
                " returned. It is checked here before anything is sent."
            </p>
            <form class="import-kek" on:submit=on_submit novalidate>
                <label for="kek-text">"Wrapping public key"</label>
                <p id="kek-text-hint" class="hint">
                    "Paste the PublicKey value (base64), a PEM \"PUBLIC KEY\", or the whole JSON output of get-parameters-for-import."
                </p>
                <textarea
                    id="kek-text"
                    rows="6"
                    spellcheck="false"
                    aria-describedby="kek-text-hint kek-analysis"
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
                    on_file=Callback::new(move |(name, bytes): (String, Vec<u8>)| {
                        source.set(KekSource::File { name, bytes });
                    })
                    on_error=Callback::new(move |message: String| {
                        source.set(KekSource::RefusedFile(message));
                    })
                />
                <KekAnalysis source=source parsed=parsed />
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
                <ErrorBanner message=error />
                <ErrorBanner message=request_error />
                <button type="submit" disabled=move || pending.get() aria-busy=move || pending.get().to_string()>
                    {move || if pending.get() { "Importing…" } else { "Import wrapping key" }}
                </button>
                <RequestProgress pending=pending in_flight=in_flight what="Importing the wrapping key" />
            </form>
            {move || match outcome.get() {
                Some(Ok(ImportKekOutcome::AlreadyExists(existing))) => {
                    view! {
                        <ReplaceConfirmation
                            existing=existing
                            on_replace=Callback::new(move |()| submit(true))
                            on_cancel=Callback::new(move |()| import.value().set(None))
                        />
                    }
                        .into_any()
                }
                Some(Ok(ImportKekOutcome::Imported(object))) => {
                    let fingerprint = parsed.get_untracked().map(|i| i.key.fingerprint()).unwrap_or_default();
                    view! { <ImportResult object=object fingerprint=fingerprint /> }.into_any()
                }
                _ => ().into_any(),
            }}
            <KekList refresh=kek_list_refresh />
        </section>
    }
}

/// What the key was recognised as, or why it is refused, as the user types.
#[component]
fn KekAnalysis(
    source: RwSignal<KekSource>,
    parsed: Memo<Result<KekInput, String>>,
) -> impl IntoView {
    let empty = move || matches!(source.get(), KekSource::Pasted(ref t) if t.trim().is_empty());
    view! {
        <p id="kek-analysis" class="kek-analysis" aria-live="polite">
            {move || {
                if empty() {
                    return None;
                }
                Some(match parsed.get() {
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

/// The token, ARN and validity taken from get-parameters-for-import.
#[component]
fn ImportParametersNotice(parameters: Signal<Option<ImportParameters>>) -> impl IntoView {
    let now = RwSignal::new(now_utc());
    if let Ok(handle) = set_interval_with_handle(
        move || now.set(now_utc()),
        std::time::Duration::from_secs(30),
    ) {
        on_cleanup(move || handle.clear());
    }
    let validity = move || {
        parameters
            .get()
            .map(|p| validity_notice(p.valid_to, now.get()))
            .unwrap_or_default()
    };
    let token =
        Signal::derive(move || parameters.get().map(|p| p.import_token).unwrap_or_default());
    view! {
        <div class="parameters-notice" role="status">
            <p>
                "From get-parameters-for-import: key ARN "
                <code>{move || parameters.get().map(|p| p.key_arn.to_string())}</code>
                ". Parameters "
                <strong class:error-text=move || validity().1 data-testid="validity">
                    {move || validity().0}
                </strong>
                " (valid 24 h, single use)."
            </p>
            <p>
                "Keep the import token for the import-key-material command: "
                <DownloadButton bytes=token file_name="ImportToken.bin".to_owned() />
            </p>
        </div>
    }
}

/// An object already uses the chosen id: show it and ask before replacing.
#[component]
fn ReplaceConfirmation(
    existing: ObjectAttributes,
    on_replace: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    view! {
        <div class="replace-confirmation" role="alertdialog" aria-labelledby="replace-title">
            <h2 id="replace-title">"An object with this id already exists"</h2>
            <p>
                <code>{existing.unique_identifier.clone()}</code>
                ": "
                {one_line(&existing)}
                {(!existing.tags.is_empty()).then(|| format!(", tags: {}", existing.tags.join(", ")))}
            </p>
            <p>"Replacing it overwrites that object. Nothing has been sent yet."</p>
            <button type="button" class="danger" on:click=move |_| on_replace.run(())>
                "Replace it"
            </button>
            <button type="button" class="secondary" on:click=move |_| on_cancel.run(())>
                "Keep it (cancel)"
            </button>
        </div>
    }
}

/// The imported key as the KMS now holds it.
#[component]
fn ImportResult(object: ObjectAttributes, fingerprint: String) -> impl IntoView {
    let export_link = format!(
        "{}?kek={}",
        Page::ExportKeyMaterial.href(),
        js_sys::encode_uri_component(&object.unique_identifier)
    );
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
