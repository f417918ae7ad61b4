//! The Azure pages in headless Chromium against the real KMS: a KEK imported from
//! `az keyvault key show` JSON and from PEM + kid (tags read back by this test's own KMIP
//! client), the refusals that send nothing, and `.byok` files for RSA, EC and (Managed HSM)
//! AES keys unwrapped here with RustCrypto and compared with what the KMS holds.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use byok_ui::domain::key_material::{EcCurve, HmacHash, KeyMaterialSpec};
use byok_ui::domain::wrapping::WrappingAlgorithm;
use byok_ui::kmip::{self, AttributeReference};
use byok_ui::routes::Page;
use rsa::traits::PublicKeyParts;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::support::pages::{AzureExportPage, AzureImportKekPage, ExportResult};
use crate::support::script::{
    carried, carrying, contents, damaged, refused, run, shellcheck, text, tools_only,
};
use crate::support::seed::{azure_kek, create_material, fixture_kek_private, material_bytes};
use crate::support::unwrap::unwrap;
use crate::support::{Browser, Kms, fixture};

/// A Key Vault Premium KEK's kid, and a Managed HSM's.
pub(crate) const VAULT_KID: &str =
    "https://contosokv.vault.azure.net/keys/KEKforBYOK/664f5aa2797a4075b8e36ca4500636d8";
pub(crate) const HSM_KID: &str =
    "https://contoso-hsm.managedhsm.azure.net/keys/KEKforBYOK/eba63d27e4e34e028839b53fac905621";

/// `az keyvault key show` for the fixture KEK (RSA 2048), as azure-cli prints it.
pub(crate) fn key_show(kid: &str, ops: &[&str]) -> String {
    let public = fixture_kek_private().to_public_key();
    serde_json::to_string_pretty(&json!({
        "attributes": {
            "created": "2026-11-28T10:15:02+00:00",
            "enabled": true,
            "expires": null,
            "exportable": false,
            "recoveryLevel": "Recoverable+Purgeable",
        },
        "key": {
            "crv": null,
            "d": null,
            "e": STANDARD.encode(public.e().to_bytes_be()),
            "keyOps": ops,
            "kid": kid,
            "kty": "RSA-HSM",
            "n": STANDARD.encode(public.n().to_bytes_be()),
        },
        "managed": null,
        "name": "KEKforBYOK",
        "tags": null,
    }))
    .unwrap()
}

/// The tags of `id`, read by this test's own KMIP client (sorted by the parser).
fn tags_of(kms: &Kms, id: &str) -> Vec<String> {
    kmip::parse_get_attributes(
        &kms.kmip(&kmip::get_attributes(id, &[AttributeReference::Tag]))
            .unwrap(),
    )
    .unwrap()
    .tags
}

/// What the CLI writes, and the fingerprint of `spki`, sorted as the KMS returns tags.
fn expected_tags(kid: &str, spki: &[u8]) -> Vec<String> {
    let mut tags = vec![
        "azure".to_owned(),
        format!("kid:{kid}"),
        format!("kek_sha256:{}", hex::encode(Sha256::digest(spki))),
    ];
    tags.sort();
    tags
}

