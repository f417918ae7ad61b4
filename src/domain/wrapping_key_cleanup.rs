//! Cleaning up old wrapping keys: which stored wrapping keys (AWS KEKs, Google import jobs'
//! keys, Azure KEKs) are expired at some time and how long ago, which ones are selected by
//! default, which ones must be kept (an unfinished runbook step needs it, a right is
//! missing, still valid) and what a batched Revoke + Destroy did to each one.
//!
//! AWS's import parameters last 24 hours (`parameters_valid_to:` tag), Google's import jobs
//! 3 days (`expire_time:` tag); Azure KEKs do not expire. A KEK without an expiry tag (the
//! Cosmian CLI writes none) is listed as "expiry unknown": the user decides, it is never
//! selected by default. A key revoked but not destroyed (a clean-up or another client stopped
//! between the two) is listed again as such, and cleanable.

use std::collections::{BTreeMap, BTreeSet};

use time::{Duration, OffsetDateTime};

use crate::domain::account::SharedObject;
use crate::domain::aws::kek_tags::{AWS_TAG, read_kek_tags};
use crate::domain::aws::runbook::Runbook;
use crate::domain::azure::kek_tags::{AZURE_TAG, read_azure_kek_tags};
use crate::domain::cloud::Cloud;
use crate::domain::google::kek_tags::{GOOGLE_TAG, read_google_job_tags};
use crate::domain::time_display::{duration_words, utc_minutes};
use crate::kmip::{ObjectAttributes, ObjectType, State};

/// The most keys one KMIP message revokes and destroys (two operations each).
pub const CLEANUP_BATCH: usize = 100;

/// When a wrapping key stops being usable, as its tags say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expiry {
    /// Past: the cloud refuses anything wrapped under it since then.
    ExpiredAt(OffsetDateTime),
    /// Still usable until then.
    Until(OffsetDateTime),
    /// Azure KEKs: they live in the vault as long as the vault keeps them.
    Never,
    /// No (readable) expiry tag, e.g. imported by the Cosmian CLI.
    Unknown,
}

impl Expiry {
    fn at(time: Option<OffsetDateTime>, now: OffsetDateTime) -> Self {
        match time {
            None => Self::Unknown,
            Some(t) if t <= now => Self::ExpiredAt(t),
            Some(t) => Self::Until(t),
        }
    }

    /// "expired 3 days ago (2026-12-04 10:00 UTC)", "valid for 5 h (until …)", "never expires",
    /// "expiry unknown (no expiry tag)".
    pub fn words(self, now: OffsetDateTime) -> String {
        match self {
            Self::ExpiredAt(t) => {
                format!("expired {} ago ({})", age_words(now - t), utc_minutes(t))
            }
            Self::Until(t) => format!(
                "valid for {} (until {})",
                duration_words(t - now),
                utc_minutes(t)
            ),
            Self::Never => "never expires (Azure)".to_owned(),
            Self::Unknown => "expiry unknown (no expiry tag)".to_owned(),
        }
    }
}

/// An age as a person says it: "40 min", "5 h", "3 days", "1 day".
pub fn age_words(age: Duration) -> String {
    match age.whole_days() {
        0 => duration_words(age),
        1 => "1 day".to_owned(),
        days => format!("{days} days"),
    }
}

/// One stored wrapping key as the clean-up lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExpiredWrappingKey {
    pub id: String,
    pub cloud: Cloud,
    /// What the cloud calls it: the AWS key ARN, the Google import job, the Azure kid.
    pub names: Option<String>,
    pub expiry: Expiry,
    /// Revoked (Deactivated or Compromised) and not destroyed yet: only a Destroy is sent.
    pub revoked: bool,
    /// Why it cannot be selected (it is shown, disabled, with this reason).
    pub kept_because: Option<String>,
}

impl ExpiredWrappingKey {
    pub fn is_expired(&self) -> bool {
        matches!(self.expiry, Expiry::ExpiredAt(_))
    }

    /// Selected when the page lists it: expired (or revoked already) and not kept.
    pub fn selected_by_default(&self) -> bool {
        self.kept_because.is_none() && (self.is_expired() || self.revoked)
    }
}

/// The wrapping keys the clean-up lists, each with its expiry and whether it may go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CleanupPlan {
    pub keys: Vec<ExpiredWrappingKey>,
}

