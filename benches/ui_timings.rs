//! Timing report (not a test): first load as operators see it (bytes over the
//! wire, first usable control on three links), and the UI against a plain client.
//!
//! First load: every page served by the real KMS from the shipped bundle and
//! from the raw one (`BYOK_DIST_RAW`), Chromium's cache off and its network
//! emulation on. Then navigation → interactive import form, and export click →
//! download ready, over 20 runs against the same KMIP calls from a plain
//! client. `cargo xtask bench` builds both bundles and runs it.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use byok_e2e_support::page_clock::{recorded_ms, stop_watching, watch_new_documents, watched_ms};
use byok_e2e_support::pages::{ExportPage, ExportResult};
use byok_e2e_support::seed::{create_material, import_kek_with};
use byok_e2e_support::{Browser, KMS_VERSION, Kms, dist_dir};
use byok_ui::domain::key_material::KeyMaterialSpec;
use byok_ui::domain::wrapping::WrappingAlgorithm;
use byok_ui::kmip::{self, *};
use byok_ui::routes::Page;
use serde_json::json;

const RUNS: usize = 20;
/// Export clicks run under Chromium's sampling profiler after the timed ones
/// (for the self-time table only: profiling slows the page).
const PROFILED_RUNS: usize = 10;

fn stats(mut samples: Vec<Duration>) -> (f64, f64) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let median = ms(samples[samples.len() / 2]);
    let p95 = ms(samples[(samples.len() * 95).div_ceil(100) - 1]);
    (median, p95)
}

/// A link the first-load figures are taken on: name, download bytes per
/// second and added round-trip latency (ms) for Chromium's network emulation.
struct Link {
    name: &'static str,
    bytes_per_second: f64,
    latency_ms: f64,
}

const LINKS: [Link; 3] = [
    Link {
        name: "loopback",
        bytes_per_second: -1.0,
        latency_ms: 0.0,
    },
    Link {
        name: "10 Mbit/s, 50 ms RTT",
        bytes_per_second: 10e6 / 8.0,
        latency_ms: 50.0,
    },
    Link {
        name: "1.5 Mbit/s, 100 ms RTT",
        bytes_per_second: 1.5e6 / 8.0,
        latency_ms: 100.0,
    },
];

/// First loads per page, link and bundle (the median is reported).
const LOAD_RUNS: usize = 5;

/// Records, in every new document, the page clock when the page's heading
/// and a first enabled, visible form control inside `main` are there (on the
/// rotation page opened without a key, which offers links to choose from: a link).
const FIRST_USABLE: &str = "(() => {
  const controls = location.pathname.endsWith('/aws/rotate')
    ? 'main a[href], main button'
    : 'main input, main textarea, main select, main button';
  const check = () => {
    if (window.__usable || !document.querySelector('main h1')) return;
    const usable = [...document.querySelectorAll(controls)]
      .some(e => !e.disabled && e.offsetParent !== null);
    if (usable) { window.__usable = performance.now(); observer.disconnect(); }
  };
  const observer = new MutationObserver(check);
  observer.observe(document, { subtree: true, childList: true, attributes: true });
})();";

/// The bytes the page's document and its files took (bodies as sent), leaving
/// out the app's own KMS calls: `[until the first usable control, all so far]`
/// (all: with the code fetched in the background once the page is shown).
const BUNDLE_BYTES: &str = "const files = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
  .filter(e => !/\\/(kmip|server-info|version)/.test(e.name));
  const sum = (list) => list.reduce((total, e) => total + e.encodedBodySize, 0);
  return [sum(files.filter(e => e.responseEnd <= window.__usable)), sum(files)];";

/// How many files the page has fetched so far.
const FILES_FETCHED: &str = "return performance.getEntriesByType('resource').length;";

