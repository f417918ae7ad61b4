//! The ledger page's Azure copies: their rows beside the AWS ones, and one copy opened
//! with the box where `az keyvault key import`/`show` JSON confirms it (views and signals only).

use leptos::prelude::*;
use time::OffsetDateTime;

use crate::actions::azure::ledger::apply_azure_output;
use crate::actions::copies::LedgeredKey;
use crate::browser::now_utc;
use crate::components::breakable::breakable;
use crate::components::command_block::CommandBlock;
use crate::components::deferred::{Deferred, split_view};
use crate::components::error_banner::ErrorBanner;
use crate::components::request_progress::RequestProgress;
use crate::components::submit::{Submit, SubmitButton};
use crate::components::text_field::TextArea;
use crate::domain::account::UserId;
use crate::domain::azure::command::{Vault, show_key};
use crate::domain::azure::outputs::read_key_output;
use crate::domain::expiry::ExpiryStatus;
use crate::domain::ledger::azure::AzureCopy;
use crate::domain::ledger::by_words;
use crate::settings::use_settings;

/// One Azure copy with the KMS key it is recorded on.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct AzureRow {
    pub(super) key_id: String,
    pub(super) copy: AzureCopy,
}

/// The Azure copies of every key, newest first, and those that cannot be read.
pub(super) fn azure_rows_of(keys: &[LedgeredKey]) -> (Vec<AzureRow>, Vec<String>) {
    let mut rows = Vec::new();
    let mut unreadable = Vec::new();
    for key in keys {
        let id = &key.attributes.unique_identifier;
        for copy in &key.azure {
            match copy {
                Ok(copy) => rows.push(AzureRow {
                    key_id: id.clone(),
                    copy: copy.clone(),
                }),
                Err(why) => unreadable.push(format!("{id}: {why}")),
            }
        }
    }
    rows.sort_by(|a, b| b.copy.id.cmp(&a.copy.id));
    (rows, unreadable)
}

/// `keys` with copy `saved` of `key_id` put in place of the one it updates.
pub(super) fn with_saved_azure(keys: &mut [LedgeredKey], key_id: &str, saved: &AzureCopy) {
    let copies = keys
        .iter_mut()
        .filter(|k| k.attributes.unique_identifier == key_id)
        .flat_map(|k| k.azure.iter_mut());
    for copy in copies {
        if matches!(copy, Ok(c) if c.id == saved.id) {
            *copy = Ok(saved.clone());
        }
    }
}

/// When the copy stops being usable in Azure, in words.
pub(super) fn azure_expiry_words(copy: &AzureCopy, now: OffsetDateTime) -> String {
    copy.expires()
        .map_or("does not expire (or not known)".to_owned(), |t| {
            ExpiryStatus::at(t, now).sentence()
        })
}

/// Whether the search `needle` (lower case) is in the row's KMS key or Azure place.
pub(super) fn azure_matches(row: &AzureRow, needle: &str) -> bool {
    needle.is_empty()
        || row.key_id.to_lowercase().contains(needle)
        || row.copy.place().to_lowercase().contains(needle)
}

/// One Azure copy in the table: KMS key, cloud, place, state, expiry, "Open".
#[component]
pub(super) fn AzureLedgerRow(
    row: AzureRow,
    now: ReadSignal<OffsetDateTime>,
    selected: RwSignal<Option<String>>,
) -> impl IntoView {
    let state = {
        let copy = row.copy.clone();
        move || copy.state(now.get()).label()
    };
    let expiry = {
        let copy = row.copy.clone();
        move || azure_expiry_words(&copy, now.get())
    };
    let id = row.copy.id.clone();
    let open = id.clone();
    let recorded_by = match &row.copy.recorded_by {
        Some(user) => format!("recorded by {user}"),
        None => "recorded by: not recorded".to_owned(),
    };
    view! {
        <tr data-entry-id=id.clone() data-cloud="Azure">
            <td data-label="KMS key">
                {breakable(&row.key_id)}
                {format!(" ({})", row.copy.key_type)}
            </td>
            <td data-label="Cloud" data-testid="entry-cloud">"Azure"</td>
            <td data-label="Copy in the cloud" data-testid="entry-place">{breakable(&row.copy.place())}</td>
            <td data-label="State">
                <span data-testid="entry-state">{state}</span>
                <br />
                <span class="hint" data-testid="entry-recorded-by">{recorded_by}</span>
            </td>
            <td data-label="Expiry">{expiry}</td>
            <td data-label="Details">
                <button type="button" class="secondary" on:click=move |_| selected.set(Some(open.clone()))>
                    "Open "{breakable(&id)}
                </button>
            </td>
        </tr>
    }
}

/// The Azure copy whose "Open" was clicked (its code loads then).
#[component]
pub(super) fn AzureDetails(
    row: AzureRow,
    reload: Callback<()>,
    saved: Callback<(String, AzureCopy)>,
) -> impl IntoView {
    view! { <Deferred load=azure_details_view(row, reload, saved) /> }
}

split_view! {
    fn azure_details_view(row: AzureRow, reload: Callback<()>, saved: Callback<(String, AzureCopy)>) {
        view! { <AzureDetailsView row=row reload=reload saved=saved /> }.into_any()
    }
}

/// What the last paste recorded, and who recorded it.
type AzureApplied = (AzureCopy, UserId);

