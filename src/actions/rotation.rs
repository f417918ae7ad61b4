//! Rotation and replica runbooks as use cases: ReKey in the KMS, one wrapping key
//! per Region, the new material exported per Region, every paste written back to the KMS.

use time::OffsetDateTime;

use super::copies::{current_entry, entry_by_id, record_export_by, save_entry};
use super::export::{WrappedKeyMaterial, export_wrapped_key_material};
use super::import_kek::{ImportKekOutcome, ImportKekPlan, import_kek};
use super::objects;
use super::vendor_store::{
    acting_user_or_say, read_named, record_vendor_attribute, update_vendor_attribute,
};
use crate::client::{KmsClient, RequestError};
use crate::domain::account::UserId;
use crate::domain::aws::kek;
use crate::domain::aws::outputs::{
    AwsOutput, DescribeKeyOutput, ImportOutput, KeyRef, parse_aws_output, parse_describe_key,
};
use crate::domain::aws::runbook::{
    Runbook, RunbookKind, RunbookStart, is_runbook_attribute, start,
};
use crate::domain::ledger::{EventKind, LedgerEntry, is_ledger_attribute, new_entry_id};
use crate::kmip::{self, ObjectAttributes, ObjectType};

/// A KMS key with its ledger entries and the runbooks started on it.
#[derive(Clone, Debug, PartialEq)]
pub struct RunbookContext {
    pub key: ObjectAttributes,
    pub entries: Vec<LedgerEntry>,
    /// Runbooks whose source is this key (copies a ReKey carried are left out).
    pub runbooks: Vec<Runbook>,
    /// Runbook attributes that could not be read (left untouched).
    pub unreadable: Vec<String>,
}

/// Reads `key_id`, its entries and its runbooks in one GetAttributes.
pub async fn load(client: &KmsClient, key_id: &str) -> Result<RunbookContext, RequestError> {
    let key = objects::describe(client, key_id).await?;
    let mut entries = Vec::new();
    let mut runbooks = Vec::new();
    let mut unreadable = Vec::new();
    for (name, value) in &key.vendor_attributes {
        if is_ledger_attribute(name) {
            if let Ok(entry) = LedgerEntry::from_attribute(name, value) {
                entries.push(entry);
            }
        } else if is_runbook_attribute(name) {
            match Runbook::from_attribute(name, value) {
                Ok(runbook) if runbook.source_key_id == key_id => runbooks.push(runbook),
                Ok(_) => {}
                Err(why) => unreadable.push(why),
            }
        }
    }
    runbooks.sort_by(|a, b| b.id.cmp(&a.id));
    Ok(RunbookContext {
        key,
        entries,
        runbooks,
        unreadable,
    })
}

/// The runbook as the KMS holds it now (another browser may have moved it on).
pub async fn reread(client: &KmsClient, runbook: &Runbook) -> Result<Runbook, String> {
    let name = runbook.attribute_name();
    let value = read_named(client, &runbook.source_key_id, &name)
        .await
        .map_err(|e| format!("The runbook could not be read again: {e}"))?
        .ok_or_else(|| {
            format!(
                "The runbook {} is no longer on {}: nothing was changed.",
                runbook.id, runbook.source_key_id
            )
        })?;
    Runbook::from_attribute(&name, &value)
}

/// Writes the runbook back, as `by` (named if the KMS refuses the write).
async fn save(client: &KmsClient, runbook: &Runbook, by: &UserId) -> Result<(), String> {
    update_vendor_attribute(
        client,
        &runbook.source_key_id,
        &runbook.attribute_name(),
        &runbook.to_attribute_value(),
    )
    .await
    .map_err(|e| format!("The runbook could not be saved in the KMS: {}", e.by(by)))
}

/// Checks the start form (nothing is sent when it is refused), makes the next
/// generation of the source key (ReKey, or ReKeyKeyPair for a private key;
/// none when the KMS already made one: drift) unless only replicas are added,
/// then stores the runbook on the source key, started by the user `/me`
/// names (asked before anything changes in the KMS).
pub async fn begin(
    client: &KmsClient,
    input: &RunbookStart,
    key: &ObjectAttributes,
    now: OffsetDateTime,
    random: [u8; 6],
) -> Result<Runbook, String> {
    let mut runbook = start(input, new_entry_id(now, random), now)?;
    let by = acting_user_or_say(client).await?;
    runbook.started_by = Some(by.clone());
    if runbook.kind != RunbookKind::Replicas {
        // Drift: the KMS already made the next generation (its own schedule,
        // or another client): AWS gets that one, no further generation is made.
        let new_key_id = match &key.replaced_by {
            Some(newer) => newer.clone(),
            None => re_key(client, key).await?,
        };
        runbook.new_material(&new_key_id, &by);
    }
    record_vendor_attribute(
        client,
        &runbook.source_key_id,
        &runbook.attribute_name(),
        &runbook.to_attribute_value(),
    )
    .await
    .map_err(|e| format!("The runbook could not be stored in the KMS: {}", e.by(&by)))?;
    Ok(runbook)
}

