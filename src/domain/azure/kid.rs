//! Azure's key identifier (kid) — `https://<vault>.vault.azure.net/keys/<name>/<version>` or a
//! Managed HSM's — read once into its vault, name and version, with refusals naming the wrong part.
//!
//! Accepted hosts: Key Vault `vault.azure.net`, `vault.azure.cn` (Azure operated by 21Vianet),
//! `vault.usgovcloudapi.net` (US Government); Managed HSM `managedhsm.azure.net`,
//! `managedhsm.azure.cn`, `managedhsm.usgovcloudapi.net`.

use std::fmt;

/// Where a key lives: a Key Vault (Premium for HSM keys) or a Managed HSM.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VaultKind {
    KeyVault,
    ManagedHsm,
}

impl VaultKind {
    /// "Key Vault" or "Managed HSM", for sentences.
    pub fn describe(self) -> &'static str {
        match self {
            Self::KeyVault => "Key Vault",
            Self::ManagedHsm => "Managed HSM",
        }
    }

    /// The az option naming it: `--vault-name` or `--hsm-name`.
    pub fn az_option(self) -> &'static str {
        match self {
            Self::KeyVault => "--vault-name",
            Self::ManagedHsm => "--hsm-name",
        }
    }
}

/// The Azure cloud a vault's host belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AzureCloud {
    Public,
    China,
    UsGovernment,
}

/// Every accepted host suffix, with what it tells.
const HOSTS: [(&str, VaultKind, AzureCloud); 6] = [
    ("vault.azure.net", VaultKind::KeyVault, AzureCloud::Public),
    ("vault.azure.cn", VaultKind::KeyVault, AzureCloud::China),
    (
        "vault.usgovcloudapi.net",
        VaultKind::KeyVault,
        AzureCloud::UsGovernment,
    ),
    (
        "managedhsm.azure.net",
        VaultKind::ManagedHsm,
        AzureCloud::Public,
    ),
    (
        "managedhsm.azure.cn",
        VaultKind::ManagedHsm,
        AzureCloud::China,
    ),
    (
        "managedhsm.usgovcloudapi.net",
        VaultKind::ManagedHsm,
        AzureCloud::UsGovernment,
    ),
];

/// A Key Vault or Managed HSM name: 3–24 letters, digits and hyphens, starting
/// with a letter, ending with a letter or digit, no two hyphens in a row.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct VaultName(String);

