//! Google Cloud KMS's rules for importing a KMS key, checked before anything
//! is sent: the algorithms each material can become, which import method carries it, protection levels.
//!
//! From googleapis `google/cloud/kms/v1/resources.proto` and `service.proto`
//! (commit f8291d2b89f0017ab078a4c7378069bae5686f6f), gcloud's
//! `command_lib/kms/maps.py`, and "Formatting keys for import"
//! (<https://cloud.google.com/kms/docs/formatting-keys-for-import>): symmetric
//! encryption keys are 32 bytes, or 16 for raw encryption only; an HMAC key is
//! as long as its hash's output; the plain RSA-OAEP methods cannot wrap RSA keys.

use crate::domain::google::algorithm::{AesMode, GoogleAlgorithm, MacHash, rsa_algorithms};
use crate::domain::google::import_job::ImportJob;
use crate::domain::google::import_method::ImportMethod;
use crate::domain::google::protection_level::ProtectionLevel;
use crate::domain::key_material::{EcCurve, KeyMaterialSpec};
use crate::domain::wrapping::oaep_capacity;

/// The algorithms this material can be imported as, for the user to pick
/// from (the recommended first); `Err` says why Google takes none.
pub fn algorithms_for(material: KeyMaterialSpec) -> Result<Vec<GoogleAlgorithm>, String> {
    match material {
        KeyMaterialSpec::Aes { bits: 256 } => {
            let mut list = vec![GoogleAlgorithm::GoogleSymmetricEncryption];
            list.extend(AesMode::ALL.map(|mode| GoogleAlgorithm::RawAes { bits: 256, mode }));
            Ok(list)
        }
        KeyMaterialSpec::Aes { bits: 128 } => Ok(AesMode::ALL
            .map(|mode| GoogleAlgorithm::RawAes { bits: 128, mode })
            .to_vec()),
        KeyMaterialSpec::Aes { bits } => Err(format!(
            "Cloud KMS imports AES keys of 256 bits (google-symmetric-encryption or raw encryption) or 128 bits (raw encryption only), not {bits}-bit: create an AES-256 key."
        )),
        KeyMaterialSpec::Hmac { hash, bits } if bits == hash.bits() => {
            Ok(vec![GoogleAlgorithm::Hmac(MacHash::Sha2(hash))])
        }
        KeyMaterialSpec::Hmac { hash, bits } => Err(format!(
            "Cloud KMS requires an HMAC key as long as its hash's output: an HMAC-SHA{h} key is {h} bits ({} bytes), not {bits}: create the HMAC key with length {h}.",
            hash.bits() / 8,
            h = hash.bits(),
        )),
        KeyMaterialSpec::RsaPrivate { bits } if [2048, 3072, 4096].contains(&bits) => {
            Ok(rsa_algorithms(bits))
        }
        KeyMaterialSpec::RsaPrivate { bits } => Err(format!(
            "Cloud KMS imports RSA keys of 2048, 3072 or 4096 bits, not {bits}: create an RSA key of one of those sizes."
        )),
        KeyMaterialSpec::EcPrivate {
            curve: EcCurve::P521,
        } => Err(
            "Cloud KMS has no algorithm for P-521 keys (its EC algorithms are ec-sign-p256-sha256, ec-sign-p384-sha384 and ec-sign-secp256k1-sha256): this key cannot be copied to Google Cloud; use a P-256 or P-384 key.".to_owned(),
        ),
        KeyMaterialSpec::EcPrivate { curve } => Ok(vec![GoogleAlgorithm::EcSign(curve)]),
    }
}

