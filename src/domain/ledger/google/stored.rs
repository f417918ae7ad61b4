//! The Google Cloud copy as stored: one KMIP vendor attribute per copy,
//! `byok_google_copy_<id>`, beside the AWS entries and Azure copies (untouched) on
//! the same KMS key.
//!
//! The value is one compact JSON object, the serde derive of [`GoogleCopy`]:
//!
//! ```text
//! {"format":"byok-google-copy/1",              always first; readers refuse other formats
//!  "id":"20261201T093000123Z_a1b2c3d4e5f6",     also in the attribute name
//!  "algorithm":"EC_SIGN_P256_SHA256",           the version's algorithm, API spelling
//!  "protection_level":"HSM"|null,               the key's (the job's); null: not recorded
//!  "import_job":"projects/…/importJobs/<job>",  the job the material is wrapped for
//!  "key":"projects/…/cryptoKeys/<key>"|null,    from the command copied or Google's output
//!  "version":"projects/…/cryptoKeyVersions/<n>"|null,   the version Google's output named
//!  "recorded_at":"2026-12-01T09:30:00Z",        RFC 3339, UTC, whole seconds
//!  "recorded_by":"alice@example.com",           absent: not known
//!  "export":{"kek_id","import_job","kek_sha256"|null,"wrapped_sha256"}|null,
//!  "command":{"key","wrapped_key_file","target_version":<n>|null}|null,
//!  "events":[{"kind":"confirmed","at":"…","by":"bob"?,"version":"…","state":"ENABLED",
//!             "import_time":"…"|null},…]}       oldest first
//! ```
//!
//! As in `byok-azure-copy/1`, every version of this format keeps what a newer writer
//! added at the top level, inside `export`, `command` and known events, and unknown
//! event kinds whole: so an event's user is its own `by`.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use time::OffsetDateTime;

use super::{GoogleCopy, GoogleEvent, GoogleEventKind};
use crate::domain::account::UserId;
use crate::domain::google::algorithm::GoogleAlgorithm;
use crate::domain::google::names::{CryptoKeyName, CryptoKeyVersionName, ImportJobName};
use crate::domain::google::outputs::VersionState;
use crate::domain::google::protection_level::ProtectionLevel;
use crate::domain::stored::{
    FormatError, StoredText, members, read_document, read_members, text, write_document,
};

/// The `format` member of every Google Cloud copy this version writes.
pub const GOOGLE_FORMAT: &str = "byok-google-copy/1";
/// What every Google Cloud copy's attribute name starts with; the copy id follows.
pub const GOOGLE_ATTRIBUTE_PREFIX: &str = "byok_google_copy_";

/// `byok_google_copy_<id>`.
pub fn google_attribute_name(id: &str) -> String {
    format!("{GOOGLE_ATTRIBUTE_PREFIX}{id}")
}

/// Whether a vendor attribute name is a Google Cloud copy's.
pub fn is_google_attribute(name: &str) -> bool {
    name.strip_prefix(GOOGLE_ATTRIBUTE_PREFIX)
        .is_some_and(is_copy_id)
}

fn is_copy_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 128 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

impl GoogleCopy {
    /// The vendor attribute name this copy is stored under.
    pub fn attribute_name(&self) -> String {
        google_attribute_name(&self.id)
    }

    /// The compact JSON stored as the attribute's value (see the module doc).
    pub fn to_attribute_value(&self) -> String {
        write_document(GOOGLE_FORMAT, self)
    }

