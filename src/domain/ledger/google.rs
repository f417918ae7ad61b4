//! A Google Cloud copy in the shared ledger: the wrapped key exported for a Cloud KMS
//! import job, the key and version it became, and what gcloud's own JSON said since,
//! checked to be about it.
//!
//! Kept on the same KMS key as the AWS entries and Azure copies but in a document of its
//! own (`google/stored.rs`, `byok-google-copy/1`), so theirs stay byte for byte as they were.

mod stored;

#[cfg(test)]
mod golden;

pub use stored::{
    GOOGLE_ATTRIBUTE_PREFIX, GOOGLE_FORMAT, google_attribute_name, is_google_attribute,
};

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;

use super::{CloudCopy, LedgerState, by_words, whole_seconds};
use crate::domain::account::UserId;
use crate::domain::cloud::Cloud;
use crate::domain::google::algorithm::GoogleAlgorithm;
use crate::domain::google::command::ImportVersion;
use crate::domain::google::names::{CryptoKeyName, CryptoKeyVersionName, ImportJobName};
use crate::domain::google::outputs::{KeyVersion, VersionAlgorithm, VersionState};
use crate::domain::google::protection_level::ProtectionLevel;
use crate::domain::time_display::utc_minutes;

/// One Google Cloud copy of a KMS key's material. Its serde derive is the stored
/// JSON, written after `format` ([`GoogleCopy::to_attribute_value`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GoogleCopy {
    /// Unique per export, `[A-Za-z0-9_]`, sorts by time (`ledger::new_entry_id`).
    pub id: String,
    /// The version's algorithm in Cloud KMS (`EC_SIGN_P256_SHA256`, `AES_256_GCM`, …).
    #[serde(with = "stored::algorithm")]
    pub algorithm: GoogleAlgorithm,
    /// The key's protection level (the job's: Google imports only into a key of the
    /// job's level); `None` when the job was typed in without it.
    #[serde(with = "stored::protection_level")]
    pub protection_level: Option<ProtectionLevel>,
    /// The import job the material is wrapped for.
    #[serde(with = "stored::import_job")]
    pub import_job: ImportJobName,
    /// The Cloud KMS key: from the import command copied, or the first output naming it.
    #[serde(with = "stored::key")]
    pub key: Option<CryptoKeyName>,
    /// The key version Google's output named, once confirmed.
    #[serde(with = "stored::version")]
    pub version: Option<CryptoKeyVersionName>,
    #[serde(with = "stored::recorded_at")]
    pub recorded_at: OffsetDateTime,
    /// Who exported it, as the KMS named them; not written when unknown.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "stored::recorded_by"
    )]
    pub recorded_by: Option<UserId>,
    /// What was exported; `None` is kept for a copy registered from outside (not made yet).
    pub export: Option<GoogleExport>,
    /// The `gcloud kms keys versions import` options, once the command is copied.
    pub command: Option<GoogleCommand>,
    /// What Google's outputs said since, oldest first.
    #[serde(with = "stored::events")]
    pub events: Vec<GoogleEvent>,
    /// Top-level members a newer writer added, kept and written back verbatim.
    #[serde(flatten)]
    pub preserved: BTreeMap<String, Value>,
}

/// The wrapped export: the wrapped key file and the import job whose key wrapped it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoogleExport {
    /// The KMS id of the job's wrapping key.
    pub kek_id: String,
    /// The job, as its wrapping key's `import_job:` tag names it.
    #[serde(rename = "import_job", with = "stored::export_import_job")]
    pub import_job: ImportJobName,
    /// SHA-256 of the wrapping key's SPKI DER when its `kek_sha256:` tag says.
    #[serde(with = "stored::kek_sha256")]
    pub kek_sha256: Option<String>,
    /// SHA-256 of the wrapped key file's bytes, lower-case hex.
    #[serde(with = "stored::wrapped_sha256")]
    pub wrapped_sha256: String,
    /// Members a newer writer added.
    #[serde(flatten)]
    pub preserved: BTreeMap<String, Value>,
}

