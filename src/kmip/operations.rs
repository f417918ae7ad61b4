//! Builders for the KMIP operations the BYOK pages send, each a typed request
//! turned into exactly the JSON TTLV the Cosmian KMS 5.28 accepts.

use time::OffsetDateTime;

use super::Ttlv;
use super::attributes::{CryptographicAlgorithm, ObjectType, RecommendedCurve};

/// `PaddingMethod` of a wrapping key's CryptographicParameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaddingMethod {
    /// RSAES-OAEP.
    Oaep,
    /// With RSA: the server's name for CKM_RSA_AES_KEY_WRAP.
    None,
}

/// `HashingAlgorithm` of a wrapping key's CryptographicParameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HashingAlgorithm {
    Sha1,
    Sha256,
}

/// What the KEK wraps with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CryptographicParameters {
    pub padding: PaddingMethod,
    pub hashing: HashingAlgorithm,
}

/// A `CryptographicUsageMask` as its bit flags.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UsageMask(pub i32);

impl UsageMask {
    pub const SIGN: Self = Self(0x1);
    pub const VERIFY: Self = Self(0x2);
    pub const ENCRYPT: Self = Self(0x4);
    pub const DECRYPT: Self = Self(0x8);
    pub const WRAP_KEY: Self = Self(0x10);
    pub const UNWRAP_KEY: Self = Self(0x20);
    pub const MAC_GENERATE: Self = Self(0x80);
    pub const MAC_VERIFY: Self = Self(0x100);
    pub const KEY_AGREEMENT: Self = Self(0x800);

    pub const fn union(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }
}

/// `AttributeReference` values GetAttributes can ask for explicitly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttributeReference {
    /// The KMS's labels, only returned when asked for.
    Tag,
    ObjectType,
    CryptographicAlgorithm,
    CryptographicLength,
    State,
    CryptographicUsageMask,
    KeyFormatType,
    ActivationDate,
    /// Carries the curve of EC keys.
    CryptographicDomainParameters,
    Sensitive,
    /// Whether the KMS still lets the key leave it, wrapped or not (KMS 5.28:
    /// settable; an export of a key whose Extractable is false is refused).
    Extractable,
    /// Server-managed in KMS 5.28 (true while Extractable is false).
    NeverExtractable,
    /// Private key and wrapping key links.
    Link,
    /// Every vendor attribute but the tags. Ask for it before [`Self::Tag`]:
    /// the 5.28 server replaces the tags it already put in the reply otherwise.
    VendorExtension,
}

impl AttributeReference {
    /// Everything the pages read about an object, tags and vendor attributes
    /// (ledger entries) included, in one GetAttributes.
    pub const DESCRIBE: [Self; 14] = [
        Self::ObjectType,
        Self::CryptographicAlgorithm,
        Self::CryptographicLength,
        Self::State,
        Self::CryptographicUsageMask,
        Self::KeyFormatType,
        Self::ActivationDate,
        Self::CryptographicDomainParameters,
        Self::Sensitive,
        Self::Extractable,
        Self::NeverExtractable,
        Self::Link,
        // Before Tag, or the server drops the tags from the reply.
        Self::VendorExtension,
        Self::Tag,
    ];

    pub fn kmip_name(self) -> &'static str {
        match self {
            Self::Tag => "Tag",
            Self::ObjectType => "ObjectType",
            Self::CryptographicAlgorithm => "CryptographicAlgorithm",
            Self::CryptographicLength => "CryptographicLength",
            Self::State => "State",
            Self::CryptographicUsageMask => "CryptographicUsageMask",
            Self::KeyFormatType => "KeyFormatType",
            Self::ActivationDate => "ActivationDate",
            Self::CryptographicDomainParameters => "CryptographicDomainParameters",
            Self::Sensitive => "Sensitive",
            Self::Extractable => "Extractable",
            Self::NeverExtractable => "NeverExtractable",
            Self::Link => "Link",
            Self::VendorExtension => "VendorExtension",
        }
    }
}

