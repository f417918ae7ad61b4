//! The health of the KMS key behind a copy end to end: Extractable flipped by the test's own
//! KMIP client after an export is flagged by the ledger, and refused before anything is sent.
//!
//! KMS 5.28 (checked here): `SetAttribute Extractable=false` is accepted, NeverExtractable is
//! then reported true by the server itself (it refuses to set it), and a wrapped Export of
//! the key is refused with 422 `Not_Extractable: DENIED`.

use byok_ui::domain::key_material::KeyMaterialSpec;
use byok_ui::domain::wrapping::WrappingAlgorithm;
use byok_ui::kmip::{self, AttributeReference};
use byok_ui::routes::Page;
use serde_json::json;

use crate::support::aws::ARN;
use crate::support::pages::{ExportPage, LedgerPage};
use crate::support::seed::{create_material, fingerprinted_kek, ledger_entries};
use crate::support::{Browser, Kms};

/// The account of [`ARN`].
const ACCOUNT: &str = "447182645454";

/// Sets `key_id`'s Extractable attribute, as another KMIP client (an administrator) would.
fn set_extractable(kms: &Kms, key_id: &str, extractable: bool) {
    kms.kmip_json(
        &json!({"tag":"SetAttribute","value":[
            {"tag":"UniqueIdentifier","type":"TextString","value":key_id},
            {"tag":"NewAttribute","value":[
                {"tag":"Extractable","type":"Boolean","value":extractable}]}]}),
        None,
    )
    .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn source_health_a_key_made_unexportable_after_its_export_is_flagged_and_refused_before_sending()
 {
    let kms = Kms::with_ui();
    let vendor = kms.vendor_id();
    fingerprinted_kek(
        &kms,
        &vendor,
        "kek-health",
        2048,
        WrappingAlgorithm::RsaesOaepSha256,
    );
    let key_id = create_material(
        &kms,
        &vendor,
        "aes-health",
        KeyMaterialSpec::Aes { bits: 256 },
    );
    let browser = Browser::start().await;
    ExportPage::open(&browser, &kms, &key_id, "kek-health").await;
    ExportPage::export_and_wait(&browser).await;
    let status = browser
        .wait_for_text("[data-testid=ledger-status]", |t| {
            t.starts_with("Recorded in the BYOK ledger")
        })
        .await;
    assert!(
        status.contains(&format!("The AWS key {ARN} is in AWS account {ACCOUNT}.")),
        "{status}"
    );
    let entry = ledger_entries(&kms, &key_id).remove(0);
    // An ARN of another account typed for the import is named as such.
    let arn_field = browser.labelled("AWS key ARN").await;
    browser
        .fill(&arn_field, &ARN.replace(ACCOUNT, "111122223333"))
        .await;
    browser
        .wait_for_text("[data-testid=command-arn-account]", |t| {
            t.contains("is a key of AWS account 111122223333, not 447182645454")
        })
        .await;

    // Healthy: no flag; the account from the ARN in the row.
    LedgerPage::open(&browser, &kms.url()).await;
    let row = format!("tr[data-entry-id='{}']", entry.id);
    let shown = browser
        .wait_for_text(&row, |t| t.contains(&format!("AWS account {ACCOUNT}")))
        .await;
    assert!(!shown.contains("no longer exportable"), "{shown}");

    // Another KMIP client makes the key unexportable; the KMS says so in KMIP JSON.
    set_extractable(&kms, &key_id, false);
    let reply = kms
        .kmip(&kmip::get_attributes(
            &key_id,
            &[
                AttributeReference::Extractable,
                AttributeReference::NeverExtractable,
            ],
        ))
        .unwrap();
    let described = kmip::parse_get_attributes(&reply).unwrap();
    assert_eq!(
        (described.extractable, described.never_extractable),
        (Some(false), Some(true))
    );

    // The ledger flags it on reload: the row and the opened entry.
    browser.client.refresh().await.unwrap();
    let flag = browser
        .wait_for_text(&format!("{row} [data-testid=entry-source-health]"), |t| {
            !t.is_empty()
        })
        .await;
    assert_eq!(
        flag,
        "KMS key no longer exportable (Extractable false, NeverExtractable true): renewals and new Regions would fail"
    );
    LedgerPage::open_entry(&browser, &entry.id).await;
    let notice = browser
        .wait_for_text(
            "[data-testid=entry-details] [data-testid=source-key-health]",
            |t| !t.is_empty(),
        )
        .await;
    assert!(
        notice.starts_with(&format!(
            "The KMS key {key_id} can no longer leave the KMS (Extractable false, NeverExtractable true)"
        )),
        "{notice}"
    );
    browser
        .wait_for_text("[data-testid=details-account]", |t| t.starts_with(ACCOUNT))
        .await;
    browser
        .assert_accessible("ledger page (key not exportable)")
        .await;

    // A renewal's export: refused before the Export is sent.
    ExportPage::open(&browser, &kms, &key_id, "kek-health").await;
    browser.click(ExportPage::SUBMIT).await;
    let refusal = browser
        .wait_for_text("form.export-key-material .error-banner", |t| {
            t.contains("can no longer leave the KMS")
        })
        .await;
    assert!(refusal.ends_with("Nothing was exported."), "{refusal}");
    assert!(!browser.sent_kmip("Export").await, "an Export was sent");

    // The rotation page says why before starting anything, and shows the copy's
    // account and that no last use has been read yet.
    browser
        .goto(&kms.ui_url(&Page::rotation_href(&key_id, &entry.id)))
        .await;
    let notice = browser
        .wait_for_text("[data-testid=source-key-health]", |t| !t.is_empty())
        .await;
    assert!(notice.contains("can no longer leave the KMS"), "{notice}");
    let copy = browser
        .wait_for_text("[data-testid=rotation-copy]", |t| !t.is_empty())
        .await;
    assert!(
        copy.contains(&format!("AWS account {ACCOUNT}, Region eu-west-3")),
        "{copy}"
    );
    browser
        .wait_for_text("[data-testid=rotation-last-use]", |t| {
            t.starts_with("Last use in AWS: no reading yet.")
        })
        .await;
    browser
        .wait_for_text("#rotation-get-key-last-usage", |t| {
            t.contains("get-key-last-usage")
        })
        .await;
    browser.click_button("Start the runbook").await;
    browser
        .wait_for_text("form .error-banner", |t| {
            t.contains("can no longer leave the KMS")
        })
        .await;
    assert!(!browser.sent_kmip("ReKey").await, "a ReKey was sent");
    assert!(!browser.sent_kmip("Export").await, "an Export was sent");
    browser
        .assert_accessible("rotation page (key not exportable)")
        .await;

    // Exportable again (an administrator's SetAttribute): the flag goes on reload.
    set_extractable(&kms, &key_id, true);
    LedgerPage::open(&browser, &kms.url()).await;
    browser
        .wait_for_text(&row, |t| t.contains(&format!("AWS account {ACCOUNT}")))
        .await;
    assert!(
        browser
            .visible_texts(&format!("{row} [data-testid=entry-source-health]"))
            .await
            .is_empty()
    );
    browser.close().await;
}
