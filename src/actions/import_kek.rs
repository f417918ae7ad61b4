//! Importing an AWS wrapping key in one Import with the CLI's tags and its
//! fingerprint; a key already listed is offered instead, a taken id is never overwritten unasked.

use time::OffsetDateTime;

use crate::browser::now_utc;
use crate::client::{KmsClient, RequestError};
use crate::domain::aws::arn::AwsKeyArn;
use crate::domain::aws::kek_tags::{
    KEY_ARN_TAG_PREFIX, KekToImport, SameKek, fingerprint_tag, kek_tags, parameters_valid_to_tag,
    same_kek,
};
use crate::domain::expiry_day::DayWindow;
use crate::domain::kms_id::KmsId;
use crate::domain::wrapping::WrappingAlgorithm;
use crate::domain::wrapping_key::WrappingPublicKey;
use crate::kmip::{
    self, CryptographicAlgorithm, ImportPublicKeyRequest, KeyAttributes, ObjectAttributes,
    ObjectType, UsageMask,
};

use super::objects::{self, StoredKek, list_keks_tagged};

/// Everything the import needs, already validated.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportKekPlan {
    pub key: WrappingPublicKey,
    pub algorithm: WrappingAlgorithm,
    pub key_arn: Option<AwsKeyArn>,
    /// The id to import it under; `None`: the server picks a UUID.
    pub kms_id: Option<KmsId>,
    /// The user agreed to overwrite the object with this id.
    pub replace: bool,
    /// When AWS's import parameters stop being valid, when the paste said so
    /// (recorded as a tag; a key file alone leaves it unknown).
    pub parameters_valid_to: Option<OffsetDateTime>,
}

impl ImportKekPlan {
    /// The KEK under its stable id (`aws-kek-<algorithm>-<SHA-256 prefix>`), as
    /// the guided flow and the runbooks import it: importing the same key again
    /// meets the first copy (`AlreadyExists`) instead of making a second one.
    pub fn under_stable_id(
        key: WrappingPublicKey,
        algorithm: WrappingAlgorithm,
        key_arn: Option<AwsKeyArn>,
        parameters_valid_to: Option<OffsetDateTime>,
    ) -> Self {
        // Letters, digits and '-': always a valid id (were it not, the KMS
        // would pick a UUID and only the reuse of the first copy would be lost).
        let kms_id = KmsId::parse(&key.stable_kms_id(algorithm)).ok();
        Self {
            key,
            algorithm,
            key_arn,
            kms_id,
            replace: false,
            parameters_valid_to,
        }
    }
}

/// What happened.
#[derive(Clone, Debug, PartialEq)]
pub enum ImportKekOutcome {
    /// Imported; the id the KMS gave it and what was imported.
    Imported(ObjectAttributes),
    /// Refused by the KMS: an object with this id exists and needs an explicit replace.
    AlreadyExists(ObjectAttributes),
}

pub async fn import_kek(
    client: &KmsClient,
    plan: &ImportKekPlan,
) -> Result<ImportKekOutcome, RequestError> {
    let mut tags = kek_tags(plan.algorithm, plan.key_arn.as_ref(), &plan.key);
    if let Some(valid_to) = plan.parameters_valid_to {
        tags.push(parameters_valid_to_tag(valid_to));
        tags.extend(DayWindow::AWS.tags(valid_to, now_utc()));
    }
    import_tagged_kek(client, &plan.key, plan.kms_id.as_ref(), plan.replace, tags).await
}

/// Imports a cloud's wrapping public key (usage WrapKey+Encrypt, active a minute ago) with
/// `tags`, in one Import; an id already taken is described and handed back unless `replace`.
pub async fn import_tagged_kek(
    client: &KmsClient,
    key: &WrappingPublicKey,
    kms_id: Option<&KmsId>,
    replace: bool,
    mut tags: Vec<String>,
) -> Result<ImportKekOutcome, RequestError> {
    let vendor_id = client.vendor_id().await?;
    let request = ImportPublicKeyRequest {
        spki_der: key.spki_der.clone(),
        replace_existing: replace,
        attributes: KeyAttributes {
            unique_identifier: kms_id.map(|id| id.as_str().to_owned()),
            // A minute in the past survives clock skew between browser and server.
            activation_date: now_utc() - time::Duration::minutes(1),
            usage_mask: UsageMask::WRAP_KEY.union(UsageMask::ENCRYPT),
            tags: tags.clone(),
            vendor_id,
            sensitive: false,
        },
    };
    let reply = client.kmip(&kmip::import_public_key(&request)).await;
    // ReplaceExisting=false: the server keeps what is there and says so.
    if let (Err(e), Some(id)) = (&reply, kms_id)
        && e.is_taken()
    {
        let existing = objects::describe(client, id.as_str()).await?;
        return Ok(ImportKekOutcome::AlreadyExists(existing));
    }
    let reply = reply?;
    let id = kmip::parse_import(&reply)?;
    objects::forget(client, &id);
    tags.sort();
    Ok(ImportKekOutcome::Imported(ObjectAttributes {
        unique_identifier: id,
        object_type: Some(ObjectType::PublicKey),
        algorithm: Some(CryptographicAlgorithm::Rsa),
        length_bits: Some(key.spec.bits() as i64),
        tags,
        ..Default::default()
    }))
}

