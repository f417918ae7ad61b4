//! The ceremony record of an AWS copy end to end: a copy taken through the pages and
//! LocalStack's real AWS CLI, its record checked against the files on disk and against
//! what the test's own KMIP client reads, printed at A4; and the key's timeline.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use byok_ui::domain::account::UserId;
use byok_ui::domain::aws::arn::AwsKeyArn;
use byok_ui::domain::aws::import_command::{Expiration, ImportType};
use byok_ui::domain::aws::import_parameters::ImportParameters;
use byok_ui::domain::aws::key_spec::AwsKeySpec;
use byok_ui::domain::key_material::KeyMaterialSpec;
use byok_ui::domain::ledger::ceremony::{CeremonyInputs, ceremony_record, from_json};
use byok_ui::domain::ledger::{
    CommandOptions, EventKind, ExportRecord, LedgerEntry, Proof, new_entry_id, sha256_hex,
};
use byok_ui::domain::stored::parse_rfc3339;
use byok_ui::domain::time_display::utc_minutes;
use byok_ui::domain::wrapping::WrappingAlgorithm;
use byok_ui::kmip::{self, AttributeReference, ObjectAttributes};
use byok_ui::routes::Page;
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};

use crate::support::aws::LocalStack;
use crate::support::pages::{ExportPage, ExportResult, ImportKekPage, LedgerPage};
use crate::support::seed::{add_ledger_entry, create_material, ledger_entries};
use crate::support::{Browser, Kms};

/// What the harness's own KMIP client reads of an object (the app's DESCRIBE list).
fn described(kms: &Kms, id: &str) -> ObjectAttributes {
    let reply = kms
        .kmip(&kmip::get_attributes(id, &AttributeReference::DESCRIBE))
        .expect("GetAttributes succeeds");
    kmip::parse_get_attributes(&reply).expect("GetAttributesResponse")
}

/// Visible buttons, navigation and header the print would show.
async fn visible_controls(browser: &Browser) -> Vec<String> {
    let found: Value = browser
        .client
        .execute(
            "return [...document.querySelectorAll('button, nav, header, .skip-link, input, select, textarea')]
               .filter(e => e.checkVisibility())
               .map(e => e.tagName + ' ' + e.textContent.trim().slice(0, 40));",
            vec![],
        )
        .await
        .expect("list the controls");
    serde_json::from_value(found).expect("a list")
}

