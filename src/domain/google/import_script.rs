//! The one-file way to carry a wrapped key to the Google Cloud side: a POSIX shell script holding
//! the file, checking it (SHA-256, the import job's expiry, `gcloud`) before writing anything,
//! then running the page's own `gcloud kms keys versions import` and checking the version's state.

use time::OffsetDateTime;

use crate::domain::cli::shell_quote;
use crate::domain::google::command::{ImportVersion, import_version};
use crate::domain::import_script::{Carried, Lines, nothing_done, runnable};

/// The cloud the refusals name.
const CLOUD: &str = "Google Cloud";

/// Everything the script carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoogleImportScript<'a> {
    /// What the page's command imports, and where.
    pub import: &'a ImportVersion,
    /// The `--wrapped-key-file`'s bytes, as downloaded.
    pub wrapped_key: &'a [u8],
    /// The import job's `expireTime`, when known.
    pub expire_time: Option<OffsetDateTime>,
    /// The source key's id in the KMS, named in the closing words.
    pub kms_key_id: &'a str,
}

impl GoogleImportScript<'_> {
    /// `import-google-<key>.sh`.
    pub fn file_name(&self) -> String {
        format!("import-google-{}.sh", self.import.key.key())
    }

    /// The script's text.
    pub fn text(&self) -> String {
        let import = import_version(self.import);
        let files = [Carried {
            name: &self.import.wrapped_key_file,
            bytes: self.wrapped_key,
        }];
        let mut s = Lines::default();
        self.header(&mut s);
        s.preamble(
            CLOUD,
            &[
                "# gcloud asks nothing: a question would stop an unattended run.",
                "CLOUDSDK_CORE_DISABLE_PROMPTS=1",
                "export CLOUDSDK_CORE_DISABLE_PROMPTS",
            ],
        );
        self.checks(&mut s);
        s.carry(&files);
        s.placement(CLOUD, &files);
        s.dry_run(CLOUD, &[&import]);
        self.google_calls(&mut s);
        s.0
    }

    /// What the script does, for whoever opens it.
    fn header(&self, s: &mut Lines) {
        s.line("#!/bin/sh");
        s.line("# Imports a key exported from a Cosmian KMS into the Cloud KMS key");
        s.line(&format!("#   {}", self.import.key));
        s.line(&format!(
            "# as a new {} version, through the import job",
            self.import.algorithm.gcloud_name()
        ));
        s.line(&format!("#   {}", self.import.job));
        s.line(&match self.expire_time {
            Some(at) => format!(
                "# The import job expires at {} (expireTime).",
                crate::domain::import_script::utc_texts(at).0
            ),
            None => "# The import job's expireTime is not known here: Google checks it.".to_owned(),
        });
        s.line("#");
        s.line(&format!("# Usage: sh {} [--dry-run]", self.file_name()));
        s.lines(&[
            "# First checks everything: the wrapped key it carries (its SHA-256), the",
            "# import job's expiry, the tools, and that no different file of the same",
            "# name is next to it; a refusal leaves this folder as it was. Then writes",
            "# the file next to this script, runs gcloud kms keys versions import and",
            "# stops if the new version is not PENDING_IMPORT or ENABLED. --dry-run",
            "# checks and writes the file and prints the command: it sends nothing to",
            "# Google Cloud and needs no gcloud.",
            "# Needs: gcloud (signed in: gcloud auth login), sha256sum or shasum, base64",
            "# or openssl, mktemp, tr. Written by the BYOK UI: run it as it is, it never",
            "# needs editing.",
            "set -eu",
            "",
        ]);
    }

    /// The refusals that need no Google call, before anything is written next to the script.
    fn checks(&self, s: &mut Lines) {
        let nothing = nothing_done(CLOUD);
        s.lines(&[
            "# Every check comes before the first file is written next to this script:",
            "# a refusal leaves this folder as it was.",
        ]);
        if let Some(at) = self.expire_time {
            s.refuse_after(
                at,
                "# expireTime in UTC as digits: numbers compare in any POSIX shell.",
                &format!("The import job {} expired at {{shown}} (expireTime): Google refuses keys wrapped for it now. Create a new import job, import it on the Google import page, export again and download a new script. {nothing}", self.import.job.job()),
            );
        }
        s.require_cli(
            "gcloud",
            &format!("The Google Cloud CLI (gcloud) is not on PATH: install it, or run this script in Cloud Shell, and run it again (with --dry-run it only checks and writes the file, and needs no gcloud). {nothing}"),
        );
        s.work_folder(CLOUD);
    }

    /// The page's import command, its version JSON's name and state checked, the closing words.
    fn google_calls(&self, s: &mut Lines) {
        let (import_lines, import_shown) = runnable(&import_version(self.import));
        let versions = format!("\"name\":\"{}/cryptoKeyVersions/", self.import.key);
        s.line(&format!("printf 'Running:\\n%s\\n' {import_shown}"));
        s.line("version=$(");
        s.line(&import_lines);
        s.line(
            "    ) || fail \"Google Cloud refused the import (its message is above). PERMISSION_DENIED: the account needs cloudkms.cryptoKeyVersions.create (roles/cloudkms.importer); FAILED_PRECONDITION: the key's protection level or purpose does not fit the job or the algorithm, or the job expired.\"",
        );
        s.line("printf '%s\\n' \"$version\"");
        s.line(
            "# The version JSON without blanks: one form to match whatever gcloud's indentation.",
        );
        s.line("flat=$(printf '%s' \"$version\" | tr -d ' \\n\\t\\r')");
        s.line("case \"$flat\" in");
        s.line(&format!("    *{}*) ;;", shell_quote(&versions)));
        s.line(&format!(
            "    *) fail {} ;;",
            shell_quote(&format!(
                "The version gcloud printed is not a version of {}: check the key in the Google Cloud console.",
                self.import.key
            ))
        ));
        s.lines(&[
            "esac",
            "case \"$flat\" in",
            "    *'\"state\":\"ENABLED\"'*) state=ENABLED ;;",
            "    *'\"state\":\"PENDING_IMPORT\"'*) state=PENDING_IMPORT ;;",
            "    *) fail \"The new version is not PENDING_IMPORT or ENABLED (its JSON is above; importFailureReason says why when it is IMPORT_FAILED): the wrapped key does not fit the job or the algorithm. Export again for this job.\" ;;",
            "esac",
        ]);
        s.line(&format!(
            "printf '%s\\n' \"Done: the version is $state (PENDING_IMPORT becomes ENABLED within minutes; gcloud kms keys versions describe shows it).\" {}",
            shell_quote(&format!(
                "Google accepting the key under its own import job is the proof it holds {}'s material.",
                self.kms_key_id
            ))
        ));
    }
}

