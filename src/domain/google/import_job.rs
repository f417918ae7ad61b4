//! A Google Cloud KMS import job as `gcloud kms import-jobs describe --format
//! json` prints it (or its PEM typed in), checked usable before any wrap.

use serde::Deserialize;
use time::{Duration, OffsetDateTime};

use crate::domain::cloud::Cloud;
use crate::domain::google::import_method::ImportMethod;
use crate::domain::google::names::ImportJobName;
use crate::domain::google::protection_level::ProtectionLevel;
use crate::domain::stored::parse_rfc3339;
use crate::domain::time_display::{duration_words, utc_minutes};
use crate::domain::wrapping_key::{WrappingPublicKey, parse_pem_or_base64};

/// How long Google keeps an import job usable after creating it.
pub const IMPORT_JOB_LIFETIME: Duration = Duration::days(3);

/// An import job's `state`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportJobState {
    PendingGeneration,
    Active,
    Expired,
    /// A value this app does not know yet, kept as Google wrote it.
    Other(String),
}

impl ImportJobState {
    pub fn parse(name: &str) -> Self {
        match name {
            "PENDING_GENERATION" => Self::PendingGeneration,
            "ACTIVE" => Self::Active,
            "EXPIRED" => Self::Expired,
            other => Self::Other(other.to_owned()),
        }
    }

    pub fn api_name(&self) -> &str {
        match self {
            Self::PendingGeneration => "PENDING_GENERATION",
            Self::Active => "ACTIVE",
            Self::Expired => "EXPIRED",
            Self::Other(name) => name,
        }
    }
}

