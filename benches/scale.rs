//! Scale report (not a test): KMIP requests and time until the last wrapping key is
//! listed with 0, 50, 200 and 1000 KEKs (and as many AES keys) in the KMS, beside one request per object.
//!
//! Each size gets a fresh real KMS behind the counting proxy, seeded by KMIP
//! messages; headless Chromium loads the import and the export page
//! [`RUNS`] times each (the page's clock from navigation start to the last
//! row listed); the requests are counted at the proxy. The same reads from a
//! plain client, one GetAttributes per object against one message, show what
//! batching saves. `cargo xtask bench` runs it after building `dist/`.

use std::time::{Duration, Instant};

use byok_e2e_support::proxy::{browser_behind, counted, kms_behind_proxy, settled};
use byok_e2e_support::seed::seed_keks_and_keys;
use byok_e2e_support::{Browser, KMS_VERSION, Kms};
use byok_ui::kmip::{self, AttributeReference, LocateRequest};

const SIZES: [usize; 4] = [0, 50, 200, 1000];
const RUNS: usize = 5;

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

/// The page's clock (ms since navigation start) when `condition` first holds.
async fn page_clock_when(browser: &Browser, condition: &str) -> f64 {
    let script = format!("return ({condition}) ? performance.now() : null;");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let value = browser.client.execute(&script, vec![]).await.unwrap();
        if let Some(ms) = value.as_f64() {
            return ms;
        }
        assert!(Instant::now() < deadline, "never true: {condition}");
    }
}

/// The KEK list's reads from a plain client (ms): one GetAttributes per
/// object, one after the other; then the same ids described in one message.
fn plain_client_ms(kms: &Kms, vendor: &str) -> (f64, f64) {
    let locate = || {
        kmip::parse_locate(
            &kms.kmip(&kmip::locate(&LocateRequest {
                tags: vec!["aws".into()],
                vendor_id: vendor.to_owned(),
                ..Default::default()
            }))
            .unwrap(),
        )
        .unwrap()
    };
    let (mut one_by_one, mut batched) = (vec![], vec![]);
    for _ in 0..RUNS {
        let started = Instant::now();
        for id in locate() {
            kms.kmip(&kmip::get_attributes(&id, &AttributeReference::DESCRIBE))
                .unwrap();
        }
        one_by_one.push(started.elapsed().as_secs_f64() * 1000.0);
        let started = Instant::now();
        let ids = locate();
        if !ids.is_empty() {
            let operations: Vec<_> = ids
                .iter()
                .map(|id| kmip::get_attributes(id, &AttributeReference::DESCRIBE))
                .collect();
            let reply = kms.kmip(&kmip::request_message(&operations)).unwrap();
            kmip::parse_response_message(&reply, operations.len()).unwrap();
        }
        batched.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    (median(one_by_one), median(batched))
}

#[tokio::main]
async fn main() {
    let mut report = format!(
        "# Scale ({RUNS} runs per page and size, headless Chromium, real KMS {KMS_VERSION}, loopback)\n\n\
         KEKs = AWS wrapping keys in the KMS (plus as many AES keys). Requests counted at the proxy for one page load;\n\
         times are medians, the page's clock from navigation start until the last KEK is listed.\n\
         \"Plain client\": the KEK list's reads without a browser, one GetAttributes per object (as the pages did\n\
         before KMIP messages) against one message.\n\n\
         | KEKs | import page: requests | ms | export page: requests | ms | plain client, one request per object: requests | ms | plain client, one message: requests | ms |\n\
         |---|---|---|---|---|---|---|---|---|\n"
    );
    let mut details = String::new();
    for size in SIZES {
        let (kms, proxy, token) = kms_behind_proxy();
        let vendor = kms.vendor_id();
        seed_keks_and_keys(&kms, &vendor, size, |_| None);
        let browser = browser_behind(&proxy, &token).await;
        let mut row = vec![size.to_string()];
        for (path, listed) in [
            (
                "/ui/aws/import-kek",
                if size == 0 {
                    "document.querySelector('.kek-list')?.textContent.includes('None yet.')"
                        .to_owned()
                } else {
                    format!(
                        "document.querySelectorAll('.kek-list tbody tr[data-kek-id]').length === {size}"
                    )
                },
            ),
            (
                "/ui/aws/export-key-material",
                format!(
                    "document.querySelector('#kek-id') && document.querySelectorAll('#kek-id option[value^=kek-]').length === {size}"
                ),
            ),
        ] {
            let mut times = vec![];
            let mut requests = vec![];
            for run in 0..RUNS {
                browser.audit_page().await;
                browser
                    .client
                    .goto(&format!("{}{path}", proxy.url()))
                    .await
                    .unwrap();
                times.push(page_clock_when(&browser, &listed).await);
                let load = settled(&proxy).await;
                if run == 0 {
                    requests = load;
                }
            }
            details.push_str(&format!("- {size} KEKs, {path}: {}\n", counted(&requests)));
            row.push(requests.len().to_string());
            row.push(format!("{:.0}", median(times)));
        }
        browser.close().await;
        let (one_by_one, batched) = plain_client_ms(&kms, &vendor);
        row.push((1 + size).to_string());
        row.push(format!("{one_by_one:.0}"));
        row.push(if size == 0 { "1" } else { "2" }.to_owned());
        row.push(format!("{batched:.0}"));
        report.push_str(&format!("| {} |\n", row.join(" | ")));
    }
    report.push_str(&format!("\nRequests per page load:\n{details}"));
    println!("{report}");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("bench");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("scale.md"), report).unwrap();
}