/// The options of the `gcloud kms keys versions import` command the user copied.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoogleCommand {
    /// `--key` with `--keyring`, `--location`, `--project`.
    #[serde(rename = "key", with = "stored::command_key")]
    pub key: CryptoKeyName,
    /// `--wrapped-key-file`, as the command names it.
    pub wrapped_key_file: String,
    /// `--version`: the material re-imported into this existing version; `None`, a new one.
    pub target_version: Option<u64>,
    /// Members a newer writer added.
    #[serde(flatten)]
    pub preserved: BTreeMap<String, Value>,
}

impl GoogleCommand {
    /// The options of the command the user was given.
    pub fn from_options(import: &ImportVersion) -> Self {
        Self {
            key: import.key.clone(),
            wrapped_key_file: import.wrapped_key_file.clone(),
            target_version: import.target_version,
            preserved: BTreeMap::new(),
        }
    }
}

/// Something Google's output said about the copy.
#[derive(Clone, Debug, PartialEq)]
pub struct GoogleEvent {
    pub at: OffsetDateTime,
    pub kind: GoogleEventKind,
    pub by: Option<UserId>,
    /// Members a newer writer added to a known event.
    pub preserved: BTreeMap<String, Value>,
}

/// What an event says.
#[derive(Clone, Debug, PartialEq)]
pub enum GoogleEventKind {
    /// `gcloud kms keys versions import` (or `describe`) printed this version of this
    /// copy's key, imported with its job, in this state: Google holds the copy.
    Confirmed {
        version: CryptoKeyVersionName,
        state: VersionState,
        /// `importTime`, when Google gave it.
        import_time: Option<OffsetDateTime>,
    },
    /// A kind a newer writer added: kept verbatim (the whole event).
    Unrecognised(Value),
}

impl GoogleCopy {
    /// A new copy for a wrapped key exported now by `by`.
    pub fn exported(
        id: String,
        algorithm: GoogleAlgorithm,
        protection_level: Option<ProtectionLevel>,
        export: GoogleExport,
        now: OffsetDateTime,
        by: &UserId,
    ) -> Self {
        Self {
            id,
            algorithm,
            protection_level,
            import_job: export.import_job.clone(),
            key: None,
            version: None,
            recorded_at: whole_seconds(now),
            recorded_by: Some(by.clone()),
            export: Some(export),
            command: None,
            events: Vec::new(),
            preserved: BTreeMap::new(),
        }
    }

    /// The key, from the output or the command (`None` until either names it).
    pub fn crypto_key(&self) -> Option<&CryptoKeyName> {
        self.key.as_ref().or(self.command.as_ref().map(|c| &c.key))
    }

    /// Records the options of the command copied (its key becomes the copy's until an
    /// output names the version).
    pub fn set_command(&mut self, command: GoogleCommand) {
        if self.version.is_none() {
            self.key = Some(command.key.clone());
        }
        self.command = Some(command);
    }

    /// Where the copy is: the version's full name, as far as known.
    pub fn place(&self) -> String {
        match (&self.version, self.crypto_key()) {
            (Some(version), _) => version.to_string(),
            (None, Some(key)) => format!("{key} (version not known yet)"),
            (None, None) => format!(
                "{} (key not known yet, import job {})",
                self.import_job.key_ring(),
                self.import_job.job()
            ),
        }
    }

    /// Always `None`: a Cloud KMS key version has no expiry of its own (it lives until
    /// destroyed). The import job's expiry (3 days) matters only before the import:
    /// the export refuses an expired job, and Google refuses a wrapped key whose job
    /// has expired, so it is not the copy's.
    pub fn expires(&self) -> Option<OffsetDateTime> {
        None
    }

    /// The state Google's latest confirmation gave (`ENABLED`, `DISABLED`, …), if any.
    pub fn google_state(&self) -> Option<&VersionState> {
        self.events.iter().rev().find_map(|e| match &e.kind {
            GoogleEventKind::Confirmed { state, .. } => Some(state),
            GoogleEventKind::Unrecognised(_) => None,
        })
    }

    /// Exported (nothing confirmed) or imported (Google's output named it, ENABLED);
    /// never expired ([`GoogleCopy::expires`]).
    pub fn state(&self, _now: OffsetDateTime) -> LedgerState {
        if self.google_state().is_some() {
            LedgerState::Imported
        } else {
            LedgerState::Exported
        }
    }

