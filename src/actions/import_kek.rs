//! Importing an AWS wrapping key: refuse to overwrite silently, import with
//! the CLI's tags, then read the object back to show what was stored.

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
    /// Imported; the object as the KMS now holds it.
    Imported(ObjectAttributes),
    /// Nothing sent: an object with this id exists and needs an explicit replace.
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
    if !plan.kms_id.is_empty()
        && !plan.replace
        && let Some(existing) = objects::find(client, &plan.kms_id).await?
    {
        return Ok(ImportKekOutcome::AlreadyExists(existing));
    }
    let vendor_id = client.vendor_id().await?;
    let request = ImportPublicKeyRequest {
        spki_der: plan.key.spki_der.clone(),
        replace_existing: plan.replace,
        attributes: KeyAttributes {
            unique_identifier: (!plan.kms_id.is_empty()).then(|| plan.kms_id.clone()),
            // A minute in the past survives clock skew between browser and server.
            activation_date: now_utc() - time::Duration::minutes(1),
            usage_mask: UsageMask::WRAP_KEY.union(UsageMask::ENCRYPT),
            tags: kek_tags(plan.algorithm, plan.key_arn.as_ref()),
            vendor_id,
            sensitive: false,
        },
    };
    let reply = client.kmip(&kmip::import_public_key(&request)).await?;
    let id = kmip::parse_import(&reply)?;
    if let Some(token) = &plan.import_token {
        use base64::Engine;
        session_set(
            &import_token_key(&id),
            &base64::engine::general_purpose::STANDARD.encode(token),
        );
    }
    Ok(ImportKekOutcome::Imported(
        objects::describe(client, &id).await?,
    ))
}
