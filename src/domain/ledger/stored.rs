//! The ledger entry as stored: one KMIP vendor attribute per AWS copy, its
//! name and its JSON (the serde derive of [`LedgerEntry`] plus what differs).
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
//!
//! # What is derived and what is written by hand
//!
//! The entry, `export` and `command` are the serde derive of [`LedgerEntry`],
//! [`ExportRecord`](super::ExportRecord) and
//! [`CommandOptions`](super::CommandOptions), each typed member read and
//! written through [`crate::domain::stored::text`] by a `with` module of
//! this file named after it (so a refusal names the member). Written by
//! hand, because the stored form is not the struct:
//! * [`expiration`]: one [`Expiration`] is two members, `expiration_model`
//!   and `valid_to` (midnight UTC of the date, in RFC 3339);
//! * [`events`]: the events' users are the top-level `events_by` (above);
//!   an event is `kind`, then `at`, then its kind's members (the derive of
//!   [`EventKind`]), then what a newer writer added; an unknown kind is
//!   kept as read. Reading is lenient (a member of the wrong type reads as
//!   absent where absence is allowed) and names the event and the member
//!   missing (`event 1: no "source" text`), as every version did.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use time::{OffsetDateTime, UtcOffset};

use super::{Discrepancy, EventKind, LedgerEntry, LedgerEvent, Proof, midnight_utc};
use crate::domain::account::UserId;
use crate::domain::aws::arn::AwsKeyArn;
use crate::domain::aws::import_command::{Expiration, ImportType};
use crate::domain::aws::key_spec::AwsKeySpec;
use crate::domain::stored::{
    FormatError, StoredText, members, parse_rfc3339, read_document, read_members, rfc3339, text,
    write_document,
};
use crate::domain::wrapping::WrappingAlgorithm;

impl EventKind {
    /// The event's stored `kind` (`import_confirmed`, …); for a kind a newer
    /// writer added, the `kind` it was read with.
    pub fn stored_kind(&self) -> Option<&str> {
        Some(match self {
            EventKind::Unrecognised(raw) => return raw.get("kind").and_then(Value::as_str),
            EventKind::ImportConfirmed { .. } => "import_confirmed",
            EventKind::DescribeConfirmed { .. } => "describe_confirmed",
            EventKind::Registered => "registered",
            EventKind::SameMaterial { .. } => "same_material",
            EventKind::DifferentMaterial { .. } => "different_material",
            EventKind::Mismatch { .. } => "mismatch",
            EventKind::Rotated { .. } => "rotated",
            EventKind::Superseded { .. } => "superseded",
            EventKind::LastUsed { .. } => "last_used",
        })
    }
}

/// The `format` member of every entry this version writes.
pub const FORMAT: &str = "byok-aws-copy/1";
/// What every ledger attribute name starts with; the entry id follows.
pub const ATTRIBUTE_PREFIX: &str = "byok_aws_copy_";

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
    /// The vendor attribute name this entry is stored under.
    pub fn attribute_name(&self) -> String {
        attribute_name(&self.id)
    }

    /// The compact JSON stored as the attribute's value (see the module doc).
    pub fn to_attribute_value(&self) -> String {
        write_document(FORMAT, self)
    }

    /// Reads an attribute back. Never panics: a name that is not a ledger
    /// name, a newer format, or a malformed value is a [`ReadError`].
    pub fn from_attribute(name: &str, value: &str) -> Result<Self, ReadError> {
        let name_id = name
            .strip_prefix(ATTRIBUTE_PREFIX)
            .filter(|id| is_entry_id(id))
            .ok_or(ReadError::NotLedger)?;
        let members = read_document(value.trim(), FORMAT).map_err(|refusal| match refusal {
            FormatError::Newer(found) => ReadError::NewerFormat(found),
            other => ReadError::Unreadable(other.words(FORMAT)),
        })?;
        let entry: Self = read_members(members).map_err(ReadError::Unreadable)?;
        if entry.id != name_id {
            return Err(ReadError::Unreadable(format!(
                "its id \"{}\" is not the one in its name \"{name}\"",
                entry.id
            )));
        }
        Ok(entry)
    }
}

members! {
    aws_key_arn: Option<AwsKeyArn> => text::option;
    key_spec: AwsKeySpec => text;
    recorded_at: OffsetDateTime => text;
    recorded_by: Option<UserId> => text::option;
    kek_sha256: String => sha256::or_empty;
    wrapping_algorithm: WrappingAlgorithm => text;
    material_sha256: String => sha256;
    import_type: Option<ImportType> => text::option;
}

/// A SHA-256 as stored: 64 lower-case hex digits.
mod sha256 {
    use super::*;

