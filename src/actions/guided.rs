//! The guided flow's one click as a use case: create (or reuse) the key material,
//! import the wrapping key, export the material wrapped by it — no UI, no storage.

use time::OffsetDateTime;

use super::create_key::{CreateKeyPlan, create_key_material};
use super::export::{WrappedKeyMaterial, export_wrapped_key_material};
use super::import_kek::{ImportKekOutcome, ImportKekPlan, import_kek};
use crate::client::KmsClient;
use crate::domain::aws::guided::GuidedPlan;

/// What one run did, for step 5's account in the past tense.
#[derive(Clone, Debug, PartialEq)]
pub struct GuidedOutcome {
    /// This run created the key material (else it used an existing or earlier key).
    pub created: bool,
    /// This run imported the wrapping key (else the KMS already held it).
    pub imported: bool,
    pub wrapped: WrappedKeyMaterial,
    /// The import token of the wrapping key this run imported, for the page
    /// to keep beside it (the export result offers it).
    pub import_token: Option<ImportToken>,
}

/// AWS's import token that came with the wrapping key, and when its
/// parameters stop being valid if the paste said so (a file alone does not).
#[derive(Clone, Debug, PartialEq)]
pub struct ImportToken {
    pub token: Vec<u8>,
    pub valid_to: Option<OffsetDateTime>,
}

/// Creates the material when the plan names none (telling `on_created` at
/// once, so a run that stops later never makes a second one), imports the KEK
/// (the KMS keeps one already there), then exports the material wrapped by it.
pub async fn run_guided(
    client: &KmsClient,
    plan: &GuidedPlan,
    on_created: impl FnOnce(&str),
) -> Result<GuidedOutcome, String> {
    let (key_id, created) = match &plan.key_id {
        Some(key_id) => (key_id.clone(), false),
        None => {
            let key_id = create_material(client, plan).await?;
            on_created(&key_id);
            (key_id, true)
        }
    };
    let (kek_id, imported) = import_wrapping_key(client, plan).await?;
    let wrapped = export_wrapped_key_material(client, &key_id, &kek_id)
        .await
        .map_err(|e| format!("Exporting the key material failed: {e}"))?;
    Ok(GuidedOutcome {
        created,
        imported,
        wrapped,
        import_token: imported.then(|| ImportToken {
            token: plan.token.clone(),
            valid_to: plan.parameters_valid_to,
        }),
    })
}

/// New key material of the plan's spec and usage, tagged `byok`; its id.
async fn create_material(client: &KmsClient, plan: &GuidedPlan) -> Result<String, String> {
    let created = create_key_material(
        client,
        &CreateKeyPlan {
            spec: plan.spec,
            usage: plan.usage,
            id: None,
            tags: vec!["byok".to_owned()],
            sensitive: false,
        },
    )
    .await
    .map_err(|e| format!("Creating the key material failed: {e}"))?;
    Ok(created.key_id)
}

/// The plan's wrapping key under its stable id: its id, and whether this run
/// imported it (else the KMS already held it).
async fn import_wrapping_key(
    client: &KmsClient,
    plan: &GuidedPlan,
) -> Result<(String, bool), String> {
    let kek = ImportKekPlan::under_stable_id(
        plan.kek.clone(),
        plan.algorithm,
        plan.key_arn.clone(),
        plan.parameters_valid_to,
    );
    let outcome = import_kek(client, &kek)
        .await
        .map_err(|e| format!("Importing the wrapping key failed: {e}"))?;
    Ok(match outcome {
        ImportKekOutcome::Imported(object) => (object.unique_identifier, true),
        ImportKekOutcome::AlreadyExists(object) => (object.unique_identifier, false),
    })
}

impl GuidedOutcome {
    /// "created …;", "imported the wrapping key as …;", "exported ….": what was done.
    pub fn done_lines(&self) -> Vec<String> {
        let w = &self.wrapped;
        let material = if self.created {
            format!(
                "created {} key material ({}) as {};",
                w.material.aws_spec(),
                w.material,
                w.key_id
            )
        } else {
            format!("used the key {} ({});", w.key_id, w.material)
        };
        let kek = if self.imported {
            format!(
                "imported the wrapping key ({}) as {}, tagged aws, {};",
                w.kek_spec,
                w.kek_id,
                w.algorithm.tag()
            )
        } else {
            format!(
                "found the wrapping key ({}) already imported as {};",
                w.kek_spec, w.kek_id
            )
        };
        vec![
            material,
            kek,
            format!(
                "exported the key material wrapped with {}: EncryptedKeyMaterial.bin below.",
                w.algorithm
            ),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::key_material::KeyMaterialSpec;
    use crate::domain::wrapping::WrappingAlgorithm;

    #[test]
    fn the_account_says_what_this_run_did() {
        let outcome = GuidedOutcome {
            created: true,
            imported: false,
            wrapped: WrappedKeyMaterial {
                key_id: "aes-1".into(),
                kek_id: "kek-1".into(),
                material: KeyMaterialSpec::Aes { bits: 256 },
                algorithm: WrappingAlgorithm::RsaesOaepSha256,
                kek_spec: crate::domain::aws::wrapping_key_spec::WrappingKeySpec::Rsa4096,
                key_arn: None,
                kek_sha256: None,
                blob: vec![0; 40],
            },
            import_token: None,
        };
        assert_eq!(
            outcome.done_lines(),
            vec![
                "created SYMMETRIC_DEFAULT key material (AES-256 key) as aes-1;",
                "found the wrapping key (RSA_4096) already imported as kek-1;",
                "exported the key material wrapped with RSAES_OAEP_SHA_256: EncryptedKeyMaterial.bin below.",
            ]
        );
    }
}
