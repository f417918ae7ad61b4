//! The export result's import-command builder as a person meets it: the
//! expiry date asked for only once the date field was left empty, import type
//! and description offered for SYMMETRIC_DEFAULT material only, and every
//! command block named by its visible title.

use byok_ui::domain::key_material::{EcCurve, HmacHash, KeyMaterialSpec};
use byok_ui::domain::wrapping::WrappingAlgorithm;
use byok_ui::routes::Page;
use fantoccini::Locator;
use serde_json::{Value, json};

use crate::support::pages::ExportPage;
use crate::support::seed::{create_material, tagged_kek};
use crate::support::{Browser, Kms};

const RESULT: &str = "[data-testid=export-result]";
const DATE_MISSING: &str = "Choose the date the key material expires.";

/// How many elements match `css` right now (hidden parts are not in the DOM).
async fn count(browser: &Browser, css: &str) -> usize {
    browser
        .client
        .find_all(Locator::Css(css))
        .await
        .map_or(0, |found| found.len())
}

/// The texts of the error banners inside the export result.
async fn result_errors(browser: &Browser) -> Vec<String> {
    let found = browser
        .client
        .execute(
            "return [...document.querySelectorAll(arguments[0] + ' .error-banner')].map(e => e.textContent);",
            vec![json!(RESULT)],
        )
        .await
        .unwrap();
    serde_json::from_value(found).unwrap()
}

/// A KMS with one OAEP-SHA-256 wrapping key (it wraps AES, HMAC and P-256
/// material) and the given key materials; returns their ids.
fn kms_with(materials: &[(&str, KeyMaterialSpec)]) -> (Kms, Vec<String>) {
    let kms = Kms::with_ui();
    let vendor = kms.vendor_id();
    tagged_kek(
        &kms,
        &vendor,
        "kek-result",
        2048,
        WrappingAlgorithm::RsaesOaepSha256,
    );
    let ids = materials
        .iter()
        .map(|(id, spec)| create_material(&kms, &vendor, id, *spec))
        .collect();
    (kms, ids)
}

