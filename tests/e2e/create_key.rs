//! The key material creation pages: every family creates a key the KMS holds
//! with AWS's attributes, and bad tags are refused before sending.

use byok_ui::kmip::{self, AttributeReference};
use byok_ui::routes::Page;

use crate::support::pages::CreateKeyPage;
use crate::support::{Browser, Kms};

#[tokio::test(flavor = "multi_thread")]
async fn each_family_creates_key_material_with_aws_attributes() {
    let kms = Kms::with_ui();
    let browser = Browser::start().await;
    let cases = [
        (
            Page::CreateSymmetric,
            "SYMMETRIC_DEFAULT",
            "ENCRYPT_DECRYPT",
            "k-aes",
            "AES",
            256,
            true,
        ),
        (
            Page::CreateSymmetric,
            "HMAC_384",
            "GENERATE_VERIFY_MAC",
            "k-hmac",
            "HMACSHA384",
            384,
            false,
        ),
        (
            Page::CreateRsa,
            "RSA_3072",
            "SIGN_VERIFY",
            "k-rsa",
            "RSA",
            3072,
            false,
        ),
        (
            Page::CreateEc,
            "ECC_SECG_P256K1",
            "SIGN_VERIFY",
            "k-ec",
            "ECDH",
            256,
            true,
        ),
    ];
    for (page, spec, usage, id, algorithm, bits, sensitive) in cases {
        CreateKeyPage::create(&browser, &kms, page, spec, usage, id, sensitive).await;
        let attributes =
            kmip::parse_get_attributes(&kms.kmip(&kmip::get_attributes(id, &[])).unwrap()).unwrap();
        assert_eq!(
            attributes.algorithm.as_ref().map(|a| a.kmip_name()),
            Some(algorithm),
            "{id}"
        );
        assert_eq!(attributes.length_bits, Some(bits), "{id}");
        assert_eq!(attributes.state, Some(kmip::State::Active), "{id}");
        assert_eq!(attributes.sensitive, Some(sensitive), "{id}");
        let tags = kmip::parse_get_attributes(
            &kms.kmip(&kmip::get_attributes(id, &[AttributeReference::Tag]))
                .unwrap(),
        )
        .unwrap()
        .tags;
        assert_eq!(tags, vec!["byok", "team-a"], "{id}");
        if page != Page::CreateSymmetric {
            let public = browser
                .wait_for_text("[data-testid=created-public-key-id]", |t| !t.is_empty())
                .await;
            assert_eq!(public, format!("{id}_pk"));
        }
        browser.screenshot(&format!("create-{id}")).await;
        browser
            .assert_accessible(&format!("{} (created)", page.href()))
            .await;
    }

    // A reserved tag is refused and nothing is created.
    let before = kms.object_ids();
    browser
        .goto(&kms.ui_url(&Page::CreateSymmetric.href()))
        .await;
    browser.fill("#create-tags", "ok, _sk").await;
    browser.click("form.create-key button[type=submit]").await;
    let shown = browser
        .wait_for_text("form.create-key [role=alert] .error-text", |t| {
            !t.is_empty()
        })
        .await;
    assert_eq!(
        shown,
        "The tag \"_sk\" starts with '_', which the KMS reserves for itself: rename it."
    );
    assert_eq!(kms.object_ids(), before);
    browser.close().await;
}
