//! The bundle as it is shipped and installed: the precompressed wasm through the
//! real KMS, its integrity and browser checks, and installs beside the stock UI.

use std::fs;
use std::path::{Path, PathBuf};

use byok_ui::domain::key_material::KeyMaterialSpec;
use byok_ui::domain::wrapping::WrappingAlgorithm;
use byok_ui::routes::Page;
use serde_json::json;

use crate::support::pages::{ExportPage, ExportResult, Settings};
use crate::support::seed::{create_material, import_kek_with, material_bytes};
use crate::support::static_site::StaticSite;
use crate::support::unwrap::unwrap;
use crate::support::{
    Browser, KMS_VERSION, Kms, KmsOptions, SUBFOLDER_BASE, copy_dir, dist_dir, scratch_dir,
    stock_ui_with_byok_beside, subfolder_dist_dir,
};

const VERSION: &str = "[data-testid=server-version]";
/// What the loader shows when the app cannot start.
const LOAD_ERROR: &str = "p.load-error[role=alert]";

/// The one file in `dist` whose name ends with `suffix`.
fn bundle_file(dist: &Path, suffix: &str) -> PathBuf {
    let found: Vec<PathBuf> = fs::read_dir(dist)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "one *{suffix} in {}: {found:?}",
        dist.display()
    );
    found[0].clone()
}

/// `path` below the subfolder install, e.g. `/ui/byok/aws/import-kek`.
fn in_subfolder(page: Page) -> String {
    let (section, name) = page.segments();
    format!("{SUBFOLDER_BASE}{section}/{name}")
}

