//! What every JSON document the app keeps in a KMIP vendor attribute shares:
//! the format check, how each typed value is written as text, unknown members kept.
//!
//! A document (a ledger entry, a runbook) is one compact JSON object whose
//! first member is `"format": "<family>/<version>"`; its other members are
//! the serde derive of its domain type, which writes each typed value with
//! [`text`] (AWS's own names for AWS enums, RFC 3339 UTC whole seconds for
//! times) and keeps the members a newer writer added in a flattened
//! `preserved` map, written back verbatim after its own. [`members!`] names
//! the member a refusal is about (serde alone does not say which).

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

use crate::domain::account::UserId;
use crate::domain::aws::arn::AwsKeyArn;
use crate::domain::aws::import_command::ImportType;
use crate::domain::aws::key_spec::AwsKeySpec;
use crate::domain::wrapping::WrappingAlgorithm;

/// Why a stored value is not a document of the expected format.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormatError {
    /// Not JSON at all (serde_json's reason).
    NotJson(String),
    /// JSON, but no `"format"` text member.
    NoFormat,
    /// The same family with a higher version: written by a newer version of this app.
    Newer(String),
    /// Another format altogether.
    Other(String),
}

impl FormatError {
    /// The refusal in words, `expected` being the format this version reads.
    pub fn words(&self, expected: &str) -> String {
        match self {
            Self::NotJson(why) => format!("the value is not JSON: {why}"),
            Self::NoFormat => "no \"format\" member".to_owned(),
            Self::Newer(found) | Self::Other(found) => {
                format!("format \"{found}\" is not {expected}")
            }
        }
    }
}

/// Reads a stored value whose format must be `format` (`family/version`):
/// its members without `format`, for the document's serde derive.
pub fn read_document(value: &str, format: &str) -> Result<Map<String, Value>, FormatError> {
    let json: Value =
        serde_json::from_str(value).map_err(|e| FormatError::NotJson(e.to_string()))?;
    let Value::Object(mut members) = json else {
        return Err(FormatError::NoFormat);
    };
    let Some(Value::String(found)) = members.remove("format") else {
        return Err(FormatError::NoFormat);
    };
    if found == format {
        return Ok(members);
    }
    let (family, version) = format.rsplit_once('/').unwrap_or((format, ""));
    let newer = found
        .strip_prefix(family)
        .and_then(|rest| rest.strip_prefix('/'))
        .and_then(|v| v.parse::<u32>().ok())
        .zip(version.parse::<u32>().ok())
        .is_some_and(|(found, ours)| found > ours);
    Err(if newer {
        FormatError::Newer(found)
    } else {
        FormatError::Other(found)
    })
}

/// Reads a document's members (from [`read_document`]) into its domain type;
/// the error names what is missing or malformed.
pub fn read_members<T: for<'de> Deserialize<'de>>(
    members: Map<String, Value>,
) -> Result<T, String> {
    serde_json::from_value(Value::Object(members))
        .map_err(|e| format!("a member is missing or malformed: {e}"))
}

/// The compact JSON of a document: `format` first, then `body`'s members.
pub fn write_document<T: Serialize>(format: &str, body: &T) -> String {
    #[derive(Serialize)]
    struct Document<'a, T> {
        format: &'a str,
        #[serde(flatten)]
        body: &'a T,
    }
    serde_json::to_string(&Document { format, body }).unwrap_or_default()
}

/// UTC, nanoseconds dropped: how every time in a stored document is kept.
pub fn whole_seconds(t: OffsetDateTime) -> OffsetDateTime {
    t.to_offset(UtcOffset::UTC)
        .replace_nanosecond(0)
        .unwrap_or(t)
}

/// A time as stored: RFC 3339, UTC, whole seconds (`2026-11-28T12:00:00Z`).
pub fn rfc3339(t: OffsetDateTime) -> String {
    whole_seconds(t).format(&Rfc3339).unwrap_or_default()
}

/// A stored time read back as written (any RFC 3339 offset is accepted).
pub fn parse_rfc3339(text: &str) -> Result<OffsetDateTime, String> {
    OffsetDateTime::parse(text, &Rfc3339).map_err(|_| format!("\"{text}\" is not an RFC 3339 time"))
}

/// A value a stored document writes as one JSON string, and reads back
/// checked; the refusal quotes the text (`"SM2" is not an AWS key spec …`).
pub trait StoredText: Sized {
    fn to_text(&self) -> Cow<'_, str>;
    fn from_text(text: &str) -> Result<Self, String>;
}

