//! Parsers for the replies the BYOK pages read: each takes the bare
//! `<Op>Response` node and returns typed values or a [`ProtocolError`].

use time::OffsetDateTime;

use super::attributes::{CryptographicAlgorithm, ObjectType, RecommendedCurve, State};
use super::{ProtocolError, Ttlv, TtlvValue};

/// `reply` when it is the `tag` response, else a protocol error naming both.
pub(super) fn expect<'a>(reply: &'a Ttlv, tag: &str) -> Result<&'a Ttlv, ProtocolError> {
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

/// The new generation's id from a `ReKeyResponse`.
pub fn parse_re_key(reply: &Ttlv) -> Result<String, ProtocolError> {
    unique_identifier(expect(reply, "ReKeyResponse")?)
}

/// The new pair's ids from a `ReKeyKeyPairResponse`.
pub fn parse_re_key_key_pair(reply: &Ttlv) -> Result<CreateKeyPairResponse, ProtocolError> {
    key_pair_ids(expect(reply, "ReKeyKeyPairResponse")?)
}

/// The two ids a CreateKeyPair returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreateKeyPairResponse {
    pub private_key_id: String,
    pub public_key_id: String,
}

pub fn parse_create_key_pair(reply: &Ttlv) -> Result<CreateKeyPairResponse, ProtocolError> {
    key_pair_ids(expect(reply, "CreateKeyPairResponse")?)
}

