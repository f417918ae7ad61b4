//! The Azure copy as stored: one KMIP vendor attribute per copy, `byok_azure_copy_<id>`,
//! beside the AWS entries (`byok_aws_copy_<id>`, untouched) on the same KMS key.
//!
//! The value is one compact JSON object, the serde derive of [`AzureCopy`]:
//!
//! ```text
//! {"format":"byok-azure-copy/1",               always first; readers refuse other formats
//!  "id":"20261201T093000123Z_a1b2c3d4e5f6",     also in the attribute name
//!  "key_type":"RSA-HSM 3072"|"EC-HSM P-256"|"oct-HSM 256",   what the key is in Azure
//!  "vault":"https://<vault>.vault.azure.net",   the vault or Managed HSM (the KEK's)
//!  "key_name":"<name>"|null,                    from the command copied or Azure's output
//!  "key_kid":"https://…/keys/<name>/<version>"|null,   the version Azure's output named
//!  "recorded_at":"2026-12-01T09:30:00Z",        RFC 3339, UTC, whole seconds
//!  "recorded_by":"alice@example.com",           absent: not known
//!  "export":{"kek_id","kek_kid","kek_sha256"|null,"byok_sha256"}|null,
//!  "command":{"key_name","ops":["sign",…],"expires":"…"|null}|null,
//!  "events":[{"kind":"confirmed","at":"…","by":"bob"?,"kid":"…","enabled":true|null,
//!             "expires":"…"|null},
//!            {"kind":"same_material","at":"…","by":"bob"?,"kid":"…"},
//!            {"kind":"different_material","at":"…","by":"bob"?,"kid":"…","reason":"…"},…]}
//!                                               oldest first
//! ```
//!
//! `same_material` and `different_material` (the KMS's public-key proof) came later in
//! the same format: an older reader keeps them whole as unknown kinds.
//!
//! Unlike `byok-aws-copy/1` (whose first readers dropped unknown members inside
//! events), every version of this format keeps what a newer writer added at the top
//! level, inside `export`, `command` and known events, and unknown event kinds whole:
//! so an event's user is its own `by`.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use time::OffsetDateTime;

use super::{AzureCopy, AzureEvent, AzureEventKind};
use crate::domain::account::UserId;
use crate::domain::azure::command::KeyOperation;
use crate::domain::azure::kid::{AzureKeyId, KeyName};
use crate::domain::azure::rules::{AzureKeyType, curve_name, parse_curve};
use crate::domain::stored::{
    FormatError, StoredText, members, read_document, read_members, text, write_document,
};

/// The `format` member of every Azure copy this version writes.
pub const AZURE_FORMAT: &str = "byok-azure-copy/1";
/// What every Azure copy's attribute name starts with; the copy id follows.
pub const AZURE_ATTRIBUTE_PREFIX: &str = "byok_azure_copy_";

/// `byok_azure_copy_<id>`.
pub fn azure_attribute_name(id: &str) -> String {
    format!("{AZURE_ATTRIBUTE_PREFIX}{id}")
}

/// Whether a vendor attribute name is an Azure copy's.
pub fn is_azure_attribute(name: &str) -> bool {
    name.strip_prefix(AZURE_ATTRIBUTE_PREFIX)
        .is_some_and(is_copy_id)
}

fn is_copy_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 128 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

impl AzureCopy {
    /// The vendor attribute name this copy is stored under.
    pub fn attribute_name(&self) -> String {
        azure_attribute_name(&self.id)
    }

    /// The compact JSON stored as the attribute's value (see the module doc).
    pub fn to_attribute_value(&self) -> String {
        write_document(AZURE_FORMAT, self)
    }

