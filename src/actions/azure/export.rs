//! Exporting a KMS key as a `.byok` for an Azure KEK: re-read the key and the KEK (one
//! message), refuse what changed since listed, check the KEK's tags (`azure`, `kid:`) and
//! Azure's rules (RSA-AES key wrap SHA-1 only, symmetric keys into a Managed HSM only, no HMAC),
//! then the one wrapped Export; the blob becomes the `.byok` file.

use crate::client::KmsClient;
use crate::domain::aws::rules::check_states;
use crate::domain::azure::byok_file::ByokFile;
use crate::domain::azure::kek_tags::read_azure_kek_tags;
use crate::domain::azure::kid::AzureKeyId;
use crate::domain::azure::rules::{AzureKeyType, plan};
use crate::domain::key_material::KeyMaterialSpec;
use crate::domain::ledger::sha256_hex;
use crate::domain::wrapping::WrappingAlgorithm;
use crate::kmip::{CryptographicAlgorithm, ObjectType};

use super::super::export::{ExportRefusal, Reread, export_blob, reread_key_and_kek};

/// The one wrapping Azure unwraps (CKM_RSA_AES_KEY_WRAP, OAEP with SHA-1).
pub const AZURE_WRAPPING: WrappingAlgorithm = WrappingAlgorithm::RsaAesKeyWrapSha1;

/// A `.byok` and what it was made from.
#[derive(Clone, Debug, PartialEq)]
pub struct AzureByok {
    pub key_id: String,
    pub kek_id: String,
    pub material: KeyMaterialSpec,
    /// The KEK's kid (from its `kid:` tag): the file's header names it.
    pub kid: AzureKeyId,
    pub kek_bits: usize,
    /// The KEK's SHA-256 when its `kek_sha256:` tag says (`None`: imported by the CLI).
    pub kek_sha256: Option<String>,
    /// What the key becomes in Azure.
    pub key_type: AzureKeyType,
    pub file: ByokFile,
    /// The file's text, as downloaded.
    pub json: String,
    /// SHA-256 of the file's bytes, lower-case hex.
    pub sha256: String,
}

/// Checks everything, then exports `key_id` wrapped by the Azure KEK `kek_id` as a `.byok`.
pub async fn export_for_azure(
    client: &KmsClient,
    key_id: &str,
    kek_id: &str,
) -> Result<AzureByok, ExportRefusal> {
    let Reread { key, material, kek } = reread_key_and_kek(client, key_id, kek_id).await?;
    if kek.object_type != Some(ObjectType::PublicKey)
        || kek.algorithm != Some(CryptographicAlgorithm::Rsa)
    {
        return Err(ExportRefusal::Rule(format!(
            "{kek_id} is not an RSA public key, so it cannot be an Azure KEK: choose a KEK imported on the Azure import page."
        )));
    }
    let tags = read_azure_kek_tags(&kek.tags);
    let kid = tags.kid_for_export(kek_id).map_err(ExportRefusal::Rule)?;
    check_states(key.state.as_ref(), kek.state.as_ref()).map_err(ExportRefusal::Rule)?;
    let kek_bits = kek.length_bits.unwrap_or_default() as usize;
    let key_type = plan(material, AZURE_WRAPPING, kek_bits, &kid).map_err(ExportRefusal::Rule)?;
    let blob = export_blob(client, &key, &kek, AZURE_WRAPPING).await?;
    let file = ByokFile::new(kid.clone(), blob);
    // The server's blob must be an RSA block of the KEK's size and a key wrap: else Azure refuses it.
    file.check_for_kek(&kid, kek_bits)
        .map_err(ExportRefusal::Rule)?;
    let json = file.to_json();
    Ok(AzureByok {
        key_id: key.unique_identifier,
        kek_id: kek.unique_identifier,
        material,
        kid,
        kek_bits,
        kek_sha256: tags.sha256,
        key_type,
        sha256: sha256_hex(json.as_bytes()),
        file,
        json,
    })
}