/// Waits until the page has fetched nothing new for half a second (its
/// background fetches are done).
async fn settled(browser: &Browser) {
    let mut seen = None;
    loop {
        let now = browser.client.execute(FILES_FETCHED, vec![]).await.unwrap();
        let now = now.as_f64().map(|n| n as u64);
        if now.is_some() && now == seen {
            return;
        }
        seen = now;
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// One bundle's first-load figures: bytes per page (until usable, all), and
/// per link the median ms to the first usable control per page.
struct FirstLoad {
    bytes: Vec<(f64, f64)>,
    usable_ms: Vec<Vec<f64>>,
}

/// Loads every page of the bundle in `folder` through a KMS serving it.
async fn first_load(browser: &Browser, folder: PathBuf) -> FirstLoad {
    let kms = Kms::serving(folder);
    let mut bytes = Vec::new();
    let mut usable_ms = Vec::new();
    for link in &LINKS {
        browser
            .cdp(
                "Network.emulateNetworkConditions",
                json!({
                    "offline": false,
                    "latency": link.latency_ms,
                    "downloadThroughput": link.bytes_per_second,
                    "uploadThroughput": link.bytes_per_second,
                }),
            )
            .await;
        let mut per_page = Vec::new();
        for page in Page::ALL {
            let mut samples = Vec::new();
            for _ in 0..LOAD_RUNS {
                browser
                    .client
                    .goto(&kms.ui_url(&page.href()))
                    .await
                    .unwrap();
                samples.push(Duration::from_secs_f64(
                    recorded_ms(browser, "window.__usable").await / 1000.0,
                ));
            }
            per_page.push(stats(samples).0);
            if bytes.len() < Page::ALL.len() {
                settled(browser).await;
                let sent = browser.client.execute(BUNDLE_BYTES, vec![]).await.unwrap();
                let at = |i: usize| sent[i].as_f64().unwrap_or_default();
                bytes.push((at(0), at(1)));
            }
        }
        usable_ms.push(per_page);
    }
    FirstLoad { bytes, usable_ms }
}

/// The first-load section: shipped next to raw, page by page, and the ratio.
async fn first_load_report() -> String {
    let raw_dist = std::env::var_os("BYOK_DIST_RAW")
        .map(PathBuf::from)
        .expect("BYOK_DIST_RAW: the raw bundle (`cargo xtask bench` builds it)");
    let browser = Browser::start().await;
    browser.cdp("Network.enable", json!({})).await;
    browser
        .cdp("Network.setCacheDisabled", json!({"cacheDisabled": true}))
        .await;
    browser
        .cdp(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": FIRST_USABLE }),
        )
        .await;
    let shipped = first_load(&browser, dist_dir()).await;
    let raw = first_load(&browser, raw_dist).await;
    browser.client.clone().close().await.unwrap();

    let mut report = format!(
        "## First load (real KMS {KMS_VERSION}, files sent as on disk; Chromium cache off, network emulated; median of {LOAD_RUNS})\n\n\
         ### Bytes over the wire (page and bundle files, KMS calls left out)\n\n\
         Until the first usable control, and all the page fetched once nothing new came for 0.5 s \
         (the rest of the page and the code behind its buttons, fetched in the background).\n\n\
         | page | shipped, until usable | shipped, all | raw | shipped until usable / raw |\n|---|---|---|---|---|\n"
    );
    for (i, page) in Page::ALL.into_iter().enumerate() {
        let ((usable, all), (_, reference)) = (shipped.bytes[i], raw.bytes[i]);
        report.push_str(&format!(
            "| {} | {usable:.0} | {all:.0} | {reference:.0} | {:.2} |\n",
            page.href(),
            usable / reference
        ));
    }
    for (l, link) in LINKS.iter().enumerate() {
        report.push_str(&format!(
            "\n### First usable control, {} (ms since navigation)\n\n\
             | page | shipped | raw | shipped / raw |\n|---|---|---|---|\n",
            link.name
        ));
        for (i, page) in Page::ALL.into_iter().enumerate() {
            let (ours, reference) = (shipped.usable_ms[l][i], raw.usable_ms[l][i]);
            report.push_str(&format!(
                "| {} | {ours:.0} | {reference:.0} | {:.2} |\n",
                page.href(),
                ours / reference
            ));
        }
    }
    report
}

/// Where the time of one export click went, from the page's Resource Timing
/// entries of the requests it sent between the click and the download button:
/// `[click → first request, in requests, between requests, last answer → button]` (ms).
const CLICK_PHASES: &str = "const clicked = window.__clicked, shown = window.__shown;
  const calls = performance.getEntriesByType('resource')
    .filter(e => e.startTime >= clicked && e.responseEnd <= shown)
    .sort((a, b) => a.startTime - b.startTime);
  if (!calls.length) return [shown - clicked, 0, 0, 0, 0];
  let inRequests = 0, between = 0, end = calls[0].startTime;
  for (const c of calls) {
    if (c.startTime > end) between += c.startTime - end;
    inRequests += Math.max(0, c.responseEnd - Math.max(c.startTime, end));
    end = Math.max(end, c.responseEnd);
  }
  return [calls[0].startTime - clicked, inRequests, between, shown - end, calls.length];";

/// Each request of one export click from the page's Resource Timing, in the
/// order sent: `[name, sent (ms after the click), waiting before it left
/// (queue, connection), to the first byte of the answer, the rest of the answer]`.
const CLICK_REQUESTS: &str = "const clicked = window.__clicked, shown = window.__shown;
  return performance.getEntriesByType('resource')
    .filter(e => e.startTime >= clicked && e.responseEnd <= shown)
    .sort((a, b) => a.startTime - b.startTime)
    .map(e => [e.name.replace(/^https?:\\/\\/[^/]+/, ''), e.startTime - clicked,
               e.requestStart - e.startTime, e.responseStart - e.requestStart,
               e.responseEnd - e.responseStart]);";

/// The export click's requests from a bare script (arguments: the describe
/// message, the Export; the page clock's ms from the first request to the Export's answer read).
const BARE_FETCHES: &str = "const [describe, exported, done] = arguments;
  const kmip = (body) => fetch('/kmip/2_1', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body) }).then(r => r.json());
  const started = performance.now();
  Promise.all([fetch('/access/obtained').then(r => r.json()), kmip(describe)])
    .then(() => kmip(exported))
    .then(() => done(performance.now() - started));";

