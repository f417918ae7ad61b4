//! The tags that mark a KMS object as an Azure key-encryption key (KEK), written exactly as
//! the Cosmian CLI 5.28 writes them (`ckms azure byok import`: `azure`, `kid:<kid>`), so either
//! tool exports with a KEK the other imported, plus the `kek_sha256:` fingerprint the AWS KEKs
//! carry too (the CLI ignores tags it does not know).
//!
//! The CLI's export (`ckms azure byok export`) requires the tag `azure` exactly and takes the
//! first tag starting with `kid:` as the `.byok` header's kid; read here the same way.

use crate::domain::aws::kek_tags::{KEK_SHA256_TAG_PREFIX, fingerprint_tag};
use crate::domain::azure::kek::AzureKek;
use crate::domain::azure::kid::AzureKeyId;

/// Every Azure KEK carries this tag (the CLI's spelling, compared exactly, as the CLI does).
pub const AZURE_TAG: &str = "azure";
/// Prefix of the tag holding the KEK's kid, with its version.
pub const KID_TAG_PREFIX: &str = "kid:";

/// `kid:<kid>`.
pub fn kid_tag(kid: &AzureKeyId) -> String {
    format!("{KID_TAG_PREFIX}{kid}")
}

/// The tags for an Azure KEK import: `azure`, `kid:<kid>` (the two the CLI reads) and
/// `kek_sha256:<SHA-256 of the DER, lower-case hex>`.
pub fn azure_kek_tags(kek: &AzureKek) -> Vec<String> {
    vec![
        AZURE_TAG.to_owned(),
        kid_tag(&kek.kid),
        fingerprint_tag(&kek.key),
    ]
}

/// What a stored object's tags say about it as an Azure KEK.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AzureKekTags {
    /// Tagged `azure` (exactly).
    pub is_azure: bool,
    /// The kid of its `kid:` tag: `None` without one, `Err` (in plain words) when the tag holds
    /// no versioned kid or there are two different ones.
    pub kid: Option<Result<AzureKeyId, String>>,
    /// The DER's SHA-256 (lower-case hex) when our import recorded it; `None` for KEKs the CLI imported.
    pub sha256: Option<String>,
}

impl AzureKekTags {
    /// The kid an export names, or why there is none (what to do included).
    pub fn kid_for_export(&self, kek_id: &str) -> Result<AzureKeyId, String> {
        if !self.is_azure {
            return Err(format!(
                "{kek_id} is not tagged \"{AZURE_TAG}\", so it is not an Azure key-encryption key: import the KEK on the Azure import page (or with ckms azure byok import)."
            ));
        }
        match &self.kid {
            Some(Ok(kid)) => Ok(kid.clone()),
            Some(Err(why)) => Err(format!("{kek_id}: {why}")),
            None => Err(format!(
                "{kek_id} has no \"{KID_TAG_PREFIX}\" tag, so the kid a .byok must name is unknown: import the KEK again on the Azure import page with its kid."
            )),
        }
    }
}

/// Reads the tags of a stored object.
pub fn read_azure_kek_tags(tags: &[String]) -> AzureKekTags {
    AzureKekTags {
        is_azure: tags.iter().any(|t| t == AZURE_TAG),
        kid: kid_from_tags(tags),
        sha256: tags
            .iter()
            .find_map(|t| t.strip_prefix(KEK_SHA256_TAG_PREFIX))
            .map(|hex| hex.trim().to_ascii_lowercase())
            .filter(|hex| hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit())),
    }
}

fn kid_from_tags(tags: &[String]) -> Option<Result<AzureKeyId, String>> {
    let texts: Vec<&str> = tags
        .iter()
        .filter_map(|t| t.strip_prefix(KID_TAG_PREFIX))
        .collect();
    let first = texts.first()?;
    let kid = match AzureKeyId::parse_versioned(first) {
        Ok(kid) => kid,
        Err(why) => {
            return Some(Err(format!(
                "the tag \"{KID_TAG_PREFIX}{first}\" holds no usable kid ({why}) Import the KEK again with the kid Azure printed."
            )));
        }
    };
    let other = texts
        .iter()
        .skip(1)
        .find(|t| AzureKeyId::parse(t).ok().as_ref() != Some(&kid));
    Some(match other {
        Some(other) => Err(format!(
            "it carries two kid tags ({kid} and {other}), so which Azure KEK it is cannot be told: remove the wrong tag, or import the KEK again under a new id."
        )),
        None => Ok(kid),
    })
}

/// How sure it is that a stored KEK is the one about to be imported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SameAzureKek {
    /// Same kid and same public key (its fingerprint tag).
    Certainly,
    /// Same kid, no fingerprint tag (imported by the CLI): a kid names one key version, so
    /// it is the same key unless the tag was typed wrong.
    Possibly,
}

