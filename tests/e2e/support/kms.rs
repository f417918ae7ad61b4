//! The real Cosmian KMS on a free loopback port with a fresh sqlite directory,
//! and the harness's own KMIP calls to it (plain HTTP through ureq).

use std::fs;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use byok_ui::kmip::Ttlv;
use serde_json::{Value, json};

use crate::oidc::Oidc;
use crate::paths::{dist_dir, free_port, required_file, scratch_dir};
use crate::processes::Owned;

/// The Cosmian KMS version the suite and the bench run against (the server
/// reports it at `/version` and the app shows it).
pub const KMS_VERSION: &str = "5.28.0";

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

/// How to start a KMS.
#[derive(Clone, Debug, Default)]
pub struct KmsOptions {
    pub serve_ui: bool,
    /// Serve this folder at `/ui` instead of the built bundle (with `serve_ui`).
    pub ui_dir: Option<PathBuf>,
    pub api_token_id: Option<String>,
    pub cors_allowed_origins: Option<String>,
    /// Reuse this data directory (to restart a server on its database).
    pub data_dir: Option<PathBuf>,
    pub port: Option<u16>,
    /// Sign users in through OpenID Connect (see [`crate::Oidc::kms_settings`]).
    pub oidc: Option<KmsOidc>,
    /// `--crypto-officer-users`, once per user: only they (or users granted
    /// `Create`) may create or import objects. Empty: everyone may.
    pub crypto_officers: Vec<String>,
}

/// How the KMS signs users in through OpenID Connect.
#[derive(Clone, Debug)]
pub struct KmsOidc {
    /// `--jwt-auth-provider "<issuer>,<jwks_url>[,<audience>]"`: a bearer JWT
    /// from this issuer, signed with a key of this JWKS, is the user its
    /// `email` claim names.
    pub issuer: String,
    /// Must be https (the KMS refuses to start otherwise).
    pub jwks_url: String,
    pub audience: Option<String>,
    /// The JWKS's certificate, given to the KMS as `SSL_CERT_FILE`. (The
    /// KMS's HTTP client is reqwest on native-tls, i.e. the system OpenSSL:
    /// `SSL_CERT_FILE` replaces only OpenSSL's default CA file; its default
    /// hashed folder, `/usr/lib/ssl/certs`, is still read.)
    pub ca_cert: PathBuf,
    /// The browser sign-in the KMS runs itself (`/ui/login_flow`): its
    /// client at the provider. `None`: bearer JWTs only.
    pub ui_client: Option<KmsUiClient>,
}

/// The KMS's own client at the OpenID Provider (`--ui-oidc-*`); the issuer
/// is [`KmsOidc::issuer`] and `--kms-public-url` the KMS's loopback URL.
#[derive(Clone, Debug)]
pub struct KmsUiClient {
    pub client_id: String,
    pub client_secret: Option<String>,
    /// Where `/ui/logout` sends the browser (with `client_id` and `returnTo`).
    pub logout_url: Option<String>,
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

    /// A fresh KMS serving `folder` at `/ui/` (a changed copy of the bundle,
    /// a stand-in stock UI with this bundle beside it).
    pub fn serving(folder: PathBuf) -> Self {
        Self::start(KmsOptions {
            serve_ui: true,
            ui_dir: Some(folder),
            ..Default::default()
        })
    }

    /// A fresh KMS serving the built UI at `/ui/`, signing users in with
    /// `oidc` (on the port the provider was started for), `crypto_officers`
    /// alone allowed to create.
    pub fn with_oidc(oidc: &Oidc, crypto_officers: &[&str]) -> Self {
        Self::start(Self::oidc_options(oidc, crypto_officers, None))
    }

    /// [`Kms::with_oidc`] serving `folder` at `/ui/` (e.g. a stand-in stock
    /// UI with the `/ui/byok/` bundle beside it).
    pub fn serving_with_oidc(folder: PathBuf, oidc: &Oidc, crypto_officers: &[&str]) -> Self {
        Self::start(Self::oidc_options(oidc, crypto_officers, Some(folder)))
    }

