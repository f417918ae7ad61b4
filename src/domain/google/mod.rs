//! What is Google Cloud KMS's own: resource names, import methods and jobs,
//! the algorithms a KMS key can become, the gcloud commands and their outputs.
//!
//! Facts read from googleapis `google/cloud/kms/v1/resources.proto` and
//! `service.proto` (commit f8291d2b89f0017ab078a4c7378069bae5686f6f) and
//! gcloud's `kms` command sources and reference pages. The wrapping key's
//! SPKI checks and the OAEP size limit are every cloud's (`domain::wrapping_key`,
//! `domain::wrapping`), called with `Cloud::Google` so refusals name Google Cloud.

pub mod algorithm;
pub mod command;
pub mod guided;
pub mod import_job;
pub mod import_method;
pub mod import_script;
pub mod kek_tags;
pub mod names;
pub mod outputs;
pub mod protection_level;
pub mod rules;

#[cfg(test)]
pub(crate) mod tests {
    //! Helpers the folder's tests share.

    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;

    /// Standard base64, as a PEM body or a pasted DER.
    pub(crate) fn b64(bytes: &[u8]) -> String {
        STANDARD.encode(bytes)
    }
}
