//! The one-file way to carry an export to the AWS side: a POSIX shell script
//! holding the wrapped key material and the import token, checking everything
//! before it writes anything, then running the page's own `import-key-material`
//! and `describe-key` commands.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use time::{OffsetDateTime, UtcOffset};

use crate::domain::aws::arn::AwsKeyArn;
use crate::domain::aws::cli::describe_key;
use crate::domain::aws::import_command::ImportCommand;
use crate::domain::cli::{CliCommand, shell_quote};
use crate::domain::key_material::KeyMaterialSpec;
use crate::domain::ledger::sha256_hex;

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

/// How every refusal before the first write ends: the folder is as it was.
const NOTHING_DONE: &str = "No file was written and nothing was sent to AWS.";

/// How a refusal while placing the files ends: what was placed is removed.
const TAKEN_BACK: &str =
    "Any file this run wrote was removed, so the folder is as it was, and nothing was sent to AWS.";

/// Where a here-document of base64 ends: `-` is not in the base64 alphabet.
const END: &str = "END-OF-BASE64";

/// Base64 lines of 64 characters: what `base64 -d` and `openssl base64 -d` both read.
fn base64_lines(bytes: &[u8]) -> String {
    let text = STANDARD.encode(bytes);
    let mut out = String::with_capacity(text.len() + text.len() / 64 + 1);
    for chunk in text.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out
}

/// `2026-11-30T15:07:13Z` and `20261130150713` (digits compare as numbers in `[ -ge ]`).
fn utc_texts(at: OffsetDateTime) -> (String, String) {
    let t = at.to_offset(UtcOffset::UTC);
    let (y, mo, d) = (t.year(), u8::from(t.month()), t.day());
    let (h, mi, s) = (t.hour(), t.minute(), t.second());
    (
        format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z"),
        format!("{y:04}{mo:02}{d:02}{h:02}{mi:02}{s:02}"),
    )
}

