//! Every page's path, written once: the router, the navigation and the tests
//! all read it from here.

/// Where the bundle is served (Trunk's `public_url`, the router's base).
pub const BASE: &str = "/ui";

/// The app's pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    /// The AWS section's landing page (the guided flow).
    Byok,
    ImportKek,
    ExportKeyMaterial,
    CreateSymmetric,
    CreateRsa,
    CreateEc,
}

impl Page {
    pub const ALL: [Self; 6] = [
        Self::Byok,
        Self::ImportKek,
        Self::ExportKeyMaterial,
        Self::CreateSymmetric,
        Self::CreateRsa,
        Self::CreateEc,
    ];

    /// The path below [`BASE`] as router segments; the KMS falls back to
    /// index.html for `/ui/aws*`, `/ui/sym*`, `/ui/rsa*` and `/ui/ec*`, so
    /// every page survives a reload.
    pub fn segments(self) -> (&'static str, &'static str) {
        match self {
            Self::Byok => ("aws", "byok"),
            Self::ImportKek => ("aws", "import-kek"),
            Self::ExportKeyMaterial => ("aws", "export-key-material"),
            Self::CreateSymmetric => ("sym", "create"),
            Self::CreateRsa => ("rsa", "create"),
            Self::CreateEc => ("ec", "create"),
        }
    }

    /// The absolute link (`<A>` does not add the router's base).
    pub fn href(self) -> String {
        let (section, page) = self.segments();
        format!("{BASE}/{section}/{page}")
    }

    /// The navigation label, in the user's words.
    pub fn label(self) -> &'static str {
        match self {
            Self::Byok => "Guided BYOK",
            Self::ImportKek => "Import AWS wrapping key",
            Self::ExportKeyMaterial => "Export key material",
            Self::CreateSymmetric => "Create AES or HMAC key",
            Self::CreateRsa => "Create RSA key pair",
            Self::CreateEc => "Create EC key pair",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_lives_under_a_prefix_the_kms_serves_on_reload() {
        for page in Page::ALL {
            let href = page.href();
            assert!(
                ["/ui/aws", "/ui/sym", "/ui/rsa", "/ui/ec"]
                    .iter()
                    .any(|prefix| href.starts_with(prefix)),
                "{href}"
            );
        }
    }
}
