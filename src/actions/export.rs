//! Exporting key material wrapped by an AWS KEK: re-read both objects as they are at the click
//! (beside the Export right), refuse what changed since listed, apply AWS's rules, then one Export.

use futures_util::future::join;

use crate::client::{KmsClient, RequestError};
use crate::domain::account::export_not_granted;
use crate::domain::aws::arn::AwsKeyArn;
use crate::domain::aws::kek_tags::{KEY_ARN_TAG_PREFIX, read_kek_tags};
use crate::domain::aws::rules::{check_states, check_wrapping};
use crate::domain::aws::wrapping_key_spec::WrappingKeySpec;
use crate::domain::key_material::KeyMaterialSpec;
use crate::domain::source_key_health::extractable_refusal;
use crate::domain::wrapping::WrappingAlgorithm;
use crate::kmip::{
    self, CryptographicAlgorithm, ExportWrappedRequest, ObjectAttributes, ObjectType,
};

use crate::domain::changes::changes_since_listed;

use super::objects::{as_listed, describe_many, found};

/// The wrapped key material and what it was made from.
#[derive(Clone, Debug, PartialEq)]
pub struct WrappedKeyMaterial {
    pub key_id: String,
    pub kek_id: String,
    pub material: KeyMaterialSpec,
    pub algorithm: WrappingAlgorithm,
    pub kek_spec: WrappingKeySpec,
    /// From the KEK's `key_arn` tag, when it holds a valid ARN.
    pub key_arn: Option<AwsKeyArn>,
    /// From the KEK's `kek_sha256` tag (its DER's SHA-256, hex), when the import wrote it.
    pub kek_sha256: Option<String>,
    /// Exactly `EncryptedKeyMaterial.bin`.
    pub blob: Vec<u8>,
}

/// Why no blob was made.
#[derive(Clone, Debug, PartialEq)]
pub enum ExportRefusal {
    /// Refused here, before any export was sent.
    Rule(String),
    /// The key or the KEK changed since the page listed them (one line per change);
    /// nothing was sent, and the lists should be read again.
    Changed(Vec<String>),
    /// The server refused or could not be reached.
    Request(RequestError),
    /// The key is stored wrapped at rest and the KMS could not unwrap it first.
    StoredWrapped {
        key_id: String,
        wrapped_by: String,
        error: RequestError,
    },
}

impl std::fmt::Display for ExportRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.sentence("AWS"))
    }
}

impl ExportRefusal {
    /// The refusal in plain words for an export to `cloud` ("AWS", "Azure").
    pub fn sentence(&self, cloud: &str) -> String {
        match self {
            Self::Rule(message) => message.clone(),
            Self::Changed(changes) => format!(
                "Changed in the KMS since this page listed it, so nothing was exported: {}. \
                 The lists now show the keys as they are: check your choice and export again.",
                changes.join("; ")
            ),
            Self::StoredWrapped {
                key_id,
                wrapped_by,
                error,
            } => format!(
                "{key_id} is stored wrapped by {wrapped_by} in this KMS, which must unwrap it before wrapping it for {cloud}, and could not: {error} \
                 Check that {wrapped_by} exists, is Active and may unwrap keys, or export a key stored in the clear."
            ),
            Self::Request(e) => {
                let hint = if e.is_not_found() {
                    " Check the ids: type the id of an existing key, or pick the key and the wrapping key from the lists.".to_owned()
                } else {
                    match e.status() {
                        Some(422) => " Likely cause: the wrapping key, its algorithm and the key material do not fit together, or one of them is not usable (state, id).".to_owned(),
                        Some(500) => format!(" Likely cause: the server could not wrap this material with this algorithm; check the {cloud} rules shown on this page."),
                        _ => String::new(),
                    }
                };
                format!("{e}{hint}")
            }
        }
    }
}

impl From<RequestError> for ExportRefusal {
    fn from(e: RequestError) -> Self {
        Self::Request(e)
    }
}

