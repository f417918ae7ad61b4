//! Google Cloud KMS resource names (key ring, import job, crypto key, key
//! version), read and checked part by part so a refusal names the wrong part.

use std::fmt;

/// `projects/<project>/locations/<location>/keyRings/<key ring>`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct KeyRingName {
    project: String,
    location: String,
    key_ring: String,
}

/// `…/keyRings/<key ring>/importJobs/<import job>`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ImportJobName {
    key_ring: KeyRingName,
    job: String,
}

/// `…/keyRings/<key ring>/cryptoKeys/<key>`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CryptoKeyName {
    key_ring: KeyRingName,
    key: String,
}

/// `…/cryptoKeys/<key>/cryptoKeyVersions/<version>`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CryptoKeyVersionName {
    key: CryptoKeyName,
    version: u64,
}

impl KeyRingName {
    /// The three parts as a person types them, each checked.
    pub fn new(project: &str, location: &str, key_ring: &str) -> Result<Self, String> {
        check_project(project)?;
        check_location(location)?;
        check_id(IdKind::KeyRing, key_ring)?;
        Ok(Self {
            project: project.to_owned(),
            location: location.to_owned(),
            key_ring: key_ring.to_owned(),
        })
    }

    /// Reads `projects/<p>/locations/<l>/keyRings/<r>`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let parts = split(text, "a key ring", KEY_RING_SHAPE)?;
        match parts.as_slice() {
            [
                "projects",
                project,
                "locations",
                location,
                "keyRings",
                key_ring,
            ] => Self::new(project, location, key_ring),
            _ => Err(shape_refusal(text, "a key ring", KEY_RING_SHAPE)),
        }
    }

    pub fn project(&self) -> &str {
        &self.project
    }

    pub fn location(&self) -> &str {
        &self.location
    }

    pub fn key_ring(&self) -> &str {
        &self.key_ring
    }

    /// The import job `job` in this key ring.
    pub fn import_job(&self, job: &str) -> Result<ImportJobName, String> {
        check_id(IdKind::ImportJob, job)?;
        Ok(ImportJobName {
            key_ring: self.clone(),
            job: job.to_owned(),
        })
    }

    /// The crypto key `key` in this key ring.
    pub fn crypto_key(&self, key: &str) -> Result<CryptoKeyName, String> {
        check_id(IdKind::CryptoKey, key)?;
        Ok(CryptoKeyName {
            key_ring: self.clone(),
            key: key.to_owned(),
        })
    }

    /// The first part that differs from `other`, in words ("project
    /// byok-demo, not other-project"); `None` when both are the same key ring.
    pub fn difference(&self, other: &Self) -> Option<String> {
        [
            ("project", &self.project, &other.project),
            ("location", &self.location, &other.location),
            ("key ring", &self.key_ring, &other.key_ring),
        ]
        .into_iter()
        .find(|(_, ours, theirs)| ours != theirs)
        .map(|(part, ours, theirs)| format!("{part} {theirs}, not {ours}"))
    }
}

impl ImportJobName {
    /// Reads `projects/…/keyRings/<r>/importJobs/<j>`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let parts = split(text, "an import job", IMPORT_JOB_SHAPE)?;
        match parts.as_slice() {
            [ring @ .., "importJobs", job] if ring.len() == 6 => {
                KeyRingName::parse(&ring.join("/"))?.import_job(job)
            }
            _ => Err(shape_refusal(text, "an import job", IMPORT_JOB_SHAPE)),
        }
    }

    pub fn key_ring(&self) -> &KeyRingName {
        &self.key_ring
    }

    /// The import job's own id (`cosmian-job-1`).
    pub fn job(&self) -> &str {
        &self.job
    }
}

