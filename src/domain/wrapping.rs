//! The four AWS wrapping algorithms: their AWS names, the tag spellings the
//! Cosmian clients write, the KMIP parameters that make the server wrap
//! exactly as AWS unwraps, and how much RSA-OAEP carries (every cloud's limit).

use std::fmt;

use crate::kmip::{CryptographicParameters, HashingAlgorithm, PaddingMethod};

/// An AWS KMS `--wrapping-algorithm`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WrappingAlgorithm {
    RsaesOaepSha1,
    RsaesOaepSha256,
    RsaAesKeyWrapSha1,
    RsaAesKeyWrapSha256,
}

impl WrappingAlgorithm {
    pub const ALL: [Self; 4] = [
        Self::RsaesOaepSha256,
        Self::RsaesOaepSha1,
        Self::RsaAesKeyWrapSha256,
        Self::RsaAesKeyWrapSha1,
    ];

    /// The name AWS uses (`RSAES_OAEP_SHA_256`, ...).
    pub fn aws_name(self) -> &'static str {
        match self {
            Self::RsaesOaepSha1 => "RSAES_OAEP_SHA_1",
            Self::RsaesOaepSha256 => "RSAES_OAEP_SHA_256",
            Self::RsaAesKeyWrapSha1 => "RSA_AES_KEY_WRAP_SHA_1",
            Self::RsaAesKeyWrapSha256 => "RSA_AES_KEY_WRAP_SHA_256",
        }
    }

    /// The spelling the Cosmian CLI writes and reads in `wrapping_algorithm:<X>`.
    pub fn cli_name(self) -> &'static str {
        match self {
            Self::RsaesOaepSha1 => "RsaesOaepSha1",
            Self::RsaesOaepSha256 => "RsaesOaepSha256",
            Self::RsaAesKeyWrapSha1 => "RsaAesKeyWrapSha1",
            Self::RsaAesKeyWrapSha256 => "RsaAesKeyWrapSha256",
        }
    }

    /// The spelling Cosmian's React UI writes.
    fn react_ui_name(self) -> &'static str {
        match self {
            Self::RsaesOaepSha1 => "rsa-oaep-sha1",
            Self::RsaesOaepSha256 => "rsa-oaep",
            Self::RsaAesKeyWrapSha1 => "rsa-aes-key-wrap-sha1",
            Self::RsaAesKeyWrapSha256 => "rsa-aes-key-wrap",
        }
    }

    /// Which key material it can carry, in AWS's words.
    pub fn carries(self) -> &'static str {
        match self {
            Self::RsaesOaepSha1 | Self::RsaesOaepSha256 => {
                "AES-256 and HMAC keys and ECC private keys; not RSA private keys, and not ECC_NIST_P521 under an RSA_2048 wrapping key."
            }
            Self::RsaAesKeyWrapSha1 | Self::RsaAesKeyWrapSha256 => {
                "RSA and ECC private keys; required for RSA private keys."
            }
        }
    }

    /// Reads any of the three spellings, case-insensitively.
    pub fn parse(spelling: &str) -> Option<Self> {
        let spelling = spelling.trim();
        Self::ALL.into_iter().find(|a| {
            [a.aws_name(), a.cli_name(), a.react_ui_name()]
                .iter()
                .any(|name| name.eq_ignore_ascii_case(spelling))
        })
    }

    /// The KMIP parameters that make the server wrap this way.
    pub fn kmip_parameters(self) -> CryptographicParameters {
        let (padding, hashing) = match self {
            Self::RsaesOaepSha1 => (PaddingMethod::Oaep, HashingAlgorithm::Sha1),
            Self::RsaesOaepSha256 => (PaddingMethod::Oaep, HashingAlgorithm::Sha256),
            Self::RsaAesKeyWrapSha1 => (PaddingMethod::None, HashingAlgorithm::Sha1),
            Self::RsaAesKeyWrapSha256 => (PaddingMethod::None, HashingAlgorithm::Sha256),
        };
        CryptographicParameters { padding, hashing }
    }

    /// The tag written on an imported KEK.
    pub fn tag(self) -> String {
        format!("{WRAPPING_ALGORITHM_TAG_PREFIX}{}", self.cli_name())
    }
}

