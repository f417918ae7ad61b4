//! The cloud a KMS key is brought to, named once with what its messages need: its name,
//! where its wrapping key comes from in its users' words, and the key sizes it names.

use std::fmt;

/// A cloud this app brings KMS keys to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cloud {
    Aws,
    Azure,
    Google,
}

impl Cloud {
    pub const ALL: [Self; 3] = [Self::Aws, Self::Azure, Self::Google];

    /// Its name in a sentence: "AWS", "Azure", "Google Cloud".
    pub fn name(self) -> &'static str {
        match self {
            Self::Aws => "AWS",
            Self::Azure => "Azure",
            Self::Google => "Google Cloud",
        }
    }

    /// Its name after "a"/"an": "an AWS", "an Azure", "a Google Cloud".
    pub fn with_article(self) -> &'static str {
        match self {
            Self::Aws => "an AWS",
            Self::Azure => "an Azure",
            Self::Google => "a Google Cloud",
        }
    }

    /// What its users call the RSA key a KMS key is wrapped under: "wrapping key", or
    /// Azure's "KEK" (key-encryption key).
    pub fn wrapping_key_noun(self) -> &'static str {
        match self {
            Self::Aws | Self::Google => "wrapping key",
            Self::Azure => "KEK",
        }
    }

    /// Where the wrapping key comes from, most usual first: AWS's PublicKey of
    /// get-parameters-for-import, Azure's downloaded PEM, Google's import job.
    pub fn key_sources(self) -> &'static [&'static str] {
        match self {
            Self::Aws => &[
                "PublicKey in get-parameters-for-import",
                "WrappingPublicKey.bin",
            ],
            Self::Azure => &[
                "the PEM az keyvault key download wrote",
                "the JSON az keyvault key show prints",
            ],
            Self::Google => {
                &["the import job's publicKey.pem from gcloud kms import-jobs describe"]
            }
        }
    }

    /// Every source of [`Cloud::key_sources`] in one phrase: "A, or B".
    pub fn key_sources_phrase(self) -> String {
        self.key_sources().join(", or ")
    }

    /// The value to paste, as a noun phrase after "paste": "the PublicKey value".
    pub fn key_value(self) -> &'static str {
        match self {
            Self::Aws => "the PublicKey value",
            Self::Azure => "the KEK's public key",
            Self::Google => "the import job's publicKey.pem",
        }
    }

    /// The wrapping key sizes it names, in its own spelling.
    pub fn sizes(self) -> &'static str {
        match self {
            Self::Aws => "RSA_2048, RSA_3072 or RSA_4096",
            Self::Azure => "RSA-HSM 2048, 3072 or 4096",
            Self::Google => "3072 or 4096 bits, the import method's size",
        }
    }

    /// The same sizes said in bits first: "2048, 3072 or 4096 bits (RSA_2048, …)".
    pub fn sizes_in_bits(self) -> &'static str {
        match self {
            Self::Aws => "2048, 3072 or 4096 bits (RSA_2048, RSA_3072, RSA_4096)",
            Self::Azure => "2048, 3072 or 4096 bits (RSA-HSM)",
            Self::Google => "3072 or 4096 bits (the import method's size)",
        }
    }
}

impl fmt::Display for Cloud {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_cloud_names_itself_and_its_key() {
        let names: Vec<String> = Cloud::ALL.iter().map(ToString::to_string).collect();
        assert_eq!(names, ["AWS", "Azure", "Google Cloud"]);
        assert_eq!(
            Cloud::Aws.key_sources_phrase(),
            "PublicKey in get-parameters-for-import, or WrappingPublicKey.bin"
        );
        assert_eq!(Cloud::Azure.wrapping_key_noun(), "KEK");
        assert!(Cloud::Google.key_sources_phrase().contains("publicKey.pem"));
        for cloud in Cloud::ALL {
            assert!(cloud.with_article().ends_with(cloud.name()));
        }
    }
}
