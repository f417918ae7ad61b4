//! The key version JSON gcloud prints after an import (`keys versions import`
//! or `keys versions describe`, `--format json`), typed for the ledger.
//!
//! Members and enum values from `CryptoKeyVersion` in googleapis'
//! `google/cloud/kms/v1/resources.proto` (commit
//! f8291d2b89f0017ab078a4c7378069bae5686f6f).

use serde::Deserialize;
use time::OffsetDateTime;

use crate::domain::google::algorithm::GoogleAlgorithm;
use crate::domain::google::names::{CryptoKeyName, CryptoKeyVersionName, ImportJobName};
use crate::domain::google::protection_level::ProtectionLevel;
use crate::domain::stored::parse_rfc3339;

/// A version's `state` (`CryptoKeyVersionState`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VersionState {
    PendingGeneration,
    Enabled,
    Disabled,
    Destroyed,
    DestroyScheduled,
    PendingImport,
    ImportFailed,
    GenerationFailed,
    PendingExternalDestruction,
    ExternalDestructionFailed,
    /// A value this app does not know yet, kept as Google wrote it.
    Other(String),
}

impl VersionState {
    const KNOWN: [Self; 10] = [
        Self::PendingGeneration,
        Self::Enabled,
        Self::Disabled,
        Self::Destroyed,
        Self::DestroyScheduled,
        Self::PendingImport,
        Self::ImportFailed,
        Self::GenerationFailed,
        Self::PendingExternalDestruction,
        Self::ExternalDestructionFailed,
    ];

    pub fn parse(name: &str) -> Self {
        Self::KNOWN
            .into_iter()
            .find(|state| state.api_name() == name)
            .unwrap_or_else(|| Self::Other(name.to_owned()))
    }

    pub fn api_name(&self) -> &str {
        match self {
            Self::PendingGeneration => "PENDING_GENERATION",
            Self::Enabled => "ENABLED",
            Self::Disabled => "DISABLED",
            Self::Destroyed => "DESTROYED",
            Self::DestroyScheduled => "DESTROY_SCHEDULED",
            Self::PendingImport => "PENDING_IMPORT",
            Self::ImportFailed => "IMPORT_FAILED",
            Self::GenerationFailed => "GENERATION_FAILED",
            Self::PendingExternalDestruction => "PENDING_EXTERNAL_DESTRUCTION",
            Self::ExternalDestructionFailed => "EXTERNAL_DESTRUCTION_FAILED",
            Self::Other(name) => name,
        }
    }
}

/// A version's `algorithm`: one this app imports, or another kept as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VersionAlgorithm {
    Known(GoogleAlgorithm),
    Other(String),
}

impl VersionAlgorithm {
    fn parse(name: &str) -> Self {
        GoogleAlgorithm::parse(name).map_or_else(|| Self::Other(name.to_owned()), Self::Known)
    }
}

/// A `CryptoKeyVersion`, the members the ledger uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyVersion {
    pub name: CryptoKeyVersionName,
    pub state: VersionState,
    pub algorithm: Option<VersionAlgorithm>,
    pub protection_level: Option<ProtectionLevel>,
    /// The job of the most recent import; absent for material Google made.
    pub import_job: Option<ImportJobName>,
    pub import_time: Option<OffsetDateTime>,
    /// Present when the state is IMPORT_FAILED.
    pub import_failure_reason: Option<String>,
    /// Whether the same material may be imported into this version again.
    pub reimport_eligible: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Raw {
    name: Option<String>,
    state: Option<String>,
    algorithm: Option<String>,
    protection_level: Option<String>,
    import_job: Option<String>,
    import_time: Option<String>,
    import_failure_reason: Option<String>,
    reimport_eligible: Option<bool>,
}

const PASTE: &str = "paste the whole output of gcloud kms keys versions import (or keys versions describe) with --format json";

impl KeyVersion {
    /// Reads the JSON gcloud printed; the refusal says what to paste instead.
    pub fn parse(json: &str) -> Result<Self, String> {
        let raw = read_raw(json)?;
        let missing = |member: &str| format!("The JSON has no \"{member}\": {PASTE}.");
        let name = raw.name.ok_or_else(|| missing("name"))?;
        let name = CryptoKeyVersionName::parse(&name).map_err(|why| format!("name: {why}"))?;
        let state = VersionState::parse(&raw.state.ok_or_else(|| missing("state"))?);
        let import_job = raw
            .import_job
            .map(|job| ImportJobName::parse(&job).map_err(|why| format!("importJob: {why}")))
            .transpose()?;
        let import_time = raw
            .import_time
            .map(|text| parse_rfc3339(&text).map_err(|why| format!("importTime: {why}.")))
            .transpose()?;
        Ok(Self {
            name,
            state,
            algorithm: raw.algorithm.as_deref().map(VersionAlgorithm::parse),
            protection_level: raw.protection_level.as_deref().map(ProtectionLevel::parse),
            import_job,
            import_time,
            import_failure_reason: raw.import_failure_reason.filter(|r| !r.trim().is_empty()),
            reimport_eligible: raw.reimport_eligible,
        })
    }