/// Attributes every created or imported object carries.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyAttributes {
    /// The id to use; `None` lets the server pick a UUID.
    pub unique_identifier: Option<String>,
    /// Keys without an activation date are PreActive and unusable.
    pub activation_date: OffsetDateTime,
    pub usage_mask: UsageMask,
    /// The KMS's labels (a vendor attribute).
    pub tags: Vec<String>,
    /// The server's vendor id, read with [`query_server_information`].
    pub vendor_id: String,
    /// A sensitive key can only leave the KMS wrapped.
    pub sensitive: bool,
}

impl KeyAttributes {
    fn nodes(&self) -> Vec<Ttlv> {
        let mut nodes = vec![
            Ttlv::date_time("ActivationDate", self.activation_date),
            Ttlv::integer("CryptographicUsageMask", self.usage_mask.0),
        ];
        if self.sensitive {
            nodes.push(Ttlv::boolean("Sensitive", true));
        }
        if !self.tags.is_empty() {
            nodes.push(tag_attribute(&self.vendor_id, &self.tags));
        }
        nodes
    }
}

/// The vendor attribute holding the KMS's tags: a JSON array in a TextString.
pub fn tag_attribute(vendor_id: &str, tags: &[String]) -> Ttlv {
    let value = serde_json::to_string(tags).unwrap_or_else(|_| "[]".to_owned());
    vendor_attribute(vendor_id, "tag", &value)
}

/// A vendor attribute with a TextString value, as the `Attribute` node.
fn vendor_attribute(vendor_id: &str, name: &str, value: &str) -> Ttlv {
    Ttlv::structure(
        "Attribute",
        vec![
            Ttlv::text("VendorIdentification", vendor_id),
            Ttlv::text("AttributeName", name),
            Ttlv::text("AttributeValue", value),
        ],
    )
}

/// `ReKey` of a symmetric key (AES or HMAC): the server makes the next
/// generation as a new object, links the two (Replacement/ReplacedObjectLink),
/// deactivates the old one (still exportable) and copies its vendor attributes.
pub fn re_key(unique_identifier: &str) -> Ttlv {
    Ttlv::structure(
        "ReKey",
        vec![Ttlv::text("UniqueIdentifier", unique_identifier)],
    )
}

/// `ReKeyKeyPair` of a private key: as [`re_key`], for both halves of the pair.
pub fn re_key_key_pair(private_key_id: &str) -> Ttlv {
    Ttlv::structure(
        "ReKeyKeyPair",
        vec![Ttlv::text("PrivateKeyUniqueIdentifier", private_key_id)],
    )
}

/// `AddAttribute` of a vendor attribute. The server refuses a name already
/// present (422 `Invalid Request: Vendor Attribute already exists`).
pub fn add_vendor_attribute(
    unique_identifier: &str,
    vendor_id: &str,
    name: &str,
    value: &str,
) -> Ttlv {
    new_vendor_attribute("AddAttribute", unique_identifier, vendor_id, name, value)
}

/// `operation` (AddAttribute or SetAttribute) with one vendor attribute as its `NewAttribute`.
fn new_vendor_attribute(
    operation: &str,
    unique_identifier: &str,
    vendor_id: &str,
    name: &str,
    value: &str,
) -> Ttlv {
    Ttlv::structure(
        operation,
        vec![
            Ttlv::text("UniqueIdentifier", unique_identifier),
            Ttlv::structure(
                "NewAttribute",
                vec![vendor_attribute(vendor_id, name, value)],
            ),
        ],
    )
}

/// `SetAttribute` of a vendor attribute: creates it or overwrites its value.
pub fn set_vendor_attribute(
    unique_identifier: &str,
    vendor_id: &str,
    name: &str,
    value: &str,
) -> Ttlv {
    new_vendor_attribute("SetAttribute", unique_identifier, vendor_id, name, value)
}

/// `DeleteAttribute` of a vendor attribute, by vendor id and name (the server
/// needs an `AttributeValue` in the node but ignores it; deleting an absent
/// name succeeds). The `AttributeReference` form is accepted but deletes nothing.
pub fn delete_vendor_attribute(unique_identifier: &str, vendor_id: &str, name: &str) -> Ttlv {
    Ttlv::structure(
        "DeleteAttribute",
        vec![
            Ttlv::text("UniqueIdentifier", unique_identifier),
            Ttlv::structure(
                "CurrentAttribute",
                vec![vendor_attribute(vendor_id, name, "")],
            ),
        ],
    )
}

