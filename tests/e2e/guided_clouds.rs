//! The Azure and Google guided flows in headless Chromium at 360 px against the real KMS, from
//! the keyboard alone: the commands from step 1, a paste about another KEK or job refused with
//! nothing sent, the right one imported, a key exported, the file unwrapped here with RustCrypto
//! and compared with the KMS's material, the commands that follow; axe and the width checked.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use byok_ui::domain::google::import_method::ImportMethod;
use byok_ui::domain::key_material::{EcCurve, KeyMaterialSpec};
use byok_ui::domain::wrapping::WrappingAlgorithm;
use byok_ui::routes::Page;
use rsa::RsaPrivateKey;
use serde_json::Value;
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};

use crate::azure::{VAULT_KID, key_show};
use crate::support::google::describe_json;
use crate::support::seed::{create_material, fixture_kek_private, material_bytes};
use crate::support::unwrap::unwrap;
use crate::support::{Browser, ENTER, Kms, SPACE};

/// WebDriver's ArrowUp and Backspace.
const ARROW_UP: &str = "\u{E013}";
const BACKSPACE: &str = "\u{E003}";

/// Focuses the field labelled `label` with Tab, erases `typed` with Backspace, types `text`.
async fn retype(browser: &Browser, label: &str, typed: &str, text: &str) {
    let field = browser.labelled(label).await;
    browser.tab_to(&field).await;
    browser
        .press(&BACKSPACE.repeat(typed.chars().count()))
        .await;
    assert_eq!(browser.value_of(&field).await, "", "{label} erased");
    browser.press(text).await;
}

/// A phone's width: every guided step must fit it.
const NARROW: (u32, u32) = (360, 900);

/// Opens `page` at 360 px, once its heading is shown.
async fn open(kms: &Kms, page: Page) -> Browser {
    let browser = Browser::start_with(false, NARROW).await;
    browser.goto(&kms.ui_url(&page.href())).await;
    browser.wait_for_text("h1", |t| t == page.label()).await;
    browser
}

/// Focuses the control labelled `label` with Tab and types `text`.
async fn type_into(browser: &Browser, label: &str, text: &str) {
    let field = browser.labelled(label).await;
    browser.tab_to(&field).await;
    browser.press(text).await;
}

/// Tabs to the copy button named `label`, presses Space; the clipboard holds what `pre` shows.
async fn copy(browser: &Browser, label: &str, pre: &str) -> String {
    browser
        .tab_to(&format!("button[aria-label='{label}']"))
        .await;
    browser.press(SPACE).await;
    let shown = browser.wait_for_text(pre, |t| !t.is_empty()).await;
    browser
        .wait_for_text(&format!("pre{pre} + .copy + .copy-status"), |t| {
            t == "Copied."
        })
        .await;
    assert_eq!(browser.clipboard().await, shown, "{label}");
    shown
}

/// Tabs to the button `id` and presses Enter.
async fn press_button(browser: &Browser, id: &str) {
    browser.tab_to(&format!("button#{id}")).await;
    browser.press(ENTER).await;
}

/// The page is no wider than the window, and axe finds nothing serious.
async fn holds_at_360(browser: &Browser, state: &str) {
    let widths = browser
        .client
        .execute(
            "return [window.innerWidth, document.documentElement.scrollWidth];",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        widths[1].as_u64() <= widths[0].as_u64(),
        "{state}: the page is {} px wide in a {} px window",
        widths[1],
        widths[0]
    );
    browser.assert_accessible(state).await;
}

