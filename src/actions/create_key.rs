//! Creating key material in the KMS for an AWS key spec, with the attributes
//! AWS import needs (activation date, usage mask, length or curve).

use crate::browser::now_utc;
use crate::client::{KmsClient, RequestError};
use crate::domain::aws::key_spec::{AwsKeySpec, KeyUsage};
use crate::domain::kms_id::KmsId;
use crate::kmip::{
    self, CreateKeyPairRequest, CreateSymmetricKeyRequest, CryptographicAlgorithm, KeyAttributes,
    KeyPairKind, UsageMask,
};

/// What to create.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreateKeyPlan {
    pub spec: AwsKeySpec,
    pub usage: KeyUsage,
    /// `None`: the server picks a UUID.
    pub id: Option<KmsId>,
    pub tags: Vec<String>,
    /// A sensitive key can still be exported wrapped, never in clear.
    pub sensitive: bool,
}

/// The ids the KMS gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreatedKey {
    /// The key to export (the symmetric key, or the private key).
    pub key_id: String,
    pub public_key_id: Option<String>,
}

enum Request {
    Symmetric(CreateSymmetricKeyRequest),
    Pair(CreateKeyPairRequest),
}

/// (private or symmetric key mask, public key mask).
fn usage_masks(spec: AwsKeySpec, usage: KeyUsage) -> (UsageMask, UsageMask) {
    match (spec, usage) {
        (AwsKeySpec::Hmac(_), _) | (_, KeyUsage::GenerateVerifyMac) => (
            UsageMask::MAC_GENERATE.union(UsageMask::MAC_VERIFY),
            UsageMask(0),
        ),
        (AwsKeySpec::SymmetricDefault, _) => {
            (UsageMask::ENCRYPT.union(UsageMask::DECRYPT), UsageMask(0))
        }
        (_, KeyUsage::EncryptDecrypt) => (UsageMask::DECRYPT, UsageMask::ENCRYPT),
        (_, KeyUsage::SignVerify) => (UsageMask::SIGN, UsageMask::VERIFY),
        (_, KeyUsage::KeyAgreement) => (UsageMask::KEY_AGREEMENT, UsageMask::KEY_AGREEMENT),
    }
}

pub async fn create_key_material(
    client: &KmsClient,
    plan: &CreateKeyPlan,
) -> Result<CreatedKey, RequestError> {
    let (private_mask, public_mask) = usage_masks(plan.spec, plan.usage);
    let attributes = KeyAttributes {
        unique_identifier: plan.id.clone().map(KmsId::into_string),
        activation_date: now_utc() - time::Duration::minutes(1),
        usage_mask: private_mask,
        tags: plan.tags.clone(),
        vendor_id: client.vendor_id().await?,
        sensitive: plan.sensitive,
    };
    let symmetric = |algorithm, bits: usize| CreateSymmetricKeyRequest {
        algorithm,
        length_bits: bits as i32,
        attributes: attributes.clone(),
    };
    let pair = |kind| CreateKeyPairRequest {
        kind,
        attributes: attributes.clone(),
        public_usage_mask: public_mask,
    };
    let request = match plan.spec {
        AwsKeySpec::SymmetricDefault => {
            Request::Symmetric(symmetric(CryptographicAlgorithm::Aes, 256))
        }
        AwsKeySpec::Hmac(hash) => {
            Request::Symmetric(symmetric(CryptographicAlgorithm::from(hash), hash.bits()))
        }
        AwsKeySpec::Rsa(bits) => Request::Pair(pair(KeyPairKind::Rsa { bits: bits as i32 })),
        AwsKeySpec::Ecc(curve) => Request::Pair(pair(KeyPairKind::Ec {
            algorithm: CryptographicAlgorithm::Ecdh,
            curve: curve.into(),
        })),
    };
    match request {
        Request::Symmetric(symmetric) => {
            let reply = client.kmip(&kmip::create(&symmetric)).await?;
            Ok(CreatedKey {
                key_id: kmip::parse_create(&reply)?,
                public_key_id: None,
            })
        }
        Request::Pair(pair) => {
            let reply = client.kmip(&kmip::create_key_pair(&pair)).await?;
            let ids = kmip::parse_create_key_pair(&reply)?;
            Ok(CreatedKey {
                key_id: ids.private_key_id,
                public_key_id: Some(ids.public_key_id),
            })
        }
    }
}

/// The server's refusal in plain words, with what to do when the id the user
/// chose (`Some`) is taken.
pub fn explain_create_error(error: &RequestError, id: Option<&KmsId>) -> String {
    let mut message = error.to_string();
    if error.is_taken()
        && let Some(id) = id
    {
        message.push_str(&format!(
            " The id {id} is already taken in this KMS: choose another id, or leave it empty for a unique one."
        ));
    }
    message
}
