//! A ceremony record per AWS copy: what a person signs after a BYOK import (the keys, the
//! files' SHA-256, the commands, every event and who acted, AWS's identifiers, CloudTrail's events).
//!
//! Built from what the KMS holds (the ledger entry, the KMS key's and the wrapping key's
//! attributes) and written as JSON `byok-ceremony-record/1` for another tool. Azure and
//! Google copies are not covered: they have no KeyMaterialId and their audit logs are not
//! CloudTrail; a later version adds them under `cloud`, with the same members where they fit.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::domain::account::UserId;
use crate::domain::aws::cli::{describe_key, get_parameters_for_import};
use crate::domain::aws::import_command::ImportCommand;
use crate::domain::aws::kek_tags::read_kek_tags;
use crate::domain::aws::key_spec::AwsKeySpec;
use crate::domain::aws::last_usage::command as last_usage_command;
use crate::domain::aws::outputs::{arn_account, arn_key_id};
use crate::domain::aws::wrapping_key_spec::WrappingKeySpec;
use crate::domain::cli::{CliCommand, shell_quote};
use crate::domain::cloud::Cloud;
use crate::domain::ledger::{EventKind, LedgerEntry, Proof, get_public_key_command};
use crate::domain::stored::rfc3339;
use crate::kmip::ObjectAttributes;

/// The JSON file's format name and version (read by other tools: change the version
/// when a member changes meaning; adding members keeps it).
pub const CEREMONY_FORMAT: &str = "byok-ceremony-record/1";

/// The file the wrapped material is handed over in (the export result's name).
pub const MATERIAL_FILE: &str = "EncryptedKeyMaterial.bin";
/// AWS's import token, handed back with it.
pub const TOKEN_FILE: &str = "ImportToken.bin";

/// One copy's ceremony, as printed and as downloaded. Every member is always
/// written: `null` where the KMS or the ledger does not know it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CeremonyRecord {
    /// [`CEREMONY_FORMAT`].
    pub format: String,
    /// When the record was made (RFC 3339 UTC) and for whom (the KMS's user).
    pub generated_at: String,
    pub generated_by: Option<String>,
    /// `AWS`.
    pub cloud: String,
    /// The ledger entry's id.
    pub copy_id: String,
    /// The copy's state when the record was made (`verified`, `expired`, …).
    pub state: String,
    pub recorded_at: String,
    pub recorded_by: Option<String>,
    pub kms_key: KmsKeyFacts,
    /// `None`: the copy was made outside this app and registered from describe-key.
    pub wrapping_key: Option<WrappingKeyFacts>,
    pub files: Vec<HandedFile>,
    pub commands: Vec<RecordedCommand>,
    pub events: Vec<RecordedEvent>,
    pub aws: AwsBinding,
    pub sameness: SamenessFacts,
    pub cloudtrail: Vec<CloudTrailLookup>,
}

/// The KMS key whose material AWS holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KmsKeyFacts {
    pub id: String,
    /// KMIP names: `SymmetricKey`, `PrivateKey`.
    pub object_type: Option<String>,
    /// `AES`, `RSA`, `EC`, `HMACSHA256`, …
    pub algorithm: Option<String>,
    pub length_bits: Option<i64>,
    pub curve: Option<String>,
    /// `Active`, `Deactivated`, …
    pub state: Option<String>,
    /// The AWS key spec the material was exported for.
    pub aws_key_spec: String,
    /// A fingerprint of the key, where one exists without reading its material: none
    /// today (a secret key has none to show; a key pair's is proven whole by the
    /// get-public-key proof below), kept so a later version can fill it in.
    pub fingerprint: Option<String>,
}

/// AWS's wrapping public key (the KEK) the material was wrapped under.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WrappingKeyFacts {
    pub id: String,
    /// SHA-256 of its SubjectPublicKeyInfo DER as recorded at export (`None`: a KEK
    /// imported without it, e.g. by the Cosmian CLI).
    pub spki_sha256: Option<String>,
    /// The same, as the KEK's `kek_sha256:` tag says now (`None`: no tag, or the KEK is gone).
    pub spki_sha256_now: Option<String>,
    /// AWS's name of the wrapping algorithm (`RSAES_OAEP_SHA_256`, …).
    pub wrapping_algorithm: String,
    /// `RSA_2048`, `RSA_3072`, `RSA_4096` (`None`: the KEK is no longer in the KMS).
    pub wrapping_key_spec: Option<String>,
    /// When AWS's import parameters stopped (stop) being valid, when the import recorded it.
    pub parameters_valid_to: Option<String>,
    /// Whether the KEK is still in the KMS (a clean-up removes expired ones).
    pub in_kms: bool,
}

