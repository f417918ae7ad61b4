//! The ledger page's Google Cloud copies: what an opened one shows of Google's own (its
//! wrapped-key export, the command's options, `gcloud kms keys versions describe`).

use leptos::prelude::*;

use super::copies::{CopyDetails, CopyRow, copy_details};
use crate::components::deferred::{Deferred, split_view};
use crate::domain::google::command::describe_version;
use crate::domain::ledger::google::GoogleCopy;

impl CopyDetails for GoogleCopy {
    const PASTE_ID: &'static str = "ledger-google-paste";
    const PASTE_LABEL: &'static str = "gcloud's JSON output (gcloud kms keys versions import or gcloud kms keys versions describe, with --format json)";
    const PASTE_HINT: &'static str = "Paste what gcloud kms keys versions import printed (or gcloud kms keys versions describe for the version), with --format json: it is checked to be this copy — in the job's key ring, of this copy's key, imported with its import job, of its algorithm and protection level — then its version and state are recorded. Another key's, job's or version's output is refused and nothing is written.";
    const SHOW_ID: &'static str = "ledger-google-describe";
    const SHOW_LABEL: &'static str = "Copy the gcloud kms keys versions describe command";

    fn show_command(&self) -> Option<String> {
        self.version
            .as_ref()
            .map(|version| describe_version(version).multi_line())
    }

    fn summary_lines(&self) -> Vec<(&'static str, String)> {
        let export = self.export.as_ref().map_or_else(
            || "not recorded (made outside this app)".to_owned(),
            |e| {
                format!(
                    "wrapped key for the import job {} (wrapping key {}), wrapping key SHA-256 {}, wrapped key file SHA-256 {}",
                    e.import_job,
                    e.kek_id,
                    e.kek_sha256.as_deref().unwrap_or("not recorded"),
                    e.wrapped_sha256
                )
            },
        );
        let command = self.command.as_ref().map_or_else(
            || {
                "not recorded (copy the import command on the export result to record them)"
                    .to_owned()
            },
            |c| {
                format!(
                    "key {}, --wrapped-key-file {}, {}",
                    c.key,
                    c.wrapped_key_file,
                    c.target_version
                        .map_or("a new version".to_owned(), |v| format!("--version {v}"))
                )
            },
        );
        let level = self.protection_level.as_ref().map_or_else(
            || "not known (the job was typed in without it)".to_owned(),
            |l| l.to_string(),
        );
        vec![
            ("Protection level", level),
            ("Wrapped export", export),
            ("Import command options", command),
        ]
    }

    fn recorded_line(&self) -> String {
        GoogleCopy::recorded_line(self)
    }

    fn event_lines(&self) -> Vec<String> {
        self.events.iter().map(|e| e.line()).collect()
    }
}

/// The Google Cloud copy whose "Open" was clicked (its code loads then).
#[component]
pub(super) fn GoogleDetails(
    row: CopyRow<GoogleCopy>,
    reload: Callback<()>,
    saved: Callback<(String, GoogleCopy)>,
) -> impl IntoView {
    view! { <Deferred load=google_details_view(row, reload, saved) /> }
}

split_view! {
    fn google_details_view(row: CopyRow<GoogleCopy>, reload: Callback<()>, saved: Callback<(String, GoogleCopy)>) {
        copy_details(row, reload, saved).into_any()
    }
}
