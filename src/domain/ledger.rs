//! The BYOK ledger: one AWS copy entry per wrapped export, kept on the exported
//! KMS key as a KMIP vendor attribute in a JSON format any KMIP client can read.
//!
//! # Where and how an entry is stored
//!
//! Each entry is one vendor attribute of the exported KMS key: vendor
//! identification = the KMS's vendor id (e.g. `cosmian`), attribute name
//! [`attribute_name`] = `byok_aws_copy_<entry id>`, value = the compact JSON of
//! [`LedgerEntry::to_attribute_value`]. One attribute per entry means two
//! writers recording two exports never touch the same value. The JSON:
//!
//! ```text
//! {"format":"byok-aws-copy/1",             always first; readers refuse other formats
//!  "id":"20261128T120000123Z_a1b2c3d4e5f6", the entry id, also in the attribute name
//!  "aws_key_arn":"arn:aws:kms:…"|null,      the AWS key the material is for
//!  "key_spec":"SYMMETRIC_DEFAULT",          the AWS key spec of the material
//!  "recorded_at":"2026-11-28T12:00:00Z",    RFC 3339, UTC, whole seconds
//!  "recorded_by":"alice@example.com",       who exported (or registered) the copy, as
//!                                           the KMS's /me named them; absent: not recorded
//!  "export":{"kek_id","kek_sha256","wrapping_algorithm","material_sha256"}|null,
//!                                           null for a copy registered from describe-key
//!  "command":{"expiration_model","valid_to"|null,"import_type"|null,
//!             "key_material_description"|null}|null,
//!  "key_material_id":"<64 hex>"|null,       AWS's KeyMaterialId once bound
//!  "events":[{"at":"…","kind":"…",…},…],   confirmations and proofs, oldest first
//!  "events_by":["bob@example.com",null,…]} who recorded each event, by position in
//!                                           `events`; null or past its end: not recorded
//! ```
//!
//! `recorded_by` and `events_by` are absent when nothing is known (entries
//! written before users were recorded read and write back byte for byte).
//! `events_by` is a top-level list, not a `by` inside each event, because
//! the versions before it keep unknown *top-level* members verbatim but
//! rewrite a known event with its known members only: a `by` inside an event
//! would vanish the first time such a version appended an event, while the
//! list survives it (its events, appended after the list's end, read as not
//! recorded). Every version appends events, none removes or reorders them.
//!
//! Enum values are AWS's own names (`RSAES_OAEP_SHA_256`, `KEY_MATERIAL_EXPIRES`,
//! `NEW_KEY_MATERIAL`); hashes are lower-case hex SHA-256. Unknown top-level
//! fields, unknown event kinds and unknown members of known events are kept
//! verbatim and written back, so a newer writer's additions survive this
//! version's update (unknown members inside `export` and `command` are not).

mod confirm;
mod generations;
mod sameness;

pub use confirm::{
    Confirmation, Reconciliation, check_about_this_copy, check_registrable, confirm,
    describe_key_discrepancies, reconcile, register_from_describe_key,
};
pub use generations::{carried_copies, drift};
pub use sameness::{
    MAX_MAC_MESSAGE_LEN, PublicKeyProof, Sameness, check_public_key_output, compare_mac,
    generate_mac_command, get_public_key_command, mac_algorithm_name, prove_mac, prove_public_key,
    public_key_misfit, public_key_proof,
};

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime, UtcOffset};

use super::account::UserId;
use super::arn::AwsKeyArn;
use super::aws_key_spec::AwsKeySpec;
use super::import_command::{Expiration, ImportCommand, ImportType};
use super::time_display::utc_minutes;
use super::wrapping::WrappingAlgorithm;

/// The `format` member of every entry this version writes.
pub const FORMAT: &str = "byok-aws-copy/1";
/// What every ledger attribute name starts with; the entry id follows.
pub const ATTRIBUTE_PREFIX: &str = "byok_aws_copy_";
const FORMAT_FAMILY: &str = "byok-aws-copy/";

/// One AWS copy of a KMS key's material: what was exported for which AWS key,
/// with which command, and what AWS's own outputs have said since.
#[derive(Clone, Debug, PartialEq)]
pub struct LedgerEntry {
    /// Unique per export, `[A-Za-z0-9_]`, sorts by time ([`new_entry_id`]).
    pub id: String,
    /// `None` when the command was built with the ARN placeholder; the first
    /// AWS output that names the key fills it in.
    pub aws_key_arn: Option<AwsKeyArn>,
    /// The AWS key spec this material is for.
    pub key_spec: AwsKeySpec,
    /// When the export (or the registration) happened.
    pub recorded_at: OffsetDateTime,
    /// Who exported (or registered) it, as the KMS named them; `None` in
    /// entries written before users were recorded.
    pub recorded_by: Option<UserId>,
    /// What the wrapped export was; `None` for a copy made outside this app
    /// and registered from describe-key.
    pub export: Option<ExportRecord>,
    /// The options the import command was built with, once known.
    pub command: Option<CommandOptions>,
    /// AWS's `KeyMaterialId` once bound (import-key-material or describe-key).
    pub key_material_id: Option<String>,
    /// What happened since, oldest first.
    pub events: Vec<LedgerEvent>,
    /// Top-level members a newer writer added, kept and written back verbatim.
    pub preserved: BTreeMap<String, Value>,
}

