//! The pages as a person meets them: each page's address and heading, and its
//! controls found by visible label or role (CSS ids only where no label exists).

use std::time::{Duration, Instant};

use byok_ui::browser::SessionKey;
use byok_ui::domain::wrapping::WrappingAlgorithm;
use byok_ui::routes::Page;
use serde_json::json;

use crate::browser::Browser;
use crate::kms::Kms;

/// Opens `page` at `url` and waits for its heading.
async fn open(browser: &Browser, url: &str, page: Page) {
    browser.goto(url).await;
    browser.wait_for_text("h1", |t| t == page.label()).await;
}

/// The settings the app keeps in this tab's sessionStorage.
pub struct Settings;

impl Settings {
    /// Points the app at `url` with `token`, as Settings would store them.
    pub async fn use_server(browser: &Browser, url: &str, token: &str) {
        browser
            .client
            .execute(
                "sessionStorage.setItem(arguments[0], arguments[1]);
                 sessionStorage.setItem(arguments[2], arguments[3]);",
                vec![
                    json!(SessionKey::ServerUrl.name()),
                    json!(url),
                    json!(SessionKey::Token.name()),
                    json!(token),
                ],
            )
            .await
            .expect("set the app's settings");
    }
}

/// "Import a wrapping key (KEK)": the form, then the KEKs already stored.
pub struct ImportKekPage;

impl ImportKekPage {
    /// The wrapping public key field's label.
    pub const KEK: &str = "Wrapping public key";
    /// The ARN field's label.
    pub const ARN: &str = "AWS key ARN (optional, recommended)";

    /// A fresh browser on the import page of `kms`.
    pub async fn open(kms: &Kms) -> Browser {
        let browser = Browser::start().await;
        open(
            &browser,
            &kms.ui_url(&Page::ImportKek.href()),
            Page::ImportKek,
        )
        .await;
        browser
    }

    /// Picks `algorithm` by its AWS name, as a person clicks its label.
    pub async fn choose_algorithm(browser: &Browser, algorithm: WrappingAlgorithm) {
        browser.click_label(algorithm.aws_name()).await;
    }

    /// On the open page: pastes get-parameters-for-import's JSON, picks
    /// `algorithm`, names the KEK `kek_id`, imports it and waits for its id.
    pub async fn import_parameters(
        browser: &Browser,
        parameters: &str,
        algorithm: WrappingAlgorithm,
        kek_id: &str,
    ) {
        browser
            .paste(&browser.labelled(Self::KEK).await, parameters)
            .await;
        browser
            .wait_for_text("#kek-analysis", |t| t.starts_with("RSA "))
            .await;
        Self::choose_algorithm(browser, algorithm).await;
        browser.fill("#kms-id", kek_id).await;
        browser.click("form.import-kek button[type=submit]").await;
        browser
            .wait_for_text("[data-testid=imported-id]", |t| t == kek_id)
            .await;
    }

    /// The list below the form has loaded (`id` is listed, or nothing is).
    pub async fn list_loaded(browser: &Browser, id: Option<&str>) {
        match id {
            // A row carries its KEK id as data; the list has no per-row label.
            Some(id) => {
                browser.element(&format!("tr[data-kek-id='{id}']")).await;
            }
            None => {
                browser
                    .wait_for_text(".kek-list", |t| t.contains("None yet."))
                    .await;
            }
        }
    }
}

/// "Export key material": one key wrapped under one KEK.
pub struct ExportPage;

impl ExportPage {
    /// The KEK picker's label.
    pub const KEK: &str = "AWS wrapping key (KEK)";
    /// The key material field's label.
    pub const KEY: &str = "Key material id";
    /// The key browser's search field's label.
    pub const SEARCH: &str = "Search every key (id, kind, state, tag)";
    /// The export form's submit button, whatever it says (it reads
    /// "Exporting…" while busy, and a double submit must reach it then).
    pub const SUBMIT: &str = "form.export-key-material button[type=submit]";
    /// The result's one-line summary (a live region without a label).
    pub const SUMMARY: &str = "[data-testid=export-summary]";

