//! The KMS's half of proving a cloud holds the same material, with no key reaching
//! the browser: its KMIP MAC, and its check of a cloud's public key against the private key.

use time::OffsetDateTime;

use crate::actions::objects;
use crate::browser::random_bytes;
use crate::client::{KmsClient, RequestError};
use crate::domain::cloud::Cloud;
use crate::domain::ledger::{PublicKeyProof, Sameness};
use crate::kmip::{self, ImportPublicKeyRequest, KeyAttributes, UsageMask};

/// The KMS's MAC of `data` with the HMAC key `key_id` (the hash is the key's
/// own HMAC algorithm); the key never leaves the KMS.
pub async fn compute_mac(
    client: &KmsClient,
    key_id: &str,
    data: &[u8],
) -> Result<Vec<u8>, RequestError> {
    let reply = client.kmip(&kmip::mac(key_id, None, data)).await?;
    Ok(kmip::parse_mac(&reply)?)
}

/// The tag on every temporary public key a proof imports, so that leftovers
/// (a removal that failed) can be found with a Locate.
pub const PROOF_TAG: &str = "byok-proof";

/// The KMS's refusal of a decryption under the wrong key (OAEP decoding error).
fn is_crypto_failure(e: &RequestError) -> bool {
    matches!(e, RequestError::Refused { reason, .. } if reason.contains("Cryptographic_Failure"))
}

/// What the KMS checks against the private key: a cloud's public key and how.
#[derive(Clone, Copy, Debug)]
pub struct PublicKeyCheck<'a> {
    /// The cloud that showed the public key (named in every message).
    pub cloud: Cloud,
    /// Sign-and-verify or encrypt-and-decrypt, as the private key allows.
    pub method: PublicKeyProof,
    /// The cloud's public key, as a SubjectPublicKeyInfo DER.
    pub spki_der: &'a [u8],
}

/// Has the KMS check that `check.spki_der` (the cloud's public key: AWS's get-public-key,
/// Azure's JWK) is the pair of the private key `key_id`, with the random `challenge`: the
/// public key is imported as a temporary object (`byok-proof-<random>`, tagged
/// [`PROOF_TAG`]), used once, then revoked and removed, whatever happened.
/// No key reaches the browser: only the challenge, a ciphertext or a
/// signature and the verdict do. `Ok` carries the verdict and, if the
/// temporary object could not be removed, a sentence saying so.
pub async fn kms_public_key_check(
    client: &KmsClient,
    key_id: &str,
    check: &PublicKeyCheck<'_>,
    challenge: &[u8],
    now: OffsetDateTime,
) -> Result<(Sameness, Option<String>), String> {
    let cloud = check.cloud.name();
    let vendor_id = client
        .vendor_id()
        .await
        .map_err(|e| format!("The KMS could not be asked for its vendor id: {e}"))?;
    let temporary = format!("byok-proof-{}", hex::encode(random_bytes::<8>()));
    let request = ImportPublicKeyRequest {
        spki_der: check.spki_der.to_vec(),
        replace_existing: false,
        attributes: KeyAttributes {
            unique_identifier: Some(temporary.clone()),
            activation_date: now - time::Duration::minutes(1),
            usage_mask: UsageMask::ENCRYPT.union(UsageMask::VERIFY),
            tags: vec![PROOF_TAG.to_owned()],
            vendor_id,
            sensitive: false,
        },
    };
    client
        .kmip(&kmip::import_public_key(&request))
        .await
        .and_then(|reply| Ok(kmip::parse_import(&reply)?))
        .map_err(|e| format!("The KMS did not take {cloud}'s public key for the check: {e}"))?;
    let verdict = run_public_key_check(client, key_id, &temporary, check, challenge).await;
    let removal = remove_temporary(client, &temporary).await.err().map(|e| {
        format!(
            "The temporary copy of {cloud}'s public key ({temporary}, tagged {PROOF_TAG}) could not be removed from the KMS: {e} Remove it by hand."
        )
    });
    match verdict {
        Ok(verdict) => Ok((verdict, removal)),
        Err(e) => Err(match removal {
            Some(r) => format!("{e} {r}"),
            None => e,
        }),
    }
}

async fn run_public_key_check(
    client: &KmsClient,
    key_id: &str,
    temporary: &str,
    check: &PublicKeyCheck<'_>,
    challenge: &[u8],
) -> Result<Sameness, String> {
    let cloud = check.cloud.name();
    match check.method {
        PublicKeyProof::Decrypt => {
            let ciphertext = client
                .kmip(&kmip::encrypt_rsa_oaep_sha256(temporary, challenge))
                .await
                .and_then(|reply| Ok(kmip::parse_encrypt(&reply)?))
                .map_err(|e| format!("The KMS could not encrypt with {cloud}'s public key: {e}"))?;
            match client
                .kmip(&kmip::decrypt_rsa_oaep_sha256(key_id, &ciphertext))
                .await
                .and_then(|reply| Ok(kmip::parse_decrypt(&reply)?))
            {
                Ok(plain) if plain == challenge => Ok(Sameness::Same),
                Ok(_) => Ok(Sameness::Different(format!(
                    "The KMS private key decrypted what {cloud}'s public key encrypted to other bytes: {cloud} holds another key pair."
                ))),
                Err(e) if is_crypto_failure(&e) => Ok(Sameness::Different(format!(
                    "The KMS private key cannot decrypt what {cloud}'s public key encrypted: {cloud} holds another key pair."
                ))),
                Err(e) => Err(format!("The KMS could not decrypt with this key: {e}")),
            }
        }
        PublicKeyProof::Sign(algorithm) => {
            let signature = client
                .kmip(&kmip::sign(key_id, algorithm, challenge))
                .await
                .and_then(|reply| Ok(kmip::parse_sign(&reply)?))
                .map_err(|e| format!("The KMS could not sign with this key: {e}"))?;
            match client
                .kmip(&kmip::signature_verify(
                    temporary, algorithm, challenge, &signature,
                ))
                .await
                .and_then(|reply| Ok(kmip::parse_signature_verify(&reply)?))
            {
                Ok(true) => Ok(Sameness::Same),
                Ok(false) => Ok(Sameness::Different(format!(
                    "{cloud}'s public key does not verify the KMS key's signature: {cloud} holds another key pair."
                ))),
                Err(e) if is_crypto_failure(&e) => Ok(Sameness::Different(format!(
                    "{cloud}'s public key cannot verify the KMS key's signature ({e}): {cloud} holds another key pair."
                ))),
                Err(e) => Err(format!(
                    "The KMS could not verify with {cloud}'s public key: {e}"
                )),
            }
        }
    }
}

/// Revoke, then Destroy with Remove.
async fn remove_temporary(client: &KmsClient, id: &str) -> Result<(), RequestError> {
    client
        .kmip(&kmip::revoke(id))
        .await
        .and_then(|reply| Ok(kmip::parse_revoke_or_destroy(&reply)?))?;
    client
        .kmip(&kmip::destroy_and_remove(id))
        .await
        .and_then(|reply| Ok(kmip::parse_revoke_or_destroy(&reply)?))?;
    objects::forget(client, id);
    Ok(())
}
