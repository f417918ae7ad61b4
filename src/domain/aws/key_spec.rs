//! AWS KMS key specs that accept imported material, the key usages AWS
//! allows for each, the wrapping AWS recommends for them, and why others are left out.

use std::fmt;

use crate::domain::aws::rules::check_wrapping;
use crate::domain::aws::wrapping_key_spec::WrappingKeySpec;
use crate::domain::key_material::{EcCurve, HmacHash, KeyMaterialSpec};
use crate::domain::wrapping::{WrappingAlgorithm, oaep_capacity};

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

    /// Every (algorithm, wrapping key spec) AWS accepts for this spec.
    pub fn allowed_wrappings(self) -> Vec<(WrappingAlgorithm, WrappingKeySpec)> {
        let mut allowed = Vec::new();
        for algorithm in WrappingAlgorithm::ALL {
            for kek in WrappingKeySpec::ALL {
                if check_wrapping(self.material(), algorithm, kek.bits(), None).is_ok() {
                    allowed.push((algorithm, kek));
                }
            }
        }
        allowed
    }

    /// AWS's recommendation: RSA_AES_KEY_WRAP_SHA_256 for RSA material,
    /// RSAES_OAEP_SHA_256 otherwise, with an RSA_4096 wrapping key.
    pub fn recommended_wrapping(self) -> (WrappingAlgorithm, WrappingKeySpec) {
        match self {
            Self::Rsa(_) => (
                WrappingAlgorithm::RsaAesKeyWrapSha256,
                WrappingKeySpec::Rsa4096,
            ),
            _ => (WrappingAlgorithm::RsaesOaepSha256, WrappingKeySpec::Rsa4096),
        }
    }

    /// Why AWS takes no `algorithm` for this spec, whatever the wrapping key
    /// size; `None` when some size allows it.
    pub fn why_not_algorithm(self, algorithm: WrappingAlgorithm) -> Option<String> {
        if self
            .allowed_wrappings()
            .iter()
            .any(|(a, _)| *a == algorithm)
        {
            return None;
        }
        let spec = self.aws_name();
        Some(match self.material() {
            KeyMaterialSpec::RsaPrivate { .. } => format!(
                "{spec} material needs RSA_AES_KEY_WRAP_SHA_256 or RSA_AES_KEY_WRAP_SHA_1 (AWS requires them for RSA private key material; OAEP alone cannot carry a key that large)"
            ),
            m if m.is_symmetric() => format!(
                "{spec} material needs RSAES_OAEP_SHA_256 or RSAES_OAEP_SHA_1 (AWS takes RSA_AES_KEY_WRAP_SHA_* for RSA and ECC private keys only)"
            ),
            _ => format!("AWS does not import {spec} material wrapped with {algorithm}"),
        })
    }

    /// Why AWS takes no `algorithm` under a `kek` wrapping key for this
    /// spec; `None` when it does.
    pub fn why_not_size(
        self,
        algorithm: WrappingAlgorithm,
        kek: WrappingKeySpec,
    ) -> Option<String> {
        if self.allowed_wrappings().contains(&(algorithm, kek)) {
            return None;
        }
        if let Some(reason) = self.why_not_algorithm(algorithm) {
            return Some(reason);
        }
        let material = self.material();
        Some(format!(
            "{} material is {} bytes, more than {algorithm} can carry under an {kek} wrapping key ({} bytes at most)",
            self.aws_name(),
            material.wrapped_len(),
            oaep_capacity(kek.bits(), algorithm)
        ))
    }

    /// What step 2 says next to its choices about those it leaves out for
    /// this spec and the chosen algorithm, one sentence each.
    pub fn left_out_wrappings(self, algorithm: WrappingAlgorithm) -> Vec<String> {
        let mut notes = Vec::new();
        // Algorithms that share a reason are named together.
        let mut by_reason: Vec<(String, Vec<&str>)> = Vec::new();
        for other in WrappingAlgorithm::ALL {
            if let Some(reason) = self.why_not_algorithm(other) {
                match by_reason.iter_mut().find(|(r, _)| *r == reason) {
                    Some((_, names)) => names.push(other.aws_name()),
                    None => by_reason.push((reason, vec![other.aws_name()])),
                }
            }
        }
        for (reason, names) in by_reason {
            let verb = if names.len() == 1 { "is" } else { "are" };
            notes.push(format!(
                "{} {verb} not offered: {reason}.",
                names.join(" and ")
            ));
        }
        if self.why_not_algorithm(algorithm).is_none() {
            for kek in WrappingKeySpec::ALL {
                if let Some(reason) = self.why_not_size(algorithm, kek) {
                    notes.push(format!("{kek} is not offered with {algorithm}: {reason}."));
                }
            }
        }
        notes
    }

    /// The user's usage and wrapping choices made to fit this spec (after a
    /// switch of spec), with a sentence for each one that had to change.
    pub fn fit_choices(
        self,
        usage: KeyUsage,
        algorithm: WrappingAlgorithm,
        kek: WrappingKeySpec,
    ) -> FittedChoices {
        let spec = self.aws_name();
        let mut changes = Vec::new();
        let usages = self.key_usages();
        let fitted_usage = if usages.contains(&usage) {
            usage
        } else {
            let allowed = match usages {
                [only] => format!("only {}", only.aws_name()),
                many => many
                    .iter()
                    .map(|u| u.aws_name())
                    .collect::<Vec<_>>()
                    .join(" or "),
            };
            changes.push(format!(
                "Key usage changed from {} to {}: {spec} keys allow {allowed}.",
                usage.aws_name(),
                usages[0].aws_name()
            ));
            usages[0]
        };
        let allowed = self.allowed_wrappings();
        let (recommended_algorithm, recommended_kek) = self.recommended_wrapping();
        let sizes_for = |a: WrappingAlgorithm| {
            allowed
                .iter()
                .filter(move |(x, _)| *x == a)
                .map(|(_, kek)| *kek)
        };
        let fitted_algorithm = if sizes_for(algorithm).next().is_some() {
            algorithm
        } else {
            changes.push(format!(
                "Wrapping algorithm changed from {algorithm} to {recommended_algorithm}: {}.",
                self.why_not_algorithm(algorithm).unwrap_or_default()
            ));
            recommended_algorithm
        };
        let fitted_kek = if sizes_for(fitted_algorithm).any(|k| k == kek) {
            kek
        } else {
            let fitted = if sizes_for(fitted_algorithm).any(|k| k == recommended_kek) {
                recommended_kek
            } else {
                sizes_for(fitted_algorithm).max().unwrap_or(recommended_kek)
            };
            changes.push(format!(
                "Wrapping key spec changed from {kek} to {fitted}: {}.",
                self.why_not_size(fitted_algorithm, kek).unwrap_or_default()
            ));
            fitted
        };
        FittedChoices {
            usage: fitted_usage,
            algorithm: fitted_algorithm,
            kek: fitted_kek,
            changes,
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

/// The usage and wrapping that fit a spec, and what had to change to fit it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FittedChoices {
    pub usage: KeyUsage,
    pub algorithm: WrappingAlgorithm,
    pub kek: WrappingKeySpec,
    /// One sentence per choice that changed, saying from what, to what and why.
    pub changes: Vec<String>,
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
    use WrappingKeySpec::{Rsa2048, Rsa3072, Rsa4096};

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
        assert!(!p521.contains(&(WrappingAlgorithm::RsaesOaepSha256, Rsa2048)));
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

    #[test]
    fn left_out_wrappings_say_why() {
        use WrappingAlgorithm::*;
        assert_eq!(
            AwsKeySpec::Rsa(2048).left_out_wrappings(RsaAesKeyWrapSha256),
            [
                "RSAES_OAEP_SHA_256 and RSAES_OAEP_SHA_1 are not offered: RSA_2048 material needs RSA_AES_KEY_WRAP_SHA_256 or RSA_AES_KEY_WRAP_SHA_1 (AWS requires them for RSA private key material; OAEP alone cannot carry a key that large)."
            ]
        );
        assert_eq!(
            AwsKeySpec::Hmac(HmacHash::Sha384).left_out_wrappings(RsaesOaepSha1),
            [
                "RSA_AES_KEY_WRAP_SHA_256 and RSA_AES_KEY_WRAP_SHA_1 are not offered: HMAC_384 material needs RSAES_OAEP_SHA_256 or RSAES_OAEP_SHA_1 (AWS takes RSA_AES_KEY_WRAP_SHA_* for RSA and ECC private keys only)."
            ]
        );
        assert_eq!(
            AwsKeySpec::Ecc(EcCurve::P521).left_out_wrappings(RsaesOaepSha256),
            [
                "RSA_2048 is not offered with RSAES_OAEP_SHA_256: ECC_NIST_P521 material is 241 bytes, more than RSAES_OAEP_SHA_256 can carry under an RSA_2048 wrapping key (190 bytes at most)."
            ]
        );
        assert!(
            AwsKeySpec::Ecc(EcCurve::P384)
                .left_out_wrappings(RsaAesKeyWrapSha1)
                .is_empty()
        );
    }

    #[test]
    fn a_switch_of_spec_says_what_it_changed() {
        use WrappingAlgorithm::*;
        let fitted =
            AwsKeySpec::Rsa(2048).fit_choices(KeyUsage::EncryptDecrypt, RsaesOaepSha256, Rsa2048);
        assert_eq!(
            (fitted.usage, fitted.algorithm, fitted.kek),
            (KeyUsage::EncryptDecrypt, RsaAesKeyWrapSha256, Rsa2048)
        );
        assert_eq!(
            fitted.changes,
            [
                "Wrapping algorithm changed from RSAES_OAEP_SHA_256 to RSA_AES_KEY_WRAP_SHA_256: RSA_2048 material needs RSA_AES_KEY_WRAP_SHA_256 or RSA_AES_KEY_WRAP_SHA_1 (AWS requires them for RSA private key material; OAEP alone cannot carry a key that large)."
            ]
        );
        let fitted = AwsKeySpec::Ecc(EcCurve::P521).fit_choices(
            KeyUsage::SignVerify,
            RsaesOaepSha1,
            Rsa2048,
        );
        assert_eq!((fitted.algorithm, fitted.kek), (RsaesOaepSha1, Rsa4096));
        assert_eq!(
            fitted.changes,
            [
                "Wrapping key spec changed from RSA_2048 to RSA_4096: ECC_NIST_P521 material is 241 bytes, more than RSAES_OAEP_SHA_1 can carry under an RSA_2048 wrapping key (214 bytes at most)."
            ]
        );
        let fitted = AwsKeySpec::Hmac(HmacHash::Sha256).fit_choices(
            KeyUsage::SignVerify,
            RsaAesKeyWrapSha1,
            Rsa3072,
        );
        assert_eq!(
            (fitted.usage, fitted.algorithm, fitted.kek),
            (KeyUsage::GenerateVerifyMac, RsaesOaepSha256, Rsa3072)
        );
        assert_eq!(
            fitted.changes,
            [
                "Key usage changed from SIGN_VERIFY to GENERATE_VERIFY_MAC: HMAC_256 keys allow only GENERATE_VERIFY_MAC.",
                "Wrapping algorithm changed from RSA_AES_KEY_WRAP_SHA_1 to RSAES_OAEP_SHA_256: HMAC_256 material needs RSAES_OAEP_SHA_256 or RSAES_OAEP_SHA_1 (AWS takes RSA_AES_KEY_WRAP_SHA_* for RSA and ECC private keys only).",
            ]
        );
        let fitted =
            AwsKeySpec::Rsa(3072).fit_choices(KeyUsage::KeyAgreement, RsaAesKeyWrapSha1, Rsa2048);
        assert_eq!(
            fitted.changes,
            [
                "Key usage changed from KEY_AGREEMENT to ENCRYPT_DECRYPT: RSA_3072 keys allow ENCRYPT_DECRYPT or SIGN_VERIFY."
            ]
        );
        // Whatever was chosen, the result is allowed, and nothing allowed changes.
        for spec in AwsKeySpec::ALL {
            for from in AwsKeySpec::ALL {
                let (algorithm, bits) = from.recommended_wrapping();
                for usage in from.key_usages() {
                    let fitted = spec.fit_choices(*usage, algorithm, bits);
                    assert!(
                        spec.allowed_wrappings()
                            .contains(&(fitted.algorithm, fitted.kek))
                    );
                    assert!(spec.key_usages().contains(&fitted.usage));
                    let unchanged =
                        (fitted.usage, fitted.algorithm, fitted.kek) == (*usage, algorithm, bits);
                    assert_eq!(fitted.changes.is_empty(), unchanged, "{from} -> {spec}");
                }
            }
        }
    }
}
