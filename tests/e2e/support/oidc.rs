//! A real OpenID Provider on loopback (npm `oidc-provider`, run by Node from
//! `oidc_provider.mjs` beside this file), for tests that sign in to the KMS
//! through OpenID Connect, and the browser steps a person takes on its pages.
//!
//! The provider's issuer is plain http; it also serves its keys over https
//! (a self-signed certificate for 127.0.0.1 made with the `openssl` CLI)
//! because the KMS refuses an http `--jwt-auth-provider` JWKS URI. Start the
//! KMS with [`crate::Kms::with_oidc`] (or [`Oidc::kms_settings`] in
//! [`crate::KmsOptions`]): it trusts that certificate through `SSL_CERT_FILE`.
//!
//! ```ignore
//! let kms_port = free_port();
//! let oidc = Oidc::start(&USERS, kms_port);
//! let kms = Kms::with_oidc(&oidc, &[ALICE]);
//! browser.goto(&kms.ui_url("/ui/login_flow")).await;
//! oidc.sign_in_at_provider(&browser, ALICE, password_of(ALICE)).await;
//! let bob = oidc.token_for(BOB); // `Authorization: Bearer` as bob
//! ```

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::browser::Browser;
use crate::kms::{KmsOidc, KmsUiClient};
use crate::paths::{free_port, scratch_dir, workspace};
use crate::processes::Owned;

/// The npm `oidc-provider` version `cargo xtask setup` installs.
pub const OIDC_PROVIDER_VERSION: &str = "9.13.3";

pub const ALICE: &str = "alice@example.com";
pub const BOB: &str = "bob@example.com";
pub const CAROL: &str = "carol@example.com";

/// Three users and their passwords, for [`Oidc::start`].
pub const USERS: [(&str, &str); 3] = [
    (ALICE, "alice-password"),
    (BOB, "bob-password"),
    (CAROL, "carol-password"),
];

/// The password [`USERS`] gives `email`.
pub fn password_of(email: &str) -> &'static str {
    USERS
        .iter()
        .find(|(user, _)| *user == email)
        .map(|(_, password)| *password)
        .unwrap_or_else(|| panic!("{email} is not one of USERS"))
}

const HINT: &str =
    "run `cargo xtask setup` (it installs npm oidc-provider under ~/.cache/byok-ui/)";

/// How to start the provider.
#[derive(Clone, Debug)]
pub struct OidcOptions {
    /// Email and password of each user who may sign in.
    pub users: Vec<(String, String)>,
    /// The KMS's port: the client's redirect URI is
    /// `http://127.0.0.1:<kms_port>/ui/callback`, its post-logout one `…/ui/login`.
    pub kms_port: u16,
    /// Show the consent page ("Allow" / "Deny") after signing in (default);
    /// `false` grants at once.
    pub consent: bool,
}

/// A running OpenID Provider, ended when dropped.
pub struct Oidc {
    _child: Owned,
    /// `http://127.0.0.1:<port>` (no trailing slash): the issuer, and where
    /// discovery, `/auth`, `/token`, `/session/end` and `/jwks` are.
    pub issuer: String,
    /// `https://127.0.0.1:<port>/jwks`: the same keys over https.
    pub jwks_url: String,
    /// The self-signed certificate the https JWKS is served with (PEM).
    pub cert_path: PathBuf,
    pub client_id: String,
    pub client_secret: String,
    pub kms_port: u16,
    dir: PathBuf,
}

impl Oidc {
    /// The provider with `users` (email, password), its one client being the
    /// KMS on `kms_port`, consent shown.
    pub fn start(users: &[(&str, &str)], kms_port: u16) -> Self {
        Self::start_with(OidcOptions {
            users: users
                .iter()
                .map(|(email, password)| ((*email).to_owned(), (*password).to_owned()))
                .collect(),
            kms_port,
            consent: true,
        })
    }