    /// Reads an attribute back; the refusal says why and that it is left untouched.
    pub fn from_attribute(name: &str, value: &str) -> Result<Self, String> {
        let name_id = name
            .strip_prefix(GOOGLE_ATTRIBUTE_PREFIX)
            .filter(|id| is_copy_id(id))
            .ok_or_else(|| format!("The attribute {name} is not a Google Cloud copy (its name does not start with {GOOGLE_ATTRIBUTE_PREFIX})."))?;
        let untouched = |why: String| {
            format!(
                "This Google Cloud copy cannot be read ({why}); it is left untouched. Inspect the attribute {name} with a KMIP client."
            )
        };
        let members = read_document(value.trim(), GOOGLE_FORMAT).map_err(|refusal| match refusal {
            FormatError::Newer(found) => format!(
                "This Google Cloud copy is in format {found}, written by a newer version of this app: update the app to read it. It is left untouched."
            ),
            other => untouched(other.words(GOOGLE_FORMAT)),
        })?;
        let copy: Self = read_members(members).map_err(untouched)?;
        if copy.id != name_id {
            return Err(untouched(format!(
                "its id \"{}\" is not the one in its name",
                copy.id
            )));
        }
        Ok(copy)
    }
}

/// A value read back must be written back byte for byte: only the form this app writes is read.
fn canonical<T: StoredText>(
    text: &str,
    parsed: Result<T, String>,
    what: &str,
) -> Result<T, String> {
    let parsed = parsed?;
    if parsed.to_text() == text {
        Ok(parsed)
    } else {
        Err(format!("\"{text}\" is not {what} as this app writes it"))
    }
}

impl StoredText for GoogleAlgorithm {
    fn to_text(&self) -> std::borrow::Cow<'_, str> {
        std::borrow::Cow::Owned(self.api_name())
    }
    fn from_text(text: &str) -> Result<Self, String> {
        let parsed = GoogleAlgorithm::parse(text)
            .ok_or_else(|| format!("\"{text}\" is not a Cloud KMS algorithm this app imports"));
        canonical(text, parsed, "a Cloud KMS algorithm")
    }
}

impl StoredText for ProtectionLevel {
    fn to_text(&self) -> std::borrow::Cow<'_, str> {
        std::borrow::Cow::Borrowed(self.api_name())
    }
    fn from_text(text: &str) -> Result<Self, String> {
        if text.is_empty() {
            return Err("\"\" is not a protection level".to_owned());
        }
        canonical(text, Ok(ProtectionLevel::parse(text)), "a protection level")
    }
}

impl StoredText for VersionState {
    fn to_text(&self) -> std::borrow::Cow<'_, str> {
        std::borrow::Cow::Borrowed(self.api_name())
    }
    fn from_text(text: &str) -> Result<Self, String> {
        if text.is_empty() {
            return Err("\"\" is not a key version state".to_owned());
        }
        canonical(text, Ok(VersionState::parse(text)), "a key version state")
    }
}

impl StoredText for ImportJobName {
    fn to_text(&self) -> std::borrow::Cow<'_, str> {
        std::borrow::Cow::Owned(self.to_string())
    }
    fn from_text(text: &str) -> Result<Self, String> {
        canonical(
            text,
            ImportJobName::parse(text).map_err(|e| format!("\"{text}\": {e}")),
            "an import job name",
        )
    }
}

impl StoredText for CryptoKeyName {
    fn to_text(&self) -> std::borrow::Cow<'_, str> {
        std::borrow::Cow::Owned(self.to_string())
    }
    fn from_text(text: &str) -> Result<Self, String> {
        canonical(
            text,
            CryptoKeyName::parse(text).map_err(|e| format!("\"{text}\": {e}")),
            "a Cloud KMS key name",
        )
    }
}

impl StoredText for CryptoKeyVersionName {
    fn to_text(&self) -> std::borrow::Cow<'_, str> {
        std::borrow::Cow::Owned(self.to_string())
    }
    fn from_text(text: &str) -> Result<Self, String> {
        canonical(
            text,
            CryptoKeyVersionName::parse(text).map_err(|e| format!("\"{text}\": {e}")),
            "a key version name",
        )
    }
}

