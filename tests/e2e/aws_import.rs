//! The seed's AWS CLI commands against LocalStack's KMS: create-key and
//! get-parameters-for-import as the page shows them, the JSON pasted into the
//! guided page, the downloaded files imported with the page's
//! import-key-material command, and the imported key then used and checked
//! against the KMS's material. LocalStack does not implement
//! RSA_AES_KEY_WRAP_SHA_1: that algorithm stays covered by the independent
//! unwrap of the export matrix (`export_matrix.rs`).

use std::path::Path;
use std::time::Instant;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use byok_ui::domain::aws_key_spec::{AwsKeySpec, KeyUsage};
use byok_ui::domain::key_material::{EcCurve, HmacHash};
use byok_ui::domain::wrapping::WrappingAlgorithm;
use byok_ui::kmip::{self, ExportWrappedRequest, ImportPublicKeyRequest, UsageMask};
use byok_ui::routes::Page;
use hmac::Mac;
use rsa::pkcs8::{DecodePublicKey, EncodePublicKey};
use serde_json::Value;

use crate::support::aws::LocalStack;
use crate::support::pages::GuidedPage;
use crate::support::seed::{attributes, material_bytes};
use crate::support::{Browser, Kms};

const MESSAGE: &[u8] = b"bring your own key, proven end to end";

struct Scenario {
    spec: AwsKeySpec,
    usage: KeyUsage,
    algorithm: WrappingAlgorithm,
    kek_bits: usize,
}

fn b64(value: &Value, field: &str) -> Vec<u8> {
    STANDARD
        .decode(
            value[field]
                .as_str()
                .unwrap_or_else(|| panic!("no {field} in {value}")),
        )
        .unwrap()
}

/// Goes through the guided page with AWS's real outputs; returns the key ARN,
/// the KMS key id, the import command and the folder holding the downloads.
async fn guided_flow(
    stack: &LocalStack,
    kms: &Kms,
    browser: &Browser,
    s: &Scenario,
) -> (String, String, String) {
    let cwd = browser.download_dir.clone();
    GuidedPage::open(browser, &kms.ui_url(&Page::Byok.href())).await;
    browser.select("#byok-spec", &s.spec.aws_name()).await;
    browser.select("#byok-usage", s.usage.aws_name()).await;

    let create_key = browser
        .wait_for_text("#create-key-command", |t| t.contains(&s.spec.aws_name()))
        .await;
    let created = stack.shell(&create_key, &cwd);
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let created_json = String::from_utf8(created.stdout).unwrap();
    browser.paste("#byok-arn", &created_json).await;
    let arn = serde_json::from_str::<Value>(&created_json).unwrap()["KeyMetadata"]["Arn"]
        .as_str()
        .unwrap()
        .to_owned();

    browser
        .select("#byok-algorithm", s.algorithm.aws_name())
        .await;
    browser
        .select("#byok-kek-size", &format!("RSA_{}", s.kek_bits))
        .await;
    let get_parameters = browser
        .wait_for_text("#get-parameters-command", |t| {
            t.contains(&arn)
                && t.contains(s.algorithm.aws_name())
                && t.contains(&format!("RSA_{}", s.kek_bits))
        })
        .await;
    let parameters = stack.shell(&get_parameters, &cwd);
    assert!(
        parameters.status.success(),
        "{}",
        String::from_utf8_lossy(&parameters.stderr)
    );
    let parameters_json = String::from_utf8(parameters.stdout).unwrap();
    browser.paste("#byok-parameters", &parameters_json).await;
    let status = browser
        .wait_for_text("#byok-parameters-status", |t| !t.is_empty())
        .await;
    assert!(
        status.contains("public key, SHA-256 fingerprint"),
        "{status}\n{parameters_json}"
    );

    browser.click("#byok-run").await;
    let key_id = GuidedPage::key_id(browser).await;
    browser
        .click("[data-testid=export-result] > button.download")
        .await;
    browser.downloaded("EncryptedKeyMaterial.bin").await;
    browser.screenshot("aws-import-result").await;
    browser
        .click_nth("[data-testid=export-result] button.download", 1)
        .await;
    browser.downloaded("ImportToken.bin").await;
    let import = browser
        .wait_for_text("#import-command", |t| t.contains(&arn))
        .await;
    (arn, key_id, import)
}

