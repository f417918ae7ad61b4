//! The Google Cloud pages in headless Chromium against the real KMS: an import job imported
//! from `gcloud kms import-jobs describe` JSON and from PEM + method (tags read back by this
//! test's own KMIP client), the refusals that send nothing, and wrapped keys for every method
//! unwrapped here with RustCrypto and compared with the KMS's own plaintext export.
//!
//! No emulator accepts a Google import job: the jobs are built here from fresh RSA key pairs.

use std::sync::OnceLock;

use byok_ui::domain::google::command::{ImportVersion, import_version};
use byok_ui::domain::google::import_method::ImportMethod;
use byok_ui::domain::google::names::ImportJobName;
use byok_ui::domain::google::rules::plan_export;
use byok_ui::domain::key_material::{EcCurve, HmacHash, KeyMaterialSpec};
use byok_ui::domain::stored::rfc3339;
use byok_ui::kmip::{self, AttributeReference, ExportWrappedRequest};
use byok_ui::routes::Page;
use rsa::RsaPrivateKey;
use rsa::pkcs8::EncodePublicKey;
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};

use crate::support::google::{
    GoogleExportPage, GoogleImportJobPage, SeededJob, describe_json, google_job_of, job_name,
    public_pem,
};
use crate::support::pages::ExportResult;
use crate::support::script::{
    carried, contents, damaged, refused, run, shellcheck, text, tools_only,
};
use crate::support::seed::{create_material, material_bytes};
use crate::support::unwrap::unwrap;
use crate::support::{Browser, Kms};

/// The jobs' RSA 3072 and 4096 key pairs, generated once for the whole run.
fn job_keys() -> &'static (RsaPrivateKey, RsaPrivateKey) {
    static KEYS: OnceLock<(RsaPrivateKey, RsaPrivateKey)> = OnceLock::new();
    KEYS.get_or_init(|| {
        let generate =
            |bits| std::thread::spawn(move || RsaPrivateKey::new(&mut rand::thread_rng(), bits));
        let (k3072, k4096) = (generate(3072), generate(4096));
        (
            k3072.join().unwrap().unwrap(),
            k4096.join().unwrap().unwrap(),
        )
    })
}

/// The job key of `method`'s size.
fn key_for(method: ImportMethod) -> &'static RsaPrivateKey {
    let (k3072, k4096) = job_keys();
    if method.rsa_bits() == 3072 {
        k3072
    } else {
        k4096
    }
}

fn spki(private: &RsaPrivateKey) -> Vec<u8> {
    private
        .to_public_key()
        .to_public_key_der()
        .unwrap()
        .into_vec()
}

/// The tags of `id`, read by this test's own KMIP client (sorted by the parser).
fn tags_of(kms: &Kms, id: &str) -> Vec<String> {
    kmip::parse_get_attributes(
        &kms.kmip(&kmip::get_attributes(id, &[AttributeReference::Tag]))
            .unwrap(),
    )
    .unwrap()
    .tags
}

