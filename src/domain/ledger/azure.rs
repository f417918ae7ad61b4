//! An Azure copy in the shared ledger: the `.byok` exported for an Azure KEK, the key (vault,
//! name, version) it became, and what Azure's own JSON said since, checked to be about it.
//!
//! Kept on the same KMS key as the AWS entries but in a document of its own
//! (`azure/stored.rs`, `byok-azure-copy/1`), so AWS entries stay byte for byte as they were.

mod stored;

#[cfg(test)]
mod golden;

pub use stored::{AZURE_ATTRIBUTE_PREFIX, AZURE_FORMAT, azure_attribute_name, is_azure_attribute};

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;

use super::{CloudCopy, Discrepancy, KeyPairKind, LedgerState, Sameness, by_words, whole_seconds};
use crate::domain::account::UserId;
use crate::domain::azure::command::{ImportOptions, KeyOperation};
use crate::domain::azure::kid::{AzureKeyId, KeyName};
use crate::domain::azure::outputs::{AzureKeyOutput, check_imported, read_key_output};
use crate::domain::azure::rules::AzureKeyType;
use crate::domain::cloud::Cloud;
use crate::domain::expiry::{ExpiryStatus, Warning};
use crate::domain::time_display::utc_minutes;

/// One Azure copy of a KMS key's material. Its serde derive is the stored
/// JSON, written after `format` ([`AzureCopy::to_attribute_value`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AzureCopy {
    /// Unique per export, `[A-Za-z0-9_]`, sorts by time (`ledger::new_entry_id`).
    pub id: String,
    /// What the key becomes in Azure (`RSA-HSM 3072`, `EC-HSM P-256`, `oct-HSM 256`).
    #[serde(with = "stored::key_type")]
    pub key_type: AzureKeyType,
    /// The vault or Managed HSM the key goes to (the KEK's): `https://<vault>.vault.azure.net`.
    #[serde(with = "stored::vault")]
    pub vault: String,
    /// The key's name in Azure: from the import command copied, or the first output naming it.
    #[serde(with = "stored::key_name")]
    pub key_name: Option<KeyName>,
    /// The key version Azure's output named (kid with its version), once confirmed.
    #[serde(with = "stored::key_kid")]
    pub key_kid: Option<AzureKeyId>,
    #[serde(with = "stored::recorded_at")]
    pub recorded_at: OffsetDateTime,
    /// Who exported it, as the KMS named them; not written when unknown.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "stored::recorded_by"
    )]
    pub recorded_by: Option<UserId>,
    /// What was exported; `None` is kept for a copy registered from outside (not made yet).
    pub export: Option<AzureExport>,
    /// The `az keyvault key import` options, once the command is copied.
    pub command: Option<AzureCommand>,
    /// What Azure's outputs said since, oldest first.
    #[serde(with = "stored::events")]
    pub events: Vec<AzureEvent>,
    /// Top-level members a newer writer added, kept and written back verbatim.
    #[serde(flatten)]
    pub preserved: BTreeMap<String, Value>,
}

/// The wrapped export: the `.byok` file and the KEK it names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AzureExport {
    /// The KMS id of the Azure KEK.
    pub kek_id: String,
    /// The KEK's kid, with its version (the file's header names it).
    #[serde(with = "stored::kek_kid")]
    pub kek_kid: AzureKeyId,
    /// SHA-256 of the KEK's SPKI DER when its `kek_sha256:` tag says; `None` for a CLI-imported KEK.
    #[serde(with = "stored::kek_sha256")]
    pub kek_sha256: Option<String>,
    /// SHA-256 of the `.byok` file's bytes, lower-case hex.
    #[serde(with = "stored::byok_sha256")]
    pub byok_sha256: String,
    /// Members a newer writer added.
    #[serde(flatten)]
    pub preserved: BTreeMap<String, Value>,
}

/// The options of the `az keyvault key import` command the user copied.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AzureCommand {
    #[serde(rename = "key_name", with = "stored::command_key_name")]
    pub key_name: KeyName,
    /// `--ops` (empty: Azure's default, every operation the type allows).
    #[serde(with = "stored::ops")]
    pub ops: Vec<KeyOperation>,
    /// `--expires`, when given.
    #[serde(with = "stored::expires")]
    pub expires: Option<OffsetDateTime>,
    /// Members a newer writer added.
    #[serde(flatten)]
    pub preserved: BTreeMap<String, Value>,
}

