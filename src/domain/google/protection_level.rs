//! Where Google Cloud KMS keeps a key or an import job's wrapping key
//! (software, HSM, external), named once in its API and gcloud spellings.

use std::fmt;

/// A `protectionLevel` (`ProtectionLevel` in `resources.proto`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ProtectionLevel {
    Software,
    Hsm,
    HsmSingleTenant,
    /// Cloud External Key Manager over the internet: Google imports nothing there.
    External,
    /// Cloud External Key Manager over a VPC: Google imports nothing there.
    ExternalVpc,
    /// A value this app does not know yet, kept as Google wrote it.
    Other(String),
}

impl ProtectionLevel {
    /// The levels Google imports into, in the order a picker offers them.
    pub const IMPORTABLE: [Self; 3] = [Self::Software, Self::Hsm, Self::HsmSingleTenant];

    /// The API's spelling (`SOFTWARE`, `HSM`, …).
    pub fn api_name(&self) -> &str {
        match self {
            Self::Software => "SOFTWARE",
            Self::Hsm => "HSM",
            Self::HsmSingleTenant => "HSM_SINGLE_TENANT",
            Self::External => "EXTERNAL",
            Self::ExternalVpc => "EXTERNAL_VPC",
            Self::Other(name) => name,
        }
    }

    /// gcloud's spelling in `--protection-level` (`software`, `hsm`, …).
    pub fn gcloud_name(&self) -> String {
        self.api_name().to_ascii_lowercase().replace('_', "-")
    }

    /// Reads either spelling; an unknown name is kept as [`ProtectionLevel::Other`].
    pub fn parse(text: &str) -> Self {
        let text = text.trim();
        [
            Self::Software,
            Self::Hsm,
            Self::HsmSingleTenant,
            Self::External,
            Self::ExternalVpc,
        ]
        .into_iter()
        .find(|level| level.api_name() == text || level.gcloud_name() == text)
        .unwrap_or_else(|| Self::Other(text.to_owned()))
    }

    /// Whether Google imports key material into keys of this level.
    pub fn is_importable(&self) -> bool {
        Self::IMPORTABLE.contains(self)
    }

    /// Whether operations run in a Cloud HSM (multi- or single-tenant).
    pub fn is_hsm(&self) -> bool {
        matches!(self, Self::Hsm | Self::HsmSingleTenant)
    }
}

impl fmt::Display for ProtectionLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.api_name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_spellings_are_read_and_unknown_ones_kept() {
        for (api, gcloud, level) in [
            ("SOFTWARE", "software", ProtectionLevel::Software),
            ("HSM", "hsm", ProtectionLevel::Hsm),
            (
                "HSM_SINGLE_TENANT",
                "hsm-single-tenant",
                ProtectionLevel::HsmSingleTenant,
            ),
            ("EXTERNAL", "external", ProtectionLevel::External),
            ("EXTERNAL_VPC", "external-vpc", ProtectionLevel::ExternalVpc),
        ] {
            assert_eq!(ProtectionLevel::parse(api), level);
            assert_eq!(ProtectionLevel::parse(gcloud), level);
            assert_eq!(level.api_name(), api);
            assert_eq!(level.gcloud_name(), gcloud);
        }
        assert_eq!(
            ProtectionLevel::parse("QUANTUM"),
            ProtectionLevel::Other("QUANTUM".into())
        );
        assert!(ProtectionLevel::Hsm.is_importable());
        assert!(!ProtectionLevel::External.is_importable());
        assert!(ProtectionLevel::HsmSingleTenant.is_hsm());
        assert!(!ProtectionLevel::Software.is_hsm());
    }
}