    /// Opens the page on `key` under `kek`, ready to press Export.
    pub async fn open(browser: &Browser, kms: &Kms, key: &str, kek: &str) {
        open(
            browser,
            &kms.ui_url(&format!(
                "{}?key={key}&kek={kek}",
                Page::ExportKeyMaterial.href()
            )),
            Page::ExportKeyMaterial,
        )
        .await;
        // The KEK list has loaded and preselected the KEK.
        let kek_field = browser.labelled(Self::KEK).await;
        let deadline = Instant::now() + Duration::from_secs(20);
        while browser
            .client
            .find(fantoccini::Locator::Css(&kek_field))
            .await
            .is_err()
            || browser.value_of(&kek_field).await != kek
        {
            assert!(Instant::now() < deadline, "KEK {kek} not preselected");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        // The listing's second step (the undated keys) is done, as a person waits for
        // "Also looking for wrapping keys…" to go.
        while browser
            .client
            .find(fantoccini::Locator::Css("[data-testid=keks-looking]"))
            .await
            .is_ok()
        {
            assert!(Instant::now() < deadline, "the KEK list never completed");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let key_field = browser.labelled(Self::KEY).await;
        assert_eq!(browser.value_of(&key_field).await, key);
        browser.record_requests().await;
    }

    /// Presses Export and waits for the result's summary, which it returns.
    pub async fn export_and_wait(browser: &Browser) -> String {
        browser.click(Self::SUBMIT).await;
        browser
            .wait_for_text(Self::SUMMARY, |t| !t.is_empty())
            .await
    }
}

/// The export's result, on the export page and in the guided page's last step:
/// the wrapped key material and the import token to download, the command.
pub struct ExportResult;

impl ExportResult {
    /// The material file name field's label.
    pub const FILE_NAME: &str = "File name";
    /// The token file name field's label.
    pub const TOKEN_FILE_NAME: &str = "Token file name";
    /// The download buttons, material first (their text carries the size,
    /// so they are found by their place in the result).
    const DOWNLOADS: &str = "[data-testid=export-result] button.download";

    /// Names the material file `file_name`, downloads it, and returns its bytes.
    pub async fn download_material(browser: &Browser, file_name: &str) -> Vec<u8> {
        browser
            .fill(&browser.labelled(Self::FILE_NAME).await, file_name)
            .await;
        browser
            .click("[data-testid=export-result] > button.download")
            .await;
        browser.downloaded(file_name).await
    }

    /// Gives the import token as a person pastes it (base64 or AWS's whole
    /// get-parameters-for-import JSON) when the tab has none for the KEK.
    pub async fn give_token(browser: &Browser, text: &str) {
        browser.paste("#token-text", text).await;
        browser
            .client
            .execute(
                "document.querySelector('#token-text').dispatchEvent(new Event('change', {bubbles: true}));",
                vec![],
            )
            .await
            .unwrap();
        browser.wait_for_text("#token-file", |_| true).await;
    }

    /// Downloads the import script under "Download the import script";
    /// returns its file name (as the button names it), its bytes and the
    /// SHA-256 the page shows beside it.
    pub async fn download_script(browser: &Browser) -> (String, Vec<u8>, String) {
        const BUTTON: &str = "[data-testid=import-script] button.download";
        browser
            .wait_for_text("#import-script-title", |t| {
                t == "Download the import script"
            })
            .await;
        let label = browser
            .wait_for_text(BUTTON, |t| {
                t.starts_with("Download import-") && t.contains(".sh (")
            })
            .await;
        let name = label["Download ".len()..label.find(" (").unwrap()].to_owned();
        browser.click(BUTTON).await;
        let bytes = browser.downloaded(&name).await;
        let shown = browser
            .wait_for_text("[data-testid=import-script-sha256]", |t| {
                t.starts_with("SHA-256 of the script: ")
            })
            .await;
        let sha256 = shown.rsplit(' ').next().unwrap_or_default().to_owned();
        (name, bytes, sha256)
    }

    /// Names the token file `file_name`, downloads it, and returns its bytes.
    pub async fn download_token(browser: &Browser, file_name: &str) -> Vec<u8> {
        browser
            .fill(&browser.labelled(Self::TOKEN_FILE_NAME).await, file_name)
            .await;
        browser.click_nth(Self::DOWNLOADS, 1).await;
        browser.downloaded(file_name).await
    }
}

/// The guided flow: five steps, one click.
pub struct GuidedPage;

impl GuidedPage {
    /// Opens the guided page at `url` and starts over from an empty draft.
    pub async fn open(browser: &Browser, url: &str) {
        open(browser, url, Page::Byok).await;
        browser.click_button("Start over").await;
    }

    /// After the flow's one click: the key material id it reports.
    pub async fn key_id(browser: &Browser) -> String {
        let done = browser
            .wait_for_text("[data-testid=byok-done]", |t| !t.is_empty())
            .await;
        done.strip_prefix("Key material ")
            .and_then(|rest| rest.split(' ').next())
            .expect("the key id is shown")
            .to_owned()
    }
}

/// The key material creation pages (one per family).
pub struct CreateKeyPage;

impl CreateKeyPage {
    /// On `page`, creates `id` for the AWS key spec `spec` and `usage`, tagged
    /// "byok, team-a", and waits until the page names the created key.
    pub async fn create(
        browser: &Browser,
        kms: &Kms,
        page: Page,
        spec: &str,
        usage: &str,
        id: &str,
        sensitive: bool,
    ) {
        open(browser, &kms.ui_url(&page.href()), page).await;
        browser
            .select(&browser.labelled("AWS key spec").await, spec)
            .await;
        browser
            .select(&browser.labelled("Key usage in AWS").await, usage)
            .await;
        browser
            .fill(&browser.labelled("Key id (optional)").await, id)
            .await;
        browser
            .fill(
                &browser.labelled("Tags (optional, comma-separated)").await,
                "byok, team-a",
            )
            .await;
        if sensitive {
            browser.click_label("Sensitive").await;
        }
        browser.click_button("Create key").await;
        browser
            .wait_for_text("[data-testid=created-key-id]", |t| t == id)
            .await;
    }
}

/// The BYOK ledger (`/ui/aws/ledger`): every AWS copy, one entry's details
/// with its paste box, the calendar download and the registration form.
pub struct LedgerPage;

impl LedgerPage {
    /// The paste box's label (an entry's details).
    pub const PASTE: &str = "AWS's JSON output (import-key-material, describe-key, get-public-key, generate-mac, list-key-rotations or get-key-last-usage)";
    /// The search field's label.
    pub const SEARCH: &str =
        "Search (KMS key, AWS key ARN, KeyMaterialId, Azure or Google Cloud key)";
    /// The registration form's KMS key field.
    pub const REGISTER_KEY: &str = "KMS key id (the source of the AWS copy)";
    /// The registration form's describe-key field.
    pub const REGISTER_DESCRIBE: &str = "The JSON output of aws kms describe-key for the AWS key";
    /// The calendar file's name.
    pub const CALENDAR: &str = "byok-expiry-reminders.ics";

    /// Opens the ledger of the KMS whose UI base is `base` (e.g. `kms.url()`),
    /// and waits until the ledger has been read.
    pub async fn open(browser: &Browser, base: &str) {
        open(
            browser,
            &format!("{base}{}", Page::Ledger.href()),
            Page::Ledger,
        )
        .await;
        // The filters come first; the rows once the KMS is read and their code is there.
        browser.labelled("Show").await;
        browser
            .wait_for_text("#inventory-title", |t| t == "The ledger as a file")
            .await;
    }

    /// The state the table shows for entry `id`, once it reads `check`.
    pub async fn state_of(browser: &Browser, id: &str, check: impl Fn(&str) -> bool) -> String {
        browser
            .wait_for_text(
                &format!("tr[data-entry-id='{id}'] [data-testid=entry-state]"),
                check,
            )
            .await
    }

    /// Waits until the table shows exactly `expected` clouds (its rows' Cloud cells, in order).
    pub async fn wait_for_clouds(browser: &Browser, expected: &[&str]) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let shown = browser
                .visible_texts("tr[data-entry-id] [data-testid=entry-cloud]")
                .await;
            if shown == expected {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the table shows {shown:?}, not {expected:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Opens entry `id`'s details (its "Open <id>" button).
    pub async fn open_entry(browser: &Browser, id: &str) {
        browser.click_button(&format!("Open {id}")).await;
        browser
            .wait_for_text("#entry-title", |t| t == format!("AWS copy {id}"))
            .await;
    }

    /// Pastes `text` in the open entry's box and presses "Check and record".
    pub async fn submit(browser: &Browser, text: &str) {
        let field = browser.labelled(Self::PASTE).await;
        browser.paste(&field, text).await;
        browser.click_button("Check and record").await;
    }

    /// What the open entry says after a paste was applied.
    pub async fn applied(browser: &Browser, check: impl Fn(&str) -> bool) -> String {
        browser
            .wait_for_text("[data-testid=ledger-applied]", check)
            .await
    }

    /// The open entry's error (a refused paste).
    pub async fn refusal(browser: &Browser, check: impl Fn(&str) -> bool) -> String {
        browser
            .wait_for_text("[data-testid=entry-details] .error-banner", check)
            .await
    }

    /// Reads the ledger again (the button under an applied paste).
    pub async fn read_again(browser: &Browser) {
        browser.click_button("Read the ledger again").await;
    }
}

/// "Import an Azure KEK": `az keyvault key show`'s JSON, or a PEM with its kid.
pub struct AzureImportKekPage;

impl AzureImportKekPage {
    /// The KEK field's label.
    pub const KEK: &str = "Azure KEK";
    /// The kid field's label.
    pub const KID: &str = "Key identifier (kid), with its version";
    /// The KMS id field's label.
    pub const KMS_ID: &str = "KMS key id (optional)";
    /// What the page read, or why it refuses it (a live region under the fields).
    pub const ANALYSIS: &str = "#azure-kek-analysis";
    /// The imported object's id in the result.
    pub const IMPORTED_ID: &str = "[data-testid=imported-id]";

    /// Opens the page of `kms` in `browser` and records what it sends from then on.
    pub async fn open(browser: &Browser, kms: &Kms) {
        open(
            browser,
            &kms.ui_url(&Page::AzureImportKek.href()),
            Page::AzureImportKek,
        )
        .await;
        browser.record_requests().await;
    }

    /// Pastes `text` (JSON or PEM), then `kid` when given, and types `kms_id` (unless empty).
    pub async fn fill(browser: &Browser, text: &str, kid: Option<&str>, kms_id: &str) {
        browser
            .paste(&browser.labelled(Self::KEK).await, text)
            .await;
        if let Some(kid) = kid {
            browser.paste(&browser.labelled(Self::KID).await, kid).await;
        }
        if !kms_id.is_empty() {
            browser
                .fill(&browser.labelled(Self::KMS_ID).await, kms_id)
                .await;
        }
    }

    /// Presses "Import Azure KEK".
    pub async fn import(browser: &Browser) {
        browser.click_button("Import Azure KEK").await;
    }
}

/// "Export for Azure (.byok)": one key wrapped for one Azure KEK.
pub struct AzureExportPage;

impl AzureExportPage {
    /// The KEK picker's label.
    pub const KEK: &str = "Azure key-encryption key (KEK)";
    /// The key name field's label (in the result).
    pub const KEY_NAME: &str = "Key name in Azure";
    /// The result's one-line summary.
    pub const SUMMARY: &str = "[data-testid=azure-byok-summary]";
    /// The SHA-256 shown beside the download.
    pub const SHA256: &str = "[data-testid=azure-byok-sha256]";
    /// The import command.
    pub const COMMAND: &str = "#azure-import-command";
    /// The page's error banners (a refusal, a server error).
    pub const ERROR: &str = "form.azure-export .error-banner .error-text";

    /// Opens the page on `key` and `kek` through the deep link, once the KEK list has loaded.
    pub async fn open(browser: &Browser, kms: &Kms, key: &str, kek: &str) {
        open(
            browser,
            &kms.ui_url(&Page::azure_export_href(Some(key), Some(kek))),
            Page::AzureExport,
        )
        .await;
        let kek_field = browser.labelled(Self::KEK).await;
        let deadline = Instant::now() + Duration::from_secs(20);
        while browser
            .client
            .find(fantoccini::Locator::Css(&kek_field))
            .await
            .is_err()
            || browser.value_of(&kek_field).await != kek
        {
            assert!(Instant::now() < deadline, "KEK {kek} not preselected");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        browser.record_requests().await;
    }

    /// Presses "Export as .byok".
    pub async fn export(browser: &Browser) {
        browser.click_button("Export as .byok").await;
    }

    /// Downloads the `.byok` (its button names `<key name>.byok`) and returns its bytes.
    pub async fn download(browser: &Browser, file_name: &str) -> Vec<u8> {
        browser
            .click("[data-testid=azure-byok-result] button.download")
            .await;
        browser.downloaded(file_name).await
    }
}