/// Makes the next generation of `key` (ReKey, or ReKeyKeyPair for a private key).
async fn re_key(client: &KmsClient, key: &ObjectAttributes) -> Result<String, String> {
    let id = &key.unique_identifier;
    let made = if key.object_type == Some(ObjectType::PrivateKey) {
        client
            .kmip(&kmip::re_key_key_pair(id))
            .await
            .and_then(|reply| Ok(kmip::parse_re_key_key_pair(&reply)?.private_key_id))
    } else {
        client
            .kmip(&kmip::re_key(id))
            .await
            .and_then(|reply| Ok(kmip::parse_re_key(&reply)?))
    }
    .map_err(|e| format!("The KMS could not make the new key material (ReKey of {id}): {e}"))?;
    objects::forget(client, id);
    Ok(made)
}

/// Applies `region`'s get-parameters-for-import output: checked against the
/// runbook first, then its wrapping key is imported and the token kept.
pub async fn paste_parameters(
    client: &KmsClient,
    runbook: &Runbook,
    region: &str,
    text: &str,
    now: OffsetDateTime,
) -> Result<Runbook, String> {
    let input = kek::parse_text(text)?;
    let parameters = input.parameters.ok_or(
        "Paste the whole JSON output of get-parameters-for-import: the runbook needs its KeyId, ImportToken and ParametersValidTo too.",
    )?;
    let mut runbook = reread(client, runbook).await?;
    runbook.check_parameters(region, &parameters, now)?;
    let by = acting_user_or_say(client).await?;
    let (algorithm, _) = runbook.key_spec.recommended_wrapping();
    let plan = ImportKekPlan::under_stable_id(
        input.key,
        algorithm,
        Some(parameters.key_arn.clone()),
        Some(parameters.valid_to),
    );
    let kek_id = match import_kek(client, &plan)
        .await
        .map_err(|e| format!("Importing {region}'s wrapping key failed: {e}"))?
    {
        ImportKekOutcome::Imported(object) | ImportKekOutcome::AlreadyExists(object) => {
            object.unique_identifier
        }
    };
    runbook.parameters_imported(region, &kek_id, &parameters, &by)?;
    save(client, &runbook, &by).await?;
    Ok(runbook)
}

/// Exports the material for `region` under its wrapping key, records the
/// ledger entry (with the import command's options) and the runbook step,
/// both as the user `/me` names (asked before the export: nothing is
/// exported that could not be recorded as someone's).
pub async fn export_region(
    client: &KmsClient,
    runbook: &Runbook,
    region: &str,
    now: OffsetDateTime,
    random: [u8; 6],
) -> Result<(Runbook, WrappedKeyMaterial), String> {
    let mut runbook = reread(client, runbook).await?;
    runbook.export_check(region, now)?;
    let progress = runbook.region(region)?.clone();
    let (Some(key_id), Some(kek_id)) = (runbook.new_key_id.clone(), progress.kek_id.clone()) else {
        return Err(format!(
            "Paste {region}'s get-parameters-for-import output first."
        ));
    };
    let by = acting_user_or_say(client).await?;
    let mut wrapped = export_wrapped_key_material(client, &key_id, &kek_id)
        .await
        .map_err(|e| format!("Exporting the material for {region} failed: {e}"))?;
    wrapped.key_arn = runbook.arn_in(region);
    let mut entry = record_export_by(client, &wrapped, &by, now, random)
        .await
        .map_err(|e| format!("The export was made but not recorded in the ledger: {e}"))?;
    entry.command = Some(runbook.command_options(region));
    save_entry(client, &key_id, &entry)
        .await
        .map_err(|e| format!("The ledger entry could not be completed: {}", e.by(&by)))?;
    runbook.exported(region, &entry.id, &by)?;
    save(client, &runbook, &by).await?;
    Ok((runbook, wrapped))
}

/// What proves a Region's import: its import-key-material output, or its
/// describe-key once imported.
enum ImportPaste {
    Imported(ImportOutput),
    Described(DescribeKeyOutput),
}