/// What a closed set of names is, for a refusal: `"X" is not <what>`.
fn named<T>(text: &str, parsed: Option<T>, what: &str) -> Result<T, String> {
    parsed.ok_or_else(|| format!("\"{text}\" is not {what}"))
}

impl StoredText for AwsKeySpec {
    fn to_text(&self) -> Cow<'_, str> {
        Cow::Owned(self.aws_name())
    }
    fn from_text(text: &str) -> Result<Self, String> {
        named(text, Self::parse(text), "an AWS key spec this app imports")
    }
}

impl StoredText for WrappingAlgorithm {
    fn to_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(self.aws_name())
    }
    fn from_text(text: &str) -> Result<Self, String> {
        named(text, Self::parse(text), "an AWS wrapping algorithm")
    }
}

impl StoredText for ImportType {
    fn to_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(self.aws_name())
    }
    fn from_text(text: &str) -> Result<Self, String> {
        named(text, Self::parse(text), "an AWS import type")
    }
}

impl StoredText for AwsKeyArn {
    fn to_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(self.as_str())
    }
    fn from_text(text: &str) -> Result<Self, String> {
        Self::parse(text).map_err(|why| format!("\"{text}\" is not an AWS KMS key ARN: {why}"))
    }
}

impl StoredText for UserId {
    fn to_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(self.as_str())
    }
    /// Exactly what [`UserId`] keeps (non-empty, no surrounding spaces), so
    /// that it is written back byte for byte.
    fn from_text(text: &str) -> Result<Self, String> {
        named(
            text,
            UserId::new(text).filter(|user| user.as_str() == text),
            "a user id",
        )
    }
}

impl StoredText for OffsetDateTime {
    fn to_text(&self) -> Cow<'_, str> {
        Cow::Owned(rfc3339(*self))
    }
    fn from_text(text: &str) -> Result<Self, String> {
        parse_rfc3339(text)
    }
}

/// serde `with` helper: a [`StoredText`] value as a JSON string.
pub mod text {
    use super::*;

    pub fn serialize<T: StoredText, S: Serializer>(value: &T, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&value.to_text())
    }

    pub fn deserialize<'de, T: StoredText, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
        let text = String::deserialize(d)?;
        T::from_text(&text).map_err(serde::de::Error::custom)
    }

    /// The same, `null` for `None`.
    pub mod option {
        use super::*;

        pub fn serialize<T: StoredText, S: Serializer>(
            value: &Option<T>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            match value {
                Some(value) => s.serialize_str(&value.to_text()),
                None => s.serialize_none(),
            }
        }

        pub fn deserialize<'de, T: StoredText, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<T>, D::Error> {
            Option::<String>::deserialize(d)?
                .map(|text| T::from_text(&text).map_err(serde::de::Error::custom))
                .transpose()
        }
    }
}

/// A member name before a refusal: `key_spec "SM2" is not …`.
pub struct Member<'a, E>(pub &'a str, pub E);

impl<E: fmt::Display> fmt::Display for Member<'_, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.0, self.1)
    }
}

/// Declares, in a document's `stored` module, one serde `with` module per
/// member, named after it, that reads and writes through a helper module of
/// the caller (e.g. [`text`]) and names the member in a refusal:
/// `members! { key_spec: AwsKeySpec => text; }` then
/// `#[serde(with = "stored::key_spec")] key_spec: AwsKeySpec`.
macro_rules! members {
    ($($member:ident: $ty:ty => $($helper:ident)::+;)+) => {$(
        pub(crate) mod $member {
            #[allow(unused_imports)]
            use super::*;

            // serde hands the member over as it is typed (`&String` too).
            #[allow(clippy::ptr_arg)]
            pub fn serialize<S: serde::Serializer>(
                value: &$ty,
                serializer: S,
            ) -> Result<S::Ok, S::Error> {
                super::$($helper)::+::serialize(value, serializer)
            }

            pub fn deserialize<'de, D: serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<$ty, D::Error> {
                super::$($helper)::+::deserialize(deserializer).map_err(|e| {
                    <D::Error as serde::de::Error>::custom(
                        $crate::domain::stored::Member(stringify!($member), e),
                    )
                })
            }
        }
    )+};
}
pub(crate) use members;

/// What the golden stored-JSON tests share (`ledger/golden.rs`, `aws/runbook/golden.rs`).
#[cfg(test)]
pub(crate) mod golden {
    use std::collections::BTreeMap;

    use serde_json::Value;

    use crate::domain::account::UserId;

    pub(crate) const ARN: &str =
        "arn:aws:kms:eu-west-3:447182645454:key/350e35ef-ac51-4dbb-82a4-9bc50b0ea42b";
    pub(crate) const MRK: &str =
        "arn:aws:kms:us-west-2:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab";