impl AzureCommand {
    /// The options of the command the user was given.
    pub fn from_options(options: &ImportOptions) -> Self {
        Self {
            key_name: options.key_name.clone(),
            ops: options.ops.clone(),
            expires: options.expires.map(whole_seconds),
            preserved: BTreeMap::new(),
        }
    }
}

/// Something Azure's output said about the copy.
#[derive(Clone, Debug, PartialEq)]
pub struct AzureEvent {
    pub at: OffsetDateTime,
    pub kind: AzureEventKind,
    pub by: Option<UserId>,
    /// Members a newer writer added to a known event.
    pub preserved: BTreeMap<String, Value>,
}

/// What an event says.
#[derive(Clone, Debug, PartialEq)]
pub enum AzureEventKind {
    /// `az keyvault key import` (or `show`) printed this key version, of this copy's
    /// type, in its vault: Azure holds the copy.
    Confirmed {
        kid: AzureKeyId,
        enabled: Option<bool>,
        /// `attributes.expires`; `None`: Azure lets it be used with no end.
        expires: Option<OffsetDateTime>,
    },
    /// The KMS proved that this key version's public key (its JWK, from `az keyvault key
    /// show`) is the pair of the KMS private key: Azure holds the same key.
    SameMaterial { kid: AzureKeyId },
    /// The KMS's proof found another key pair in Azure; why, in a sentence.
    DifferentMaterial { kid: AzureKeyId, reason: String },
    /// A kind a newer writer added: kept verbatim (the whole event).
    Unrecognised(Value),
}

/// Why an AES copy has no sameness proof but its import.
pub const AES_IMPORT_IS_THE_PROOF: &str = "For an AES (oct-HSM) copy the import itself is the proof: Azure unwrapped the .byok under its own KEK and accepted it, and an AES key shows no public key to compare.";

impl AzureCopy {
    /// A new copy for a `.byok` exported now by `by`.
    pub fn exported(
        id: String,
        key_type: AzureKeyType,
        export: AzureExport,
        now: OffsetDateTime,
        by: &UserId,
    ) -> Self {
        Self {
            id,
            key_type,
            vault: export.kek_kid.vault_url(),
            key_name: None,
            key_kid: None,
            recorded_at: whole_seconds(now),
            recorded_by: Some(by.clone()),
            export: Some(export),
            command: None,
            events: Vec::new(),
            preserved: BTreeMap::new(),
        }
    }

    /// The key's name, from the output or the command (`None` until either names it).
    pub fn name(&self) -> Option<&KeyName> {
        self.key_name
            .as_ref()
            .or(self.command.as_ref().map(|c| &c.key_name))
    }

    /// Records the options of the command copied (its key name becomes the copy's
    /// until an output names the key).
    pub fn set_command(&mut self, command: AzureCommand) {
        if self.key_kid.is_none() {
            self.key_name = Some(command.key_name.clone());
        }
        self.command = Some(command);
    }

    /// Where the copy is: `vault/keys/name/version`, as far as known.
    pub fn place(&self) -> String {
        match (&self.key_kid, self.name()) {
            (Some(kid), _) => kid.to_string(),
            (None, Some(name)) => format!("{}/keys/{name} (version not known yet)", self.vault),
            (None, None) => format!("{} (key name not known yet)", self.vault),
        }
    }

    /// When Azure stops allowing the key's use, as far as known: the `expires` of
    /// the latest confirmation, else the `--expires` of the command.
    pub fn expires(&self) -> Option<OffsetDateTime> {
        let confirmed = self.events.iter().rev().find_map(|e| match &e.kind {
            AzureEventKind::Confirmed { expires, .. } => Some(*expires),
            _ => None,
        });
        match confirmed {
            Some(expires) => expires,
            None => self.command.as_ref().and_then(|c| c.expires),
        }
    }

