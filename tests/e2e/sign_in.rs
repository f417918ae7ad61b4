//! The app on a KMS as companies run it: users sign in through the KMS's own
//! OpenID Connect flow (a real `oidc-provider` on loopback), sessions end,
//! an Operator meets the Crypto Officer rule, and every page works signed in.

use std::time::{Duration, Instant};

use byok_ui::domain::aws::key_spec::{AwsKeySpec, KeyUsage};
use byok_ui::domain::key_material::HmacHash;
use byok_ui::domain::wrapping::WrappingAlgorithm;
use byok_ui::routes::Page;
use rsa::RsaPrivateKey;
use time::OffsetDateTime;

use crate::support::aws::{ARN, LocalStack, get_parameters_output};
use crate::support::aws_flow::{Scenario, guided_flow};
use byok_ui::domain::key_material::KeyMaterialSpec;

use crate::support::pages::{ExportPage, ExportResult, ImportKekPage, LedgerPage};
use crate::support::seed::{create_material, ledger_attributes, tagged_kek};
use crate::support::unwrap::unwrap;
use crate::support::{
    ALICE, BOB, Browser, KMS_VERSION, Kms, Oidc, USERS, free_port, password_of,
    stock_ui_with_byok_beside,
};

const ACCOUNT: &str = "[data-testid=account]";
const VERSION: &str = "[data-testid=server-version]";
/// The header's Sign in (a refusal on the page offers its own beside it).
const HEADER_SIGN_IN: &str = "[data-testid=account] button.sign-in";

/// Waits until the header's account line reads `check`.
async fn account_reads(browser: &Browser, check: impl Fn(&str) -> bool) -> String {
    browser.wait_for_text(ACCOUNT, check).await
}

