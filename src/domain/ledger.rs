//! The BYOK ledger: one entry per AWS copy of a KMS key's material, kept on
//! that key in the KMS; the entry, its events, and the state they give.
//!
//! How an entry is stored (one vendor attribute holding its JSON): `ledger/stored.rs`.

pub mod azure;
pub mod ceremony;
mod cloud_copy;
mod confirm;
mod generations;
#[cfg(test)]
mod golden;
pub mod google;
pub mod inventory;
mod last_use;
mod reconcile;
mod register;
mod sameness;
mod stored;
pub mod timeline;

pub use crate::domain::stored::whole_seconds;
pub use cloud_copy::CloudCopy;
pub use confirm::{Confirmation, check_about_this_copy, confirm, describe_key_discrepancies};
pub use generations::{carried_copies, drift};
pub use last_use::last_use_line;
pub use reconcile::{Reconciliation, reconcile};
pub use register::{check_registrable, register_from_describe_key};
pub use sameness::{
    KeyPairKind, MAX_MAC_MESSAGE_LEN, PublicKeyProof, Sameness, check_public_key_output,
    compare_mac, generate_mac_command, get_public_key_command, mac_algorithm_name, prove_mac,
    prove_public_key, public_key_misfit, public_key_proof,
};
pub use stored::{ATTRIBUTE_PREFIX, FORMAT, ReadError, attribute_name, is_ledger_attribute};

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use time::{Date, OffsetDateTime, UtcOffset};

use crate::domain::account::UserId;
use crate::domain::aws::arn::AwsKeyArn;
use crate::domain::aws::import_command::{Expiration, ImportCommand, ImportType};
use crate::domain::aws::key_spec::AwsKeySpec;
use crate::domain::time_display::utc_minutes;
use crate::domain::wrapping::WrappingAlgorithm;

/// One AWS copy of a KMS key's material: what was exported for which AWS key,
/// with which command, and what AWS's own outputs have said since. Its serde
/// derive is the stored JSON, written after `format` ([`LedgerEntry::to_attribute_value`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LedgerEntry {
    /// Unique per export, `[A-Za-z0-9_]`, sorts by time ([`new_entry_id`]).
    pub id: String,
    /// `None` when the command was built with the ARN placeholder; the first
    /// AWS output that names the key fills it in.
    #[serde(default, with = "stored::aws_key_arn")]
    pub aws_key_arn: Option<AwsKeyArn>,
    /// The AWS key spec this material is for.
    #[serde(with = "stored::key_spec")]
    pub key_spec: AwsKeySpec,
    /// When the export (or the registration) happened.
    #[serde(with = "stored::recorded_at")]
    pub recorded_at: OffsetDateTime,
    /// Who exported (or registered) it, as the KMS named them; `None` in
    /// entries written before users were recorded (and then not written, so
    /// that they stay byte for byte).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "stored::recorded_by"
    )]
    pub recorded_by: Option<UserId>,
    /// What the wrapped export was; `None` for a copy made outside this app
    /// and registered from describe-key.
    pub export: Option<ExportRecord>,
    /// The options the import command was built with, once known.
    pub command: Option<CommandOptions>,
    /// AWS's `KeyMaterialId` once bound (import-key-material or describe-key).
    pub key_material_id: Option<String>,
    /// What happened since, oldest first (stored as `events` and `events_by`).
    #[serde(flatten, with = "stored::events")]
    pub events: Vec<LedgerEvent>,
    /// Top-level members a newer writer added, kept and written back verbatim.
    #[serde(flatten)]
    pub preserved: BTreeMap<String, Value>,
}

/// What the app exported (stored as the entry's `export`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportRecord {
    /// The KMS id of the KEK (AWS's wrapping public key) the material was wrapped under.
    pub kek_id: String,
    /// SHA-256 of the KEK's SubjectPublicKeyInfo DER, lower-case hex
    /// (as `WrappingPublicKey::sha256_hex` and the `kek_sha256:` tag give it);
    /// empty when the KEK carries no such tag (written and read back as `""`).
    #[serde(with = "stored::kek_sha256")]
    pub kek_sha256: String,
    #[serde(with = "stored::wrapping_algorithm")]
    pub wrapping_algorithm: WrappingAlgorithm,
    /// SHA-256 of the EncryptedKeyMaterial.bin bytes, lower-case hex ([`sha256_hex`]).
    #[serde(with = "stored::material_sha256")]
    pub material_sha256: String,
}

