//! `/ui/aws/byok`: the guided flow, from "I need an AWS key of this spec" to
//! the import command, with AWS's rules applied at every step and the inputs
//! kept in this tab's sessionStorage so a reload loses nothing.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::actions::create_key::{CreateKeyPlan, create_key_material};
use crate::actions::export::{WrappedKeyMaterial, export_wrapped_key_material};
use crate::actions::import_kek::{ImportKekOutcome, ImportKekPlan, import_kek};
use crate::actions::objects::{list_objects, one_line};
use crate::browser::{SessionKey, now_utc, session_get, session_set};
use crate::components::choice_options::choice_options;
use crate::components::command_block::CommandBlock;
use crate::components::error_banner::ErrorBanner;
use crate::components::export_result::ExportResult;
use crate::components::file_drop::FileDropZone;
use crate::components::request_progress::{InFlight, RequestProgress};
use crate::components::text_field::TextField;
use crate::domain::arn::AwsKeyArn;
use crate::domain::aws_cli::{
    CreateKeyOptions, check_region, create_key, describe_key, get_parameters_for_import,
    key_arn_from_input,
};
use crate::domain::aws_key_spec::{AwsKeySpec, KeyUsage};
use crate::domain::aws_rules::check_states;
use crate::domain::import_parameters::Validity;
use crate::domain::kek::{self, MAX_FILE_BYTES, WrappingPublicKey};
use crate::domain::key_material::KeyMaterialSpec;
use crate::domain::wrapping::WrappingAlgorithm;
use crate::domain::wrapping_key_spec::WrappingKeySpec;
use crate::routes::Page;
use crate::settings::use_settings;

/// What the user entered, as stored in sessionStorage (no secrets exist here).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
struct SavedDraft {
    spec: String,
    usage: String,
    description: String,
    region: String,
    multi_region: bool,
    arn_input: String,
    algorithm: String,
    kek_bits: usize,
    parameters: String,
    public_key_b64: String,
    token_b64: String,
    use_existing: bool,
    existing_id: String,
    created_key_id: String,
}

/// The draft as signals.
#[derive(Clone, Copy)]
struct Draft {
    spec: RwSignal<AwsKeySpec>,
    usage: RwSignal<KeyUsage>,
    description: RwSignal<String>,
    region: RwSignal<String>,
    multi_region: RwSignal<bool>,
    arn_input: RwSignal<String>,
    algorithm: RwSignal<WrappingAlgorithm>,
    kek_bits: RwSignal<WrappingKeySpec>,
    parameters: RwSignal<String>,
    public_key: RwSignal<Option<Vec<u8>>>,
    token: RwSignal<Option<Vec<u8>>>,
    use_existing: RwSignal<bool>,
    existing_id: RwSignal<String>,
    /// Key material created by an earlier, interrupted run: reused, never duplicated.
    created_key_id: RwSignal<String>,
    /// What the last switch of spec changed in the usage and wrapping, and why (not saved).
    spec_changes: RwSignal<Vec<String>>,
    /// Why the last file chosen in step 3 was refused (not saved).
    refused_file: RwSignal<Option<String>>,
}

