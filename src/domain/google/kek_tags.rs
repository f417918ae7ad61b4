//! The tags a Google import job's wrapping key is stored with in the KMS (`google`, the job's
//! full name, method, protection level, expiry, fingerprint), written and read back here.
//!
//! Tags rather than vendor attributes: any KMIP client lists and reads them. The export reads
//! the method (the wrap), the job (the command), the expiry and level (refusals) from them;
//! an import finds the stored copy of the same job (same name and fingerprint) here.

use time::OffsetDateTime;

use crate::domain::aws::kek_tags::{KEK_SHA256_TAG_PREFIX, fingerprint_tag};
use crate::domain::google::import_job::ImportJob;
use crate::domain::google::import_method::ImportMethod;
use crate::domain::google::names::ImportJobName;
use crate::domain::google::protection_level::ProtectionLevel;
use crate::domain::stored::{parse_rfc3339, rfc3339};
use crate::domain::time_display::{duration_words, utc_minutes};

/// Every stored Google import job's wrapping key carries this tag.
pub const GOOGLE_TAG: &str = "google";
/// `import_job:projects/…/locations/…/keyRings/…/importJobs/…`.
pub const IMPORT_JOB_TAG_PREFIX: &str = "import_job:";
/// `import_method:rsa-oaep-3072-sha256-aes-256` (gcloud's spelling; both are read).
pub const IMPORT_METHOD_TAG_PREFIX: &str = "import_method:";
/// `protection_level:SOFTWARE` (the API's spelling), when the describe output said.
pub const PROTECTION_LEVEL_TAG_PREFIX: &str = "protection_level:";
/// `expire_time:<RFC 3339 UTC, whole seconds>`, when the describe output said.
pub const EXPIRE_TIME_TAG_PREFIX: &str = "expire_time:";

/// The tags for an import job's wrapping key: `google`, `import_job:`, `import_method:`,
/// `protection_level:` and `expire_time:` when known, `kek_sha256:`.
pub fn google_job_tags(job: &ImportJob) -> Vec<String> {
    let mut tags = vec![
        GOOGLE_TAG.to_owned(),
        format!("{IMPORT_JOB_TAG_PREFIX}{}", job.name),
        format!("{IMPORT_METHOD_TAG_PREFIX}{}", job.method.gcloud_name()),
    ];
    if let Some(level) = &job.protection_level {
        tags.push(format!("{PROTECTION_LEVEL_TAG_PREFIX}{}", level.api_name()));
    }
    if let Some(expire) = job.expire_time {
        // Stored to the second, rounded down: a job is never taken as usable past its expiry.
        tags.push(format!("{EXPIRE_TIME_TAG_PREFIX}{}", rfc3339(expire)));
    }
    tags.push(fingerprint_tag(&job.wrapping_key));
    tags
}

/// What a stored object's tags say about it as a Google import job's wrapping key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoogleJobTags {
    /// Tagged `google` (exactly).
    pub is_google: bool,
    /// `None` without an `import_job:` tag; `Err` (in plain words) when it holds no job name.
    pub job: Option<Result<ImportJobName, String>>,
    /// `None` without an `import_method:` tag; `Err` when it names no method this app wraps for.
    pub method: Option<Result<ImportMethod, String>>,
    /// `None`: not recorded (a job typed in as PEM and method).
    pub protection_level: Option<ProtectionLevel>,
    /// `None`: not recorded; `Err`: the tag holds no RFC 3339 time.
    pub expire_time: Option<Result<OffsetDateTime, String>>,
    /// The DER's SHA-256 (lower-case hex).
    pub sha256: Option<String>,
}

/// A stored job as an export uses it: every tag it needs, read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredImportJob {
    pub name: ImportJobName,
    pub method: ImportMethod,
    pub protection_level: Option<ProtectionLevel>,
    pub expire_time: Option<OffsetDateTime>,
}

impl StoredImportJob {
    /// Refuses the job once `now` is past its expiry (unknown expiry: allowed, Google decides).
    pub fn check_usable_at(&self, kek_id: &str, now: OffsetDateTime) -> Result<(), String> {
        match self.expire_time {
            Some(expire) if expire <= now => Err(format!(
                "The import job {} ({kek_id}) expired at {} (a job lasts 3 days), so Google would refuse this wrapped key: create a new import job, describe it and import it on the Google import page.",
                self.name.job(),
                utc_minutes(expire)
            )),
            _ => Ok(()),
        }
    }

    /// "usable for 49 h 15 min (until 2026-12-01 10:15 UTC)", "expired 2026-… UTC", "expiry not recorded".
    pub fn expiry_words(&self, now: OffsetDateTime) -> String {
        match self.expire_time {
            None => "expiry not recorded (typed in as PEM and method)".to_owned(),
            Some(expire) if expire <= now => format!("expired {}", utc_minutes(expire)),
            Some(expire) => format!(
                "usable for {} (until {})",
                duration_words(expire - now),
                utc_minutes(expire)
            ),
        }
    }
}