impl CryptoKeyName {
    /// Reads `projects/…/keyRings/<r>/cryptoKeys/<k>`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let parts = split(text, "a crypto key", CRYPTO_KEY_SHAPE)?;
        match parts.as_slice() {
            [ring @ .., "cryptoKeys", key] if ring.len() == 6 => {
                KeyRingName::parse(&ring.join("/"))?.crypto_key(key)
            }
            _ => Err(shape_refusal(text, "a crypto key", CRYPTO_KEY_SHAPE)),
        }
    }

    pub fn key_ring(&self) -> &KeyRingName {
        &self.key_ring
    }

    /// The key's own id (`payments-key`).
    pub fn key(&self) -> &str {
        &self.key
    }

    /// Version `version` of this key (Google numbers them from 1).
    pub fn version(&self, version: u64) -> Result<CryptoKeyVersionName, String> {
        if version == 0 {
            return Err(
                "Key version 0 does not exist: Google numbers a key's versions from 1.".to_owned(),
            );
        }
        Ok(CryptoKeyVersionName {
            key: self.clone(),
            version,
        })
    }
}

impl CryptoKeyVersionName {
    /// Reads `projects/…/cryptoKeys/<k>/cryptoKeyVersions/<n>`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let parts = split(text, "a key version", VERSION_SHAPE)?;
        match parts.as_slice() {
            [key @ .., "cryptoKeyVersions", version] if key.len() == 8 => {
                let number = version.parse::<u64>().map_err(|_| {
                    format!(
                        "The key version \"{version}\" is not a number: Google numbers a key's versions 1, 2, 3…"
                    )
                })?;
                CryptoKeyName::parse(&key.join("/"))?.version(number)
            }
            _ => Err(shape_refusal(text, "a key version", VERSION_SHAPE)),
        }
    }

    pub fn crypto_key(&self) -> &CryptoKeyName {
        &self.key
    }

    /// The version's number (`1`, `2`, …).
    pub fn version(&self) -> u64 {
        self.version
    }
}

impl fmt::Display for KeyRingName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "projects/{}/locations/{}/keyRings/{}",
            self.project, self.location, self.key_ring
        )
    }
}

impl fmt::Display for ImportJobName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/importJobs/{}", self.key_ring, self.job)
    }
}

impl fmt::Display for CryptoKeyName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/cryptoKeys/{}", self.key_ring, self.key)
    }
}

impl fmt::Display for CryptoKeyVersionName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/cryptoKeyVersions/{}", self.key, self.version)
    }
}

const KEY_RING_SHAPE: &str = "projects/<project>/locations/<location>/keyRings/<key ring>";
const IMPORT_JOB_SHAPE: &str =
    "projects/<project>/locations/<location>/keyRings/<key ring>/importJobs/<import job>";
const CRYPTO_KEY_SHAPE: &str =
    "projects/<project>/locations/<location>/keyRings/<key ring>/cryptoKeys/<key>";
const VERSION_SHAPE: &str = "projects/<project>/locations/<location>/keyRings/<key ring>/cryptoKeys/<key>/cryptoKeyVersions/<number>";

/// The name's parts between slashes, refused when empty.
fn split<'a>(text: &'a str, what: &str, shape: &str) -> Result<Vec<&'a str>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(format!("No name given for {what}: write it as {shape}."));
    }
    Ok(text.split('/').collect())
}

fn shape_refusal(text: &str, what: &str, shape: &str) -> String {
    format!(
        "\"{}\" is not the name of {what}: write it as {shape}, as gcloud prints it in \"name\".",
        text.trim()
    )
}

/// A project id (6–30 lower-case letters, digits and hyphens, starting with
/// a letter, not ending with a hyphen), an older domain-scoped id
/// (`example.com:my-project`), or a project number.
pub fn check_project(project: &str) -> Result<(), String> {
    let refuse = |why: &str| {
        Err(format!(
            "The project \"{project}\" is not a Google Cloud project id: {why}. Write it as the console's project picker shows it, such as my-project-123."
        ))
    };
    if project.is_empty() {
        return refuse("it is empty");
    }
    if project.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(());
    }
    let id = match project.split_once(':') {
        Some((domain, id)) => {
            let domain_ok = !domain.is_empty()
                && domain
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-.".contains(&b));
            if !domain_ok {
                return refuse("the part before ':' is not a domain name");
            }
            id
        }
        None => project,
    };
    if !(6..=30).contains(&id.len()) {
        return refuse(&format!("it has {} characters, not 6 to 30", id.len()));
    }
    if let Some(c) = id
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        return refuse(&format!(
            "'{c}' is not allowed (lower-case letters, digits and hyphens only)"
        ));
    }
    if !id.starts_with(|c: char| c.is_ascii_lowercase()) {
        return refuse("it must start with a lower-case letter");
    }
    if id.ends_with('-') {
        return refuse("it must not end with a hyphen");
    }
    Ok(())
}

