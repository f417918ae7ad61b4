//! The one-file way to carry an export to the AWS side: a POSIX shell script
//! holding the wrapped key material and the import token, checking everything
//! before it writes anything, then running the page's own `import-key-material`
//! and `describe-key` commands.

use time::OffsetDateTime;

use crate::domain::aws::arn::AwsKeyArn;
use crate::domain::aws::cli::describe_key;
use crate::domain::aws::import_command::ImportCommand;
use crate::domain::cli::{CliCommand, shell_quote};
use crate::domain::import_script::{
    Carried, Lines, check_file_names, nothing_done, runnable, utc_texts,
};
use crate::domain::key_material::KeyMaterialSpec;

/// Everything the script carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportScript<'a> {
    /// The command the page shows; it names the two files the script writes.
    pub command: &'a ImportCommand,
    /// EncryptedKeyMaterial.bin.
    pub material: &'a [u8],
    /// ImportToken.bin.
    pub token: &'a [u8],
    /// get-parameters-for-import's `ParametersValidTo`, when known.
    pub parameters_valid_to: Option<OffsetDateTime>,
    /// The source key's id in the KMS, named in the closing words.
    pub kms_key_id: &'a str,
}

/// Why no script can be written yet.
pub const NEEDS_ARN: &str =
    "The import script needs the AWS key ARN: give it in \"AWS key ARN\" above.";

/// The cloud the refusals name.
const CLOUD: &str = "AWS";