impl GoogleJobTags {
    /// The job an export wraps for, or why the tags give none (what to do included).
    pub fn job_for_export(&self, kek_id: &str) -> Result<StoredImportJob, String> {
        let again = "import the job again on the Google import page from its describe output";
        if !self.is_google {
            return Err(format!(
                "{kek_id} is not tagged \"{GOOGLE_TAG}\", so it is not a Google import job's wrapping key: {again}."
            ));
        }
        let name = match &self.job {
            Some(Ok(name)) => name.clone(),
            Some(Err(why)) => return Err(format!("{kek_id}: {why} To fix it, {again}.")),
            None => {
                return Err(format!(
                    "{kek_id} has no \"{IMPORT_JOB_TAG_PREFIX}\" tag, so the import job the command must name is unknown: {again}."
                ));
            }
        };
        let method = match &self.method {
            Some(Ok(method)) => *method,
            Some(Err(why)) => return Err(format!("{kek_id}: {why} To fix it, {again}.")),
            None => {
                return Err(format!(
                    "{kek_id} has no \"{IMPORT_METHOD_TAG_PREFIX}\" tag, so the wrap Google expects is unknown: {again}."
                ));
            }
        };
        let expire_time = match &self.expire_time {
            Some(Ok(t)) => Some(*t),
            Some(Err(why)) => return Err(format!("{kek_id}: {why} To fix it, {again}.")),
            None => None,
        };
        Ok(StoredImportJob {
            name,
            method,
            protection_level: self.protection_level.clone(),
            expire_time,
        })
    }
}

/// Reads the tags of a stored object (the first tag of each kind counts).
pub fn read_google_job_tags(tags: &[String]) -> GoogleJobTags {
    let first = |prefix: &str| tags.iter().find_map(|t| t.strip_prefix(prefix));
    GoogleJobTags {
        is_google: tags.iter().any(|t| t == GOOGLE_TAG),
        job: first(IMPORT_JOB_TAG_PREFIX).map(|text| {
            ImportJobName::parse(text).map_err(|why| {
                format!(
                    "the tag \"{IMPORT_JOB_TAG_PREFIX}{text}\" holds no import job name ({why})"
                )
            })
        }),
        method: first(IMPORT_METHOD_TAG_PREFIX).map(|text| {
            ImportMethod::parse(text)
                .map_err(|why| format!("the tag \"{IMPORT_METHOD_TAG_PREFIX}{text}\": {why}"))
        }),
        protection_level: first(PROTECTION_LEVEL_TAG_PREFIX).map(ProtectionLevel::parse),
        expire_time: first(EXPIRE_TIME_TAG_PREFIX).map(|text| {
            parse_rfc3339(text)
                .map_err(|why| format!("the tag \"{EXPIRE_TIME_TAG_PREFIX}{text}\": {why}."))
        }),
        sha256: first(KEK_SHA256_TAG_PREFIX)
            .map(|hex| hex.trim().to_ascii_lowercase())
            .filter(|hex| hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit())),
    }
}

/// How sure it is that a stored wrapping key is the job about to be imported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SameGoogleJob {
    /// Same job name and same public key (its fingerprint tag).
    Certainly,
    /// Same job name, no fingerprint tag (tagged by hand or another tool): a job has one key.
    Possibly,
}

