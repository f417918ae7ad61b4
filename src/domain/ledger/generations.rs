//! KMS key generations (KMIP ReKey) seen from the ledger: entries a ReKey copied
//! onto the next generation are not new copies, and a newer generation is drift.

use super::{Discrepancy, EventKind, LedgerEntry};

/// The attribute names of `own` that a ReKey copied from the previous
/// generation (`previous`): the server copies every vendor attribute, so an
/// entry's name on both means it was made on the previous generation.
pub fn carried_copies<'a>(
    own: &'a [(String, String)],
    previous: &[(String, String)],
) -> Vec<&'a str> {
    own.iter()
        .filter(|(name, _)| previous.iter().any(|(p, _)| p == name))
        .map(|(name, _)| name.as_str())
        .collect()
}

/// Whether AWS still uses this entry's material as current: not rotated out
/// or superseded by a runbook.
fn is_current(entry: &LedgerEntry) -> bool {
    !entry.events.iter().any(|e| {
        matches!(
            e.kind,
            EventKind::Rotated { .. } | EventKind::Superseded { .. }
        )
    })
}

/// Drift: the KMS key of `entry` has a newer generation (`newer`, made by the
/// app or by the KMS's own rotation) whose material no copy of the same AWS key
/// holds (`newer_entries`: the newer generation's own entries).
pub fn drift(
    entry: &LedgerEntry,
    newer: Option<&str>,
    newer_entries: &[LedgerEntry],
) -> Option<Discrepancy> {
    let newer = newer?;
    if !is_current(entry) {
        return None;
    }
    let arn = entry.aws_key_arn.as_ref();
    let followed = newer_entries.iter().any(|n| {
        arn.is_some_and(|arn| n.aws_key_arn.as_ref() == Some(arn)) || entry.aws_key_arn.is_none()
    });
    if followed {
        return None;
    }
    Some(Discrepancy {
        problem: format!(
            "The KMS made a newer generation of this key ({newer}), but {} still holds this generation's material.",
            arn.map_or("the AWS key".to_owned(), ToString::to_string)
        ),
        fix: "Rotate the AWS key to the newer generation (Rotate this AWS key…), or keep it on purpose: this KMS key stays re-importable either way.".to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::super::tests::entry;
    use super::*;

    fn pairs(names: &[&str]) -> Vec<(String, String)> {
        names
            .iter()
            .map(|n| ((*n).to_owned(), "{}".to_owned()))
            .collect()
    }

    #[test]
    fn entries_on_both_generations_are_the_previous_ones_carried_over() {
        let previous = pairs(&["byok_aws_copy_a", "byok_aws_runbook_r", "tag"]);
        let own = pairs(&["byok_aws_copy_a", "byok_aws_copy_b", "byok_aws_runbook_r"]);
        assert_eq!(
            carried_copies(&own, &previous),
            ["byok_aws_copy_a", "byok_aws_runbook_r"]
        );
        assert!(carried_copies(&own, &[]).is_empty());
    }

    #[test]
    fn a_newer_generation_no_copy_of_the_aws_key_holds_is_drift() {
        let old = entry();
        let why = drift(&old, Some("k2"), &[]).unwrap();
        assert!(
            why.problem.contains("newer generation of this key (k2)"),
            "{why}"
        );
        assert_eq!(drift(&old, None, &[]), None);
        let mut next = entry();
        next.id = "20261129T120000000Z_000000000002".into();
        assert_eq!(drift(&old, Some("k2"), &[next]), None);
        let mut rotated = entry();
        rotated.record(
            EventKind::Rotated {
                new_key_material_id: "b".repeat(64),
                new_kms_key_id: "k2".into(),
            },
            datetime!(2026-11-29 12:00 UTC),
        );
        assert_eq!(drift(&rotated, Some("k2"), &[]), None);
    }
}