/// The words of a shown multi-line command.
fn words(command: &str) -> Vec<String> {
    shell_words::split(&command.replace("\\\n", " ")).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_azure_guided_flow_works_from_the_keyboard_alone_at_360_px() {
    let kms = Kms::with_ui();
    let vendor = kms.vendor_id();
    let spec = KeyMaterialSpec::EcPrivate {
        curve: EcCurve::P256,
    };
    let key = create_material(&kms, &vendor, "ec-guided", spec);
    let browser = open(&kms, Page::AzureGuided).await;
    holds_at_360(&browser, "Azure guided flow (empty)").await;

    // 1. The KEK's commands from the vault, name and size typed in.
    type_into(&browser, "Vault or Managed HSM name", "contosokv").await;
    let size = browser.labelled("KEK size").await;
    browser.tab_to(&size).await;
    browser.press(ARROW_UP).await;
    browser.press(ARROW_UP).await;
    assert_eq!(browser.value_of(&size).await, "2048");
    let create = copy(
        &browser,
        "Copy the az keyvault key create command",
        "#azure-guided-create",
    )
    .await;
    assert_eq!(
        words(&create).join(" "),
        "az keyvault key create --kty RSA-HSM --size 2048 --name KEKforBYOK --ops import --vault-name contosokv"
    );
    let show = copy(
        &browser,
        "Copy the az keyvault key show command",
        "#azure-guided-show",
    )
    .await;
    assert_eq!(
        words(&show).join(" "),
        "az keyvault key show --name KEKforBYOK --vault-name contosokv"
    );

    // 2 and 3. Another key's JSON: read, refused, nothing sent.
    let paste = "The JSON output of az keyvault key show";
    let other = key_show(&VAULT_KID.replace("KEKforBYOK", "OtherKEK"), &["import"]);
    browser.record_requests().await;
    type_into(&browser, paste, &other).await;
    browser
        .wait_for_text("#azure-guided-analysis", |t| {
            t.starts_with("The pasted KEK is named OtherKEK, not KEKforBYOK as step 1 says")
        })
        .await;
    press_button(&browser, "azure-guided-import").await;
    browser
        .wait_for_text(".step .error-banner .error-text", |t| {
            t.starts_with("The pasted KEK is named OtherKEK")
        })
        .await;
    assert!(!browser.sent_kmip("Locate").await && !browser.sent_kmip("Import").await);
    holds_at_360(&browser, "Azure guided flow (paste refused)").await;

    // The KEK of step 1, imported.
    retype(&browser, paste, &other, &key_show(VAULT_KID, &["import"])).await;
    browser
        .wait_for_text("#azure-guided-analysis", |t| {
            t.starts_with("RSA 2048-bit public key") && t.contains(VAULT_KID)
        })
        .await;
    press_button(&browser, "azure-guided-import").await;
    let done = browser
        .wait_for_text("[data-testid=guided-kek-done]", |t| !t.is_empty())
        .await;
    let kek_id = done
        .strip_prefix("Imported into the KMS as ")
        .and_then(|rest| rest.strip_suffix('.'))
        .unwrap_or_else(|| panic!("{done}"));
    assert_eq!(
        kms.public_key_der(kek_id),
        std::fs::read(crate::support::fixture("rsa2048.spki.der")).unwrap()
    );

    // 4 and 5. The key, exported as a .byok; the file unwrapped here.
    type_into(&browser, "Key material id", &key).await;
    press_button(&browser, "azure-guided-export").await;
    browser
        .wait_for_text("[data-testid=azure-byok-summary]", |t| {
            t.starts_with(&format!("{key} "))
        })
        .await;
    browser
        .tab_to("[data-testid=azure-byok-result] button.download")
        .await;
    browser.press(ENTER).await;
    let file = browser.downloaded(&format!("{key}.byok")).await;
    let shown = browser
        .wait_for_text("[data-testid=azure-byok-sha256]", |t| t.len() == 64)
        .await;
    assert_eq!(shown, hex::encode(Sha256::digest(&file)));
    let byok: Value = serde_json::from_slice(&file).unwrap();
    assert_eq!(byok["header"]["kid"], VAULT_KID);
    let blob = URL_SAFE_NO_PAD
        .decode(byok["ciphertext"].as_str().unwrap())
        .unwrap();
    assert_eq!(
        unwrap(
            &fixture_kek_private(),
            WrappingAlgorithm::RsaAesKeyWrapSha1,
            &blob
        ),
        material_bytes(&kms, &key, spec),
        "the .byok unwraps to the KMS's material"
    );
    let import = copy(
        &browser,
        "Copy the az keyvault key import command",
        "#azure-import-command",
    )
    .await;
    assert_eq!(
        words(&import).join(" "),
        format!(
            "az keyvault key import --vault-name contosokv --name {key} --byok-file {key}.byok --kty EC --curve P-256"
        )
    );
    let check = copy(
        &browser,
        "Copy the az keyvault key show command for the imported key",
        "#azure-guided-check",
    )
    .await;
    assert_eq!(
        words(&check).join(" "),
        format!("az keyvault key show --name {key} --vault-name contosokv")
    );
    holds_at_360(&browser, "Azure guided flow (result)").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_google_guided_flow_works_from_the_keyboard_alone_at_360_px() {
    let method = ImportMethod::RsaOaep3072Sha256Aes256;
    let job_key = std::thread::spawn(|| RsaPrivateKey::new(&mut rand::thread_rng(), 3072));
    let kms = Kms::with_ui();
    let vendor = kms.vendor_id();
    let spec = KeyMaterialSpec::Aes { bits: 256 };
    let key = create_material(&kms, &vendor, "aes-guided", spec);
    let job_key = job_key.join().unwrap().unwrap();
    let expire = (OffsetDateTime::now_utc() + Duration::hours(49))
        .replace_nanosecond(0)
        .unwrap();
    let browser = open(&kms, Page::GoogleGuided).await;
    holds_at_360(&browser, "Google guided flow (empty)").await;

    // 1. The job's commands from the ring, job, method and level (the defaults) typed in.
    type_into(&browser, "Project id", "byok-demo-471203").await;
    type_into(&browser, "Location", "europe-west1").await;
    type_into(&browser, "Key ring", "byok-ring").await;
    let create = copy(
        &browser,
        "Copy the gcloud kms import-jobs create command",
        "#google-guided-create",
    )
    .await;
    assert_eq!(
        words(&create).join(" "),
        "gcloud kms import-jobs create cosmian-import-job --location europe-west1 --keyring byok-ring --project byok-demo-471203 --import-method rsa-oaep-3072-sha256-aes-256 --protection-level hsm"
    );
    copy(
        &browser,
        "Copy the gcloud kms import-jobs describe command",
        "#google-guided-describe",
    )
    .await;

    // 2 and 3. A SOFTWARE job's JSON: read, refused, nothing sent.
    let paste = "The JSON output of gcloud kms import-jobs describe";
    let describe = |level| {
        describe_json(
            "cosmian-import-job",
            method.api_name(),
            level,
            expire,
            &job_key,
        )
    };
    browser.record_requests().await;
    type_into(&browser, paste, &describe("SOFTWARE")).await;
    browser
        .wait_for_text("#google-guided-analysis", |t| {
            t.starts_with("The pasted import job's protection level is SOFTWARE, not HSM")
        })
        .await;
    press_button(&browser, "google-guided-import").await;
    browser
        .wait_for_text(".step .error-banner .error-text", |t| {
            t.starts_with("The pasted import job's protection level is SOFTWARE")
        })
        .await;
    assert!(!browser.sent_kmip("Locate").await && !browser.sent_kmip("Import").await);
    holds_at_360(&browser, "Google guided flow (paste refused)").await;

    // The job of step 1, imported.
    retype(&browser, paste, &describe("SOFTWARE"), &describe("HSM")).await;
    browser
        .wait_for_text("#google-guided-analysis", |t| {
            t.starts_with("RSA 3072-bit public key") && t.contains("usable for 4")
        })
        .await;
    press_button(&browser, "google-guided-import").await;
    let done = browser
        .wait_for_text("[data-testid=guided-kek-done]", |t| !t.is_empty())
        .await;
    assert!(done.starts_with("Imported into the KMS as "), "{done}");

    // 4 and 5. The key, exported for the job; the blob unwrapped here.
    type_into(&browser, "Key material id", &key).await;
    press_button(&browser, "google-guided-export").await;
    browser
        .wait_for_text("[data-testid=google-summary]", |t| {
            t.starts_with(&format!("{key} "))
        })
        .await;
    browser
        .tab_to("[data-testid=google-result] button.download")
        .await;
    browser.press(ENTER).await;
    let blob = browser.downloaded(&format!("{key}-wrapped-key.bin")).await;
    let shown = browser
        .wait_for_text("[data-testid=google-sha256]", |t| t.len() == 64)
        .await;
    assert_eq!(shown, hex::encode(Sha256::digest(&blob)));
    assert_eq!(
        unwrap(&job_key, method.wrapping_algorithm(), &blob),
        material_bytes(&kms, &key, spec),
        "the wrapped key unwraps to the KMS's material"
    );
    let import = copy(
        &browser,
        "Copy the gcloud kms keys versions import command",
        "#google-import-command",
    )
    .await;
    assert_eq!(
        words(&import).join(" "),
        format!(
            "gcloud kms keys versions import --import-job cosmian-import-job --location europe-west1 --keyring byok-ring --project byok-demo-471203 --key {key} --algorithm google-symmetric-encryption --wrapped-key-file {key}-wrapped-key.bin --format json"
        )
    );
    let check = copy(
        &browser,
        "Copy the gcloud kms keys versions describe command",
        "#google-guided-check",
    )
    .await;
    assert_eq!(
        words(&check).join(" "),
        format!(
            "gcloud kms keys versions describe 1 --key {key} --location europe-west1 --keyring byok-ring --project byok-demo-471203 --format json"
        )
    );
    holds_at_360(&browser, "Google guided flow (result)").await;
    browser.close().await;
}