/// `MAC` of `data` with the key `key_id`. With an HMAC `algorithm` its hash is
/// named; with `None` (or another algorithm) the server takes it from the key's
/// own HMAC algorithm, and refuses a key that has none.
pub fn mac(key_id: &str, algorithm: Option<&CryptographicAlgorithm>, data: &[u8]) -> Ttlv {
    let mut nodes = vec![Ttlv::text("UniqueIdentifier", key_id)];
    if let Some(hashing) = algorithm.and_then(CryptographicAlgorithm::hmac_hashing) {
        nodes.push(Ttlv::structure(
            "CryptographicParameters",
            vec![Ttlv::enumeration("HashingAlgorithm", hashing)],
        ));
    }
    nodes.push(Ttlv::bytes("Data", data.to_vec()));
    Ttlv::structure("MAC", nodes)
}

/// Query for the server's vendor id (needed to write tags).
pub fn query_server_information() -> Ttlv {
    Ttlv::structure(
        "Query",
        vec![Ttlv::enumeration("QueryFunction", "QueryServerInformation")],
    )
}

/// Import of an RSA public key (an AWS wrapping key) given as SPKI DER.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportPublicKeyRequest {
    pub spki_der: Vec<u8>,
    /// Overwrite an object with the same id (only after the user agreed).
    pub replace_existing: bool,
    pub attributes: KeyAttributes,
}

pub fn import_public_key(request: &ImportPublicKeyRequest) -> Ttlv {
    let attributes = &request.attributes;
    Ttlv::structure(
        "Import",
        vec![
            Ttlv::text(
                "UniqueIdentifier",
                attributes.unique_identifier.clone().unwrap_or_default(),
            ),
            Ttlv::enumeration("ObjectType", ObjectType::PublicKey.kmip_name()),
            Ttlv::boolean("ReplaceExisting", request.replace_existing),
            Ttlv::structure("Attributes", attributes.nodes()),
            Ttlv::structure(
                "PublicKey",
                vec![Ttlv::structure(
                    "KeyBlock",
                    vec![
                        // The server's name for an SPKI DER public key.
                        Ttlv::enumeration("KeyFormatType", "PKCS8"),
                        Ttlv::structure(
                            "KeyValue",
                            vec![Ttlv::bytes("KeyMaterial", request.spki_der.clone())],
                        ),
                    ],
                )],
            ),
        ],
    )
}

/// GetAttributes; tags are only returned when asked for by reference.
pub fn get_attributes(unique_identifier: &str, references: &[AttributeReference]) -> Ttlv {
    let mut nodes = vec![Ttlv::text("UniqueIdentifier", unique_identifier)];
    for reference in references {
        nodes.push(Ttlv::enumeration(
            "AttributeReference",
            reference.kmip_name(),
        ));
    }
    Ttlv::structure("GetAttributes", nodes)
}

/// Locate filters and paging.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LocateRequest {
    pub object_type: Option<ObjectType>,
    /// Objects carrying all of these tags (needs `vendor_id`).
    pub tags: Vec<String>,
    pub vendor_id: String,
    pub maximum_items: Option<i32>,
    pub offset_items: Option<i32>,
}

pub fn locate(request: &LocateRequest) -> Ttlv {
    let mut nodes = Vec::new();
    if let Some(max) = request.maximum_items {
        nodes.push(Ttlv::integer("MaximumItems", max));
    }
    if let Some(offset) = request.offset_items {
        nodes.push(Ttlv::integer("OffsetItems", offset));
    }
    let mut filters = Vec::new();
    if let Some(object_type) = &request.object_type {
        filters.push(Ttlv::enumeration("ObjectType", object_type.kmip_name()));
    }
    if !request.tags.is_empty() {
        filters.push(tag_attribute(&request.vendor_id, &request.tags));
    }
    nodes.push(Ttlv::structure("Attributes", filters));
    Ttlv::structure("Locate", nodes)
}

/// Create of a symmetric key (AES or HMAC material).
#[derive(Clone, Debug, PartialEq)]
pub struct CreateSymmetricKeyRequest {
    pub algorithm: CryptographicAlgorithm,
    pub length_bits: i32,
    pub attributes: KeyAttributes,
}

