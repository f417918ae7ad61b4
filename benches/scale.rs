//! Scale report (not a test): KMIP requests and time until the list of usable wrapping keys
//! is drawn with 0, 50, 200 and 1000 KEKs without a validity tag (as the CLI imports them),
//! 1000 of which 990 expired, and 1000 valid ones (and as many AES keys) in the KMS, beside
//! one request per object and the page's own messages from a plain client.
//!
//! Each size gets a fresh real KMS behind the counting proxy, seeded by KMIP
//! messages; headless Chromium loads the import and the export page
//! [`RUNS`] times each (the page's clock from navigation start to the last
//! row listed, noted inside the page); the requests are counted at the proxy. The same reads from a
//! plain client, one GetAttributes per object against one message, show what
//! batching saves. `cargo xtask bench` runs it after building `dist/`.

use std::time::Instant;

use byok_e2e_support::page_clock::{stop_watching, watch_new_documents, watched_ms};
use byok_e2e_support::proxy::{browser_behind, counted, kms_behind_proxy, settled};
use byok_e2e_support::seed::seed_keks_and_keys;
use byok_e2e_support::{KMS_VERSION, Kms};
use byok_ui::domain::expiry_day::{DayWindow, EXPIRY_DAY_TAGGED, sort_located};
use byok_ui::kmip::{self, AttributeReference, LocateRequest};
use time::OffsetDateTime;

const RUNS: usize = 5;
/// Rows or options a list draws at a time (`components::kek_pages::PAGE_SIZE`).
const PAGE: usize = 25;

/// One row of the table: how many KEKs, which of them expired, how many are usable.
struct Cell {
    name: &'static str,
    keks: usize,
    /// KEK n's `ParametersValidTo` (`None`: no validity tag, as the CLI imports).
    valid_to: fn(usize) -> Option<OffsetDateTime>,
    usable: usize,
}

/// Noon UTC `days` from today: day tags that do not depend on the hour.
fn noon_in(days: i64) -> OffsetDateTime {
    let today = OffsetDateTime::now_utc().date();
    (today + time::Duration::days(days))
        .with_hms(12, 0, 0)
        .unwrap()
        .assume_utc()
}

const CELLS: [Cell; 6] = [
    Cell {
        name: "0 (empty)",
        keks: 0,
        valid_to: |_| None,
        usable: 0,
    },
    Cell {
        name: "50, no validity tag",
        keks: 50,
        valid_to: |_| None,
        usable: 50,
    },
    Cell {
        name: "200, no validity tag",
        keks: 200,
        valid_to: |_| None,
        usable: 200,
    },
    Cell {
        name: "1000, no validity tag",
        keks: 1000,
        valid_to: |_| None,
        usable: 1000,
    },
    Cell {
        name: "1000, 990 expired",
        keks: 1000,
        valid_to: |n| Some(if n <= 990 { noon_in(-2) } else { noon_in(1) }),
        usable: 10,
    },
    Cell {
        name: "1000 valid",
        keks: 1000,
        valid_to: |_| Some(noon_in(1)),
        usable: 1000,
    },
];

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

