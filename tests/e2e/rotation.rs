//! Rotation and multi-Region runbooks end to end: the page's own commands run
//! unedited by the real AWS CLI against LocalStack, progress read back from the KMS.
//!
//! LocalStack rotates on demand, replicates multi-Region keys and imports per
//! Region, but accepts orders AWS refuses (a primary rotating before its
//! replicas, `--import-type` and `--key-material-id` ignored) and answers 501 to
//! list-key-rotations: those rules are unit-tested in `domain::aws::runbook`.

use std::path::Path;

use byok_ui::domain::account::UserId;
use byok_ui::domain::aws::arn::AwsKeyArn;
use byok_ui::domain::aws::import_command::Expiration;
use byok_ui::domain::aws::key_spec::AwsKeySpec;
use byok_ui::domain::aws::runbook::{Runbook, StepActor, is_runbook_attribute};
use byok_ui::domain::key_material::KeyMaterialSpec;
use byok_ui::domain::ledger::{
    CommandOptions, EventKind, ExportRecord, LedgerEntry, LedgerState, new_entry_id, sha256_hex,
};
use byok_ui::domain::wrapping::WrappingAlgorithm;
use byok_ui::kmip;
use byok_ui::routes::Page;
use rsa::pkcs8::DecodePublicKey;
use serde_json::Value;
use time::OffsetDateTime;

use crate::support::aws::LocalStack;
use crate::support::aws_flow::{b64, open_localstack_ciphertext};
use crate::support::pages::{ExportPage, LedgerPage};
use crate::support::seed::{add_ledger_entry, create_material, ledger_entries, vendor_attributes};
use crate::support::{Browser, Kms};

const PASTE: &str = "AWS's output for this step";
const NEXT: &str = "#step-title";
/// The user a KMS without authentication resolves every request to.
const ADMIN: &str = "admin";

/// The user the harness records its seeded copies as (another KMIP client).
fn seeder() -> UserId {
    UserId::new("seed-client@example.com").unwrap()
}