/// The `import-key-material` options that matter later (expiry, renewal),
/// stored as the entry's `command`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommandOptions {
    /// Stored as `expiration_model` and `valid_to`.
    #[serde(flatten, with = "stored::expiration")]
    pub expiration: Expiration,
    #[serde(default, with = "stored::import_type")]
    pub import_type: Option<ImportType>,
    #[serde(rename = "key_material_description")]
    pub description: Option<String>,
}

impl CommandOptions {
    /// The options of a command the user was given.
    pub fn from_command(command: &ImportCommand) -> Self {
        Self {
            expiration: command.expiration,
            import_type: command.import_type,
            description: command.description.clone().filter(|d| !d.is_empty()),
        }
    }
}

/// Something AWS's output said about an entry, when it was pasted and by whom.
#[derive(Clone, Debug, PartialEq)]
pub struct LedgerEvent {
    pub at: OffsetDateTime,
    pub kind: EventKind,
    /// Who recorded it; `None` for events written before users were recorded.
    pub by: Option<UserId>,
    /// Members a newer writer added to a known event, kept and written back verbatim.
    pub preserved: BTreeMap<String, Value>,
}

/// How a sameness proof was made (stored by its snake_case name: `aes_import`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Proof {
    /// get-public-key's SubjectPublicKeyInfo equals the KMS's public key.
    PublicKey,
    /// generate-mac over a random message equals the KMS's MAC of it.
    Mac,
    /// AES: AWS unwrapped and accepted the material under its own token, so
    /// the successful import is the proof.
    AesImport,
}

impl Proof {
    /// The proof in a few words, for an event's line.
    pub fn short_name(self) -> &'static str {
        match self {
            Self::PublicKey => "public key",
            Self::Mac => "MAC",
            Self::AesImport => "AES import",
        }
    }

    /// The proof in a sentence, for the page.
    pub fn describe(self) -> &'static str {
        match self {
            Self::PublicKey => {
                "AWS's public key (get-public-key) is the pair of the KMS private key: the KMS checked it with a random challenge (a signature or an encryption), and no key left it."
            }
            Self::Mac => {
                "AWS's MAC (generate-mac) of a random message equals the KMS key's MAC of it."
            }
            Self::AesImport => {
                "AES: AWS unwrapped the material under its own import token and accepted it; the successful import is the proof."
            }
        }
    }
}

/// One thing wrong, and what to do about it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Discrepancy {
    pub problem: String,
    pub fix: String,
}

impl fmt::Display for Discrepancy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.problem, self.fix)
    }
}

/// What an event says. Its serde derive writes a kind's members only (the
/// event writes `kind` and `at` before them: `ledger/stored.rs`).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum EventKind {
    /// import-key-material's output named this key (and this KeyMaterialId).
    ImportConfirmed {
        key_material_id: Option<String>,
    },
    /// describe-key agreed with the entry.
    DescribeConfirmed {
        key_state: String,
        current_key_material_id: Option<String>,
        expiration_model: Option<String>,
        #[serde(serialize_with = "crate::domain::stored::text::option::serialize")]
        valid_to: Option<OffsetDateTime>,
    },
    /// The entry was made from describe-key for a copy made outside this app.
    Registered,
    SameMaterial {
        proof: Proof,
    },
    DifferentMaterial {
        proof: Proof,
        reason: String,
    },
    /// An AWS output disagreed with the entry; `source` is the AWS CLI command.
    Mismatch {
        source: String,
        discrepancies: Vec<Discrepancy>,
    },
    /// A rotation runbook made other material current in this AWS key: this
    /// material is non-current there and must stay re-importable from the KMS.
    Rotated {
        new_key_material_id: String,
        new_kms_key_id: String,
    },
    /// A new AWS key (and the alias) took over from this one (HMAC, RSA, ECC).
    Superseded {
        by_arn: String,
    },
    /// get-key-last-usage's answer for this copy's AWS key and Region:
    /// no `operation` and no `used_at` means nothing was used since tracking began.
    LastUsed {
        #[serde(skip_serializing_if = "Option::is_none")]
        operation: Option<String>,
        #[serde(
            skip_serializing_if = "Option::is_none",
            serialize_with = "crate::domain::stored::text::option::serialize"
        )]
        used_at: Option<OffsetDateTime>,
        #[serde(skip_serializing_if = "Option::is_none")]
        cloudtrail_event_id: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        kms_request_id: Option<String>,
        #[serde(
            skip_serializing_if = "Option::is_none",
            serialize_with = "crate::domain::stored::text::option::serialize"
        )]
        tracking_since: Option<OffsetDateTime>,
        #[serde(
            skip_serializing_if = "Option::is_none",
            serialize_with = "crate::domain::stored::text::option::serialize"
        )]
        key_created: Option<OffsetDateTime>,
    },
    /// An event kind a newer writer added: kept verbatim, written back as read.
    Unrecognised(Value),
}