/// A command as script lines, and as one quoted word that prints it.
fn runnable(command: &CliCommand) -> (String, String) {
    let text = command.multi_line();
    let quoted = shell_quote(&text).into_owned();
    (text, quoted)
}

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
        self.check_file_names()?;
        let mut s = Lines::default();
        self.header(&mut s, arn)?;
        preamble(&mut s);
        self.checks(&mut s);
        self.placement(&mut s);
        self.dry_run(&mut s);
        self.aws_calls(&mut s, arn);
        Ok(s.0)
    }

    /// Two files of one name would be one file next to the script.
    fn check_file_names(&self) -> Result<(), String> {
        let name = &self.command.material_file;
        if *name == self.command.token_file {
            return Err(format!(
                "The key material and the import token both have the file name \"{name}\": give each file its own name above."
            ));
        }
        Ok(())
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
    /// to the script: expiry, the AWS CLI, both files decoded and checked in
    /// a temporary folder, and no different file of the same name there.
    fn checks(&self, s: &mut Lines) {
        s.lines(&[
            "# Every check comes before the first file is written next to this script:",
            "# a refusal leaves this folder as it was.",
        ]);
        if let Some(at) = self.parameters_valid_to {
            let (shown, digits) = utc_texts(at);
            s.line("# ParametersValidTo in UTC as digits: numbers compare in any POSIX shell.");
            s.line(&format!(
                "if [ \"$(date -u +%Y%m%d%H%M%S)\" -ge {digits} ]; then"
            ));
            s.line(&format!(
                "    fail \"The import parameters expired at {shown} (ParametersValidTo): AWS refuses this import token now. Run get-parameters-for-import again, import the new wrapping key into the KMS, export again and download a new script. {NOTHING_DONE}\""
            ));
            s.line("fi");
        }
        s.line("if [ \"$dry_run\" = false ] && ! command -v aws >/dev/null 2>&1; then");
        s.line(&format!(
            "    fail \"The AWS CLI (aws) is not on PATH: install it, or run this script in AWS CloudShell, and run it again (with --dry-run it only checks and writes the files, and needs no AWS CLI). {NOTHING_DONE}\""
        ));
        s.lines(&[
            "fi",
            "",
            "# The files are decoded and checked in a temporary folder here, removed on",
            "# every exit, as is a file placed by a placement that did not finish.",
            "work=''",
            "placed=''",
            "clean_up() {",
            "    if [ -n \"$placed\" ]; then rm -f \"./$placed\"; fi",
            "    if [ -n \"$work\" ]; then rm -rf \"$work\"; fi",
            "}",
            "trap clean_up EXIT",
            "trap 'exit 1' HUP INT TERM",
        ]);
        s.line(&format!(
            "work=$(mktemp -d ./.import-script.XXXXXX) || fail \"No temporary folder could be made next to this script (see above): run the script in a folder you may write to. {NOTHING_DONE}\""
        ));
        s.lines(&[
            "",
            "# unpack NAME SHA256 < base64: NAME decoded into the temporary folder, checked.",
            "unpack() {",
        ]);
        s.line(&format!(
            "    from_base64 >\"$work/$1\" || fail \"The $1 this script carries could not be decoded or written (see above): make room on the disk if it is full, else download the script again. {NOTHING_DONE}\""
        ));
        s.lines(&[
            "    got=$(sha256 \"$work/$1\")",
            "    [ \"$got\" = \"$2\" ] ||",
        ]);
        s.line(&format!(
            "        fail \"The $1 this script carries is damaged (SHA-256 $got, expected $2): download the script again. {NOTHING_DONE}\""
        ));
        s.lines(&[
            "}",
            "",
            "# refuse_other NAME SHA256: stops when a different NAME is next to this script.",
            "refuse_other() {",
            "    if [ -e \"./$1\" ] || [ -L \"./$1\" ]; then",
            "        have=$(sha256 \"./$1\")",
            "        [ \"$have\" = \"$2\" ] ||",
        ]);
        s.line(&format!(
            "            fail \"$1 next to this script differs from the one it carries (SHA-256 $have, expected $2) and was left as it is: move it away, or run the script from another folder. {NOTHING_DONE}\""
        ));
        s.lines(&["    fi", "}", ""]);
        let files = [
            (&self.command.material_file, self.material),
            (&self.command.token_file, self.token),
        ];
        for (name, bytes) in files {
            s.line(&format!(
                "unpack {} {} <<'{END}'",
                shell_quote(name),
                sha256_hex(bytes)
            ));
            s.0.push_str(&base64_lines(bytes));
            s.line(END);
        }
        for (name, bytes) in files {
            s.line(&format!(
                "refuse_other {} {}",
                shell_quote(name),
                sha256_hex(bytes)
            ));
        }
        s.line("");
    }

    /// Every check passed: both files moved next to the script (renames in
    /// one folder), the first taken back if the second cannot follow.
    fn placement(&self, s: &mut Lines) {
        s.lines(&[
            "# Every check passed: the two files go next to this script.",
            "# place NAME SHA256: NAME moved there, unless the same one is already there.",
            "place() {",
            "    refuse_other \"$1\" \"$2\"",
            "    if [ -e \"./$1\" ]; then",
            "        printf '%s is already there and the same (SHA-256 %s).\\n' \"$1\" \"$2\"",
            "    else",
        ]);
        s.line(&format!(
            "        mv \"$work/$1\" \"./$1\" || fail \"$1 could not be moved next to this script (see above): run the script in a folder you may write to. {TAKEN_BACK}\""
        ));
        s.lines(&[
            "        placed=$1",
            "        printf 'Wrote %s (SHA-256 %s).\\n' \"$1\" \"$2\"",
            "    fi",
            "}",
        ]);
        for (name, bytes) in [
            (&self.command.material_file, self.material),
            (&self.command.token_file, self.token),
        ] {
            s.line(&format!(
                "place {} {}",
                shell_quote(name),
                sha256_hex(bytes)
            ));
        }
        s.lines(&["placed=''", "rm -rf \"$work\"", "work=''", ""]);
    }

    /// `--dry-run` stops here, the files written, the commands printed.
    fn dry_run(&self, s: &mut Lines) {
        let (_, state_shown) = runnable(&self.state_command());
        let (_, import_shown) = runnable(&self.command.command());
        s.lines(&[
            "if [ \"$dry_run\" = true ]; then",
            "    printf '%s\\n' 'Dry run: nothing was sent to AWS. The script would run:'",
        ]);
        s.line(&format!(
            "    printf '%s\\n' {state_shown} {import_shown} {state_shown}"
        ));
        s.lines(&["    exit 0", "fi", ""]);
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

/// The script's text, line by line.
#[derive(Default)]
struct Lines(String);

impl Lines {
    fn line(&mut self, text: &str) {
        self.0.push_str(text);
        self.0.push('\n');
    }

    fn lines(&mut self, texts: &[&str]) {
        for text in texts {
            self.line(text);
        }
    }
}

/// `fail`, the arguments, the script's folder, and the tools to check the files with.
fn preamble(s: &mut Lines) {
    s.lines(&[
        "fail() {",
        "    printf 'import script: %s\\n' \"$*\" >&2",
        "    exit 1",
        "}",
        "",
        "dry_run=false",
        "case \"$#:${1-}\" in",
        "    0:) ;;",
        "    1:--dry-run) dry_run=true ;;",
        "    *)",
        "        printf 'Usage: sh %s [--dry-run]\\n' \"$0\" >&2",
        "        exit 2",
        "        ;;",
        "esac",
        "# The command below names the files relative to this script's folder.",
        "cd \"$(dirname -- \"$0\")\"",
        "# Output is printed, never paged (AWS CLI v2).",
        "AWS_PAGER=''",
        "export AWS_PAGER",
        "",
        "if command -v sha256sum >/dev/null 2>&1; then",
        "    sha256() { sha256sum \"$1\" | cut -d ' ' -f 1; }",
        "elif command -v shasum >/dev/null 2>&1; then",
        "    sha256() { shasum -a 256 \"$1\" | cut -d ' ' -f 1; }",
        "else",
    ]);
    s.line(&format!(
        "    fail \"Neither sha256sum nor shasum is installed, so the files cannot be checked: install coreutils (sha256sum) or Perl (shasum) and run this script again. {NOTHING_DONE}\""
    ));
    s.lines(&[
        "fi",
        "if command -v base64 >/dev/null 2>&1; then",
        "    from_base64() { base64 -d; }",
        "elif command -v openssl >/dev/null 2>&1; then",
        "    from_base64() { openssl base64 -d; }",
        "else",
    ]);
    s.line(&format!(
        "    fail \"Neither base64 nor openssl is installed, so the files cannot be decoded: install coreutils (base64) or OpenSSL and run this script again. {NOTHING_DONE}\""
    ));
    s.lines(&["fi", ""]);
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
    fn base64_lines_are_64_characters() {
        let lines = base64_lines(&[7u8; 100]);
        let lines: Vec<&str> = lines.lines().collect();
        assert_eq!(
            lines.iter().map(|l| l.len()).collect::<Vec<_>>(),
            [64, 64, 8]
        );
        assert_eq!(STANDARD.decode(lines.concat()).unwrap(), vec![7u8; 100]);
        assert_eq!(base64_lines(&[]), "");
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
