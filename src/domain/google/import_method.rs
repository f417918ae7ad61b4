//! The six RSA import methods of a Google Cloud KMS import job, in the API's
//! and gcloud's spellings, with the wrap the Cosmian KMS must make for each.

use std::fmt;

use crate::domain::wrapping::WrappingAlgorithm;

/// An import job's `importMethod` (`ImportJob.ImportMethod` in `resources.proto`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ImportMethod {
    RsaOaep3072Sha1Aes256,
    RsaOaep4096Sha1Aes256,
    RsaOaep3072Sha256Aes256,
    RsaOaep4096Sha256Aes256,
    RsaOaep3072Sha256,
    RsaOaep4096Sha256,
}

/// The hash of RSA-OAEP (and of its MGF1) in an import method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OaepHash {
    Sha1,
    Sha256,
}

impl OaepHash {
    pub fn name(self) -> &'static str {
        match self {
            Self::Sha1 => "SHA-1",
            Self::Sha256 => "SHA-256",
        }
    }
}

impl ImportMethod {
    /// Every method, the recommended (SHA-256 with AES key wrap) first.
    pub const ALL: [Self; 6] = [
        Self::RsaOaep3072Sha256Aes256,
        Self::RsaOaep4096Sha256Aes256,
        Self::RsaOaep3072Sha1Aes256,
        Self::RsaOaep4096Sha1Aes256,
        Self::RsaOaep3072Sha256,
        Self::RsaOaep4096Sha256,
    ];

    /// The API's spelling (`RSA_OAEP_3072_SHA256_AES_256`).
    pub fn api_name(self) -> &'static str {
        match self {
            Self::RsaOaep3072Sha1Aes256 => "RSA_OAEP_3072_SHA1_AES_256",
            Self::RsaOaep4096Sha1Aes256 => "RSA_OAEP_4096_SHA1_AES_256",
            Self::RsaOaep3072Sha256Aes256 => "RSA_OAEP_3072_SHA256_AES_256",
            Self::RsaOaep4096Sha256Aes256 => "RSA_OAEP_4096_SHA256_AES_256",
            Self::RsaOaep3072Sha256 => "RSA_OAEP_3072_SHA256",
            Self::RsaOaep4096Sha256 => "RSA_OAEP_4096_SHA256",
        }
    }

    /// gcloud's spelling in `--import-method` (`rsa-oaep-3072-sha256-aes-256`).
    pub fn gcloud_name(self) -> String {
        self.api_name().to_ascii_lowercase().replace('_', "-")
    }

    /// Reads either spelling (surrounding spaces ignored); the refusal lists
    /// the methods, and says why a post-quantum (HPKE) method cannot be used.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if let Some(method) = Self::ALL
            .into_iter()
            .find(|m| m.api_name() == text || m.gcloud_name() == text)
        {
            return Ok(method);
        }
        if text.to_ascii_uppercase().starts_with("HPKE") {
            return Err(format!(
                "The import method {text} wraps with a post-quantum KEM; the Cosmian KMS wraps with RSA only: create the import job with --import-method {}.",
                Self::RsaOaep3072Sha256Aes256.gcloud_name()
            ));
        }
        Err(format!(
            "\"{text}\" is not a Cloud KMS import method this app wraps for: use one of {}.",
            Self::ALL.map(Self::gcloud_name).join(", ")
        ))
    }

    /// The size of the import job's RSA wrapping key.
    pub fn rsa_bits(self) -> usize {
        match self {
            Self::RsaOaep3072Sha1Aes256
            | Self::RsaOaep3072Sha256Aes256
            | Self::RsaOaep3072Sha256 => 3072,
            Self::RsaOaep4096Sha1Aes256
            | Self::RsaOaep4096Sha256Aes256
            | Self::RsaOaep4096Sha256 => 4096,
        }
    }

    /// The hash of RSA-OAEP and its MGF1.
    pub fn hash(self) -> OaepHash {
        match self {
            Self::RsaOaep3072Sha1Aes256 | Self::RsaOaep4096Sha1Aes256 => OaepHash::Sha1,
            _ => OaepHash::Sha256,
        }
    }

    /// RSA-AES key wrap (CKM_RSA_AES_KEY_WRAP: an ephemeral AES-256 key under
    /// RSA-OAEP, then the material under AES-KWP), rather than plain RSA-OAEP.
    pub fn is_key_wrap(self) -> bool {
        !matches!(self, Self::RsaOaep3072Sha256 | Self::RsaOaep4096Sha256)
    }

    /// The wrap the Cosmian KMS makes for this method (the same bytes Google unwraps).
    pub fn wrapping_algorithm(self) -> WrappingAlgorithm {
        match (self.is_key_wrap(), self.hash()) {
            (true, OaepHash::Sha1) => WrappingAlgorithm::RsaAesKeyWrapSha1,
            (true, OaepHash::Sha256) => WrappingAlgorithm::RsaAesKeyWrapSha256,
            (false, OaepHash::Sha1) => WrappingAlgorithm::RsaesOaepSha1,
            (false, OaepHash::Sha256) => WrappingAlgorithm::RsaesOaepSha256,
        }
    }

    /// "RSA-OAEP 3072-bit SHA-256 + AES-256 key wrap", for a picker.
    pub fn words(self) -> String {
        let wrap = if self.is_key_wrap() {
            " + AES-256 key wrap"
        } else {
            ""
        };
        format!(
            "RSA-OAEP {}-bit {}{wrap}",
            self.rsa_bits(),
            self.hash().name()
        )
    }
}