impl VaultName {
    /// Checks a name as typed; Azure's DNS names are case-insensitive, kept lower-case.
    pub fn parse(name: &str) -> Result<Self, String> {
        let name = name.trim();
        let refuse = |why: &str| {
            Err(format!(
                "The vault name \"{name}\" {why}: a Key Vault or Managed HSM name is 3 to 24 letters, digits and hyphens, starts with a letter, ends with a letter or digit, and has no two hyphens in a row."
            ))
        };
        if name.is_empty() {
            return Err("No vault name given: type the name of the Key Vault or Managed HSM (the first part of its address, before .vault.azure.net or .managedhsm.azure.net).".to_owned());
        }
        if !(3..=24).contains(&name.len()) {
            return refuse(&format!("is {} characters long", name.chars().count()));
        }
        if let Some(c) = name
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
        {
            return refuse(&format!("holds '{c}'"));
        }
        if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            return refuse("does not start with a letter");
        }
        if name.ends_with('-') {
            return refuse("ends with a hyphen");
        }
        if name.contains("--") {
            return refuse("has two hyphens in a row");
        }
        Ok(Self(name.to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for VaultName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A key's name in a vault: 1–127 letters, digits and hyphens.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct KeyName(String);

impl KeyName {
    pub fn parse(name: &str) -> Result<Self, String> {
        let name = name.trim();
        if name.is_empty() {
            return Err(
                "No key name given: an Azure key name is 1 to 127 letters, digits and hyphens."
                    .to_owned(),
            );
        }
        if name.len() > 127 {
            return Err(format!(
                "The key name is {} characters long; Azure allows 127 at most: shorten it.",
                name.chars().count()
            ));
        }
        if let Some(c) = name
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
        {
            return Err(format!(
                "The key name \"{name}\" holds '{c}'; Azure key names are letters, digits and hyphens only: replace it (a hyphen, say)."
            ));
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for KeyName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A key identifier, with or without its version.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct AzureKeyId {
    vault: VaultName,
    kind: VaultKind,
    cloud: AzureCloud,
    /// The host suffix as accepted (`vault.azure.net`, …).
    suffix: &'static str,
    name: KeyName,
    version: Option<String>,
}

impl AzureKeyId {
    /// Reads a kid; the version may be absent (the key's latest version).
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err("No key identifier given: paste the kid Azure printed, such as https://myvault.vault.azure.net/keys/KEKforBYOK/<32 hex characters>.".to_owned());
        }
        let rest = strip_scheme(text)?;
        let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
        let (vault, kind, cloud, suffix) = read_host(host)?;
        let (name, version) = read_path(path, text)?;
        Ok(Self {
            vault,
            kind,
            cloud,
            suffix,
            name,
            version,
        })
    }

    /// Reads the kid of a key-encryption key: its version is required, since
    /// Azure unwraps a `.byok` with exactly the version it names.
    pub fn parse_versioned(text: &str) -> Result<Self, String> {
        let kid = Self::parse(text)?;
        if kid.version.is_none() {
            return Err(format!(
                "The key identifier {kid} has no version: a .byok names one exact version of the KEK. Copy the kid with its version (32 hex characters after the key name), as az keyvault key show prints it in key.kid."
            ));
        }
        Ok(kid)
    }

    pub fn is_managed_hsm(&self) -> bool {
        self.kind == VaultKind::ManagedHsm
    }

    pub fn kind(&self) -> VaultKind {
        self.kind
    }

    pub fn cloud(&self) -> AzureCloud {
        self.cloud
    }

    pub fn vault_name(&self) -> &VaultName {
        &self.vault
    }

    pub fn key_name(&self) -> &KeyName {
        &self.name
    }

    pub fn version(&self) -> Option<&str> {
        self.version.as_deref()
    }

    /// `https://<vault>.<suffix>`, the vault's address.
    pub fn vault_url(&self) -> String {
        format!("https://{}.{}", self.vault, self.suffix)
    }

    /// Whether both keys live in the same vault (same host).
    pub fn same_vault(&self, other: &Self) -> bool {
        self.vault == other.vault && self.suffix == other.suffix
    }

    /// The same key without its version.
    pub fn without_version(&self) -> Self {
        Self {
            version: None,
            ..self.clone()
        }
    }
}

impl fmt::Display for AzureKeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/keys/{}", self.vault_url(), self.name)?;
        match &self.version {
            Some(version) => write!(f, "/{version}"),
            None => Ok(()),
        }
    }
}

fn strip_scheme(text: &str) -> Result<&str, String> {
    if let Some(rest) = text.strip_prefix("https://") {
        return Ok(rest);
    }
    if text.starts_with("http://") {
        return Err(format!(
            "The key identifier {text} starts with http://; Azure key identifiers are https:// addresses: copy the kid exactly as Azure printed it."
        ));
    }
    Err(format!(
        "\"{text}\" is not an Azure key identifier: a kid is an address such as https://myvault.vault.azure.net/keys/KEKforBYOK/<version>; copy key.kid from az keyvault key show."
    ))
}

/// The host `<vault>.<suffix>`: its vault name and what the suffix tells.
fn read_host(host: &str) -> Result<(VaultName, VaultKind, AzureCloud, &'static str), String> {
    let lower = host.to_ascii_lowercase();
    let Some((vault, (suffix, kind, cloud))) = HOSTS.iter().find_map(|entry| {
        lower
            .strip_suffix(entry.0)
            .and_then(|v| v.strip_suffix('.'))
            .map(|v| (v, *entry))
    }) else {
        return Err(format!(
            "The host {host} is not a Key Vault or Managed HSM address: a kid's host ends with .vault.azure.net or .managedhsm.azure.net (or .vault.azure.cn, .vault.usgovcloudapi.net and their Managed HSM forms): copy the kid Azure printed."
        ));
    };
    let vault = VaultName::parse(vault).map_err(|e| format!("In the host {host}: {e}"))?;
    Ok((vault, kind, cloud, suffix))
}

/// The path `keys/<name>[/<version>]`.
fn read_path(path: &str, text: &str) -> Result<(KeyName, Option<String>), String> {
    if path.contains(['?', '#']) {
        return Err(format!(
            "The key identifier {text} carries a query or fragment (?…/#…): remove it, a kid ends with the key's version."
        ));
    }
    let mut parts = path.trim_end_matches('/').split('/');
    match parts.next() {
        Some("keys") => {}
        Some(kind @ ("secrets" | "certificates")) => {
            return Err(format!(
                "The identifier {text} names one of the vault's {kind}, not a key: copy the kid of a key (…/keys/<name>/<version>)."
            ));
        }
        _ => {
            return Err(format!(
                "The path of {text} does not start with /keys/: a kid reads https://<vault>.vault.azure.net/keys/<name>/<version>."
            ));
        }
    }
    let name = match parts.next() {
        Some(name) if !name.is_empty() => KeyName::parse(name)?,
        _ => {
            return Err(format!(
                "The key identifier {text} has no key name after /keys/: copy the whole kid."
            ));
        }
    };
    let version = parts.next().map(check_version).transpose()?;
    if parts.next().is_some() {
        return Err(format!(
            "The key identifier {text} has more after the version: a kid ends with /keys/<name>/<version>."
        ));
    }
    Ok((name, version))
}

fn check_version(version: &str) -> Result<String, String> {
    if version.len() == 32 && version.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(version.to_ascii_lowercase());
    }
    Err(format!(
        "The key version \"{version}\" is not 32 hexadecimal characters: copy the kid again, the version is the last part of it."
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KID: &str =
        "https://mypremiumkeyvault.vault.azure.net/keys/KEK-BYOK/664f5aa2797a4075b8e36ca4500636d8";
    const HSM_KID: &str =
        "https://contoso-hsm.managedhsm.azure.net/keys/KEKforBYOK/eba63d27e4e34e028839b53fac905621";

    fn refused(text: &str, starts: &str) {
        let message = AzureKeyId::parse(text).unwrap_err();
        assert!(
            message.starts_with(starts),
            "expected {starts:?}, got {message:?}"
        );
    }

    #[test]
    fn a_key_vault_kid_is_read_into_its_parts() {
        let kid = AzureKeyId::parse_versioned(KID).unwrap();
        assert!(!kid.is_managed_hsm());
        assert_eq!(kid.kind(), VaultKind::KeyVault);
        assert_eq!(kid.cloud(), AzureCloud::Public);
        assert_eq!(kid.vault_name().as_str(), "mypremiumkeyvault");
        assert_eq!(kid.key_name().as_str(), "KEK-BYOK");
        assert_eq!(kid.version(), Some("664f5aa2797a4075b8e36ca4500636d8"));
        assert_eq!(kid.vault_url(), "https://mypremiumkeyvault.vault.azure.net");
        assert_eq!(kid.to_string(), KID);
    }

    #[test]
    fn a_managed_hsm_kid_and_sovereign_clouds_are_told_apart() {
        let kid = AzureKeyId::parse(HSM_KID).unwrap();
        assert!(kid.is_managed_hsm());
        assert_eq!(kid.vault_name().as_str(), "contoso-hsm");
        assert_eq!(kid.kind().az_option(), "--hsm-name");
        for (host, kind, cloud) in [
            ("vlt.vault.azure.cn", VaultKind::KeyVault, AzureCloud::China),
            (
                "vlt.vault.usgovcloudapi.net",
                VaultKind::KeyVault,
                AzureCloud::UsGovernment,
            ),
            (
                "vlt.managedhsm.azure.cn",
                VaultKind::ManagedHsm,
                AzureCloud::China,
            ),
            (
                "vlt.managedhsm.usgovcloudapi.net",
                VaultKind::ManagedHsm,
                AzureCloud::UsGovernment,
            ),
        ] {
            let kid = AzureKeyId::parse(&format!("https://{host}/keys/k")).unwrap();
            assert_eq!((kid.kind(), kid.cloud()), (kind, cloud), "{host}");
            assert_eq!(kid.to_string(), format!("https://{host}/keys/k"));
        }
    }

    #[test]
    fn case_spaces_and_a_trailing_slash_are_forgiven() {
        let kid = AzureKeyId::parse(
            "  https://MyPremiumKeyVault.Vault.Azure.Net/keys/KEK-BYOK/664F5AA2797A4075B8E36CA4500636D8/ \n",
        )
        .unwrap();
        assert_eq!(kid.to_string(), KID);
        assert!(kid.same_vault(&AzureKeyId::parse(KID).unwrap().without_version()));
        assert!(!kid.same_vault(&AzureKeyId::parse(HSM_KID).unwrap()));
    }

    #[test]
    fn a_kek_kid_without_version_is_refused_with_the_fix() {
        let bare = "https://mypremiumkeyvault.vault.azure.net/keys/KEK-BYOK";
        assert_eq!(AzureKeyId::parse(bare).unwrap().version(), None);
        let message = AzureKeyId::parse_versioned(bare).unwrap_err();
        assert!(
            message.starts_with(&format!("The key identifier {bare} has no version")),
            "{message}"
        );
        assert!(
            message.contains("Copy the kid with its version"),
            "{message}"
        );
    }

    #[test]
    fn every_wrong_part_is_named() {
        refused("", "No key identifier given");
        refused("KEK-BYOK", "\"KEK-BYOK\" is not an Azure key identifier");
        refused(
            "http://v1.vault.azure.net/keys/k",
            "The key identifier http://v1.vault.azure.net/keys/k starts with http://",
        );
        refused(
            "https://v1.example.com/keys/k",
            "The host v1.example.com is not a Key Vault or Managed HSM address",
        );
        refused(
            "https://vault.azure.net/keys/k",
            "The host vault.azure.net is not a Key Vault or Managed HSM address",
        );
        refused(
            "https://ab.vault.azure.net/keys/k",
            "In the host ab.vault.azure.net: The vault name \"ab\" is 2 characters long",
        );
        refused(
            "https://1vault.vault.azure.net/keys/k",
            "In the host 1vault.vault.azure.net: The vault name \"1vault\" does not start with a letter",
        );
        refused(
            "https://my--vault.vault.azure.net/keys/k",
            "In the host my--vault.vault.azure.net: The vault name \"my--vault\" has two hyphens in a row",
        );
        refused(
            "https://myvault-.vault.azure.net/keys/k",
            "In the host myvault-.vault.azure.net: The vault name \"myvault-\" ends with a hyphen",
        );
        refused(
            "https://my_vault.vault.azure.net/keys/k",
            "In the host my_vault.vault.azure.net: The vault name \"my_vault\" holds '_'",
        );
        refused(
            "https://myvault.vault.azure.net/secrets/s/664f5aa2797a4075b8e36ca4500636d8",
            "The identifier https://myvault.vault.azure.net/secrets/s/664f5aa2797a4075b8e36ca4500636d8 names one of the vault's secrets, not a key",
        );
        refused(
            "https://myvault.vault.azure.net/certificates/c",
            "The identifier https://myvault.vault.azure.net/certificates/c names one of the vault's certificates",
        );
        refused(
            "https://myvault.vault.azure.net/",
            "The path of https://myvault.vault.azure.net/ does not start with /keys/",
        );
        refused(
            "https://myvault.vault.azure.net/keys/",
            "The key identifier https://myvault.vault.azure.net/keys/ has no key name",
        );
        refused(
            "https://myvault.vault.azure.net/keys/my_key",
            "The key name \"my_key\" holds '_'",
        );
        refused(
            "https://myvault.vault.azure.net/keys/k/1234",
            "The key version \"1234\" is not 32 hexadecimal characters",
        );
        refused(
            "https://myvault.vault.azure.net/keys/k/664f5aa2797a4075b8e36ca4500636zz",
            "The key version \"664f5aa2797a4075b8e36ca4500636zz\" is not 32 hexadecimal",
        );
        refused(
            &format!("{KID}/extra"),
            &format!("The key identifier {KID}/extra has more after the version"),
        );
        refused(
            &format!("{KID}?api-version=7.4"),
            &format!("The key identifier {KID}?api-version=7.4 carries a query"),
        );
    }

    #[test]
    fn names_are_checked_on_their_own() {
        assert_eq!(
            VaultName::parse(" My-Vault1 ").unwrap().as_str(),
            "my-vault1"
        );
        assert!(VaultName::parse(&"a".repeat(24)).is_ok());
        assert!(
            VaultName::parse(&"a".repeat(25))
                .unwrap_err()
                .starts_with("The vault name \"aaaaaaaaaaaaaaaaaaaaaaaaa\" is 25 characters long")
        );
        assert!(
            VaultName::parse("")
                .unwrap_err()
                .starts_with("No vault name given")
        );
        assert_eq!(KeyName::parse("KEK-BYOK").unwrap().as_str(), "KEK-BYOK");
        assert!(KeyName::parse(&"k".repeat(127)).is_ok());
        assert!(
            KeyName::parse(&"k".repeat(128))
                .unwrap_err()
                .starts_with("The key name is 128 characters long; Azure allows 127 at most")
        );
        assert!(
            KeyName::parse(" ")
                .unwrap_err()
                .starts_with("No key name given")
        );
        assert!(
            KeyName::parse("my key")
                .unwrap_err()
                .starts_with("The key name \"my key\" holds ' '")
        );
    }
}