/// What a stored object is to the clean-up: `None` when it is no wrapping key (not a public
/// key, or tagged for no cloud).
fn wrapping_key_of(
    attributes: &ObjectAttributes,
    now: OffsetDateTime,
) -> Option<ExpiredWrappingKey> {
    if attributes.object_type != Some(ObjectType::PublicKey) {
        return None;
    }
    let tags = &attributes.tags;
    let has = |tag: &str| tags.iter().any(|t| t == tag);
    let (cloud, names, expiry) = if has(GOOGLE_TAG) {
        let job = read_google_job_tags(tags);
        let expire = job.expire_time.and_then(Result::ok);
        let name = job.job.and_then(Result::ok).map(|name| name.to_string());
        (Cloud::Google, name, Expiry::at(expire, now))
    } else if has(AZURE_TAG) {
        let kid = read_azure_kek_tags(tags).kid.and_then(Result::ok);
        (Cloud::Azure, kid.map(|k| k.to_string()), Expiry::Never)
    } else if tags.iter().any(|t| t.eq_ignore_ascii_case(AWS_TAG)) {
        let kek = read_kek_tags(tags);
        (
            Cloud::Aws,
            kek.key_arn,
            Expiry::at(kek.parameters_valid_to, now),
        )
    } else {
        return None;
    };
    let revoked = matches!(
        attributes.state,
        Some(State::Deactivated | State::Compromised)
    );
    Some(ExpiredWrappingKey {
        id: attributes.unique_identifier.clone(),
        cloud,
        names,
        expiry,
        revoked,
        kept_because: None,
    })
}

/// The KEKs unfinished runbook steps still need, each with why: a Region whose import is
/// not recorded yet needs its wrapping key (a finished runbook needs none).
pub fn runbook_holds(runbooks: &[Runbook]) -> BTreeMap<String, String> {
    let mut holds = BTreeMap::new();
    for runbook in runbooks.iter().filter(|r| !r.is_complete()) {
        for region in &runbook.regions {
            if let (Some(kek), None) = (&region.kek_id, &region.key_material_id) {
                holds.entry(kek.clone()).or_insert_with(|| {
                    format!(
                        "an unfinished runbook still needs it: {} ({}), the import in {} is not recorded yet; finish or redo that step on the rotation page first",
                        runbook.kind.title(),
                        runbook.source_key_id,
                        region.region
                    )
                });
            }
        }
    }
    holds
}

impl CleanupPlan {
    /// Every wrapping key among `described` (any other object is left out), with what keeps
    /// one: an unfinished runbook, no right to revoke and destroy it, still valid. When not
    /// every runbook could be read (`all_runbooks_read` false: more keys than one Locate
    /// lists), every AWS wrapping key is kept, since any of them may be one a runbook needs.
    pub fn new(
        described: &[ObjectAttributes],
        runbooks: &[Runbook],
        all_runbooks_read: bool,
        shared: &[SharedObject],
        now: OffsetDateTime,
    ) -> Self {
        let mut holds = runbook_holds(runbooks);
        if !all_runbooks_read {
            for key in described {
                holds.entry(key.unique_identifier.clone()).or_insert_with(|| {
                    "this KMS holds more symmetric or private keys than one Locate lists (1000), so the runbooks on the others cannot be read and one of them may still need this AWS wrapping key".to_owned()
                });
            }
        }
        let mut keys: Vec<ExpiredWrappingKey> = described
            .iter()
            .filter_map(|attributes| wrapping_key_of(attributes, now))
            .collect();
        for key in &mut keys {
            key.kept_because = kept_because(key, &holds, shared, now);
        }
        keys.sort_by(|a, b| {
            (!a.selected_by_default(), &a.id).cmp(&(!b.selected_by_default(), &b.id))
        });
        Self { keys }
    }

    /// The keys selected when the list is shown: every expired one that may go.
    pub fn default_selection(&self) -> BTreeSet<String> {
        self.keys
            .iter()
            .filter(|k| k.selected_by_default())
            .map(|k| k.id.clone())
            .collect()
    }

    /// How many are expired (kept or not).
    pub fn expired_count(&self) -> usize {
        self.keys.iter().filter(|k| k.is_expired()).count()
    }

    /// The keys to revoke and destroy for `selected`, in the list's order; refused (nothing
    /// sent) when one is kept, unknown or the selection is empty.
    pub fn targets(&self, selected: &BTreeSet<String>) -> Result<Vec<CleanupTarget>, String> {
        if selected.is_empty() {
            return Err("Select at least one wrapping key to clean up.".to_owned());
        }
        if let Some(id) = selected
            .iter()
            .find(|id| !self.keys.iter().any(|k| &k.id == *id))
        {
            return Err(format!(
                "{id} is not in the list any more: list the wrapping keys again."
            ));
        }
        let mut targets = Vec::new();
        for key in self.keys.iter().filter(|k| selected.contains(&k.id)) {
            if let Some(why) = &key.kept_because {
                return Err(format!("{} cannot be cleaned up: {why}.", key.id));
            }
            targets.push(CleanupTarget {
                id: key.id.clone(),
                revoke: !key.revoked,
            });
        }
        Ok(targets)
    }
}