    pub fn serialize<S: Serializer>(hex: &str, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(hex)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        checked(String::deserialize(d)?).map_err(serde::de::Error::custom)
    }

    fn checked(hex: String) -> Result<String, String> {
        if hex.len() == 64
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            Ok(hex)
        } else {
            Err(format!("\"{hex}\" is not a lower-case hex SHA-256"))
        }
    }

    /// The same, or empty: the KEK had no `kek_sha256` tag (imported by
    /// another client, or by the guided flow) and the fingerprint is not known.
    pub mod or_empty {
        use super::*;

        pub fn serialize<S: Serializer>(hex: &str, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_str(hex)
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
            let hex = String::deserialize(d)?;
            if hex.is_empty() {
                return Ok(hex);
            }
            checked(hex).map_err(serde::de::Error::custom)
        }
    }
}

/// The command's [`Expiration`], flattened into `command` as two members:
/// `expiration_model` (AWS's name) and `valid_to` (midnight UTC of the
/// date, RFC 3339; `null` when the material does not expire).
pub(crate) mod expiration {
    use super::*;

    const EXPIRES: &str = "KEY_MATERIAL_EXPIRES";
    const DOES_NOT_EXPIRE: &str = "KEY_MATERIAL_DOES_NOT_EXPIRE";

    #[derive(Serialize, Deserialize)]
    struct Stored {
        expiration_model: String,
        valid_to: Option<String>,
    }

    pub fn serialize<S: Serializer>(expiration: &Expiration, s: S) -> Result<S::Ok, S::Error> {
        let (expiration_model, valid_to) = match expiration {
            Expiration::DoesNotExpire => (DOES_NOT_EXPIRE, None),
            Expiration::ExpiresOn(date) => (EXPIRES, Some(rfc3339(midnight_utc(*date)))),
        };
        Stored {
            expiration_model: expiration_model.to_owned(),
            valid_to,
        }
        .serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Expiration, D::Error> {
        let stored = Stored::deserialize(d)?;
        read(&stored).map_err(serde::de::Error::custom)
    }

    fn read(stored: &Stored) -> Result<Expiration, String> {
        match (stored.expiration_model.as_str(), stored.valid_to.as_deref()) {
            (DOES_NOT_EXPIRE, _) => Ok(Expiration::DoesNotExpire),
            (EXPIRES, Some(text)) => {
                let t = parse_rfc3339(text)
                    .map_err(|_| format!("command.valid_to \"{text}\" is not an RFC 3339 time"))?;
                Ok(Expiration::ExpiresOn(t.to_offset(UtcOffset::UTC).date()))
            }
            (EXPIRES, None) => {
                Err("command.valid_to is missing for KEY_MATERIAL_EXPIRES".to_owned())
            }
            (other, _) => Err(format!(
                "command.expiration_model \"{other}\" is not an AWS expiration model"
            )),
        }
    }
}

/// The entry's events, flattened into it as `events` and `events_by` (see
/// the module doc).
pub(crate) mod events {
    use super::*;

    #[derive(Serialize)]
    struct Written<'a> {
        events: Vec<WrittenEvent<'a>>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        events_by: Vec<Option<&'a str>>,
    }

    /// A known event: `kind`, `at`, its kind's members, then what a newer
    /// writer added; an unknown one as it was read.
    #[derive(Serialize)]
    #[serde(untagged)]
    enum WrittenEvent<'a> {
        Known {
            kind: &'a str,
            #[serde(with = "text")]
            at: OffsetDateTime,
            #[serde(flatten)]
            members: &'a EventKind,
            #[serde(flatten)]
            preserved: &'a BTreeMap<String, Value>,
        },
        Unknown(&'a Value),
    }

    pub fn serialize<S: Serializer>(events: &[LedgerEvent], s: S) -> Result<S::Ok, S::Error> {
        Written {
            events: events.iter().map(written).collect(),
            events_by: users_by_position(events),
        }
        .serialize(s)
    }

