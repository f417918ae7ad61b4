//! The app shell in headless Chromium: loading, deep links, the server's
//! version, the "cannot reach" state, and the access token.

use byok_ui::routes::{NavGroup, Page};
use serde_json::{Value, json};

use crate::support::{Browser, ENTER, KMS_VERSION, Kms, KmsOptions, free_port};

const VERSION: &str = "[data-testid=server-version]";
const SERVER_ERROR: &str = "[data-testid=server-error] .error-text";

fn ui_server() -> Kms {
    Kms::with_ui()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_app_loads_at_ui_and_shows_the_server_version() {
    let kms = ui_server();
    let browser = Browser::start().await;
    browser.goto(&kms.ui_url("/ui/")).await;
    let text = browser
        .wait_for_text(VERSION, |t| t.contains(KMS_VERSION))
        .await;
    assert!(
        text.starts_with(&format!("Connected to Cosmian KMS {KMS_VERSION}")),
        "{text}"
    );
    assert!(text.ends_with(&format!(" at {}", kms.url())), "{text}");
    browser
        .wait_for_text("h1", |t| t == Page::Byok.label())
        .await;
    browser.screenshot("shell-home").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_page_opens_from_a_deep_link_and_from_the_navigation() {
    let kms = ui_server();
    let browser = Browser::start().await;
    for page in Page::ALL {
        browser.goto(&kms.ui_url(&page.href())).await;
        browser.wait_for_text("h1", |t| t == page.label()).await;
        browser
            .wait_for_text(VERSION, |t| t.contains(KMS_VERSION))
            .await;
        browser
            .screenshot(&format!("page{}", page.href().replace('/', "-")))
            .await;
        browser
            .assert_accessible(&format!("{} (empty form)", page.href()))
            .await;
    }
    // Client-side navigation from the nav bar.
    browser.goto(&kms.ui_url(&Page::Byok.href())).await;
    browser.open_from_nav(Page::ImportKek).await;
    browser
        .wait_for_text("h1", |t| t == Page::ImportKek.label())
        .await;
    let current = browser.client.current_url().await.expect("url");
    assert_eq!(current.path(), Page::ImportKek.href());
    browser.goto(&kms.ui_url("/ui/aws/no-such-page")).await;
    browser.wait_for_text("h1", |t| t == "Page not found").await;
    browser.close().await;
}

const ESCAPE: &str = "\u{E00C}";

/// The rounded tops of the navigation bar's visible top-level items.
async fn nav_item_tops(browser: &Browser) -> Vec<i64> {
    let tops = browser
        .client
        .execute(
            "return [...document.querySelectorAll('nav > button, nav > ul > li')]
               .filter(li => li.checkVisibility())
               .map(li => Math.round(li.getBoundingClientRect().top));",
            vec![],
        )
        .await
        .expect("read the navigation");
    serde_json::from_value(tops).expect("a list of tops")
}

/// The links of `group`'s menu a person can see, each with whether it lies
/// inside the window's width.
async fn visible_menu_links(browser: &Browser, group: NavGroup) -> Vec<(String, bool)> {
    let links: Value = browser
        .client
        .execute(
            "return [...document.querySelectorAll('#' + arguments[0] + ' a')]
               .filter(a => a.checkVisibility())
               .map(a => { const r = a.getBoundingClientRect();
                           return [a.textContent.trim(), r.left >= 0 && r.right <= window.innerWidth]; });",
            vec![json!(group.menu_id())],
        )
        .await
        .expect("read the menu");
    serde_json::from_value(links).expect("a list of links")
}

#[tokio::test(flavor = "multi_thread")]
async fn the_navigation_stays_one_line_and_every_page_opens_from_the_keyboard() {
    let kms = ui_server();
    for width in [1280, 360] {
        let browser = Browser::start_with(false, (width, 900)).await;
        browser.goto(&kms.ui_url(&Page::Ledger.href())).await;
        browser
            .wait_for_text("h1", |t| t == Page::Ledger.label())
            .await;
        let tops = nav_item_tops(&browser).await;
        assert!(
            !tops.is_empty() && tops.iter().all(|t| *t == tops[0]),
            "at {width} px the navigation is one line: its items' tops are {tops:?}"
        );
        assert_eq!(
            browser.nav_menu_button_closed().await,
            width == 360,
            "at {width} px the groups are behind a \"Menu\" button only on the narrow screen"
        );
        for page in Page::ALL {
            let group = page.group();
            let toggle = format!("nav button[aria-controls={}]", group.menu_id());
            if browser.nav_menu_button_closed().await {
                // A narrow screen: the groups are behind the "Menu" button.
                browser.tab_to("nav > button.nav-all-toggle").await;
                browser.press(ENTER).await;
            }
            browser.tab_to(&toggle).await;
            browser.press(ENTER).await;
            let links = visible_menu_links(&browser, group).await;
            let expected: Vec<(String, bool)> = group
                .pages()
                .map(|p| (p.label().to_owned(), true))
                .collect();
            assert_eq!(
                links,
                expected,
                "at {width} px Enter on {:?} shows its pages, inside the window",
                group.label()
            );
            // Escape closes the menu and gives the focus back to its button.
            browser.press(ESCAPE).await;
            assert!(visible_menu_links(&browser, group).await.is_empty());
            assert!(browser.focus_is_on(&toggle).await);
            browser.press(ENTER).await;
            browser
                .tab_to(&format!("#{} a[href='{}']", group.menu_id(), page.href()))
                .await;
            browser.press(ENTER).await;
            browser.wait_for_text("h1", |t| t == page.label()).await;
            assert!(
                visible_menu_links(&browser, group).await.is_empty(),
                "at {width} px the menu closes once its link is followed"
            );
            let tops = nav_item_tops(&browser).await;
            assert!(tops.iter().all(|t| *t == tops[0]), "{width} px: {tops:?}");
        }
        if width == 360 {
            // Escape with no group open closes the Menu and gives the focus back to it.
            browser.tab_to("nav > button.nav-all-toggle").await;
            browser.press(ENTER).await;
            assert!(!browser.nav_menu_button_closed().await);
            browser.press(ESCAPE).await;
            assert!(browser.nav_menu_button_closed().await);
            assert!(browser.focus_is_on("nav > button.nav-all-toggle").await);
        }
        browser.screenshot(&format!("nav-{width}")).await;
        browser.close().await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_kms_that_is_down_is_reported_and_retry_reconnects() {
    let ui = ui_server();
    let other_port = free_port();
    let other_url = format!("http://127.0.0.1:{other_port}");
    let browser = Browser::start().await;
    browser.goto(&ui.ui_url("/ui/")).await;
    browser
        .wait_for_text(VERSION, |t| t.contains(KMS_VERSION))
        .await;

    // Point the app at an address where nothing listens.
    browser.click(".settings summary").await;
    browser.fill("#server-url", &other_url).await;
    browser.click(".settings button[type=submit]").await;
    let text = browser
        .wait_for_text(SERVER_ERROR, |t| t.starts_with("Cannot reach"))
        .await;
    assert!(
        text.starts_with(&format!("Cannot reach the KMS at {other_url}: no answer")),
        "{text}"
    );
    browser.screenshot("shell-cannot-reach").await;
    browser
        .assert_accessible("/ui/ (cannot reach the KMS)")
        .await;

    // Start a KMS there that allows the UI's origin, then retry.
    let _other = Kms::start(KmsOptions {
        port: Some(other_port),
        cors_allowed_origins: Some(ui.url()),
        ..Default::default()
    });
    browser.click("[data-testid=server-error] button").await;
    let text = browser
        .wait_for_text(VERSION, |t| t.contains(KMS_VERSION))
        .await;
    assert!(text.ends_with(&format!(" at {other_url}")), "{text}");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_api_token_server_asks_for_the_token_then_works() {
    let (kms, token) = Kms::with_api_token();

    let browser = Browser::start().await;
    browser.keep_secret(&token);
    browser.goto(&kms.ui_url("/ui/")).await;
    let text = browser
        .wait_for_text(SERVER_ERROR, |t| t.contains("401"))
        .await;
    assert_eq!(
        text,
        "The KMS refused the request (401): No authentication provided. Enter a valid access token in Settings."
    );
    browser.screenshot("shell-401").await;
    browser.assert_accessible("/ui/ (401)").await;

    browser.click(".settings summary").await;
    browser.fill("#access-token", &token).await;
    browser.click(".settings button[type=submit]").await;
    browser
        .wait_for_text(VERSION, |t| t.contains(KMS_VERSION))
        .await;

    // The token lives in sessionStorage only.
    let storage = browser.storage_dump().await;
    assert!(storage.contains("\"local\":{}"), "{storage}");
    assert!(storage.contains(&token), "{storage}");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_content_security_policy_is_enforced_and_violations_are_caught() {
    let kms = ui_server();
    let browser = Browser::start().await;
    browser.goto(&kms.ui_url("/ui/")).await;
    browser
        .wait_for_text(VERSION, |t| t.contains(KMS_VERSION))
        .await;
    let policy = browser
        .client
        .execute(
            "return document.querySelector('meta[http-equiv=Content-Security-Policy]').content;",
            vec![],
        )
        .await
        .unwrap();
    let policy = policy.as_str().unwrap();
    assert!(
        policy.starts_with("default-src 'none'; script-src 'self' 'wasm-unsafe-eval' 'sha256-"),
        "{policy}"
    );
    // The watcher the audit relies on does see a violation: load an image
    // from another origin, which img-src 'self' forbids.
    let seen = browser
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             document.addEventListener('securitypolicyviolation', e => done(e.violatedDirective), { once: true });
             const img = document.createElement('img');
             img.src = 'http://127.0.0.2:9/blocked.png';
             document.body.appendChild(img);",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(seen, serde_json::json!("img-src"));
    browser
        .client
        .execute(
            "document.querySelector('img[src*=blocked]').remove();",
            vec![],
        )
        .await
        .unwrap();
    // The accessibility check can fail too: an input without a label.
    browser
        .client
        .execute("const i = document.createElement('input'); i.id = 'unlabelled'; document.querySelector('main').appendChild(i);", vec![])
        .await
        .unwrap();
    let found = browser.accessibility_violations().await;
    assert!(
        found
            .iter()
            .any(|v| v.starts_with("label (critical)") && v.contains("#unlabelled")),
        "{found:?}"
    );
    browser
        .client
        .execute("document.querySelector('#unlabelled').remove();", vec![])
        .await
        .unwrap();
    // The console check sees what the page logs (the audit then looks for secrets).
    browser.console_messages().await;
    browser
        .client
        .execute("console.log('console-watch-probe');", vec![])
        .await
        .unwrap();
    let logged = browser.console_messages().await;
    assert!(
        logged.iter().any(|m| m.contains("console-watch-probe")),
        "{logged:?}"
    );
    browser.assert_accessible("/ui/ (connected)").await;
    // Forget the deliberate one so the suite-wide audit stays strict.
    browser
        .client
        .execute("window.__cspViolations = [];", vec![])
        .await
        .unwrap();
    browser.close().await;
}