/// Imports `material` into `arn` as the harness (not the page) would have
/// earlier, and records that copy in the ledger of `key_id`, confirmed.
fn seed_copy(
    stack: &LocalStack,
    kms: &Kms,
    cwd: &Path,
    key_id: &str,
    arn: &str,
    material: &[u8],
) -> (String, LedgerEntry) {
    let region = AwsKeyArn::parse(arn).unwrap().region().to_owned();
    let parameters = stack.aws(
        &format!("aws kms get-parameters-for-import --key-id {arn} --wrapping-algorithm RSAES_OAEP_SHA_256 --wrapping-key-spec RSA_2048 --region {region}"),
        cwd,
    );
    let public = rsa::RsaPublicKey::from_public_key_der(&b64(&parameters, "PublicKey")).unwrap();
    let blob = public
        .encrypt(
            &mut rand::thread_rng(),
            rsa::Oaep::new::<sha2::Sha256>(),
            material,
        )
        .unwrap();
    std::fs::write(cwd.join("seed-material.bin"), &blob).unwrap();
    std::fs::write(cwd.join("seed-token.bin"), b64(&parameters, "ImportToken")).unwrap();
    let imported = stack.aws(
        &format!("aws kms import-key-material --key-id {arn} --encrypted-key-material fileb://seed-material.bin --import-token fileb://seed-token.bin --expiration-model KEY_MATERIAL_DOES_NOT_EXPIRE --region {region}"),
        cwd,
    );
    let material_id = imported["KeyMaterialId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let now = OffsetDateTime::now_utc();
    let mut entry = LedgerEntry::exported(
        new_entry_id(now, rand::random()),
        Some(AwsKeyArn::parse(arn).unwrap()),
        AwsKeySpec::SymmetricDefault,
        ExportRecord {
            kek_id: "seeded-kek".into(),
            kek_sha256: String::new(),
            wrapping_algorithm: WrappingAlgorithm::RsaesOaepSha256,
            material_sha256: sha256_hex(&blob),
        },
        Some(CommandOptions {
            expiration: Expiration::DoesNotExpire,
            import_type: None,
            description: None,
        }),
        now,
        &seeder(),
    );
    entry.key_material_id = Some(material_id.clone()).filter(|m| !m.is_empty());
    entry.record_by(
        EventKind::ImportConfirmed {
            key_material_id: entry.key_material_id.clone(),
        },
        now,
        &seeder(),
    );
    add_ledger_entry(kms, key_id, &entry).unwrap();
    (material_id, entry)
}

/// `aws kms encrypt` of `message` in `arn`'s Region: the ciphertext blob.
fn encrypt(stack: &LocalStack, cwd: &Path, arn: &str, message: &[u8]) -> Vec<u8> {
    std::fs::write(cwd.join("message.bin"), message).unwrap();
    let region = AwsKeyArn::parse(arn).unwrap().region().to_owned();
    b64(
        &stack.aws(
            &format!(
                "aws kms encrypt --key-id {arn} --plaintext fileb://message.bin --region {region}"
            ),
            cwd,
        ),
        "CiphertextBlob",
    )
}

/// `aws kms decrypt` of `blob` in `region`: the plaintext.
fn decrypt(stack: &LocalStack, cwd: &Path, region: &str, blob: &[u8]) -> Vec<u8> {
    std::fs::write(cwd.join("ciphertext.bin"), blob).unwrap();
    b64(
        &stack.aws(
            &format!("aws kms decrypt --ciphertext-blob fileb://ciphertext.bin --region {region}"),
            cwd,
        ),
        "Plaintext",
    )
}

/// Waits until the page's next step reads `title`.
async fn next_is(browser: &Browser, title: &str) {
    browser
        .wait_for_text(NEXT, |t| t == format!("Next: {title}"))
        .await;
}

/// Runs the command shown in the block `css` unedited; returns its output.
async fn run_shown(browser: &Browser, stack: &LocalStack, css: &str) -> String {
    let command = browser
        .wait_for_text(css, |t| t.starts_with("aws kms"))
        .await;
    let output = stack.shell(&command, &browser.download_dir);
    assert!(
        output.status.success(),
        "`{command}` failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Pastes `text` as this step's output and presses "Check and record".
async fn paste(browser: &Browser, text: &str) {
    let field = browser.labelled(PASTE).await;
    browser.paste(&field, text).await;
    browser.click_button("Check and record").await;
}

/// Presses the export of `region`'s step and downloads both files.
async fn export_for(browser: &Browser, region: &str) {
    browser
        .click_button("Export the material for this Region")
        .await;
    browser
        .wait_for_text("[data-testid=runbook-exported] p", |t| {
            t.starts_with(&format!("Exported for {region}"))
        })
        .await;
    for n in 0..2 {
        browser
            .click_nth("[data-testid=runbook-exported] button.download", n)
            .await;
    }
    browser
        .downloaded(&format!("EncryptedKeyMaterial-{region}.bin"))
        .await;
    browser
        .downloaded(&format!("ImportToken-{region}.bin"))
        .await;
}

/// One Region's parameters, export and import, all from the page's commands.
async fn import_in_region(
    browser: &Browser,
    stack: &LocalStack,
    region: &str,
    role: &str,
) -> String {
    next_is(
        browser,
        &format!("{region} ({role}): wrapping key and import token"),
    )
    .await;
    let parameters = run_shown(browser, stack, "#runbook-command").await;
    paste(browser, &parameters).await;
    next_is(
        browser,
        &format!("{region}: export the material wrapped for {region}"),
    )
    .await;
    export_for(browser, region).await;
    next_is(
        browser,
        &format!("{region}: import-key-material, then paste its output"),
    )
    .await;
    let imported = run_shown(browser, stack, "#runbook-command").await;
    paste(browser, &imported).await;
    // Recorded in the KMS once the page moves past the step.
    let step = format!("Next: {region}: import-key-material, then paste its output");
    browser.wait_for_text(NEXT, |t| t != step).await;
    imported
}

/// The one runbook stored on `key_id`.
fn stored_runbook(kms: &Kms, key_id: &str) -> Runbook {
    let runbooks: Vec<Runbook> = vendor_attributes(kms, key_id)
        .iter()
        .filter(|(name, _)| is_runbook_attribute(name))
        .map(|(name, value)| Runbook::from_attribute(name, value).unwrap())
        .collect();
    assert_eq!(runbooks.len(), 1, "{runbooks:?}");
    runbooks.into_iter().next().unwrap()
}

fn material_id(json: &str) -> String {
    let value: Value = serde_json::from_str(json).unwrap();
    value["KeyMaterialId"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// A fresh KMS key `name` of `spec`, its bytes (read by the harness only, to
/// prove what AWS holds) and a new AWS key made by `create_key`.
fn kms_and_aws_keys(
    stack: &LocalStack,
    kms: &Kms,
    cwd: &Path,
    name: &str,
    spec: KeyMaterialSpec,
    create_key: &str,
) -> (String, Vec<u8>, String) {
    let key_id = create_material(kms, &kms.vendor_id(), name, spec);
    let material = kms.key_bytes_in_clear(&key_id);
    let created = stack.aws(create_key, cwd);
    let arn = created["KeyMetadata"]["Arn"].as_str().unwrap().to_owned();
    (key_id, material, arn)
}

#[tokio::test(flavor = "multi_thread")]
async fn rotation_single_region_symmetric_key_rotates_to_new_material_on_demand() {
    let stack = LocalStack::start();
    let kms = Kms::with_ui();
    let browser = Browser::start().await;
    let cwd = browser.download_dir.clone();
    let (key_id, old_material, arn) = kms_and_aws_keys(
        &stack,
        &kms,
        &cwd,
        "aes-rot",
        KeyMaterialSpec::Aes { bits: 256 },
        "aws kms create-key --origin EXTERNAL --key-spec SYMMETRIC_DEFAULT --key-usage ENCRYPT_DECRYPT",
    );
    let (old_id, entry) = seed_copy(&stack, &kms, &cwd, &key_id, &arn, &old_material);
    let before = encrypt(&stack, &cwd, &arn, b"before rotation");

    // The ledger links each copy to its rotation page.
    LedgerPage::open(&browser, &kms.url()).await;
    LedgerPage::open_entry(&browser, &entry.id).await;
    browser
        .click("[data-testid=entry-details] a[href*='/ui/aws/rotate']")
        .await;
    browser
        .wait_for_text("h1", |t| t == Page::Rotation.label())
        .await;
    browser
        .wait_for_text("[data-testid=rotation-count]", |t| {
            t.starts_with("0 on-demand rotations recorded")
        })
        .await;
    // A bad description changes nothing: no new generation, no runbook.
    let description = browser
        .labelled("Key material description (symmetric keys, optional)")
        .await;
    browser.fill(&description, "generation 2; rm -rf").await;
    browser.click_button("Start the runbook").await;
    browser
        .wait_for_text(".error-banner", |t| {
            t.contains("description takes up to 256")
        })
        .await;
    assert!(
        vendor_attributes(&kms, &key_id)
            .iter()
            .all(|(n, _)| !is_runbook_attribute(n))
    );
    browser.fill(&description, "generation 2").await;
    // LocalStack answers 501 to list-key-rotations: AWS's own shape (a fixture
    // from its API reference, about this key) stands in. A material still
    // pending is refused; without it, the one ON_DEMAND rotation is counted.
    let key_uuid = arn.rsplit('/').next().unwrap();
    let fixture = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/aws/list-key-rotations.json"
    ))
    .unwrap()
    .replace("1234abcd-12ab-34cd-56ef-1234567890ab", key_uuid);
    let listing_field = browser
        .labelled("AWS's list-key-rotations output (optional: counts the rotations AWS made and finds a material still pending)")
        .await;
    browser.paste(&listing_field, &fixture).await;
    browser.click_button("Start the runbook").await;
    browser
        .wait_for_text(".error-banner", |t| {
            t.contains("waiting to be rotated in (PENDING_ROTATION)")
        })
        .await;
    assert!(
        vendor_attributes(&kms, &key_id)
            .iter()
            .all(|(n, _)| !is_runbook_attribute(n))
    );
    let mut listing: Value = serde_json::from_str(&fixture).unwrap();
    listing["Rotations"].as_array_mut().unwrap().pop();
    browser.paste(&listing_field, &listing.to_string()).await;
    browser.click_button("Start the runbook").await;

    let region = AwsKeyArn::parse(&arn).unwrap().region().to_owned();
    next_is(
        &browser,
        &format!("{region} (primary): wrapping key and import token"),
    )
    .await;
    browser.assert_accessible("the rotation runbook").await;
    // Another KMIP client writes to the runbook after the page read it: the
    // page's next write starts from the runbook as the KMS holds it, so the
    // other client's member survives.
    let started = stored_runbook(&kms, &key_id);
    let mut other: Value = serde_json::from_str(&started.to_attribute_value()).unwrap();
    other["approved_by"] = Value::from("second operator");
    kms.kmip(&kmip::set_vendor_attribute(
        &key_id,
        &kms.vendor_id(),
        &started.attribute_name(),
        &other.to_string(),
    ))
    .unwrap();
    let imported = import_in_region(&browser, &stack, &region, "primary").await;
    let new_id = material_id(&imported);
    assert_ne!(
        new_id, old_id,
        "LocalStack gave the new material the old id"
    );
    next_is(&browser, "Rotate on demand (rotation 2 of AWS's 25)").await;
    let shown = browser
        .wait_for_text("#runbook-command", |t| t.contains("rotate-key-on-demand"))
        .await;
    assert!(shown.contains(&arn), "{shown}");
    run_shown(&browser, &stack, "#runbook-command").await;
    let described = run_shown(&browser, &stack, "#runbook-check-command").await;
    paste(&browser, &described).await;
    browser
        .wait_for_text("[data-testid=runbook-complete]", |t| {
            t.starts_with("Runbook complete")
        })
        .await;
    browser
        .assert_accessible("a completed rotation runbook")
        .await;
    browser.audit_page().await;
    let done_by = browser
        .visible_texts("[data-testid=runbook-steps] [data-testid=step-done-by]")
        .await;
    assert!(!done_by.is_empty());
    assert!(
        done_by.iter().all(|t| t == &format!("— by {ADMIN}")),
        "{done_by:?}"
    );
    let started = browser
        .wait_for_text("[data-testid=runbook-started]", |t| !t.is_empty())
        .await;
    assert!(started.ends_with(&format!(" UTC by {ADMIN}.")), "{started}");

    // AWS: the current material changed; old ciphertext still decrypts.
    let described: Value = serde_json::from_str(&described).unwrap();
    assert_eq!(
        described["KeyMetadata"]["CurrentKeyMaterialId"],
        new_id.as_str()
    );
    assert_eq!(decrypt(&stack, &cwd, &region, &before), b"before rotation");
    // The new ciphertext opens with the KMS's next generation, not the old one.
    let runbook = stored_runbook(&kms, &key_id);
    let new_key = runbook.new_key_id.clone().unwrap();
    let new_material = kms.key_bytes_in_clear(&new_key);
    assert_ne!(new_material, old_material);
    let after = encrypt(&stack, &cwd, &arn, b"after rotation");
    assert_eq!(
        open_localstack_ciphertext(&new_material, &after).as_deref(),
        Some(&b"after rotation"[..])
    );
    assert_eq!(open_localstack_ciphertext(&old_material, &after), None);
    assert_eq!(
        open_localstack_ciphertext(&old_material, &before).as_deref(),
        Some(&b"before rotation"[..])
    );

    // The KMS: linked generations; the ledger: old copy non-current, new one bound.
    let attributes = kmip::parse_get_attributes(
        &kms.kmip(&kmip::get_attributes(
            &key_id,
            &[kmip::AttributeReference::Link],
        ))
        .unwrap(),
    )
    .unwrap();
    assert_eq!(attributes.replaced_by.as_deref(), Some(new_key.as_str()));
    let old_entry = ledger_entries(&kms, &key_id)
        .into_iter()
        .find(|e| e.id == entry.id)
        .unwrap();
    assert_eq!(
        old_entry.state(OffsetDateTime::now_utc()),
        LedgerState::NonCurrent
    );
    let new_entries: Vec<LedgerEntry> = ledger_entries(&kms, &new_key)
        .into_iter()
        .filter(|e| e.id != entry.id)
        .collect();
    assert_eq!(new_entries.len(), 1, "{new_entries:?}");
    assert_eq!(
        new_entries[0].key_material_id.as_deref(),
        Some(new_id.as_str())
    );
    assert!(runbook.rotated);
    assert_eq!(
        runbook.preserved.get("approved_by"),
        Some(&Value::from("second operator"))
    );
    // Who did what: every step, the new copy and the old copy's rotation
    // recorded as the KMS's default user; the seeded copy keeps its own.
    let admin = UserId::new(ADMIN).unwrap();
    assert_eq!(runbook.started_by.as_ref(), Some(&admin));
    for step in runbook.steps(OffsetDateTime::now_utc()) {
        assert_eq!(
            runbook.step_actor(&step.id),
            StepActor::By(admin.clone()),
            "{step:?}"
        );
    }
    assert_eq!(new_entries[0].recorded_by.as_ref(), Some(&admin));
    assert_eq!(old_entry.recorded_by, Some(seeder()));
    let old_by: Vec<Option<&str>> = old_entry
        .events
        .iter()
        .map(|e| e.by.as_ref().map(UserId::as_str))
        .collect();
    assert_eq!(old_by, [Some(seeder().as_str()), Some(ADMIN)]);

    // The ledger shows both copies once each, and no drift.
    LedgerPage::open(&browser, &kms.url()).await;
    LedgerPage::state_of(&browser, &entry.id, |t| t == "non-current").await;
    LedgerPage::state_of(&browser, &new_entries[0].id, |t| t == "imported").await;
    assert!(
        browser
            .visible_texts("[data-testid=entry-drift]")
            .await
            .is_empty()
    );

    // The generation rotated out (Deactivated by the ReKey) stays re-importable:
    // the export page still wraps it, under this Region's wrapping key.
    let kek_id = runbook.regions[0].kek_id.clone().unwrap();
    ExportPage::open(&browser, &kms, &key_id, &kek_id).await;
    let summary = ExportPage::export_and_wait(&browser).await;
    assert!(summary.contains(&key_id), "{summary}");
    browser.audit_page().await;
}

/// Opens the rotation page of entry `entry_id` on `key_id` and waits for its start form.
async fn open_start_form(browser: &Browser, kms: &Kms, key_id: &str, entry_id: &str) {
    browser
        .goto(&kms.ui_url(&Page::rotation_href(key_id, entry_id)))
        .await;
    browser
        .wait_for_text("h1", |t| t == Page::Rotation.label())
        .await;
    browser
        .wait_for_text("#start-title", |t| t.starts_with("Start a runbook"))
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn rotation_multi_region_replicas_then_rotation_across_regions_resumed_in_another_browser() {
    let stack = LocalStack::start();
    let kms = Kms::with_ui();
    let browser = Browser::start().await;
    let cwd = browser.download_dir.clone();
    let (key_id, material, arn) = kms_and_aws_keys(
        &stack,
        &kms,
        &cwd,
        "aes-mrk",
        KeyMaterialSpec::Aes { bits: 256 },
        "aws kms create-key --origin EXTERNAL --key-spec SYMMETRIC_DEFAULT --key-usage ENCRYPT_DECRYPT --multi-region --region eu-west-3",
    );
    assert!(arn.contains(":key/mrk-"), "{arn}");
    // LocalStack's replicate-key deep-copies the primary's state (its current
    // material id included, so a later import into the replica would stay
    // pending forever): the replica is made before the primary's first import.
    // The page's replicate-key command is checked below, not run a second time.
    stack.aws(
        &format!(
            "aws kms replicate-key --key-id {arn} --replica-region us-east-1 --region eu-west-3"
        ),
        &cwd,
    );
    let (primary_id, entry) = seed_copy(&stack, &kms, &cwd, &key_id, &arn, &material);

    // 1. Replicas: replicate-key, then the same material under us-east-1's own wrapping key and token.
    open_start_form(&browser, &kms, &key_id, &entry.id).await;
    browser.select("#runbook-kind", "Replicas").await;
    let replicas = browser
        .labelled("Replica Regions (multi-Region keys: comma separated, empty: none)")
        .await;
    browser.fill(&replicas, "us-east-1").await;
    browser.click_button("Start the runbook").await;
    next_is(&browser, "Replicate the key into us-east-1").await;
    let replicate = browser
        .wait_for_text("#runbook-command", |t| t.contains("replicate-key"))
        .await;
    assert_eq!(
        replicate.split_whitespace().collect::<Vec<_>>().join(" "),
        format!(
            "aws kms replicate-key \\ --key-id {arn} \\ --replica-region us-east-1 \\ --region eu-west-3"
        )
    );
    // Parameters of the wrong Region are refused before anything is imported.
    let primary_parameters = stack.shell(
        &format!("aws kms get-parameters-for-import --key-id {arn} --wrapping-algorithm RSAES_OAEP_SHA_256 --wrapping-key-spec RSA_4096 --region eu-west-3"),
        &cwd,
    );
    paste(
        &browser,
        &String::from_utf8(primary_parameters.stdout).unwrap(),
    )
    .await;
    browser
        .wait_for_text("[data-testid=runbook-next] .error-banner", |t| {
            t.contains("from eu-west-3 but this step is us-east-1's")
        })
        .await;
    let parameters = run_shown(&browser, &stack, "#runbook-check-command").await;
    paste(&browser, &parameters).await;
    next_is(
        &browser,
        "us-east-1: export the material wrapped for us-east-1",
    )
    .await;
    export_for(&browser, "us-east-1").await;
    let import = browser
        .wait_for_text("#runbook-command", |t| t.contains("import-key-material"))
        .await;
    assert!(
        import.contains("--import-type EXISTING_KEY_MATERIAL")
            && import.contains(&format!("--key-material-id {primary_id}")),
        "{import}"
    );
    let imported = run_shown(&browser, &stack, "#runbook-command").await;
    assert_eq!(
        material_id(&imported),
        primary_id,
        "the replica holds the primary's material"
    );
    paste(&browser, &imported).await;
    browser
        .wait_for_text("[data-testid=runbook-complete]", |t| {
            t.starts_with("Runbook complete")
        })
        .await;
    // Who did what: the primary's steps before this runbook, the replica's by admin.
    let steps = browser
        .visible_texts("[data-testid=runbook-steps] li")
        .await;
    for expected in [
        "done: eu-west-3 (primary): wrapping key and import token — before this runbook (the primary's own import)",
        "done: us-east-1 (replica): wrapping key and import token — by admin",
        "done: us-east-1: import-key-material, then paste its output — by admin",
    ] {
        assert!(steps.iter().any(|s| s == expected), "{expected}: {steps:?}");
    }
    let replica_arn = arn.replace(":eu-west-3:", ":us-east-1:");
    let from_primary = encrypt(&stack, &cwd, &arn, b"across regions");
    assert_eq!(
        decrypt(&stack, &cwd, "us-east-1", &from_primary),
        b"across regions"
    );
    let from_replica = encrypt(&stack, &cwd, &replica_arn, b"and back");
    assert_eq!(
        decrypt(&stack, &cwd, "eu-west-3", &from_replica),
        b"and back"
    );

    // 2. Rotation across both Regions; the replica Region is prefilled from the ledger.
    open_start_form(&browser, &kms, &key_id, &entry.id).await;
    assert_eq!(browser.value_of(&replicas).await, "us-east-1");
    browser.click_button("Start the runbook").await;
    let new_imported = import_in_region(&browser, &stack, "eu-west-3", "primary").await;
    let new_id = material_id(&new_imported);
    assert_ne!(new_id, primary_id);
    // Interrupted: another browser session carries on where this one stopped.
    browser.close().await;
    let second = Browser::start().await;
    second
        .goto(&kms.ui_url(&Page::rotation_href(&key_id, &entry.id)))
        .await;
    next_is(
        &second,
        "us-east-1 (replica): wrapping key and import token",
    )
    .await;
    let steps = second.visible_texts("[data-testid=runbook-steps] li").await;
    assert!(
        steps
            .iter()
            .any(|s| s == "done: eu-west-3: import-key-material, then paste its output — by admin"),
        "{steps:?}"
    );
    assert!(
        steps
            .iter()
            .any(|s| s.starts_with("not yet: Rotate on demand")
                && s.contains("still waiting for us-east-1")),
        "{steps:?}"
    );
    let replica_import = import_in_region(&second, &stack, "us-east-1", "replica").await;
    assert_eq!(material_id(&replica_import), new_id);
    next_is(&second, "Rotate on demand (rotation 1 of AWS's 25)").await;
    run_shown(&second, &stack, "#runbook-command").await;
    let described = run_shown(&second, &stack, "#runbook-check-command").await;
    paste(&second, &described).await;
    second
        .wait_for_text("[data-testid=runbook-complete]", |t| {
            t.starts_with("Runbook complete")
        })
        .await;

    // Nothing was imported twice: one new copy per Region, each bound to the new material.
    let runbook = vendor_attributes(&kms, &key_id)
        .iter()
        .filter(|(name, _)| is_runbook_attribute(name))
        .map(|(name, value)| Runbook::from_attribute(name, value).unwrap())
        .find(|r| r.kind == byok_ui::domain::aws::runbook::RunbookKind::Rotation)
        .unwrap();
    let new_key = runbook.new_key_id.clone().unwrap();
    let old_names: Vec<String> = ledger_entries(&kms, &key_id)
        .into_iter()
        .map(|e| e.id)
        .collect();
    let new_copies: Vec<LedgerEntry> = ledger_entries(&kms, &new_key)
        .into_iter()
        .filter(|e| !old_names.contains(&e.id))
        .collect();
    let mut regions: Vec<String> = new_copies
        .iter()
        .map(|e| e.aws_key_arn.as_ref().unwrap().region().to_owned())
        .collect();
    regions.sort();
    assert_eq!(regions, ["eu-west-3", "us-east-1"], "{new_copies:?}");
    assert!(
        new_copies
            .iter()
            .all(|e| e.key_material_id.as_deref() == Some(new_id.as_str()))
    );
    let new_material = kms.key_bytes_in_clear(&new_key);
    // AWS rotates the replicas with their primary; LocalStack does not, so the
    // harness stands in for AWS here and rotates the replica to its pending material.
    stack.aws(
        &format!("aws kms rotate-key-on-demand --key-id {replica_arn} --region us-east-1"),
        &cwd,
    );
    let replica = stack.aws(
        &format!("aws kms describe-key --key-id {replica_arn} --region us-east-1"),
        &cwd,
    );
    assert_eq!(
        replica["KeyMetadata"]["CurrentKeyMaterialId"],
        new_id.as_str()
    );
    let rotated = encrypt(&stack, &cwd, &arn, b"rotated");
    assert_eq!(
        open_localstack_ciphertext(&new_material, &rotated).as_deref(),
        Some(&b"rotated"[..])
    );
    assert_eq!(decrypt(&stack, &cwd, "us-east-1", &rotated), b"rotated");
    assert_eq!(
        decrypt(&stack, &cwd, "us-east-1", &from_primary),
        b"across regions"
    );
    second.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn rotation_hmac_key_moves_to_a_new_aws_key_and_the_alias_follows() {
    let stack = LocalStack::start();
    let kms = Kms::with_ui();
    let browser = Browser::start().await;
    let cwd = browser.download_dir.clone();
    let spec = AwsKeySpec::parse("HMAC_256").unwrap();
    let (key_id, material, old_arn) = kms_and_aws_keys(
        &stack,
        &kms,
        &cwd,
        "hmac-rot",
        spec.material(),
        "aws kms create-key --origin EXTERNAL --key-spec HMAC_256 --key-usage GENERATE_VERIFY_MAC",
    );
    let (_, mut entry) = seed_copy(&stack, &kms, &cwd, &key_id, &old_arn, &material);
    entry.key_spec = spec;
    byok_ui_entry_set(&kms, &key_id, &entry);
    stack.aws(
        &format!("aws kms create-alias --alias-name alias/payments --target-key-id {old_arn}"),
        &cwd,
    );

    open_start_form(&browser, &kms, &key_id, &entry.id).await;
    let alias = browser
        .labelled("Alias to move to the new key (new-key plan, e.g. alias/payments)")
        .await;
    browser.fill(&alias, "payments").await;
    browser.click_button("Start the runbook").await;
    browser
        .wait_for_text(".error-banner", |t| t.contains("starts with alias/"))
        .await;
    browser.fill(&alias, "alias/payments").await;
    browser.click_button("Start the runbook").await;
    next_is(&browser, "Create the new AWS key (HMAC_256)").await;
    let created = run_shown(&browser, &stack, "#runbook-command").await;
    paste(&browser, &created).await;
    let new_arn: Value = serde_json::from_str(&created).unwrap();
    let new_arn = new_arn["KeyMetadata"]["Arn"].as_str().unwrap().to_owned();
    next_is(
        &browser,
        "eu-west-3 (primary): wrapping key and import token",
    )
    .await;
    let parameters = run_shown(&browser, &stack, "#runbook-command").await;
    assert!(parameters.contains(&new_arn), "{parameters}");
    paste(&browser, &parameters).await;
    next_is(
        &browser,
        "eu-west-3: export the material wrapped for eu-west-3",
    )
    .await;
    export_for(&browser, "eu-west-3").await;
    run_shown(&browser, &stack, "#runbook-command").await;
    // LocalStack prints no KeyMaterialId for HMAC imports: describe-key proves the import.
    let described = run_shown(&browser, &stack, "#runbook-check-command").await;
    paste(&browser, &described).await;
    next_is(&browser, "Move alias/payments to the new key").await;
    run_shown(&browser, &stack, "#runbook-command").await;
    let described = run_shown(&browser, &stack, "#runbook-check-command").await;
    paste(&browser, &described).await;
    browser
        .wait_for_text("[data-testid=runbook-complete]", |t| {
            t.starts_with("Runbook complete")
        })
        .await;

    let aliases = stack.aws("aws kms list-aliases", &cwd);
    let target = aliases["Aliases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["AliasName"] == "alias/payments")
        .unwrap()["TargetKeyId"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        new_arn.ends_with(&target),
        "alias points at {target}, not {new_arn}"
    );
    // The new AWS key MACs with the KMS's next generation.
    let runbook = stored_runbook(&kms, &key_id);
    let new_material = kms.key_bytes_in_clear(runbook.new_key_id.as_deref().unwrap());
    assert_ne!(new_material, material);
    std::fs::write(cwd.join("mac-message.bin"), b"byok").unwrap();
    let mac = stack.aws(&format!("aws kms generate-mac --key-id {new_arn} --mac-algorithm HMAC_SHA_256 --message fileb://mac-message.bin"), &cwd);
    use hmac::Mac;
    let mut local = <hmac::Hmac<sha2::Sha256> as Mac>::new_from_slice(&new_material).unwrap();
    local.update(b"byok");
    assert_eq!(b64(&mac, "Mac"), local.finalize().into_bytes().to_vec());
    let old = ledger_entries(&kms, &key_id)
        .into_iter()
        .find(|e| e.id == entry.id)
        .unwrap();
    assert_eq!(
        old.state(OffsetDateTime::now_utc()),
        LedgerState::Superseded
    );
    LedgerPage::open(&browser, &kms.url()).await;
    LedgerPage::state_of(&browser, &entry.id, |t| t == "superseded").await;
}

/// Overwrites `entry` on `key_id` (a harness write, as another KMIP client would).
fn byok_ui_entry_set(kms: &Kms, key_id: &str, entry: &LedgerEntry) {
    crate::support::seed::set_ledger_entry(kms, key_id, entry).unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn rotation_a_rekey_made_directly_on_the_kms_is_flagged_as_drift_on_the_ledger() {
    let kms = Kms::with_ui();
    let browser = Browser::start().await;
    let key_id = create_material(
        &kms,
        &kms.vendor_id(),
        "aes-drift",
        KeyMaterialSpec::Aes { bits: 256 },
    );
    let now = OffsetDateTime::now_utc();
    let mut entry = LedgerEntry::exported(
        new_entry_id(now, rand::random()),
        Some(AwsKeyArn::parse(crate::support::aws::ARN).unwrap()),
        AwsKeySpec::SymmetricDefault,
        ExportRecord {
            kek_id: "kek".into(),
            kek_sha256: String::new(),
            wrapping_algorithm: WrappingAlgorithm::RsaesOaepSha256,
            material_sha256: "0".repeat(64),
        },
        None,
        now,
        &seeder(),
    );
    entry.key_material_id = Some("1".repeat(64));
    add_ledger_entry(&kms, &key_id, &entry).unwrap();
    LedgerPage::open(&browser, &kms.url()).await;
    LedgerPage::state_of(&browser, &entry.id, |t| t == "imported").await;
    assert!(
        browser
            .visible_texts("[data-testid=entry-drift]")
            .await
            .is_empty()
    );

    // Another client (or the KMS's rotation schedule) makes the next generation.
    let new_key = kmip::parse_re_key(&kms.kmip(&kmip::re_key(&key_id)).unwrap()).unwrap();
    LedgerPage::open(&browser, &kms.url()).await;
    let drift = browser
        .wait_for_text("[data-testid=entry-drift]", |t| {
            t.contains(&format!("newer generation of this key ({new_key})"))
        })
        .await;
    assert!(drift.contains(crate::support::aws::ARN), "{drift}");
    // The entry ReKey copied onto the new generation is not shown twice.
    assert_eq!(
        browser
            .visible_texts(&format!("tr[data-entry-id='{}']", entry.id))
            .await
            .len(),
        1
    );
    // Without a key, the page lists the recorded copies to choose from.
    browser.goto(&kms.ui_url(&Page::Rotation.href())).await;
    let choice = browser
        .wait_for_text("[data-testid=rotation-choices] a", |t| {
            t.contains(crate::support::aws::ARN)
        })
        .await;
    assert!(choice.contains(&key_id), "{choice}");
    LedgerPage::open(&browser, &kms.url()).await;
    browser.click("[data-testid=entry-drift] a").await;
    browser
        .wait_for_text("#start-title", |t| t.starts_with("Start a runbook"))
        .await;
}
