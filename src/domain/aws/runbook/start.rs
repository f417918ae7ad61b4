//! Starting a runbook: the start form checked as AWS would check it (Regions,
//! multi-Region keys, 25 on-demand rotations, alias, description, expiry).

use std::collections::BTreeMap;

use time::OffsetDateTime;

use super::{MAX_ON_DEMAND_ROTATIONS, RegionProgress, Runbook, RunbookKind, is_multi_region};
use crate::domain::aws::arn::AwsKeyArn;
use crate::domain::aws::cli as aws_cli;
use crate::domain::aws::import_command::{Expiration, check_valid_to, parse_date};
use crate::domain::aws::key_spec::AwsKeySpec;
use crate::domain::aws::outputs::{
    KeyMaterialState, KeyRotationsOutput, another_account_words, arn_key_id, parse_key_rotations,
};
use crate::domain::stored::whole_seconds;

/// What the start form gives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunbookStart {
    pub kind: RunbookKind,
    pub key_spec: AwsKeySpec,
    pub source_key_id: String,
    pub source_entry_id: Option<String>,
    pub key_arn: AwsKeyArn,
    /// Replica Regions, comma or space separated, as typed.
    pub replica_regions: String,
    pub description: String,
    /// `YYYY-MM-DD`, empty: does not expire.
    pub valid_to: String,
    pub alias: String,
    pub rotations_before: u32,
    /// Replicas plan: the primary's `KeyMaterialId`, known from the ledger entry.
    pub primary_key_material_id: Option<String>,
    /// AWS's list-key-rotations output, optional: when given, it says how many
    /// on-demand rotations AWS made (instead of the ledger's count).
    pub listing: String,
}

/// Checks the start form; every refusal says what to change. Who starts it
/// is set when it is stored (`started_by`): the form is checked before that.
pub fn start(input: &RunbookStart, id: String, now: OffsetDateTime) -> Result<Runbook, String> {
    let primary = input.key_arn.region().to_owned();
    let mut regions = vec![RegionProgress::new(&primary)];
    for region in input
        .replica_regions
        .split([',', ' ', '\n'])
        .map(str::trim)
        .filter(|r| !r.is_empty())
    {
        aws_cli::check_region(region)?;
        if regions.iter().any(|r| r.region == region) {
            return Err(format!(
                "{region} is listed twice or is the primary's Region: list each replica Region once."
            ));
        }
        regions.push(RegionProgress::new(region));
    }
    if regions.len() > 1 && !is_multi_region(&input.key_arn) {
        return Err(format!(
            "{} is a single-Region key (its id does not start with mrk-): AWS replicates only multi-Region keys. Leave the replica Regions empty, or use a key created with --multi-region.",
            input.key_arn
        ));
    }
    let mut rotations_before = input.rotations_before;
    match input.kind {
        RunbookKind::Rotation => {
            if !input.listing.trim().is_empty() {
                let listing = parse_key_rotations(&input.listing)?;
                rotations_before = rotations_from_listing(&listing, &input.key_arn)?;
            }
            if input.key_spec != AwsKeySpec::SymmetricDefault {
                return Err(format!(
                    "{} keys never change material in AWS: rotate them with a new AWS key and the alias instead.",
                    input.key_spec.aws_name()
                ));
            }
            if rotations_before >= MAX_ON_DEMAND_ROTATIONS {
                return Err(format!(
                    "This AWS key has had {rotations_before} on-demand rotations, AWS's limit is {MAX_ON_DEMAND_ROTATIONS}: a 26th is refused. Rotate by a new AWS key and moving the alias instead."
                ));
            }
        }
        RunbookKind::Replicas => {
            if regions.len() < 2 {
                return Err("List at least one replica Region (e.g. us-east-1).".to_owned());
            }
            if input.key_spec == AwsKeySpec::SymmetricDefault
                && input.primary_key_material_id.is_none()
            {
                return Err("The primary's KeyMaterialId is not known yet: replicas import with it. Paste the primary's import-key-material or describe-key output on the ledger first.".to_owned());
            }
            regions[0].key_material_id =
                Some(input.primary_key_material_id.clone().unwrap_or_default());
        }
        RunbookKind::NewKey => {
            let alias = input.alias.trim();
            if !alias.is_empty() {
                check_alias(alias)?;
            }
        }
    }
    let description = input.description.trim();
    if description.len() > 256
        || !description
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || " :/_.-".contains(c))
    {
        return Err("The key material description takes up to 256 letters, digits, spaces and : / _ . - only.".to_owned());
    }
    let expiration = match input.valid_to.trim() {
        "" => Expiration::DoesNotExpire,
        text => {
            let date = parse_date(text).ok_or_else(|| {
                format!("\"{text}\" is not a date: write it as YYYY-MM-DD, or leave it empty for material that does not expire.")
            })?;
            check_valid_to(date, now)?;
            Expiration::ExpiresOn(date)
        }
    };
    Ok(Runbook {
        id,
        kind: input.kind,
        key_spec: input.key_spec,
        source_key_id: input.source_key_id.clone(),
        source_entry_id: input.source_entry_id.clone(),
        new_key_id: (input.kind == RunbookKind::Replicas).then(|| input.source_key_id.clone()),
        key_arn: input.key_arn.clone(),
        new_key_arn: None,
        alias: Some(input.alias.trim().to_owned()).filter(|a| !a.is_empty()),
        description: Some(description.to_owned()).filter(|d| !d.is_empty()),
        expiration,
        rotations_before,
        regions,
        rotated: false,
        finished: false,
        started_at: whole_seconds(now),
        started_by: None,
        done_by: BTreeMap::new(),
        preserved: BTreeMap::new(),
    })
}