/// Checks everything, then exports `key_id` wrapped by `kek_id`.
pub async fn export_wrapped_key_material(
    client: &KmsClient,
    key_id: &str,
    kek_id: &str,
) -> Result<WrappedKeyMaterial, ExportRefusal> {
    let Reread { key, material, kek } = reread_key_and_kek(client, key_id, kek_id).await?;
    let tags = read_kek_tags(&kek.tags);
    if kek.object_type != Some(ObjectType::PublicKey)
        || kek.algorithm != Some(CryptographicAlgorithm::Rsa)
    {
        return Err(ExportRefusal::Rule(format!(
            "{kek_id} is not an RSA public key, so it cannot be an AWS wrapping key: choose a key imported on the import page."
        )));
    }
    if !tags.is_aws {
        return Err(ExportRefusal::Rule(format!(
            "{kek_id} is not tagged \"aws\": import the AWS wrapping key through the import page, which tags it with its algorithm."
        )));
    }
    let algorithm = tags
        .algorithm
        .map_err(|e| ExportRefusal::Rule(format!("{kek_id}: {e}")))?
        .ok_or_else(|| {
            ExportRefusal::Rule(format!(
                "{kek_id} has no wrapping_algorithm tag, so the algorithm AWS expects is unknown: re-import it on the import page and choose the algorithm."
            ))
        })?;
    check_states(key.state.as_ref(), kek.state.as_ref()).map_err(ExportRefusal::Rule)?;
    let key_arn = key_arn_of(kek_id, tags.key_arn.as_deref())?;
    let kek_bits = kek.length_bits.unwrap_or_default() as usize;
    let kek_spec = check_wrapping(
        material,
        algorithm,
        kek_bits,
        key_arn.as_ref().map(AwsKeyArn::partition),
    )
    .map_err(ExportRefusal::Rule)?;
    let blob = export_blob(client, &key, &kek, algorithm).await?;
    Ok(WrappedKeyMaterial {
        key_id: key.unique_identifier,
        kek_id: kek.unique_identifier,
        material,
        algorithm,
        kek_spec,
        key_arn,
        kek_sha256: tags.sha256.clone(),
        blob,
    })
}

/// The key and the KEK as the KMS holds them at the click, and the key's material.
pub struct Reread {
    pub key: ObjectAttributes,
    pub material: KeyMaterialSpec,
    pub kek: ObjectAttributes,
}

/// Re-reads both objects in one message and refuses what is missing or changed since the page
/// listed it; the export waits for this check (the server cannot make an item depend on what
/// an earlier one read). Shared by every cloud's export.
pub async fn reread_key_and_kek(
    client: &KmsClient,
    key_id: &str,
    kek_id: &str,
) -> Result<Reread, ExportRefusal> {
    // What the page showed, then what the KMS holds now: the export acts on the latter.
    let (key_listed, kek_listed) = (as_listed(client, key_id), as_listed(client, kek_id));
    // Both reads at once (neither writes); the right is judged first.
    let ids = [key_id.to_owned(), kek_id.to_owned()];
    let (right, described) = join(
        check_export_right(client, key_id),
        describe_many(client, &ids),
    )
    .await;
    right?;
    let [key, kek]: [Result<_, RequestError>; 2] = described?.try_into().map_err(|_| {
        ExportRefusal::Request(RequestError::Protocol(kmip::ProtocolError(
            "the re-read of the key and the KEK did not answer for both".to_owned(),
        )))
    })?;
    let key = found(key)?.ok_or_else(|| {
        ExportRefusal::Rule(format!(
            "There is no object {key_id} in this KMS: type the id of an existing key, or pick it from the list."
        ))
    })?;
    let material = KeyMaterialSpec::from_attributes(&key).map_err(ExportRefusal::Rule)?;
    let kek = found(kek)?.ok_or_else(|| {
        ExportRefusal::Rule(format!(
            "There is no object {kek_id} in this KMS: pick a wrapping key from the list, or import it on the import page."
        ))
    })?;
    let changes: Vec<String> = [(key_id, key_listed, &key), (kek_id, kek_listed, &kek)]
        .into_iter()
        .flat_map(|(id, listed, now)| {
            listed
                .map(|listed| changes_since_listed(&listed, now))
                .unwrap_or_default()
                .into_iter()
                .map(move |change| format!("{id}: {change}"))
        })
        .collect();
    if !changes.is_empty() {
        return Err(ExportRefusal::Changed(changes));
    }
    // Not extractable any more: the Export would be refused; said first (states are each
    // cloud's rules').
    if let Some(why) = extractable_refusal(&key) {
        return Err(ExportRefusal::Rule(why));
    }
    Ok(Reread { key, material, kek })
}

