//! AWS BYOK rules and the user's inputs turned into typed values: pure
//! functions with native tests, no browser and no HTTP.

pub mod account;
pub mod arn;
pub mod aws_cli;
pub mod aws_key_spec;
pub mod aws_outputs;
pub mod aws_rules;
pub mod base64_text;
pub mod changes;
pub mod cli;
pub mod expiry;
pub mod guided;
pub mod import_command;
pub mod import_parameters;
pub mod import_script;
pub mod kek;
pub mod kek_tags;
pub mod key_material;
pub mod kms_id;
pub mod ledger;
pub mod runbook;
pub mod server_url;
pub mod stored;
pub mod time_display;
pub mod wrapping;
pub mod wrapping_key_spec;