    /// Whether a pasted output is about this copy: its key (any, until one is known),
    /// imported with its job, of its algorithm and protection level, the version already
    /// confirmed, and ENABLED for a first confirmation (a later one records any state).
    /// Gives the key; a refusal says what differs and what to paste.
    pub fn check_output(&self, output: &KeyVersion) -> Result<CryptoKeyName, String> {
        let theirs = output.name.crypto_key();
        let key = self.crypto_key().unwrap_or(theirs).clone();
        output.check_about(&key, Some(&self.import_job))?;
        match &output.algorithm {
            Some(VersionAlgorithm::Known(algorithm)) if *algorithm == self.algorithm => {}
            Some(other) => {
                let name = match other {
                    VersionAlgorithm::Known(algorithm) => algorithm.api_name(),
                    VersionAlgorithm::Other(name) => name.clone(),
                };
                return Err(format!(
                    "This output is about a version of algorithm {name}, but this copy was exported for {}: paste the output about {key}.",
                    self.algorithm.api_name()
                ));
            }
            None => {}
        }
        if let (Some(ours), Some(theirs)) = (&self.protection_level, &output.protection_level)
            && ours != theirs
        {
            return Err(format!(
                "This output is about a version protected at level {theirs}, but this copy's import job is {ours}: paste the output about {key}."
            ));
        }
        if let Some(version) = &self.version
            && version != &output.name
        {
            return Err(format!(
                "This output is for version {} of {}, but this copy is version {}: another import into the same key made a new version. To confirm this copy, paste the output of gcloud kms keys versions describe {} for {key}.",
                output.name.version(),
                key.key(),
                version.version(),
                version.version()
            ));
        }
        if self.version.is_none() {
            output.check_imported()?;
        }
        Ok(key)
    }

    /// Checks a pasted output is about this copy ([`GoogleCopy::check_output`]), then
    /// records it as a confirmation by `by` at `now`; refused, nothing changes.
    pub fn confirm(
        &mut self,
        output: &KeyVersion,
        now: OffsetDateTime,
        by: &UserId,
    ) -> Result<(), String> {
        let key = self.check_output(output)?;
        self.key = Some(key);
        self.version = Some(output.name.clone());
        self.events.push(GoogleEvent {
            at: whole_seconds(now),
            kind: GoogleEventKind::Confirmed {
                version: output.name.clone(),
                state: output.state.clone(),
                import_time: output.import_time.map(whole_seconds),
            },
            by: Some(by.clone()),
            preserved: BTreeMap::new(),
        });
        Ok(())
    }

    /// "Recorded 2026-12-06 21:06 UTC by alice@example.com".
    pub fn recorded_line(&self) -> String {
        format!(
            "Recorded {}{}",
            utc_minutes(self.recorded_at),
            by_words(self.recorded_by.as_ref(), "user unknown")
        )
    }
}

impl GoogleEvent {
    /// "2026-12-06 21:10 UTC: Google confirmed projects/…/cryptoKeyVersions/1 (ENABLED) by bob".
    pub fn line(&self) -> String {
        let what = match &self.kind {
            GoogleEventKind::Confirmed {
                version,
                state,
                import_time,
            } => format!(
                "Google confirmed {version}, {}{}",
                state.api_name(),
                import_time.map_or(String::new(), |t| format!(", imported {}", utc_minutes(t)))
            ),
            GoogleEventKind::Unrecognised(raw) => format!(
                "{} (recorded by a newer version of this app)",
                raw.get("kind")
                    .and_then(Value::as_str)
                    .unwrap_or("an event")
            ),
        };
        format!(
            "{}: {what}{}",
            utc_minutes(self.at),
            by_words(self.by.as_ref(), "user unknown")
        )
    }
}

impl CloudCopy for GoogleCopy {
    const CLOUD: Cloud = Cloud::Google;
    const FILE: &'static str = "wrapped key file";
    const CONFIRMED_BY: &'static str = "gcloud kms keys versions import";
    const COMMAND_RECORDS: &'static str = "its key and wrapped key file";
    type Output = KeyVersion;
    type Command = GoogleCommand;

    fn read_output(text: &str) -> Result<KeyVersion, String> {
        KeyVersion::parse(text)
    }
    fn check_about(&self, output: &KeyVersion) -> Result<(), String> {
        self.check_output(output).map(drop)
    }
    fn record_output(
        &mut self,
        output: &KeyVersion,
        now: OffsetDateTime,
        by: &UserId,
    ) -> Result<(), String> {
        self.confirm(output, now, by)
    }
    fn record_command(&mut self, command: GoogleCommand) {
        self.set_command(command);
    }