members! {
    algorithm: GoogleAlgorithm => text;
    protection_level: Option<ProtectionLevel> => text::option;
    import_job: ImportJobName => text;
    key: Option<CryptoKeyName> => text::option;
    version: Option<CryptoKeyVersionName> => text::option;
    recorded_at: OffsetDateTime => text;
    recorded_by: Option<UserId> => text::option;
    export_import_job: ImportJobName => text;
    kek_sha256: Option<String> => sha256::option;
    wrapped_sha256: String => sha256;
    command_key: CryptoKeyName => text;
    events: Vec<GoogleEvent> => event_list;
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

    /// The same, `null` when not known.
    pub mod option {
        use super::*;

        #[allow(clippy::ref_option)]
        pub fn serialize<S: Serializer>(hex: &Option<String>, s: S) -> Result<S::Ok, S::Error> {
            hex.serialize(s)
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
            Option::<String>::deserialize(d)?
                .map(checked)
                .transpose()
                .map_err(serde::de::Error::custom)
        }
    }
}

/// The events: a known one is `kind`, `at`, `by` (when known), its members, then what
/// a newer writer added; an unknown kind is kept whole, as read.
mod event_list {
    use super::*;

    const CONFIRMED: &str = "confirmed";

    #[derive(Serialize, Deserialize)]
    struct Confirmed {
        #[serde(with = "text")]
        at: OffsetDateTime,
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            with = "text::option"
        )]
        by: Option<UserId>,
        #[serde(with = "text")]
        version: CryptoKeyVersionName,
        #[serde(with = "text")]
        state: VersionState,
        #[serde(with = "text::option")]
        import_time: Option<OffsetDateTime>,
        #[serde(flatten)]
        preserved: BTreeMap<String, Value>,
    }

    #[derive(Serialize)]
    struct Tagged<'a, T> {
        kind: &'a str,
        #[serde(flatten)]
        body: T,
    }

    #[derive(Serialize)]
    #[serde(untagged)]
    enum Written<'a> {
        Known(Box<Tagged<'a, Confirmed>>),
        Unknown(&'a Value),
    }

    pub fn serialize<S: Serializer>(events: &[GoogleEvent], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(events.iter().map(|event| match &event.kind {
            GoogleEventKind::Unrecognised(raw) => Written::Unknown(raw),
            GoogleEventKind::Confirmed {
                version,
                state,
                import_time,
            } => Written::Known(Box::new(Tagged {
                kind: CONFIRMED,
                body: Confirmed {
                    at: event.at,
                    by: event.by.clone(),
                    version: version.clone(),
                    state: state.clone(),
                    import_time: *import_time,
                    preserved: event.preserved.clone(),
                },
            })),
        }))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<GoogleEvent>, D::Error> {
        Vec::<Value>::deserialize(d)?
            .into_iter()
            .enumerate()
            .map(|(i, raw)| read(raw).map_err(|why| format!("event {}: {why}", i + 1)))
            .collect::<Result<_, _>>()
            .map_err(serde::de::Error::custom)
    }

    fn read(raw: Value) -> Result<GoogleEvent, String> {
        let Value::Object(mut members) = raw else {
            return Err("not a JSON object".to_owned());
        };
        let kind = members.remove("kind");
        match kind.as_ref().and_then(Value::as_str) {
            Some(CONFIRMED) => {
                let event: Confirmed =
                    serde_json::from_value(Value::Object(members)).map_err(|e| e.to_string())?;
                Ok(GoogleEvent {
                    at: event.at,
                    by: event.by,
                    kind: GoogleEventKind::Confirmed {
                        version: event.version,
                        state: event.state,
                        import_time: event.import_time,
                    },
                    preserved: event.preserved,
                })
            }
            Some(_) => {
                let at = members
                    .get("at")
                    .and_then(Value::as_str)
                    .and_then(|t| OffsetDateTime::from_text(t).ok())
                    .ok_or("no \"at\" time")?;
                if let Some(kind) = kind {
                    members.insert("kind".to_owned(), kind);
                }
                Ok(GoogleEvent {
                    at,
                    by: None,
                    kind: GoogleEventKind::Unrecognised(Value::Object(members)),
                    preserved: BTreeMap::new(),
                })
            }
            None => Err("no \"kind\" text".to_owned()),
        }
    }
}
