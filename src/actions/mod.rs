//! The async steps the pages run: several KMIP calls composed into one user
//! action (check, import, read back), returning typed results, no UI.

pub mod azure;
pub mod ceremony;
pub mod cloud_ledger;
pub mod copies;
pub mod create_key;
pub mod export;
pub mod google;
pub mod guided;
pub mod guided_clouds;
pub mod import_kek;
pub mod ledger;
pub mod objects;
pub mod rotation;
pub mod sameness;
pub mod vendor_store;
pub mod wrapping_key_cleanup;
