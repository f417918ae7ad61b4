//! JSON TTLV nodes: `{"tag": .., "type": .., "value": ..}` with the value typed
//! once, at the edge, so builders and parsers never touch raw JSON.

use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::ProtocolError;

/// One KMIP node: a tag and its typed value.
#[derive(Clone, Debug, PartialEq)]
pub struct Ttlv {
    /// The KMIP tag name, e.g. `UniqueIdentifier`.
    pub tag: String,
    /// The typed value.
    pub value: TtlvValue,
}

/// The value of a node, one variant per KMIP type the BYOK pages use.
#[derive(Clone, Debug, PartialEq)]
pub enum TtlvValue {
    Structure(Vec<Ttlv>),
    Integer(i32),
    LongInteger(i64),
    Enumeration(String),
    Boolean(bool),
    TextString(String),
    ByteString(Vec<u8>),
    DateTime(OffsetDateTime),
    /// A duration in seconds.
    Interval(u32),
}

impl Ttlv {
    pub fn structure(tag: &str, children: Vec<Ttlv>) -> Self {
        Self::new(tag, TtlvValue::Structure(children))
    }
    pub fn text(tag: &str, value: impl Into<String>) -> Self {
        Self::new(tag, TtlvValue::TextString(value.into()))
    }
    pub fn enumeration(tag: &str, value: &str) -> Self {
        Self::new(tag, TtlvValue::Enumeration(value.to_owned()))
    }
    pub fn integer(tag: &str, value: i32) -> Self {
        Self::new(tag, TtlvValue::Integer(value))
    }
    pub fn boolean(tag: &str, value: bool) -> Self {
        Self::new(tag, TtlvValue::Boolean(value))
    }
    pub fn bytes(tag: &str, value: Vec<u8>) -> Self {
        Self::new(tag, TtlvValue::ByteString(value))
    }
    pub fn date_time(tag: &str, value: OffsetDateTime) -> Self {
        Self::new(tag, TtlvValue::DateTime(value))
    }
    fn new(tag: &str, value: TtlvValue) -> Self {
        Self {
            tag: tag.to_owned(),
            value,
        }
    }

    /// The children of a structure (empty for any other type).
    pub fn children(&self) -> &[Ttlv] {
        match &self.value {
            TtlvValue::Structure(children) => children,
            _ => &[],
        }
    }

    /// The first child with this tag.
    pub fn child(&self, tag: &str) -> Option<&Ttlv> {
        self.children().iter().find(|c| c.tag == tag)
    }

    /// The first child with this tag, or an error naming what is missing.
    pub fn require(&self, tag: &str) -> Result<&Ttlv, ProtocolError> {
        self.child(tag)
            .ok_or_else(|| ProtocolError::new(format!("{} has no {tag}", self.tag)))
    }

