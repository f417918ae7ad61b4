//! Whether the KMS key behind a cloud copy can still be exported wrapped: renewals and new
//! Regions need it, so the ledger flags it and every export refuses before sending anything.

use crate::kmip::{ObjectAttributes, State};

/// What keeps a KMS key that backs a copy from a future export, or makes it worth a look.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SourceKeyProblem {
    /// `Extractable` false or `NeverExtractable` true: KMS 5.28 refuses every export of
    /// the key, wrapped ones too (`Not_Extractable: DENIED`).
    NotExtractable {
        extractable: Option<bool>,
        never_extractable: Option<bool>,
    },
    /// Rotated out by a ReKey, or revoked: no longer Active, but the KMS still exports
    /// it wrapped (a renewal of this copy works; new material comes from a newer key).
    Deactivated,
    /// PreActive, Compromised, Destroyed…: the KMS exports nothing of it.
    NotActive(State),
}

impl SourceKeyProblem {
    /// Whether an export of the key would fail.
    pub fn blocks_export(&self) -> bool {
        !matches!(self, Self::Deactivated)
    }

    /// The attributes that say so, e.g. "Extractable false, NeverExtractable true".
    pub fn attribute_words(&self) -> String {
        match self {
            Self::NotExtractable {
                extractable,
                never_extractable,
            } => [
                extractable.map(|e| format!("Extractable {e}")),
                never_extractable.map(|n| format!("NeverExtractable {n}")),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", "),
            Self::Deactivated => "State Deactivated".to_owned(),
            Self::NotActive(state) => format!("State {state}"),
        }
    }

    /// A few words for a ledger row.
    pub fn flag(&self) -> String {
        match self {
            Self::NotExtractable { .. } => format!(
                "KMS key no longer exportable ({}): renewals and new Regions would fail",
                self.attribute_words()
            ),
            Self::Deactivated => "KMS key no longer Active (Deactivated: rotated out or revoked); the KMS still exports it wrapped for a renewal".to_owned(),
            Self::NotActive(state) => format!(
                "KMS key {state}, not Active: renewals and new Regions would fail"
            ),
        }
    }

    /// The whole sentence: what is wrong with `key_id`, what it stops, and what to do.
    pub fn sentence(&self, key_id: &str) -> String {
        match self {
            Self::NotExtractable { .. } => format!(
                "The KMS key {key_id} can no longer leave the KMS ({}): the KMS refuses every export of it, wrapped ones too, so its cloud copies cannot be renewed and it cannot be brought to another Region or cloud. If it may leave again, a KMS administrator sets Extractable back to true (KMIP SetAttribute); otherwise keep its copies as they are and plan new key material.",
                self.attribute_words()
            ),
            Self::Deactivated => format!(
                "The KMS key {key_id} is no longer Active (Deactivated: a ReKey rotated it out, or it was revoked). The KMS still exports it wrapped, so a renewal of its copies works; new material for its AWS key comes from its newer generation."
            ),
            Self::NotActive(state) => format!(
                "The KMS key {key_id} is {state}, not Active: the KMS exports only active keys and generations rotated out, so its cloud copies cannot be renewed and it cannot be brought to another Region or cloud."
            ),
        }
    }
}

/// The health of the KMS key `key` as the pages already described it (one GetAttributes
/// with `AttributeReference::DESCRIBE`): every problem found, none when it is healthy or
/// when the KMS did not say (an attribute not reported is not a problem).
pub fn source_key_problems(key: &ObjectAttributes) -> Vec<SourceKeyProblem> {
    let mut problems = Vec::new();
    if key.extractable == Some(false) || key.never_extractable == Some(true) {
        problems.push(SourceKeyProblem::NotExtractable {
            extractable: key.extractable,
            never_extractable: key.never_extractable,
        });
    }
    match &key.state {
        None | Some(State::Active) => {}
        Some(State::Deactivated) => problems.push(SourceKeyProblem::Deactivated),
        Some(state) => problems.push(SourceKeyProblem::NotActive(state.clone())),
    }
    problems
}

