//! The Azure and Google pages on a KMS that authenticates, as companies run it: a real
//! OpenID Provider on loopback, the real KMS with one Crypto Officer (alice), real Chromium.
//! Signed in on the KMS's session cookie or with a bearer token, each page imports a KEK or
//! job and exports a key of the user's (the file unwrapped here with RustCrypto); a user
//! without the Create right is told so and nothing is sent; a key the user may not export is
//! not offered and its link is refused plainly; and a key or KEK/job another client changes
//! after the page listed it is refused plainly, with no file shown.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use byok_ui::domain::google::import_method::ImportMethod;
use byok_ui::domain::key_material::{EcCurve, KeyMaterialSpec};
use byok_ui::domain::wrapping::WrappingAlgorithm;
use byok_ui::kmip::{self, AttributeReference};
use byok_ui::routes::Page;
use rsa::RsaPrivateKey;
use serde_json::Value;
use time::OffsetDateTime;

use crate::azure::{HSM_KID, VAULT_KID, key_show};
use crate::support::google::{
    GoogleExportPage, GoogleImportJobPage, SeededJob, describe_json, google_job_of, public_pem,
};
use crate::support::pages::{AzureExportPage, AzureImportKekPage, Settings};
use crate::support::seed::{
    azure_kek, azure_kek_of, create_material, delete_object, fixture_kek_private,
    import_tagged_public_key, material_bytes,
};
use crate::support::unwrap::unwrap;
use crate::support::{ALICE, BOB, Browser, Kms, Oidc, USERS, free_port, password_of};

const ACCOUNT: &str = "[data-testid=account]";
const AZURE_RESULT: &str = "[data-testid=azure-byok-result]";
const GOOGLE_RESULT: &str = "[data-testid=google-result]";
/// The job method every Google test here uses (RSA 3072, AES-KWP, SHA-256).
const METHOD: ImportMethod = ImportMethod::RsaOaep3072Sha256Aes256;

/// How the browser is signed in to the KMS.
#[derive(Clone, Copy, Debug)]
enum SignIn {
    /// The KMS's own OpenID Connect flow: its `auth_session` cookie.
    SessionCookie,
    /// A JWT from the provider, given in Settings (`Authorization: Bearer`).
    BearerToken,
}

/// A browser signed in as `user`, on the Azure import page, once the header says who.
async fn signed_in(kms: &Kms, oidc: &Oidc, user: &str, how: SignIn) -> Browser {
    let browser = Browser::start().await;
    let header = match how {
        SignIn::SessionCookie => {
            browser.goto(&kms.ui_url("/ui/login_flow")).await;
            oidc.sign_in_at_provider(&browser, user, password_of(user))
                .await;
            format!("Signed in as {user}")
        }
        SignIn::BearerToken => {
            let token = oidc.token_for(user);
            browser.keep_secret(&token);
            browser
                .goto(&kms.ui_url(&Page::AzureImportKek.href()))
                .await;
            Settings::use_server(&browser, "", &token).await;
            format!("Signed in with an access token as {user}")
        }
    };
    browser
        .goto(&kms.ui_url(&Page::AzureImportKek.href()))
        .await;
    browser
        .wait_for_text(ACCOUNT, |t| t.contains(&header))
        .await;
    browser
}

/// A KMS signing users in with a fresh provider, alice its one Crypto Officer; the
/// harness's own KMIP calls go as alice.
fn kms_with_sign_in() -> (Oidc, Kms, String) {
    let oidc = Oidc::start(&USERS, free_port());
    let mut kms = Kms::with_oidc(&oidc, &[ALICE]);
    let alice = oidc.token_for(ALICE);
    kms.token = Some(alice.clone());
    (oidc, kms, alice)
}

fn rsa_key(bits: usize) -> RsaPrivateKey {
    RsaPrivateKey::new(&mut rand::thread_rng(), bits).unwrap()
}

/// In two days and a bit, whole seconds (as the tag keeps it).
fn in_two_days() -> OffsetDateTime {
    let t = OffsetDateTime::now_utc() + time::Duration::hours(49);
    t.replace_nanosecond(0).unwrap()
}