/// The whole page as the print media shows it, into target/screenshots/`name`.png.
async fn full_page_screenshot(browser: &Browser, name: &str) {
    let shot = browser
        .cdp(
            "Page.captureScreenshot",
            json!({"format": "png", "captureBeyondViewport": true}),
        )
        .await;
    let png = STANDARD
        .decode(shot["data"].as_str().expect("a screenshot"))
        .unwrap();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn ceremony_record_of_a_localstack_copy_matches_the_files_and_the_kms_and_prints_clean() {
    let stack = LocalStack::start();
    let kms = Kms::with_ui();
    let browser = Browser::start().await;
    let cwd = browser.download_dir.clone();
    let key_id = create_material(
        &kms,
        &kms.vendor_id(),
        "aes-ceremony",
        KeyMaterialSpec::Aes { bits: 256 },
    );

    // AWS's side: the key and its import parameters (the token kept as a file, as a person does).
    let created = stack.aws(
        "aws kms create-key --origin EXTERNAL --key-spec SYMMETRIC_DEFAULT --key-usage ENCRYPT_DECRYPT",
        &cwd,
    );
    let arn = created["KeyMetadata"]["Arn"].as_str().unwrap().to_owned();
    let parameters = stack.shell(
        &format!(
            "aws kms get-parameters-for-import --key-id {arn} --wrapping-algorithm RSAES_OAEP_SHA_256 --wrapping-key-spec RSA_2048"
        ),
        &cwd,
    );
    assert!(parameters.status.success());
    let parameters = String::from_utf8(parameters.stdout).unwrap();
    let parameters_json: Value = serde_json::from_str(&parameters).unwrap();
    std::fs::write(
        cwd.join("ImportToken.bin"),
        STANDARD
            .decode(parameters_json["ImportToken"].as_str().unwrap())
            .unwrap(),
    )
    .unwrap();

    // The pages: the KEK from the pasted JSON, the export, the import command with an expiry.
    browser.goto(&kms.ui_url(&Page::ImportKek.href())).await;
    browser
        .paste(&browser.labelled(ImportKekPage::KEK).await, &parameters)
        .await;
    browser
        .wait_for_text("#kek-analysis", |t| t.starts_with("RSA 2048-bit"))
        .await;
    ImportKekPage::choose_algorithm(&browser, WrappingAlgorithm::RsaesOaepSha256).await;
    let arn_field = browser.labelled(ImportKekPage::ARN).await;
    if browser.value_of(&arn_field).await != arn {
        browser.fill(&arn_field, &arn).await;
    }
    browser.fill("#kms-id", "kek-ceremony").await;
    browser.click("form.import-kek button[type=submit]").await;
    browser
        .wait_for_text("[data-testid=imported-id]", |t| t == "kek-ceremony")
        .await;
    ExportPage::open(&browser, &kms, &key_id, "kek-ceremony").await;
    ExportPage::export_and_wait(&browser).await;
    browser
        .wait_for_text("[data-testid=ledger-status]", |t| {
            t.starts_with("Recorded in the BYOK ledger")
        })
        .await;
    let blob = ExportResult::download_material(&browser, "EncryptedKeyMaterial.bin").await;
    let valid_to = (OffsetDateTime::now_utc() + Duration::days(90)).date();
    browser.click("label[for=expires-on]").await;
    browser
        .client
        .execute(
            "const el = document.querySelector('#valid-to'); el.value = arguments[0]; el.dispatchEvent(new Event('input', {bubbles: true}));",
            vec![json!(valid_to.to_string())],
        )
        .await
        .unwrap();
    let command = browser
        .wait_for_text("#import-command", |t| t.contains("KEY_MATERIAL_EXPIRES"))
        .await;
    browser
        .click("button[aria-label='Copy the import command']")
        .await;
    browser
        .wait_for_text("[data-testid=ledger-status]", |t| {
            t.contains("The import command's options (expiry, import type) are recorded with it.")
        })
        .await;
    let imported = stack.shell(&command, &cwd);
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    let import_output = String::from_utf8(imported.stdout).unwrap();

    // The ledger: the import output proves the AES copy; then its record, from the link.
    let id = ledger_entries(&kms, &key_id)[0].id.clone();
    LedgerPage::open(&browser, &kms.url()).await;
    LedgerPage::open_entry(&browser, &id).await;
    LedgerPage::submit(&browser, &import_output).await;
    LedgerPage::applied(&browser, |t| t.contains("agrees with this entry")).await;
    browser.click_link("Ceremony record").await;
    browser
        .wait_for_text("h1", |t| t == Page::CeremonyRecord.label())
        .await;
    browser
        .wait_for_text("[data-testid=record-state]", |t| t == "verified")
        .await;

    // The JSON file, read as another tool would, equals the record built from what the
    // harness's own KMIP client reads and the files on disk.
    let file = format!("byok-ceremony-record-{id}.json");
    browser
        .click_button_starting("Download byok-ceremony-record-")
        .await;
    let record = from_json(&String::from_utf8(browser.downloaded(&file).await).unwrap())
        .expect("the downloaded record reads back");
    let entry = ledger_entries(&kms, &key_id).remove(0);
    let key = described(&kms, &key_id);
    let kek = described(&kms, "kek-ceremony");
    let token = std::fs::read(cwd.join("ImportToken.bin")).unwrap();
    let admin = UserId::new("admin").unwrap();
    let expected = ceremony_record(&CeremonyInputs {
        key: &key,
        entry: &entry,
        kek: Some(&kek),
        import_token_sha256: Some(sha256_hex(&token)),
        now: parse_rfc3339(&record.generated_at).unwrap(),
        by: Some(&admin),
    });
    assert_eq!(record, expected);
    // Every field the issue asks for, checked against independent sources.
    assert_eq!(record.format, "byok-ceremony-record/1");
    assert_eq!(record.kms_key.id, key_id);
    assert_eq!(record.kms_key.algorithm.as_deref(), Some("AES"));
    assert_eq!(record.kms_key.length_bits, Some(256));
    assert_eq!(record.kms_key.state.as_deref(), Some("Active"));
    let wrapping = record.wrapping_key.as_ref().expect("the wrapping key");
    let aws_public_key = STANDARD
        .decode(parameters_json["PublicKey"].as_str().unwrap())
        .unwrap();
    assert_eq!(
        wrapping.spki_sha256.as_deref(),
        Some(sha256_hex(&aws_public_key).as_str())
    );
    assert_eq!(wrapping.spki_sha256_now, wrapping.spki_sha256);
    assert_eq!(wrapping.wrapping_algorithm, "RSAES_OAEP_SHA_256");
    assert_eq!(wrapping.wrapping_key_spec.as_deref(), Some("RSA_2048"));
    // The tag keeps whole seconds of AWS's ParametersValidTo.
    let valid_to_aws = ImportParameters::parse(&parameters).unwrap().valid_to;
    let recorded = parse_rfc3339(wrapping.parameters_valid_to.as_deref().unwrap()).unwrap();
    assert!(
        (recorded - valid_to_aws).abs() < Duration::seconds(1),
        "{recorded} vs AWS's {valid_to_aws}"
    );
    let hashes: Vec<(String, Option<String>)> = record
        .files
        .iter()
        .map(|f| (f.name.clone(), f.sha256.clone()))
        .collect();
    assert_eq!(
        hashes,
        [
            (
                "EncryptedKeyMaterial.bin".to_owned(),
                Some(sha256_hex(
                    &std::fs::read(cwd.join("EncryptedKeyMaterial.bin")).unwrap()
                ))
            ),
            ("ImportToken.bin".to_owned(), Some(sha256_hex(&token))),
        ]
    );
    assert_eq!(record.files[0].sha256, Some(sha256_hex(&blob)));
    assert_eq!(
        record.commands[1].command,
        command.replace(" \\\n    ", " ")
    );
    let import_json: Value = serde_json::from_str(&import_output).unwrap();
    let material_id = import_json["KeyMaterialId"].as_str().unwrap();
    let parsed_arn = AwsKeyArn::parse(&arn).unwrap();
    assert_eq!(record.aws.key_arn.as_deref(), Some(arn.as_str()));
    assert_eq!(
        record.aws.account.as_deref(),
        Some(arn.split(':').nth(4).unwrap())
    );
    assert_eq!(record.aws.region.as_deref(), Some(parsed_arn.region()));
    assert_eq!(record.aws.key_material_id.as_deref(), Some(material_id));
    assert_eq!(
        record
            .aws
            .expires
            .as_deref()
            .map(|t| parse_rfc3339(t).unwrap().date()),
        Some(valid_to)
    );
    assert_eq!(record.sameness.result, "same");
    assert_eq!(record.sameness.proof.as_deref(), Some("aes_import"));
    let kinds: Vec<Option<&str>> = record.events.iter().map(|e| e.kind.as_deref()).collect();
    assert_eq!(kinds, [Some("import_confirmed"), Some("same_material")]);
    assert!(
        record
            .events
            .iter()
            .all(|e| e.by.as_deref() == Some("admin"))
    );
    let trail: Vec<&str> = record
        .cloudtrail
        .iter()
        .map(|c| c.event_name.as_str())
        .collect();
    for name in [
        "GetParametersForImport",
        "ImportKeyMaterial",
        "DeleteImportedKeyMaterial",
    ] {
        assert!(trail.contains(&name), "{trail:?}");
    }
    assert!(
        record
            .cloudtrail
            .iter()
            .all(|c| c.key_arn.as_deref() == Some(arn.as_str())
                && c.key_material_id.as_deref() == Some(material_id))
    );
    // The page shows the same: the hashes, the ARN, the events and CloudTrail's names.
    let page = browser
        .wait_for_text("main", |t| t.contains("Sign-off"))
        .await;
    for fact in [
        sha256_hex(&blob),
        sha256_hex(&token),
        arn.clone(),
        material_id.to_owned(),
        "DeleteImportedKeyMaterial".to_owned(),
        utc_minutes(entry.events[0].at),
    ] {
        assert!(page.contains(&fact), "the page lacks {fact}");
    }
    browser.assert_accessible("ceremony record").await;

    // Printed: A4 width, print media: no navigation, header or button shows.
    browser.set_viewport((794, 1123)).await;
    browser
        .cdp("Emulation.setEmulatedMedia", json!({"media": "print"}))
        .await;
    assert_eq!(visible_controls(&browser).await, Vec::<String>::new());
    full_page_screenshot(&browser, "ceremony-record-print-a4").await;
    let height: f64 = browser
        .client
        .execute("return document.documentElement.scrollHeight;", vec![])
        .await
        .unwrap()
        .as_f64()
        .unwrap();
    // Saved as PDF the way the browser's print does (A4 from the stylesheet's @page).
    let pdf = browser
        .cdp("Page.printToPDF", json!({"preferCSSPageSize": true}))
        .await;
    let pdf = STANDARD
        .decode(pdf["data"].as_str().expect("a PDF"))
        .unwrap();
    let pages = pdf_pages(&pdf);
    std::fs::write(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("target/screenshots/ceremony-record.pdf"),
        &pdf,
    )
    .unwrap();
    eprintln!("ceremony record printed at A4 width: {height} px high, {pages} PDF page(s)");
    assert!(
        (1..=3).contains(&pages),
        "the record prints on 1 to 3 A4 pages, not {pages}"
    );
    browser
        .cdp("Emulation.setEmulatedMedia", json!({"media": ""}))
        .await;
    assert!(!visible_controls(&browser).await.is_empty());
    browser.close().await;
}

/// The pages of a PDF: its `/Type /Page` objects (not `/Pages`), spaced either way.
fn pdf_pages(pdf: &[u8]) -> usize {
    [b"/Type /Page".as_slice(), b"/Type/Page".as_slice()]
        .iter()
        .map(|word| {
            pdf.windows(word.len() + 1)
                .filter(|w| w.starts_with(word) && w[word.len()] != b's')
                .count()
        })
        .sum()
}

/// An entry on AWS key `n` recorded at `at` (no expiry unless given).
fn seeded(n: u8, at: OffsetDateTime, expires: Option<time::Date>) -> LedgerEntry {
    let arn = format!(
        "arn:aws:kms:eu-west-{}:111122223333:key/0000000{n}-0000-4000-8000-00000000000{n}",
        n % 3 + 1
    );
    LedgerEntry::exported(
        new_entry_id(at, [n; 6]),
        Some(AwsKeyArn::parse(&arn).unwrap()),
        AwsKeySpec::SymmetricDefault,
        ExportRecord {
            kek_id: format!("kek-{n}"),
            kek_sha256: sha256_hex(&[n]),
            wrapping_algorithm: WrappingAlgorithm::RsaesOaepSha256,
            material_sha256: sha256_hex(&[n, n]),
        },
        Some(CommandOptions {
            expiration: expires.map_or(Expiration::DoesNotExpire, Expiration::ExpiresOn),
            import_type: Some(ImportType::NewKeyMaterial),
            description: None,
        }),
        at,
        &UserId::new("seed-client@example.com").unwrap(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn ceremony_record_timeline_shows_each_copy_at_its_date() {
    let kms = Kms::with_ui();
    let key_id = create_material(
        &kms,
        &kms.vendor_id(),
        "aes-timeline",
        KeyMaterialSpec::Aes { bits: 256 },
    );
    let now = OffsetDateTime::now_utc()
        .replace_second(0)
        .unwrap()
        .replace_nanosecond(0)
        .unwrap();
    let user = UserId::new("seed-client@example.com").unwrap();
    let exported_at = now - Duration::days(60);
    let exported = seeded(1, exported_at, None);
    let mut verified = seeded(2, now - Duration::days(40), None);
    let verified_at = now - Duration::days(39);
    verified.record_by(
        EventKind::ImportConfirmed {
            key_material_id: Some("a".repeat(64)),
        },
        verified_at,
        &user,
    );
    verified.record_by(
        EventKind::SameMaterial {
            proof: Proof::AesImport,
        },
        verified_at,
        &user,
    );
    let mut rotated = seeded(3, now - Duration::days(30), None);
    let rotated_at = now - Duration::days(10);
    rotated.record_by(
        EventKind::Rotated {
            new_key_material_id: "b".repeat(64),
            new_kms_key_id: "aes-timeline-2".into(),
        },
        rotated_at,
        &user,
    );
    let expires_on = (now + Duration::days(5)).date();
    let expiring = seeded(4, now - Duration::days(20), Some(expires_on));
    for entry in [&exported, &verified, &rotated, &expiring] {
        add_ledger_entry(&kms, &key_id, entry).unwrap();
    }

    let browser = Browser::start_with(false, (360, 900)).await;
    browser
        .goto(&kms.ui_url(&Page::ceremony_record_href(&key_id, &verified.id)))
        .await;
    let facts = browser
        .wait_for_text("[data-testid=timeline-facts]", |t| t.contains("expires"))
        .await;
    let expires_at = expires_on.midnight().assume_utc();
    // Each copy's lane says its mark at its date, in words a screen reader reads.
    let expected = [
        (&exported, format!("exported {}", utc_minutes(exported_at))),
        (&verified, format!("verified {}", utc_minutes(verified_at))),
        (&rotated, format!("rotated {}", utc_minutes(rotated_at))),
        (&expiring, format!("expires {}", utc_minutes(expires_at))),
    ];
    for (entry, words) in &expected {
        let lane = browser
            .wait_for_text(
                &format!(
                    "[data-testid=timeline-facts] li[data-copy-id='{}']",
                    entry.id
                ),
                |t| !t.is_empty(),
            )
            .await;
        assert!(lane.contains(words), "{lane:?} lacks {words:?}\n{facts}");
    }
    // In the picture, the marks sit left to right in the order of their dates, today
    // between the past ones and the expiry, which lies in the shaded 7-day horizon.
    let xs: Value = browser
        .client
        .execute(
            "const x = e => { const b = e.getBoundingClientRect(); return b.left + b.width / 2; };
             const svg = document.querySelector('[data-testid=timeline-svg]');
             const at = w => { const e = svg.querySelector(`path[data-at=\"${w}\"]`); return e ? x(e) : null; };
             const band = svg.querySelector('.horizon-7').getBoundingClientRect();
             return { marks: arguments[0].map(at), today: x(svg.querySelector('.today')),
                      band7: [band.left, band.right],
                      scroll: document.documentElement.scrollWidth - window.innerWidth,
                      accessible: svg.getAttribute('role') + ' ' + svg.getAttribute('aria-label') };",
            vec![json!(expected.iter().map(|(_, w)| w.clone()).collect::<Vec<_>>())],
        )
        .await
        .unwrap();
    let marks: Vec<f64> = serde_json::from_value(xs["marks"].clone())
        .unwrap_or_else(|_| panic!("every mark is drawn: {xs}"));
    assert!(marks.windows(2).all(|w| w[0] < w[1]), "{xs}");
    let today = xs["today"].as_f64().unwrap();
    assert!(marks[2] < today && today < marks[3], "{xs}");
    let band7: Vec<f64> = serde_json::from_value(xs["band7"].clone()).unwrap();
    assert!(band7[0] <= marks[3] && marks[3] <= band7[1], "{xs}");
    assert_eq!(
        xs["scroll"].as_f64(),
        Some(0.0),
        "nothing scrolls sideways at 360 px"
    );
    assert!(
        xs["accessible"].as_str().unwrap().starts_with(&format!(
            "img Timeline of every copy of the KMS key {key_id}"
        )),
        "{xs}"
    );
    browser
        .scroll_into_view("[data-testid=ledger-timeline]")
        .await;
    browser.screenshot("ceremony-record-timeline-360").await;
    browser
        .assert_accessible("ceremony record timeline (360 px)")
        .await;
    browser.close().await;
}