/// In two days and a bit, whole seconds (as the tag keeps it).
fn in_two_days() -> OffsetDateTime {
    let t = OffsetDateTime::now_utc() + Duration::hours(49);
    t.replace_nanosecond(0).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_import_job_is_imported_from_the_describe_json_and_from_pem_and_method_with_its_tags() {
    let (k3072, k4096) = job_keys();
    let kms = Kms::with_ui();
    let browser = Browser::start().await;

    // 1. The describe JSON: it names its job, method, level and expiry.
    let expire = in_two_days();
    let json = describe_json(
        "job-json",
        "RSA_OAEP_3072_SHA256_AES_256",
        "SOFTWARE",
        expire,
        k3072,
    );
    GoogleImportJobPage::open(&browser, &kms).await;
    GoogleImportJobPage::fill(&browser, &json, None, None, "g-json").await;
    browser
        .wait_for_text(GoogleImportJobPage::ANALYSIS, |t| {
            t.starts_with("RSA 3072-bit public key")
                && t.contains("of the import job job-json (rsa-oaep-3072-sha256-aes-256, protection level SOFTWARE): usable for 4")
        })
        .await;
    browser
        .assert_accessible("Google import page (JSON read)")
        .await;
    GoogleImportJobPage::import(&browser).await;
    browser
        .wait_for_text(GoogleImportJobPage::IMPORTED_ID, |t| t == "g-json")
        .await;
    browser
        .assert_accessible("Google import page (result)")
        .await;
    let der = spki(k3072);
    assert_eq!(kms.public_key_der("g-json"), der, "the exact key");
    let mut expected = vec![
        "google".to_owned(),
        format!("import_job:{}", job_name("job-json")),
        "import_method:rsa-oaep-3072-sha256-aes-256".to_owned(),
        "protection_level:SOFTWARE".to_owned(),
        format!("expire_time:{}", rfc3339(expire)),
        format!("kek_sha256:{}", hex::encode(Sha256::digest(&der))),
    ];
    // And its day, for the lists' Locates.
    expected.extend(
        byok_ui::domain::expiry_day::DayWindow::GOOGLE.tags(expire, OffsetDateTime::now_utc()),
    );
    expected.sort();
    assert_eq!(tags_of(&kms, "g-json"), expected);
    let attributes =
        kmip::parse_get_attributes(&kms.kmip(&kmip::get_attributes("g-json", &[])).unwrap())
            .unwrap();
    assert_eq!(attributes.usage_mask, Some(0x10 | 0x4), "WrapKey+Encrypt");
    assert_eq!(attributes.state, Some(kmip::State::Active));

    // The same job again: offered, not imported twice.
    GoogleImportJobPage::open(&browser, &kms).await;
    GoogleImportJobPage::fill(&browser, &json, None, None, "").await;
    GoogleImportJobPage::import(&browser).await;
    browser
        .wait_for_text("[data-testid=already-stored-text]", |t| {
            t.starts_with("g-json holds the same public key")
        })
        .await;
    assert!(!browser.sent_kmip("Import").await, "nothing imported again");

    // 2. The job's PEM with its method and name typed beside it: no level, no expiry known.
    GoogleImportJobPage::open(&browser, &kms).await;
    GoogleImportJobPage::fill(
        &browser,
        &public_pem(k4096),
        Some("rsa-oaep-4096-sha1-aes-256"),
        Some(&job_name("job-pem")),
        "g-pem",
    )
    .await;
    browser
        .wait_for_text(GoogleImportJobPage::ANALYSIS, |t| {
            t.starts_with("RSA 4096-bit public key")
                && t.contains("of the import job job-pem (rsa-oaep-4096-sha1-aes-256, protection level not known (a PEM)): expiry not known")
        })
        .await;
    GoogleImportJobPage::import(&browser).await;
    browser
        .wait_for_text(GoogleImportJobPage::IMPORTED_ID, |t| t == "g-pem")
        .await;
    let der = spki(k4096);
    assert_eq!(kms.public_key_der("g-pem"), der);
    let mut expected = vec![
        "google".to_owned(),
        format!("import_job:{}", job_name("job-pem")),
        "import_method:rsa-oaep-4096-sha1-aes-256".to_owned(),
        format!("kek_sha256:{}", hex::encode(Sha256::digest(&der))),
    ];
    expected.sort();
    assert_eq!(tags_of(&kms, "g-pem"), expected);

    // The result links to the export page with this job chosen.
    browser
        .click_link("Export a key for Google Cloud with this import job")
        .await;
    browser
        .wait_for_text("h1", |t| t == Page::GoogleExport.label())
        .await;
    let job_field = browser.labelled(GoogleExportPage::JOB).await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while browser.value_of(&job_field).await != "g-pem" {
        assert!(std::time::Instant::now() < deadline, "g-pem not chosen");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn what_google_refuses_is_refused_with_nothing_sent() {
    let (k3072, k4096) = job_keys();
    let kms = Kms::with_ui();
    let vendor = kms.vendor_id();
    let browser = Browser::start().await;
    let before = kms.object_ids();

    // An expired job's describe output (still ACTIVE in a stale paste).
    let past = OffsetDateTime::now_utc() - Duration::hours(2);
    let json = describe_json("old-job", "RSA_OAEP_3072_SHA1_AES_256", "HSM", past, k3072);
    GoogleImportJobPage::open(&browser, &kms).await;
    GoogleImportJobPage::fill(&browser, &json, None, None, "").await;
    GoogleImportJobPage::import(&browser).await;
    browser
        .wait_for_text(GoogleImportJobPage::ANALYSIS, |t| {
            t.starts_with("The import job old-job expired at")
                && t.ends_with("create a new import job.")
        })
        .await;
    browser
        .assert_accessible("Google import page (refused job)")
        .await;
    // A PEM of the wrong size for its method.
    GoogleImportJobPage::open(&browser, &kms).await;
    GoogleImportJobPage::fill(
        &browser,
        &public_pem(k3072),
        Some("rsa-oaep-4096-sha256"),
        Some(&job_name("job-size")),
        "",
    )
    .await;
    GoogleImportJobPage::import(&browser).await;
    browser
        .wait_for_text(GoogleImportJobPage::ANALYSIS, |t| {
            t.starts_with("The public key is RSA 3072-bit but the import method rsa-oaep-4096-sha256 uses a 4096-bit key")
        })
        .await;
    assert!(!browser.sent_kmip("Import").await, "no Import was sent");
    assert_eq!(kms.object_ids(), before, "nothing was stored");

    // Exports Google would refuse, each refused before any Export.
    google_job_of(
        &kms,
        &vendor,
        "job-expired",
        &SeededJob {
            job: "expired-job",
            method: "rsa-oaep-3072-sha256-aes-256",
            level: Some("SOFTWARE"),
            expire_time: Some(past),
        },
        k3072,
    );
    google_job_of(
        &kms,
        &vendor,
        "job-plain",
        &SeededJob {
            job: "plain-job",
            method: "rsa-oaep-4096-sha256",
            level: Some("SOFTWARE"),
            expire_time: Some(in_two_days()),
        },
        k4096,
    );
    let aes = create_material(&kms, &vendor, "g-aes", KeyMaterialSpec::Aes { bits: 256 });
    let rsa = create_material(
        &kms,
        &vendor,
        "g-rsa",
        KeyMaterialSpec::RsaPrivate { bits: 2048 },
    );
    // (key, job, a select and the value chosen in it, the refusal's start)
    type Case<'a> = (&'a str, &'a str, Option<(&'a str, &'a str)>, &'a str);
    let cases: [Case; 4] = [
        (
            &aes,
            "job-expired",
            None,
            "The import job expired-job (job-expired) expired at",
        ),
        (
            &rsa,
            "job-plain",
            None,
            "rsa-oaep-4096-sha256 wraps the material directly with RSA-OAEP, which Google does not allow for RSA keys",
        ),
        (
            &aes,
            "job-plain",
            Some((GoogleExportPage::KEY_LEVEL, "HSM")),
            "The key is HSM but the import job is SOFTWARE",
        ),
        (
            &aes,
            "job-plain",
            Some((GoogleExportPage::ALGORITHM, "ec-sign-p256-sha256")),
            "This AES-256 key cannot be imported as ec-sign-p256-sha256",
        ),
    ];
    for (key, job, choice, refusal) in cases {
        GoogleExportPage::open(&browser, &kms, key, job).await;
        if let Some((select, value)) = choice {
            browser.select(select, value).await;
        }
        GoogleExportPage::export(&browser).await;
        browser
            .wait_for_text(GoogleExportPage::ERROR, |t| t.starts_with(refusal))
            .await;
        assert!(
            !browser.sent_kmip("Export").await,
            "{key}: no Export was sent"
        );
    }
    browser
        .assert_accessible("Google export page (refused)")
        .await;
    browser.close().await;
}

/// One wrapped key through the page: its SHA-256, its command; the blob unwrapped here.
#[allow(clippy::too_many_arguments)]
async fn export_and_check(
    browser: &Browser,
    kms: &Kms,
    key: &str,
    spec: KeyMaterialSpec,
    job_id: &str,
    job: &str,
    method: ImportMethod,
    algorithm: &str,
) {
    GoogleExportPage::open(browser, kms, key, job_id).await;
    GoogleExportPage::export(browser).await;
    let summary = browser
        .wait_for_text(GoogleExportPage::SUMMARY, |t| !t.is_empty())
        .await;
    assert!(
        summary.starts_with(&format!("{key} "))
            && summary.contains(&format!(
                "for the import job {job} ({}",
                method.gcloud_name()
            ))
            && summary.ends_with(&format!("it becomes a {algorithm} version.")),
        "{summary}"
    );
    browser
        .wait_for_text(GoogleExportPage::EXPIRY, |t| {
            t.starts_with(&format!("The import job {job}: usable for 4"))
        })
        .await;
    let file_name = format!("{key}-wrapped-key.bin");
    let blob = GoogleExportPage::download(browser, &file_name).await;
    let shown = browser
        .wait_for_text(GoogleExportPage::SHA256, |t| t.len() == 64)
        .await;
    assert_eq!(shown, hex::encode(Sha256::digest(&blob)), "{key}: SHA-256");
    assert_eq!(
        unwrap(key_for(method), method.wrapping_algorithm(), &blob),
        material_bytes(kms, key, spec),
        "{key}: the unwrapped bytes are the KMS's material"
    );
    let command = browser
        .wait_for_text(GoogleExportPage::COMMAND, |t| {
            t.starts_with("gcloud kms keys versions import")
        })
        .await;
    let words = shell_words::split(&command.replace("\\\n", " ")).unwrap();
    for (flag, value) in [
        ("--import-job", job),
        ("--location", "europe-west1"),
        ("--keyring", "byok-ring"),
        ("--project", "byok-demo-471203"),
        ("--key", key),
        ("--algorithm", algorithm),
        ("--wrapped-key-file", &file_name),
    ] {
        let at = words
            .iter()
            .position(|w| w == flag)
            .unwrap_or_else(|| panic!("{key}: no {flag} in {command}"));
        assert_eq!(words[at + 1], value, "{key}: {flag} in {command}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn wrapped_keys_through_the_page_unwrap_to_the_kms_material() {
    let (k3072, k4096) = job_keys();
    let kms = Kms::with_ui();
    let vendor = kms.vendor_id();
    let expire = Some(in_two_days());
    for (id, job, method, key) in [
        (
            "job-plain",
            "plain-job",
            ImportMethod::RsaOaep3072Sha256,
            k3072,
        ),
        (
            "job-sha1",
            "sha1-job",
            ImportMethod::RsaOaep4096Sha1Aes256,
            k4096,
        ),
        (
            "job-sha256",
            "sha256-job",
            ImportMethod::RsaOaep3072Sha256Aes256,
            k3072,
        ),
    ] {
        google_job_of(
            &kms,
            &vendor,
            id,
            &SeededJob {
                job,
                method: &method.gcloud_name(),
                level: Some("HSM"),
                expire_time: expire,
            },
            key,
        );
    }
    let aes = KeyMaterialSpec::Aes { bits: 256 };
    let rsa = KeyMaterialSpec::RsaPrivate { bits: 3072 };
    let ec = KeyMaterialSpec::EcPrivate {
        curve: EcCurve::P384,
    };
    let aes_id = create_material(&kms, &vendor, "g-aes", aes);
    let rsa_id = create_material(&kms, &vendor, "g-rsa", rsa);
    let ec_id = create_material(&kms, &vendor, "g-ec", ec);
    let browser = Browser::start().await;

    export_and_check(
        &browser,
        &kms,
        &aes_id,
        aes,
        "job-plain",
        "plain-job",
        ImportMethod::RsaOaep3072Sha256,
        "google-symmetric-encryption",
    )
    .await;
    browser
        .assert_accessible("Google export page (result)")
        .await;
    export_and_check(
        &browser,
        &kms,
        &rsa_id,
        rsa,
        "job-sha1",
        "sha1-job",
        ImportMethod::RsaOaep4096Sha1Aes256,
        "rsa-sign-pss-3072-sha256",
    )
    .await;
    export_and_check(
        &browser,
        &kms,
        &ec_id,
        ec,
        "job-sha256",
        "sha256-job",
        ImportMethod::RsaOaep3072Sha256Aes256,
        "ec-sign-p384-sha384",
    )
    .await;
    // Another key name renames the file and the command's key.
    browser
        .fill(
            &browser.labelled(GoogleExportPage::KEY_NAME).await,
            "prod-signer",
        )
        .await;
    browser
        .wait_for_text(GoogleExportPage::COMMAND, |t| {
            t.contains("--key prod-signer")
                && t.contains("--wrapped-key-file prod-signer-wrapped-key.bin")
        })
        .await;
    browser.close().await;
}

/// Every Google cell natively through the KMIP builders and the domain's export plan: AES-256,
/// HMAC-SHA256, RSA 2048/3072/4096, EC P-256/P-384 × the six import methods. Allowed cells are
/// unwrapped here (RSA-OAEP SHA-1/SHA-256, AES-KWP) and compared byte for byte with the KMS's
/// plaintext export; forbidden cells (RSA and EC under plain RSA-OAEP) are refused unsent.
#[test]
fn every_google_cell_is_proven_by_an_independent_unwrap_or_refused_before_sending() {
    job_keys();
    let kms = Kms::start(Default::default());
    let vendor = kms.vendor_id();
    for method in ImportMethod::ALL {
        google_job_of(
            &kms,
            &vendor,
            &format!("job-{}", method.gcloud_name()),
            &SeededJob {
                job: "matrix-job",
                method: &method.gcloud_name(),
                level: None,
                expire_time: None,
            },
            key_for(method),
        );
    }
    let mut specs = vec![
        KeyMaterialSpec::Aes { bits: 256 },
        KeyMaterialSpec::Hmac {
            hash: HmacHash::Sha256,
            bits: 256,
        },
    ];
    specs.extend([2048, 3072, 4096].map(|bits| KeyMaterialSpec::RsaPrivate { bits }));
    specs.extend([EcCurve::P256, EcCurve::P384].map(|curve| KeyMaterialSpec::EcPrivate { curve }));
    let job = ImportJobName::parse(&job_name("matrix-job")).unwrap();
    let (mut proven, mut refused) = (0, 0);
    for (n, spec) in specs.iter().enumerate() {
        let key_id = create_material(&kms, &vendor, &format!("material-{n}"), *spec);
        let expected = material_bytes(&kms, &key_id, *spec);
        for method in ImportMethod::ALL {
            let cell = format!("{spec} / {}", method.gcloud_name());
            match plan_export(*spec, method, method.rsa_bits(), None, None, None) {
                Ok(algorithm) => {
                    let reply = kms
                        .kmip(&kmip::export_wrapped(&ExportWrappedRequest {
                            key_id: key_id.clone(),
                            kek_id: format!("job-{}", method.gcloud_name()),
                            parameters: method.wrapping_algorithm().kmip_parameters(),
                        }))
                        .unwrap_or_else(|e| panic!("{cell}: refused by the server: {e:?}"));
                    let blob = kmip::parse_export_wrapped(&reply).unwrap();
                    let unwrapped = unwrap(key_for(method), method.wrapping_algorithm(), &blob);
                    assert_eq!(unwrapped, expected, "{cell}: unwrapped bytes differ");
                    let command = import_version(&ImportVersion {
                        key: job.key_ring().crypto_key("k").unwrap(),
                        job: job.clone(),
                        algorithm,
                        wrapped_key_file: "k.bin".to_owned(),
                        target_version: None,
                    })
                    .one_line();
                    let fitting = match spec {
                        KeyMaterialSpec::Aes { .. } => "google-symmetric-encryption".to_owned(),
                        KeyMaterialSpec::Hmac { .. } => "hmac-sha256".to_owned(),
                        KeyMaterialSpec::RsaPrivate { bits } => {
                            format!("rsa-sign-pss-{bits}-sha256")
                        }
                        KeyMaterialSpec::EcPrivate { curve } => match curve {
                            EcCurve::P256 => "ec-sign-p256-sha256".to_owned(),
                            _ => "ec-sign-p384-sha384".to_owned(),
                        },
                    };
                    assert!(
                        command.contains(&format!("--algorithm {fitting} ")),
                        "{cell}: {command}"
                    );
                    proven += 1;
                }
                Err(reason) => {
                    assert!(
                        !method.is_key_wrap() && !spec.is_symmetric(),
                        "{cell}: refused: {reason}"
                    );
                    assert!(
                        reason.contains("create an import job with --import-method rsa-oaep-"),
                        "{cell}: {reason}"
                    );
                    refused += 1;
                }
            }
        }
    }
    println!(
        "Google matrix: {proven} cells proven by independent unwrap, {refused} refused before sending"
    );
    // 7 materials × 4 key-wrap methods, AES and HMAC × 2 plain methods.
    assert_eq!(proven, 28 + 4);
    // RSA 3 and EC 2 × 2 plain methods.
    assert_eq!(refused, 10);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_google_export_works_from_the_keyboard_alone() {
    use crate::support::{ARROW_DOWN, ENTER, SPACE};
    let (k3072, _) = job_keys();
    let kms = Kms::with_ui();
    let vendor = kms.vendor_id();
    let method = ImportMethod::RsaOaep3072Sha1Aes256;
    google_job_of(
        &kms,
        &vendor,
        "job-keyboard",
        &SeededJob {
            job: "keyboard-job",
            method: &method.gcloud_name(),
            level: Some("SOFTWARE"),
            expire_time: Some(in_two_days()),
        },
        k3072,
    );
    let hmac = KeyMaterialSpec::Hmac {
        hash: HmacHash::Sha256,
        bits: 256,
    };
    let key = create_material(&kms, &vendor, "hmac-keyboard", hmac);
    let browser = Browser::start().await;
    browser.goto(&kms.ui_url(&Page::GoogleExport.href())).await;
    browser
        .wait_for_text("#google-job-id", |t| t.contains("job-keyboard"))
        .await;
    browser.tab_to("#key-id").await;
    browser.press(&key).await;
    browser.tab_to("#google-job-id").await;
    browser.press(ARROW_DOWN).await;
    assert_eq!(browser.value_of("#google-job-id").await, "job-keyboard");
    browser
        .tab_to("form.google-export button[type=submit]")
        .await;
    browser.press(ENTER).await;
    browser
        .wait_for_text(GoogleExportPage::SUMMARY, |t| !t.is_empty())
        .await;
    browser
        .tab_to("[data-testid=google-result] button.download")
        .await;
    browser.press(ENTER).await;
    let blob = browser.downloaded("hmac-keyboard-wrapped-key.bin").await;
    assert_eq!(
        unwrap(k3072, method.wrapping_algorithm(), &blob),
        material_bytes(&kms, &key, hmac)
    );
    browser
        .tab_to("button[aria-label='Copy the gcloud kms keys versions import command']")
        .await;
    browser.press(SPACE).await;
    let shown = browser
        .wait_for_text(GoogleExportPage::COMMAND, |t| !t.is_empty())
        .await;
    browser
        .wait_for_text("pre#google-import-command + .copy + .copy-status", |t| {
            t == "Copied."
        })
        .await;
    assert_eq!(browser.clipboard().await, shown);
    assert!(shown.contains("--algorithm hmac-sha256"), "{shown}");
    browser.close().await;
}

/// The import script downloaded from the Google result, run by the real `/bin/sh` up to where
/// `gcloud` would be called: its dry run writes the page's wrapped key byte for byte; a damaged
/// block, a job expired since the download and a missing gcloud are refused before anything is
/// written. `gcloud` itself is not run here: no emulator accepts an import job (README).
#[tokio::test(flavor = "multi_thread")]
async fn the_google_import_script_writes_the_pages_file_and_refuses_what_google_would() {
    let (k3072, _) = job_keys();
    let kms = Kms::with_ui();
    let vendor = kms.vendor_id();
    let expire = in_two_days();
    let method = ImportMethod::RsaOaep3072Sha256Aes256;
    google_job_of(
        &kms,
        &vendor,
        "job-script",
        &SeededJob {
            job: "script-job",
            method: &method.gcloud_name(),
            level: Some("HSM"),
            expire_time: Some(expire),
        },
        k3072,
    );
    let aes = KeyMaterialSpec::Aes { bits: 256 };
    let key = create_material(&kms, &vendor, "g-script", aes);
    let browser = Browser::start().await;
    export_and_check(
        &browser,
        &kms,
        &key,
        aes,
        "job-script",
        "script-job",
        method,
        "google-symmetric-encryption",
    )
    .await;
    let name = format!("{key}-wrapped-key.bin");
    let blob = GoogleExportPage::download(&browser, &name).await;
    let command = browser
        .wait_for_text(GoogleExportPage::COMMAND, |t| {
            t.starts_with("gcloud kms keys versions import")
        })
        .await;
    let (file, script, shown) = ExportResult::download_script(&browser).await;
    assert_eq!(file, format!("import-google-{key}.sh"));
    assert_eq!(shown, hex::encode(Sha256::digest(&script)));
    let script_text = text(&script);
    assert!(script_text.contains(&command), "{script_text}");
    let digits = expire.format(&time::macros::format_description!(
        "[year][month][day][hour][minute][second]"
    ));
    let digits = digits.unwrap();
    assert!(
        script_text.contains(&format!("-ge {digits} ]")),
        "{script_text}"
    );

    let dry = carried("google-script", &file, &script);
    shellcheck(&dry);
    let path = tools_only(dry.parent().unwrap().parent().unwrap());
    let out = run(&dry, &["--dry-run"], &path);
    assert!(out.status.success(), "{out:?}");
    let folder = dry.parent().unwrap();
    assert_eq!(std::fs::read(folder.join(&name)).unwrap(), blob);
    assert_eq!(
        contents(folder).len(),
        2,
        "only the script and the wrapped key"
    );
    assert!(text(&out.stdout).contains(&command), "{out:?}");

    let nothing = "No file was written and nothing was sent to Google Cloud.";
    // No cloud CLI here: the dry run, which needs none, shows the checks (the unit tests run
    // the same refusals with the CLI on PATH as a tripwire that must not be reached).
    let broken = carried("google-script-damaged", &file, &damaged(&script, &name));
    let message = format!("The {name} this script carries is damaged (SHA-256 ");
    refused(&broken, &["--dry-run"], &path, &message, nothing);

    // Run after the job's expiry (its time moved into the past): refused.
    let later = script_text.replace(&format!("-ge {digits} ]"), "-ge 20200101000000 ]");
    let expired = carried("google-script-expired", &file, later.as_bytes());
    let message = "The import job script-job expired at ";
    refused(&expired, &["--dry-run"], &path, message, nothing);
    let no_gcloud = carried("google-script-no-gcloud", &file, &script);
    let message = "The Google Cloud CLI (gcloud) is not on PATH";
    refused(&no_gcloud, &[], &path, message, nothing);
    browser.close().await;
}

/// The page's wrapped key and command through google-cloud-kms: ImportCryptoKeyVersionRequest
/// with the SDK's own path helpers (the names parse into the command's project, location, key
/// ring, key and job), the algorithm and method as the SDK's enums, the file carried byte for
/// byte and of the method's shape (one RSA block of the job's key, then an AES key wrap).
async fn sdk_builds_the_import(
    browser: &Browser,
    key: &str,
    method: ImportMethod,
    kek_bytes: usize,
) {
    let name = format!("{key}-wrapped-key.bin");
    let blob = GoogleExportPage::download(browser, &name).await;
    let command = browser
        .wait_for_text(GoogleExportPage::COMMAND, |t| {
            t.starts_with("gcloud kms keys versions import")
        })
        .await;
    let words = shell_words::split(&command.replace("\\\n", " ")).unwrap();
    let flag = |f: &str| {
        let at = words
            .iter()
            .position(|w| w == f)
            .unwrap_or_else(|| panic!("no {f}: {command}"));
        words[at + 1].clone()
    };
    let ring = format!(
        "projects/{}/locations/{}/keyRings/{}",
        flag("--project"),
        flag("--location"),
        flag("--keyring")
    );
    let enum_name = |gcloud: &str| gcloud.to_uppercase().replace('-', "_");
    let path = crate::support::scratch_dir("google-sdk").join(&name);
    std::fs::write(&path, &blob).unwrap();
    let built = crate::support::cloud_sdk::build(&serde_json::json!({
        "cloud": "google",
        "key": format!("{ring}/cryptoKeys/{}", flag("--key")),
        "import_job": format!("{ring}/importJobs/{}", flag("--import-job")),
        "algorithm": enum_name(&flag("--algorithm")),
        "import_method": enum_name(&method.gcloud_name()),
        "wrapped_key_file": path,
    }));
    let parts = &built["parent_parts"];
    assert_eq!(parts["project"], flag("--project"), "{built}");
    assert_eq!(parts["location"], flag("--location"), "{built}");
    assert_eq!(parts["key_ring"], flag("--keyring"), "{built}");
    assert_eq!(parts["crypto_key"], flag("--key"), "{built}");
    assert_eq!(
        built["import_job_parts"]["import_job"],
        flag("--import-job"),
        "{built}"
    );
    assert_eq!(
        built["algorithm"],
        enum_name(&flag("--algorithm")),
        "{built}"
    );
    assert_eq!(
        built["wrapped_key_sha256"],
        hex::encode(Sha256::digest(&blob)),
        "{built}"
    );
    let len = built["wrapped_key_len"].as_u64().unwrap() as usize;
    assert_eq!(len, blob.len());
    if method.is_key_wrap() {
        assert!(
            len > kek_bytes && (len - kek_bytes).is_multiple_of(8),
            "{built}"
        );
    } else {
        assert_eq!(len, kek_bytes, "{built}");
    }
}

/// Google's own Python SDK builds ImportCryptoKeyVersionRequest from the page's wrapped keys
/// and commands (plain RSA-OAEP for AES, RSA-AES key wrap SHA-1 and SHA-256 for RSA and EC),
/// offline. Cloud KMS's acceptance itself is not proven (README).
#[tokio::test(flavor = "multi_thread")]
async fn googles_sdk_builds_the_import_our_command_describes() {
    let (k3072, k4096) = job_keys();
    let kms = Kms::with_ui();
    let vendor = kms.vendor_id();
    let jobs = [
        ("sdk-plain", ImportMethod::RsaOaep3072Sha256, k3072, 384),
        ("sdk-sha1", ImportMethod::RsaOaep4096Sha1Aes256, k4096, 512),
        (
            "sdk-sha256",
            ImportMethod::RsaOaep3072Sha256Aes256,
            k3072,
            384,
        ),
    ];
    for (job, method, private, _) in jobs {
        google_job_of(
            &kms,
            &vendor,
            job,
            &SeededJob {
                job,
                method: &method.gcloud_name(),
                level: Some("HSM"),
                expire_time: Some(in_two_days()),
            },
            private,
        );
    }
    let aes = KeyMaterialSpec::Aes { bits: 256 };
    let rsa = KeyMaterialSpec::RsaPrivate { bits: 2048 };
    let ec = KeyMaterialSpec::EcPrivate {
        curve: EcCurve::P256,
    };
    let keys = [
        (
            create_material(&kms, &vendor, "gsdk-aes", aes),
            aes,
            "google-symmetric-encryption",
        ),
        (
            create_material(&kms, &vendor, "gsdk-rsa", rsa),
            rsa,
            "rsa-sign-pss-2048-sha256",
        ),
        (
            create_material(&kms, &vendor, "gsdk-ec", ec),
            ec,
            "ec-sign-p256-sha256",
        ),
    ];
    let browser = Browser::start().await;
    for ((key, spec, algorithm), (job, method, _, kek_bytes)) in keys.iter().zip(jobs) {
        export_and_check(&browser, &kms, key, *spec, job, job, method, algorithm).await;
        sdk_builds_the_import(&browser, key, method, kek_bytes).await;
    }
    browser.close().await;
}
