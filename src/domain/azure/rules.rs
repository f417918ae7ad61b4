//! What Azure Key Vault and Managed HSM accept in a BYOK import, checked before anything is
//! sent: the KEK's size, the one wrapping, and which KMS key becomes which Azure key type.
//!
//! From Microsoft's "Import HSM-protected keys to Key Vault (BYOK)" (supported key types):
//! KEK RSA-HSM 2048/3072/4096; targets RSA-HSM 2048/3072/4096, EC-HSM P-256, P-384, P-521
//! and P-256K, oct-HSM 128/192/256 bits (Managed HSM only); CKM_RSA_AES_KEY_WRAP with SHA-1.

use std::fmt;

use crate::domain::azure::kek::KEK_BITS;
use crate::domain::azure::kid::AzureKeyId;
use crate::domain::key_material::{EcCurve, KeyMaterialSpec};
use crate::domain::wrapping::WrappingAlgorithm;

/// The RSA target sizes Azure imports.
pub const RSA_BITS: [usize; 3] = [2048, 3072, 4096];
/// The AES sizes a Managed HSM imports as oct-HSM.
pub const AES_BITS: [usize; 3] = [128, 192, 256];

/// The Azure key a KMS key becomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AzureKeyType {
    RsaHsm { bits: usize },
    EcHsm { curve: EcCurve },
    OctHsm { bits: usize },
}

impl AzureKeyType {
    /// Azure's key type, as `kty` in its outputs: `RSA-HSM`, `EC-HSM`, `oct-HSM`.
    pub fn kty(self) -> &'static str {
        match self {
            Self::RsaHsm { .. } => "RSA-HSM",
            Self::EcHsm { .. } => "EC-HSM",
            Self::OctHsm { .. } => "oct-HSM",
        }
    }

    /// The value of `az keyvault key import --kty`: `RSA`, `EC` or `oct`
    /// (azure-cli appends `-HSM` itself for a `--byok-file`).
    pub fn az_import_kty(self) -> &'static str {
        match self {
            Self::RsaHsm { .. } => "RSA",
            Self::EcHsm { .. } => "EC",
            Self::OctHsm { .. } => "oct",
        }
    }

    /// The curve as Azure names it (`crv`, `--curve`), for an EC key.
    pub fn curve_name(self) -> Option<&'static str> {
        match self {
            Self::EcHsm { curve } => Some(curve_name(curve)),
            _ => None,
        }
    }
}

impl fmt::Display for AzureKeyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::RsaHsm { bits } => write!(f, "RSA-HSM {bits}-bit"),
            Self::EcHsm { curve } => write!(f, "EC-HSM {}", curve_name(*curve)),
            Self::OctHsm { bits } => write!(f, "oct-HSM {bits}-bit (AES)"),
        }
    }
}

/// Azure's name of a curve: `P-256`, `P-384`, `P-521`, `P-256K`.
pub fn curve_name(curve: EcCurve) -> &'static str {
    match curve {
        EcCurve::P256 => "P-256",
        EcCurve::P384 => "P-384",
        EcCurve::P521 => "P-521",
        EcCurve::Secp256k1 => "P-256K",
    }
}

/// Reads Azure's curve name back (`SECP256K1` is an older spelling of `P-256K`).
pub fn parse_curve(name: &str) -> Option<EcCurve> {
    match name {
        "SECP256K1" => Some(EcCurve::Secp256k1),
        _ => EcCurve::ALL.into_iter().find(|c| curve_name(*c) == name),
    }
}

/// Azure unwraps CKM_RSA_AES_KEY_WRAP with SHA-1 only.
pub fn check_wrapping(algorithm: WrappingAlgorithm) -> Result<(), String> {
    match algorithm {
        WrappingAlgorithm::RsaAesKeyWrapSha1 => Ok(()),
        WrappingAlgorithm::RsaAesKeyWrapSha256 => Err(
            "Azure unwraps RSA-AES key wrap with SHA-1 only (CKM_RSA_AES_KEY_WRAP, OAEP with SHA-1), not SHA-256: export with RSA_AES_KEY_WRAP_SHA_1.".to_owned(),
        ),
        other => Err(format!(
            "A .byok carries CKM_RSA_AES_KEY_WRAP only; {other} is a plain RSA-OAEP wrap Azure cannot import: export with RSA_AES_KEY_WRAP_SHA_1."
        )),
    }
}

