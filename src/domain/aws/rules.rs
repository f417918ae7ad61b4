//! AWS KMS's rules for importing key material, checked before anything is
//! sent: which wrapping algorithm carries which material, OAEP size limits,
//! the sizes AWS accepts, and the states the KMS objects must be in.

use crate::domain::aws::arn::Partition;
use crate::domain::aws::wrapping_key_spec::WrappingKeySpec;
use crate::domain::key_material::{HmacHash, KeyMaterialSpec};
use crate::domain::wrapping::{WrappingAlgorithm, oaep_capacity};
use crate::kmip::State;

fn is_oaep(algorithm: WrappingAlgorithm) -> bool {
    matches!(
        algorithm,
        WrappingAlgorithm::RsaesOaepSha1 | WrappingAlgorithm::RsaesOaepSha256
    )
}

/// Whether AWS accepts this material wrapped this way under an RSA key of
/// `kek_bits` (as the KMS reports it); `Ok` gives that key's wrapping key
/// spec, `Err` says why not and what to do.
pub fn check_wrapping(
    material: KeyMaterialSpec,
    algorithm: WrappingAlgorithm,
    kek_bits: usize,
    partition: Option<Partition>,
) -> Result<WrappingKeySpec, String> {
    check_material(material, partition)?;
    let Some(kek_spec) = WrappingKeySpec::from_bits(kek_bits) else {
        return Err(format!(
            "The wrapping key is RSA {kek_bits}-bit; AWS wrapping keys are RSA_2048, RSA_3072 or RSA_4096: import the key get-parameters-for-import returned."
        ));
    };
    let rerun = |wanted: &str| {
        format!(
            "run get-parameters-for-import again with --wrapping-algorithm {wanted} and import that wrapping key"
        )
    };
    match material {
        KeyMaterialSpec::RsaPrivate { .. } if is_oaep(algorithm) => Err(format!(
            "RSA private keys can only be imported with RSA_AES_KEY_WRAP_SHA_1 or RSA_AES_KEY_WRAP_SHA_256, not {algorithm}: {}.",
            rerun("RSA_AES_KEY_WRAP_SHA_256")
        )),
        m if m.is_symmetric() && !is_oaep(algorithm) => Err(format!(
            "AWS documents {algorithm} for RSA and ECC private keys only; {m} material is imported with RSAES_OAEP_SHA_256 or RSAES_OAEP_SHA_1: {}.",
            rerun("RSAES_OAEP_SHA_256")
        )),
        m if is_oaep(algorithm) && m.wrapped_len() > oaep_capacity(kek_bits, algorithm) => {
            let fix = if matches!(m, KeyMaterialSpec::EcPrivate { .. }) {
                "use a larger wrapping key (--wrapping-key-spec RSA_3072 or RSA_4096) or RSA_AES_KEY_WRAP_SHA_256"
            } else {
                "use a larger wrapping key (--wrapping-key-spec RSA_3072 or RSA_4096)"
            };
            Err(format!(
                "{m} material is {} bytes, more than {algorithm} can wrap with an RSA {kek_bits}-bit key ({} bytes at most): {fix}, then run get-parameters-for-import again.",
                m.wrapped_len(),
                oaep_capacity(kek_bits, algorithm)
            ))
        }
        _ => Ok(kek_spec),
    }
}

/// The sizes AWS imports, whatever the wrapping.
pub fn check_material(
    material: KeyMaterialSpec,
    partition: Option<Partition>,
) -> Result<(), String> {
    match material {
        KeyMaterialSpec::Aes { bits: 256 } => Ok(()),
        KeyMaterialSpec::Aes { bits: 128 } if partition == Some(Partition::AwsCn) => Ok(()),
        KeyMaterialSpec::Aes { bits: 128 } => Err(
            "AWS imports 128-bit AES keys only in the China Regions (aws-cn); elsewhere SYMMETRIC_DEFAULT material must be a 256-bit AES key: create an AES-256 key.".to_owned(),
        ),
        KeyMaterialSpec::Aes { bits } => Err(format!(
            "SYMMETRIC_DEFAULT material must be a 256-bit AES key, not {bits}-bit: create an AES-256 key."
        )),
        KeyMaterialSpec::Hmac { hash, bits } if HmacHash::ALL.iter().any(|h| h.bits() == bits) && bits == hash.bits() => Ok(()),
        KeyMaterialSpec::Hmac { hash, bits } => Err(format!(
            "HMAC_{} material must be {} bits, not {bits}: create the HMAC key with length {}.",
            hash.bits(),
            hash.bits(),
            hash.bits()
        )),
        KeyMaterialSpec::RsaPrivate { bits } if [2048, 3072, 4096].contains(&bits) => Ok(()),
        KeyMaterialSpec::RsaPrivate { bits } => Err(format!(
            "AWS imports RSA keys of 2048, 3072 or 4096 bits, not {bits}: create an RSA key of one of those sizes."
        )),
        KeyMaterialSpec::EcPrivate { .. } => Ok(()),
    }
}

