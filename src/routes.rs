//! Every page's path, written once: the router, the navigation and the tests
//! all read it from here.

use std::sync::OnceLock;

/// Where the bundle is served unless its page says otherwise (the KMS's `/ui`).
pub const DEFAULT_BASE: &str = "/ui";

/// The base the page was built for (set once at start-up from index.html).
static BASE: OnceLock<String> = OnceLock::new();

/// Sets where the bundle is served, e.g. `/ui/byok` (no trailing slash;
/// empty at a server's root): `cargo xtask build --base` writes it into
/// index.html's `<meta name="byok-base">`, main.rs reads it. Once only.
pub fn set_base(base: &str) {
    let _ = BASE.set(base.trim_end_matches('/').to_owned());
}

/// The router's base and every link's prefix: `/ui` unless [`set_base`] said.
pub fn base() -> &'static str {
    BASE.get().map_or(DEFAULT_BASE, String::as_str)
}

/// Where the KMS sends the browser after its sign-in (`/ui/locate`) and after
/// its sign-out (`/ui/login`): fixed by the KMS, pages of ours only when the
/// bundle is served at `/ui` itself.
pub const SIGNED_IN_SEGMENT: &str = "locate";
pub const SIGNED_OUT_SEGMENT: &str = "login";

/// The export page's query parameter naming the key material to export.
pub const EXPORT_KEY_QUERY: &str = "key";
/// The export page's query parameter naming the wrapping key (KEK).
pub const EXPORT_KEK_QUERY: &str = "kek";
/// The rotation page's query: the KMS key and the ledger entry it starts from.
pub const ROTATE_KEY_QUERY: &str = "key";
pub const ROTATE_ENTRY_QUERY: &str = "entry";
/// The ceremony record page's query: the KMS key and the ledger entry it records.
pub const RECORD_KEY_QUERY: &str = "key";
pub const RECORD_ENTRY_QUERY: &str = "entry";

/// RFC 3986 unreserved characters stay, every other byte becomes `%XX`.
fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The app's pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    /// The AWS section's landing page (the guided flow).
    Byok,
    ImportKek,
    ExportKeyMaterial,
    Ledger,
    Rotation,
    /// One AWS copy's ceremony record: printable, downloadable as JSON, with the key's timeline.
    CeremonyRecord,
    /// Azure: the guided flow, from the KEK's create command to the `.byok` and its commands.
    AzureGuided,
    /// Azure: import a key-encryption key (KEK) from `az keyvault key show` or its PEM and kid.
    AzureImportKek,
    /// Azure: a KMS key as a `.byok` for an Azure KEK.
    AzureExport,
    /// Google Cloud: the guided flow, from the import job's create command to the wrapped key.
    GoogleGuided,
    /// Google Cloud: import an import job's wrapping key from its describe JSON or PEM + method.
    GoogleImportJob,
    /// Google Cloud: a KMS key wrapped for a Google import job, with its gcloud command.
    GoogleExport,
    CreateSymmetric,
    CreateRsa,
    CreateEc,
    /// The wrapping keys of every cloud stored here: expired ones revoked and destroyed.
    WrappingKeyCleanup,
}

impl Page {
    pub const ALL: [Self; 16] = [
        Self::Byok,
        Self::ImportKek,
        Self::ExportKeyMaterial,
        Self::Ledger,
        Self::Rotation,
        Self::CeremonyRecord,
        Self::AzureGuided,
        Self::AzureImportKek,
        Self::AzureExport,
        Self::GoogleGuided,
        Self::GoogleImportJob,
        Self::GoogleExport,
        Self::CreateSymmetric,
        Self::CreateRsa,
        Self::CreateEc,
        Self::WrappingKeyCleanup,
    ];

