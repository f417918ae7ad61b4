//! Copies of a KMS key held by a cloud, as entries kept on that key in the KMS:
//! listed, read back, written back, and recorded at export (the ledger's store).

use time::OffsetDateTime;

use crate::actions::azure::export::AzureByok;
use crate::actions::export::WrappedKeyMaterial;
use crate::actions::google::export::GoogleWrapped;
use crate::actions::objects;
use crate::actions::vendor_store::{
    RecordError, acting_user, read_named, record_vendor_attribute, update_vendor_attribute,
};
use crate::client::{KmsClient, RequestError};
use crate::domain::account::UserId;
use crate::domain::aws::key_spec::AwsKeySpec;
use crate::domain::ledger::azure::{AzureCopy, AzureExport};
use crate::domain::ledger::google::{GoogleCopy, GoogleExport};
use crate::domain::ledger::{
    CloudCopy, ExportRecord, LedgerEntry, attribute_name, carried_copies, is_ledger_attribute,
    new_entry_id, sha256_hex,
};
use crate::kmip::ObjectAttributes;

/// A KMS key that holds ledger entries, with what it is and the entries.
#[derive(Clone, Debug, PartialEq)]
pub struct LedgeredKey {
    pub attributes: ObjectAttributes,
    /// Each entry read back, or why it could not be read (left untouched).
    pub entries: Vec<Result<LedgerEntry, String>>,
    /// Its Azure copies (`byok-azure-copy/1`), each read back or why not.
    pub azure: Vec<Result<AzureCopy, String>>,
    /// Its Google Cloud copies (`byok-google-copy/1`), each read back or why not.
    pub google: Vec<Result<GoogleCopy, String>>,
}

/// A cloud's copies as a [`LedgeredKey`] holds them.
pub trait HeldCopy: CloudCopy {
    fn held(key: &LedgeredKey) -> &[Result<Self, String>];
    fn held_mut(key: &mut LedgeredKey) -> &mut [Result<Self, String>];
}

impl HeldCopy for AzureCopy {
    fn held(key: &LedgeredKey) -> &[Result<Self, String>] {
        &key.azure
    }
    fn held_mut(key: &mut LedgeredKey) -> &mut [Result<Self, String>] {
        &mut key.azure
    }
}

impl HeldCopy for GoogleCopy {
    fn held(key: &LedgeredKey) -> &[Result<Self, String>] {
        &key.google
    }
    fn held_mut(key: &mut LedgeredKey) -> &mut [Result<Self, String>] {
        &mut key.google
    }
}

/// One cloud's copies among a described object's vendor attributes.
fn copies_of<C: CloudCopy>(attributes: &ObjectAttributes) -> Vec<Result<C, String>> {
    attributes
        .vendor_attributes
        .iter()
        .filter(|(name, _)| C::is_stored_name(name))
        .map(|(name, value)| C::read_stored(name, value))
        .collect()
}

/// The entries among a described object's vendor attributes.
fn entries_of(attributes: &ObjectAttributes) -> Vec<Result<LedgerEntry, String>> {
    attributes
        .vendor_attributes
        .iter()
        .filter(|(name, _)| is_ledger_attribute(name))
        .map(|(name, value)| LedgerEntry::from_attribute(name, value).map_err(|e| e.to_string()))
        .collect()
}

/// Every object of the KMS described, ledger entries included, their reading
/// left to [`ledgered_keys`]: one Locate, then every object described in one
/// message. The ledger pages read the entries with code they fetch meanwhile.
pub async fn describe_every_object(
    client: &KmsClient,
) -> Result<Vec<ObjectAttributes>, RequestError> {
    let ids = objects::list_object_ids(client).await?;
    objects::describe_listed(client, &ids).await
}

