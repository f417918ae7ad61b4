//! What a KMS key is, in AWS's terms: the key material families AWS imports
//! (AES, HMAC, RSA and EC private keys) and their AWS key specs.

use std::fmt;

use crate::kmip::{CryptographicAlgorithm, ObjectAttributes, ObjectType, RecommendedCurve};

/// Hash of an HMAC key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HmacHash {
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

impl HmacHash {
    pub const ALL: [Self; 4] = [Self::Sha224, Self::Sha256, Self::Sha384, Self::Sha512];

    pub fn bits(self) -> usize {
        match self {
            Self::Sha224 => 224,
            Self::Sha256 => 256,
            Self::Sha384 => 384,
            Self::Sha512 => 512,
        }
    }
}

impl From<HmacHash> for CryptographicAlgorithm {
    fn from(hash: HmacHash) -> Self {
        match hash {
            HmacHash::Sha224 => Self::HmacSha224,
            HmacHash::Sha256 => Self::HmacSha256,
            HmacHash::Sha384 => Self::HmacSha384,
            HmacHash::Sha512 => Self::HmacSha512,
        }
    }
}

impl TryFrom<&CryptographicAlgorithm> for HmacHash {
    type Error = ();
    fn try_from(algorithm: &CryptographicAlgorithm) -> Result<Self, ()> {
        Self::ALL
            .into_iter()
            .find(|hash| CryptographicAlgorithm::from(*hash) == *algorithm)
            .ok_or(())
    }
}

/// Named curves AWS imports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EcCurve {
    P256,
    P384,
    P521,
    Secp256k1,
}

impl EcCurve {
    pub const ALL: [Self; 4] = [Self::P256, Self::P384, Self::P521, Self::Secp256k1];

    pub fn aws_spec(self) -> &'static str {
        match self {
            Self::P256 => "ECC_NIST_P256",
            Self::P384 => "ECC_NIST_P384",
            Self::P521 => "ECC_NIST_P521",
            Self::Secp256k1 => "ECC_SECG_P256K1",
        }
    }

    /// Size of the unencrypted PKCS#8 DER the server wraps (with the public key).
    /// The curve's usual name ("P-521"), for sentences; [`EcCurve::aws_spec`] names AWS's spec.
    pub fn name(self) -> &'static str {
        match self {
            Self::P256 => "P-256",
            Self::P384 => "P-384",
            Self::P521 => "P-521",
            Self::Secp256k1 => "secp256k1",
        }
    }

    /// The curve's object identifier (namedCurve in a SubjectPublicKeyInfo).
    pub fn oid(self) -> der::oid::ObjectIdentifier {
        use der::oid::ObjectIdentifier;
        match self {
            Self::P256 => ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7"),
            Self::P384 => ObjectIdentifier::new_unwrap("1.3.132.0.34"),
            Self::P521 => ObjectIdentifier::new_unwrap("1.3.132.0.35"),
            Self::Secp256k1 => ObjectIdentifier::new_unwrap("1.3.132.0.10"),
        }
    }

    /// Bytes of one coordinate of a point (x or y), as a JWK writes them.
    pub fn coordinate_len(self) -> usize {
        match self {
            Self::P256 | Self::Secp256k1 => 32,
            Self::P384 => 48,
            Self::P521 => 66,
        }
    }

    pub fn pkcs8_len(self) -> usize {
        match self {
            Self::P256 => 138,
            Self::P384 => 185,
            Self::P521 => 241,
            Self::Secp256k1 => 135,
        }
    }
}

/// A KMS key seen as AWS import key material.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyMaterialSpec {
    Aes { bits: usize },
    Hmac { hash: HmacHash, bits: usize },
    RsaPrivate { bits: usize },
    EcPrivate { curve: EcCurve },
}

impl KeyMaterialSpec {
    /// Every kind the matrix covers, at AWS's sizes.
    pub fn all_aws() -> Vec<Self> {
        let mut all = vec![Self::Aes { bits: 256 }];
        all.extend(HmacHash::ALL.map(|hash| Self::Hmac {
            hash,
            bits: hash.bits(),
        }));
        all.extend([2048, 3072, 4096].map(|bits| Self::RsaPrivate { bits }));
        all.extend(EcCurve::ALL.map(|curve| Self::EcPrivate { curve }));
        all
    }