impl fmt::Display for ImportMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.api_name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_six_methods_in_both_spellings() {
        use ImportMethod::*;
        use WrappingAlgorithm::*;
        let table = [
            (
                "RSA_OAEP_3072_SHA1_AES_256",
                "rsa-oaep-3072-sha1-aes-256",
                RsaOaep3072Sha1Aes256,
                3072,
                RsaAesKeyWrapSha1,
            ),
            (
                "RSA_OAEP_4096_SHA1_AES_256",
                "rsa-oaep-4096-sha1-aes-256",
                RsaOaep4096Sha1Aes256,
                4096,
                RsaAesKeyWrapSha1,
            ),
            (
                "RSA_OAEP_3072_SHA256_AES_256",
                "rsa-oaep-3072-sha256-aes-256",
                RsaOaep3072Sha256Aes256,
                3072,
                RsaAesKeyWrapSha256,
            ),
            (
                "RSA_OAEP_4096_SHA256_AES_256",
                "rsa-oaep-4096-sha256-aes-256",
                RsaOaep4096Sha256Aes256,
                4096,
                RsaAesKeyWrapSha256,
            ),
            (
                "RSA_OAEP_3072_SHA256",
                "rsa-oaep-3072-sha256",
                RsaOaep3072Sha256,
                3072,
                RsaesOaepSha256,
            ),
            (
                "RSA_OAEP_4096_SHA256",
                "rsa-oaep-4096-sha256",
                RsaOaep4096Sha256,
                4096,
                RsaesOaepSha256,
            ),
        ];
        for (api, gcloud, method, bits, wrapping) in table {
            assert_eq!(method.api_name(), api);
            assert_eq!(method.to_string(), api);
            assert_eq!(method.gcloud_name(), gcloud);
            assert_eq!(ImportMethod::parse(api), Ok(method));
            assert_eq!(ImportMethod::parse(&format!(" {gcloud}\n")), Ok(method));
            assert_eq!(method.rsa_bits(), bits);
            assert_eq!(method.wrapping_algorithm(), wrapping);
        }
        assert_eq!(
            RsaOaep4096Sha1Aes256.words(),
            "RSA-OAEP 4096-bit SHA-1 + AES-256 key wrap"
        );
        assert_eq!(RsaOaep3072Sha256.words(), "RSA-OAEP 3072-bit SHA-256");
        assert_eq!(RsaOaep3072Sha256.hash(), OaepHash::Sha256);
    }

    #[test]
    fn other_methods_are_refused_with_the_list() {
        assert_eq!(
            ImportMethod::parse("rsa-oaep-2048-sha256").unwrap_err(),
            "\"rsa-oaep-2048-sha256\" is not a Cloud KMS import method this app wraps for: use one of rsa-oaep-3072-sha256-aes-256, rsa-oaep-4096-sha256-aes-256, rsa-oaep-3072-sha1-aes-256, rsa-oaep-4096-sha1-aes-256, rsa-oaep-3072-sha256, rsa-oaep-4096-sha256."
        );
        assert_eq!(
            ImportMethod::parse("HPKE_KEM_ML_KEM_768_HKDF_SHA256_AES_256_GCM").unwrap_err(),
            "The import method HPKE_KEM_ML_KEM_768_HKDF_SHA256_AES_256_GCM wraps with a post-quantum KEM; the Cosmian KMS wraps with RSA only: create the import job with --import-method rsa-oaep-3072-sha256-aes-256."
        );
        assert!(ImportMethod::parse("rsa_oaep_3072_sha256").is_err());
    }
}
