//! The README's pictures, taken from the real app in one run (real KMS, Chromium
//! 1280 px wide, the AWS CLI against LocalStack) into `docs/screenshots/`, so the
//! README always shows the current app; it fails when the README and the pictures disagree.

use std::collections::BTreeSet;
use std::path::PathBuf;

use byok_ui::domain::aws::key_spec::{AwsKeySpec, KeyUsage};
use byok_ui::domain::key_material::KeyMaterialSpec;
use byok_ui::domain::wrapping::WrappingAlgorithm;
use byok_ui::routes::{NavGroup, Page};
use serde_json::json;

use crate::azure::{VAULT_KID, key_show};
use crate::support::aws::LocalStack;
use crate::support::aws_flow::{Scenario, guided_flow};
use crate::support::google::{GoogleExportPage, GoogleImportJobPage, describe_json};
use crate::support::pages::{
    AzureExportPage, AzureImportKekPage, ExportPage, GuidedPage, ImportKekPage, LedgerPage,
};
use crate::support::paths::workspace;
use crate::support::seed::{create_material, ledger_entries, tagged_kek};
use crate::support::{Browser, Kms, fixture};

/// The viewport the pictures are taken in (CSS pixels, one device pixel each).
const VIEWPORT: (u32, u32) = (1280, 900);

/// Where the README's pictures live, relative to the repository.
const FOLDER: &str = "docs/screenshots";

/// Every picture the README must show: its file name (without `.png`) and
/// what it shows (the README's alt text says the same in its own words).
const PICTURES: [(&str, &str); 14] = [
    (
        "guided-step-1",
        "the guided flow's first step: the AWS key spec and the create-key command",
    ),
    (
        "guided-done",
        "the guided flow done: the export result, its files and the import command",
    ),
    (
        "import-script",
        "the export result's import script: download, size and SHA-256",
    ),
    ("nav-aws-menu", "the navigation with the AWS KMS menu open"),
    (
        "ledger",
        "the BYOK ledger with an entry bound to AWS's KeyMaterialId",
    ),
    ("ledger-entry", "an opened ledger entry"),
    (
        "ceremony-record",
        "the ceremony record of that entry: KMS key, wrapping key, files and commands",
    ),
    (
        "rotation-runbook",
        "the rotation runbook page of that entry",
    ),
    (
        "import-refuses-certificate",
        "the import page refusing a certificate pasted instead of the key",
    ),
    (
        "export-refuses-rsa-under-oaep",
        "the export page refusing an RSA key under an OAEP wrapping key",
    ),
    (
        "azure-import-kek",
        "the Azure KEK imported from az keyvault key show, with the CLI's tags",
    ),
    (
        "azure-export",
        "the .byok for an RSA key, its SHA-256 and the az keyvault key import command",
    ),
    (
        "google-import-job",
        "a Google import job stored from gcloud kms import-jobs describe, with its tags",
    ),
    (
        "google-export",
        "the wrapped key for Cloud KMS, its SHA-256, the job's time left and the gcloud command",
    ),
];

/// The pictures taken in this run, written into [`FOLDER`].
struct Album {
    dir: PathBuf,
    taken: Vec<String>,
}

impl Album {
    fn new() -> Self {
        Self {
            dir: workspace().join(FOLDER),
            taken: Vec::new(),
        }
    }

    /// Saves the viewport as picture `name`, which must be one of [`PICTURES`].
    async fn take(&mut self, browser: &Browser, name: &str) {
        assert!(
            PICTURES.iter().any(|(known, _)| *known == name),
            "{FOLDER}/{name}.png is not in PICTURES: add it there (and to the README)"
        );
        // Let the page finish drawing (a focus ring, a late line) before the picture.
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        browser.screenshot_into(&self.dir, name).await;
        self.taken.push(format!("{name}.png"));
    }
}

