//! Importing an Azure KEK (checked by `domain::azure::kek` before anything is sent) in one
//! Import with the Cosmian CLI's tags (`azure`, `kid:<kid>`) and its fingerprint; a KEK already
//! stored for the same kid is offered instead, a taken id is never overwritten unasked.

use crate::client::{KmsClient, RequestError};
use crate::domain::azure::kek::AzureKek;
use crate::domain::azure::kek_tags::{SameAzureKek, azure_kek_tags, same_azure_kek};
use crate::domain::kms_id::KmsId;

use super::super::import_kek::{ImportKekOutcome, import_tagged_kek};
use super::keks::{StoredAzureKek, list_azure_keks};

/// Everything the import needs, already validated.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportAzureKekPlan {
    pub kek: AzureKek,
    /// The id to import it under; `None`: the server picks a UUID.
    pub kms_id: Option<KmsId>,
    /// The user agreed to overwrite the object with this id.
    pub replace: bool,
}

/// A stored KEK that is, or may be, the one the plan would import.
#[derive(Clone, Debug, PartialEq)]
pub struct AlreadyStoredAzure {
    pub id: String,
    pub same: SameAzureKek,
}

/// What a click on Import did.
#[derive(Clone, Debug, PartialEq)]
pub enum ImportAzureOnce {
    /// Nothing sent: a KEK for this kid is (or may be) in the KMS already.
    AlreadyStored(Vec<AlreadyStoredAzure>),
    /// Sent (boxed: the attributes are large next to a list of ids).
    Done(Box<ImportKekOutcome>),
}

/// The stored KEKs the plan would import again: the certain ones when there are any.
pub fn already_stored(keks: &[StoredAzureKek], kek: &AzureKek) -> Vec<AlreadyStoredAzure> {
    let mut found: Vec<AlreadyStoredAzure> = keks
        .iter()
        .filter_map(|stored| {
            same_azure_kek(&stored.tags, kek).map(|same| AlreadyStoredAzure {
                id: stored.id().to_owned(),
                same,
            })
        })
        .collect();
    if found.iter().any(|f| f.same == SameAzureKek::Certainly) {
        found.retain(|f| f.same == SameAzureKek::Certainly);
    }
    found.sort_by(|a, b| a.id.cmp(&b.id));
    found
}

/// Imports the KEK with its tags (no look at what is stored).
pub async fn import_azure_kek(
    client: &KmsClient,
    plan: &ImportAzureKekPlan,
) -> Result<ImportKekOutcome, RequestError> {
    import_tagged_kek(
        client,
        &plan.kek.key,
        plan.kms_id.as_ref(),
        plan.replace,
        azure_kek_tags(&plan.kek),
    )
    .await
}

/// Lists the Azure KEKs first: when one already is this KEK, it is offered and nothing is sent.
pub async fn import_azure_kek_once(
    client: &KmsClient,
    plan: &ImportAzureKekPlan,
) -> Result<ImportAzureOnce, RequestError> {
    let found = already_stored(&list_azure_keks(client).await?.keks, &plan.kek);
    if !found.is_empty() {
        return Ok(ImportAzureOnce::AlreadyStored(found));
    }
    Ok(ImportAzureOnce::Done(Box::new(
        import_azure_kek(client, plan).await?,
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::azure::kek::parse_kek;
    use crate::kmip::ObjectAttributes;

    const KID: &str =
        "https://contosokv.vault.azure.net/keys/KEKforBYOK/664f5aa2797a4075b8e36ca4500636d8";

    fn kek() -> AzureKek {
        let pem = include_str!("../../../tests/fixtures/rsa4096.spki.pem");
        parse_kek(pem, Some(KID)).unwrap()
    }

    fn stored(id: &str, tags: Vec<String>) -> StoredAzureKek {
        StoredAzureKek::of(ObjectAttributes {
            unique_identifier: id.to_owned(),
            tags,
            ..Default::default()
        })
    }

    fn found(keks: &[StoredAzureKek]) -> Vec<(String, SameAzureKek)> {
        already_stored(keks, &kek())
            .into_iter()
            .map(|f| (f.id, f.same))
            .collect()
    }

    #[test]
    fn ours_is_certain_a_cli_one_only_likely_and_a_certain_one_wins() {
        let ours = stored("ours", azure_kek_tags(&kek()));
        let cli = stored("cli", vec!["azure".into(), format!("kid:{KID}")]);
        let other = stored(
            "other",
            vec![
                "azure".into(),
                format!("kid:{}", KID.replace("664f5aa2", "00000000")),
            ],
        );
        assert_eq!(
            found(&[cli.clone(), other.clone()]),
            [("cli".to_owned(), SameAzureKek::Possibly)]
        );
        assert_eq!(
            found(&[cli, ours, other.clone()]),
            [("ours".to_owned(), SameAzureKek::Certainly)]
        );
        assert_eq!(found(&[other]), []);
    }
}
