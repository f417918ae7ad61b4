//! The whole matrix natively through the KMIP builders and parsers: every AWS
//! key material × wrapping algorithm × KEK size. Allowed cells are unwrapped
//! here and compared byte for byte; forbidden cells are refused by the rules
//! and never sent.

use std::time::Instant;

use byok_ui::domain::aws::rules::check_wrapping;
use byok_ui::domain::key_material::KeyMaterialSpec;
use byok_ui::domain::wrapping::WrappingAlgorithm;
use byok_ui::kmip::{self, *};
use rsa::RsaPrivateKey;

use crate::support::seed::{create_material, import_kek, material_bytes};
use crate::support::unwrap::unwrap;
use crate::support::{Kms, KmsOptions};

#[test]
fn every_cell_is_either_proven_by_an_independent_unwrap_or_refused_before_sending() {
    let started = Instant::now();
    let kms = Kms::start(KmsOptions::default());
    let vendor = kms.vendor_id();
    let keks: Vec<(usize, String, RsaPrivateKey)> = [2048, 3072, 4096]
        .into_iter()
        .map(|bits| {
            let id = format!("kek-{bits}");
            let private = import_kek(&kms, &vendor, &id, bits);
            (bits, id, private)
        })
        .collect();
    let materials: Vec<(KeyMaterialSpec, String, Vec<u8>)> = KeyMaterialSpec::all_aws()
        .into_iter()
        .enumerate()
        .map(|(n, spec)| {
            let id = create_material(&kms, &vendor, &format!("material-{n}"), spec);
            let bytes = material_bytes(&kms, &id, spec);
            if !matches!(spec, KeyMaterialSpec::RsaPrivate { .. }) {
                assert_eq!(bytes.len(), spec.wrapped_len(), "{spec}: material length");
            }
            (spec, id, bytes)
        })
        .collect();

    let (mut proven, mut refused) = (0, 0);
    for (spec, key_id, expected) in &materials {
        for algorithm in WrappingAlgorithm::ALL {
            for (kek_bits, kek_id, private) in &keks {
                let cell = format!("{spec} / {algorithm} / RSA {kek_bits}");
                match check_wrapping(*spec, algorithm, *kek_bits, None) {
                    Ok(_) => {
                        let reply = kms
                            .kmip(&kmip::export_wrapped(&ExportWrappedRequest {
                                key_id: key_id.clone(),
                                kek_id: kek_id.clone(),
                                parameters: algorithm.kmip_parameters(),
                            }))
                            .unwrap_or_else(|e| {
                                panic!("{cell}: the server refused an allowed cell: {e:?}")
                            });
                        let blob = kmip::parse_export_wrapped(&reply).unwrap();
                        let unwrapped = unwrap(private, algorithm, &blob);
                        assert_eq!(&unwrapped, expected, "{cell}: unwrapped bytes differ");
                        let expected_len = match algorithm {
                            WrappingAlgorithm::RsaesOaepSha1
                            | WrappingAlgorithm::RsaesOaepSha256 => kek_bits / 8,
                            _ => kek_bits / 8 + expected.len().div_ceil(8) * 8 + 8,
                        };
                        assert_eq!(blob.len(), expected_len, "{cell}: blob length");
                        proven += 1;
                    }
                    Err(reason) => {
                        assert!(!reason.is_empty(), "{cell}");
                        refused += 1;
                    }
                }
            }
        }
    }
    let exports_sent = proven;
    println!(
        "matrix: {proven} allowed cells proven by independent unwrap, {refused} forbidden cells refused before sending ({exports_sent} exports sent), {:.1?}",
        started.elapsed()
    );
    assert_eq!(proven + refused, 12 * 4 * 3);
    // AES/HMAC: OAEP only (5 materials × 2 × 3); RSA: key wrap only (3 × 2 × 3);
    // EC: key wrap always (4 × 2 × 3), OAEP except P-521 under RSA 2048 (4 × 2 × 3 − 2).
    assert_eq!(proven, 30 + 18 + 24 + 22);
}
