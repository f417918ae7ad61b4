//! list-key-rotations against every ledger entry of one AWS key: one output about
//! many entries, so apart from `confirm.rs`, which applies an output to one entry.

use super::LedgerEntry;
use crate::domain::aws::arn::AwsKeyArn;
use crate::domain::aws::outputs::{KeyMaterialListing, KeyRef, KeyRotationsOutput, arn_key_id};

/// list-key-rotations against the ledger entries of that key.
#[derive(Clone, Debug, PartialEq)]
pub struct Reconciliation {
    /// Entry id and the material AWS lists for it.
    pub matched: Vec<(String, KeyMaterialListing)>,
    /// Materials AWS holds that no entry knows: made outside this app, or
    /// recorded on another KMS key (register them).
    pub unknown_to_ledger: Vec<KeyMaterialListing>,
    /// Imported but not rotated in yet (PENDING_ROTATION, or
    /// PENDING_MULTI_REGION_IMPORT_AND_ROTATION: every replica must import it first).
    pub pending_rotation: Vec<KeyMaterialListing>,
    /// `ImportState` PENDING_IMPORT: expired or deleted; the key stays
    /// PendingImport until that same material is re-imported.
    pub awaiting_import: Vec<KeyMaterialListing>,
    /// Entries bound to a material AWS does not list (deleted before
    /// rotation, or another key). Empty when the list is truncated.
    pub not_listed_by_aws: Vec<String>,
    /// Entries of this key with no KeyMaterialId yet (cannot be matched).
    pub unbound: Vec<String>,
    /// AWS listed only part of the materials: run without --max-items.
    pub truncated: bool,
}

/// Matches AWS's list of materials with the entries for the same key (the
/// entries of other keys are ignored; entries with no ARN are too).
pub fn reconcile(entries: &[LedgerEntry], rotations: &KeyRotationsOutput) -> Reconciliation {
    let listed_keys: Vec<&str> = rotations
        .rotations
        .iter()
        .filter_map(|r| r.key.as_ref().map(KeyRef::key_id))
        .collect();
    let same_key = |arn: &AwsKeyArn| listed_keys.contains(&arn_key_id(arn));
    let entries: Vec<&LedgerEntry> = entries
        .iter()
        .filter(|e| e.aws_key_arn.as_ref().is_some_and(same_key))
        .collect();
    let mut result = Reconciliation {
        matched: Vec::new(),
        unknown_to_ledger: Vec::new(),
        pending_rotation: Vec::new(),
        awaiting_import: Vec::new(),
        not_listed_by_aws: Vec::new(),
        unbound: entries
            .iter()
            .filter(|e| e.key_material_id.is_none())
            .map(|e| e.id.clone())
            .collect(),
        truncated: rotations.truncated,
    };
    for listing in &rotations.rotations {
        let owners: Vec<&&LedgerEntry> = entries
            .iter()
            .filter(|e| e.key_material_id.is_some() && e.key_material_id == listing.key_material_id)
            .collect();
        if owners.is_empty() {
            result.unknown_to_ledger.push(listing.clone());
        }
        for owner in owners {
            result.matched.push((owner.id.clone(), listing.clone()));
        }
        if listing
            .key_material_state
            .as_ref()
            .is_some_and(|s| s.is_pending_rotation())
        {
            result.pending_rotation.push(listing.clone());
        }
        if listing.import_state.as_deref() == Some("PENDING_IMPORT") {
            result.awaiting_import.push(listing.clone());
        }
    }
    if !rotations.truncated {
        result.not_listed_by_aws = entries
            .iter()
            .filter(|e| {
                e.key_material_id.as_ref().is_some_and(|id| {
                    !rotations
                        .rotations
                        .iter()
                        .any(|r| r.key_material_id.as_ref() == Some(id))
                })
            })
            .map(|e| e.id.clone())
            .collect();
    }
    result
}

#[cfg(test)]
mod tests {
    use super::super::confirm::tests::{CURRENT, our_entry};
    use super::super::tests::entry;
    use super::*;
    use crate::domain::aws::outputs::parse_key_rotations;
    use crate::domain::aws::outputs::tests::fixture;

    #[test]
    fn reconciliation_lists_unknown_pending_and_missing_materials() {
        let rotations = parse_key_rotations(&fixture("list-key-rotations.json")).unwrap();
        let mut current = our_entry();
        current.id = "a".into();
        current.key_material_id = Some(CURRENT.into());
        let mut gone = our_entry();
        gone.id = "b".into();
        gone.key_material_id = Some("f".repeat(64));
        let mut unbound = our_entry();
        unbound.id = "c".into();
        let elsewhere = entry(); // another key: ignored
        let r = reconcile(&[current, gone, unbound, elsewhere], &rotations);
        assert_eq!(r.matched.len(), 1);
        assert_eq!(r.matched[0].0, "a");
        let unknown: Vec<_> = r
            .unknown_to_ledger
            .iter()
            .map(|m| m.description.clone().unwrap())
            .collect();
        assert_eq!(unknown, ["first import", "next rotation"]);
        assert_eq!(r.pending_rotation.len(), 1);
        assert_eq!(
            r.pending_rotation[0].description.as_deref(),
            Some("next rotation")
        );
        assert_eq!(r.not_listed_by_aws, ["b"]);
        assert_eq!(r.unbound, ["c"]);
        assert!(r.awaiting_import.is_empty());

        let text = fixture("list-key-rotations.json")
            .replace("\"Truncated\": false", "\"Truncated\": true")
            .replacen(
                "\"ImportState\": \"IMPORTED\"",
                "\"ImportState\": \"PENDING_IMPORT\"",
                1,
            );
        let mut gone = our_entry();
        gone.key_material_id = Some("f".repeat(64));
        let r = reconcile(&[gone], &parse_key_rotations(&text).unwrap());
        assert!(r.truncated && r.not_listed_by_aws.is_empty());
        assert_eq!(
            r.awaiting_import[0].description.as_deref(),
            Some("first import")
        );
    }
}
