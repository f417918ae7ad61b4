//! A runbook's steps in the only order AWS accepts, each with where it
//! stands now: done, waiting for the user, expired, or not yet and why.

use time::OffsetDateTime;

use super::{MAX_ON_DEMAND_ROTATIONS, Runbook, RunbookKind};
use crate::domain::aws::import_parameters::Validity;

/// Where one step stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StepStatus {
    Done,
    /// The step can be done now (a command to run, an output to paste).
    Waiting,
    /// Its 24-hour import parameters have passed: get new ones.
    Expired,
    /// Not yet: the reason, and what must happen first.
    Blocked(String),
}

impl StepStatus {
    pub fn label(&self) -> &'static str {
        match self {
            Self::Done => "done",
            Self::Waiting => "waiting for you",
            Self::Expired => "expired",
            Self::Blocked(_) => "not yet",
        }
    }
}

/// Which step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StepId {
    /// New material in the KMS (ReKey of the source key).
    NewMaterial,
    /// New key plan: create-key, paste its output.
    CreateKey,
    /// `replicate-key` into this Region (before its parameters exist).
    Replicate(String),
    /// get-parameters-for-import in this Region, paste, KEK imported.
    Parameters(String),
    /// Export the material under this Region's KEK.
    Export(String),
    /// import-key-material in this Region, paste its output.
    Import(String),
    /// rotate-key-on-demand on the primary.
    Rotate,
    /// describe-key proves the outcome.
    Check,
    /// update-alias to the new key.
    MoveAlias,
}

/// One line of the runbook as the page shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub id: StepId,
    pub title: String,
    pub status: StepStatus,
    /// A Region's import parameters counting down: "valid for 23 h 12 min".
    pub validity: Option<String>,
}