/// Why `key` cannot be exported for a copy, renewal or new Region, before anything is
/// sent: the first problem that stops an export, with "Nothing was exported."; `None` when
/// an export may go ahead.
pub fn export_refusal(key: &ObjectAttributes) -> Option<String> {
    source_key_problems(key)
        .into_iter()
        .find(SourceKeyProblem::blocks_export)
        .map(|p| {
            format!(
                "{} Nothing was exported.",
                p.sentence(&key.unique_identifier)
            )
        })
}

/// Why the KMS would refuse to export `key` at all (not extractable), with "Nothing was
/// exported."; the key's state is each cloud's export rules' to judge (they name it).
pub fn extractable_refusal(key: &ObjectAttributes) -> Option<String> {
    source_key_problems(key)
        .into_iter()
        .find(|p| matches!(p, SourceKeyProblem::NotExtractable { .. }))
        .map(|p| {
            format!(
                "{} Nothing was exported.",
                p.sentence(&key.unique_identifier)
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(state: State, extractable: Option<bool>, never: Option<bool>) -> ObjectAttributes {
        ObjectAttributes {
            unique_identifier: "k1".to_owned(),
            state: Some(state),
            extractable,
            never_extractable: never,
            ..Default::default()
        }
    }

    #[test]
    fn an_active_extractable_key_or_one_the_kms_said_nothing_of_is_healthy() {
        assert_eq!(
            source_key_problems(&key(State::Active, Some(true), Some(false))),
            []
        );
        assert_eq!(source_key_problems(&key(State::Active, None, None)), []);
        assert_eq!(source_key_problems(&ObjectAttributes::default()), []);
        assert_eq!(
            export_refusal(&key(State::Active, Some(true), Some(false))),
            None
        );
    }

    #[test]
    fn extractable_false_or_never_extractable_true_stops_every_export() {
        // KMS 5.28 after SetAttribute Extractable=false: both reported.
        let flipped = key(State::Active, Some(false), Some(true));
        let problems = source_key_problems(&flipped);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].blocks_export());
        assert_eq!(
            problems[0].flag(),
            "KMS key no longer exportable (Extractable false, NeverExtractable true): renewals and new Regions would fail"
        );
        assert_eq!(
            export_refusal(&flipped).unwrap(),
            "The KMS key k1 can no longer leave the KMS (Extractable false, NeverExtractable true): the KMS refuses every export of it, wrapped ones too, so its cloud copies cannot be renewed and it cannot be brought to another Region or cloud. If it may leave again, a KMS administrator sets Extractable back to true (KMIP SetAttribute); otherwise keep its copies as they are and plan new key material. Nothing was exported."
        );
        // Either one alone is enough.
        for (e, n) in [(Some(false), None), (None, Some(true))] {
            assert!(
                export_refusal(&key(State::Active, e, n)).is_some(),
                "{e:?} {n:?}"
            );
        }
    }

    #[test]
    fn deactivated_is_flagged_but_still_exported_and_other_states_are_not() {
        let rotated_out = key(State::Deactivated, Some(true), Some(false));
        assert_eq!(
            source_key_problems(&rotated_out),
            [SourceKeyProblem::Deactivated]
        );
        assert_eq!(export_refusal(&rotated_out), None);
        let compromised = key(State::Compromised, Some(true), Some(false));
        assert_eq!(
            source_key_problems(&compromised)[0].flag(),
            "KMS key Compromised, not Active: renewals and new Regions would fail"
        );
        assert!(
            export_refusal(&compromised)
                .unwrap()
                .starts_with("The KMS key k1 is Compromised, not Active")
        );
        // Not exportable and not active: both named, the export refusal names the first.
        let both = key(State::PreActive, Some(false), None);
        assert_eq!(source_key_problems(&both).len(), 2);
        assert!(
            export_refusal(&both)
                .unwrap()
                .contains("(Extractable false)")
        );
        // The exports leave states to each cloud's rules: only extractability here.
        assert_eq!(extractable_refusal(&compromised), None);
        assert!(
            extractable_refusal(&both)
                .unwrap()
                .contains("(Extractable false)")
        );
    }
}