    pub fn start_with(options: OidcOptions) -> Self {
        let node = node_binary();
        let modules = oidc_provider_modules();
        let dir = scratch_dir("oidc");
        let (cert_path, key_path) = self_signed_certificate(&dir);
        let issuer_port = free_port();
        let jwks_port = free_port();
        let client_id = "cosmian-kms-ui".to_owned();
        let client_secret = format!("secret-{}", hex::encode(rand::random::<[u8; 16]>()));
        let kms = format!("http://127.0.0.1:{}", options.kms_port);
        let config = json!({
            "issuer_port": issuer_port,
            "jwks_port": jwks_port,
            "tls_cert": cert_path,
            "tls_key": key_path,
            "client": {
                "client_id": client_id,
                "client_secret": client_secret,
                "redirect_uris": [format!("{kms}/ui/callback")],
                "post_logout_redirect_uris": [format!("{kms}/ui/login")],
            },
            "users": options.users.iter()
                .map(|(email, password)| json!({"email": email, "password": password}))
                .collect::<Vec<_>>(),
            "consent": options.consent,
        });
        let config_path = dir.join("config.json");
        fs::write(&config_path, config.to_string()).expect("write the provider's config");
        let log_path = dir.join("provider.log");
        let log = fs::File::create(&log_path).expect("create the provider's log");
        let script = workspace()
            .join("tests")
            .join("e2e")
            .join("support")
            .join("oidc_provider.mjs");
        let mut child = Owned::spawn(
            Command::new(node)
                .arg(script)
                .arg(&modules)
                .arg(&config_path)
                .current_dir(&dir)
                .stdin(Stdio::null())
                .stdout(log.try_clone().expect("log handle"))
                .stderr(log),
            "the OpenID Provider",
        );
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let text = fs::read_to_string(&log_path).unwrap_or_default();
            if text.contains("OIDC provider ready:") {
                break;
            }
            if let Some(status) = child.try_wait() {
                panic!("the OpenID Provider exited at start ({status}):\n{text}");
            }
            assert!(
                Instant::now() < deadline,
                "the OpenID Provider was not ready within 30 s:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Self {
            _child: child,
            issuer: format!("http://127.0.0.1:{issuer_port}"),
            jwks_url: format!("https://127.0.0.1:{jwks_port}/jwks"),
            cert_path,
            client_id,
            client_secret,
            kms_port: options.kms_port,
            dir,
        }
    }

    /// A JWT for `email` signed with the provider's key: iss = the issuer,
    /// aud = the client id, sub, email, exp in one hour. Any email works.
    pub fn token_for(&self, email: &str) -> String {
        self.token_with(email, 3600, None)
    }

    /// [`Oidc::token_for`] expiring `expires_in` seconds from now (negative:
    /// already expired), for `audience` instead of the client id if given.
    pub fn token_with(&self, email: &str, expires_in: i64, audience: Option<&str>) -> String {
        let mut request = ureq::get(&format!("{}/test-only/token", self.issuer))
            .query("email", email)
            .query("expires_in", expires_in.to_string());
        if let Some(audience) = audience {
            request = request.query("aud", audience);
        }
        request
            .call()
            .unwrap_or_else(|e| panic!("the provider mints no token for {email}: {e}"))
            .body_mut()
            .read_to_string()
            .expect("the token is text")
    }

    /// The provider's RP-initiated logout endpoint.
    pub fn logout_url(&self) -> String {
        format!("{}/session/end", self.issuer)
    }

    /// What the KMS needs to sign users in with this provider: bearer JWTs
    /// checked against the https JWKS (audience: the client id) and the
    /// browser sign-in run by the KMS (`--ui-oidc-*`).
    pub fn kms_settings(&self) -> KmsOidc {
        KmsOidc {
            issuer: self.issuer.clone(),
            jwks_url: self.jwks_url.clone(),
            audience: Some(self.client_id.clone()),
            ca_cert: self.cert_path.clone(),
            ui_client: Some(KmsUiClient {
                client_id: self.client_id.clone(),
                client_secret: Some(self.client_secret.clone()),
                logout_url: Some(self.logout_url()),
            }),
        }
    }

    /// Every request the provider served so far, one line each (method, path
    /// without its query, status), and anything it printed.
    pub fn log(&self) -> String {
        fs::read_to_string(self.dir.join("provider.log")).unwrap_or_default()
    }

    /// On the provider's sign-in page (where `/ui/login_flow` leads): types
    /// `email` and `password` into the fields labelled "Email" and
    /// "Password", presses "Sign in", then "Allow" if consent is asked, and
    /// waits until the browser has left the provider. Fails with the
    /// provider's message if it refuses.
    pub async fn sign_in_at_provider(&self, browser: &Browser, email: &str, password: &str) {
        let email_field = browser.labelled("Email").await;
        let here = browser.client.current_url().await.expect("the page's URL");
        assert!(
            here.as_str().starts_with(&self.issuer),
            "expected the provider's sign-in page, the browser is at {here}"
        );
        browser.fill(&email_field, email).await;
        let password_field = browser.labelled("Password").await;
        browser.fill(&password_field, password).await;
        browser.click_button("Sign in").await;
        self.leave_provider(browser, "Allow").await;
    }