/// Whether the stored KEK (its tags) is `new`.
pub fn same_azure_kek(stored: &AzureKekTags, new: &AzureKek) -> Option<SameAzureKek> {
    if !stored.is_azure || stored.kid.as_ref().and_then(|k| k.as_ref().ok()) != Some(&new.kid) {
        return None;
    }
    match &stored.sha256 {
        Some(hex) => (*hex == new.key.sha256_hex()).then_some(SameAzureKek::Certainly),
        None => Some(SameAzureKek::Possibly),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::azure::kek::parse_kek;

    const KID: &str =
        "https://mypremiumkeyvault.vault.azure.net/keys/KEK-BYOK/664f5aa2797a4075b8e36ca4500636d8";

    fn kek(pem_fixture: &str) -> AzureKek {
        let pem = std::fs::read_to_string(format!(
            "{}/tests/fixtures/{pem_fixture}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        parse_kek(&pem, Some(KID)).unwrap()
    }

    fn strings(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn tags_are_the_clis_two_then_the_fingerprint() {
        let kek = kek("rsa4096.spki.pem");
        assert_eq!(
            azure_kek_tags(&kek),
            vec![
                "azure".to_owned(),
                format!("kid:{KID}"),
                format!("kek_sha256:{}", kek.key.sha256_hex()),
            ]
        );
        let read = read_azure_kek_tags(&azure_kek_tags(&kek));
        assert!(read.is_azure);
        assert_eq!(read.kid, Some(Ok(kek.kid.clone())));
        assert_eq!(read.sha256, Some(kek.key.sha256_hex()));
        assert_eq!(read.kid_for_export("k"), Ok(kek.kid.clone()));
    }

    /// What `ckms azure byok import <pem> <kid>` writes: the kid as typed.
    #[test]
    fn a_cli_kek_is_read_and_its_kid_normalised() {
        let typed = "https://MyPremiumKeyVault.vault.azure.net/keys/KEK-BYOK/664F5AA2797A4075B8E36CA4500636D8";
        let read = read_azure_kek_tags(&strings(&["azure", &format!("kid:{typed}")]));
        assert!(read.is_azure);
        assert_eq!(read.sha256, None);
        assert_eq!(read.kid_for_export("cli").unwrap().to_string(), KID);
    }

    #[test]
    fn every_unusable_tag_set_is_refused_with_what_to_do() {
        let refusal = |tags: &[&str]| read_azure_kek_tags(&strings(tags)).kid_for_export("kek-1");
        assert!(
            refusal(&[&format!("kid:{KID}")])
                .unwrap_err()
                .starts_with("kek-1 is not tagged \"azure\"")
        );
        // The CLI compares the tag exactly: so do we.
        assert!(refusal(&["Azure", &format!("kid:{KID}")]).is_err());
        assert!(
            refusal(&["azure"])
                .unwrap_err()
                .starts_with("kek-1 has no \"kid:\" tag")
        );
        let bare = "https://mypremiumkeyvault.vault.azure.net/keys/KEK-BYOK";
        let message = refusal(&["azure", &format!("kid:{bare}")]).unwrap_err();
        assert!(
            message.starts_with(&format!(
                "kek-1: the tag \"kid:{bare}\" holds no usable kid (The key identifier {bare} has no version"
            )),
            "{message}"
        );
        let other = KID.replace("664f5aa2", "00000000");
        let message =
            refusal(&["azure", &format!("kid:{KID}"), &format!("kid:{other}")]).unwrap_err();
        assert!(
            message.starts_with(&format!(
                "kek-1: it carries two kid tags ({KID} and {other})"
            )),
            "{message}"
        );
        // The same kid twice (another spelling) is one kid.
        assert!(
            refusal(&[
                "azure",
                &format!("kid:{KID}"),
                &format!(
                    "kid:{}",
                    KID.replace("mypremiumkeyvault", "MyPremiumKeyVault")
                )
            ])
            .is_ok()
        );
    }

    #[test]
    fn a_stored_kek_is_the_same_by_kid_and_fingerprint() {
        let kek = kek("rsa4096.spki.pem");
        let ours = read_azure_kek_tags(&azure_kek_tags(&kek));
        assert_eq!(same_azure_kek(&ours, &kek), Some(SameAzureKek::Certainly));
        let other_der = std::fs::read(format!(
            "{}/tests/fixtures/rsa2048.spki.der",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        let other_key = AzureKek {
            key: crate::domain::aws::kek::check_spki(&other_der).unwrap(),
            ..kek.clone()
        };
        assert_eq!(same_azure_kek(&ours, &other_key), None);
        let cli = read_azure_kek_tags(&strings(&["azure", &format!("kid:{KID}")]));
        assert_eq!(same_azure_kek(&cli, &kek), Some(SameAzureKek::Possibly));
        let elsewhere = read_azure_kek_tags(&strings(&[
            "azure",
            &format!("kid:{}", KID.replace("664f5aa2", "00000000")),
        ]));
        assert_eq!(same_azure_kek(&elsewhere, &kek), None);
        let not_azure = read_azure_kek_tags(&strings(&[&format!("kid:{KID}")]));
        assert_eq!(same_azure_kek(&not_azure, &kek), None);
    }
}
