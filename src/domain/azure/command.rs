//! The `az keyvault key` commands an Azure BYOK hands over — create the KEK, download it,
//! show it, import the `.byok` — shell-quoted through `domain::cli`, one option per group.
//!
//! Options as azure-cli's keyvault module defines them (`_params.py`, `custom.py`): a Key Vault
//! is `--vault-name`, a Managed HSM `--hsm-name`; `key import --kty` takes `RSA`, `EC` or `oct`
//! (azure-cli adds `-HSM` for a `--byok-file`) and an EC key needs `--curve`.

use std::fmt;

use time::OffsetDateTime;

use crate::domain::azure::byok_file::ByokFile;
use crate::domain::azure::kid::{AzureKeyId, KeyName, VaultKind, VaultName};
use crate::domain::azure::rules::AzureKeyType;
use crate::domain::cli::{CliCommand, shell_quote};
use crate::domain::stored::rfc3339;

/// The vault or Managed HSM the commands address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Vault {
    pub name: VaultName,
    pub kind: VaultKind,
}

impl Vault {
    /// The vault a key identifier names.
    pub fn of(kid: &AzureKeyId) -> Self {
        Self {
            name: kid.vault_name().clone(),
            kind: kid.kind(),
        }
    }

    /// `--vault-name <vault>` or `--hsm-name <hsm>`.
    fn option(&self) -> String {
        format!(
            "{} {}",
            self.kind.az_option(),
            shell_quote(self.name.as_str())
        )
    }
}

/// A key operation Azure grants (`--ops`), in Azure's spelling.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyOperation {
    Sign,
    Verify,
    Encrypt,
    Decrypt,
    WrapKey,
    UnwrapKey,
}

impl KeyOperation {
    pub fn az_name(self) -> &'static str {
        match self {
            Self::Sign => "sign",
            Self::Verify => "verify",
            Self::Encrypt => "encrypt",
            Self::Decrypt => "decrypt",
            Self::WrapKey => "wrapKey",
            Self::UnwrapKey => "unwrapKey",
        }
    }

    /// Reads Azure's spelling back (`wrapKey`, …); `None` for anything else.
    pub fn parse(name: &str) -> Option<Self> {
        use KeyOperation::*;
        [Sign, Verify, Encrypt, Decrypt, WrapKey, UnwrapKey]
            .into_iter()
            .find(|op| op.az_name() == name)
    }

    /// The operations a key of this type can be granted.
    pub fn fitting(key_type: AzureKeyType) -> &'static [Self] {
        use KeyOperation::*;
        match key_type {
            AzureKeyType::RsaHsm { .. } => &[Sign, Verify, Encrypt, Decrypt, WrapKey, UnwrapKey],
            AzureKeyType::EcHsm { .. } => &[Sign, Verify],
            AzureKeyType::OctHsm { .. } => &[Encrypt, Decrypt, WrapKey, UnwrapKey],
        }
    }
}

impl fmt::Display for KeyOperation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.az_name())
    }
}

/// Options of `az keyvault key import` for a `.byok`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportOptions {
    /// Where the KEK lives: the key is imported there.
    pub vault: Vault,
    /// The name the key gets in Azure (an existing name gets a new version).
    pub key_name: KeyName,
    pub key_type: AzureKeyType,
    /// The operations granted; empty leaves Azure's default (every operation the type allows).
    pub ops: Vec<KeyOperation>,
    /// When Azure stops allowing the key's use; absent for none.
    pub expires: Option<OffsetDateTime>,
}

/// `az keyvault key create --kty RSA-HSM --size <n> --name <kek> --ops import --vault-name <vault>`.
pub fn create_kek(vault: &Vault, kek_name: &KeyName, bits: usize) -> CliCommand {
    CliCommand(vec![
        "az keyvault key create".to_owned(),
        "--kty RSA-HSM".to_owned(),
        format!("--size {bits}"),
        format!("--name {}", shell_quote(kek_name.as_str())),
        "--ops import".to_owned(),
        vault.option(),
    ])
}

/// The file `download_kek` writes: `<kek>.publickey.pem`.
pub fn kek_pem_file(kek_name: &KeyName) -> String {
    format!("{kek_name}.publickey.pem")
}

/// `az keyvault key download --name <kek> --vault-name <vault> --file <kek>.publickey.pem`.
pub fn download_kek(vault: &Vault, kek_name: &KeyName) -> CliCommand {
    CliCommand(vec![
        "az keyvault key download".to_owned(),
        format!("--name {}", shell_quote(kek_name.as_str())),
        vault.option(),
        format!("--file {}", shell_quote(&kek_pem_file(kek_name))),
    ])
}

/// `az keyvault key show --name <key> --vault-name <vault>`: the JSON the KEK page reads.
pub fn show_key(vault: &Vault, key_name: &KeyName) -> CliCommand {
    CliCommand(vec![
        "az keyvault key show".to_owned(),
        format!("--name {}", shell_quote(key_name.as_str())),
        vault.option(),
    ])
}