    /// Exported (nothing confirmed), imported (Azure's output named it), verified or
    /// mismatch (the latest sameness proof), or expired.
    pub fn state(&self, now: OffsetDateTime) -> LedgerState {
        if self.expires().is_some_and(|t| t <= now) {
            return LedgerState::Expired;
        }
        let verdict = self.events.iter().rev().find_map(|e| match &e.kind {
            AzureEventKind::SameMaterial { .. } => Some(LedgerState::Verified),
            AzureEventKind::DifferentMaterial { reason, .. } => {
                Some(LedgerState::Mismatch(vec![Discrepancy {
                    problem: reason.clone(),
                    fix: "Azure holds another key than this KMS key: check the vault, name and version, then prove it again; never use this Azure key in its place.".to_owned(),
                }]))
            }
            _ => None,
        });
        if let Some(verdict) = verdict {
            return verdict;
        }
        let confirmed = self
            .events
            .iter()
            .any(|e| matches!(e.kind, AzureEventKind::Confirmed { .. }));
        if confirmed {
            LedgerState::Imported
        } else {
            LedgerState::Exported
        }
    }

    /// Whether a pasted output is about this copy: not the KEK, HSM-protected, in the
    /// KEK's vault, under the copy's name (any, until one is known), of its type, and the
    /// version already confirmed. Gives the key's name; a refusal says what differs and
    /// what to paste.
    pub fn check_output(&self, output: &AzureKeyOutput) -> Result<KeyName, String> {
        let Some(export) = &self.export else {
            return Err("This copy records no export, so its vault is not known: nothing to check the output against.".to_owned());
        };
        let name = self.name().unwrap_or(output.kid.key_name()).clone();
        check_imported(output, self.key_type, &export.kek_kid, &name)?;
        if let Some(kid) = &self.key_kid
            && kid != &output.kid
        {
            return Err(format!(
                "This output is for the version {} of {name}, but this copy is the version {}: another import under the same name made a new version. To confirm this copy, paste the output of az keyvault key show --name {name} --version {} ({}).",
                output.kid.version().unwrap_or("?"),
                kid.version().unwrap_or("?"),
                kid.version().unwrap_or("?"),
                self.vault
            ));
        }
        Ok(name)
    }

    /// Checks a pasted output is about this copy ([`AzureCopy::check_output`]), then
    /// records it as a confirmation by `by` at `now`; refused, nothing changes.
    pub fn confirm(
        &mut self,
        output: &AzureKeyOutput,
        now: OffsetDateTime,
        by: &UserId,
    ) -> Result<(), String> {
        let name = self.check_output(output)?;
        self.key_name = Some(name);
        self.key_kid = Some(output.kid.clone());
        self.events.push(AzureEvent {
            at: whole_seconds(now),
            kind: AzureEventKind::Confirmed {
                kid: output.kid.clone(),
                enabled: output.enabled,
                expires: output.expires.map(whole_seconds),
            },
            by: Some(by.clone()),
            preserved: BTreeMap::new(),
        });
        Ok(())
    }

    /// What the KMS must check to prove a pasted `az keyvault key show` JSON is this copy's
    /// key: the key pair's kind and Azure's public key as SubjectPublicKeyInfo DER. Refused,
    /// nothing sent, when the output is about another key, vault or version
    /// ([`AzureCopy::check_output`]) or the copy is AES ([`AES_IMPORT_IS_THE_PROOF`]).
    pub fn public_key_to_prove(
        &self,
        output: &AzureKeyOutput,
    ) -> Result<(KeyPairKind, Vec<u8>), String> {
        let kind = match self.key_type {
            AzureKeyType::RsaHsm { .. } => KeyPairKind::Rsa,
            AzureKeyType::EcHsm { curve } => KeyPairKind::Ec(curve),
            AzureKeyType::OctHsm { .. } => return Err(AES_IMPORT_IS_THE_PROOF.to_owned()),
        };
        self.check_output(output)?;
        let spki = output
            .public
            .spki_der()?
            .ok_or("This output shows no public key: paste the output of az keyvault key show for this copy.")?;
        Ok((kind, spki))
    }