/// A file handed over to AWS, with its SHA-256.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandedFile {
    pub name: String,
    /// Lower-case hex; `None`: not known here (the note says where to compute it).
    pub sha256: Option<String>,
    pub note: String,
}

/// A command of the ceremony, exactly as given (one line, POSIX-quoted).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedCommand {
    pub purpose: String,
    pub command: String,
}

/// One event of the copy, with when and who.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedEvent {
    pub at: String,
    /// The ledger's stored kind (`import_confirmed`, `same_material`, …).
    pub kind: Option<String>,
    pub what: String,
    /// `None`: an older entry did not record who.
    pub by: Option<String>,
}

/// The AWS identifiers bound to the copy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwsBinding {
    pub key_arn: Option<String>,
    pub account: Option<String>,
    pub region: Option<String>,
    /// The key id inside the ARN (a UUID, `mrk-…` for multi-Region keys).
    pub key_id: Option<String>,
    pub key_material_id: Option<String>,
    /// `KEY_MATERIAL_EXPIRES`, `KEY_MATERIAL_DOES_NOT_EXPIRE` (`None`: not known yet).
    pub expiration_model: Option<String>,
    pub expires: Option<String>,
}

/// The sameness proof and its result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SamenessFacts {
    /// `same`, `different` or `not proven`.
    pub result: String,
    /// `public_key`, `mac`, `aes_import` (`None`: not proven).
    pub proof: Option<String>,
    /// The proof in a sentence, or what to do to prove it.
    pub how: String,
    pub at: Option<String>,
    pub by: Option<String>,
}

/// A CloudTrail event to look for, and what identifies it as this copy's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CloudTrailLookup {
    /// CloudTrail's `eventName`.
    pub event_name: String,
    /// What it shows, in a sentence.
    pub shows: String,
    /// Always `kms.amazonaws.com`.
    pub event_source: String,
    /// `awsRegion`.
    pub aws_region: Option<String>,
    /// `recipientAccountId`.
    pub account: Option<String>,
    /// `resources[].ARN` (and `requestParameters.keyId`, which may be the ARN or the key id).
    pub key_arn: Option<String>,
    pub key_id: Option<String>,
    /// `responseElements.keyMaterialId` / `requestParameters.keyMaterialId`, where AWS logs it.
    pub key_material_id: Option<String>,
    /// `eventID`, when get-key-last-usage named the event.
    pub event_id: Option<String>,
    /// Events before this time (the export) are not this copy's.
    pub not_before: String,
}

/// What the record is built from: the entry, the KMS key's and the KEK's attributes
/// as read from the KMS (`kek` `None`: gone), and the import token's SHA-256 when known.
pub struct CeremonyInputs<'a> {
    pub key: &'a ObjectAttributes,
    pub entry: &'a LedgerEntry,
    pub kek: Option<&'a ObjectAttributes>,
    pub import_token_sha256: Option<String>,
    pub now: OffsetDateTime,
    pub by: Option<&'a UserId>,
}

/// The record of one AWS copy.
pub fn ceremony_record(inputs: &CeremonyInputs<'_>) -> CeremonyRecord {
    let entry = inputs.entry;
    CeremonyRecord {
        format: CEREMONY_FORMAT.to_owned(),
        generated_at: rfc3339(inputs.now),
        generated_by: inputs.by.map(|u| u.as_str().to_owned()),
        cloud: Cloud::Aws.name().to_owned(),
        copy_id: entry.id.clone(),
        state: entry.state(inputs.now).label().to_owned(),
        recorded_at: rfc3339(entry.recorded_at),
        recorded_by: entry.recorded_by.as_ref().map(|u| u.as_str().to_owned()),
        kms_key: kms_key(inputs.key, entry.key_spec),
        wrapping_key: wrapping_key(entry, inputs.kek),
        files: files(entry, inputs.import_token_sha256.clone()),
        commands: commands(entry, inputs.kek),
        events: events(entry),
        aws: aws_binding(entry),
        sameness: sameness(entry),
        cloudtrail: cloudtrail(entry),
    }
}

