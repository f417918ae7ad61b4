//! The Azure and Google guided flows' step 3: the pasted KEK or import job into the KMS through
//! each cloud's import action, or the one the KMS already holds for it, so step 5 has a KEK id.
//! No UI, no storage: the page keeps the id.

use crate::client::KmsClient;
use crate::domain::azure::kek::AzureKek;
use crate::domain::google::import_job::ImportJob;

use super::azure::import_kek::{ImportAzureKekPlan, ImportAzureOnce, import_azure_kek_once};
use super::google::import_job::{ImportGoogleJobPlan, ImportGoogleOnce, import_google_job_once};
use super::import_kek::ImportKekOutcome;

/// The KEK step 5 wraps under, and how step 3 got it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KekInKms {
    pub id: String,
    /// Imported by this click (else the KMS already held it).
    pub imported: bool,
}

impl KekInKms {
    /// Step 3's account, in the past tense.
    pub fn done_line(&self) -> String {
        if self.imported {
            format!("Imported into the KMS as {}.", self.id)
        } else {
            format!(
                "The KMS already holds it as {} (same key, same name): nothing imported again, it is used.",
                self.id
            )
        }
    }
}

/// One stored id, or the import's own result (the KMS picks the id, so none is ever taken).
fn kek_in_kms(stored: Option<String>, done: Option<ImportKekOutcome>) -> Result<KekInKms, String> {
    match (stored, done) {
        (Some(id), _) => Ok(KekInKms {
            id,
            imported: false,
        }),
        (None, Some(ImportKekOutcome::Imported(object))) => Ok(KekInKms {
            id: object.unique_identifier,
            imported: true,
        }),
        (None, Some(ImportKekOutcome::AlreadyExists(object))) => Err(format!(
            "The KMS refused the import: {} already exists. Nothing was changed; try again.",
            object.unique_identifier
        )),
        (None, None) => Err("The import returned nothing: try again.".to_owned()),
    }
}

/// The Azure KEK in the KMS: the one stored for its kid, else imported with the CLI's tags.
pub async fn azure_kek_in_kms(client: &KmsClient, kek: AzureKek) -> Result<KekInKms, String> {
    let plan = ImportAzureKekPlan {
        kek,
        kms_id: None,
        replace: false,
    };
    match import_azure_kek_once(client, &plan)
        .await
        .map_err(|e| format!("Importing the Azure KEK failed: {e}"))?
    {
        ImportAzureOnce::AlreadyStored(found) => {
            kek_in_kms(found.into_iter().next().map(|f| f.id), None)
        }
        ImportAzureOnce::Done(done) => kek_in_kms(None, Some(*done)),
    }
}

/// The import job's wrapping key in the KMS: the one stored for the job, else imported with
/// its tags.
pub async fn google_job_in_kms(client: &KmsClient, job: ImportJob) -> Result<KekInKms, String> {
    let plan = ImportGoogleJobPlan {
        job,
        kms_id: None,
        replace: false,
    };
    match import_google_job_once(client, &plan)
        .await
        .map_err(|e| format!("Importing the import job's wrapping key failed: {e}"))?
    {
        ImportGoogleOnce::AlreadyStored(found) => {
            kek_in_kms(found.into_iter().next().map(|f| f.id), None)
        }
        ImportGoogleOnce::Done(done) => kek_in_kms(None, Some(*done)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kmip::ObjectAttributes;

    fn object(id: &str) -> ObjectAttributes {
        ObjectAttributes {
            unique_identifier: id.to_owned(),
            ..Default::default()
        }
    }

    #[test]
    fn a_stored_kek_is_used_an_imported_one_named_a_taken_id_refused() {
        let stored = kek_in_kms(Some("kek-1".into()), None).unwrap();
        assert!(!stored.imported);
        assert!(
            stored
                .done_line()
                .starts_with("The KMS already holds it as kek-1")
        );
        let imported = kek_in_kms(None, Some(ImportKekOutcome::Imported(object("kek-2")))).unwrap();
        assert_eq!(imported.done_line(), "Imported into the KMS as kek-2.");
        assert!(
            kek_in_kms(None, Some(ImportKekOutcome::AlreadyExists(object("x"))))
                .unwrap_err()
                .contains("x already exists")
        );
    }
}