/// The described objects that hold entries of their own: the entries a ReKey
/// copied from the previous generation stay with that generation only.
pub fn ledgered_keys(described: Vec<ObjectAttributes>) -> Vec<LedgeredKey> {
    let previous_of = |attributes: &ObjectAttributes| {
        attributes.replaces.as_ref().and_then(|p| {
            described
                .iter()
                .find(|d| &d.unique_identifier == p)
                .map(|d| d.vendor_attributes.clone())
        })
    };
    let mut keys = Vec::new();
    for attributes in &described {
        let mut attributes = attributes.clone();
        if let Some(previous) = previous_of(&attributes) {
            let carried: Vec<String> = carried_copies(&attributes.vendor_attributes, &previous)
                .into_iter()
                .map(str::to_owned)
                .collect();
            attributes
                .vendor_attributes
                .retain(|(name, _)| !carried.contains(name));
        }
        let entries = entries_of(&attributes);
        let azure = copies_of(&attributes);
        let google = copies_of(&attributes);
        let holds = !entries.is_empty() || !azure.is_empty() || !google.is_empty();
        if holds || attributes.replaces.is_some() {
            keys.push(LedgeredKey {
                attributes,
                entries,
                azure,
                google,
            });
        }
    }
    keys
}

/// Records on the exported key the AWS copy its wrapped export is for, as
/// the user `/me` names (asked first; the entry says who recorded it).
pub async fn record_export(
    client: &KmsClient,
    wrapped: &WrappedKeyMaterial,
    now: OffsetDateTime,
    random: [u8; 6],
) -> Result<LedgerEntry, RecordError> {
    let by = acting_user(client)
        .await
        .map_err(RecordError::UserUnknown)?;
    record_export_by(client, wrapped, &by, now, random).await
}

/// [`record_export`] as `by`, already asked of `/me` by the caller.
pub async fn record_export_by(
    client: &KmsClient,
    wrapped: &WrappedKeyMaterial,
    by: &UserId,
    now: OffsetDateTime,
    random: [u8; 6],
) -> Result<LedgerEntry, RecordError> {
    let entry = LedgerEntry::exported(
        new_entry_id(now, random),
        wrapped.key_arn.clone(),
        AwsKeySpec::parse(&wrapped.material.aws_spec()).unwrap_or(AwsKeySpec::SymmetricDefault),
        ExportRecord {
            kek_id: wrapped.kek_id.clone(),
            kek_sha256: wrapped.kek_sha256.clone().unwrap_or_default(),
            wrapping_algorithm: wrapped.algorithm,
            material_sha256: sha256_hex(&wrapped.blob),
        },
        None,
        now,
        by,
    );
    record_vendor_attribute(
        client,
        &wrapped.key_id,
        &entry.attribute_name(),
        &entry.to_attribute_value(),
    )
    .await
    .map_err(|e| e.by(by))?;
    Ok(entry)
}

/// Entry `entry_id` of `key_id` as the KMS holds it now.
pub async fn entry_by_id(
    client: &KmsClient,
    key_id: &str,
    entry_id: &str,
) -> Result<LedgerEntry, String> {
    let name = attribute_name(entry_id);
    let value = read_named(client, key_id, &name)
        .await
        .map_err(|e| format!("The entry could not be read again: {e}"))?
        .ok_or_else(|| {
            format!(
                "The entry {entry_id} is no longer on {key_id} (another client removed it, or the key is gone): nothing was recorded. Read the ledger again."
            )
        })?;
    LedgerEntry::from_attribute(&name, &value).map_err(|e| e.to_string())
}

/// `shown` as the KMS holds it now, read back by its attribute name.
pub async fn current_entry(
    client: &KmsClient,
    key_id: &str,
    shown: &LedgerEntry,
) -> Result<LedgerEntry, String> {
    entry_by_id(client, key_id, &shown.id).await
}

/// Writes back an entry that changed (command options, confirmations, proofs).
pub async fn save_entry(
    client: &KmsClient,
    key_id: &str,
    entry: &LedgerEntry,
) -> Result<(), RecordError> {
    update_vendor_attribute(
        client,
        key_id,
        &entry.attribute_name(),
        &entry.to_attribute_value(),
    )
    .await
}

