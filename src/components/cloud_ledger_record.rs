//! The ledger line of an Azure or Google Cloud export result: the copy is recorded on the
//! exported key at once, and the import command's options once the command is copied.

use std::future::Future;

use leptos::prelude::*;

use crate::actions::cloud_ledger::record_command;
use crate::actions::vendor_store::RecordError;
use crate::client::KmsClient;
use crate::domain::ledger::{CloudCopy, by_words};
use crate::routes::Page;
use crate::settings::use_settings;

/// Where the export's cloud copy stands in the ledger.
#[derive(Clone, Debug, PartialEq)]
pub enum CloudLedgerRecord<C> {
    Recording,
    Recorded {
        copy: Box<C>,
        /// The options of the last import command copied, once recorded.
        options_recorded: bool,
    },
    /// Why nothing (or not the latest options) was kept; the file itself is fine.
    NotRecorded(String),
}

/// Records the export on `key_id` as soon as the result is shown (`record` writes the new
/// copy); returns the status and a callback that records a copied command's options.
pub fn use_cloud_ledger_record<C, F>(
    key_id: String,
    record: impl FnOnce(KmsClient) -> F + 'static,
) -> (RwSignal<CloudLedgerRecord<C>>, Callback<C::Command>)
where
    C: CloudCopy,
    F: Future<Output = Result<C, RecordError>> + 'static,
{
    let settings = use_settings();
    let status = RwSignal::new(CloudLedgerRecord::Recording);
    leptos::task::spawn_local(async move {
        let recorded = match settings.client() {
            Ok(client) => record(client).await.map_err(|e| e.to_string()),
            Err(message) => Err(message),
        };
        // The result may be gone by now (another export replaced it).
        let _ = status.try_set(match recorded {
            Ok(copy) => CloudLedgerRecord::Recorded {
                copy: Box::new(copy),
                options_recorded: false,
            },
            Err(message) => CloudLedgerRecord::NotRecorded(message),
        });
    });
    let on_command_copied = Callback::new(move |command: C::Command| {
        let CloudLedgerRecord::Recorded { copy, .. } = status.get_untracked() else {
            return;
        };
        let key_id = key_id.clone();
        leptos::task::spawn_local(async move {
            let saved = match settings.client() {
                Ok(client) => record_command(&client, &key_id, &*copy, command).await,
                Err(message) => Err(message),
            };
            let _ = status.try_set(match saved {
                Ok(copy) => CloudLedgerRecord::Recorded {
                    copy: Box::new(copy),
                    options_recorded: true,
                },
                Err(message) => CloudLedgerRecord::NotRecorded(format!(
                    "The import command's options were not recorded: {message}"
                )),
            });
        });
    });
    (status, on_command_copied)
}

/// The ledger line under the result (`data-testid` `<cloud>-ledger-status`: `azure-…`, `google-…`).
pub fn cloud_ledger_record_status<C: CloudCopy>(
    status: RwSignal<CloudLedgerRecord<C>>,
    key_id: String,
    testid: &'static str,
) -> impl IntoView {
    let ledger = Page::Ledger.href();
    let cloud = C::CLOUD.name();
    move || {
        match status.get() {
        CloudLedgerRecord::Recording => view! {
            <p class="muted" role="status" data-testid=testid>
                "Recording this export in the BYOK ledger…"
            </p>
        }
        .into_any(),
        CloudLedgerRecord::Recorded {
            copy,
            options_recorded,
        } => {
            let options = if options_recorded {
                format!(
                    " The import command's options are recorded with it (key {}).",
                    copy.place()
                )
            } else {
                format!(" Copying the import command records {} too.", C::COMMAND_RECORDS)
            };
            view! {
                <p class="ok" role="status" data-testid=testid>
                    {format!(
                        "Recorded in the BYOK ledger on {key_id} as {cloud} copy {} ({}){}.{options} After the import, paste {}'s output in the ",
                        copy.id(),
                        copy.destination(),
                        by_words(copy.recorded_by(), "user unknown"),
                        C::CONFIRMED_BY
                    )}
                    <a href=ledger.clone()>"ledger"</a>
                    " to confirm it."
                </p>
            }
            .into_any()
        }
        CloudLedgerRecord::NotRecorded(message) => view! {
            <div class="error-banner" role="alert" data-testid=testid>
                <strong>"Not recorded in the BYOK ledger: "</strong>
                <span class="error-text">{message}</span>
                {format!(" The {} above is fine; keep a note of which {cloud} key it goes to.", C::FILE)}
            </div>
        }
        .into_any(),
    }
    }
}
