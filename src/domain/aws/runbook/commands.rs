//! Each runbook step's AWS CLI command, or why AWS would refuse it now: the
//! order of imports and rotation, the import type each Region must use, one file pair per Region.

use time::OffsetDateTime;

use super::steps::StepId;
use super::{MAX_ON_DEMAND_ROTATIONS, Runbook, RunbookKind};
use crate::domain::aws::cli::{self as aws_cli, CreateKeyOptions};
use crate::domain::aws::import_command::{ImportCommand, ImportType};
use crate::domain::aws::key_spec::AwsKeySpec;
use crate::domain::cli::{CliCommand, shell_quote};
use crate::domain::ledger::CommandOptions;

/// The file names the page's downloads and commands use.
pub const MATERIAL_FILE: &str = "EncryptedKeyMaterial.bin";
pub const TOKEN_FILE: &str = "ImportToken.bin";

impl Runbook {
    /// The options `region`'s import command is built with, as the ledger keeps them.
    pub fn command_options(&self, region: &str) -> CommandOptions {
        CommandOptions {
            expiration: self.expiration,
            import_type: self.import_type(region),
            description: if self.is_primary(region) {
                self.description.clone()
            } else {
                None
            },
        }
    }

    /// Whether `region`'s material can be exported now, or why not.
    pub fn export_check(&self, region: &str, now: OffsetDateTime) -> Result<(), String> {
        let progress = self.region(region)?;
        if self.new_key_id.is_none() {
            return Err("Make the new key material in the KMS first.".to_owned());
        }
        if progress.kek_id.is_none() {
            return Err(format!(
                "Paste {region}'s get-parameters-for-import output first: the material is wrapped under {region}'s own wrapping key."
            ));
        }
        if self.expired(progress, now) {
            return Err(format!(
                "{region}'s import parameters have expired (valid 24 hours): run get-parameters-for-import again and paste the new output."
            ));
        }
        Ok(())
    }

    /// The command for a step, or why AWS would refuse it now: a step out of
    /// order gets its reason and no command.
    pub fn command(&self, step: &StepId, now: OffsetDateTime) -> Result<CliCommand, String> {
        match step {
            StepId::NewMaterial => {
                Err("The KMS makes the new material: no AWS command.".to_owned())
            }
            StepId::CreateKey => Ok(aws_cli::create_key(&CreateKeyOptions {
                spec: self.key_spec,
                usage: self.key_spec.key_usages()[0],
                description: Some(format!("Rotated from {}", self.key_arn)),
                region: Some(self.key_arn.region().to_owned()),
                multi_region: self.regions.len() > 1,
            })),
            StepId::Replicate(region) => {
                self.region(region)?;
                let primary = self.target_arn().ok_or_else(need_new_key)?;
                Ok(CliCommand(vec![
                    "aws kms replicate-key".to_owned(),
                    format!("--key-id {}", shell_quote(primary.as_str())),
                    format!("--replica-region {region}"),
                    format!("--region {}", primary.region()),
                ]))
            }
            StepId::Parameters(region) => {
                self.region(region)?;
                let arn = self.arn_in(region).ok_or_else(need_new_key)?;
                let (algorithm, size) = self.key_spec.recommended_wrapping();
                Ok(aws_cli::get_parameters_for_import(
                    Some(&arn),
                    algorithm,
                    size,
                ))
            }
            StepId::Export(region) => {
                self.export_check(region, now)?;
                Err("The page exports the material: no AWS command.".to_owned())
            }
            StepId::Import(region) => self.import_command(region, now).map(|c| c.command()),
            StepId::Rotate => {
                self.check_rotate()?;
                Ok(CliCommand(vec![
                    "aws kms rotate-key-on-demand".to_owned(),
                    format!("--key-id {}", shell_quote(self.key_arn.as_str())),
                    format!("--region {}", self.key_arn.region()),
                ]))
            }
            StepId::Check => {
                match self.kind {
                    RunbookKind::Rotation if !self.rotated => self.check_rotate()?,
                    RunbookKind::NewKey if !self.finished => self.check_all_imported()?,
                    _ => {}
                }
                let arn = self.target_arn().ok_or_else(need_new_key)?;
                Ok(aws_cli::describe_key(Some(arn)))
            }
            StepId::MoveAlias => {
                self.check_all_imported()?;
                let arn = self.new_key_arn.as_ref().ok_or_else(need_new_key)?;
                let Some(alias) = &self.alias else {
                    return Err(
                        "No alias was given: nothing to move; check the new key with describe-key."
                            .to_owned(),
                    );
                };
                Ok(CliCommand(vec![
                    "aws kms update-alias".to_owned(),
                    format!("--alias-name {}", shell_quote(alias)),
                    format!("--target-key-id {}", shell_quote(arn.as_str())),
                    format!("--region {}", arn.region()),
                ]))
            }
        }
    }