/// Grants only operations the key's type allows; names the first that does not fit.
pub fn check_ops(key_type: AzureKeyType, ops: &[KeyOperation]) -> Result<(), String> {
    let fitting = KeyOperation::fitting(key_type);
    match ops.iter().find(|op| !fitting.contains(op)) {
        None => Ok(()),
        Some(op) => Err(format!(
            "An {key_type} key cannot be granted {op}: Azure allows {} for it. Leave {op} out.",
            fitting
                .iter()
                .map(|o| o.az_name())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// `az keyvault key import --vault-name <vault> --name <key> --byok-file <key>.byok --kty …
/// [--curve …] [--ops …] [--expires …]`.
pub fn import_key(options: &ImportOptions) -> Result<CliCommand, String> {
    check_ops(options.key_type, &options.ops)?;
    let mut parts = vec![
        "az keyvault key import".to_owned(),
        options.vault.option(),
        format!("--name {}", shell_quote(options.key_name.as_str())),
        format!(
            "--byok-file {}",
            shell_quote(&ByokFile::file_name(options.key_name.as_str()))
        ),
        format!("--kty {}", options.key_type.az_import_kty()),
    ];
    if let Some(curve) = options.key_type.curve_name() {
        parts.push(format!("--curve {curve}"));
    }
    if !options.ops.is_empty() {
        let ops: Vec<&str> = options.ops.iter().map(|op| op.az_name()).collect();
        parts.push(format!("--ops {}", ops.join(" ")));
    }
    if let Some(expires) = options.expires {
        parts.push(format!("--expires {}", rfc3339(expires)));
    }
    Ok(CliCommand(parts))
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;
    use crate::domain::key_material::EcCurve;

    fn vault() -> Vault {
        Vault {
            name: VaultName::parse("ContosoKeyVaultHSM").unwrap(),
            kind: VaultKind::KeyVault,
        }
    }

    fn hsm() -> Vault {
        Vault::of(
            &AzureKeyId::parse("https://contoso-hsm.managedhsm.azure.net/keys/KEKforBYOK").unwrap(),
        )
    }

    fn name(text: &str) -> KeyName {
        KeyName::parse(text).unwrap()
    }

    #[test]
    fn the_kek_commands_match_microsofts_byok_guide() {
        let kek = name("KEKforBYOK");
        assert_eq!(
            create_kek(&vault(), &kek, 4096).one_line(),
            "az keyvault key create --kty RSA-HSM --size 4096 --name KEKforBYOK --ops import --vault-name contosokeyvaulthsm"
        );
        assert_eq!(
            create_kek(&hsm(), &kek, 3072).multi_line(),
            "az keyvault key create \\\n    --kty RSA-HSM \\\n    --size 3072 \\\n    --name KEKforBYOK \\\n    --ops import \\\n    --hsm-name contoso-hsm"
        );
        assert_eq!(
            download_kek(&vault(), &kek).one_line(),
            "az keyvault key download --name KEKforBYOK --vault-name contosokeyvaulthsm --file KEKforBYOK.publickey.pem"
        );
        assert_eq!(
            show_key(&hsm(), &kek).one_line(),
            "az keyvault key show --name KEKforBYOK --hsm-name contoso-hsm"
        );
    }

    #[test]
    fn the_import_command_fits_the_key_type() {
        let mut options = ImportOptions {
            vault: vault(),
            key_name: name("ContosoFirstHSMkey"),
            key_type: AzureKeyType::RsaHsm { bits: 4096 },
            ops: vec![KeyOperation::Sign, KeyOperation::Verify],
            expires: None,
        };
        assert_eq!(
            import_key(&options).unwrap().one_line(),
            "az keyvault key import --vault-name contosokeyvaulthsm --name ContosoFirstHSMkey --byok-file ContosoFirstHSMkey.byok --kty RSA --ops sign verify"
        );
        options.key_type = AzureKeyType::EcHsm {
            curve: EcCurve::Secp256k1,
        };
        options.expires = Some(datetime!(2027-06-30 12:00:00.5 UTC));
        assert_eq!(
            import_key(&options).unwrap().multi_line(),
            "az keyvault key import \\
    --vault-name contosokeyvaulthsm \\
    --name ContosoFirstHSMkey \\
    --byok-file ContosoFirstHSMkey.byok \\
    --kty EC \\
    --curve P-256K \\
    --ops sign verify \\
    --expires 2027-06-30T12:00:00Z"
        );
        options.vault = hsm();
        options.key_type = AzureKeyType::OctHsm { bits: 256 };
        options.ops = vec![KeyOperation::WrapKey, KeyOperation::UnwrapKey];
        options.expires = None;
        let line = import_key(&options).unwrap().one_line();
        assert_eq!(
            line,
            "az keyvault key import --hsm-name contoso-hsm --name ContosoFirstHSMkey --byok-file ContosoFirstHSMkey.byok --kty oct --ops wrapKey unwrapKey"
        );
        assert_eq!(shell_words::split(&line).unwrap().len(), 15);
        options.ops.clear();
        assert!(!import_key(&options).unwrap().one_line().contains("--ops"));
    }

    #[test]
    fn operations_that_do_not_fit_are_refused() {
        let ec = AzureKeyType::EcHsm {
            curve: EcCurve::P256,
        };
        assert_eq!(
            check_ops(ec, &[KeyOperation::Sign, KeyOperation::Encrypt]).unwrap_err(),
            "An EC-HSM P-256 key cannot be granted encrypt: Azure allows sign, verify for it. Leave encrypt out."
        );
        let oct = AzureKeyType::OctHsm { bits: 128 };
        assert!(check_ops(oct, &[KeyOperation::Sign])
            .unwrap_err()
            .starts_with("An oct-HSM 128-bit (AES) key cannot be granted sign: Azure allows encrypt, decrypt, wrapKey, unwrapKey"));
        let options = ImportOptions {
            vault: vault(),
            key_name: name("k"),
            key_type: ec,
            ops: vec![KeyOperation::WrapKey],
            expires: None,
        };
        assert!(
            import_key(&options)
                .unwrap_err()
                .contains("cannot be granted wrapKey")
        );
        assert_eq!(
            KeyOperation::parse("unwrapKey"),
            Some(KeyOperation::UnwrapKey)
        );
        assert_eq!(KeyOperation::parse("import"), None);
    }
}
