//! The ledger line of an export result: the export is recorded on the exported
//! key at once, and the import command's options once the user copies it.

use leptos::prelude::*;

use crate::actions::copies::record_export;
use crate::actions::export::WrappedKeyMaterial;
use crate::actions::ledger::record_command_options;
use crate::actions::vendor_store::RecordError;
use crate::browser::{now_utc, random_bytes};
use crate::domain::aws::import_command::ImportCommand;
use crate::domain::aws::outputs::arn_account;
use crate::domain::aws::runbook::is_multi_region;
use crate::domain::ledger::{LedgerEntry, by_words};
use crate::routes::Page;
use crate::settings::use_settings;

/// Where the export's ledger entry stands.
#[derive(Clone, Debug, PartialEq)]
pub enum LedgerRecord {
    Recording,
    Recorded {
        entry: Box<LedgerEntry>,
        /// The options of the last import command copied, once recorded.
        options_recorded: bool,
    },
    /// Why nothing (or not the latest options) was kept; the export itself is fine.
    NotRecorded(String),
    /// The KMS does not let this user write the key's attributes (e.g. a
    /// user granted Export only): the message says who and the server's
    /// reason; the key's owner can register the copy later.
    NotPermitted(String),
}

/// Records the export on its key as soon as the result is shown; returns
/// the status signal and a callback that records a copied command's options.
pub fn use_ledger_record(
    wrapped: &WrappedKeyMaterial,
) -> (RwSignal<LedgerRecord>, Callback<ImportCommand>) {
    let settings = use_settings();
    let status = RwSignal::new(LedgerRecord::Recording);
    let key_id = wrapped.key_id.clone();
    let wrapped = wrapped.clone();
    leptos::task::spawn_local(async move {
        let recorded = match settings.client() {
            Ok(client) => record_export(&client, &wrapped, now_utc(), random_bytes())
                .await
                .map_err(|e| match e {
                    RecordError::NotAllowed { .. } => LedgerRecord::NotPermitted(e.to_string()),
                    other => LedgerRecord::NotRecorded(other.to_string()),
                }),
            Err(message) => Err(LedgerRecord::NotRecorded(message)),
        };
        // The result may be gone by now (another export replaced it).
        let _ = status.try_set(match recorded {
            Ok(entry) => LedgerRecord::Recorded {
                entry: Box::new(entry),
                options_recorded: false,
            },
            Err(not_recorded) => not_recorded,
        });
    });
    let on_command_copied = Callback::new(move |command: ImportCommand| {
        let LedgerRecord::Recorded { entry, .. } = status.get_untracked() else {
            return;
        };
        let key_id = key_id.clone();
        leptos::task::spawn_local(async move {
            let saved = match settings.client() {
                Ok(client) => record_command_options(&client, &key_id, &entry, &command).await,
                Err(message) => Err(message),
            };
            let _ = status.try_set(match saved {
                Ok(entry) => LedgerRecord::Recorded {
                    entry: Box::new(entry),
                    options_recorded: true,
                },
                Err(message) => LedgerRecord::NotRecorded(format!(
                    "The import command's options were not recorded: {message}"
                )),
            });
        });
    });
    (status, on_command_copied)
}

/// The ledger line under the export summary.
#[component]
pub fn LedgerRecordStatus(status: RwSignal<LedgerRecord>, key_id: String) -> impl IntoView {
    let ledger = Page::Ledger.href();
    move || {
        match status.get() {
        LedgerRecord::Recording => view! {
            <p class="muted" role="status" data-testid="ledger-status">
                "Recording this export in the BYOK ledger…"
            </p>
        }
        .into_any(),
        LedgerRecord::Recorded {
            entry,
            options_recorded,
        } => {
            let options = if options_recorded {
                " The import command's options (expiry, import type) are recorded with it."
            } else {
                " Copying the import command records its options (expiry, import type) too."
            };
            // A multi-Region key: its replicas import the same material, Region by Region.
            let replicas = entry
                .aws_key_arn
                .as_ref()
                .filter(|arn| is_multi_region(arn))
                .map(|_| Page::rotation_href(&key_id, &entry.id));
            // The account that owns the AWS key, from its ARN (keys can be shared across accounts).
            let account = entry.aws_key_arn.as_ref().map_or(String::new(), |arn| {
                format!(" The AWS key {arn} is in AWS account {}.", arn_account(arn))
            });
            view! {
                <p class="ok" role="status" data-testid="ledger-status">
                    {format!(
                        "Recorded in the BYOK ledger on {key_id} (entry {}){}.{account}{options} After the import, paste AWS's output in the ",
                        entry.id,
                        by_words(entry.recorded_by.as_ref(), "user unknown")
                    )}
                    <a href=ledger.clone()>"ledger"</a>
                    " to confirm it."
                    {replicas.map(|href| view! {
                        " Multi-Region key: once the primary has imported, "
                        <a href=href>"add its replica Regions"</a>
                        " (each imports this same material under its own wrapping key)."
                    })}
                </p>
            }
            .into_any()
        }
        LedgerRecord::NotRecorded(message) => view! {
            <div class="error-banner" role="alert" data-testid="ledger-status">
                <strong>"Not recorded in the BYOK ledger: "</strong>
                <span class="error-text">{message}</span>
                " The wrapped key material above is fine; keep a note of which AWS key it goes to."
            </div>
        }
        .into_any(),
        LedgerRecord::NotPermitted(message) => view! {
            <div class="error-banner" role="alert" data-testid="ledger-status">
                <strong>"This copy is not recorded in the BYOK ledger: "</strong>
                <span class="error-text">{message}</span>
                " The wrapped key material above is fine: import it as usual, and keep a note of which AWS key it goes to. "
                "The key's owner (or a user allowed to change this key's attributes) can record this copy later on the "
                <a href=ledger.clone()>"BYOK ledger"</a>
                ": \"Register a copy made outside this app\" takes the KMS key id and AWS's describe-key output once the material is imported."
            </div>
        }
        .into_any(),
    }
    }
}