    fn check_all_imported(&self) -> Result<(), String> {
        let missing: Vec<&str> = self
            .regions
            .iter()
            .filter(|r| r.key_material_id.is_none())
            .map(|r| r.region.as_str())
            .collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "Not every Region has imported the material yet ({}): paste each import-key-material output first.",
                missing.join(", ")
            ))
        }
    }

    fn check_rotate(&self) -> Result<(), String> {
        if self.kind != RunbookKind::Rotation {
            return Err("Only a symmetric encryption key rotates on demand.".to_owned());
        }
        if self.rotations_before >= MAX_ON_DEMAND_ROTATIONS {
            return Err(format!(
                "AWS allows {MAX_ON_DEMAND_ROTATIONS} on-demand rotations per key and this key has had {}: a 26th is refused. Rotate by a new AWS key and moving the alias instead.",
                self.rotations_before
            ));
        }
        if self.primary().key_material_id.is_none() {
            return Err(
                "Import the new material into the primary first: rotating before it is imported is refused by AWS.".to_owned(),
            );
        }
        let waiting: Vec<&str> = self
            .replicas()
            .filter(|r| r.key_material_id.is_none())
            .map(|r| r.region.as_str())
            .collect();
        if !waiting.is_empty() {
            return Err(format!(
                "Every replica must import the new material before the primary rotates (AWS refuses otherwise; replicas could no longer decrypt): still waiting for {}.",
                waiting.join(", ")
            ));
        }
        Ok(())
    }

    /// The import type this Region must use: the primary of a rotation imports
    /// NEW material, its replicas the EXISTING one; first imports need none.
    pub fn import_type(&self, region: &str) -> Option<ImportType> {
        match self.kind {
            RunbookKind::Rotation if self.is_primary(region) => Some(ImportType::NewKeyMaterial),
            // AWS: "You cannot directly import new key material into the replica Region keys."
            _ if !self.is_primary(region) => Some(ImportType::ExistingKeyMaterial),
            _ => None,
        }
    }

    /// Refuses an import type AWS would refuse in this Region (a replica
    /// importing NEW material, the rotating primary importing EXISTING).
    pub fn check_import_type(&self, region: &str, import_type: ImportType) -> Result<(), String> {
        match self.import_type(region) {
            Some(expected) if expected != import_type => Err(if self.is_primary(region) {
                format!(
                    "The primary ({region}) imports the new material as NEW_KEY_MATERIAL; EXISTING_KEY_MATERIAL is only for material AWS already holds."
                )
            } else {
                format!(
                    "A replica ({region}) cannot import NEW material: AWS refuses it. Replicas import the primary's new material with EXISTING_KEY_MATERIAL and the primary's KeyMaterialId."
                )
            }),
            _ => Ok(()),
        }
    }

    /// The import command for `region`, or why it cannot be offered yet.
    pub fn import_command(
        &self,
        region: &str,
        now: OffsetDateTime,
    ) -> Result<ImportCommand, String> {
        self.region(region)?;
        let arn = self.arn_in(region).ok_or_else(need_new_key)?;
        self.export_check(region, now)?;
        let mut key_material_id = None;
        let symmetric = self.key_spec == AwsKeySpec::SymmetricDefault;
        if !self.is_primary(region) && (symmetric || self.primary().key_material_id.is_none()) {
            key_material_id = Some(self.primary().key_material_id.clone().ok_or_else(|| {
                format!(
                    "A replica ({region}) cannot import NEW material: import into the primary ({}) first and paste its output; {region} then imports the same material with the primary's KeyMaterialId.",
                    self.primary().region
                )
            })?);
        }
        Ok(ImportCommand {
            key_arn: Some(arn),
            material: self.key_spec.material(),
            material_file: file_name(MATERIAL_FILE, region),
            token_file: file_name(TOKEN_FILE, region),
            expiration: self.expiration,
            import_type: self.import_type(region),
            description: if self.is_primary(region) {
                self.description.clone()
            } else {
                None
            },
            key_material_id,
        })
    }
}

