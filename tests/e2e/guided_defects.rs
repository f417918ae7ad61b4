//! The guided page's fixed defects, each shown as a person meets it: a refused
//! file, the key list read before it is wanted, silent changes, and step 5's tense.

use std::time::{Duration, Instant};

use byok_ui::domain::aws::key_spec::AwsKeySpec;
use byok_ui::domain::key_material::KeyMaterialSpec;
use byok_ui::routes::Page;
use rsa::RsaPrivateKey;
use serde_json::json;
use time::OffsetDateTime;

use crate::support::aws::{ARN, create_key_output, get_parameters_output};
use crate::support::pages::{GuidedPage, Settings};
use crate::support::proxy::{kms_behind_proxy, settled};
use crate::support::seed::create_material;
use crate::support::{Browser, Kms, scratch_dir};

/// The visible text of the step whose heading starts with `heading`.
async fn step_text(browser: &Browser, heading: &str) -> String {
    browser
        .client
        .execute(
            "const step = [...document.querySelectorAll('section.step')]
               .find(s => s.querySelector('h2').textContent.startsWith(arguments[0]));
             return step ? step.innerText : '';",
            vec![json!(heading)],
        )
        .await
        .expect("read a step")
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// Waits until a visible line of the page starts with `start`, and returns it.
async fn wait_for_line(browser: &Browser, start: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let text = browser
            .client
            .execute("return document.body.innerText;", vec![])
            .await
            .expect("read the page")
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if let Some(line) = text.lines().find(|l| l.trim().starts_with(start)) {
            return line.trim().to_owned();
        }
        if Instant::now() > deadline {
            browser.screenshot("guided-defects-timeout").await;
            panic!("no line starting {start:?} on the page:\n{text}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The text of each role=status and role=alert region, as (role, text).
async fn live_regions(browser: &Browser) -> Vec<(String, String)> {
    let found = browser
        .client
        .execute(
            "return [...document.querySelectorAll('[role=status],[role=alert]')]
               .map(e => [e.getAttribute('role'), e.innerText.trim()]);",
            vec![],
        )
        .await
        .expect("read live regions");
    serde_json::from_value(found).expect("pairs of strings")
}

/// The accessible description of the control at `css` (its aria-describedby text).
async fn description_of(browser: &Browser, css: &str) -> String {
    browser
        .client
        .execute(
            "const el = document.querySelector(arguments[0]);
             return (el.getAttribute('aria-describedby') || '').split(' ')
               .map(id => document.getElementById(id)).filter(Boolean)
               .map(e => e.innerText.trim()).join(' ');",
            vec![json!(css)],
        )
        .await
        .expect("read a description")
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_file_says_so_by_name_and_keeps_what_was_pasted() {
    let kms = Kms::with_ui();
    let browser = Browser::start().await;
    GuidedPage::open(&browser, &kms.ui_url(&Page::Byok.href())).await;
    let big = scratch_dir("guided-refused").join("big-token.bin");
    std::fs::write(&big, vec![7_u8; 100_000]).unwrap();
    let refusal = "The file \"big-token.bin\" is 100.0 KB; the largest accepted here is 65.5 KB. Choose the right file.";
    let pasted_box = browser
        .labelled("The JSON output of get-parameters-for-import")
        .await;

    // Nothing pasted yet: the refusal is its own message, the box stays empty.
    let key_file = browser
        .labelled("Or choose WrappingPublicKey.bin (AWS console download)")
        .await;
    browser.upload(&key_file, &big).await;
    let shown = wait_for_line(&browser, "The file \"big-token.bin\"").await;
    assert_eq!(
        shown,
        format!("{refusal} It was not used as WrappingPublicKey.bin; nothing else changed.")
    );
    assert_eq!(browser.value_of(&pasted_box).await, "");
    assert!(
        !step_text(&browser, "3.").await.contains("not base64"),
        "a misleading parse error is shown"
    );

    // The whole JSON pasted, then a refused ImportToken.bin: the JSON stays.
    browser
        .select(&browser.labelled("Wrapping key spec").await, "RSA_2048")
        .await;
    let kek = RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap();
    let json = get_parameters_output(
        ARN,
        &kek,
        &[3; 700],
        OffsetDateTime::now_utc() + time::Duration::hours(23),
    );
    browser.paste(&pasted_box, &json).await;
    wait_for_line(&browser, "RSA 2048-bit public key").await;
    let token_file = browser.labelled("and ImportToken.bin").await;
    browser.upload(&token_file, &big).await;
    let shown = wait_for_line(&browser, "The file \"big-token.bin\"").await;
    assert_eq!(
        shown,
        format!("{refusal} It was not used as ImportToken.bin; nothing else changed.")
    );
    assert_eq!(
        browser.value_of(&pasted_box).await,
        json,
        "the JSON was kept"
    );
    browser.screenshot("byok-refused-file").await;
    browser
        .assert_accessible("guided page (refused file)")
        .await;

    // Editing the box again puts its own reading back.
    browser.paste(&pasted_box, &json).await;
    let status = wait_for_line(&browser, "RSA 2048-bit public key").await;
    assert!(status.contains("import token 700 bytes"), "{status}");
    assert!(!step_text(&browser, "3.").await.contains("big-token.bin"));
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_key_list_is_read_only_when_existing_keys_are_wanted() {
    let (kms, proxy, token) = kms_behind_proxy();
    let vendor = kms.vendor_id();
    create_material(&kms, &vendor, "aes-a", KeyMaterialSpec::Aes { bits: 256 });
    create_material(&kms, &vendor, "aes-b", KeyMaterialSpec::Aes { bits: 256 });
    let objects = kms.object_ids().len();
    let browser = Browser::start().await;
    browser.keep_secret(&token);
    let page = format!("{}{}", proxy.url(), Page::Byok.href());
    browser.goto(&page).await;
    Settings::use_server(&browser, "", &token).await;
    settled(&proxy).await;

    // Load with "Create new … material" chosen (the default): no listing.
    browser.goto(&page).await;
    browser
        .wait_for_text("h1", |t| t == Page::Byok.label())
        .await;
    wait_for_line(&browser, "Create new SYMMETRIC_DEFAULT material in the KMS").await;
    let load = settled(&proxy).await;
    assert!(
        !load
            .iter()
            .any(|r| r == "Locate" || r.contains("GetAttributes")),
        "the page listed the KMS's objects on load: {load:?}"
    );

    // Choosing an existing key lists them: one Locate, ...
    browser
        .click(&browser.labelled("Use a key already in the KMS").await)
        .await;
    let list = browser.labelled("Compatible keys").await;
    browser
        .wait_for_text(&list, |t| t.contains("aes-a") && t.contains("aes-b"))
        .await;
    let shown = settled(&proxy).await;
    assert_eq!(
        shown.iter().filter(|r| *r == "Locate").count(),
        1,
        "{shown:?}"
    );
    // ... and one message describing them all, whatever their number.
    assert!(!shown.iter().any(|r| r == "GetAttributes"), "{shown:?}");
    assert_eq!(
        shown
            .iter()
            .filter(|r| **r == format!("RequestMessage(GetAttributes × {objects})"))
            .count(),
        1,
        "{shown:?}"
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn wrapping_choices_left_out_or_changed_by_a_spec_say_why() {
    let kms = Kms::with_ui();
    let browser = Browser::start().await;
    GuidedPage::open(&browser, &kms.ui_url(&Page::Byok.href())).await;
    let spec = browser.labelled("AWS key spec").await;
    let usage = browser.labelled("Key usage").await;
    let algorithm = browser.labelled("Wrapping algorithm").await;
    let size = browser.labelled("Wrapping key spec").await;
    browser.select(&algorithm, "RSAES_OAEP_SHA_256").await;
    browser.select(&size, "RSA_2048").await;

    // To RSA_2048: OAEP is replaced, and the page says so politely.
    browser.select(&spec, "RSA_2048").await;
    let changed = "Wrapping algorithm changed from RSAES_OAEP_SHA_256 to RSA_AES_KEY_WRAP_SHA_256: RSA_2048 material needs RSA_AES_KEY_WRAP_SHA_256 or RSA_AES_KEY_WRAP_SHA_1 (AWS requires them for RSA private key material; OAEP alone cannot carry a key that large).";
    assert_eq!(
        wait_for_line(&browser, "Wrapping algorithm changed").await,
        changed
    );
    let regions = live_regions(&browser).await;
    assert!(
        regions.contains(&("status".to_owned(), changed.to_owned())),
        "{regions:?}"
    );
    assert!(
        !regions
            .iter()
            .any(|(role, text)| role == "alert" && text.contains("changed")),
        "{regions:?}"
    );
    assert_eq!(
        browser.value_of(&algorithm).await,
        "RSA_AES_KEY_WRAP_SHA_256"
    );
    assert_eq!(
        browser.value_of(&size).await,
        "RSA_2048",
        "the size was kept"
    );
    // Next to the choice: why OAEP is not offered.
    let left_out = "RSAES_OAEP_SHA_256 and RSAES_OAEP_SHA_1 are not offered: RSA_2048 material needs RSA_AES_KEY_WRAP_SHA_256 or RSA_AES_KEY_WRAP_SHA_1 (AWS requires them for RSA private key material; OAEP alone cannot carry a key that large).";
    assert_eq!(
        wait_for_line(&browser, "RSAES_OAEP_SHA_256 and").await,
        left_out
    );
    assert_eq!(description_of(&browser, &algorithm).await, left_out);
    browser.screenshot("byok-wrapping-changed").await;
    browser
        .assert_accessible("guided page (spec switched)")
        .await;

    // Choosing by hand clears the account of the switch.
    browser.select(&algorithm, "RSA_AES_KEY_WRAP_SHA_1").await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while live_regions(&browser)
        .await
        .iter()
        .any(|(_, text)| text.contains("changed from"))
    {
        assert!(Instant::now() < deadline, "the change note stayed");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // To HMAC_256 with SIGN_VERIFY: the usage and the algorithm change.
    browser.select(&usage, "SIGN_VERIFY").await;
    browser.select(&spec, "HMAC_256").await;
    assert_eq!(
        wait_for_line(&browser, "Key usage changed").await,
        "Key usage changed from SIGN_VERIFY to GENERATE_VERIFY_MAC: HMAC_256 keys allow only GENERATE_VERIFY_MAC."
    );
    assert!(
        wait_for_line(&browser, "Wrapping algorithm changed")
            .await
            .starts_with("Wrapping algorithm changed from RSA_AES_KEY_WRAP_SHA_1 to RSAES_OAEP_SHA_256: HMAC_256 material needs")
    );

    // ECC_NIST_P521 under OAEP: RSA_2048 is left out, and why.
    browser.select(&spec, "ECC_NIST_P521").await;
    browser.select(&algorithm, "RSAES_OAEP_SHA_256").await;
    assert_eq!(
        wait_for_line(&browser, "RSA_2048 is not offered").await,
        "RSA_2048 is not offered with RSAES_OAEP_SHA_256: ECC_NIST_P521 material is 241 bytes, more than RSAES_OAEP_SHA_256 can carry under an RSA_2048 wrapping key (190 bytes at most)."
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn after_a_run_step_5_says_what_was_done() {
    let kms = Kms::with_ui();
    let browser = Browser::start().await;
    GuidedPage::open(&browser, &kms.ui_url(&Page::Byok.href())).await;
    let spec = AwsKeySpec::SymmetricDefault;
    browser
        .select(&browser.labelled("Wrapping key spec").await, "RSA_2048")
        .await;
    browser
        .paste(
            &browser
                .labelled("AWS key ARN, or the whole create-key output")
                .await,
            &create_key_output(spec),
        )
        .await;
    let kek = RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap();
    let json = get_parameters_output(
        ARN,
        &kek,
        &[4; 600],
        OffsetDateTime::now_utc() + time::Duration::hours(23),
    );
    browser
        .paste(
            &browser
                .labelled("The JSON output of get-parameters-for-import")
                .await,
            &json,
        )
        .await;
    wait_for_line(&browser, "create SYMMETRIC_DEFAULT key material").await;
    assert!(step_text(&browser, "5.").await.contains("This will:"));

    browser.click_button("Import and export").await;
    let key_id = GuidedPage::key_id(&browser).await;
    wait_for_line(&browser, "Done:").await;
    let step = step_text(&browser, "5.").await;
    assert!(!step.contains("This will:"), "{step}");
    let created = wait_for_line(&browser, "created SYMMETRIC_DEFAULT key material").await;
    assert_eq!(
        created,
        format!("created SYMMETRIC_DEFAULT key material (AES-256 key) as {key_id};")
    );
    let imported = wait_for_line(&browser, "imported the wrapping key").await;
    assert!(
        imported.starts_with("imported the wrapping key (RSA_2048) as aws-kek-rsaes-oaep-sha-256-")
            && imported.ends_with(", tagged aws, wrapping_algorithm:RsaesOaepSha256;"),
        "{imported}"
    );
    assert_eq!(
        wait_for_line(&browser, "exported the key material").await,
        "exported the key material wrapped with RSAES_OAEP_SHA_256: EncryptedKeyMaterial.bin below."
    );
    browser.screenshot("byok-done-past-tense").await;

    // A second run reuses both, and says so.
    browser.click_button("Import and export").await;
    assert_eq!(
        wait_for_line(&browser, "used the key").await,
        format!("used the key {key_id} (AES-256 key);")
    );
    let found = wait_for_line(&browser, "found the wrapping key").await;
    assert!(
        found.starts_with("found the wrapping key (RSA_2048) already imported as aws-kek-"),
        "{found}"
    );
    assert!(!step_text(&browser, "5.").await.contains("This will:"));
    browser.close().await;
}