/// Seeds (as alice) a Google job `id` wrapping with `private`, usable for two days.
fn seed_job(kms: &Kms, vendor: &str, id: &str, private: &RsaPrivateKey) {
    google_job_of(
        kms,
        vendor,
        id,
        &SeededJob {
            job: id,
            method: &METHOD.gcloud_name(),
            level: Some("SOFTWARE"),
            expire_time: Some(in_two_days()),
        },
        private,
    );
}

/// The objects `token`'s user owns, as `/access/owned` lists them.
fn owned(kms: &Kms, token: &str) -> String {
    kms.get_json("/access/owned", Some(token))
        .expect("/access/owned")
        .to_string()
}

/// The `.byok` the Azure page offers for `key`, downloaded; its wrapped blob.
async fn azure_blob(browser: &Browser, key: &str) -> Vec<u8> {
    let file = AzureExportPage::download(browser, &format!("{key}.byok")).await;
    let byok: Value = serde_json::from_slice(&file).expect("the .byok is JSON");
    URL_SAFE_NO_PAD
        .decode(byok["ciphertext"].as_str().expect("a ciphertext"))
        .expect("base64url")
}

#[tokio::test(flavor = "multi_thread")]
async fn signed_in_on_the_session_cookie_or_with_a_token_the_azure_and_google_pages_import_and_export()
 {
    let (oidc, kms, alice) = kms_with_sign_in();
    let vendor = kms.vendor_id();
    let fresh_kek = std::thread::spawn(|| rsa_key(2048));
    let job_keys = [
        std::thread::spawn(|| rsa_key(3072)),
        std::thread::spawn(|| rsa_key(3072)),
    ]
    .map(|k| k.join().unwrap());
    // The fixture KEK as az keyvault key show prints it, then a fresh one as PEM + kid.
    let fresh_kek = fresh_kek.join().unwrap();
    let azure_keks = [
        (
            key_show(VAULT_KID, &["import"]),
            None,
            fixture_kek_private(),
        ),
        (public_pem(&fresh_kek), Some(HSM_KID), fresh_kek),
    ];
    for (n, (how, (kek_text, kid, kek_private))) in [SignIn::SessionCookie, SignIn::BearerToken]
        .into_iter()
        .zip(azure_keks)
        .enumerate()
    {
        let browser = signed_in(&kms, &oidc, ALICE, how).await;

        // Azure: the KEK imported as alice, then her EC key exported as a .byok.
        let kek = format!("az-kek-{n}");
        AzureImportKekPage::open(&browser, &kms).await;
        AzureImportKekPage::fill(&browser, &kek_text, kid, &kek).await;
        AzureImportKekPage::import(&browser).await;
        browser
            .wait_for_text(AzureImportKekPage::IMPORTED_ID, |t| t == kek)
            .await;
        assert!(
            owned(&kms, &alice).contains(&kek),
            "{how:?}: {kek} is alice's"
        );
        let ec = KeyMaterialSpec::EcPrivate {
            curve: EcCurve::P256,
        };
        let key = create_material(&kms, &vendor, &format!("az-ec-{n}"), ec);
        AzureExportPage::open(&browser, &kms, &key, &kek).await;
        AzureExportPage::export(&browser).await;
        let summary = browser
            .wait_for_text(AzureExportPage::SUMMARY, |t| !t.is_empty())
            .await;
        assert!(summary.starts_with(&format!("{key} ")), "{summary}");
        assert_eq!(
            unwrap(
                &kek_private,
                WrappingAlgorithm::RsaAesKeyWrapSha1,
                &azure_blob(&browser, &key).await
            ),
            material_bytes(&kms, &key, ec),
            "{how:?}: the .byok unwraps to alice's key"
        );

        // Google: the job imported from its describe output, then her AES key wrapped for it.
        let job = format!("g-job-{n}");
        let json = describe_json(
            &job,
            METHOD.api_name(),
            "SOFTWARE",
            in_two_days(),
            &job_keys[n],
        );
        GoogleImportJobPage::open(&browser, &kms).await;
        GoogleImportJobPage::fill(&browser, &json, None, None, &job).await;
        GoogleImportJobPage::import(&browser).await;
        browser
            .wait_for_text(GoogleImportJobPage::IMPORTED_ID, |t| t == job)
            .await;
        assert!(
            owned(&kms, &alice).contains(&job),
            "{how:?}: {job} is alice's"
        );
        let aes = KeyMaterialSpec::Aes { bits: 256 };
        let key = create_material(&kms, &vendor, &format!("g-aes-{n}"), aes);
        GoogleExportPage::open(&browser, &kms, &key, &job).await;
        GoogleExportPage::export(&browser).await;
        let summary = browser
            .wait_for_text(GoogleExportPage::SUMMARY, |t| !t.is_empty())
            .await;
        assert!(summary.starts_with(&format!("{key} ")), "{summary}");
        let blob = GoogleExportPage::download(&browser, &format!("{key}-wrapped-key.bin")).await;
        assert_eq!(
            unwrap(&job_keys[n], METHOD.wrapping_algorithm(), &blob),
            material_bytes(&kms, &key, aes),
            "{how:?}: the wrapped key unwraps to alice's key"
        );
        browser.close().await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn without_the_create_right_the_azure_and_google_import_pages_say_so_and_send_nothing() {
    let (oidc, kms, _) = kms_with_sign_in();
    let job_key = rsa_key(3072);
    let before = kms.object_ids();
    let browser = signed_in(&kms, &oidc, BOB, SignIn::SessionCookie).await;

    for (page, what, analysis) in [
        (
            Page::AzureImportKek,
            "Importing a key-encryption key",
            AzureImportKekPage::ANALYSIS,
        ),
        (
            Page::GoogleImportJob,
            "Importing an import job's wrapping key",
            GoogleImportJobPage::ANALYSIS,
        ),
    ] {
        if page == Page::AzureImportKek {
            AzureImportKekPage::open(&browser, &kms).await;
        } else {
            GoogleImportJobPage::open(&browser, &kms).await;
        }
        let notice = browser
            .wait_for_text("[data-testid=create-right]", |t| !t.is_empty())
            .await;
        assert!(
            notice.starts_with(&format!(
                "{what} is not open to you: the KMS sees you as {BOB}"
            )) && notice.contains("Crypto Officer")
                && notice.contains("Create"),
            "{notice}"
        );
        // A KEK or job the page reads as fine: only the right is missing.
        if page == Page::AzureImportKek {
            AzureImportKekPage::fill(&browser, &key_show(VAULT_KID, &["import"]), None, "").await;
        } else {
            let json = describe_json("bob-job", METHOD.api_name(), "HSM", in_two_days(), &job_key);
            GoogleImportJobPage::fill(&browser, &json, None, None, "").await;
        }
        browser
            .wait_for_text(analysis, |t| t.starts_with("RSA "))
            .await;
        let sent_before = browser.recorded_requests().await.len();
        if page == Page::AzureImportKek {
            AzureImportKekPage::import(&browser).await;
        } else {
            GoogleImportJobPage::import(&browser).await;
        }
        let refusal = browser
            .wait_for_text("main form .error-banner", |t| !t.is_empty())
            .await;
        assert!(
            refusal.contains(&format!("{what} is not open to you")),
            "{page:?}: {refusal}"
        );
        let sent = browser.recorded_requests().await;
        assert_eq!(
            sent.len(),
            sent_before,
            "{page:?}: nothing is sent after the click: {:?}",
            &sent[sent_before..]
        );
        assert!(!browser.sent_kmip("Import").await, "{page:?}: no Import");
        browser
            .assert_accessible(&format!("{page:?} (no Create right)"))
            .await;
    }
    assert_eq!(kms.object_ids(), before, "nothing was imported");
    browser.screenshot("cloud-access-no-create-right").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_key_the_user_may_not_export_is_not_offered_and_its_link_is_refused_plainly() {
    let (oidc, kms, alice) = kms_with_sign_in();
    let vendor = kms.vendor_id();
    let ec = KeyMaterialSpec::EcPrivate {
        curve: EcCurve::P256,
    };
    let job_key = rsa_key(3072);
    azure_kek(&kms, &vendor, "az-kek", VAULT_KID);
    seed_job(&kms, &vendor, "g-job", &job_key);
    let shared = create_material(&kms, &vendor, "shared-ec", ec);
    let read_only = create_material(&kms, &vendor, "alice-read-only", ec);
    let private = create_material(&kms, &vendor, "alice-only", ec);
    for kek in ["az-kek", "g-job"] {
        kms.grant(Some(&alice), BOB, kek, &["get", "getattributes"])
            .expect("alice lets bob wrap with her KEK and job");
    }
    kms.grant(Some(&alice), BOB, &shared, &["export", "getattributes"])
        .expect("alice shares a key for export");
    kms.grant(Some(&alice), BOB, &read_only, &["getattributes"])
        .expect("alice lets bob read a key's attributes only");
    let browser = signed_in(&kms, &oidc, BOB, SignIn::SessionCookie).await;

    for (page, kek, error, result) in [
        (
            Page::AzureExport,
            "az-kek",
            AzureExportPage::ERROR,
            AZURE_RESULT,
        ),
        (
            Page::GoogleExport,
            "g-job",
            GoogleExportPage::ERROR,
            GOOGLE_RESULT,
        ),
    ] {
        // The picker offers what bob may export, and only that.
        browser.goto(&kms.ui_url(&page.href())).await;
        browser.wait_for_text("h1", |t| t == page.label()).await;
        browser.click(".key-browser summary").await;
        let listed = browser
            .wait_for_text(".key-browser", |t| t.contains(&shared))
            .await;
        assert!(!listed.contains(&private), "{page:?}: {listed}");
        assert!(
            !listed.contains(&read_only),
            "{page:?}: a key bob may not export is not offered: {listed}"
        );

        // Her keys' links: refused in plain words, no file.
        for key in [&private, &read_only] {
            if page == Page::AzureExport {
                AzureExportPage::open(&browser, &kms, key, kek).await;
                AzureExportPage::export(&browser).await;
            } else {
                GoogleExportPage::open(&browser, &kms, key, kek).await;
                GoogleExportPage::export(&browser).await;
            }
            let refusal = browser.wait_for_text(error, |t| !t.is_empty()).await;
            eprintln!("{page:?}, {key} as bob: {refusal}");
            // The KMS answers bob as if her own key did not exist; the one
            // she shares without Export is named as hers.
            let expected = if *key == private {
                format!(
                    "There is no object {key} in this KMS: type the id of an existing key, or pick it from the list."
                )
            } else {
                format!(
                    "{key} is shared with you by {ALICE} without the right to export it, so nothing was exported: \
                     ask {ALICE} to grant you Export on {key}, or choose a key from the list."
                )
            };
            assert_eq!(refusal, expected, "{page:?}");
            assert!(
                browser.visible_texts(result).await.is_empty(),
                "{page:?}: no file for {key}"
            );
            assert!(
                !browser.sent_kmip("Export").await,
                "{page:?}: no Export of {key} is sent"
            );
        }
        browser
            .assert_accessible(&format!("{page:?} (a key bob may not export)"))
            .await;
    }
    browser.screenshot("cloud-access-not-yours").await;
    browser.close().await;
}

/// Revokes `id` as another client would (Active → Deactivated).
fn revoke(kms: &Kms, id: &str) {
    kms.kmip(&kmip::revoke(id)).expect("revoke");
}

/// Imports `private`'s public half again under `id` with `tags`, as another client's CLI
/// would; checks the KMS holds them.
fn retag(kms: &Kms, vendor: &str, id: &str, private: &RsaPrivateKey, tags: &[String]) {
    import_tagged_public_key(kms, vendor, id, private, tags.to_vec(), true);
    let mut now = kmip::parse_get_attributes(
        &kms.kmip(&kmip::get_attributes(id, &[AttributeReference::Tag]))
            .unwrap(),
    )
    .unwrap()
    .tags;
    let mut wanted = tags.to_vec();
    now.sort();
    wanted.sort();
    assert_eq!(now, wanted, "{id} re-tagged");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_key_or_kek_changed_after_listing_is_refused_plainly_and_no_file_is_shown() {
    let (oidc, kms, _) = kms_with_sign_in();
    let vendor = kms.vendor_id();
    let job_key = rsa_key(3072);
    let kek_private = fixture_kek_private();
    let aes = KeyMaterialSpec::Aes { bits: 256 };
    let ec = KeyMaterialSpec::EcPrivate {
        curve: EcCurve::P256,
    };
    let browser = signed_in(&kms, &oidc, ALICE, SignIn::BearerToken).await;
    let method = METHOD.gcloud_name();
    let sha1 = ImportMethod::RsaOaep3072Sha1Aes256.gcloud_name();
    let job_tags = |job: &str, method: &str| {
        vec![
            "google".to_owned(),
            format!("import_job:{}", crate::support::google::job_name(job)),
            format!("import_method:{method}"),
            "protection_level:SOFTWARE".to_owned(),
        ]
    };

    // (what another client does, the message's start)
    type Change<'a> = (&'a str, Box<dyn Fn(&Kms, &str, &str) + 'a>, String);
    let azure: Vec<Change> = vec![
        (
            "KEK re-tagged for another vault",
            Box::new(|kms, _, kek| {
                retag(
                    kms,
                    &vendor,
                    kek,
                    &kek_private,
                    &["azure".to_owned(), format!("kid:{HSM_KID}")],
                )
            }),
            format!(
                "Changed in the KMS since this page listed it, so nothing was exported: \
                 {{kek}}: Azure kid {VAULT_KID} → {HSM_KID}."
            ),
        ),
        (
            "KEK revoked",
            Box::new(|kms, _, kek| revoke(kms, kek)),
            "Changed in the KMS since this page listed it, so nothing was exported: \
             {kek}: state Active → Deactivated."
                .to_owned(),
        ),
        (
            "key destroyed",
            Box::new(|kms, key, _| delete_object(kms, key)),
            "There is no object {key} in this KMS".to_owned(),
        ),
    ];
    for (n, (what, change, expected)) in azure.iter().enumerate() {
        let kek = format!("az-kek-{n}");
        azure_kek_of(&kms, &vendor, &kek, VAULT_KID, &kek_private);
        let key = create_material(&kms, &vendor, &format!("az-key-{n}"), ec);
        AzureExportPage::open(&browser, &kms, &key, &kek).await;
        change(&kms, &key, &kek);
        AzureExportPage::export(&browser).await;
        let expected = expected.replace("{kek}", &kek).replace("{key}", &key);
        let refusal = browser
            .wait_for_text(AzureExportPage::ERROR, |t| !t.is_empty())
            .await;
        assert!(refusal.starts_with(&expected), "Azure, {what}: {refusal}");
        assert!(
            !browser.sent_kmip("Export").await,
            "Azure, {what}: no Export"
        );
        assert!(
            browser.visible_texts(AZURE_RESULT).await.is_empty(),
            "Azure, {what}: no .byok shown"
        );
    }
    browser
        .assert_accessible("Azure export page (changed since listed)")
        .await;

    let google: Vec<Change> = vec![
        (
            "job re-tagged with another method",
            Box::new(|kms, _, job| retag(kms, &vendor, job, &job_key, &job_tags(job, &sha1))),
            format!(
                "Changed in the KMS since this page listed it, so nothing was exported: \
                 {{kek}}: Google import method {method} → {sha1}."
            ),
        ),
        (
            "job revoked",
            Box::new(|kms, _, job| revoke(kms, job)),
            "Changed in the KMS since this page listed it, so nothing was exported: \
             {kek}: state Active → Deactivated."
                .to_owned(),
        ),
        (
            "key destroyed",
            Box::new(|kms, key, _| delete_object(kms, key)),
            "There is no object {key} in this KMS".to_owned(),
        ),
    ];
    for (n, (what, change, expected)) in google.iter().enumerate() {
        let job = format!("g-job-{n}");
        google_job_of(
            &kms,
            &vendor,
            &job,
            &SeededJob {
                job: &job,
                method: &method,
                level: Some("SOFTWARE"),
                expire_time: None,
            },
            &job_key,
        );
        let key = create_material(&kms, &vendor, &format!("g-key-{n}"), aes);
        GoogleExportPage::open(&browser, &kms, &key, &job).await;
        change(&kms, &key, &job);
        GoogleExportPage::export(&browser).await;
        let expected = expected.replace("{kek}", &job).replace("{key}", &key);
        let refusal = browser
            .wait_for_text(GoogleExportPage::ERROR, |t| !t.is_empty())
            .await;
        assert!(refusal.starts_with(&expected), "Google, {what}: {refusal}");
        assert!(
            !browser.sent_kmip("Export").await,
            "Google, {what}: no Export"
        );
        assert!(
            browser.visible_texts(GOOGLE_RESULT).await.is_empty(),
            "Google, {what}: no wrapped key shown"
        );
    }
    browser
        .assert_accessible("Google export page (changed since listed)")
        .await;
    browser.screenshot("cloud-access-changed").await;
    browser.close().await;
}
