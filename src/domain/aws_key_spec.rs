//! AWS KMS key specs that accept imported material, the key usages AWS
//! allows for each, and the wrapping AWS recommends for them.

use std::fmt;

use super::aws_rules::check_wrapping;
use super::kek::AWS_WRAPPING_KEY_BITS;
use super::key_material::{EcCurve, HmacHash, KeyMaterialSpec};
use super::wrapping::WrappingAlgorithm;

/// An AWS `--key-spec` for a key with imported material.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AwsKeySpec {
    SymmetricDefault,
    Hmac(HmacHash),
    Rsa(usize),
    Ecc(EcCurve),
}

/// An AWS `--key-usage`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyUsage {
    EncryptDecrypt,
    SignVerify,
    KeyAgreement,
    GenerateVerifyMac,
}

impl KeyUsage {
    pub fn aws_name(self) -> &'static str {
        match self {
            Self::EncryptDecrypt => "ENCRYPT_DECRYPT",
            Self::SignVerify => "SIGN_VERIFY",
            Self::KeyAgreement => "KEY_AGREEMENT",
            Self::GenerateVerifyMac => "GENERATE_VERIFY_MAC",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        [
            Self::EncryptDecrypt,
            Self::SignVerify,
            Self::KeyAgreement,
            Self::GenerateVerifyMac,
        ]
        .into_iter()
        .find(|u| u.aws_name() == name)
    }
}

impl AwsKeySpec {
    pub const ALL: [Self; 12] = [
        Self::SymmetricDefault,
        Self::Hmac(HmacHash::Sha224),
        Self::Hmac(HmacHash::Sha256),
        Self::Hmac(HmacHash::Sha384),
        Self::Hmac(HmacHash::Sha512),
        Self::Rsa(2048),
        Self::Rsa(3072),
        Self::Rsa(4096),
        Self::Ecc(EcCurve::P256),
        Self::Ecc(EcCurve::P384),
        Self::Ecc(EcCurve::P521),
        Self::Ecc(EcCurve::Secp256k1),
    ];

    pub fn aws_name(self) -> String {
        self.material().aws_spec()
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.aws_name() == name)
    }

    /// The key material the KMS must hold for this spec.
    pub fn material(self) -> KeyMaterialSpec {
        match self {
            Self::SymmetricDefault => KeyMaterialSpec::Aes { bits: 256 },
            Self::Hmac(hash) => KeyMaterialSpec::Hmac {
                hash,
                bits: hash.bits(),
            },
            Self::Rsa(bits) => KeyMaterialSpec::RsaPrivate { bits },
            Self::Ecc(curve) => KeyMaterialSpec::EcPrivate { curve },
        }
    }

    /// The usages AWS allows; the first is the default.
    pub fn key_usages(self) -> &'static [KeyUsage] {
        match self {
            Self::SymmetricDefault => &[KeyUsage::EncryptDecrypt],
            Self::Hmac(_) => &[KeyUsage::GenerateVerifyMac],
            Self::Rsa(_) => &[KeyUsage::EncryptDecrypt, KeyUsage::SignVerify],
            Self::Ecc(EcCurve::Secp256k1) => &[KeyUsage::SignVerify],
            Self::Ecc(_) => &[KeyUsage::SignVerify, KeyUsage::KeyAgreement],
        }
    }

    /// Every (algorithm, wrapping key size) AWS accepts for this spec.
    pub fn allowed_wrappings(self) -> Vec<(WrappingAlgorithm, usize)> {
        let mut allowed = Vec::new();
        for algorithm in WrappingAlgorithm::ALL {
            for bits in AWS_WRAPPING_KEY_BITS {
                if check_wrapping(self.material(), algorithm, bits, None).is_ok() {
                    allowed.push((algorithm, bits));
                }
            }
        }
        allowed
    }

    /// AWS's recommendation: RSA_AES_KEY_WRAP_SHA_256 for RSA material,
    /// RSAES_OAEP_SHA_256 otherwise, with an RSA_4096 wrapping key.
    pub fn recommended_wrapping(self) -> (WrappingAlgorithm, usize) {
        match self {
            Self::Rsa(_) => (WrappingAlgorithm::RsaAesKeyWrapSha256, 4096),
            _ => (WrappingAlgorithm::RsaesOaepSha256, 4096),
        }
    }

    /// The family's route prefix for the creation pages.
    pub fn family(self) -> KeyFamily {
        match self {
            Self::SymmetricDefault | Self::Hmac(_) => KeyFamily::Symmetric,
            Self::Rsa(_) => KeyFamily::Rsa,
            Self::Ecc(_) => KeyFamily::Ec,
        }
    }
}

impl fmt::Display for AwsKeySpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.aws_name(), self.material())
    }
}

/// Which creation page makes a spec's material.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyFamily {
    Symmetric,
    Rsa,
    Ec,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for spec in AwsKeySpec::ALL {
            assert_eq!(AwsKeySpec::parse(&spec.aws_name()), Some(spec));
        }
        assert_eq!(
            AwsKeySpec::Ecc(EcCurve::Secp256k1).aws_name(),
            "ECC_SECG_P256K1"
        );
    }

    #[test]
    fn recommendations_are_always_allowed() {
        for spec in AwsKeySpec::ALL {
            assert!(
                spec.allowed_wrappings()
                    .contains(&spec.recommended_wrapping()),
                "{spec}"
            );
        }
        let p521 = AwsKeySpec::Ecc(EcCurve::P521).allowed_wrappings();
        assert!(!p521.contains(&(WrappingAlgorithm::RsaesOaepSha256, 2048)));
        assert_eq!(AwsKeySpec::Rsa(2048).allowed_wrappings().len(), 6);
    }

    #[test]
    fn usages_follow_aws() {
        assert_eq!(
            AwsKeySpec::Hmac(HmacHash::Sha256).key_usages(),
            &[KeyUsage::GenerateVerifyMac]
        );
        assert!(
            AwsKeySpec::Ecc(EcCurve::P384)
                .key_usages()
                .contains(&KeyUsage::KeyAgreement)
        );
        assert!(
            !AwsKeySpec::Ecc(EcCurve::Secp256k1)
                .key_usages()
                .contains(&KeyUsage::KeyAgreement)
        );
    }
}
