//! The gcloud commands handed over for a Google Cloud KMS import (create and
//! describe the import job, create the key, import and describe the version).
//!
//! Flags as gcloud's reference names them (`gcloud kms import-jobs create`,
//! `keys create`, `keys versions import`: `--wrapped-key-file` for material
//! wrapped beforehand, `--version` to re-import into an existing version).
//! Every command names its project, location and key ring, so it acts on the
//! resource it shows whatever gcloud's default project is.

use crate::domain::cli::{CliCommand, shell_quote};
use crate::domain::google::algorithm::GoogleAlgorithm;
use crate::domain::google::import_method::ImportMethod;
use crate::domain::google::names::{
    CryptoKeyName, CryptoKeyVersionName, ImportJobName, KeyRingName,
};
use crate::domain::google::protection_level::ProtectionLevel;

/// `--location … --keyring … --project …`: where every resource lives.
fn ring_flags(ring: &KeyRingName) -> [String; 3] {
    [
        format!("--location {}", shell_quote(ring.location())),
        format!("--keyring {}", shell_quote(ring.key_ring())),
        format!("--project {}", shell_quote(ring.project())),
    ]
}

/// `gcloud kms import-jobs create`: a job whose wrapping key the KMS wraps for.
pub fn create_import_job(
    job: &ImportJobName,
    method: ImportMethod,
    level: &ProtectionLevel,
) -> CliCommand {
    let mut parts = vec![format!(
        "gcloud kms import-jobs create {}",
        shell_quote(job.job())
    )];
    parts.extend(ring_flags(job.key_ring()));
    parts.push(format!("--import-method {}", method.gcloud_name()));
    parts.push(format!(
        "--protection-level {}",
        shell_quote(&level.gcloud_name())
    ));
    CliCommand(parts)
}

/// `gcloud kms import-jobs describe … --format json`: the output the page reads.
pub fn describe_import_job(job: &ImportJobName) -> CliCommand {
    let mut parts = vec![format!(
        "gcloud kms import-jobs describe {}",
        shell_quote(job.job())
    )];
    parts.extend(ring_flags(job.key_ring()));
    parts.push("--format json".to_owned());
    CliCommand(parts)
}

/// `gcloud kms keys create`: an import-only key with no version yet, whose
/// purpose and default algorithm are those of `algorithm`.
pub fn create_key(
    key: &CryptoKeyName,
    algorithm: GoogleAlgorithm,
    level: &ProtectionLevel,
) -> CliCommand {
    let mut parts = vec![format!("gcloud kms keys create {}", shell_quote(key.key()))];
    parts.extend(ring_flags(key.key_ring()));
    parts.extend([
        format!("--purpose {}", algorithm.purpose().gcloud_name()),
        format!("--default-algorithm {}", algorithm.gcloud_name()),
        format!("--protection-level {}", shell_quote(&level.gcloud_name())),
        "--skip-initial-version-creation".to_owned(),
        "--import-only".to_owned(),
    ]);
    CliCommand(parts)
}

/// What `gcloud kms keys versions import` says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportVersion {
    pub key: CryptoKeyName,
    pub job: ImportJobName,
    pub algorithm: GoogleAlgorithm,
    /// The wrapped material the KMS exported, as saved beside the command.
    pub wrapped_key_file: String,
    /// Re-import into this existing version (DESTROYED or IMPORT_FAILED, same
    /// material and algorithm); `None` makes a new version.
    pub target_version: Option<u64>,
}

/// `gcloud kms keys versions import … --format json`.
pub fn import_version(import: &ImportVersion) -> CliCommand {
    let same_ring = import.job.key_ring() == import.key.key_ring();
    let job = if same_ring {
        import.job.job().to_owned()
    } else {
        import.job.to_string()
    };
    let mut parts = vec![
        "gcloud kms keys versions import".to_owned(),
        format!("--import-job {}", shell_quote(&job)),
    ];
    parts.extend(ring_flags(import.key.key_ring()));
    parts.extend([
        format!("--key {}", shell_quote(import.key.key())),
        format!("--algorithm {}", import.algorithm.gcloud_name()),
        format!(
            "--wrapped-key-file {}",
            shell_quote(&import.wrapped_key_file)
        ),
    ]);
    if let Some(version) = import.target_version {
        parts.push(format!("--version {version}"));
    }
    parts.push("--format json".to_owned());
    CliCommand(parts)
}