fn kept_because(
    key: &ExpiredWrappingKey,
    holds: &BTreeMap<String, String>,
    shared: &[SharedObject],
    now: OffsetDateTime,
) -> Option<String> {
    if let Some(why) = holds.get(&key.id).filter(|_| key.cloud == Cloud::Aws) {
        return Some(why.clone());
    }
    if let Some(share) = shared.iter().find(|s| s.object_id == key.id) {
        let may = |op: &str| share.operations.iter().any(|o| o == op);
        if !may("destroy") || (!key.revoked && !may("revoke")) {
            return Some(format!(
                "it is shared with you by {} without the right to revoke and destroy it; ask {} to remove it",
                share.owner_id, share.owner_id
            ));
        }
    }
    match key.expiry {
        Expiry::Until(t) if !key.revoked => Some(format!(
            "it is still valid for {}: an import may still use it",
            duration_words(t - now)
        )),
        _ => None,
    }
}

/// One key to remove: Revoke first unless already revoked, then Destroy (and Remove).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CleanupTarget {
    pub id: String,
    pub revoke: bool,
}

/// What the clean-up did to one key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyOutcome {
    /// Revoked (or already) and destroyed: no longer in the KMS.
    Destroyed,
    /// Revoked, then the Destroy failed (why): listed again as "revoked, not destroyed yet".
    RevokedNotDestroyed(String),
    /// Nothing changed (why): the Revoke failed, or its message never got an answer.
    Untouched(String),
}

impl KeyOutcome {
    /// The outcome from the Revoke's result (`None`: none was sent) and the Destroy's.
    pub fn of(revoke: Option<Result<(), String>>, destroy: Result<(), String>) -> Self {
        match (revoke, destroy) {
            (_, Ok(())) => Self::Destroyed,
            (Some(Err(why)), Err(_)) => Self::Untouched(why),
            (_, Err(why)) => Self::RevokedNotDestroyed(why),
        }
    }
}

/// The progress of a clean-up: keys handled so far out of the selection.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CleanupReport {
    pub selected: usize,
    /// Each key sent so far, with what happened to it.
    pub outcomes: Vec<(String, KeyOutcome)>,
    /// The messages sent (one per batch).
    pub requests: usize,
    /// Why it stopped before the end (the KMS stopped answering), the rest untouched.
    pub stopped: Option<String>,
}

impl CleanupReport {
    pub fn destroyed(&self) -> usize {
        self.count(|o| *o == KeyOutcome::Destroyed)
    }

    pub fn revoked_not_destroyed(&self) -> usize {
        self.count(|o| matches!(o, KeyOutcome::RevokedNotDestroyed(_)))
    }

    pub fn untouched(&self) -> usize {
        self.selected - self.destroyed() - self.revoked_not_destroyed()
    }

    fn count(&self, which: impl Fn(&KeyOutcome) -> bool) -> usize {
        self.outcomes.iter().filter(|(_, o)| which(o)).count()
    }

