//! `/ui/aws/byok`: the guided flow, from "I need an AWS key of this spec" to
//! the import command: views and signals only (rules in `domain::aws::guided`).

use std::time::Duration;

use leptos::prelude::*;

use crate::actions::guided::{GuidedOutcome, ImportToken, run_guided};
use crate::actions::objects::{list_objects, one_line};
use crate::browser::{
    SessionKey, now_utc, session_get, session_set, store_import_token, stored_import_token,
    stored_import_token_valid_to,
};
use crate::client::KmsClient;
use crate::components::choice_options::choice_options;
use crate::components::clock::use_now;
use crate::components::command_block::CommandBlock;
use crate::components::create_right::{CreateRight, CreateRightNotice};
use crate::components::deferred::{Deferred, prefetch, split_fn, split_view};
use crate::components::error_banner::ErrorBanner;
use crate::components::export_result::{ExportResult, prefetch_export_result};
use crate::components::file_drop::FileDropZone;
use crate::components::loaded::{Loaded, use_kms_read};
use crate::components::radio_row::RadioRow;
use crate::components::request_progress::RequestProgress;
use crate::components::submit::{Submit, SubmitButton};
use crate::components::text_field::{TextArea, TextField, TextValue};
use crate::domain::aws::cli::{
    CreateKeyOptions, check_region, create_key, describe_key, get_parameters_for_import, written,
};
use crate::domain::aws::guided::{GuidedInput, GuidedPlan, check_parameters, compatibility, plan};
use crate::domain::aws::import_parameters::Validity;
use crate::domain::aws::kek::MAX_FILE_BYTES;
use crate::domain::aws::key_spec::{AwsKeySpec, KeyUsage};
use crate::domain::aws::wrapping_key_spec::WrappingKeySpec;
use crate::domain::wrapping::WrappingAlgorithm;
use crate::kmip::{ObjectAttributes, ObjectType};
use crate::routes::Page;
use crate::settings::use_settings;

/// The draft (saved in this tab on every change) and what is shown about it.
#[derive(Clone, Copy)]
struct Draft {
    input: RwSignal<GuidedInput>,
    /// What the last switch of spec changed in the usage and wrapping, and why (not saved).
    spec_changes: RwSignal<Vec<String>>,
    /// Why the last file chosen in step 3 was refused (not saved).
    refused_file: RwSignal<Option<String>>,
}

impl Draft {
    fn load() -> Self {
        let saved = session_get(&SessionKey::GuidedDraft).unwrap_or_default();
        Self {
            input: RwSignal::new(GuidedInput::from_json(&saved)),
            spec_changes: RwSignal::new(Vec::new()),
            refused_file: RwSignal::new(None),
        }
    }

    /// Reads one value of the draft (tracked).
    fn get<T>(&self, read: impl FnOnce(&GuidedInput) -> T) -> T {
        self.input.with(read)
    }

    /// Changes the draft.
    fn set(&self, write: impl FnOnce(&mut GuidedInput)) {
        self.input.update(write);
    }

    /// Puts every field back to its start value.
    fn reset(&self) {
        self.input.set(GuidedInput::default());
        self.spec_changes.set(Vec::new());
        self.refused_file.set(None);
    }
}

/// The guided page.
#[component]
pub fn ByokPage() -> impl IntoView {
    let draft = Draft::load();
    Effect::new(move |_| {
        session_set(&SessionKey::GuidedDraft, &draft.get(GuidedInput::to_json));
    });
    let run_result = RwSignal::new(None::<Result<GuidedOutcome, String>>);
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
            <Deferred load=later_steps_view(draft, run_result) />
        </section>
    }
}

split_view! {
    /// Steps 3 to 5, whose code loads right after the page's: steps 1 and 2
    /// are usable first.
    fn later_steps_view(draft: Draft, run_result: RwSignal<Option<Result<GuidedOutcome, String>>>) {
        view! {
            <StepParameters draft=draft />
            <StepMaterial draft=draft />
            <StepRun draft=draft result=run_result />
        }
        .into_any()
    }
}

