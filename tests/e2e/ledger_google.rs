//! One KMS key copied to AWS, Azure and Google Cloud through their export pages, in headless
//! Chromium against the real KMS: the ledger lists the three side by side and its Cloud filter
//! narrows to each; gcloud JSON about another key is refused with nothing written, the
//! import's own JSON confirms the Google copy; the three documents are read back by the real
//! Cosmian CLI (`ckms attributes get`) and parsed by the domain's stored-form readers.
//!
//! No emulator accepts a Google import job: the job and gcloud's JSON are built here in the
//! shapes gcloud prints (`tests/fixtures/google/`).

use byok_ui::domain::account::UserId;
use byok_ui::domain::google::algorithm::GoogleAlgorithm;
use byok_ui::domain::google::protection_level::ProtectionLevel;
use byok_ui::domain::key_material::{EcCurve, KeyMaterialSpec};
use byok_ui::domain::ledger::azure::{AzureCopy, is_azure_attribute};
use byok_ui::domain::ledger::google::{
    GoogleCopy, GoogleEventKind, NO_EXPIRY, is_google_attribute,
};
use byok_ui::domain::ledger::{LedgerEntry, LedgerState, is_ledger_attribute};
use byok_ui::domain::stored::rfc3339;
use byok_ui::domain::wrapping::WrappingAlgorithm;
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};

use crate::support::aws::ARN;
use crate::support::ckms::{Ckms, arg};
use crate::support::google::{GoogleExportPage, RING, SeededJob, google_job_of, job_name};
use crate::support::pages::{AzureExportPage, ExportPage, LedgerPage};
use crate::support::seed::{azure_kek, create_material, fingerprinted_kek, vendor_attributes};
use crate::support::{Browser, Kms};

const KEK_KID: &str =
    "https://contosokv.vault.azure.net/keys/KEKforBYOK/664f5aa2797a4075b8e36ca4500636d8";
const JOB: &str = "cosmian-ledger-job";
const PASTE: &str = "gcloud's JSON output (gcloud kms keys versions import or gcloud kms keys versions describe, with --format json)";

/// `gcloud kms keys versions import … --format json` for version 1 of `key`, imported with `job`.
fn version_output(key: &str, job: &str, state: &str) -> String {
    serde_json::to_string_pretty(&json!({
        "algorithm": "EC_SIGN_P256_SHA256",
        "createTime": "2026-12-01T10:31:45.120349Z",
        "importJob": job_name(job),
        "importTime": "2026-12-01T10:31:47.903113Z",
        "name": format!("{RING}/cryptoKeys/{key}/cryptoKeyVersions/1"),
        "protectionLevel": "HSM",
        "state": state,
    }))
    .unwrap()
}

/// The copy id a result's ledger line names after `prefix`, up to `end`.
async fn recorded_id(browser: &Browser, status: &str, prefix: &str, end: char) -> String {
    let text = browser
        .wait_for_text(status, |t| t.starts_with("Recorded in the BYOK ledger"))
        .await;
    text.strip_prefix(prefix)
        .and_then(|rest| rest.split(end).next())
        .unwrap_or_else(|| panic!("no copy id after {prefix:?} in {text:?}"))
        .to_owned()
}

/// `key`'s vendor attributes as the real Cosmian CLI reads them (`ckms attributes get -a
/// VendorExtension`, its JSON TTLV file), `(name, value)` sorted by name.
fn read_by_ckms(kms: &Kms, key: &str) -> Vec<(String, String)> {
    let ckms = Ckms::for_kms(kms);
    let file = ckms.file("attributes.json");
    ckms.run(&[
        "attributes",
        "get",
        "--id",
        key,
        "--attribute",
        "VendorExtension",
        "--output-file",
        arg(&file),
    ]);
    let read: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let mut found: Vec<(String, String)> = read["VendorExtension"]
        .as_array()
        .unwrap_or_else(|| panic!("no VendorExtension in {read}"))
        .iter()
        .map(|attribute| {
            let name = attribute["AttributeName"].as_str().unwrap().to_owned();
            let value = &attribute["AttributeValue"];
            let text = match value["_t"].as_str() {
                Some("TextString") => value["_c"].as_str().unwrap().to_owned(),
                Some("ByteString") => String::from_utf8(
                    value["_c"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|b| b.as_u64().unwrap() as u8)
                        .collect(),
                )
                .unwrap(),
                other => panic!("{name}: a value of type {other:?}: {value}"),
            };
            (name, text)
        })
        .collect();
    found.sort();
    found
}