impl ImportScript<'_> {
    /// `import-<key spec>-<first 8 characters of the key id>.sh` (`mrk-` kept).
    pub fn file_name(&self) -> Result<String, String> {
        let arn = self.command.key_arn.as_ref().ok_or(NEEDS_ARN)?;
        let key_id = arn.as_str().rsplit('/').next().unwrap_or_default();
        let short = match key_id.strip_prefix("mrk-") {
            Some(hex) => format!("mrk-{}", &hex[..8.min(hex.len())]),
            None => key_id.chars().take(8).collect(),
        };
        Ok(format!(
            "import-{}-{short}.sh",
            self.command.material.aws_spec()
        ))
    }

    /// The script's text.
    pub fn text(&self) -> Result<String, String> {
        let arn = self.command.key_arn.as_ref().ok_or(NEEDS_ARN)?;
        let files = self.files();
        check_file_names(&files, ["key material", "import token"])?;
        let mut s = Lines::default();
        self.header(&mut s, arn)?;
        s.preamble(
            CLOUD,
            &[
                "# Output is printed, never paged (AWS CLI v2).",
                "AWS_PAGER=''",
                "export AWS_PAGER",
            ],
        );
        self.checks(&mut s);
        s.carry(&files);
        s.placement(CLOUD, &files);
        let state = self.state_command();
        s.dry_run(CLOUD, &[&state, &self.command.command(), &state]);
        self.aws_calls(&mut s, arn);
        Ok(s.0)
    }

    /// The two files, in the order they are written.
    fn files(&self) -> [Carried<'_>; 2] {
        [
            Carried {
                name: &self.command.material_file,
                bytes: self.material,
            },
            Carried {
                name: &self.command.token_file,
                bytes: self.token,
            },
        ]
    }

    /// What the script does, for whoever opens it.
    fn header(&self, s: &mut Lines, arn: &AwsKeyArn) -> Result<(), String> {
        let command = self.command;
        s.line("#!/bin/sh");
        s.line("# Imports key material exported from a Cosmian KMS into the AWS KMS key");
        s.line(&format!("#   {arn}"));
        s.line(&format!(
            "# Key spec {}, key material {}.",
            command.material.aws_spec(),
            command.expiration
        ));
        s.line(&match self.parameters_valid_to {
            Some(at) => format!(
                "# The import token is valid until {} (ParametersValidTo).",
                utc_texts(at).0
            ),
            None => "# The import token's ParametersValidTo is not known here: AWS checks it."
                .to_owned(),
        });
        s.line("#");
        s.line(&format!("# Usage: sh {} [--dry-run]", self.file_name()?));
        s.lines(&[
            "# First checks everything: the two files it carries (their SHA-256), the",
            "# import parameters' expiry, the tools, and that no different file of the",
            "# same name is next to it; a refusal leaves this folder as it was. Then",
            "# writes the two files below next to this script, runs aws kms",
            "# describe-key, aws kms import-key-material and describe-key again, and",
            "# stops if the key is not Enabled. --dry-run checks and writes the files",
            "# and prints the commands: it sends nothing to AWS and needs no AWS CLI.",
            "# Needs: the AWS CLI (aws), sha256sum or shasum, base64 or openssl, mktemp.",
            "# The AWS CLI's own settings apply as usual (AWS_PROFILE, AWS_ENDPOINT_URL,",
            "# credentials); the Region comes from the key ARN. Written by the BYOK UI:",
            "# run it as it is, it never needs editing.",
            "set -eu",
            "",
        ]);
        Ok(())
    }

    /// Every refusal that needs no AWS call, before anything is written next
    /// to the script: expiry, the AWS CLI; then (`Lines::carry`) both files
    /// decoded and checked in a temporary folder, and no different file of the same name there.
    fn checks(&self, s: &mut Lines) {
        let nothing = nothing_done(CLOUD);
        s.lines(&[
            "# Every check comes before the first file is written next to this script:",
            "# a refusal leaves this folder as it was.",
        ]);
        if let Some(at) = self.parameters_valid_to {
            s.refuse_after(
                at,
                "# ParametersValidTo in UTC as digits: numbers compare in any POSIX shell.",
                &format!("The import parameters expired at {{shown}} (ParametersValidTo): AWS refuses this import token now. Run get-parameters-for-import again, import the new wrapping key into the KMS, export again and download a new script. {nothing}"),
            );
        }
        s.require_cli(
            "aws",
            &format!("The AWS CLI (aws) is not on PATH: install it, or run this script in AWS CloudShell, and run it again (with --dry-run it only checks and writes the files, and needs no AWS CLI). {nothing}"),
        );
        s.work_folder(CLOUD);
    }

    /// describe-key's KeyState alone.
    fn state_command(&self) -> CliCommand {
        let mut state = describe_key(self.command.key_arn.as_ref());
        state
            .0
            .push("--query KeyMetadata.KeyState --output text".to_owned());
        state
    }

    /// describe-key, the page's import command, describe-key again, and the closing words.
    fn aws_calls(&self, s: &mut Lines, arn: &AwsKeyArn) {
        let command = self.command;
        let (state_lines, state_shown) = runnable(&self.state_command());
        let (import_lines, import_shown) = runnable(&command.command());
        s.line("# Sets $state to the key's KeyState, as describe-key tells it.");
        s.line("read_state() {");
        s.line(&format!("    printf 'Running:\\n%s\\n' {state_shown}"));
        s.line("    state=$(");
        s.line(&state_lines);
        s.line(
            "    ) || fail \"AWS refused describe-key (its message is above): check the credentials (AWS_PROFILE), the Region and the key ARN.\"",
        );
        s.lines(&[
            "}",
            "",
            "read_state",
            "case \"$state\" in",
            "    PendingImport) ;;",
        ]);
        let reimport = command.import_type.is_some()
            && matches!(command.material, KeyMaterialSpec::Aes { .. });
        if reimport {
            s.line("    # --import-type: new or existing material for a key that may be Enabled.");
            s.line("    Enabled) ;;");
        } else {
            s.line("    Enabled)");
            s.line(&format!(
                "        printf '%s\\n' {}",
                shell_quote(&format!(
                    "The key {arn} is already Enabled: its key material is already imported (by an earlier run of this script or another import). Nothing was imported."
                ))
            ));
            s.line("        exit 0");
            s.line("        ;;");
        }
        s.line(
            "    *) fail \"The key is $state, not PendingImport: key material can be imported only into a key waiting for it. Check the key in the AWS console. Nothing was imported.\" ;;",
        );
        s.line("esac");
        s.line("");
        s.line(&format!("printf 'Running:\\n%s\\n' {import_shown}"));
        s.line(&format!("if ! {import_lines}; then"));
        s.line(
            "    fail \"AWS refused the import (its message is above). InvalidCiphertext or InvalidImportToken: the files are not from the same get-parameters-for-import call as the key; ExpiredImportToken: run get-parameters-for-import again and export again.\"",
        );
        s.line("fi");
        s.line("");
        s.line("read_state");
        s.line(
            "[ \"$state\" = Enabled ] || fail \"After the import the key is $state, not Enabled: check the key in the AWS console.\"",
        );
        let proof = match command.material {
            KeyMaterialSpec::Aes { .. } => "AWS accepting the material under its own import token is the proof it holds this key.".to_owned(),
            KeyMaterialSpec::Hmac { .. } => format!("To prove AWS holds the same material as {}, run the BYOK ledger's generate-mac check.", self.kms_key_id),
            KeyMaterialSpec::RsaPrivate { .. } | KeyMaterialSpec::EcPrivate { .. } => format!("To prove AWS holds the same material as {}, run the BYOK ledger's get-public-key check.", self.kms_key_id),
        };
        s.line(&format!(
            "printf '%s\\n' {}",
            shell_quote(&format!(
                "Done: the key {arn} is Enabled with the imported key material. {proof}"
            ))
        ));
    }
}