/// Step 1: the AWS key spec and the create-key command.
#[component]
fn StepSpec(draft: Draft) -> impl IntoView {
    let command = Signal::derive(move || {
        draft.get(|i| {
            create_key(&CreateKeyOptions {
                spec: i.spec,
                usage: i.usage,
                description: written(&i.description),
                region: written(&i.region),
                multi_region: i.multi_region,
            })
            .multi_line()
        })
    });
    let region_error = Signal::derive(move || draft.get(|i| check_region(i.region.trim()).err()));
    let description = TextValue::field(draft.input, |i| &i.description, |i| &mut i.description);
    let region = TextValue::field(draft.input, |i| &i.region, |i| &mut i.region);
    view! {
        <section class="step" aria-labelledby="step-1">
            <h2 id="step-1">"1. The AWS key"</h2>
            <label for="byok-spec">"AWS key spec"</label>
            <select
                id="byok-spec"
                aria-describedby="byok-spec-changes"
                on:change=move |ev| {
                    if let Some(spec) = AwsKeySpec::parse(&event_target_value(&ev)) {
                        let mut changes = Vec::new();
                        draft.set(|i| changes = i.switch_spec(spec));
                        draft.spec_changes.set(changes);
                    }
                }
            >
                {choice_options(
                    AwsKeySpec::ALL,
                    |spec| spec.aws_name(),
                    |spec| spec.to_string(),
                    move || draft.get(|i| i.spec),
                )}
            </select>
            <label for="byok-usage">"Key usage"</label>
            <select
                id="byok-usage"
                on:change=move |ev| {
                    if let Some(usage) = KeyUsage::parse(&event_target_value(&ev)) {
                        draft.set(|i| i.usage = usage);
                    }
                }
            >
                {move || {
                    choice_options(
                        draft.get(|i| i.spec.key_usages()).iter().copied(),
                        |usage| usage.aws_name().to_owned(),
                        |usage| usage.aws_name().to_owned(),
                        move || draft.get(|i| i.usage),
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
            <TextField id="byok-description" label="Description (optional)" value=description prose=true />
            <TextField id="byok-region" label="Region (optional)" value=region placeholder="eu-west-3" />
            <div class="radio-row">
                <input
                    id="byok-multi-region"
                    type="checkbox"
                    prop:checked=move || draft.get(|i| i.multi_region)
                    on:change=move |ev| {
                        let checked = event_target_checked(&ev);
                        draft.set(|i| i.multi_region = checked);
                    }
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
    let arn_error = Signal::derive(move || draft.get(|i| i.key_arn().and_then(Result::err)));
    let command = Signal::derive(move || {
        draft.get(|i| {
            let arn = i.key_arn().and_then(Result::ok);
            get_parameters_for_import(arn.as_ref(), i.algorithm, i.kek).multi_line()
        })
    });
    let recommendation = move || {
        let spec = draft.get(|i| i.spec);
        let (algorithm, kek) = spec.recommended_wrapping();
        format!(
            "Recommended for {}: {algorithm} with an {kek} wrapping key.",
            spec.aws_name()
        )
    };
    let arn_input = TextValue::field(draft.input, |i| &i.arn_input, |i| &mut i.arn_input);
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
                        draft.set(|i| i.choose_algorithm(algorithm));
                    }
                }
            >
                {move || {
                    choice_options(
                        draft.get(GuidedInput::algorithm_choices),
                        |algorithm| algorithm.aws_name().to_owned(),
                        |algorithm| algorithm.aws_name().to_owned(),
                        move || draft.get(|i| i.algorithm),
                    )
                }}
            </select>
            <label for="byok-kek-size">"Wrapping key spec"</label>
            <select
                id="byok-kek-size"
                aria-describedby="byok-wrapping-left-out"
                on:change=move |ev| {
                    if let Some(kek) = WrappingKeySpec::parse(&event_target_value(&ev)) {
                        draft.spec_changes.set(Vec::new());
                        draft.set(|i| i.kek = kek);
                    }
                }
            >
                {move || {
                    choice_options(
                        draft.get(GuidedInput::size_choices),
                        |kek| kek.aws_name().to_owned(),
                        |kek| kek.aws_name().to_owned(),
                        move || draft.get(|i| i.kek),
                    )
                }}
            </select>
            <div id="byok-wrapping-left-out" class="hint">
                {move || {
                    draft
                        .get(|i| i.spec.left_out_wrappings(i.algorithm))
                        .into_iter()
                        .map(|note| view! { <p>{note}</p> })
                        .collect_view()
                }}
            </div>
            <TextArea id="byok-arn" label="AWS key ARN, or the whole create-key output" rows=3 value=arn_input />
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
    let now = use_now(Duration::from_secs(30));
    let checked = Memo::new(move |_| draft.get(|i| check_parameters(i, now.get())));
    let anything = move || draft.get(GuidedInput::has_parameters);
    let parameters = TextValue::field(draft.input, |i| &i.parameters, |i| &mut i.parameters);
    view! {
        <section class="step" aria-labelledby="step-3">
            <h2 id="step-3">"3. What AWS returned"</h2>
            <TextArea
                id="byok-parameters"
                label="The JSON output of get-parameters-for-import"
                rows=6
                value=parameters
                on_change=Callback::new(move |()| draft.refused_file.set(None))
            />
            <FileDropZone
                id="byok-public-key-file"
                label="Or choose WrappingPublicKey.bin (AWS console download)"
                hint="DER, PEM or base64."
                max_bytes=MAX_FILE_BYTES
                on_file=Callback::new(move |(_, bytes): (String, Vec<u8>)| {
                    draft.refused_file.set(None);
                    draft.set(|i| i.public_key = Some(bytes));
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
                    draft.set(|i| i.token = Some(bytes));
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

/// Step 4: new key material, or an existing compatible key.
#[component]
fn StepMaterial(draft: Draft) -> impl IntoView {
    view! {
        <section class="step" aria-labelledby="step-4">
            <h2 id="step-4">"4. Key material"</h2>
            <fieldset>
                <legend>"Which key material"</legend>
                <RadioRow
                    id="byok-material-new"
                    name="byok-material"
                    label=Signal::derive(move || {
                        format!("Create new {} material in the KMS", draft.get(|i| i.spec.aws_name()))
                    })
                    checked=Signal::derive(move || !draft.get(|i| i.use_existing))
                    on_choose=Callback::new(move |()| draft.set(|i| i.use_existing = false))
                />
                <RadioRow
                    id="byok-material-existing"
                    name="byok-material"
                    label="Use a key already in the KMS"
                    checked=Signal::derive(move || draft.get(|i| i.use_existing))
                    on_choose=Callback::new(move |()| draft.set(|i| i.use_existing = true))
                />
            </fieldset>
            <Show when=move || draft.get(|i| i.use_existing)>
                <ExistingKeys draft=draft />
            </Show>
        </section>
    }
}

/// Step 4's list of keys already in the KMS: read only while it is shown
/// (one Locate and one message describing the keys, so not for "create new").
#[component]
fn ExistingKeys(draft: Draft) -> impl IntoView {
    let objects = use_kms_read(|client| async move { list_objects(&client, 0, 100).await });
    let show = move |list: Vec<ObjectAttributes>| {
        let spec = draft.get(|i| i.spec);
        let (offered, refused): (Vec<_>, Vec<_>) = list
            .into_iter()
            .filter(|o| o.object_type != Some(ObjectType::PublicKey))
            .map(|o| {
                let verdict = compatibility(spec, &o);
                (o, verdict)
            })
            .partition(|(_, v)| v.is_ok());
        view! {
            <label for="byok-existing">"Compatible keys"</label>
            <select
                id="byok-existing"
                on:change=move |ev| {
                    // "Choose a key…" is the option without a value.
                    let id = Some(event_target_value(&ev)).filter(|id| !id.is_empty());
                    draft.set(|i| i.existing_id = id);
                }
            >
                <option value="">"Choose a key…"</option>
                {offered
                    .into_iter()
                    .map(|(o, _)| {
                        let id = o.unique_identifier.clone();
                        let chosen = id.clone();
                        view! {
                            <option
                                value=id.clone()
                                selected=move || draft.get(|i| i.existing_id.as_ref() == Some(&chosen))
                            >
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
                                    {format!(
                                        "{}: {}",
                                        o.unique_identifier,
                                        verdict.err().unwrap_or_default(),
                                    )}
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </details>
        }
    };
    view! { <Loaded read=objects loading="Loading keys…" ok=show /> }
}

split_fn! {
    prefetch prefetch_run = __preload_run_guided_split;
    /// The guided run (its code loads on the first click); the id of a key it
    /// creates goes into the draft at once, so a retry reuses the key.
    async fn run_guided_split(
        client: KmsClient,
        plan: GuidedPlan,
        draft: Draft,
    ) -> Result<GuidedOutcome, String> {
        run_guided(&client, &plan, |id| {
            let id = id.to_owned();
            draft.set(|i| i.created_key_id = Some(id));
        })
        .await
    }
}

/// Step 5: one click imports the KEK and exports the wrapped material.
#[component]
fn StepRun(draft: Draft, result: RwSignal<Option<Result<GuidedOutcome, String>>>) -> impl IntoView {
    let settings = use_settings();
    prefetch(async {
        prefetch_run().await;
        prefetch_export_result().await;
    });
    let run = Action::new_local(move |plan: &GuidedPlan| {
        let plan = plan.clone();
        let client = settings.client();
        async move { run_guided_split(client?, plan, draft).await }
    });
    let submit = Submit::new(run);
    let pending = submit.pending();
    let create_right = CreateRight::ask("Importing the wrapping key and creating key material");
    // The run's account is shown, and the token of a wrapping key it
    // imported (with its validity) is kept in this tab for the export page.
    Effect::new(move |_| {
        if let Some(outcome) = run.value().get() {
            if let Ok(GuidedOutcome {
                wrapped,
                import_token: Some(ImportToken { token, valid_to }),
                ..
            }) = &outcome
            {
                store_import_token(&wrapped.kek_id, token, *valid_to);
            }
            result.set(Some(outcome));
        }
    });
    let summary = move || draft.get(|i| plan(i, now_utc()).ok().map(|p| p.lines()));
    let on_click = Callback::new(move |()| {
        submit.submit(|| {
            create_right.check()?;
            let checked = draft.get(|i| plan(i, now_utc()));
            if checked.is_ok() {
                // The account of an earlier run gives way to this run's plan.
                result.set(None);
            }
            checked
        })
    });
    let run_error = Signal::derive(move || result.get().and_then(Result::err));
    view! {
        <section class="step" aria-labelledby="step-5">
            <h2 id="step-5">"5. Import the wrapping key and export the key material"</h2>
            <CreateRightNotice right=create_right />
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
            <ErrorBanner message=submit.refusal />
            <ErrorBanner message=run_error />
            <SubmitButton
                id="byok-run"
                pending=pending
                idle="Import and export"
                busy="Working…"
                on_click=on_click
            />
            <RequestProgress pending=pending in_flight=submit.in_flight what="Importing and exporting" />
            {move || {
                result
                    .get()
                    .and_then(Result::ok)
                    .map(|outcome| {
                        let wrapped = outcome.wrapped;
                        let describe = describe_key(wrapped.key_arn.as_ref()).multi_line();
                        // This run's token, else the one this tab kept when the
                        // wrapping key was imported before.
                        let (import_token, parameters_valid_to) = match outcome.import_token {
                            Some(ImportToken { token, valid_to }) => (Some(token), valid_to),
                            None => (
                                stored_import_token(&wrapped.kek_id),
                                stored_import_token_valid_to(&wrapped.kek_id),
                            ),
                        };
                        view! {
                            <p data-testid="byok-done">
                                {format!(
                                    "Key material {} wrapped by the imported wrapping key {}.",
                                    wrapped.key_id,
                                    wrapped.kek_id,
                                )}
                            </p>
                            <ExportResult
                                import_token=import_token
                                parameters_valid_to=parameters_valid_to
                                wrapped=wrapped
                            />
                            <h3>"Then check the key in AWS"</h3>
                            <p>"Expect \"KeyState\": \"Enabled\" in the output."</p>
                            <CommandBlock id="describe-key-command" text=describe label="Copy the describe-key command" />
                        }
                    })
            }}
        </section>
    }
}