fn key_pair_ids(reply: &Ttlv) -> Result<CreateKeyPairResponse, ProtocolError> {
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

/// `AddAttributeResponse` → the id of the object changed.
pub fn parse_add_attribute(reply: &Ttlv) -> Result<String, ProtocolError> {
    unique_identifier(expect(reply, "AddAttributeResponse")?)
}

/// `SetAttributeResponse` → the id of the object changed.
pub fn parse_set_attribute(reply: &Ttlv) -> Result<String, ProtocolError> {
    unique_identifier(expect(reply, "SetAttributeResponse")?)
}

/// `DeleteAttributeResponse` → the id of the object changed.
pub fn parse_delete_attribute(reply: &Ttlv) -> Result<String, ProtocolError> {
    unique_identifier(expect(reply, "DeleteAttributeResponse")?)
}

/// `MACResponse` → the MAC bytes.
pub fn parse_mac(reply: &Ttlv) -> Result<Vec<u8>, ProtocolError> {
    let reply = expect(reply, "MACResponse")?;
    Ok(reply.require("MACData")?.as_bytes()?.to_vec())
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
    /// `Extractable`: false when the KMS refuses every export of the key.
    pub extractable: Option<bool>,
    /// `NeverExtractable` (server-managed in KMS 5.28).
    pub never_extractable: Option<bool>,
    /// The KMS's user tags, sorted (server-internal `_` tags removed).
    pub tags: Vec<String>,
    /// The key that wraps this object at rest in the KMS (its WrappingKeyLink).
    pub stored_wrapped_by: Option<String>,
    /// For a public key: its private key's id.
    pub private_key_link: Option<String>,
    /// The next generation made by ReKey (ReplacementObjectLink).
    pub replaced_by: Option<String>,
    /// The previous generation this one replaced (ReplacedObjectLink).
    pub replaces: Option<String>,
    /// The vendor attributes other than the tags, as `(name, value)` sorted by
    /// name (the ledger entries live here). Only TextString values are kept.
    /// Only those of the KMS's vendor id when parsed with
    /// [`parse_get_attributes_of_vendor`]; every vendor's otherwise.
    pub vendor_attributes: Vec<(String, String)>,
}

/// `GetAttributesResponse` → [`ObjectAttributes`], with the tags and vendor
/// attributes of any vendor id.
pub fn parse_get_attributes(reply: &Ttlv) -> Result<ObjectAttributes, ProtocolError> {
    parse_attributes(reply, None)
}

/// `GetAttributesResponse` → [`ObjectAttributes`], with only the tags and vendor
/// attributes written under `vendor_id` (the KMS's, from the Query).
pub fn parse_get_attributes_of_vendor(
    reply: &Ttlv,
    vendor_id: &str,
) -> Result<ObjectAttributes, ProtocolError> {
    parse_attributes(reply, Some(vendor_id))
}

fn parse_attributes(
    reply: &Ttlv,
    vendor_id: Option<&str>,
) -> Result<ObjectAttributes, ProtocolError> {
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
        extractable: attributes
            .child("Extractable")
            .map(Ttlv::as_bool)
            .transpose()?,
        never_extractable: attributes
            .child("NeverExtractable")
            .map(Ttlv::as_bool)
            .transpose()?,
        tags: Vec::new(),
        stored_wrapped_by: None,
        private_key_link: None,
        replaced_by: None,
        replaces: None,
        vendor_attributes: Vec::new(),
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
            Some(Ok("ReplacementObjectLink")) => parsed.replaced_by = Some(linked()?),
            Some(Ok("ReplacedObjectLink")) => parsed.replaces = Some(linked()?),
            _ => {}
        }
    }
    for attribute in attributes.all("Attribute") {
        let vendor = attribute.child("VendorIdentification").map(Ttlv::as_text);
        if let (Some(wanted), Some(Ok(vendor))) = (vendor_id, vendor)
            && wanted != vendor
        {
            continue;
        }
        let name = attribute.child("AttributeName").map(Ttlv::as_text);
        match name {
            Some(Ok("tag")) => {
                let value = attribute.require("AttributeValue")?.as_text()?;
                let tags: Vec<String> = serde_json::from_str(value)
                    .map_err(|_| ProtocolError::new("the tag attribute is not a JSON list"))?;
                parsed
                    .tags
                    .extend(tags.into_iter().filter(|t| !t.starts_with('_')));
            }
            Some(Ok(name)) => {
                // Other vendors' (or other tools') values may be bytes or numbers: not ours.
                if let Some(TtlvValue::TextString(value)) =
                    attribute.child("AttributeValue").map(|v| &v.value)
                {
                    parsed
                        .vendor_attributes
                        .push((name.to_owned(), value.clone()));
                }
            }
            _ => {}
        }
    }
    // Names are unique per vendor: the unstable sort gives a stable order.
    parsed.vendor_attributes.sort_unstable();
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

    /// A real 5.28 reply after `SetAttribute Extractable=false`: the server
    /// then reports NeverExtractable true itself (it refuses to set it).
    #[test]
    fn get_attributes_reads_whether_the_key_may_leave_the_kms() {
        let r = reply(
            r#"{"tag":"GetAttributesResponse","value":[{"tag":"UniqueIdentifier","type":"TextString","value":"97aea4d7-9b44-4129-86f6-0208c056b58a"},{"tag":"Attributes","value":[{"tag":"Extractable","type":"Boolean","value":false},{"tag":"NeverExtractable","type":"Boolean","value":true},{"tag":"State","type":"Enumeration","value":"Active"}]}]}"#,
        );
        let a = parse_get_attributes(&r).unwrap();
        assert_eq!(a.extractable, Some(false));
        assert_eq!(a.never_extractable, Some(true));
        assert_eq!(
            parse_get_attributes(&reply(DESCRIBED_WITH_ENTRIES))
                .unwrap()
                .extractable,
            None
        );
    }

    /// A real 5.28 reply to GetAttributes with `AttributeReference::DESCRIBE`:
    /// two ledger-like entries, two of another vendor (one a ByteString) and tags.
    const DESCRIBED_WITH_ENTRIES: &str = r#"{"tag":"GetAttributesResponse","value":[{"tag":"UniqueIdentifier","type":"TextString","value":"k1"},{"tag":"Attributes","value":[{"tag":"ActivationDate","type":"DateTime","value":"2026-11-29T13:42:23Z"},{"tag":"CryptographicAlgorithm","type":"Enumeration","value":"AES"},{"tag":"CryptographicLength","type":"Integer","value":256},{"tag":"CryptographicUsageMask","type":"Integer","value":12},{"tag":"KeyFormatType","type":"Enumeration","value":"Raw"},{"tag":"ObjectType","type":"Enumeration","value":"SymmetricKey"},{"tag":"Sensitive","type":"Boolean","value":false},{"tag":"State","type":"Enumeration","value":"Active"},{"tag":"Attribute","value":[{"tag":"VendorIdentification","type":"TextString","value":"cosmian"},{"tag":"AttributeName","type":"TextString","value":"byok_aws_copy_1"},{"tag":"AttributeValue","type":"TextString","value":"{\"a\":3}"}]},{"tag":"Attribute","value":[{"tag":"VendorIdentification","type":"TextString","value":"acme"},{"tag":"AttributeName","type":"TextString","value":"byok_aws_copy_9"},{"tag":"AttributeValue","type":"ByteString","value":"00FF"}]},{"tag":"Attribute","value":[{"tag":"VendorIdentification","type":"TextString","value":"acme"},{"tag":"AttributeName","type":"TextString","value":"byok_aws_copy_2"},{"tag":"AttributeValue","type":"TextString","value":"foreign"}]},{"tag":"Attribute","value":[{"tag":"VendorIdentification","type":"TextString","value":"cosmian"},{"tag":"AttributeName","type":"TextString","value":"byok_aws_copy_0"},{"tag":"AttributeValue","type":"TextString","value":"{\"b\":\"x\"}"}]},{"tag":"Attribute","value":[{"tag":"VendorIdentification","type":"TextString","value":"cosmian"},{"tag":"AttributeName","type":"TextString","value":"tag"},{"tag":"AttributeValue","type":"TextString","value":"[\"_kk\",\"mine\"]"}]}]}]}"#;

    #[test]
    fn get_attributes_reads_the_kms_vendor_attributes_beside_the_tags() {
        let r = reply(DESCRIBED_WITH_ENTRIES);
        let ours = parse_get_attributes_of_vendor(&r, "cosmian").unwrap();
        assert_eq!(ours.tags, vec!["mine"]);
        assert_eq!(
            ours.vendor_attributes,
            vec![
                ("byok_aws_copy_0".to_owned(), r#"{"b":"x"}"#.to_owned()),
                ("byok_aws_copy_1".to_owned(), r#"{"a":3}"#.to_owned()),
            ]
        );
        assert_eq!(ours.algorithm, Some(CryptographicAlgorithm::Aes));
        assert_eq!(ours.state, Some(State::Active));
        // Without a vendor id: every vendor's text values, bytes skipped.
        let any = parse_get_attributes(&r).unwrap();
        assert_eq!(any.tags, vec!["mine"]);
        let names: Vec<&str> = any
            .vendor_attributes
            .iter()
            .map(|(n, _)| n.as_str())
            .collect();
        assert_eq!(
            names,
            ["byok_aws_copy_0", "byok_aws_copy_1", "byok_aws_copy_2"]
        );
        assert!(
            parse_get_attributes_of_vendor(&r, "acme")
                .unwrap()
                .tags
                .is_empty()
        );
    }

    #[test]
    fn attribute_changes_and_macs_are_read_from_their_replies() {
        let id = r#"[{"tag":"UniqueIdentifier","type":"TextString","value":"k1"}]"#;
        let r = |op: &str| reply(&format!(r#"{{"tag":"{op}","value":{id}}}"#));
        assert_eq!(
            parse_add_attribute(&r("AddAttributeResponse")).unwrap(),
            "k1"
        );
        assert_eq!(
            parse_set_attribute(&r("SetAttributeResponse")).unwrap(),
            "k1"
        );
        assert_eq!(
            parse_delete_attribute(&r("DeleteAttributeResponse")).unwrap(),
            "k1"
        );
        assert!(parse_add_attribute(&r("SetAttributeResponse")).is_err());
        // Real reply: HMAC-SHA256 of "byok ledger proof 42" under the key 00 01 .. 1F.
        let mac = reply(
            r#"{"tag":"MACResponse","value":[{"tag":"UniqueIdentifier","type":"TextString","value":"hmac1"},{"tag":"MACData","type":"ByteString","value":"26EDEE528D0C92826D4E66291FD9A6DAD22F0742824EF3C12ECB7791AC3E05A0"}]}"#,
        );
        assert_eq!(
            hex::encode(parse_mac(&mac).unwrap()),
            "26edee528d0c92826d4e66291fd9a6dad22f0742824ef3c12ecb7791ac3e05a0"
        );
        assert_eq!(
            parse_mac(&r("MACResponse")).unwrap_err().0,
            "MACResponse has no MACData"
        );
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