#[cfg(test)]
mod shell_runs;

#[cfg(test)]
mod tests {
    use std::path::Path;

    use time::macros::datetime;

    use super::*;
    use crate::domain::aws::arn::AwsKeyArn;
    use crate::domain::aws::import_command::ImportType;
    use crate::domain::aws::import_command::tests::command;
    use crate::domain::key_material::HmacHash;

    pub(super) fn script<'a>(command: &'a ImportCommand, material: &'a [u8]) -> ImportScript<'a> {
        ImportScript {
            command,
            material,
            token: b"token bytes",
            parameters_valid_to: Some(datetime!(2026-11-30 16:07:13.227 +01:00)),
            kms_key_id: "aes-1",
        }
    }

    #[test]
    fn the_file_is_named_by_key_spec_and_short_key_id() {
        let mut c = command();
        assert_eq!(
            script(&c, b"m").file_name().unwrap(),
            "import-SYMMETRIC_DEFAULT-350e35ef.sh"
        );
        c.material = KeyMaterialSpec::Hmac {
            hash: HmacHash::Sha384,
            bits: 384,
        };
        c.key_arn = Some(
            AwsKeyArn::parse(
                "arn:aws:kms:us-east-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab",
            )
            .unwrap(),
        );
        assert_eq!(
            script(&c, b"m").file_name().unwrap(),
            "import-HMAC_384-mrk-1234abcd.sh"
        );
        c.key_arn = None;
        assert_eq!(script(&c, b"m").file_name().unwrap_err(), NEEDS_ARN);
        assert_eq!(script(&c, b"m").text().unwrap_err(), NEEDS_ARN);
    }

    #[test]
    fn the_script_carries_the_page_command_and_both_files() {
        let c = command();
        let text = script(&c, &[0u8; 60]).text().unwrap();
        let golden =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("src/domain/aws/import_script.golden.sh");
        if std::env::var_os("BLESS").is_some() {
            std::fs::write(&golden, &text).unwrap();
        }
        assert_eq!(
            text,
            std::fs::read_to_string(&golden).unwrap(),
            "the script changed: check it, then rerun with BLESS=1"
        );
        // The page's command, word for word.
        assert!(text.contains(&format!("if ! {}; then", c.multi_line())));
        assert!(text.contains("# The import token is valid until 2026-11-30T15:07:13Z"));
        assert!(text.contains("-ge 20261130150713 ]"));
    }

    #[test]
    fn two_files_of_one_name_get_no_script() {
        let mut c = command();
        c.token_file = c.material_file.clone();
        assert_eq!(
            script(&c, b"m").text().unwrap_err(),
            "The key material and the import token both have the file name \"EncryptedKeyMaterial.bin\": give each file its own name above."
        );
    }

    #[test]
    fn the_closing_words_say_how_sameness_is_proven() {
        let mut c = command();
        let aes = script(&c, b"m").text().unwrap();
        assert!(aes.contains("is the proof it holds this key"));
        assert!(aes.contains("already Enabled"));
        c.material = KeyMaterialSpec::Hmac {
            hash: HmacHash::Sha256,
            bits: 256,
        };
        assert!(
            script(&c, b"m")
                .text()
                .unwrap()
                .contains("generate-mac check")
        );
        c.material = KeyMaterialSpec::RsaPrivate { bits: 2048 };
        assert!(
            script(&c, b"m")
                .text()
                .unwrap()
                .contains("get-public-key check")
        );
        // A re-import or rotation of symmetric material may find the key Enabled.
        c.material = KeyMaterialSpec::Aes { bits: 256 };
        c.import_type = Some(ImportType::ExistingKeyMaterial);
        assert!(!script(&c, b"m").text().unwrap().contains("already Enabled"));
        let unknown = ImportScript {
            parameters_valid_to: None,
            ..script(&c, b"m")
        };
        let text = unknown.text().unwrap();
        assert!(text.contains("ParametersValidTo is not known here"));
        assert!(!text.contains("date -u"));
    }
}