/// What the app exported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportRecord {
    /// The KMS id of the KEK (AWS's wrapping public key) the material was wrapped under.
    pub kek_id: String,
    /// SHA-256 of the KEK's SubjectPublicKeyInfo DER, lower-case hex
    /// (as `WrappingPublicKey::sha256_hex` and the `kek_sha256:` tag give it);
    /// empty when the KEK carries no such tag (written and read back as `""`).
    pub kek_sha256: String,
    pub wrapping_algorithm: WrappingAlgorithm,
    /// SHA-256 of the EncryptedKeyMaterial.bin bytes, lower-case hex ([`sha256_hex`]).
    pub material_sha256: String,
}

/// The `import-key-material` options that matter later (expiry, renewal).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandOptions {
    pub expiration: Expiration,
    pub import_type: Option<ImportType>,
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

/// How a sameness proof was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
    pub fn wire_name(self) -> &'static str {
        match self {
            Self::PublicKey => "public_key",
            Self::Mac => "mac",
            Self::AesImport => "aes_import",
        }
    }

    fn parse(name: &str) -> Option<Self> {
        [Self::PublicKey, Self::Mac, Self::AesImport]
            .into_iter()
            .find(|p| p.wire_name() == name)
    }

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
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Discrepancy {
    pub problem: String,
    pub fix: String,
}

impl fmt::Display for Discrepancy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.problem, self.fix)
    }
}

/// What an event says.
#[derive(Clone, Debug, PartialEq)]
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

/// `byok_aws_copy_<entry id>`.
pub fn attribute_name(entry_id: &str) -> String {
    format!("{ATTRIBUTE_PREFIX}{entry_id}")
}

/// Whether a vendor attribute name is a ledger entry's.
pub fn is_ledger_attribute(name: &str) -> bool {
    name.strip_prefix(ATTRIBUTE_PREFIX).is_some_and(is_entry_id)
}

