//! The ledger line of an Azure `.byok` result: the copy is recorded on the exported key at
//! once, and the `az keyvault key import` command's options (key name, ops, expiry) once copied.

use leptos::prelude::*;

use crate::actions::azure::export::AzureByok;
use crate::actions::azure::ledger::record_azure_command;
use crate::actions::copies::record_azure_export;
use crate::actions::vendor_store::RecordError;
use crate::browser::{now_utc, random_bytes};
use crate::domain::ledger::azure::{AzureCommand, AzureCopy};
use crate::domain::ledger::by_words;
use crate::routes::Page;
use crate::settings::use_settings;

/// Where the `.byok`'s Azure copy stands in the ledger.
#[derive(Clone, Debug, PartialEq)]
pub enum AzureLedgerRecord {
    Recording,
    Recorded {
        copy: Box<AzureCopy>,
        /// The options of the last import command copied, once recorded.
        options_recorded: bool,
    },
    /// Why nothing (or not the latest options) was kept; the file itself is fine.
    NotRecorded(String),
}

/// Records the export on its key as soon as the result is shown; returns the status
/// and a callback that records a copied command's options.
pub fn use_azure_ledger_record(
    byok: &AzureByok,
) -> (RwSignal<AzureLedgerRecord>, Callback<AzureCommand>) {
    let settings = use_settings();
    let status = RwSignal::new(AzureLedgerRecord::Recording);
    let key_id = byok.key_id.clone();
    let byok = byok.clone();
    leptos::task::spawn_local(async move {
        let recorded = match settings.client() {
            Ok(client) => record_azure_export(&client, &byok, now_utc(), random_bytes())
                .await
                .map_err(|e: RecordError| e.to_string()),
            Err(message) => Err(message),
        };
        // The result may be gone by now (another export replaced it).
        let _ = status.try_set(match recorded {
            Ok(copy) => AzureLedgerRecord::Recorded {
                copy: Box::new(copy),
                options_recorded: false,
            },
            Err(message) => AzureLedgerRecord::NotRecorded(message),
        });
    });
    let on_command_copied = Callback::new(move |command: AzureCommand| {
        let AzureLedgerRecord::Recorded { copy, .. } = status.get_untracked() else {
            return;
        };
        let key_id = key_id.clone();
        leptos::task::spawn_local(async move {
            let saved = match settings.client() {
                Ok(client) => record_azure_command(&client, &key_id, &copy, command).await,
                Err(message) => Err(message),
            };
            let _ = status.try_set(match saved {
                Ok(copy) => AzureLedgerRecord::Recorded {
                    copy: Box::new(copy),
                    options_recorded: true,
                },
                Err(message) => AzureLedgerRecord::NotRecorded(format!(
                    "The import command's options were not recorded: {message}"
                )),
            });
        });
    });
    (status, on_command_copied)
}

/// The ledger line under the `.byok` result.
#[component]
pub fn AzureLedgerRecordStatus(
    status: RwSignal<AzureLedgerRecord>,
    key_id: String,
) -> impl IntoView {
    let ledger = Page::Ledger.href();
    move || match status.get() {
        AzureLedgerRecord::Recording => view! {
            <p class="muted" role="status" data-testid="azure-ledger-status">
                "Recording this export in the BYOK ledger…"
            </p>
        }
        .into_any(),
        AzureLedgerRecord::Recorded {
            copy,
            options_recorded,
        } => {
            let options = if options_recorded {
                format!(
                    " The import command's options are recorded with it (key {}).",
                    copy.place()
                )
            } else {
                " Copying the import command records its key name, operations and expiry too."
                    .to_owned()
            };
            view! {
                <p class="ok" role="status" data-testid="azure-ledger-status">
                    {format!(
                        "Recorded in the BYOK ledger on {key_id} as Azure copy {} ({}){}.{options} After the import, paste az keyvault key import's output in the ",
                        copy.id,
                        copy.vault,
                        by_words(copy.recorded_by.as_ref(), "user unknown")
                    )}
                    <a href=ledger.clone()>"ledger"</a>
                    " to confirm it."
                </p>
            }
            .into_any()
        }
        AzureLedgerRecord::NotRecorded(message) => view! {
            <div class="error-banner" role="alert" data-testid="azure-ledger-status">
                <strong>"Not recorded in the BYOK ledger: "</strong>
                <span class="error-text">{message}</span>
                " The .byok file above is fine; keep a note of which Azure key it goes to."
            </div>
        }
        .into_any(),
    }
}
