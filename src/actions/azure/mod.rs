//! Azure Key Vault's and Managed HSM's use cases: list and import the Azure KEKs (tagged as the
//! Cosmian CLI tags them), export a KMS key as a `.byok` for one of them, prove a copy the same key.

pub mod export;
pub mod import_kek;
pub mod keks;
pub mod sameness;