/// Where an entry stands, derived from its events ([`LedgerEntry::state`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LedgerState {
    /// Recorded at export; AWS has not confirmed anything yet.
    Exported,
    /// AWS confirmed the import (import output or describe-key).
    Imported,
    /// Proven to be the same material (public key, MAC, or AES import).
    Verified,
    /// The latest AWS output or proof disagreed; each with what to do.
    Mismatch(Vec<Discrepancy>),
    /// Its ValidTo has passed: AWS has deleted the material.
    Expired,
    /// Rotated out: AWS still holds it (old ciphertexts), other material is current.
    NonCurrent,
    /// A new AWS key took over (its alias moved); this copy is kept, not deleted.
    Superseded,
}

impl LedgerState {
    /// The word the ledger page shows and filters on.
    pub fn label(&self) -> &'static str {
        match self {
            Self::Exported => "exported",
            Self::Imported => "imported",
            Self::Verified => "verified",
            Self::Mismatch(_) => "mismatch",
            Self::Expired => "expired",
            Self::NonCurrent => "non-current",
            Self::Superseded => "superseded",
        }
    }
}

/// A new entry id: the UTC time to the millisecond then 12 hex digits of the
/// caller's randomness, e.g. `20261128T120000123Z_a1b2c3d4e5f6`. Only
/// `[A-Za-z0-9_]` (safe in an attribute name); ids sort as their times do.
pub fn new_entry_id(now: OffsetDateTime, random: [u8; 6]) -> String {
    let t = now.to_offset(UtcOffset::UTC);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}{:03}Z_{}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond(),
        hex::encode(random)
    )
}

/// SHA-256 in lower-case hex: of the EncryptedKeyMaterial.bin bytes for
/// [`ExportRecord::material_sha256`].
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

impl LedgerEntry {
    /// A new entry for a wrapped export made now by `by`.
    pub fn exported(
        id: String,
        aws_key_arn: Option<AwsKeyArn>,
        key_spec: AwsKeySpec,
        export: ExportRecord,
        command: Option<CommandOptions>,
        now: OffsetDateTime,
        by: &UserId,
    ) -> Self {
        Self {
            id,
            aws_key_arn,
            key_spec,
            recorded_at: whole_seconds(now),
            recorded_by: Some(by.clone()),
            export: Some(export),
            command,
            key_material_id: None,
            events: Vec::new(),
            preserved: BTreeMap::new(),
        }
    }

    /// Appends an event recorded by `by` at `now` (whole seconds, UTC).
    pub fn record_by(&mut self, kind: EventKind, now: OffsetDateTime, by: &UserId) {
        self.push_event(kind, now, Some(by.clone()));
    }

    /// Appends an event without a user, as versions before users were
    /// recorded did (tests only: the app always says who).
    #[cfg(test)]
    pub(crate) fn record(&mut self, kind: EventKind, now: OffsetDateTime) {
        self.push_event(kind, now, None);
    }