fn check_alias(alias: &str) -> Result<(), String> {
    let name = alias.strip_prefix("alias/").ok_or_else(|| {
        format!("\"{alias}\" is not an alias name: it starts with alias/, e.g. alias/payments.")
    })?;
    if name.is_empty()
        || name.len() > 250
        || name.starts_with("aws/")
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/_-".contains(c))
    {
        return Err(format!(
            "\"{alias}\" is not an alias AWS accepts: after alias/ use letters, digits, / _ - (not aws/, which AWS reserves)."
        ));
    }
    Ok(())
}

/// The on-demand rotations AWS made on `arn`, from its list-key-rotations
/// output; refused when the listing is of another key or cut short, or when a
/// material already waits to be rotated in (AWS takes one pending at a time).
pub fn rotations_from_listing(
    listing: &KeyRotationsOutput,
    arn: &AwsKeyArn,
) -> Result<u32, String> {
    let key_id = arn_key_id(arn);
    if let Some(other) = listing
        .rotations
        .iter()
        .filter_map(|r| r.key.as_ref())
        .find(|k| k.key_id() != key_id)
    {
        return Err(format!(
            "This list-key-rotations output is about {other}{}, not {arn}: run it for this key.",
            another_account_words(other.arn(), arn)
        ));
    }
    if listing.truncated {
        return Err("This listing is cut short (Truncated, or a NextToken): run list-key-rotations without --max-items so every material is counted.".to_owned());
    }
    if let Some(pending) = listing.rotations.iter().find(|r| {
        r.key_material_state
            .as_ref()
            .is_some_and(KeyMaterialState::is_pending_rotation)
    }) {
        let id = pending
            .key_material_id
            .as_deref()
            .unwrap_or("(no id printed)");
        let state = pending
            .key_material_state
            .as_ref()
            .map_or("", KeyMaterialState::aws_name);
        return Err(format!(
            "AWS already holds material {id} waiting to be rotated in ({state}): AWS takes one pending material at a time. Finish that rotation (every replica imports it, then rotate-key-on-demand) or delete it (aws kms delete-imported-key-material --key-material-id {id}) before starting another."
        ));
    }
    let on_demand = listing
        .rotations
        .iter()
        .filter(|r| r.rotation_type.as_deref() == Some("ON_DEMAND"))
        .count();
    Ok(u32::try_from(on_demand).unwrap_or(u32::MAX))
}

