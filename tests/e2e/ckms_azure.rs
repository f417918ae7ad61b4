//! Interop with the real Cosmian CLI 5.28 (`ckms azure byok`): a KEK imported by either
//! tool is used by the other, and for one key and one KEK the CLI's `.byok` and the
//! page's carry the same header and unwrap (RustCrypto) to the KMS's own material.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use byok_ui::domain::key_material::{EcCurve, KeyMaterialSpec};
use byok_ui::domain::wrapping::WrappingAlgorithm;
use rsa::RsaPrivateKey;
use rsa::pkcs8::{EncodePublicKey, LineEnding};
use serde_json::{Value, json};

use crate::azure::{HSM_KID, VAULT_KID};
use crate::support::ckms::{Ckms, arg};
use crate::support::pages::{AzureExportPage, AzureImportKekPage};
use crate::support::seed::{create_material, material_bytes};
use crate::support::unwrap::unwrap;
use crate::support::{Browser, Kms};

/// The PEM `az keyvault key download` writes for `private`'s public half.
fn public_pem(private: &RsaPrivateKey) -> String {
    private
        .to_public_key()
        .to_public_key_pem(LineEnding::LF)
        .expect("PEM")
}

/// A `.byok` file's JSON and its blob, base64url without padding checked.
fn read_byok(bytes: &[u8]) -> (Value, Vec<u8>) {
    let byok: Value = serde_json::from_slice(bytes).expect("the .byok is JSON");
    let ciphertext = byok["ciphertext"].as_str().expect("a ciphertext");
    assert!(!ciphertext.contains('='), "base64url without padding");
    let blob = URL_SAFE_NO_PAD.decode(ciphertext).expect("base64url");
    (byok, blob)
}

/// The `.byok` the page downloads for `key` under `kek`.
async fn page_byok(browser: &Browser, kms: &Kms, key: &str, kek: &str) -> Vec<u8> {
    AzureExportPage::open(browser, kms, key, kek).await;
    AzureExportPage::export(browser).await;
    browser
        .wait_for_text(AzureExportPage::COMMAND, |t| {
            t.starts_with("az keyvault key import")
        })
        .await;
    AzureExportPage::download(browser, &format!("{key}.byok")).await
}

/// `ckms azure byok export`'s `.byok` for `key` under `kek`.
fn cli_byok(ckms: &Ckms, key: &str, kek: &str) -> Vec<u8> {
    let path = ckms.file(&format!("{key}-{kek}-cli.byok"));
    ckms.run(&["azure", "byok", "export", key, kek, arg(&path)]);
    std::fs::read(&path).expect("the CLI wrote its .byok")
}

#[tokio::test(flavor = "multi_thread")]
async fn keks_imported_by_either_tool_serve_the_other_and_both_byok_files_agree() {
    let kms = Kms::with_ui();
    let vendor = kms.vendor_id();
    let ckms = Ckms::for_kms(&kms);
    let browser = Browser::start().await;
    let rsa = KeyMaterialSpec::RsaPrivate { bits: 2048 };
    let ec = KeyMaterialSpec::EcPrivate {
        curve: EcCurve::P384,
    };
    let rsa_key = create_material(&kms, &vendor, "interop-rsa", rsa);
    let ec_key = create_material(&kms, &vendor, "interop-ec", ec);

    // 1. A KEK imported by the CLI (`ckms azure byok import <pem> <kid> <id>`) is in the
    //    page's picker, and the page's .byok under it unwraps to the KMS's material.
    let cli_private = RsaPrivateKey::new(&mut rand::thread_rng(), 3072).unwrap();
    let pem = ckms.write("cli-kek.publickey.pem", &public_pem(&cli_private));
    ckms.run(&[
        "azure",
        "byok",
        "import",
        arg(&pem),
        VAULT_KID,
        "kek-by-cli",
    ]);
    let ours = page_byok(&browser, &kms, &rsa_key, "kek-by-cli").await;
    let theirs = cli_byok(&ckms, &rsa_key, "kek-by-cli");
    let (our_json, our_blob) = read_byok(&ours);
    let (their_json, their_blob) = read_byok(&theirs);
    let header = json!({"kid": VAULT_KID, "alg": "dir", "enc": "CKM_RSA_AES_KEY_WRAP"});
    assert_eq!(our_json["header"], header, "the page's header");
    assert_eq!(their_json["header"], header, "the CLI's header");
    assert_eq!(our_json["schema_version"], their_json["schema_version"]);
    let material = material_bytes(&kms, &rsa_key, rsa);
    let sha1 = WrappingAlgorithm::RsaAesKeyWrapSha1;
    assert_eq!(unwrap(&cli_private, sha1, &our_blob), material, "page");
    assert_eq!(unwrap(&cli_private, sha1, &their_blob), material, "CLI");
    // The same members in the same order, the generator aside.
    let members =
        |v: &Value| -> Vec<String> { v.as_object().unwrap().keys().cloned().collect::<Vec<_>>() };
    let text_order = |bytes: &[u8]| -> Vec<usize> {
        let text = std::str::from_utf8(bytes).unwrap();
        [
            "\"schema_version\"",
            "\"header\"",
            "\"ciphertext\"",
            "\"generator\"",
        ]
        .iter()
        .map(|m| text.find(m).unwrap_or_else(|| panic!("{m} in {text}")))
        .collect()
    };
    assert_eq!(members(&our_json).len(), members(&their_json).len());
    let (o, t) = (text_order(&ours), text_order(&theirs));
    let rank = |v: &[usize]| {
        let mut sorted: Vec<usize> = (0..v.len()).collect();
        sorted.sort_by_key(|i| v[*i]);
        sorted
    };
    assert_eq!(rank(&o), rank(&t), "members in the CLI's order");

    // 2. A KEK imported by the page (PEM + kid) is one the CLI exports with.
    let page_private = RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap();
    AzureImportKekPage::open(&browser, &kms).await;
    AzureImportKekPage::fill(
        &browser,
        &public_pem(&page_private),
        Some(HSM_KID),
        "kek-by-page",
    )
    .await;
    AzureImportKekPage::import(&browser).await;
    browser
        .wait_for_text(AzureImportKekPage::IMPORTED_ID, |t| t == "kek-by-page")
        .await;
    let theirs = cli_byok(&ckms, &ec_key, "kek-by-page");
    let (their_json, their_blob) = read_byok(&theirs);
    assert_eq!(
        their_json["header"],
        json!({"kid": HSM_KID, "alg": "dir", "enc": "CKM_RSA_AES_KEY_WRAP"}),
        "the CLI read the page's kid tag"
    );
    let material = material_bytes(&kms, &ec_key, ec);
    assert_eq!(unwrap(&page_private, sha1, &their_blob), material, "CLI");
    let ours = page_byok(&browser, &kms, &ec_key, "kek-by-page").await;
    let (our_json, our_blob) = read_byok(&ours);
    assert_eq!(our_json["header"], their_json["header"]);
    assert_eq!(unwrap(&page_private, sha1, &our_blob), material, "page");
    browser.close().await;
}