/// The page's own reads from a plain client (ms until the first rows could be
/// drawn, until complete): the message of day Locates, one describing today's and
/// a page of the later ones; then the message of Locates for every `aws` object
/// and the day-tagged ones, one describing the undated ones.
fn plain_page_ms(kms: &Kms, vendor: &str) -> (f64, f64) {
    let locate = |extra: Option<String>| {
        let mut tags = vec!["aws".to_owned()];
        tags.extend(extra);
        kmip::locate(&LocateRequest {
            tags,
            vendor_id: vendor.to_owned(),
            ..Default::default()
        })
    };
    let locate_all = |operations: Vec<kmip::Ttlv>| -> Vec<Vec<String>> {
        let reply = kms.kmip(&kmip::request_message(&operations)).unwrap();
        kmip::parse_response_message(&reply, operations.len())
            .unwrap()
            .into_iter()
            .map(|item| kmip::parse_locate(&item.unwrap()).unwrap())
            .collect()
    };
    let (mut first, mut complete) = (vec![], vec![]);
    for _ in 0..RUNS {
        let started = Instant::now();
        let by_day = locate_all(
            DayWindow::AWS
                .days_to_locate(OffsetDateTime::now_utc())
                .into_iter()
                .map(|d| locate(Some(d)))
                .collect(),
        );
        let mut ids = by_day[0].clone();
        let mut later: Vec<String> = by_day[1..].concat();
        later.sort_unstable();
        ids.extend(later.into_iter().take(PAGE));
        describe_in_one_message(kms, &ids);
        first.push(started.elapsed().as_secs_f64() * 1000.0);
        let lists = locate_all(vec![
            locate(None),
            locate(Some(EXPIRY_DAY_TAGGED.to_owned())),
        ]);
        let located = sort_located(&lists[0], &lists[1], &by_day.concat());
        describe_in_one_message(kms, &located.undated);
        complete.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    (median(first), median(complete))
}

/// `ids` described in one KMIP message, as the pages do (nothing sent for none).
fn describe_in_one_message(kms: &Kms, ids: &[String]) {
    if ids.is_empty() {
        return;
    }
    let operations: Vec<_> = ids
        .iter()
        .map(|id| kmip::get_attributes(id, &AttributeReference::DESCRIBE))
        .collect();
    let reply = kms.kmip(&kmip::request_message(&operations)).unwrap();
    kmip::parse_response_message(&reply, operations.len()).unwrap();
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
        describe_in_one_message(kms, &ids);
        batched.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    (median(one_by_one), median(batched))
}

#[tokio::main]
async fn main() {
    let mut report = format!(
        "# Scale ({RUNS} runs per page and size, headless Chromium, real KMS {KMS_VERSION}, loopback)\n\n\
         KEKs = AWS wrapping keys in the KMS (plus as many AES keys). Requests counted at the proxy for one page load;\n\
         times are medians, the page's clock from navigation start until the usable list is drawn (its first {PAGE} rows, \
         noted inside the page), and until it is complete (the undated keys and the expired count in).\n\
         \"Plain client\": the reads without a browser: one GetAttributes per `aws` object (as the pages did\n\
         before KMIP messages), every one in one message (as they did before this table), and the page's own messages.\n\n\
         | KEKs | import page: requests | first rows ms | complete ms | export page: requests | first rows ms | complete ms | plain client, one request per object: requests | ms | plain client, one message: requests | ms | plain client, the page's messages: first rows / complete ms |\n\
         |---|---|---|---|---|---|---|---|---|---|---|---|\n"
    );
    let mut details = String::new();
    for cell in CELLS {
        let size = cell.keks;
        let drawn = cell.usable.min(PAGE);
        let (kms, proxy, token) = kms_behind_proxy();
        let vendor = kms.vendor_id();
        seed_keks_and_keys(&kms, &vendor, size, cell.valid_to);
        let browser = browser_behind(&proxy, &token).await;
        let mut row = vec![cell.name.to_owned()];
        for (path, listed) in [
            (
                "/ui/aws/import-kek",
                if size == 0 {
                    "document.querySelector('.kek-list')?.textContent.includes('None yet.')"
                        .to_owned()
                } else {
                    format!(
                        "document.querySelectorAll('.kek-list tbody tr[data-kek-id]').length === {drawn}"
                    )
                },
            ),
            (
                "/ui/aws/export-key-material",
                format!(
                    "document.querySelector('#kek-id') && document.querySelectorAll('#kek-id option[value^=kek-]').length === {drawn}"
                ),
            ),
        ] {
            let (mut first, mut complete) = (vec![], vec![]);
            let mut requests = vec![];
            // Complete: the listing's second step (the undated keys, the expired count) is in.
            let done =
                format!("({listed}) && !document.querySelector('[data-testid=keks-looking]')");
            for run in 0..RUNS {
                browser.audit_page().await;
                let watching =
                    watch_new_documents(&browser, &[("first", &listed), ("complete", &done)]).await;
                browser
                    .client
                    .goto(&format!("{}{path}", proxy.url()))
                    .await
                    .unwrap();
                first.push(watched_ms(&browser, "first").await);
                complete.push(watched_ms(&browser, "complete").await);
                stop_watching(&browser, &watching).await;
                let load = settled(&proxy).await;
                if run == 0 {
                    requests = load;
                }
            }
            details.push_str(&format!(
                "- {}, {path}: {}\n",
                cell.name,
                counted(&requests)
            ));
            row.push(requests.len().to_string());
            row.push(format!("{:.0}", median(first)));
            row.push(format!("{:.0}", median(complete)));
        }
        browser.close().await;
        let (one_by_one, batched) = plain_client_ms(&kms, &vendor);
        row.push((1 + size).to_string());
        row.push(format!("{one_by_one:.0}"));
        row.push(if size == 0 { "1" } else { "2" }.to_owned());
        row.push(format!("{batched:.0}"));
        let (first, complete) = plain_page_ms(&kms, &vendor);
        row.push(format!("{first:.0} / {complete:.0}"));
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