/// Records on `key_id` the cloud copy `made` gives for the user `/me` names (asked first).
async fn record_new_copy<C: CloudCopy>(
    client: &KmsClient,
    key_id: &str,
    made: impl FnOnce(&UserId) -> C,
) -> Result<C, RecordError> {
    let by = acting_user(client)
        .await
        .map_err(RecordError::UserUnknown)?;
    let copy = made(&by);
    record_vendor_attribute(client, key_id, &copy.stored_name(), &copy.stored_value())
        .await
        .map_err(|e| e.by(&by))?;
    Ok(copy)
}

/// Records on the exported key the Azure copy a `.byok` is for; the key's name in Azure
/// comes later (the command copied, or Azure's output).
pub async fn record_azure_export(
    client: &KmsClient,
    byok: &AzureByok,
    now: OffsetDateTime,
    random: [u8; 6],
) -> Result<AzureCopy, RecordError> {
    record_new_copy(client, &byok.key_id, |by| {
        AzureCopy::exported(
            new_entry_id(now, random),
            byok.key_type,
            AzureExport {
                kek_id: byok.kek_id.clone(),
                kek_kid: byok.kid.clone(),
                kek_sha256: byok.kek_sha256.clone(),
                byok_sha256: byok.sha256.clone(),
                preserved: Default::default(),
            },
            now,
            by,
        )
    })
    .await
}

/// Records on the exported key the Google Cloud copy a wrapped key is for; the key and
/// version come later (the command copied, or gcloud's output).
pub async fn record_google_export(
    client: &KmsClient,
    wrapped: &GoogleWrapped,
    now: OffsetDateTime,
    random: [u8; 6],
) -> Result<GoogleCopy, RecordError> {
    record_new_copy(client, &wrapped.key_id, |by| {
        GoogleCopy::exported(
            new_entry_id(now, random),
            wrapped.algorithm,
            wrapped.job.protection_level.clone(),
            GoogleExport {
                kek_id: wrapped.kek_id.clone(),
                import_job: wrapped.job.name.clone(),
                kek_sha256: wrapped.kek_sha256.clone(),
                wrapped_sha256: wrapped.sha256.clone(),
                preserved: Default::default(),
            },
            now,
            by,
        )
    })
    .await
}

/// Cloud copy `id` of `key_id` as the KMS holds it now.
pub async fn copy_by_id<C: CloudCopy>(
    client: &KmsClient,
    key_id: &str,
    id: &str,
) -> Result<C, String> {
    let kind = C::CLOUD.name();
    let name = C::stored_name_of(id);
    let value = read_named(client, key_id, &name)
        .await
        .map_err(|e| format!("The {kind} copy could not be read again: {e}"))?
        .ok_or_else(|| {
            format!(
                "The {kind} copy {id} is no longer on {key_id} (another client removed it, or the key is gone): nothing was recorded. Read the ledger again."
            )
        })?;
    C::read_stored(&name, &value)
}

/// Writes back a cloud copy that changed (command options, confirmations).
pub async fn save_copy<C: CloudCopy>(
    client: &KmsClient,
    key_id: &str,
    copy: &C,
) -> Result<(), RecordError> {
    update_vendor_attribute(client, key_id, &copy.stored_name(), &copy.stored_value()).await
}

/// Re-reads `shown` from the KMS, applies `change` to it as `by` (who a write refusal
/// names) and writes it back: what another client recorded since is kept.
pub async fn change_copy<C: CloudCopy>(
    client: &KmsClient,
    key_id: &str,
    shown: &C,
    by: Option<&UserId>,
    change: impl FnOnce(&mut C) -> Result<(), String>,
) -> Result<C, String> {
    let mut copy = copy_by_id::<C>(client, key_id, shown.id()).await?;
    change(&mut copy)?;
    save_copy(client, key_id, &copy)
        .await
        .map_err(|e| match by {
            Some(by) => e.by(by).to_string(),
            None => e.to_string(),
        })?;
    Ok(copy)
}
