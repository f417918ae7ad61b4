//! The ledger's use cases for a cloud's own copy (Azure, Google Cloud): the import command's
//! options recorded, and a pasted CLI output checked to be about the copy, then recorded.
//!
//! Each change is applied to the copy read again from the KMS just before it is written,
//! so what another tab or client recorded since the page read it is kept.

use time::OffsetDateTime;

use crate::actions::copies::change_copy;
use crate::actions::vendor_store::acting_user_or_say;
use crate::client::KmsClient;
use crate::domain::account::UserId;
use crate::domain::ledger::CloudCopy;

/// Records the options of the import command the user copied.
pub async fn record_command<C: CloudCopy>(
    client: &KmsClient,
    key_id: &str,
    shown: &C,
    command: C::Command,
) -> Result<C, String> {
    change_copy(client, key_id, shown, None, |copy| {
        copy.record_command(command);
        Ok(())
    })
    .await
}

/// Checks the cloud's pasted JSON against the copy as the KMS holds it now and records
/// the confirmation; another key's output is refused with the reason, nothing written.
pub async fn apply_output<C: CloudCopy>(
    client: &KmsClient,
    key_id: &str,
    shown: &C,
    text: &str,
    now: OffsetDateTime,
) -> Result<(C, UserId), String> {
    let output = C::read_output(text)?;
    // Checked first on the copy as shown, so a wrong paste costs no request.
    shown.check_about(&output)?;
    let by = acting_user_or_say(client).await?;
    let confirm = |copy: &mut C| copy.record_output(&output, now, &by);
    let copy = change_copy(client, key_id, shown, Some(&by), confirm).await?;
    Ok((copy, by))
}