/// The `docs/screenshots/…` pictures README.md shows (`![alt](path)`), with their alt text.
fn readme_pictures(readme: &str) -> Vec<(String, String)> {
    let prefix = format!("{FOLDER}/");
    let mut shown = Vec::new();
    let mut rest = readme;
    while let Some(start) = rest.find("![") {
        rest = &rest[start + 2..];
        let Some(alt_end) = rest.find("](") else {
            break;
        };
        let alt = &rest[..alt_end];
        let target = &rest[alt_end + 2..];
        let Some(target_end) = target.find(')') else {
            break;
        };
        if let Some(file) = target[..target_end].strip_prefix(&prefix) {
            shown.push((file.to_owned(), alt.trim().to_owned()));
        }
        rest = &target[target_end..];
    }
    shown
}

/// What is wrong between the README, the pictures this test requires (name,
/// what it shows), those it took and the PNGs in the folder, one line per
/// picture (empty: they agree).
fn disagreements(
    readme: &str,
    required: &[(&str, &str)],
    taken: &[String],
    in_folder: &[String],
) -> Vec<String> {
    let shown = readme_pictures(readme);
    let shown_files: BTreeSet<&str> = shown.iter().map(|(file, _)| file.as_str()).collect();
    let taken: BTreeSet<&str> = taken.iter().map(String::as_str).collect();
    let mut problems = Vec::new();
    for file in shown_files.difference(&taken) {
        problems.push(format!(
            "README.md shows {FOLDER}/{file}, which this test did not take: take it here or remove it from the README"
        ));
    }
    for (file, _) in shown.iter().filter(|(_, alt)| alt.is_empty()) {
        problems.push(format!(
            "README.md shows {FOLDER}/{file} without alt text: say what it shows"
        ));
    }
    for file in taken.difference(&shown_files) {
        problems.push(format!(
            "this test took {FOLDER}/{file}, which README.md does not show: show it where the text talks about it"
        ));
    }
    for (name, what) in required {
        let file = format!("{name}.png");
        // A required picture taken but not shown is said just above.
        if !shown_files.contains(file.as_str()) && !taken.contains(file.as_str()) {
            problems.push(format!(
                "README.md lacks the required picture {FOLDER}/{file} ({what})"
            ));
        }
        if !taken.contains(file.as_str()) {
            problems.push(format!(
                "this test did not take the required picture {FOLDER}/{file} ({what})"
            ));
        }
    }
    // A picture taken but not shown is said above.
    for file in in_folder
        .iter()
        .filter(|f| !shown_files.contains(f.as_str()) && !taken.contains(f.as_str()))
    {
        problems.push(format!(
            "{FOLDER}/{file} is shown by no one: `git rm` it, or show it in README.md"
        ));
    }
    problems
}

/// Takes the focus ring off the control last used (the part is pictured, not the cursor).
async fn unfocus(browser: &Browser) {
    browser
        .client
        .execute("document.activeElement?.blur();", vec![])
        .await
        .expect("move the focus away");
}

/// The height in CSS pixels from the top of `from` to the bottom of `to`,
/// with the margins [`Browser::scroll_into_view`] leaves.
async fn height_between(browser: &Browser, from: &str, to: &str) -> u32 {
    browser.element(to).await;
    let height = browser
        .client
        .execute(
            "const top = document.querySelector(arguments[0]).getBoundingClientRect().top;
             const bottom = document.querySelector(arguments[1]).getBoundingClientRect().bottom;
             return Math.ceil(bottom - top) + 32;",
            vec![json!(from), json!(to)],
        )
        .await
        .expect("measure the part");
    height
        .as_u64()
        .and_then(|h| u32::try_from(h).ok())
        .unwrap_or_else(|| panic!("no height from {from} to {to}: {height}"))
}

/// The PNG files in [`FOLDER`].
fn pngs_in_folder() -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(workspace().join(FOLDER))
        .expect("the pictures' folder")
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".png"))
        .collect();
    files.sort();
    files
}

