//! A KMS holding many AWS wrapping keys: the pages list the usable ones a page at a time in
//! a number of requests that does not grow with them (1000 of which 990 expired: the expired
//! ones are never described), every usable one is reached by search, a KEK deleted meanwhile
//! is named on its row only, and expired ones stay out of the lists unless asked for.

use std::time::Duration;

use byok_ui::routes::Page;
use serde_json::json;
use time::OffsetDateTime;

use crate::support::Browser;
use crate::support::pages::ExportPage;
use crate::support::proxy::{
    Fault, FaultProxy, browser_behind, counted, kms_behind_proxy, settled,
};
use crate::support::seed::{
    delete_object, import_tagged_public_key, seed_keks, seed_keks_and_keys,
};

const KEKS: usize = 200;
/// Rows or options a list draws at a time (`components::kek_pages::PAGE_SIZE`).
const PAGE: u64 = 25;
/// The two messages of Locates each list sends: today and the 4 next days (the rows are
/// drawn from these), then every `aws` object and the day-tagged ones.
const LOCATES: &str = "RequestMessage(Locate × 2) × 1, RequestMessage(Locate × 3) × 1";

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

/// Waits until the proxy has forwarded the Locates of every `aws` object (the
/// listing's second message: the first finds keys by their expiry day), keeping what it saw.
async fn wait_for_locate(proxy: &FaultProxy) -> Vec<String> {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let mut seen = Vec::new();
    while !seen
        .iter()
        .any(|r: &String| r == "RequestMessage(Locate × 2)")
    {
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

    // The import page: one message of Locates, then one describing the KEKs
    // without a day tag (these, as the CLI imports them, are judged by their
    // own tags: all 200); beside them, the header's /me and the import right.
    // A page of rows is drawn; a search reaches any of them.
    browser
        .goto(&format!("{}{}", proxy.url(), Page::ImportKek.href()))
        .await;
    wait_for_count(&browser, ".kek-list tbody tr[data-kek-id]", PAGE).await;
    let load = settled(&proxy).await;
    assert_eq!(
        counted(&load),
        format!(
            "GET /access/create × 1, GET /me × 1, GET /server-info × 1, Query × 1, {message} × 1, {LOCATES}"
        )
    );
    browser.fill("#kek-search", "kek-0137").await;
    wait_for_count(&browser, ".kek-list tbody tr[data-kek-id]", 1).await;
    assert_eq!(count(&browser, "tr[data-kek-id=kek-0137]").await, 1);
    assert!(settled(&proxy).await.is_empty(), "the search asked again");

    // The export page: the KEK picker lists a page of them (the key browser
    // stays closed); beside them, the header's /me and the keys shared with the user.
    open_export_page(&browser, &proxy).await;
    wait_for_count(&browser, "#kek-id option[value^=kek-]", PAGE).await;
    let load = settled(&proxy).await;
    assert!(load.len() <= 7, "{load:?}");
    assert_eq!(
        counted(&load),
        format!(
            "GET /access/obtained × 1, GET /me × 1, GET /server-info × 1, Query × 1, {message} × 1, {LOCATES}"
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
                PAGE
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
    // kek-old: expired, tagged as versions before the day tags did (read unchanged).
    let private = crate::support::seed::fixture_kek_private();
    let old_tags = vec![
        "aws".to_owned(),
        "wrapping_algorithm:RsaesOaepSha256".to_owned(),
        byok_ui::domain::aws::kek_tags::parameters_valid_to_tag(now - time::Duration::days(3)),
    ];
    import_tagged_public_key(&kms, &vendor, "kek-old", &private, old_tags, false);
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
        "3 hidden: their import parameters expired (AWS refuses their token)."
    );
    browser.screenshot("export-expired-keks-hidden").await;
    browser
        .assert_accessible("export page (expired KEKs hidden)")
        .await;
    browser.click_button("Show 3 expired wrapping keys").await;
    wait_for_count(&browser, "#kek-id option[value^=kek-]", 5).await;
    for id in ["kek-0001", "kek-old"] {
        let expired = text_of(&browser, &format!("#kek-id option[value={id}]")).await;
        assert!(expired.contains("import parameters expired"), "{expired}");
    }
    assert_eq!(
        text_of(&browser, "[data-testid=expired-keks]").await,
        "3 with expired import parameters shown (AWS refuses their token)."
    );
    // Hidden again.
    browser
        .click_button("Hide the 3 expired wrapping keys")
        .await;
    wait_for_count(&browser, "#kek-id option[value^=kek-]", 2).await;

    // The import page's list shows the usable KEKs with what is known of their
    // validity; the expired ones one click away, beside the clean-up page.
    browser
        .goto(&format!("{}{}", proxy.url(), Page::ImportKek.href()))
        .await;
    wait_for_count(&browser, ".kek-list tbody tr[data-kek-id]", 2).await;
    browser
        .wait_for_text(".kek-list a[href$='/kms/clean-up-wrapping-keys']", |t| {
            t == "Clean up old wrapping keys"
        })
        .await;
    browser.click_button("Show 3 expired wrapping keys").await;
    wait_for_count(&browser, ".kek-list tbody tr[data-kek-id]", 5).await;
    for (id, validity) in [
        ("kek-0001", "import parameters expired"),
        ("kek-old", "import parameters expired"),
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
    browser
        .assert_accessible("import page (expired KEKs shown)")
        .await;

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

/// Noon UTC `days` days from today (negative: before): a day tag that does not
/// depend on the hour the test runs.
fn noon_in(days: i64) -> OffsetDateTime {
    let today = OffsetDateTime::now_utc().date();
    (today + time::Duration::days(days))
        .with_hms(12, 0, 0)
        .unwrap()
        .assume_utc()
}

/// Opens the export page on `aes-0001` under `kek-0001` through the proxy.
async fn open_export_page(browser: &Browser, proxy: &FaultProxy) {
    browser
        .goto(&format!(
            "{}{}",
            proxy.url(),
            Page::export_href(Some("aes-0001"), Some("kek-0001"))
        ))
        .await;
}

/// Searches the import page's list for `id` and waits for its one row.
async fn search_reaches(browser: &Browser, id: &str) {
    browser.fill("#kek-search", id).await;
    wait_for_count(browser, ".kek-list tbody tr[data-kek-id]", 1).await;
    assert_eq!(
        count(browser, &format!("tr[data-kek-id={id}]")).await,
        1,
        "{id}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_thousand_keks_cost_the_usable_ones_only_and_search_reaches_each() {
    // 1000 wrapping keys of which 990 expired two days ago: the lists describe the 10
    // usable ones only (the expired ones are known by their day tag), in the same
    // requests as for 4, and a search reaches each usable one.
    let (kms, proxy, token) = kms_behind_proxy();
    let vendor = kms.vendor_id();
    seed_keks(&kms, &vendor, 1000, |n| {
        Some(if n <= 990 { noon_in(-2) } else { noon_in(1) })
    });
    let browser = browser_behind(&proxy, &token).await;
    browser
        .goto(&format!("{}{}", proxy.url(), Page::ImportKek.href()))
        .await;
    wait_for_count(&browser, ".kek-list tbody tr[data-kek-id]", 10).await;
    assert_eq!(
        counted(&settled(&proxy).await),
        format!(
            "GET /access/create × 1, GET /me × 1, GET /server-info × 1, Query × 1, RequestMessage(GetAttributes × 10) × 1, {LOCATES}"
        )
    );
    assert_eq!(
        text_of(&browser, "[data-testid=expired-keks]").await,
        "990 hidden: their import parameters expired (AWS refuses their token)."
    );
    for n in 991..=1000 {
        search_reaches(&browser, &format!("kek-{n:04}")).await;
    }
    assert!(settled(&proxy).await.is_empty(), "a search asked the KMS");

    browser
        .goto(&format!(
            "{}{}",
            proxy.url(),
            Page::export_href(Some("aes-0001"), None)
        ))
        .await;
    wait_for_count(&browser, "#kek-id option[value^=kek-]", 10).await;
    assert_eq!(
        counted(&settled(&proxy).await),
        format!(
            "GET /access/obtained × 1, GET /me × 1, GET /server-info × 1, Query × 1, RequestMessage(GetAttributes × 10) × 1, {LOCATES}"
        )
    );
    browser.close().await;

    // 1000 usable wrapping keys: a page of them is described and drawn; the first
    // search describes the others in one message, then reaches any of them.
    let (kms, proxy, token) = kms_behind_proxy();
    let vendor = kms.vendor_id();
    seed_keks(&kms, &vendor, 1000, |_| Some(noon_in(1)));
    let browser = browser_behind(&proxy, &token).await;
    browser
        .goto(&format!("{}{}", proxy.url(), Page::ImportKek.href()))
        .await;
    wait_for_count(&browser, ".kek-list tbody tr[data-kek-id]", PAGE).await;
    assert_eq!(
        counted(&settled(&proxy).await),
        format!(
            "GET /access/create × 1, GET /me × 1, GET /server-info × 1, Query × 1, RequestMessage(GetAttributes × {PAGE}) × 1, {LOCATES}"
        )
    );
    browser.fill("#kek-search", "kek-").await;
    browser
        .wait_for_text(".kek-list [role=status]", |t| {
            t == "1000 of 1000 wrapping keys match."
        })
        .await;
    assert_eq!(
        counted(&settled(&proxy).await),
        format!("RequestMessage(GetAttributes × {}) × 1", 1000 - PAGE)
    );
    for n in [1, 26, 500, 999, 1000] {
        search_reaches(&browser, &format!("kek-{n:04}")).await;
    }
    // Paging draws the next rows from what was described.
    browser.fill("#kek-search", "kek-").await;
    wait_for_count(&browser, ".kek-list tbody tr[data-kek-id]", PAGE).await;
    browser.click_button("Next page").await;
    browser
        .wait_for_text("tr[data-kek-id=kek-0026]", |t| t.contains("kek-0026"))
        .await;
    assert!(settled(&proxy).await.is_empty(), "paging asked the KMS");
    browser
        .assert_accessible("import page (1000 wrapping keys)")
        .await;
    browser.close().await;
}

/// Export pressed while the KEK list is still looking for the undated keys (its second
/// step held 3 s at the proxy): the export and its ledger line complete, and the list
/// completes after.
#[tokio::test(flavor = "multi_thread")]
async fn an_export_pressed_while_the_list_is_still_looking_completes() {
    let (kms, proxy, token) = kms_behind_proxy();
    let vendor = kms.vendor_id();
    seed_keks_and_keys(&kms, &vendor, 3, |_| None);
    let browser = browser_behind(&proxy, &token).await;
    proxy.arm(
        "RequestMessage(Locate × 2)",
        Fault::Delay(Duration::from_secs(3)),
    );
    open_export_page(&browser, &proxy).await;
    let looking = browser
        .wait_for_text("[data-testid=keks-looking]", |t| !t.is_empty())
        .await;
    assert!(looking.contains("Also looking"), "{looking}");
    let chosen = browser
        .wait_for_text("#kek-id option[value=kek-0001]", |t| !t.is_empty())
        .await;
    assert!(chosen.contains("still being looked for"), "{chosen}");
    browser.click(ExportPage::SUBMIT).await;
    browser
        .wait_for_text("[data-testid=ledger-status]", |t| {
            t.starts_with("Recorded in the BYOK ledger")
        })
        .await;
    wait_for_count(&browser, "#kek-id option[value^=kek-]", 3).await;
    assert_eq!(count(&browser, "[data-testid=keks-looking]").await, 0);
    browser.close().await;
}
