//! The guided page driven with AWS's real outputs (LocalStack and the AWS
//! CLI), and the proof that an imported AWS key works with the KMS's material.

use std::path::Path;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use byok_ui::domain::aws::key_spec::{AwsKeySpec, KeyUsage};
use byok_ui::domain::key_material::{EcCurve, HmacHash};
use byok_ui::domain::wrapping::WrappingAlgorithm;
use byok_ui::routes::Page;
use hmac::Mac;
use rsa::pkcs8::DecodePublicKey;
use serde_json::Value;

use crate::aws::LocalStack;
use crate::pages::GuidedPage;
use crate::seed::material_bytes;
use crate::{Browser, Kms};

/// What the imported key encrypts, MACs or signs.
const MESSAGE: &[u8] = b"bring your own key, proven end to end";

/// One AWS key spec and usage, wrapped with one algorithm under one KEK size.
pub struct Scenario {
    pub spec: AwsKeySpec,
    pub usage: KeyUsage,
    pub algorithm: WrappingAlgorithm,
    pub kek_bits: usize,
}

/// Opens a LocalStack symmetric ciphertext with `material`: key id (36) ‖
/// IV (16) ‖ tag (16) ‖ AES-GCM ciphertext of PKCS#7-padded data (the layout
/// LocalStack writes, checked by the tests). `None` when `material` does not open it.
pub fn open_localstack_ciphertext(material: &[u8], blob: &[u8]) -> Option<Vec<u8>> {
    let (iv, tag, body) = (&blob[36..52], &blob[52..68], &blob[68..]);
    let cipher =
        aes_gcm::AesGcm::<aes_gcm::aes::Aes256, aes_gcm::aead::consts::U16>::new_from_slice(
            material,
        )
        .ok()?;
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
        .ok()?;
    let pad = usize::from(*padded.last()?);
    Some(padded[..padded.len().checked_sub(pad)?].to_vec())
}

/// The base64 member `field` of an AWS CLI JSON output, decoded.
pub fn b64(value: &Value, field: &str) -> Vec<u8> {
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
pub async fn guided_flow(
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
pub fn prove_key_works(
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
            assert_eq!(
                open_localstack_ciphertext(&material, &blob).as_deref(),
                Some(MESSAGE),
                "AWS's ciphertext decrypts locally with the KMS's material"
            );
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
