//! The ledger page's Azure copies: what an opened one shows of Azure's own (its `.byok`
//! export, the command's options, `az keyvault key show`), the rest shared in `copies.rs`.

use leptos::prelude::*;

use super::copies::{CopyDetails, CopyRow, copy_details};
use crate::components::deferred::{Deferred, split_view};
use crate::domain::azure::command::{Vault, show_key};
use crate::domain::ledger::azure::AzureCopy;
use crate::domain::time_display::utc_minutes;

impl CopyDetails for AzureCopy {
    const PASTE_ID: &'static str = "ledger-azure-paste";
    const PASTE_LABEL: &'static str =
        "Azure's JSON output (az keyvault key import or az keyvault key show)";
    const PASTE_HINT: &'static str = "Paste what az keyvault key import printed (or az keyvault key show for the key): it is checked to be this copy — in the KEK's vault, under this copy's name, of its key type, HSM-protected, not the KEK — then its version, state and expiry are recorded. Another key's output is refused and nothing is written.";
    const SHOW_ID: &'static str = "ledger-azure-show";
    const SHOW_LABEL: &'static str = "Copy the az keyvault key show command";

    fn show_command(&self) -> Option<String> {
        let vault = self.export.as_ref().map(|e| Vault::of(&e.kek_kid))?;
        Some(show_key(&vault, self.name()?).multi_line())
    }

    fn summary_lines(&self) -> Vec<(&'static str, String)> {
        let export = self.export.as_ref().map_or_else(
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
        let command = self.command.as_ref().map_or_else(
            || {
                "not recorded (copy the import command on the export result to record them)"
                    .to_owned()
            },
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
                        utc_minutes(t)
                    ))
                )
            },
        );
        vec![
            ("Wrapped export", export),
            ("Import command options", command),
        ]
    }

    fn recorded_line(&self) -> String {
        AzureCopy::recorded_line(self)
    }

    fn event_lines(&self) -> Vec<String> {
        self.events.iter().map(|e| e.line()).collect()
    }
}

/// The Azure copy whose "Open" was clicked (its code loads then).
#[component]
pub(super) fn AzureDetails(
    row: CopyRow<AzureCopy>,
    reload: Callback<()>,
    saved: Callback<(String, AzureCopy)>,
) -> impl IntoView {
    view! { <Deferred load=azure_details_view(row, reload, saved) /> }
}

split_view! {
    fn azure_details_view(row: CopyRow<AzureCopy>, reload: Callback<()>, saved: Callback<(String, AzureCopy)>) {
        copy_details(row, reload, saved).into_any()
    }
}
