//! The sign-in test infrastructure proved on its own, with no page of this app:
//! a real OpenID Provider (npm `oidc-provider`) on loopback, the real KMS
//! signing users in with it, and real headless Chromium going through the
//! KMS's own `/ui/login_flow`. The KMS serves a one-line stand-in UI.
//!
//! Observed (KMS 5.28.0, oidc-provider 9.13.3, Node 20.20, Chromium 156):
//! - `/ui/auth_method` is `{"auth_method":"JWT","auth_methods":["JWT"]}` here, but
//!   `{"auth_method":"None","auth_methods":[]}` both without authentication and with
//!   an API token: API-token mode is not reported. `/ui/*` exists only when a UI
//!   folder is served (404 otherwise, 401 when authentication is on).
//! - `/version` (a JSON string, `"5.28.0 (OpenSSL 3.0.19 27 Jan 2026-non-FIPS)"`)
//!   and `/health` answer without credentials; `/me`, `/server-info`,
//!   `/access/*` and `/kmip/2_1` answer 401 "No authentication provided.".
//! - `/ui/whoami` reads only the session cookie: 401 `{"error":"No active session"}`
//!   with a valid bearer JWT, and in no-auth mode too. `/ui/token` (older
//!   versions) is gone: 404.
//! - A bearer JWT is accepted whether or not `--jwt-auth-provider` names an
//!   audience; when it does, another `aud` is refused. Expired, foreign-key, wrong
//!   audience or garbage tokens all get the same 401 "No authentication provided.".
//! - `/access/grant` → `{"success":"Access for <user> successfully added"}`
//!   (revoke: "… successfully deleted"); an unknown id or another's object →
//!   401 "Access denied: Object with uid `<id>` is not owned by owner `<user>`";
//!   an unknown operation → 400 "Json deserialize error: unknown variant …"
//!   (names are lower case: get, encrypt, export, create, …). Granting `create`
//!   on `*` makes `/access/create` true; `/access/obtained` then lists
//!   `{"object_id":"*","operations":["create"],"owner_id":"","state":"Active"}`.
//! - Signed in at both, `/ui/login_flow` goes straight back to `/ui/locate`.
//!   `/ui/logout` shows the provider's sign-out page; both "Sign out" and
//!   "Stay signed in" come back to `/ui/login` (the provider passes the KMS's
//!   `returnTo` on); after "Stay signed in" the next sign-in asks only for consent.
//! - "Deny" at the consent page brings the browser to
//!   `/ui/callback?error=access_denied&…`, which the KMS answers 400 in plain text
//!   "Missing authorization code": it does not handle a provider's error.
//! - Node 20 can deadlock exporting as JWK a key `generateKeyPairSync` returned
//!   (a garbage collection during the export); the provider hung before "ready"
//!   in about one start in three until its key was generated as PEM and read back.
//!   oidc-provider 9 warns "Unsupported runtime. Use Node.js v22.x LTS" on Node 20
//!   and works.
//! - Provider and KMS are ready in about 1.3 s; the sign-in test takes about 7 s,
//!   this file about 10 s.

use std::fs;
use std::path::PathBuf;
use std::time::Instant;

use serde_json::{Value, json};

use crate::support::oidc::fetch_in_page;
use crate::support::{ALICE, BOB, Browser, Kms, KmsOptions, Oidc, USERS, free_port, password_of};

/// A stand-in for whatever UI the KMS serves: one heading.
fn stand_in_ui() -> PathBuf {
    let folder = crate::support::scratch_dir("stand-in-ui");
    fs::write(
        folder.join("index.html"),
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Stand-in</title></head>\
         <body><h1>Stand-in UI</h1></body></html>",
    )
    .unwrap();
    folder
}

/// A fresh active AES key (the caller owns it).
fn create_aes() -> Value {
    json!({"tag":"Create","value":[
        {"tag":"ObjectType","type":"Enumeration","value":"SymmetricKey"},
        {"tag":"Attributes","value":[
            {"tag":"CryptographicAlgorithm","type":"Enumeration","value":"AES"},
            {"tag":"CryptographicLength","type":"Integer","value":256},
            {"tag":"ActivationDate","type":"DateTime","value":"2020-01-01T00:00:00Z"}]}]})
}