/// The guided flow's first step, then the flow done with LocalStack's real
/// outputs, and its import script; returns the ledger entry the export
/// recorded and the page's import command.
async fn guided_pictures(
    album: &mut Album,
    browser: &Browser,
    kms: &Kms,
    stack: &LocalStack,
) -> (String, String) {
    let scenario = Scenario {
        spec: AwsKeySpec::SymmetricDefault,
        usage: KeyUsage::EncryptDecrypt,
        algorithm: WrappingAlgorithm::RsaesOaepSha256,
        kek_bits: 2048,
    };
    GuidedPage::open(browser, &kms.ui_url(&Page::Byok.href())).await;
    browser
        .select("#byok-spec", &scenario.spec.aws_name())
        .await;
    browser
        .select("#byok-usage", scenario.usage.aws_name())
        .await;
    browser
        .wait_for_text("#create-key-command", |t| t.contains("SYMMETRIC_DEFAULT"))
        .await;
    unfocus(browser).await;
    browser.scroll_to_top().await;
    album.take(browser, "guided-step-1").await;

    let (_arn, key_id, import) = guided_flow(stack, kms, browser, &scenario).await;
    browser
        .wait_for_text("[data-testid=ledger-status]", |t| {
            t.starts_with("Recorded in the BYOK ledger")
        })
        .await;
    let entries = ledger_entries(kms, &key_id);
    let [entry] = entries.as_slice() else {
        panic!("one ledger entry expected on {key_id}: {entries:?}");
    };
    let entry_id = entry.id.clone();
    // From the line naming the key to the import command, in one picture.
    let height = height_between(browser, "[data-testid=byok-done]", "#import-command").await;
    browser
        .set_viewport((VIEWPORT.0, height.max(VIEWPORT.1)))
        .await;
    browser.scroll_into_view("[data-testid=byok-done]").await;
    album.take(browser, "guided-done").await;
    browser.set_viewport(VIEWPORT).await;

    browser
        .wait_for_text("[data-testid=import-script-sha256]", |t| {
            t.starts_with("SHA-256 of the script: ")
        })
        .await;
    browser
        .scroll_into_view("[data-testid=import-script]")
        .await;
    album.take(browser, "import-script").await;
    (entry_id, import)
}

/// The navigation's AWS KMS menu, the ledger with the entry bound by the
/// import's real output, that entry opened, and its rotation runbook.
async fn ledger_pictures(
    album: &mut Album,
    browser: &Browser,
    entry_id: &str,
    import_output: &str,
) {
    browser.scroll_to_top().await;
    browser.click_button(NavGroup::Aws.label()).await;
    browser
        .wait_for_text(&format!("#{}", NavGroup::Aws.menu_id()), |t| {
            t.contains(Page::Ledger.label())
        })
        .await;
    album.take(browser, "nav-aws-menu").await;
    browser.click_button(NavGroup::Aws.label()).await; // closes it again
    browser.open_from_nav(Page::Ledger).await;
    browser
        .wait_for_text("h1", |t| t == Page::Ledger.label())
        .await;

    LedgerPage::open_entry(browser, entry_id).await;
    LedgerPage::submit(browser, import_output).await;
    LedgerPage::applied(browser, |t| {
        t.contains("AWS's import-key-material output agrees with this entry.")
    })
    .await;
    LedgerPage::read_again(browser).await;
    LedgerPage::state_of(browser, entry_id, |t| t == "verified").await;
    browser.scroll_to_top().await;
    album.take(browser, "ledger").await;

    LedgerPage::open_entry(browser, entry_id).await;
    browser
        .scroll_into_view("[data-testid=entry-details]")
        .await;
    album.take(browser, "ledger-entry").await;

    browser.click_link("Ceremony record").await;
    browser
        .wait_for_text("h1", |t| t == Page::CeremonyRecord.label())
        .await;
    browser
        .wait_for_text("main", |t| t.contains("byok-ceremony-record-"))
        .await;
    browser.scroll_to_top().await;
    album.take(browser, "ceremony-record").await;
    browser.client.back().await.expect("back to the ledger");
    browser
        .wait_for_text("h1", |t| t == Page::Ledger.label())
        .await;
    LedgerPage::open_entry(browser, entry_id).await;

    browser.click_link("Rotate this AWS key…").await;
    browser
        .wait_for_text("h1", |t| t == Page::Rotation.label())
        .await;
    browser
        .wait_for_text("[data-testid=rotation-count]", |t| {
            t.starts_with("0 on-demand rotations recorded")
        })
        .await;
    browser.scroll_to_top().await;
    album.take(browser, "rotation-runbook").await;
}