    /// Reads an attribute back; the refusal says why and that it is left untouched.
    pub fn from_attribute(name: &str, value: &str) -> Result<Self, String> {
        let name_id = name
            .strip_prefix(AZURE_ATTRIBUTE_PREFIX)
            .filter(|id| is_copy_id(id))
            .ok_or_else(|| format!("The attribute {name} is not an Azure copy (its name does not start with {AZURE_ATTRIBUTE_PREFIX})."))?;
        let untouched = |why: String| {
            format!(
                "This Azure copy cannot be read ({why}); it is left untouched. Inspect the attribute {name} with a KMIP client."
            )
        };
        let members = read_document(value.trim(), AZURE_FORMAT).map_err(|refusal| match refusal {
            FormatError::Newer(found) => format!(
                "This Azure copy is in format {found}, written by a newer version of this app: update the app to read it. It is left untouched."
            ),
            other => untouched(other.words(AZURE_FORMAT)),
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

impl StoredText for AzureKeyType {
    fn to_text(&self) -> std::borrow::Cow<'_, str> {
        std::borrow::Cow::Owned(match self {
            Self::RsaHsm { bits } => format!("RSA-HSM {bits}"),
            Self::EcHsm { curve } => format!("EC-HSM {}", curve_name(*curve)),
            Self::OctHsm { bits } => format!("oct-HSM {bits}"),
        })
    }
    fn from_text(text: &str) -> Result<Self, String> {
        let refused = || {
            format!(
                "\"{text}\" is not an Azure key type (RSA-HSM <bits>, EC-HSM <curve>, oct-HSM <bits>)"
            )
        };
        let (kty, rest) = text.split_once(' ').ok_or_else(refused)?;
        let bits = || rest.parse::<usize>().map_err(|_| refused());
        let parsed = match kty {
            "RSA-HSM" => Self::RsaHsm { bits: bits()? },
            "oct-HSM" => Self::OctHsm { bits: bits()? },
            "EC-HSM" => Self::EcHsm {
                curve: parse_curve(rest).ok_or_else(refused)?,
            },
            _ => return Err(refused()),
        };
        canonical(text, Ok(parsed), "an Azure key type")
    }
}

impl StoredText for AzureKeyId {
    fn to_text(&self) -> std::borrow::Cow<'_, str> {
        std::borrow::Cow::Owned(self.to_string())
    }
    fn from_text(text: &str) -> Result<Self, String> {
        canonical(
            text,
            AzureKeyId::parse_versioned(text).map_err(|e| format!("\"{text}\": {e}")),
            "a key identifier",
        )
    }
}

impl StoredText for KeyName {
    fn to_text(&self) -> std::borrow::Cow<'_, str> {
        std::borrow::Cow::Borrowed(self.as_str())
    }
    fn from_text(text: &str) -> Result<Self, String> {
        canonical(text, KeyName::parse(text), "an Azure key name")
    }
}

impl StoredText for KeyOperation {
    fn to_text(&self) -> std::borrow::Cow<'_, str> {
        std::borrow::Cow::Borrowed(self.az_name())
    }
    fn from_text(text: &str) -> Result<Self, String> {
        KeyOperation::parse(text).ok_or_else(|| format!("\"{text}\" is not an Azure key operation"))
    }
}

members! {
    key_type: AzureKeyType => text;
    vault: String => vault_url;
    key_name: Option<KeyName> => text::option;
    key_kid: Option<AzureKeyId> => text::option;
    recorded_at: OffsetDateTime => text;
    recorded_by: Option<UserId> => text::option;
    kek_kid: AzureKeyId => text;
    kek_sha256: Option<String> => sha256::option;
    byok_sha256: String => sha256;
    command_key_name: KeyName => text;
    ops: Vec<KeyOperation> => op_list;
    expires: Option<OffsetDateTime> => text::option;
    events: Vec<AzureEvent> => event_list;
}

/// A vault's address as the KEK's kid gives it: `https://<vault>.<suffix>`.
mod vault_url {
    use super::*;

    pub fn serialize<S: Serializer>(url: &str, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(url)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        let url = String::deserialize(d)?;
        match AzureKeyId::parse(&format!("{url}/keys/k")) {
            Ok(kid) if kid.vault_url() == url => Ok(url),
            _ => Err(serde::de::Error::custom(format!(
                "\"{url}\" is not a Key Vault or Managed HSM address as this app writes it"
            ))),
        }
    }
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

/// `ops`: Azure's names, in the command's order.
mod op_list {
    use super::*;

    pub fn serialize<S: Serializer>(ops: &[KeyOperation], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(ops.iter().map(|op| op.az_name()))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<KeyOperation>, D::Error> {
        Vec::<String>::deserialize(d)?
            .iter()
            .map(|name| KeyOperation::from_text(name))
            .collect::<Result<_, _>>()
            .map_err(serde::de::Error::custom)
    }
}

/// The events: a known one is `kind`, `at`, `by` (when known), its members, then what
/// a newer writer added; an unknown kind is kept whole, as read.
mod event_list {
    use super::*;

    const CONFIRMED: &str = "confirmed";

    /// What every known event starts with: when, who (when known), which key version.
    #[derive(Serialize, Deserialize)]
    struct Head {
        #[serde(with = "text")]
        at: OffsetDateTime,
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            with = "text::option"
        )]
        by: Option<UserId>,
        #[serde(with = "text")]
        kid: AzureKeyId,
    }