#[cfg(test)]
mod shell_runs;

#[cfg(test)]
pub(crate) mod tests {
    use std::path::Path;

    use time::macros::datetime;

    use super::*;
    use crate::domain::google::algorithm::GoogleAlgorithm;
    use crate::domain::google::names::KeyRingName;

    pub(crate) fn import() -> ImportVersion {
        let ring = KeyRingName::new("byok-demo-471203", "europe-west1", "byok-ring").unwrap();
        ImportVersion {
            key: ring.crypto_key("aes-1").unwrap(),
            job: ring.import_job("job-1").unwrap(),
            algorithm: GoogleAlgorithm::all()[0],
            wrapped_key_file: "aes-1-wrapped-key.bin".to_owned(),
            target_version: None,
        }
    }

    pub(crate) fn script<'a>(import: &'a ImportVersion, bytes: &'a [u8]) -> GoogleImportScript<'a> {
        GoogleImportScript {
            import,
            wrapped_key: bytes,
            expire_time: Some(datetime!(2026-12-03 10:15:00 UTC)),
            kms_key_id: "aes-1",
        }
    }

    #[test]
    fn the_script_carries_the_page_command_and_the_file() {
        let i = import();
        let s = script(&i, &[3u8; 552]);
        assert_eq!(s.file_name(), "import-google-aes-1.sh");
        let text = s.text();
        let golden =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("src/domain/google/import_script.golden.sh");
        if std::env::var_os("BLESS").is_some() {
            std::fs::write(&golden, &text).unwrap();
        }
        assert_eq!(
            text,
            std::fs::read_to_string(&golden).unwrap(),
            "the script changed: check it, then rerun with BLESS=1"
        );
        assert!(text.contains(&import_version(&i).multi_line()));
        assert!(text.contains("-ge 20261203101500 ]"));
        let unknown = GoogleImportScript {
            expire_time: None,
            ..s
        };
        assert!(!unknown.text().contains("date -u"));
    }
}