pub fn create(request: &CreateSymmetricKeyRequest) -> Ttlv {
    let mut attributes = vec![
        Ttlv::enumeration("CryptographicAlgorithm", request.algorithm.kmip_name()),
        Ttlv::integer("CryptographicLength", request.length_bits),
        Ttlv::enumeration("ObjectType", ObjectType::SymmetricKey.kmip_name()),
    ];
    if let Some(id) = &request.attributes.unique_identifier {
        attributes.push(Ttlv::text("UniqueIdentifier", id));
    }
    attributes.extend(request.attributes.nodes());
    Ttlv::structure(
        "Create",
        vec![
            Ttlv::enumeration("ObjectType", ObjectType::SymmetricKey.kmip_name()),
            Ttlv::structure("Attributes", attributes),
        ],
    )
}

/// The key pair a CreateKeyPair makes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyPairKind {
    /// RSA with a modulus of this many bits.
    Rsa { bits: i32 },
    /// EC on a named curve, for this algorithm (ECDH or ECDSA).
    Ec {
        algorithm: CryptographicAlgorithm,
        curve: RecommendedCurve,
    },
}

/// CreateKeyPair for RSA or EC material.
#[derive(Clone, Debug, PartialEq)]
pub struct CreateKeyPairRequest {
    pub kind: KeyPairKind,
    /// Common attributes; its usage mask goes to the private key.
    pub attributes: KeyAttributes,
    pub public_usage_mask: UsageMask,
}

pub fn create_key_pair(request: &CreateKeyPairRequest) -> Ttlv {
    let mut common = Vec::new();
    match &request.kind {
        KeyPairKind::Rsa { bits } => {
            common.push(Ttlv::enumeration(
                "CryptographicAlgorithm",
                CryptographicAlgorithm::Rsa.kmip_name(),
            ));
            common.push(Ttlv::integer("CryptographicLength", *bits));
        }
        KeyPairKind::Ec { algorithm, curve } => {
            common.push(Ttlv::enumeration(
                "CryptographicAlgorithm",
                algorithm.kmip_name(),
            ));
            let mut parameters = Vec::new();
            if let Some(bits) = curve.bits() {
                common.push(Ttlv::integer("CryptographicLength", bits));
                parameters.push(Ttlv::integer("Qlength", bits));
            }
            parameters.push(Ttlv::enumeration("RecommendedCurve", curve.kmip_name()));
            common.push(Ttlv::structure("CryptographicDomainParameters", parameters));
        }
    }
    common.push(Ttlv::date_time(
        "ActivationDate",
        request.attributes.activation_date,
    ));
    if !request.attributes.tags.is_empty() {
        common.push(tag_attribute(
            &request.attributes.vendor_id,
            &request.attributes.tags,
        ));
    }
    let mut private = Vec::new();
    // The server reads the chosen id here; the public key gets `<id>_pk`.
    if let Some(id) = &request.attributes.unique_identifier {
        private.push(Ttlv::text("UniqueIdentifier", id));
    }
    private.push(Ttlv::integer(
        "CryptographicUsageMask",
        request.attributes.usage_mask.0,
    ));
    if request.attributes.sensitive {
        private.push(Ttlv::boolean("Sensitive", true));
    }
    let public = vec![Ttlv::integer(
        "CryptographicUsageMask",
        request.public_usage_mask.0,
    )];
    Ttlv::structure(
        "CreateKeyPair",
        vec![
            Ttlv::structure("CommonAttributes", common),
            Ttlv::structure("PrivateKeyAttributes", private),
            Ttlv::structure("PublicKeyAttributes", public),
        ],
    )
}

/// Export of a key wrapped by a KEK: the only export the app ever sends.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportWrappedRequest {
    pub key_id: String,
    pub kek_id: String,
    pub parameters: CryptographicParameters,
}

