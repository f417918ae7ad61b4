//! What is Azure Key Vault's and Managed HSM's own: key identifiers, the KEK as Azure gives
//! it, the `.byok` file, the import rules, the `az keyvault key` commands and their outputs.
//!
//! What every cloud shares — the key material, the wrap choice, shell quoting, stored times —
//! sits beside this folder in `domain`; AWS's counterparts are in `domain::aws`.

pub mod byok_file;
pub mod command;
pub mod guided;
pub mod import_script;
pub mod jwk;
pub mod kek;
pub mod kek_tags;
pub mod kid;
pub mod outputs;
pub mod rules;
