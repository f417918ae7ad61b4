//! Cleaning up old wrapping keys: every cloud's stored wrapping keys listed with the runbooks
//! that still need some and the rights shared with this user, then the selected ones revoked
//! and destroyed, [`CLEANUP_BATCH`] keys per KMIP message, progress reported after each.

use time::OffsetDateTime;

use super::objects::{self, LOCATE_CAP, list_tagged};
use crate::client::{KmsClient, RequestError};
use crate::domain::aws::kek_tags::AWS_TAG;
use crate::domain::aws::runbook::{Runbook, is_runbook_attribute};
use crate::domain::azure::kek_tags::AZURE_TAG;
use crate::domain::google::kek_tags::GOOGLE_TAG;
use crate::domain::wrapping_key_cleanup::{
    CLEANUP_BATCH, CleanupPlan, CleanupReport, CleanupTarget, KeyOutcome,
};
use crate::kmip::{self, LocateRequest, ObjectAttributes, ObjectType};

/// The wrapping keys of every cloud (one Locate per cloud tag, each described in one
/// message), the runbooks on the KMS keys (one Locate per key type that can hold one, each
/// described in one message) and `/access/obtained` (when it cannot be read, the KMS decides
/// at the Destroy), as the clean-up's plan at `now`.
pub async fn list_wrapping_keys(
    client: &KmsClient,
    now: OffsetDateTime,
) -> Result<CleanupPlan, RequestError> {
    let mut keks = Vec::new();
    for tag in [AWS_TAG, GOOGLE_TAG, AZURE_TAG] {
        for kek in list_tagged(client, tag).await?.objects {
            if !keks
                .iter()
                .any(|k: &ObjectAttributes| k.unique_identifier == kek.unique_identifier)
            {
                keks.push(kek);
            }
        }
    }
    let (runbooks, all_read) = stored_runbooks(client).await?;
    let shared = client.shared_with_me().await.unwrap_or_default();
    Ok(CleanupPlan::new(&keks, &runbooks, all_read, &shared, now))
}

/// The runbooks stored on symmetric and private keys (where runbooks live), each read on the
/// key it is about (a ReKey's copy on the next generation is left out), and whether every
/// such key was listed (a Locate lists at most [`LOCATE_CAP`]).
async fn stored_runbooks(client: &KmsClient) -> Result<(Vec<Runbook>, bool), RequestError> {
    let mut runbooks = Vec::new();
    let mut all_read = true;
    for object_type in [ObjectType::SymmetricKey, ObjectType::PrivateKey] {
        let reply = client
            .kmip(&kmip::locate(&LocateRequest {
                object_type: Some(object_type),
                ..Default::default()
            }))
            .await?;
        let ids = kmip::parse_locate(&reply)?;
        all_read &= ids.len() < LOCATE_CAP;
        for key in objects::describe_listed(client, &ids).await? {
            runbooks.extend(
                key.vendor_attributes
                    .iter()
                    .filter(|(name, _)| is_runbook_attribute(name))
                    .filter_map(|(name, value)| Runbook::from_attribute(name, value).ok())
                    .filter(|runbook| runbook.source_key_id == key.unique_identifier),
            );
        }
    }
    Ok((runbooks, all_read))
}

/// Revokes (unless already revoked) and destroys `targets`, [`CLEANUP_BATCH`] keys per
/// message, calling `progress` after each message (and when stopped). A message without an
/// answer stops the clean-up: what it and the rest hold is for the next listing to say.
pub async fn clean_up(
    client: &KmsClient,
    targets: &[CleanupTarget],
    progress: impl Fn(&CleanupReport),
) -> CleanupReport {
    let mut report = CleanupReport {
        selected: targets.len(),
        ..Default::default()
    };
    for batch in targets.chunks(CLEANUP_BATCH) {
        let mut operations = Vec::with_capacity(batch.len() * 2);
        for target in batch {
            if target.revoke {
                operations.push(kmip::revoke(&target.id));
            }
            operations.push(kmip::destroy_and_remove(&target.id));
        }
        report.requests += 1;
        let items = match client.kmip_batch(&operations).await {
            Ok(items) => items,
            Err(e) => {
                report.stopped = Some(e.to_string());
                progress(&report);
                break;
            }
        };
        let mut items = items
            .into_iter()
            .map(|item| item.map(drop).map_err(|e| e.to_string()));
        for target in batch {
            let revoke = if target.revoke { items.next() } else { None };
            let destroy = items
                .next()
                .unwrap_or_else(|| Err("no answer for its Destroy".to_owned()));
            objects::forget(client, &target.id);
            report
                .outcomes
                .push((target.id.clone(), KeyOutcome::of(revoke, destroy)));
        }
        progress(&report);
    }
    report
}
