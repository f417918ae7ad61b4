//! The Google guided flow's step 1 and 2 rules: the project, location, key ring, job, method and
//! level typed in give the `gcloud kms import-jobs create`/`describe` commands, and the pasted
//! describe JSON must be that very job. Pure, so every refusal comes before anything is sent.

use crate::domain::cli::CliCommand;
use crate::domain::google::command::{create_import_job, describe_import_job, describe_version};
use crate::domain::google::import_job::ImportJob;
use crate::domain::google::import_method::ImportMethod;
use crate::domain::google::names::{ImportJobName, KeyRingName};
use crate::domain::google::protection_level::ProtectionLevel;

/// What step 1 asks, as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoogleJobInput {
    pub project: String,
    pub location: String,
    pub key_ring: String,
    pub job: String,
    pub method: ImportMethod,
    pub level: ProtectionLevel,
}

impl Default for GoogleJobInput {
    fn default() -> Self {
        Self {
            project: String::new(),
            location: String::new(),
            key_ring: String::new(),
            job: "cosmian-import-job".to_owned(),
            method: ImportMethod::ALL[0],
            level: ProtectionLevel::Hsm,
        }
    }
}

/// The import job step 1 describes, every part checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoogleJobPlan {
    pub job: ImportJobName,
    pub method: ImportMethod,
    pub level: ProtectionLevel,
}

impl GoogleJobInput {
    /// Checks each part; the first refusal names the field and how to fix it.
    pub fn plan(&self) -> Result<GoogleJobPlan, String> {
        for (value, field, example) in [
            (&self.project, "project id", "my-project-123456"),
            (&self.location, "location", "europe-west1, or global"),
            (&self.key_ring, "key ring", "byok-ring"),
            (&self.job, "import job name", "cosmian-import-job"),
        ] {
            if value.trim().is_empty() {
                return Err(format!(
                    "Type the {field} (for example {example}): the commands name it."
                ));
            }
        }
        let ring = KeyRingName::new(
            self.project.trim(),
            self.location.trim(),
            self.key_ring.trim(),
        )?;
        let job = ring.import_job(self.job.trim())?;
        if !self.level.is_importable() {
            return Err(format!(
                "Google imports into SOFTWARE, HSM or HSM_SINGLE_TENANT keys only, not {}: choose one of these levels.",
                self.level
            ));
        }
        Ok(GoogleJobPlan {
            job,
            method: self.method,
            level: self.level.clone(),
        })
    }
}

impl GoogleJobPlan {
    /// `gcloud kms import-jobs create … --import-method … --protection-level …`.
    pub fn create_command(&self) -> CliCommand {
        create_import_job(&self.job, self.method, &self.level)
    }

    /// `gcloud kms import-jobs describe … --format json`: the JSON step 2 reads.
    pub fn describe_command(&self) -> CliCommand {
        describe_import_job(&self.job)
    }

    /// Refuses a pasted job that is not the one step 1 created: another key ring, job name,
    /// method or level (the JSON's own checks — ACTIVE, not expired, the key's size — are
    /// `ImportJob::parse_describe`'s).
    pub fn check_pasted(&self, pasted: &ImportJob) -> Result<(), String> {
        let fix = "paste the output of the describe command above, or change step 1 to match";
        if let Some(difference) = self.job.key_ring().difference(pasted.name.key_ring()) {
            return Err(format!(
                "The pasted import job is in {difference} as step 1 says: {fix}."
            ));
        }
        if pasted.name.job() != self.job.job() {
            return Err(format!(
                "The pasted import job is {}, not {} as step 1 says: {fix}.",
                pasted.name.job(),
                self.job.job()
            ));
        }
        if pasted.method != self.method {
            return Err(format!(
                "The pasted import job uses {}, not {} as step 1 says: {fix}.",
                pasted.method.gcloud_name(),
                self.method.gcloud_name()
            ));
        }
        match &pasted.protection_level {
            Some(level) if *level != self.level => Err(format!(
                "The pasted import job's protection level is {level}, not {} as step 1 says: {fix}.",
                self.level
            )),
            _ => Ok(()),
        }
    }
}