/// The KEK sizes Azure creates and accepts.
pub fn check_kek_bits(bits: usize) -> Result<(), String> {
    if KEK_BITS.contains(&bits) {
        return Ok(());
    }
    Err(format!(
        "The KEK is RSA {bits}-bit; Azure's KEK is an RSA-HSM key of 2048, 3072 or 4096 bits: create one with az keyvault key create --kty RSA-HSM --size 4096 --ops import."
    ))
}

/// The Azure key a KMS key becomes when imported next to the KEK `kek_kid`
/// (the target goes to the KEK's vault, which the kid tells Key Vault or Managed HSM).
pub fn target_key_type(
    material: KeyMaterialSpec,
    kek_kid: &AzureKeyId,
) -> Result<AzureKeyType, String> {
    match material {
        KeyMaterialSpec::RsaPrivate { bits } if RSA_BITS.contains(&bits) => {
            Ok(AzureKeyType::RsaHsm { bits })
        }
        KeyMaterialSpec::RsaPrivate { bits } => Err(format!(
            "Azure imports RSA keys of 2048, 3072 or 4096 bits, not {bits}: create an RSA key of one of those sizes in the KMS."
        )),
        KeyMaterialSpec::EcPrivate { curve } => Ok(AzureKeyType::EcHsm { curve }),
        KeyMaterialSpec::Aes { .. } if !kek_kid.is_managed_hsm() => Err(format!(
            "Azure imports AES keys (oct-HSM) into a Managed HSM only, and this KEK is in the Key Vault {}: create the KEK in a Managed HSM (az keyvault key create --hsm-name …) and import there, or bring an RSA or EC key to this vault.",
            kek_kid.vault_name()
        )),
        KeyMaterialSpec::Aes { bits } if AES_BITS.contains(&bits) => {
            Ok(AzureKeyType::OctHsm { bits })
        }
        KeyMaterialSpec::Aes { bits } => Err(format!(
            "A Managed HSM imports AES keys of 128, 192 or 256 bits, not {bits}: create an AES key of one of those sizes."
        )),
        KeyMaterialSpec::Hmac { .. } => Err(
            "Azure Key Vault and Managed HSM import RSA, EC and AES keys only: there is no HMAC key type to bring an HMAC key into. Choose an RSA, EC or (Managed HSM) AES key.".to_owned(),
        ),
    }
}