pub(super) fn need_new_key() -> String {
    "Create the new AWS key first and paste create-key's output.".to_owned()
}

/// `EncryptedKeyMaterial-eu-west-3.bin`: one pair of files per Region, so
/// two Regions' downloads never overwrite each other.
pub fn file_name(base: &str, region: &str) -> String {
    match base.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}-{region}.{ext}"),
        None => format!("{base}-{region}"),
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;

    #[test]
    fn the_primary_imports_new_material_with_its_description_and_replicas_the_existing_id() {
        let mut runbook = rotation("eu-west-1");
        import_in(&mut runbook, "us-west-2", NEW_ID);
        let primary = runbook.import_command("us-west-2", NOW).unwrap().one_line();
        assert!(
            primary.contains("--import-type NEW_KEY_MATERIAL"),
            "{primary}"
        );
        assert!(
            primary.contains("--key-material-description 'generation 2'"),
            "{primary}"
        );
        assert!(
            primary.contains("EncryptedKeyMaterial-us-west-2.bin"),
            "{primary}"
        );
        let arn = runbook.arn_in("eu-west-1").unwrap().to_string();
        let p = parameters(&arn, "2026-11-30T11:00:00Z");
        runbook
            .parameters_imported("eu-west-1", "kek-eu", &p, &alice())
            .unwrap();
        let replica = runbook.import_command("eu-west-1", NOW).unwrap().one_line();
        assert!(
            replica.contains("--import-type EXISTING_KEY_MATERIAL"),
            "{replica}"
        );
        assert!(
            replica.contains(&format!("--key-material-id {NEW_ID}")),
            "{replica}"
        );
        assert!(!replica.contains("description"), "{replica}");
        assert!(replica.contains("--region eu-west-1"), "{replica}");
        assert!(replica.contains(&arn), "{replica}");
    }

    #[test]
    fn rotating_before_every_replica_has_the_new_material_is_refused() {
        let mut runbook = rotation("eu-west-1 ap-northeast-1");
        let why = runbook.command(&StepId::Rotate, NOW).unwrap_err();
        assert!(why.contains("primary first"), "{why}");
        import_in(&mut runbook, "us-west-2", NEW_ID);
        import_in(&mut runbook, "eu-west-1", NEW_ID);
        let why = runbook.command(&StepId::Rotate, NOW).unwrap_err();
        assert!(why.contains("still waiting for ap-northeast-1"), "{why}");
        assert!(matches!(
            status(&runbook, StepId::Rotate),
            StepStatus::Blocked(_)
        ));
        import_in(&mut runbook, "ap-northeast-1", NEW_ID);
        assert!(runbook.command(&StepId::Rotate, NOW).is_ok());
    }

    #[test]
    fn a_replica_importing_new_material_is_refused() {
        let mut runbook = rotation("eu-west-1");
        let why = runbook
            .check_import_type("eu-west-1", ImportType::NewKeyMaterial)
            .unwrap_err();
        assert!(why.contains("cannot import NEW material"), "{why}");
        runbook
            .check_import_type("eu-west-1", ImportType::ExistingKeyMaterial)
            .unwrap();
        runbook
            .check_import_type("us-west-2", ImportType::ExistingKeyMaterial)
            .unwrap_err();
        // Before the primary's KeyMaterialId is known, no replica command is offered.
        let arn = runbook.arn_in("eu-west-1").unwrap().to_string();
        let p = parameters(&arn, "2026-11-30T11:00:00Z");
        runbook
            .parameters_imported("eu-west-1", "kek-eu", &p, &alice())
            .unwrap();
        runbook.exported("eu-west-1", "entry-eu", &alice()).unwrap();
        let why = runbook.import_command("eu-west-1", NOW).unwrap_err();
        assert!(why.contains("cannot import NEW material"), "{why}");
        let why = runbook
            .accept_import("eu-west-1", &import_output(&arn, NEW_ID), &alice())
            .unwrap_err();
        assert!(why.contains("primary (us-west-2) first"), "{why}");
        // A replica reporting other material than the primary's is refused.
        import_in(&mut runbook, "us-west-2", NEW_ID);
        let other = "1".repeat(64);
        let why = runbook
            .accept_import("eu-west-1", &import_output(&arn, &other), &alice())
            .unwrap_err();
        assert!(
            why.contains("does not hold the primary's material"),
            "{why}"
        );
        assert_eq!(runbook.region("eu-west-1").unwrap().key_material_id, None);
    }
}
