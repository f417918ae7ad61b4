//! The Azure copies' use cases in the ledger: the import command's options recorded, and a
//! pasted `az keyvault key import`/`show` output checked to be about the copy, then recorded.
//!
//! Each change is applied to the copy read again from the KMS just before it is written,
//! so what another tab or client recorded since the page read it is kept.

use time::OffsetDateTime;

use crate::actions::copies::{azure_copy_by_id, save_azure_copy};
use crate::actions::vendor_store::acting_user_or_say;
use crate::client::KmsClient;
use crate::domain::account::UserId;
use crate::domain::azure::outputs::read_key_output;
use crate::domain::ledger::azure::{AzureCommand, AzureCopy};

/// Records the options of the `az keyvault key import` command the user copied.
pub async fn record_azure_command(
    client: &KmsClient,
    key_id: &str,
    shown: &AzureCopy,
    command: AzureCommand,
) -> Result<AzureCopy, String> {
    let mut copy = azure_copy_by_id(client, key_id, &shown.id).await?;
    copy.set_command(command);
    save_azure_copy(client, key_id, &copy)
        .await
        .map_err(|e| e.to_string())?;
    Ok(copy)
}

/// Checks Azure's pasted JSON against the copy as the KMS holds it now and records
/// the confirmation; another key's output is refused with the reason, nothing written.
pub async fn apply_azure_output(
    client: &KmsClient,
    key_id: &str,
    shown: &AzureCopy,
    text: &str,
    now: OffsetDateTime,
) -> Result<(AzureCopy, UserId), String> {
    let output = read_key_output(text)?;
    // Checked first on the copy as shown, so a wrong paste costs no request.
    shown.check_output(&output)?;
    let by = acting_user_or_say(client).await?;
    let mut copy = azure_copy_by_id(client, key_id, &shown.id).await?;
    copy.confirm(&output, now, &by)?;
    save_azure_copy(client, key_id, &copy)
        .await
        .map_err(|e| e.by(&by).to_string())?;
    Ok((copy, by))
}
