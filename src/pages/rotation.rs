//! `/ui/aws/rotate?key=…&entry=…`: rotate an imported AWS key, or add replica
//! Regions, as a runbook kept in the KMS so any browser resumes it: views and signals only.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use time::OffsetDateTime;

use crate::actions::copies::{LedgeredKey, describe_every_object, ledgered_keys};
use crate::actions::rotation::{
    RunbookContext, begin, export_region, load, paste_check, paste_import, paste_new_key,
    paste_parameters,
};
use crate::browser::{now_utc, random_bytes};
use crate::client::KmsClient;
use crate::components::choice_select::ChoiceSelect;
use crate::components::clock::use_now;
use crate::components::command_block::CommandBlock;
use crate::components::deferred::{Deferred, split_view};
use crate::components::download_button::DownloadButton;
use crate::components::error_banner::ErrorBanner;
use crate::components::loaded::{KmsRead, Loaded, use_kms_read};
use crate::components::source_key_health::SourceKeyNotice;
use crate::components::submit::{Submit, SubmitButton};
use crate::components::text_field::{TextArea, TextField};
use crate::domain::aws::arn::AwsKeyArn;
use crate::domain::aws::cli::{describe_key, list_key_rotations};
use crate::domain::aws::key_spec::AwsKeySpec;
use crate::domain::aws::last_usage::command as last_usage_command;
use crate::domain::aws::outputs::{arn_account, arn_key_id};
use crate::domain::aws::runbook::{
    MATERIAL_FILE, Runbook, RunbookKind, RunbookStart, Step, StepId, StepStatus, TOKEN_FILE,
    file_name, is_multi_region, rotations_so_far,
};
use crate::domain::base64_text::decode_base64;
use crate::domain::ledger::{LedgerEntry, by_words, last_use_line};
use crate::domain::source_key_health::{export_refusal, source_key_problems};
use crate::domain::time_display::utc_minutes;
use crate::kmip::ObjectAttributes;
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
    let health = source_key_problems(&context.key);
    let key_id = context.key.unique_identifier.clone();
    view! {
        {(!unreadable.is_empty()).then(|| view! {
            <div class="notice" role="status">
                <ul>{unreadable.into_iter().map(|u| view! { <li>{u}</li> }).collect_view()}</ul>
            </div>
        })}
        <SourceKeyNotice key_id=key_id problems=health />
        {entry.clone().map(|entry| view! { <CopyFacts entry=entry /> })}
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

/// While the list's code is on its way (the KMS is being read meanwhile).
const READING_LEDGER: &str = "Reading the ledger from the KMS…";

/// No key given: every AWS copy the ledger knows, each with its rotation
/// link. The KMS is read at once; the entries are read and listed by code
/// fetched meanwhile.
#[component]
fn ChooseCopy() -> impl IntoView {
    let described = use_kms_read(move |client| async move { describe_every_object(&client).await });
    view! {
        <Deferred
            load=copy_choices_view(described)
            fallback=|| view! { <p class="muted">{READING_LEDGER}</p> }
        />
    }
}

split_view! {
    fn copy_choices_view(described: KmsRead<Vec<ObjectAttributes>>) {
        let show = move |described: Vec<ObjectAttributes>| {
            view! { <CopyChoices keys=ledgered_keys(described) /> }
        };
        // Its own boundary, as every read under a Deferred (see `kek_list`).
        view! {
            <Transition fallback=|| view! { <p class="muted">{READING_LEDGER}</p> }>
                <Loaded read=described loading=READING_LEDGER ok=show />
            </Transition>
        }
        .into_any()
    }
}

/// Every AWS copy of `keys`, each with its rotation link.
#[component]
fn CopyChoices(keys: Vec<LedgeredKey>) -> impl IntoView {
    let links: Vec<(String, String)> = keys
        .iter()
        .flat_map(|key| {
            let id = key.attributes.unique_identifier.clone();
            key.entries.iter().flatten().filter_map(move |entry| {
                let arn = entry.aws_key_arn.as_ref()?;
                Some((
                    format!(
                        "{arn} (AWS account {}) — KMS key {id}, {}",
                        arn_account(arn),
                        entry.key_spec.aws_name()
                    ),
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
}

/// The start form: which plan, which Regions, the new material's options.
#[component]
fn StartForm(
    context: RunbookContext,
    entry: LedgerEntry,
    runbook: RwSignal<Option<Runbook>>,
) -> impl IntoView {
    let Some(arn) = entry.aws_key_arn.clone() else {
        return view! { <ArnNotKnownYet /> }.into_any();
    };
    let plans = plans_for(&entry, &arn);
    // The Regions the ledger already knows copies of this multi-Region key in.
    let inputs = StartInputs::new(plans[0], replica_regions(&context.entries, &arn).join(", "));
    let rotations_before = rotations_recorded(&context.entries, &arn);
    let submit = start_submit(context.key.clone(), runbook);
    let run_error = Signal::derive(move || submit.action.value().get().and_then(Result::err));
    let source_key_id = context.key.unique_identifier.clone();
    let title = format!("Start a runbook for {arn}");
    let listed_arn = arn.clone();
    // Every plan exports this key or its next generation (a ReKey keeps Extractable).
    let unexportable = export_refusal(&context.key);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = inputs.read(&entry, &source_key_id, &arn, rotations_before);
        // Checked here first: a refused form sends nothing.
        submit.submit(|| {
            if let Some(why) = unexportable.clone() {
                return Err(why);
            }
            crate::domain::aws::runbook::start(&input, String::new(), now_utc()).map(|_| input)
        });
    };
    view! {
        <form on:submit=on_submit novalidate aria-labelledby="start-title">
            <h2 id="start-title">{title}</h2>
            <NewerGeneration newer=context.key.replaced_by.clone() />
            <RotationCount rotations_before=rotations_before />
            <StartFields inputs=inputs plans=plans arn=listed_arn />
            <ErrorBanner message=submit.refusal />
            <ErrorBanner message=run_error />
            <SubmitButton pending=submit.pending() idle="Start the runbook" busy="Starting…" />
        </form>
    }
    .into_any()
}

/// The copy this page works on: its AWS key, account and Region (from the ARN), and
/// AWS's last known use of it, read before a material is retired or an alias moved.
#[component]
fn CopyFacts(entry: LedgerEntry) -> impl IntoView {
    let arn = entry.aws_key_arn.clone()?;
    let now = now_utc();
    let place = format!(
        "The copy in AWS: {arn} (AWS account {}, Region {}).",
        arn_account(&arn),
        arn.region()
    );
    let reading = entry.last_usage().is_some();
    let last_use = if reading {
        format!("Last use in AWS: {}", last_use_line(&entry, now))
    } else {
        "Last use in AWS: no reading yet. Before a material is retired or an alias moved, run get-key-last-usage and paste its output on the ledger's entry.".to_owned()
    };
    Some(view! {
        <p data-testid="rotation-copy">{place}</p>
        <p data-testid="rotation-last-use">{last_use}</p>
        {(!reading).then(|| view! {
            <CommandBlock
                id="rotation-get-key-last-usage"
                text=last_usage_command(&arn).multi_line()
                label="Copy the get-key-last-usage command"
            />
        })}
    })
}

/// "This copy's AWS key is not known yet": no runbook can start before the
/// ledger has its ARN.
#[component]
fn ArnNotKnownYet() -> impl IntoView {
    view! {
        <p class="error-text" role="alert">
            "This copy's AWS key is not known yet: paste AWS's import output for it on the ledger first."
        </p>
    }
}

/// The plans this copy offers: its rotation, and replica Regions when the
/// AWS key is multi-Region.
fn plans_for(entry: &LedgerEntry, arn: &AwsKeyArn) -> Vec<RunbookKind> {
    let mut plans = vec![RunbookKind::rotation_for(entry.key_spec)];
    if is_multi_region(arn) {
        plans.push(RunbookKind::Replicas);
    }
    plans
}

/// How many on-demand rotations the ledger has seen for this AWS key: its
/// recorded KeyMaterialIds, less the first.
fn rotations_recorded(entries: &[LedgerEntry], arn: &AwsKeyArn) -> u32 {
    rotations_so_far(
        entries
            .iter()
            .filter(|e| e.aws_key_arn.as_ref().map(|a| a.as_str()) == Some(arn.as_str()))
            .filter_map(|e| e.key_material_id.as_deref()),
    )
}

/// "Start the runbook", sent: the new generation made and the runbook stored
/// in the KMS, then shown in place of the form.
fn start_submit(
    key: ObjectAttributes,
    runbook: RwSignal<Option<Runbook>>,
) -> Submit<RunbookStart, Result<Runbook, String>> {
    let settings = use_settings();
    let run = Action::new_local(move |input: &RunbookStart| {
        let (input, key, client) = (input.clone(), key.clone(), settings.client());
        async move { begin(&client?, &input, &key, now_utc(), random_bytes()).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(started)) = run.value().get() {
            runbook.set(Some(started));
        }
    });
    Submit::new(run)
}

/// What the start form's fields hold, as typed.
#[derive(Clone, Copy)]
struct StartInputs {
    plan: RwSignal<RunbookKind>,
    replicas: RwSignal<String>,
    description: RwSignal<String>,
    valid_to: RwSignal<String>,
    alias: RwSignal<String>,
    listing: RwSignal<String>,
}

impl StartInputs {
    /// The form as first shown: `plan` chosen, the replica Regions prefilled.
    fn new(plan: RunbookKind, replicas: String) -> Self {
        Self {
            plan: RwSignal::new(plan),
            replicas: RwSignal::new(replicas),
            description: RwSignal::new(String::new()),
            valid_to: RwSignal::new(String::new()),
            alias: RwSignal::new(String::new()),
            listing: RwSignal::new(String::new()),
        }
    }

    /// The start the form asks for: the copy's entry on `source_key_id`, its
    /// AWS key `arn`, and what is typed now.
    fn read(
        &self,
        entry: &LedgerEntry,
        source_key_id: &str,
        arn: &AwsKeyArn,
        rotations_before: u32,
    ) -> RunbookStart {
        RunbookStart {
            kind: self.plan.get_untracked(),
            key_spec: entry.key_spec,
            source_key_id: source_key_id.to_owned(),
            source_entry_id: Some(entry.id.clone()),
            key_arn: arn.clone(),
            replica_regions: self.replicas.get_untracked(),
            description: self.description.get_untracked(),
            valid_to: self.valid_to.get_untracked(),
            alias: self.alias.get_untracked(),
            rotations_before,
            primary_key_material_id: entry.key_material_id.clone(),
            listing: self.listing.get_untracked(),
        }
    }
}

/// "The KMS already holds a newer generation of this key": shown when it
/// does, since the AWS key then receives that one.
#[component]
fn NewerGeneration(newer: Option<String>) -> impl IntoView {
    newer.map(|newer| view! {
        <p class="notice" data-testid="rotation-newer">
            {format!("The KMS already holds a newer generation of this key ({newer}): the AWS key receives that material; no further generation is made.")}
        </p>
    })
}

/// "N on-demand rotations recorded for this AWS key so far; AWS allows 25."
#[component]
fn RotationCount(rotations_before: u32) -> impl IntoView {
    view! {
        <p data-testid="rotation-count">
            {format!(
                "{} on-demand rotations recorded for this AWS key so far; AWS allows {}.",
                rotations_before,
                crate::domain::aws::runbook::MAX_ON_DEMAND_ROTATIONS
            )}
        </p>
    }
}

/// The start form's fields: the plan, the replica Regions, the new material's
/// description and expiry, AWS's list-key-rotations output, the alias.
#[component]
fn StartFields(inputs: StartInputs, plans: Vec<RunbookKind>, arn: AwsKeyArn) -> impl IntoView {
    view! {
        <ChoiceSelect
            id="runbook-kind"
            label="Plan"
            choices=plans
            selected=inputs.plan
            value=|k: RunbookKind| format!("{k:?}")
            words=|k: RunbookKind| k.title().to_owned()
        />
        <TextField
            id="runbook-replicas"
            label="Replica Regions (multi-Region keys: comma separated, empty: none)"
            value=inputs.replicas
            hint="Prefilled with the other Regions the ledger records copies of this key in: a rotation must include every replica."
            placeholder="eu-west-1, ap-northeast-1"
        />
        <TextField id="runbook-description" label="Key material description (symmetric keys, optional)" value=inputs.description prose=true />
        <TextField id="runbook-valid-to" label="New material expires on (YYYY-MM-DD, empty: does not expire)" value=inputs.valid_to />
        <CommandBlock
            id="runbook-list-key-rotations"
            text=list_key_rotations(&arn).multi_line()
            label="Copy the list-key-rotations command"
        />
        <TextArea
            id="runbook-listing"
            label="AWS's list-key-rotations output (optional: counts the rotations AWS made and finds a material still pending)"
            rows=4
            value=inputs.listing
        />
        <TextField id="runbook-alias" label="Alias to move to the new key (new-key plan, e.g. alias/payments)" value=inputs.alias />
    }
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

/// The current step's button, sent and answered with the runbook as written.
type StepSubmit = Submit<Act, Result<Runbook, String>>;

/// The steps with their state, then the one step to do now.
#[component]
fn RunbookSteps(
    runbook: RwSignal<Option<Runbook>>,
    current: Runbook,
    exported: RwSignal<Option<Exported>>,
) -> impl IntoView {
    let now = now_utc();
    let next = step_to_do(&current, now);
    let pasted = RwSignal::new(String::new());
    let submit = step_submit(current.clone(), exported, pasted, runbook);
    view! {
        <h2>{current.kind.title()}</h2>
        <p class="hint" data-testid="runbook-started">{started_line(&current)}</p>
        <StepList runbook=current.clone() />
        {current.is_complete().then(|| view! { <RunbookComplete /> })}
        <ExportedFiles exported=exported />
        {next.map(|step| view! {
            <NextStep step=step runbook=current now=now submit=submit pasted=pasted />
        })}
    }
}

/// The first step not done yet: the one to do now.
fn step_to_do(runbook: &Runbook, now: OffsetDateTime) -> Option<Step> {
    runbook
        .steps(now)
        .into_iter()
        .find(|s| !matches!(s.status, StepStatus::Done))
}

/// "Started <when> by <whom>."
fn started_line(runbook: &Runbook) -> String {
    format!(
        "Started {}{}.",
        utc_minutes(runbook.started_at),
        by_words(runbook.started_by.as_ref(), "older runbook")
    )
}

/// The step's button or paste, sent: each written to the runbook in the KMS;
/// once written, the paste box empties and the steps show the runbook as saved.
fn step_submit(
    base: Runbook,
    exported: RwSignal<Option<Exported>>,
    pasted: RwSignal<String>,
    runbook: RwSignal<Option<Runbook>>,
) -> StepSubmit {
    let settings = use_settings();
    let run = Action::new_local(move |act: &Act| {
        let (act, base, client) = (act.clone(), base.clone(), settings.client());
        async move { carry_out(client?, &base, act, exported).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(updated)) = run.value().get() {
            pasted.set(String::new());
            runbook.set(Some(updated));
        }
    });
    Submit::new(run)
}

/// Does what the step's button says: exports the material for a Region
/// (keeping its files for the downloads), or records a pasted output on its step.
async fn carry_out(
    client: KmsClient,
    base: &Runbook,
    act: Act,
    exported: RwSignal<Option<Exported>>,
) -> Result<Runbook, String> {
    let now = now_utc();
    match act {
        Act::Export(region) => {
            let (updated, wrapped) =
                export_region(&client, base, &region, now, random_bytes()).await?;
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
            paste_parameters(&client, base, &region, &text, now).await
        }
        Act::Paste(StepId::Import(region), text) => {
            paste_import(&client, base, &region, &text, now).await
        }
        Act::Paste(StepId::CreateKey, text) => paste_new_key(&client, base, &text).await,
        Act::Paste(_, text) => paste_check(&client, base, &text, now).await,
    }
}

/// Every step with its state, who did it, and why it must wait. Re-drawn as
/// the clock ticks: each Region's 24 h parameters count down.
#[component]
fn StepList(runbook: Runbook) -> impl IntoView {
    let clock = use_now(std::time::Duration::from_secs(30));
    let list = move || {
        runbook
            .steps(clock.get())
            .into_iter()
            .map(|step| {
                let actor = done_by(&runbook, &step);
                view! { <StepLine step=step actor=actor /> }
            })
            .collect_view()
    };
    view! { <ol class="runbook" data-testid="runbook-steps">{list}</ol> }
}

/// Who recorded a done step (the paste or the click that made it).
fn done_by(runbook: &Runbook, step: &Step) -> Option<String> {
    (step.status == StepStatus::Done).then(|| runbook.step_actor(&step.id).words())
}

/// Why a step cannot be done now, in words.
fn why_waiting(status: &StepStatus) -> Option<String> {
    match status {
        StepStatus::Blocked(why) => Some(why.clone()),
        StepStatus::Expired => Some("Its 24-hour import parameters have passed: run get-parameters-for-import again and paste the new output.".to_owned()),
        _ => None,
    }
}

/// One step: "Done: …", who did it, how long its parameters stay valid, and
/// why it must wait.
#[component]
fn StepLine(step: Step, actor: Option<String>) -> impl IntoView {
    let reason = why_waiting(&step.status);
    view! {
        <li data-step-status=step.status.label()>
            <strong>{step.status.label()}</strong>": "{step.title}
            {actor.map(|words| view! { <span class="hint" data-testid="step-done-by">{format!(" — {words}")}</span> })}
            {step.validity.map(|v| view! { <span class="hint">" ("{v}")"</span> })}
            {reason.map(|r| view! { <span class="hint">" — "{r}</span> })}
        </li>
    }
}

/// "Runbook complete": AWS holds the new material everywhere.
#[component]
fn RunbookComplete() -> impl IntoView {
    view! {
        <p class="result" role="status" data-testid="runbook-complete">
            "Runbook complete: AWS holds the new material in every Region and the ledger records it. Keep the previous generation in the KMS: AWS still needs it for old ciphertexts."
        </p>
    }
}

/// The last export's two files to download, for its Region's import command.
#[component]
fn ExportedFiles(exported: RwSignal<Option<Exported>>) -> impl IntoView {
    move || {
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
    }
}

/// "Next: …": the step to do now, its command, the command whose output
/// proves it, then its button or paste box.
#[component]
fn NextStep(
    step: Step,
    runbook: Runbook,
    now: OffsetDateTime,
    submit: StepSubmit,
    pasted: RwSignal<String>,
) -> impl IntoView {
    let command = runbook.command(&step.id, now).ok().map(|c| c.multi_line());
    let paste_step = proving_paste(&step.id);
    let proof = proof_command(&runbook, &step.id, paste_step.as_ref(), now);
    let blocked = matches!(step.status, StepStatus::Blocked(_));
    let has_proof = proof.is_some();
    let run_error = Signal::derive(move || submit.action.value().get().and_then(Result::err));
    let export = match &step.id {
        StepId::Export(region) => Some(region.clone()),
        _ => None,
    };
    view! {
        <section class="runbook-step" aria-labelledby="step-title" data-testid="runbook-next">
            <h2 id="step-title">{format!("Next: {}", step.title)}</h2>
            {command.map(|text| view! { <CommandBlock id="runbook-command" text=text label="Copy this step's command" /> })}
            {proof.map(|text| view! { <CommandBlock id="runbook-check-command" text=text label="Copy the command whose output proves this step" /> })}
            {export.filter(|_| !blocked).map(|region| view! { <ExportButton region=region submit=submit /> })}
            {paste_step.filter(|_| !blocked || has_proof).map(|paste_step| view! {
                <PasteOutput paste_step=paste_step submit=submit pasted=pasted />
            })}
            <ErrorBanner message=submit.refusal />
            <ErrorBanner message=run_error />
        </section>
    }
}

/// The step whose pasted output proves `step`: a run-only step (replicate,
/// rotate, move the alias) is followed by the paste that proves it.
fn proving_paste(step: &StepId) -> Option<StepId> {
    match step {
        StepId::Replicate(region) => Some(StepId::Parameters(region.clone())),
        StepId::Rotate | StepId::MoveAlias => Some(StepId::Check),
        StepId::NewMaterial | StepId::Export(_) => None,
        other => Some(other.clone()),
    }
}

/// The command whose output proves `step`, when it is not the step's own.
fn proof_command(
    runbook: &Runbook,
    step: &StepId,
    paste_step: Option<&StepId>,
    now: OffsetDateTime,
) -> Option<String> {
    match step {
        // HMAC and asymmetric imports print no KeyMaterialId: describe-key proves them.
        StepId::Import(region) if runbook.key_spec != AwsKeySpec::SymmetricDefault => {
            runbook.arn_in(region).map(|arn| describe_key(Some(&arn)))
        }
        _ => paste_step
            .filter(|p| *p != step)
            .and_then(|p| runbook.command(p, now).ok()),
    }
    .map(|c| c.multi_line())
}

/// "Export the material for this Region".
#[component]
fn ExportButton(region: String, submit: StepSubmit) -> impl IntoView {
    let click = Callback::new(move |()| submit.dispatch(Act::Export(region.clone())));
    view! {
        <SubmitButton pending=submit.pending() idle="Export the material for this Region" busy="Exporting…" on_click=click />
    }
}

/// Which output to paste for `paste_step`, in words.
fn paste_what(paste_step: &StepId) -> String {
    match paste_step {
        StepId::Parameters(region) => format!("{region}'s get-parameters-for-import output (JSON)"),
        StepId::Import(region) => {
            format!("{region}'s import-key-material output (or describe-key once imported)")
        }
        StepId::CreateKey => "create-key's output (JSON) or the new key's ARN".to_owned(),
        _ => "describe-key's output (JSON)".to_owned(),
    }
}

/// The paste box: AWS's output for this step, checked and recorded.
#[component]
fn PasteOutput(paste_step: StepId, submit: StepSubmit, pasted: RwSignal<String>) -> impl IntoView {
    let what = paste_what(&paste_step);
    let on_paste = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let step = paste_step.clone();
        submit.submit(|| {
            let text = pasted.get();
            if text.trim().is_empty() {
                return Err("Paste the JSON output of the command shown first.".to_owned());
            }
            Ok(Act::Paste(step, text))
        });
    };
    view! {
        <form on:submit=on_paste novalidate>
            <p class="hint" id="runbook-paste-what">{format!("Paste {what}.")}</p>
            <TextArea id="runbook-paste" label="AWS's output for this step" rows=6 value=pasted />
            <SubmitButton pending=submit.pending() idle="Check and record" busy="Checking…" />
        </form>
    }
}
