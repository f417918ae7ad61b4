//! `/ui/aws/rotate?key=…&entry=…`: rotate an imported AWS key, or add replica
//! Regions, as a runbook kept in the KMS so any browser resumes it: views and signals only.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::actions::copies::{LedgeredKey, list_ledger};
use crate::actions::rotation::{
    RunbookContext, begin, export_region, load, paste_check, paste_import, paste_new_key,
    paste_parameters,
};
use crate::browser::{now_utc, random_bytes};
use crate::components::choice_select::ChoiceSelect;
use crate::components::clock::use_now;
use crate::components::command_block::CommandBlock;
use crate::components::deferred::{Deferred, split_view};
use crate::components::download_button::DownloadButton;
use crate::components::error_banner::ErrorBanner;
use crate::components::loaded::{Loaded, use_kms_read};
use crate::components::submit::{Submit, SubmitButton};
use crate::components::text_field::{TextArea, TextField};
use crate::domain::aws::arn::AwsKeyArn;
use crate::domain::aws::cli::{describe_key, list_key_rotations};
use crate::domain::aws::key_spec::AwsKeySpec;
use crate::domain::aws::outputs::arn_key_id;
use crate::domain::aws::runbook::{
    MATERIAL_FILE, Runbook, RunbookKind, RunbookStart, StepId, StepStatus, TOKEN_FILE, file_name,
    is_multi_region, rotations_so_far,
};
use crate::domain::base64_text::decode_base64;
use crate::domain::ledger::{LedgerEntry, by_words};
use crate::domain::time_display::utc_minutes;
use crate::routes::{Page, ROTATE_ENTRY_QUERY, ROTATE_KEY_QUERY};
use crate::settings::use_settings;

/// The rotation page.
#[component]
pub fn RotationPage() -> impl IntoView {
    let query = use_query_map();
    let key_id = query
        .with_untracked(|q| q.get(ROTATE_KEY_QUERY))
        .unwrap_or_default();
    let entry_id = query
        .with_untracked(|q| q.get(ROTATE_ENTRY_QUERY))
        .unwrap_or_default();
    view! {
        <section aria-labelledby="page-title">
            <h1 id="page-title">{Page::Rotation.label()}</h1>
            <p>
                "AWS keeps every material a key ever had, and accepts the steps of a rotation in one order only. Each step below is checked before its command is offered, and every output you paste is recorded in the KMS: another operator, or another browser, continues where this one stopped."
            </p>
            <p><a href=Page::Ledger.href()>"Back to the BYOK ledger"</a></p>
            {if key_id.is_empty() {
                view! { <ChooseCopy /> }.into_any()
            } else {
                view! { <Deferred load=key_runbooks_view(key_id, entry_id) /> }.into_any()
            }}
        </section>
    }
}

split_view! {
    fn key_runbooks_view(key_id: String, entry_id: String) {
        view! { <KeyRunbooks key_id=key_id entry_id=entry_id /> }.into_any()
    }
}

/// The key's runbooks read from the KMS, then the rotation view.
#[component]
fn KeyRunbooks(key_id: String, entry_id: String) -> impl IntoView {
    let context = use_kms_read(move |client| {
        let key_id = key_id.clone();
        async move { load(&client, &key_id).await }
    });
    let show = move |context: RunbookContext| {
        view! { <RotationView context=context entry_id=entry_id.clone() /> }
    };
    view! { <Loaded read=context loading="Reading the key and its runbooks from the KMS…" ok=show /> }
}

