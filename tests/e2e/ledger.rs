//! The BYOK ledger end to end: entries written at export and read back by the
//! harness's own KMIP calls, confirmed and proven from LocalStack's real outputs.
//!
//! LocalStack's KMS answers create-key, get-parameters-for-import,
//! import-key-material (with a KeyMaterialId), describe-key, get-public-key and
//! generate-mac;
//! it does not emulate list-key-rotations (501), whose parsing and
//! reconciliation are unit-tested in the domain.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use byok_ui::domain::account::UserId;
use byok_ui::domain::aws::arn::AwsKeyArn;
use byok_ui::domain::aws::import_command::{Expiration, ImportType};
use byok_ui::domain::aws::key_spec::AwsKeySpec;
use byok_ui::domain::expiry::ExpiryStatus;
use byok_ui::domain::key_material::{HmacHash, KeyMaterialSpec};
use byok_ui::domain::ledger::{
    CommandOptions, EventKind, ExportRecord, LedgerEntry, LedgerState, Proof, midnight_utc,
    new_entry_id, sha256_hex,
};
use byok_ui::domain::time_display::utc_minutes;
use byok_ui::domain::wrapping::WrappingAlgorithm;
use byok_ui::kmip::{self, CreateKeyPairRequest, CryptographicAlgorithm, KeyPairKind, UsageMask};
use byok_ui::routes::Page;
use serde_json::Value;
use time::{Duration, OffsetDateTime};

use crate::support::aws::{ARN, LocalStack, get_parameters_output};
use crate::support::pages::{ExportPage, ExportResult, ImportKekPage, LedgerPage, Settings};
use crate::support::proxy::{Fault, kms_behind_proxy};
use crate::support::seed::{
    add_ledger_entry, attributes, create_material, fingerprinted_kek, ledger_attributes,
    ledger_entries, proof_leftovers, set_ledger_entry, tagged_kek,
};
use crate::support::{ALICE, BOB, Browser, Kms, Oidc, USERS, free_port};

const STATUS: &str = "[data-testid=ledger-status]";

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

/// The user a KMS without authentication resolves every request to.
const ADMIN: &str = "admin";

/// The user another KMIP client (the harness) records its entries as.
fn seeder() -> UserId {
    UserId::new("seed-client@example.com").unwrap()
}

/// Waits for the export result's ledger line to say it recorded; returns the entry id.
async fn recorded_entry_id(browser: &Browser, key_id: &str) -> String {
    let status = browser
        .wait_for_text(STATUS, |t| t.starts_with("Recorded in the BYOK ledger"))
        .await;
    let prefix = format!("Recorded in the BYOK ledger on {key_id} (entry ");
    status
        .strip_prefix(&prefix)
        .and_then(|rest| rest.split(')').next())
        .unwrap_or_else(|| panic!("no entry id in {status:?}"))
        .to_owned()
}

/// Sets the export result's expiry date (the date input, as a person picks it).
async fn expire_on(browser: &Browser, date: time::Date) {
    browser.click("label[for=expires-on]").await;
    browser.element("#valid-to").await;
    browser
        .client
        .execute(
            "const el = document.querySelector('#valid-to'); el.value = arguments[0]; el.dispatchEvent(new Event('input', {bubbles: true}));",
            vec![serde_json::json!(date.to_string())],
        )
        .await
        .unwrap();
}

/// Copies the import command and waits until its options are recorded; returns it.
async fn copy_import_command(browser: &Browser) -> String {
    let shown = browser
        .wait_for_text("#import-command", |t| !t.is_empty())
        .await;
    browser
        .click("button[aria-label='Copy the import command']")
        .await;
    browser
        .wait_for_text(STATUS, |t| {
            t.contains("The import command's options (expiry, import type) are recorded with it.")
        })
        .await;
    assert_eq!(browser.clipboard().await, shown);
    shown
}

fn only_entry(kms: &Kms, key_id: &str) -> LedgerEntry {
    let mut entries = ledger_entries(kms, key_id);
    assert_eq!(entries.len(), 1, "{entries:?}");
    entries.remove(0)
}