fn is_entry_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 128 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Why an attribute could not be read as a ledger entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadError {
    /// The name is not `byok_aws_copy_<id>`: not a ledger attribute at all.
    NotLedger,
    /// Written by a newer version of this app (`byok-aws-copy/2`, …).
    NewerFormat(String),
    /// Not JSON, another format, or a member missing or malformed.
    Unreadable(String),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotLedger => f.write_str(
                "This attribute is not a BYOK ledger entry (its name does not start with byok_aws_copy_).",
            ),
            Self::NewerFormat(format) => write!(
                f,
                "This ledger entry is in format {format}, written by a newer version of this app: update the app to read it. It is left untouched."
            ),
            Self::Unreadable(why) => write!(
                f,
                "This ledger entry cannot be read ({why}); it is left untouched. Inspect the attribute with a KMIP client."
            ),
        }
    }
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

    /// The vendor attribute name this entry is stored under.
    pub fn attribute_name(&self) -> String {
        attribute_name(&self.id)
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
                EventKind::Unrecognised(_) => {}
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

    /// The compact JSON stored as the attribute's value (see the module doc).
    pub fn to_attribute_value(&self) -> String {
        let wire = WireEntry {
            format: FORMAT.to_owned(),
            id: self.id.clone(),
            aws_key_arn: self.aws_key_arn.as_ref().map(ToString::to_string),
            key_spec: self.key_spec.aws_name(),
            recorded_at: rfc3339(self.recorded_at),
            recorded_by: self.recorded_by.as_ref().map(ToString::to_string),
            export: self.export.as_ref().map(|e| WireExport {
                kek_id: e.kek_id.clone(),
                kek_sha256: e.kek_sha256.clone(),
                wrapping_algorithm: e.wrapping_algorithm.aws_name().to_owned(),
                material_sha256: e.material_sha256.clone(),
            }),
            command: self.command.as_ref().map(|c| WireCommand {
                expiration_model: match c.expiration {
                    Expiration::DoesNotExpire => "KEY_MATERIAL_DOES_NOT_EXPIRE",
                    Expiration::ExpiresOn(_) => "KEY_MATERIAL_EXPIRES",
                }
                .to_owned(),
                valid_to: match c.expiration {
                    Expiration::ExpiresOn(date) => Some(rfc3339(midnight_utc(date))),
                    Expiration::DoesNotExpire => None,
                },
                import_type: c.import_type.map(|t| t.aws_name().to_owned()),
                key_material_description: c.description.clone(),
            }),
            key_material_id: self.key_material_id.clone(),
            events: self.events.iter().map(event_to_wire).collect(),
            events_by: events_by_to_wire(&self.events),
            preserved: self.preserved.clone(),
        };
        serde_json::to_string(&wire).unwrap_or_default()
    }

    /// Reads an attribute back. Never panics: a name that is not a ledger
    /// name, a newer format, or a malformed value is a [`ReadError`].
    pub fn from_attribute(name: &str, value: &str) -> Result<Self, ReadError> {
        let Some(name_id) = name
            .strip_prefix(ATTRIBUTE_PREFIX)
            .filter(|id| is_entry_id(id))
        else {
            return Err(ReadError::NotLedger);
        };
        let unreadable = |why: String| ReadError::Unreadable(why);
        let json: Value = serde_json::from_str(value.trim())
            .map_err(|e| unreadable(format!("the value is not JSON: {e}")))?;
        let format = json
            .get("format")
            .and_then(Value::as_str)
            .ok_or_else(|| unreadable("no \"format\" member".to_owned()))?;
        if format != FORMAT {
            return Err(
                match format
                    .strip_prefix(FORMAT_FAMILY)
                    .and_then(|v| v.parse::<u32>().ok())
                {
                    Some(version) if version > 1 => ReadError::NewerFormat(format.to_owned()),
                    _ => unreadable(format!("format \"{format}\" is not {FORMAT}")),
                },
            );
        }
        let wire: WireEntry<Value> = serde_json::from_value(json)
            .map_err(|e| unreadable(format!("a member is missing or malformed: {e}")))?;
        if wire.id != name_id {
            return Err(unreadable(format!(
                "its id \"{}\" is not the one in its name \"{name}\"",
                wire.id
            )));
        }
        let aws_key_arn = wire
            .aws_key_arn
            .as_deref()
            .map(AwsKeyArn::parse)
            .transpose()
            .map_err(|e| unreadable(format!("aws_key_arn: {e}")))?;
        let key_spec = AwsKeySpec::parse(&wire.key_spec).ok_or_else(|| {
            unreadable(format!(
                "key_spec \"{}\" is not an AWS key spec this app imports",
                wire.key_spec
            ))
        })?;
        let recorded_at = parse_time(&wire.recorded_at).ok_or_else(|| {
            unreadable(format!(
                "recorded_at \"{}\" is not an RFC 3339 time",
                wire.recorded_at
            ))
        })?;
        let export = wire
            .export
            .map(|e| -> Result<ExportRecord, ReadError> {
                Ok(ExportRecord {
                    wrapping_algorithm: WrappingAlgorithm::parse(&e.wrapping_algorithm)
                        .ok_or_else(|| {
                            unreadable(format!(
                                "wrapping_algorithm \"{}\" is not an AWS wrapping algorithm",
                                e.wrapping_algorithm
                            ))
                        })?,
                    // Empty: the KEK had no `kek_sha256` tag (imported by another
                    // client, or by the guided flow) and the fingerprint is not known.
                    kek_sha256: if e.kek_sha256.is_empty() {
                        e.kek_sha256
                    } else {
                        check_sha256("export.kek_sha256", e.kek_sha256)?
                    },
                    material_sha256: check_sha256("export.material_sha256", e.material_sha256)?,
                    kek_id: e.kek_id,
                })
            })
            .transpose()?;
        let command = wire.command.map(command_from_wire).transpose()?;
        let recorded_by = wire
            .recorded_by
            .as_deref()
            .map(|name| user_from_wire("recorded_by", name))
            .transpose()?;
        let events_by = events_by_from_wire(wire.events_by, wire.events.len())?;
        let events = wire
            .events
            .into_iter()
            .zip(events_by)
            .enumerate()
            .map(|(i, (e, by))| {
                event_from_wire(e, by).map_err(|why| unreadable(format!("event {}: {why}", i + 1)))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            id: wire.id,
            aws_key_arn,
            key_spec,
            recorded_at,
            recorded_by,
            export,
            command,
            key_material_id: wire.key_material_id,
            events,
            preserved: wire.preserved,
        })
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

/// UTC, nanoseconds dropped: how every time in an entry is kept.
pub fn whole_seconds(t: OffsetDateTime) -> OffsetDateTime {
    t.to_offset(UtcOffset::UTC)
        .replace_nanosecond(0)
        .unwrap_or(t)
}

fn rfc3339(t: OffsetDateTime) -> String {
    whole_seconds(t).format(&Rfc3339).unwrap_or_default()
}

fn parse_time(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &Rfc3339).ok()
}

fn check_sha256(what: &str, hex: String) -> Result<String, ReadError> {
    if hex.len() == 64
        && hex
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        Ok(hex)
    } else {
        Err(ReadError::Unreadable(format!(
            "{what} \"{hex}\" is not a lower-case hex SHA-256"
        )))
    }
}

/// A user id as stored: exactly what [`UserId`] keeps (non-empty, no
/// surrounding spaces), so that it is written back byte for byte.
fn user_from_wire(member: &str, name: &str) -> Result<UserId, ReadError> {
    UserId::new(name)
        .filter(|user| user.as_str() == name)
        .ok_or_else(|| ReadError::Unreadable(format!("{member} \"{name}\" is not a user id")))
}

/// `events_by` as stored: one user (or null) per event, by position; a
/// list shorter than `events` leaves the later events without a user.
fn events_by_from_wire(
    stored: Vec<Option<String>>,
    events: usize,
) -> Result<Vec<Option<UserId>>, ReadError> {
    if stored.len() > events {
        return Err(ReadError::Unreadable(format!(
            "events_by names {} users for {events} events",
            stored.len()
        )));
    }
    let mut users = stored
        .iter()
        .enumerate()
        .map(|(i, name)| {
            name.as_deref()
                .map(|name| user_from_wire(&format!("events_by[{i}]"), name))
                .transpose()
        })
        .collect::<Result<Vec<_>, _>>()?;
    users.resize(events, None);
    Ok(users)
}