/// The on-demand rotations already made on one AWS key, as far as the ledger
/// knows: distinct confirmed `KeyMaterialId`s of its copies, minus the first.
pub fn rotations_so_far<'a>(key_material_ids: impl IntoIterator<Item = &'a str>) -> u32 {
    let distinct: std::collections::BTreeSet<&str> = key_material_ids.into_iter().collect();
    u32::try_from(distinct.len().saturating_sub(1)).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::super::fixtures::*;
    use super::*;

    #[test]
    fn a_26th_rotation_is_refused_at_the_start_and_at_the_rotate_step() {
        let mut start_input = input(RunbookKind::Rotation, SINGLE, "");
        start_input.rotations_before = 25;
        let why = start(&start_input, "r1".into(), NOW).unwrap_err();
        assert!(why.contains("a 26th is refused"), "{why}");
        start_input.rotations_before = 24;
        let mut runbook = start(&start_input, "r1".into(), NOW).unwrap();
        runbook.new_key_id = Some("k2".into());
        import_in(&mut runbook, "us-west-2", NEW_ID);
        assert!(
            runbook
                .steps(NOW)
                .iter()
                .any(|s| s.title.contains("rotation 25 of AWS's 25"))
        );
        runbook.rotations_before = 25;
        let why = runbook.command(&StepId::Rotate, NOW).unwrap_err();
        assert!(why.contains("a 26th is refused"), "{why}");
        assert_eq!(rotations_so_far(["a", "b", "a", "c"]), 2);
        assert_eq!(rotations_so_far([]), 0);
    }

    #[test]
    fn the_start_form_refuses_what_aws_would() {
        let why = start(
            &input(RunbookKind::Rotation, SINGLE, "eu-west-1"),
            "r".into(),
            NOW,
        )
        .unwrap_err();
        assert!(why.contains("single-Region key"), "{why}");
        let why = start(
            &input(RunbookKind::Rotation, MRK, "us-west-2"),
            "r".into(),
            NOW,
        )
        .unwrap_err();
        assert!(why.contains("listed twice or is the primary"), "{why}");
        let why = start(
            &input(RunbookKind::Rotation, MRK, "EU-WEST-1"),
            "r".into(),
            NOW,
        )
        .unwrap_err();
        assert!(why.contains("not an AWS region name"), "{why}");
        let why = start(&input(RunbookKind::Replicas, MRK, ""), "r".into(), NOW).unwrap_err();
        assert!(why.contains("at least one replica"), "{why}");
        let mut hmac = input(RunbookKind::Rotation, SINGLE, "");
        hmac.key_spec = AwsKeySpec::parse("HMAC_256").unwrap();
        let why = start(&hmac, "r".into(), NOW).unwrap_err();
        assert!(why.contains("never change material"), "{why}");
        let mut alias = input(RunbookKind::NewKey, SINGLE, "");
        alias.alias = "payments".into();
        assert!(
            start(&alias, "r".into(), NOW)
                .unwrap_err()
                .contains("starts with alias/")
        );
        alias.alias = "alias/aws/s3".into();
        assert!(
            start(&alias, "r".into(), NOW)
                .unwrap_err()
                .contains("reserves")
        );
        let mut description = input(RunbookKind::Rotation, SINGLE, "");
        description.description = "gen 2; rm -rf".into();
        assert!(
            start(&description, "r".into(), NOW)
                .unwrap_err()
                .contains("description")
        );
        assert_eq!(
            RunbookKind::rotation_for(AwsKeySpec::SymmetricDefault),
            RunbookKind::Rotation
        );
        assert_eq!(
            RunbookKind::rotation_for(hmac.key_spec),
            RunbookKind::NewKey
        );
    }

    /// An AWS-shaped fixture (`tests/fixtures/aws/`) about `key_id`.
    fn listing(name: &str, key_id: &str) -> String {
        crate::domain::aws::outputs::tests::fixture(name)
            .replace("1234abcd-12ab-34cd-56ef-1234567890ab", key_id)
            .replace("mrk-1234abcd12ab34cd56ef1234567890ab", key_id)
    }

    #[test]
    fn aws_listing_counts_rotations_and_refuses_a_second_pending_material() {
        let mut form = input(RunbookKind::Rotation, MRK, "");
        let mrk = "mrk-1234abcd12ab34cd56ef1234567890ab";
        // LocalStack cannot produce this: new material waiting for the replicas.
        form.listing = listing("list-key-rotations-multi-region-pending.json", mrk);
        let why = start(&form, "r".into(), NOW).unwrap_err();
        assert!(
            why.contains("PENDING_MULTI_REGION_IMPORT_AND_ROTATION"),
            "{why}"
        );
        assert!(
            why.contains("delete-imported-key-material --key-material-id 9e8d7c6b"),
            "{why}"
        );
        form.listing = listing("list-key-rotations.json", mrk);
        let why = start(&form, "r".into(), NOW).unwrap_err();
        assert!(why.contains("(PENDING_ROTATION)"), "{why}");
        // Without the pending material: one ON_DEMAND rotation counted.
        let mut value: Value = serde_json::from_str(&form.listing).unwrap();
        value["Rotations"].as_array_mut().unwrap().pop();
        form.listing = value.to_string();
        assert_eq!(start(&form, "r".into(), NOW).unwrap().rotations_before, 1);
        // Another key's listing, or a cut-short one, is refused.
        form.listing = listing(
            "list-key-rotations.json",
            "1234abcd-12ab-34cd-56ef-1234567890ab",
        );
        assert!(
            start(&form, "r".into(), NOW)
                .unwrap_err()
                .contains("not arn:aws:kms")
        );
        value["Truncated"] = Value::Bool(true);
        form.listing = value.to_string();
        assert!(
            start(&form, "r".into(), NOW)
                .unwrap_err()
                .contains("cut short")
        );
        // 25 on-demand rotations: a 26th is refused before anything is sent.
        value["Truncated"] = Value::Bool(false);
        let rotation = value["Rotations"][1].clone();
        value["Rotations"] = Value::Array(vec![rotation; 25]);
        form.listing = value.to_string();
        assert!(
            start(&form, "r".into(), NOW)
                .unwrap_err()
                .contains("a 26th is refused")
        );
    }
}