impl Draft {
    fn new(saved: SavedDraft) -> Self {
        let spec = AwsKeySpec::parse(&saved.spec).unwrap_or(AwsKeySpec::SymmetricDefault);
        let (recommended_algorithm, recommended_bits) = spec.recommended_wrapping();
        // A saved draft that does not fit its spec is fitted silently.
        let fitted = spec.fit_choices(
            KeyUsage::parse(&saved.usage).unwrap_or(spec.key_usages()[0]),
            WrappingAlgorithm::parse(&saved.algorithm).unwrap_or(recommended_algorithm),
            WrappingKeySpec::from_bits(saved.kek_bits).unwrap_or(recommended_bits),
        );
        let (usage, algorithm, kek_bits) = (fitted.usage, fitted.algorithm, fitted.kek);
        let bytes = |b64: &str| {
            (!b64.is_empty())
                .then(|| STANDARD.decode(b64).ok())
                .flatten()
        };
        Self {
            spec: RwSignal::new(spec),
            usage: RwSignal::new(usage),
            description: RwSignal::new(saved.description),
            region: RwSignal::new(saved.region),
            multi_region: RwSignal::new(saved.multi_region),
            arn_input: RwSignal::new(saved.arn_input),
            algorithm: RwSignal::new(algorithm),
            kek_bits: RwSignal::new(kek_bits),
            parameters: RwSignal::new(saved.parameters),
            public_key: RwSignal::new(bytes(&saved.public_key_b64)),
            token: RwSignal::new(bytes(&saved.token_b64)),
            use_existing: RwSignal::new(saved.use_existing),
            existing_id: RwSignal::new(saved.existing_id),
            created_key_id: RwSignal::new(saved.created_key_id),
            spec_changes: RwSignal::new(Vec::new()),
            refused_file: RwSignal::new(None),
        }
    }

    fn load() -> Self {
        let saved = session_get(&SessionKey::GuidedDraft)
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default();
        Self::new(saved)
    }

    fn snapshot(&self) -> SavedDraft {
        let b64 = |b: Option<Vec<u8>>| b.map(|b| STANDARD.encode(b)).unwrap_or_default();
        SavedDraft {
            spec: self.spec.get().aws_name(),
            usage: self.usage.get().aws_name().to_owned(),
            description: self.description.get(),
            region: self.region.get(),
            multi_region: self.multi_region.get(),
            arn_input: self.arn_input.get(),
            algorithm: self.algorithm.get().aws_name().to_owned(),
            kek_bits: self.kek_bits.get().bits(),
            parameters: self.parameters.get(),
            public_key_b64: b64(self.public_key.get()),
            token_b64: b64(self.token.get()),
            use_existing: self.use_existing.get(),
            existing_id: self.existing_id.get(),
            created_key_id: self.created_key_id.get(),
        }
    }

    /// Puts every field back to its start value.
    fn reset(&self) {
        let fresh = Self::new(SavedDraft::default());
        self.spec.set(fresh.spec.get_untracked());
        self.usage.set(fresh.usage.get_untracked());
        self.description.set(String::new());
        self.region.set(String::new());
        self.multi_region.set(false);
        self.arn_input.set(String::new());
        self.algorithm.set(fresh.algorithm.get_untracked());
        self.kek_bits.set(fresh.kek_bits.get_untracked());
        self.parameters.set(String::new());
        self.public_key.set(None);
        self.token.set(None);
        self.use_existing.set(false);
        self.existing_id.set(String::new());
        self.created_key_id.set(String::new());
        self.spec_changes.set(Vec::new());
        self.refused_file.set(None);
    }

    /// Switches to `spec`, fitting the usage and wrapping to it and saying what changed.
    fn switch_spec(&self, spec: AwsKeySpec) {
        let fitted = spec.fit_choices(
            self.usage.get_untracked(),
            self.algorithm.get_untracked(),
            self.kek_bits.get_untracked(),
        );
        self.spec.set(spec);
        self.usage.set(fitted.usage);
        self.algorithm.set(fitted.algorithm);
        self.kek_bits.set(fitted.kek);
        self.spec_changes.set(fitted.changes);
        // Material made for another spec must not be reused.
        self.created_key_id.set(String::new());
    }

    /// Step 2's ARN: `None` while empty.
    fn key_arn(&self) -> Option<Result<AwsKeyArn, String>> {
        let input = self.arn_input.get();
        (!input.trim().is_empty()).then(|| key_arn_from_input(&input, self.spec.get()))
    }
}

/// What step 3 gathered: the wrapping key and token AWS returned.
#[derive(Clone, Debug, PartialEq)]
struct AwsParameters {
    key: WrappingPublicKey,
    token: Vec<u8>,
    key_arn: Option<AwsKeyArn>,
    valid_to: Option<OffsetDateTime>,
}