    fn written(event: &LedgerEvent) -> WrittenEvent<'_> {
        let EventKind::Unrecognised(raw) = &event.kind else {
            return WrittenEvent::Known {
                kind: event.kind.stored_kind().unwrap_or_default(),
                at: event.at,
                members: &event.kind,
                preserved: &event.preserved,
            };
        };
        WrittenEvent::Unknown(raw)
    }

    /// Who recorded each event, up to the last one known (empty: none known).
    fn users_by_position(events: &[LedgerEvent]) -> Vec<Option<&str>> {
        let known = events
            .iter()
            .rposition(|e| e.by.is_some())
            .map_or(0, |i| i + 1);
        events[..known]
            .iter()
            .map(|e| e.by.as_ref().map(UserId::as_str))
            .collect()
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<LedgerEvent>, D::Error> {
        #[derive(Deserialize)]
        struct Stored {
            events: Vec<Value>,
            #[serde(default)]
            events_by: Vec<Option<String>>,
        }
        let stored = Stored::deserialize(d)?;
        read(stored.events, &stored.events_by).map_err(serde::de::Error::custom)
    }

    fn read(events: Vec<Value>, events_by: &[Option<String>]) -> Result<Vec<LedgerEvent>, String> {
        let users = users_from_positions(events_by, events.len())?;
        events
            .into_iter()
            .zip(users)
            .enumerate()
            .map(|(i, (raw, by))| event(raw, by).map_err(|why| format!("event {}: {why}", i + 1)))
            .collect()
    }

    /// `events_by` as stored: one user (or null) per event, by position; a
    /// list shorter than `events` leaves the later events without a user.
    fn users_from_positions(
        stored: &[Option<String>],
        events: usize,
    ) -> Result<Vec<Option<UserId>>, String> {
        if stored.len() > events {
            return Err(format!(
                "events_by names {} users for {events} events",
                stored.len()
            ));
        }
        let mut users = stored
            .iter()
            .enumerate()
            .map(|(i, name)| {
                name.as_deref()
                    .map(|name| {
                        UserId::from_text(name).map_err(|why| format!("events_by[{i}] {why}"))
                    })
                    .transpose()
            })
            .collect::<Result<Vec<_>, _>>()?;
        users.resize(events, None);
        Ok(users)
    }

    fn event(raw: Value, by: Option<UserId>) -> Result<LedgerEvent, String> {
        let (at, kind) = at_and_kind(&raw)?;
        let preserved = match (&kind, raw) {
            (EventKind::Unrecognised(_), _) => BTreeMap::new(),
            (kind, Value::Object(members)) => {
                let written = written_members(kind);
                members
                    .into_iter()
                    .filter(|(name, _)| name != "kind" && name != "at" && !written.contains(name))
                    .collect()
            }
            _ => BTreeMap::new(),
        };
        Ok(LedgerEvent {
            at,
            kind,
            by,
            preserved,
        })
    }

    /// The members this version writes for `kind` (its serde derive), so
    /// that only the others are kept as a newer writer's.
    fn written_members(kind: &EventKind) -> Vec<String> {
        match serde_json::to_value(kind) {
            Ok(Value::Object(members)) => members.into_iter().map(|(name, _)| name).collect(),
            _ => Vec::new(),
        }
    }

    fn at_and_kind(raw: &Value) -> Result<(OffsetDateTime, EventKind), String> {
        let text = |name: &str| raw.get(name).and_then(Value::as_str).map(str::to_owned);
        let required = |name: &str| text(name).ok_or_else(|| format!("no \"{name}\" text"));
        let at_text = required("at")?;
        let at = parse_rfc3339(&at_text)
            .map_err(|_| format!("\"at\" {at_text} is not an RFC 3339 time"))?;
        let proof = || {
            let name = required("proof")?;
            Proof::deserialize(Value::String(name.clone()))
                .map_err(|_| format!("proof \"{name}\" is unknown"))
        };
        let time = |name: &str| -> Result<Option<OffsetDateTime>, String> {
            text(name)
                .map(|t| {
                    parse_rfc3339(&t).map_err(|_| format!("{name} \"{t}\" is not an RFC 3339 time"))
                })
                .transpose()
        };
        let kind = match required("kind")?.as_str() {
            "import_confirmed" => EventKind::ImportConfirmed {
                key_material_id: text("key_material_id"),
            },
            "describe_confirmed" => EventKind::DescribeConfirmed {
                key_state: required("key_state")?,
                current_key_material_id: text("current_key_material_id"),
                expiration_model: text("expiration_model"),
                valid_to: time("valid_to")?,
            },
            "registered" => EventKind::Registered,
            "rotated" => EventKind::Rotated {
                new_key_material_id: required("new_key_material_id")?,
                new_kms_key_id: required("new_kms_key_id")?,
            },
            "superseded" => EventKind::Superseded {
                by_arn: required("by_arn")?,
            },
            "last_used" => EventKind::LastUsed {
                operation: text("operation"),
                used_at: time("used_at")?,
                cloudtrail_event_id: text("cloudtrail_event_id"),
                kms_request_id: text("kms_request_id"),
                tracking_since: time("tracking_since")?,
                key_created: time("key_created")?,
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
                        let part =
                            |name: &str| d.get(name).and_then(Value::as_str).map(str::to_owned);
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
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::super::tests::{MATERIAL_ID, alice, entry};
    use super::*;

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