    /// The options of [`Kms::with_oidc`], to change before [`Kms::start`].
    pub fn oidc_options(
        oidc: &Oidc,
        crypto_officers: &[&str],
        ui_dir: Option<PathBuf>,
    ) -> KmsOptions {
        KmsOptions {
            serve_ui: true,
            ui_dir,
            port: Some(oidc.kms_port),
            oidc: Some(oidc.kms_settings()),
            crypto_officers: crypto_officers.iter().map(|u| (*u).to_owned()).collect(),
            ..Default::default()
        }
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
            let folder = self.options.ui_dir.clone().unwrap_or_else(dist_dir);
            cmd.arg("--ui-index-html-folder").arg(folder);
        }
        if let Some(id) = &self.options.api_token_id {
            cmd.args(["--api-token-id", id]);
        }
        if let Some(origins) = &self.options.cors_allowed_origins {
            cmd.args(["--cors-allowed-origins", origins]);
        }
        if let Some(oidc) = &self.options.oidc {
            let mut provider = format!("{},{}", oidc.issuer, oidc.jwks_url);
            if let Some(audience) = &oidc.audience {
                provider = format!("{provider},{audience}");
            }
            cmd.args(["--jwt-auth-provider", &provider])
                .env("SSL_CERT_FILE", &oidc.ca_cert);
            if let Some(client) = &oidc.ui_client {
                cmd.args(["--kms-public-url", &self.url()])
                    .args(["--ui-oidc-issuer-url", &oidc.issuer])
                    .args(["--ui-oidc-client-id", &client.client_id]);
                if let Some(secret) = &client.client_secret {
                    cmd.args(["--ui-oidc-client-secret", secret]);
                }
                if let Some(logout) = &client.logout_url {
                    cmd.args(["--ui-oidc-logout-url", logout]);
                }
            }
        }
        for user in &self.options.crypto_officers {
            cmd.args(["--crypto-officer-users", user]);
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

    /// Sends one KMIP operation with `Authorization: Bearer <token>` (a JWT
    /// from [`crate::Oidc::token_for`]: as that user).
    pub fn kmip_as(&self, token: &str, operation: &Ttlv) -> Result<Ttlv, (u16, String)> {
        self.kmip_json(&operation.to_json(), Some(token))
    }

    pub fn kmip_json(
        &self,
        body: &serde_json::Value,
        token: Option<&str>,
    ) -> Result<Ttlv, (u16, String)> {
        let request = ureq::post(&format!("{}/kmip/2_1", self.url()))
            .config()
            .http_status_as_error(false)
            .build();
        let mut response = with_bearer(request, token)
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

    /// `GET <path>` on the KMS (e.g. `/me`), with `Authorization: Bearer
    /// <token>` if given: the JSON reply (a JSON string if the body is not
    /// JSON), or `Err((status, body))` for any status but 200.
    ///
    /// What KMS 5.28 answers (checked by tests/e2e/oidc_infra.rs):
    /// - `GET /me` → `{"user":"alice@example.com"}`; `{"user":"admin"}` (the
    ///   default user) without authentication and with an API token.
    /// - `GET /access/create` → `{"has_create_permission":false}`;
    ///   `GET /access/privileged` → `{"has_privileged_access":true}`.
    /// - `GET /access/obtained` → `[{"object_id":"<id>","operations":["get","encrypt"],
    ///   "owner_id":"alice@example.com","state":"Active"}]` (`[]` when none).
    /// - `POST /access/grant` `{"user_id","unique_identifier","operation_types":["get"]}`
    ///   → `{"success":"Access for bob@example.com successfully added"}`;
    ///   `/access/revoke` → `{"success":"Access for … successfully deleted"}`.
    ///   Not the owner, or no such object: 401 "Access denied: Object with uid
    ///   `<id>` is not owned by owner `<user>`"; an unknown operation: 400
    ///   "Json deserialize error: unknown variant …".
    /// - `GET /access/list/<id>` → `[{"user_id":"bob@example.com","operations":["encrypt","get"]}]`.
    /// - `GET /access/crypto_officer/status` → `{"enabled":true,"users":["alice@example.com"],
    ///   "active_co_users":[],"custodians_count":1,"require_ceremony":false,
    ///   "ceremony_activated":false,"is_crypto_officer":true}`.
    /// - `GET /ui/auth_method` → `{"auth_method":"JWT","auth_methods":["JWT"]}`, or
    ///   `{"auth_method":"None","auth_methods":[]}` (no authentication, and API token).
    /// - `GET /ui/whoami` → `{"user_id":"alice@example.com"}` on the session
    ///   cookie only; else 401 `{"error":"No active session"}`.
    /// - `GET /version` → `"5.28.0 (OpenSSL 3.0.19 27 Jan 2026-non-FIPS)"` (a JSON
    ///   string, no credentials needed).
    /// - Without credentials when authentication is on: 401 "No authentication provided.".
    pub fn get_json(&self, path: &str, token: Option<&str>) -> Result<Value, (u16, String)> {
        let request = ureq::get(&format!("{}{path}", self.url()))
            .config()
            .http_status_as_error(false)
            .build();
        json_reply(with_bearer(request, token).call())
    }

    /// `POST <path>` with a JSON `body`; as [`Kms::get_json`].
    pub fn post_json(
        &self,
        path: &str,
        body: &Value,
        token: Option<&str>,
    ) -> Result<Value, (u16, String)> {
        let request = ureq::post(&format!("{}{path}", self.url()))
            .config()
            .http_status_as_error(false)
            .build();
        json_reply(with_bearer(request, token).send_json(body))
    }

    /// Who the KMS takes the caller for: `GET /me` → `{"user": "<id>"}`.
    pub fn me(&self, token: Option<&str>) -> Result<String, (u16, String)> {
        let reply = self.get_json("/me", token)?;
        Ok(reply["user"]
            .as_str()
            .unwrap_or_else(|| panic!("/me names no user: {reply}"))
            .to_owned())
    }

    /// May the caller create or import objects: `GET /access/create` →
    /// `{"has_create_permission": bool}`.
    pub fn has_create_permission(&self, token: Option<&str>) -> Result<bool, (u16, String)> {
        let reply = self.get_json("/access/create", token)?;
        Ok(reply["has_create_permission"]
            .as_bool()
            .unwrap_or_else(|| panic!("/access/create says neither true nor false: {reply}")))
    }

    /// The objects shared with the caller: `GET /access/obtained`.
    pub fn obtained(&self, token: Option<&str>) -> Result<Value, (u16, String)> {
        self.get_json("/access/obtained", token)
    }

    /// The caller (an owner) grants `user_id` the KMIP `operations` (e.g.
    /// `["get", "export"]`) on `object_id`: `POST /access/grant`.
    pub fn grant(
        &self,
        token: Option<&str>,
        user_id: &str,
        object_id: &str,
        operations: &[&str],
    ) -> Result<Value, (u16, String)> {
        self.change_access("/access/grant", token, user_id, object_id, operations)
    }

    /// The caller withdraws what [`Kms::grant`] gave: `POST /access/revoke`.
    pub fn revoke(
        &self,
        token: Option<&str>,
        user_id: &str,
        object_id: &str,
        operations: &[&str],
    ) -> Result<Value, (u16, String)> {
        self.change_access("/access/revoke", token, user_id, object_id, operations)
    }

    fn change_access(
        &self,
        route: &str,
        token: Option<&str>,
        user_id: &str,
        object_id: &str,
        operations: &[&str],
    ) -> Result<Value, (u16, String)> {
        self.post_json(
            route,
            &json!({"user_id": user_id, "unique_identifier": object_id, "operation_types": operations}),
            token,
        )
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
                self.token.as_deref(),
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

/// A reply's JSON (or its text as a JSON string); `Err((status, body))` unless 200.
fn json_reply(
    reply: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
) -> Result<Value, (u16, String)> {
    let mut response = reply.expect("the request reaches the KMS");
    let status = response.status().as_u16();
    let text = response.body_mut().read_to_string().unwrap_or_default();
    if status == 200 {
        Ok(serde_json::from_str(&text).unwrap_or(Value::String(text)))
    } else {
        Err((status, text))
    }
}

/// `request` with `Authorization: Bearer <token>` when there is a token.
fn with_bearer<B>(
    request: ureq::RequestBuilder<B>,
    token: Option<&str>,
) -> ureq::RequestBuilder<B> {
    match token {
        Some(token) => request.header("Authorization", &format!("Bearer {token}")),
        None => request,
    }
}

/// The path a test can give to the KMS's data dir for later restarts.
pub fn same_dir(kms: &Kms) -> Option<PathBuf> {
    Some(Path::new(&kms.data_dir).to_path_buf())
}
