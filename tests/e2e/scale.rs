//! A KMS holding 200 AWS wrapping keys: the pages list them all in a number of
//! requests that does not grow with them, a KEK deleted meanwhile is named on its row only,
//! and KEKs whose import parameters expired stay out of the pickers unless asked for.

use std::time::Duration;

use byok_ui::routes::Page;
use serde_json::json;
use time::OffsetDateTime;

use crate::support::Browser;
use crate::support::proxy::{
    Fault, FaultProxy, browser_behind, counted, kms_behind_proxy, settled,
};
use crate::support::seed::{delete_object, seed_keks_and_keys};

const KEKS: usize = 200;

/// How many elements `css` matches.
async fn count(browser: &Browser, css: &str) -> u64 {
    browser
        .client
        .execute(
            "return document.querySelectorAll(arguments[0]).length;",
            vec![json!(css)],
        )
        .await
        .expect("count elements")
        .as_u64()
        .unwrap()
}

/// Waits (at most 30 s) until `css` matches `n` elements.
async fn wait_for_count(browser: &Browser, css: &str, n: u64) {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let seen = count(browser, css).await;
        if seen == n {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{css}: {seen} elements, expected {n}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The text of `css` once it has one.
async fn text_of(browser: &Browser, css: &str) -> String {
    browser.wait_for_text(css, |t| !t.is_empty()).await
}

/// Waits until the proxy has forwarded a Locate, keeping what it saw.
async fn wait_for_locate(proxy: &FaultProxy) -> Vec<String> {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let mut seen = Vec::new();
    while !seen.iter().any(|r| r == "Locate") {
        assert!(std::time::Instant::now() < deadline, "no Locate: {seen:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
        seen.extend(proxy.take_forwarded());
    }
    seen
}

#[tokio::test(flavor = "multi_thread")]
async fn two_hundred_keks_are_listed_in_a_constant_number_of_requests() {
    let (kms, proxy, token) = kms_behind_proxy();
    let vendor = kms.vendor_id();
    seed_keks_and_keys(&kms, &vendor, KEKS, |_| None);
    let browser = browser_behind(&proxy, &token).await;
    let message = format!("RequestMessage(GetAttributes × {KEKS})");

    // The import page lists every KEK: one Locate, then one message describing
    // them all (beside them, the header's /me and the import right, whatever
    // the number of KEKs).
    browser
        .goto(&format!("{}{}", proxy.url(), Page::ImportKek.href()))
        .await;
    wait_for_count(&browser, ".kek-list tbody tr[data-kek-id]", KEKS as u64).await;
    let load = settled(&proxy).await;
    assert_eq!(
        counted(&load),
        format!(
            "GET /access/create × 1, GET /me × 1, GET /server-info × 1, Locate × 1, Query × 1, {message} × 1"
        )
    );

    // The export page: the KEK picker lists them all (the key browser stays
    // closed); beside them, the header's /me and the keys shared with the user.
    browser
        .goto(&format!(
            "{}{}",
            proxy.url(),
            Page::export_href(Some("aes-0001"), Some("kek-0001"))
        ))
        .await;
    wait_for_count(&browser, "#kek-id option[value^=kek-]", KEKS as u64).await;
    let load = settled(&proxy).await;
    assert!(load.len() <= 6, "{load:?}");
    assert_eq!(
        counted(&load),
        format!(
            "GET /access/obtained × 1, GET /me × 1, GET /server-info × 1, Locate × 1, Query × 1, {message} × 1"
        )
    );

    // A KEK deleted between the Locate and the describe: its row says so, the others are listed.
    for (import_page, gone, listed) in [(true, "kek-0100", KEKS), (false, "kek-0101", KEKS - 1)] {
        let page = if import_page {
            Page::ImportKek
        } else {
            Page::ExportKeyMaterial
        };
        proxy.arm(
            &format!("RequestMessage(GetAttributes × {listed})"),
            Fault::Delay(Duration::from_secs(2)),
        );
        browser
            .goto(&format!("{}{}", proxy.url(), page.href()))
            .await;
        wait_for_locate(&proxy).await;
        delete_object(&kms, gone);
        settled(&proxy).await;
        if import_page {
            let row = browser
                .wait_for_text(&format!("tr[data-kek-id={gone}]"), |t| {
                    t.contains("no longer in the KMS")
                })
                .await;
            assert!(row.contains(gone), "{row}");
            assert_eq!(count(&browser, ".kek-list tr.gone").await, 1);
            assert_eq!(
                count(&browser, ".kek-list tbody tr[data-kek-id]:not(.gone)").await,
                KEKS as u64 - 1
            );
            browser
                .assert_accessible("import page (a KEK deleted meanwhile)")
                .await;
        } else {
            let option = browser
                .wait_for_text(&format!("#kek-id option[value={gone}]"), |t| {
                    t.contains("no longer in the KMS")
                })
                .await;
            assert_eq!(option, format!("{gone} — no longer in the KMS"));
            assert_eq!(count(&browser, "#kek-id option:disabled").await, 1);
            // The one deleted earlier is no longer listed at all.
            assert_eq!(count(&browser, "#kek-id option[value=kek-0100]").await, 0);
        }
    }
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn keks_with_expired_parameters_stay_out_of_the_pickers_unless_asked() {
    let (kms, proxy, token) = kms_behind_proxy();
    let vendor = kms.vendor_id();
    let now = OffsetDateTime::now_utc();
    // kek-0001, kek-0002: expired; kek-0003: valid; kek-0004: unknown (as the CLI imports).
    seed_keks_and_keys(&kms, &vendor, 4, |n| match n {
        1 | 2 => Some(now - time::Duration::hours(2)),
        3 => Some(now + time::Duration::hours(20)),
        _ => None,
    });
    let before = kms.object_ids();
    let browser = browser_behind(&proxy, &token).await;

    // The export page's picker: hidden, counted, and one click away.
    browser
        .goto(&format!(
            "{}{}",
            proxy.url(),
            Page::export_href(Some("aes-0001"), None)
        ))
        .await;
    wait_for_count(&browser, "#kek-id option[value^=kek-]", 2).await;
    let valid = text_of(&browser, "#kek-id option[value=kek-0003]").await;
    assert!(valid.contains("import parameters valid until"), "{valid}");
    let unknown = text_of(&browser, "#kek-id option[value=kek-0004]").await;
    assert!(unknown.ends_with("unknown validity"), "{unknown}");
    assert_eq!(
        text_of(&browser, "[data-testid=expired-keks]").await,
        "2 hidden: their import parameters expired (AWS refuses their token)."
    );
    browser.screenshot("export-expired-keks-hidden").await;
    browser
        .assert_accessible("export page (expired KEKs hidden)")
        .await;
    browser
        .click(&browser.labelled("Show expired wrapping keys too").await)
        .await;
    wait_for_count(&browser, "#kek-id option[value^=kek-]", 4).await;
    let expired = text_of(&browser, "#kek-id option[value=kek-0001]").await;
    assert!(expired.contains("import parameters expired"), "{expired}");
    assert_eq!(
        text_of(&browser, "[data-testid=expired-keks]").await,
        "2 with expired import parameters shown (AWS refuses their token)."
    );
    // Unticked again: hidden again.
    browser
        .click(&browser.labelled("Show expired wrapping keys too").await)
        .await;
    wait_for_count(&browser, "#kek-id option[value^=kek-]", 2).await;

    // The import page's list shows every KEK with what is known of its validity.
    browser
        .goto(&format!("{}{}", proxy.url(), Page::ImportKek.href()))
        .await;
    wait_for_count(&browser, ".kek-list tbody tr[data-kek-id]", 4).await;
    for (id, validity) in [
        ("kek-0001", "import parameters expired"),
        ("kek-0003", "import parameters valid until"),
        ("kek-0004", "unknown validity"),
    ] {
        let cell = browser
            .wait_for_text(&format!("tr[data-kek-id={id}] td.validity"), |t| {
                !t.is_empty()
            })
            .await;
        assert!(cell.starts_with(validity), "{id}: {cell}");
    }

    // The guided flow never offers a stored wrapping key, expired or not: its
    // list of existing keys names no KEK.
    browser
        .goto(&format!("{}{}", proxy.url(), Page::Byok.href()))
        .await;
    browser
        .click(&browser.labelled("Use a key already in the KMS").await)
        .await;
    let list = browser.labelled("Compatible keys").await;
    let offered = browser
        .wait_for_text(&list, |t| t.contains("aes-0001"))
        .await;
    assert!(!offered.contains("kek-"), "{offered}");
    let page = browser
        .wait_for_text("body", |t| t.contains("aes-0001"))
        .await;
    assert!(
        !page.contains("kek-0001"),
        "the guided flow shows an expired KEK"
    );

    // Nothing was deleted.
    assert_eq!(kms.object_ids(), before);
    browser.close().await;
}
