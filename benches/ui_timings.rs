//! Timing report (not a test): how much slower the UI is than the same KMIP calls
//! from a plain client, so a regression in load or export time shows in numbers.
//!
//! Navigation → interactive import form, and export click → download ready,
//! over 20 runs in headless Chromium against the real KMS, using the e2e
//! support crate. `cargo xtask bench` runs it after building `dist/`.

use std::time::{Duration, Instant};

use byok_e2e_support::pages::{ExportPage, ExportResult};
use byok_e2e_support::seed::{create_material, import_kek_with};
use byok_e2e_support::{Browser, KMS_VERSION, Kms};
use byok_ui::domain::key_material::KeyMaterialSpec;
use byok_ui::domain::wrapping::WrappingAlgorithm;
use byok_ui::kmip::{self, *};

const RUNS: usize = 20;

fn stats(mut samples: Vec<Duration>) -> (f64, f64) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let median = ms(samples[samples.len() / 2]);
    let p95 = ms(samples[(samples.len() * 95).div_ceil(100) - 1]);
    (median, p95)
}

/// Polls `condition` in the page until it is truthy; returns the page's
/// `performance.now()` then, or the condition's number when it is one.
async fn in_page_ms(browser: &Browser, condition: &str) -> f64 {
    let script = format!(
        "const v = ({condition}); return v ? (typeof v === 'number' ? v : performance.now()) : null;"
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let value = browser.client.execute(&script, vec![]).await.unwrap();
        if let Some(ms) = value.as_f64() {
            return ms;
        }
        assert!(Instant::now() < deadline, "never true: {condition}");
    }
}

#[tokio::main]
async fn main() {
    let kms = Kms::with_ui();
    let vendor =
        kmip::parse_query_vendor_id(&kms.kmip(&kmip::query_server_information()).unwrap()).unwrap();
    let algorithm = WrappingAlgorithm::RsaesOaepSha256;
    import_kek_with(
        &kms,
        &vendor,
        "kek",
        2048,
        vec!["aws".into(), algorithm.tag()],
        false,
    );
    create_material(&kms, &vendor, "aes", KeyMaterialSpec::Aes { bits: 256 });

    let browser = Browser::start().await;
    let (mut load_ui, mut load_plain, mut export_ui, mut export_plain) =
        (vec![], vec![], vec![], vec![]);
    let mut export_shown = vec![];
    for run in 0..RUNS {
        // Navigation → the import form is interactive, the server version and
        // the KEK list shown: the page's own clock (ms since navigation start)
        // at the first check that sees it, polled without sleeping.
        browser.audit_page().await;
        browser
            .client
            .goto(&kms.ui_url("/ui/aws/import-kek"))
            .await
            .unwrap();
        let ready = in_page_ms(
            &browser,
            &format!(
                "document.querySelector('#kek-text') && document.querySelector('tr[data-kek-id=kek]') \
                 && (document.querySelector('[data-testid=server-version]') || {{}}).textContent?.includes('{KMS_VERSION}')"
            ),
        )
        .await;
        load_ui.push(Duration::from_secs_f64(ready / 1000.0));
        // The same calls from a plain client: server-info, Query, Locate, GetAttributes.
        let started = Instant::now();
        ureq::get(&format!("{}/server-info", kms.url()))
            .call()
            .unwrap();
        kms.kmip(&kmip::query_server_information()).unwrap();
        kms.kmip(&kmip::locate(&LocateRequest {
            tags: vec!["aws".into()],
            vendor_id: vendor.clone(),
            ..Default::default()
        }))
        .unwrap();
        kms.kmip(&kmip::get_attributes("kek", &AttributeReference::DESCRIBE))
            .unwrap();
        load_plain.push(started.elapsed());

        // Export click → EncryptedKeyMaterial file ready.
        browser
            .goto(&kms.ui_url("/ui/aws/export-key-material?key=aes&kek=kek"))
            .await;
        browser
            .wait_for_text("#kek-id", |t| t.contains("RSAES_OAEP_SHA_256"))
            .await;
        let name = format!("run-{run}.bin");
        // The page's clock from the click to the download button.
        browser
            .client
            .execute(
                "window.__clicked = null; window.__shown = null;
                 document.querySelector(arguments[0])
                   .addEventListener('click', () => { window.__clicked = performance.now(); }, { once: true, capture: true });
                 new MutationObserver((_, observer) => {
                   if (document.querySelector('[data-testid=export-result] > button.download')) {
                     window.__shown = performance.now();
                     observer.disconnect();
                   }
                 }).observe(document.body, { childList: true, subtree: true });",
                vec![ExportPage::SUBMIT.into()],
            )
            .await
            .unwrap();
        let started = Instant::now();
        browser.click(ExportPage::SUBMIT).await;
        let shown = in_page_ms(
            &browser,
            "window.__shown !== null && window.__shown - window.__clicked",
        )
        .await;
        export_shown.push(Duration::from_secs_f64(shown / 1000.0));
        ExportResult::download_material(&browser, &name).await;
        export_ui.push(started.elapsed());
        // The same call: the one Export (both objects are already listed).
        let started = Instant::now();
        kms.kmip(&kmip::export_wrapped(&ExportWrappedRequest {
            key_id: "aes".into(),
            kek_id: "kek".into(),
            parameters: algorithm.kmip_parameters(),
        }))
        .unwrap();
        export_plain.push(started.elapsed());
    }
    browser.close().await;

    let mut report = format!(
        "# UI timings ({RUNS} runs, headless Chromium, real KMS {KMS_VERSION})\n\n| measure | UI median ms | UI p95 ms | plain client median ms | p95 ms | ratio (medians) |\n|---|---|---|---|---|---|\n"
    );
    for (name, ui, plain) in [
        (
            "navigation → interactive import form with version and KEK list (page clock)",
            load_ui,
            load_plain,
        ),
        (
            "export click → download button ready (page clock)",
            export_shown,
            export_plain.clone(),
        ),
        (
            "export click → file on disk (incl. WebDriver typing the name, clicking, polling the folder)",
            export_ui,
            export_plain,
        ),
    ] {
        let (ui_median, ui_p95) = stats(ui);
        let (plain_median, plain_p95) = stats(plain);
        report.push_str(&format!(
            "| {name} | {ui_median:.1} | {ui_p95:.1} | {plain_median:.1} | {plain_p95:.1} | {:.1}× |\n",
            ui_median / plain_median
        ));
    }
    println!("{report}");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("bench");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("ui-timings.md"), report).unwrap();
}
