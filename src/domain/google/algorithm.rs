//! The Cloud KMS key version algorithms a Cosmian KMS key can be imported as,
//! and their key purposes, each named once in the API's and gcloud's spellings.

use std::fmt;

use crate::domain::key_material::{EcCurve, HmacHash};

/// A key's `purpose` (`CryptoKey.CryptoKeyPurpose`), fixed when the key is created.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Purpose {
    Encryption,
    RawEncryption,
    AsymmetricSigning,
    AsymmetricEncryption,
    Mac,
}

impl Purpose {
    /// The API's spelling (`ENCRYPT_DECRYPT`, …).
    pub fn api_name(self) -> &'static str {
        match self {
            Self::Encryption => "ENCRYPT_DECRYPT",
            Self::RawEncryption => "RAW_ENCRYPT_DECRYPT",
            Self::AsymmetricSigning => "ASYMMETRIC_SIGN",
            Self::AsymmetricEncryption => "ASYMMETRIC_DECRYPT",
            Self::Mac => "MAC",
        }
    }

    /// gcloud's spelling in `--purpose` (`encryption`, `asymmetric-signing`, …).
    pub fn gcloud_name(self) -> &'static str {
        match self {
            Self::Encryption => "encryption",
            Self::RawEncryption => "raw-encryption",
            Self::AsymmetricSigning => "asymmetric-signing",
            Self::AsymmetricEncryption => "asymmetric-encryption",
            Self::Mac => "mac",
        }
    }
}

/// The digest named at the end of an RSA algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RsaDigest {
    Sha1,
    Sha256,
    Sha512,
}

impl RsaDigest {
    fn api_name(self) -> &'static str {
        match self {
            Self::Sha1 => "SHA1",
            Self::Sha256 => "SHA256",
            Self::Sha512 => "SHA512",
        }
    }
}

/// The mode of a raw AES algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AesMode {
    Gcm,
    Cbc,
    Ctr,
}

impl AesMode {
    pub const ALL: [Self; 3] = [Self::Gcm, Self::Cbc, Self::Ctr];

    fn api_name(self) -> &'static str {
        match self {
            Self::Gcm => "GCM",
            Self::Cbc => "CBC",
            Self::Ctr => "CTR",
        }
    }
}

/// The hash of an HMAC algorithm: Google's list has SHA-1, which the Cosmian
/// KMS's HMAC keys do not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MacHash {
    Sha1,
    Sha2(HmacHash),
}

impl MacHash {
    /// The output length in bits, which is also the key length Google requires.
    pub fn bits(self) -> usize {
        match self {
            Self::Sha1 => 160,
            Self::Sha2(hash) => hash.bits(),
        }
    }
}

/// A `CryptoKeyVersionAlgorithm` a key can be imported as (`resources.proto`;
/// the external and post-quantum ones are left out: no Cosmian key becomes them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GoogleAlgorithm {
    /// AES-256-GCM behind Cloud KMS's own ciphertext format.
    GoogleSymmetricEncryption,
    RawAes {
        bits: usize,
        mode: AesMode,
    },
    Hmac(MacHash),
    RsaSignPss {
        bits: usize,
        digest: RsaDigest,
    },
    RsaSignPkcs1 {
        bits: usize,
        digest: RsaDigest,
    },
    RsaSignRawPkcs1 {
        bits: usize,
    },
    RsaDecryptOaep {
        bits: usize,
        digest: RsaDigest,
    },
    EcSign(EcCurve),
}

impl GoogleAlgorithm {
    /// Every algorithm this app knows, in the proto's order of families.
    pub fn all() -> Vec<Self> {
        let mut all = vec![Self::GoogleSymmetricEncryption];
        for bits in [128, 256] {
            all.extend(AesMode::ALL.map(|mode| Self::RawAes { bits, mode }));
        }
        for bits in [2048, 3072, 4096] {
            all.extend(rsa_algorithms(bits));
        }
        all.extend([EcCurve::P256, EcCurve::P384, EcCurve::Secp256k1].map(Self::EcSign));
        all.push(Self::Hmac(MacHash::Sha1));
        all.extend(HmacHash::ALL.map(|hash| Self::Hmac(MacHash::Sha2(hash))));
        all
    }

