//! Browser and protocol end-to-end tests against the real Cosmian KMS.
//! Run through `cargo xtask test` (which builds `dist/` first).

mod aws_import;
mod byok;
mod create_key;
mod export_matrix;
mod export_page;
mod fault_proxy;
mod faults;
mod guided_defects;
mod import_kek;
mod keyboard;
mod kmip_builders;
mod layout;
mod localstack;
mod requests;
mod shell;
mod support;
mod unwrap;
