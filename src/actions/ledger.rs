//! The BYOK ledger page's use cases: copies registered from outside, entries
//! completed and checked against what AWS prints (the entries' store is `copies`).

use time::OffsetDateTime;

use crate::actions::copies::{current_entry, save_entry};
use crate::actions::objects;
use crate::actions::sameness::{PublicKeyCheck, compute_mac, kms_public_key_check};
use crate::actions::vendor_store::{acting_user_or_say, record_vendor_attribute};
use crate::client::KmsClient;
use crate::domain::account::UserId;
use crate::domain::aws::import_command::ImportCommand;
use crate::domain::aws::last_usage::UsageReading;
use crate::domain::aws::outputs::{
    AwsOutput, DescribeKeyOutput, KeyMaterialListing, KeyRotationsOutput, MacOutput,
    PublicKeyOutput, parse_aws_output,
};
use crate::domain::cloud::Cloud;
use crate::domain::ledger::{
    CommandOptions, Discrepancy, EventKind, KeyPairKind, LedgerEntry, Proof, Sameness,
    check_about_this_copy, check_public_key_output, confirm, new_entry_id, prove_mac,
    prove_public_key, public_key_proof, reconcile, register_from_describe_key,
};

/// Registers on `key_id` a copy made outside this app, from AWS's
/// describe-key output, as the user `/me` names (asked first).
pub async fn register_copy(
    client: &KmsClient,
    key_id: &str,
    describe: &DescribeKeyOutput,
    now: OffsetDateTime,
    random: [u8; 6],
) -> Result<LedgerEntry, String> {
    let by = acting_user_or_say(client).await?;
    let entry = register_from_describe_key(new_entry_id(now, random), describe, now, &by)?;
    record_vendor_attribute(
        client,
        key_id,
        &entry.attribute_name(),
        &entry.to_attribute_value(),
    )
    .await
    .map_err(|e| e.by(&by).to_string())?;
    Ok(entry)
}

/// Records the options of the import command the user copied on the entry
/// as it is now (an ARN given only in the command fills in a missing one).
pub async fn record_command_options(
    client: &KmsClient,
    key_id: &str,
    shown: &LedgerEntry,
    command: &ImportCommand,
) -> Result<LedgerEntry, String> {
    let mut entry = current_entry(client, key_id, shown).await?;
    entry.command = Some(CommandOptions::from_command(command));
    if entry.aws_key_arn.is_none() {
        entry.aws_key_arn = command.key_arn.clone();
    }
    save_entry(client, key_id, &entry)
        .await
        .map_err(|e| e.to_string())?;
    Ok(entry)
}

/// What applying a pasted AWS output did.
#[derive(Clone, Debug, PartialEq)]
pub struct Applied {
    /// The entry as written back (`None`: nothing to write, e.g. a reconciliation).
    pub saved: Option<LedgerEntry>,
    /// What disagreed, each with what to do (also recorded in the entry).
    pub discrepancies: Vec<Discrepancy>,
    /// Plain-words lines for the page (confirmations, proofs, reconciliation).
    pub lines: Vec<String>,
    /// Who the saved events are recorded by (`None`: nothing saved).
    pub by: Option<UserId>,
}

/// Applies a pasted AWS CLI output to `entry` on `key_id`: import-key-material
/// and describe-key confirm it, generate-mac is checked against the KMS's
/// MAC of `challenge`, get-public-key by the KMS with `challenge` (signed by
/// the key and verified with AWS's public key, or encrypted with AWS's public
/// key and decrypted by the key: see [`kms_public_key_check`]), list-key-rotations
/// is reconciled with `siblings` (every entry of that KMS key). Bad pastes, and
/// outputs that are not about this copy (another AWS key, Region or account:
/// [`check_about_this_copy`]), are refused before anything is written; what AWS
/// says against this copy (not Enabled, another expiry, other material) is recorded.
pub async fn apply_aws_output(
    client: &KmsClient,
    key_id: &str,
    entry: &LedgerEntry,
    siblings: &[LedgerEntry],
    text: &str,
    challenge: &[u8],
    now: OffsetDateTime,
) -> Result<Applied, String> {
    let output = parse_aws_output(text, None)?;
    // Applied to the entry as it is now: another tab or client may have
    // recorded something on it (or named its AWS key) since this page read it.
    let entry = &current_entry(client, key_id, entry).await?;
    check_about_this_copy(entry, &output)?;
    let change = match &output {
        AwsOutput::Import(_) | AwsOutput::DescribeKey(_) => {
            confirmed(client, entry, &output, now).await?
        }
        AwsOutput::Mac(mac) => mac_checked(client, key_id, entry, mac, challenge, now).await?,
        AwsOutput::PublicKey(public_key) => {
            public_key_checked(client, key_id, entry, public_key, challenge, now).await?
        }
        AwsOutput::KeyRotations(rotations) => return Ok(reconciled(siblings, rotations)),
        AwsOutput::LastUsage(usage) => last_use_kept(client, entry, &usage.reading, now).await?,
    };
    save_change(client, key_id, change).await
}

