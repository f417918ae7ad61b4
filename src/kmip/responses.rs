//! Parsers for the replies the BYOK pages read: each takes the bare
//! `<Op>Response` node and returns typed values or a [`ProtocolError`].

use time::OffsetDateTime;

use super::attributes::{CryptographicAlgorithm, ObjectType, RecommendedCurve, State};
use super::{ProtocolError, Ttlv, TtlvValue};

fn expect<'a>(reply: &'a Ttlv, tag: &str) -> Result<&'a Ttlv, ProtocolError> {
    if reply.tag == tag {
        Ok(reply)
    } else {
        Err(ProtocolError::new(format!(
            "expected {tag}, got {}",
            reply.tag
        )))
    }
}

fn unique_identifier(reply: &Ttlv) -> Result<String, ProtocolError> {
    Ok(reply.require("UniqueIdentifier")?.as_text()?.to_owned())
}

/// `QueryResponse` → the vendor id tags must be written under.
pub fn parse_query_vendor_id(reply: &Ttlv) -> Result<String, ProtocolError> {
    let reply = expect(reply, "QueryResponse")?;
    Ok(reply.require("VendorIdentification")?.as_text()?.to_owned())
}

/// `ImportResponse` → the id of the imported object.
pub fn parse_import(reply: &Ttlv) -> Result<String, ProtocolError> {
    unique_identifier(expect(reply, "ImportResponse")?)
}

/// `CreateResponse` → the id of the created key.
pub fn parse_create(reply: &Ttlv) -> Result<String, ProtocolError> {
    unique_identifier(expect(reply, "CreateResponse")?)
}

/// The two ids a CreateKeyPair returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreateKeyPairResponse {
    pub private_key_id: String,
    pub public_key_id: String,
}

pub fn parse_create_key_pair(reply: &Ttlv) -> Result<CreateKeyPairResponse, ProtocolError> {
    let reply = expect(reply, "CreateKeyPairResponse")?;
    Ok(CreateKeyPairResponse {
        private_key_id: reply
            .require("PrivateKeyUniqueIdentifier")?
            .as_text()?
            .to_owned(),
        public_key_id: reply
            .require("PublicKeyUniqueIdentifier")?
            .as_text()?
            .to_owned(),
    })
}

/// `LocateResponse` → the ids found, in the server's order.
pub fn parse_locate(reply: &Ttlv) -> Result<Vec<String>, ProtocolError> {
    let reply = expect(reply, "LocateResponse")?;
    reply
        .all("UniqueIdentifier")
        .map(|id| id.as_text().map(str::to_owned))
        .collect()
}

/// `ExportResponse` of a wrapped key → the wrapped bytes
/// (exactly `EncryptedKeyMaterial.bin`).
pub fn parse_export_wrapped(reply: &Ttlv) -> Result<Vec<u8>, ProtocolError> {
    let reply = expect(reply, "ExportResponse")?;
    let object = reply
        .children()
        .iter()
        .find(|c| c.child("KeyBlock").is_some())
        .ok_or_else(|| ProtocolError::new("ExportResponse has no key object"))?;
    let key_block = object.require("KeyBlock")?;
    if key_block.child("KeyWrappingData").is_none() {
        return Err(ProtocolError::new(
            "the exported key is not wrapped (no KeyWrappingData)",
        ));
    }
    match &key_block.require("KeyValue")?.value {
        TtlvValue::ByteString(bytes) => Ok(bytes.clone()),
        _ => Err(ProtocolError::new(
            "the wrapped KeyValue is not a ByteString",
        )),
    }
}

/// What the app shows and checks about a stored object.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ObjectAttributes {
    pub unique_identifier: String,
    pub object_type: Option<ObjectType>,
    pub algorithm: Option<CryptographicAlgorithm>,
    pub length_bits: Option<i64>,
    pub state: Option<State>,
    pub usage_mask: Option<i64>,
    pub key_format_type: Option<String>,
    pub activation_date: Option<OffsetDateTime>,
    pub curve: Option<RecommendedCurve>,
    pub sensitive: Option<bool>,
    /// The KMS's user tags, sorted (server-internal `_` tags removed).
    pub tags: Vec<String>,
    /// The key that wraps this object at rest in the KMS (its WrappingKeyLink).
    pub stored_wrapped_by: Option<String>,
    /// For a public key: its private key's id.
    pub private_key_link: Option<String>,
}

