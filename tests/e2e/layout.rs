//! Every page at 360 px and 1280 px, light and dark: no horizontal overflow, no word
//! broken mid-token in a table, colours that follow prefers-color-scheme, no accessibility
//! violation (axe checks contrast in each scheme). Screenshots land in target/.

use byok_ui::domain::account::UserId;
use byok_ui::domain::aws::arn::AwsKeyArn;
use byok_ui::domain::aws::import_command::Expiration;
use byok_ui::domain::aws::key_spec::AwsKeySpec;
use byok_ui::domain::key_material::{EcCurve, KeyMaterialSpec};
use byok_ui::domain::ledger::{
    CommandOptions, ExportRecord, LedgerEntry, new_entry_id, sha256_hex,
};
use byok_ui::domain::wrapping::WrappingAlgorithm;
use byok_ui::routes::Page;
use time::{Duration, OffsetDateTime};

use crate::support::aws::ARN;
use crate::support::pages::LedgerPage;
use crate::support::seed::{add_ledger_entry, create_material, import_kek_with};
use crate::support::{Browser, KMS_VERSION, Kms};

/// Line breaks inside a word in a visible table cell (between two letters or
/// digits of one text node: not at a `<wbr>`, `<br>` or element boundary, a
/// space or a separator), as "cell text: …|…".
async fn mid_word_breaks(browser: &Browser) -> Vec<String> {
    let found = browser
        .client
        .execute(
            "const found = [];
             const word = /[\\p{L}\\p{N}]/u;
             for (const cell of document.querySelectorAll('td, th')) {
               if (!cell.checkVisibility()) continue;
               const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
               let prev = null, text = '';
               for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                 // A line may end where one text node ends (a <br>, a <wbr>, another element).
                 prev = null;
                 const s = node.textContent;
                 for (let i = 0; i < s.length; i++) {
                   const range = document.createRange();
                   range.setStart(node, i);
                   range.setEnd(node, i + 1);
                   const rect = range.getClientRects()[0];
                   text += s[i];
                   if (!rect) continue;
                   if (prev && rect.top > prev.top + 2 && word.test(prev.ch) && word.test(s[i])) {
                     found.push(cell.textContent + ': ' + text.slice(0, -1) + '|' + s[i]);
                   }
                   prev = { ch: s[i], top: rect.top };
                 }
               }
             }
             return found;",
            vec![],
        )
        .await
        .expect("look for mid-word breaks");
    serde_json::from_value(found).expect("a list of breaks")
}

/// Visible tables (and their scrolling boxes) wider than the room they have,
/// as "the first header: N px of content in M px".
async fn sideways_scrolls(browser: &Browser) -> Vec<String> {
    let found = browser
        .client
        .execute(
            "return [...document.querySelectorAll('.table-scroll, table')]
               .filter(box => box.checkVisibility() && box.scrollWidth > box.clientWidth)
               .map(box => {
                 const right = box.getBoundingClientRect().right;
                 const past = [...box.querySelectorAll('*')]
                   .filter(e => e.checkVisibility() && e.getBoundingClientRect().right > right + 0.5)
                   .slice(-3)
                   .map(e => `${e.tagName.toLowerCase()}.${e.className} (${e.textContent.slice(0, 40)})`);
                 return (box.querySelector('th')?.textContent ?? box.className)
                   + ': ' + box.scrollWidth + ' px of content in ' + box.clientWidth + ' px; past the edge: '
                   + past.join(', ');
               });",
            vec![],
        )
        .await
        .expect("look for tables that scroll sideways");
    serde_json::from_value(found).expect("a list of tables")
}