#[tokio::test(flavor = "multi_thread")]
async fn a_kek_is_imported_from_the_json_and_from_pem_and_kid_with_the_clis_tags() {
    let kms = Kms::with_ui();
    let browser = Browser::start().await;

    // 1. The whole `az keyvault key show` JSON: it names its kid.
    AzureImportKekPage::open(&browser, &kms).await;
    AzureImportKekPage::fill(&browser, &key_show(VAULT_KID, &["import"]), None, "az-json").await;
    browser
        .wait_for_text(AzureImportKekPage::ANALYSIS, |t| {
            t.starts_with("RSA 2048-bit public key")
                && t.ends_with(&format!(
                    "for {VAULT_KID} (read as az keyvault key show output)."
                ))
        })
        .await;
    browser
        .assert_accessible("Azure import page (JSON read)")
        .await;
    AzureImportKekPage::import(&browser).await;
    browser
        .wait_for_text(AzureImportKekPage::IMPORTED_ID, |t| t == "az-json")
        .await;
    browser
        .assert_accessible("Azure import page (result)")
        .await;
    let spki = std::fs::read(fixture("rsa2048.spki.der")).unwrap();
    assert_eq!(kms.public_key_der("az-json"), spki, "the exact key");
    assert_eq!(tags_of(&kms, "az-json"), expected_tags(VAULT_KID, &spki));
    let attributes =
        kmip::parse_get_attributes(&kms.kmip(&kmip::get_attributes("az-json", &[])).unwrap())
            .unwrap();
    assert_eq!(attributes.usage_mask, Some(0x10 | 0x4), "WrapKey+Encrypt");
    assert_eq!(attributes.state, Some(kmip::State::Active));

    // The same KEK again: offered, not imported twice.
    AzureImportKekPage::open(&browser, &kms).await;
    AzureImportKekPage::fill(&browser, &key_show(VAULT_KID, &["import"]), None, "").await;
    AzureImportKekPage::import(&browser).await;
    browser
        .wait_for_text("[data-testid=already-stored-text]", |t| {
            t.starts_with("az-json holds the same public key")
        })
        .await;
    assert!(!browser.sent_kmip("Import").await, "nothing imported again");

    // 2. The PEM az keyvault key download wrote, with its kid typed beside it.
    let pem = std::fs::read_to_string(fixture("rsa4096.spki.pem")).unwrap();
    AzureImportKekPage::open(&browser, &kms).await;
    AzureImportKekPage::fill(&browser, &pem, Some(HSM_KID), "az-pem").await;
    browser
        .wait_for_text(AzureImportKekPage::ANALYSIS, |t| {
            t.starts_with("RSA 4096-bit public key")
                && t.ends_with(&format!(
                    "for {HSM_KID} (read as PEM public key with its kid)."
                ))
        })
        .await;
    AzureImportKekPage::import(&browser).await;
    browser
        .wait_for_text(AzureImportKekPage::IMPORTED_ID, |t| t == "az-pem")
        .await;
    let spki = std::fs::read(fixture("rsa4096.spki.der")).unwrap();
    assert_eq!(kms.public_key_der("az-pem"), spki);
    assert_eq!(tags_of(&kms, "az-pem"), expected_tags(HSM_KID, &spki));

    // The result links to the export page with this KEK chosen.
    browser
        .click_link("Export a key for Azure with this KEK")
        .await;
    browser
        .wait_for_text("h1", |t| t == Page::AzureExport.label())
        .await;
    let kek_field = browser.labelled(AzureExportPage::KEK).await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while browser.value_of(&kek_field).await != "az-pem" {
        assert!(std::time::Instant::now() < deadline, "az-pem not chosen");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn what_azure_refuses_is_refused_with_nothing_sent() {
    let kms = Kms::with_ui();
    let vendor = kms.vendor_id();
    let browser = Browser::start().await;
    let before = kms.object_ids();

    // A KEK whose operations are not import alone.
    AzureImportKekPage::open(&browser, &kms).await;
    AzureImportKekPage::fill(
        &browser,
        &key_show(VAULT_KID, &["import", "wrapKey"]),
        None,
        "",
    )
    .await;
    AzureImportKekPage::import(&browser).await;
    browser
        .wait_for_text(AzureImportKekPage::ANALYSIS, |t| {
            t.starts_with("This key's operations are [import, wrapKey]; Azure's KEK must have import as its only operation")
        })
        .await;
    browser
        .assert_accessible("Azure import page (refused KEK)")
        .await;
    // A kid without its version beside a PEM.
    let pem = std::fs::read_to_string(fixture("rsa4096.spki.pem")).unwrap();
    let bare = "https://contosokv.vault.azure.net/keys/KEKforBYOK";
    AzureImportKekPage::open(&browser, &kms).await;
    AzureImportKekPage::fill(&browser, &pem, Some(bare), "").await;
    AzureImportKekPage::import(&browser).await;
    browser
        .wait_for_text(AzureImportKekPage::ANALYSIS, |t| {
            t.starts_with(&format!("The key identifier {bare} has no version"))
        })
        .await;
    assert!(!browser.sent_kmip("Import").await, "no Import was sent");
    assert_eq!(kms.object_ids(), before, "nothing was stored");

    // An AES key into a Key Vault (not a Managed HSM), and an HMAC key anywhere.
    azure_kek(&kms, &vendor, "kek-vault", VAULT_KID);
    azure_kek(&kms, &vendor, "kek-hsm", HSM_KID);
    let aes = create_material(&kms, &vendor, "az-aes", KeyMaterialSpec::Aes { bits: 256 });
    let hmac = create_material(
        &kms,
        &vendor,
        "az-hmac",
        KeyMaterialSpec::Hmac {
            hash: HmacHash::Sha256,
            bits: 256,
        },
    );
    for (key, kek, refusal) in [
        (
            &aes,
            "kek-vault",
            "Azure imports AES keys (oct-HSM) into a Managed HSM only, and this KEK is in the Key Vault contosokv",
        ),
        (
            &hmac,
            "kek-hsm",
            "Azure Key Vault and Managed HSM import RSA, EC and AES keys only: there is no HMAC key type",
        ),
    ] {
        AzureExportPage::open(&browser, &kms, key, kek).await;
        AzureExportPage::export(&browser).await;
        browser
            .wait_for_text(AzureExportPage::ERROR, |t| t.starts_with(refusal))
            .await;
        assert!(
            !browser.sent_kmip("Export").await,
            "{key}: no Export was sent"
        );
    }
    browser
        .assert_accessible("Azure export page (refused)")
        .await;
    browser.close().await;
}

/// One `.byok` through the page: its header, its SHA-256, its command; the blob unwrapped here.
async fn export_and_check(
    browser: &Browser,
    kms: &Kms,
    key: &str,
    spec: KeyMaterialSpec,
    kek: &str,
    kid: &str,
    command_has: &[&str],
) {
    AzureExportPage::open(browser, kms, key, kek).await;
    AzureExportPage::export(browser).await;
    let summary = browser
        .wait_for_text(AzureExportPage::SUMMARY, |t| !t.is_empty())
        .await;
    assert!(
        summary.starts_with(&format!("{key} ")) && summary.contains(kid),
        "{summary}"
    );
    let file = AzureExportPage::download(browser, &format!("{key}.byok")).await;
    let shown = browser
        .wait_for_text(AzureExportPage::SHA256, |t| t.len() == 64)
        .await;
    assert_eq!(shown, hex::encode(Sha256::digest(&file)), "{key}: SHA-256");
    let byok: Value = serde_json::from_slice(&file).expect("the .byok is JSON");
    assert_eq!(byok["schema_version"], "1.0.0");
    assert_eq!(
        byok["header"],
        json!({"kid": kid, "alg": "dir", "enc": "CKM_RSA_AES_KEY_WRAP"})
    );
    assert!(
        byok["generator"].as_str().unwrap().starts_with("byok-ui;"),
        "{byok}"
    );
    let ciphertext = byok["ciphertext"].as_str().unwrap();
    assert!(!ciphertext.contains('='), "base64url without padding");
    let blob = URL_SAFE_NO_PAD.decode(ciphertext).expect("base64url");
    let unwrapped = unwrap(
        &fixture_kek_private(),
        WrappingAlgorithm::RsaAesKeyWrapSha1,
        &blob,
    );
    assert_eq!(
        unwrapped,
        material_bytes(kms, key, spec),
        "{key}: the unwrapped bytes are the KMS's material"
    );
    let command = browser
        .wait_for_text(AzureExportPage::COMMAND, |t| {
            t.starts_with("az keyvault key import")
        })
        .await;
    let words = shell_words::split(&command.replace("\\\n", " ")).unwrap();
    for part in command_has {
        assert!(
            command.contains(part),
            "{key}: the command lacks {part}: {command}"
        );
    }
    assert!(words.contains(&format!("{key}.byok")), "{command}");
}

#[tokio::test(flavor = "multi_thread")]
async fn rsa_ec_and_managed_hsm_aes_byok_files_unwrap_to_the_kms_material() {
    let kms = Kms::with_ui();
    let vendor = kms.vendor_id();
    azure_kek(&kms, &vendor, "kek-vault", VAULT_KID);
    azure_kek(&kms, &vendor, "kek-hsm", HSM_KID);
    let rsa = KeyMaterialSpec::RsaPrivate { bits: 2048 };
    let ec = KeyMaterialSpec::EcPrivate {
        curve: EcCurve::P256,
    };
    let aes = KeyMaterialSpec::Aes { bits: 256 };
    let rsa_id = create_material(&kms, &vendor, "az-rsa", rsa);
    let ec_id = create_material(&kms, &vendor, "az-ec", ec);
    let aes_id = create_material(&kms, &vendor, "az-aes", aes);
    let browser = Browser::start().await;

    export_and_check(
        &browser,
        &kms,
        &rsa_id,
        rsa,
        "kek-vault",
        VAULT_KID,
        &["--vault-name contosokv", "--name az-rsa", "--kty RSA"],
    )
    .await;
    browser
        .assert_accessible("Azure export page (result)")
        .await;
    export_and_check(
        &browser,
        &kms,
        &ec_id,
        ec,
        "kek-vault",
        VAULT_KID,
        &["--kty EC", "--curve P-256"],
    )
    .await;
    export_and_check(
        &browser,
        &kms,
        &aes_id,
        aes,
        "kek-hsm",
        HSM_KID,
        &["--hsm-name contoso-hsm", "--kty oct"],
    )
    .await;
    // Choosing operations puts them in the command, in Azure's spelling and order.
    browser.click_label("unwrapKey").await;
    browser.click_label("wrapKey").await;
    browser
        .wait_for_text(AzureExportPage::COMMAND, |t| {
            t.contains("--ops wrapKey unwrapKey")
        })
        .await;
    browser.close().await;
}

/// Every Azure cell natively through the KMIP builders, the domain's rules and the `.byok`
/// writer and reader: RSA 2048–4096, EC P-256/P-384/P-521/P-256K, AES 128/192/256 and HMAC ×
/// KEK RSA 2048/3072/4096 × Key Vault or Managed HSM. Allowed cells are unwrapped here and
/// compared byte for byte; forbidden cells are refused by the rules and never sent.
#[test]
fn every_azure_cell_is_proven_by_an_independent_unwrap_or_refused_before_sending() {
    use crate::support::seed::azure_kek_of;
    use byok_ui::domain::azure::byok_file::ByokFile;
    use byok_ui::domain::azure::kid::AzureKeyId;
    use byok_ui::domain::azure::rules::plan;
    use byok_ui::kmip::ExportWrappedRequest;

    let kms = Kms::start(Default::default());
    let vendor = kms.vendor_id();
    let mut keks = Vec::new();
    for bits in [2048, 3072, 4096] {
        let private = rsa::RsaPrivateKey::new(&mut rand::thread_rng(), bits).unwrap();
        for (place, kid) in [("vault", VAULT_KID), ("hsm", HSM_KID)] {
            let id = format!("kek-{place}-{bits}");
            azure_kek_of(&kms, &vendor, &id, kid, &private);
            let kid = AzureKeyId::parse_versioned(kid).unwrap();
            keks.push((bits, id, kid, private.clone()));
        }
    }
    let mut specs: Vec<KeyMaterialSpec> = [128, 192, 256]
        .map(|bits| KeyMaterialSpec::Aes { bits })
        .to_vec();
    specs.push(KeyMaterialSpec::Hmac {
        hash: HmacHash::Sha256,
        bits: 256,
    });
    specs.extend([2048, 3072, 4096].map(|bits| KeyMaterialSpec::RsaPrivate { bits }));
    specs.extend(EcCurve::ALL.map(|curve| KeyMaterialSpec::EcPrivate { curve }));
    let (mut proven, mut refused) = (0, 0);
    for (n, spec) in specs.iter().enumerate() {
        let key_id = create_material(&kms, &vendor, &format!("material-{n}"), *spec);
        let expected = material_bytes(&kms, &key_id, *spec);
        for (bits, kek_id, kid, private) in &keks {
            let cell = format!("{spec} / RSA {bits} / {kid}");
            match plan(*spec, WrappingAlgorithm::RsaAesKeyWrapSha1, *bits, kid) {
                Ok(_) => {
                    let reply = kms
                        .kmip(&kmip::export_wrapped(&ExportWrappedRequest {
                            key_id: key_id.clone(),
                            kek_id: kek_id.clone(),
                            parameters: WrappingAlgorithm::RsaAesKeyWrapSha1.kmip_parameters(),
                        }))
                        .unwrap_or_else(|e| panic!("{cell}: refused by the server: {e:?}"));
                    let blob = kmip::parse_export_wrapped(&reply).unwrap();
                    let file = ByokFile::parse(&ByokFile::new(kid.clone(), blob).to_json())
                        .unwrap_or_else(|e| panic!("{cell}: {e}"));
                    file.check_for_kek(kid, *bits)
                        .unwrap_or_else(|e| panic!("{cell}: {e}"));
                    let unwrapped = unwrap(
                        private,
                        WrappingAlgorithm::RsaAesKeyWrapSha1,
                        &file.ciphertext,
                    );
                    assert_eq!(unwrapped, expected, "{cell}: unwrapped bytes differ");
                    proven += 1;
                }
                Err(reason) => {
                    assert!(!reason.is_empty(), "{cell}");
                    refused += 1;
                }
            }
        }
    }
    println!(
        "Azure matrix: {proven} cells proven by independent unwrap, {refused} refused before sending"
    );
    // RSA 3 × 6 and EC 4 × 6 everywhere; AES 3 × 3 into a Managed HSM only.
    assert_eq!(proven, 18 + 24 + 9);
    // AES 3 × 3 into a Key Vault, HMAC × 6.
    assert_eq!(refused, 9 + 6);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_azure_export_works_from_the_keyboard_alone() {
    use crate::support::{ARROW_DOWN, ENTER, SPACE};
    let kms = Kms::with_ui();
    let vendor = kms.vendor_id();
    let private = azure_kek(&kms, &vendor, "kek-keyboard", VAULT_KID);
    let ec = KeyMaterialSpec::EcPrivate {
        curve: EcCurve::P384,
    };
    let key = create_material(&kms, &vendor, "ec-keyboard", ec);
    let browser = Browser::start().await;
    browser.goto(&kms.ui_url(&Page::AzureExport.href())).await;
    browser
        .wait_for_text("#azure-kek-id", |t| t.contains("kek-keyboard"))
        .await;
    browser.tab_to("#key-id").await;
    browser.press(&key).await;
    browser.tab_to("#azure-kek-id").await;
    browser.press(ARROW_DOWN).await;
    assert_eq!(browser.value_of("#azure-kek-id").await, "kek-keyboard");
    browser
        .tab_to("form.azure-export button[type=submit]")
        .await;
    browser.press(ENTER).await;
    browser
        .wait_for_text(AzureExportPage::SUMMARY, |t| !t.is_empty())
        .await;
    browser
        .tab_to("[data-testid=azure-byok-result] button.download")
        .await;
    browser.press(ENTER).await;
    let file = browser.downloaded("ec-keyboard.byok").await;
    let byok: Value = serde_json::from_slice(&file).unwrap();
    let blob = URL_SAFE_NO_PAD
        .decode(byok["ciphertext"].as_str().unwrap())
        .unwrap();
    assert_eq!(
        unwrap(&private, WrappingAlgorithm::RsaAesKeyWrapSha1, &blob),
        material_bytes(&kms, &key, ec)
    );
    browser
        .tab_to("button[aria-label='Copy the az keyvault key import command']")
        .await;
    browser.press(SPACE).await;
    let shown = browser
        .wait_for_text(AzureExportPage::COMMAND, |t| !t.is_empty())
        .await;
    browser
        .wait_for_text("pre#azure-import-command + .copy + .copy-status", |t| {
            t == "Copied."
        })
        .await;
    assert_eq!(browser.clipboard().await, shown);
    assert!(shown.contains("--curve P-384"), "{shown}");
    browser.close().await;
}

/// The import script downloaded from the `.byok` result, run by the real `/bin/sh` up to where
/// `az` would be called: its dry run writes the page's `.byok` byte for byte; a damaged block, a
/// `.byok` for another KEK and a missing Azure CLI are refused before anything is written. The
/// `az` calls themselves are not run here: no emulator accepts an Azure BYOK (README).
#[tokio::test(flavor = "multi_thread")]
async fn the_azure_import_script_writes_the_pages_byok_and_refuses_what_azure_would() {
    let kms = Kms::with_ui();
    let vendor = kms.vendor_id();
    azure_kek(&kms, &vendor, "kek-script", VAULT_KID);
    let rsa = KeyMaterialSpec::RsaPrivate { bits: 2048 };
    let key = create_material(&kms, &vendor, "az-script", rsa);
    let browser = Browser::start().await;
    export_and_check(
        &browser,
        &kms,
        &key,
        rsa,
        "kek-script",
        VAULT_KID,
        &["--kty RSA"],
    )
    .await;
    let byok = AzureExportPage::download(&browser, &format!("{key}.byok")).await;
    let command = browser
        .wait_for_text(AzureExportPage::COMMAND, |t| {
            t.starts_with("az keyvault key import")
        })
        .await;
    let (file, script, shown) = ExportResult::download_script(&browser).await;
    assert_eq!(file, format!("import-azure-{key}.sh"));
    assert_eq!(shown, hex::encode(Sha256::digest(&script)));
    assert!(
        text(&script).contains(&format!("if ! {command}; then")),
        "{}",
        text(&script)
    );

    let dry = carried("azure-script", &file, &script);
    shellcheck(&dry);
    let path = tools_only(dry.parent().unwrap().parent().unwrap());
    let out = run(&dry, &["--dry-run"], &path);
    assert!(out.status.success(), "{out:?}");
    let folder = dry.parent().unwrap();
    assert_eq!(
        std::fs::read(folder.join(format!("{key}.byok"))).unwrap(),
        byok
    );
    assert_eq!(contents(folder).len(), 2, "only the script and the .byok");
    assert!(text(&out.stdout).contains(&command), "{out:?}");

    let nothing = "No file was written and nothing was sent to Azure.";
    let name = format!("{key}.byok");
    // No cloud CLI here: the dry run, which needs none, shows the checks (the unit tests run
    // the same refusals with the CLI on PATH as a tripwire that must not be reached).
    let broken = carried("azure-script-damaged", &file, &damaged(&script, &name));
    let message = format!("The {name} this script carries is damaged (SHA-256 ");
    refused(&broken, &["--dry-run"], &path, &message, nothing);

    let other_kek = text(&byok).replace("/keys/KEKforBYOK/", "/keys/OtherKEK/");
    let wrong = carried(
        "azure-script-kid",
        &file,
        &carrying(&script, &name, other_kek.as_bytes()),
    );
    let message = format!("is not wrapped for the KEK {VAULT_KID}");
    refused(&wrong, &["--dry-run"], &path, &message, nothing);
    let no_az = carried("azure-script-no-az", &file, &script);
    refused(
        &no_az,
        &[],
        &path,
        "The Azure CLI (az) is not on PATH",
        nothing,
    );
    browser.close().await;
}

/// The value after `flag` in the command's words, if any; several for `--ops`.
fn flag_values(words: &[String], flag: &str) -> Vec<String> {
    match words.iter().position(|w| w == flag) {
        None => Vec::new(),
        Some(at) => words[at + 1..]
            .iter()
            .take_while(|w| !w.starts_with("--"))
            .cloned()
            .collect(),
    }
}

/// The page's `.byok` and command through azure-keyvault-keys, as `az keyvault key import`
/// builds its request (azure-cli `keyvault/custom.py` `import_key`): the key's name in the
/// URL, `kty` + `-HSM`, `key_ops`, `crv`, the expiry, and the file itself as the key's `t`,
/// whose header names the KEK.
async fn sdk_builds_the_import(browser: &Browser, key: &str, kid: &str) {
    let file = AzureExportPage::download(browser, &format!("{key}.byok")).await;
    let command = browser
        .wait_for_text(AzureExportPage::COMMAND, |t| {
            t.starts_with("az keyvault key import")
        })
        .await;
    let words = shell_words::split(&command.replace("\\\n", " ")).unwrap();
    let one = |flag: &str| flag_values(&words, flag).first().cloned();
    let path = crate::support::scratch_dir("azure-sdk").join(format!("{key}.byok"));
    std::fs::write(&path, &file).unwrap();
    let built = crate::support::cloud_sdk::build(&json!({
        "cloud": "azure",
        "byok_file": path,
        "name": one("--name").unwrap(),
        "kty": one("--kty").unwrap(),
        "curve": one("--curve"),
        "ops": flag_values(&words, "--ops"),
        "expires": one("--expires"),
    }));
    assert_eq!(built["method"], "PUT", "{built}");
    assert_eq!(
        built["url"],
        format!("/keys/{}?api-version=2025-07-01", one("--name").unwrap()),
        "{built}"
    );
    let sent = &built["body"]["key"];
    assert_eq!(
        sent["kty"],
        format!("{}-HSM", one("--kty").unwrap()),
        "{built}"
    );
    assert_eq!(
        sent["crv"].as_str().map(str::to_owned),
        one("--curve"),
        "{built}"
    );
    let ops = flag_values(&words, "--ops");
    if ops.is_empty() {
        assert!(sent.get("key_ops").is_none(), "{built}");
    } else {
        assert_eq!(sent["key_ops"], json!(ops), "{built}");
    }
    let t = URL_SAFE_NO_PAD
        .decode(sent["key_hsm"].as_str().unwrap())
        .unwrap();
    assert_eq!(t, file, "the request carries the .byok byte for byte");
    let header: Value = serde_json::from_slice(&t).unwrap();
    assert_eq!(header["header"]["kid"], kid, "{built}");
    match one("--expires") {
        Some(expires) => {
            let at = time::OffsetDateTime::parse(
                &expires,
                &time::format_description::well_known::Rfc3339,
            )
            .unwrap();
            assert_eq!(
                built["body"]["attributes"]["exp"],
                at.unix_timestamp(),
                "{built}"
            );
        }
        None => assert!(built["body"].get("attributes").is_none(), "{built}"),
    }
}

/// Azure's own Python SDK builds the import request from the page's `.byok` and command for
/// RSA and EC keys into a Key Vault and an AES key into a Managed HSM, offline: what it sends
/// is what the command says. Azure's acceptance itself is not proven (README).
#[tokio::test(flavor = "multi_thread")]
async fn azures_sdk_builds_the_import_our_command_describes() {
    let kms = Kms::with_ui();
    let vendor = kms.vendor_id();
    azure_kek(&kms, &vendor, "kek-vault", VAULT_KID);
    azure_kek(&kms, &vendor, "kek-hsm", HSM_KID);
    let rsa = KeyMaterialSpec::RsaPrivate { bits: 3072 };
    let ec = KeyMaterialSpec::EcPrivate {
        curve: EcCurve::P384,
    };
    let aes = KeyMaterialSpec::Aes { bits: 256 };
    let rsa_id = create_material(&kms, &vendor, "sdk-rsa", rsa);
    let ec_id = create_material(&kms, &vendor, "sdk-ec", ec);
    let aes_id = create_material(&kms, &vendor, "sdk-aes", aes);
    let browser = Browser::start().await;
    export_and_check(
        &browser,
        &kms,
        &rsa_id,
        rsa,
        "kek-vault",
        VAULT_KID,
        &["--kty RSA"],
    )
    .await;
    browser.click_label("sign").await;
    browser.click_label("verify").await;
    browser
        .fill(
            &browser
                .labelled("Expires on (YYYY-MM-DD, empty: no expiry)")
                .await,
            "2027-01-31",
        )
        .await;
    browser
        .wait_for_text(AzureExportPage::COMMAND, |t| {
            t.contains("--ops sign verify") && t.contains("--expires 2027-01-31T00:00:00Z")
        })
        .await;
    sdk_builds_the_import(&browser, &rsa_id, VAULT_KID).await;
    export_and_check(
        &browser,
        &kms,
        &ec_id,
        ec,
        "kek-vault",
        VAULT_KID,
        &["--curve P-384"],
    )
    .await;
    sdk_builds_the_import(&browser, &ec_id, VAULT_KID).await;
    export_and_check(
        &browser,
        &kms,
        &aes_id,
        aes,
        "kek-hsm",
        HSM_KID,
        &["--kty oct"],
    )
    .await;
    sdk_builds_the_import(&browser, &aes_id, HSM_KID).await;
    browser.close().await;
}