/// The import page refusing a certificate, and the export page refusing an
/// RSA key under an OAEP wrapping key (nothing sent in either).
async fn refusal_pictures(album: &mut Album, browser: &Browser, kms: &Kms) {
    browser.goto(&kms.ui_url(&Page::ImportKek.href())).await;
    browser
        .wait_for_text("h1", |t| t == Page::ImportKek.label())
        .await;
    let certificate = std::fs::read_to_string(fixture("rsa2048.cert.pem")).unwrap();
    browser
        .paste(&browser.labelled(ImportKekPage::KEK).await, &certificate)
        .await;
    ImportKekPage::choose_algorithm(browser, WrappingAlgorithm::RsaesOaepSha256).await;
    browser.click("form.import-kek button[type=submit]").await;
    browser
        .wait_for_text("#kek-analysis", |t| {
            t.starts_with("This is a certificate, not a public key")
        })
        .await;
    browser.scroll_into_view("form.import-kek").await;
    album.take(browser, "import-refuses-certificate").await;

    let vendor = kms.vendor_id();
    tagged_kek(
        kms,
        &vendor,
        "kek-oaep-2048",
        2048,
        WrappingAlgorithm::RsaesOaepSha256,
    );
    let rsa = create_material(
        kms,
        &vendor,
        "rsa-key",
        KeyMaterialSpec::RsaPrivate { bits: 2048 },
    );
    ExportPage::open(browser, kms, &rsa, "kek-oaep-2048").await;
    browser.click(ExportPage::SUBMIT).await;
    browser
        .wait_for_text("form.export-key-material .error-banner .error-text", |t| {
            t.starts_with("RSA private keys can only be imported with")
        })
        .await;
    browser.scroll_into_view("form.export-key-material").await;
    album.take(browser, "export-refuses-rsa-under-oaep").await;
}

/// The Azure pages: a KEK from `az keyvault key show`, then an RSA key's `.byok`.
async fn azure_pictures(album: &mut Album, browser: &Browser, kms: &Kms) {
    AzureImportKekPage::open(browser, kms).await;
    AzureImportKekPage::fill(
        browser,
        &key_show(VAULT_KID, &["import"]),
        None,
        "kek-azure",
    )
    .await;
    AzureImportKekPage::import(browser).await;
    browser
        .wait_for_text(AzureImportKekPage::IMPORTED_ID, |t| t == "kek-azure")
        .await;
    browser.scroll_into_view(AzureImportKekPage::ANALYSIS).await;
    unfocus(browser).await;
    album.take(browser, "azure-import-kek").await;

    let vendor = kms.vendor_id();
    let rsa = create_material(
        kms,
        &vendor,
        "rsa-for-azure",
        KeyMaterialSpec::RsaPrivate { bits: 3072 },
    );
    AzureExportPage::open(browser, kms, &rsa, "kek-azure").await;
    AzureExportPage::export(browser).await;
    browser
        .wait_for_text(AzureExportPage::COMMAND, |t| t.contains("--byok-file"))
        .await;
    browser
        .scroll_into_view("[data-testid=azure-byok-result]")
        .await;
    unfocus(browser).await;
    album.take(browser, "azure-export").await;
}