/// Reads step 3 and checks it against steps 1–2.
fn check_parameters(draft: &Draft, now: OffsetDateTime) -> Result<AwsParameters, String> {
    let text = draft.parameters.get();
    let (mut key, mut token, mut key_arn, mut valid_to) = (None, draft.token.get(), None, None);
    if !text.trim().is_empty() {
        let input = kek::parse_text(&text)?;
        key = Some(input.key);
        if let Some(p) = input.parameters {
            token = Some(p.import_token);
            key_arn = Some(p.key_arn);
            valid_to = Some(p.valid_to);
        }
    } else if let Some(der) = draft.public_key.get() {
        key = Some(kek::parse_file(&der).map(|i| i.key)?);
    }
    let key = key.ok_or(
        "Paste the JSON output of get-parameters-for-import, or choose WrappingPublicKey.bin and ImportToken.bin.",
    )?;
    let token = token.ok_or(
        "The import token is missing: choose ImportToken.bin, or paste the whole JSON output.",
    )?;
    if let Some(refusal) = valid_to.and_then(|v| Validity::at(v, now).refusal()) {
        return Err(refusal);
    }
    if let (Some(from_aws), Some(Ok(chosen))) = (&key_arn, draft.key_arn())
        && *from_aws != chosen
    {
        return Err(format!(
            "These parameters are for {from_aws}, but step 2's key is {chosen}: run get-parameters-for-import for step 2's key, or correct step 2."
        ));
    }
    if key.spec != draft.kek_bits.get() {
        return Err(format!(
            "The wrapping key is {}, but step 2 asked for {}: run the step 2 command as shown (the wrapping algorithm must match too).",
            key.spec,
            draft.kek_bits.get()
        ));
    }
    Ok(AwsParameters {
        key,
        token,
        key_arn,
        valid_to,
    })
}

/// The guided page.
#[component]
pub fn ByokPage() -> impl IntoView {
    let draft = Draft::load();
    Effect::new(move |_| {
        let json = serde_json::to_string(&draft.snapshot()).unwrap_or_default();
        session_set(&SessionKey::GuidedDraft, &json);
    });
    let run_result = RwSignal::new(None::<Result<RunOutcome, String>>);
    view! {
        <section aria-labelledby="page-title">
            <h1 id="page-title">{Page::Byok.label()}</h1>
            <p>
                "From an AWS key spec to the import command in five steps. Your inputs stay in this tab if you reload."
            </p>
            <button
                type="button"
                class="secondary"
                id="byok-start-over"
                on:click=move |_| {
                    draft.reset();
                    run_result.set(None);
                }
            >
                "Start over"
            </button>
            <StepSpec draft=draft />
            <StepWrapping draft=draft />
            <StepParameters draft=draft />
            <StepMaterial draft=draft />
            <StepRun draft=draft result=run_result />
        </section>
    }
}