    /// Records the KMS's `verdict` on the public key of `output` (checked first by
    /// [`AzureCopy::public_key_to_prove`]); an output confirming a copy not yet confirmed is
    /// recorded as its confirmation first. Refused, nothing changes.
    pub fn record_proof(
        &mut self,
        output: &AzureKeyOutput,
        verdict: &Sameness,
        now: OffsetDateTime,
        by: &UserId,
    ) -> Result<(), String> {
        self.public_key_to_prove(output)?;
        if self.key_kid.is_none() {
            self.confirm(output, now, by)?;
        }
        let kid = output.kid.clone();
        self.events.push(AzureEvent {
            at: whole_seconds(now),
            kind: match verdict {
                Sameness::Same => AzureEventKind::SameMaterial { kid },
                Sameness::Different(reason) => AzureEventKind::DifferentMaterial {
                    kid,
                    reason: reason.clone(),
                },
            },
            by: Some(by.clone()),
            preserved: BTreeMap::new(),
        });
        Ok(())
    }

    /// Whether its expiry is 30 days away or less, or past: the ledger then offers to move it.
    pub fn renewal_due(&self, now: OffsetDateTime) -> bool {
        self.expires()
            .is_some_and(|t| ExpiryStatus::at(t, now).warning != Warning::None)
    }

    /// "Recorded 2026-12-06 21:06 UTC by alice@example.com".
    pub fn recorded_line(&self) -> String {
        format!(
            "Recorded {}{}",
            utc_minutes(self.recorded_at),
            by_words(self.recorded_by.as_ref(), "user unknown")
        )
    }
}

impl AzureEvent {
    /// "2026-12-06 21:10 UTC: Azure confirmed https://…/keys/k/<version> (enabled) by bob".
    pub fn line(&self) -> String {
        let what = match &self.kind {
            AzureEventKind::Confirmed {
                kid,
                enabled,
                expires,
            } => format!(
                "Azure confirmed {kid}{}{}",
                match enabled {
                    Some(true) => ", enabled",
                    Some(false) => ", disabled",
                    None => "",
                },
                expires.map_or(String::new(), |t| format!(", expires {}", utc_minutes(t)))
            ),
            AzureEventKind::SameMaterial { kid } => format!(
                "the same key as the KMS key: the KMS checked the public key of {kid} against its private key"
            ),
            AzureEventKind::DifferentMaterial { kid, reason } => {
                format!("not the same key as the KMS key ({kid}): {reason}")
            }
            AzureEventKind::Unrecognised(raw) => format!(
                "{} (recorded by a newer version of this app)",
                raw.get("kind")
                    .and_then(Value::as_str)
                    .unwrap_or("an event")
            ),
        };
        format!(
            "{}: {what}{}",
            utc_minutes(self.at),
            by_words(self.by.as_ref(), "user unknown")
        )
    }
}

impl CloudCopy for AzureCopy {
    const CLOUD: Cloud = Cloud::Azure;
    const FILE: &'static str = ".byok file";
    const CONFIRMED_BY: &'static str = "az keyvault key import";
    const COMMAND_RECORDS: &'static str = "its key name, operations and expiry";
    type Output = AzureKeyOutput;
    type Command = AzureCommand;

    fn read_output(text: &str) -> Result<AzureKeyOutput, String> {
        read_key_output(text)
    }
    fn check_about(&self, output: &AzureKeyOutput) -> Result<(), String> {
        self.check_output(output).map(drop)
    }
    fn record_output(
        &mut self,
        output: &AzureKeyOutput,
        now: OffsetDateTime,
        by: &UserId,
    ) -> Result<(), String> {
        self.confirm(output, now, by)
    }
    fn record_command(&mut self, command: AzureCommand) {
        self.set_command(command);
    }