#[component]
fn AzureDetailsView(
    row: AzureRow,
    reload: Callback<()>,
    saved: Callback<(String, AzureCopy)>,
) -> impl IntoView {
    let settings = use_settings();
    let current = RwSignal::new(row.copy.clone());
    let pasted = RwSignal::new(String::new());
    let key_id = row.key_id.clone();
    let run = Action::new_local(move |text: &String| {
        let (text, key_id) = (text.clone(), key_id.clone());
        let copy = current.get_untracked();
        let client = settings.client();
        async move { apply_azure_output(&client?, &key_id, &copy, &text, now_utc()).await }
    });
    let saved_key = row.key_id.clone();
    Effect::new(move |_| {
        if let Some(Ok((copy, _))) = run.value().get() {
            current.set(copy.clone());
            saved.run((saved_key.clone(), copy));
            pasted.set(String::new());
        }
    });
    let submit = Submit::new(run);
    let run_error = Signal::derive(move || run.value().get().and_then(Result::err));
    let applied = Signal::derive(move || run.value().get().and_then(Result::ok));
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submit.submit(|| {
            let text = pasted.get();
            // Another key's output is refused here, before anything is sent.
            let output = read_key_output(&text)?;
            current.with_untracked(|copy| copy.check_output(&output))?;
            Ok(text)
        });
    };
    let show = Signal::derive(move || {
        current
            .with(|copy| {
                let vault = copy.export.as_ref().map(|e| Vault::of(&e.kek_kid))?;
                Some(show_key(&vault, copy.name()?).multi_line())
            })
            .unwrap_or_default()
    });
    let has_show = move || current.with(|copy| copy.name().is_some() && copy.export.is_some());
    view! {
        <section class="entry-details" aria-labelledby="entry-title" data-testid="entry-details">
            <h2 id="entry-title">{format!("Azure copy {}", row.copy.id)}</h2>
            {move || current.with(|copy| azure_summary(copy.clone()))}
            <p class="hint">
                "Paste what az keyvault key import printed (or az keyvault key show for the key): it is checked to be this copy — in the KEK's vault, under this copy's name, of its key type, HSM-protected, not the KEK — then its version, state and expiry are recorded. Another key's output is refused and nothing is written."
            </p>
            <Show when=has_show>
                <CommandBlock id="ledger-azure-show" text=show label="Copy the az keyvault key show command" />
            </Show>
            <form on:submit=on_submit novalidate>
                <TextArea
                    id="ledger-azure-paste"
                    label="Azure's JSON output (az keyvault key import or az keyvault key show)"
                    rows=6
                    value=pasted
                />
                <ErrorBanner message=submit.refusal />
                <ErrorBanner message=run_error />
                <SubmitButton pending=submit.pending() idle="Check and record" busy="Checking…" />
                <RequestProgress pending=submit.pending() in_flight=submit.in_flight what="Recording on the KMS key" />
            </form>
            {move || applied.get().map(|(copy, by): AzureApplied| view! {
                <div class="result" role="status" data-testid="ledger-applied">
                    <p>{format!("Azure confirms this copy: {} is imported.", copy.place())}</p>
                    <p>
                        {format!("Recorded in the copy{}. ", by_words(Some(&by), "user unknown"))}
                        <button type="button" class="secondary" on:click=move |_| reload.run(())>
                            "Read the ledger again"
                        </button>
                    </p>
                </div>
            })}
        </section>
    }
}

/// What the copy records, in words.
fn azure_summary(copy: AzureCopy) -> impl IntoView {
    let now = now_utc();
    let export = copy.export.as_ref().map_or_else(
        || "not recorded (made outside this app)".to_owned(),
        |e| {
            format!(
                ".byok for the KEK {} (kid {}), KEK SHA-256 {}, .byok SHA-256 {}",
                e.kek_id,
                e.kek_kid,
                e.kek_sha256.as_deref().unwrap_or("not recorded"),
                e.byok_sha256
            )
        },
    );
    let command = copy.command.as_ref().map_or_else(
        || "not recorded (copy the import command on the export result to record them)".to_owned(),
        |c| {
            let ops = if c.ops.is_empty() {
                "every operation its type allows".to_owned()
            } else {
                c.ops
                    .iter()
                    .map(|o| o.az_name())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            format!(
                "key {}, operations: {ops}, {}",
                c.key_name,
                c.expires.map_or("no --expires".to_owned(), |t| format!(
                    "--expires {}",
                    crate::domain::time_display::utc_minutes(t)
                ))
            )
        },
    );
    view! {
        <dl class="entry-summary">
            <dt>"State"</dt>
            <dd data-testid="details-state">{copy.state(now).label()}</dd>
            <dt>"Azure key"</dt>
            <dd data-testid="details-place">{format!("{} ({})", copy.place(), copy.key_type)}</dd>
            <dt>"Expiry"</dt>
            <dd>{azure_expiry_words(&copy, now)}</dd>
            <dt>"Recorded"</dt>
            <dd data-testid="details-recorded">{copy.recorded_line()}</dd>
            <dt>"Wrapped export"</dt>
            <dd>{export}</dd>
            <dt>"Import command options"</dt>
            <dd>{command}</dd>
            <dt>"Events"</dt>
            <dd>
                {if copy.events.is_empty() {
                    "none yet".into_any()
                } else {
                    view! {
                        <ol class="entry-events" data-testid="details-events">
                            {copy.events.iter().map(|e| view! { <li>{e.line()}</li> }).collect_view()}
                        </ol>
                    }
                    .into_any()
                }}
            </dd>
        </dl>
    }
}
