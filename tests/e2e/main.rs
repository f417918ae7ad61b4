//! Browser and protocol end-to-end tests against the real Cosmian KMS.
//! Run through `cargo xtask test` (which builds `dist/` first).

mod aws_import;
mod byok;
mod cleanup;
mod create_key;
mod export_fresh;
mod export_matrix;
mod export_page;
mod fault_proxy;
mod faults;
mod guided_defects;
mod import_kek;
mod key_browser;
mod keyboard;
mod kmip_builders;
mod layout;
mod localstack;
mod processes;
mod requests;
mod result_defects;
mod shell;
mod support;
mod unwrap;