#[tokio::test(flavor = "multi_thread")]
async fn ledger_an_export_is_read_back_by_kmip_and_seen_by_a_second_browser() {
    let kms = Kms::with_ui();
    let vendor = kms.vendor_id();
    let algorithm = WrappingAlgorithm::RsaesOaepSha256;
    let (_private, kek_der) = fingerprinted_kek(&kms, &vendor, "kek-ledger", 2048, algorithm);
    let key_id = create_material(
        &kms,
        &vendor,
        "aes-ledger",
        KeyMaterialSpec::Aes { bits: 256 },
    );
    let browser = Browser::start().await;
    let before = now().replace_nanosecond(0).unwrap();
    ExportPage::open(&browser, &kms, &key_id, "kek-ledger").await;
    ExportPage::export_and_wait(&browser).await;
    let id = recorded_entry_id(&browser, &key_id).await;
    let after = now();
    let blob = ExportResult::download_material(&browser, "EncryptedKeyMaterial.bin").await;

    let status = browser.wait_for_text(STATUS, |t| !t.is_empty()).await;
    assert!(
        status.starts_with(&format!(
            "Recorded in the BYOK ledger on {key_id} (entry {id}) by {ADMIN}."
        )),
        "{status}"
    );
    let entry = only_entry(&kms, &key_id);
    assert_eq!(entry.id, id);
    // No authentication: /me names the KMS's default user, and the entry keeps it.
    assert_eq!(kms.me(None).unwrap(), ADMIN);
    assert_eq!(entry.recorded_by, UserId::new(ADMIN));
    assert_eq!(entry.aws_key_arn, Some(AwsKeyArn::parse(ARN).unwrap()));
    assert_eq!(entry.key_spec, AwsKeySpec::SymmetricDefault);
    assert_eq!(
        entry.export,
        Some(ExportRecord {
            kek_id: "kek-ledger".into(),
            kek_sha256: sha256_hex(&kek_der),
            wrapping_algorithm: algorithm,
            material_sha256: sha256_hex(&blob),
        })
    );
    assert!(
        before <= entry.recorded_at && entry.recorded_at <= after,
        "{before} <= {} <= {after}",
        entry.recorded_at
    );
    assert_eq!(entry.command, None);
    assert_eq!(entry.key_material_id, None);
    assert!(entry.events.is_empty());
    assert_eq!(entry.state(now()), LedgerState::Exported);

    // Copying a command with an expiry and an import type records its options.
    let valid_to = (now() + Duration::days(90)).date();
    expire_on(&browser, valid_to).await;
    browser
        .select(
            &browser
                .labelled("Import type (SYMMETRIC_DEFAULT keys, optional)")
                .await,
            "NEW_KEY_MATERIAL",
        )
        .await;
    browser
        .wait_for_text("#import-command", |t| {
            t.contains("KEY_MATERIAL_EXPIRES") && t.contains("NEW_KEY_MATERIAL")
        })
        .await;
    copy_import_command(&browser).await;
    let with_options = only_entry(&kms, &key_id);
    assert_eq!(
        with_options.command,
        Some(CommandOptions {
            expiration: Expiration::ExpiresOn(valid_to),
            import_type: Some(ImportType::NewKeyMaterial),
            description: None,
        })
    );
    assert_eq!(
        LedgerEntry {
            command: None,
            ..with_options.clone()
        },
        entry,
        "nothing else changed"
    );

    // The ledger page, after a reload and in a second browser.
    LedgerPage::open(&browser, &kms.url()).await;
    LedgerPage::state_of(&browser, &id, |t| t == "exported").await;
    browser.client.refresh().await.unwrap();
    LedgerPage::state_of(&browser, &id, |t| t == "exported").await;
    let expected_expiry = ExpiryStatus::at(midnight_utc(valid_to), now()).sentence();
    let row = browser
        .wait_for_text(&format!("tr[data-entry-id='{id}']"), |t| t.contains(ARN))
        .await;
    assert!(row.contains(&expected_expiry), "{row}");
    assert!(row.contains("not bound yet"), "{row}");
    browser
        .wait_for_text(
            &format!("tr[data-entry-id='{id}'] [data-testid=entry-recorded-by]"),
            |t| t == format!("recorded by {ADMIN}"),
        )
        .await;
    browser.assert_accessible("ledger page (one entry)").await;
    let second = Browser::start().await;
    LedgerPage::open(&second, &kms.url()).await;
    LedgerPage::state_of(&second, &id, |t| t == "exported").await;
    LedgerPage::open_entry(&second, &id).await;
    let details = second
        .wait_for_text("[data-testid=entry-details] .entry-summary", |t| {
            t.contains(&sha256_hex(&blob))
        })
        .await;
    assert!(details.contains(&sha256_hex(&kek_der)), "{details}");
    let recorded = second
        .wait_for_text("[data-testid=details-recorded]", |t| !t.is_empty())
        .await;
    assert!(
        recorded.starts_with("Recorded ") && recorded.ends_with(&format!(" UTC by {ADMIN}")),
        "{recorded}"
    );
    second.assert_accessible("ledger page (entry open)").await;
    second.close().await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn ledger_an_export_under_a_kek_without_fingerprint_is_readable() {
    // A KEK imported by another client (or the guided flow) has no kek_sha256 tag.
    let kms = Kms::with_ui();
    let vendor = kms.vendor_id();
    tagged_kek(
        &kms,
        &vendor,
        "kek-bare",
        2048,
        WrappingAlgorithm::RsaesOaepSha1,
    );
    let key_id = create_material(
        &kms,
        &vendor,
        "hmac-bare",
        KeyMaterialSpec::Hmac {
            hash: HmacHash::Sha256,
            bits: 256,
        },
    );
    let browser = Browser::start().await;
    ExportPage::open(&browser, &kms, &key_id, "kek-bare").await;
    ExportPage::export_and_wait(&browser).await;
    let id = recorded_entry_id(&browser, &key_id).await;
    let entry = only_entry(&kms, &key_id);
    assert_eq!(entry.export.as_ref().unwrap().kek_sha256, "");
    assert_eq!(entry.key_spec, AwsKeySpec::Hmac(HmacHash::Sha256));
    LedgerPage::open(&browser, &kms.url()).await;
    LedgerPage::state_of(&browser, &id, |t| t == "exported").await;
    assert!(
        browser
            .visible_texts(".notice")
            .await
            .iter()
            .all(|t| !t.contains("cannot be read")),
        "the entry is listed as unreadable"
    );
    browser.close().await;
}

/// A LocalStack key of `spec` holding an export of a fresh KMS key made on the
/// pages: the KEK imported on the import page, the export recorded, the page's
/// command run unedited. Returns (ARN, KMS key id, entry id, import output).
async fn imported_copy(
    stack: &LocalStack,
    kms: &Kms,
    browser: &Browser,
    spec: AwsKeySpec,
    usage: &str,
    material: KeyMaterialSpec,
    name: &str,
) -> (String, String, String, String) {
    let key_id = create_material(kms, &kms.vendor_id(), name, material);
    imported_copy_of(
        stack,
        kms,
        browser,
        (spec, usage),
        (WrappingAlgorithm::RsaesOaepSha256, 2048),
        &key_id,
        name,
    )
    .await
}

/// As [`imported_copy`], for the KMS key `key_id` already made, wrapped with
/// `wrapping` under an RSA KEK of that many bits.
async fn imported_copy_of(
    stack: &LocalStack,
    kms: &Kms,
    browser: &Browser,
    (spec, usage): (AwsKeySpec, &str),
    (algorithm, kek_bits): (WrappingAlgorithm, usize),
    key_id: &str,
    name: &str,
) -> (String, String, String, String) {
    let cwd = browser.download_dir.clone();
    let created = stack.aws(
        &format!(
            "aws kms create-key --origin EXTERNAL --key-spec {} --key-usage {usage}",
            spec.aws_name()
        ),
        &cwd,
    );
    let arn = created["KeyMetadata"]["Arn"].as_str().unwrap().to_owned();
    let parameters = stack.shell(
        &format!(
            "aws kms get-parameters-for-import --key-id {arn} --wrapping-algorithm {} --wrapping-key-spec RSA_{kek_bits}",
            algorithm.aws_name()
        ),
        &cwd,
    );
    assert!(parameters.status.success());
    let parameters = String::from_utf8(parameters.stdout).unwrap();
    let json: Value = serde_json::from_str(&parameters).unwrap();
    std::fs::write(
        cwd.join("ImportToken.bin"),
        STANDARD
            .decode(json["ImportToken"].as_str().unwrap())
            .unwrap(),
    )
    .unwrap();

    let kek_id = format!("kek-{name}");
    browser.goto(&kms.ui_url(&Page::ImportKek.href())).await;
    let kek_field = browser.labelled(ImportKekPage::KEK).await;
    browser.paste(&kek_field, &parameters).await;
    browser
        .wait_for_text("#kek-analysis", |t| {
            t.starts_with(&format!("RSA {kek_bits}-bit"))
        })
        .await;
    ImportKekPage::choose_algorithm(browser, algorithm).await;
    let arn_field = browser.labelled(ImportKekPage::ARN).await;
    if browser.value_of(&arn_field).await != arn {
        browser.fill(&arn_field, &arn).await;
    }
    browser.fill("#kms-id", &kek_id).await;
    browser.click("form.import-kek button[type=submit]").await;
    browser
        .wait_for_text("[data-testid=imported-id]", |t| t == kek_id)
        .await;

    ExportPage::open(browser, kms, key_id, &kek_id).await;
    ExportPage::export_and_wait(browser).await;
    let id = recorded_entry_id(browser, key_id).await;
    ExportResult::download_material(browser, "EncryptedKeyMaterial.bin").await;
    let command = copy_import_command(browser).await;
    assert!(command.contains(&arn), "{command}");
    let imported = stack.shell(&command, &cwd);
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    let output = String::from_utf8(imported.stdout).unwrap();
    (arn, key_id.to_owned(), id, output)
}

fn last_event(entry: &LedgerEntry) -> &EventKind {
    &entry.events.last().expect("an event").kind
}

/// Waits until entry `id`'s state reads `state` both in its open details'
/// summary and in its table row (as the page shows it, no re-read asked).
async fn shown_state(browser: &Browser, id: &str, state: &str) {
    browser
        .wait_for_text("[data-testid=details-state]", |t| t == state)
        .await;
    LedgerPage::state_of(browser, id, |t| t == state).await;
}

/// Whether `text` starts with a time as the pages write it: "2026-12-06 21:06 UTC".
fn reads_as_utc_minutes(text: &str) -> bool {
    let shape = "dddd-dd-dd dd:dd UTC";
    text.len() >= shape.len()
        && text.chars().zip(shape.chars()).all(|(c, s)| match s {
            'd' => c.is_ascii_digit(),
            s => c == s,
        })
}

#[tokio::test(flavor = "multi_thread")]
async fn ledger_localstack_aes_import_verifies_at_once_refuses_another_key_and_records_a_disabled_one()
 {
    let stack = LocalStack::start();
    let kms = Kms::with_ui();
    let browser = Browser::start().await;
    let cwd = browser.download_dir.clone();
    let (arn, key_id, id, import_output) = imported_copy(
        &stack,
        &kms,
        &browser,
        AwsKeySpec::SymmetricDefault,
        "ENCRYPT_DECRYPT",
        KeyMaterialSpec::Aes { bits: 256 },
        "aes-aws",
    )
    .await;
    let import_json: Value = serde_json::from_str(&import_output).unwrap();
    let material_id = import_json["KeyMaterialId"]
        .as_str()
        .unwrap_or_else(|| panic!("no KeyMaterialId from LocalStack: {import_output}"))
        .to_owned();

    LedgerPage::open(&browser, &kms.url()).await;
    LedgerPage::open_entry(&browser, &id).await;
    LedgerPage::submit(&browser, &import_output).await;
    let said = LedgerPage::applied(&browser, |t| !t.is_empty()).await;
    assert!(
        said.contains("AWS's import-key-material output agrees with this entry."),
        "{said}"
    );
    assert!(said.contains(Proof::AesImport.describe()), "{said}");
    let entry = only_entry(&kms, &key_id);
    assert_eq!(entry.key_material_id.as_deref(), Some(material_id.as_str()));
    assert_eq!(entry.aws_key_arn.as_ref().unwrap().to_string(), arn);
    assert_eq!(entry.state(now()), LedgerState::Verified);
    // What was just written shows at once, in the summary and in the table,
    // without "Read the ledger again".
    shown_state(&browser, &id, "verified").await;
    // Every time on the page reads "YYYY-MM-DD HH:MM UTC".
    let recorded = browser
        .wait_for_text("[data-testid=details-recorded]", |t| !t.is_empty())
        .await;
    assert_eq!(
        recorded,
        format!("Recorded {} by {ADMIN}", utc_minutes(entry.recorded_at))
    );
    assert!(
        reads_as_utc_minutes(&recorded["Recorded ".len()..]),
        "{recorded}"
    );
    let events = browser
        .visible_texts("[data-testid=details-events] li")
        .await;
    assert_eq!(events.len(), 2, "{events:?}");
    assert!(events.iter().all(|e| reads_as_utc_minutes(e)), "{events:?}");

    // describe-key, pasted without reading the ledger again, confirms and keeps the import's events.
    let describe_this = || {
        String::from_utf8(
            stack
                .shell(&format!("aws kms describe-key --key-id {arn}"), &cwd)
                .stdout,
        )
        .unwrap()
    };
    let describe = describe_this();
    LedgerPage::submit(&browser, &describe).await;
    LedgerPage::applied(&browser, |t| {
        t.contains("AWS's describe-key output agrees with this entry.")
    })
    .await;
    let entry = only_entry(&kms, &key_id);
    let kinds: Vec<&str> = entry
        .events
        .iter()
        .map(|e| match e.kind {
            EventKind::ImportConfirmed { .. } => "import",
            EventKind::SameMaterial { .. } => "same",
            EventKind::DescribeConfirmed { .. } => "describe",
            _ => "other",
        })
        .collect();
    assert_eq!(kinds, ["import", "same", "describe"], "{entry:?}");
    assert!(
        entry.events.iter().all(|e| e.by == UserId::new(ADMIN)),
        "{entry:?}"
    );
    assert_eq!(entry.key_material_id.as_deref(), Some(material_id.as_str()));
    shown_state(&browser, &id, "verified").await;
    assert_eq!(
        browser
            .visible_texts("[data-testid=details-events] li")
            .await
            .len(),
        3
    );

    // describe-key of another AWS key, pasted on this verified copy: no news
    // about it. Refused, saying which key is which and what to paste; nothing
    // recorded (the stored JSON read back is the same), the state kept.
    let other = stack.aws(
        "aws kms create-key --origin EXTERNAL --key-spec SYMMETRIC_DEFAULT --key-usage ENCRYPT_DECRYPT",
        &cwd,
    );
    let other_arn = other["KeyMetadata"]["Arn"].as_str().unwrap().to_owned();
    let other_describe = String::from_utf8(
        stack
            .shell(&format!("aws kms describe-key --key-id {other_arn}"), &cwd)
            .stdout,
    )
    .unwrap();
    let before = ledger_attributes(&kms, &key_id);
    LedgerPage::submit(&browser, &other_describe).await;
    let refused = LedgerPage::refusal(&browser, |t| t.contains("Nothing was recorded")).await;
    assert!(
        refused.contains(&format!(
            "This describe-key output is about another AWS key ({other_arn}); this entry is the copy in {arn}. Nothing was recorded: paste the output of describe-key for {arn}"
        )),
        "{refused}"
    );
    assert_eq!(
        ledger_attributes(&kms, &key_id),
        before,
        "the entry changed"
    );
    assert_eq!(
        only_entry(&kms, &key_id).state(now()),
        LedgerState::Verified
    );
    shown_state(&browser, &id, "verified").await;

    // A real disagreement about this key (disabled in AWS): recorded, and
    // shown at once.
    let disabled = stack.shell(&format!("aws kms disable-key --key-id {arn}"), &cwd);
    assert!(
        disabled.status.success(),
        "{}",
        String::from_utf8_lossy(&disabled.stderr)
    );
    LedgerPage::submit(&browser, &describe_this()).await;
    let said = LedgerPage::applied(&browser, |t| t.contains("AWS disagrees:")).await;
    assert!(said.contains("The AWS key is Disabled."), "{said}");
    let entry = only_entry(&kms, &key_id);
    assert!(
        matches!(last_event(&entry), EventKind::Mismatch { source, .. } if source == "describe-key"),
        "{entry:?}"
    );
    shown_state(&browser, &id, "mismatch").await;
    browser.assert_accessible("ledger page (a mismatch)").await;
    // Enabled again, describe-key clears it.
    let enabled = stack.shell(&format!("aws kms enable-key --key-id {arn}"), &cwd);
    assert!(enabled.status.success());
    LedgerPage::submit(&browser, &describe_this()).await;
    LedgerPage::applied(&browser, |t| {
        t.contains("AWS's describe-key output agrees with this entry.")
    })
    .await;
    shown_state(&browser, &id, "verified").await;

    // Register a copy made outside the app: the other key, on a new KMS key.
    let outside = create_material(
        &kms,
        &kms.vendor_id(),
        "aes-outside",
        KeyMaterialSpec::Aes { bits: 256 },
    );
    browser.click(".register-copy summary").await;
    browser
        .fill(&browser.labelled(LedgerPage::REGISTER_KEY).await, &outside)
        .await;
    browser
        .paste(
            &browser.labelled(LedgerPage::REGISTER_DESCRIBE).await,
            &other_describe,
        )
        .await;
    browser.click_button("Register the copy").await;
    let said = browser
        .wait_for_text(".register-copy .ok", |t| !t.is_empty())
        .await;
    let registered = only_entry(&kms, &outside);
    assert_eq!(
        said,
        format!(
            "Registered on {outside} as entry {} by {ADMIN}.",
            registered.id
        )
    );
    assert_eq!(registered.recorded_by, UserId::new(ADMIN));
    assert_eq!(
        registered.aws_key_arn.as_ref().unwrap().to_string(),
        other_arn
    );
    assert_eq!(registered.export, None);
    assert!(matches!(registered.events[0].kind, EventKind::Registered));
    LedgerPage::state_of(&browser, &registered.id, |t| !t.is_empty()).await;
    let row = browser
        .wait_for_text(&format!("tr[data-entry-id='{}']", registered.id), |t| {
            t.contains(&other_arn)
        })
        .await;
    assert!(row.contains(&outside), "{row}");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn ledger_localstack_hmac_generate_mac_proves_and_a_tampered_mac_is_flagged() {
    let stack = LocalStack::start();
    let kms = Kms::with_ui();
    let browser = Browser::start().await;
    let cwd = browser.download_dir.clone();
    let (arn, key_id, id, import_output) = imported_copy(
        &stack,
        &kms,
        &browser,
        AwsKeySpec::Hmac(HmacHash::Sha256),
        "GENERATE_VERIFY_MAC",
        KeyMaterialSpec::Hmac {
            hash: HmacHash::Sha256,
            bits: 256,
        },
        "hmac-aws",
    )
    .await;
    LedgerPage::open(&browser, &kms.url()).await;
    LedgerPage::open_entry(&browser, &id).await;
    LedgerPage::submit(&browser, &import_output).await;
    let import_json: Value = serde_json::from_str(&import_output).unwrap();
    if import_json.get("KeyMaterialId").is_none() {
        // LocalStack returns no KeyMaterialId for an HMAC import (it does for
        // SYMMETRIC_DEFAULT): the page says so, and describe-key confirms instead.
        LedgerPage::refusal(&browser, |t| {
            t.contains("This output has a KeyId but no KeyMaterialId")
        })
        .await;
        assert!(only_entry(&kms, &key_id).events.is_empty());
        let describe = String::from_utf8(
            stack
                .shell(&format!("aws kms describe-key --key-id {arn}"), &cwd)
                .stdout,
        )
        .unwrap();
        LedgerPage::submit(&browser, &describe).await;
    }
    LedgerPage::applied(&browser, |t| t.contains("agrees with this entry")).await;
    assert_eq!(
        only_entry(&kms, &key_id).state(now()),
        LedgerState::Imported
    );

    let shown = browser
        .wait_for_text("#ledger-generate-mac", |t| t.contains("generate-mac"))
        .await;
    browser
        .click("button[aria-label='Copy the generate-mac command']")
        .await;
    let command = browser.clipboard().await;
    assert_eq!(command, shown);
    let mut mac = stack.shell(&command, &cwd);
    if String::from_utf8_lossy(&mac.stderr).contains("Unknown options: --cli-binary-format") {
        // AWS CLI v1 (the harness's) has no --cli-binary-format and takes
        // --message's text as the bytes: give it the same bytes from a file,
        // as v2 reads the page's command.
        let mut words = shell_words::split(&command).unwrap();
        let at = words.iter().position(|w| w == "--message").unwrap() + 1;
        std::fs::write(
            cwd.join("message.bin"),
            STANDARD.decode(&words[at]).unwrap(),
        )
        .unwrap();
        words[at] = "fileb://message.bin".into();
        let format = words
            .iter()
            .position(|w| w == "--cli-binary-format")
            .unwrap();
        words.drain(format..format + 2);
        mac = stack.shell(&shell_words::join(&words), &cwd);
    }
    assert!(
        mac.status.success(),
        "LocalStack's generate-mac: {}",
        String::from_utf8_lossy(&mac.stderr)
    );
    let mac_output = String::from_utf8(mac.stdout).unwrap();
    LedgerPage::submit(&browser, &mac_output).await;
    LedgerPage::applied(&browser, |t| t.contains(Proof::Mac.describe())).await;
    let entry = only_entry(&kms, &key_id);
    assert_eq!(
        *last_event(&entry),
        EventKind::SameMaterial { proof: Proof::Mac }
    );
    assert_eq!(entry.state(now()), LedgerState::Verified);
    assert_eq!(entry.events.len(), 2, "{entry:?}");

    // A tampered MAC: one bit flipped.
    let mut json: Value = serde_json::from_str(&mac_output).unwrap();
    let mut bytes = STANDARD.decode(json["Mac"].as_str().unwrap()).unwrap();
    bytes[0] ^= 1;
    json["Mac"] = Value::String(STANDARD.encode(&bytes));
    LedgerPage::submit(&browser, &json.to_string()).await;
    LedgerPage::applied(&browser, |t| t.contains("Not the same material")).await;
    let entry = only_entry(&kms, &key_id);
    assert!(
        matches!(
            last_event(&entry),
            EventKind::DifferentMaterial {
                proof: Proof::Mac,
                ..
            }
        ),
        "{entry:?}"
    );
    LedgerPage::read_again(&browser).await;
    LedgerPage::state_of(&browser, &id, |t| t == "mismatch").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn ledger_two_browsers_exporting_one_key_at_once_both_survive() {
    let kms = Kms::with_ui();
    let vendor = kms.vendor_id();
    let algorithm = WrappingAlgorithm::RsaesOaepSha256;
    fingerprinted_kek(&kms, &vendor, "kek-a", 2048, algorithm);
    let key_id = create_material(&kms, &vendor, "shared", KeyMaterialSpec::Aes { bits: 256 });
    let (a, b) = (Browser::start().await, Browser::start().await);
    ExportPage::open(&a, &kms, &key_id, "kek-a").await;
    ExportPage::open(&b, &kms, &key_id, "kek-a").await;
    tokio::join!(a.click(ExportPage::SUBMIT), b.click(ExportPage::SUBMIT));
    let (id_a, id_b) = tokio::join!(
        recorded_entry_id(&a, &key_id),
        recorded_entry_id(&b, &key_id)
    );
    assert_ne!(id_a, id_b);
    let mut ids: Vec<String> = ledger_entries(&kms, &key_id)
        .into_iter()
        .map(|e| e.id)
        .collect();
    let mut expected = vec![id_a, id_b];
    ids.sort();
    expected.sort();
    assert_eq!(ids, expected);

    // Two direct KMIP writers, ten entries each, at once: the KMS's own behaviour, reported.
    let writer = |n: u8| {
        let kms = &kms;
        let key_id = &key_id;
        move || {
            (0..10u8)
                .map(|i| {
                    let entry = LedgerEntry::exported(
                        new_entry_id(now(), [n, i, 0, 0, 0, 0]),
                        None,
                        AwsKeySpec::SymmetricDefault,
                        ExportRecord {
                            kek_id: "kek-a".into(),
                            kek_sha256: sha256_hex(b"kek"),
                            wrapping_algorithm: algorithm,
                            material_sha256: sha256_hex(&[n, i]),
                        },
                        None,
                        now(),
                        &seeder(),
                    );
                    add_ledger_entry(kms, key_id, &entry).expect("AddAttribute");
                    entry.id
                })
                .collect::<Vec<_>>()
        }
    };
    let written: Vec<String> = std::thread::scope(|s| {
        let one = s.spawn(writer(1));
        let two = s.spawn(writer(2));
        let mut all = one.join().unwrap();
        all.extend(two.join().unwrap());
        all
    });
    let kept: Vec<String> = ledger_entries(&kms, &key_id)
        .into_iter()
        .map(|e| e.id)
        .collect();
    let lost: Vec<&String> = written.iter().filter(|id| !kept.contains(id)).collect();
    println!(
        "direct KMIP writers: {} of {} entries kept, lost: {lost:?}",
        written.len() - lost.len(),
        written.len()
    );
    assert!(
        expected.iter().all(|id| kept.contains(id)),
        "the app's two entries survive the direct writers"
    );
    a.close().await;
    b.close().await;
}

/// An entry for [`ARN`] written by KMIP; returns its id.
fn seeded_entry(kms: &Kms, key_id: &str, expiration: Expiration, n: u8) -> LedgerEntry {
    let entry = LedgerEntry::exported(
        new_entry_id(now(), [n; 6]),
        Some(AwsKeyArn::parse(ARN).unwrap()),
        AwsKeySpec::SymmetricDefault,
        ExportRecord {
            kek_id: "kek".into(),
            kek_sha256: sha256_hex(b"kek"),
            wrapping_algorithm: WrappingAlgorithm::RsaesOaepSha256,
            material_sha256: sha256_hex(&[n]),
        },
        Some(CommandOptions {
            expiration,
            import_type: None,
            description: None,
        }),
        now(),
        &seeder(),
    );
    add_ledger_entry(kms, key_id, &entry).unwrap();
    entry
}

#[tokio::test(flavor = "multi_thread")]
async fn ledger_an_entry_changed_by_another_client_after_the_page_read_it_keeps_both_changes() {
    let kms = Kms::with_ui();
    let vendor = kms.vendor_id();
    let key_id = create_material(&kms, &vendor, "shared", KeyMaterialSpec::Aes { bits: 256 });
    let entry = seeded_entry(&kms, &key_id, Expiration::DoesNotExpire, 3);
    let browser = Browser::start().await;
    LedgerPage::open(&browser, &kms.url()).await;
    LedgerPage::open_entry(&browser, &entry.id).await;

    // Between the page's read and the click, another client binds the
    // material and records that, by a direct KMIP SetAttribute.
    let material_id = "cd".repeat(32);
    let mut theirs = entry.clone();
    theirs.key_material_id = Some(material_id.clone());
    let other_client = UserId::new("other-client@example.com").unwrap();
    theirs.record_by(
        EventKind::ImportConfirmed {
            key_material_id: Some(material_id.clone()),
        },
        now() - Duration::minutes(5),
        &other_client,
    );
    set_ledger_entry(&kms, &key_id, &theirs).unwrap();

    let import = format!(r#"{{"KeyId": "{ARN}", "KeyMaterialId": "{material_id}"}}"#);
    LedgerPage::submit(&browser, &import).await;
    LedgerPage::applied(&browser, |t| t.contains("agrees with this entry")).await;
    let stored = only_entry(&kms, &key_id);
    assert_eq!(
        stored.key_material_id.as_deref(),
        Some(material_id.as_str())
    );
    assert_eq!(
        stored.events.len(),
        3,
        "the other client's event and the page's two: {stored:?}"
    );
    assert_eq!(stored.events[0], theirs.events[0], "{stored:?}");
    assert!(
        matches!(stored.events[2].kind, EventKind::SameMaterial { .. }),
        "{stored:?}"
    );
    // Who did what: the other client's event, then the page's two as admin.
    let by: Vec<Option<&str>> = stored
        .events
        .iter()
        .map(|e| e.by.as_ref().map(UserId::as_str))
        .collect();
    assert_eq!(
        by,
        [Some("other-client@example.com"), Some(ADMIN), Some(ADMIN)]
    );
    assert_eq!(stored.recorded_by, Some(seeder()));
    LedgerPage::read_again(&browser).await;
    LedgerPage::open_entry(&browser, &entry.id).await;
    let events = browser
        .visible_texts("[data-testid=details-events] li")
        .await;
    assert_eq!(events.len(), 3, "{events:?}");
    assert!(
        events[0].ends_with(" by other-client@example.com"),
        "{events:?}"
    );
    assert!(events[0].contains("import confirmed"), "{events:?}");
    assert!(events[1].ends_with(&format!(" by {ADMIN}")), "{events:?}");
    assert!(
        events[2].contains("same material proven (AES import) by admin"),
        "{events:?}"
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn ledger_bad_pastes_are_explained_and_change_nothing() {
    let kms = Kms::with_ui();
    let vendor = kms.vendor_id();
    let key_id = create_material(&kms, &vendor, "pasted", KeyMaterialSpec::Aes { bits: 256 });
    let entry = seeded_entry(&kms, &key_id, Expiration::DoesNotExpire, 1);
    let before = ledger_attributes(&kms, &key_id);
    let browser = Browser::start().await;
    LedgerPage::open(&browser, &kms.url()).await;
    LedgerPage::open_entry(&browser, &entry.id).await;

    let kek = rsa::RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap();
    let parameters = get_parameters_output(ARN, &kek, &[7; 64], now() + Duration::hours(24));
    let describe = crate::support::aws::create_key_output(AwsKeySpec::SymmetricDefault)
        .replace("PendingImport", "Enabled");
    let other_region = describe.replace("eu-west-3", "us-east-1");
    let import = format!(
        r#"{{"KeyId": "{ARN}", "KeyMaterialId": "{}"}}"#,
        "ab".repeat(32)
    );
    let cases: [(&str, &str, &str); 5] = [
        (
            "not JSON",
            "KeyId: abc\nKeyMaterialId: def",
            "This is not JSON (it should start with {). It looks like YAML or text output: add --output json to the command.",
        ),
        (
            "get-parameters-for-import's output",
            &parameters,
            "This is the output of aws kms get-parameters-for-import (it has the import token): it belongs on the export page.",
        ),
        (
            "another Region's ARN",
            &other_region,
            "This describe-key output is from Region us-east-1, but the key is in eu-west-3: run it again with --region eu-west-3",
        ),
        (
            "truncated JSON",
            &import[..import.len() - 10],
            "The JSON stops before its end (truncated): copy the whole output, from the first { to the last }.",
        ),
        (
            "a command instead of its output",
            "aws kms describe-key --key-id x",
            "This is a command, not its output: run it, then paste the JSON it prints.",
        ),
    ];
    for (what, text, message) in cases {
        LedgerPage::submit(&browser, text).await;
        let shown = LedgerPage::refusal(&browser, |t| t.contains(message)).await;
        assert!(shown.contains(message), "{what}: {shown}");
        assert_eq!(
            ledger_attributes(&kms, &key_id),
            before,
            "{what}: the entry changed"
        );
    }
    browser
        .assert_accessible("ledger page (a refused paste)")
        .await;
    LedgerPage::open(&browser, &kms.url()).await;
    LedgerPage::state_of(&browser, &entry.id, |t| t == "exported").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn ledger_a_refused_record_is_said_plainly_and_the_export_still_works() {
    let (kms, proxy, token) = kms_behind_proxy();
    let vendor = kms.vendor_id();
    fingerprinted_kek(
        &kms,
        &vendor,
        "kek-denied",
        2048,
        WrappingAlgorithm::RsaesOaepSha256,
    );
    let key_id = create_material(&kms, &vendor, "denied", KeyMaterialSpec::Aes { bits: 256 });
    let browser = Browser::start().await;
    browser.keep_secret(&token);
    browser
        .goto(&format!("{}{}", proxy.url(), Page::Ledger.href()))
        .await;
    Settings::use_server(&browser, "", &token).await;
    browser
        .goto(&format!(
            "{}{}",
            proxy.url(),
            Page::export_href(Some(&key_id), Some("kek-denied"))
        ))
        .await;
    browser.wait_for_text("h1", |t| !t.is_empty()).await;
    browser.element("#kek-id").await;
    proxy.arm(
        "AddAttribute",
        Fault::Status(
            403,
            "Permission denied: no right to modify the attributes of denied",
        ),
    );
    let summary = ExportPage::export_and_wait(&browser).await;
    assert!(
        summary.contains("wrapped with RSAES_OAEP_SHA_256"),
        "{summary}"
    );
    let status = browser
        .wait_for_text(STATUS, |t| t.starts_with("This copy is not recorded"))
        .await;
    // A missing right to write the key's attributes: said plainly, with the
    // user the KMS sees, its reason, and who can record the copy later.
    let user = kms.me(Some(&token)).unwrap();
    assert_eq!(
        status,
        format!(
            "This copy is not recorded in the BYOK ledger: The KMS does not let {user} write the attributes of {key_id}, where the BYOK ledger keeps its records (the server said: Permission denied: no right to modify the attributes of denied). The wrapped key material above is fine: import it as usual, and keep a note of which AWS key it goes to. The key's owner (or a user allowed to change this key's attributes) can record this copy later on the BYOK ledger: \"Register a copy made outside this app\" takes the KMS key id and AWS's describe-key output once the material is imported."
        )
    );

    let blob = ExportResult::download_material(&browser, "EncryptedKeyMaterial.bin").await;
    assert!(!blob.is_empty());
    assert!(ledger_attributes(&kms, &key_id).is_empty());
    browser
        .assert_accessible("export result (not recorded)")
        .await;
    // The line's link leads to the ledger, where the register form is.
    browser.click(&format!("{STATUS} a")).await;
    browser
        .wait_for_text("h1", |t| t == Page::Ledger.label())
        .await;
    browser
        .wait_for_text(".register-copy summary", |t| {
            t == "Register a copy made outside this app"
        })
        .await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn ledger_a_user_who_may_export_but_not_change_the_key_gets_the_blob_and_the_owner_records_it()
 {
    // Alice owns the key and the KEK and lets bob export (and read) them only.
    let oidc = Oidc::start(&USERS, free_port());
    let mut kms = Kms::with_oidc(&oidc, &[ALICE]);
    let (alice, bob) = (oidc.token_for(ALICE), oidc.token_for(BOB));
    kms.token = Some(alice.clone());
    let vendor = kms.vendor_id();
    let key_id = create_material(&kms, &vendor, "lent", KeyMaterialSpec::Aes { bits: 256 });
    tagged_kek(
        &kms,
        &vendor,
        "kek-lent",
        2048,
        WrappingAlgorithm::RsaesOaepSha256,
    );
    kms.grant(Some(&alice), BOB, &key_id, &["export", "getattributes"])
        .expect("alice lets bob export her key");
    kms.grant(Some(&alice), BOB, "kek-lent", &["get", "getattributes"])
        .expect("alice lets bob use her wrapping key");

    // Bob (a bearer token in Settings) exports: the blob is his, the ledger
    // line says plainly why this copy is not recorded and who can record it.
    let browser = Browser::start().await;
    browser.keep_secret(&alice);
    browser.keep_secret(&bob);
    browser.goto(&kms.ui_url(&Page::Ledger.href())).await;
    Settings::use_server(&browser, "", &bob).await;
    ExportPage::open(&browser, &kms, &key_id, "kek-lent").await;
    let summary = ExportPage::export_and_wait(&browser).await;
    assert!(summary.contains(&key_id), "{summary}");
    let blob = ExportResult::download_material(&browser, "EncryptedKeyMaterial.bin").await;
    assert!(!blob.is_empty());
    let status = browser
        .wait_for_text(STATUS, |t| t.starts_with("This copy is not recorded"))
        .await;
    // The KMS 5.28 answers bob's AddAttribute as if the key did not exist;
    // bob can still read the key, so the line says it is a missing right.
    assert_eq!(
        status,
        format!(
            "This copy is not recorded in the BYOK ledger: The KMS does not let {BOB} write the attributes of {key_id}, where the BYOK ledger keeps its records (the server said: Object_Not_Found: object not found for identifier {key_id}). The wrapped key material above is fine: import it as usual, and keep a note of which AWS key it goes to. The key's owner (or a user allowed to change this key's attributes) can record this copy later on the BYOK ledger: \"Register a copy made outside this app\" takes the KMS key id and AWS's describe-key output once the material is imported."
        )
    );
    assert!(ledger_attributes(&kms, &key_id).is_empty());
    browser
        .assert_accessible("export result (not recorded: no right)")
        .await;

    // Later, alice registers the copy from AWS's describe-key: it is hers.
    Settings::use_server(&browser, "", &alice).await;
    LedgerPage::open(&browser, &kms.url()).await;
    browser.click(".register-copy summary").await;
    browser
        .fill(&browser.labelled(LedgerPage::REGISTER_KEY).await, &key_id)
        .await;
    let describe = crate::support::aws::create_key_output(AwsKeySpec::SymmetricDefault)
        .replace("PendingImport", "Enabled");
    browser
        .paste(
            &browser.labelled(LedgerPage::REGISTER_DESCRIBE).await,
            &describe,
        )
        .await;
    browser.click_button("Register the copy").await;
    let said = browser
        .wait_for_text(".register-copy .ok", |t| !t.is_empty())
        .await;
    let registered = only_entry(&kms, &key_id);
    assert_eq!(
        said,
        format!(
            "Registered on {key_id} as entry {} by {ALICE}.",
            registered.id
        )
    );
    assert_eq!(registered.recorded_by, UserId::new(ALICE));
    assert!(matches!(registered.events[0].kind, EventKind::Registered));
    assert_eq!(registered.events[0].by, UserId::new(ALICE));
    LedgerPage::state_of(&browser, &registered.id, |t| !t.is_empty()).await;
    browser
        .wait_for_text(
            &format!(
                "tr[data-entry-id='{}'] [data-testid=entry-recorded-by]",
                registered.id
            ),
            |t| t == format!("recorded by {ALICE}"),
        )
        .await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn ledger_the_calendar_has_one_event_per_expiry_and_the_earliest_shows() {
    let kms = Kms::with_ui();
    let vendor = kms.vendor_id();
    let key_id = create_material(&kms, &vendor, "watched", KeyMaterialSpec::Aes { bits: 256 });
    let soon = (now() + Duration::days(10)).date();
    let later = (now() + Duration::days(200)).date();
    let first = seeded_entry(&kms, &key_id, Expiration::ExpiresOn(later), 1);
    let second = seeded_entry(&kms, &key_id, Expiration::ExpiresOn(soon), 2);
    seeded_entry(&kms, &key_id, Expiration::DoesNotExpire, 3);
    let browser = Browser::start().await;
    LedgerPage::open(&browser, &kms.url()).await;
    let earliest = browser
        .wait_for_text("[data-testid=earliest-expiry]", |t| !t.is_empty())
        .await;
    assert_eq!(
        earliest,
        format!(
            "Earliest expiry: the copy of {key_id} in {ARN} {}.",
            ExpiryStatus::at(midnight_utc(soon), now()).sentence()
        )
    );
    browser.click("button.download").await;
    let ics = String::from_utf8(browser.downloaded(LedgerPage::CALENDAR).await).unwrap();
    let events = vevents(&ics);
    assert_eq!(events.len(), 2, "{ics}");
    let mut found: Vec<(String, String)> = events
        .iter()
        .map(|e| (prop(e, "UID"), prop(e, "DTSTART")))
        .collect();
    found.sort();
    let ical = |d: time::Date| {
        format!(
            "{:04}{:02}{:02}T000000Z",
            d.year(),
            u8::from(d.month()),
            d.day()
        )
    };
    let mut expected = vec![
        (format!("{}@byok-aws-copy", first.id), ical(later)),
        (format!("{}@byok-aws-copy", second.id), ical(soon)),
    ];
    expected.sort();
    assert_eq!(found, expected);
    assert!(ics.contains("\r\n"), "CRLF lines");
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n") && ics.ends_with("END:VCALENDAR\r\n"));

    // The "expiring" filter keeps only the entry expiring within 30 days.
    browser
        .select(&browser.labelled("Show").await, "expiring")
        .await;
    LedgerPage::state_of(&browser, &second.id, |t| t == "exported").await;
    assert!(
        browser
            .visible_texts(&format!("tr[data-entry-id='{}']", first.id))
            .await
            .is_empty()
    );
    browser.close().await;
}

/// The VEVENTs of an iCalendar file, unfolded, as (name, value) lists.
fn vevents(ics: &str) -> Vec<Vec<(String, String)>> {
    let unfolded = ics.replace("\r\n ", "");
    let mut events = Vec::new();
    let mut current: Option<Vec<(String, String)>> = None;
    let mut in_alarm = false;
    for line in unfolded.split("\r\n").filter(|l| !l.is_empty()) {
        let (name, value) = line.split_once(':').expect("name:value");
        match (name, value) {
            ("BEGIN", "VEVENT") => current = Some(Vec::new()),
            ("END", "VEVENT") => events.push(current.take().expect("open event")),
            ("BEGIN", "VALARM") => in_alarm = true,
            ("END", "VALARM") => in_alarm = false,
            _ if !in_alarm => {
                if let Some(event) = current.as_mut() {
                    event.push((name.to_owned(), value.to_owned()));
                }
            }
            _ => {}
        }
    }
    events
}

fn prop(event: &[(String, String)], name: &str) -> String {
    let values: Vec<&String> = event
        .iter()
        .filter(|(n, _)| n == name)
        .map(|(_, v)| v)
        .collect();
    assert_eq!(values.len(), 1, "{name} in {event:?}");
    values[0].clone()
}

/// A key pair made as the create page makes it for AWS key usage `usage`
/// (the private key may Decrypt, Sign or agree keys; its public key the pair).
fn create_pair(kms: &Kms, id: &str, spec: AwsKeySpec, usage: &str) -> String {
    let (private, public) = match usage {
        "ENCRYPT_DECRYPT" => (UsageMask::DECRYPT, UsageMask::ENCRYPT),
        "SIGN_VERIFY" => (UsageMask::SIGN, UsageMask::VERIFY),
        _ => (UsageMask::KEY_AGREEMENT, UsageMask::KEY_AGREEMENT),
    };
    let kind = match spec {
        AwsKeySpec::Rsa(bits) => KeyPairKind::Rsa { bits: bits as i32 },
        // As the create page: ECDH pairs, which also sign (ECDSA).
        AwsKeySpec::Ecc(curve) => KeyPairKind::Ec {
            algorithm: CryptographicAlgorithm::Ecdh,
            curve: curve.into(),
        },
        other => panic!("{other:?} is not a key pair"),
    };
    let mut attributes = attributes(&kms.vendor_id(), id, private);
    attributes.sensitive = true;
    kmip::parse_create_key_pair(
        &kms.kmip(&kmip::create_key_pair(&CreateKeyPairRequest {
            kind,
            attributes,
            public_usage_mask: public,
        }))
        .unwrap(),
    )
    .unwrap()
    .private_key_id
}

#[tokio::test(flavor = "multi_thread")]
async fn ledger_localstack_get_public_key_proves_rsa_and_ec_in_the_kms_and_flags_another_key() {
    let stack = LocalStack::start();
    let kms = Kms::with_ui();
    let cases = [
        (AwsKeySpec::Rsa(2048), "SIGN_VERIFY", "rsa-sign"),
        (AwsKeySpec::Rsa(2048), "ENCRYPT_DECRYPT", "rsa-decrypt"),
        (
            AwsKeySpec::Ecc(byok_ui::domain::key_material::EcCurve::P256),
            "SIGN_VERIFY",
            "ec-sign",
        ),
    ];
    for (spec, usage, name) in cases {
        // A browser per key: each has its own download folder.
        let browser = Browser::start().await;
        let cwd = browser.download_dir.clone();
        let key_id = create_pair(&kms, name, spec, usage);
        let (arn, key_id, id, _) = imported_copy_of(
            &stack,
            &kms,
            &browser,
            (spec, usage),
            (WrappingAlgorithm::RsaAesKeyWrapSha256, 3072),
            &key_id,
            name,
        )
        .await;
        LedgerPage::open(&browser, &kms.url()).await;
        LedgerPage::open_entry(&browser, &id).await;
        let shown = browser
            .wait_for_text("#ledger-get-public-key", |t| t.contains("get-public-key"))
            .await;
        browser
            .click("button[aria-label='Copy the get-public-key command']")
            .await;
        let command = browser.clipboard().await;
        assert_eq!(command, shown);
        assert!(command.contains(&arn), "{command}");
        let output = String::from_utf8(stack.shell(&command, &cwd).stdout).unwrap();
        LedgerPage::submit(&browser, &output).await;
        let said = LedgerPage::applied(&browser, |t| !t.is_empty()).await;
        assert!(said.contains(Proof::PublicKey.describe()), "{name}: {said}");
        let entry = only_entry(&kms, &key_id);
        assert_eq!(
            *last_event(&entry),
            EventKind::SameMaterial {
                proof: Proof::PublicKey
            },
            "{name}"
        );
        assert_eq!(entry.state(now()), LedgerState::Verified, "{name}");
        assert_eq!(proof_leftovers(&kms), Vec::<String>::new(), "{name}");

        // Another key's public key (same spec, made by LocalStack), its KeyId
        // edited to this key's: a mismatch, recorded.
        let other = stack.aws(
            &format!(
                "aws kms create-key --key-spec {} --key-usage {usage}",
                spec.aws_name()
            ),
            &cwd,
        );
        let other_arn = other["KeyMetadata"]["Arn"].as_str().unwrap().to_owned();
        let mut tampered = stack.aws(
            &format!("aws kms get-public-key --key-id {other_arn}"),
            &cwd,
        );
        tampered["KeyId"] = Value::String(arn.clone());
        LedgerPage::submit(&browser, &tampered.to_string()).await;
        let said = LedgerPage::applied(&browser, |t| t.contains("Not the same material")).await;
        assert!(said.contains("another key pair"), "{name}: {said}");
        let entry = only_entry(&kms, &key_id);
        assert!(
            matches!(
                last_event(&entry),
                EventKind::DifferentMaterial {
                    proof: Proof::PublicKey,
                    ..
                }
            ),
            "{name}: {entry:?}"
        );
        assert_eq!(proof_leftovers(&kms), Vec::<String>::new(), "{name}");
        LedgerPage::read_again(&browser).await;
        LedgerPage::state_of(&browser, &id, |t| t == "mismatch").await;
        browser
            .assert_accessible("ledger page (a public-key mismatch)")
            .await;
        browser.close().await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn ledger_a_key_agreement_key_cannot_prove_its_public_key_and_nothing_changes() {
    let kms = Kms::with_ui();
    let spec = AwsKeySpec::Ecc(byok_ui::domain::key_material::EcCurve::P256);
    let key_id = create_pair(&kms, "ec-agreement", spec, "KEY_AGREEMENT");
    let entry = LedgerEntry::exported(
        new_entry_id(now(), [9; 6]),
        Some(AwsKeyArn::parse(ARN).unwrap()),
        spec,
        ExportRecord {
            kek_id: "kek".into(),
            kek_sha256: sha256_hex(b"kek"),
            wrapping_algorithm: WrappingAlgorithm::RsaesOaepSha256,
            material_sha256: sha256_hex(&[9]),
        },
        None,
        now(),
        &seeder(),
    );
    add_ledger_entry(&kms, &key_id, &entry).unwrap();
    let before = ledger_attributes(&kms, &key_id);
    let spki = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/ec-p256.spki.der"
    ))
    .unwrap();
    let output = serde_json::json!({
        "KeyId": ARN,
        "PublicKey": STANDARD.encode(spki),
        "KeySpec": "ECC_NIST_P256",
        "KeyUsage": "KEY_AGREEMENT",
        "KeyAgreementAlgorithms": ["ECDH"]
    });
    let browser = Browser::start().await;
    LedgerPage::open(&browser, &kms.url()).await;
    LedgerPage::open_entry(&browser, &entry.id).await;
    LedgerPage::submit(&browser, &output.to_string()).await;
    let shown = LedgerPage::refusal(&browser, |t| t.contains("neither sign nor decrypt")).await;
    assert!(shown.contains("nothing was recorded"), "{shown}");
    assert_eq!(ledger_attributes(&kms, &key_id), before);
    assert_eq!(proof_leftovers(&kms), Vec::<String>::new());
    browser.close().await;
}

/// get-key-last-usage's output for `arn`, shaped from AWS's API model
/// (`GetKeyLastUsageResponse`; LocalStack does not emulate the operation).
fn last_usage_output(arn: &str, last: Option<(&str, OffsetDateTime)>) -> String {
    let usage = last.map_or("{}".to_owned(), |(operation, at)| {
        format!(
            r#"{{"Operation": "{operation}", "Timestamp": "{}", "CloudTrailEventId": "0a1b2c3d-aaaa-bbbb-cccc-0123456789ab", "KmsRequestId": "11112222-3333-4444-5555-666677778888"}}"#,
            at.format(&time::format_description::well_known::Rfc3339).unwrap()
        )
    });
    format!(
        r#"{{"KeyId": "{arn}", "KeyCreationDate": "2026-05-01T00:00:00+00:00", "TrackingStartDate": "2026-04-01T00:00:00+00:00", "KeyLastUsage": {usage}}}"#
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn ledger_last_use_is_kept_from_get_key_last_usage_and_another_accounts_is_named() {
    let kms = Kms::with_ui();
    let vendor = kms.vendor_id();
    let key_id = create_material(&kms, &vendor, "used", KeyMaterialSpec::Aes { bits: 256 });
    let entry = seeded_entry(&kms, &key_id, Expiration::DoesNotExpire, 4);
    let browser = Browser::start().await;
    LedgerPage::open(&browser, &kms.url()).await;
    LedgerPage::open_entry(&browser, &entry.id).await;
    browser
        .wait_for_text("[data-testid=details-last-use]", |t| {
            t == "Not known: run get-key-last-usage below and paste its output."
        })
        .await;
    let command = browser
        .wait_for_text("#ledger-get-key-last-usage", |t| !t.is_empty())
        .await;
    assert_eq!(
        command
            .split_whitespace()
            .filter(|w| *w != "\\")
            .collect::<Vec<_>>()
            .join(" "),
        format!("aws kms get-key-last-usage --key-id {ARN} --region eu-west-3")
    );

    // Another account's key: named as such, nothing written.
    let before = ledger_attributes(&kms, &key_id);
    let other_account = ARN.replace("447182645454", "111122223333");
    let used_at = now() - Duration::days(120);
    LedgerPage::submit(
        &browser,
        &last_usage_output(&other_account, Some(("Decrypt", used_at))),
    )
    .await;
    let shown = LedgerPage::refusal(&browser, |t| t.contains("from account 111122223333")).await;
    assert!(
        shown.contains("but the key is in account 447182645454"),
        "{shown}"
    );
    assert_eq!(ledger_attributes(&kms, &key_id), before);

    // This key's: kept as the copy's last use, idle after 120 days.
    LedgerPage::submit(
        &browser,
        &last_usage_output(ARN, Some(("Decrypt", used_at))),
    )
    .await;
    LedgerPage::applied(&browser, |t| t.contains("Last used ")).await;
    let stored = only_entry(&kms, &key_id);
    let EventKind::LastUsed {
        operation,
        used_at: stored_at,
        cloudtrail_event_id,
        ..
    } = last_event(&stored)
    else {
        panic!("not a last_used event: {stored:?}");
    };
    assert_eq!(operation.as_deref(), Some("Decrypt"));
    assert_eq!(
        stored_at.map(|t| t.unix_timestamp()),
        Some(used_at.unix_timestamp())
    );
    assert_eq!(
        cloudtrail_event_id.as_deref(),
        Some("0a1b2c3d-aaaa-bbbb-cccc-0123456789ab")
    );
    LedgerPage::read_again(&browser).await;
    LedgerPage::open_entry(&browser, &entry.id).await;
    let line = browser
        .wait_for_text("[data-testid=details-last-use]", |t| {
            t.starts_with("Last used ")
        })
        .await;
    assert!(
        line.starts_with(&format!(
            "Last used {} (Decrypt, CloudTrail event 0a1b2c3d-aaaa-bbbb-cccc-0123456789ab).",
            utc_minutes(used_at)
        )),
        "{line}"
    );
    assert!(line.contains(" by admin"), "{line}");
    assert!(line.ends_with("Idle: no known use for 120 days."), "{line}");
    browser.assert_accessible("ledger page (last use)").await;

    // The ledger as files: what the KMS holds, read by this test's own KMIP client.
    let held = ledger_entries(&kms, &key_id);
    assert_eq!(held.len(), 1);
    let held = &held[0];
    browser
        .click_button_starting("Download byok-ledger.csv")
        .await;
    let csv = String::from_utf8(browser.downloaded("byok-ledger.csv").await).unwrap();
    let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(
        lines[0],
        "kms_key_id,cloud,copy_id,place,account,region,key_material_id,state,expires,days_left,recorded_at,recorded_by,last_event,last_use"
    );
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(
        lines[1].starts_with(&format!(
            "{key_id},AWS,{},{ARN},447182645454,eu-west-3,,exported,,,",
            held.id
        )),
        "{}",
        lines[1]
    );
    assert!(
        lines[1].contains(",seed-client@example.com,"),
        "{}",
        lines[1]
    );
    browser
        .click_button_starting("Download byok-ledger.json")
        .await;
    let json: Value =
        serde_json::from_slice(&browser.downloaded("byok-ledger.json").await).unwrap();
    assert_eq!(json["format"], "byok-ledger-inventory/1");
    assert_eq!(json["filter"], "Every copy, Every cloud");
    let copies = json["copies"].as_array().unwrap();
    assert_eq!(copies.len(), 1, "{json}");
    let copy = &copies[0];
    assert_eq!(copy["kms_key_id"], key_id.as_str());
    assert_eq!(copy["copy_id"], held.id.as_str());
    assert_eq!(copy["place"], ARN);
    assert_eq!(copy["state"], held.state(now()).label());
    assert!(copy.get("expires").is_none(), "{copy}");
    assert!(
        copy["last_use"]
            .as_str()
            .unwrap()
            .starts_with(&format!("last used {} (Decrypt", utc_minutes(used_at))),
        "{copy}"
    );
    assert_eq!(
        copy["last_event"].as_str().unwrap(),
        held.events.last().unwrap().line()
    );
    browser.close().await;
}