impl fmt::Display for WrappingAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.aws_name())
    }
}

/// Largest plaintext RSAES-OAEP can wrap under an RSA key of `kek_bits`:
/// k − 2·hLen − 2 (RFC 8017), hLen being the algorithm's hash (SHA-1 or SHA-256).
pub fn oaep_capacity(kek_bits: usize, algorithm: WrappingAlgorithm) -> usize {
    let h_len = match algorithm {
        WrappingAlgorithm::RsaesOaepSha1 | WrappingAlgorithm::RsaAesKeyWrapSha1 => 20,
        _ => 32,
    };
    (kek_bits / 8).saturating_sub(2 * h_len + 2)
}

/// Prefix of the tag that names a KEK's wrapping algorithm.
pub const WRAPPING_ALGORITHM_TAG_PREFIX: &str = "wrapping_algorithm:";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_three_spellings_are_read_case_insensitively() {
        use WrappingAlgorithm::*;
        let cases = [
            ("RsaesOaepSha1", RsaesOaepSha1),
            ("rsa-oaep-sha1", RsaesOaepSha1),
            ("RSAES_OAEP_SHA_1", RsaesOaepSha1),
            ("rsaesoaepsha256", RsaesOaepSha256),
            ("rsa-oaep", RsaesOaepSha256),
            ("rsaes_oaep_sha_256", RsaesOaepSha256),
            ("RsaAesKeyWrapSha1", RsaAesKeyWrapSha1),
            ("RSA-AES-KEY-WRAP-SHA1", RsaAesKeyWrapSha1),
            ("RSA_AES_KEY_WRAP_SHA_1", RsaAesKeyWrapSha1),
            ("RsaAesKeyWrapSha256", RsaAesKeyWrapSha256),
            ("rsa-aes-key-wrap", RsaAesKeyWrapSha256),
            ("RSA_AES_KEY_WRAP_SHA_256", RsaAesKeyWrapSha256),
        ];
        for (spelling, expected) in cases {
            assert_eq!(
                WrappingAlgorithm::parse(spelling),
                Some(expected),
                "{spelling}"
            );
        }
        assert_eq!(WrappingAlgorithm::parse("rsa-oaep-sha512"), None);
    }

    #[test]
    fn oaep_capacity_follows_rfc_8017() {
        use WrappingAlgorithm::*;
        assert_eq!(oaep_capacity(2048, RsaesOaepSha256), 190);
        assert_eq!(oaep_capacity(2048, RsaesOaepSha1), 214);
        assert_eq!(oaep_capacity(4096, RsaesOaepSha256), 446);
    }

    #[test]
    fn tags_are_written_in_the_cli_spelling() {
        assert_eq!(
            WrappingAlgorithm::RsaAesKeyWrapSha256.tag(),
            "wrapping_algorithm:RsaAesKeyWrapSha256"
        );
    }

    #[test]
    fn kmip_parameters_follow_the_server_table() {
        use HashingAlgorithm::*;
        use PaddingMethod::*;
        let table = [
            (WrappingAlgorithm::RsaesOaepSha1, Oaep, Sha1),
            (WrappingAlgorithm::RsaesOaepSha256, Oaep, Sha256),
            (WrappingAlgorithm::RsaAesKeyWrapSha1, None, Sha1),
            (WrappingAlgorithm::RsaAesKeyWrapSha256, None, Sha256),
        ];
        for (algorithm, padding, hashing) in table {
            assert_eq!(
                algorithm.kmip_parameters(),
                CryptographicParameters { padding, hashing }
            );
        }
    }
}