/// Whether `algorithm` is one this material can become.
pub fn check_algorithm(
    material: KeyMaterialSpec,
    algorithm: GoogleAlgorithm,
) -> Result<(), String> {
    let fitting = algorithms_for(material)?;
    if fitting.contains(&algorithm) {
        return Ok(());
    }
    Err(format!(
        "This {material} cannot be imported as {algorithm}: choose one of {}.",
        fitting
            .iter()
            .map(|a| a.gcloud_name())
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

/// Whether the import job's method can carry this material.
pub fn check_method(material: KeyMaterialSpec, method: ImportMethod) -> Result<(), String> {
    if method.is_key_wrap() {
        return Ok(());
    }
    let instead = format!(
        "create an import job with --import-method rsa-oaep-{}-sha256-aes-256",
        method.rsa_bits()
    );
    match material {
        KeyMaterialSpec::RsaPrivate { .. } => Err(format!(
            "{} wraps the material directly with RSA-OAEP, which Google does not allow for RSA keys (a private key is larger than one RSA block): {instead}.",
            method.gcloud_name()
        )),
        KeyMaterialSpec::EcPrivate { .. } => Err(format!(
            "{} wraps the material directly with RSA-OAEP; this app uses it for symmetric keys only, as Google describes it, and wraps EC keys with AES key wrap: {instead}.",
            method.gcloud_name()
        )),
        symmetric => {
            let capacity = oaep_capacity(method.rsa_bits(), method.wrapping_algorithm());
            if symmetric.wrapped_len() > capacity {
                return Err(format!(
                    "{symmetric} material is {} bytes, more than {} can wrap ({capacity} bytes at most): {instead}.",
                    symmetric.wrapped_len(),
                    method.gcloud_name()
                ));
            }
            Ok(())
        }
    }
}

/// Google imports only into software and HSM keys, requires the key's level
/// to be the job's (when the job's is known), and keeps secp256k1 in HSMs.
pub fn check_protection_levels(
    algorithm: GoogleAlgorithm,
    key_level: &ProtectionLevel,
    job_level: Option<&ProtectionLevel>,
) -> Result<(), String> {
    check_importable(key_level)?;
    if let Some(job_level) = job_level.filter(|job| *job != key_level) {
        return Err(format!(
            "The key is {key_level} but the import job is {job_level}: Google imports only with a job of the key's protection level; create an import job with --protection-level {}, or use a key created with --protection-level {}.",
            key_level.gcloud_name(),
            job_level.gcloud_name()
        ));
    }
    if algorithm == GoogleAlgorithm::EcSign(EcCurve::Secp256k1) && !key_level.is_hsm() {
        return Err(format!(
            "{algorithm} exists in Cloud HSM only, not in {key_level} keys: create the key and the import job with --protection-level hsm."
        ));
    }
    Ok(())
}

fn check_importable(level: &ProtectionLevel) -> Result<(), String> {
    match level {
        level if level.is_importable() => Ok(()),
        ProtectionLevel::External | ProtectionLevel::ExternalVpc => Err(format!(
            "Cloud KMS does not import into Cloud External Key Manager keys ({level}): create the key with --protection-level software or hsm."
        )),
        other => Err(format!(
            "Cloud KMS imports into SOFTWARE, HSM and HSM_SINGLE_TENANT keys, not {other}: create the key with --protection-level software or hsm."
        )),
    }
}

/// Every rule for importing `material` as `algorithm` into a key of
/// `key_level` with `job`, in the order a person fixes them.
pub fn check_import(
    material: KeyMaterialSpec,
    algorithm: GoogleAlgorithm,
    job: &ImportJob,
    key_level: &ProtectionLevel,
) -> Result<(), String> {
    check_algorithm(material, algorithm)?;
    check_method(material, job.method)?;
    check_protection_levels(algorithm, key_level, job.protection_level.as_ref())
}

/// What an export for a stored import job checks before anything is sent, in the order a
/// person fixes them: the wrapping key is the method's size, the algorithm fits the material
/// (`requested`, or the first that fits), the method carries the material, and the levels fit
/// (the key's, when the user states it, else taken to be the job's, as Google requires).
pub fn plan_export(
    material: KeyMaterialSpec,
    method: ImportMethod,
    kek_bits: usize,
    job_level: Option<&ProtectionLevel>,
    key_level: Option<&ProtectionLevel>,
    requested: Option<GoogleAlgorithm>,
) -> Result<GoogleAlgorithm, String> {
    if kek_bits != method.rsa_bits() {
        return Err(format!(
            "The stored wrapping key is RSA {kek_bits}-bit but the import method {} uses a {}-bit key: import the job again on the Google import page from its describe output.",
            method.gcloud_name(),
            method.rsa_bits()
        ));
    }
    let algorithm = match requested {
        Some(algorithm) => {
            check_algorithm(material, algorithm)?;
            algorithm
        }
        None => algorithms_for(material)?[0],
    };
    check_method(material, method)?;
    if let Some(key_level) = key_level.or(job_level) {
        check_protection_levels(algorithm, key_level, job_level)?;
    }
    Ok(algorithm)
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;
    use crate::domain::google::algorithm::RsaDigest;
    use crate::domain::key_material::HmacHash;
    use GoogleAlgorithm::*;
    use ImportMethod::*;

    fn names(material: KeyMaterialSpec) -> Vec<String> {
        algorithms_for(material)
            .unwrap()
            .iter()
            .map(|a| a.gcloud_name())
            .collect()
    }

    #[test]
    fn each_material_is_offered_the_algorithms_that_fit_it() {
        assert_eq!(
            names(KeyMaterialSpec::Aes { bits: 256 }),
            [
                "google-symmetric-encryption",
                "aes-256-gcm",
                "aes-256-cbc",
                "aes-256-ctr"
            ]
        );
        assert_eq!(
            names(KeyMaterialSpec::Aes { bits: 128 }),
            ["aes-128-gcm", "aes-128-cbc", "aes-128-ctr"]
        );
        assert_eq!(
            names(KeyMaterialSpec::Hmac {
                hash: HmacHash::Sha384,
                bits: 384
            }),
            ["hmac-sha384"]
        );
        assert_eq!(
            names(KeyMaterialSpec::RsaPrivate { bits: 3072 }),
            [
                "rsa-sign-pss-3072-sha256",
                "rsa-sign-pkcs1-3072-sha256",
                "rsa-sign-raw-pkcs1-3072",
                "rsa-decrypt-oaep-3072-sha256",
                "rsa-decrypt-oaep-3072-sha1"
            ]
        );
        assert_eq!(
            names(KeyMaterialSpec::RsaPrivate { bits: 4096 }),
            [
                "rsa-sign-pss-4096-sha256",
                "rsa-sign-pkcs1-4096-sha256",
                "rsa-sign-pss-4096-sha512",
                "rsa-sign-pkcs1-4096-sha512",
                "rsa-sign-raw-pkcs1-4096",
                "rsa-decrypt-oaep-4096-sha256",
                "rsa-decrypt-oaep-4096-sha512",
                "rsa-decrypt-oaep-4096-sha1"
            ]
        );
        for (curve, name) in [
            (EcCurve::P256, "ec-sign-p256-sha256"),
            (EcCurve::P384, "ec-sign-p384-sha384"),
            (EcCurve::Secp256k1, "ec-sign-secp256k1-sha256"),
        ] {
            assert_eq!(names(KeyMaterialSpec::EcPrivate { curve }), [name]);
        }
    }

    #[test]
    fn materials_google_does_not_take_are_refused_with_the_reason() {
        let refusal = |m| algorithms_for(m).unwrap_err();
        assert_eq!(
            refusal(KeyMaterialSpec::Aes { bits: 192 }),
            "Cloud KMS imports AES keys of 256 bits (google-symmetric-encryption or raw encryption) or 128 bits (raw encryption only), not 192-bit: create an AES-256 key."
        );
        assert_eq!(
            refusal(KeyMaterialSpec::Hmac {
                hash: HmacHash::Sha256,
                bits: 512
            }),
            "Cloud KMS requires an HMAC key as long as its hash's output: an HMAC-SHA256 key is 256 bits (32 bytes), not 512: create the HMAC key with length 256."
        );
        assert_eq!(
            refusal(KeyMaterialSpec::RsaPrivate { bits: 1024 }),
            "Cloud KMS imports RSA keys of 2048, 3072 or 4096 bits, not 1024: create an RSA key of one of those sizes."
        );
        assert!(
            refusal(KeyMaterialSpec::EcPrivate {
                curve: EcCurve::P521
            })
            .starts_with("Cloud KMS has no algorithm for P-521 keys")
        );
    }

    #[test]
    fn an_algorithm_of_another_material_is_refused_with_the_fitting_ones() {
        let aes = KeyMaterialSpec::Aes { bits: 256 };
        assert!(check_algorithm(aes, GoogleSymmetricEncryption).is_ok());
        assert_eq!(
            check_algorithm(
                aes,
                RawAes {
                    bits: 128,
                    mode: AesMode::Gcm
                }
            )
            .unwrap_err(),
            "This AES-256 key cannot be imported as aes-128-gcm: choose one of google-symmetric-encryption, aes-256-gcm, aes-256-cbc, aes-256-ctr."
        );
        let rsa = KeyMaterialSpec::RsaPrivate { bits: 2048 };
        assert!(
            check_algorithm(
                rsa,
                RsaSignPss {
                    bits: 2048,
                    digest: RsaDigest::Sha512
                }
            )
            .unwrap_err()
            .starts_with("This RSA 2048-bit private key cannot be imported as rsa-sign-pss-2048-sha512: choose one of rsa-sign-pss-2048-sha256,")
        );
        assert!(
            check_algorithm(
                KeyMaterialSpec::EcPrivate {
                    curve: EcCurve::P521
                },
                EcSign(EcCurve::P256)
            )
            .unwrap_err()
            .starts_with("Cloud KMS has no algorithm for P-521 keys")
        );
    }

    #[test]
    fn plain_oaep_methods_carry_symmetric_material_only() {
        let aes = KeyMaterialSpec::Aes { bits: 256 };
        for method in ImportMethod::ALL {
            assert!(check_method(aes, method).is_ok(), "{method}");
        }
        assert_eq!(
            check_method(
                KeyMaterialSpec::RsaPrivate { bits: 2048 },
                RsaOaep3072Sha256
            )
            .unwrap_err(),
            "rsa-oaep-3072-sha256 wraps the material directly with RSA-OAEP, which Google does not allow for RSA keys (a private key is larger than one RSA block): create an import job with --import-method rsa-oaep-3072-sha256-aes-256."
        );
        assert_eq!(
            check_method(
                KeyMaterialSpec::EcPrivate {
                    curve: EcCurve::P256
                },
                RsaOaep4096Sha256
            )
            .unwrap_err(),
            "rsa-oaep-4096-sha256 wraps the material directly with RSA-OAEP; this app uses it for symmetric keys only, as Google describes it, and wraps EC keys with AES key wrap: create an import job with --import-method rsa-oaep-4096-sha256-aes-256."
        );
        assert!(
            check_method(
                KeyMaterialSpec::RsaPrivate { bits: 4096 },
                RsaOaep3072Sha1Aes256
            )
            .is_ok()
        );
        // 3072-bit RSA-OAEP with SHA-256 carries 384 − 2·32 − 2 = 318 bytes.
        assert!(check_method(KeyMaterialSpec::Aes { bits: 318 * 8 }, RsaOaep3072Sha256).is_ok());
        assert_eq!(
            check_method(KeyMaterialSpec::Aes { bits: 319 * 8 }, RsaOaep3072Sha256).unwrap_err(),
            "AES-2552 key material is 319 bytes, more than rsa-oaep-3072-sha256 can wrap (318 bytes at most): create an import job with --import-method rsa-oaep-3072-sha256-aes-256."
        );
    }

    #[test]
    fn protection_levels_must_match_and_be_importable() {
        use ProtectionLevel::*;
        let aes = GoogleSymmetricEncryption;
        assert!(check_protection_levels(aes, &Software, Some(&Software)).is_ok());
        assert!(check_protection_levels(aes, &Hsm, None).is_ok());
        assert_eq!(
            check_protection_levels(aes, &Hsm, Some(&Software)).unwrap_err(),
            "The key is HSM but the import job is SOFTWARE: Google imports only with a job of the key's protection level; create an import job with --protection-level hsm, or use a key created with --protection-level software."
        );
        assert_eq!(
            check_protection_levels(aes, &External, None).unwrap_err(),
            "Cloud KMS does not import into Cloud External Key Manager keys (EXTERNAL): create the key with --protection-level software or hsm."
        );
        assert!(
            check_protection_levels(aes, &ExternalVpc, Some(&ExternalVpc))
                .unwrap_err()
                .contains("(EXTERNAL_VPC)")
        );
        assert_eq!(
            check_protection_levels(aes, &Other("QUANTUM".into()), None).unwrap_err(),
            "Cloud KMS imports into SOFTWARE, HSM and HSM_SINGLE_TENANT keys, not QUANTUM: create the key with --protection-level software or hsm."
        );
        let k1 = EcSign(EcCurve::Secp256k1);
        assert_eq!(
            check_protection_levels(k1, &Software, Some(&Software)).unwrap_err(),
            "ec-sign-secp256k1-sha256 exists in Cloud HSM only, not in SOFTWARE keys: create the key and the import job with --protection-level hsm."
        );
        assert!(check_protection_levels(k1, &Hsm, Some(&Hsm)).is_ok());
    }

    #[test]
    fn the_whole_check_runs_in_order() {
        let job = ImportJob::parse_describe(
            include_str!("../../../tests/fixtures/google/import-job-active-hsm.json"),
            datetime!(2026-11-29 09:00 UTC),
        )
        .unwrap();
        let aes = KeyMaterialSpec::Aes { bits: 256 };
        assert!(check_import(aes, GoogleSymmetricEncryption, &job, &ProtectionLevel::Hsm).is_ok());
        assert!(
            check_import(
                aes,
                GoogleSymmetricEncryption,
                &job,
                &ProtectionLevel::Software
            )
            .unwrap_err()
            .starts_with("The key is SOFTWARE but the import job is HSM")
        );
        let p256 = KeyMaterialSpec::EcPrivate {
            curve: EcCurve::P256,
        };
        assert!(
            check_import(p256, EcSign(EcCurve::P256), &job, &ProtectionLevel::Hsm)
                .unwrap_err()
                .starts_with("rsa-oaep-4096-sha256 wraps the material directly")
        );
        assert!(
            check_import(p256, GoogleSymmetricEncryption, &job, &ProtectionLevel::Hsm)
                .unwrap_err()
                .starts_with(
                    "This EC P-256 private key cannot be imported as google-symmetric-encryption"
                )
        );
    }

    #[test]
    fn an_export_plan_checks_size_algorithm_method_and_levels_in_order() {
        let aes = KeyMaterialSpec::Aes { bits: 256 };
        let rsa = KeyMaterialSpec::RsaPrivate { bits: 2048 };
        assert_eq!(
            plan_export(aes, RsaOaep3072Sha256, 3072, None, None, None),
            Ok(GoogleSymmetricEncryption)
        );
        assert!(
            plan_export(aes, RsaOaep3072Sha256, 4096, None, None, None)
                .unwrap_err()
                .starts_with("The stored wrapping key is RSA 4096-bit but the import method rsa-oaep-3072-sha256 uses a 3072-bit key")
        );
        assert!(
            plan_export(rsa, RsaOaep4096Sha256, 4096, None, None, None)
                .unwrap_err()
                .starts_with("rsa-oaep-4096-sha256 wraps the material directly with RSA-OAEP")
        );
        assert!(
            plan_export(
                aes,
                RsaOaep4096Sha1Aes256,
                4096,
                None,
                None,
                Some(EcSign(EcCurve::P256))
            )
            .unwrap_err()
            .starts_with("This AES-256")
        );
        let soft = ProtectionLevel::Software;
        let hsm = ProtectionLevel::Hsm;
        assert!(
            plan_export(
                rsa,
                RsaOaep4096Sha1Aes256,
                4096,
                Some(&soft),
                Some(&hsm),
                None
            )
            .unwrap_err()
            .starts_with("The key is HSM but the import job is SOFTWARE")
        );
        assert_eq!(
            plan_export(rsa, RsaOaep4096Sha1Aes256, 4096, Some(&hsm), None, None),
            Ok(RsaSignPss {
                bits: 2048,
                digest: RsaDigest::Sha256
            })
        );
    }
}