/// Step 1: the AWS key spec and the create-key command.
#[component]
fn StepSpec(draft: Draft) -> impl IntoView {
    let command = Signal::derive(move || {
        create_key(&CreateKeyOptions {
            spec: draft.spec.get(),
            usage: draft.usage.get(),
            description: draft.description.get(),
            region: draft.region.get().trim().to_owned(),
            multi_region: draft.multi_region.get(),
        })
        .multi_line()
    });
    let region_error = Signal::derive(move || check_region(draft.region.get().trim()).err());
    view! {
        <section class="step" aria-labelledby="step-1">
            <h2 id="step-1">"1. The AWS key"</h2>
            <label for="byok-spec">"AWS key spec"</label>
            <select
                id="byok-spec"
                aria-describedby="byok-spec-changes"
                on:change=move |ev| {
                    if let Some(spec) = AwsKeySpec::parse(&event_target_value(&ev)) {
                        draft.switch_spec(spec);
                    }
                }
            >
                {choice_options(
                    AwsKeySpec::ALL,
                    |spec| spec.aws_name(),
                    |spec| spec.to_string(),
                    move || draft.spec.get(),
                )}
            </select>
            <label for="byok-usage">"Key usage"</label>
            <select
                id="byok-usage"
                on:change=move |ev| {
                    if let Some(usage) = KeyUsage::parse(&event_target_value(&ev)) {
                        draft.usage.set(usage);
                    }
                }
            >
                {move || {
                    choice_options(
                        draft.spec.get().key_usages().iter().copied(),
                        |usage| usage.aws_name().to_owned(),
                        |usage| usage.aws_name().to_owned(),
                        move || draft.usage.get(),
                    )
                }}
            </select>
            <div id="byok-spec-changes" role="status">
                {move || {
                    let changes = draft.spec_changes.get();
                    (!changes.is_empty())
                        .then(|| {
                            view! {
                                <div class="notice">
                                    {changes.into_iter().map(|c| view! { <p>{c}</p> }).collect_view()}
                                </div>
                            }
                        })
                }}
            </div>
            <TextField id="byok-description" label="Description (optional)" value=draft.description prose=true />
            <TextField id="byok-region" label="Region (optional)" value=draft.region placeholder="eu-west-3" />
            <div class="radio-row">
                <input
                    id="byok-multi-region"
                    type="checkbox"
                    prop:checked=draft.multi_region
                    on:change=move |ev| draft.multi_region.set(event_target_checked(&ev))
                />
                <label for="byok-multi-region">"Multi-Region key"</label>
            </div>
            <ErrorBanner message=region_error />
            <p class="hint">"Run this, then keep its output for step 2:"</p>
            <CommandBlock id="create-key-command" text=command label="Copy the create-key command" />
        </section>
    }
}

/// Step 2: the wrapping parameters and the get-parameters-for-import command.
#[component]
fn StepWrapping(draft: Draft) -> impl IntoView {
    let arn_error = Signal::derive(move || draft.key_arn().and_then(Result::err));
    let command = Signal::derive(move || {
        let arn = draft.key_arn().and_then(Result::ok);
        get_parameters_for_import(arn.as_ref(), draft.algorithm.get(), draft.kek_bits.get())
            .multi_line()
    });
    let recommendation = move || {
        let (algorithm, bits) = draft.spec.get().recommended_wrapping();
        format!(
            "Recommended for {}: {algorithm} with an {bits} wrapping key.",
            draft.spec.get().aws_name()
        )
    };
    let choices = move || {
        let allowed = draft.spec.get().allowed_wrappings();
        WrappingAlgorithm::ALL
            .into_iter()
            .filter(|a| allowed.iter().any(|(x, _)| x == a))
            .collect::<Vec<_>>()
    };
    let sizes = move || {
        let algorithm = draft.algorithm.get();
        draft
            .spec
            .get()
            .allowed_wrappings()
            .into_iter()
            .filter(|(a, _)| *a == algorithm)
            .map(|(_, bits)| bits)
            .collect::<Vec<_>>()
    };
    view! {
        <section class="step" aria-labelledby="step-2">
            <h2 id="step-2">"2. Wrapping parameters"</h2>
            <p data-testid="recommendation">{recommendation}</p>
            <label for="byok-algorithm">"Wrapping algorithm"</label>
            <select
                id="byok-algorithm"
                aria-describedby="byok-wrapping-left-out"
                on:change=move |ev| {
                    if let Some(algorithm) = WrappingAlgorithm::parse(&event_target_value(&ev)) {
                        draft.spec_changes.set(Vec::new());
                        draft.algorithm.set(algorithm);
                        let allowed = draft.spec.get_untracked().allowed_wrappings();
                        if !allowed.contains(&(algorithm, draft.kek_bits.get_untracked()))
                            && let Some((_, bits)) = allowed.iter().rev().find(|(a, _)| *a == algorithm)
                        {
                            draft.kek_bits.set(*bits);
                        }
                    }
                }
            >
                {move || {
                    choice_options(
                        choices(),
                        |algorithm| algorithm.aws_name().to_owned(),
                        |algorithm| algorithm.aws_name().to_owned(),
                        move || draft.algorithm.get(),
                    )
                }}
            </select>
            <label for="byok-kek-size">"Wrapping key spec"</label>
            <select
                id="byok-kek-size"
                aria-describedby="byok-wrapping-left-out"
                on:change=move |ev| {
                    if let Some(bits) = WrappingKeySpec::parse(&event_target_value(&ev)) {
                        draft.spec_changes.set(Vec::new());
                        draft.kek_bits.set(bits);
                    }
                }
            >
                {move || {
                    choice_options(
                        sizes(),
                        |bits| bits.to_string(),
                        |bits| bits.to_string(),
                        move || draft.kek_bits.get(),
                    )
                }}
            </select>
            <div id="byok-wrapping-left-out" class="hint">
                {move || {
                    draft
                        .spec
                        .get()
                        .left_out_wrappings(draft.algorithm.get())
                        .into_iter()
                        .map(|note| view! { <p>{note}</p> })
                        .collect_view()
                }}
            </div>
            <label for="byok-arn">"AWS key ARN, or the whole create-key output"</label>
            <textarea
                id="byok-arn"
                rows="3"
                spellcheck="false"
                prop:value=draft.arn_input
                on:input=move |ev| draft.arn_input.set(event_target_value(&ev))
            ></textarea>
            <ErrorBanner message=arn_error />
            <CommandBlock
                id="get-parameters-command"
                text=command
                label="Copy the get-parameters-for-import command"
            />
        </section>
    }
}