    /// The path below [`base`] as router segments; `cargo xtask build` reads
    /// this match to write `<section>/<page>/index.html`, so every page
    /// survives a reload on any static server (keep one arm per line).
    pub fn segments(self) -> (&'static str, &'static str) {
        match self {
            Self::Byok => ("aws", "byok"),
            Self::ImportKek => ("aws", "import-kek"),
            Self::ExportKeyMaterial => ("aws", "export-key-material"),
            Self::Ledger => ("aws", "ledger"),
            Self::Rotation => ("aws", "rotate"),
            Self::CeremonyRecord => ("aws", "ledger-record"),
            Self::AzureGuided => ("azure", "guided"),
            Self::AzureImportKek => ("azure", "import-kek"),
            Self::AzureExport => ("azure", "export"),
            Self::GoogleGuided => ("google", "guided"),
            Self::GoogleImportJob => ("google", "import-job"),
            Self::GoogleExport => ("google", "export"),
            Self::CreateSymmetric => ("sym", "create"),
            Self::CreateRsa => ("rsa", "create"),
            Self::CreateEc => ("ec", "create"),
            Self::WrappingKeyCleanup => ("kms", "clean-up-wrapping-keys"),
        }
    }

    /// The absolute link (`<A>` does not add the router's base).
    pub fn href(self) -> String {
        let (section, page) = self.segments();
        format!("{}/{section}/{page}", base())
    }

    /// The export page with its key and/or KEK chosen (`None`: not chosen),
    /// ids percent-encoded.
    pub fn export_href(key: Option<&str>, kek: Option<&str>) -> String {
        Self::ExportKeyMaterial.with_key_and_kek(key, kek)
    }

    /// The Azure export page with its key and/or Azure KEK chosen (the same query keys).
    pub fn azure_export_href(key: Option<&str>, kek: Option<&str>) -> String {
        Self::AzureExport.with_key_and_kek(key, kek)
    }

    /// The Google export page with its key and/or import job chosen (the same query keys).
    pub fn google_export_href(key: Option<&str>, kek: Option<&str>) -> String {
        Self::GoogleExport.with_key_and_kek(key, kek)
    }

    /// This page with `?key=…&kek=…` for the ids given.
    fn with_key_and_kek(self, key: Option<&str>, kek: Option<&str>) -> String {
        let query: Vec<String> = [(EXPORT_KEY_QUERY, key), (EXPORT_KEK_QUERY, kek)]
            .into_iter()
            .filter_map(|(name, id)| Some(format!("{name}={}", percent_encode(id?))))
            .collect();
        let page = self.href();
        if query.is_empty() {
            page
        } else {
            format!("{page}?{}", query.join("&"))
        }
    }

    /// The rotation page for the ledger entry `entry` on KMS key `key`.
    pub fn rotation_href(key: &str, entry: &str) -> String {
        format!(
            "{}?{ROTATE_KEY_QUERY}={}&{ROTATE_ENTRY_QUERY}={}",
            Self::Rotation.href(),
            percent_encode(key),
            percent_encode(entry)
        )
    }

    /// The ceremony record of the ledger entry `entry` on KMS key `key`.
    pub fn ceremony_record_href(key: &str, entry: &str) -> String {
        format!(
            "{}?{RECORD_KEY_QUERY}={}&{RECORD_ENTRY_QUERY}={}",
            Self::CeremonyRecord.href(),
            percent_encode(key),
            percent_encode(entry)
        )
    }

    /// The navigation label, in the user's words.
    pub fn label(self) -> &'static str {
        match self {
            Self::Byok => "Guided BYOK",
            Self::ImportKek => "Import AWS wrapping key",
            Self::ExportKeyMaterial => "Export key material",
            Self::Ledger => "BYOK ledger",
            Self::Rotation => "Rotate and replicate",
            Self::CeremonyRecord => "Ceremony record",
            Self::AzureGuided => "Guided BYOK to Azure",
            Self::AzureImportKek => "Import an Azure KEK",
            Self::AzureExport => "Export for Azure (.byok)",
            Self::GoogleGuided => "Guided BYOK to Google Cloud",
            Self::GoogleImportJob => "Import a Google import job",
            Self::GoogleExport => "Export for Google Cloud",
            Self::CreateSymmetric => "Create AES or HMAC key",
            Self::CreateRsa => "Create RSA key pair",
            Self::CreateEc => "Create EC key pair",
            Self::WrappingKeyCleanup => "Clean up old wrapping keys",
        }
    }
}

