//! The export page in headless Chromium against the real KMS: a slice of the
//! matrix through the UI (download → independent unwrap → byte compare),
//! forbidden cells refused with no Export sent, the command and copy buttons.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use byok_ui::domain::aws::arn::AwsKeyArn;
use byok_ui::domain::aws::import_command::{Expiration, ImportCommand};
use byok_ui::domain::key_material::{EcCurve, HmacHash, KeyMaterialSpec};
use byok_ui::domain::wrapping::WrappingAlgorithm;
use byok_ui::routes::Page;
use rsa::pkcs8::EncodePublicKey;

use crate::support::aws::ARN;
use crate::support::pages::{ExportPage, ExportResult};
use crate::support::seed::{create_material, material_bytes, tagged_kek};
use crate::support::unwrap::unwrap;
use crate::support::{Browser, Kms};
const SUMMARY: &str = "[data-testid=export-summary]";
const FORM_ERROR: &str = "form.export-key-material .error-banner .error-text";

#[tokio::test(flavor = "multi_thread")]
async fn a_slice_of_the_matrix_through_the_browser_unwraps_to_the_key_material() {
    let kms = Kms::with_ui();
    let vendor = kms.vendor_id();
    use WrappingAlgorithm::*;
    // One cell per algorithm and per material family.
    let cells = [
        (KeyMaterialSpec::Aes { bits: 256 }, RsaesOaepSha256, 2048),
        (
            KeyMaterialSpec::Hmac {
                hash: HmacHash::Sha512,
                bits: 512,
            },
            RsaesOaepSha1,
            3072,
        ),
        (
            KeyMaterialSpec::RsaPrivate { bits: 2048 },
            RsaAesKeyWrapSha256,
            4096,
        ),
        (
            KeyMaterialSpec::EcPrivate {
                curve: EcCurve::P521,
            },
            RsaAesKeyWrapSha1,
            2048,
        ),
        (
            KeyMaterialSpec::EcPrivate {
                curve: EcCurve::Secp256k1,
            },
            RsaesOaepSha256,
            2048,
        ),
    ];
    let browser = Browser::start().await;
    for (n, (spec, algorithm, bits)) in cells.into_iter().enumerate() {
        let cell = format!("{spec} / {algorithm} / RSA {bits}");
        let kek_id = format!("kek-{n}");
        let private = tagged_kek(&kms, &vendor, &kek_id, bits, algorithm);
        let key_id = create_material(&kms, &vendor, &format!("material-{n}"), spec);
        // The clear material must never reach the page's console, in any encoding.
        let clear = material_bytes(&kms, &key_id, spec);
        browser.keep_secret(&hex::encode(&clear));
        browser.keep_secret(&hex::encode_upper(&clear));
        browser.keep_secret(&STANDARD.encode(&clear));
        ExportPage::open(&browser, &kms, &key_id, &kek_id).await;
        browser
            .click("form.export-key-material button[type=submit]")
            .await;
        let summary = browser.wait_for_text(SUMMARY, |t| !t.is_empty()).await;
        assert!(
            summary.contains(&format!(
                "wrapped with {algorithm} under the RSA {bits}-bit"
            )),
            "{cell}: {summary}"
        );

        let file_name = format!("cell-{n}.bin");
        let blob = ExportResult::download_material(&browser, &file_name).await;
        assert_eq!(
            unwrap(&private, algorithm, &blob),
            material_bytes(&kms, &key_id, spec),
            "{cell}"
        );
        assert_eq!(
            browser.value_of("#material-base64").await,
            STANDARD.encode(&blob),
            "{cell}"
        );

        let expected = ImportCommand {
            key_arn: Some(AwsKeyArn::parse(ARN).unwrap()),
            material: spec,
            material_file: file_name.clone(),
            token_file: "ImportToken.bin".into(),
            expiration: Expiration::DoesNotExpire,
            import_type: None,
            description: None,
            key_material_id: None,
        };
        let shown = browser
            .wait_for_text("#import-command", |t| !t.is_empty())
            .await;
        assert_eq!(shown, expected.multi_line(), "{cell}");
        let exports = browser
            .recorded_requests()
            .await
            .into_iter()
            .filter(|b| b.starts_with("{\"tag\":\"Export\""))
            .count();
        assert_eq!(exports, 1, "{cell}: one Export");
        browser.screenshot(&format!("export-cell-{n}")).await;
        browser
            .assert_accessible("export page (result shown)")
            .await;
    }
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn forbidden_cells_and_bad_choices_are_refused_before_any_export() {
    let kms = Kms::with_ui();
    let vendor = kms.vendor_id();
    tagged_kek(
        &kms,
        &vendor,
        "kek-oaep-2048",
        2048,
        WrappingAlgorithm::RsaesOaepSha256,
    );
    tagged_kek(
        &kms,
        &vendor,
        "kek-wrap-4096",
        4096,
        WrappingAlgorithm::RsaAesKeyWrapSha256,
    );
    let rsa = create_material(
        &kms,
        &vendor,
        "rsa-key",
        KeyMaterialSpec::RsaPrivate { bits: 2048 },
    );
    let p521 = create_material(
        &kms,
        &vendor,
        "p521-key",
        KeyMaterialSpec::EcPrivate {
            curve: EcCurve::P521,
        },
    );
    let aes = create_material(&kms, &vendor, "aes-key", KeyMaterialSpec::Aes { bits: 256 });
    let cases = [
        (
            rsa.as_str(),
            "kek-oaep-2048",
            "RSA private keys can only be imported with RSA_AES_KEY_WRAP_SHA_1 or RSA_AES_KEY_WRAP_SHA_256, not RSAES_OAEP_SHA_256: run get-parameters-for-import again with --wrapping-algorithm RSA_AES_KEY_WRAP_SHA_256 and import that wrapping key.",
        ),
        (
            p521.as_str(),
            "kek-oaep-2048",
            "EC P-521 private key material is 241 bytes, more than RSAES_OAEP_SHA_256 can wrap with an RSA 2048-bit key (190 bytes at most)",
        ),
        (
            aes.as_str(),
            "kek-wrap-4096",
            "AWS documents RSA_AES_KEY_WRAP_SHA_256 for RSA and ECC private keys only",
        ),
        (
            "rsa-key_pk",
            "kek-wrap-4096",
            "rsa-key_pk is a public key; AWS imports the private key: use rsa-key instead.",
        ),
        (
            "aes-key",
            "aes-key",
            "aes-key is not an RSA public key, so it cannot be an AWS wrapping key",
        ),
        (
            "no-such-key",
            "kek-wrap-4096",
            "There is no object no-such-key in this KMS: type the id of an existing key, or pick it from the list.",
        ),
    ];
    let browser = Browser::start().await;
    for (key, kek, message) in cases {
        ExportPage::open(&browser, &kms, key, kek).await;
        browser
            .click("form.export-key-material button[type=submit]")
            .await;
        let shown = browser.wait_for_text(FORM_ERROR, |t| !t.is_empty()).await;
        assert!(shown.starts_with(message), "{key} under {kek}: {shown}");
        let exports = browser
            .recorded_requests()
            .await
            .into_iter()
            .filter(|b| b.contains("\"Export\""))
            .count();
        assert_eq!(exports, 0, "{key} under {kek}: an Export was sent");
        assert_eq!(
            browser
                .value_of(&browser.labelled(ExportPage::KEY).await)
                .await,
            key,
            "the form keeps the key id"
        );
    }
    browser.screenshot("export-refused").await;
    browser
        .assert_accessible("export page (refusal shown)")
        .await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_key_list_picks_the_private_key_and_copy_buttons_copy_what_is_shown() {
    let kms = Kms::with_ui();
    let vendor = kms.vendor_id();
    let private = tagged_kek(
        &kms,
        &vendor,
        "kek-a",
        3072,
        WrappingAlgorithm::RsaAesKeyWrapSha256,
    );
    create_material(
        &kms,
        &vendor,
        "ec-key",
        KeyMaterialSpec::EcPrivate {
            curve: EcCurve::P384,
        },
    );
    let browser = Browser::start().await;
    browser
        .goto(&kms.ui_url(&Page::export_href(None, Some("kek-a"))))
        .await;
    browser.click(".key-browser summary").await;
    // The public half offers its private key instead.
    browser.click("tr[data-key-id=ec-key_pk] button").await;
    assert_eq!(
        browser
            .value_of(&browser.labelled(ExportPage::KEY).await)
            .await,
        "ec-key"
    );
    browser
        .click("form.export-key-material button[type=submit]")
        .await;
    browser.wait_for_text(SUMMARY, |t| !t.is_empty()).await;

    // A token pasted as the whole JSON fills the ARN; expiry options change the command.
    let token = vec![42_u8; 700];
    let json = format!(
        "{{\"KeyId\":\"{ARN}\",\"ImportToken\":\"{}\",\"PublicKey\":\"{}\",\"ParametersValidTo\":\"2099-01-01T00:00:00Z\"}}",
        STANDARD.encode(&token),
        STANDARD.encode(
            private
                .to_public_key()
                .to_public_key_der()
                .unwrap()
                .as_bytes()
        )
    );
    browser.paste("#token-text", &json).await;
    browser.client.execute("document.querySelector('#token-text').dispatchEvent(new Event('change', {bubbles: true}));", vec![]).await.unwrap();
    browser.wait_for_text("#token-file", |_| true).await;
    browser
        .click_nth("[data-testid=export-result] button.download", 1)
        .await;
    assert_eq!(browser.downloaded("ImportToken.bin").await, token);
    browser.click("label[for=expires-on]").await;
    let in_ninety_days = (time::OffsetDateTime::now_utc() + time::Duration::days(90)).date();
    browser
        .client
        .execute(
            "const el = document.querySelector('#valid-to'); el.value = arguments[0]; el.dispatchEvent(new Event('input', {bubbles: true}));",
            vec![serde_json::json!(in_ninety_days.to_string())],
        )
        .await
        .unwrap();
    let shown = browser
        .wait_for_text("#import-command", |t| t.contains("KEY_MATERIAL_EXPIRES"))
        .await;
    let words = shell_words::split(&shown).unwrap();
    assert!(
        words.contains(&format!("{in_ninety_days}T00:00:00Z")),
        "{shown}"
    );
    assert!(words.contains(&ARN.to_owned()), "{shown}");

    browser
        .click("button[aria-label='Copy the import command']")
        .await;
    browser
        .wait_for_text(".command + .copy + .copy-status", |t| t == "Copied.")
        .await;
    assert_eq!(browser.clipboard().await, shown);
    let one_line = browser
        .wait_for_text("#import-command-one-line", |t| !t.is_empty())
        .await;
    browser
        .click("button[aria-label='Copy the one-line import command']")
        .await;
    assert_eq!(browser.clipboard().await, one_line);
    assert_eq!(shell_words::split(&one_line).unwrap(), words);
    browser.screenshot("export-result").await;
    browser.click(".key-browser summary").await;
    browser
        .assert_accessible("export page (key list and command options)")
        .await;
    browser.close().await;
}