    fn push_event(&mut self, kind: EventKind, now: OffsetDateTime, by: Option<UserId>) {
        self.events.push(LedgerEvent {
            at: whole_seconds(now),
            kind,
            by,
            preserved: BTreeMap::new(),
        });
    }

    /// When the material expires, as far as the ledger knows: the ValidTo of
    /// the latest describe-key that spoke of this entry's material, else the
    /// `--valid-to` the command was built with. `None`: does not expire (or unknown).
    pub fn valid_to(&self) -> Option<OffsetDateTime> {
        let described = self
            .events
            .iter()
            .rev()
            .find_map(|event| match &event.kind {
                EventKind::DescribeConfirmed {
                    current_key_material_id,
                    expiration_model,
                    valid_to,
                    ..
                } if self.is_this_material(current_key_material_id.as_deref()) => {
                    Some(match expiration_model.as_deref() {
                        Some("KEY_MATERIAL_DOES_NOT_EXPIRE") => None,
                        _ => *valid_to,
                    })
                }
                _ => None,
            });
        match described {
            Some(valid_to) => valid_to,
            None => match self.command.as_ref()?.expiration {
                Expiration::ExpiresOn(date) => Some(midnight_utc(date)),
                Expiration::DoesNotExpire => None,
            },
        }
    }

    /// Whether an AWS output's material id is this entry's (unknown on either side counts as yes).
    pub(crate) fn is_this_material(&self, id: Option<&str>) -> bool {
        match (self.key_material_id.as_deref(), id) {
            (Some(mine), Some(theirs)) => mine == theirs,
            _ => true,
        }
    }

    /// Where the entry stands at `now`. A mismatch wins until a later
    /// confirmation of the same kind (describe-key or import for AWS's side, a
    /// proof for the material) clears it; then an expired ValidTo; then a
    /// proof; then an import confirmation.
    pub fn state(&self, now: OffsetDateTime) -> LedgerState {
        let mut aws_side: Vec<Discrepancy> = Vec::new();
        let mut material: Option<Discrepancy> = None;
        let mut imported = self.key_material_id.is_some();
        let mut verified = false;
        let mut retired = None;
        for event in &self.events {
            match &event.kind {
                EventKind::ImportConfirmed { .. } | EventKind::DescribeConfirmed { .. } => {
                    imported = true;
                    aws_side.clear();
                }
                EventKind::Registered => imported = true,
                EventKind::SameMaterial { .. } => {
                    verified = true;
                    imported = true;
                    material = None;
                }
                EventKind::DifferentMaterial { proof, reason } => {
                    verified = false;
                    material = Some(Discrepancy {
                        problem: reason.clone(),
                        fix: match proof {
                            Proof::PublicKey | Proof::Mac => "AWS holds other material than this KMS key: check the ARN and the KMS key, then prove it again; never re-import other material into this AWS key.".to_owned(),
                            Proof::AesImport => "Import again with this entry's command.".to_owned(),
                        },
                    });
                }
                EventKind::Mismatch { discrepancies, .. } => {
                    aws_side = discrepancies.clone();
                }
                EventKind::Rotated { .. } => retired = Some(LedgerState::NonCurrent),
                EventKind::Superseded { .. } => retired = Some(LedgerState::Superseded),
                EventKind::LastUsed { .. } | EventKind::Unrecognised(_) => {}
            }
        }
        let mut all: Vec<Discrepancy> = material.into_iter().collect();
        all.extend(aws_side);
        if !all.is_empty() {
            return LedgerState::Mismatch(all);
        }
        if self.valid_to().is_some_and(|valid_to| valid_to <= now) {
            return LedgerState::Expired;
        }
        if let Some(retired) = retired {
            return retired;
        }
        if verified {
            LedgerState::Verified
        } else if imported {
            LedgerState::Imported
        } else {
            LedgerState::Exported
        }
    }
}

/// Who did something, to end a sentence: " by alice@example.com", or
/// ", user not recorded (older entry)" when `older` (e.g. "older entry")
/// was written before users were recorded.
pub fn by_words(user: Option<&UserId>, older: &str) -> String {
    match user {
        Some(user) => format!(" by {user}"),
        None => format!(", user not recorded ({older})"),
    }
}

