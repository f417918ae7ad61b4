//! The export and guided flows driven with the keyboard alone: Tab to move,
//! typing into fields, arrows in selects, Enter and Space to press buttons.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use byok_ui::domain::key_material::KeyMaterialSpec;
use byok_ui::domain::wrapping::WrappingAlgorithm;
use byok_ui::routes::Page;
use rsa::RsaPrivateKey;
use rsa::pkcs8::EncodePublicKey;

use crate::support::aws::ARN;
use crate::support::pages::GuidedPage;
use crate::support::seed::{create_material, material_bytes, tagged_kek};
use crate::support::unwrap::unwrap;
use crate::support::{ARROW_DOWN, Browser, ENTER, Kms, SPACE};

#[tokio::test(flavor = "multi_thread")]
async fn the_export_flow_works_from_the_keyboard_alone() {
    let kms = Kms::with_ui();
    let vendor = kms.vendor_id();
    let private = tagged_kek(
        &kms,
        &vendor,
        "kek-keyboard",
        2048,
        WrappingAlgorithm::RsaesOaepSha256,
    );
    let key = create_material(
        &kms,
        &vendor,
        "aes-keyboard",
        KeyMaterialSpec::Aes { bits: 256 },
    );

    let browser = Browser::start().await;
    browser
        .goto(&kms.ui_url(&Page::ExportKeyMaterial.href()))
        .await;
    browser
        .wait_for_text("#kek-id", |t| t.contains("kek-keyboard"))
        .await;
    browser.tab_to("#key-id").await;
    browser.press(&key).await;
    browser.tab_to("#kek-id").await;
    browser.press(ARROW_DOWN).await;
    assert_eq!(browser.value_of("#kek-id").await, "kek-keyboard");
    browser
        .tab_to("form.export-key-material button[type=submit]")
        .await;
    browser.press(ENTER).await;
    browser
        .wait_for_text("[data-testid=export-summary]", |t| !t.is_empty())
        .await;
    browser
        .tab_to("[data-testid=export-result] > button.download")
        .await;
    browser.press(ENTER).await;
    let blob = browser.downloaded("EncryptedKeyMaterial.bin").await;
    assert_eq!(
        unwrap(&private, WrappingAlgorithm::RsaesOaepSha256, &blob),
        material_bytes(&kms, &key, KeyMaterialSpec::Aes { bits: 256 })
    );
    browser
        .tab_to("button[aria-label='Copy the import command']")
        .await;
    browser.press(SPACE).await;
    let shown = browser
        .wait_for_text("#import-command", |t| !t.is_empty())
        .await;
    browser
        .wait_for_text("pre#import-command + .copy + .copy-status", |t| {
            t == "Copied."
        })
        .await;
    assert_eq!(browser.clipboard().await, shown);
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_guided_flow_works_from_the_keyboard_alone() {
    let kms = Kms::with_ui();
    let kek = RsaPrivateKey::new(&mut rand::thread_rng(), 4096).unwrap();
    let token = vec![5_u8; 300];
    let json = format!(
        "{{\"KeyId\": \"{ARN}\", \"ImportToken\": \"{}\", \"PublicKey\": \"{}\", \"ParametersValidTo\": \"2099-01-01T00:00:00+01:00\"}}",
        STANDARD.encode(&token),
        STANDARD.encode(kek.to_public_key().to_public_key_der().unwrap().as_bytes())
    );
    let browser = Browser::start().await;
    browser.goto(&kms.ui_url(&Page::Byok.href())).await;
    browser
        .wait_for_text("h1", |t| t == Page::Byok.label())
        .await;
    // SYMMETRIC_DEFAULT and the recommended RSAES_OAEP_SHA_256 / RSA_4096 are the defaults.
    browser.tab_to("#byok-arn").await;
    browser.press(ARN).await;
    browser.tab_to("#byok-parameters").await;
    browser.press(&json).await;
    browser
        .wait_for_text("[data-testid=parameters-ok]", |t| !t.is_empty())
        .await;
    browser.tab_to("#byok-run").await;
    browser.press(ENTER).await;
    let key_id = GuidedPage::key_id(&browser).await;
    browser
        .tab_to("[data-testid=export-result] > button.download")
        .await;
    browser.press(SPACE).await;
    let blob = browser.downloaded("EncryptedKeyMaterial.bin").await;
    assert_eq!(
        unwrap(&kek, WrappingAlgorithm::RsaesOaepSha256, &blob),
        material_bytes(&kms, &key_id, KeyMaterialSpec::Aes { bits: 256 })
    );
    browser.close().await;
}