/// The record as the downloaded file: pretty JSON, members in the struct's order.
pub fn to_json(record: &CeremonyRecord) -> String {
    serde_json::to_string_pretty(record).unwrap_or_default()
}

/// A downloaded record read back (another tool's view); refuses another format.
pub fn from_json(text: &str) -> Result<CeremonyRecord, String> {
    let record: CeremonyRecord =
        serde_json::from_str(text).map_err(|e| format!("Not a ceremony record: {e}"))?;
    if record.format != CEREMONY_FORMAT {
        return Err(format!(
            "This record is {}, this version reads {CEREMONY_FORMAT}.",
            record.format
        ));
    }
    Ok(record)
}

fn text<T: ToString>(value: Option<&T>) -> Option<String> {
    value.map(ToString::to_string)
}

fn kms_key(key: &ObjectAttributes, spec: AwsKeySpec) -> KmsKeyFacts {
    KmsKeyFacts {
        id: key.unique_identifier.clone(),
        object_type: text(key.object_type.as_ref()),
        algorithm: text(key.algorithm.as_ref()),
        length_bits: key.length_bits,
        curve: text(key.curve.as_ref()),
        state: text(key.state.as_ref()),
        aws_key_spec: spec.aws_name().to_owned(),
        fingerprint: None,
    }
}

fn wrapping_key(entry: &LedgerEntry, kek: Option<&ObjectAttributes>) -> Option<WrappingKeyFacts> {
    let export = entry.export.as_ref()?;
    let tags = kek.map(|k| read_kek_tags(&k.tags));
    Some(WrappingKeyFacts {
        id: export.kek_id.clone(),
        spki_sha256: Some(export.kek_sha256.clone()).filter(|h| !h.is_empty()),
        spki_sha256_now: tags.as_ref().and_then(|t| t.sha256.clone()),
        wrapping_algorithm: export.wrapping_algorithm.aws_name().to_owned(),
        wrapping_key_spec: kek_spec(kek).map(|s| s.aws_name().to_owned()),
        parameters_valid_to: tags.and_then(|t| t.parameters_valid_to).map(rfc3339),
        in_kms: kek.is_some(),
    })
}

fn kek_spec(kek: Option<&ObjectAttributes>) -> Option<WrappingKeySpec> {
    WrappingKeySpec::from_bits(usize::try_from(kek?.length_bits?).ok()?)
}

fn files(entry: &LedgerEntry, token_sha256: Option<String>) -> Vec<HandedFile> {
    let Some(export) = &entry.export else {
        return Vec::new();
    };
    let token_note = if token_sha256.is_some() {
        "AWS's import token (get-parameters-for-import), as this browser tab holds it."
    } else {
        "AWS's import token (get-parameters-for-import): not held by this browser tab; compute it where it is kept (sha256sum ImportToken.bin)."
    };
    vec![
        HandedFile {
            name: MATERIAL_FILE.to_owned(),
            sha256: Some(export.material_sha256.clone()),
            note:
                "The KMS key's material wrapped under AWS's wrapping key, as the KMS exported it."
                    .to_owned(),
        },
        HandedFile {
            name: TOKEN_FILE.to_owned(),
            sha256: token_sha256,
            note: token_note.to_owned(),
        },
    ]
}

