//! One component per page; each page composes shared components and calls
//! the domain and protocol layers, never raw JSON.

mod azure_export;
mod azure_guided;
mod azure_import_kek;
mod byok;
mod ceremony_record;
mod create_key;
mod export_key_material;
mod google_export;
mod google_guided;
mod google_import_job;
mod import_kek;
mod ledger;
mod not_found;
mod rotation;
mod sign_in;
mod wrapping_key_cleanup;

pub use azure_export::AzureExportPage;
pub use azure_guided::AzureGuidedPage;
pub use azure_import_kek::AzureImportKekPage;
pub use byok::ByokPage;
pub use ceremony_record::CeremonyRecordPage;
pub use create_key::{CreateEcPage, CreateRsaPage, CreateSymmetricPage};
pub use export_key_material::ExportKeyMaterialPage;
pub use google_export::GoogleExportPage;
pub use google_guided::GoogleGuidedPage;
pub use google_import_job::GoogleImportJobPage;
pub use import_kek::ImportKekPage;
pub use ledger::LedgerPage;
pub use not_found::NotFound;
pub use rotation::RotationPage;
pub use sign_in::{SignInPage, SignedIn};
pub use wrapping_key_cleanup::WrappingKeyCleanupPage;
