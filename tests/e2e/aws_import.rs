//! The seed's AWS CLI commands against LocalStack's KMS: create-key and
//! get-parameters-for-import as the page shows them, the JSON pasted into the
//! guided page, the downloaded files imported with the page's
//! import-key-material command, and the imported key then used and checked
//! against the KMS's material. LocalStack does not implement
//! RSA_AES_KEY_WRAP_SHA_1: that algorithm stays covered by the independent
//! unwrap of the export matrix (`export_matrix.rs`).

use std::path::Path;
use std::time::Instant;

use byok_ui::domain::aws::key_spec::{AwsKeySpec, KeyUsage};
use byok_ui::domain::key_material::EcCurve;
use byok_ui::domain::key_material::HmacHash;
use byok_ui::domain::wrapping::WrappingAlgorithm;
use byok_ui::kmip::{self, ExportWrappedRequest, ImportPublicKeyRequest, UsageMask};
use rsa::pkcs8::EncodePublicKey;

use crate::support::aws::LocalStack;
use crate::support::aws_flow::{Scenario, guided_flow, prove_key_works};
use crate::support::seed::attributes;
use crate::support::{Browser, Kms};

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
