//! The guided flow's one click as a use case: create (or reuse) the key material,
//! import the wrapping key, export the material wrapped by it — no UI, no storage.

use super::create_key::{CreateKeyPlan, create_key_material};
use super::export::{WrappedKeyMaterial, export_wrapped_key_material};
use super::import_kek::{ImportKekOutcome, ImportKekPlan, import_kek};
use crate::client::KmsClient;
use crate::domain::guided::GuidedPlan;

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
    pub import_token: Option<Vec<u8>>,
}

/// Creates the material when the plan names none (telling `on_created` at
/// once, so a run that stops later never makes a second one), imports the KEK
/// (the KMS keeps one already there), then exports the material wrapped by it.
pub async fn run_guided(
    client: &KmsClient,
    plan: &GuidedPlan,
    on_created: impl FnOnce(&str),
) -> Result<GuidedOutcome, String> {
    let mut key_id = plan.key_id.clone();
    let created = key_id.is_empty();
    if created {
        key_id = create_key_material(
            client,
            &CreateKeyPlan {
                spec: plan.spec,
                usage: plan.usage,
                id: String::new(),
                tags: vec!["byok".to_owned()],
                sensitive: false,
            },
        )
        .await
        .map_err(|e| format!("Creating the key material failed: {e}"))?
        .key_id;
        on_created(&key_id);
    }
    let kek = ImportKekPlan {
        kms_id: plan.kek.stable_kms_id(plan.algorithm),
        key: plan.kek.clone(),
        algorithm: plan.algorithm,
        key_arn: plan.key_arn.clone(),
        parameters_valid_to: plan.parameters_valid_to,
        replace: false,
    };
    let (kek_id, imported) = match import_kek(client, &kek)
        .await
        .map_err(|e| format!("Importing the wrapping key failed: {e}"))?
    {
        ImportKekOutcome::Imported(object) => (object.unique_identifier, true),
        ImportKekOutcome::AlreadyExists(object) => (object.unique_identifier, false),
    };
    let wrapped = export_wrapped_key_material(client, &key_id, &kek_id)
        .await
        .map_err(|e| format!("Exporting the key material failed: {e}"))?;
    Ok(GuidedOutcome {
        created,
        imported,
        wrapped,
        import_token: imported.then(|| plan.token.clone()),
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
                kek_spec: crate::domain::wrapping_key_spec::WrappingKeySpec::Rsa4096,
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