/// An ACTIVE import job whose wrapping key fits its method: what a wrap needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportJob {
    pub name: ImportJobName,
    pub method: ImportMethod,
    /// `None` when the job was typed in rather than described.
    pub protection_level: Option<ProtectionLevel>,
    pub create_time: Option<OffsetDateTime>,
    pub generate_time: Option<OffsetDateTime>,
    /// `None` when the job was typed in rather than described.
    pub expire_time: Option<OffsetDateTime>,
    /// The job's RSA public key, checked (SubjectPublicKeyInfo, RSA, the method's size).
    pub wrapping_key: WrappingPublicKey,
    /// The describe output carried an HSM `attestation` (not verified here).
    pub attested: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Raw {
    name: Option<String>,
    import_method: Option<String>,
    protection_level: Option<String>,
    state: Option<String>,
    create_time: Option<String>,
    generate_time: Option<String>,
    expire_time: Option<String>,
    public_key: Option<RawPublicKey>,
    attestation: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct RawPublicKey {
    pem: Option<String>,
}

const DESCRIBE: &str = "gcloud kms import-jobs describe … --format json";

impl ImportJob {
    /// Reads the describe output and refuses a job that cannot wrap at `now`:
    /// not ACTIVE, past its expireTime, or a public key that does not fit its method.
    pub fn parse_describe(json: &str, now: OffsetDateTime) -> Result<Self, String> {
        let raw = read_raw(json)?;
        let name = ImportJobName::parse(&required(raw.name, "name")?)?;
        let method = ImportMethod::parse(&required(raw.import_method, "importMethod")?)?;
        check_active(
            &ImportJobState::parse(&required(raw.state, "state")?),
            &name,
        )?;
        let expire_time = optional_time(raw.expire_time, "expireTime")?;
        check_not_expired(&name, expire_time, now)?;
        let pem = raw
            .public_key
            .and_then(|key| key.pem)
            .ok_or_else(|| missing("publicKey.pem"))?;
        Ok(Self {
            wrapping_key: checked_wrapping_key(&pem, method)?,
            protection_level: raw.protection_level.as_deref().map(ProtectionLevel::parse),
            create_time: optional_time(raw.create_time, "createTime")?,
            generate_time: optional_time(raw.generate_time, "generateTime")?,
            attested: raw.attestation.is_some_and(|a| !a.is_null()),
            name,
            method,
            expire_time,
        })
    }

    /// A job typed in part by part: its name, its method and its public key
    /// (PEM, as `publicKey.pem`); its level and expiry stay unknown.
    pub fn from_parts(
        pem: &str,
        method: ImportMethod,
        name: ImportJobName,
    ) -> Result<Self, String> {
        if pem.trim_start().starts_with('{') {
            return Err(format!(
                "This is JSON, not the public key: paste the whole output of {DESCRIBE} as the import job, or only its publicKey.pem here."
            ));
        }
        Ok(Self {
            wrapping_key: checked_wrapping_key(pem, method)?,
            protection_level: None,
            create_time: None,
            generate_time: None,
            expire_time: None,
            attested: false,
            name,
            method,
        })
    }

    /// How long the job stays usable after `now` (`None`: expiry unknown,
    /// `Some(zero or less)`: expired).
    pub fn time_left(&self, now: OffsetDateTime) -> Option<Duration> {
        self.expire_time.map(|expire| expire - now)
    }

    /// The time left as a person says it: "usable for 49 h 15 min", "expired 2 h ago";
    /// `None` when the expiry is unknown.
    pub fn time_left_words(&self, now: OffsetDateTime) -> Option<String> {
        self.time_left(now).map(|left| {
            if left > Duration::ZERO {
                format!("usable for {}", duration_words(left))
            } else {
                format!("expired {} ago", duration_words(-left))
            }
        })
    }

    /// Refuses the job once `now` is past its expireTime.
    pub fn check_usable_at(&self, now: OffsetDateTime) -> Result<(), String> {
        check_not_expired(&self.name, self.expire_time, now)
    }
}

/// What the import page reads: the whole describe output (it names its job, method and
/// level), or the job's public key PEM with its method and full name typed beside it.
pub fn read_pasted(
    text: &str,
    method: &str,
    name: &str,
    now: OffsetDateTime,
) -> Result<ImportJob, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(format!(
            "Paste the import job: the whole output of {DESCRIBE}, or its publicKey.pem with the method and the job's name."
        ));
    }
    if text.starts_with('{') {
        return ImportJob::parse_describe(text, now);
    }
    if method.trim().is_empty() {
        return Err(
            "With a PEM, choose the job's import method (importMethod in its describe output)."
                .to_owned(),
        );
    }
    let method = ImportMethod::parse(method)?;
    if name.trim().is_empty() {
        return Err(
            "With a PEM, type the job's full name: projects/<project>/locations/<location>/keyRings/<key ring>/importJobs/<job> (name in its describe output)."
                .to_owned(),
        );
    }
    let name = ImportJobName::parse(name.trim())?;
    ImportJob::from_parts(text, method, name)
}

fn read_raw(json: &str) -> Result<Raw, String> {
    let json = json.trim();
    if !json.starts_with('{') {
        return Err(format!(
            "This is not JSON: paste the whole output of {DESCRIBE} (without --format json gcloud prints YAML)."
        ));
    }
    serde_json::from_str(json).map_err(|e| {
        format!("The text starts like JSON but is not valid JSON ({e}): paste the whole output of {DESCRIBE}.")
    })
}

fn missing(member: &str) -> String {
    format!("The JSON has no \"{member}\": paste the whole output of {DESCRIBE}.")
}

fn required(value: Option<String>, member: &str) -> Result<String, String> {
    value.ok_or_else(|| missing(member))
}

fn optional_time(value: Option<String>, member: &str) -> Result<Option<OffsetDateTime>, String> {
    value
        .map(|text| parse_rfc3339(&text).map_err(|why| format!("{member}: {why}.")))
        .transpose()
}

fn check_active(state: &ImportJobState, name: &ImportJobName) -> Result<(), String> {
    let job = name.job();
    match state {
        ImportJobState::Active => Ok(()),
        ImportJobState::PendingGeneration => Err(format!(
            "The import job {job} is still generating its wrapping key (PENDING_GENERATION): wait a minute, then describe it again."
        )),
        ImportJobState::Expired => Err(format!(
            "The import job {job} has expired (EXPIRED: a job lasts 3 days): create a new import job."
        )),
        ImportJobState::Other(other) => Err(format!(
            "The import job {job} is {other}, not ACTIVE: create a new import job."
        )),
    }
}