    /// Reads a stored object; a public key names its private key instead.
    pub fn from_attributes(a: &ObjectAttributes) -> Result<Self, String> {
        let id = &a.unique_identifier;
        let Some(algorithm) = &a.algorithm else {
            return Err(format!(
                "{id}: the KMS did not say which algorithm this key is for."
            ));
        };
        let bits = a.length_bits.unwrap_or_default() as usize;
        match &a.object_type {
            Some(ObjectType::SymmetricKey) => match algorithm {
                CryptographicAlgorithm::Aes => Ok(Self::Aes { bits }),
                other => HmacHash::try_from(other)
                    .map(|hash| Self::Hmac { hash, bits })
                    .map_err(|()| format!(
                        "{id} is a {other} symmetric key; AWS imports AES-256 (SYMMETRIC_DEFAULT) and HMAC keys only."
                    )),
            },
            Some(ObjectType::PrivateKey) => match algorithm {
                CryptographicAlgorithm::Rsa => Ok(Self::RsaPrivate { bits }),
                ec if ec.is_elliptic_curve() => a
                    .curve
                    .as_ref()
                    .and_then(|curve| EcCurve::try_from(curve).ok())
                    .map(|curve| Self::EcPrivate { curve })
                    .ok_or_else(|| {
                        format!(
                            "{id} is an EC key on curve {}; AWS imports P-256, P-384, P-521 and secp256k1 only.",
                            a.curve.as_ref().map_or("unknown", RecommendedCurve::kmip_name)
                        )
                    }),
                other => Err(format!(
                    "{id} is a {other} private key; AWS imports RSA and EC private keys only."
                )),
            },
            Some(ObjectType::PublicKey) => Err(match &a.private_key_link {
                Some(private) => format!(
                    "{id} is a public key; AWS imports the private key: use {private} instead."
                ),
                None => format!("{id} is a public key; AWS imports private keys, and this one has no linked private key."),
            }),
            Some(other) => Err(format!(
                "{id} is a {other}; AWS imports symmetric keys, HMAC keys and RSA/EC private keys."
            )),
            None => Err(format!("{id}: the KMS did not say what kind of object it is.")),
        }
    }

    /// The AWS `--key-spec` this material is for.
    pub fn aws_spec(self) -> String {
        match self {
            Self::Aes { .. } => "SYMMETRIC_DEFAULT".to_owned(),
            Self::Hmac { hash, .. } => format!("HMAC_{}", hash.bits()),
            Self::RsaPrivate { bits } => format!("RSA_{bits}"),
            Self::EcPrivate { curve } => curve.aws_spec().to_owned(),
        }
    }

    /// Bytes the server wraps: raw key bytes, or PKCS#8 DER for private keys
    /// (RSA sizes are a lower bound; they are never OAEP-wrapped).
    pub fn wrapped_len(self) -> usize {
        match self {
            Self::Aes { bits } | Self::Hmac { bits, .. } => bits / 8,
            Self::RsaPrivate { bits } => bits / 8 * 4,
            Self::EcPrivate { curve } => curve.pkcs8_len(),
        }
    }

    /// What a list shows: the key in words, then the AWS key spec it becomes.
    pub fn kind_line(self) -> String {
        format!("{self} → {}", self.aws_spec())
    }

    pub fn is_symmetric(self) -> bool {
        matches!(self, Self::Aes { .. } | Self::Hmac { .. })
    }
}

impl From<EcCurve> for RecommendedCurve {
    fn from(curve: EcCurve) -> Self {
        match curve {
            EcCurve::P256 => Self::P256,
            EcCurve::P384 => Self::P384,
            EcCurve::P521 => Self::P521,
            EcCurve::Secp256k1 => Self::Secp256k1,
        }
    }
}

impl TryFrom<&RecommendedCurve> for EcCurve {
    type Error = ();
    fn try_from(curve: &RecommendedCurve) -> Result<Self, ()> {
        Self::ALL
            .into_iter()
            .find(|known| RecommendedCurve::from(*known) == *curve)
            .ok_or(())
    }
}