/// Refuses a key shared with this user without the Export right before anything is exported
/// (`/access/obtained`); when that list cannot be read, the KMS decides at the Export.
async fn check_export_right(client: &KmsClient, key_id: &str) -> Result<(), ExportRefusal> {
    let Ok(shared) = client.shared_with_me().await else {
        return Ok(());
    };
    match shared.iter().find(|s| s.object_id == key_id) {
        Some(s) if !s.operations.iter().any(|op| op == "export") => {
            Err(ExportRefusal::Rule(export_not_granted(s)))
        }
        _ => Ok(()),
    }
}

/// The one wrapped Export of `key` under `kek` with `algorithm`: the blob the server wrapped.
pub async fn export_blob(
    client: &KmsClient,
    key: &ObjectAttributes,
    kek: &ObjectAttributes,
    algorithm: WrappingAlgorithm,
) -> Result<Vec<u8>, ExportRefusal> {
    let reply = client
        .kmip(&kmip::export_wrapped(&ExportWrappedRequest {
            key_id: key.unique_identifier.clone(),
            kek_id: kek.unique_identifier.clone(),
            parameters: algorithm.kmip_parameters(),
        }))
        .await
        .map_err(|error| match (&key.stored_wrapped_by, error.status()) {
            (Some(wrapped_by), Some(_)) => ExportRefusal::StoredWrapped {
                key_id: key.unique_identifier.clone(),
                wrapped_by: wrapped_by.clone(),
                error,
            },
            _ => ExportRefusal::Request(error),
        })?;
    Ok(kmip::parse_export_wrapped(&reply).map_err(RequestError::from)?)
}

/// The AWS key ARN of `kek_id`'s `key_arn` tag, if it has one; a tag that
/// holds no ARN is refused, as an unknown algorithm tag is (never dropped).
fn key_arn_of(kek_id: &str, tag: Option<&str>) -> Result<Option<AwsKeyArn>, ExportRefusal> {
    tag.map(|arn| {
        AwsKeyArn::parse(arn).map_err(|e| {
            ExportRefusal::Rule(format!(
                "{kek_id}: the tag \"{KEY_ARN_TAG_PREFIX}{arn}\" holds no AWS key ARN: {e} \
                 Re-import the KEK on the import page with the AWS key's ARN."
            ))
        })
    })
    .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unreadable_key_arn_tag_is_refused_not_dropped() {
        const ARN: &str =
            "arn:aws:kms:eu-west-3:111122223333:key/350e35ef-ac51-4dbb-82a4-9bc50b0ea42b";
        assert_eq!(key_arn_of("kek-1", None), Ok(None));
        assert_eq!(
            key_arn_of("kek-1", Some(ARN)).map(|arn| arn.map(|a| a.to_string())),
            Ok(Some(ARN.to_owned()))
        );
        let Err(ExportRefusal::Rule(message)) = key_arn_of("kek-1", Some("arn:aws:s3:::bucket"))
        else {
            panic!("a key_arn tag that holds no key ARN must be refused");
        };
        assert!(
            message.starts_with(
                "kek-1: the tag \"key_arn:arn:aws:s3:::bucket\" holds no AWS key ARN: "
            ),
            "{message}"
        );
        assert!(message.ends_with("with the AWS key's ARN."), "{message}");
    }

    #[test]
    fn a_missing_object_gets_the_not_found_hint_not_the_fit_hint() {
        let refusal = ExportRefusal::Request(RequestError::Refused {
            status: 422,
            reason: "Object_Not_Found: kek-y".into(),
        });
        let text = refusal.to_string();
        assert!(text.contains("Check the ids"), "{text}");
        assert!(!text.contains("Likely cause"), "{text}");
        let other = ExportRefusal::Request(RequestError::Refused {
            status: 422,
            reason: "Not Supported: wrapping".into(),
        });
        assert!(other.to_string().contains("Likely cause"));
    }

    #[test]
    fn a_change_names_every_difference_and_what_to_do() {
        let text = ExportRefusal::Changed(vec![
            "kek-x: wrapping algorithm RSAES_OAEP_SHA_256 → RSAES_OAEP_SHA_1".into(),
            "kek-x: size 2048 bits → 4096 bits".into(),
        ])
        .to_string();
        assert_eq!(
            text,
            "Changed in the KMS since this page listed it, so nothing was exported: \
             kek-x: wrapping algorithm RSAES_OAEP_SHA_256 → RSAES_OAEP_SHA_1; kek-x: size 2048 bits → 4096 bits. \
             The lists now show the keys as they are: check your choice and export again."
        );
    }
}
