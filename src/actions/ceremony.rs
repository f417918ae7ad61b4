//! A copy's ceremony record read from the KMS: the KMS key's attributes (they hold the
//! ledger entry and every other copy) in one GetAttributes, then its wrapping key's.

use crate::actions::copies::{LedgeredKey, ledgered_keys};
use crate::actions::objects::{self, found};
use crate::client::{KmsClient, RequestError};
use crate::domain::ledger::{LedgerEntry, attribute_name};
use crate::kmip::ObjectAttributes;

/// What a ceremony record is built from, each read once.
#[derive(Clone, Debug, PartialEq)]
pub struct CeremonyRead {
    /// The KMS key with every copy it holds (the ledger's own reading: copies a ReKey
    /// carried from the previous generation stay with that generation).
    pub key: LedgeredKey,
    /// The copy the record is for.
    pub entry: LedgerEntry,
    /// Its wrapping key's attributes and tags (`None`: no longer in the KMS, or a
    /// copy registered from describe-key, which has none).
    pub kek: Option<ObjectAttributes>,
}

/// Reads entry `entry_id` of `key_id` and what its record needs: the key's attributes
/// (the entry among them), then in one message its KEK and, after a ReKey, the previous
/// generation (to leave out the copies it carried). The outer error is the KMS's; the
/// inner one, in words, says the key or entry is not there.
pub async fn read_ceremony(
    client: &KmsClient,
    key_id: &str,
    entry_id: &str,
) -> Result<Result<CeremonyRead, String>, RequestError> {
    let Some(key) = objects::find(client, key_id).await? else {
        return Ok(Err(format!(
            "There is no KMS key {key_id}: it was destroyed, or the link is wrong. Open the record from the BYOK ledger."
        )));
    };
    let name = attribute_name(entry_id);
    let Some((_, value)) = key.vendor_attributes.iter().find(|(n, _)| *n == name) else {
        return Ok(Err(format!(
            "The KMS key {key_id} holds no ledger entry {entry_id} (another client removed it, or the link is wrong). Open the record from the BYOK ledger."
        )));
    };
    let entry = match LedgerEntry::from_attribute(&name, value) {
        Ok(entry) => entry,
        Err(e) => return Ok(Err(e.to_string())),
    };
    let kek_id = entry.export.as_ref().map(|e| e.kek_id.clone());
    let ids: Vec<String> = kek_id.iter().chain(key.replaces.iter()).cloned().collect();
    let mut described = objects::describe_many(client, &ids).await?.into_iter();
    let kek = match kek_id {
        Some(_) => described.next().map(found).transpose()?.flatten(),
        None => None,
    };
    let previous = described.next().map(found).transpose()?.flatten();
    let key = ledgered_keys([Some(key), previous].into_iter().flatten().collect())
        .into_iter()
        .find(|k| k.attributes.unique_identifier == key_id);
    Ok(match key {
        Some(key) => Ok(CeremonyRead { key, entry, kek }),
        None => Err(format!("The KMS key {key_id} holds no ledger entry now.")),
    })
}