/// Who recorded each event, up to the last one known (empty: none known).
fn events_by_to_wire(events: &[LedgerEvent]) -> Vec<Option<String>> {
    let known = events
        .iter()
        .rposition(|e| e.by.is_some())
        .map_or(0, |i| i + 1);
    events[..known]
        .iter()
        .map(|e| e.by.as_ref().map(ToString::to_string))
        .collect()
}

/// An entry as stored; `E` is `Value` when reading, [`WireEventSlot`] when writing.
#[derive(Serialize, Deserialize)]
struct WireEntry<E> {
    format: String,
    id: String,
    aws_key_arn: Option<String>,
    key_spec: String,
    recorded_at: String,
    /// Absent (not `null`) when not known: older entries stay byte for byte.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    recorded_by: Option<String>,
    export: Option<WireExport>,
    command: Option<WireCommand>,
    key_material_id: Option<String>,
    events: Vec<E>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    events_by: Vec<Option<String>>,
    #[serde(flatten)]
    preserved: BTreeMap<String, Value>,
}

#[derive(Serialize, Deserialize)]
struct WireExport {
    kek_id: String,
    kek_sha256: String,
    wrapping_algorithm: String,
    material_sha256: String,
}

#[derive(Serialize, Deserialize)]
struct WireCommand {
    expiration_model: String,
    valid_to: Option<String>,
    import_type: Option<String>,
    key_material_description: Option<String>,
}

fn command_from_wire(c: WireCommand) -> Result<CommandOptions, ReadError> {
    let unreadable = |why: String| ReadError::Unreadable(why);
    let expiration = match (c.expiration_model.as_str(), c.valid_to.as_deref()) {
        ("KEY_MATERIAL_DOES_NOT_EXPIRE", _) => Expiration::DoesNotExpire,
        ("KEY_MATERIAL_EXPIRES", Some(text)) => {
            let t = parse_time(text).ok_or_else(|| {
                unreadable(format!(
                    "command.valid_to \"{text}\" is not an RFC 3339 time"
                ))
            })?;
            Expiration::ExpiresOn(t.to_offset(UtcOffset::UTC).date())
        }
        ("KEY_MATERIAL_EXPIRES", None) => {
            return Err(unreadable(
                "command.valid_to is missing for KEY_MATERIAL_EXPIRES".to_owned(),
            ));
        }
        (other, _) => {
            return Err(unreadable(format!(
                "command.expiration_model \"{other}\" is not an AWS expiration model"
            )));
        }
    };
    let import_type = c
        .import_type
        .map(|t| {
            ImportType::parse(&t).ok_or_else(|| {
                unreadable(format!(
                    "command.import_type \"{t}\" is not an AWS import type"
                ))
            })
        })
        .transpose()?;
    Ok(CommandOptions {
        expiration,
        import_type,
        description: c.key_material_description,
    })
}

/// An event as written: `kind` first, then `at`, then its members, in this order.
#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum WireEventOut<'a> {
    ImportConfirmed {
        at: String,
        key_material_id: &'a Option<String>,
    },
    DescribeConfirmed {
        at: String,
        key_state: &'a str,
        current_key_material_id: &'a Option<String>,
        expiration_model: &'a Option<String>,
        valid_to: Option<String>,
    },
    Registered {
        at: String,
    },
    SameMaterial {
        at: String,
        proof: &'static str,
    },
    DifferentMaterial {
        at: String,
        proof: &'static str,
        reason: &'a str,
    },
    Mismatch {
        at: String,
        source: &'a str,
        discrepancies: Vec<WireDiscrepancy<'a>>,
    },
    Rotated {
        at: String,
        new_key_material_id: &'a str,
        new_kms_key_id: &'a str,
    },
    Superseded {
        at: String,
        by_arn: &'a str,
    },
}

#[derive(Serialize)]
struct WireDiscrepancy<'a> {
    problem: &'a str,
    fix: &'a str,
}

/// A known event and the members a newer writer added to it, after its own.
#[derive(Serialize)]
struct WireEventKnown<'a> {
    #[serde(flatten)]
    event: WireEventOut<'a>,
    #[serde(flatten)]
    preserved: &'a BTreeMap<String, Value>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum WireEventSlot<'a> {
    Known(WireEventKnown<'a>),
    Raw(&'a Value),
}

fn event_to_wire(event: &LedgerEvent) -> WireEventSlot<'_> {
    let at = rfc3339(event.at);
    let known = match &event.kind {
        EventKind::ImportConfirmed { key_material_id } => WireEventOut::ImportConfirmed {
            at,
            key_material_id,
        },
        EventKind::DescribeConfirmed {
            key_state,
            current_key_material_id,
            expiration_model,
            valid_to,
        } => WireEventOut::DescribeConfirmed {
            at,
            key_state,
            current_key_material_id,
            expiration_model,
            valid_to: valid_to.map(rfc3339),
        },
        EventKind::Registered => WireEventOut::Registered { at },
        EventKind::SameMaterial { proof } => WireEventOut::SameMaterial {
            at,
            proof: proof.wire_name(),
        },
        EventKind::DifferentMaterial { proof, reason } => WireEventOut::DifferentMaterial {
            at,
            proof: proof.wire_name(),
            reason,
        },
        EventKind::Mismatch {
            source,
            discrepancies,
        } => WireEventOut::Mismatch {
            at,
            source,
            discrepancies: discrepancies
                .iter()
                .map(|d| WireDiscrepancy {
                    problem: &d.problem,
                    fix: &d.fix,
                })
                .collect(),
        },
        EventKind::Rotated {
            new_key_material_id,
            new_kms_key_id,
        } => WireEventOut::Rotated {
            at,
            new_key_material_id,
            new_kms_key_id,
        },
        EventKind::Superseded { by_arn } => WireEventOut::Superseded { at, by_arn },
        EventKind::Unrecognised(raw) => return WireEventSlot::Raw(raw),
    };
    WireEventSlot::Known(WireEventKnown {
        event: known,
        preserved: &event.preserved,
    })
}

/// The members each known event kind is written with (besides `kind` and `at`).
fn known_members(kind: &EventKind) -> &'static [&'static str] {
    match kind {
        EventKind::ImportConfirmed { .. } => &["key_material_id"],
        EventKind::DescribeConfirmed { .. } => &[
            "key_state",
            "current_key_material_id",
            "expiration_model",
            "valid_to",
        ],
        EventKind::Registered | EventKind::Unrecognised(_) => &[],
        EventKind::SameMaterial { .. } => &["proof"],
        EventKind::DifferentMaterial { .. } => &["proof", "reason"],
        EventKind::Mismatch { .. } => &["source", "discrepancies"],
        EventKind::Rotated { .. } => &["new_key_material_id", "new_kms_key_id"],
        EventKind::Superseded { .. } => &["by_arn"],
    }
}

