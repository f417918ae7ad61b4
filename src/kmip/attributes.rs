//! KMIP attribute values as enums, parsed once at the wire's edge so no layer
//! above compares the server's spellings; unknown values keep their name.

use std::fmt;

/// An enumeration the KMS spells as text: known values are variants, anything
/// else is kept as `Other` so it can be quoted back to the user.
macro_rules! kmip_enumeration {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => $kmip:literal,)+ }) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)+
            /// A value the app does not know, as the server spelled it.
            Other(String),
        }

        impl $name {
            /// The KMIP JSON spelling.
            pub fn kmip_name(&self) -> &str {
                match self {
                    $(Self::$variant => $kmip,)+
                    Self::Other(name) => name,
                }
            }

            /// Reads the KMIP JSON spelling.
            pub fn from_kmip(name: &str) -> Self {
                match name {
                    $($kmip => Self::$variant,)+
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.kmip_name())
            }
        }
    };
}

kmip_enumeration! {
    /// KMIP object types.
    ObjectType {
        SymmetricKey => "SymmetricKey",
        PublicKey => "PublicKey",
        PrivateKey => "PrivateKey",
        Certificate => "Certificate",
        SecretData => "SecretData",
    }
}

kmip_enumeration! {
    /// KMIP cryptographic algorithms (those AWS import key specs map to, and
    /// the EC names the server may report).
    CryptographicAlgorithm {
        Aes => "AES",
        Rsa => "RSA",
        Ecdh => "ECDH",
        Ecdsa => "ECDSA",
        Ec => "EC",
        HmacSha224 => "HMACSHA224",
        HmacSha256 => "HMACSHA256",
        HmacSha384 => "HMACSHA384",
        HmacSha512 => "HMACSHA512",
    }
}

impl CryptographicAlgorithm {
    /// Whether this names an elliptic-curve key.
    pub fn is_elliptic_curve(&self) -> bool {
        matches!(self, Self::Ecdh | Self::Ecdsa | Self::Ec)
    }

    /// For an HMAC key, the KMIP `HashingAlgorithm` its MAC uses.
    pub fn hmac_hashing(&self) -> Option<&'static str> {
        match self {
            Self::HmacSha224 => Some("SHA224"),
            Self::HmacSha256 => Some("SHA256"),
            Self::HmacSha384 => Some("SHA384"),
            Self::HmacSha512 => Some("SHA512"),
            _ => None,
        }
    }
}

kmip_enumeration! {
    /// Named elliptic curves (`RecommendedCurve`).
    RecommendedCurve {
        P256 => "P256",
        P384 => "P384",
        P521 => "P521",
        Secp256k1 => "SECP256K1",
        Curve25519 => "CURVE25519",
    }
}

impl RecommendedCurve {
    /// The `Qlength` in bits, when the app knows the curve.
    pub fn bits(&self) -> Option<i32> {
        match self {
            Self::P256 | Self::Secp256k1 | Self::Curve25519 => Some(256),
            Self::P384 => Some(384),
            Self::P521 => Some(521),
            Self::Other(_) => None,
        }
    }
}

kmip_enumeration! {
    /// An object's lifecycle `State`.
    State {
        PreActive => "PreActive",
        Active => "Active",
        Deactivated => "Deactivated",
        Compromised => "Compromised",
        Destroyed => "Destroyed",
        DestroyedCompromised => "Destroyed_Compromised",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_names_round_trip_and_unknown_ones_are_kept() {
        for state in [
            State::PreActive,
            State::Active,
            State::Deactivated,
            State::Compromised,
            State::Destroyed,
            State::DestroyedCompromised,
        ] {
            assert_eq!(State::from_kmip(state.kmip_name()), state);
        }
        assert_eq!(State::from_kmip("Frozen"), State::Other("Frozen".into()));
        assert_eq!(State::Other("Frozen".into()).to_string(), "Frozen");
        assert_eq!(
            RecommendedCurve::from_kmip("SECP256K1"),
            RecommendedCurve::Secp256k1
        );
        assert_eq!(RecommendedCurve::from_kmip("X448").bits(), None);
        assert_eq!(
            CryptographicAlgorithm::from_kmip("HMACSHA384"),
            CryptographicAlgorithm::HmacSha384
        );
        assert!(CryptographicAlgorithm::from_kmip("ECDSA").is_elliptic_curve());
        assert_eq!(
            CryptographicAlgorithm::HmacSha256.hmac_hashing(),
            Some("SHA256")
        );
        assert_eq!(CryptographicAlgorithm::Aes.hmac_hashing(), None);
        assert_eq!(
            ObjectType::from_kmip("OpaqueObject").to_string(),
            "OpaqueObject"
        );
    }
}