fn query() -> Value {
    json!({"tag":"Query","value":[
        {"tag":"QueryFunction","type":"Enumeration","value":"QueryServerInformation"}]})
}

#[tokio::test(flavor = "multi_thread")]
async fn a_user_signs_in_at_a_real_openid_provider_and_out_again() {
    let started = Instant::now();
    let oidc = Oidc::start(&USERS, free_port());
    let kms = Kms::serving_with_oidc(stand_in_ui(), &oidc, &[ALICE]);
    let ready = started.elapsed();

    let auth = kms
        .get_json("/ui/auth_method", None)
        .expect("/ui/auth_method");
    eprintln!("/ui/auth_method: {auth}");
    assert_eq!(auth["auth_method"], "JWT", "{auth}");
    let (status, body) = kms.kmip_json(&query(), None).unwrap_err();
    assert_eq!(status, 401, "{body}");
    assert!(body.contains("No authentication provided"), "{body}");
    for path in ["/me", "/server-info", "/access/create"] {
        let (status, body) = kms.get_json(path, None).unwrap_err();
        assert_eq!(status, 401, "{path} signed out: {body}");
    }
    let version = kms.get_json("/version", None).expect("/version");
    eprintln!("/version: {version}");

    // Signing in as a person does: the KMS's login flow, the provider's form.
    let browser = Browser::start().await;
    browser.goto(&kms.ui_url("/ui/login_flow")).await;
    oidc.sign_in_at_provider(&browser, ALICE, password_of(ALICE))
        .await;
    browser.wait_for_path("/ui/locate").await;
    browser.wait_for_text("h1", |t| t == "Stand-in UI").await;
    let (status, whoami) = fetch_in_page(&browser, "GET", "/ui/whoami", None).await;
    eprintln!("/ui/whoami signed in: {status} {whoami}");
    assert_eq!((status, json(&whoami)), (200, json!({"user_id": ALICE})));
    // The session cookie alone authenticates same-origin calls, KMIP included.
    let (status, me) = fetch_in_page(&browser, "GET", "/me", None).await;
    assert_eq!(
        (status, json(&me)["user"].clone()),
        (200, json!(ALICE)),
        "{me}"
    );
    let (status, reply) = fetch_in_page(&browser, "POST", "/kmip/2_1", Some(&query())).await;
    assert_eq!(status, 200, "{reply}");
    assert!(reply.contains("QueryResponse"), "{reply}");

    // The harness as a given user: a bearer JWT minted by the provider.
    let alice = oidc.token_for(ALICE);
    let bob = oidc.token_for(BOB);
    assert_eq!(kms.me(Some(&bob)).as_deref(), Ok(BOB));
    eprintln!("/me as bob: {}", kms.get_json("/me", Some(&bob)).unwrap());
    assert_eq!(kms.has_create_permission(Some(&bob)), Ok(false));
    assert_eq!(kms.has_create_permission(Some(&alice)), Ok(true));
    eprintln!(
        "/access/create as bob: {}",
        kms.get_json("/access/create", Some(&bob)).unwrap()
    );
    let (status, refusal) = kms.kmip_json(&create_aes(), Some(&bob)).unwrap_err();
    eprintln!("Create as bob: {status} {refusal}");
    assert_eq!(status, 401, "{refusal}");
    assert!(
        refusal.contains("does not have create access-right"),
        "{refusal}"
    );
    let created = kms
        .kmip_json(&create_aes(), Some(&alice))
        .expect("alice creates");
    let id = created
        .require("UniqueIdentifier")
        .expect("CreateResponse names the key")
        .as_text()
        .expect("an id")
        .to_owned();
    assert_eq!(kms.obtained(Some(&bob)), Ok(json!([])));
    let granted = kms
        .grant(Some(&alice), BOB, &id, &["get", "encrypt"])
        .expect("alice grants bob");
    eprintln!("/access/grant: {granted}");
    let obtained = kms.obtained(Some(&bob)).expect("/access/obtained");
    eprintln!("/access/obtained as bob: {obtained}");
    assert!(obtained.to_string().contains(&id), "{obtained}");
    let privileged = kms.get_json("/access/privileged", Some(&alice));
    eprintln!("/access/privileged as alice: {privileged:?}");
    let owned = kms.get_json("/access/owned", Some(&alice));
    eprintln!("/access/owned as alice: {owned:?}");
    let rights = kms.get_json(&format!("/access/list/{id}"), Some(&alice));
    eprintln!("/access/list/<id> as alice: {rights:?}");
    let revoked = kms.revoke(Some(&alice), BOB, &id, &["get", "encrypt"]);
    eprintln!("/access/revoke: {revoked:?}");
    assert_eq!(kms.obtained(Some(&bob)), Ok(json!([])));

    // Signing out: the KMS drops its session, then sends the browser to the
    // provider's logout, which comes back to the KMS's /ui/login.
    browser.goto(&kms.ui_url("/ui/logout")).await;
    oidc.sign_out_at_provider(&browser).await;
    browser.wait_for_path("/ui/login").await;
    let (status, whoami) = fetch_in_page(&browser, "GET", "/ui/whoami", None).await;
    eprintln!("/ui/whoami signed out: {status} {whoami}");
    assert_eq!(status, 401, "{whoami}");
    // The provider's session ended too: signing in asks for the password again.
    browser.goto(&kms.ui_url("/ui/login_flow")).await;
    browser.labelled("Password").await;
    browser.close().await;
    eprintln!(
        "provider and KMS ready in {ready:.1?}, whole test {:.1?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_kms_refuses_bearer_tokens_it_should_not_trust() {
    let oidc = Oidc::start(&USERS, free_port());
    let kms = Kms::start(KmsOptions {
        port: Some(oidc.kms_port),
        oidc: Some(oidc.kms_settings()),
        crypto_officers: vec![ALICE.to_owned()],
        ..Default::default()
    });
    assert_eq!(kms.me(Some(&oidc.token_for(BOB))).as_deref(), Ok(BOB));
    let expired = oidc.token_with(BOB, -600, None);
    let elsewhere = oidc.token_with(BOB, 3600, Some("another-client"));
    let other_provider = Oidc::start(&USERS, free_port()).token_for(BOB);
    for (what, token) in [
        ("expired", expired),
        ("for another audience", elsewhere),
        ("signed by another provider's key", other_provider),
        ("not a JWT", "not-a-jwt".to_owned()),
    ] {
        let (status, body) = kms
            .me(Some(&token))
            .expect_err(&format!("a token {what} is refused"));
        eprintln!("/me with a token {what}: {status} {body}");
        assert_eq!(status, 401, "{what}: {body}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn without_sign_in_every_caller_is_the_default_user() {
    let kms = Kms::start(KmsOptions::default());
    let me = kms.get_json("/me", None).expect("/me without auth");
    eprintln!("/me, no authentication: {me}");
    assert_eq!(me, json!({"user": "admin"}));
    let auth = kms.get_json("/ui/auth_method", None);
    eprintln!("/ui/auth_method, no authentication, no UI served: {auth:?}");
    drop(kms);

    let (kms, token) = Kms::with_api_token_and(KmsOptions::default());
    let me = kms
        .get_json("/me", Some(&token))
        .expect("/me with the token");
    eprintln!("/me, API token: {me}");
    assert_eq!(me, json!({"user": "admin"}));
    let auth = kms.get_json("/ui/auth_method", None);
    eprintln!("/ui/auth_method, API token, no UI served: {auth:?}");
    let (status, body) = kms.get_json("/me", None).unwrap_err();
    assert_eq!(status, 401, "{body}");
}

/// A reply's text as JSON (`null` if it is not).
fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or(Value::Null)
}