/// After a "Sign in" click: signs in at the provider when it asks (it does
/// not when its own session is still alive), then waits to be back at `path`.
async fn through_sign_in(browser: &Browser, oidc: &Oidc, user: &str, path: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let url = browser.client.current_url().await.expect("the page's URL");
        if url.path() == path && !url.as_str().starts_with(&oidc.issuer) {
            break;
        }
        if url.as_str().starts_with(&oidc.issuer)
            && browser
                .visible_texts("label")
                .await
                .iter()
                .any(|l| l == "Email")
        {
            oidc.sign_in_at_provider(browser, user, password_of(user))
                .await;
        }
        assert!(
            Instant::now() < deadline,
            "not back at {path} 30 s after Sign in: at {url}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    account_reads(browser, |t| t.contains(&format!("Signed in as {user}"))).await;
}

/// Pastes get-parameters-for-import's JSON for a fresh wrapping key (valid
/// 24 h) in the import page's key field and waits for its analysis; returns
/// the field and the JSON.
async fn paste_parameters(browser: &Browser) -> (String, String) {
    let kek = RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap();
    let valid_to = OffsetDateTime::now_utc() + time::Duration::hours(24);
    let json = get_parameters_output(ARN, &kek, b"import-token", valid_to);
    let field = browser.labelled(ImportKekPage::KEK).await;
    browser.paste(&field, &json).await;
    browser
        .wait_for_text("#kek-analysis", |t| t.starts_with("RSA "))
        .await;
    (field, json)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_deep_link_signs_in_keeps_the_draft_and_the_ledger_names_the_user() {
    let oidc = Oidc::start(&USERS, free_port());
    let mut kms = Kms::with_oidc(&oidc, &[ALICE]);
    kms.token = Some(oidc.token_for(ALICE));
    let stack = LocalStack::start();
    let browser = Browser::start().await;

    // Signed out, from a deep link: the header says so, the version still shows.
    browser.goto(&kms.ui_url(&Page::Byok.href())).await;
    browser
        .wait_for_text("h1", |t| t == Page::Byok.label())
        .await;
    let signed_out = account_reads(&browser, |t| t.contains("Not signed in")).await;
    assert!(
        signed_out.contains("sign-in through the KMS (OpenID Connect)"),
        "{signed_out}"
    );
    browser
        .wait_for_text(VERSION, |t| t.contains(KMS_VERSION))
        .await;
    browser.screenshot("sign-in-signed-out").await;
    browser.assert_accessible("/ui/aws/byok (signed out)").await;

    // A draft, then Sign in: back on the same page with the draft intact.
    let spec = AwsKeySpec::Hmac(HmacHash::Sha256);
    browser.select("#byok-spec", &spec.aws_name()).await;
    browser
        .select("#byok-usage", KeyUsage::GenerateVerifyMac.aws_name())
        .await;
    browser.paste("#byok-arn", ARN).await;
    browser.click(HEADER_SIGN_IN).await;
    through_sign_in(&browser, &oidc, ALICE, &Page::Byok.href()).await;
    assert_eq!(browser.value_of("#byok-spec").await, spec.aws_name());
    assert_eq!(browser.value_of("#byok-arn").await, ARN);
    browser.screenshot("sign-in-back-on-the-draft").await;

    // The whole flow through LocalStack, signed in on the session cookie.
    let scenario = Scenario {
        spec,
        usage: KeyUsage::GenerateVerifyMac,
        algorithm: WrappingAlgorithm::RsaesOaepSha256,
        kek_bits: 2048,
    };
    let (arn, key_id, import) = guided_flow(&stack, &kms, &browser, &scenario).await;
    let imported = stack.shell(&import, &browser.download_dir);
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );

    // Who did it: in the stored entry (any KMIP client reads it) and on the ledger.
    let stored = ledger_attributes(&kms, &key_id);
    assert_eq!(stored.len(), 1, "{stored:?}");
    assert!(stored[0].1.contains(ALICE), "{}", stored[0].1);
    assert!(stored[0].1.contains(&arn), "{}", stored[0].1);
    LedgerPage::open(&browser, &kms.url()).await;
    browser
        .wait_for_text("main", |t| t.contains(&key_id) && t.contains(ALICE))
        .await;

    // Sign out: the next KMIP call is refused and the page offers sign-in.
    browser.click_button("Sign out").await;
    oidc.sign_out_at_provider(&browser).await;
    browser.goto(&kms.ui_url(&Page::Ledger.href())).await;
    account_reads(&browser, |t| t.contains("Not signed in")).await;
    let refusal = browser
        .wait_for_text("main .error-banner", |t| !t.is_empty())
        .await;
    assert!(
        refusal.contains("(401): No authentication provided")
            && refusal.contains("You are not signed in, or your session has ended")
            && refusal.contains("Sign in"),
        "{refusal}"
    );
    browser.element("main .error-banner button.sign-in").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_session_that_ends_mid_form_keeps_the_form_and_offers_sign_in_again() {
    let oidc = Oidc::start(&USERS, free_port());
    let kms = Kms::with_oidc(&oidc, &[ALICE]);
    let browser = Browser::start().await;
    browser.goto(&kms.ui_url(&Page::ImportKek.href())).await;
    account_reads(&browser, |t| t.contains("Not signed in")).await;
    browser.click(HEADER_SIGN_IN).await;
    through_sign_in(&browser, &oidc, ALICE, &Page::ImportKek.href()).await;

    let (field, json) = paste_parameters(&browser).await;
    ImportKekPage::choose_algorithm(&browser, WrappingAlgorithm::RsaesOaepSha256).await;
    browser.fill("#kms-id", "kek-after-sign-in").await;

    // The session ends (its cookie gone): the import is refused, nothing lost.
    browser
        .client
        .delete_cookie("auth_session")
        .await
        .expect("delete the session cookie");
    browser.click("form.import-kek button[type=submit]").await;
    let refusal = browser
        .wait_for_text("main .error-banner", |t| t.contains("401"))
        .await;
    assert!(
        refusal.contains("No authentication provided")
            && refusal.contains("what you typed here is kept"),
        "{refusal}"
    );
    account_reads(&browser, |t| t.contains("Not signed in")).await;
    browser.screenshot("sign-in-session-ended").await;

    // Sign in again from the message: the same page, the form as it was.
    browser.click("main .error-banner button.sign-in").await;
    through_sign_in(&browser, &oidc, ALICE, &Page::ImportKek.href()).await;
    let deadline = Instant::now() + Duration::from_secs(20);
    while browser.value_of("#kms-id").await != "kek-after-sign-in" {
        assert!(Instant::now() < deadline, "the KEK id was not put back");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(browser.value_of(&field).await.trim(), json.trim());
    browser.click("form.import-kek button[type=submit]").await;
    browser
        .wait_for_text("[data-testid=imported-id]", |t| t == "kek-after-sign-in")
        .await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_operator_is_told_before_sending_that_importing_a_wrapping_key_is_not_theirs() {
    let oidc = Oidc::start(&USERS, free_port());
    let mut kms = Kms::with_oidc(&oidc, &[ALICE]);
    kms.token = Some(oidc.token_for(ALICE));
    let before = kms.object_ids();

    let browser = Browser::start().await;
    browser.goto(&kms.ui_url(&Page::ImportKek.href())).await;
    browser.click(HEADER_SIGN_IN).await;
    through_sign_in(&browser, &oidc, BOB, &Page::ImportKek.href()).await;
    let notice = browser
        .wait_for_text("[data-testid=create-right]", |t| !t.is_empty())
        .await;
    assert!(
        notice.starts_with(
            "Importing a wrapping key is not open to you: the KMS sees you as bob@example.com"
        ) && notice.contains("Crypto Officer")
            && notice.contains("Create"),
        "{notice}"
    );
    paste_parameters(&browser).await;
    browser.record_requests().await;
    browser.click("form.import-kek button[type=submit]").await;
    let refusal = browser
        .wait_for_text("main form .error-banner", |t| !t.is_empty())
        .await;
    assert!(refusal.contains("not open to you"), "{refusal}");
    assert!(
        browser.recorded_requests().await.is_empty(),
        "nothing is sent"
    );
    assert_eq!(kms.object_ids(), before, "nothing was imported");
    browser.screenshot("sign-in-operator-refused").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn beside_the_stock_ui_one_sign_in_opens_every_page() {
    let oidc = Oidc::start(&USERS, free_port());
    let kms = Kms::serving_with_oidc(stock_ui_with_byok_beside(), &oidc, &[ALICE]);
    let browser = Browser::start().await;
    browser.goto(&kms.ui_url("/ui/login_flow")).await;
    oidc.sign_in_at_provider(&browser, ALICE, password_of(ALICE))
        .await;
    browser.wait_for_path("/ui/locate").await;
    for page in Page::ALL {
        let path = page.href().replacen("/ui/", "/ui/byok/", 1);
        browser.goto(&kms.ui_url(&path)).await;
        browser.wait_for_text("h1", |t| t == page.label()).await;
        account_reads(&browser, |t| t.contains(&format!("Signed in as {ALICE}"))).await;
        browser
            .wait_for_text(VERSION, |t| t.contains(KMS_VERSION))
            .await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let errors = browser.visible_texts(".error-banner").await;
        assert!(errors.is_empty(), "{path}: {errors:?}");
    }
    browser.screenshot("sign-in-beside-stock-ui").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_key_shared_for_export_is_exported_by_the_other_user_who_sees_only_what_is_theirs() {
    let oidc = Oidc::start(&USERS, free_port());
    let mut kms = Kms::with_oidc(&oidc, &[ALICE]);
    let alice = oidc.token_for(ALICE);
    kms.token = Some(alice.clone());
    let vendor = kms.vendor_id();
    create_material(
        &kms,
        &vendor,
        "shared-aes",
        KeyMaterialSpec::Aes { bits: 256 },
    );
    create_material(
        &kms,
        &vendor,
        "alice-read-only",
        KeyMaterialSpec::Aes { bits: 256 },
    );
    create_material(
        &kms,
        &vendor,
        "alice-only",
        KeyMaterialSpec::Aes { bits: 256 },
    );
    let kek = tagged_kek(
        &kms,
        &vendor,
        "alice-kek",
        2048,
        WrappingAlgorithm::RsaesOaepSha256,
    );
    kms.grant(
        Some(&alice),
        BOB,
        "shared-aes",
        &["export", "getattributes"],
    )
    .expect("alice shares her key for export");
    kms.grant(Some(&alice), BOB, "alice-read-only", &["getattributes"])
        .expect("alice lets bob read another key's attributes only");
    kms.grant(Some(&alice), BOB, "alice-kek", &["get", "getattributes"])
        .expect("alice shares her wrapping key");

    // Bob, an Operator, sees what is his to use, and only that.
    let browser = Browser::start().await;
    browser
        .goto(&kms.ui_url(&Page::ExportKeyMaterial.href()))
        .await;
    browser.click(HEADER_SIGN_IN).await;
    through_sign_in(&browser, &oidc, BOB, &Page::ExportKeyMaterial.href()).await;
    browser.element("#kek-id option[value=alice-kek]").await;
    browser.click(".key-browser summary").await;
    let listed = browser
        .wait_for_text(".key-browser", |t| t.contains("shared-aes"))
        .await;
    assert!(!listed.contains("alice-only"), "{listed}");
    assert!(
        !listed.contains("alice-read-only"),
        "a key bob may not export is not offered: {listed}"
    );

    // Bob exports it: the blob is his, the ledger says what it could not record.
    ExportPage::open(&browser, &kms, "shared-aes", "alice-kek").await;
    let before = browser
        .wait_for_text("[data-testid=shared-key]", |t| !t.is_empty())
        .await;
    assert!(
        before.starts_with("shared-aes is shared with you by alice@example.com")
            && before.contains("will not be in the ledger"),
        "{before}"
    );
    let summary = ExportPage::export_and_wait(&browser).await;
    assert!(summary.contains("shared-aes"), "{summary}");
    let blob = ExportResult::download_material(&browser, "EncryptedKeyMaterial.bin").await;
    let material = clear_material(&kms, &alice, "shared-aes");
    assert_eq!(
        unwrap(&kek, WrappingAlgorithm::RsaesOaepSha256, &blob),
        material,
        "the blob bob carries unwraps to alice's key"
    );
    let line = browser
        .wait_for_text("[data-testid=ledger-status]", |t| !t.is_empty())
        .await;
    eprintln!("ledger line for bob: {line}");
    assert!(line.contains(BOB), "{line}");
    browser.screenshot("sign-in-shared-export").await;
    browser.close().await;
}

/// The key's bytes, read by its owner (test only: the app never exports in clear).
fn clear_material(kms: &Kms, token: &str, id: &str) -> Vec<u8> {
    let reply = kms
        .kmip_as(
            token,
            &byok_ui::kmip::Ttlv::from_json_text(
                &serde_json::json!({"tag":"Export","value":[
                    {"tag":"UniqueIdentifier","type":"TextString","value":id},
                    {"tag":"KeyFormatType","type":"Enumeration","value":"Raw"}]})
                .to_string(),
            )
            .unwrap(),
        )
        .expect("the owner reads her key");
    let block = reply
        .children()
        .iter()
        .find_map(|c| c.child("KeyBlock"))
        .expect("a key block");
    block
        .require("KeyValue")
        .unwrap()
        .require("KeyMaterial")
        .unwrap()
        .as_bytes()
        .unwrap()
        .to_vec()
}