/// Exports `key` under the wrapping key and waits for the import command.
async fn export(browser: &Browser, kms: &Kms, key: &str) -> String {
    ExportPage::open(browser, kms, key, "kek-result").await;
    ExportPage::export_and_wait(browser).await;
    browser
        .wait_for_text("#import-command", |t| !t.is_empty())
        .await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_expiry_date_is_asked_for_only_once_the_date_field_is_left_without_one() {
    let (kms, ids) = kms_with(&[("aes-expiry", KeyMaterialSpec::Aes { bits: 256 })]);
    let browser = Browser::start().await;
    export(&browser, &kms, &ids[0]).await;

    // Choosing "Expires": the date field appears, no error yet, no command.
    browser.click("label[for=expires-on]").await;
    browser.element("#valid-to").await;
    assert_eq!(
        result_errors(&browser).await,
        Vec::<String>::new(),
        "an error before the date could be chosen"
    );
    browser
        .wait_for_text("[data-testid=command-waits-for-date]", |t| {
            t == "The import command appears here once the expiration date is chosen."
        })
        .await;
    assert_eq!(count(&browser, "#import-command").await, 0, "command shown");
    assert_eq!(
        count(&browser, "button[aria-label='Copy the import command']").await,
        0,
        "a command without its date can be copied"
    );
    assert_eq!(
        browser
            .element("#valid-to")
            .await
            .attr("aria-invalid")
            .await
            .unwrap(),
        None
    );
    browser
        .assert_accessible("export result (expiry chosen, no date yet)")
        .await;

    // Leaving the date field without a date: now it is asked for.
    browser.tab_to("#valid-to").await;
    browser.tab_to("#import-type").await;
    browser
        .wait_for_text(&format!("{RESULT} .error-banner .error-text"), |t| {
            t == DATE_MISSING
        })
        .await;
    assert_eq!(
        browser
            .element("#valid-to")
            .await
            .attr("aria-invalid")
            .await
            .unwrap()
            .as_deref(),
        Some("true")
    );
    assert_eq!(
        count(&browser, "[data-testid=command-waits-for-date]").await,
        0
    );
    assert_eq!(count(&browser, "#import-command").await, 0, "command shown");
    browser.screenshot("export-result-date-missing").await;
    browser
        .assert_accessible("export result (date field left empty)")
        .await;

    // A date: the command, and no error.
    let in_thirty_days = (time::OffsetDateTime::now_utc() + time::Duration::days(30)).date();
    browser
        .client
        .execute(
            "const el = document.querySelector('#valid-to'); el.value = arguments[0];
             el.dispatchEvent(new Event('input', {bubbles: true}));
             el.dispatchEvent(new Event('change', {bubbles: true}));",
            vec![json!(in_thirty_days.to_string())],
        )
        .await
        .unwrap();
    let shown = browser
        .wait_for_text("#import-command", |t| t.contains("KEY_MATERIAL_EXPIRES"))
        .await;
    assert!(
        shown.contains(&format!("--valid-to {in_thirty_days}T00:00:00Z")),
        "{shown}"
    );
    assert_eq!(result_errors(&browser).await, Vec::<String>::new());
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn import_type_and_description_are_offered_for_symmetric_default_material_only() {
    let cases = [
        (
            "hmac-options",
            KeyMaterialSpec::Hmac {
                hash: HmacHash::Sha256,
                bits: 256,
            },
        ),
        (
            "ec-options",
            KeyMaterialSpec::EcPrivate {
                curve: EcCurve::P256,
            },
        ),
        ("aes-options", KeyMaterialSpec::Aes { bits: 256 }),
    ];
    let (kms, ids) = kms_with(&cases);
    let browser = Browser::start().await;
    for ((_, spec), id) in cases.iter().zip(&ids) {
        let symmetric_default = spec.aws_spec() == "SYMMETRIC_DEFAULT";
        let shown = export(&browser, &kms, id).await;
        for css in [
            "#import-type",
            "label[for=import-type]",
            "#material-description",
            "label[for=material-description]",
        ] {
            assert_eq!(
                count(&browser, css).await,
                usize::from(symmetric_default),
                "{css} for {}",
                spec.aws_spec()
            );
        }
        assert!(!shown.contains("--import-type"), "{shown}");
        assert!(!shown.contains("--key-material-description"), "{shown}");
        if symmetric_default {
            browser.select("#import-type", "NEW_KEY_MATERIAL").await;
            browser.fill("#material-description", "rotation 2").await;
            let shown = browser
                .wait_for_text("#import-command", |t| {
                    t.contains("--key-material-description")
                })
                .await;
            assert!(shown.contains("--import-type NEW_KEY_MATERIAL"), "{shown}");
            assert!(
                shown.contains("--key-material-description 'rotation 2'"),
                "{shown}"
            );
        }
        browser
            .assert_accessible(&format!("export result ({})", spec.aws_spec()))
            .await;
    }
    browser.close().await;
}

/// Every command block on the page, read through its accessible name: the
/// visible text of the element its group is labelled by.
async fn command_blocks(browser: &Browser) -> Vec<Value> {
    let found = browser
        .client
        .execute(
            "return [...document.querySelectorAll('pre.command')].map(pre => {
               const group = pre.closest('[aria-labelledby]');
               const title = group && document.getElementById(group.getAttribute('aria-labelledby'));
               const copy = group && group.querySelector('button.copy');
               return {
                 role: group && group.getAttribute('role'),
                 name: title && title.textContent,
                 name_visible: !!title && title.checkVisibility() && title.getClientRects().length > 0,
                 pre: pre.id,
                 pre_tabindex: pre.getAttribute('tabindex'),
                 pre_aria_label: pre.getAttribute('aria-label'),
                 copy: copy && copy.getAttribute('aria-label'),
                 starts: pre.textContent.split(/\\s+/).slice(0, 3).join(' '),
               };
             });",
            vec![],
        )
        .await
        .unwrap();
    serde_json::from_value(found).unwrap()
}

fn block(name: &str, pre: &str, copy: &str, starts: &str) -> Value {
    json!({
        "role": "group",
        "name": name,
        "name_visible": true,
        "pre": pre,
        "pre_tabindex": "0",
        "pre_aria_label": null,
        "copy": copy,
        "starts": starts,
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn every_command_block_is_named_by_its_visible_title() {
    let (kms, ids) = kms_with(&[("aes-named", KeyMaterialSpec::Aes { bits: 256 })]);
    let browser = Browser::start().await;
    export(&browser, &kms, &ids[0]).await;
    let import = "aws kms import-key-material";
    assert_eq!(
        command_blocks(&browser).await,
        vec![
            block(
                "aws kms import-key-material command",
                "import-command",
                "Copy the import command",
                import,
            ),
            block(
                "The same aws kms import-key-material command on one line",
                "import-command-one-line",
                "Copy the one-line import command",
                import,
            ),
        ]
    );
    // Still reachable with Tab, to scroll a long line.
    browser.tab_to("pre#import-command").await;
    browser
        .assert_accessible("export result (command blocks named)")
        .await;

    // The guided page's blocks take their names from their commands.
    browser.goto(&kms.ui_url(&Page::Byok.href())).await;
    browser
        .wait_for_text("#create-key-command", |t| !t.is_empty())
        .await;
    browser
        .wait_for_text("#get-parameters-command", |t| !t.is_empty())
        .await;
    assert_eq!(
        command_blocks(&browser).await,
        vec![
            block(
                "aws kms create-key command",
                "create-key-command",
                "Copy the create-key command",
                "aws kms create-key",
            ),
            block(
                "aws kms get-parameters-for-import command",
                "get-parameters-command",
                "Copy the get-parameters-for-import command",
                "aws kms get-parameters-for-import",
            ),
        ]
    );
    browser
        .assert_accessible("guided page (command blocks named)")
        .await;
    browser.close().await;
}