    /// The API's spelling (`RSA_SIGN_PSS_3072_SHA256`).
    pub fn api_name(self) -> String {
        match self {
            Self::GoogleSymmetricEncryption => "GOOGLE_SYMMETRIC_ENCRYPTION".to_owned(),
            Self::RawAes { bits, mode } => format!("AES_{bits}_{}", mode.api_name()),
            Self::Hmac(MacHash::Sha1) => "HMAC_SHA1".to_owned(),
            Self::Hmac(MacHash::Sha2(hash)) => format!("HMAC_SHA{}", hash.bits()),
            Self::RsaSignPss { bits, digest } => {
                format!("RSA_SIGN_PSS_{bits}_{}", digest.api_name())
            }
            Self::RsaSignPkcs1 { bits, digest } => {
                format!("RSA_SIGN_PKCS1_{bits}_{}", digest.api_name())
            }
            Self::RsaSignRawPkcs1 { bits } => format!("RSA_SIGN_RAW_PKCS1_{bits}"),
            Self::RsaDecryptOaep { bits, digest } => {
                format!("RSA_DECRYPT_OAEP_{bits}_{}", digest.api_name())
            }
            Self::EcSign(EcCurve::P256) => "EC_SIGN_P256_SHA256".to_owned(),
            Self::EcSign(EcCurve::P384) => "EC_SIGN_P384_SHA384".to_owned(),
            Self::EcSign(EcCurve::Secp256k1) => "EC_SIGN_SECP256K1_SHA256".to_owned(),
            // Never built (Cloud KMS has no P-521 algorithm); spelled for completeness.
            Self::EcSign(EcCurve::P521) => "EC_SIGN_P521_SHA512".to_owned(),
        }
    }

    /// gcloud's spelling in `--algorithm` / `--default-algorithm` (`rsa-sign-pss-3072-sha256`).
    pub fn gcloud_name(self) -> String {
        self.api_name().to_ascii_lowercase().replace('_', "-")
    }

    /// Reads either spelling; `None` for an algorithm this app does not import.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        Self::all()
            .into_iter()
            .find(|a| a.api_name() == text || a.gcloud_name() == text)
    }

    /// The purpose a key must have to hold a version of this algorithm.
    pub fn purpose(self) -> Purpose {
        match self {
            Self::GoogleSymmetricEncryption => Purpose::Encryption,
            Self::RawAes { .. } => Purpose::RawEncryption,
            Self::Hmac(_) => Purpose::Mac,
            Self::RsaSignPss { .. }
            | Self::RsaSignPkcs1 { .. }
            | Self::RsaSignRawPkcs1 { .. }
            | Self::EcSign(_) => Purpose::AsymmetricSigning,
            Self::RsaDecryptOaep { .. } => Purpose::AsymmetricEncryption,
        }
    }
}

/// Every RSA algorithm for a key of `bits`: the SHA-512 ones exist for 4096 only.
pub(crate) fn rsa_algorithms(bits: usize) -> Vec<GoogleAlgorithm> {
    use GoogleAlgorithm::*;
    use RsaDigest::*;
    let mut list = vec![
        RsaSignPss {
            bits,
            digest: Sha256,
        },
        RsaSignPkcs1 {
            bits,
            digest: Sha256,
        },
    ];
    if bits == 4096 {
        list.push(RsaSignPss {
            bits,
            digest: Sha512,
        });
        list.push(RsaSignPkcs1 {
            bits,
            digest: Sha512,
        });
    }
    list.push(RsaSignRawPkcs1 { bits });
    list.push(RsaDecryptOaep {
        bits,
        digest: Sha256,
    });
    if bits == 4096 {
        list.push(RsaDecryptOaep {
            bits,
            digest: Sha512,
        });
    }
    list.push(RsaDecryptOaep { bits, digest: Sha1 });
    list
}

