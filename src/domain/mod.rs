//! The user's inputs and the clouds' rules turned into typed values: pure
//! functions with native tests, no browser and no HTTP. AWS's own rules live in `aws`.

pub mod account;
pub mod aws;
pub mod azure;
pub mod base64_text;
pub mod changes;
pub mod cli;
pub mod cloud;
pub mod expiry;
pub mod expiry_day;
pub mod google;
pub mod import_script;
pub mod key_material;
pub mod kms_id;
pub mod ledger;
pub mod server_url;
pub mod source_key_health;
pub mod stored;
pub mod time_display;
pub mod wrapping;
pub mod wrapping_key;
pub mod wrapping_key_cleanup;
