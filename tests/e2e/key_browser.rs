//! The export page's key browser with more keys than fit a page: every page shows
//! other keys, the search covers every key, nothing is read until it is opened, each KEK is described once.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use byok_ui::domain::key_material::{EcCurve, KeyMaterialSpec};
use byok_ui::routes::Page;

use crate::support::pages::ExportPage;
use crate::support::seed::{create_material, import_kek_with};
use crate::support::{Browser, Kms};

const ROW_IDS: &str = ".key-browser tbody tr td:first-child";
const PAGER: &str = ".key-browser .pager span";
const STATUS: &str = ".key-browser [role=status]";

/// The ids the visible table shows, read at once (the table re-renders as a whole).
async fn rows(browser: &Browser) -> Vec<String> {
    let shown = browser
        .client
        .execute(
            "return [...document.querySelectorAll(arguments[0])]
               .filter(e => e.checkVisibility()).map(e => e.innerText.trim());",
            vec![serde_json::json!(ROW_IDS)],
        )
        .await
        .expect("read the table");
    serde_json::from_value(shown).expect("a list of ids")
}

/// The ids the table shows once they differ from `before` and hold still.
async fn rows_other_than(browser: &Browser, before: &[String]) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut last = Vec::new();
    loop {
        let now = rows(browser).await;
        if !now.is_empty() && now != before && now == last {
            return now;
        }
        assert!(
            Instant::now() < deadline,
            "the key table still shows {before:?}"
        );
        last = now;
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

/// GetAttributes the page sent for `id`, alone or as items of a message.
async fn described(browser: &Browser, id: &str) -> usize {
    let needle = serde_json::json!({"tag": "UniqueIdentifier", "type": "TextString", "value": id});
    let names_id = |payload: &serde_json::Value| {
        payload["value"]
            .as_array()
            .is_some_and(|nodes| nodes.contains(&needle))
    };
    browser
        .recorded_requests()
        .await
        .iter()
        .filter_map(|b| serde_json::from_str::<serde_json::Value>(b).ok())
        .map(|body| match body["tag"].as_str() {
            Some("GetAttributes") => usize::from(names_id(&body)),
            Some("RequestMessage") => body["value"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|item| item["value"].as_array())
                .filter(|item| {
                    item.iter()
                        .any(|n| n["tag"] == "Operation" && n["value"] == "GetAttributes")
                        && item
                            .iter()
                            .any(|n| n["tag"] == "RequestPayload" && names_id(n))
                })
                .count(),
            _ => 0,
        })
        .sum()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_key_browser_reaches_every_key_and_searches_them_all() {
    let kms = Kms::with_ui();
    let vendor = kms.vendor_id();
    for n in 0..22 {
        create_material(
            &kms,
            &vendor,
            &format!("key-{n:02}"),
            KeyMaterialSpec::Aes { bits: 256 },
        );
    }
    create_material(
        &kms,
        &vendor,
        "ec-key",
        KeyMaterialSpec::EcPrivate {
            curve: EcCurve::P521,
        },
    );
    import_kek_with(
        &kms,
        &vendor,
        "kek-1",
        2048,
        vec!["aws".into(), "wrapping_algorithm:RSAES_OAEP_SHA_256".into()],
        false,
    );
    let all: BTreeSet<String> = kms.object_ids().into_iter().collect();
    assert!(all.len() > 20, "{} objects", all.len());

    let browser = Browser::start().await;
    browser
        .goto(&kms.ui_url(&Page::ExportKeyMaterial.href()))
        .await;
    browser.element("#kek-id").await;
    // What the page reads on load is counted at the proxy (requests.rs); from
    // here on, every request the page sends is recorded.
    browser.element("#kek-id option[value=kek-1]").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    browser
        .client
        .execute("window.__requests = [];", vec![])
        .await
        .expect("reset the request recorder");
    browser.click(".key-browser summary").await;
    browser
        .wait_for_text(STATUS, |t| {
            t == format!("{} objects in the KMS.", all.len()).as_str()
        })
        .await;
    let pages = all.len().div_ceil(10);
    let mut seen = Vec::new();
    let mut previous = Vec::new();
    for page in 1..=pages {
        browser
            .wait_for_text(PAGER, |t| t == format!("Page {page} of {pages}").as_str())
            .await;
        let rows = rows_other_than(&browser, &previous).await;
        assert!(rows.len() <= 10, "page {page}: {rows:?}");
        seen.extend(rows.iter().cloned());
        previous = rows;
        if page < pages {
            browser
                .click(".key-browser .pager button:last-of-type")
                .await;
        }
    }
    let next_disabled = browser
        .element(".key-browser .pager button:last-of-type")
        .await
        .attr("disabled")
        .await
        .unwrap();
    assert!(
        next_disabled.is_some(),
        "Next page is disabled on the last page"
    );
    let unique: BTreeSet<String> = seen.iter().cloned().collect();
    assert_eq!(unique.len(), seen.len(), "a key shown twice: {seen:?}");
    assert_eq!(unique, all, "the pages together show every object");
    assert_eq!(
        described(&browser, "key-00").await,
        1,
        "the first page describes key-00 once"
    );
    assert_eq!(
        described(&browser, "kek-1").await,
        0,
        "kek-1 was described by the picker; the browser shows it without asking again"
    );
    browser.screenshot("key-browser-last-page").await;

    // The search covers every key, not the page shown.
    browser
        .fill(&browser.labelled(ExportPage::SEARCH).await, "key-21")
        .await;
    browser
        .wait_for_text(STATUS, |t| {
            t == format!("1 of {} objects match.", all.len()).as_str()
        })
        .await;
    assert_eq!(rows_other_than(&browser, &previous).await, ["key-21"]);
    browser.wait_for_text(PAGER, |t| t == "Page 1 of 1").await;
    browser
        .fill(&browser.labelled(ExportPage::SEARCH).await, "ECC_NIST_P521")
        .await;
    let rows = rows_other_than(&browser, &["key-21".to_owned()]).await;
    assert_eq!(rows, ["ec-key"]);
    let kind = browser
        .wait_for_text(".key-browser tr[data-key-id=ec-key] td:nth-child(2)", |t| {
            !t.is_empty()
        })
        .await;
    assert_eq!(kind, "EC P-521 private key → ECC_NIST_P521");
    browser
        .click(".key-browser tr[data-key-id=ec-key] button")
        .await;
    assert_eq!(
        browser
            .value_of(&browser.labelled(ExportPage::KEY).await)
            .await,
        "ec-key"
    );
    browser.assert_accessible("key browser (searched)").await;
    browser.close().await;
}