fn commands(entry: &LedgerEntry, kek: Option<&ObjectAttributes>) -> Vec<RecordedCommand> {
    let arn = entry.aws_key_arn.as_ref();
    let mut list = Vec::new();
    let mut push = |purpose: &str, command: CliCommand| {
        list.push(RecordedCommand {
            purpose: purpose.to_owned(),
            command: command.one_line(),
        });
    };
    if let (Some(export), Some(spec)) = (&entry.export, kek_spec(kek)) {
        push(
            "Ask AWS for its wrapping key and import token",
            get_parameters_for_import(arn, export.wrapping_algorithm, spec),
        );
    }
    if let Some(options) = &entry.command {
        let import = ImportCommand {
            key_arn: arn.cloned(),
            material: entry.key_spec.material(),
            material_file: MATERIAL_FILE.to_owned(),
            token_file: TOKEN_FILE.to_owned(),
            expiration: options.expiration,
            import_type: options.import_type,
            description: options.description.clone(),
            key_material_id: None,
        };
        push("Import the material into AWS", import.command());
    }
    push(
        "Confirm the copy (state, material, expiry)",
        describe_key(arn),
    );
    if matches!(entry.key_spec, AwsKeySpec::Rsa(_) | AwsKeySpec::Ecc(_)) {
        push(
            "Prove the same key pair (the KMS checks AWS's public key)",
            get_public_key_command(arn),
        );
    }
    if let Some(arn) = arn {
        push("Read AWS's last use of the key", last_usage_command(arn));
        push(
            "List this key's CloudTrail events (last 90 days)",
            CliCommand(vec![
                "aws cloudtrail lookup-events".to_owned(),
                format!(
                    "--lookup-attributes {}",
                    shell_quote(&format!("AttributeKey=ResourceName,AttributeValue={arn}"))
                ),
                format!("--region {}", arn.region()),
            ]),
        );
    }
    list
}

fn events(entry: &LedgerEntry) -> Vec<RecordedEvent> {
    entry
        .events
        .iter()
        .map(|event| RecordedEvent {
            at: rfc3339(event.at),
            kind: event.kind.stored_kind().map(str::to_owned),
            what: event.kind.describe(),
            by: event.by.as_ref().map(|u| u.as_str().to_owned()),
        })
        .collect()
}

fn aws_binding(entry: &LedgerEntry) -> AwsBinding {
    let arn = entry.aws_key_arn.as_ref();
    let valid_to = entry.valid_to();
    let said = entry.command.is_some()
        || entry
            .events
            .iter()
            .any(|e| matches!(e.kind, EventKind::DescribeConfirmed { .. }));
    let expiration_model = match valid_to {
        Some(_) => Some("KEY_MATERIAL_EXPIRES"),
        None if said => Some("KEY_MATERIAL_DOES_NOT_EXPIRE"),
        None => None,
    };
    AwsBinding {
        key_arn: arn.map(ToString::to_string),
        account: arn.map(|a| arn_account(a).to_owned()),
        region: arn.map(|a| a.region().to_owned()),
        key_id: arn.map(|a| arn_key_id(a).to_owned()),
        key_material_id: entry.key_material_id.clone(),
        expiration_model: expiration_model.map(str::to_owned),
        expires: valid_to.map(rfc3339),
    }
}

fn sameness(entry: &LedgerEntry) -> SamenessFacts {
    let latest = entry.events.iter().rev().find_map(|e| match &e.kind {
        EventKind::SameMaterial { proof } => Some((e, *proof, None)),
        EventKind::DifferentMaterial { proof, reason } => Some((e, *proof, Some(reason.clone()))),
        _ => None,
    });
    let Some((event, proof, different)) = latest else {
        return SamenessFacts {
            result: "not proven".to_owned(),
            proof: None,
            how: not_proven_how(entry.key_spec).to_owned(),
            at: None,
            by: None,
        };
    };
    SamenessFacts {
        result: if different.is_some() {
            "different"
        } else {
            "same"
        }
        .to_owned(),
        proof: Some(proof_name(proof).to_owned()),
        how: match different {
            Some(reason) => format!("{} Found: {reason}", proof.describe()),
            None => proof.describe().to_owned(),
        },
        at: Some(rfc3339(event.at)),
        by: event.by.as_ref().map(|u| u.as_str().to_owned()),
    }
}

/// The proof's stored name (`public_key`, `mac`, `aes_import`).
fn proof_name(proof: Proof) -> &'static str {
    match proof {
        Proof::PublicKey => "public_key",
        Proof::Mac => "mac",
        Proof::AesImport => "aes_import",
    }
}