/// Step 3: what get-parameters-for-import returned.
#[component]
fn StepParameters(draft: Draft) -> impl IntoView {
    let now = RwSignal::new(now_utc());
    if let Ok(handle) = set_interval_with_handle(
        move || now.set(now_utc()),
        std::time::Duration::from_secs(30),
    ) {
        on_cleanup(move || handle.clear());
    }
    let checked = Memo::new(move |_| check_parameters(&draft, now.get()));
    let anything =
        move || !draft.parameters.get().trim().is_empty() || draft.public_key.get().is_some();
    view! {
        <section class="step" aria-labelledby="step-3">
            <h2 id="step-3">"3. What AWS returned"</h2>
            <label for="byok-parameters">"The JSON output of get-parameters-for-import"</label>
            <textarea
                id="byok-parameters"
                rows="6"
                spellcheck="false"
                prop:value=draft.parameters
                on:input=move |ev| {
                    draft.refused_file.set(None);
                    draft.parameters.set(event_target_value(&ev));
                }
            ></textarea>
            <FileDropZone
                id="byok-public-key-file"
                label="Or choose WrappingPublicKey.bin (AWS console download)"
                hint="DER, PEM or base64."
                max_bytes=MAX_FILE_BYTES
                on_file=Callback::new(move |(_, bytes): (String, Vec<u8>)| {
                    draft.refused_file.set(None);
                    draft.public_key.set(Some(bytes));
                })
                on_error=Callback::new(move |message: String| {
                    draft.refused_file.set(Some(format!("{message} It was not used as WrappingPublicKey.bin; nothing else changed.")));
                })
            />
            <FileDropZone
                id="byok-token-file"
                label="and ImportToken.bin"
                hint="The token downloaded with the wrapping key."
                max_bytes=MAX_FILE_BYTES
                on_file=Callback::new(move |(_, bytes): (String, Vec<u8>)| {
                    draft.refused_file.set(None);
                    draft.token.set(Some(bytes));
                })
                on_error=Callback::new(move |message: String| {
                    draft.refused_file.set(Some(format!("{message} It was not used as ImportToken.bin; nothing else changed.")));
                })
            />
            <p id="byok-parameters-status" aria-live="polite">
                {move || {
                    // A refused file changed nothing: say so, whatever else is there.
                    if let Some(refused) = draft.refused_file.get() {
                        return Some(view! { <span class="error-text">{refused}</span> }.into_any());
                    }
                    if !anything() {
                        return None;
                    }
                    Some(match checked.get() {
                        Ok(p) => {
                            let validity = p
                                .valid_to
                                .map(|v| format!(", {}", Validity::at(v, now.get()).notice()))
                                .unwrap_or_default();
                            view! {
                                <span class="ok" data-testid="parameters-ok">
                                    {format!("{}; import token {} bytes{validity}.", p.key.summary(), p.token.len())}
                                </span>
                            }
                                .into_any()
                        }
                        Err(message) => view! { <span class="error-text">{message}</span> }.into_any(),
                    })
                }}
            </p>
        </section>
    }
}