fn event_from_wire(raw: Value, by: Option<UserId>) -> Result<LedgerEvent, String> {
    let (at, kind) = event_kind_from_wire(&raw)?;
    let preserved = match (&kind, raw) {
        (EventKind::Unrecognised(_), _) => BTreeMap::new(),
        (kind, Value::Object(members)) => members
            .into_iter()
            .filter(|(name, _)| {
                name != "kind" && name != "at" && !known_members(kind).contains(&name.as_str())
            })
            .collect(),
        _ => BTreeMap::new(),
    };
    Ok(LedgerEvent {
        at,
        kind,
        by,
        preserved,
    })
}

fn event_kind_from_wire(raw: &Value) -> Result<(OffsetDateTime, EventKind), String> {
    let text = |name: &str| raw.get(name).and_then(Value::as_str).map(str::to_owned);
    let required = |name: &str| text(name).ok_or_else(|| format!("no \"{name}\" text"));
    let at_text = required("at")?;
    let at =
        parse_time(&at_text).ok_or_else(|| format!("\"at\" {at_text} is not an RFC 3339 time"))?;
    let proof = || {
        let name = required("proof")?;
        Proof::parse(&name).ok_or_else(|| format!("proof \"{name}\" is unknown"))
    };
    let kind = match required("kind")?.as_str() {
        "import_confirmed" => EventKind::ImportConfirmed {
            key_material_id: text("key_material_id"),
        },
        "describe_confirmed" => EventKind::DescribeConfirmed {
            key_state: required("key_state")?,
            current_key_material_id: text("current_key_material_id"),
            expiration_model: text("expiration_model"),
            valid_to: match text("valid_to") {
                Some(t) => Some(
                    parse_time(&t)
                        .ok_or_else(|| format!("valid_to \"{t}\" is not an RFC 3339 time"))?,
                ),
                None => None,
            },
        },
        "registered" => EventKind::Registered,
        "rotated" => EventKind::Rotated {
            new_key_material_id: required("new_key_material_id")?,
            new_kms_key_id: required("new_kms_key_id")?,
        },
        "superseded" => EventKind::Superseded {
            by_arn: required("by_arn")?,
        },
        "same_material" => EventKind::SameMaterial { proof: proof()? },
        "different_material" => EventKind::DifferentMaterial {
            proof: proof()?,
            reason: required("reason")?,
        },
        "mismatch" => EventKind::Mismatch {
            source: required("source")?,
            discrepancies: raw
                .get("discrepancies")
                .and_then(Value::as_array)
                .ok_or("no \"discrepancies\" list")?
                .iter()
                .map(|d| {
                    let part = |name: &str| d.get(name).and_then(Value::as_str).map(str::to_owned);
                    Ok(Discrepancy {
                        problem: part("problem").ok_or("a discrepancy without \"problem\"")?,
                        fix: part("fix").unwrap_or_default(),
                    })
                })
                .collect::<Result<Vec<_>, String>>()?,
        },
        _ => EventKind::Unrecognised(raw.clone()),
    };
    Ok((at, kind))
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
            Self::All => "Every AWS copy",
            Self::Expiring => "Expired or expiring within 30 days",
            Self::Unconfirmed => "Not confirmed by AWS yet",
            Self::Mismatch => "Mismatch with AWS",
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
    fn only_ledger_names_are_ledger_attributes() {
        assert!(is_ledger_attribute(
            "byok_aws_copy_20261128T120000123Z_a1b2c3d4e5f6"
        ));
        for name in [
            "",
            "tag",
            "byok_aws_copy_",
            "byok_aws_copy_a-b",
            "BYOK_AWS_COPY_x",
            "byok_aws_copy_a b",
        ] {
            assert!(!is_ledger_attribute(name), "{name:?}");
        }
    }

    #[test]
    fn the_stored_json_is_pinned() {
        let mut e = entry();
        e.key_material_id = Some(MATERIAL_ID.into());
        e.record(
            EventKind::ImportConfirmed {
                key_material_id: Some(MATERIAL_ID.into()),
            },
            datetime!(2026-11-28 12:05:00.5 UTC),
        );
        e.record(
            EventKind::SameMaterial {
                proof: Proof::AesImport,
            },
            datetime!(2026-11-28 13:05:00 +01:00),
        );
        let expected = OLDER_ENTRY;
        assert_eq!(e.to_attribute_value(), expected);
        assert_eq!(
            e.attribute_name(),
            "byok_aws_copy_20261128T120000123Z_a1b2c3d4e5f6"
        );
    }

    #[test]
    fn entries_round_trip_with_every_event_kind() {
        let mut e = entry();
        let at = datetime!(2026-12-01 08:00 UTC);
        e.record(
            EventKind::ImportConfirmed {
                key_material_id: None,
            },
            at,
        );
        e.record(
            EventKind::DescribeConfirmed {
                key_state: "Enabled".into(),
                current_key_material_id: Some(MATERIAL_ID.into()),
                expiration_model: Some("KEY_MATERIAL_EXPIRES".into()),
                valid_to: Some(datetime!(2027-01-31 00:00 UTC)),
            },
            at,
        );
        e.record(EventKind::Registered, at);
        e.record(EventKind::SameMaterial { proof: Proof::Mac }, at);
        e.record(
            EventKind::DifferentMaterial {
                proof: Proof::PublicKey,
                reason: "the keys differ".into(),
            },
            at,
        );
        e.record(
            EventKind::Mismatch {
                source: "describe-key".into(),
                discrepancies: vec![Discrepancy {
                    problem: "KeyState is Disabled.".into(),
                    fix: "Run aws kms enable-key.".into(),
                }],
            },
            at,
        );
        e.command.as_mut().unwrap().import_type = None;
        e.command.as_mut().unwrap().description = None;
        let value = e.to_attribute_value();
        assert_eq!(
            LedgerEntry::from_attribute(&e.attribute_name(), &value).unwrap(),
            e
        );

        let mut unfingerprinted = entry();
        unfingerprinted.export.as_mut().unwrap().kek_sha256 = String::new();
        let value = unfingerprinted.to_attribute_value();
        assert!(value.contains(r#""kek_sha256":"""#), "{value}");
        assert_eq!(
            LedgerEntry::from_attribute(&unfingerprinted.attribute_name(), &value).unwrap(),
            unfingerprinted
        );

        let mut registered = entry();
        registered.export = None;
        registered.aws_key_arn = None;
        registered.command = None;
        let value = registered.to_attribute_value();
        assert!(value.contains(r#""aws_key_arn":null"#) && value.contains(r#""export":null"#));
        assert_eq!(
            LedgerEntry::from_attribute(&registered.attribute_name(), &value).unwrap(),
            registered
        );
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
    fn newer_additions_survive_an_update() {
        let e = entry();
        let mut json: Value = serde_json::from_str(&e.to_attribute_value()).unwrap();
        json["replica_regions"] = serde_json::json!(["us-east-1"]);
        json["events"].as_array_mut().unwrap().push(
            serde_json::json!({"at": "2026-12-01T00:00:00Z", "kind": "moved_later", "by": "x"}),
        );
        let mut read = LedgerEntry::from_attribute(&e.attribute_name(), &json.to_string()).unwrap();
        assert!(matches!(read.events[0].kind, EventKind::Unrecognised(_)));
        read.record(EventKind::Registered, datetime!(2026-12-02 00:00 UTC));
        let written: Value = serde_json::from_str(&read.to_attribute_value()).unwrap();
        assert_eq!(written["replica_regions"], serde_json::json!(["us-east-1"]));
        assert_eq!(written["events"][0]["kind"], "moved_later");
        assert_eq!(written["events"][0]["by"], "x");
        assert_eq!(written["events"][1]["kind"], "registered");
    }

    #[test]
    fn bad_values_are_reported_never_panicking() {
        let e = entry();
        let name = e.attribute_name();
        let good = e.to_attribute_value();
        let read = |name: &str, value: &str| LedgerEntry::from_attribute(name, value);
        assert_eq!(read("tags", &good), Err(ReadError::NotLedger));
        assert_eq!(
            read(&name, &good.replace("byok-aws-copy/1", "byok-aws-copy/2")),
            Err(ReadError::NewerFormat("byok-aws-copy/2".into()))
        );
        assert!(
            read(&name, &good.replace("byok-aws-copy/1", "other/1"))
                .unwrap_err()
                .to_string()
                .contains("format \"other/1\" is not byok-aws-copy/1")
        );
        for (value, says) in [
            ("", "not JSON"),
            ("[1]", "no \"format\""),
            (&good[..good.len() / 2], "not JSON"),
            (
                &good.replace("SYMMETRIC_DEFAULT", "SM2"),
                "key_spec \"SM2\"",
            ),
            (
                &good.replace("RSAES_OAEP_SHA_256", "RSA_1"),
                "wrapping_algorithm",
            ),
            (
                &good.replace("2026-11-28T12:00:00Z", "yesterday"),
                "recorded_at",
            ),
            (
                &good.replace("\"kek_id\"", "\"kek\""),
                "missing or malformed",
            ),
            (&good.replace("eu-west-3", "EU"), "aws_key_arn"),
        ] {
            let err = read(&name, value).unwrap_err().to_string();
            assert!(err.contains(says), "{value}: {err}");
        }
        let other_id = attribute_name("20261128T120000123Z_000000000000");
        assert!(
            read(&other_id, &good)
                .unwrap_err()
                .to_string()
                .contains("is not the one in its name")
        );
        let bad_event = good.replace(
            r#""events":[]"#,
            r#""events":[{"kind":"mismatch","at":"2026-11-28T12:00:00Z"}]"#,
        );
        assert!(
            read(&name, &bad_event)
                .unwrap_err()
                .to_string()
                .contains("event 1: no \"source\"")
        );
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

    /// An entry as the versions before users were recorded wrote it, pinned
    /// byte for byte (written by this version too when no user is known).
    const OLDER_ENTRY: &str = concat!(
        r#"{"format":"byok-aws-copy/1","id":"20261128T120000123Z_a1b2c3d4e5f6","#,
        r#""aws_key_arn":"arn:aws:kms:eu-west-3:447182645454:key/350e35ef-ac51-4dbb-82a4-9bc50b0ea42b","#,
        r#""key_spec":"SYMMETRIC_DEFAULT","recorded_at":"2026-11-28T12:00:00Z","#,
        r#""export":{"kek_id":"aws-kek-rsaes-oaep-sha-256-0011223344556677","#,
        r#""kek_sha256":"b794385f2d1ef7ab4d9273d1906381b44f2f6f2588a3efb96a49188331984753","#,
        r#""wrapping_algorithm":"RSAES_OAEP_SHA_256","#,
        r#""material_sha256":"b1bf03abef1ddd621253a7be7c9989466ad47b133d536ddb8f2f1898d42bc031"},"#,
        r#""command":{"expiration_model":"KEY_MATERIAL_EXPIRES","valid_to":"2027-01-31T00:00:00Z","#,
        r#""import_type":"NEW_KEY_MATERIAL","key_material_description":"first import"},"#,
        r#""key_material_id":"1f4b9c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b","#,
        r#""events":[{"kind":"import_confirmed","at":"2026-11-28T12:05:00Z","key_material_id":"1f4b9c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b"},"#,
        r#"{"kind":"same_material","at":"2026-11-28T12:05:00Z","proof":"aes_import"}]}"#
    );

    #[test]
    fn entries_written_before_users_were_recorded_read_back_byte_for_byte() {
        let name = attribute_name("20261128T120000123Z_a1b2c3d4e5f6");
        let read = LedgerEntry::from_attribute(&name, OLDER_ENTRY).unwrap();
        assert_eq!(read.recorded_by, None);
        assert!(read.events.iter().all(|e| e.by.is_none()));
        assert_eq!(read.to_attribute_value(), OLDER_ENTRY);
        assert_eq!(
            read.recorded_line(),
            "Recorded 2026-11-28 12:00 UTC, user not recorded (older entry)"
        );
        assert_eq!(
            read.events[1].line(),
            "2026-11-28 12:05 UTC: same material proven (AES import), user not recorded (older entry)"
        );
        // With what a newer writer added: kept as they are, and still no user.
        let newer = OLDER_ENTRY
            .replace(
                r#""events":["#,
                // (an unknown kind is kept as a JSON value: its members sorted by name)
                r#""events":[{"at":"2026-11-28T12:01:00Z","kind":"moved_later","to":"x"},"#,
            )
            .replace(
                r#""proof":"aes_import"}"#,
                r#""proof":"aes_import","via":"cli"}"#,
            )
            .replace(r#"}]}"#, r#"}],"replica_regions":["us-east-1"]}"#);
        let read = LedgerEntry::from_attribute(&name, &newer).unwrap();
        assert_eq!(read.events[2].preserved["via"], "cli");
        assert_eq!(read.to_attribute_value(), newer);
    }

    fn bob() -> UserId {
        UserId::new("bob@example.com").unwrap()
    }

    #[test]
    fn who_recorded_the_copy_and_each_event_is_stored_and_pinned() {
        let mut e = entry();
        e.recorded_by = Some(alice());
        e.key_material_id = Some(MATERIAL_ID.into());
        // An event an older version appended (no user), then two by bob.
        e.record(
            EventKind::DescribeConfirmed {
                key_state: "PendingImport".into(),
                current_key_material_id: None,
                expiration_model: None,
                valid_to: None,
            },
            datetime!(2026-11-28 12:01:00 UTC),
        );
        e.record_by(
            EventKind::ImportConfirmed {
                key_material_id: Some(MATERIAL_ID.into()),
            },
            datetime!(2026-11-28 12:05:00.5 UTC),
            &bob(),
        );
        e.record_by(
            EventKind::SameMaterial {
                proof: Proof::AesImport,
            },
            datetime!(2026-11-28 12:05:00 UTC),
            &bob(),
        );
        let expected = concat!(
            r#"{"format":"byok-aws-copy/1","id":"20261128T120000123Z_a1b2c3d4e5f6","#,
            r#""aws_key_arn":"arn:aws:kms:eu-west-3:447182645454:key/350e35ef-ac51-4dbb-82a4-9bc50b0ea42b","#,
            r#""key_spec":"SYMMETRIC_DEFAULT","recorded_at":"2026-11-28T12:00:00Z","#,
            r#""recorded_by":"alice@example.com","#,
            r#""export":{"kek_id":"aws-kek-rsaes-oaep-sha-256-0011223344556677","#,
            r#""kek_sha256":"b794385f2d1ef7ab4d9273d1906381b44f2f6f2588a3efb96a49188331984753","#,
            r#""wrapping_algorithm":"RSAES_OAEP_SHA_256","#,
            r#""material_sha256":"b1bf03abef1ddd621253a7be7c9989466ad47b133d536ddb8f2f1898d42bc031"},"#,
            r#""command":{"expiration_model":"KEY_MATERIAL_EXPIRES","valid_to":"2027-01-31T00:00:00Z","#,
            r#""import_type":"NEW_KEY_MATERIAL","key_material_description":"first import"},"#,
            r#""key_material_id":"1f4b9c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b","#,
            r#""events":[{"kind":"describe_confirmed","at":"2026-11-28T12:01:00Z","key_state":"PendingImport","#,
            r#""current_key_material_id":null,"expiration_model":null,"valid_to":null},"#,
            r#"{"kind":"import_confirmed","at":"2026-11-28T12:05:00Z","key_material_id":"1f4b9c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b"},"#,
            r#"{"kind":"same_material","at":"2026-11-28T12:05:00Z","proof":"aes_import"}],"#,
            r#""events_by":[null,"bob@example.com","bob@example.com"]}"#
        );
        let value = e.to_attribute_value();
        assert_eq!(value, expected);
        let read = LedgerEntry::from_attribute(&e.attribute_name(), &value).unwrap();
        assert_eq!(read, e);
        assert_eq!(read.to_attribute_value(), expected);
        assert_eq!(
            read.recorded_line(),
            "Recorded 2026-11-28 12:00 UTC by alice@example.com"
        );
        assert_eq!(
            read.events[1].line(),
            format!(
                "2026-11-28 12:05 UTC: import confirmed (KeyMaterialId {MATERIAL_ID}) by bob@example.com"
            )
        );
        assert!(
            read.events[0]
                .line()
                .ends_with(", user not recorded (older entry)")
        );
    }

    /// An entry alice recorded, with one event bob added.
    fn recorded_by_alice_with_an_event_by_bob() -> LedgerEntry {
        let mut e = entry();
        e.recorded_by = Some(alice());
        e.record_by(
            EventKind::Registered,
            datetime!(2026-12-01 00:00 UTC),
            &bob(),
        );
        e
    }

    #[test]
    fn an_older_version_updating_the_entry_keeps_who_recorded_it() {
        let e = recorded_by_alice_with_an_event_by_bob();
        // What a version before users were recorded writes back after
        // appending an event: the members it does not know (recorded_by,
        // events_by) after its own, sorted by name, and its event with no user.
        let value = e.to_attribute_value();
        let older = value
            .replace(r#","recorded_by":"alice@example.com""#, "")
            .replace(
                r#"}],"events_by":["bob@example.com"]}"#,
                concat!(
                    r#"},{"kind":"registered","at":"2026-12-02T00:00:00Z"}],"#,
                    r#""events_by":["bob@example.com"],"recorded_by":"alice@example.com"}"#
                ),
            );
        assert_ne!(older, value);
        let read = LedgerEntry::from_attribute(&e.attribute_name(), &older).unwrap();
        assert_eq!(read.recorded_by, Some(alice()));
        assert_eq!(read.events.len(), 2);
        assert_eq!(read.events[0].by, Some(bob()));
        assert_eq!(read.events[1].by, None);
        assert!(read.preserved.is_empty(), "{:?}", read.preserved);
        // Written back by this version: both kept, the older event still without a user.
        let written: Value = serde_json::from_str(&read.to_attribute_value()).unwrap();
        assert_eq!(written["recorded_by"], "alice@example.com");
        assert_eq!(written["events_by"], serde_json::json!(["bob@example.com"]));
    }

    #[test]
    fn bad_users_are_reported_never_guessed() {
        let e = recorded_by_alice_with_an_event_by_bob();
        let name = e.attribute_name();
        let good = e.to_attribute_value();
        let read = |value: &str| {
            LedgerEntry::from_attribute(&name, value)
                .unwrap_err()
                .to_string()
        };
        for (value, says) in [
            (
                good.replace(
                    r#""recorded_by":"alice@example.com""#,
                    r#""recorded_by":"""#,
                ),
                "recorded_by \"\" is not a user id",
            ),
            (
                good.replace(
                    r#""recorded_by":"alice@example.com""#,
                    r#""recorded_by":" a ""#,
                ),
                "recorded_by \" a \" is not a user id",
            ),
            (
                good.replace(r#"["bob@example.com"]"#, r#"["bob@example.com",null]"#),
                "events_by names 2 users for 1 events",
            ),
            (
                good.replace(r#"["bob@example.com"]"#, r#"[7]"#),
                "missing or malformed",
            ),
            (
                good.replace(r#"["bob@example.com"]"#, r#"[""]"#),
                "events_by[0] \"\" is not a user id",
            ),
        ] {
            let err = read(&value);
            assert!(err.contains(says), "{value}: {err}");
        }
    }
}