/// A ledger entry bound to AWS key material (a 64-hex KeyMaterialId), expiring in 20 days.
fn bound_entry(kms: &Kms, key_id: &str) -> LedgerEntry {
    let now = OffsetDateTime::now_utc();
    let mut entry = LedgerEntry::exported(
        new_entry_id(now, [7; 6]),
        Some(AwsKeyArn::parse(ARN).unwrap()),
        AwsKeySpec::SymmetricDefault,
        ExportRecord {
            kek_id: "aws-kek-rsaes-oaep-sha-256-1a2b3c4d".into(),
            kek_sha256: sha256_hex(b"kek"),
            wrapping_algorithm: WrappingAlgorithm::RsaesOaepSha256,
            material_sha256: sha256_hex(b"material"),
        },
        Some(CommandOptions {
            expiration: Expiration::ExpiresOn((now + Duration::days(20)).date()),
            import_type: None,
            description: None,
        }),
        now,
        &UserId::new("layout-test@example.com").unwrap(),
    );
    entry.key_material_id = Some("9f".repeat(32));
    add_ledger_entry(kms, key_id, &entry).unwrap();
    entry
}

#[tokio::test(flavor = "multi_thread")]
async fn pages_hold_at_360_and_1280_px_in_light_and_dark() {
    let kms = Kms::with_ui();
    // Tables with long tokens: a tagged KEK with an ARN, EC and AES material.
    let vendor = kms.vendor_id();
    import_kek_with(
        &kms,
        &vendor,
        "aws-kek-rsaes-oaep-sha-256-1a2b3c4d",
        2048,
        vec![
            "aws".into(),
            "wrapping_algorithm:RSAES_OAEP_SHA_256".into(),
            format!("key_arn:{ARN}"),
        ],
        false,
    );
    let curve = EcCurve::P521;
    create_material(
        &kms,
        &vendor,
        "ec-signing-key-2026",
        KeyMaterialSpec::EcPrivate { curve },
    );
    let aes = create_material(
        &kms,
        &vendor,
        "payments-aes-key",
        KeyMaterialSpec::Aes { bits: 256 },
    );
    let entry = bound_entry(&kms, &aes);
    for dark in [false, true] {
        for width in [360, 1280] {
            let scheme = if dark { "dark" } else { "light" };
            let browser = Browser::start_with(dark, (width, 900)).await;
            for page in Page::ALL {
                browser.goto(&kms.ui_url(&page.href())).await;
                browser.wait_for_text("h1", |t| t == page.label()).await;
                browser
                    .wait_for_text("[data-testid=server-version]", |t| t.contains(KMS_VERSION))
                    .await;
                if page == Page::ExportKeyMaterial {
                    browser.click(".key-browser summary").await;
                    browser
                        .element(".key-browser tr[data-key-id=payments-aes-key]")
                        .await;
                }
                if page == Page::ImportKek {
                    browser
                        .element("tr[data-kek-id=aws-kek-rsaes-oaep-sha-256-1a2b3c4d]")
                        .await;
                }
                if page == Page::Ledger {
                    LedgerPage::open_entry(&browser, &entry.id).await;
                }
                let state = format!("{} at {width} px, {scheme}", page.href());
                let scrolls = sideways_scrolls(&browser).await;
                assert!(
                    scrolls.is_empty(),
                    "{state}: tables that need a sideways scroll: {scrolls:#?}"
                );
                let breaks = mid_word_breaks(&browser).await;
                assert!(
                    breaks.is_empty(),
                    "{state}: words broken mid-token: {breaks:#?}"
                );
                let (inner, scroll, background) = {
                    let v = browser
                        .client
                        .execute(
                            "return [window.innerWidth, document.documentElement.scrollWidth,
                                     getComputedStyle(document.body).backgroundColor];",
                            vec![],
                        )
                        .await
                        .unwrap();
                    (
                        v[0].as_u64().unwrap(),
                        v[1].as_u64().unwrap(),
                        v[2].as_str().unwrap().to_owned(),
                    )
                };
                assert!(
                    scroll <= inner,
                    "{state}: the page is {scroll} px wide in a {inner} px window"
                );
                let expected = if dark {
                    "rgb(21, 25, 30)"
                } else {
                    "rgb(255, 255, 255)"
                };
                assert_eq!(
                    background, expected,
                    "{state}: background follows prefers-color-scheme"
                );
                browser.assert_accessible(&state).await;
                browser
                    .screenshot(&format!(
                        "layout-{width}-{scheme}{}",
                        page.href().replace('/', "-")
                    ))
                    .await;
            }
            browser.close().await;
        }
    }
}