/// Why a stored key is or is not offered for the chosen spec.
fn compatibility(spec: AwsKeySpec, object: &crate::kmip::ObjectAttributes) -> Result<(), String> {
    let material = KeyMaterialSpec::from_attributes(object)?;
    if material != spec.material() {
        return Err(format!("it is {material}, not {}", spec.material()));
    }
    check_states(object.state.as_deref(), Some("Active"))
}

/// Step 4: new key material, or an existing compatible key.
#[component]
fn StepMaterial(draft: Draft) -> impl IntoView {
    view! {
        <section class="step" aria-labelledby="step-4">
            <h2 id="step-4">"4. Key material"</h2>
            <fieldset>
                <legend>"Which key material"</legend>
                <div class="radio-row">
                    <input
                        type="radio"
                        id="byok-material-new"
                        name="byok-material"
                        prop:checked=move || !draft.use_existing.get()
                        on:change=move |_| draft.use_existing.set(false)
                    />
                    <label for="byok-material-new">
                        {move || format!("Create new {} material in the KMS", draft.spec.get().aws_name())}
                    </label>
                </div>
                <div class="radio-row">
                    <input
                        type="radio"
                        id="byok-material-existing"
                        name="byok-material"
                        prop:checked=draft.use_existing
                        on:change=move |_| draft.use_existing.set(true)
                    />
                    <label for="byok-material-existing">"Use a key already in the KMS"</label>
                </div>
            </fieldset>
            <Show when=move || draft.use_existing.get()>
                <ExistingKeys draft=draft />
            </Show>
        </section>
    }
}