    fn id(&self) -> &str {
        &self.id
    }
    fn stored_name_of(id: &str) -> String {
        azure_attribute_name(id)
    }
    fn is_stored_name(name: &str) -> bool {
        is_azure_attribute(name)
    }
    fn read_stored(name: &str, value: &str) -> Result<Self, String> {
        Self::from_attribute(name, value)
    }
    fn stored_value(&self) -> String {
        self.to_attribute_value()
    }
    fn place(&self) -> String {
        AzureCopy::place(self)
    }
    fn destination(&self) -> String {
        self.vault.clone()
    }
    fn kind_words(&self) -> String {
        self.key_type.to_string()
    }
    fn recorded_by(&self) -> Option<&UserId> {
        self.recorded_by.as_ref()
    }
    fn expires(&self) -> Option<OffsetDateTime> {
        AzureCopy::expires(self)
    }
    fn state(&self, now: OffsetDateTime) -> LedgerState {
        AzureCopy::state(self, now)
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;
    use crate::domain::azure::outputs::{PublicPart, read_key_output};
    use crate::domain::key_material::EcCurve;

    const KEK: &str = "https://contosokeyvaulthsm.vault.azure.net/keys/KEKforBYOK/eba63d27e4e34e028839b53fac905621";
    const KID: &str = "https://contosokeyvaulthsm.vault.azure.net/keys/ContosoFirstHSMkey/8fd7a3e7dbb84ccf9d6c3a0a1b2c3d4e";

    fn copy() -> AzureCopy {
        AzureCopy::exported(
            "20261201T093000123Z_a1b2c3d4e5f6".into(),
            AzureKeyType::EcHsm {
                curve: EcCurve::P256,
            },
            AzureExport {
                kek_id: "kek-1".into(),
                kek_kid: AzureKeyId::parse_versioned(KEK).unwrap(),
                kek_sha256: None,
                byok_sha256: "ab".repeat(32),
                preserved: BTreeMap::new(),
            },
            datetime!(2026-12-01 09:30:00.5 UTC),
            &UserId::new("alice").unwrap(),
        )
    }

    fn ec_output(kid: &str, expires: Option<&str>) -> AzureKeyOutput {
        let expires = expires.map_or("null".to_owned(), |e| format!("\"{e}\""));
        read_key_output(&format!(
            r#"{{"attributes":{{"enabled":true,"expires":{expires}}},"key":{{"kid":"{kid}","kty":"EC-HSM","crv":"P-256","x":"AQ","y":"Ag","keyOps":["sign","verify"]}}}}"#
        ))
        .unwrap()
    }

    #[test]
    fn an_output_about_this_copy_confirms_it_with_its_version_and_expiry() {
        let mut copy = copy();
        let now = datetime!(2026-12-02 10:00 UTC);
        assert_eq!(copy.state(now), LedgerState::Exported);
        assert_eq!(
            copy.place(),
            "https://contosokeyvaulthsm.vault.azure.net (key name not known yet)"
        );
        let output = ec_output(KID, Some("2027-06-30T12:00:00+00:00"));
        assert!(matches!(output.public, PublicPart::Ec { .. }));
        copy.confirm(&output, now, &UserId::new("bob").unwrap())
            .unwrap();
        assert_eq!(copy.state(now), LedgerState::Imported);
        assert_eq!(copy.key_kid.as_ref().unwrap().to_string(), KID);
        assert_eq!(copy.place(), KID);
        assert_eq!(copy.expires(), Some(datetime!(2027-06-30 12:00 UTC)));
        assert_eq!(
            copy.state(datetime!(2027-07-01 00:00 UTC)),
            LedgerState::Expired
        );
        assert!(copy.events[0].line().contains("Azure confirmed"));
    }

    #[test]
    fn another_keys_output_is_refused_and_changes_nothing() {
        let mut copy = copy();
        copy.set_command(AzureCommand {
            key_name: KeyName::parse("ContosoFirstHSMkey").unwrap(),
            ops: vec![KeyOperation::Sign],
            expires: None,
            preserved: BTreeMap::new(),
        });
        let before = copy.clone();
        let now = datetime!(2026-12-02 10:00 UTC);
        let by = UserId::new("bob").unwrap();
        let other = "https://contosokeyvaulthsm.vault.azure.net/keys/OtherKey/00000000000000000000000000000001";
        let refused = copy.confirm(&ec_output(other, None), now, &by).unwrap_err();
        assert!(refused.contains("not ContosoFirstHSMkey"), "{refused}");
        let elsewhere = "https://elsewhere.vault.azure.net/keys/ContosoFirstHSMkey/00000000000000000000000000000001";
        let refused = copy
            .confirm(&ec_output(elsewhere, None), now, &by)
            .unwrap_err();
        assert!(refused.contains("elsewhere"), "{refused}");
        assert_eq!(copy, before);
        copy.confirm(&ec_output(KID, None), now, &by).unwrap();
        let newer = "https://contosokeyvaulthsm.vault.azure.net/keys/ContosoFirstHSMkey/00000000000000000000000000000002";
        let refused = copy.confirm(&ec_output(newer, None), now, &by).unwrap_err();
        assert!(
            refused.contains("another import under the same name"),
            "{refused}"
        );
        assert_eq!(copy.events.len(), 1);
        assert_eq!(copy.expires(), None);
    }

    #[test]
    fn the_command_gives_the_name_and_expiry_until_azure_speaks() {
        let mut copy = copy();
        copy.set_command(AzureCommand {
            key_name: KeyName::parse("k1").unwrap(),
            ops: Vec::new(),
            expires: Some(datetime!(2027-01-31 00:00 UTC)),
            preserved: BTreeMap::new(),
        });
        assert_eq!(copy.name().unwrap().as_str(), "k1");
        assert_eq!(copy.expires(), Some(datetime!(2027-01-31 00:00 UTC)));
        assert!(copy.place().ends_with("/keys/k1 (version not known yet)"));
    }

    #[test]
    fn a_proof_is_refused_for_another_key_or_aes_and_recorded_with_its_verdict() {
        let mut copy = copy();
        let now = datetime!(2026-12-02 10:00 UTC);
        let by = UserId::new("carol").unwrap();
        let elsewhere = "https://elsewhere.vault.azure.net/keys/ContosoFirstHSMkey/00000000000000000000000000000001";
        let before = copy.clone();
        let refused = copy
            .record_proof(&ec_output(elsewhere, None), &Sameness::Same, now, &by)
            .unwrap_err();
        assert!(refused.contains("elsewhere"), "{refused}");
        assert_eq!(copy, before);
        let output = ec_output(KID, Some("2027-06-30T12:00:00+00:00"));
        let (kind, spki) = copy.public_key_to_prove(&output).unwrap();
        assert_eq!(kind, KeyPairKind::Ec(EcCurve::P256));
        assert_eq!(spki.len(), 91, "a P-256 SubjectPublicKeyInfo");
        // Not confirmed yet: the same JSON confirms it first, then the verdict.
        copy.record_proof(&output, &Sameness::Same, now, &by)
            .unwrap();
        assert_eq!(copy.events.len(), 2);
        assert_eq!(copy.key_kid.as_ref().unwrap().to_string(), KID);
        assert_eq!(copy.state(now), LedgerState::Verified);
        assert_eq!(
            copy.events[1].line(),
            format!(
                "2026-12-02 10:00 UTC: the same key as the KMS key: the KMS checked the public key of {KID} against its private key by carol"
            )
        );
        let different = Sameness::Different("Azure holds another key pair.".into());
        copy.record_proof(&output, &different, now, &by).unwrap();
        assert_eq!(copy.events.len(), 3);
        assert_eq!(copy.state(now).label(), "mismatch");
        assert!(
            copy.events[2]
                .line()
                .contains("not the same key as the KMS key")
        );
        assert!(copy.kept_by(super::super::LedgerFilter::Mismatch, now));
        // The verdict stands across a later confirmation; expiry still wins.
        copy.confirm(&output, now, &by).unwrap();
        assert_eq!(copy.state(now).label(), "mismatch");
        assert_eq!(
            copy.state(datetime!(2027-07-01 00:00 UTC)),
            LedgerState::Expired
        );
        let mut aes = copy.clone();
        aes.key_type = AzureKeyType::OctHsm { bits: 256 };
        assert_eq!(
            aes.public_key_to_prove(&output).unwrap_err(),
            AES_IMPORT_IS_THE_PROOF
        );
    }

    #[test]
    fn a_renewal_is_due_30_days_before_the_expiry_and_after_it() {
        let mut copy = copy();
        let now = datetime!(2026-12-02 10:00 UTC);
        assert!(!copy.renewal_due(now), "no expiry");
        let by = UserId::new("bob").unwrap();
        copy.confirm(&ec_output(KID, Some("2027-06-30T12:00:00+00:00")), now, &by)
            .unwrap();
        assert!(!copy.renewal_due(now));
        assert!(copy.renewal_due(datetime!(2027-06-01 00:00 UTC)));
        assert!(copy.renewal_due(datetime!(2027-07-01 00:00 UTC)));
        // set-attributes' output with the new expiry is a confirmation like any other.
        copy.confirm(&ec_output(KID, Some("2028-06-30T00:00:00Z")), now, &by)
            .unwrap();
        assert_eq!(copy.expires(), Some(datetime!(2028-06-30 00:00 UTC)));
        assert!(!copy.renewal_due(datetime!(2027-07-01 00:00 UTC)));
    }
}
