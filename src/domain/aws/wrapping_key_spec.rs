//! The size of the RSA wrapping key AWS issues (`--wrapping-key-spec`
//! RSA_2048, RSA_3072 or RSA_4096), spelled and parsed in this one place.

use std::fmt;

/// An AWS KMS `--wrapping-key-spec`. Not to be confused with the AWS key spec
/// of an RSA key whose material is imported (`--key-spec RSA_2048`), which
/// `KeyMaterialSpec::aws_spec` names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WrappingKeySpec {
    Rsa2048,
    Rsa3072,
    Rsa4096,
}

impl WrappingKeySpec {
    /// Every size AWS issues, smallest first.
    pub const ALL: [Self; 3] = [Self::Rsa2048, Self::Rsa3072, Self::Rsa4096];

    /// The name AWS uses (`RSA_2048`, ...).
    pub fn aws_name(self) -> &'static str {
        match self {
            Self::Rsa2048 => "RSA_2048",
            Self::Rsa3072 => "RSA_3072",
            Self::Rsa4096 => "RSA_4096",
        }
    }

    /// Reads an AWS name back (`RSA_4096`); anything else is `None`.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.aws_name() == name)
    }

    /// The RSA modulus size in bits.
    pub fn bits(self) -> usize {
        match self {
            Self::Rsa2048 => 2048,
            Self::Rsa3072 => 3072,
            Self::Rsa4096 => 4096,
        }
    }

    /// The spec of an RSA key of this many bits, `None` for a size AWS does not issue.
    pub fn from_bits(bits: usize) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.bits() == bits)
    }
}

impl fmt::Display for WrappingKeySpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.aws_name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spec_round_trips_by_name_and_by_bits() {
        for (spec, name, bits) in [
            (WrappingKeySpec::Rsa2048, "RSA_2048", 2048),
            (WrappingKeySpec::Rsa3072, "RSA_3072", 3072),
            (WrappingKeySpec::Rsa4096, "RSA_4096", 4096),
        ] {
            assert_eq!(spec.aws_name(), name);
            assert_eq!(spec.to_string(), name);
            assert_eq!(WrappingKeySpec::parse(name), Some(spec));
            assert_eq!(spec.bits(), bits);
            assert_eq!(WrappingKeySpec::from_bits(bits), Some(spec));
        }
        assert_eq!(WrappingKeySpec::ALL.len(), 3);
    }

    #[test]
    fn other_names_and_sizes_are_refused() {
        for name in [
            "",
            "RSA_1024",
            "RSA_8192",
            "rsa_2048",
            "RSA-2048",
            "2048",
            " RSA_2048",
            "RSA_2048 ",
            "RSA_",
            "ECC_NIST_P256",
        ] {
            assert_eq!(WrappingKeySpec::parse(name), None, "{name:?}");
        }
        for bits in [0, 1024, 2047, 2049, 4095, 8192] {
            assert_eq!(WrappingKeySpec::from_bits(bits), None, "{bits}");
        }
    }
}