impl LedgerEntry {
    /// "Recorded 2026-12-06 21:06 UTC by alice@example.com".
    pub fn recorded_line(&self) -> String {
        format!(
            "Recorded {}{}",
            utc_minutes(self.recorded_at),
            by_words(self.recorded_by.as_ref(), "older entry")
        )
    }
}

impl LedgerEvent {
    /// "2026-12-06 21:10 UTC: import confirmed (KeyMaterialId 1f4b…) by bob@example.com".
    pub fn line(&self) -> String {
        format!(
            "{}: {}{}",
            utc_minutes(self.at),
            self.kind.describe(),
            by_words(self.by.as_ref(), "older entry")
        )
    }
}

impl EventKind {
    /// What the event says, in a few words.
    pub fn describe(&self) -> String {
        match self {
            Self::ImportConfirmed { key_material_id } => match key_material_id {
                Some(id) => format!("import confirmed (KeyMaterialId {id})"),
                None => "import confirmed".to_owned(),
            },
            Self::DescribeConfirmed { key_state, .. } => {
                format!("describe-key agreed (key {key_state})")
            }
            Self::Registered => "registered from describe-key".to_owned(),
            Self::SameMaterial { proof } => {
                format!("same material proven ({})", proof.short_name())
            }
            Self::DifferentMaterial { proof, reason } => {
                format!("different material ({}): {reason}", proof.short_name())
            }
            Self::Mismatch {
                source,
                discrepancies,
            } => format!(
                "{source} output disagreed: {}",
                discrepancies
                    .iter()
                    .map(|d| d.problem.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            Self::Rotated {
                new_key_material_id,
                new_kms_key_id,
            } => format!(
                "rotated out: AWS's current material is {new_key_material_id} (KMS key {new_kms_key_id})"
            ),
            Self::Superseded { by_arn } => format!("superseded by the AWS key {by_arn}"),
            Self::LastUsed { .. } => match self.usage() {
                Some(usage) => usage.short_words(),
                None => "get-key-last-usage read".to_owned(),
            },
            Self::Unrecognised(raw) => format!(
                "{} (recorded by a newer version of this app)",
                raw.get("kind")
                    .and_then(Value::as_str)
                    .unwrap_or("an event")
            ),
        }
    }
}

/// Midnight UTC of a date: what `--valid-to <date>T00:00:00Z` means.
pub fn midnight_utc(date: Date) -> OffsetDateTime {
    date.midnight().assume_utc()
}

/// What the ledger page shows: everything, or the entries that need attention.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LedgerFilter {
    All,
    /// Expired, or expiring within 30 days.
    Expiring,
    /// Exported, AWS has not confirmed the import yet.
    Unconfirmed,
    Mismatch,
}

impl LedgerFilter {
    pub const ALL: [Self; 4] = [Self::All, Self::Expiring, Self::Unconfirmed, Self::Mismatch];

    /// The select's value.
    pub fn name(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Expiring => "expiring",
            Self::Unconfirmed => "unconfirmed",
            Self::Mismatch => "mismatch",
        }
    }

