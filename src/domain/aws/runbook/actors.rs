//! Who did each step of a runbook: the `done_by` records, each naming the
//! progress it attributes, so a step redone without a user is not someone else's.
//!
//! `started_by` names who started the runbook, and `done_by` who recorded
//! each step's progress, as the KMS's `/me` named them, e.g.
//!
//! ```text
//! "started_by":"alice@example.com",
//! "done_by":{"new_material":{"by":"alice@example.com","new_key_id":"k2"},
//!            "parameters/eu-west-3":{"by":"bob@example.com","kek_id":"kek-1"},
//!            "export/eu-west-3":{"by":"bob@example.com","entry_id":"2026…"},
//!            "import/eu-west-3":{"by":"carol@example.com","key_material_id":"1f4b…"},
//!            "create_key":{"by":"…","new_key_arn":"arn:…"},
//!            "check":{"by":"…"}}
//! ```
//!
//! Each record names the progress it attributes (the step's member as it
//! was written): a step redone since by a version that does not record users
//! no longer matches, and reads as not recorded rather than as someone
//! else's. Both are top-level members, absent when nothing is known, because
//! the versions before them keep unknown top-level members verbatim (a `by`
//! inside a Region would be dropped by their next write). Unknown members of
//! the runbook and of each Region are kept and written back.

use serde_json::Value;

use super::steps::StepId;
use super::{Runbook, RunbookKind};
use crate::domain::account::UserId;

/// Who did a step, as far as the runbook knows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StepActor {
    By(UserId),
    /// Replicas plan: the primary's steps, done by its first import.
    BeforeRunbook,
    /// Done before users were recorded, or redone by a version that did not.
    NotRecorded,
}

impl StepActor {
    /// Who did a done step: "by alice@example.com", or why nobody is named.
    pub fn words(&self) -> String {
        match self {
            Self::By(user) => format!("by {user}"),
            Self::BeforeRunbook => "before this runbook (the primary's own import)".to_owned(),
            Self::NotRecorded => "user not recorded (older runbook)".to_owned(),
        }
    }
}

impl Runbook {
    /// Who recorded `step`'s progress as it stands now (see the module doc).
    pub fn step_actor(&self, step: &StepId) -> StepActor {
        let (key, member) = progress_key(step);
        let recorded = self.done_by.get(&key).and_then(|record| {
            let by = UserId::new(record.get("by")?.as_str()?)?;
            match member {
                Some(member) => {
                    let attributed = record.get(member)?.as_str()?;
                    (Some(attributed) == self.progress_value(step).as_deref()).then_some(by)
                }
                None => Some(by),
            }
        });
        match recorded {
            Some(by) => StepActor::By(by),
            None if self.kind == RunbookKind::Replicas && self.is_primary_step(step) => {
                StepActor::BeforeRunbook
            }
            None => StepActor::NotRecorded,
        }
    }

    /// Replicas plan: the primary's own steps were done by its first import.
    fn is_primary_step(&self, step: &StepId) -> bool {
        match step {
            StepId::Parameters(region) | StepId::Export(region) | StepId::Import(region) => {
                self.is_primary(region)
            }
            _ => false,
        }
    }

    /// The progress a step's record attributes, as it is now.
    fn progress_value(&self, step: &StepId) -> Option<String> {
        let region = |name: &str| self.regions.iter().find(|r| r.region == name);
        match step {
            StepId::NewMaterial => self.new_key_id.clone(),
            StepId::CreateKey => self.new_key_arn.as_ref().map(ToString::to_string),
            StepId::Replicate(name) | StepId::Parameters(name) => region(name)?.kek_id.clone(),
            StepId::Export(name) => region(name)?.entry_id.clone(),
            StepId::Import(name) => region(name)?.key_material_id.clone(),
            StepId::Rotate | StepId::Check | StepId::MoveAlias => None,
        }
    }

    /// Records that `by` did `step`, with the progress it made.
    pub(super) fn mark_done(&mut self, step: &StepId, by: &UserId) {
        let (key, member) = progress_key(step);
        let mut record = serde_json::Map::new();
        record.insert("by".to_owned(), Value::String(by.to_string()));
        if let (Some(member), Some(value)) = (member, self.progress_value(step)) {
            record.insert(member.to_owned(), Value::String(value));
        }
        self.done_by.insert(key, Value::Object(record));
    }
}

/// A step's key in `done_by`, and the member naming the progress it attributes.
fn progress_key(step: &StepId) -> (String, Option<&'static str>) {
    match step {
        StepId::NewMaterial => ("new_material".to_owned(), Some("new_key_id")),
        StepId::CreateKey => ("create_key".to_owned(), Some("new_key_arn")),
        // replicate-key is proven by the parameters pasted for that Region.
        StepId::Replicate(region) | StepId::Parameters(region) => {
            (format!("parameters/{region}"), Some("kek_id"))
        }
        StepId::Export(region) => (format!("export/{region}"), Some("entry_id")),
        StepId::Import(region) => (format!("import/{region}"), Some("key_material_id")),
        // rotate-key-on-demand and update-alias are proven by the final describe-key.
        StepId::Rotate | StepId::Check | StepId::MoveAlias => ("check".to_owned(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;

    #[test]
    fn a_step_redone_without_a_user_is_not_attributed_to_the_first_one() {
        let (alice, bob) = (user("alice@example.com"), user("bob@example.com"));
        let mut runbook = rotation("eu-west-1");
        runbook.started_by = Some(alice.clone());
        let p = parameters(MRK, "2026-11-30T11:00:00Z");
        runbook
            .parameters_imported("us-west-2", "kek-1", &p, &bob)
            .unwrap();
        runbook.exported("us-west-2", "entry-1", &bob).unwrap();
        let parameters_step = StepId::Parameters("us-west-2".into());
        let export_step = StepId::Export("us-west-2".into());
        assert_eq!(
            runbook.step_actor(&parameters_step),
            StepActor::By(bob.clone())
        );
        // A version before users were recorded gets new parameters (the
        // first expired): its KEK and cleared export are not bob's.
        let mut older: Value = serde_json::from_str(&runbook.to_attribute_value()).unwrap();
        older["regions"][0]["kek_id"] = Value::String("kek-2".into());
        older["regions"][0]["entry_id"] = Value::Null;
        let read = Runbook::from_attribute(&runbook.attribute_name(), &older.to_string()).unwrap();
        assert_eq!(read.step_actor(&parameters_step), StepActor::NotRecorded);
        assert_eq!(read.step_actor(&export_step), StepActor::NotRecorded);
        // This version redoing them records the new user.
        let mut redone = read;
        redone
            .parameters_imported("us-west-2", "kek-3", &p, &alice)
            .unwrap();
        assert_eq!(redone.step_actor(&parameters_step), StepActor::By(alice));
        assert_eq!(redone.step_actor(&export_step), StepActor::NotRecorded);
    }

    #[test]
    fn a_replica_runbook_says_the_primary_was_imported_before_it() {
        let mut form = input(RunbookKind::Replicas, MRK, "eu-west-1");
        form.primary_key_material_id = Some(NEW_ID.into());
        let runbook = start(&form, "r1".into(), NOW).unwrap();
        let import = StepId::Import("us-west-2".into());
        assert_eq!(status(&runbook, import.clone()), StepStatus::Done);
        assert_eq!(runbook.step_actor(&import), StepActor::BeforeRunbook);
        assert_eq!(
            runbook.step_actor(&StepId::Import("eu-west-1".into())),
            StepActor::NotRecorded
        );
    }
}