#[component]
fn RotationView(context: RunbookContext, entry_id: String) -> impl IntoView {
    let entry = context
        .entries
        .iter()
        .find(|e| e.id == entry_id)
        .or_else(|| context.entries.iter().max_by(|a, b| a.id.cmp(&b.id)))
        .cloned();
    let resumed = context
        .runbooks
        .iter()
        .find(|r| {
            !r.is_complete()
                && entry
                    .as_ref()
                    .is_none_or(|e| r.source_entry_id.as_deref() == Some(&e.id))
        })
        .or_else(|| context.runbooks.iter().find(|r| !r.is_complete()))
        .cloned();
    let runbook = RwSignal::new(resumed);
    // Outlives each re-render of the steps: the last export's files.
    let exported = RwSignal::new(None::<Exported>);
    let unreadable = context.unreadable.clone();
    view! {
        {(!unreadable.is_empty()).then(|| view! {
            <div class="notice" role="status">
                <ul>{unreadable.into_iter().map(|u| view! { <li>{u}</li> }).collect_view()}</ul>
            </div>
        })}
        {move || match runbook.get() {
            Some(current) => view! { <RunbookSteps runbook=runbook current=current exported=exported /> }.into_any(),
            None => match entry.clone() {
                Some(entry) => view! { <StartForm context=context.clone() entry=entry runbook=runbook /> }.into_any(),
                None => view! {
                    <p class="error-text" role="alert">
                        "This KMS key has no ledger entry: export its material to an AWS key first (the ledger records the copy), then rotate it from the ledger."
                    </p>
                }.into_any(),
            },
        }}
    }
}

