//! The export acts on the key and the KEK as they are at the click: a KEK another client
//! replaced after the page listed it is named as changed, nothing stale is sent, and the next export uses the new one.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use byok_ui::domain::key_material::KeyMaterialSpec;
use byok_ui::domain::wrapping::WrappingAlgorithm::RsaesOaepSha1;

use crate::support::aws::ARN;
use crate::support::pages::{ExportPage, ExportResult};
use crate::support::seed::{create_material, delete_object, import_kek_with, material_bytes};
use crate::support::unwrap::unwrap;
use crate::support::{Browser, Kms};

/// Another AWS key than [`ARN`]: the KEK now says it is for this one.
const OTHER_ARN: &str =
    "arn:aws:kms:eu-west-3:447182645454:key/9b1f7c2e-0000-4bbb-8000-1234567890ab";
const SUBMIT: &str = "form.export-key-material button[type=submit]";
const FORM_ALERT: &str = "form.export-key-material [role=alert] .error-text";

fn kek_tags(algorithm: &str, arn: &str) -> Vec<String> {
    vec![
        "aws".into(),
        format!("wrapping_algorithm:{algorithm}"),
        format!("key_arn:{arn}"),
    ]
}

/// KMIP operations the page sent since the last call, by name; a message of
/// several as `RequestMessage(GetAttributes, …)`.
async fn operations(browser: &Browser) -> Vec<String> {
    let sent = browser.recorded_requests().await;
    browser.record_requests().await;
    browser
        .client
        .execute("window.__requests = [];", vec![])
        .await
        .expect("reset the request recorder");
    sent.iter()
        .filter_map(|body| {
            let json: serde_json::Value = serde_json::from_str(body).ok()?;
            let tag = json["tag"].as_str()?;
            if tag != "RequestMessage" {
                return Some(tag.to_owned());
            }
            let items: Vec<&str> = json["value"]
                .as_array()?
                .iter()
                .filter(|n| n["tag"] == "BatchItem")
                .filter_map(|item| {
                    item["value"]
                        .as_array()?
                        .iter()
                        .find(|n| n["tag"] == "Operation")?["value"]
                        .as_str()
                })
                .collect();
            Some(format!("RequestMessage({})", items.join(", ")))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_kek_replaced_after_listing_is_named_and_the_next_export_uses_the_new_one() {
    let kms = Kms::with_ui();
    let vendor = kms.vendor_id();
    let spec = KeyMaterialSpec::Aes { bits: 256 };
    let key_id = create_material(&kms, &vendor, "aes-key", spec);
    import_kek_with(
        &kms,
        &vendor,
        "kek-x",
        2048,
        kek_tags("RSAES_OAEP_SHA_256", ARN),
        false,
    );
    let browser = Browser::start().await;
    let clear = material_bytes(&kms, &key_id, spec);
    browser.keep_secret(&hex::encode(&clear));
    browser.keep_secret(&STANDARD.encode(&clear));
    ExportPage::open(&browser, &kms, &key_id, "kek-x").await;
    operations(&browser).await;

    // Another client replaces the KEK under the same id, with another algorithm and ARN.
    let replacement = import_kek_with(
        &kms,
        &vendor,
        "kek-x",
        2048,
        kek_tags("RSAES_OAEP_SHA_1", OTHER_ARN),
        true,
    );
    browser.click(SUBMIT).await;
    let shown = browser.wait_for_text(FORM_ALERT, |t| !t.is_empty()).await;
    assert_eq!(
        shown,
        format!(
            "Changed in the KMS since this page listed it, so nothing was exported: \
             kek-x: wrapping algorithm RSAES_OAEP_SHA_256 → RSAES_OAEP_SHA_1; \
             kek-x: AWS key ARN {ARN} → {OTHER_ARN}. \
             The lists now show the keys as they are: check your choice and export again."
        )
    );
    let first = operations(&browser).await;
    assert!(
        !first.iter().any(|op| op == "Export"),
        "no Export may be sent with what changed: {first:?}"
    );
    // The picker lists the KEK as it is now, still chosen.
    browser
        .wait_for_text("#kek-id option[value=kek-x]", |t| {
            t.contains("RSAES_OAEP_SHA_1") && t.contains(OTHER_ARN)
        })
        .await;
    assert_eq!(browser.value_of("#kek-id").await, "kek-x");
    browser.screenshot("export-kek-changed").await;
    browser.assert_accessible("export page (KEK changed)").await;

    let summary = ExportPage::export_and_wait(&browser).await;
    assert!(
        summary.contains("wrapped with RSAES_OAEP_SHA_1"),
        "the export must use the KEK's algorithm as it is now: {summary}"
    );
    let command = browser
        .wait_for_text("#import-command", |t| !t.is_empty())
        .await;
    assert!(
        command.contains(OTHER_ARN) && !command.contains(ARN),
        "{command}"
    );
    let blob = ExportResult::download_material(&browser, "fresh.bin").await;
    assert_eq!(unwrap(&replacement, RsaesOaepSha1, &blob), clear);
    // The click reads both objects again (one message: 2 requests before the
    // Export instead of 3; the Export stays apart so nothing is sent when the
    // re-read shows a change), then exports once; then the ledger entry is
    // added, read back, and read again once settled.
    browser
        .wait_for_text("[data-testid=ledger-status]", |t| {
            t.starts_with("Recorded in the BYOK ledger")
        })
        .await;
    assert_eq!(
        operations(&browser).await,
        [
            "RequestMessage(GetAttributes, GetAttributes)",
            "Export",
            "AddAttribute",
            "GetAttributes",
            "GetAttributes"
        ]
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_kek_deleted_after_listing_is_reported_as_missing_with_the_matching_hint() {
    let kms = Kms::with_ui();
    let vendor = kms.vendor_id();
    let key_id = create_material(&kms, &vendor, "aes-key", KeyMaterialSpec::Aes { bits: 256 });
    import_kek_with(
        &kms,
        &vendor,
        "kek-y",
        2048,
        kek_tags("RSAES_OAEP_SHA_256", ARN),
        false,
    );
    let browser = Browser::start().await;
    ExportPage::open(&browser, &kms, &key_id, "kek-y").await;
    delete_object(&kms, "kek-y");
    browser.click(SUBMIT).await;
    let shown = browser.wait_for_text(FORM_ALERT, |t| !t.is_empty()).await;
    assert_eq!(
        shown,
        "There is no object kek-y in this KMS: pick a wrapping key from the list, or import it on the import page."
    );
    assert!(
        !operations(&browser).await.iter().any(|op| op == "Export"),
        "no Export for a KEK that is gone"
    );
    browser.close().await;
}