/// Proves the imported AWS key works with exactly the KMS's material.
fn prove_key_works(
    stack: &LocalStack,
    kms: &Kms,
    cwd: &Path,
    arn: &str,
    key_id: &str,
    s: &Scenario,
) {
    std::fs::write(cwd.join("message.bin"), MESSAGE).unwrap();
    let material = material_bytes(kms, key_id, s.spec.material());
    let described = stack.aws(&format!("aws kms describe-key --key-id {arn}"), cwd);
    assert_eq!(
        described["KeyMetadata"]["KeyState"], "Enabled",
        "{described}"
    );
    match s.spec {
        AwsKeySpec::SymmetricDefault => {
            let encrypted = stack.aws(
                &format!("aws kms encrypt --key-id {arn} --plaintext fileb://message.bin"),
                cwd,
            );
            let blob = b64(&encrypted, "CiphertextBlob");
            // LocalStack's layout, checked here: key id (36) ‖ IV (16) ‖ tag (16) ‖ AES-GCM ciphertext of PKCS#7-padded data.
            let key_uuid = arn.rsplit('/').next().unwrap();
            assert_eq!(&blob[..36], key_uuid.as_bytes());
            let (iv, tag, body) = (&blob[36..52], &blob[52..68], &blob[68..]);
            let cipher = aes_gcm::AesGcm::<aes_gcm::aes::Aes256, aes_gcm::aead::consts::U16>::new_from_slice(&material).unwrap();
            let mut sealed = body.to_vec();
            sealed.extend_from_slice(tag);
            let padded = cipher
                .decrypt(
                    aes_gcm::Nonce::from_slice(iv),
                    Payload {
                        msg: &sealed,
                        aad: b"",
                    },
                )
                .expect("AWS's ciphertext decrypts locally with the KMS's material");
            let pad = *padded.last().unwrap() as usize;
            assert_eq!(&padded[..padded.len() - pad], MESSAGE);
            std::fs::write(cwd.join("ciphertext.bin"), &blob).unwrap();
            let decrypted = stack.aws(
                "aws kms decrypt --ciphertext-blob fileb://ciphertext.bin",
                cwd,
            );
            assert_eq!(b64(&decrypted, "Plaintext"), MESSAGE);
        }
        AwsKeySpec::Hmac(hash) => {
            macro_rules! local_mac {
                ($digest:ty) => {
                    <hmac::Hmac<$digest> as Mac>::new_from_slice(&material)
                        .unwrap()
                        .chain_update(MESSAGE)
                        .finalize()
                        .into_bytes()
                        .to_vec()
                };
            }
            let algorithm = format!("HMAC_SHA_{}", hash.bits());
            let mac = stack.aws(&format!("aws kms generate-mac --key-id {arn} --mac-algorithm {algorithm} --message fileb://message.bin"), cwd);
            let expected = match hash {
                HmacHash::Sha224 => local_mac!(sha2::Sha224),
                HmacHash::Sha256 => local_mac!(sha2::Sha256),
                HmacHash::Sha384 => local_mac!(sha2::Sha384),
                HmacHash::Sha512 => local_mac!(sha2::Sha512),
            };
            assert_eq!(b64(&mac, "Mac"), expected);
        }
        AwsKeySpec::Rsa(_) | AwsKeySpec::Ecc(_) => {
            let public = b64(
                &stack.aws(&format!("aws kms get-public-key --key-id {arn}"), cwd),
                "PublicKey",
            );
            assert_eq!(
                public,
                kms.public_key_der(&format!("{key_id}_pk")),
                "AWS's public key is the KMS's"
            );
            let sign = |algorithm: &str| {
                b64(
                    &stack.aws(&format!("aws kms sign --key-id {arn} --message fileb://message.bin --message-type RAW --signing-algorithm {algorithm}"), cwd),
                    "Signature",
                )
            };
            use p256::ecdsa::signature::Verifier;
            match (s.spec, s.usage) {
                (AwsKeySpec::Rsa(_), KeyUsage::SignVerify) => {
                    let signature = sign("RSASSA_PKCS1_V1_5_SHA_256");
                    let key = rsa::RsaPublicKey::from_public_key_der(&public).unwrap();
                    let verifier = rsa::pkcs1v15::VerifyingKey::<sha2::Sha256>::new(key);
                    let signature =
                        rsa::pkcs1v15::Signature::try_from(signature.as_slice()).unwrap();
                    verifier
                        .verify(MESSAGE, &signature)
                        .expect("AWS's RSA signature verifies locally");
                }
                (AwsKeySpec::Rsa(_), _) => {
                    let key = rsa::RsaPublicKey::from_public_key_der(&public).unwrap();
                    let ciphertext = key
                        .encrypt(
                            &mut rand::thread_rng(),
                            rsa::Oaep::new::<sha2::Sha256>(),
                            MESSAGE,
                        )
                        .unwrap();
                    std::fs::write(cwd.join("rsa-ciphertext.bin"), ciphertext).unwrap();
                    let decrypted = stack.aws(&format!("aws kms decrypt --key-id {arn} --ciphertext-blob fileb://rsa-ciphertext.bin --encryption-algorithm RSAES_OAEP_SHA_256"), cwd);
                    assert_eq!(b64(&decrypted, "Plaintext"), MESSAGE);
                }
                (AwsKeySpec::Ecc(EcCurve::P256), _) => {
                    let signature =
                        p256::ecdsa::Signature::from_der(&sign("ECDSA_SHA_256")).unwrap();
                    p256::ecdsa::VerifyingKey::from_public_key_der(&public)
                        .unwrap()
                        .verify(MESSAGE, &signature)
                        .expect("P-256 signature");
                }
                (AwsKeySpec::Ecc(EcCurve::P384), _) => {
                    let signature =
                        p384::ecdsa::Signature::from_der(&sign("ECDSA_SHA_384")).unwrap();
                    p384::ecdsa::VerifyingKey::from_public_key_der(&public)
                        .unwrap()
                        .verify(MESSAGE, &signature)
                        .expect("P-384 signature");
                }
                (AwsKeySpec::Ecc(EcCurve::P521), _) => {
                    let signature =
                        p521::ecdsa::Signature::from_der(&sign("ECDSA_SHA_512")).unwrap();
                    let point = p521::PublicKey::from_public_key_der(&public).unwrap();
                    let key =
                        p521::ecdsa::VerifyingKey::from_sec1_bytes(&point.to_sec1_bytes()).unwrap();
                    key.verify(MESSAGE, &signature).expect("P-521 signature");
                }
                (AwsKeySpec::Ecc(EcCurve::Secp256k1), _) => {
                    let signature =
                        k256::ecdsa::Signature::from_der(&sign("ECDSA_SHA_256")).unwrap();
                    let signature = signature.normalize_s().unwrap_or(signature);
                    k256::ecdsa::VerifyingKey::from_public_key_der(&public)
                        .unwrap()
                        .verify(MESSAGE, &signature)
                        .expect("secp256k1 signature");
                }
                _ => unreachable!(),
            }
        }
    }
}

