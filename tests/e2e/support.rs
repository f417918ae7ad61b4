//! The real parts the end-to-end tests drive: a Cosmian KMS process on a free
//! loopback port with a fresh sqlite directory, and headless Chromium through
//! chromedriver. A missing part fails the run with an install hint.

use std::fs;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use byok_ui::kmip::Ttlv;
use fantoccini::{Client, ClientBuilder, Locator};

use crate::processes::Owned;
use serde_json::json;

/// WebDriver key codes.
pub const TAB: &str = "\u{E004}";
pub const ENTER: &str = "\u{E007}";
pub const SPACE: &str = "\u{E00D}";
pub const ARROW_DOWN: &str = "\u{E015}";

const INSTALL_HINT: &str =
    "run `cargo xtask setup` (it installs chromium, chromium-driver and the KMS server)";

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fresh, unique directory under `target/e2e/`.
pub fn scratch_dir(name: &str) -> PathBuf {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let dir = workspace()
        .join("target")
        .join("e2e")
        .join(format!("{name}-{}-{n}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind a free loopback port")
        .port()
}

fn required_file(env_var: &str, default: PathBuf, what: &str) -> PathBuf {
    let path = std::env::var_os(env_var)
        .map(PathBuf::from)
        .unwrap_or(default);
    assert!(
        path.exists(),
        "{what} not found at {} (set {env_var} or {INSTALL_HINT})",
        path.display()
    );
    path
}

fn kms_binary() -> PathBuf {
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default();
    required_file(
        "BYOK_KMS_BIN",
        home.join(".cargo/bin/byok-kms-server"),
        "the Cosmian KMS server (byok-kms-server)",
    )
}

/// The built bundle; `cargo xtask build` makes it.
pub fn dist_dir() -> PathBuf {
    let dist = std::env::var_os("BYOK_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("dist"));
    assert!(
        dist.join("index.html").exists(),
        "no bundle at {}: run `cargo xtask build` first",
        dist.display()
    );
    dist
}

/// How to start a KMS.
#[derive(Clone, Debug, Default)]
pub struct KmsOptions {
    pub serve_ui: bool,
    pub api_token_id: Option<String>,
    pub cors_allowed_origins: Option<String>,
    /// Reuse this data directory (to restart a server on its database).
    pub data_dir: Option<PathBuf>,
    pub port: Option<u16>,
}

/// A running Cosmian KMS, stopped when dropped.
pub struct Kms {
    child: Option<Owned>,
    /// Sent by the harness's own KMIP calls when the server wants a token.
    pub token: Option<String>,
    pub port: u16,
    pub data_dir: PathBuf,
    options: KmsOptions,
}

impl Kms {
    /// A fresh KMS serving the built UI at `/ui/`.
    pub fn with_ui() -> Self {
        Self::start(KmsOptions {
            serve_ui: true,
            ..Default::default()
        })
    }

    pub fn start(options: KmsOptions) -> Self {
        let data_dir = options
            .data_dir
            .clone()
            .unwrap_or_else(|| scratch_dir("kms"));
        let port = options.port.unwrap_or_else(free_port);
        let mut kms = Self {
            child: None,
            token: None,
            port,
            data_dir,
            options,
        };
        kms.spawn();
        kms
    }

    fn spawn(&mut self) {
        let log = fs::File::create(self.data_dir.join(format!("server-{}.log", self.port)))
            .expect("create server log");
        let mut cmd = Command::new(kms_binary());
        cmd.current_dir(&self.data_dir)
            .env_remove("COSMIAN_KMS_CONF")
            .env("RUST_LOG", "warn")
            .args(["--hostname", "127.0.0.1", "--port", &self.port.to_string()])
            .arg("--sqlite-path")
            .arg(self.data_dir.join("db"))
            .arg("--root-data-path")
            .arg(self.data_dir.join("root"))
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log handle"))
            .stderr(log);
        if self.options.serve_ui {
            cmd.arg("--ui-index-html-folder").arg(dist_dir());
        }
        if let Some(id) = &self.options.api_token_id {
            cmd.args(["--api-token-id", id]);
        }
        if let Some(origins) = &self.options.cors_allowed_origins {
            cmd.args(["--cors-allowed-origins", origins]);
        }
        self.child = Some(Owned::spawn(&mut cmd, "the KMS server"));
        self.wait_ready();
    }

    fn wait_ready(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = self.child.as_mut().and_then(Owned::try_wait) {
                let log =
                    fs::read_to_string(self.data_dir.join(format!("server-{}.log", self.port)))
                        .unwrap_or_default();
                panic!("the KMS server exited at start ({status}):\n{log}");
            }
            if ureq::get(&format!("{}/version", self.url()))
                .call()
                .is_ok_and(|r| r.status() == 200)
            {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the KMS did not answer /version within 60 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn ui_url(&self, path: &str) -> String {
        format!("{}{path}", self.url())
    }

    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.end();
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", self.port)).is_ok() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The server's live processes (none once stopped).
    pub fn pids(&self) -> Vec<u32> {
        self.child.as_ref().map(Owned::pids).unwrap_or_default()
    }

    /// Starts again after [`Kms::stop`], same options, port and database.
    pub fn resume(&mut self) {
        self.spawn();
    }

    /// Starts again on the same port and database.
    pub fn restart(&mut self, options: KmsOptions) {
        self.stop();
        self.options = options;
        self.spawn();
    }

    /// Sends one KMIP operation; `Err((status, body))` on an HTTP error.
    pub fn kmip(&self, operation: &Ttlv) -> Result<Ttlv, (u16, String)> {
        self.kmip_json(&operation.to_json(), self.token.as_deref())
    }

    pub fn kmip_json(
        &self,
        body: &serde_json::Value,
        token: Option<&str>,
    ) -> Result<Ttlv, (u16, String)> {
        let mut request = ureq::post(&format!("{}/kmip/2_1", self.url()))
            .config()
            .http_status_as_error(false)
            .build();
        if let Some(token) = token {
            request = request.header("Authorization", &format!("Bearer {token}"));
        }
        let mut response = request
            .send_json(body)
            .expect("KMIP request reaches the server");
        let status = response.status().as_u16();
        let text = response.body_mut().read_to_string().unwrap_or_default();
        if status == 200 {
            Ok(Ttlv::from_json_text(&text).expect("the reply is JSON TTLV"))
        } else {
            Err((status, text))
        }
    }

    /// Every object with all its attributes, for "nothing changed" checks.
    pub fn snapshot(&self) -> Vec<(String, String)> {
        self.object_ids()
            .into_iter()
            .map(|id| {
                let attributes = self
                    .kmip(&byok_ui::kmip::get_attributes(&id, &[]))
                    .expect("GetAttributes succeeds");
                (id, attributes.to_json().to_string())
            })
            .collect()
    }

    /// A KMS serving the UI that wants an API token; returns the token.
    pub fn with_api_token() -> (Self, String) {
        Self::with_api_token_and(KmsOptions {
            serve_ui: true,
            ..Default::default()
        })
    }

    /// A KMS started with `options` plus an API token (kept in `token`).
    pub fn with_api_token_and(options: KmsOptions) -> (Self, String) {
        let token_bytes = [7_u8; 32];
        let mut kms = Self::start(KmsOptions {
            port: options.port,
            ..Default::default()
        });
        let import = json!({"tag":"Import","value":[
            {"tag":"UniqueIdentifier","type":"TextString","value":"api-token"},
            {"tag":"ObjectType","type":"Enumeration","value":"SymmetricKey"},
            {"tag":"Attributes","value":[
                {"tag":"CryptographicAlgorithm","type":"Enumeration","value":"AES"},
                {"tag":"CryptographicLength","type":"Integer","value":256},
                {"tag":"ActivationDate","type":"DateTime","value":"2020-01-01T00:00:00Z"}]},
            {"tag":"SymmetricKey","value":[{"tag":"KeyBlock","value":[
                {"tag":"KeyFormatType","type":"Enumeration","value":"Raw"},
                {"tag":"KeyValue","value":[{"tag":"KeyMaterial","type":"ByteString","value":hex::encode(token_bytes)}]},
                {"tag":"CryptographicAlgorithm","type":"Enumeration","value":"AES"},
                {"tag":"CryptographicLength","type":"Integer","value":256}]}]}]});
        kms.kmip_json(&import, None).expect("import the token key");
        kms.restart(KmsOptions {
            api_token_id: Some("api-token".into()),
            data_dir: same_dir(&kms),
            port: Some(kms.port),
            ..options
        });
        use base64::Engine;
        let token = base64::engine::general_purpose::STANDARD.encode(token_bytes);
        kms.token = Some(token.clone());
        (kms, token)
    }

    /// The KMS's vendor id (needed to read and write tags).
    pub fn vendor_id(&self) -> String {
        byok_ui::kmip::parse_query_vendor_id(
            &self
                .kmip(&byok_ui::kmip::query_server_information())
                .expect("Query succeeds"),
        )
        .expect("the reply names the vendor")
    }

    /// Every object id in the store (for "nothing changed" checks).
    pub fn object_ids(&self) -> Vec<String> {
        let reply = self
            .kmip(&byok_ui::kmip::locate(&Default::default()))
            .expect("Locate succeeds");
        let mut ids = byok_ui::kmip::parse_locate(&reply).expect("LocateResponse");
        ids.sort();
        ids
    }

    /// Test-only clear export of a key's bytes, to compare with an independent
    /// unwrap. The app itself never sends an export without wrapping.
    pub fn key_bytes_in_clear(&self, id: &str) -> Vec<u8> {
        self.export_in_clear(id, "Raw")
    }

    /// Test-only read-back of a private key as PKCS#8 DER.
    pub fn private_key_pkcs8(&self, id: &str) -> Vec<u8> {
        self.export_in_clear(id, "PKCS8")
    }

    /// Test-only read-back of a public key's SPKI DER.
    pub fn public_key_der(&self, id: &str) -> Vec<u8> {
        self.export_in_clear(id, "PKCS8")
    }

    fn export_in_clear(&self, id: &str, format: &str) -> Vec<u8> {
        let reply = self
            .kmip_json(
                &json!({"tag":"Export","value":[
                    {"tag":"UniqueIdentifier","type":"TextString","value":id},
                    {"tag":"KeyFormatType","type":"Enumeration","value":format}]}),
                None,
            )
            .expect("clear export for the test");
        let object = reply
            .children()
            .iter()
            .find(|c| c.child("KeyBlock").is_some())
            .expect("exported object");
        let key_value = object
            .require("KeyBlock")
            .unwrap()
            .require("KeyValue")
            .unwrap();
        key_value
            .require("KeyMaterial")
            .expect("KeyMaterial")
            .as_bytes()
            .expect("bytes")
            .to_vec()
    }
}

impl Drop for Kms {
    fn drop(&mut self) {
        self.stop();
    }
}

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

    /// Presses Tab until the focused element matches `css` (at most 80 times).
    pub async fn tab_to(&self, css: &str) {
        for _ in 0..80 {
            let focused = self
                .client
                .execute(
                    "return document.activeElement.matches(arguments[0]);",
                    vec![json!(css)],
                )
                .await
                .expect("read the focus");
            if focused == json!(true) {
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

    /// After the guided flow's one click: the key material id it reports.
    pub async fn guided_key_id(&self) -> String {
        let done = self
            .wait_for_text("[data-testid=byok-done]", |t| !t.is_empty())
            .await;
        done.strip_prefix("Key material ")
            .and_then(|rest| rest.split(' ').next())
            .expect("the key id is shown")
            .to_owned()
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

/// A file under `tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    workspace().join("tests").join("fixtures").join(name)
}

/// The path a test can give to the KMS's data dir for later restarts.
pub fn same_dir(kms: &Kms) -> Option<PathBuf> {
    Some(Path::new(&kms.data_dir).to_path_buf())
}
