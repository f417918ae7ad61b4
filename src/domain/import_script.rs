//! The one-file way to carry an export to the AWS side: a POSIX shell script
//! holding the wrapped key material and the import token, checking both, then
//! running the page's own `import-key-material` and `describe-key` commands.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use time::{OffsetDateTime, UtcOffset};

use super::aws_cli::describe_key;
use super::cli::{CliCommand, shell_quote};
use super::import_command::ImportCommand;
use super::key_material::KeyMaterialSpec;
use super::ledger::sha256_hex;

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
        let command = self.command;
        let arn = command.key_arn.as_ref().ok_or(NEEDS_ARN)?;
        let file_name = self.file_name()?;
        let spec = command.material.aws_spec();
        let mut state = describe_key(Some(arn));
        state
            .0
            .push("--query KeyMetadata.KeyState --output text".to_owned());
        let (state_lines, state_shown) = runnable(&state);
        let (import_lines, import_shown) = runnable(&command.command());
        let material_file = shell_quote(&command.material_file);
        let token_file = shell_quote(&command.token_file);
        let material_sha = sha256_hex(self.material);
        let token_sha = sha256_hex(self.token);
        let mut s = String::new();
        let mut line = |text: &str| {
            s.push_str(text);
            s.push('\n');
        };

        line("#!/bin/sh");
        line("# Imports key material exported from a Cosmian KMS into the AWS KMS key");
        line(&format!("#   {arn}"));
        line(&format!(
            "# Key spec {spec}, key material {}.",
            command.expiration
        ));
        line(&match self.parameters_valid_to {
            Some(at) => format!(
                "# The import token is valid until {} (ParametersValidTo).",
                utc_texts(at).0
            ),
            None => "# The import token's ParametersValidTo is not known here: AWS checks it."
                .to_owned(),
        });
        line("#");
        line(&format!("# Usage: sh {file_name} [--dry-run]"));
        line("# Writes the two files below next to this script (a different file already");
        line("# there is never overwritten) and checks their SHA-256, then runs");
        line("# aws kms describe-key, aws kms import-key-material and describe-key again,");
        line("# and stops if the key is not Enabled. --dry-run writes and checks the files");
        line("# and prints the commands: it sends nothing to AWS.");
        line("# Needs: the AWS CLI (aws), sha256sum or shasum, base64 or openssl.");
        line("# The AWS CLI's own settings apply as usual (AWS_PROFILE, AWS_ENDPOINT_URL,");
        line("# credentials); the Region comes from the key ARN. Written by the BYOK UI:");
        line("# run it as it is, it never needs editing.");
        line("set -eu");
        line("");
        line("fail() {");
        line("    printf 'import script: %s\\n' \"$*\" >&2");
        line("    exit 1");
        line("}");
        line("");
        line("dry_run=false");
        line("case \"$#:${1-}\" in");
        line("    0:) ;;");
        line("    1:--dry-run) dry_run=true ;;");
        line("    *)");
        line("        printf 'Usage: sh %s [--dry-run]\\n' \"$0\" >&2");
        line("        exit 2");
        line("        ;;");
        line("esac");
        line("# The command below names the files relative to this script's folder.");
        line("cd \"$(dirname -- \"$0\")\"");
        line("# Output is printed, never paged (AWS CLI v2).");
        line("AWS_PAGER=''");
        line("export AWS_PAGER");
        line("");
        line("if command -v sha256sum >/dev/null 2>&1; then");
        line("    sha256() { sha256sum \"$1\" | cut -d ' ' -f 1; }");
        line("elif command -v shasum >/dev/null 2>&1; then");
        line("    sha256() { shasum -a 256 \"$1\" | cut -d ' ' -f 1; }");
        line("else");
        line(
            "    fail \"Neither sha256sum nor shasum is installed, so the files cannot be checked: install coreutils (sha256sum) or Perl (shasum) and run this script again. Nothing was sent to AWS.\"",
        );
        line("fi");
        line("if command -v base64 >/dev/null 2>&1; then");
        line("    from_base64() { base64 -d; }");
        line("elif command -v openssl >/dev/null 2>&1; then");
        line("    from_base64() { openssl base64 -d; }");
        line("else");
        line(
            "    fail \"Neither base64 nor openssl is installed, so the files cannot be written: install coreutils (base64) or OpenSSL and run this script again. Nothing was sent to AWS.\"",
        );
        line("fi");
        line("");
        line("# write_file NAME SHA256 < base64: NAME next to this script, checked.");
        line("write_file() {");
        line("    tmp=\"./.$1.$$.tmp\"");
        line("    if ! from_base64 >\"$tmp\"; then");
        line("        rm -f \"$tmp\"");
        line(
            "        fail \"The $1 this script carries could not be decoded or written here (see above): run the script in a folder you may write to, or download it again. Nothing was sent to AWS.\"",
        );
        line("    fi");
        line("    got=$(sha256 \"$tmp\")");
        line("    if [ \"$got\" != \"$2\" ]; then");
        line("        rm -f \"$tmp\"");
        line(
            "        fail \"The $1 this script carries is damaged (SHA-256 $got, expected $2): download the script again. Nothing was sent to AWS.\"",
        );
        line("    fi");
        line("    if [ -e \"./$1\" ] || [ -L \"./$1\" ]; then");
        line("        rm -f \"$tmp\"");
        line("        have=$(sha256 \"./$1\")");
        line("        if [ \"$have\" != \"$2\" ]; then");
        line(
            "            fail \"$1 next to this script differs from the one it carries (SHA-256 $have, expected $2) and was left as it is: move it away, or run the script from another folder. Nothing was sent to AWS.\"",
        );
        line("        fi");
        line("        printf '%s is already there and the same (SHA-256 %s).\\n' \"$1\" \"$2\"");
        line("    else");
        line("        mv \"$tmp\" \"./$1\"");
        line("        printf 'Wrote %s (SHA-256 %s).\\n' \"$1\" \"$2\"");
        line("    fi");
        line("}");
        line("");
        line(&format!(
            "write_file {material_file} {material_sha} <<'{END}'"
        ));
        s.push_str(&base64_lines(self.material));
        let mut line = |text: &str| {
            s.push_str(text);
            s.push('\n');
        };
        line(END);
        line(&format!("write_file {token_file} {token_sha} <<'{END}'"));
        s.push_str(&base64_lines(self.token));
        let mut line = |text: &str| {
            s.push_str(text);
            s.push('\n');
        };
        line(END);
        line("");
        if let Some(at) = self.parameters_valid_to {
            let (shown, digits) = utc_texts(at);
            line("# ParametersValidTo in UTC as digits: numbers compare in any POSIX shell.");
            line(&format!(
                "if [ \"$(date -u +%Y%m%d%H%M%S)\" -ge {digits} ]; then"
            ));
            line(&format!(
                "    fail \"The import parameters expired at {shown} (ParametersValidTo): AWS refuses this import token now. Run get-parameters-for-import again, import the new wrapping key into the KMS, export again and download a new script. Nothing was sent to AWS.\""
            ));
            line("fi");
            line("");
        }
        line("if [ \"$dry_run\" = true ]; then");
        line("    printf '%s\\n' 'Dry run: nothing was sent to AWS. The script would run:'");
        line(&format!(
            "    printf '%s\\n' {state_shown} {import_shown} {state_shown}"
        ));
        line("    exit 0");
        line("fi");
        line("");
        line(
            "command -v aws >/dev/null 2>&1 || fail \"The AWS CLI (aws) is not on PATH: install it, or run this script in AWS CloudShell, and run it again. The files are written and checked. Nothing was sent to AWS.\"",
        );
        line("");
        line("# Sets $state to the key's KeyState, as describe-key tells it.");
        line("read_state() {");
        line(&format!("    printf 'Running:\\n%s\\n' {state_shown}"));
        line("    state=$(");
        line(&state_lines);
        line(
            "    ) || fail \"AWS refused describe-key (its message is above): check the credentials (AWS_PROFILE), the Region and the key ARN.\"",
        );
        line("}");
        line("");
        line("read_state");
        line("case \"$state\" in");
        line("    PendingImport) ;;");
        let reimport = command.import_type.is_some()
            && matches!(command.material, KeyMaterialSpec::Aes { .. });
        if reimport {
            line("    # --import-type: new or existing material for a key that may be Enabled.");
            line("    Enabled) ;;");
        } else {
            line("    Enabled)");
            line(&format!(
                "        printf '%s\\n' {}",
                shell_quote(&format!(
                    "The key {arn} is already Enabled: its key material is already imported (by an earlier run of this script or another import). Nothing was imported."
                ))
            ));
            line("        exit 0");
            line("        ;;");
        }
        line(
            "    *) fail \"The key is $state, not PendingImport: key material can be imported only into a key waiting for it. Check the key in the AWS console. Nothing was imported.\" ;;",
        );
        line("esac");
        line("");
        line(&format!("printf 'Running:\\n%s\\n' {import_shown}"));
        line(&format!("if ! {import_lines}; then"));
        line(
            "    fail \"AWS refused the import (its message is above). InvalidCiphertext or InvalidImportToken: the files are not from the same get-parameters-for-import call as the key; ExpiredImportToken: run get-parameters-for-import again and export again.\"",
        );
        line("fi");
        line("");
        line("read_state");
        line(
            "[ \"$state\" = Enabled ] || fail \"After the import the key is $state, not Enabled: check the key in the AWS console.\"",
        );
        let proof = match command.material {
            KeyMaterialSpec::Aes { .. } => "AWS accepting the material under its own import token is the proof it holds this key.".to_owned(),
            KeyMaterialSpec::Hmac { .. } => format!("To prove AWS holds the same material as {}, run the BYOK ledger's generate-mac check.", self.kms_key_id),
            KeyMaterialSpec::RsaPrivate { .. } | KeyMaterialSpec::EcPrivate { .. } => format!("To prove AWS holds the same material as {}, run the BYOK ledger's get-public-key check.", self.kms_key_id),
        };
        line(&format!(
            "printf '%s\\n' {}",
            shell_quote(&format!(
                "Done: the key {arn} is Enabled with the imported key material. {proof}"
            ))
        ));
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};
    use std::process::Command;

    use time::macros::{date, datetime};

    use super::super::arn::AwsKeyArn;
    use super::super::import_command::tests::command;
    use super::super::import_command::{Expiration, ImportType};
    use super::super::key_material::HmacHash;
    use super::*;

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
            Path::new(env!("CARGO_MANIFEST_DIR")).join("src/domain/import_script.golden.sh");
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
        let common = ["cut", "date", "dirname", "mv", "rm"];
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

    #[test]
    fn a_damaged_script_writes_nothing() {
        let c = command();
        let s = script(&c, &[1u8; 48]);
        let text = s.text().unwrap();
        // The first base64 line of the material, one character changed.
        let good = STANDARD.encode([1u8; 48]);
        let damaged = text.replacen(&good, &good.replacen('A', "B", 1), 1);
        assert_ne!(damaged, text);
        let dir = scratch("damaged");
        let file = s.file_name().unwrap();
        std::fs::write(dir.join(&file), damaged).unwrap();
        let out = run(&dir, &file, &["--dry-run"]);
        assert_eq!(out.status.code(), Some(1));
        assert!(
            String::from_utf8_lossy(&out.stderr)
                .contains("The EncryptedKeyMaterial.bin this script carries is damaged"),
            "{out:?}"
        );
        assert!(!dir.join("EncryptedKeyMaterial.bin").exists());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn expired_parameters_stop_the_script_before_anything_else() {
        let c = command();
        let s = ImportScript {
            parameters_valid_to: Some(datetime!(2020-01-01 00:00 UTC)),
            ..script(&c, b"material")
        };
        let dir = scratch("expired");
        let file = s.file_name().unwrap();
        std::fs::write(dir.join(&file), s.text().unwrap()).unwrap();
        let out = run(&dir, &file, &["--dry-run"]);
        assert_eq!(out.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("expired at 2020-01-01T00:00:00Z (ParametersValidTo)"),
            "{stderr}"
        );
        let _ = std::fs::remove_dir_all(&dir);
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
