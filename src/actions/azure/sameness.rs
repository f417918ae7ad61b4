//! Proving an Azure copy is the KMS key with no key leaving either: Azure's public key from
//! `az keyvault key show` checked by the KMS against its private key, the verdict recorded.

use time::OffsetDateTime;

use crate::actions::copies::change_copy;
use crate::actions::objects;
use crate::actions::sameness::{PublicKeyCheck, kms_public_key_check};
use crate::actions::vendor_store::acting_user_or_say;
use crate::browser::random_bytes;
use crate::client::KmsClient;
use crate::domain::account::UserId;
use crate::domain::azure::outputs::read_key_output;
use crate::domain::cloud::Cloud;
use crate::domain::ledger::azure::AzureCopy;
use crate::domain::ledger::{Sameness, public_key_proof};

/// What the proof found and recorded.
#[derive(Clone, Debug, PartialEq)]
pub struct AzureProof {
    /// The copy as written back, with the verdict as its latest event.
    pub copy: AzureCopy,
    pub verdict: Sameness,
    /// When the temporary public key could not be removed from the KMS: a sentence saying so.
    pub removal: Option<String>,
    /// Who the verdict is recorded by (`/me`).
    pub by: UserId,
}

/// Proves the Azure copy `shown` of the KMS key `key_id` with the pasted `text`. Steps: read
/// the JSON, check it is this copy's key and build Azure's SubjectPublicKeyInfo (another key,
/// vault or version, or an AES copy, refused before any request), pick the proof the private
/// key allows, have the KMS run it (`kms_public_key_check`: a temporary `byok-proof` object,
/// removed), ask `/me`, record the verdict on the copy as the KMS holds it now.
pub async fn prove_azure_copy(
    client: &KmsClient,
    key_id: &str,
    shown: &AzureCopy,
    text: &str,
    now: OffsetDateTime,
) -> Result<AzureProof, String> {
    let output = read_key_output(text)?;
    let (kind, spki_der) = shown.public_key_to_prove(&output)?;
    let attributes = objects::describe(client, key_id)
        .await
        .map_err(|e| format!("The KMS key could not be read: {e}"))?;
    let check = PublicKeyCheck {
        cloud: Cloud::Azure,
        method: public_key_proof(kind, attributes.usage_mask, Cloud::Azure)?,
        spki_der: &spki_der,
    };
    let challenge = random_bytes::<32>();
    let (verdict, removal) = kms_public_key_check(client, key_id, &check, &challenge, now).await?;
    let by = acting_user_or_say(client).await?;
    let record = |copy: &mut AzureCopy| copy.record_proof(&output, &verdict, now, &by);
    let copy = change_copy(client, key_id, shown, Some(&by), record).await?;
    Ok(AzureProof {
        copy,
        verdict,
        removal,
        by,
    })
}
