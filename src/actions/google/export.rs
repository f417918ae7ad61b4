//! Exporting a KMS key wrapped for a Google import job: re-read the key and the job's wrapping
//! key (one message), refuse what changed, what the tags lack and what Google refuses (expired
//! job, RSA/EC under a plain RSA-OAEP method, levels, algorithm), then the one wrapped Export.

use time::OffsetDateTime;

use crate::browser::now_utc;
use crate::client::KmsClient;
use crate::domain::aws::rules::check_states;
use crate::domain::google::algorithm::GoogleAlgorithm;
use crate::domain::google::command::ImportVersion;
use crate::domain::google::kek_tags::{StoredImportJob, read_google_job_tags};
use crate::domain::google::names::{IdKind, check_id};
use crate::domain::google::protection_level::ProtectionLevel;
use crate::domain::google::rules::plan_export;
use crate::domain::key_material::KeyMaterialSpec;
use crate::domain::ledger::sha256_hex;
use crate::domain::wrapping::WrappingAlgorithm;
use crate::kmip::{CryptographicAlgorithm, ObjectType};

use super::super::export::{ExportRefusal, Reread, export_blob, reread_key_and_kek};

/// What the user asked for beside the two ids.
#[derive(Clone, Debug, PartialEq)]
pub struct GoogleExportRequest {
    pub key_id: String,
    pub kek_id: String,
    /// The version's algorithm in Cloud KMS; `None`: the first that fits the key.
    pub algorithm: Option<GoogleAlgorithm>,
    /// The Cloud KMS key's protection level, when the user states it.
    pub key_level: Option<ProtectionLevel>,
}

/// The wrapped key and what it was made from.
#[derive(Clone, Debug, PartialEq)]
pub struct GoogleWrapped {
    pub key_id: String,
    pub kek_id: String,
    pub material: KeyMaterialSpec,
    pub job: StoredImportJob,
    /// The wrapping key's SHA-256 when its `kek_sha256:` tag says.
    pub kek_sha256: Option<String>,
    pub kek_bits: usize,
    /// The wrap the job's method needs.
    pub wrapping: WrappingAlgorithm,
    /// What the version becomes in Cloud KMS (`--algorithm`).
    pub algorithm: GoogleAlgorithm,
    /// Exactly the `--wrapped-key-file`.
    pub blob: Vec<u8>,
    /// SHA-256 of the blob, lower-case hex.
    pub sha256: String,
    /// The KMS id when it is also a valid Cloud KMS key id (the result's default key name).
    pub default_key_name: Option<String>,
}

impl GoogleWrapped {
    /// The wrapped-key file's name for a Cloud KMS key named `key_name`.
    pub fn file_name(key_name: &str) -> String {
        format!("{key_name}-wrapped-key.bin")
    }

    /// The `gcloud kms keys versions import` options for the key `key_name` of the job's key ring.
    pub fn import_options(&self, key_name: &str) -> Result<ImportVersion, String> {
        let key = self.job.name.key_ring().crypto_key(key_name.trim())?;
        Ok(ImportVersion {
            wrapped_key_file: Self::file_name(key.key()),
            key,
            job: self.job.name.clone(),
            algorithm: self.algorithm,
            target_version: None,
        })
    }
}

/// Checks everything at `now`, then exports the key wrapped for the stored import job.
pub async fn export_for_google_at(
    client: &KmsClient,
    request: &GoogleExportRequest,
    now: OffsetDateTime,
) -> Result<GoogleWrapped, ExportRefusal> {
    let (key_id, kek_id) = (request.key_id.as_str(), request.kek_id.as_str());
    let Reread { key, material, kek } = reread_key_and_kek(client, key_id, kek_id).await?;
    if kek.object_type != Some(ObjectType::PublicKey)
        || kek.algorithm != Some(CryptographicAlgorithm::Rsa)
    {
        return Err(ExportRefusal::Rule(format!(
            "{kek_id} is not an RSA public key, so it cannot be an import job's wrapping key: choose a job imported on the Google import page."
        )));
    }
    let tags = read_google_job_tags(&kek.tags);
    let job = tags.job_for_export(kek_id).map_err(ExportRefusal::Rule)?;
    job.check_usable_at(kek_id, now)
        .map_err(ExportRefusal::Rule)?;
    check_states(key.state.as_ref(), kek.state.as_ref()).map_err(ExportRefusal::Rule)?;
    let kek_bits = kek.length_bits.unwrap_or_default() as usize;
    let algorithm = plan_export(
        material,
        job.method,
        kek_bits,
        job.protection_level.as_ref(),
        request.key_level.as_ref(),
        request.algorithm,
    )
    .map_err(ExportRefusal::Rule)?;
    let wrapping = job.method.wrapping_algorithm();
    let blob = export_blob(client, &key, &kek, wrapping).await?;
    // One RSA block (plain RSA-OAEP) or one RSA block then the key wrap: else Google refuses it.
    let block = kek_bits / 8;
    let fits = if job.method.is_key_wrap() {
        blob.len() > block && (blob.len() - block).is_multiple_of(8)
    } else {
        blob.len() == block
    };
    if !fits {
        return Err(ExportRefusal::Rule(format!(
            "The KMS returned {} bytes, not what {} gives for an RSA {kek_bits}-bit key, so Google would refuse it: check the KMS version, then export again.",
            blob.len(),
            job.method.gcloud_name()
        )));
    }
    let key_id = key.unique_identifier;
    Ok(GoogleWrapped {
        default_key_name: check_id(IdKind::CryptoKey, &key_id)
            .is_ok()
            .then(|| key_id.clone()),
        key_id,
        kek_id: kek.unique_identifier,
        material,
        job,
        kek_sha256: tags.sha256,
        kek_bits,
        wrapping,
        algorithm,
        sha256: sha256_hex(&blob),
        blob,
    })
}

/// [`export_for_google_at`] now.
pub async fn export_for_google(
    client: &KmsClient,
    request: &GoogleExportRequest,
) -> Result<GoogleWrapped, ExportRefusal> {
    export_for_google_at(client, request, now_utc()).await
}