    /// The select's words.
    pub fn label(self) -> &'static str {
        match self {
            Self::All => "Every copy",
            Self::Expiring => "Expired or expiring within 30 days",
            Self::Unconfirmed => "Not confirmed by the cloud yet",
            Self::Mismatch => "Mismatch with the cloud",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Whether `entry` is shown at `now`.
    pub fn keeps(self, entry: &LedgerEntry, now: OffsetDateTime) -> bool {
        match self {
            Self::All => true,
            Self::Expiring => entry
                .valid_to()
                .is_some_and(|valid_to| valid_to - now <= time::Duration::days(30)),
            Self::Unconfirmed => entry.state(now) == LedgerState::Exported,
            Self::Mismatch => matches!(entry.state(now), LedgerState::Mismatch(_)),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use time::macros::{date, datetime};

    use super::*;

    pub const ARN: &str =
        "arn:aws:kms:eu-west-3:447182645454:key/350e35ef-ac51-4dbb-82a4-9bc50b0ea42b";
    pub const MATERIAL_ID: &str =
        "1f4b9c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b";

    /// The user the tests' entries and events are recorded by.
    pub fn alice() -> UserId {
        UserId::new("alice@example.com").unwrap()
    }

    /// An entry as the versions before users were recorded wrote it.
    pub fn entry() -> LedgerEntry {
        let mut entry = LedgerEntry::exported(
            new_entry_id(
                datetime!(2026-11-28 12:00:00.123 UTC),
                [0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6],
            ),
            Some(AwsKeyArn::parse(ARN).unwrap()),
            AwsKeySpec::SymmetricDefault,
            ExportRecord {
                kek_id: "aws-kek-rsaes-oaep-sha-256-0011223344556677".into(),
                kek_sha256: sha256_hex(b"kek"),
                wrapping_algorithm: WrappingAlgorithm::RsaesOaepSha256,
                material_sha256: sha256_hex(b"EncryptedKeyMaterial.bin"),
            },
            Some(CommandOptions {
                expiration: Expiration::ExpiresOn(date!(2027 - 01 - 31)),
                import_type: Some(ImportType::NewKeyMaterial),
                description: Some("first import".into()),
            }),
            datetime!(2026-11-28 12:00:00.123 UTC),
            &alice(),
        );
        entry.recorded_by = None;
        entry
    }

    #[test]
    fn filters_keep_what_needs_attention() {
        let exported = entry();
        let keeps = |f: LedgerFilter, e: &LedgerEntry, now| f.keeps(e, now);
        let far = datetime!(2026-11-28 12:00 UTC);
        let near = datetime!(2027-01-10 00:00 UTC);
        assert!(keeps(LedgerFilter::All, &exported, far));
        assert!(!keeps(LedgerFilter::Expiring, &exported, far));
        assert!(keeps(LedgerFilter::Expiring, &exported, near));
        assert!(keeps(LedgerFilter::Unconfirmed, &exported, far));
        assert!(!keeps(LedgerFilter::Mismatch, &exported, far));
        let mut confirmed = exported.clone();
        confirmed.record(
            EventKind::ImportConfirmed {
                key_material_id: Some(MATERIAL_ID.into()),
            },
            far,
        );
        assert!(!keeps(LedgerFilter::Unconfirmed, &confirmed, far));
        for filter in LedgerFilter::ALL {
            assert_eq!(LedgerFilter::parse(filter.name()), Some(filter));
        }
    }

    #[test]
    fn entry_ids_are_plain_and_sort_by_time() {
        let early = new_entry_id(datetime!(2026-11-28 12:00:00.123 UTC), [0xff; 6]);
        let late = new_entry_id(datetime!(2026-11-28 12:00:00.124 UTC), [0; 6]);
        let later = new_entry_id(datetime!(2026-11-28 14:00:00 +01:00), [0; 6]);
        assert_eq!(early, "20261128T120000123Z_ffffffffffff");
        assert!(early < late && late < later, "{early} {late} {later}");
        assert_eq!(later, "20261128T130000000Z_000000000000");
        for id in [early, late, later] {
            assert!(id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
            assert!(is_ledger_attribute(&attribute_name(&id)));
        }
    }

    #[test]
    fn rotated_and_superseded_copies_are_kept_with_their_state_and_round_trip() {
        let at = datetime!(2026-11-29 12:00 UTC);
        let mut rotated = entry();
        rotated.record(
            EventKind::ImportConfirmed {
                key_material_id: Some(MATERIAL_ID.into()),
            },
            at,
        );
        rotated.record(
            EventKind::Rotated {
                new_key_material_id: "b".repeat(64),
                new_kms_key_id: "k2".into(),
            },
            at,
        );
        assert_eq!(rotated.state(at), LedgerState::NonCurrent);
        assert_eq!(rotated.state(at).label(), "non-current");
        let back =
            LedgerEntry::from_attribute(&rotated.attribute_name(), &rotated.to_attribute_value())
                .unwrap();
        assert_eq!(back, rotated);
        let mut superseded = entry();
        superseded.record(EventKind::Superseded { by_arn: ARN.into() }, at);
        assert_eq!(superseded.state(at), LedgerState::Superseded);
        let back = LedgerEntry::from_attribute(
            &superseded.attribute_name(),
            &superseded.to_attribute_value(),
        )
        .unwrap();
        assert_eq!(back, superseded);
        // A mismatch still wins: it needs action.
        superseded.record(
            EventKind::Mismatch {
                source: "describe-key".into(),
                discrepancies: vec![Discrepancy {
                    problem: "p".into(),
                    fix: "f".into(),
                }],
            },
            at,
        );
        assert!(matches!(superseded.state(at), LedgerState::Mismatch(_)));
    }

    #[test]
    fn the_state_follows_the_events() {
        let now = datetime!(2026-12-01 00:00 UTC);
        let mut e = entry();
        assert_eq!(e.state(now), LedgerState::Exported);
        e.record(
            EventKind::ImportConfirmed {
                key_material_id: Some(MATERIAL_ID.into()),
            },
            now,
        );
        assert_eq!(e.state(now), LedgerState::Imported);
        let mismatch = Discrepancy {
            problem: "KeyState is Disabled.".into(),
            fix: "enable-key".into(),
        };
        e.record(
            EventKind::Mismatch {
                source: "describe-key".into(),
                discrepancies: vec![mismatch.clone()],
            },
            now,
        );
        assert_eq!(e.state(now), LedgerState::Mismatch(vec![mismatch]));
        e.record(
            EventKind::DescribeConfirmed {
                key_state: "Enabled".into(),
                current_key_material_id: None,
                expiration_model: Some("KEY_MATERIAL_EXPIRES".into()),
                valid_to: Some(datetime!(2027-01-31 00:00 UTC)),
            },
            now,
        );
        assert_eq!(e.state(now), LedgerState::Imported);
        e.record(
            EventKind::SameMaterial {
                proof: Proof::AesImport,
            },
            now,
        );
        assert_eq!(e.state(now), LedgerState::Verified);
        assert_eq!(e.state(datetime!(2027-01-31 00:00 UTC)).label(), "expired");
        e.record(
            EventKind::DifferentMaterial {
                proof: Proof::PublicKey,
                reason: "differ".into(),
            },
            now,
        );
        assert!(matches!(e.state(now), LedgerState::Mismatch(ref d) if d[0].problem == "differ"));
        // A describe-key confirmation does not clear a failed proof.
        e.record(
            EventKind::DescribeConfirmed {
                key_state: "Enabled".into(),
                current_key_material_id: None,
                expiration_model: Some("KEY_MATERIAL_DOES_NOT_EXPIRE".into()),
                valid_to: None,
            },
            now,
        );
        assert_eq!(e.state(now).label(), "mismatch");
        e.record(
            EventKind::SameMaterial {
                proof: Proof::PublicKey,
            },
            now,
        );
        // The latest describe-key said the material no longer expires.
        assert_eq!(
            e.state(datetime!(2030-01-01 00:00 UTC)),
            LedgerState::Verified
        );
    }

    #[test]
    fn valid_to_comes_from_aws_for_this_material_else_from_the_command() {
        let mut e = entry();
        assert_eq!(e.valid_to(), Some(datetime!(2027-01-31 00:00 UTC)));
        e.key_material_id = Some(MATERIAL_ID.into());
        let described = |id: &str, valid_to| EventKind::DescribeConfirmed {
            key_state: "Enabled".into(),
            current_key_material_id: Some(id.into()),
            expiration_model: Some("KEY_MATERIAL_EXPIRES".into()),
            valid_to: Some(valid_to),
        };
        e.record(
            described("other", datetime!(2026-12-24 00:00 UTC)),
            datetime!(2026-12-01 00:00 UTC),
        );
        assert_eq!(e.valid_to(), Some(datetime!(2027-01-31 00:00 UTC)));
        e.record(
            described(MATERIAL_ID, datetime!(2027-02-15 10:00 UTC)),
            datetime!(2026-12-01 00:00 UTC),
        );
        assert_eq!(e.valid_to(), Some(datetime!(2027-02-15 10:00 UTC)));
        e.command.as_mut().unwrap().expiration = Expiration::DoesNotExpire;
        e.events.clear();
        assert_eq!(e.valid_to(), None);
    }
}