    /// Every child with this tag, in order (KMIP repeats tags for lists).
    pub fn all<'a>(&'a self, tag: &'a str) -> impl Iterator<Item = &'a Ttlv> + 'a {
        self.children().iter().filter(move |c| c.tag == tag)
    }

    pub fn as_text(&self) -> Result<&str, ProtocolError> {
        match &self.value {
            TtlvValue::TextString(s) => Ok(s),
            _ => Err(self.wrong_type("a TextString")),
        }
    }
    pub fn as_enumeration(&self) -> Result<&str, ProtocolError> {
        match &self.value {
            TtlvValue::Enumeration(s) => Ok(s),
            _ => Err(self.wrong_type("an Enumeration")),
        }
    }
    pub fn as_integer(&self) -> Result<i64, ProtocolError> {
        match &self.value {
            TtlvValue::Integer(i) => Ok(i64::from(*i)),
            TtlvValue::LongInteger(i) => Ok(*i),
            _ => Err(self.wrong_type("an Integer")),
        }
    }
    pub fn as_bytes(&self) -> Result<&[u8], ProtocolError> {
        match &self.value {
            TtlvValue::ByteString(b) => Ok(b),
            _ => Err(self.wrong_type("a ByteString")),
        }
    }
    pub fn as_bool(&self) -> Result<bool, ProtocolError> {
        match &self.value {
            TtlvValue::Boolean(b) => Ok(*b),
            _ => Err(self.wrong_type("a Boolean")),
        }
    }

    fn wrong_type(&self, expected: &str) -> ProtocolError {
        ProtocolError::new(format!("{} is not {expected}", self.tag))
    }

    /// The JSON the server reads: keys in `tag`, `type`, `value` order.
    pub fn to_json(&self) -> Value {
        let (kind, value) = match &self.value {
            TtlvValue::Structure(children) => (
                None,
                Value::Array(children.iter().map(Ttlv::to_json).collect()),
            ),
            TtlvValue::Integer(i) => (Some("Integer"), json!(i)),
            TtlvValue::LongInteger(i) => (Some("LongInteger"), json!(i)),
            TtlvValue::Enumeration(s) => (Some("Enumeration"), json!(s)),
            TtlvValue::Boolean(b) => (Some("Boolean"), json!(b)),
            TtlvValue::TextString(s) => (Some("TextString"), json!(s)),
            TtlvValue::ByteString(b) => (Some("ByteString"), json!(hex::encode_upper(b))),
            TtlvValue::DateTime(t) => (Some("DateTime"), json!(format_date_time(*t))),
            TtlvValue::Interval(i) => (Some("Interval"), json!(i)),
        };
        // serde_json's default map is sorted, and "tag" < "type" < "value".
        let mut node = Map::new();
        node.insert("tag".into(), json!(self.tag));
        if let Some(kind) = kind {
            node.insert("type".into(), json!(kind));
        }
        node.insert("value".into(), value);
        Value::Object(node)
    }

    /// Reads a node from the server's JSON (structures may omit `type`).
    pub fn from_json(json: &Value) -> Result<Self, ProtocolError> {
        let node = json
            .as_object()
            .ok_or_else(|| ProtocolError::new("a node is not a JSON object"))?;
        let tag = node
            .get("tag")
            .and_then(Value::as_str)
            .ok_or_else(|| ProtocolError::new("a node has no tag"))?;
        let value = node
            .get("value")
            .ok_or_else(|| ProtocolError::new(format!("{tag} has no value")))?;
        let kind = node.get("type").and_then(Value::as_str);
        let bad = || ProtocolError::new(format!("{tag}: value does not match its type"));
        let value = match (kind, value) {
            (None | Some("Structure"), Value::Array(items)) => TtlvValue::Structure(
                items
                    .iter()
                    .map(Ttlv::from_json)
                    .collect::<Result<_, _>>()?,
            ),
            (Some("Integer"), v) => TtlvValue::Integer(
                v.as_i64()
                    .and_then(|i| i32::try_from(i).ok())
                    .ok_or_else(bad)?,
            ),
            (Some("LongInteger"), v) => TtlvValue::LongInteger(parse_long(v).ok_or_else(bad)?),
            (Some("Enumeration"), Value::String(s)) => TtlvValue::Enumeration(s.clone()),
            (Some("Enumeration"), Value::Number(n)) => TtlvValue::Enumeration(n.to_string()),
            (Some("Boolean"), Value::Bool(b)) => TtlvValue::Boolean(*b),
            (Some("TextString"), Value::String(s)) => TtlvValue::TextString(s.clone()),
            (Some("ByteString"), Value::String(s)) => {
                TtlvValue::ByteString(hex::decode(s).map_err(|_| bad())?)
            }
            (Some("DateTime"), Value::String(s)) => {
                TtlvValue::DateTime(OffsetDateTime::parse(s, &Rfc3339).map_err(|_| bad())?)
            }
            (Some("Interval"), v) => TtlvValue::Interval(
                v.as_u64()
                    .and_then(|i| u32::try_from(i).ok())
                    .ok_or_else(bad)?,
            ),
            (Some(other), _) if !KNOWN_TYPES.contains(&other) => {
                return Err(ProtocolError::new(format!(
                    "{tag} has unknown type {other}"
                )));
            }
            _ => return Err(bad()),
        };
        Ok(Self {
            tag: tag.to_owned(),
            value,
        })
    }

    /// Parses a whole reply body.
    pub fn from_json_text(text: &str) -> Result<Self, ProtocolError> {
        let json: Value = serde_json::from_str(text)
            .map_err(|e| ProtocolError::new(format!("not JSON ({e})")))?;
        Self::from_json(&json)
    }
}