fn check_not_expired(
    name: &ImportJobName,
    expire_time: Option<OffsetDateTime>,
    now: OffsetDateTime,
) -> Result<(), String> {
    match expire_time {
        Some(expire) if expire <= now => Err(format!(
            "The import job {} expired at {} (a job lasts 3 days): create a new import job.",
            name.job(),
            utc_minutes(expire)
        )),
        _ => Ok(()),
    }
}

/// The job's PEM read with the shared wrapping-key checks, then held to the method's size.
fn checked_wrapping_key(pem: &str, method: ImportMethod) -> Result<WrappingPublicKey, String> {
    let key = parse_pem_or_base64(pem, Cloud::Google)
        .map_err(|why| format!("The import job's public key is not usable: {why}"))?;
    let bits = key.spec.bits();
    if bits != method.rsa_bits() {
        return Err(format!(
            "The public key is RSA {bits}-bit but the import method {} uses a {}-bit key: paste the publicKey.pem of this same import job.",
            method.gcloud_name(),
            method.rsa_bits()
        ));
    }
    Ok(key)
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    macro_rules! fixture {
        ($name:literal) => {
            include_str!(concat!("../../../tests/fixtures/", $name))
        };
    }

    const NOW: OffsetDateTime = datetime!(2026-11-29 09:00 UTC);

    fn refused(json: &str, starts: &str) {
        let message = ImportJob::parse_describe(json, NOW).unwrap_err();
        assert!(
            message.starts_with(starts),
            "expected {starts:?}, got {message:?}"
        );
    }

    #[test]
    fn an_active_job_gives_its_checked_wrapping_key() {
        let job =
            ImportJob::parse_describe(fixture!("google/import-job-active.json"), NOW).unwrap();
        assert_eq!(job.name.job(), "cosmian-job-1");
        assert_eq!(job.name.key_ring().location(), "europe-west1");
        assert_eq!(job.method, ImportMethod::RsaOaep3072Sha256Aes256);
        assert_eq!(job.protection_level, Some(ProtectionLevel::Software));
        assert_eq!(
            job.wrapping_key.spki_der,
            include_bytes!("../../../tests/fixtures/rsa3072.spki.der")
        );
        assert_eq!(
            job.expire_time,
            Some(datetime!(2026-12-01 10:15:02.501183 UTC))
        );
        assert_eq!(
            job.create_time,
            Some(datetime!(2026-11-28 10:15:02.501183 UTC))
        );
        assert_eq!(
            job.generate_time,
            Some(datetime!(2026-11-28 10:15:04.114367 UTC))
        );
        assert!(!job.attested);
        assert_eq!(
            job.time_left(NOW),
            Some(Duration::days(2) + Duration::minutes(75) + Duration::microseconds(2_501_183))
        );
        let hsm =
            ImportJob::parse_describe(fixture!("google/import-job-active-hsm.json"), NOW).unwrap();
        assert_eq!(hsm.method, ImportMethod::RsaOaep4096Sha256);
        assert_eq!(hsm.protection_level, Some(ProtectionLevel::Hsm));
        assert_eq!(hsm.wrapping_key.spec.bits(), 4096);
        assert!(hsm.attested);
    }

    #[test]
    fn a_job_that_cannot_wrap_yet_or_any_more_is_refused_with_what_to_do() {
        assert_eq!(
            ImportJob::parse_describe(fixture!("google/import-job-pending.json"), NOW).unwrap_err(),
            "The import job cosmian-hsm-job is still generating its wrapping key (PENDING_GENERATION): wait a minute, then describe it again."
        );
        assert_eq!(
            ImportJob::parse_describe(fixture!("google/import-job-expired.json"), NOW).unwrap_err(),
            "The import job old-job has expired (EXPIRED: a job lasts 3 days): create a new import job."
        );
        let active = fixture!("google/import-job-active.json");
        refused(
            &active.replace("\"ACTIVE\"", "\"DELETED\""),
            "The import job cosmian-job-1 is DELETED, not ACTIVE: create a new import job.",
        );
        let later = datetime!(2026-12-01 10:16 UTC);
        assert_eq!(
            ImportJob::parse_describe(active, later).unwrap_err(),
            "The import job cosmian-job-1 expired at 2026-12-01 10:15 UTC (a job lasts 3 days): create a new import job."
        );
        let job = ImportJob::parse_describe(active, NOW).unwrap();
        assert!(job.check_usable_at(NOW).is_ok());
        assert!(job.check_usable_at(later).is_err());
    }

    #[test]
    fn a_key_of_another_size_or_kind_is_refused() {
        let active = fixture!("google/import-job-active.json");
        refused(
            &active.replace(
                "RSA_OAEP_3072_SHA256_AES_256",
                "RSA_OAEP_4096_SHA256_AES_256",
            ),
            "The public key is RSA 3072-bit but the import method rsa-oaep-4096-sha256-aes-256 uses a 4096-bit key: paste the publicKey.pem of this same import job.",
        );
        let ec = format!(
            "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
            crate::domain::google::tests::b64(include_bytes!(
                "../../../tests/fixtures/ec-p256.spki.der"
            ))
        );
        let name = ImportJobName::parse(
            "projects/byok-demo-471203/locations/europe-west1/keyRings/byok-ring/importJobs/j",
        )
        .unwrap();
        assert!(
            ImportJob::from_parts(&ec, ImportMethod::RsaOaep3072Sha1Aes256, name.clone())
                .unwrap_err()
                .starts_with("The import job's public key is not usable: This is an EC public key")
        );
        let rsa2048 = crate::domain::google::tests::b64(include_bytes!(
            "../../../tests/fixtures/rsa2048.spki.der"
        ));
        assert_eq!(
            ImportJob::from_parts(&rsa2048, ImportMethod::RsaOaep3072Sha1Aes256, name.clone())
                .unwrap_err(),
            "The public key is RSA 2048-bit but the import method rsa-oaep-3072-sha1-aes-256 uses a 3072-bit key: paste the publicKey.pem of this same import job."
        );
        assert!(
            ImportJob::from_parts(active, ImportMethod::RsaOaep3072Sha1Aes256, name.clone())
                .unwrap_err()
                .starts_with("This is JSON, not the public key")
        );
        let pem = include_str!("../../../tests/fixtures/rsa4096.spki.pem");
        let typed = ImportJob::from_parts(pem, ImportMethod::RsaOaep4096Sha256, name).unwrap();
        assert_eq!((&typed.protection_level, typed.expire_time), (&None, None));
        assert_eq!(typed.time_left(NOW), None);
        assert!(typed.check_usable_at(NOW).is_ok());
    }

    #[test]
    fn the_time_left_reads_like_a_person_would_say_it() {
        let job =
            ImportJob::parse_describe(fixture!("google/import-job-active.json"), NOW).unwrap();
        assert_eq!(
            job.time_left_words(NOW).as_deref(),
            Some("usable for 49 h 15 min")
        );
        let later = datetime!(2026-12-01 12:15 UTC);
        assert_eq!(
            job.time_left_words(later).as_deref(),
            Some("expired 1 h 59 min ago")
        );
    }

    #[test]
    fn a_refused_key_names_google_cloud_not_aws() {
        let name = ImportJobName::parse(
            "projects/byok-demo-471203/locations/europe-west1/keyRings/byok-ring/importJobs/j",
        )
        .unwrap();
        let pem = |der: &[u8]| {
            format!(
                "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
                crate::domain::google::tests::b64(der)
            )
        };
        assert_eq!(
            ImportJob::from_parts(
                &pem(include_bytes!("../../../tests/fixtures/ec-p256.spki.der")),
                ImportMethod::RsaOaep3072Sha256,
                name.clone()
            )
            .unwrap_err(),
            "The import job's public key is not usable: This is an EC public key; Google Cloud wrapping keys are RSA (3072 or 4096 bits, the import method's size)."
        );
        assert_eq!(
            ImportJob::from_parts(
                &pem(include_bytes!("../../../tests/fixtures/rsa1024.spki.der")),
                ImportMethod::RsaOaep3072Sha256,
                name.clone()
            )
            .unwrap_err(),
            "The import job's public key is not usable: This is an RSA 1024-bit key; Google Cloud wrapping keys are 3072 or 4096 bits (the import method's size)."
        );
        assert_eq!(
            ImportJob::from_parts(
                include_str!("../../../tests/fixtures/rsa2048.cert.pem"),
                ImportMethod::RsaOaep3072Sha256,
                name.clone()
            )
            .unwrap_err(),
            "The import job's public key is not usable: This is a certificate, not a public key: Google Cloud gives the wrapping key as a bare public key (the import job's publicKey.pem from gcloud kms import-jobs describe)."
        );
        assert_eq!(
            ImportJob::from_parts(" ", ImportMethod::RsaOaep3072Sha256, name).unwrap_err(),
            "The import job's public key is not usable: No wrapping key given: paste the import job's publicKey.pem from gcloud kms import-jobs describe."
        );
    }

    #[test]
    fn a_paste_that_is_not_the_describe_output_says_what_to_paste() {
        refused(
            "name: projects/p",
            "This is not JSON: paste the whole output of gcloud kms import-jobs describe … --format json (without --format json gcloud prints YAML).",
        );
        refused("{", "The text starts like JSON but is not valid JSON");
        refused(
            "{}",
            "The JSON has no \"name\": paste the whole output of gcloud kms import-jobs describe … --format json.",
        );
        let active = fixture!("google/import-job-active.json");
        refused(
            &active.replace("\"importMethod\"", "\"method\""),
            "The JSON has no \"importMethod\"",
        );
        refused(
            &active.replace("\"state\"", "\"status\""),
            "The JSON has no \"state\"",
        );
        refused(
            &active.replace("\"pem\"", "\"data\""),
            "The JSON has no \"publicKey.pem\"",
        );
        refused(
            &active.replace("2026-12-01T10:15:02.501183Z", "soon"),
            "expireTime: \"soon\" is not an RFC 3339 time.",
        );
        refused(
            &active.replace("importJobs/cosmian-job-1", "importJobs/cosmian job"),
            "The import job id \"cosmian job\" is not valid",
        );
        refused(
            &active.replace("RSA_OAEP_3072_SHA256_AES_256", "RSA_OAEP_2048"),
            "\"RSA_OAEP_2048\" is not a Cloud KMS import method",
        );
    }

    #[test]
    fn a_paste_is_the_describe_output_or_a_pem_with_method_and_name() {
        let active = fixture!("google/import-job-active.json");
        let job = read_pasted(active, "", "", NOW).unwrap();
        assert_eq!(job.method, ImportMethod::RsaOaep3072Sha256Aes256);
        let pem = crate::domain::google::tests::b64(include_bytes!(
            "../../../tests/fixtures/rsa3072.spki.der"
        ));
        let name = job.name.to_string();
        let typed = read_pasted(&pem, "rsa-oaep-3072-sha1-aes-256", &name, NOW).unwrap();
        assert_eq!(typed.method, ImportMethod::RsaOaep3072Sha1Aes256);
        assert_eq!(typed.name, job.name);
        assert_eq!(typed.expire_time, None);
        assert!(
            read_pasted(" ", "", "", NOW)
                .unwrap_err()
                .starts_with("Paste the import job")
        );
        assert!(
            read_pasted(&pem, "", &name, NOW)
                .unwrap_err()
                .starts_with("With a PEM, choose the job's import method")
        );
        assert!(
            read_pasted(&pem, "rsa-oaep-3072-sha256", " ", NOW)
                .unwrap_err()
                .starts_with("With a PEM, type the job's full name")
        );
        assert!(
            read_pasted(&pem, "rsa-oaep-4096-sha256", &name, NOW)
                .unwrap_err()
                .starts_with("The public key is RSA 3072-bit but the import method rsa-oaep-4096-sha256 uses a 4096-bit key")
        );
    }
}