    /// A golden file's values, comment lines (`#`) left out.
    pub(crate) fn golden_lines(text: &'static str) -> Vec<&'static str> {
        text.lines().filter(|line| !line.starts_with('#')).collect()
    }

    pub(crate) fn user(name: &str) -> Option<UserId> {
        UserId::new(name)
    }

    /// A JSON object's members (anything else: none).
    pub(crate) fn map(v: Value) -> BTreeMap<String, Value> {
        match v {
            Value::Object(m) => m.into_iter().collect(),
            _ => BTreeMap::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn the_format_is_checked_first_and_a_newer_version_told_apart() {
        let read = |value: &str| read_document(value, "byok-test/1");
        assert_eq!(
            read(r#"{"format":"byok-test/1","a":1}"#).unwrap()["a"],
            Value::from(1)
        );
        assert!(
            read(r#"{"format":"byok-test/1","a":1}"#)
                .unwrap()
                .get("format")
                .is_none()
        );
        assert!(matches!(read(""), Err(FormatError::NotJson(_))));
        assert_eq!(read("[1]"), Err(FormatError::NoFormat));
        assert_eq!(read(r#"{"format":1}"#), Err(FormatError::NoFormat));
        assert_eq!(
            read(r#"{"format":"byok-test/2"}"#),
            Err(FormatError::Newer("byok-test/2".into()))
        );
        for other in ["byok-test/0", "byok-test/x", "byok-tests/2", "other/1"] {
            let value = format!(r#"{{"format":"{other}"}}"#);
            assert_eq!(read(&value), Err(FormatError::Other(other.into())));
        }
        assert_eq!(
            FormatError::Other("other/1".into()).words("byok-test/1"),
            "format \"other/1\" is not byok-test/1"
        );
    }

    #[derive(Serialize, Deserialize, PartialEq, Debug)]
    struct Doc {
        #[serde(with = "at")]
        at: OffsetDateTime,
        #[serde(default, with = "by")]
        by: Option<UserId>,
        #[serde(flatten)]
        preserved: std::collections::BTreeMap<String, Value>,
    }

    members! {
        at: OffsetDateTime => text;
        by: Option<UserId> => text::option;
    }

    #[test]
    fn documents_write_format_first_times_whole_seconds_and_keep_unknown_members() {
        let doc = Doc {
            at: datetime!(2026-11-28 13:05:00.5 +01:00),
            by: None,
            preserved: [("later".to_owned(), Value::from(1))].into(),
        };
        let value = write_document("byok-test/1", &doc);
        assert_eq!(
            value,
            r#"{"format":"byok-test/1","at":"2026-11-28T12:05:00Z","by":null,"later":1}"#
        );
        let read: Doc = read_members(read_document(&value, "byok-test/1").unwrap()).unwrap();
        assert_eq!(read.at, datetime!(2026-11-28 12:05 UTC));
        assert_eq!(read.preserved, doc.preserved);
        let refused = |value: &str| {
            read_members::<Doc>(read_document(value, "byok-test/1").unwrap()).unwrap_err()
        };
        assert_eq!(
            refused(r#"{"format":"byok-test/1","at":"soon"}"#),
            "a member is missing or malformed: at \"soon\" is not an RFC 3339 time"
        );
        assert_eq!(
            refused(r#"{"format":"byok-test/1","at":"2026-11-28T12:05:00Z","by":" a"}"#),
            "a member is missing or malformed: by \" a\" is not a user id"
        );
        assert!(refused(r#"{"format":"byok-test/1"}"#).contains("missing field `at`"));
    }

    #[test]
    fn aws_enums_are_stored_by_their_aws_names() {
        assert_eq!(AwsKeySpec::SymmetricDefault.to_text(), "SYMMETRIC_DEFAULT");
        assert_eq!(
            AwsKeySpec::from_text("SM2").unwrap_err(),
            "\"SM2\" is not an AWS key spec this app imports"
        );
        assert_eq!(
            WrappingAlgorithm::from_text("RSAES_OAEP_SHA_256"),
            Ok(WrappingAlgorithm::RsaesOaepSha256)
        );
        assert_eq!(
            ImportType::from_text(ImportType::NewKeyMaterial.aws_name()),
            Ok(ImportType::NewKeyMaterial)
        );
        assert!(
            AwsKeyArn::from_text("arn:aws:kms:EU:1:key/x")
                .unwrap_err()
                .starts_with("\"arn:aws:kms:EU:1:key/x\" is not an AWS KMS key ARN: ")
        );
    }
}