    /// "3 of 5 destroyed, 1 revoked but not destroyed yet, 1 untouched".
    pub fn summary(&self) -> String {
        let mut words = format!("{} of {} destroyed", self.destroyed(), self.selected);
        if self.revoked_not_destroyed() > 0 {
            words.push_str(&format!(
                ", {} revoked but not destroyed yet",
                self.revoked_not_destroyed()
            ));
        }
        if self.untouched() > 0 {
            words.push_str(&format!(", {} untouched", self.untouched()));
        }
        words
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;
    use crate::domain::aws::runbook::fixtures;

    const NOW: OffsetDateTime = datetime!(2026-12-07 12:00 UTC);

    fn public_key(id: &str, tags: &[&str], state: State) -> ObjectAttributes {
        ObjectAttributes {
            unique_identifier: id.to_owned(),
            object_type: Some(ObjectType::PublicKey),
            state: Some(state),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            ..Default::default()
        }
    }

    fn aws(id: &str, valid_to: &str) -> ObjectAttributes {
        public_key(
            id,
            &["aws", &format!("parameters_valid_to:{valid_to}")],
            State::Active,
        )
    }

    fn google(id: &str, expire: &str) -> ObjectAttributes {
        public_key(
            id,
            &["google", &format!("expire_time:{expire}")],
            State::Active,
        )
    }

    /// A rotation whose primary Region has its KEK `kek` and no import recorded yet.
    fn unfinished_runbook(kek: &str) -> Runbook {
        let mut runbook = fixtures::rotation("");
        let parameters = fixtures::parameters(fixtures::MRK, "2026-12-01T11:00:00Z");
        runbook
            .parameters_imported("us-west-2", kek, &parameters, &fixtures::alice())
            .unwrap();
        runbook
    }

    fn plan(
        objects: &[ObjectAttributes],
        runbooks: &[Runbook],
        shared: &[SharedObject],
    ) -> CleanupPlan {
        CleanupPlan::new(objects, runbooks, true, shared, NOW)
    }

    fn key<'a>(plan: &'a CleanupPlan, id: &str) -> &'a ExpiredWrappingKey {
        plan.keys.iter().find(|k| k.id == id).unwrap()
    }

    fn ids(list: &[&str]) -> BTreeSet<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn expired_keys_are_selected_and_the_others_are_not() {
        let objects = [
            aws("aws-old", "2026-12-01T10:00:00Z"),
            aws("aws-valid", "2026-12-07T20:00:00Z"),
            google("google-old", "2026-12-03T12:00:00Z"),
            public_key(
                "cli",
                &["aws", "wrapping_algorithm:RsaesOaepSha256"],
                State::Active,
            ),
            public_key("azure", &["azure"], State::Active),
            public_key("not-a-kek", &["team"], State::Active),
            ObjectAttributes {
                object_type: Some(ObjectType::SymmetricKey),
                ..aws("aws-tagged-aes", "2026-12-01T10:00:00Z")
            },
        ];
        let plan = plan(&objects, &[], &[]);
        assert_eq!(plan.default_selection(), ids(&["aws-old", "google-old"]));
        assert_eq!(plan.keys.len(), 5, "{plan:?}");
        assert_eq!(plan.expired_count(), 2);
        assert_eq!(key(&plan, "google-old").cloud, Cloud::Google);
        assert_eq!(key(&plan, "cli").expiry, Expiry::Unknown);
        assert_eq!(key(&plan, "cli").kept_because, None);
        assert_eq!(key(&plan, "azure").expiry, Expiry::Never);
        assert_eq!(
            key(&plan, "aws-valid").kept_because.as_deref(),
            Some("it is still valid for 8 h: an import may still use it")
        );
        assert_eq!(
            key(&plan, "aws-old").expiry.words(NOW),
            "expired 6 days ago (2026-12-01 10:00 UTC)"
        );
        assert_eq!(
            key(&plan, "google-old").expiry.words(NOW),
            "expired 4 days ago (2026-12-03 12:00 UTC)"
        );
        // The selected ones come first.
        assert_eq!(plan.keys[0].id, "aws-old");
        assert_eq!(plan.keys[1].id, "google-old");
    }

    #[test]
    fn the_user_may_add_unknown_and_azure_keys_but_never_a_kept_one() {
        let objects = [
            aws("aws-old", "2026-12-01T10:00:00Z"),
            aws("aws-valid", "2026-12-07T20:00:00Z"),
            public_key("cli", &["aws"], State::Active),
            public_key("azure", &["azure"], State::Active),
        ];
        let plan = plan(&objects, &[], &[]);
        assert_eq!(
            plan.targets(&ids(&["aws-old", "cli", "azure"])).unwrap(),
            vec![
                CleanupTarget {
                    id: "aws-old".into(),
                    revoke: true
                },
                CleanupTarget {
                    id: "azure".into(),
                    revoke: true
                },
                CleanupTarget {
                    id: "cli".into(),
                    revoke: true
                },
            ]
        );
        assert!(
            plan.targets(&ids(&["aws-valid"]))
                .unwrap_err()
                .contains("still valid")
        );
        assert_eq!(
            plan.targets(&ids(&["gone"])).unwrap_err(),
            "gone is not in the list any more: list the wrapping keys again."
        );
        assert_eq!(
            plan.targets(&BTreeSet::new()).unwrap_err(),
            "Select at least one wrapping key to clean up."
        );
    }

    #[test]
    fn a_key_an_unfinished_runbook_needs_is_kept_with_its_reason() {
        let objects = [
            aws("held", "2026-12-01T11:00:00Z"),
            aws("free", "2026-12-01T11:00:00Z"),
        ];
        let runbook = unfinished_runbook("held");
        let plan = plan(&objects, std::slice::from_ref(&runbook), &[]);
        assert_eq!(plan.default_selection(), ids(&["free"]));
        let why = key(&plan, "held").kept_because.clone().unwrap();
        assert!(
            why.contains("unfinished runbook") && why.contains("k1") && why.contains("us-west-2"),
            "{why}"
        );
        assert!(
            plan.targets(&ids(&["held", "free"]))
                .unwrap_err()
                .starts_with("held cannot be cleaned up: an unfinished runbook")
        );

        // Once its import is recorded, the runbook no longer needs it.
        let mut done = runbook;
        done.regions[0].key_material_id = Some("m1".into());
        assert!(runbook_holds(&[done]).is_empty());
    }

    #[test]
    fn aws_keys_are_kept_when_not_every_runbook_could_be_read() {
        let objects = [
            aws("aws-old", "2026-12-01T10:00:00Z"),
            google("google-old", "2026-12-03T12:00:00Z"),
        ];
        let plan = CleanupPlan::new(&objects, &[], false, &[], NOW);
        assert_eq!(plan.default_selection(), ids(&["google-old"]));
        let why = key(&plan, "aws-old").kept_because.clone().unwrap();
        assert!(why.contains("cannot be read"), "{why}");
    }

    #[test]
    fn a_key_shared_without_the_destroy_right_is_refused_plainly() {
        let objects = [
            aws("theirs", "2026-12-01T10:00:00Z"),
            aws("granted", "2026-12-01T10:00:00Z"),
        ];
        let shared = [
            SharedObject {
                object_id: "theirs".into(),
                owner_id: "bob".into(),
                operations: vec!["get".into(), "revoke".into()],
            },
            SharedObject {
                object_id: "granted".into(),
                owner_id: "bob".into(),
                operations: vec!["revoke".into(), "destroy".into()],
            },
        ];
        let plan = plan(&objects, &[], &shared);
        assert_eq!(plan.default_selection(), ids(&["granted"]));
        assert_eq!(
            key(&plan, "theirs").kept_because.as_deref(),
            Some(
                "it is shared with you by bob without the right to revoke and destroy it; ask bob to remove it"
            )
        );
    }

    #[test]
    fn a_revoked_key_not_destroyed_yet_is_listed_and_only_destroyed() {
        let objects = [
            public_key("half", &["aws"], State::Deactivated),
            ObjectAttributes {
                state: Some(State::Deactivated),
                ..aws("half-valid", "2026-12-07T20:00:00Z")
            },
        ];
        let plan = plan(&objects, &[], &[]);
        assert_eq!(plan.default_selection(), ids(&["half", "half-valid"]));
        assert_eq!(
            plan.targets(&ids(&["half"])).unwrap(),
            vec![CleanupTarget {
                id: "half".into(),
                revoke: false
            }]
        );
    }

    #[test]
    fn each_key_s_outcome_says_what_the_kms_holds_now() {
        let failed = || Err("Service unavailable".to_owned());
        assert_eq!(KeyOutcome::of(Some(Ok(())), Ok(())), KeyOutcome::Destroyed);
        assert_eq!(KeyOutcome::of(None, Ok(())), KeyOutcome::Destroyed);
        assert_eq!(
            KeyOutcome::of(Some(Ok(())), failed()),
            KeyOutcome::RevokedNotDestroyed("Service unavailable".into())
        );
        assert_eq!(
            KeyOutcome::of(None, failed()),
            KeyOutcome::RevokedNotDestroyed("Service unavailable".into())
        );
        assert_eq!(
            KeyOutcome::of(Some(Err("Permission_Denied".into())), failed()),
            KeyOutcome::Untouched("Permission_Denied".into())
        );
        let report = CleanupReport {
            selected: 5,
            outcomes: vec![
                ("a".into(), KeyOutcome::Destroyed),
                ("b".into(), KeyOutcome::Destroyed),
                ("c".into(), KeyOutcome::RevokedNotDestroyed("x".into())),
                ("d".into(), KeyOutcome::Untouched("y".into())),
            ],
            requests: 1,
            stopped: None,
        };
        assert_eq!(
            report.summary(),
            "2 of 5 destroyed, 1 revoked but not destroyed yet, 2 untouched"
        );
    }

    #[test]
    fn ages_read_in_days_past_a_day() {
        assert_eq!(age_words(Duration::minutes(40)), "40 min");
        assert_eq!(age_words(Duration::hours(25)), "1 day");
        assert_eq!(age_words(Duration::days(400)), "400 days");
    }
}
