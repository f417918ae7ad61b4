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
mod tests {
    use std::path::{Path, PathBuf};
    use std::process::Command;

    use time::macros::{date, datetime};

    use super::*;
    use crate::domain::aws::arn::AwsKeyArn;
    use crate::domain::aws::import_command::tests::command;
    use crate::domain::aws::import_command::{Expiration, ImportType};
    use crate::domain::key_material::HmacHash;

    fn script<'a>(command: &'a ImportCommand, material: &'a [u8]) -> ImportScript<'a> {
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

    /// A fresh folder under the target dir.
    fn scratch(name: &str) -> PathBuf {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("target")
            .join("import-script-tests")
            .join(format!("{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn run(dir: &Path, file: &str, args: &[&str]) -> std::process::Output {
        Command::new("sh")
            .arg(dir.join(file))
            .args(args)
            .env("PATH", "/usr/bin:/bin")
            .output()
            .expect("sh runs")
    }

    /// Every value a user can type is quoted: file names and the description
    /// with quotes, `$`, backticks and newlines come out of the shell whole.
    #[test]
    fn every_embedded_value_is_quoted_and_the_dry_run_writes_the_exact_bytes() {
        let mut c = command();
        c.material_file = "it's $HOME `x` \"q\".bin".into();
        c.token_file = "-token;rm -rf x.bin".into();
        c.expiration = Expiration::ExpiresOn(date!(2027 - 01 - 31));
        c.import_type = Some(ImportType::NewKeyMaterial);
        c.description = Some("rotation #2 'now'\n$(touch pwned)".into());
        let material: Vec<u8> = (0..=255).cycle().take(1000).collect();
        let s = ImportScript {
            parameters_valid_to: Some(OffsetDateTime::now_utc() + time::Duration::hours(1)),
            ..script(&c, &material)
        };
        let dir = scratch("quoted");
        let file = s.file_name().unwrap();
        std::fs::write(dir.join(&file), s.text().unwrap()).unwrap();
        let syntax = Command::new("sh")
            .args(["-n"])
            .arg(dir.join(&file))
            .output()
            .unwrap();
        assert!(syntax.status.success(), "{syntax:?}");
        let out = run(&dir, &file, &["--dry-run"]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{out:?}");
        assert_eq!(std::fs::read(dir.join(&c.material_file)).unwrap(), material);
        assert_eq!(
            std::fs::read(dir.join(&c.token_file)).unwrap(),
            b"token bytes"
        );
        assert!(!dir.join("pwned").exists());
        // The printed command is the page's, quotes and all.
        assert!(stdout.contains(&c.multi_line()), "{stdout}");
        assert!(stdout.contains("Dry run: nothing was sent to AWS."));
        // A second dry run finds the same files and keeps them.
        let again = run(&dir, &file, &["--dry-run"]);
        assert!(again.status.success(), "{again:?}");
        assert!(String::from_utf8_lossy(&again.stdout).contains("is already there and the same"));
        // A different file is never overwritten.
        std::fs::write(dir.join(&c.token_file), b"other").unwrap();
        let refused = run(&dir, &file, &["--dry-run"]);
        assert_eq!(refused.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert!(
            stderr.contains("differs from the one it carries"),
            "{stderr}"
        );
        assert_eq!(std::fs::read(dir.join(&c.token_file)).unwrap(), b"other");
        // Unknown arguments are refused.
        assert_eq!(run(&dir, &file, &["--yes"]).status.code(), Some(2));
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A folder of links to the tools named, to run the script with only them on PATH.
    fn tools(dir: &Path, names: &[&str]) -> PathBuf {
        let bin = dir.join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        for name in names {
            let found = ["/usr/bin", "/bin"]
                .iter()
                .map(|d| Path::new(d).join(name))
                .find(|p| p.exists())
                .unwrap_or_else(|| panic!("{name} is needed by this test"));
            std::os::unix::fs::symlink(found, bin.join(name)).unwrap();
        }
        bin
    }

    #[test]
    fn the_fallback_tools_do_the_same_and_a_missing_one_is_named() {
        let c = command();
        let material: Vec<u8> = (0..=255).collect();
        let s = ImportScript {
            parameters_valid_to: None,
            ..script(&c, &material)
        };
        let text = s.text().unwrap();
        let file = s.file_name().unwrap();
        let common = ["cut", "date", "dirname", "mktemp", "mv", "rm"];
        for (name, extra) in [
            ("shasum-openssl", ["shasum", "openssl"]),
            ("sha256sum-base64", ["sha256sum", "base64"]),
        ] {
            let dir = scratch(name);
            std::fs::write(dir.join(&file), &text).unwrap();
            let bin = tools(&dir, &[&common[..], &extra[..]].concat());
            let out = Command::new("/bin/sh")
                .arg(dir.join(&file))
                .arg("--dry-run")
                .env("PATH", &bin)
                .output()
                .unwrap();
            assert!(out.status.success(), "{name}: {out:?}");
            assert_eq!(
                std::fs::read(dir.join("EncryptedKeyMaterial.bin")).unwrap(),
                material
            );
            let _ = std::fs::remove_dir_all(&dir);
        }
        let dir = scratch("no-hash");
        std::fs::write(dir.join(&file), &text).unwrap();
        let bin = tools(&dir, &[&common[..], &["base64"][..]].concat());
        let out = Command::new("/bin/sh")
            .arg(dir.join(&file))
            .env("PATH", &bin)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert!(
            String::from_utf8_lossy(&out.stderr)
                .contains("Neither sha256sum nor shasum is installed"),
            "{out:?}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// What a folder holds, hidden entries included: each name with its bytes.
    fn contents(dir: &Path) -> Vec<(String, Vec<u8>)> {
        let mut all: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| {
                let path = entry.unwrap().path();
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                match std::fs::read(&path) {
                    Ok(bytes) => (name, bytes),
                    Err(_) => (name, b"(not a readable file)".to_vec()),
                }
            })
            .collect();
        all.sort();
        all
    }

    /// The script with one character of the first base64 line after the
    /// here-document opened for `name` replaced by `with`.
    fn damaged(text: &str, name: &str, with: char) -> String {
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        let opening = lines
            .iter()
            .position(|l| l.contains(&format!(" {name} ")) && l.ends_with("<<'END-OF-BASE64'"))
            .unwrap_or_else(|| panic!("no here-document for {name}"));
        let first = &mut lines[opening + 1];
        let replaced = if first.starts_with(with) { 'B' } else { with };
        first.replace_range(..1, &replaced.to_string());
        lines.join("\n") + "\n"
    }

    /// One way the script can refuse before AWS.
    #[derive(Clone)]
    struct Refusal<'a> {
        what: &'a str,
        text: String,
        /// Files next to the script before it runs.
        beside: &'a [(&'a str, &'a [u8])],
        /// The tools on PATH, besides a stand-in `aws` that records any call.
        tools: &'a [&'a str],
        aws: bool,
        /// A stand-in `mv` that fails for the token.
        failing_mv: bool,
        args: &'a [&'a str],
        code: i32,
        message: &'a str,
    }

    const TOOLS: [&str; 8] = [
        "base64",
        "cut",
        "date",
        "dirname",
        "mktemp",
        "mv",
        "rm",
        "sha256sum",
    ];

    /// Runs the script with the real `sh` and checks it refused with the
    /// message, called no `aws`, and left its folder exactly as it was.
    fn refuses(r: &Refusal) {
        let root = scratch(r.what);
        let folder = root.join("folder");
        std::fs::create_dir_all(&folder).unwrap();
        let file = "import-SYMMETRIC_DEFAULT-350e35ef.sh";
        std::fs::write(folder.join(file), &r.text).unwrap();
        for (name, bytes) in r.beside {
            std::fs::write(folder.join(name), bytes).unwrap();
        }
        let before = contents(&folder);
        let bin = tools(&root, r.tools);
        let stand_in = |name: &str, body: &str| {
            use std::os::unix::fs::PermissionsExt;
            let path = bin.join(name);
            let _ = std::fs::remove_file(&path);
            std::fs::write(&path, format!("#!/bin/sh\n{body}")).unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        };
        let called = root.join("aws-called");
        if r.aws {
            stand_in(
                "aws",
                &format!("echo \"$*\" >>'{}'\nexit 1\n", called.display()),
            );
        }
        if r.failing_mv {
            stand_in(
                "mv",
                "case \"$2\" in\n*ImportToken.bin) echo 'mv: no space left on device' >&2; exit 1 ;;\nesac\nexec /bin/mv \"$@\"\n",
            );
        }
        let out = Command::new("/bin/sh")
            .arg(folder.join(file))
            .args(r.args)
            .current_dir(&root)
            .env("PATH", &bin)
            .output()
            .unwrap();
        let what = format!("{} {:?}", r.what, r.args);
        assert_eq!(out.status.code(), Some(r.code), "{what}: {out:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(r.message), "{what}: {stderr}");
        if r.code == 1 && !r.failing_mv {
            assert!(stderr.contains(NOTHING_DONE), "{what}: {stderr}");
        }
        assert!(!called.exists(), "{what}: aws was called");
        let after = contents(&folder);
        assert_eq!(
            after.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            before.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            "{what}: the folder's files changed"
        );
        assert!(after == before, "{what}: a file's bytes changed");
        let _ = std::fs::remove_dir_all(&root);
    }

    /// Every refusal comes before the first file is written next to the
    /// script: damaged or undecodable blocks, expired parameters, a missing
    /// tool or AWS CLI, a different file already there, a file that cannot
    /// be moved into place (the one moved before it is taken back).
    #[test]
    fn every_refusal_leaves_the_folder_as_it_was() {
        let c = command();
        let material = [1u8; 48];
        let valid = ImportScript {
            parameters_valid_to: Some(OffsetDateTime::now_utc() + time::Duration::hours(1)),
            ..script(&c, &material)
        };
        let text = valid.text().unwrap();
        let expired = ImportScript {
            parameters_valid_to: Some(datetime!(2020-01-01 00:00 UTC)),
            ..valid.clone()
        }
        .text()
        .unwrap();
        let without = |gone: &[&str]| -> Vec<&str> {
            TOOLS
                .iter()
                .copied()
                .filter(|t| !gone.contains(t))
                .collect()
        };
        let no_hash = without(&["sha256sum"]);
        let no_base64 = without(&["base64"]);
        let no_mktemp = without(&["mktemp"]);
        let same_material: &[(&str, &[u8])] = &[
            ("EncryptedKeyMaterial.bin", &material),
            ("ImportToken.bin", b"other"),
        ];
        let base = Refusal {
            what: "",
            text: text.clone(),
            beside: &[],
            tools: &TOOLS,
            aws: true,
            failing_mv: false,
            args: &[],
            code: 1,
            message: "",
        };
        let cases = [
            Refusal {
                what: "damaged-material",
                text: damaged(&text, "EncryptedKeyMaterial.bin", 'A'),
                message: "The EncryptedKeyMaterial.bin this script carries is damaged (SHA-256 ",
                ..base.clone()
            },
            Refusal {
                what: "damaged-token",
                text: damaged(&text, "ImportToken.bin", 'A'),
                message: "The ImportToken.bin this script carries is damaged (SHA-256 ",
                ..base.clone()
            },
            Refusal {
                what: "undecodable-token",
                text: damaged(&text, "ImportToken.bin", '*'),
                message: "The ImportToken.bin this script carries could not be decoded",
                ..base.clone()
            },
            Refusal {
                what: "expired",
                text: expired,
                message: "The import parameters expired at 2020-01-01T00:00:00Z (ParametersValidTo)",
                ..base.clone()
            },
            Refusal {
                what: "no-aws",
                aws: false,
                message: "The AWS CLI (aws) is not on PATH",
                ..base.clone()
            },
            Refusal {
                what: "no-hash",
                tools: &no_hash,
                message: "Neither sha256sum nor shasum is installed",
                ..base.clone()
            },
            Refusal {
                what: "no-base64",
                tools: &no_base64,
                message: "Neither base64 nor openssl is installed",
                ..base.clone()
            },
            Refusal {
                what: "no-mktemp",
                tools: &no_mktemp,
                message: "No temporary folder could be made next to this script",
                ..base.clone()
            },
            Refusal {
                what: "other-token",
                beside: &[("ImportToken.bin", b"other")],
                message: "ImportToken.bin next to this script differs from the one it carries",
                ..base.clone()
            },
            Refusal {
                what: "same-material-other-token",
                beside: same_material,
                message: "ImportToken.bin next to this script differs from the one it carries",
                ..base.clone()
            },
            Refusal {
                what: "token-not-moved",
                failing_mv: true,
                message: "ImportToken.bin could not be moved next to this script (see above): run the script in a folder you may write to. Any file this run wrote was removed",
                ..base.clone()
            },
            Refusal {
                what: "unknown-argument",
                args: &["--yes"],
                code: 2,
                message: "Usage: sh ",
                ..base.clone()
            },
        ];
        for case in &cases {
            refuses(case);
            // The dry run refuses the same, but needs no AWS CLI.
            if case.args.is_empty() && case.aws {
                refuses(&Refusal {
                    args: &["--dry-run"],
                    ..case.clone()
                });
            }
        }
        // The checks pass with the same files already there: nothing refused.
        let root = scratch("same-files");
        std::fs::write(root.join("s.sh"), &text).unwrap();
        std::fs::write(root.join("EncryptedKeyMaterial.bin"), material).unwrap();
        std::fs::write(root.join("ImportToken.bin"), b"token bytes").unwrap();
        let out = run(&root, "s.sh", &["--dry-run"]);
        assert!(out.status.success(), "{out:?}");
        assert_eq!(contents(&root).len(), 3, "{:?}", contents(&root));
        let _ = std::fs::remove_dir_all(&root);
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