/// What a pasted output changes in the entry, before it is written back.
struct Change {
    entry: LedgerEntry,
    discrepancies: Vec<Discrepancy>,
    lines: Vec<String>,
    by: UserId,
}

/// import-key-material or describe-key: the entry confirmed (or its
/// discrepancies recorded), as the user `/me` names.
async fn confirmed(
    client: &KmsClient,
    entry: &LedgerEntry,
    output: &AwsOutput,
    now: OffsetDateTime,
) -> Result<Change, String> {
    let by = acting_user_or_say(client).await?;
    let confirmation = confirm(entry, output, now, &by)?;
    let mut lines = confirmation.notes;
    if confirmation.discrepancies.is_empty() {
        lines.insert(
            0,
            format!("AWS's {} output agrees with this entry.", output.command()),
        );
    }
    Ok(Change {
        entry: confirmation.entry,
        discrepancies: confirmation.discrepancies,
        lines,
        by,
    })
}

/// get-key-last-usage: kept as the copy's last use, as the user `/me` names.
async fn last_use_kept(
    client: &KmsClient,
    entry: &LedgerEntry,
    reading: &UsageReading,
    now: OffsetDateTime,
) -> Result<Change, String> {
    let by = acting_user_or_say(client).await?;
    let mut updated = entry.clone();
    updated.record_by(EventKind::last_used(reading), now, &by);
    Ok(Change {
        entry: updated,
        discrepancies: Vec::new(),
        lines: vec![reading.describe()],
        by,
    })
}

/// generate-mac: AWS's MAC compared with the KMS's MAC of `challenge`.
async fn mac_checked(
    client: &KmsClient,
    key_id: &str,
    entry: &LedgerEntry,
    mac: &MacOutput,
    challenge: &[u8],
    now: OffsetDateTime,
) -> Result<Change, String> {
    let kms_mac = compute_mac(client, key_id, challenge)
        .await
        .map_err(|e| format!("The KMS could not compute the MAC: {e}"))?;
    let by = acting_user_or_say(client).await?;
    let (updated, verdict) = prove_mac(entry, mac, &kms_mac, now, &by)?;
    Ok(Change {
        entry: updated,
        discrepancies: Vec::new(),
        lines: vec![verdict_line(&verdict, Proof::Mac)],
        by,
    })
}

/// get-public-key: plainly other material (another key spec, algorithm or
/// curve), or else the KMS's check with `challenge` (and, when its temporary
/// key could not be removed, a line saying so).
async fn public_key_checked(
    client: &KmsClient,
    key_id: &str,
    entry: &LedgerEntry,
    public_key: &PublicKeyOutput,
    challenge: &[u8],
    now: OffsetDateTime,
) -> Result<Change, String> {
    let (verdict, removal) = match check_public_key_output(entry, public_key)? {
        Some(known) => (known, None),
        None => {
            let attributes = objects::describe(client, key_id)
                .await
                .map_err(|e| format!("The KMS key could not be read: {e}"))?;
            let kind = KeyPairKind::of_aws(entry.key_spec)?;
            let method = public_key_proof(kind, attributes.usage_mask, Cloud::Aws)?;
            let check = PublicKeyCheck {
                cloud: Cloud::Aws,
                method,
                spki_der: &public_key.public_key_der,
            };
            kms_public_key_check(client, key_id, &check, challenge, now).await?
        }
    };
    let by = acting_user_or_say(client).await?;
    let (updated, verdict) = prove_public_key(entry, public_key, verdict, now, &by)?;
    let mut lines = vec![verdict_line(&verdict, Proof::PublicKey)];
    lines.extend(removal);
    Ok(Change {
        entry: updated,
        discrepancies: Vec::new(),
        lines,
        by,
    })
}

