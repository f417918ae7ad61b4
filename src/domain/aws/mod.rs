//! What is AWS KMS's own: its key specs, wrapping specs, ARNs and CLI outputs, the
//! import command and script, the guided flow and the rotation runbooks.
//!
//! What every cloud shares — a KMS key's copy in the ledger, its expiry, the wrap
//! choice, the stored documents — sits beside this folder in `domain`; Azure Key
//! Vault and Google Cloud KMS go in folders of their own next to this one.

pub mod arn;
pub mod cli;
pub mod guided;
pub mod import_command;
pub mod import_parameters;
pub mod import_script;
pub mod kek;
pub mod kek_tags;
pub mod key_spec;
pub mod last_usage;
pub mod outputs;
pub mod rules;
pub mod runbook;
pub mod wrapping_key_spec;