/// The states the two objects must be in before an export.
pub fn check_states(key_state: Option<&State>, kek_state: Option<&State>) -> Result<(), String> {
    match key_state {
        // Deactivated: a generation a ReKey rotated out. AWS keeps that material
        // as non-current and may need it again; the KMS still exports it wrapped.
        Some(State::Active | State::Deactivated) => {}
        Some(state) => {
            return Err(format!(
                "The key material is {state}, not Active: the KMS exports only active keys and generations rotated out (Deactivated); activate it, or create a new key."
            ));
        }
        None => return Err("The KMS did not report the key's state.".to_owned()),
    }
    match kek_state {
        Some(State::Active) => Ok(()),
        Some(state) => Err(format!(
            "The wrapping key is {state}, not Active: re-import it (the import page sets an activation date)."
        )),
        None => Err("The KMS did not report the wrapping key's state.".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::key_material::EcCurve;
    use WrappingAlgorithm::*;

    #[test]
    fn rsa_private_keys_need_key_wrap() {
        let rsa = KeyMaterialSpec::RsaPrivate { bits: 2048 };
        let err = check_wrapping(rsa, RsaesOaepSha256, 4096, None).unwrap_err();
        assert!(err.starts_with("RSA private keys can only be imported with RSA_AES_KEY_WRAP_SHA_1 or RSA_AES_KEY_WRAP_SHA_256"));
        assert!(err.contains("--wrapping-algorithm RSA_AES_KEY_WRAP_SHA_256"));
        assert!(check_wrapping(rsa, RsaAesKeyWrapSha1, 2048, None).is_ok());
    }

    #[test]
    fn p521_does_not_fit_oaep_under_rsa_2048() {
        let p521 = KeyMaterialSpec::EcPrivate {
            curve: EcCurve::P521,
        };
        for algorithm in [RsaesOaepSha1, RsaesOaepSha256] {
            let err = check_wrapping(p521, algorithm, 2048, None).unwrap_err();
            assert!(err.contains("241 bytes"), "{err}");
            assert!(check_wrapping(p521, algorithm, 3072, None).is_ok());
        }
        assert!(check_wrapping(p521, RsaAesKeyWrapSha256, 2048, None).is_ok());
        let p384 = KeyMaterialSpec::EcPrivate {
            curve: EcCurve::P384,
        };
        assert!(check_wrapping(p384, RsaesOaepSha256, 2048, None).is_ok());
    }

    #[test]
    fn symmetric_material_is_not_key_wrapped() {
        let err = check_wrapping(
            KeyMaterialSpec::Aes { bits: 256 },
            RsaAesKeyWrapSha256,
            4096,
            None,
        )
        .unwrap_err();
        assert!(err.starts_with(
            "AWS documents RSA_AES_KEY_WRAP_SHA_256 for RSA and ECC private keys only"
        ));
    }

    #[test]
    fn aws_sizes_are_enforced() {
        let aes128 = KeyMaterialSpec::Aes { bits: 128 };
        assert!(
            check_material(aes128, Some(Partition::Aws))
                .unwrap_err()
                .contains("China Regions")
        );
        assert!(check_material(aes128, Some(Partition::AwsCn)).is_ok());
        assert!(check_material(KeyMaterialSpec::Aes { bits: 192 }, None).is_err());
        let hmac = KeyMaterialSpec::Hmac {
            hash: HmacHash::Sha256,
            bits: 512,
        };
        assert!(
            check_material(hmac, None)
                .unwrap_err()
                .starts_with("HMAC_256 material must be 256 bits, not 512")
        );
        assert!(check_material(KeyMaterialSpec::RsaPrivate { bits: 1024 }, None).is_err());
        assert!(
            check_wrapping(
                KeyMaterialSpec::Aes { bits: 256 },
                RsaesOaepSha1,
                1024,
                None
            )
            .unwrap_err()
            .contains("RSA 1024-bit")
        );
    }

    #[test]
    fn states_are_checked() {
        assert!(check_states(Some(&State::Active), Some(&State::Active)).is_ok());
        assert!(
            check_states(Some(&State::PreActive), Some(&State::Active))
                .unwrap_err()
                .starts_with("The key material is PreActive")
        );
        assert_eq!(
            check_states(Some(&State::Deactivated), Some(&State::Active)),
            Ok(()),
            "a generation rotated out stays re-importable"
        );
        assert!(
            check_states(Some(&State::Active), Some(&State::Deactivated))
                .unwrap_err()
                .starts_with("The wrapping key is Deactivated")
        );
    }
}