    /// On the provider's sign-out page (where `/ui/logout` leads): presses
    /// "Sign out" and waits until the browser has left the provider (back to
    /// the KMS's `/ui/login`) or shows "Signed out".
    pub async fn sign_out_at_provider(&self, browser: &Browser) {
        browser
            .wait_for_text("h1", |t| t == "Sign out" || t == "Signed out")
            .await;
        if browser.visible_texts("h1").await == ["Sign out"] {
            browser.click_button("Sign out").await;
        }
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let url = browser.client.current_url().await.expect("the page's URL");
            if !url.as_str().starts_with(&self.issuer)
                || browser.visible_texts("h1").await == ["Signed out"]
            {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "still at the provider's {url} 30 s after \"Sign out\""
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the browser is off the provider, pressing `button` on any
    /// page of it that offers one; fails on a page showing an alert.
    async fn leave_provider(&self, browser: &Browser, button: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut pressed_on = None;
        loop {
            let url = browser.client.current_url().await.expect("the page's URL");
            if !url.as_str().starts_with(&self.issuer) {
                return;
            }
            let alerts = browser.visible_texts("[role=alert]").await;
            assert!(
                alerts.is_empty(),
                "the provider refused at {url}: {alerts:?}\nprovider log:\n{}",
                self.log()
            );
            if pressed_on.as_ref() != Some(&url)
                && browser
                    .visible_texts("button")
                    .await
                    .iter()
                    .any(|text| text.trim() == button)
            {
                browser.click_button(button).await;
                pressed_on = Some(url.clone());
            }
            assert!(
                Instant::now() < deadline,
                "still at the provider's {url} after 30 s\nprovider log:\n{}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// Runs `fetch(path)` in the page, same-origin (so with the KMS's session
/// cookie, as the app's own calls go): `method`, and `body` sent as JSON if
/// given. Returns the status and the reply's text (status 0 and the error if
/// the fetch itself failed).
pub async fn fetch_in_page(
    browser: &Browser,
    method: &str,
    path: &str,
    body: Option<&serde_json::Value>,
) -> (u16, String) {
    let reply = browser
        .client
        .execute_async(
            "const [method, path, body, done] = arguments;
             const init = { method };
             if (body !== null) {
               init.body = JSON.stringify(body);
               init.headers = { 'Content-Type': 'application/json' };
             }
             fetch(path, init).then(
               async r => done([r.status, await r.text()]),
               e => done([0, String(e)]));",
            vec![json!(method), json!(path), json!(body)],
        )
        .await
        .unwrap_or_else(|e| panic!("cannot fetch {path} in the page: {e}"));
    let status = reply[0].as_u64().expect("a status") as u16;
    (status, reply[1].as_str().unwrap_or_default().to_owned())
}

/// `node` (or `BYOK_NODE`), checked to run.
fn node_binary() -> PathBuf {
    let node = std::env::var_os("BYOK_NODE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("node"));
    let runs = Command::new(&node)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        runs,
        "Node.js not found (`{}`; set BYOK_NODE): install Node.js 20 or later \
         (e.g. `apt-get install nodejs npm`), then {HINT}",
        node.display()
    );
    node
}

/// The `node_modules` folder holding npm `oidc-provider`
/// (`BYOK_OIDC_PROVIDER_MODULES`, else the one `cargo xtask setup` installs).
fn oidc_provider_modules() -> PathBuf {
    let modules = std::env::var_os("BYOK_OIDC_PROVIDER_MODULES")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let home = std::env::var_os("HOME")
                .map(PathBuf::from)
                .unwrap_or_default();
            home.join(".cache")
                .join("byok-ui")
                .join(format!("oidc-provider-{OIDC_PROVIDER_VERSION}"))
                .join("node_modules")
        });
    assert!(
        modules.join("oidc-provider").join("package.json").exists(),
        "npm oidc-provider {OIDC_PROVIDER_VERSION} not found in {} \
         (set BYOK_OIDC_PROVIDER_MODULES to a node_modules folder holding it, or {HINT})",
        modules.display()
    );
    modules
}

/// A self-signed certificate for `127.0.0.1` (CN and IP SAN) and its key, in `dir`.
fn self_signed_certificate(dir: &Path) -> (PathBuf, PathBuf) {
    let cert = dir.join("jwks-cert.pem");
    let key = dir.join("jwks-key.pem");
    let output = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "ec", "-pkeyopt"])
        .args(["ec_paramgen_curve:prime256v1", "-nodes", "-days", "2"])
        .args([
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run the `openssl` CLI ({e}): install it (`apt-get install openssl`)")
        });
    assert!(
        output.status.success(),
        "openssl could not make the JWKS certificate: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    (cert, key)
}