#[tokio::test(flavor = "multi_thread")]
async fn the_kms_serves_the_precompressed_wasm_as_it_is_and_the_app_runs_from_it() {
    let kms = Kms::with_ui();
    let dist = dist_dir();
    let compressed = bundle_file(&dist, "_bg.wasm.deflate");
    let name = compressed
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let index = ureq::get(&kms.ui_url("/ui/"))
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    assert!(index.contains(&format!("/ui/{name}")), "{index}");
    assert!(
        !index.contains("_bg.wasm\""),
        "the raw wasm is not referenced: {index}"
    );
    let mut response = ureq::get(&kms.ui_url(&format!("/ui/{name}")))
        .header("Accept-Encoding", "gzip, deflate, br")
        .call()
        .unwrap();
    assert_eq!(response.headers().get("content-encoding"), None);
    let served = response
        .body_mut()
        .with_config()
        .limit(10_000_000)
        .read_to_vec()
        .unwrap();
    assert_eq!(
        served,
        fs::read(&compressed).unwrap(),
        "sent as it is on disk"
    );

    let browser = Browser::start().await;
    browser.goto(&kms.ui_url("/ui/")).await;
    browser
        .wait_for_text(VERSION, |t| t.contains(KMS_VERSION))
        .await;
    browser
        .wait_for_text("h1", |t| t == Page::Byok.label())
        .await;
    assert!(browser.visible_texts(LOAD_ERROR).await.is_empty());
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wasm_changed_by_one_byte_on_the_server_is_refused_with_a_visible_message() {
    let folder = scratch_dir("tampered-ui");
    copy_dir(&dist_dir(), &folder);
    tamper(&bundle_file(&folder, "_bg.wasm.deflate"));
    let kms = Kms::serving(folder);

    let browser = Browser::start().await;
    browser.goto(&kms.ui_url("/ui/aws/import-kek")).await;
    let text = browser.wait_for_text(LOAD_ERROR, |t| !t.is_empty()).await;
    assert!(
        text.starts_with("The AWS BYOK page could not start: "),
        "{text}"
    );
    assert!(
        text.contains("does not match the integrity hash in this page"),
        "{text}"
    );
    assert!(
        browser.visible_texts("h1").await.is_empty(),
        "the app did not run"
    );
    browser.screenshot("bundle-tampered-wasm").await;
    browser.assert_accessible("a tampered wasm").await;
    browser.close().await;
}

/// Flips one bit in the middle of a file.
fn tamper(path: &Path) {
    let mut bytes = fs::read(path).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    fs::write(path, bytes).unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_page_whose_code_was_changed_on_the_server_is_refused_with_a_visible_message() {
    let folder = scratch_dir("tampered-pages");
    copy_dir(&dist_dir(), &folder);
    let kms = Kms::serving(folder.clone());
    let browser = Browser::start().await;
    // The create page fetches no code in the background (other pages prefetch
    // what their buttons need): everything it runs has arrived once it shows.
    browser
        .goto(&kms.ui_url(&Page::CreateSymmetric.href()))
        .await;
    browser
        .wait_for_text("h1", |t| t == Page::CreateSymmetric.label())
        .await;

    // Every page's code changes on the server (packs and modules alike): the
    // next page's code arrives damaged, whichever way it is fetched.
    let mut tampered = 0;
    for entry in fs::read_dir(&folder).unwrap().flatten() {
        let path = entry.path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".pack")
            || (name.ends_with(".deflate") && !name.ends_with("_bg.wasm.deflate"))
        {
            tamper(&path);
            tampered += 1;
        }
    }
    assert!(
        tampered > 8,
        "the bundle has per-page code ({tampered} files)"
    );
    browser.open_from_nav(Page::ImportKek).await;
    let text = browser.wait_for_text(LOAD_ERROR, |t| !t.is_empty()).await;
    assert!(
        text.starts_with("The AWS BYOK page could not load the code of this page: "),
        "{text}"
    );
    assert!(
        text.contains("does not match the integrity hash in this bundle"),
        "{text}"
    );
    assert!(
        browser.visible_texts("h1").await.is_empty(),
        "the page's tampered code did not run"
    );
    browser.screenshot("bundle-tampered-page").await;
    browser.assert_accessible("a tampered page").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_browser_without_decompression_stream_is_told_which_browsers_work() {
    let kms = Kms::with_ui();
    let browser = Browser::start().await;
    browser
        .cdp(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({"source": "delete window.DecompressionStream;"}),
        )
        .await;
    browser.goto(&kms.ui_url("/ui/")).await;
    let text = browser.wait_for_text(LOAD_ERROR, |t| !t.is_empty()).await;
    assert_eq!(
        text,
        "This browser cannot open the AWS BYOK page: it lacks DecompressionStream (deflate-raw). \
         Use Chrome or Edge 103 or later, Firefox 113 or later, or Safari 16.4 or later."
    );
    assert!(browser.visible_texts("h1").await.is_empty());
    browser.screenshot("bundle-no-decompression-stream").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_browser_with_webassembly_turned_off_is_told_what_to_allow() {
    let kms = Kms::with_ui();
    let browser = Browser::start().await;
    browser
        .cdp(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({"source": "delete window.WebAssembly;"}),
        )
        .await;
    browser.goto(&kms.ui_url(&Page::Ledger.href())).await;
    let text = browser.wait_for_text(LOAD_ERROR, |t| !t.is_empty()).await;
    assert_eq!(
        text,
        "This browser cannot open the AWS BYOK page: WebAssembly is turned off, by a security \
         setting or a policy (for example Edge's enhanced security mode, Chrome's JavaScript \
         optimizer setting, Safari's Lockdown Mode or Firefox's javascript.options.wasm). Allow \
         WebAssembly for this site, or ask your administrator to, then reload the page."
    );
    assert!(browser.visible_texts("h1").await.is_empty());
    browser.assert_accessible("WebAssembly turned off").await;
    browser.screenshot("bundle-no-webassembly").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn beside_the_stock_ui_every_page_opens_by_deep_link_survives_a_reload_and_exports() {
    let kms = Kms::serving(stock_ui_with_byok_beside());
    let vendor = kms.vendor_id();
    let algorithm = WrappingAlgorithm::RsaesOaepSha256;
    let private = import_kek_with(
        &kms,
        &vendor,
        "kek",
        2048,
        vec!["aws".into(), algorithm.tag()],
        false,
    );
    let spec = KeyMaterialSpec::Aes { bits: 256 };
    create_material(&kms, &vendor, "aes", spec);

    let browser = Browser::start().await;
    browser.goto(&kms.ui_url("/ui/")).await;
    browser
        .wait_for_text("h1", |t| t == "Stock Cosmian KMS UI (stand-in)")
        .await;
    for page in Page::ALL {
        let path = in_subfolder(page);
        browser.goto(&kms.ui_url(&path)).await;
        browser.wait_for_text("h1", |t| t == page.label()).await;
        browser
            .wait_for_text(VERSION, |t| t.contains(KMS_VERSION))
            .await;
        browser.client.refresh().await.unwrap();
        browser.wait_for_text("h1", |t| t == page.label()).await;
        let current = browser.client.current_url().await.unwrap();
        assert_eq!(current.path(), path);
    }
    // The navigation's links stay inside the subfolder.
    browser.goto(&kms.ui_url(SUBFOLDER_BASE)).await;
    browser
        .wait_for_text("h1", |t| t == Page::Byok.label())
        .await;
    browser.open_from_nav(Page::ImportKek).await;
    browser
        .wait_for_text("h1", |t| t == Page::ImportKek.label())
        .await;
    let current = browser.client.current_url().await.unwrap();
    assert_eq!(current.path(), in_subfolder(Page::ImportKek));

    // The export flow, from a deep link with the key and the KEK chosen.
    browser
        .goto(&kms.ui_url(&format!(
            "{}?key=aes&kek=kek",
            in_subfolder(Page::ExportKeyMaterial)
        )))
        .await;
    browser
        .wait_for_text("#kek-id", |t| t.contains("RSAES_OAEP_SHA_256"))
        .await;
    ExportPage::export_and_wait(&browser).await;
    let blob = ExportResult::download_material(&browser, "subfolder.bin").await;
    assert_eq!(
        unwrap(&private, algorithm, &blob),
        material_bytes(&kms, "aes", spec)
    );
    browser.screenshot("bundle-beside-stock-ui").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn on_a_plain_static_server_of_another_origin_it_works_with_the_kms_through_cors() {
    let site_root = scratch_dir("static-site");
    copy_dir(
        &subfolder_dist_dir(),
        &site_root.join(SUBFOLDER_BASE.trim_matches('/')),
    );
    let site = StaticSite::serve(&site_root);
    let kms = Kms::start(KmsOptions {
        cors_allowed_origins: Some(site.origin()),
        ..Default::default()
    });
    let vendor = kms.vendor_id();
    import_kek_with(
        &kms,
        &vendor,
        "kek",
        2048,
        vec!["aws".into(), WrappingAlgorithm::RsaesOaepSha256.tag()],
        false,
    );

    let browser = Browser::start().await;
    let page = format!("{}{}/", site.origin(), in_subfolder(Page::ImportKek));
    browser.goto(&page).await;
    browser
        .wait_for_text("h1", |t| t == Page::ImportKek.label())
        .await;
    Settings::use_server(&browser, &kms.url(), "").await;
    browser.client.refresh().await.unwrap();
    browser
        .wait_for_text(VERSION, |t| {
            t.contains(KMS_VERSION) && t.contains(&kms.url())
        })
        .await;
    browser.element("tr[data-kek-id='kek']").await;
    browser.screenshot("bundle-static-site").await;
    browser.close().await;
}
