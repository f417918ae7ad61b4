//! The KMIP 2.1 JSON wire protocol the Cosmian KMS speaks on `POST /kmip/2_1`.
//! Typed builders and parsers only: no HTTP, no UI, no AWS knowledge.

mod attributes;
mod batch;
mod crypto;
mod error;
mod operations;
mod responses;
mod ttlv;

pub use attributes::{CryptographicAlgorithm, ObjectType, RecommendedCurve, State};
pub use batch::{FailedItem, parse_response_message, request_message};
pub use crypto::{
    SignatureAlgorithm, decrypt_rsa_oaep_sha256, destroy_and_remove, encrypt_rsa_oaep_sha256,
    parse_decrypt, parse_encrypt, parse_revoke_or_destroy, parse_sign, parse_signature_verify,
    revoke, sign, signature_verify,
};
pub use error::ProtocolError;
pub use operations::{
    AttributeReference, CreateKeyPairRequest, CreateSymmetricKeyRequest, CryptographicParameters,
    ExportWrappedRequest, HashingAlgorithm, ImportPublicKeyRequest, KeyAttributes, KeyPairKind,
    LocateRequest, PaddingMethod, UsageMask, add_vendor_attribute, create, create_key_pair,
    delete_vendor_attribute, export_wrapped, get_attributes, import_public_key, locate, mac,
    query_server_information, re_key, re_key_key_pair, set_vendor_attribute,
};
pub use responses::{
    CreateKeyPairResponse, ObjectAttributes, parse_add_attribute, parse_create,
    parse_create_key_pair, parse_delete_attribute, parse_export_wrapped, parse_get_attributes,
    parse_get_attributes_of_vendor, parse_import, parse_locate, parse_mac, parse_query_vendor_id,
    parse_re_key, parse_re_key_key_pair, parse_set_attribute,
};
pub use ttlv::{Ttlv, TtlvValue};
