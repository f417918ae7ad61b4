//! The `az keyvault key` commands an Azure BYOK hands over — create the KEK, download it,
//! show it, import the `.byok`, move its expiry — shell-quoted through `domain::cli`, one option per group.
//!
//! Options as azure-cli's keyvault module defines them (`_params.py`, `custom.py`): a Key Vault
//! is `--vault-name`, a Managed HSM `--hsm-name`; `key import --kty` takes `RSA`, `EC` or `oct`
//! (azure-cli adds `-HSM` for a `--byok-file`) and an EC key needs `--curve`.

use std::fmt;

use time::OffsetDateTime;

use crate::domain::aws::import_command::parse_date;
use crate::domain::azure::byok_file::ByokFile;
use crate::domain::azure::kid::{AzureKeyId, KeyName, VaultKind, VaultName};
use crate::domain::azure::rules::AzureKeyType;
use crate::domain::cli::{CliCommand, shell_quote};
use crate::domain::stored::rfc3339;
use crate::domain::time_display::utc_minutes;

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

/// `az keyvault key set-attributes --vault-name <vault> --name <key> --version <version>
/// --expires <RFC 3339>`: Azure keeps the material and moves the expiry of that one version.
/// Refused when the kid names no version (the copy is not confirmed yet).
pub fn set_expiry(kid: &AzureKeyId, expires: OffsetDateTime) -> Result<CliCommand, String> {
    let version = kid.version().ok_or_else(|| {
        format!(
            "The version of {} is not known yet: paste the output of az keyvault key import or az keyvault key show for it first.",
            kid.key_name()
        )
    })?;
    Ok(CliCommand(vec![
        "az keyvault key set-attributes".to_owned(),
        Vault::of(kid).option(),
        format!("--name {}", shell_quote(kid.key_name().as_str())),
        format!("--version {}", shell_quote(version)),
        format!("--expires {}", rfc3339(expires)),
    ]))
}

/// The new expiry typed for a renewal (`YYYY-MM-DD`, midnight UTC): a date, after `now`,
/// and later than the `current` expiry (a renewal moves it later).
pub fn new_expiry(
    text: &str,
    current: Option<OffsetDateTime>,
    now: OffsetDateTime,
) -> Result<OffsetDateTime, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(
            "New expiry: choose the date Azure should stop allowing the key's use.".to_owned(),
        );
    }
    let expires = parse_date(text)
        .ok_or_else(|| format!("New expiry: \"{text}\" is not a date; write it as YYYY-MM-DD."))?
        .midnight()
        .assume_utc();
    if expires <= now {
        return Err(format!(
            "New expiry: {} is not in the future; choose a later date.",
            utc_minutes(expires)
        ));
    }
    if let Some(current) = current
        && expires <= current
    {
        return Err(format!(
            "New expiry: {} is not later than the expiry Azure has now ({}); choose a later date.",
            utc_minutes(expires),
            utc_minutes(current)
        ));
    }
    Ok(expires)
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

    #[test]
    fn the_expiry_of_one_version_is_moved_with_set_attributes() {
        let now = datetime!(2026-12-07 10:00 UTC);
        let kid = AzureKeyId::parse_versioned(
            "https://contosokv.vault.azure.net/keys/ContosoFirstHSMkey/8fd7a3e7dbb84ccf9d6c3a0a1b2c3d4e",
        )
        .unwrap();
        let expires = new_expiry(" 2027-12-31 ", Some(now), now).unwrap();
        assert_eq!(expires, datetime!(2027-12-31 00:00 UTC));
        let line = set_expiry(&kid, expires).unwrap().one_line();
        assert_eq!(
            line,
            "az keyvault key set-attributes --vault-name contosokv --name ContosoFirstHSMkey --version 8fd7a3e7dbb84ccf9d6c3a0a1b2c3d4e --expires 2027-12-31T00:00:00Z"
        );
        assert_eq!(shell_words::split(&line).unwrap().len(), 12);
        let hsm = AzureKeyId::parse_versioned(
            "https://contoso-hsm.managedhsm.azure.net/keys/k/0123456789abcdef0123456789abcdef",
        )
        .unwrap();
        assert!(
            set_expiry(&hsm, expires)
                .unwrap()
                .one_line()
                .contains("--hsm-name contoso-hsm --name k --version")
        );
        let unversioned = AzureKeyId::parse("https://contosokv.vault.azure.net/keys/k").unwrap();
        assert!(
            set_expiry(&unversioned, expires)
                .unwrap_err()
                .starts_with("The version of k is not known yet")
        );
    }

    #[test]
    fn a_new_expiry_is_a_later_date_in_the_future() {
        let now = datetime!(2026-12-07 10:00 UTC);
        let current = Some(datetime!(2026-12-20 00:00 UTC));
        let refused = |text: &str| new_expiry(text, current, now).unwrap_err();
        assert!(refused("").starts_with("New expiry: choose the date"));
        assert_eq!(
            refused("31/12/2027"),
            "New expiry: \"31/12/2027\" is not a date; write it as YYYY-MM-DD."
        );
        assert!(refused("2026-12-07").contains("is not in the future"));
        assert_eq!(
            refused("2026-12-20"),
            "New expiry: 2026-12-20 00:00 UTC is not later than the expiry Azure has now (2026-12-20 00:00 UTC); choose a later date."
        );
        assert_eq!(
            new_expiry("2026-12-21", current, now),
            Ok(datetime!(2026-12-21 00:00 UTC))
        );
        // Already expired: any date after now.
        let past = Some(datetime!(2026-11-01 00:00 UTC));
        assert!(new_expiry("2026-12-08", past, now).is_ok());
        assert!(new_expiry("2026-12-08", None, now).is_ok());
    }
}