pub fn export_wrapped(request: &ExportWrappedRequest) -> Ttlv {
    let padding = match request.parameters.padding {
        PaddingMethod::Oaep => "OAEP",
        PaddingMethod::None => "None",
    };
    let hashing = match request.parameters.hashing {
        HashingAlgorithm::Sha1 => "SHA1",
        HashingAlgorithm::Sha256 => "SHA256",
    };
    Ttlv::structure(
        "Export",
        vec![
            Ttlv::text("UniqueIdentifier", &request.key_id),
            // Unwraps a key stored wrapped at rest, so only the KEK wraps the result.
            Ttlv::enumeration("KeyWrapType", "NotWrapped"),
            Ttlv::structure(
                "KeyWrappingSpecification",
                vec![
                    Ttlv::enumeration("WrappingMethod", "Encrypt"),
                    Ttlv::structure(
                        "EncryptionKeyInformation",
                        vec![
                            Ttlv::text("UniqueIdentifier", &request.kek_id),
                            Ttlv::structure(
                                "CryptographicParameters",
                                vec![
                                    Ttlv::enumeration("PaddingMethod", padding),
                                    Ttlv::enumeration("HashingAlgorithm", hashing),
                                    Ttlv::enumeration("CryptographicAlgorithm", "RSA"),
                                ],
                            ),
                        ],
                    ),
                    // Raw key bytes, not a TTLV blob, are wrapped.
                    Ttlv::enumeration("EncodingOption", "NoEncoding"),
                ],
            ),
        ],
    )
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};
    use time::macros::datetime;

    use super::*;

    /// Compares a builder's output with the literal JSON of the protocol notes.
    fn check(built: Ttlv, expected: Value) {
        assert_eq!(built.to_json(), expected);
    }

    fn kek_attributes() -> KeyAttributes {
        KeyAttributes {
            unique_identifier: Some("aws_kek_1".into()),
            activation_date: datetime!(2026-11-28 18:45:22 UTC),
            usage_mask: UsageMask::WRAP_KEY.union(UsageMask::ENCRYPT),
            tags: vec!["aws".into(), "wrapping_algorithm:RsaesOaepSha256".into()],
            vendor_id: "cosmian".into(),
            sensitive: false,
        }
    }

    fn tag_json() -> Value {
        json!({"tag":"Attribute","value":[
            {"tag":"VendorIdentification","type":"TextString","value":"cosmian"},
            {"tag":"AttributeName","type":"TextString","value":"tag"},
            {"tag":"AttributeValue","type":"TextString","value":"[\"aws\",\"wrapping_algorithm:RsaesOaepSha256\"]"}]})
    }

    #[test]
    fn query_asks_for_server_information() {
        check(
            query_server_information(),
            json!({"tag":"Query","value":[{"tag":"QueryFunction","type":"Enumeration","value":"QueryServerInformation"}]}),
        );
    }

    #[test]
    fn import_of_a_wrapping_key_matches_the_protocol_notes() {
        let request = ImportPublicKeyRequest {
            spki_der: vec![0x30, 0x82, 0x01, 0x22],
            replace_existing: false,
            attributes: kek_attributes(),
        };
        check(
            import_public_key(&request),
            json!({"tag":"Import","value":[
                {"tag":"UniqueIdentifier","type":"TextString","value":"aws_kek_1"},
                {"tag":"ObjectType","type":"Enumeration","value":"PublicKey"},
                {"tag":"ReplaceExisting","type":"Boolean","value":false},
                {"tag":"Attributes","value":[
                    {"tag":"ActivationDate","type":"DateTime","value":"2026-11-28T18:45:22Z"},
                    {"tag":"CryptographicUsageMask","type":"Integer","value":20},
                    tag_json()]},
                {"tag":"PublicKey","value":[{"tag":"KeyBlock","value":[
                    {"tag":"KeyFormatType","type":"Enumeration","value":"PKCS8"},
                    {"tag":"KeyValue","value":[{"tag":"KeyMaterial","type":"ByteString","value":"30820122"}]}]}]}]}),
        );
    }

    #[test]
    fn an_empty_id_lets_the_server_choose() {
        let mut attributes = kek_attributes();
        attributes.unique_identifier = None;
        let request = ImportPublicKeyRequest {
            spki_der: vec![],
            replace_existing: true,
            attributes,
        };
        let built = import_public_key(&request);
        assert_eq!(built.children()[0].as_text().unwrap(), "");
        assert!(built.children()[2].as_bool().unwrap());
    }

    #[test]
    fn get_attributes_asks_for_tags_only_by_reference() {
        check(
            get_attributes("k", &[AttributeReference::Tag]),
            json!({"tag":"GetAttributes","value":[
                {"tag":"UniqueIdentifier","type":"TextString","value":"k"},
                {"tag":"AttributeReference","type":"Enumeration","value":"Tag"}]}),
        );
        check(
            get_attributes("k", &[]),
            json!({"tag":"GetAttributes","value":[{"tag":"UniqueIdentifier","type":"TextString","value":"k"}]}),
        );
    }

    #[test]
    fn describe_asks_for_vendor_attributes_before_tags() {
        let built = get_attributes("k", &AttributeReference::DESCRIBE).to_json();
        let names: Vec<&str> = built["value"]
            .as_array()
            .unwrap()
            .iter()
            .skip(1)
            .map(|n| n["value"].as_str().unwrap())
            .collect();
        assert_eq!(names[names.len() - 2..], ["VendorExtension", "Tag"]);
    }

    fn copy_json(value: &str) -> Value {
        json!({"tag":"Attribute","value":[
            {"tag":"VendorIdentification","type":"TextString","value":"cosmian"},
            {"tag":"AttributeName","type":"TextString","value":"byok_aws_copy_1"},
            {"tag":"AttributeValue","type":"TextString","value":value}]})
    }

    #[test]
    fn re_key_names_the_key_to_renew() {
        check(
            re_key("k1"),
            json!({"tag":"ReKey","value":[
                {"tag":"UniqueIdentifier","type":"TextString","value":"k1"}]}),
        );
        check(
            re_key_key_pair("sk1"),
            json!({"tag":"ReKeyKeyPair","value":[
                {"tag":"PrivateKeyUniqueIdentifier","type":"TextString","value":"sk1"}]}),
        );
    }

    #[test]
    fn vendor_attributes_are_added_set_and_deleted_as_the_server_accepts() {
        check(
            add_vendor_attribute("k1", "cosmian", "byok_aws_copy_1", "{\"a\":1}"),
            json!({"tag":"AddAttribute","value":[
                {"tag":"UniqueIdentifier","type":"TextString","value":"k1"},
                {"tag":"NewAttribute","value":[copy_json("{\"a\":1}")]}]}),
        );
        check(
            set_vendor_attribute("k1", "cosmian", "byok_aws_copy_1", "{\"a\":3}"),
            json!({"tag":"SetAttribute","value":[
                {"tag":"UniqueIdentifier","type":"TextString","value":"k1"},
                {"tag":"NewAttribute","value":[copy_json("{\"a\":3}")]}]}),
        );
        check(
            delete_vendor_attribute("k1", "cosmian", "byok_aws_copy_1"),
            json!({"tag":"DeleteAttribute","value":[
                {"tag":"UniqueIdentifier","type":"TextString","value":"k1"},
                {"tag":"CurrentAttribute","value":[copy_json("")]}]}),
        );
    }

    #[test]
    fn mac_names_the_hash_of_hmac_keys() {
        check(
            mac("hmac1", Some(&CryptographicAlgorithm::HmacSha256), b"byok"),
            json!({"tag":"MAC","value":[
                {"tag":"UniqueIdentifier","type":"TextString","value":"hmac1"},
                {"tag":"CryptographicParameters","value":[
                    {"tag":"HashingAlgorithm","type":"Enumeration","value":"SHA256"}]},
                {"tag":"Data","type":"ByteString","value":"62796F6B"}]}),
        );
        check(
            mac("k", None, &[]),
            json!({"tag":"MAC","value":[
                {"tag":"UniqueIdentifier","type":"TextString","value":"k"},
                {"tag":"Data","type":"ByteString","value":""}]}),
        );
    }

    #[test]
    fn locate_filters_by_type_and_tags_with_paging() {
        let request = LocateRequest {
            object_type: Some(ObjectType::PublicKey),
            tags: vec!["aws".into(), "wrapping_algorithm:RsaesOaepSha256".into()],
            vendor_id: "cosmian".into(),
            maximum_items: Some(50),
            offset_items: Some(100),
        };
        check(
            locate(&request),
            json!({"tag":"Locate","value":[
                {"tag":"MaximumItems","type":"Integer","value":50},
                {"tag":"OffsetItems","type":"Integer","value":100},
                {"tag":"Attributes","value":[
                    {"tag":"ObjectType","type":"Enumeration","value":"PublicKey"},
                    tag_json()]}]}),
        );
        check(
            locate(&LocateRequest::default()),
            json!({"tag":"Locate","value":[{"tag":"Attributes","value":[]}]}),
        );
    }

    #[test]
    fn export_carries_a_wrapping_specification_and_no_format() {
        let request = ExportWrappedRequest {
            key_id: "symmetric_key_test1".into(),
            kek_id: "aws_kek_1".into(),
            parameters: CryptographicParameters {
                padding: PaddingMethod::None,
                hashing: HashingAlgorithm::Sha256,
            },
        };
        check(
            export_wrapped(&request),
            json!({"tag":"Export","value":[
                {"tag":"UniqueIdentifier","type":"TextString","value":"symmetric_key_test1"},
                {"tag":"KeyWrapType","type":"Enumeration","value":"NotWrapped"},
                {"tag":"KeyWrappingSpecification","value":[
                    {"tag":"WrappingMethod","type":"Enumeration","value":"Encrypt"},
                    {"tag":"EncryptionKeyInformation","value":[
                        {"tag":"UniqueIdentifier","type":"TextString","value":"aws_kek_1"},
                        {"tag":"CryptographicParameters","value":[
                            {"tag":"PaddingMethod","type":"Enumeration","value":"None"},
                            {"tag":"HashingAlgorithm","type":"Enumeration","value":"SHA256"},
                            {"tag":"CryptographicAlgorithm","type":"Enumeration","value":"RSA"}]}]},
                    {"tag":"EncodingOption","type":"Enumeration","value":"NoEncoding"}]}]}),
        );
    }

    #[test]
    fn ec_key_pairs_name_their_curve_and_the_private_key_gets_the_id() {
        let mut attributes = kek_attributes();
        attributes.tags.clear();
        attributes.usage_mask = UsageMask::SIGN;
        let request = CreateKeyPairRequest {
            kind: KeyPairKind::Ec {
                algorithm: CryptographicAlgorithm::Ecdh,
                curve: RecommendedCurve::P521,
            },
            attributes,
            public_usage_mask: UsageMask::VERIFY,
        };
        check(
            create_key_pair(&request),
            json!({"tag":"CreateKeyPair","value":[
                {"tag":"CommonAttributes","value":[
                    {"tag":"CryptographicAlgorithm","type":"Enumeration","value":"ECDH"},
                    {"tag":"CryptographicLength","type":"Integer","value":521},
                    {"tag":"CryptographicDomainParameters","value":[
                        {"tag":"Qlength","type":"Integer","value":521},
                        {"tag":"RecommendedCurve","type":"Enumeration","value":"P521"}]},
                    {"tag":"ActivationDate","type":"DateTime","value":"2026-11-28T18:45:22Z"}]},
                {"tag":"PrivateKeyAttributes","value":[
                    {"tag":"UniqueIdentifier","type":"TextString","value":"aws_kek_1"},
                    {"tag":"CryptographicUsageMask","type":"Integer","value":1}]},
                {"tag":"PublicKeyAttributes","value":[
                    {"tag":"CryptographicUsageMask","type":"Integer","value":2}]}]}),
        );
    }

    #[test]
    fn hmac_keys_are_symmetric_keys_with_a_matching_length() {
        let mut attributes = kek_attributes();
        attributes.tags.clear();
        attributes.unique_identifier = None;
        attributes.usage_mask = UsageMask::MAC_GENERATE.union(UsageMask::MAC_VERIFY);
        attributes.sensitive = true;
        let request = CreateSymmetricKeyRequest {
            algorithm: CryptographicAlgorithm::HmacSha384,
            length_bits: 384,
            attributes,
        };
        check(
            create(&request),
            json!({"tag":"Create","value":[
                {"tag":"ObjectType","type":"Enumeration","value":"SymmetricKey"},
                {"tag":"Attributes","value":[
                    {"tag":"CryptographicAlgorithm","type":"Enumeration","value":"HMACSHA384"},
                    {"tag":"CryptographicLength","type":"Integer","value":384},
                    {"tag":"ObjectType","type":"Enumeration","value":"SymmetricKey"},
                    {"tag":"ActivationDate","type":"DateTime","value":"2026-11-28T18:45:22Z"},
                    {"tag":"CryptographicUsageMask","type":"Integer","value":384},
                    {"tag":"Sensitive","type":"Boolean","value":true}]}]}),
        );
    }
}