    fn id(&self) -> &str {
        &self.id
    }
    fn stored_name_of(id: &str) -> String {
        google_attribute_name(id)
    }
    fn is_stored_name(name: &str) -> bool {
        is_google_attribute(name)
    }
    fn read_stored(name: &str, value: &str) -> Result<Self, String> {
        Self::from_attribute(name, value)
    }
    fn stored_value(&self) -> String {
        self.to_attribute_value()
    }
    fn place(&self) -> String {
        GoogleCopy::place(self)
    }
    fn destination(&self) -> String {
        format!("import job {}", self.import_job)
    }
    fn kind_words(&self) -> String {
        self.algorithm.api_name().to_owned()
    }
    fn recorded_by(&self) -> Option<&UserId> {
        self.recorded_by.as_ref()
    }
    fn expires(&self) -> Option<OffsetDateTime> {
        GoogleCopy::expires(self)
    }
    fn state(&self, now: OffsetDateTime) -> LedgerState {
        GoogleCopy::state(self, now)
    }
    /// A key version has none: it lives until destroyed ([`GoogleCopy::expires`]).
    fn expiry_words(&self, _now: OffsetDateTime) -> String {
        NO_EXPIRY.to_owned()
    }
}

/// Why the ledger shows no expiry for a Google Cloud copy.
pub const NO_EXPIRY: &str = "no expiry: a Cloud KMS key version lives until it is destroyed (the import job's 3 days mattered only until the import)";

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;
    use crate::domain::google::names::KeyRingName;
    use crate::domain::ledger::LedgerFilter;
    macro_rules! fixture {
        ($name:literal) => {
            include_str!(concat!("../../../tests/fixtures/google/", $name))
        };
    }

    fn ring() -> KeyRingName {
        KeyRingName::new("byok-demo-471203", "europe-west1", "byok-ring").unwrap()
    }

    fn copy() -> GoogleCopy {
        GoogleCopy::exported(
            "20261201T093000123Z_a1b2c3d4e5f6".into(),
            GoogleAlgorithm::GoogleSymmetricEncryption,
            Some(ProtectionLevel::Software),
            GoogleExport {
                kek_id: "job-kek-1".into(),
                import_job: ring().import_job("cosmian-job-1").unwrap(),
                kek_sha256: None,
                wrapped_sha256: "ab".repeat(32),
                preserved: BTreeMap::new(),
            },
            datetime!(2026-12-01 09:30:00.5 UTC),
            &UserId::new("alice").unwrap(),
        )
    }

    fn enabled() -> KeyVersion {
        KeyVersion::parse(fixture!("key-version-enabled.json")).unwrap()
    }

    #[test]
    fn an_output_about_this_copy_confirms_it_with_its_version_and_state() {
        let mut copy = copy();
        let now = datetime!(2026-12-02 10:00 UTC);
        assert_eq!(copy.state(now), LedgerState::Exported);
        assert!(copy.kept_by(LedgerFilter::Unconfirmed, now));
        assert_eq!(
            copy.place(),
            "projects/byok-demo-471203/locations/europe-west1/keyRings/byok-ring (key not known yet, import job cosmian-job-1)"
        );
        copy.confirm(&enabled(), now, &UserId::new("bob").unwrap())
            .unwrap();
        assert_eq!(copy.state(now), LedgerState::Imported);
        assert_eq!(copy.google_state(), Some(&VersionState::Enabled));
        assert_eq!(copy.crypto_key().unwrap().key(), "payments-key");
        assert_eq!(copy.place(), enabled().name.to_string());
        assert_eq!(copy.expires(), None);
        assert_eq!(
            copy.state(datetime!(2099-01-01 00:00 UTC)),
            LedgerState::Imported
        );
        assert!(!copy.kept_by(LedgerFilter::Expiring, now));
        assert!(!copy.kept_by(LedgerFilter::Unconfirmed, now));
        assert!(copy.kept_by(LedgerFilter::All, now));
        let line = copy.events[0].line();
        assert!(line.contains("Google confirmed projects/"), "{line}");
        assert!(
            line.contains("cryptoKeyVersions/1, ENABLED, imported 2026-11-28 10:31 UTC by bob"),
            "{line}"
        );
        let mut disabled = enabled();
        disabled.state = VersionState::Disabled;
        copy.confirm(&disabled, now, &UserId::new("bob").unwrap())
            .unwrap();
        assert_eq!(copy.google_state(), Some(&VersionState::Disabled));
    }

    #[test]
    fn another_keys_output_is_refused_and_changes_nothing() {
        let mut copy = copy();
        copy.set_command(GoogleCommand {
            key: ring().crypto_key("payments-key").unwrap(),
            wrapped_key_file: "wrapped.bin".into(),
            target_version: None,
            preserved: BTreeMap::new(),
        });
        let before = copy.clone();
        let now = datetime!(2026-12-02 10:00 UTC);
        let by = UserId::new("bob").unwrap();
        let refuse = |copy: &mut GoogleCopy, text: String| {
            copy.confirm(&KeyVersion::parse(&text).unwrap(), now, &by)
                .unwrap_err()
        };
        let json = fixture!("key-version-enabled.json");
        let refused = refuse(
            &mut copy,
            json.replace("cryptoKeys/payments-key", "cryptoKeys/other-key"),
        );
        assert!(
            refused.contains("about key other-key, not payments-key"),
            "{refused}"
        );
        let refused = refuse(&mut copy, json.replace("europe-west1", "us"));
        assert!(
            refused.contains("location us, not europe-west1"),
            "{refused}"
        );
        let refused = refuse(
            &mut copy,
            json.replace("importJobs/cosmian-job-1", "importJobs/cosmian-job-2"),
        );
        assert!(refused.contains("import job"), "{refused}");
        assert!(refused.contains("cosmian-job-2, not"), "{refused}");
        let refused = refuse(
            &mut copy,
            json.replace("GOOGLE_SYMMETRIC_ENCRYPTION", "AES_256_GCM"),
        );
        assert!(
            refused.contains(
                "algorithm AES_256_GCM, but this copy was exported for GOOGLE_SYMMETRIC_ENCRYPTION"
            ),
            "{refused}"
        );
        let refused = refuse(&mut copy, json.replace("\"SOFTWARE\"", "\"HSM\""));
        assert!(
            refused.contains("level HSM, but this copy's import job is SOFTWARE"),
            "{refused}"
        );
        let refused = refuse(&mut copy, fixture!("key-version-import.json").to_owned());
        assert!(refused.contains("PENDING_IMPORT"), "{refused}");
        assert_eq!(copy, before);
        copy.confirm(&enabled(), now, &by).unwrap();
        let refused = refuse(
            &mut copy,
            json.replace("cryptoKeyVersions/1", "cryptoKeyVersions/2"),
        );
        assert!(
            refused.contains("another import into the same key made a new version"),
            "{refused}"
        );
        assert_eq!(copy.events.len(), 1);
    }

    #[test]
    fn only_google_copy_names_are_google_attributes() {
        assert_eq!(
            google_attribute_name("a_1"),
            format!("{GOOGLE_ATTRIBUTE_PREFIX}a_1")
        );
        assert!(is_google_attribute(&google_attribute_name("a_1")));
        assert!(!is_google_attribute(&google_attribute_name("a-1")));
        assert!(!is_google_attribute(&google_attribute_name("")));
        assert!(!is_google_attribute(
            &crate::domain::ledger::azure::azure_attribute_name("a_1")
        ));
        assert!(!is_google_attribute(
            &crate::domain::ledger::attribute_name("a_1")
        ));
    }

    #[test]
    fn the_command_gives_the_key_until_google_speaks() {
        let mut copy = copy();
        let import = ImportVersion {
            key: ring().crypto_key("k1").unwrap(),
            job: copy.import_job.clone(),
            algorithm: GoogleAlgorithm::RawAes {
                bits: 256,
                mode: crate::domain::google::algorithm::AesMode::Gcm,
            },
            wrapped_key_file: "k1.wrapped".into(),
            target_version: Some(3),
        };
        copy.set_command(GoogleCommand::from_options(&import));
        assert_eq!(copy.crypto_key().unwrap().key(), "k1");
        assert_eq!(copy.command.as_ref().unwrap().target_version, Some(3));
        assert!(
            copy.place()
                .ends_with("/cryptoKeys/k1 (version not known yet)")
        );
        assert_eq!(copy.expires(), None);
    }
}
