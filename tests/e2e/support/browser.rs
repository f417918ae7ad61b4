//! Headless Chromium through chromedriver: the session, waits that see only what
//! a person sees, and the audits every page gets (CSP, console, storage, axe).

use std::fs;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use byok_ui::routes::Page;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use crate::paths::{INSTALL_HINT, free_port, required_file, scratch_dir, workspace};
use crate::processes::Owned;

/// WebDriver key codes.
pub const TAB: &str = "\u{E004}";
pub const ENTER: &str = "\u{E007}";
pub const SPACE: &str = "\u{E00D}";
pub const ARROW_DOWN: &str = "\u{E015}";

/// Headless Chromium through chromedriver, closed when dropped.
pub struct Browser {
    pub client: Client,
    /// chromedriver and the Chromium it starts, ended together.
    driver: Owned,
    driver_port: u16,
    /// Text that must never reach the console (tokens, key bytes).
    secrets: std::sync::Mutex<Vec<String>>,
    /// Where downloads land.
    pub download_dir: PathBuf,
}

impl Browser {
    pub async fn start() -> Self {
        Self::start_with(false, (1280, 900)).await
    }

    /// A browser that prefers a dark colour scheme, or light, at a window size.
    pub async fn start_with(dark: bool, (width, height): (u32, u32)) -> Self {
        let chromedriver = required_file(
            "BYOK_CHROMEDRIVER",
            PathBuf::from("/usr/bin/chromedriver"),
            "chromedriver",
        );
        let chromium = required_file(
            "BYOK_CHROMIUM",
            PathBuf::from("/usr/bin/chromium"),
            "chromium",
        );
        print_browser_versions(&chromium, &chromedriver);
        let port = free_port();
        let driver = Owned::spawn(
            Command::new(chromedriver)
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
            "chromedriver and Chromium",
        );
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let profile = scratch_dir("chromium-profile");
        let download_dir = scratch_dir("downloads");
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("goog:loggingPrefs".into(), json!({"browser": "ALL"}));
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": chromium,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", format!("--window-size={width},{height}"),
                    format!("--blink-settings=preferredColorScheme={}", if dark { 0 } else { 1 }),
                    format!("--user-data-dir={}", profile.display()),
                ],
                // Headless windows have a minimum width; emulate the viewport instead.
                "mobileEmulation": {
                    "deviceMetrics": { "width": width, "height": height, "pixelRatio": 1.0 }
                },
                "prefs": {
                    "download.default_directory": download_dir,
                    "download.prompt_for_download": false,
                    // Chromium holds a `.sh` download (the import script) as
                    // "Unconfirmed" until a person keeps it, unless the site is
                    // exempt (the ExemptDomainFileTypePairsFromFileTypeDownloadWarnings policy's pref).
                    "downloads.exempt_domain_filetype_pair_from_file_type_downloads_warnings": [
                        {"file_extension": "sh", "domains": ["127.0.0.1"]}
                    ],
                    "profile.content_settings.exceptions.clipboard": {
                        "http://127.0.0.1:*,*": {"setting": 1}
                    },
                },
            }),
        );
        let client = ClientBuilder::native()
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("connect to chromedriver");
        Self {
            client,
            driver,
            driver_port: port,
            secrets: Default::default(),
            download_dir,
        }
    }

    /// `text` (a token, key bytes in hex or base64) must never be logged.
    pub fn keep_secret(&self, text: &str) {
        self.secrets.lock().unwrap().push(text.to_owned());
    }

    /// Console messages since the last call (chromedriver's browser log).
    pub async fn console_messages(&self) -> Vec<String> {
        let Some(session) = self.client.session_id().await.ok().flatten() else {
            return Vec::new();
        };
        let url = format!(
            "http://127.0.0.1:{}/session/{session}/se/log",
            self.driver_port
        );
        let reply: serde_json::Value = ureq::post(&url)
            .send_json(json!({"type": "browser"}))
            .expect("read the browser console log")
            .body_mut()
            .read_json()
            .expect("the log is JSON");
        reply["value"]
            .as_array()
            .expect("a list of log entries")
            .iter()
            .map(|entry| entry["message"].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    /// Sends a Chrome DevTools Protocol command through chromedriver (e.g.
    /// `Page.addScriptToEvaluateOnNewDocument`, `Network.emulateNetworkConditions`).
    pub async fn cdp(&self, command: &str, params: serde_json::Value) -> serde_json::Value {
        let session = self
            .client
            .session_id()
            .await
            .ok()
            .flatten()
            .expect("a WebDriver session");
        let url = format!(
            "http://127.0.0.1:{}/session/{session}/goog/cdp/execute",
            self.driver_port
        );
        let reply: serde_json::Value = ureq::post(&url)
            .send_json(json!({"cmd": command, "params": params}))
            .unwrap_or_else(|e| panic!("CDP {command}: {e}"))
            .body_mut()
            .read_json()
            .expect("the CDP reply is JSON");
        reply["value"].clone()
    }

    /// Waits for a finished download named `name` and returns its bytes.
    pub async fn downloaded(&self, name: &str) -> Vec<u8> {
        let path = self.download_dir.join(name);
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut previous: Option<Vec<u8>> = None;
        loop {
            if let Ok(bytes) = fs::read(&path) {
                let partial = fs::read_dir(&self.download_dir)
                    .map(|entries| {
                        entries
                            .flatten()
                            .any(|e| e.path().extension().is_some_and(|x| x == "crdownload"))
                    })
                    .unwrap_or(false);
                // Complete when no partial file is left and two reads agree.
                if !partial && !bytes.is_empty() && previous.as_ref() == Some(&bytes) {
                    return bytes;
                }
                previous = Some(bytes);
            }
            assert!(Instant::now() < deadline, "no download {name} within 30 s");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Picks a local file in a file input.
    pub async fn upload(&self, css: &str, path: &Path) {
        let input = self.element(css).await;
        input
            .send_keys(&path.to_string_lossy())
            .await
            .expect("choose the file");
    }

    /// The current `value` of a form control.
    pub async fn value_of(&self, css: &str) -> String {
        let element = self.element(css).await;
        element
            .prop("value")
            .await
            .expect("read value")
            .unwrap_or_default()
    }

    /// Records the body of every request the page sends from now on.
    pub async fn record_requests(&self) {
        self.client
            .execute(
                "if (!window.__requests) {
                   window.__requests = [];
                   const original = window.fetch;
                   window.fetch = function (input, init) {
                     const request = new Request(input, init);
                     request.clone().text().then(body => window.__requests.push(body));
                     return original.call(window, request);
                   };
                 }",
                vec![],
            )
            .await
            .expect("install the request recorder");
    }

    /// Bodies recorded since [`Browser::record_requests`].
    pub async fn recorded_requests(&self) -> Vec<String> {
        let value = self
            .client
            .execute("return window.__requests || [];", vec![])
            .await
            .expect("read recorded requests");
        serde_json::from_value(value).expect("a list of bodies")
    }

    /// Whether any request recorded since [`Browser::record_requests`] is the KMIP
    /// operation `op` (Import, Export), alone or in a batch.
    /// Fails if the recorder was never installed (the check could not fail then).
    pub async fn sent_kmip(&self, op: &str) -> bool {
        let recording = self
            .client
            .execute("return Array.isArray(window.__requests);", vec![])
            .await
            .expect("ask whether requests are recorded");
        assert_eq!(
            recording,
            serde_json::json!(true),
            "no request recorder in this page: call record_requests first"
        );
        let start = format!("{{\"tag\":\"{op}\"");
        let in_batch = format!("\"value\":\"{op}\"");
        self.recorded_requests()
            .await
            .iter()
            .any(|body| body.starts_with(&start) || body.contains(&in_batch))
    }

    /// What the system clipboard holds (the page must have focus).
    pub async fn clipboard(&self) -> String {
        let value = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 navigator.clipboard.readText().then(done, e => done('ERROR ' + e));",
                vec![],
            )
            .await
            .expect("read the clipboard");
        value.as_str().unwrap_or_default().to_owned()
    }

    /// Sets a text field's value the way a paste does (one input event).
    pub async fn paste(&self, css: &str, text: &str) {
        self.element(css).await;
        self.client
            .execute(
                "const el = document.querySelector(arguments[0]);
                 el.focus();
                 el.value = arguments[1];
                 el.dispatchEvent(new Event('input', { bubbles: true }));",
                vec![json!(css), json!(text)],
            )
            .await
            .unwrap_or_else(|e| panic!("cannot paste into `{css}`: {e}"));
    }

    /// Navigates, then starts watching the page: CSP violations and the
    /// body of every request it sends (checked by [`Browser::audit_page`]).
    pub async fn goto(&self, url: &str) {
        self.audit_page().await;
        self.client.goto(url).await.expect("navigate");
        self.client
            .execute(
                "window.__cspViolations = [];
                 document.addEventListener('securitypolicyviolation',
                   e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));",
                vec![],
            )
            .await
            .expect("watch CSP violations");
        self.record_requests().await;
    }

    /// Runs axe-core on the page as it is now and fails on any serious or
    /// critical violation; `state` names the page state in the message.
    pub async fn assert_accessible(&self, state: &str) {
        let found = self.accessibility_violations().await;
        assert!(
            found.is_empty(),
            "accessibility violations on {state}: {found:#?}"
        );
    }

    /// axe-core's serious and critical violations on the page as it is now.
    pub async fn accessibility_violations(&self) -> Vec<String> {
        let axe = std::env::var_os("BYOK_AXE_JS")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                let home = std::env::var_os("HOME")
                    .map(PathBuf::from)
                    .unwrap_or_default();
                home.join(".cache/byok-ui/axe-core-4.14.1/node_modules/axe-core/axe.min.js")
            });
        let source = fs::read_to_string(&axe).unwrap_or_else(|e| {
            panic!(
                "axe-core not found at {} ({e}): {INSTALL_HINT}",
                axe.display()
            )
        });
        self.client
            .execute(&format!("{source}; return true;"), vec![])
            .await
            .expect("inject axe-core");
        let found = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, { resultTypes: ['violations'] }).then(
                   r => done(r.violations
                     .filter(v => v.impact === 'serious' || v.impact === 'critical')
                     .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.map(n => n.target.join(' ')).join(', '))),
                   e => done(['axe failed: ' + e]));",
                vec![],
            )
            .await
            .expect("run axe-core");
        serde_json::from_value(found).expect("a list of violations")
    }

    /// The suite-wide checks, run before leaving each page: no CSP
    /// violation, every Export carries a KeyWrappingSpecification, nothing
    /// in localStorage, no panic and no secret in the console.
    pub async fn audit_page(&self) {
        let secrets = self.secrets.lock().unwrap().clone();
        for message in self.console_messages().await {
            assert!(
                !message.contains("panicked at"),
                "the app panicked: {message}"
            );
            for secret in &secrets {
                assert!(
                    !message.contains(secret.as_str()),
                    "a secret reached the console: {message}"
                );
            }
        }
        let violations = self
            .client
            .execute("return window.__cspViolations || [];", vec![])
            .await
            .expect("read CSP violations");
        assert_eq!(violations, json!([]), "Content-Security-Policy violations");
        for body in self.recorded_requests().await {
            if body.starts_with("{\"tag\":\"Export\"") || body.starts_with("{\"tag\":\"Get\"") {
                assert!(
                    body.contains("\"KeyWrappingSpecification\""),
                    "the app asked for unwrapped key material: {body}"
                );
            }
        }
        let local = self
            .client
            .execute(
                "try { return localStorage.length; } catch (e) { return 0; }",
                vec![],
            )
            .await
            .expect("read localStorage");
        assert_eq!(local, json!(0), "the app wrote to localStorage");
    }

    /// The element matching `css`, once the app has rendered it (20 s at most).
    pub async fn element(&self, css: &str) -> fantoccini::elements::Element {
        self.client
            .wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no `{css}` within 30 s: {e}"))
    }

    /// The texts of the elements matching `css` that a person can see
    /// (hidden ones, e.g. inside a closed `<details>`, are left out).
    pub async fn visible_texts(&self, css: &str) -> Vec<String> {
        let mut texts = Vec::new();
        for element in self
            .client
            .find_all(Locator::Css(css))
            .await
            .unwrap_or_default()
        {
            if element.is_displayed().await.unwrap_or(false) {
                texts.push(element.text().await.unwrap_or_default());
            }
        }
        texts
    }

    /// Waits until exactly one element matching `css` is visible and its text
    /// satisfies `check`, and returns that text.
    pub async fn wait_for_text(&self, css: &str, check: impl Fn(&str) -> bool) -> String {
        self.wait_for_text_within(css, 30, check).await
    }

    /// [`Browser::wait_for_text`] with a longer or shorter patience.
    pub async fn wait_for_text_within(
        &self,
        css: &str,
        seconds: u64,
        check: impl Fn(&str) -> bool,
    ) -> String {
        let deadline = Instant::now() + Duration::from_secs(seconds);
        let mut last;
        loop {
            let visible = self.visible_texts(css).await;
            if let [text] = visible.as_slice()
                && check(text)
            {
                return text.clone();
            }
            last = match visible.len() {
                1 => visible[0].clone(),
                0 => "(nothing visible)".to_owned(),
                n => format!("({n} visible matches, expected one: {visible:?})"),
            };
            if Instant::now() > deadline {
                static TIMEOUTS: AtomicU32 = AtomicU32::new(0);
                let n = TIMEOUTS.fetch_add(1, Ordering::Relaxed);
                self.screenshot(&format!("timeout-{n}")).await;
                let errors = self
                    .client
                    .execute(
                        "return [...document.querySelectorAll('.error-text,[role=status]')].map(e => e.textContent);",
                        vec![],
                    )
                    .await
                    .unwrap_or_default();
                eprintln!("messages on the page at the timeout: {errors}");
                panic!(
                    "no visible `{css}` with the expected text within {seconds} s; last text: {last:?}"
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the page's URL has `path` (a link's navigation finishes
    /// once the new page's code is loaded), and returns the URL's query.
    pub async fn wait_for_path(&self, path: &str) -> Option<String> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let url = self.client.current_url().await.expect("the page's URL");
            if url.path() == path {
                return url.query().map(str::to_owned);
            }
            assert!(
                Instant::now() < deadline,
                "the page stayed at {url}, expected {path} within 30 s"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn click(&self, css: &str) {
        self.client
            .wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no `{css}`: {e}"))
            .click()
            .await
            .unwrap_or_else(|e| panic!("cannot click `{css}`: {e}"));
    }

    /// Presses keys on whatever has the focus, through the WebDriver
    /// keyboard (e.g. "\u{E004}" for Tab), as a person types.
    pub async fn press(&self, keys: &str) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let mut actions = KeyActions::new("keyboard".to_owned());
        for value in keys.chars() {
            actions = actions
                .then(KeyAction::Down { value })
                .then(KeyAction::Up { value });
        }
        self.client
            .perform_actions(actions)
            .await
            .expect("press keys");
    }

    /// Whether the focused element matches `css`.
    pub async fn focus_is_on(&self, css: &str) -> bool {
        let focused = self
            .client
            .execute(
                "return document.activeElement.matches(arguments[0]);",
                vec![json!(css)],
            )
            .await
            .expect("read the focus");
        focused == json!(true)
    }

    /// Presses Tab until the focused element matches `css` (at most 80 times).
    pub async fn tab_to(&self, css: &str) {
        for _ in 0..80 {
            if self.focus_is_on(css).await {
                return;
            }
            self.press(TAB).await;
        }
        panic!("Tab never reached `{css}`");
    }

    /// Chooses `value` in the select matching `css`.
    pub async fn select(&self, css: &str, value: &str) {
        self.element(css)
            .await
            .select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("cannot select {value} in `{css}`: {e}"));
    }

    /// The CSS selector of the control whose visible label reads `label`
    /// (the first such label), once the app has rendered it (30 s at most).
    pub async fn labelled(&self, label: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let id = self
                .client
                .execute(
                    "const label = [...document.querySelectorAll('label')]
                       .find(l => l.offsetParent !== null && l.textContent.trim() === arguments[0]);
                     return label ? label.htmlFor : null;",
                    vec![json!(label)],
                )
                .await
                .expect("look for a label");
            if let Some(id) = id.as_str().filter(|id| !id.is_empty()) {
                return format!("#{id}");
            }
            assert!(Instant::now() < deadline, "no visible label {label:?}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Clicks the one visible button whose text reads `name`, as a person
    /// picks a button by what it says (30 s at most).
    /// A button the page redraws between finding and clicking (a re-render
    /// replacing it) is found again, as a person clicks what they now see.
    pub async fn click_button(&self, name: &str) {
        let xpath = format!("//button[normalize-space()={}]", xpath_literal(name));
        for attempt in 1.. {
            match self.one_visible(&xpath).await.click().await {
                Ok(_) => return,
                Err(e) if attempt < 3 && e.to_string().contains("stale element") => {}
                Err(e) => panic!("cannot click the button {name:?}: {e}"),
            }
        }
    }

    /// Clicks the one visible button whose text starts with `start` (a download
    /// button's text ends with the file's size, which the test does not know).
    pub async fn click_button_starting(&self, start: &str) {
        let xpath = format!(
            "//button[starts-with(normalize-space(), {})]",
            xpath_literal(start)
        );
        self.one_visible(&xpath)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("cannot click the button starting {start:?}: {e}"));
    }

    /// Opens `page` from the navigation as a person does: the button of its
    /// group, then the link that names it.
    pub async fn open_from_nav(&self, page: Page) {
        if self.nav_menu_button_closed().await {
            self.click_button("Menu").await;
        }
        self.click_button(page.group().label()).await;
        self.one_visible(&format!(
            "//nav//a[normalize-space()={}]",
            xpath_literal(page.label())
        ))
        .await
        .click()
        .await
        .unwrap_or_else(|e| panic!("cannot follow the link {:?}: {e}", page.label()));
    }

    /// Whether the narrow screen's "Menu" button is shown with the groups behind it.
    pub async fn nav_menu_button_closed(&self) -> bool {
        self.client
            .execute(
                "const b = document.querySelector('nav > button.nav-all-toggle');
                 return !!b && b.checkVisibility() && b.getAttribute('aria-expanded') === 'false';",
                vec![],
            )
            .await
            .expect("read the navigation")
            .as_bool()
            .expect("a boolean")
    }

    /// Clicks the one visible label reading `text` (how a person ticks a
    /// checkbox or picks a radio button).
    pub async fn click_label(&self, text: &str) {
        self.one_visible(&format!(
            "//label[normalize-space()={}]",
            xpath_literal(text)
        ))
        .await
        .click()
        .await
        .unwrap_or_else(|e| panic!("cannot click the label {text:?}: {e}"));
    }

    /// Waits until exactly one element matching `xpath` is visible, and returns it.
    async fn one_visible(&self, xpath: &str) -> fantoccini::elements::Element {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let mut visible = Vec::new();
            for element in self
                .client
                .find_all(Locator::XPath(xpath))
                .await
                .unwrap_or_default()
            {
                if element.is_displayed().await.unwrap_or(false) {
                    visible.push(element);
                }
            }
            if visible.len() == 1 {
                return visible.remove(0);
            }
            assert!(
                Instant::now() < deadline,
                "{} visible `{xpath}` within 30 s, expected one",
                visible.len()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Clicks the `n`-th (from 0) element matching `css`, as a user would.
    pub async fn click_nth(&self, css: &str, n: usize) {
        self.element(css).await;
        let elements = self
            .client
            .find_all(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no `{css}`: {e}"));
        elements
            .get(n)
            .unwrap_or_else(|| panic!("fewer than {} `{css}`", n + 1))
            .click()
            .await
            .unwrap_or_else(|e| panic!("cannot click `{css}` #{n}: {e}"));
    }

    pub async fn fill(&self, css: &str, text: &str) {
        let element = self
            .client
            .wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no `{css}`: {e}"));
        element.clear().await.expect("clear field");
        element.send_keys(text).await.expect("type into field");
    }

    /// Saves a PNG under `target/screenshots/` so a person can look.
    pub async fn screenshot(&self, name: &str) {
        let dir = workspace().join("target").join("screenshots");
        let _ = fs::create_dir_all(&dir);
        if let Ok(png) = self.client.screenshot().await {
            let _ = fs::write(dir.join(format!("{name}.png")), png);
        }
    }

    /// Reads `sessionStorage`/`localStorage` contents as JSON text.
    pub async fn storage_dump(&self) -> String {
        self.client
            .execute(
                "return JSON.stringify({local: {...localStorage}, session: {...sessionStorage}});",
                vec![],
            )
            .await
            .expect("read storage")
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// chromedriver's and Chromium's live processes.
    pub fn pids(&self) -> Vec<u32> {
        self.driver.pids()
    }

    /// Audits the last page, ends the session, then the processes (also
    /// ended when a failing test drops the browser without closing it).
    pub async fn close(self) {
        self.audit_page().await;
        let _ = self.client.clone().close().await;
    }
}

/// `text` as an XPath string literal (XPath 1.0 has no escapes).
fn xpath_literal(text: &str) -> String {
    if !text.contains('\'') {
        format!("'{text}'")
    } else if !text.contains('"') {
        format!("\"{text}\"")
    } else {
        let parts: Vec<String> = text.split('\'').map(|p| format!("'{p}'")).collect();
        format!("concat({})", parts.join(", \"'\", "))
    }
}

/// Prints, once per run and past the test output capture, which Chromium
/// and chromedriver this run uses, so a browser update shows in every log.
fn print_browser_versions(chromium: &Path, chromedriver: &Path) {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        use std::io::Write;
        let version = |program: &Path| {
            Command::new(program)
                .arg("--version")
                .output()
                .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
                .unwrap_or_else(|e| format!("{} (no version: {e})", program.display()))
        };
        let _ = writeln!(
            std::io::stderr(),
            "end-to-end browser: {} · {}",
            version(chromium),
            version(chromedriver)
        );
    });
}

/// Pictures of the page for the documentation (the README's, taken by
/// `tests/e2e/readme_pictures.rs`): scroll a part into view, then save the viewport.
impl Browser {
    /// Scrolls the element matching `css` to the top of the viewport, a line
    /// below the edge, as a person scrolls to the part they read.
    pub async fn scroll_into_view(&self, css: &str) {
        self.element(css).await;
        self.client
            .execute(
                "const el = document.querySelector(arguments[0]);
                 el.scrollIntoView({ block: 'start', behavior: 'instant' });
                 window.scrollBy({ top: -16, behavior: 'instant' });",
                vec![json!(css)],
            )
            .await
            .unwrap_or_else(|e| panic!("cannot scroll to `{css}`: {e}"));
    }

    /// Scrolls back to the top of the page (the header and the navigation).
    pub async fn scroll_to_top(&self) {
        self.client
            .execute("window.scrollTo({ top: 0, behavior: 'instant' });", vec![])
            .await
            .expect("scroll to the top");
    }

    /// Saves the viewport as `<dir>/<name>.png`, failing (unlike
    /// [`Browser::screenshot`]) when the picture cannot be taken or written.
    pub async fn screenshot_into(&self, dir: &Path, name: &str) -> PathBuf {
        fs::create_dir_all(dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
        let png = self
            .client
            .screenshot()
            .await
            .unwrap_or_else(|e| panic!("cannot take the picture {name}: {e}"));
        let path = dir.join(format!("{name}.png"));
        fs::write(&path, png).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        path
    }

    /// Sets the viewport to `width` × `height` CSS pixels (one device pixel
    /// each, as [`Browser::start_with`] emulates it), e.g. to fit a tall part in one picture.
    pub async fn set_viewport(&self, (width, height): (u32, u32)) {
        self.cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": width, "height": height, "deviceScaleFactor": 1.0, "mobile": true}),
        )
        .await;
    }

    /// Follows the one visible link whose text reads `text` (30 s at most).
    pub async fn click_link(&self, text: &str) {
        self.one_visible(&format!("//a[normalize-space()={}]", xpath_literal(text)))
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("cannot follow the link {text:?}: {e}"));
    }
}