fn not_proven_how(spec: AwsKeySpec) -> &'static str {
    match spec {
        AwsKeySpec::SymmetricDefault => {
            "Not proven yet: paste import-key-material's output on the ledger entry (AES: the successful import is the proof)."
        }
        AwsKeySpec::Hmac(_) => {
            "Not proven yet: run generate-mac from the ledger entry and paste its output."
        }
        _ => "Not proven yet: run get-public-key and paste its output on the ledger entry.",
    }
}

fn cloudtrail(entry: &LedgerEntry) -> Vec<CloudTrailLookup> {
    let arn = entry.aws_key_arn.as_ref();
    let lookup = |event_name: &str, shows: &str, event_id: Option<String>| CloudTrailLookup {
        event_name: event_name.to_owned(),
        shows: shows.to_owned(),
        event_source: "kms.amazonaws.com".to_owned(),
        aws_region: arn.map(|a| a.region().to_owned()),
        account: arn.map(|a| arn_account(a).to_owned()),
        key_arn: arn.map(ToString::to_string),
        key_id: arn.map(|a| arn_key_id(a).to_owned()),
        key_material_id: entry.key_material_id.clone(),
        event_id,
        not_before: rfc3339(entry.recorded_at),
    };
    let mut list = vec![
        lookup(
            "GetParametersForImport",
            "AWS gave the wrapping key and import token this material was wrapped for.",
            None,
        ),
        lookup(
            "ImportKeyMaterial",
            "The material was imported into the AWS key (who, from where, and its KeyMaterialId).",
            None,
        ),
        lookup(
            "DeleteImportedKeyMaterial",
            "Someone deleted the imported material: the AWS key is unusable until it is imported again.",
            None,
        ),
    ];
    if entry.valid_to().is_some() {
        list.push(lookup(
            "DeleteExpiredKeyMaterial",
            "AWS deleted the material at its expiry (logged by AWS KMS itself).",
            None,
        ));
    }
    if let Some((_, reading)) = entry.last_usage()
        && let Some(last) = reading.last
    {
        list.push(lookup(
            last.operation.as_deref().unwrap_or("(operation not named)"),
            "The last use get-key-last-usage reported.",
            last.cloudtrail_event_id,
        ));
    }
    list
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;
    use crate::domain::aws::last_usage::{LastUse, UsageReading};
    use crate::domain::ledger::tests::{MATERIAL_ID, alice, entry};
    use crate::kmip::{CryptographicAlgorithm, ObjectType, State};

    const NOW: OffsetDateTime = datetime!(2026-12-07 10:00 UTC);

    fn key() -> ObjectAttributes {
        ObjectAttributes {
            unique_identifier: "aes-ledger".to_owned(),
            object_type: Some(ObjectType::from_kmip("SymmetricKey")),
            algorithm: Some(CryptographicAlgorithm::from_kmip("AES")),
            length_bits: Some(256),
            state: Some(State::from_kmip("Active")),
            ..ObjectAttributes::default()
        }
    }

    fn kek() -> ObjectAttributes {
        ObjectAttributes {
            unique_identifier: "aws-kek-rsaes-oaep-sha-256-0011223344556677".to_owned(),
            length_bits: Some(2048),
            tags: vec![
                "aws".to_owned(),
                format!("kek_sha256:{}", crate::domain::ledger::sha256_hex(b"kek")),
                "parameters_valid_to:2026-11-29T12:00:00Z".to_owned(),
            ],
            ..ObjectAttributes::default()
        }
    }

    fn verified_entry() -> LedgerEntry {
        let mut e = entry();
        e.key_material_id = Some(MATERIAL_ID.to_owned());
        e.record_by(
            EventKind::ImportConfirmed {
                key_material_id: Some(MATERIAL_ID.to_owned()),
            },
            datetime!(2026-11-28 12:05 UTC),
            &alice(),
        );
        e.record_by(
            EventKind::SameMaterial {
                proof: Proof::AesImport,
            },
            datetime!(2026-11-28 12:05 UTC),
            &alice(),
        );
        e.record_by(
            EventKind::last_used(&UsageReading {
                key_created: None,
                tracking_since: None,
                last: Some(LastUse {
                    operation: Some("Decrypt".to_owned()),
                    at: Some(datetime!(2026-12-01 08:00 UTC)),
                    cloudtrail_event_id: Some("0a1b2c3d-aaaa-bbbb-cccc-0123456789ab".to_owned()),
                    kms_request_id: None,
                }),
            }),
            datetime!(2026-12-02 09:00 UTC),
            &alice(),
        );
        e
    }

    fn record() -> CeremonyRecord {
        ceremony_record(&CeremonyInputs {
            key: &key(),
            entry: &verified_entry(),
            kek: Some(&kek()),
            import_token_sha256: Some(crate::domain::ledger::sha256_hex(b"token")),
            now: NOW,
            by: Some(&alice()),
        })
    }

    /// The file another tool reads: this text must not change within `/1`
    /// (a new member may be added: then add it here, never change one).
    #[test]
    fn the_json_is_stable() {
        let golden = include_str!("ceremony.golden.json");
        let json = to_json(&record());
        assert_eq!(json.trim_end(), golden.trim_end(), "\n{json}");
        assert_eq!(from_json(golden).unwrap(), record());
    }

    #[test]
    fn every_identifier_an_auditor_matches_is_there() {
        let r = record();
        assert_eq!(r.aws.account.as_deref(), Some("447182645454"));
        assert_eq!(r.aws.region.as_deref(), Some("eu-west-3"));
        assert_eq!(
            r.aws.key_id.as_deref(),
            Some("350e35ef-ac51-4dbb-82a4-9bc50b0ea42b")
        );
        assert_eq!(r.aws.expires.as_deref(), Some("2027-01-31T00:00:00Z"));
        let names: Vec<&str> = r.cloudtrail.iter().map(|c| c.event_name.as_str()).collect();
        assert_eq!(
            names,
            [
                "GetParametersForImport",
                "ImportKeyMaterial",
                "DeleteImportedKeyMaterial",
                "DeleteExpiredKeyMaterial",
                "Decrypt"
            ]
        );
        assert!(
            r.cloudtrail
                .iter()
                .all(|c| c.key_material_id.as_deref() == Some(MATERIAL_ID))
        );
        let wrapping = r.wrapping_key.as_ref().unwrap();
        assert_eq!(wrapping.spki_sha256, wrapping.spki_sha256_now);
        assert_eq!(wrapping.wrapping_key_spec.as_deref(), Some("RSA_2048"));
        assert_eq!(r.sameness.result, "same");
        assert_eq!(r.events.len(), 3);
        assert!(
            r.events
                .iter()
                .all(|e| e.by.as_deref() == Some("alice@example.com"))
        );
        let commands: Vec<&str> = r.commands.iter().map(|c| c.command.as_str()).collect();
        assert!(
            commands[0].starts_with("aws kms get-parameters-for-import"),
            "{commands:?}"
        );
        assert!(
            commands[1].contains("--valid-to 2027-01-31T00:00:00Z"),
            "{commands:?}"
        );
    }

    #[test]
    fn a_registered_copy_without_kek_or_proof_says_so() {
        let mut e = entry();
        e.export = None;
        e.command = None;
        let r = ceremony_record(&CeremonyInputs {
            key: &key(),
            entry: &e,
            kek: None,
            import_token_sha256: None,
            now: NOW,
            by: None,
        });
        assert_eq!(r.wrapping_key, None);
        assert!(r.files.is_empty());
        assert_eq!(r.sameness.result, "not proven");
        assert_eq!(r.aws.expiration_model, None);
        assert!(from_json(&to_json(&r).replace(CEREMONY_FORMAT, "other/2")).is_err());
    }

    #[test]
    fn a_gone_kek_keeps_what_the_entry_recorded() {
        let r = ceremony_record(&CeremonyInputs {
            key: &key(),
            entry: &verified_entry(),
            kek: None,
            import_token_sha256: None,
            now: NOW,
            by: None,
        });
        let wrapping = r.wrapping_key.unwrap();
        assert!(!wrapping.in_kms);
        assert!(wrapping.spki_sha256.is_some());
        assert_eq!(wrapping.spki_sha256_now, None);
        assert_eq!(r.files[1].sha256, None);
        assert!(!r.commands[0].command.contains("get-parameters-for-import"));
    }
}