/// Step 4's list of keys already in the KMS: read only while it is shown
/// (one Locate and a GetAttributes per key, so not for "create new").
#[component]
fn ExistingKeys(draft: Draft) -> impl IntoView {
    let settings = use_settings();
    let objects = LocalResource::new(move || {
        let client = settings.client();
        async move {
            let client = client?;
            list_objects(&client, 0, 100)
                .await
                .map_err(|e| e.to_string())
        }
    });
    let split = move || {
        objects.get().map(|loaded| {
            loaded.map(|list| {
                let spec = draft.spec.get();
                let (offered, refused): (Vec<_>, Vec<_>) = list
                    .into_iter()
                    .filter(|o| o.object_type.as_deref() != Some("PublicKey"))
                    .map(|o| {
                        let verdict = compatibility(spec, &o);
                        (o, verdict)
                    })
                    .partition(|(_, v)| v.is_ok());
                (offered, refused)
            })
        })
    };
    move || {
        match split() {
        None => view! { <p class="muted">"Loading keys…"</p> }.into_any(),
        Some(Err(message)) => {
            view! { <ErrorBanner message=Signal::derive(move || Some(message.clone())) /> }.into_any()
        }
        Some(Ok((offered, refused))) => {
            view! {
                <label for="byok-existing">"Compatible keys"</label>
                <select
                    id="byok-existing"
                    on:change=move |ev| draft.existing_id.set(event_target_value(&ev))
                >
                    <option value="">"Choose a key…"</option>
                    {offered
                        .into_iter()
                        .map(|(o, _)| {
                            let id = o.unique_identifier.clone();
                            let chosen = id.clone();
                            view! {
                                <option value=id.clone() selected=move || draft.existing_id.get() == chosen>
                                    {format!("{id} — {}", one_line(&o))}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                <details class="not-offered">
                    <summary>"Keys not offered, and why"</summary>
                    <ul>
                        {refused
                            .into_iter()
                            .map(|(o, verdict)| {
                                view! {
                                    <li data-key-id=o.unique_identifier.clone()>
                                        {format!("{}: {}", o.unique_identifier, verdict.err().unwrap_or_default())}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                </details>
            }
                .into_any()
        }
    }
    }
}

/// Everything step 5 sends, checked.
#[derive(Clone, Debug, PartialEq)]
struct RunPlan {
    spec: AwsKeySpec,
    usage: KeyUsage,
    /// Existing or earlier-created key; empty: create one.
    key_id: String,
    kek: ImportKekPlan,
}

fn plan(draft: &Draft) -> Result<RunPlan, String> {
    let parameters = check_parameters(draft, now_utc())?;
    let step2_arn = draft
        .key_arn()
        .transpose()
        .map_err(|e| format!("Step 2: {e}"))?;
    let key_arn = parameters.key_arn.or(step2_arn);
    let key_id = if draft.use_existing.get() {
        let id = draft.existing_id.get();
        if id.is_empty() {
            return Err(
                "Step 4: choose one of the compatible keys, or create new key material.".to_owned(),
            );
        }
        id
    } else {
        draft.created_key_id.get()
    };
    Ok(RunPlan {
        spec: draft.spec.get(),
        usage: draft.usage.get(),
        key_id,
        kek: ImportKekPlan {
            kms_id: parameters.key.stable_kms_id(draft.algorithm.get()),
            key: parameters.key,
            algorithm: draft.algorithm.get(),
            key_arn,
            replace: false,
            import_token: Some(parameters.token),
        },
    })
}

/// What one run did, for step 5's account in the past tense.
#[derive(Clone, Debug)]
struct RunOutcome {
    /// This run created the key material (else it used an existing or earlier key).
    created: bool,
    /// This run imported the wrapping key (else the KMS already held it).
    imported: bool,
    wrapped: WrappedKeyMaterial,
}

impl RunOutcome {
    /// "created …;", "imported the wrapping key as …;", "exported ….": what was done.
    fn done_lines(&self) -> Vec<String> {
        let w = &self.wrapped;
        let material = if self.created {
            format!(
                "created {} key material ({}) as {};",
                w.material.aws_spec(),
                w.material,
                w.key_id
            )
        } else {
            format!("used the key {} ({});", w.key_id, w.material)
        };
        let kek = if self.imported {
            format!(
                "imported the wrapping key ({}) as {}, tagged aws, {};",
                w.kek_spec,
                w.kek_id,
                w.algorithm.tag()
            )
        } else {
            format!(
                "found the wrapping key ({}) already imported as {};",
                w.kek_spec, w.kek_id
            )
        };
        vec![
            material,
            kek,
            format!(
                "exported the key material wrapped with {}: EncryptedKeyMaterial.bin below.",
                w.algorithm
            ),
        ]
    }
}

/// Step 5: one click imports the KEK and exports the wrapped material.
#[component]
fn StepRun(draft: Draft, result: RwSignal<Option<Result<RunOutcome, String>>>) -> impl IntoView {
    let settings = use_settings();
    let error = RwSignal::new(None::<String>);
    let run = Action::new_local(move |plan: &RunPlan| {
        let plan = plan.clone();
        let client = settings.client();
        async move {
            let client = client?;
            let mut key_id = plan.key_id.clone();
            let created = key_id.is_empty();
            if created {
                let created = create_key_material(
                    &client,
                    &CreateKeyPlan {
                        spec: plan.spec,
                        usage: plan.usage,
                        id: String::new(),
                        tags: vec!["byok".to_owned()],
                        sensitive: false,
                    },
                )
                .await
                .map_err(|e| format!("Creating the key material failed: {e}"))?;
                key_id = created.key_id;
                draft.created_key_id.set(key_id.clone());
            }
            let (kek_id, imported) = match import_kek(&client, &plan.kek)
                .await
                .map_err(|e| format!("Importing the wrapping key failed: {e}"))?
            {
                ImportKekOutcome::Imported(object) => (object.unique_identifier, true),
                ImportKekOutcome::AlreadyExists(object) => (object.unique_identifier, false),
            };
            let wrapped = export_wrapped_key_material(&client, &key_id, &kek_id)
                .await
                .map_err(|e| format!("Exporting the key material failed: {e}"))?;
            Ok::<_, String>(RunOutcome {
                created,
                imported,
                wrapped,
            })
        }
    });
    let pending = run.pending();
    let in_flight = InFlight::new();
    Effect::new(move |_| {
        if let Some(outcome) = run.value().get() {
            result.set(Some(outcome));
        }
    });
    let summary = move || {
        plan(&draft).ok().map(|p| {
            let material = if p.key_id.is_empty() {
                format!(
                    "create {} key material ({})",
                    p.spec.aws_name(),
                    p.spec.material()
                )
            } else {
                format!("use the key {}", p.key_id)
            };
            let arn = p
                .kek
                .key_arn
                .as_ref()
                .map(|a| format!(", key_arn:{a}"))
                .unwrap_or_default();
            vec![
                format!("{material};"),
                format!(
                    "import the wrapping key ({}) tagged aws, {}{arn};",
                    p.kek.key.spec,
                    p.kek.algorithm.tag()
                ),
                format!("export the key material wrapped with {}.", p.kek.algorithm),
            ]
        })
    };
    let on_click = move |_| {
        if pending.get_untracked() {
            return;
        }
        match plan(&draft) {
            Ok(plan) => {
                error.set(None);
                // The account of an earlier run gives way to this run's plan.
                result.set(None);
                in_flight.dispatch(run, plan);
            }
            Err(message) => error.set(Some(message)),
        }
    };
    let run_error = Signal::derive(move || result.get().and_then(Result::err));
    view! {
        <section class="step" aria-labelledby="step-5">
            <h2 id="step-5">"5. Import the wrapping key and export the key material"</h2>
            {move || {
                if let Some(Ok(outcome)) = result.get() {
                    let lines = outcome.done_lines();
                    return Some(
                        view! {
                            <p>"Done:"</p>
                            <ul data-testid="byok-did">
                                {lines.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}
                            </ul>
                        }
                            .into_any(),
                    );
                }
                summary()
                    .map(|lines| {
                        view! {
                            <p>"This will:"</p>
                            <ul data-testid="byok-plan">
                                {lines.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}
                            </ul>
                        }
                            .into_any()
                    })
            }}
            <ErrorBanner message=error />
            <ErrorBanner message=run_error />
            <button
                type="button"
                id="byok-run"
                disabled=move || pending.get()
                aria-busy=move || pending.get().to_string()
                on:click=on_click
            >
                {move || if pending.get() { "Working…" } else { "Import and export" }}
            </button>
            <RequestProgress pending=pending in_flight=in_flight what="Importing and exporting" />
            {move || {
                result
                    .get()
                    .and_then(Result::ok)
                    .map(|outcome| {
                        let wrapped = outcome.wrapped;
                        let describe = describe_key(wrapped.key_arn.as_ref()).multi_line();
                        view! {
                            <p data-testid="byok-done">
                                {format!(
                                    "Key material {} wrapped by the imported wrapping key {}.",
                                    wrapped.key_id,
                                    wrapped.kek_id,
                                )}
                            </p>
                            <ExportResult wrapped=wrapped />
                            <h3>"Then check the key in AWS"</h3>
                            <p>"Expect \"KeyState\": \"Enabled\" in the output."</p>
                            <CommandBlock id="describe-key-command" text=describe label="Copy the describe-key command" />
                        }
                    })
            }}
        </section>
    }
}
