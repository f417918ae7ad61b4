//! Browser and protocol end-to-end tests against the real Cosmian KMS.
//! Run through `cargo xtask test` (which builds `dist/` first).
//!
//! Suites import only from `support` (the `byok-e2e-support` crate in
//! `support/`), never from one another.

use byok_e2e_support as support;

mod aws_import;
mod azure;
mod bundle;
mod byok;
mod ceremony_record;
mod ckms_azure;
mod cleanup;
mod cloud_access;
mod create_key;
mod export_fresh;
mod export_matrix;
mod export_page;
mod faults;
mod google;
mod guided_clouds;
mod guided_defects;
mod import_kek;
mod import_script;
mod key_browser;
mod keyboard;
mod kmip_builders;
mod layout;
mod ledger;
mod ledger_azure;
mod ledger_google;
mod oidc_infra;
mod readme_pictures;
mod requests;
mod result_defects;
mod rotation;
mod scale;
mod shell;
mod sign_in;
mod source_health;
mod wrapping_key_cleanup;
