//! The one-file way to carry a `.byok` to the Azure side: a POSIX shell script holding the file,
//! checking it (SHA-256, the KEK's kid, `az`) before writing anything, then running the page's
//! own `az keyvault key import` and checking with `az keyvault key show` that the key is there.

use crate::domain::azure::byok_file::ByokFile;
use crate::domain::azure::command::{ImportOptions, import_key, show_key};
use crate::domain::azure::kid::AzureKeyId;
use crate::domain::azure::rules::AzureKeyType;
use crate::domain::cli::{CliCommand, shell_quote};
use crate::domain::import_script::{Carried, Lines, nothing_done, runnable};

/// The cloud the refusals name.
const CLOUD: &str = "Azure";

/// Everything the script carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AzureImportScript<'a> {
    /// The options of the command the page shows.
    pub options: &'a ImportOptions,
    /// The `.byok` file's bytes, as downloaded.
    pub byok: &'a [u8],
    /// The KEK's kid the file's header must name.
    pub kek_kid: &'a AzureKeyId,
    /// The source key's id in the KMS, named in the closing words.
    pub kms_key_id: &'a str,
}

impl AzureImportScript<'_> {
    /// `import-azure-<key name>.sh`.
    pub fn file_name(&self) -> String {
        format!("import-azure-{}.sh", self.options.key_name)
    }

    /// The script's text; the command's refusal when the options do not fit the key.
    pub fn text(&self) -> Result<String, String> {
        let import = import_key(self.options)?;
        let file_name = ByokFile::file_name(self.options.key_name.as_str());
        let files = [Carried {
            name: &file_name,
            bytes: self.byok,
        }];
        let show = self.show_command();
        let mut s = Lines::default();
        self.header(&mut s);
        s.preamble(
            CLOUD,
            &[
                "# Output is printed, never paged or coloured.",
                "AZURE_CORE_NO_COLOR=1",
                "export AZURE_CORE_NO_COLOR",
            ],
        );
        self.checks(&mut s);
        s.carry(&files);
        self.kid_check(&mut s, &file_name);
        s.placement(CLOUD, &files);
        s.dry_run(CLOUD, &[&import, &show]);
        self.azure_calls(&mut s, &import, &show);
        Ok(s.0)
    }

    /// What the script does, for whoever opens it.
    fn header(&self, s: &mut Lines) {
        let options = self.options;
        s.line("#!/bin/sh");
        s.line("# Imports a key exported from a Cosmian KMS as a .byok file into Azure as the key");
        s.line(&format!(
            "#   {} in the {} {}",
            options.key_name,
            options.vault.kind.describe(),
            options.vault.name.as_str()
        ));
        s.line(&format!(
            "# ({}), wrapped for the KEK {}.",
            options.key_type, self.kek_kid
        ));
        s.line("#");
        s.line(&format!("# Usage: sh {} [--dry-run]", self.file_name()));
        s.lines(&[
            "# First checks everything: the .byok file it carries (its SHA-256 and the KEK",
            "# its header names), the tools, and that no different file of the same name",
            "# is next to it; a refusal leaves this folder as it was. Then writes the file",
            "# next to this script, runs az keyvault key import and az keyvault key show,",
            "# and stops if the key shown is not in this vault under this name. --dry-run",
            "# checks and writes the file and prints the commands: it sends nothing to",
            "# Azure and needs no Azure CLI.",
            "# Needs: the Azure CLI (az, signed in: az login), sha256sum or shasum, base64",
            "# or openssl, mktemp, tr. Written by the BYOK UI: run it as it is, it never",
            "# needs editing.",
            "set -eu",
            "",
        ]);
    }

    /// The refusals that need no Azure call, before anything is written next to the script.
    fn checks(&self, s: &mut Lines) {
        let nothing = nothing_done(CLOUD);
        s.lines(&[
            "# Every check comes before the first file is written next to this script:",
            "# a refusal leaves this folder as it was.",
        ]);
        s.require_cli(
            "az",
            &format!("The Azure CLI (az) is not on PATH: install it, or run this script in Azure Cloud Shell, and run it again (with --dry-run it only checks and writes the file, and needs no Azure CLI). {nothing}"),
        );
        s.work_folder(CLOUD);
    }

    /// The file's header names the KEK the page exported for (the file is one line of JSON).
    fn kid_check(&self, s: &mut Lines, file_name: &str) {
        let expected = format!("\"header\":{{\"kid\":\"{}\"", self.kek_kid);
        s.line("# The .byok's header names the KEK the key was wrapped for.");
        s.line(&format!(
            "byok_text=$(cat \"$work/\"{})",
            shell_quote(file_name)
        ));
        s.line("case \"$byok_text\" in");
        s.line(&format!("    *{}*) ;;", shell_quote(&expected)));
        s.line(&format!(
            "    *) fail \"The .byok this script carries is not wrapped for the KEK {}: Azure would refuse it. Export the key again for that KEK and download a new script. {}\" ;;",
            self.kek_kid,
            nothing_done(CLOUD)
        ));
        s.lines(&["esac", ""]);
    }

    /// `az keyvault key show … --query key.kid --output tsv`: the kid of the key's newest version.
    fn show_command(&self) -> CliCommand {
        let mut show = show_key(&self.options.vault, &self.options.key_name);
        show.0.push("--query key.kid --output tsv".to_owned());
        show
    }

    /// The page's import command, then the key shown, its kid checked, and the closing words.
    fn azure_calls(&self, s: &mut Lines, import: &CliCommand, show: &CliCommand) {
        let (import_lines, import_shown) = runnable(import);
        let (show_lines, show_shown) = runnable(show);
        let prefix = format!(
            "{}/keys/{}/",
            self.kek_kid.vault_url(),
            self.options.key_name
        )
        .to_lowercase();
        s.line(&format!("printf 'Running:\\n%s\\n' {import_shown}"));
        s.line(&format!("if ! {import_lines}; then"));
        s.line(
            "    fail \"Azure refused the import (its message is above). Forbidden: the signed-in identity needs the import permission (az login, the vault's access policy or RBAC role); BadParameter about the KEK: the file is not wrapped for a KEK of this vault, export again.\"",
        );
        s.lines(&["fi", ""]);
        s.line(&format!("printf 'Running:\\n%s\\n' {show_shown}"));
        s.line("kid=$(");
        s.line(&show_lines);
        s.line(
            "    ) || fail \"Azure refused az keyvault key show (its message is above): check the signed-in identity's get permission.\"",
        );
        s.line("# Vault and key names are case-insensitive in Azure.");
        s.line("kid_lower=$(printf '%s' \"$kid\" | tr '[:upper:]' '[:lower:]')");
        s.line("case \"$kid_lower\" in");
        s.line(&format!("    {}?*) ;;", shell_quote(&prefix)));
        s.line(&format!(
            "    *) fail \"Azure shows the key as $kid, not a version of {prefix}: check the vault and key name in the Azure portal.\" ;;"
        ));
        s.line("esac");
        let proof = match self.options.key_type {
            AzureKeyType::OctHsm { .. } => format!(
                "Azure accepting the .byok under its own KEK is the proof it holds this key ({}).",
                self.kms_key_id
            ),
            AzureKeyType::RsaHsm { .. } | AzureKeyType::EcHsm { .. } => format!(
                "To prove Azure holds the same material as {}, check its public key in the BYOK ledger.",
                self.kms_key_id
            ),
        };
        s.line(&format!(
            "printf '%s\\n' \"Done: Azure holds the key as $kid.\" {}",
            shell_quote(&proof)
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
    use crate::domain::azure::command::{KeyOperation, Vault};
    use crate::domain::azure::kid::KeyName;

    pub(crate) fn kek_kid() -> AzureKeyId {
        AzureKeyId::parse_versioned(
            "https://contosokeyvaulthsm.vault.azure.net/keys/byok-kek/0123456789abcdef0123456789abcdef",
        )
        .unwrap()
    }

    pub(crate) fn options() -> ImportOptions {
        ImportOptions {
            vault: Vault::of(&kek_kid()),
            key_name: KeyName::parse("rsa-1").unwrap(),
            key_type: AzureKeyType::RsaHsm { bits: 2048 },
            ops: vec![KeyOperation::Sign, KeyOperation::Verify],
            expires: Some(datetime!(2027-01-31 00:00 UTC)),
        }
    }

    /// A `.byok` for `kid` with `ciphertext`.
    pub(crate) fn byok(kid: &AzureKeyId, ciphertext: &[u8]) -> Vec<u8> {
        ByokFile::new(kid.clone(), ciphertext.to_vec())
            .to_json()
            .into_bytes()
    }

    #[test]
    fn the_script_carries_the_page_command_and_the_file() {
        let (o, kid) = (options(), kek_kid());
        let file = byok(&kid, &[5u8; 300]);
        let script = AzureImportScript {
            options: &o,
            byok: &file,
            kek_kid: &kid,
            kms_key_id: "rsa-1",
        };
        assert_eq!(script.file_name(), "import-azure-rsa-1.sh");
        let text = script.text().unwrap();
        let golden =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("src/domain/azure/import_script.golden.sh");
        if std::env::var_os("BLESS").is_some() {
            std::fs::write(&golden, &text).unwrap();
        }
        assert_eq!(
            text,
            std::fs::read_to_string(&golden).unwrap(),
            "the script changed: check it, then rerun with BLESS=1"
        );
        let command = import_key(&o).unwrap().multi_line();
        assert!(text.contains(&format!("if ! {command}; then")));
        assert!(text.contains("check its public key in the BYOK ledger"));
    }

    #[test]
    fn options_that_do_not_fit_get_no_script() {
        let mut o = options();
        o.key_type = AzureKeyType::EcHsm {
            curve: crate::domain::key_material::EcCurve::P256,
        };
        o.ops = vec![KeyOperation::Encrypt];
        let kid = kek_kid();
        let script = AzureImportScript {
            options: &o,
            byok: b"{}",
            kek_kid: &kid,
            kms_key_id: "ec-1",
        };
        assert!(
            script
                .text()
                .unwrap_err()
                .contains("cannot be granted encrypt")
        );
    }
}