/// Runs the page's import command in `dir` (where the two files are).
fn import_in(stack: &LocalStack, command: &str, dir: &Path) -> bool {
    stack.shell(command, dir).status.success()
}

#[tokio::test(flavor = "multi_thread")]
async fn aws_accepts_what_the_page_hands_over_and_the_key_then_works() {
    let started = Instant::now();
    let stack = LocalStack::start();
    let kms = Kms::with_ui();
    let vendor = kms.vendor_id();
    use WrappingAlgorithm::*;
    let scenarios = [
        Scenario {
            spec: AwsKeySpec::SymmetricDefault,
            usage: KeyUsage::EncryptDecrypt,
            algorithm: RsaesOaepSha256,
            kek_bits: 2048,
        },
        Scenario {
            spec: AwsKeySpec::SymmetricDefault,
            usage: KeyUsage::EncryptDecrypt,
            algorithm: RsaesOaepSha1,
            kek_bits: 4096,
        },
        Scenario {
            spec: AwsKeySpec::Hmac(HmacHash::Sha256),
            usage: KeyUsage::GenerateVerifyMac,
            algorithm: RsaesOaepSha256,
            kek_bits: 4096,
        },
        Scenario {
            spec: AwsKeySpec::Hmac(HmacHash::Sha512),
            usage: KeyUsage::GenerateVerifyMac,
            algorithm: RsaesOaepSha1,
            kek_bits: 3072,
        },
        Scenario {
            spec: AwsKeySpec::Rsa(2048),
            usage: KeyUsage::SignVerify,
            algorithm: RsaAesKeyWrapSha256,
            kek_bits: 4096,
        },
        Scenario {
            spec: AwsKeySpec::Rsa(3072),
            usage: KeyUsage::EncryptDecrypt,
            algorithm: RsaAesKeyWrapSha256,
            kek_bits: 3072,
        },
        Scenario {
            spec: AwsKeySpec::Ecc(EcCurve::P256),
            usage: KeyUsage::SignVerify,
            algorithm: RsaesOaepSha256,
            kek_bits: 2048,
        },
        Scenario {
            spec: AwsKeySpec::Ecc(EcCurve::P384),
            usage: KeyUsage::SignVerify,
            algorithm: RsaesOaepSha256,
            kek_bits: 3072,
        },
        Scenario {
            spec: AwsKeySpec::Ecc(EcCurve::P521),
            usage: KeyUsage::SignVerify,
            algorithm: RsaAesKeyWrapSha256,
            kek_bits: 2048,
        },
        Scenario {
            spec: AwsKeySpec::Ecc(EcCurve::Secp256k1),
            usage: KeyUsage::SignVerify,
            algorithm: RsaesOaepSha256,
            kek_bits: 2048,
        },
    ];
    for (n, scenario) in scenarios.iter().enumerate() {
        let cell = format!(
            "{} / {} / RSA_{}",
            scenario.spec.aws_name(),
            scenario.algorithm,
            scenario.kek_bits
        );
        let scenario_started = Instant::now();
        let browser = Browser::start().await;
        let (arn, key_id, import) = guided_flow(&stack, &kms, &browser, scenario).await;
        let cwd = browser.download_dir.clone();

        if n == 0 {
            // Negatives first (the parameters stay unused): each must be rejected.
            let blob = std::fs::read(cwd.join("EncryptedKeyMaterial.bin")).unwrap();
            let token = std::fs::read(cwd.join("ImportToken.bin")).unwrap();
            let attempt = |name: &str, bad_blob: Vec<u8>| {
                let dir = cwd.join(name);
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(dir.join("EncryptedKeyMaterial.bin"), bad_blob).unwrap();
                std::fs::write(dir.join("ImportToken.bin"), &token).unwrap();
                assert!(
                    !import_in(&stack, &import, &dir),
                    "{cell}: AWS accepted a {name} blob"
                );
            };
            let mut flipped = blob.clone();
            flipped[blob.len() / 2] ^= 0x01;
            attempt("flipped-bit", flipped);

            // A blob made for another wrapping key.
            let other = rsa::RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap();
            let export_with = |kek_id: &str, spki: Vec<u8>, algorithm: WrappingAlgorithm| {
                let mut attrs = attributes(
                    &vendor,
                    kek_id,
                    UsageMask::WRAP_KEY.union(UsageMask::ENCRYPT),
                );
                attrs.tags = vec!["aws".into(), algorithm.tag()];
                kms.kmip(&kmip::import_public_key(&ImportPublicKeyRequest {
                    spki_der: spki,
                    replace_existing: false,
                    attributes: attrs,
                }))
                .unwrap();
                kmip::parse_export_wrapped(
                    &kms.kmip(&kmip::export_wrapped(&ExportWrappedRequest {
                        key_id: key_id.clone(),
                        kek_id: kek_id.into(),
                        parameters: algorithm.kmip_parameters(),
                    }))
                    .unwrap(),
                )
                .unwrap()
            };
            attempt(
                "other-wrapping-key",
                export_with(
                    "other-kek",
                    other
                        .to_public_key()
                        .to_public_key_der()
                        .unwrap()
                        .into_vec(),
                    RsaesOaepSha256,
                ),
            );

            // The right wrapping key, the other OAEP hash.
            let parameters_spki = {
                let listed = kms.object_ids();
                let aws_kek = listed
                    .iter()
                    .find(|id| {
                        kmip::parse_get_attributes(
                            &kms.kmip(&kmip::get_attributes(id, &[kmip::AttributeReference::Tag]))
                                .unwrap(),
                        )
                        .unwrap()
                        .tags
                        .iter()
                        .any(|t| t == &format!("key_arn:{arn}"))
                    })
                    .expect("the KEK the page imported");
                kms.public_key_der(aws_kek)
            };
            attempt(
                "other-oaep-hash",
                export_with("same-kek-sha1", parameters_spki, RsaesOaepSha1),
            );
        }

        assert!(
            import_in(&stack, &import, &cwd),
            "{cell}: AWS refused the page's blob"
        );
        prove_key_works(&stack, &kms, &cwd, &arn, &key_id, scenario);
        println!(
            "aws scenario {cell}: passed in {:.1?}",
            scenario_started.elapsed()
        );
        browser.close().await;
    }
    println!(
        "aws: {} scenarios passed in {:.1?}",
        scenarios.len(),
        started.elapsed()
    );
}