impl fmt::Display for GoogleAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.gcloud_name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The importable non-post-quantum values of `CryptoKeyVersionAlgorithm`
    /// in googleapis' `google/cloud/kms/v1/resources.proto` (commit
    /// f8291d2b89f0017ab078a4c7378069bae5686f6f), EC_SIGN_ED25519 and
    /// AES_256_KWP aside (no Cosmian key material maps to them here).
    const PROTO: [&str; 38] = [
        "GOOGLE_SYMMETRIC_ENCRYPTION",
        "AES_128_GCM",
        "AES_256_GCM",
        "AES_128_CBC",
        "AES_256_CBC",
        "AES_128_CTR",
        "AES_256_CTR",
        "RSA_SIGN_PSS_2048_SHA256",
        "RSA_SIGN_PSS_3072_SHA256",
        "RSA_SIGN_PSS_4096_SHA256",
        "RSA_SIGN_PSS_4096_SHA512",
        "RSA_SIGN_PKCS1_2048_SHA256",
        "RSA_SIGN_PKCS1_3072_SHA256",
        "RSA_SIGN_PKCS1_4096_SHA256",
        "RSA_SIGN_PKCS1_4096_SHA512",
        "RSA_SIGN_RAW_PKCS1_2048",
        "RSA_SIGN_RAW_PKCS1_3072",
        "RSA_SIGN_RAW_PKCS1_4096",
        "RSA_DECRYPT_OAEP_2048_SHA256",
        "RSA_DECRYPT_OAEP_3072_SHA256",
        "RSA_DECRYPT_OAEP_4096_SHA256",
        "RSA_DECRYPT_OAEP_4096_SHA512",
        "RSA_DECRYPT_OAEP_2048_SHA1",
        "RSA_DECRYPT_OAEP_3072_SHA1",
        "RSA_DECRYPT_OAEP_4096_SHA1",
        "EC_SIGN_P256_SHA256",
        "EC_SIGN_P384_SHA384",
        "EC_SIGN_SECP256K1_SHA256",
        "HMAC_SHA256",
        "HMAC_SHA1",
        "HMAC_SHA384",
        "HMAC_SHA512",
        "HMAC_SHA224",
        // gcloud's purposes (maps.py PURPOSE_MAP) for the same families.
        "encryption",
        "raw-encryption",
        "asymmetric-signing",
        "asymmetric-encryption",
        "mac",
    ];

    #[test]
    fn every_algorithm_is_one_of_the_protos_and_reads_back() {
        let all = GoogleAlgorithm::all();
        assert_eq!(all.len(), 33);
        for algorithm in &all {
            let api = algorithm.api_name();
            assert!(PROTO.contains(&api.as_str()), "{api}");
            assert_eq!(GoogleAlgorithm::parse(&api), Some(*algorithm));
            assert_eq!(
                GoogleAlgorithm::parse(&algorithm.gcloud_name()),
                Some(*algorithm)
            );
            assert!(PROTO.contains(&algorithm.purpose().gcloud_name()));
        }
        for name in &PROTO[..33] {
            assert!(GoogleAlgorithm::parse(name).is_some(), "{name}");
        }
        assert_eq!(GoogleAlgorithm::parse("ec-sign-ed25519"), None);
        assert_eq!(
            GoogleAlgorithm::parse("EXTERNAL_SYMMETRIC_ENCRYPTION"),
            None
        );
    }

    #[test]
    fn names_and_purposes_read_as_gcloud_writes_them() {
        let pss = GoogleAlgorithm::RsaSignPss {
            bits: 4096,
            digest: RsaDigest::Sha512,
        };
        assert_eq!(pss.gcloud_name(), "rsa-sign-pss-4096-sha512");
        assert_eq!(pss.to_string(), "rsa-sign-pss-4096-sha512");
        assert_eq!(pss.purpose(), Purpose::AsymmetricSigning);
        assert_eq!(
            GoogleAlgorithm::RsaDecryptOaep {
                bits: 2048,
                digest: RsaDigest::Sha1
            }
            .purpose()
            .gcloud_name(),
            "asymmetric-encryption"
        );
        assert_eq!(
            GoogleAlgorithm::GoogleSymmetricEncryption
                .purpose()
                .api_name(),
            "ENCRYPT_DECRYPT"
        );
        assert_eq!(
            GoogleAlgorithm::EcSign(EcCurve::Secp256k1).gcloud_name(),
            "ec-sign-secp256k1-sha256"
        );
        assert_eq!(MacHash::Sha1.bits(), 160);
        assert_eq!(Purpose::RawEncryption.api_name(), "RAW_ENCRYPT_DECRYPT");
        assert_eq!(Purpose::Mac.api_name(), "MAC");
    }
}