/// `GetAttributesResponse` → [`ObjectAttributes`].
pub fn parse_get_attributes(reply: &Ttlv) -> Result<ObjectAttributes, ProtocolError> {
    let reply = expect(reply, "GetAttributesResponse")?;
    let attributes = reply.require("Attributes")?;
    let text = |tag: &str| -> Result<Option<String>, ProtocolError> {
        attributes
            .child(tag)
            .map(|n| match &n.value {
                TtlvValue::Enumeration(s) | TtlvValue::TextString(s) => Ok(s.clone()),
                _ => Err(ProtocolError::new(format!("{tag} is not text"))),
            })
            .transpose()
    };
    let mut parsed = ObjectAttributes {
        unique_identifier: unique_identifier(reply)?,
        object_type: text("ObjectType")?.as_deref().map(ObjectType::from_kmip),
        algorithm: text("CryptographicAlgorithm")?
            .as_deref()
            .map(CryptographicAlgorithm::from_kmip),
        length_bits: attributes
            .child("CryptographicLength")
            .map(Ttlv::as_integer)
            .transpose()?,
        state: text("State")?.as_deref().map(State::from_kmip),
        usage_mask: attributes
            .child("CryptographicUsageMask")
            .map(Ttlv::as_integer)
            .transpose()?,
        key_format_type: text("KeyFormatType")?,
        activation_date: match attributes.child("ActivationDate").map(|n| &n.value) {
            Some(TtlvValue::DateTime(t)) => Some(*t),
            Some(_) => return Err(ProtocolError::new("ActivationDate is not a DateTime")),
            None => None,
        },
        curve: attributes
            .child("CryptographicDomainParameters")
            .and_then(|p| p.child("RecommendedCurve"))
            .map(|c| c.as_enumeration().map(RecommendedCurve::from_kmip))
            .transpose()?,
        sensitive: attributes
            .child("Sensitive")
            .map(Ttlv::as_bool)
            .transpose()?,
        tags: Vec::new(),
        stored_wrapped_by: None,
        private_key_link: None,
    };
    for link in attributes.all("Link") {
        let kind = link.child("LinkType").map(Ttlv::as_enumeration);
        let linked = || -> Result<String, ProtocolError> {
            Ok(link
                .require("LinkedObjectIdentifier")?
                .as_text()?
                .to_owned())
        };
        match kind {
            Some(Ok("PrivateKeyLink")) => parsed.private_key_link = Some(linked()?),
            Some(Ok("WrappingKeyLink")) => parsed.stored_wrapped_by = Some(linked()?),
            _ => {}
        }
    }
    for attribute in attributes.all("Attribute") {
        let name = attribute.child("AttributeName").map(Ttlv::as_text);
        if let Some(Ok("tag")) = name {
            let value = attribute.require("AttributeValue")?.as_text()?;
            let tags: Vec<String> = serde_json::from_str(value)
                .map_err(|_| ProtocolError::new("the tag attribute is not a JSON list"))?;
            parsed
                .tags
                .extend(tags.into_iter().filter(|t| !t.starts_with('_')));
        }
    }
    // The server keeps tags as a set: give them a stable order (equal strings
    // are indistinguishable, so the unstable sort's smaller code is enough).
    parsed.tags.sort_unstable();
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(json: &str) -> Ttlv {
        Ttlv::from_json_text(json).unwrap()
    }

    #[test]
    fn query_gives_the_vendor_id() {
        let r = reply(
            r#"{"tag":"QueryResponse","value":[{"tag":"VendorIdentification","type":"TextString","value":"cosmian"},{"tag":"ServerInformation","value":[{"tag":"ServerVersion","type":"TextString","value":"5.28.0"}]}]}"#,
        );
        assert_eq!(parse_query_vendor_id(&r).unwrap(), "cosmian");
    }

    #[test]
    fn a_reply_to_another_operation_is_refused() {
        let r = reply(
            r#"{"tag":"CreateResponse","value":[{"tag":"UniqueIdentifier","type":"TextString","value":"x"}]}"#,
        );
        assert_eq!(
            parse_import(&r).unwrap_err().0,
            "expected ImportResponse, got CreateResponse"
        );
        assert_eq!(parse_create(&r).unwrap(), "x");
    }

    #[test]
    fn locate_lists_every_id() {
        let r = reply(
            r#"{"tag":"LocateResponse","value":[{"tag":"LocatedItems","type":"Integer","value":2},{"tag":"UniqueIdentifier","type":"TextString","value":"a"},{"tag":"UniqueIdentifier","type":"TextString","value":"b"}]}"#,
        );
        assert_eq!(parse_locate(&r).unwrap(), vec!["a", "b"]);
    }

    #[test]
    fn get_attributes_reads_state_sizes_and_user_tags() {
        let r = reply(
            r#"{"tag":"GetAttributesResponse","value":[{"tag":"UniqueIdentifier","type":"TextString","value":"k"},{"tag":"Attributes","value":[
            {"tag":"CryptographicAlgorithm","type":"Enumeration","value":"RSA"},
            {"tag":"CryptographicLength","type":"Integer","value":4096},
            {"tag":"LeaseTime","type":"Interval","value":3600},
            {"tag":"ObjectType","type":"Enumeration","value":"PublicKey"},
            {"tag":"State","type":"Enumeration","value":"Active"},
            {"tag":"Attribute","value":[{"tag":"VendorIdentification","type":"TextString","value":"cosmian"},{"tag":"AttributeName","type":"TextString","value":"tag"},{"tag":"AttributeValue","type":"TextString","value":"[\"wrapping_algorithm:RsaesOaepSha1\",\"_pk\",\"aws\"]"}]}]}]}"#,
        );
        let a = parse_get_attributes(&r).unwrap();
        assert_eq!(a.unique_identifier, "k");
        assert_eq!(a.algorithm, Some(CryptographicAlgorithm::Rsa));
        assert_eq!(a.object_type, Some(ObjectType::PublicKey));
        assert_eq!(a.length_bits, Some(4096));
        assert_eq!(a.state, Some(State::Active));
        assert_eq!(a.tags, vec!["aws", "wrapping_algorithm:RsaesOaepSha1"]);
    }

    #[test]
    fn an_export_without_wrapping_data_is_refused() {
        let r = reply(
            r#"{"tag":"ExportResponse","value":[{"tag":"SymmetricKey","value":[{"tag":"KeyBlock","value":[{"tag":"KeyValue","type":"ByteString","value":"00"}]}]}]}"#,
        );
        assert_eq!(
            parse_export_wrapped(&r).unwrap_err().0,
            "the exported key is not wrapped (no KeyWrappingData)"
        );
    }
}