/// The navigation's groups: one per cloud, one for the KMS's own keys, so the
/// bar stays one line as clouds are added (each group a disclosure menu).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NavGroup {
    Aws,
    Azure,
    Google,
    KmsKeys,
}

impl NavGroup {
    pub const ALL: [Self; 4] = [Self::Aws, Self::Azure, Self::Google, Self::KmsKeys];

    /// The group's button, in the user's words.
    pub fn label(self) -> &'static str {
        match self {
            Self::Aws => "AWS KMS",
            Self::Azure => "Azure Key Vault",
            Self::Google => "Google Cloud KMS",
            Self::KmsKeys => "Keys in this KMS",
        }
    }

    /// The id of the group's menu (`aria-controls`).
    pub fn menu_id(self) -> &'static str {
        match self {
            Self::Aws => "nav-aws",
            Self::Azure => "nav-azure",
            Self::Google => "nav-google",
            Self::KmsKeys => "nav-kms-keys",
        }
    }

    /// The group's pages, in the order the menu lists them.
    pub fn pages(self) -> impl Iterator<Item = Page> {
        Page::ALL
            .into_iter()
            .filter(move |page| page.group() == self)
    }
}

impl Page {
    /// The navigation group the page is listed in.
    pub fn group(self) -> NavGroup {
        match self {
            Self::Byok
            | Self::ImportKek
            | Self::ExportKeyMaterial
            | Self::Ledger
            | Self::Rotation
            | Self::CeremonyRecord => NavGroup::Aws,
            Self::AzureGuided | Self::AzureImportKek | Self::AzureExport => NavGroup::Azure,
            Self::GoogleGuided | Self::GoogleImportJob | Self::GoogleExport => NavGroup::Google,
            Self::CreateSymmetric | Self::CreateRsa | Self::CreateEc | Self::WrappingKeyCleanup => {
                NavGroup::KmsKeys
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_is_in_one_group_and_every_group_has_pages() {
        let listed: Vec<Page> = NavGroup::ALL
            .into_iter()
            .flat_map(NavGroup::pages)
            .collect();
        assert_eq!(listed, Page::ALL);
        for group in NavGroup::ALL {
            assert!(group.pages().next().is_some(), "{group:?}");
        }
    }

    #[test]
    fn export_links_carry_the_chosen_ids() {
        assert_eq!(
            Page::export_href(Some("aes-1"), Some("kek 2")),
            "/ui/aws/export-key-material?key=aes-1&kek=kek%202"
        );
        assert_eq!(
            Page::export_href(Some("k/1"), None),
            "/ui/aws/export-key-material?key=k%2F1"
        );
        assert_eq!(Page::export_href(None, None), "/ui/aws/export-key-material");
        assert_eq!(
            Page::azure_export_href(Some("rsa 1"), Some("kek-az")),
            "/ui/azure/export?key=rsa%201&kek=kek-az"
        );
        assert_eq!(Page::azure_export_href(None, None), "/ui/azure/export");
        assert_eq!(
            Page::google_export_href(Some("aes 1"), Some("job-g")),
            "/ui/google/export?key=aes%201&kek=job-g"
        );
        assert_eq!(Page::google_export_href(None, None), "/ui/google/export");
    }

    /// `/ui/google` is not among the KMS's own fallback prefixes (it has `/ui/google-cse`),
    /// nor is `/ui/kms`: a reload there is served by the `<section>/<page>/index.html` the
    /// build writes.
    #[test]
    fn every_page_lives_under_a_prefix_the_kms_serves_on_reload() {
        for page in Page::ALL {
            let href = page.href();
            assert!(
                [
                    "/ui/aws",
                    "/ui/azure",
                    "/ui/google",
                    "/ui/sym",
                    "/ui/rsa",
                    "/ui/ec",
                    "/ui/kms"
                ]
                .iter()
                .any(|prefix| href.starts_with(prefix)),
                "{href}"
            );
        }
    }
}