impl ImportPaste {
    fn parse(text: &str, region: &str) -> Result<Self, String> {
        match parse_aws_output(text, None)? {
            AwsOutput::Import(output) => Ok(Self::Imported(output)),
            AwsOutput::DescribeKey(described) => Ok(Self::Described(described)),
            other => Err(format!(
                "This is {}'s output: paste {region}'s import-key-material output (or its describe-key once imported).",
                other.command()
            )),
        }
    }
}

/// Applies `region`'s import-key-material output: checked against the
/// runbook (a replica must report the primary's material), then the Region's
/// ledger entry is bound to the `KeyMaterialId` and the runbook saved.
pub async fn paste_import(
    client: &KmsClient,
    runbook: &Runbook,
    region: &str,
    text: &str,
    now: OffsetDateTime,
) -> Result<Runbook, String> {
    let mut runbook = reread(client, runbook).await?;
    let pasted = ImportPaste::parse(text, region)?;
    let by = acting_user_or_say(client).await?;
    let output = match pasted {
        ImportPaste::Described(described) => {
            runbook.accept_import_described(region, &described, &by)?;
            ImportOutput {
                key: KeyRef::Arn(described.arn),
                key_material_id: described.current_key_material_id.unwrap_or_default(),
            }
        }
        ImportPaste::Imported(output) => {
            runbook.accept_import(region, &output, &by)?;
            output
        }
    };
    if let (Some(key_id), Some(entry_id)) = (&runbook.new_key_id, &runbook.region(region)?.entry_id)
    {
        let mut entry = entry_by_id(client, key_id, entry_id).await?;
        if entry.aws_key_arn.is_none() {
            entry.aws_key_arn = output.key.arn().cloned();
        }
        let id = Some(output.key_material_id.clone()).filter(|id| !id.is_empty());
        entry.key_material_id = id.clone();
        entry.record_by(
            EventKind::ImportConfirmed {
                key_material_id: id,
            },
            now,
            &by,
        );
        save_entry(client, key_id, &entry)
            .await
            .map_err(|e| format!("The ledger entry could not be updated: {}", e.by(&by)))?;
    }
    save(client, &runbook, &by).await?;
    Ok(runbook)
}

/// New key plan: applies create-key's output (the new AWS key's ARN).
pub async fn paste_new_key(
    client: &KmsClient,
    runbook: &Runbook,
    text: &str,
) -> Result<Runbook, String> {
    let mut runbook = reread(client, runbook).await?;
    if runbook.new_key_arn.is_some() {
        return Err("The new AWS key is already recorded: carry on with the next step.".to_owned());
    }
    let by = acting_user_or_say(client).await?;
    runbook.accept_new_key(text, &by)?;
    save(client, &runbook, &by).await?;
    Ok(runbook)
}

/// Applies the final describe-key; when it proves the runbook done, the
/// source key's copies of this AWS key are marked rotated out (rotation) or
/// superseded (new key) in the ledger, never deleted.
pub async fn paste_check(
    client: &KmsClient,
    runbook: &Runbook,
    text: &str,
    now: OffsetDateTime,
) -> Result<Runbook, String> {
    let output = parse_describe_key(text)?;
    let mut runbook = reread(client, runbook).await?;
    let by = acting_user_or_say(client).await?;
    runbook.accept_check(&output, now, &by)?;
    let old_key = crate::domain::aws::outputs::arn_key_id(&runbook.key_arn).to_owned();
    let context = load(client, &runbook.source_key_id)
        .await
        .map_err(|e| format!("The ledger could not be read to mark the old copy: {e}"))?;
    for mut entry in context.entries {
        let same_key = entry
            .aws_key_arn
            .as_ref()
            .is_some_and(|arn| crate::domain::aws::outputs::arn_key_id(arn) == old_key);
        if !same_key {
            continue;
        }
        let event = match runbook.kind {
            RunbookKind::Rotation => EventKind::Rotated {
                new_key_material_id: runbook
                    .primary()
                    .key_material_id
                    .clone()
                    .unwrap_or_default(),
                new_kms_key_id: runbook.new_key_id.clone().unwrap_or_default(),
            },
            RunbookKind::NewKey => EventKind::Superseded {
                by_arn: runbook
                    .new_key_arn
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
            },
            RunbookKind::Replicas => continue,
        };
        entry = current_entry(client, &runbook.source_key_id, &entry).await?;
        entry.record_by(event, now, &by);
        save_entry(client, &runbook.source_key_id, &entry)
            .await
            .map_err(|e| {
                format!(
                    "The old copy's ledger entry could not be marked: {}",
                    e.by(&by)
                )
            })?;
    }
    save(client, &runbook, &by).await?;
    Ok(runbook)
}