    /// `Ok` once the imported material is usable (ENABLED); otherwise what
    /// the state means and what to do.
    pub fn check_imported(&self) -> Result<(), String> {
        let version = self.name.version();
        let key = self.name.crypto_key().key();
        match &self.state {
            VersionState::Enabled => Ok(()),
            VersionState::PendingImport => Err(format!(
                "Version {version} of {key} is still being imported (PENDING_IMPORT): wait a moment, then describe it again."
            )),
            VersionState::ImportFailed => Err(format!(
                "The import into version {version} of {key} failed ({}): check the import job, the algorithm and the wrapped file, then import the same material into this version again with --version {version}.",
                self.import_failure_reason
                    .as_deref()
                    .unwrap_or("Google gave no reason")
            )),
            other => Err(format!(
                "Version {version} of {key} is {}, not ENABLED: enable it in Cloud KMS, or import the material again.",
                other.api_name()
            )),
        }
    }

    /// Whether this output is about `key` (and, when given, the import made
    /// with `job`): `Err` names the part that differs, so a paste about
    /// another key or job is refused rather than recorded.
    pub fn check_about(
        &self,
        key: &CryptoKeyName,
        job: Option<&ImportJobName>,
    ) -> Result<(), String> {
        let theirs = self.name.crypto_key();
        if let Some(difference) = key.key_ring().difference(theirs.key_ring()) {
            return Err(format!(
                "This output is about a key in {difference}: paste the output about {key}."
            ));
        }
        if theirs.key() != key.key() {
            return Err(format!(
                "This output is about key {}, not {}: paste the output about {key}.",
                theirs.key(),
                key.key()
            ));
        }
        match (job, &self.import_job) {
            (Some(ours), Some(theirs)) if ours != theirs => Err(format!(
                "This version was imported with import job {theirs}, not {ours}: paste the output of the import made with {}.",
                ours.job()
            )),
            (Some(ours), None) => Err(format!(
                "This version names no import job (its material was not imported): paste the output of the import made with {}.",
                ours.job()
            )),
            _ => Ok(()),
        }
    }
}