impl fmt::Display for KeyMaterialSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Aes { bits } => write!(f, "AES-{bits} key"),
            Self::Hmac { hash, bits } => write!(f, "HMAC-SHA{} {bits}-bit key", hash.bits()),
            Self::RsaPrivate { bits } => write!(f, "RSA {bits}-bit private key"),
            Self::EcPrivate { curve } => write!(f, "EC {} private key", curve.name()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attributes(kind: &str, algorithm: &str, bits: i64, curve: Option<&str>) -> ObjectAttributes {
        ObjectAttributes {
            unique_identifier: "k".into(),
            object_type: Some(ObjectType::from_kmip(kind)),
            algorithm: Some(CryptographicAlgorithm::from_kmip(algorithm)),
            length_bits: Some(bits),
            curve: curve.map(RecommendedCurve::from_kmip),
            ..Default::default()
        }
    }

    #[test]
    fn stored_objects_map_to_aws_specs() {
        let spec = |a| KeyMaterialSpec::from_attributes(&a).map(KeyMaterialSpec::aws_spec);
        assert_eq!(
            spec(attributes("SymmetricKey", "AES", 256, None)).unwrap(),
            "SYMMETRIC_DEFAULT"
        );
        assert_eq!(
            spec(attributes("SymmetricKey", "HMACSHA384", 384, None)).unwrap(),
            "HMAC_384"
        );
        assert_eq!(
            spec(attributes("PrivateKey", "RSA", 3072, None)).unwrap(),
            "RSA_3072"
        );
        assert_eq!(
            spec(attributes("PrivateKey", "ECDH", 256, Some("SECP256K1"))).unwrap(),
            "ECC_SECG_P256K1"
        );
        assert!(
            spec(attributes("SymmetricKey", "ChaCha20", 256, None))
                .unwrap_err()
                .contains("AWS imports AES-256")
        );
        assert!(
            spec(attributes("PrivateKey", "ECDH", 256, Some("CURVE25519")))
                .unwrap_err()
                .contains("curve CURVE25519")
        );
    }

    #[test]
    fn a_public_key_points_at_its_private_key() {
        let mut public = attributes("PublicKey", "RSA", 2048, None);
        public.private_key_link = Some("rsa-1".into());
        assert_eq!(
            KeyMaterialSpec::from_attributes(&public).unwrap_err(),
            "k is a public key; AWS imports the private key: use rsa-1 instead."
        );
    }

    #[test]
    fn domain_and_kmip_names_convert_both_ways() {
        for curve in EcCurve::ALL {
            assert_eq!(EcCurve::try_from(&RecommendedCurve::from(curve)), Ok(curve));
        }
        for hash in HmacHash::ALL {
            assert_eq!(
                HmacHash::try_from(&CryptographicAlgorithm::from(hash)),
                Ok(hash)
            );
        }
        assert!(EcCurve::try_from(&RecommendedCurve::Curve25519).is_err());
        assert!(HmacHash::try_from(&CryptographicAlgorithm::Aes).is_err());
    }

    #[test]
    fn the_matrix_has_every_aws_material() {
        assert_eq!(KeyMaterialSpec::all_aws().len(), 12);
    }

    #[test]
    fn each_material_is_named_once_in_words_and_once_by_its_aws_spec() {
        for spec in KeyMaterialSpec::all_aws() {
            let line = spec.kind_line();
            assert_eq!(line.matches(spec.aws_spec().as_str()).count(), 1, "{line}");
            assert!(!line.contains(" on "), "{line}");
        }
        let p521 = KeyMaterialSpec::EcPrivate {
            curve: EcCurve::P521,
        };
        assert_eq!(p521.kind_line(), "EC P-521 private key → ECC_NIST_P521");
        let hmac = KeyMaterialSpec::Hmac {
            hash: HmacHash::Sha256,
            bits: 256,
        };
        assert_eq!(hmac.to_string(), "HMAC-SHA256 256-bit key");
    }
}