/// A Cloud KMS location: `global`, a multi-region (`us`, `europe`,
/// `nam-eur-asia1`) or a region (`europe-west1`).
pub fn check_location(location: &str) -> Result<(), String> {
    let refuse = |why: &str| {
        Err(format!(
            "The location \"{location}\" is not a Cloud KMS location: {why}. Write one such as global, us, europe or europe-west1."
        ))
    };
    if location.is_empty() {
        return refuse("it is empty");
    }
    if location.len() > 63 {
        return refuse("it is longer than 63 characters");
    }
    if let Some(c) = location
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        return refuse(&format!(
            "'{c}' is not allowed (lower-case letters, digits and hyphens only)"
        ));
    }
    if !location.starts_with(|c: char| c.is_ascii_lowercase()) {
        return refuse("it must start with a lower-case letter");
    }
    if location.ends_with('-') || location.contains("--") {
        return refuse("it has an empty part (one hyphen between parts, none at the end)");
    }
    Ok(())
}

/// Which id a refusal is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdKind {
    KeyRing,
    CryptoKey,
    ImportJob,
}

impl IdKind {
    fn words(self) -> &'static str {
        match self {
            Self::KeyRing => "key ring",
            Self::CryptoKey => "key",
            Self::ImportJob => "import job",
        }
    }
}

