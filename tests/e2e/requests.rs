//! Requests per flow, counted where they reach the KMS (the proxy): importing is one KMIP
//! call, exporting re-reads the key and the KEK in one message then sends one Export, and
//! each page load asks only for what it shows, its lists in one message. Printed as a report.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use byok_ui::domain::key_material::KeyMaterialSpec;
use byok_ui::domain::wrapping::WrappingAlgorithm;
use byok_ui::routes::Page;

use crate::support::pages::{ExportPage, ImportKekPage, Settings};
use crate::support::proxy::{counted, kms_behind_proxy, settled};
use crate::support::seed::{create_material, tagged_kek};
use crate::support::{Browser, fixture};

#[tokio::test(flavor = "multi_thread")]
async fn each_flow_sends_the_fewest_requests() {
    let (kms, proxy, token) = kms_behind_proxy();
    let vendor = kms.vendor_id();
    tagged_kek(
        &kms,
        &vendor,
        "kek-a",
        2048,
        WrappingAlgorithm::RsaesOaepSha256,
    );
    tagged_kek(
        &kms,
        &vendor,
        "kek-b",
        2048,
        WrappingAlgorithm::RsaesOaepSha1,
    );
    create_material(&kms, &vendor, "aes-key", KeyMaterialSpec::Aes { bits: 256 });
    let objects = kms.object_ids().len();
    let browser = Browser::start().await;
    browser.keep_secret(&token);
    browser
        .goto(&format!("{}{}", proxy.url(), Page::Byok.href()))
        .await;
    Settings::use_server(&browser, "", &token).await;
    settled(&proxy).await;
    let mut report = vec![
        "| flow | requests that reached the KMS | count |".to_owned(),
        "|---|---|---|".to_owned(),
    ];
    let mut row = |flow: &str, requests: &[String]| {
        report.push(format!(
            "| {flow} | {} | {} |",
            counted(requests),
            requests.len()
        ));
    };

    // Import page load: who this is (header; how the KMS signs users in is
    // asked too, of the proxy, which serves the UI itself), whether they may
    // import (before anything is typed), version, vendor id, the KEK list
    // (one message of Locates for each day still usable, then one describing
    // the first page of those, drawn at once; then one message of Locates for
    // every `aws` object and the day-tagged ones, and one describing the
    // undated ones, as these two KEKs are: an empty describe is not sent).
    browser
        .goto(&format!("{}{}", proxy.url(), Page::ImportKek.href()))
        .await;
    browser.element("tr[data-kek-id=kek-b]").await;
    let load = settled(&proxy).await;
    row("load /ui/aws/import-kek (2 KEKs)", &load);
    assert_eq!(
        counted(&load),
        "GET /access/create × 1, GET /me × 1, GET /server-info × 1, \
         Query × 1, RequestMessage(GetAttributes × 2) × 1, RequestMessage(Locate × 2) × 1, RequestMessage(Locate × 3) × 1"
    );

    // Import: one Locate, one Import; then the list below is read again.
    let spki = std::fs::read(fixture("rsa3072.spki.der")).unwrap();
    browser
        .paste(
            &browser.labelled(ImportKekPage::KEK).await,
            &STANDARD.encode(&spki),
        )
        .await;
    browser.click("label[for=algorithm-RsaesOaepSha256]").await;
    browser.click("form.import-kek button[type=submit]").await;
    browser
        .wait_for_text("[data-testid=imported-id]", |t| !t.is_empty())
        .await;
    let import = settled(&proxy).await;
    let (submit, refresh) = import.split_at(2.min(import.len()));
    row("import click", submit);
    row("(then the KEK list is read again)", refresh);
    // A copy of the same KEK already stored is found by its ARN tag (or its
    // fingerprint), not in the list, which shows one page at a time.
    assert_eq!(submit, ["Locate", "Import"]);
    assert_eq!(
        counted(refresh),
        "RequestMessage(GetAttributes × 3) × 1, RequestMessage(Locate × 2) × 1, RequestMessage(Locate × 3) × 1"
    );

    // Export page load: sign-in method and user (header), the keys shared
    // with this user (to say before an export what the ledger cannot record),
    // version, vendor id, the KEK list; the key browser is closed, so no key
    // is listed until it is opened.
    browser
        .goto(&format!(
            "{}{}",
            proxy.url(),
            Page::export_href(Some("aes-key"), Some("kek-a"))
        ))
        .await;
    browser.element("#kek-id").await;
    let load = settled(&proxy).await;
    row(
        &format!("load /ui/aws/export-key-material ({} objects)", objects + 1),
        &load,
    );
    assert_eq!(
        counted(&load),
        "GET /access/obtained × 1, GET /me × 1, GET /server-info × 1, \
         Query × 1, RequestMessage(GetAttributes × 3) × 1, RequestMessage(Locate × 2) × 1, RequestMessage(Locate × 3) × 1"
    );

    // Export: whether the key is shared without the Export right (refused
    // before sending) and, at the same time, the key and the KEK read again
    // as they are now (one message), then one Export (after both: the server
    // cannot make it wait on a comparison); then the ledger entry: who is
    // acting (asked afresh: another tab may have signed in as someone else),
    // added, read back, and read again once settled.
    ExportPage::export_and_wait(&browser).await;
    let export = settled(&proxy).await;
    let (submit, record) = export.split_at(3.min(export.len()));
    row("export click", submit);
    row("(then the ledger entry is recorded and checked)", record);
    let mut reads: Vec<&str> = submit.iter().take(2).map(String::as_str).collect();
    reads.sort_unstable();
    assert_eq!(
        (reads.as_slice(), submit.get(2).map(String::as_str)),
        (
            ["GET /access/obtained", "RequestMessage(GetAttributes × 2)"].as_slice(),
            Some("Export")
        ),
        "the export click sends the two reads (in either order), then the Export: {submit:?}"
    );
    assert_eq!(
        record,
        ["GET /me", "AddAttribute", "GetAttributes", "GetAttributes"]
    );
    browser.close().await;
    println!("{}", report.join("\n"));
}