/// A KEK in the KMS that is, or may be, the one the plan would import.
#[derive(Clone, Debug, PartialEq)]
pub struct AlreadyStored {
    pub id: String,
    pub same: SameKek,
}

/// The listed KEKs the plan would import again: the certain ones when there
/// are any, else those that may be the same.
pub fn already_stored(keks: &[StoredKek], plan: &ImportKekPlan) -> Vec<AlreadyStored> {
    let new = KekToImport {
        key: &plan.key,
        algorithm: plan.algorithm,
        key_arn: plan.key_arn.as_ref(),
    };
    let mut found: Vec<AlreadyStored> = keks
        .iter()
        .filter_map(|kek| {
            same_kek(&kek.tags, kek.attributes.length_bits, &new).map(|same| AlreadyStored {
                id: kek.attributes.unique_identifier.clone(),
                same,
            })
        })
        .collect();
    if found.iter().any(|f| f.same == SameKek::Certainly) {
        found.retain(|f| f.same == SameKek::Certainly);
    }
    found.sort_by(|a, b| a.id.cmp(&b.id));
    found.dedup_by(|a, b| a.id == b.id);
    found
}

/// What a click on Import did.
#[derive(Clone, Debug, PartialEq)]
pub enum ImportOnce {
    /// Nothing sent: this key is (or may be) in the KMS already.
    AlreadyStored(Vec<AlreadyStored>),
    /// Sent (boxed: the attributes are large next to a list of ids).
    Done(Box<ImportKekOutcome>),
}

/// The KEK described by `plan` from the KEKs the page listed (`None`: list them
/// now), unless one of them already is this key; then it is offered instead.
pub async fn import_kek_once(
    client: &KmsClient,
    plan: &ImportKekPlan,
    listed: Option<Vec<StoredKek>>,
) -> Result<ImportOnce, RequestError> {
    let listed = match listed {
        Some(listed) => listed,
        None => list_keks_tagged(client, &same_kek_tag(plan)).await?,
    };
    let found = already_stored(&listed, plan);
    if !found.is_empty() {
        return Ok(ImportOnce::AlreadyStored(found));
    }
    Ok(ImportOnce::Done(Box::new(import_kek(client, plan).await?)))
}

/// The one tag every stored KEK that may be this one carries (besides `aws`):
/// its ARN when the plan has one (the same KEK must name the same ARN), else
/// its fingerprint (without an ARN, only a fingerprint tells it): the Locate
/// finds the few candidates, never the whole list.
fn same_kek_tag(plan: &ImportKekPlan) -> String {
    match &plan.key_arn {
        Some(arn) => format!("{KEY_ARN_TAG_PREFIX}{arn}"),
        None => fingerprint_tag(&plan.key),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::aws::kek_tags::read_kek_tags;

    const ARN: &str = "arn:aws:kms:eu-west-3:447182645454:key/350e35ef-ac51-4dbb-82a4-9bc50b0ea42b";

    fn plan(byte: u8) -> ImportKekPlan {
        ImportKekPlan {
            key: WrappingPublicKey {
                spki_der: vec![byte; 300],
                spec: crate::domain::aws::wrapping_key_spec::WrappingKeySpec::Rsa2048,
            },
            algorithm: WrappingAlgorithm::RsaesOaepSha256,
            key_arn: Some(AwsKeyArn::parse(ARN).unwrap()),
            kms_id: None,
            replace: false,
            parameters_valid_to: None,
        }
    }

    fn stored(id: &str, tags: Vec<String>) -> StoredKek {
        StoredKek {
            tags: read_kek_tags(&tags),
            attributes: ObjectAttributes {
                unique_identifier: id.to_owned(),
                length_bits: Some(2048),
                tags,
                ..Default::default()
            },
        }
    }

    fn ours(id: &str, plan: &ImportKekPlan) -> StoredKek {
        stored(
            id,
            kek_tags(plan.algorithm, plan.key_arn.as_ref(), &plan.key),
        )
    }

    fn cli(id: &str) -> StoredKek {
        stored(
            id,
            vec![
                "aws".into(),
                WrappingAlgorithm::RsaesOaepSha256.tag(),
                format!("key_arn:{ARN}"),
            ],
        )
    }

    fn found(keks: &[StoredKek], plan: &ImportKekPlan) -> Vec<(String, SameKek)> {
        already_stored(keks, plan)
            .into_iter()
            .map(|f| (f.id, f.same))
            .collect()
    }

    #[test]
    fn a_repeated_import_finds_the_stored_copy_and_nothing_else() {
        let (one, two) = (plan(1), plan(2));
        let keks = [ours("b", &one), ours("other", &two), ours("a", &one)];
        assert_eq!(
            found(&keks, &one),
            [
                ("a".to_owned(), SameKek::Certainly),
                ("b".to_owned(), SameKek::Certainly)
            ]
        );
        assert_eq!(found(&[ours("other", &two)], &one), []);
        assert_eq!(found(&[], &one), []);
    }

    #[test]
    fn a_cli_kek_is_only_a_maybe_and_a_certain_match_wins() {
        let one = plan(1);
        assert_eq!(
            found(&[cli("cli")], &one),
            [("cli".to_owned(), SameKek::Possibly)]
        );
        assert_eq!(
            found(&[cli("cli"), ours("ours", &one)], &one),
            [("ours".to_owned(), SameKek::Certainly)]
        );
    }
}
