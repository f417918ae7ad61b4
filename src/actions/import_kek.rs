//! Importing an AWS wrapping key in one Import with the CLI's tags; the server
//! refuses to overwrite an id unless the user agreed, and we then show what is there.

use crate::browser::{now_utc, session_set};
use crate::client::{KmsClient, RequestError};
use crate::domain::arn::AwsKeyArn;
use crate::domain::kek::WrappingPublicKey;
use crate::domain::kek_tags::kek_tags;
use crate::domain::wrapping::WrappingAlgorithm;
use crate::kmip::{self, ImportPublicKeyRequest, KeyAttributes, ObjectAttributes, UsageMask};

use super::objects;

/// Everything the import needs, already validated.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportKekPlan {
    pub key: WrappingPublicKey,
    pub algorithm: WrappingAlgorithm,
    pub key_arn: Option<AwsKeyArn>,
    /// Empty: the server picks a UUID.
    pub kms_id: String,
    /// The user agreed to overwrite the object with this id.
    pub replace: bool,
    /// From get-parameters-for-import, kept for the export step.
    pub import_token: Option<Vec<u8>>,
}

/// What happened.
#[derive(Clone, Debug, PartialEq)]
pub enum ImportKekOutcome {
    /// Imported; the id the KMS gave it and what was imported.
    Imported(ObjectAttributes),
    /// Refused by the KMS: an object with this id exists and needs an explicit replace.
    AlreadyExists(ObjectAttributes),
}

/// sessionStorage key of a KEK's import token (base64), for the export page.
pub fn import_token_key(kek_id: &str) -> String {
    format!("byok.import_token.{kek_id}")
}

pub async fn import_kek(
    client: &KmsClient,
    plan: &ImportKekPlan,
) -> Result<ImportKekOutcome, RequestError> {
    let vendor_id = client.vendor_id().await?;
    let tags = kek_tags(plan.algorithm, plan.key_arn.as_ref());
    let request = ImportPublicKeyRequest {
        spki_der: plan.key.spki_der.clone(),
        replace_existing: plan.replace,
        attributes: KeyAttributes {
            unique_identifier: (!plan.kms_id.is_empty()).then(|| plan.kms_id.clone()),
            // A minute in the past survives clock skew between browser and server.
            activation_date: now_utc() - time::Duration::minutes(1),
            usage_mask: UsageMask::WRAP_KEY.union(UsageMask::ENCRYPT),
            tags: tags.clone(),
            vendor_id,
            sensitive: false,
        },
    };
    let reply = match client.kmip(&kmip::import_public_key(&request)).await {
        // ReplaceExisting=false: the server keeps what is there and says so.
        Err(RequestError::Refused {
            status: 422,
            reason,
        }) if !plan.kms_id.is_empty() && reason.contains("already exist") => {
            let existing = objects::describe(client, &plan.kms_id).await?;
            return Ok(ImportKekOutcome::AlreadyExists(existing));
        }
        reply => reply?,
    };
    let id = kmip::parse_import(&reply)?;
    objects::forget(client, &id);
    if let Some(token) = &plan.import_token {
        use base64::Engine;
        session_set(
            &import_token_key(&id),
            &base64::engine::general_purpose::STANDARD.encode(token),
        );
    }
    let mut tags = tags;
    tags.sort();
    Ok(ImportKekOutcome::Imported(ObjectAttributes {
        unique_identifier: id,
        object_type: Some("PublicKey".to_owned()),
        algorithm: Some("RSA".to_owned()),
        length_bits: Some(plan.key.rsa_bits as i64),
        tags,
        ..Default::default()
    }))
}