/// Every check before an export for Azure, in order: the wrapping, the KEK's size, the target.
pub fn plan(
    material: KeyMaterialSpec,
    algorithm: WrappingAlgorithm,
    kek_bits: usize,
    kek_kid: &AzureKeyId,
) -> Result<AzureKeyType, String> {
    check_wrapping(algorithm)?;
    check_kek_bits(kek_bits)?;
    target_key_type(material, kek_kid)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::key_material::HmacHash;

    fn vault() -> AzureKeyId {
        AzureKeyId::parse(
            "https://contosokv.vault.azure.net/keys/KEKforBYOK/eba63d27e4e34e028839b53fac905621",
        )
        .unwrap()
    }

    fn hsm() -> AzureKeyId {
        AzureKeyId::parse("https://contosohsm.managedhsm.azure.net/keys/KEKforBYOK/eba63d27e4e34e028839b53fac905621")
            .unwrap()
    }

    #[test]
    fn rsa_and_ec_go_to_either_vault_aes_to_a_managed_hsm_only() {
        let ok = |m, kid: &AzureKeyId| target_key_type(m, kid).unwrap();
        for bits in RSA_BITS {
            let rsa = ok(KeyMaterialSpec::RsaPrivate { bits }, &vault());
            assert_eq!(rsa, AzureKeyType::RsaHsm { bits });
            assert_eq!(
                (rsa.kty(), rsa.az_import_kty(), rsa.curve_name()),
                ("RSA-HSM", "RSA", None)
            );
        }
        for (curve, name) in [
            (EcCurve::P256, "P-256"),
            (EcCurve::P384, "P-384"),
            (EcCurve::P521, "P-521"),
            (EcCurve::Secp256k1, "P-256K"),
        ] {
            let ec = ok(KeyMaterialSpec::EcPrivate { curve }, &hsm());
            assert_eq!(
                (ec.kty(), ec.az_import_kty(), ec.curve_name()),
                ("EC-HSM", "EC", Some(name))
            );
            assert_eq!(parse_curve(name), Some(curve));
            assert_eq!(ec.to_string(), format!("EC-HSM {name}"));
        }
        assert_eq!(parse_curve("SECP256K1"), Some(EcCurve::Secp256k1));
        assert_eq!(parse_curve("P-224"), None);
        for bits in AES_BITS {
            let oct = ok(KeyMaterialSpec::Aes { bits }, &hsm());
            assert_eq!((oct.kty(), oct.az_import_kty()), ("oct-HSM", "oct"));
            assert_eq!(oct.to_string(), format!("oct-HSM {bits}-bit (AES)"));
        }
    }

    #[test]
    fn every_refusal_says_why_and_what_to_do() {
        let err = |m, kid: &AzureKeyId| target_key_type(m, kid).unwrap_err();
        assert!(
            err(KeyMaterialSpec::RsaPrivate { bits: 1024 }, &vault())
                .starts_with("Azure imports RSA keys of 2048, 3072 or 4096 bits, not 1024")
        );
        assert!(err(KeyMaterialSpec::Aes { bits: 256 }, &vault()).starts_with(
            "Azure imports AES keys (oct-HSM) into a Managed HSM only, and this KEK is in the Key Vault contosokv"
        ));
        assert!(
            err(KeyMaterialSpec::Aes { bits: 512 }, &hsm())
                .starts_with("A Managed HSM imports AES keys of 128, 192 or 256 bits, not 512")
        );
        for kid in [vault(), hsm()] {
            let hmac = KeyMaterialSpec::Hmac {
                hash: HmacHash::Sha256,
                bits: 256,
            };
            assert!(err(hmac, &kid).starts_with(
                "Azure Key Vault and Managed HSM import RSA, EC and AES keys only: there is no HMAC key type"
            ));
        }
    }

    #[test]
    fn only_rsa_aes_key_wrap_with_sha1_is_accepted() {
        assert_eq!(check_wrapping(WrappingAlgorithm::RsaAesKeyWrapSha1), Ok(()));
        assert!(
            check_wrapping(WrappingAlgorithm::RsaAesKeyWrapSha256)
                .unwrap_err()
                .starts_with("Azure unwraps RSA-AES key wrap with SHA-1 only")
        );
        for oaep in [
            WrappingAlgorithm::RsaesOaepSha1,
            WrappingAlgorithm::RsaesOaepSha256,
        ] {
            assert_eq!(
                check_wrapping(oaep).unwrap_err(),
                format!(
                    "A .byok carries CKM_RSA_AES_KEY_WRAP only; {oaep} is a plain RSA-OAEP wrap Azure cannot import: export with RSA_AES_KEY_WRAP_SHA_1."
                )
            );
        }
    }

    #[test]
    fn the_plan_checks_wrapping_then_kek_then_target() {
        let rsa = KeyMaterialSpec::RsaPrivate { bits: 3072 };
        assert_eq!(
            plan(rsa, WrappingAlgorithm::RsaAesKeyWrapSha1, 4096, &vault()),
            Ok(AzureKeyType::RsaHsm { bits: 3072 })
        );
        assert!(
            plan(rsa, WrappingAlgorithm::RsaesOaepSha256, 1024, &vault())
                .unwrap_err()
                .starts_with("A .byok carries")
        );
        assert!(plan(rsa, WrappingAlgorithm::RsaAesKeyWrapSha1, 1024, &vault())
            .unwrap_err()
            .starts_with("The KEK is RSA 1024-bit; Azure's KEK is an RSA-HSM key of 2048, 3072 or 4096 bits"));
        assert!(
            plan(
                KeyMaterialSpec::Aes { bits: 256 },
                WrappingAlgorithm::RsaAesKeyWrapSha1,
                2048,
                &vault()
            )
            .unwrap_err()
            .starts_with("Azure imports AES keys (oct-HSM) into a Managed HSM only")
        );
    }
}