    impl Head {
        fn of(event: &AzureEvent, kid: &AzureKeyId) -> Self {
            Self {
                at: event.at,
                by: event.by.clone(),
                kid: kid.clone(),
            }
        }
    }

    #[derive(Serialize, Deserialize)]
    struct Confirmed {
        #[serde(flatten)]
        head: Head,
        enabled: Option<bool>,
        #[serde(with = "text::option")]
        expires: Option<OffsetDateTime>,
        #[serde(flatten)]
        preserved: BTreeMap<String, Value>,
    }

    const SAME_MATERIAL: &str = "same_material";
    const DIFFERENT_MATERIAL: &str = "different_material";

    /// A sameness proof's verdict on the key version `kid`: `reason` only when different.
    #[derive(Serialize, Deserialize)]
    struct Proven {
        #[serde(flatten)]
        head: Head,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
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
        Known(Tagged<'a, Confirmed>),
        Proof(Tagged<'a, Proven>),
        Unknown(&'a Value),
    }

    fn proven<'a>(
        event: &AzureEvent,
        kind: &'a str,
        kid: &AzureKeyId,
        reason: Option<&String>,
    ) -> Written<'a> {
        Written::Proof(Tagged {
            kind,
            body: Proven {
                head: Head::of(event, kid),
                reason: reason.cloned(),
                preserved: event.preserved.clone(),
            },
        })
    }

    pub fn serialize<S: Serializer>(events: &[AzureEvent], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(events.iter().map(|event| match &event.kind {
            AzureEventKind::Unrecognised(raw) => Written::Unknown(raw),
            AzureEventKind::SameMaterial { kid } => proven(event, SAME_MATERIAL, kid, None),
            AzureEventKind::DifferentMaterial { kid, reason } => {
                proven(event, DIFFERENT_MATERIAL, kid, Some(reason))
            }
            AzureEventKind::Confirmed {
                kid,
                enabled,
                expires,
            } => Written::Known(Tagged {
                kind: CONFIRMED,
                body: Confirmed {
                    head: Head::of(event, kid),
                    enabled: *enabled,
                    expires: *expires,
                    preserved: event.preserved.clone(),
                },
            }),
        }))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<AzureEvent>, D::Error> {
        Vec::<Value>::deserialize(d)?
            .into_iter()
            .enumerate()
            .map(|(i, raw)| read(raw).map_err(|why| format!("event {}: {why}", i + 1)))
            .collect::<Result<_, _>>()
            .map_err(serde::de::Error::custom)
    }

    fn read(raw: Value) -> Result<AzureEvent, String> {
        let Value::Object(mut members) = raw else {
            return Err("not a JSON object".to_owned());
        };
        let kind = members.remove("kind");
        match kind.as_ref().and_then(Value::as_str) {
            Some(CONFIRMED) => {
                let event: Confirmed =
                    serde_json::from_value(Value::Object(members)).map_err(|e| e.to_string())?;
                Ok(AzureEvent {
                    at: event.head.at,
                    by: event.head.by,
                    kind: AzureEventKind::Confirmed {
                        kid: event.head.kid,
                        enabled: event.enabled,
                        expires: event.expires,
                    },
                    preserved: event.preserved,
                })
            }
            Some(kind @ (SAME_MATERIAL | DIFFERENT_MATERIAL)) => {
                let event: Proven =
                    serde_json::from_value(Value::Object(members)).map_err(|e| e.to_string())?;
                let kid = event.head.kid;
                let kind = match (kind, event.reason) {
                    (SAME_MATERIAL, None) => AzureEventKind::SameMaterial { kid },
                    (DIFFERENT_MATERIAL, Some(reason)) => {
                        AzureEventKind::DifferentMaterial { kid, reason }
                    }
                    (SAME_MATERIAL, Some(_)) => {
                        return Err("a same_material event has no \"reason\"".to_owned());
                    }
                    _ => return Err("a different_material event needs its \"reason\"".to_owned()),
                };
                Ok(AzureEvent {
                    at: event.head.at,
                    by: event.head.by,
                    kind,
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
                Ok(AzureEvent {
                    at,
                    by: None,
                    kind: AzureEventKind::Unrecognised(Value::Object(members)),
                    preserved: BTreeMap::new(),
                })
            }
            None => Err("no \"kind\" text".to_owned()),
        }
    }
}