/// Step 5's check after the import: `gcloud kms keys versions describe` of version `version`
/// (as typed) of the key `key_name` in the job's key ring.
pub fn describe_imported(
    job: &ImportJobName,
    key_name: &str,
    version: &str,
) -> Result<CliCommand, String> {
    let key = job
        .key_ring()
        .crypto_key(key_name.trim())
        .map_err(|e| format!("Key name in Cloud KMS: {e}"))?;
    let number = version
        .trim()
        .parse::<u64>()
        .ok()
        .filter(|n| *n >= 1)
        .ok_or_else(|| {
            format!(
                "Version \"{}\": type the version number the import printed (1 for a key created empty by the keys create command).",
                version.trim()
            )
        })?;
    Ok(describe_version(&key.version(number)?))
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;
    use crate::domain::google::tests::b64;

    fn input() -> GoogleJobInput {
        GoogleJobInput {
            project: "byok-demo-471203".into(),
            location: " europe-west1".into(),
            key_ring: "byok-ring".into(),
            job: "cosmian-job-1".into(),
            method: ImportMethod::RsaOaep4096Sha256Aes256,
            level: ProtectionLevel::Hsm,
        }
    }

    fn describe(name: &str, method: &str, level: &str) -> ImportJob {
        let der = include_bytes!("../../../tests/fixtures/rsa4096.spki.der");
        let pem = format!(
            "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
            b64(der)
        );
        let json = serde_json::json!({
            "name": name,
            "importMethod": method,
            "protectionLevel": level,
            "state": "ACTIVE",
            "expireTime": "2027-01-03T10:00:00Z",
            "publicKey": {"pem": pem},
        });
        ImportJob::parse_describe(&json.to_string(), datetime!(2027-01-01 10:00 UTC)).unwrap()
    }

    const NAME: &str = "projects/byok-demo-471203/locations/europe-west1/keyRings/byok-ring/importJobs/cosmian-job-1";

    #[test]
    fn step_one_gives_the_create_and_describe_commands() {
        let plan = input().plan().unwrap();
        assert_eq!(
            plan.create_command().one_line(),
            "gcloud kms import-jobs create cosmian-job-1 --location europe-west1 --keyring byok-ring --project byok-demo-471203 --import-method rsa-oaep-4096-sha256-aes-256 --protection-level hsm"
        );
        assert_eq!(
            plan.describe_command().one_line(),
            "gcloud kms import-jobs describe cosmian-job-1 --location europe-west1 --keyring byok-ring --project byok-demo-471203 --format json"
        );
    }

    #[test]
    fn each_bad_field_is_named() {
        let empty = GoogleJobInput::default().plan().unwrap_err();
        assert_eq!(
            empty,
            "Type the project id (for example my-project-123456): the commands name it."
        );
        let bad = GoogleJobInput {
            job: "job with spaces".into(),
            ..input()
        };
        assert!(bad.plan().unwrap_err().contains("job with spaces"));
        let bad = GoogleJobInput {
            level: ProtectionLevel::External,
            ..input()
        };
        assert!(
            bad.plan()
                .unwrap_err()
                .starts_with("Google imports into SOFTWARE, HSM")
        );
    }

    #[test]
    fn only_the_job_of_step_one_is_taken() {
        let plan = input().plan().unwrap();
        let method = "RSA_OAEP_4096_SHA256_AES_256";
        assert_eq!(plan.check_pasted(&describe(NAME, method, "HSM")), Ok(()));
        let other_ring = NAME.replace("byok-ring", "other-ring");
        assert_eq!(
            plan.check_pasted(&describe(&other_ring, method, "HSM")),
            Err("The pasted import job is in key ring other-ring, not byok-ring as step 1 says: paste the output of the describe command above, or change step 1 to match.".into())
        );
        let other_job = NAME.replace("cosmian-job-1", "job-2");
        assert!(
            plan.check_pasted(&describe(&other_job, method, "HSM"))
                .unwrap_err()
                .starts_with("The pasted import job is job-2, not cosmian-job-1")
        );
        assert!(
            plan.check_pasted(&describe(NAME, "RSA_OAEP_4096_SHA1_AES_256", "HSM"))
                .unwrap_err()
                .starts_with("The pasted import job uses rsa-oaep-4096-sha1-aes-256, not rsa-oaep-4096-sha256-aes-256")
        );
        assert!(
            plan.check_pasted(&describe(NAME, method, "SOFTWARE"))
                .unwrap_err()
                .starts_with("The pasted import job's protection level is SOFTWARE, not HSM")
        );
    }

    #[test]
    fn the_imported_version_is_described() {
        let job = ImportJobName::parse(NAME).unwrap();
        assert_eq!(
            describe_imported(&job, "payments", " 1 ")
                .unwrap()
                .one_line(),
            "gcloud kms keys versions describe 1 --key payments --location europe-west1 --keyring byok-ring --project byok-demo-471203 --format json"
        );
        assert!(
            describe_imported(&job, "payments", "0")
                .unwrap_err()
                .starts_with("Version \"0\"")
        );
        assert!(
            describe_imported(&job, "", "1")
                .unwrap_err()
                .starts_with("Key name in Cloud KMS: ")
        );
    }
}
