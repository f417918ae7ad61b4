//! The KMIP 2.1 JSON wire protocol the Cosmian KMS speaks on `POST /kmip/2_1`.
//! Typed builders and parsers only: no HTTP, no UI, no AWS knowledge.

mod attributes;
mod error;
mod operations;
mod responses;
mod ttlv;

pub use attributes::{CryptographicAlgorithm, ObjectType, RecommendedCurve, State};
pub use error::ProtocolError;
pub use operations::{
    AttributeReference, CreateKeyPairRequest, CreateSymmetricKeyRequest, CryptographicParameters,
    ExportWrappedRequest, HashingAlgorithm, ImportPublicKeyRequest, KeyAttributes, KeyPairKind,
    LocateRequest, PaddingMethod, UsageMask, create, create_key_pair, export_wrapped,
    get_attributes, import_public_key, locate, query_server_information,
};
pub use responses::{
    CreateKeyPairResponse, ObjectAttributes, parse_create, parse_create_key_pair,
    parse_export_wrapped, parse_get_attributes, parse_import, parse_locate, parse_query_vendor_id,
};
pub use ttlv::{Ttlv, TtlvValue};