const KNOWN_TYPES: [&str; 9] = [
    "Structure",
    "Integer",
    "LongInteger",
    "Enumeration",
    "Boolean",
    "TextString",
    "ByteString",
    "DateTime",
    "Interval",
];

fn parse_long(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => {
            let hex = s.strip_prefix("0x")?;
            u64::from_str_radix(hex, 16).ok().map(|u| u as i64)
        }
        _ => None,
    }
}

/// RFC 3339 in UTC to the second, the form the server prints.
pub(crate) fn format_date_time(t: OffsetDateTime) -> String {
    let t = t
        .to_offset(time::UtcOffset::UTC)
        .replace_nanosecond(0)
        .unwrap_or(t);
    t.format(&Rfc3339).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(json: &str) {
        let parsed = Ttlv::from_json_text(json).expect("parses");
        let value: Value = serde_json::from_str(json).unwrap();
        assert_eq!(parsed.to_json(), value);
    }

    #[test]
    fn every_scalar_type_round_trips() {
        round_trip(r#"{"tag":"A","type":"Integer","value":20}"#);
        round_trip(r#"{"tag":"A","type":"LongInteger","value":-3}"#);
        round_trip(r#"{"tag":"A","type":"Enumeration","value":"PKCS8"}"#);
        round_trip(r#"{"tag":"A","type":"Boolean","value":true}"#);
        round_trip(r#"{"tag":"A","type":"TextString","value":"x"}"#);
        round_trip(r#"{"tag":"A","type":"ByteString","value":"00FF10"}"#);
        round_trip(r#"{"tag":"A","type":"DateTime","value":"2026-11-28T18:45:22Z"}"#);
        round_trip(r#"{"tag":"A","type":"Interval","value":3600}"#);
    }

    #[test]
    fn structures_may_omit_their_type() {
        let node =
            Ttlv::from_json_text(r#"{"tag":"S","value":[{"tag":"X","type":"Integer","value":1}]}"#)
                .unwrap();
        assert_eq!(node.require("X").unwrap().as_integer().unwrap(), 1);
    }

    #[test]
    fn long_integers_may_be_hex() {
        let node = Ttlv::from_json_text(
            r#"{"tag":"A","type":"LongInteger","value":"0x0000000000000010"}"#,
        )
        .unwrap();
        assert_eq!(node.as_integer().unwrap(), 16);
    }

    #[test]
    fn malformed_nodes_are_refused_with_a_reason() {
        let check = |json: &str, expected: &str| {
            assert_eq!(
                Ttlv::from_json_text(json).unwrap_err().0,
                expected,
                "{json}"
            );
        };
        check("[]", "a node is not a JSON object");
        check(r#"{"value":1}"#, "a node has no tag");
        check(r#"{"tag":"A"}"#, "A has no value");
        check(
            r#"{"tag":"A","type":"Integer","value":"x"}"#,
            "A: value does not match its type",
        );
        check(
            r#"{"tag":"A","type":"ByteString","value":"0G"}"#,
            "A: value does not match its type",
        );
        check(
            r#"{"tag":"A","type":"Blob","value":1}"#,
            "A has unknown type Blob",
        );
        assert!(
            Ttlv::from_json_text("not json")
                .unwrap_err()
                .0
                .starts_with("not JSON")
        );
    }

    #[test]
    fn date_times_are_written_in_utc_to_the_second() {
        let t = OffsetDateTime::parse("2026-02-19T15:07:13.227+01:00", &Rfc3339).unwrap();
        assert_eq!(format_date_time(t), "2026-02-19T14:07:13Z");
    }
}