/// A key ring, key or import job id: 1–63 letters, digits, `_` and `-`.
pub fn check_id(kind: IdKind, id: &str) -> Result<(), String> {
    let what = kind.words();
    let refuse = |why: String| {
        Err(format!(
            "The {what} id \"{id}\" is not valid: {why}. Use 1 to 63 letters, digits, '_' or '-'."
        ))
    };
    if id.is_empty() {
        return refuse("it is empty".to_owned());
    }
    if id.len() > 63 {
        return refuse(format!("it has {} characters", id.len()));
    }
    if let Some(c) = id
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'))
    {
        return refuse(format!("'{c}' is not allowed"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const RING: &str = "projects/byok-demo-471203/locations/europe-west1/keyRings/byok-ring";

    #[test]
    fn every_name_reads_back_as_written() {
        let ring = KeyRingName::parse(RING).unwrap();
        assert_eq!(
            (ring.project(), ring.location(), ring.key_ring()),
            ("byok-demo-471203", "europe-west1", "byok-ring")
        );
        assert_eq!(ring.to_string(), RING);
        let job = format!("{RING}/importJobs/cosmian-job-1");
        assert_eq!(ImportJobName::parse(&job).unwrap().to_string(), job);
        assert_eq!(ImportJobName::parse(&job).unwrap().job(), "cosmian-job-1");
        let key = format!("{RING}/cryptoKeys/payments_key");
        assert_eq!(CryptoKeyName::parse(&key).unwrap().key(), "payments_key");
        let version = format!("{key}/cryptoKeyVersions/12");
        let parsed = CryptoKeyVersionName::parse(&version).unwrap();
        assert_eq!(parsed.version(), 12);
        assert_eq!(parsed.crypto_key().key_ring(), &ring);
        assert_eq!(parsed.to_string(), version);
        assert!(
            KeyRingName::parse("projects/example.com:my-project/locations/global/keyRings/r")
                .is_ok()
        );
        assert!(KeyRingName::parse("projects/123456789012/locations/us/keyRings/r").is_ok());
    }

    #[test]
    fn a_wrong_shape_says_how_to_write_it() {
        assert_eq!(
            KeyRingName::parse("").unwrap_err(),
            "No name given for a key ring: write it as projects/<project>/locations/<location>/keyRings/<key ring>."
        );
        assert_eq!(
            ImportJobName::parse(&format!("{RING}/cryptoKeys/k")).unwrap_err(),
            format!(
                "\"{RING}/cryptoKeys/k\" is not the name of an import job: write it as {IMPORT_JOB_SHAPE}, as gcloud prints it in \"name\"."
            )
        );
        assert!(
            CryptoKeyName::parse("projects/p/keyRings/r/cryptoKeys/k")
                .unwrap_err()
                .contains("is not the name of a crypto key")
        );
        assert_eq!(
            CryptoKeyVersionName::parse(&format!("{RING}/cryptoKeys/k/cryptoKeyVersions/one"))
                .unwrap_err(),
            "The key version \"one\" is not a number: Google numbers a key's versions 1, 2, 3…"
        );
        assert_eq!(
            CryptoKeyVersionName::parse(&format!("{RING}/cryptoKeys/k/cryptoKeyVersions/0"))
                .unwrap_err(),
            "Key version 0 does not exist: Google numbers a key's versions from 1."
        );
    }

    #[test]
    fn each_refusal_names_the_wrong_part() {
        let ring = |p: &str, l: &str, r: &str| KeyRingName::new(p, l, r).unwrap_err();
        assert_eq!(
            ring("byok", "global", "r"),
            "The project \"byok\" is not a Google Cloud project id: it has 4 characters, not 6 to 30. Write it as the console's project picker shows it, such as my-project-123."
        );
        assert!(ring("", "global", "r").contains("it is empty"));
        assert!(ring(&"a".repeat(31), "global", "r").contains("31 characters, not 6 to 30"));
        assert!(ring("My-Project", "global", "r").contains("'M' is not allowed"));
        assert!(ring("1project", "global", "r").contains("must start with a lower-case letter"));
        assert!(ring("project-", "global", "r").contains("must not end with a hyphen"));
        assert!(ring("Ex.com:my-project", "global", "r").contains("not a domain name"));
        assert_eq!(
            ring("my-project", "Europe-West1", "r"),
            "The location \"Europe-West1\" is not a Cloud KMS location: 'E' is not allowed (lower-case letters, digits and hyphens only). Write one such as global, us, europe or europe-west1."
        );
        assert!(ring("my-project", "", "r").contains("it is empty"));
        assert!(ring("my-project", "1us", "r").contains("must start with a lower-case letter"));
        assert!(ring("my-project", "europe--west1", "r").contains("empty part"));
        assert!(ring("my-project", &"a".repeat(64), "r").contains("longer than 63"));
        assert_eq!(
            ring("my-project", "global", "my ring"),
            "The key ring id \"my ring\" is not valid: ' ' is not allowed. Use 1 to 63 letters, digits, '_' or '-'."
        );
        assert!(
            ring("my-project", "global", "").contains("key ring id \"\" is not valid: it is empty")
        );
        let good = KeyRingName::new("my-project", "global", "ring").unwrap();
        assert!(
            good.crypto_key(&"k".repeat(64))
                .unwrap_err()
                .starts_with("The key id \"kkkk")
        );
        assert!(good.crypto_key(&"k".repeat(63)).is_ok());
        assert!(
            good.import_job("job.1")
                .unwrap_err()
                .starts_with("The import job id \"job.1\" is not valid: '.' is not allowed")
        );
    }

    #[test]
    fn the_first_different_part_is_named() {
        let ours = KeyRingName::new("my-project", "global", "ring").unwrap();
        assert_eq!(ours.difference(&ours), None);
        let theirs = KeyRingName::new("my-project", "us", "ring").unwrap();
        assert_eq!(
            ours.difference(&theirs).as_deref(),
            Some("location us, not global")
        );
        let theirs = KeyRingName::new("other-project", "us", "ring").unwrap();
        assert_eq!(
            ours.difference(&theirs).as_deref(),
            Some("project other-project, not my-project")
        );
    }
}