fn read_raw(json: &str) -> Result<Raw, String> {
    let json = json.trim();
    if !json.starts_with('{') {
        return Err(format!(
            "This is not JSON: {PASTE} (without it gcloud prints YAML)."
        ));
    }
    serde_json::from_str(json)
        .map_err(|e| format!("The text starts like JSON but is not valid JSON ({e}): {PASTE}."))
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;
    use crate::domain::google::names::KeyRingName;
    use crate::domain::key_material::EcCurve;

    macro_rules! fixture {
        ($name:literal) => {
            include_str!(concat!("../../../tests/fixtures/google/", $name))
        };
    }

    fn ring() -> KeyRingName {
        KeyRingName::new("byok-demo-471203", "europe-west1", "byok-ring").unwrap()
    }

    #[test]
    fn the_import_output_and_the_describe_output_are_read() {
        let pending = KeyVersion::parse(fixture!("key-version-import.json")).unwrap();
        assert_eq!(pending.name.version(), 1);
        assert_eq!(pending.name.crypto_key().key(), "payments-key");
        assert_eq!(pending.state, VersionState::PendingImport);
        assert_eq!(
            pending.algorithm,
            Some(VersionAlgorithm::Known(
                GoogleAlgorithm::GoogleSymmetricEncryption
            ))
        );
        assert_eq!(pending.import_time, None);
        assert_eq!(
            pending.check_imported().unwrap_err(),
            "Version 1 of payments-key is still being imported (PENDING_IMPORT): wait a moment, then describe it again."
        );
        let enabled = KeyVersion::parse(fixture!("key-version-enabled.json")).unwrap();
        assert_eq!(enabled.state, VersionState::Enabled);
        assert_eq!(enabled.protection_level, Some(ProtectionLevel::Software));
        assert_eq!(
            enabled.import_job.as_ref().map(ImportJobName::job),
            Some("cosmian-job-1")
        );
        assert_eq!(
            enabled.import_time,
            Some(datetime!(2026-11-28 10:31:46.802114 UTC))
        );
        assert_eq!(enabled.reimport_eligible, Some(true));
        assert_eq!(enabled.check_imported(), Ok(()));
    }

    #[test]
    fn a_failed_or_unusable_version_says_what_to_do() {
        let failed = KeyVersion::parse(fixture!("key-version-import-failed.json")).unwrap();
        assert_eq!(
            failed.algorithm,
            Some(VersionAlgorithm::Known(GoogleAlgorithm::EcSign(
                EcCurve::P256
            )))
        );
        assert_eq!(failed.protection_level, Some(ProtectionLevel::Hsm));
        assert_eq!(
            failed.check_imported().unwrap_err(),
            "The import into version 3 of signing-key failed (Error unwrapping key: the wrapped key material could not be decrypted with the import job's private key.): check the import job, the algorithm and the wrapped file, then import the same material into this version again with --version 3."
        );
        let mut destroyed = failed.clone();
        destroyed.state = VersionState::parse("DESTROYED");
        assert_eq!(
            destroyed.check_imported().unwrap_err(),
            "Version 3 of signing-key is DESTROYED, not ENABLED: enable it in Cloud KMS, or import the material again."
        );
        destroyed.state = VersionState::ImportFailed;
        destroyed.import_failure_reason = None;
        assert!(
            destroyed
                .check_imported()
                .unwrap_err()
                .contains("(Google gave no reason)")
        );
        for state in VersionState::KNOWN {
            assert_eq!(VersionState::parse(state.api_name()), state);
        }
        assert_eq!(
            VersionState::parse("ARCHIVED"),
            VersionState::Other("ARCHIVED".into())
        );
        let pq = fixture!("key-version-enabled.json")
            .replace("GOOGLE_SYMMETRIC_ENCRYPTION", "PQ_SIGN_ML_DSA_65");
        assert_eq!(
            KeyVersion::parse(&pq).unwrap().algorithm,
            Some(VersionAlgorithm::Other("PQ_SIGN_ML_DSA_65".into()))
        );
    }

    #[test]
    fn an_output_about_another_key_or_job_is_recognised() {
        let enabled = KeyVersion::parse(fixture!("key-version-enabled.json")).unwrap();
        let key = ring().crypto_key("payments-key").unwrap();
        let job = ring().import_job("cosmian-job-1").unwrap();
        assert_eq!(enabled.check_about(&key, Some(&job)), Ok(()));
        assert_eq!(enabled.check_about(&key, None), Ok(()));
        let other_key = ring().crypto_key("other-key").unwrap();
        assert_eq!(
            enabled.check_about(&other_key, None).unwrap_err(),
            "This output is about key payments-key, not other-key: paste the output about projects/byok-demo-471203/locations/europe-west1/keyRings/byok-ring/cryptoKeys/other-key."
        );
        let elsewhere = KeyRingName::new("byok-demo-471203", "us", "byok-ring")
            .unwrap()
            .crypto_key("payments-key")
            .unwrap();
        assert!(
            enabled
                .check_about(&elsewhere, None)
                .unwrap_err()
                .starts_with("This output is about a key in location europe-west1, not us:")
        );
        let other_job = ring().import_job("cosmian-job-2").unwrap();
        assert_eq!(
            enabled.check_about(&key, Some(&other_job)).unwrap_err(),
            "This version was imported with import job projects/byok-demo-471203/locations/europe-west1/keyRings/byok-ring/importJobs/cosmian-job-1, not projects/byok-demo-471203/locations/europe-west1/keyRings/byok-ring/importJobs/cosmian-job-2: paste the output of the import made with cosmian-job-2."
        );
        let mut generated = enabled.clone();
        generated.import_job = None;
        assert!(
            generated
                .check_about(&key, Some(&job))
                .unwrap_err()
                .starts_with("This version names no import job")
        );
    }

    #[test]
    fn a_paste_that_is_not_a_version_says_what_to_paste() {
        let err = |text: &str| KeyVersion::parse(text).unwrap_err();
        assert!(err("name: x").starts_with(
            "This is not JSON: paste the whole output of gcloud kms keys versions import"
        ));
        assert!(err("{").starts_with("The text starts like JSON but is not valid JSON"));
        assert!(err("{}").starts_with("The JSON has no \"name\""));
        let enabled = fixture!("key-version-enabled.json");
        assert!(
            err(&enabled.replace("\"state\"", "\"status\""))
                .starts_with("The JSON has no \"state\"")
        );
        assert!(
            err(&enabled.replace("cryptoKeyVersions/1", "cryptoKeyVersions/x"))
                .starts_with("name: The key version \"x\" is not a number")
        );
        assert!(
            err(&enabled.replace("importJobs/cosmian-job-1", "importJobs/"))
                .starts_with("importJob: The import job id \"\" is not valid")
        );
        assert!(
            err(&enabled.replace(
                "\"importTime\": \"2026-11-28T10:31:46.802114Z\"",
                "\"importTime\": \"yesterday\""
            ))
            .starts_with("importTime: \"yesterday\" is not an RFC 3339 time.")
        );
    }
}