/// Whether the stored wrapping key (its tags) is `job`'s.
pub fn same_google_job(stored: &GoogleJobTags, job: &ImportJob) -> Option<SameGoogleJob> {
    if !stored.is_google || stored.job.as_ref().and_then(|j| j.as_ref().ok()) != Some(&job.name) {
        return None;
    }
    match &stored.sha256 {
        Some(hex) => (*hex == job.wrapping_key.sha256_hex()).then_some(SameGoogleJob::Certainly),
        None => Some(SameGoogleJob::Possibly),
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    const NOW: OffsetDateTime = datetime!(2026-11-29 09:00 UTC);
    const NAME: &str = "projects/byok-demo-471203/locations/europe-west1/keyRings/byok-ring/importJobs/cosmian-job-1";

    fn described() -> ImportJob {
        ImportJob::parse_describe(
            include_str!("../../../tests/fixtures/google/import-job-active.json"),
            NOW,
        )
        .unwrap()
    }

    fn strings(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_described_job_is_tagged_with_everything_and_read_back() {
        let job = described();
        let tags = google_job_tags(&job);
        assert_eq!(
            tags,
            vec![
                "google".to_owned(),
                format!("import_job:{NAME}"),
                "import_method:rsa-oaep-3072-sha256-aes-256".to_owned(),
                "protection_level:SOFTWARE".to_owned(),
                // 10:15:02.501183 rounded down to the second.
                "expire_time:2026-12-01T10:15:02Z".to_owned(),
                format!("kek_sha256:{}", job.wrapping_key.sha256_hex()),
            ]
        );
        let read = read_google_job_tags(&tags);
        let stored = read.job_for_export("kek-g").unwrap();
        assert_eq!(stored.name, job.name);
        assert_eq!(stored.method, ImportMethod::RsaOaep3072Sha256Aes256);
        assert_eq!(stored.protection_level, Some(ProtectionLevel::Software));
        assert_eq!(stored.expire_time, Some(datetime!(2026-12-01 10:15:02 UTC)));
        assert_eq!(read.sha256, Some(job.wrapping_key.sha256_hex()));
        assert_eq!(
            stored.expiry_words(NOW),
            "usable for 49 h 15 min (until 2026-12-01 10:15 UTC)"
        );
        assert!(stored.check_usable_at("kek-g", NOW).is_ok());
        let later = datetime!(2026-12-01 10:15:02 UTC);
        assert_eq!(
            stored.check_usable_at("kek-g", later).unwrap_err(),
            "The import job cosmian-job-1 (kek-g) expired at 2026-12-01 10:15 UTC (a job lasts 3 days), so Google would refuse this wrapped key: create a new import job, describe it and import it on the Google import page."
        );
        assert_eq!(stored.expiry_words(later), "expired 2026-12-01 10:15 UTC");
    }

    #[test]
    fn a_typed_in_job_has_no_level_or_expiry_tag() {
        let described = described();
        let pem = crate::domain::google::tests::b64(include_bytes!(
            "../../../tests/fixtures/rsa3072.spki.der"
        ));
        let job = ImportJob::from_parts(
            &pem,
            ImportMethod::RsaOaep3072Sha1Aes256,
            described.name.clone(),
        )
        .unwrap();
        let tags = google_job_tags(&job);
        assert_eq!(tags.len(), 4, "{tags:?}");
        let stored = read_google_job_tags(&tags).job_for_export("k").unwrap();
        assert_eq!(stored.method, ImportMethod::RsaOaep3072Sha1Aes256);
        assert_eq!(stored.protection_level, None);
        assert_eq!(stored.expire_time, None);
        assert!(stored.check_usable_at("k", NOW).is_ok());
        assert!(stored.expiry_words(NOW).starts_with("expiry not recorded"));
    }

    #[test]
    fn unusable_tags_are_refused_with_what_to_do() {
        let refusal = |tags: &[&str]| {
            read_google_job_tags(&strings(tags))
                .job_for_export("kek-1")
                .unwrap_err()
        };
        let job = format!("import_job:{NAME}");
        let method = "import_method:RSA_OAEP_4096_SHA1_AES_256";
        assert!(refusal(&[&job, method]).starts_with("kek-1 is not tagged \"google\""));
        assert!(refusal(&["google", method]).starts_with("kek-1 has no \"import_job:\" tag"));
        assert!(refusal(&["google", &job]).starts_with("kek-1 has no \"import_method:\" tag"));
        let message = refusal(&["google", "import_job:byok-ring/cosmian-job-1", method]);
        assert!(
            message.starts_with(
                "kek-1: the tag \"import_job:byok-ring/cosmian-job-1\" holds no import job name ("
            ),
            "{message}"
        );
        assert!(message.ends_with("from its describe output."), "{message}");
        let message = refusal(&["google", &job, "import_method:rsa-oaep-2048-sha1"]);
        assert!(
            message.starts_with("kek-1: the tag \"import_method:rsa-oaep-2048-sha1\": "),
            "{message}"
        );
        let message = refusal(&["google", &job, method, "expire_time:tomorrow"]);
        assert!(
            message.starts_with(
                "kek-1: the tag \"expire_time:tomorrow\": \"tomorrow\" is not an RFC 3339 time."
            ),
            "{message}"
        );
        // Both spellings of a method are read.
        let read = read_google_job_tags(&strings(&["google", &job, method]));
        assert_eq!(
            read.job_for_export("k").unwrap().method,
            ImportMethod::RsaOaep4096Sha1Aes256
        );
    }

    #[test]
    fn a_stored_job_is_the_same_by_name_and_fingerprint() {
        let job = described();
        let ours = read_google_job_tags(&google_job_tags(&job));
        assert_eq!(same_google_job(&ours, &job), Some(SameGoogleJob::Certainly));
        let other_key = ImportJob {
            wrapping_key: ImportJob::from_parts(
                include_str!("../../../tests/fixtures/rsa4096.spki.pem"),
                ImportMethod::RsaOaep4096Sha1Aes256,
                job.name.clone(),
            )
            .unwrap()
            .wrapping_key,
            ..job.clone()
        };
        assert_eq!(same_google_job(&ours, &other_key), None);
        let bare = read_google_job_tags(&strings(&["google", &format!("import_job:{NAME}")]));
        assert_eq!(same_google_job(&bare, &job), Some(SameGoogleJob::Possibly));
        let elsewhere = read_google_job_tags(&strings(&[
            "google",
            &format!("import_job:{}", NAME.replace("cosmian-job-1", "job-2")),
        ]));
        assert_eq!(same_google_job(&elsewhere, &job), None);
        let untagged = read_google_job_tags(&strings(&[&format!("import_job:{NAME}")]));
        assert_eq!(same_google_job(&untagged, &job), None);
    }
}