/// The page's line for a proof's verdict.
fn verdict_line(verdict: &Sameness, proof: Proof) -> String {
    match verdict {
        Sameness::Same => proof.describe().to_owned(),
        Sameness::Different(why) => format!("Not the same material: {why}"),
    }
}

/// list-key-rotations: AWS's materials set beside `siblings`; nothing is written.
fn reconciled(siblings: &[LedgerEntry], rotations: &KeyRotationsOutput) -> Applied {
    let r = reconcile(siblings, rotations);
    let mut lines = vec![format!(
        "AWS lists {} material(s) of this key; {} match entries of this KMS key.",
        rotations.rotations.len(),
        r.matched.len()
    )];
    let groups = [
        joined(ids(&r.unknown_to_ledger)).map(|list| {
            format!(
                "Unknown to the ledger: {list} (made outside this app or recorded on another KMS key: register them)."
            )
        }),
        joined(ids(&r.pending_rotation))
            .map(|list| format!("Pending rotation: {list} (imported, not rotated in yet).")),
        joined(ids(&r.awaiting_import)).map(|list| {
            format!(
                "Awaiting import: {list} (expired or deleted: the key stays PendingImport until the same material is imported again)."
            )
        }),
        joined(r.not_listed_by_aws).map(|list| format!("Entries AWS does not list: {list}.")),
    ];
    lines.extend(groups.into_iter().flatten());
    if r.truncated {
        lines.push(
            "AWS listed only part of the materials: run the command without --max-items."
                .to_owned(),
        );
    }
    Applied {
        saved: None,
        discrepancies: Vec::new(),
        lines,
        by: None,
    }
}

/// The materials' ids (`(no id)` where AWS gave none).
fn ids(list: &[KeyMaterialListing]) -> Vec<String> {
    list.iter()
        .map(|m| {
            m.key_material_id
                .clone()
                .unwrap_or_else(|| "(no id)".to_owned())
        })
        .collect()
}

/// `names` comma-separated; `None` when there are none.
fn joined(names: Vec<String>) -> Option<String> {
    (!names.is_empty()).then(|| names.join(", "))
}

/// Writes the changed entry back and says what was done.
async fn save_change(client: &KmsClient, key_id: &str, change: Change) -> Result<Applied, String> {
    save_entry(client, key_id, &change.entry)
        .await
        .map_err(|e| format!("{e} Nothing else changed."))?;
    Ok(Applied {
        by: Some(change.by),
        saved: Some(change.entry),
        discrepancies: change.discrepancies,
        lines: change.lines,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::aws::outputs::parse_key_rotations;

    fn rotations() -> KeyRotationsOutput {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/aws/list-key-rotations.json"
        );
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        parse_key_rotations(&text).unwrap()
    }

    #[test]
    fn a_reconciliation_says_each_group_it_found_and_writes_nothing() {
        let applied = reconciled(&[], &rotations());
        assert_eq!(applied.saved, None);
        assert_eq!(applied.by, None);
        assert!(applied.discrepancies.is_empty());
        let lines = &applied.lines;
        assert_eq!(
            lines[0],
            "AWS lists 3 material(s) of this key; 0 match entries of this KMS key."
        );
        assert!(
            lines[1].starts_with("Unknown to the ledger: cf7e3a5b"),
            "{lines:?}"
        );
        assert_eq!(
            lines[2],
            "Pending rotation: 9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d (imported, not rotated in yet)."
        );
        assert_eq!(lines.len(), 3, "{lines:?}");
    }

    #[test]
    fn ids_name_a_material_without_one_and_nothing_joins_to_none() {
        let mut listing = rotations().rotations.remove(0);
        listing.key_material_id = None;
        assert_eq!(ids(&[listing]), ["(no id)"]);
        assert_eq!(joined(Vec::new()), None);
        assert_eq!(
            joined(vec!["a".into(), "b".into()]).as_deref(),
            Some("a, b")
        );
    }
}