/// No key given: every AWS copy the ledger knows, each with its rotation link.
#[component]
fn ChooseCopy() -> impl IntoView {
    let ledger = use_kms_read(move |client| async move { list_ledger(&client).await });
    let show = move |keys: Vec<LedgeredKey>| {
        let links: Vec<(String, String)> = keys
            .iter()
            .flat_map(|key| {
                let id = key.attributes.unique_identifier.clone();
                key.entries.iter().flatten().filter_map(move |entry| {
                    let arn = entry.aws_key_arn.as_ref()?;
                    Some((
                        format!("{arn} — KMS key {id}, {}", entry.key_spec.aws_name()),
                        Page::rotation_href(&id, &entry.id),
                    ))
                })
            })
            .collect();
        if links.is_empty() {
            return view! {
                <p class="muted">"No AWS copy is recorded yet: export key material to an AWS key first; the BYOK ledger records it."</p>
            }
            .into_any();
        }
        view! {
            <h2>"Choose the AWS copy to rotate or replicate"</h2>
            <ul data-testid="rotation-choices">
                {links.into_iter().map(|(words, href)| view! { <li><a href=href>{words}</a></li> }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! { <Loaded read=ledger loading="Reading the ledger from the KMS…" ok=show /> }
}

/// The start form: which plan, which Regions, the new material's options.
#[component]
fn StartForm(
    context: RunbookContext,
    entry: LedgerEntry,
    runbook: RwSignal<Option<Runbook>>,
) -> impl IntoView {
    let settings = use_settings();
    let Some(arn) = entry.aws_key_arn.clone() else {
        return view! {
            <p class="error-text" role="alert">
                "This copy's AWS key is not known yet: paste AWS's import output for it on the ledger first."
            </p>
        }
        .into_any();
    };
    let mut kinds = vec![RunbookKind::rotation_for(entry.key_spec)];
    if is_multi_region(&arn) {
        kinds.push(RunbookKind::Replicas);
    }
    let kind = RwSignal::new(kinds[0]);
    // The Regions the ledger already knows copies of this multi-Region key in.
    let replicas = RwSignal::new(replica_regions(&context.entries, &arn).join(", "));
    let description = RwSignal::new(String::new());
    let valid_to = RwSignal::new(String::new());
    let alias = RwSignal::new(String::new());
    let listing = RwSignal::new(String::new());
    let same_key: Vec<&str> = context
        .entries
        .iter()
        .filter(|e| e.aws_key_arn.as_ref().map(|a| a.as_str()) == Some(arn.as_str()))
        .filter_map(|e| e.key_material_id.as_deref())
        .collect();
    let rotations_before = rotations_so_far(same_key);
    let key = context.key.clone();
    let newer = context.key.replaced_by.clone();
    let (source_key_id, spec, entry_id, primary_id) = (
        context.key.unique_identifier.clone(),
        entry.key_spec,
        entry.id.clone(),
        entry.key_material_id.clone(),
    );
    let run = Action::new_local(move |input: &RunbookStart| {
        let (input, key, client) = (input.clone(), key.clone(), settings.client());
        async move { begin(&client?, &input, &key, now_utc(), random_bytes()).await }
    });
    let submit = Submit::new(run);
    Effect::new(move |_| {
        if let Some(Ok(started)) = run.value().get() {
            runbook.set(Some(started));
        }
    });
    let run_error = Signal::derive(move || run.value().get().and_then(Result::err));
    let arn_text = arn.to_string();
    let arn_for_listing = arn.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = RunbookStart {
            kind: kind.get_untracked(),
            key_spec: spec,
            source_key_id: source_key_id.clone(),
            source_entry_id: Some(entry_id.clone()),
            key_arn: arn.clone(),
            replica_regions: replicas.get_untracked(),
            description: description.get_untracked(),
            valid_to: valid_to.get_untracked(),
            alias: alias.get_untracked(),
            rotations_before,
            primary_key_material_id: primary_id.clone(),
            listing: listing.get_untracked(),
        };
        // Checked here first: a refused form sends nothing.
        submit.submit(|| {
            crate::domain::aws::runbook::start(&input, String::new(), now_utc()).map(|_| input)
        });
    };
    view! {
        <form on:submit=on_submit novalidate aria-labelledby="start-title">
            <h2 id="start-title">{format!("Start a runbook for {arn_text}")}</h2>
            {newer.map(|newer| view! {
                <p class="notice" data-testid="rotation-newer">
                    {format!("The KMS already holds a newer generation of this key ({newer}): the AWS key receives that material; no further generation is made.")}
                </p>
            })}
            <p data-testid="rotation-count">
                {format!(
                    "{} on-demand rotations recorded for this AWS key so far; AWS allows {}.",
                    rotations_before,
                    crate::domain::aws::runbook::MAX_ON_DEMAND_ROTATIONS
                )}
            </p>
            <ChoiceSelect
                id="runbook-kind"
                label="Plan"
                choices=kinds
                selected=kind
                value=|k: RunbookKind| format!("{k:?}")
                words=|k: RunbookKind| k.title().to_owned()
            />
            <TextField
                id="runbook-replicas"
                label="Replica Regions (multi-Region keys: comma separated, empty: none)"
                value=replicas
                hint="Prefilled with the other Regions the ledger records copies of this key in: a rotation must include every replica."
                placeholder="eu-west-1, ap-northeast-1"
            />
            <TextField id="runbook-description" label="Key material description (symmetric keys, optional)" value=description prose=true />
            <TextField id="runbook-valid-to" label="New material expires on (YYYY-MM-DD, empty: does not expire)" value=valid_to />
            <CommandBlock
                id="runbook-list-key-rotations"
                text=list_key_rotations(&arn_for_listing).multi_line()
                label="Copy the list-key-rotations command"
            />
            <TextArea
                id="runbook-listing"
                label="AWS's list-key-rotations output (optional: counts the rotations AWS made and finds a material still pending)"
                rows=4
                value=listing
            />
            <TextField id="runbook-alias" label="Alias to move to the new key (new-key plan, e.g. alias/payments)" value=alias />
            <ErrorBanner message=submit.refusal />
            <ErrorBanner message=run_error />
            <SubmitButton pending=submit.pending() idle="Start the runbook" busy="Starting…" />
        </form>
    }
    .into_any()
}

/// The other Regions holding recorded copies of the same multi-Region key.
fn replica_regions(entries: &[LedgerEntry], arn: &AwsKeyArn) -> Vec<String> {
    let mut regions: Vec<String> = entries
        .iter()
        .filter_map(|e| e.aws_key_arn.as_ref())
        .filter(|other| arn_key_id(other) == arn_key_id(arn) && other.region() != arn.region())
        .map(|other| other.region().to_owned())
        .collect();
    regions.sort();
    regions.dedup();
    regions
}

/// The last export: its Region, EncryptedKeyMaterial and ImportToken bytes.
type Exported = (String, Vec<u8>, Vec<u8>);

/// What the current step's button does.
#[derive(Clone, Debug)]
enum Act {
    Paste(StepId, String),
    Export(String),
}

/// The steps with their state, then the one step to do now.
#[component]
fn RunbookSteps(
    runbook: RwSignal<Option<Runbook>>,
    current: Runbook,
    exported: RwSignal<Option<Exported>>,
) -> impl IntoView {
    let settings = use_settings();
    let now = now_utc();
    let steps = current.steps(now);
    let next = steps
        .iter()
        .find(|s| !matches!(s.status, StepStatus::Done))
        .cloned();
    let pasted = RwSignal::new(String::new());
    let base = current.clone();
    let run = Action::new_local(move |act: &Act| {
        let (act, base, client) = (act.clone(), base.clone(), settings.client());
        async move {
            let client = client?;
            let now = now_utc();
            match act {
                Act::Export(region) => {
                    let (updated, wrapped) =
                        export_region(&client, &base, &region, now, random_bytes()).await?;
                    let token = updated
                        .region(&region)?
                        .import_token
                        .as_deref()
                        .map(decode_base64)
                        .transpose()?
                        .unwrap_or_default();
                    exported.set(Some((region, wrapped.blob, token)));
                    Ok(updated)
                }
                Act::Paste(StepId::Parameters(region), text) => {
                    paste_parameters(&client, &base, &region, &text, now).await
                }
                Act::Paste(StepId::Import(region), text) => {
                    paste_import(&client, &base, &region, &text, now).await
                }
                Act::Paste(StepId::CreateKey, text) => paste_new_key(&client, &base, &text).await,
                Act::Paste(_, text) => paste_check(&client, &base, &text, now).await,
            }
        }
    });
    let submit = Submit::new(run);
    Effect::new(move |_| {
        if let Some(Ok(updated)) = run.value().get() {
            pasted.set(String::new());
            runbook.set(Some(updated));
        }
    });
    let run_error = Signal::derive(move || run.value().get().and_then(Result::err));
    let clock = use_now(std::time::Duration::from_secs(30));
    let listed = current.clone();
    // Re-drawn as the clock ticks: each Region's 24 h parameters count down.
    let list = move || {
        listed.steps(clock.get())
        .into_iter()
        .map(|step| {
            let reason = match &step.status {
                StepStatus::Blocked(why) => Some(why.clone()),
                StepStatus::Expired => Some("Its 24-hour import parameters have passed: run get-parameters-for-import again and paste the new output.".to_owned()),
                _ => None,
            };
            // Who recorded a done step (the paste or the click that made it).
            let actor = (step.status == StepStatus::Done)
                .then(|| listed.step_actor(&step.id).words());
            view! {
                <li data-step-status=step.status.label()>
                    <strong>{step.status.label()}</strong>": "{step.title.clone()}
                    {actor.map(|words| view! { <span class="hint" data-testid="step-done-by">{format!(" — {words}")}</span> })}
                    {step.validity.map(|v| view! { <span class="hint">" ("{v}")"</span> })}
                    {reason.map(|r| view! { <span class="hint">" — "{r}</span> })}
                </li>
            }
        })
        .collect_view()
    };
    let done_view = current.is_complete().then(|| {
        view! {
            <p class="result" role="status" data-testid="runbook-complete">
                "Runbook complete: AWS holds the new material in every Region and the ledger records it. Keep the previous generation in the KMS: AWS still needs it for old ciphertexts."
            </p>
        }
    });
    let panel = next.map(|step| {
        let command = current.command(&step.id, now).ok().map(|c| c.multi_line());
        // A run-only step (replicate, rotate, move the alias) is followed by the paste that proves it.
        let paste_step = match &step.id {
            StepId::Replicate(region) => Some(StepId::Parameters(region.clone())),
            StepId::Rotate | StepId::MoveAlias => Some(StepId::Check),
            StepId::NewMaterial | StepId::Export(_) => None,
            other => Some(other.clone()),
        };
        let paste_command = match &step.id {
            // HMAC and asymmetric imports print no KeyMaterialId: describe-key proves them.
            StepId::Import(region) if current.key_spec != AwsKeySpec::SymmetricDefault => {
                current.arn_in(region).map(|arn| describe_key(Some(&arn)))
            }
            _ => paste_step
                .as_ref()
                .filter(|p| **p != step.id)
                .and_then(|p| current.command(p, now).ok()),
        }
        .map(|c| c.multi_line());
        let export_region = match &step.id {
            StepId::Export(region) => Some(region.clone()),
            _ => None,
        };
        let blocked = matches!(step.status, StepStatus::Blocked(_));
        let has_paste_command = paste_command.is_some();
        let what = match &paste_step {
            Some(StepId::Parameters(region)) => format!("{region}'s get-parameters-for-import output (JSON)"),
            Some(StepId::Import(region)) => format!("{region}'s import-key-material output (or describe-key once imported)"),
            Some(StepId::CreateKey) => "create-key's output (JSON) or the new key's ARN".to_owned(),
            _ => "describe-key's output (JSON)".to_owned(),
        };
        let on_paste = {
            let paste_step = paste_step.clone();
            move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                let step = paste_step.clone();
                submit.submit(|| {
                    let text = pasted.get();
                    if text.trim().is_empty() {
                        return Err("Paste the JSON output of the command shown first.".to_owned());
                    }
                    step.map(|s| Act::Paste(s, text)).ok_or_else(|| "Nothing to paste for this step.".to_owned())
                });
            }
        };
        let export_click = export_region.clone().map(|region| Callback::new(move |()| submit.dispatch(Act::Export(region.clone()))));
        view! {
            <section class="runbook-step" aria-labelledby="step-title" data-testid="runbook-next">
                <h2 id="step-title">{format!("Next: {}", step.title)}</h2>
                {command.map(|text| view! { <CommandBlock id="runbook-command" text=text label="Copy this step's command" /> })}
                {paste_command.map(|text| view! { <CommandBlock id="runbook-check-command" text=text label="Copy the command whose output proves this step" /> })}
                {export_click.filter(|_| !blocked).map(|click| view! {
                    <SubmitButton pending=submit.pending() idle="Export the material for this Region" busy="Exporting…" on_click=click />
                })}
                {paste_step.filter(|_| !blocked || has_paste_command).map(|_| view! {
                    <form on:submit=on_paste novalidate>
                        <p class="hint" id="runbook-paste-what">{format!("Paste {what}.")}</p>
                        <TextArea id="runbook-paste" label="AWS's output for this step" rows=6 value=pasted />
                        <SubmitButton pending=submit.pending() idle="Check and record" busy="Checking…" />
                    </form>
                })}
                <ErrorBanner message=submit.refusal />
                <ErrorBanner message=run_error />
            </section>
        }
    });
    let downloads = move || {
        exported.get().map(|(region, blob, token)| {
            let material = file_name(MATERIAL_FILE, &region);
            let token_name = file_name(TOKEN_FILE, &region);
            view! {
                <div class="result" role="status" data-testid="runbook-exported">
                    <p>{format!("Exported for {region}: download both files, then run {region}'s import command.")}</p>
                    <DownloadButton bytes=blob file_name=material />
                    <DownloadButton bytes=token file_name=token_name />
                </div>
            }
        })
    };
    let started = format!(
        "Started {}{}.",
        utc_minutes(current.started_at),
        by_words(current.started_by.as_ref(), "older runbook")
    );
    view! {
        <h2>{current.kind.title()}</h2>
        <p class="hint" data-testid="runbook-started">{started}</p>
        <ol class="runbook" data-testid="runbook-steps">{list}</ol>
        {done_view}
        {downloads}
        {panel}
    }
}