/// The functions that took the most of the click's main-thread time, summed
/// over every run from Chromium's sampling profiler (`Profiler.stop`'s
/// profile: self time per function).
fn add_self_times(
    profile: &serde_json::Value,
    totals: &mut std::collections::BTreeMap<String, f64>,
) {
    let nodes = profile["nodes"].as_array().cloned().unwrap_or_default();
    let names: std::collections::HashMap<u64, String> = nodes
        .iter()
        .map(|node| {
            let frame = &node["callFrame"];
            let function = frame["functionName"].as_str().unwrap_or_default();
            let url = frame["url"].as_str().unwrap_or_default();
            let file = url.rsplit('/').next().unwrap_or_default();
            let name = match (function, file) {
                ("", "") => "(program)".to_owned(),
                ("", file) => format!("(anonymous) {file}"),
                (function, "") => function.to_owned(),
                (function, file) => format!("{function} {file}"),
            };
            (node["id"].as_u64().unwrap_or_default(), name)
        })
        .collect();
    let samples = profile["samples"].as_array().cloned().unwrap_or_default();
    let deltas = profile["timeDeltas"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for (sample, delta) in samples.iter().zip(deltas.iter().skip(1).chain([&json!(0)])) {
        let name = names
            .get(&sample.as_u64().unwrap_or_default())
            .cloned()
            .unwrap_or_default();
        *totals.entry(name).or_default() += delta.as_f64().unwrap_or_default() / 1000.0;
    }
}

/// The export click taken apart: its phases (medians over the runs) and the
/// functions that took the most main-thread time in Chromium's profile.
fn click_breakdown(
    phases: Vec<Vec<f64>>,
    each_request: &[(String, Vec<Vec<f64>>)],
    self_times: std::collections::BTreeMap<String, f64>,
) -> String {
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let [first, requests, between, render, count]: [f64; 5] = phases
        .into_iter()
        .map(median)
        .collect::<Vec<_>>()
        .try_into()
        .unwrap();
    let request_rows: String = each_request
        .iter()
        .map(|(name, samples)| {
            let [sent, left, first_byte, rest] = [0, 1, 2, 3].map(|k| median(samples[k].clone()));
            format!("| `{name}` | {sent:.1} | {left:.1} | {first_byte:.1} | {rest:.1} |\n")
        })
        .collect();
    let mut text = format!(
        "\n### Export click, taken apart (page's Resource Timing, medians of {RUNS})\n\n\
         | phase | ms |\n|---|---|\n\
         | click → first request sent | {first:.1} |\n\
         | waiting for the KMS ({count:.0} requests, overlaps counted once) | {requests:.1} |\n\
         | between one answer and the next request | {between:.1} |\n\
         | last answer → download button shown | {render:.1} |\n\n\
         ### Each request of the click (medians of {RUNS}, ms)\n\n\
         | request | sent after the click | before it left | to the answer's first byte | rest of the answer |\n|---|---|---|---|---|\n\
         {request_rows}\n\
         ### Main-thread self time during the clicks (Chromium's sampling profiler, {PROFILED_RUNS} further clicks, not timed, top 12)\n\n\
         | function | ms |\n|---|---|\n"
    );
    let mut by_time: Vec<_> = self_times.into_iter().collect();
    by_time.sort_by(|a, b| b.1.total_cmp(&a.1));
    for (name, ms) in by_time.into_iter().take(12) {
        text.push_str(&format!("| `{name}` | {ms:.1} |\n"));
    }
    text
}

#[tokio::main]
async fn main() {
    let first_load = if std::env::var_os("BYOK_BENCH_SKIP_FIRST_LOAD").is_some() {
        "## First load\n\nNot measured in this run (BYOK_BENCH_SKIP_FIRST_LOAD).\n".to_owned()
    } else {
        first_load_report().await
    };
    println!("{first_load}");
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
    let (mut export_shown, mut export_same_calls, mut export_bare) = (vec![], vec![], vec![]);
    let mut phases: Vec<Vec<f64>> = vec![vec![]; 5];
    let mut requests: Vec<(String, Vec<Vec<f64>>)> = vec![];
    let mut self_times = std::collections::BTreeMap::new();
    browser.cdp("Profiler.enable", json!({})).await;
    browser
        .cdp("Profiler.setSamplingInterval", json!({ "interval": 100 }))
        .await;
    for run in 0..RUNS + PROFILED_RUNS {
        // The last runs only profile the click: the sampling profiler slows
        // the page, so no timing is taken from them.
        let profiled = run >= RUNS;
        // Navigation → the import form is interactive, the server version and
        // the KEK list shown: the page's own clock (ms since navigation start),
        // noted inside the page by an observer.
        browser.audit_page().await;
        let ready = format!(
            "document.querySelector('#kek-text') && document.querySelector('tr[data-kek-id=kek]') \
             && (document.querySelector('[data-testid=server-version]') || {{}}).textContent?.includes('{KMS_VERSION}')"
        );
        let watching = watch_new_documents(&browser, &[("ready", &ready)]).await;
        browser
            .client
            .goto(&kms.ui_url("/ui/aws/import-kek"))
            .await
            .unwrap();
        let ready = watched_ms(&browser, "ready").await;
        stop_watching(&browser, &watching).await;
        if !profiled {
            load_ui.push(Duration::from_secs_f64(ready / 1000.0));
        }
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
        if !profiled {
            load_plain.push(started.elapsed());
        }

        // Export click → EncryptedKeyMaterial file ready. Opened without the
        // tests' request recorder (`Browser::goto` wraps `fetch` to keep every
        // body: a clone and a read per request that the app does not do).
        browser
            .client
            .goto(&kms.ui_url(&Page::export_href(Some("aes"), Some("kek"))))
            .await
            .unwrap();
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
        browser
            .client
            .execute("performance.clearResourceTimings();", vec![])
            .await
            .unwrap();
        if profiled {
            browser.cdp("Profiler.start", json!({})).await;
        }
        let started = Instant::now();
        browser.click(ExportPage::SUBMIT).await;
        let shown = recorded_ms(
            &browser,
            "window.__shown === null ? null : window.__shown - window.__clicked",
        )
        .await;
        if profiled {
            let profile = browser.cdp("Profiler.stop", json!({})).await;
            add_self_times(&profile["profile"], &mut self_times);
            ExportResult::download_material(&browser, &name).await;
            continue;
        }
        export_shown.push(Duration::from_secs_f64(shown / 1000.0));
        let phase = browser.client.execute(CLICK_PHASES, vec![]).await.unwrap();
        for (i, samples) in phases.iter_mut().enumerate() {
            samples.push(phase[i].as_f64().unwrap_or_default());
        }
        let each = browser
            .client
            .execute(CLICK_REQUESTS, vec![])
            .await
            .unwrap();
        for (i, entry) in each.as_array().into_iter().flatten().enumerate() {
            if requests.len() <= i {
                let name = entry[0].as_str().unwrap_or_default().to_owned();
                requests.push((name, vec![vec![]; 4]));
            }
            for (k, samples) in requests[i].1.iter_mut().enumerate() {
                samples.push(entry[k + 1].as_f64().unwrap_or_default());
            }
        }
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
        // The UI's own requests from a plain client, one after the other: the
        // Export right (`/access/obtained`), the key and the KEK read again in
        // one message (the UI sends these two at once), then the Export.
        let started = Instant::now();
        ureq::get(&format!("{}/access/obtained", kms.url()))
            .call()
            .unwrap();
        kms.kmip(&kmip::request_message(&["aes", "kek"].map(|id| {
            kmip::get_attributes(id, &AttributeReference::DESCRIBE)
        })))
        .unwrap();
        kms.kmip(&kmip::export_wrapped(&ExportWrappedRequest {
            key_id: "aes".into(),
            kek_id: "kek".into(),
            parameters: algorithm.kmip_parameters(),
        }))
        .unwrap();
        export_same_calls.push(started.elapsed());
        // The same requests again from a bare script in the same page and
        // browser, without the app: what Chromium's own fetch costs here.
        let describe = kmip::request_message(
            &["aes", "kek"].map(|id| kmip::get_attributes(id, &AttributeReference::DESCRIBE)),
        );
        let export = kmip::export_wrapped(&ExportWrappedRequest {
            key_id: "aes".into(),
            kek_id: "kek".into(),
            parameters: algorithm.kmip_parameters(),
        });
        let bare = browser
            .client
            .execute_async(BARE_FETCHES, vec![describe.to_json(), export.to_json()])
            .await
            .unwrap();
        export_bare.push(Duration::from_secs_f64(
            bare.as_f64().expect("the bare script's ms") / 1000.0,
        ));
    }
    browser.close().await;

    let mut report = format!(
        "## UI against a plain client ({RUNS} runs, headless Chromium, real KMS {KMS_VERSION}, loopback)\n\n| measure | UI median ms | UI p95 ms | plain client median ms | p95 ms | ratio (medians) |\n|---|---|---|---|---|---|\n"
    );
    for (name, ui, plain) in [
        (
            "navigation → interactive import form with version and KEK list (page clock)",
            load_ui,
            load_plain,
        ),
        (
            "export click → download button ready (page clock)",
            export_shown.clone(),
            export_plain.clone(),
        ),
        (
            "export click → download button ready, against the UI's requests (`/access/obtained`, one message of 2 GetAttributes, Export) from a plain client",
            export_shown.clone(),
            export_same_calls,
        ),
        (
            "export click → download button ready, against the same requests sent by a bare script in the same page and browser (no app code: Chromium's own cost per request)",
            export_shown.clone(),
            export_bare,
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
    report.push_str(&click_breakdown(phases, &requests, self_times));
    println!("{report}");
    let report = format!("# UI timings\n\n{first_load}\n{report}");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("bench");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("ui-timings.md"), report).unwrap();
}