/// The one document of each cloud among `attributes`, parsed by the domain's readers.
fn three_copies(attributes: &[(String, String)]) -> (LedgerEntry, AzureCopy, GoogleCopy) {
    let only = |is: fn(&str) -> bool| {
        let found: Vec<&(String, String)> = attributes.iter().filter(|(n, _)| is(n)).collect();
        assert_eq!(found.len(), 1, "{attributes:?}");
        found[0].clone()
    };
    let (name, value) = only(is_ledger_attribute);
    let aws = LedgerEntry::from_attribute(&name, &value).unwrap();
    let (name, value) = only(is_azure_attribute);
    let azure = AzureCopy::from_attribute(&name, &value).unwrap();
    let (name, value) = only(is_google_attribute);
    let google = GoogleCopy::from_attribute(&name, &value).unwrap();
    (aws, azure, google)
}

#[tokio::test(flavor = "multi_thread")]
async fn ledger_google_one_key_in_three_clouds_side_by_side_filtered_and_read_back_by_ckms() {
    let kms = Kms::with_ui();
    let vendor = kms.vendor_id();
    let now = OffsetDateTime::now_utc();
    fingerprinted_kek(
        &kms,
        &vendor,
        "kek-aws",
        2048,
        WrappingAlgorithm::RsaAesKeyWrapSha256,
    );
    azure_kek(&kms, &vendor, "kek-azure", KEK_KID);
    let job_key = rsa::RsaPrivateKey::new(&mut rand::thread_rng(), 3072).unwrap();
    let seeded = SeededJob {
        job: JOB,
        method: "rsa-oaep-3072-sha256-aes-256",
        level: Some("HSM"),
        expire_time: Some(now + Duration::days(2)),
    };
    google_job_of(&kms, &vendor, "job-google", &seeded, &job_key);
    let key = create_material(
        &kms,
        &vendor,
        "three-clouds",
        KeyMaterialSpec::EcPrivate {
            curve: EcCurve::P256,
        },
    );

    // 1. The same key exported on the AWS, Azure and Google export pages, one after the other.
    let browser = Browser::start().await;
    ExportPage::open(&browser, &kms, &key, "kek-aws").await;
    ExportPage::export_and_wait(&browser).await;
    let aws_id = recorded_id(
        &browser,
        "[data-testid=ledger-status]",
        &format!("Recorded in the BYOK ledger on {key} (entry "),
        ')',
    )
    .await;
    AzureExportPage::open(&browser, &kms, &key, "kek-azure").await;
    AzureExportPage::export(&browser).await;
    let azure_id = recorded_id(
        &browser,
        "[data-testid=azure-ledger-status]",
        &format!("Recorded in the BYOK ledger on {key} as Azure copy "),
        ' ',
    )
    .await;
    GoogleExportPage::open(&browser, &kms, &key, "job-google").await;
    GoogleExportPage::export(&browser).await;
    let status = "[data-testid=google-ledger-status]";
    let google_id = recorded_id(
        &browser,
        status,
        &format!("Recorded in the BYOK ledger on {key} as Google Cloud copy "),
        ' ',
    )
    .await;
    let text = browser.wait_for_text(status, |t| !t.is_empty()).await;
    assert!(
        text.contains(&format!("(import job {}) by admin.", job_name(JOB)))
            && text
                .contains("Copying the import command records its key and wrapped key file too.")
            && text.contains("paste gcloud kms keys versions import's output in the ledger"),
        "{text}"
    );
    let sha256 = browser
        .wait_for_text(GoogleExportPage::SHA256, |t| t.len() == 64)
        .await;
    let command = browser
        .wait_for_text(GoogleExportPage::COMMAND, |t| {
            t.contains("--key three-clouds")
        })
        .await;
    browser
        .click("button[aria-label='Copy the gcloud kms keys versions import command']")
        .await;
    browser
        .wait_for_text(status, |t| {
            t.contains(&format!(
                "The import command's options are recorded with it (key {RING}/cryptoKeys/{key} (version not known yet))."
            ))
        })
        .await;
    assert_eq!(browser.clipboard().await, command);
    browser
        .assert_accessible("Google export result with its ledger line")
        .await;

    // 2. The real Cosmian CLI reads the three documents back; the domain's readers parse them.
    let (aws, azure, google) = three_copies(&read_by_ckms(&kms, &key));
    assert_eq!(
        read_by_ckms(&kms, &key),
        vendor_attributes(&kms, &key),
        "the CLI and this test's own KMIP client read the same"
    );
    assert_eq!(
        (aws.id.as_str(), aws.state(now)),
        (aws_id.as_str(), LedgerState::Exported)
    );
    assert_eq!(
        aws.aws_key_arn.as_ref().map(ToString::to_string).as_deref(),
        Some(ARN)
    );
    assert_eq!(azure.id, azure_id);
    assert_eq!(azure.vault, "https://contosokv.vault.azure.net");
    assert_eq!(google.id, google_id);
    assert_eq!(google.algorithm, GoogleAlgorithm::EcSign(EcCurve::P256));
    assert_eq!(google.protection_level, Some(ProtectionLevel::Hsm));
    assert_eq!(google.import_job.to_string(), job_name(JOB));
    let export = google.export.as_ref().unwrap();
    assert_eq!(export.kek_id, "job-google");
    assert_eq!(export.wrapped_sha256, sha256);
    let options = google.command.as_ref().unwrap();
    assert_eq!(options.key.to_string(), format!("{RING}/cryptoKeys/{key}"));
    assert_eq!(options.wrapped_key_file, format!("{key}-wrapped-key.bin"));
    assert_eq!(options.target_version, None);
    assert_eq!(
        google.recorded_by.as_ref().map(UserId::as_str),
        Some("admin")
    );
    assert!(google.events.is_empty());
    assert_eq!(google.expires(), None);

    // 3. The ledger shows the three side by side (newest first), says why Google's has no
    //    expiry, and the Cloud filter narrows to each.
    LedgerPage::open(&browser, &kms.url()).await;
    LedgerPage::state_of(&browser, &google_id, |t| t == "exported").await;
    LedgerPage::wait_for_clouds(&browser, &["Google Cloud", "Azure", "AWS"]).await;
    for id in [&aws_id, &azure_id, &google_id] {
        browser
            .wait_for_text(&format!("tr[data-entry-id='{id}']"), |t| t.contains(&key))
            .await;
    }
    browser
        .wait_for_text(
            &format!("tr[data-entry-id='{google_id}'] [data-testid=entry-place]"),
            |t| t == format!("{RING}/cryptoKeys/{key} (version not known yet)"),
        )
        .await;
    browser
        .wait_for_text(&format!("tr[data-entry-id='{google_id}']"), |t| {
            t.contains(NO_EXPIRY) && t.contains("EC_SIGN_P256_SHA256")
        })
        .await;
    browser
        .wait_for_text("[data-testid=google-expiry]", |t| {
            t.starts_with("Google Cloud copies: no expiry: a Cloud KMS key version lives until it is destroyed")
        })
        .await;
    let cloud = browser.labelled("Cloud").await;
    for (value, shown) in [
        ("google", "Google Cloud"),
        ("azure", "Azure"),
        ("aws", "AWS"),
    ] {
        browser.select(&cloud, value).await;
        LedgerPage::wait_for_clouds(&browser, &[shown]).await;
    }
    browser.select(&cloud, "all").await;
    LedgerPage::wait_for_clouds(&browser, &["Google Cloud", "Azure", "AWS"]).await;
    // A version never expires: "expiring" keeps no Google copy.
    let show = browser.labelled("Show").await;
    browser.select(&show, "expiring").await;
    browser.select(&cloud, "google").await;
    browser
        .wait_for_text("main", |t| t.contains("No copy matches."))
        .await;
    browser.select(&show, "all").await;
    LedgerPage::wait_for_clouds(&browser, &["Google Cloud"]).await;
    browser
        .assert_accessible("ledger with AWS, Azure and Google Cloud copies")
        .await;

    // 4. gcloud's JSON about another key (or made with another job) is refused before
    //    anything is sent, and nothing is written.
    browser.click_button(&format!("Open {google_id}")).await;
    browser
        .wait_for_text("#entry-title", |t| {
            t == format!("Google Cloud copy {google_id}")
        })
        .await;
    let before = vendor_attributes(&kms, &key);
    let field = browser.labelled(PASTE).await;
    browser
        .paste(&field, &version_output("another-key", JOB, "ENABLED"))
        .await;
    browser.click_button("Check and record").await;
    LedgerPage::refusal(&browser, |t| {
        t.contains(&format!("This output is about key another-key, not {key}"))
    })
    .await;
    browser
        .paste(&field, &version_output(&key, "another-job", "ENABLED"))
        .await;
    browser.click_button("Check and record").await;
    LedgerPage::refusal(&browser, |t| {
        t.contains(&format!(
            "This version was imported with import job {}, not {}",
            job_name("another-job"),
            job_name(JOB)
        ))
    })
    .await;
    browser
        .assert_accessible("Google copy with another key's JSON refused")
        .await;
    assert_eq!(vendor_attributes(&kms, &key), before, "nothing written");

    // 5. The import's own JSON confirms the copy: its version and state recorded on it alone.
    browser
        .paste(&field, &version_output(&key, JOB, "ENABLED"))
        .await;
    browser.click_button("Check and record").await;
    let version = format!("{RING}/cryptoKeys/{key}/cryptoKeyVersions/1");
    LedgerPage::applied(&browser, |t| {
        t.contains(&format!(
            "Google Cloud confirms this copy: {version} is imported."
        )) && t.contains("Recorded in the copy by admin.")
    })
    .await;
    browser
        .wait_for_text("[data-testid=details-state]", |t| t == "imported")
        .await;
    browser
        .wait_for_text("#ledger-google-describe", |t| {
            t.starts_with("gcloud kms keys versions describe 1")
        })
        .await;
    let (aws_after, azure_after, google_after) = three_copies(&read_by_ckms(&kms, &key));
    assert_eq!(
        (aws_after, azure_after),
        (aws, azure),
        "the other clouds' copies untouched"
    );
    assert_eq!(
        google_after.version.as_ref().map(ToString::to_string),
        Some(version.clone())
    );
    assert_eq!(google_after.state(now), LedgerState::Imported);
    let [event] = google_after.events.as_slice() else {
        panic!("{:?}", google_after.events);
    };
    assert_eq!(event.by.as_ref().map(UserId::as_str), Some("admin"));
    let GoogleEventKind::Confirmed {
        version: confirmed,
        import_time,
        ..
    } = &event.kind
    else {
        panic!("not a confirmation: {event:?}");
    };
    assert_eq!(confirmed.to_string(), version);
    assert_eq!(
        import_time.map(rfc3339).as_deref(),
        Some("2026-12-01T10:31:47Z")
    );
    browser.click_button("Read the ledger again").await;
    LedgerPage::state_of(&browser, &google_id, |t| t == "imported").await;
    browser
        .wait_for_text(
            &format!("tr[data-entry-id='{google_id}'] [data-testid=entry-place]"),
            |t| t == version,
        )
        .await;
    browser.close().await;
}