impl Runbook {
    /// Every step in the only order AWS accepts, each with where it stands at `now`.
    pub fn steps(&self, now: OffsetDateTime) -> Vec<Step> {
        let mut steps = Vec::new();
        let done = |b: bool| {
            if b {
                StepStatus::Done
            } else {
                StepStatus::Waiting
            }
        };
        if self.kind != RunbookKind::Replicas {
            steps.push(Step {
                validity: None,
                id: StepId::NewMaterial,
                title: "New key material in the KMS (the source key's next generation)".to_owned(),
                status: done(self.new_key_id.is_some()),
            });
        }
        if self.kind == RunbookKind::NewKey {
            steps.push(Step {
                validity: None,
                id: StepId::CreateKey,
                title: format!("Create the new AWS key ({})", self.key_spec.aws_name()),
                status: done(self.new_key_arn.is_some()),
            });
        }
        let replicating = self.kind != RunbookKind::Rotation;
        for (index, region) in self.regions.iter().enumerate() {
            let name = &region.region;
            if index > 0 && replicating {
                steps.push(Step {
                    validity: None,
                    id: StepId::Replicate(name.clone()),
                    title: format!("Replicate the key into {name}"),
                    status: match self.command(&StepId::Replicate(name.clone()), now) {
                        Err(why) => StepStatus::Blocked(why),
                        Ok(_) => done(region.kek_id.is_some()),
                    },
                });
            }
            let role = if index == 0 { "primary" } else { "replica" };
            let imported = region.key_material_id.is_some();
            steps.push(Step {
                validity: region
                    .parameters_valid_to
                    .filter(|_| !imported)
                    .map(|valid_to| Validity::at(valid_to, now).short()),
                id: StepId::Parameters(name.clone()),
                title: format!("{name} ({role}): wrapping key and import token"),
                status: if imported || (region.kek_id.is_some() && !self.expired(region, now)) {
                    StepStatus::Done
                } else if region.kek_id.is_some() {
                    StepStatus::Expired
                } else {
                    match self.command(&StepId::Parameters(name.clone()), now) {
                        Err(why) => StepStatus::Blocked(why),
                        Ok(_) => StepStatus::Waiting,
                    }
                },
            });
            steps.push(Step {
                validity: None,
                id: StepId::Export(name.clone()),
                title: format!("{name}: export the material wrapped for {name}"),
                status: if imported || region.entry_id.is_some() {
                    StepStatus::Done
                } else {
                    match self.export_check(name, now) {
                        Err(why) => StepStatus::Blocked(why),
                        Ok(()) => StepStatus::Waiting,
                    }
                },
            });
            steps.push(Step {
                validity: None,
                id: StepId::Import(name.clone()),
                title: format!("{name}: import-key-material, then paste its output"),
                status: if imported {
                    StepStatus::Done
                } else {
                    match self.command(&StepId::Import(name.clone()), now) {
                        Err(_) if region.kek_id.is_some() && self.expired(region, now) => {
                            StepStatus::Expired
                        }
                        Err(why) => StepStatus::Blocked(why),
                        Ok(_) => StepStatus::Waiting,
                    }
                },
            });
        }
        let final_status = |finished: bool, id: StepId| {
            if finished {
                StepStatus::Done
            } else {
                match self.command(&id, now) {
                    Err(why) => StepStatus::Blocked(why),
                    Ok(_) => StepStatus::Waiting,
                }
            }
        };
        match self.kind {
            RunbookKind::Rotation => {
                steps.push(Step {
                    validity: None,
                    id: StepId::Rotate,
                    title: format!(
                        "Rotate on demand (rotation {} of AWS's {MAX_ON_DEMAND_ROTATIONS})",
                        self.rotations_before + 1
                    ),
                    status: final_status(self.rotated, StepId::Rotate),
                });
                steps.push(Step {
                    validity: None,
                    id: StepId::Check,
                    title: "describe-key shows the new material as current".to_owned(),
                    status: final_status(self.rotated, StepId::Check),
                });
            }
            RunbookKind::Replicas => {}
            RunbookKind::NewKey => {
                steps.push(Step {
                    validity: None,
                    id: StepId::MoveAlias,
                    title: match &self.alias {
                        Some(alias) => format!("Move {alias} to the new key"),
                        None => "No alias to move".to_owned(),
                    },
                    status: final_status(self.finished, StepId::MoveAlias),
                });
                steps.push(Step {
                    validity: None,
                    id: StepId::Check,
                    title: "describe-key shows the new key Enabled".to_owned(),
                    status: final_status(self.finished, StepId::Check),
                });
            }
        }
        steps
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;

    #[test]
    fn a_single_region_rotation_runs_in_aws_order_and_round_trips() {
        let mut runbook =
            start(&input(RunbookKind::Rotation, SINGLE, ""), "r1".into(), NOW).unwrap();
        assert_eq!(status(&runbook, StepId::NewMaterial), StepStatus::Waiting);
        runbook.new_key_id = Some("k2".into());
        let command = runbook.import_command("us-west-2", NOW).unwrap_err();
        assert!(command.contains("get-parameters-for-import"), "{command}");
        import_in(&mut runbook, "us-west-2", NEW_ID);
        let rotate = runbook.command(&StepId::Rotate, NOW).unwrap().one_line();
        assert_eq!(
            rotate,
            format!("aws kms rotate-key-on-demand --key-id {SINGLE} --region us-west-2")
        );
        let described = parse_describe_key(&format!(
            r#"{{"KeyMetadata":{{"Arn":"{SINGLE}","KeyId":"1234abcd-12ab-34cd-56ef-1234567890ab","KeyState":"Enabled","CurrentKeyMaterialId":"{NEW_ID}"}}}}"#
        ))
        .unwrap();
        runbook.accept_check(&described, NOW, &alice()).unwrap();
        assert!(runbook.is_complete());
        assert!(
            runbook
                .steps(NOW)
                .iter()
                .all(|s| s.status == StepStatus::Done)
        );
        let back =
            Runbook::from_attribute(&runbook.attribute_name(), &runbook.to_attribute_value())
                .unwrap();
        assert_eq!(back, runbook);
    }

    #[test]
    fn expired_parameters_show_and_block_the_export_and_import() {
        let mut runbook = rotation("");
        let p = parameters(MRK, "2026-11-30T11:00:00Z");
        runbook
            .parameters_imported("us-west-2", "kek", &p, &alice())
            .unwrap();
        let later = datetime!(2026-11-30 12:00 UTC);
        let steps = runbook.steps(later);
        let parameters_step = steps
            .iter()
            .find(|s| s.id == StepId::Parameters("us-west-2".into()))
            .unwrap();
        assert_eq!(parameters_step.status, StepStatus::Expired);
        assert_eq!(parameters_step.validity.as_deref(), Some("expired 1 h ago"));
        let before = runbook.steps(NOW);
        let counting = before
            .iter()
            .find(|s| s.id == StepId::Parameters("us-west-2".into()))
            .unwrap();
        assert_eq!(counting.validity.as_deref(), Some("valid for 23 h"));
        let why = runbook.import_command("us-west-2", later).unwrap_err();
        assert!(why.contains("expired"), "{why}");
    }

    #[test]
    fn replicas_replicate_then_import_the_primarys_material_as_existing() {
        let mut runbook = start(
            &input(RunbookKind::Replicas, MRK, "eu-west-1"),
            "r1".into(),
            NOW,
        )
        .unwrap();
        assert_eq!(runbook.new_key_id.as_deref(), Some("k1"));
        let replicate = runbook
            .command(&StepId::Replicate("eu-west-1".into()), NOW)
            .unwrap()
            .one_line();
        assert_eq!(
            replicate,
            format!(
                "aws kms replicate-key --key-id {MRK} --replica-region eu-west-1 --region us-west-2"
            )
        );
        assert_eq!(
            status(&runbook, StepId::Import("us-west-2".into())),
            StepStatus::Done
        );
        let arn = runbook.arn_in("eu-west-1").unwrap().to_string();
        let p = parameters(&arn, "2026-11-30T11:00:00Z");
        runbook
            .parameters_imported("eu-west-1", "kek-eu", &p, &alice())
            .unwrap();
        let command = runbook.import_command("eu-west-1", NOW).unwrap().one_line();
        let existing = format!("--import-type EXISTING_KEY_MATERIAL --key-material-id {NEW_ID}");
        assert!(command.contains(&existing), "{command}");
        assert_eq!(
            status(&runbook, StepId::Replicate("eu-west-1".into())),
            StepStatus::Done
        );
        runbook.exported("eu-west-1", "e", &alice()).unwrap();
        runbook
            .accept_import("eu-west-1", &import_output(&arn, NEW_ID), &alice())
            .unwrap();
        assert!(runbook.is_complete());
    }

    #[test]
    fn a_new_key_plan_creates_imports_then_moves_the_alias() {
        let mut runbook = start(&input(RunbookKind::NewKey, SINGLE, ""), "r1".into(), NOW).unwrap();
        runbook.new_key_id = Some("k2".into());
        let create = runbook.command(&StepId::CreateKey, NOW).unwrap().one_line();
        assert!(create.starts_with("aws kms create-key --origin EXTERNAL --key-spec HMAC_256 --key-usage GENERATE_VERIFY_MAC"), "{create}");
        assert!(
            runbook
                .command(&StepId::Parameters("us-west-2".into()), NOW)
                .unwrap_err()
                .contains("create-key")
        );
        let why = runbook.accept_new_key(SINGLE, &alice()).unwrap_err();
        assert!(why.contains("old key's ARN"), "{why}");
        let new = "arn:aws:kms:us-west-2:111122223333:key/2234abcd-12ab-34cd-56ef-1234567890ab";
        runbook.accept_new_key(new, &alice()).unwrap();
        let why = runbook.command(&StepId::MoveAlias, NOW).unwrap_err();
        assert!(why.contains("Not every Region"), "{why}");
        import_in(&mut runbook, "us-west-2", NEW_ID);
        let command = runbook.import_command("us-west-2", NOW).unwrap().one_line();
        assert!(!command.contains("--import-type"), "{command}");
        let alias = runbook.command(&StepId::MoveAlias, NOW).unwrap().one_line();
        assert_eq!(
            alias,
            format!(
                "aws kms update-alias --alias-name alias/payments --target-key-id {new} --region us-west-2"
            )
        );
        let described = parse_describe_key(&format!(
            r#"{{"KeyMetadata":{{"Arn":"{new}","KeyId":"2234abcd-12ab-34cd-56ef-1234567890ab","KeyState":"Enabled"}}}}"#
        ))
        .unwrap();
        runbook.accept_check(&described, NOW, &alice()).unwrap();
        assert!(runbook.is_complete());
    }
}