/// The Google pages: an import job from its describe JSON, then an AES key's wrapped key.
async fn google_pictures(album: &mut Album, browser: &Browser, kms: &Kms) {
    let private = rsa::RsaPrivateKey::new(&mut rand::thread_rng(), 3072).unwrap();
    let expire = time::OffsetDateTime::now_utc() + time::Duration::days(2);
    let json = describe_json(
        "byok-job",
        "RSA_OAEP_3072_SHA256_AES_256",
        "HSM",
        expire,
        &private,
    );
    GoogleImportJobPage::open(browser, kms).await;
    GoogleImportJobPage::fill(browser, &json, None, None, "job-google").await;
    GoogleImportJobPage::import(browser).await;
    browser
        .wait_for_text(GoogleImportJobPage::IMPORTED_ID, |t| t == "job-google")
        .await;
    browser
        .scroll_into_view(GoogleImportJobPage::ANALYSIS)
        .await;
    unfocus(browser).await;
    album.take(browser, "google-import-job").await;

    let vendor = kms.vendor_id();
    let aes = create_material(
        kms,
        &vendor,
        "aes-for-google",
        KeyMaterialSpec::Aes { bits: 256 },
    );
    GoogleExportPage::open(browser, kms, &aes, "job-google").await;
    GoogleExportPage::export(browser).await;
    browser
        .wait_for_text(GoogleExportPage::COMMAND, |t| {
            t.contains("--wrapped-key-file")
        })
        .await;
    browser.scroll_into_view(GoogleExportPage::SUMMARY).await;
    unfocus(browser).await;
    album.take(browser, "google-export").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn readme_pictures_are_taken_from_the_app_and_the_readme_shows_exactly_them() {
    let stack = LocalStack::start();
    let kms = Kms::with_ui();
    let browser = Browser::start_with(false, VIEWPORT).await;
    let mut album = Album::new();

    let (entry_id, import) = guided_pictures(&mut album, &browser, &kms, &stack).await;
    let imported = stack.shell(&import, &browser.download_dir);
    assert!(
        imported.status.success(),
        "AWS refused the page's import: {}",
        String::from_utf8_lossy(&imported.stderr)
    );
    let import_output = String::from_utf8(imported.stdout).unwrap();
    assert!(import_output.contains("KeyMaterialId"), "{import_output}");
    ledger_pictures(&mut album, &browser, &entry_id, &import_output).await;
    refusal_pictures(&mut album, &browser, &kms).await;
    azure_pictures(&mut album, &browser, &kms).await;
    google_pictures(&mut album, &browser, &kms).await;
    browser.close().await;

    let readme = std::fs::read_to_string(workspace().join("README.md")).expect("README.md");
    let problems = disagreements(&readme, &PICTURES, &album.taken, &pngs_in_folder());
    assert!(
        problems.is_empty(),
        "the README's pictures:\n{}",
        problems.join("\n")
    );
}

#[test]
fn readme_pictures_each_disagreement_names_its_picture() {
    let readme = "Intro.\n![The first step](docs/screenshots/a.png)\n![](docs/screenshots/old.png)\n![Elsewhere](other/c.png)\n";
    let taken = vec!["a.png".to_owned(), "b.png".to_owned()];
    let folder = vec![
        "a.png".to_owned(),
        "b.png".to_owned(),
        "old.png".to_owned(),
        "stray.png".to_owned(),
    ];
    let problems = disagreements(
        readme,
        &[("a", "one"), ("b", "two"), ("c", "three")],
        &taken,
        &folder,
    );
    let has = |needle: &str| problems.iter().any(|p| p.contains(needle));
    assert!(
        has("README.md shows docs/screenshots/old.png, which this test did not take"),
        "{problems:#?}"
    );
    assert!(
        has("README.md shows docs/screenshots/old.png without alt text"),
        "{problems:#?}"
    );
    assert!(
        has("this test took docs/screenshots/b.png, which README.md does not show"),
        "{problems:#?}"
    );
    assert!(
        has("README.md lacks the required picture docs/screenshots/c.png"),
        "{problems:#?}"
    );
    assert!(
        has("this test did not take the required picture docs/screenshots/c.png"),
        "{problems:#?}"
    );
    assert!(
        has("docs/screenshots/stray.png is shown by no one"),
        "{problems:#?}"
    );
    assert!(
        !problems.iter().any(|p| p.contains("/a.png")),
        "{problems:#?}"
    );
    assert_eq!(problems.len(), 6, "{problems:#?}");

    let agreeing = "![The first step](docs/screenshots/a.png)";
    let taken = vec!["a.png".to_owned()];
    assert_eq!(
        disagreements(agreeing, &[("a", "one")], &taken, &taken),
        Vec::<String>::new()
    );
}