/// `gcloud kms keys versions describe … --format json`.
pub fn describe_version(version: &CryptoKeyVersionName) -> CliCommand {
    let key = version.crypto_key();
    let mut parts = vec![
        format!("gcloud kms keys versions describe {}", version.version()),
        format!("--key {}", shell_quote(key.key())),
    ];
    parts.extend(ring_flags(key.key_ring()));
    parts.push("--format json".to_owned());
    CliCommand(parts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::key_material::EcCurve;

    fn ring() -> KeyRingName {
        KeyRingName::new("byok-demo-471203", "europe-west1", "byok-ring").unwrap()
    }

    fn words(command: &CliCommand) -> Vec<String> {
        let words = shell_words::split(&command.one_line()).unwrap();
        assert_eq!(shell_words::split(&command.multi_line()).unwrap(), words);
        words
    }

    #[test]
    fn the_import_job_commands() {
        let job = ring().import_job("cosmian-job-1").unwrap();
        assert_eq!(
            create_import_job(
                &job,
                ImportMethod::RsaOaep3072Sha256Aes256,
                &ProtectionLevel::Hsm
            )
            .multi_line(),
            "gcloud kms import-jobs create cosmian-job-1 \\
    --location europe-west1 \\
    --keyring byok-ring \\
    --project byok-demo-471203 \\
    --import-method rsa-oaep-3072-sha256-aes-256 \\
    --protection-level hsm"
        );
        assert_eq!(
            describe_import_job(&job).one_line(),
            "gcloud kms import-jobs describe cosmian-job-1 --location europe-west1 --keyring byok-ring --project byok-demo-471203 --format json"
        );
    }

    #[test]
    fn the_key_is_created_empty_and_import_only() {
        let key = ring().crypto_key("signing-key").unwrap();
        assert_eq!(
            create_key(
                &key,
                GoogleAlgorithm::EcSign(EcCurve::P256),
                &ProtectionLevel::Software
            )
            .multi_line(),
            "gcloud kms keys create signing-key \\
    --location europe-west1 \\
    --keyring byok-ring \\
    --project byok-demo-471203 \\
    --purpose asymmetric-signing \\
    --default-algorithm ec-sign-p256-sha256 \\
    --protection-level software \\
    --skip-initial-version-creation \\
    --import-only"
        );
        let words = words(&create_key(
            &key,
            GoogleAlgorithm::GoogleSymmetricEncryption,
            &ProtectionLevel::HsmSingleTenant,
        ));
        assert_eq!(words[12], "encryption");
        assert_eq!(words[16], "hsm-single-tenant");
    }

    #[test]
    fn the_import_and_describe_commands() {
        let key = ring().crypto_key("payments-key").unwrap();
        let mut import = ImportVersion {
            key: key.clone(),
            job: ring().import_job("cosmian-job-1").unwrap(),
            algorithm: GoogleAlgorithm::GoogleSymmetricEncryption,
            wrapped_key_file: "payments-key.wrapped.bin".into(),
            target_version: None,
        };
        assert_eq!(
            import_version(&import).multi_line(),
            "gcloud kms keys versions import \\
    --import-job cosmian-job-1 \\
    --location europe-west1 \\
    --keyring byok-ring \\
    --project byok-demo-471203 \\
    --key payments-key \\
    --algorithm google-symmetric-encryption \\
    --wrapped-key-file payments-key.wrapped.bin \\
    --format json"
        );
        import.target_version = Some(3);
        import.wrapped_key_file = "my key's material.bin".into();
        let line = import_version(&import).one_line();
        assert_eq!(
            line,
            "gcloud kms keys versions import --import-job cosmian-job-1 --location europe-west1 --keyring byok-ring --project byok-demo-471203 --key payments-key --algorithm google-symmetric-encryption --wrapped-key-file 'my key'\\''s material.bin' --version 3 --format json"
        );
        assert_eq!(words(&import_version(&import))[18], "my key's material.bin");
        import.job = KeyRingName::new("byok-demo-471203", "europe-west1", "other-ring")
            .unwrap()
            .import_job("shared-job")
            .unwrap();
        assert_eq!(
            words(&import_version(&import))[6],
            "projects/byok-demo-471203/locations/europe-west1/keyRings/other-ring/importJobs/shared-job"
        );
        assert_eq!(
            describe_version(&key.version(3).unwrap()).one_line(),
            "gcloud kms keys versions describe 3 --key payments-key --location europe-west1 --keyring byok-ring --project byok-demo-471203 --format json"
        );
    }
}
