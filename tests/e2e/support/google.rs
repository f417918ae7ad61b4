//! Google Cloud KMS for the tests: import jobs as `gcloud kms import-jobs describe` prints them
//! (built here from a fresh RSA key pair), job wrapping keys seeded through KMIP with the tags
//! written by hand, and the Google pages' label and role locators.

use std::time::{Duration, Instant};

use byok_ui::domain::stored::rfc3339;
use byok_ui::routes::Page;
use rsa::RsaPrivateKey;
use rsa::pkcs8::{EncodePublicKey, LineEnding};
use serde_json::json;
use time::OffsetDateTime;

use crate::browser::Browser;
use crate::kms::Kms;
use crate::seed::import_tagged_public_key;

/// A key ring of a made-up project, as Google names it.
pub const RING: &str = "projects/byok-demo-471203/locations/europe-west1/keyRings/byok-ring";

/// The full name of the job `job` in [`RING`].
pub fn job_name(job: &str) -> String {
    format!("{RING}/importJobs/{job}")
}

/// `private`'s public key as the describe output's `publicKey.pem`.
pub fn public_pem(private: &RsaPrivateKey) -> String {
    private
        .to_public_key()
        .to_public_key_pem(LineEnding::LF)
        .unwrap()
}

/// `gcloud kms import-jobs describe <job> --format json` of an ACTIVE job created an hour
/// before `expire_time - 3 days`, wrapping with `private`'s public key.
pub fn describe_json(
    job: &str,
    method_api_name: &str,
    level: &str,
    expire_time: OffsetDateTime,
    private: &RsaPrivateKey,
) -> String {
    let created = expire_time - time::Duration::days(3);
    serde_json::to_string_pretty(&json!({
        "createTime": rfc3339(created),
        "expireTime": rfc3339(expire_time),
        "generateTime": rfc3339(created + time::Duration::seconds(2)),
        "importMethod": method_api_name,
        "name": job_name(job),
        "protectionLevel": level,
        "publicKey": {"pem": public_pem(private)},
        "state": "ACTIVE",
    }))
    .unwrap()
}

/// What a seeded job's tags say: its short name, method (gcloud's spelling), and its level
/// and expiry when the describe output would have given them.
pub struct SeededJob<'a> {
    pub job: &'a str,
    pub method: &'a str,
    pub level: Option<&'a str>,
    pub expire_time: Option<OffsetDateTime>,
}

/// Imports `private`'s public half under `id` with the Google tags written here by hand
/// (`google`, `import_job:`, `import_method:`, then `protection_level:` and `expire_time:`
/// when given), usage WrapKey+Encrypt.
pub fn google_job_of(
    kms: &Kms,
    vendor: &str,
    id: &str,
    seeded: &SeededJob,
    private: &RsaPrivateKey,
) {
    let mut tags = vec![
        "google".to_owned(),
        format!("import_job:{}", job_name(seeded.job)),
        format!("import_method:{}", seeded.method),
    ];
    tags.extend(seeded.level.map(|l| format!("protection_level:{l}")));
    tags.extend(
        seeded
            .expire_time
            .map(|t| format!("expire_time:{}", rfc3339(t))),
    );
    import_tagged_public_key(kms, vendor, id, private, tags, false);
}

async fn open(browser: &Browser, url: &str, page: Page) {
    browser.goto(url).await;
    browser.wait_for_text("h1", |t| t == page.label()).await;
}

/// "Import a Google import job": the describe JSON, or a PEM with its method and name.
pub struct GoogleImportJobPage;

impl GoogleImportJobPage {
    /// The job field's label.
    pub const JOB: &str = "Google import job";
    /// The method select (with a PEM).
    pub const METHOD: &str = "#google-import-method";
    /// The job name field's label.
    pub const NAME: &str = "Import job name (with a PEM)";
    /// The KMS id field's label.
    pub const KMS_ID: &str = "KMS key id (optional)";
    /// What the page read, or why it refuses it.
    pub const ANALYSIS: &str = "#google-job-analysis";
    /// The imported object's id in the result.
    pub const IMPORTED_ID: &str = "[data-testid=imported-id]";

    pub async fn open(browser: &Browser, kms: &Kms) {
        open(
            browser,
            &kms.ui_url(&Page::GoogleImportJob.href()),
            Page::GoogleImportJob,
        )
        .await;
        browser.record_requests().await;
    }

    /// Pastes `text`, chooses `method` and types `name` when given, and `kms_id` (unless empty).
    pub async fn fill(
        browser: &Browser,
        text: &str,
        method: Option<&str>,
        name: Option<&str>,
        kms_id: &str,
    ) {
        browser
            .paste(&browser.labelled(Self::JOB).await, text)
            .await;
        if let Some(method) = method {
            browser.select(Self::METHOD, method).await;
        }
        if let Some(name) = name {
            browser
                .paste(&browser.labelled(Self::NAME).await, name)
                .await;
        }
        if !kms_id.is_empty() {
            browser
                .fill(&browser.labelled(Self::KMS_ID).await, kms_id)
                .await;
        }
    }

    /// Presses "Import Google import job".
    pub async fn import(browser: &Browser) {
        browser.click_button("Import Google import job").await;
    }
}

/// "Export for Google Cloud": one key wrapped for one import job.
pub struct GoogleExportPage;

impl GoogleExportPage {
    /// The job picker's label.
    pub const JOB: &str = "Google import job";
    /// The algorithm select.
    pub const ALGORITHM: &str = "#google-algorithm";
    /// The key's protection level select.
    pub const KEY_LEVEL: &str = "#google-key-level";
    /// The key name field's label (in the result).
    pub const KEY_NAME: &str = "Key name in Cloud KMS";
    pub const SUMMARY: &str = "[data-testid=google-summary]";
    pub const EXPIRY: &str = "[data-testid=google-job-expiry]";
    pub const SHA256: &str = "[data-testid=google-sha256]";
    pub const COMMAND: &str = "#google-import-command";
    /// The page's error banners (a refusal, a server error).
    pub const ERROR: &str = "form.google-export .error-banner .error-text";

    /// Opens the page on `key` and `job` through the deep link, once the job list has loaded.
    pub async fn open(browser: &Browser, kms: &Kms, key: &str, job: &str) {
        open(
            browser,
            &kms.ui_url(&Page::google_export_href(Some(key), Some(job))),
            Page::GoogleExport,
        )
        .await;
        let field = browser.labelled(Self::JOB).await;
        let deadline = Instant::now() + Duration::from_secs(20);
        while browser
            .client
            .find(fantoccini::Locator::Css(&field))
            .await
            .is_err()
            || browser.value_of(&field).await != job
        {
            assert!(Instant::now() < deadline, "job {job} not preselected");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        browser.record_requests().await;
    }

    /// Presses "Export for Google Cloud".
    pub async fn export(browser: &Browser) {
        browser.click_button("Export for Google Cloud").await;
    }

    /// Downloads the wrapped key (its button names the file) and returns its bytes.
    pub async fn download(browser: &Browser, file_name: &str) -> Vec<u8> {
        browser
            .click("[data-testid=google-result] button.download")
            .await;
        browser.downloaded(file_name).await
    }
}
