//! What moves a runbook on: the KMS's new material, each Region's KEK and
//! export, and the pasted AWS outputs, each refused when about another Region, key or material.

use time::OffsetDateTime;

use super::commands::need_new_key;
use super::steps::StepId;
use super::{Runbook, RunbookKind, is_multi_region};
use crate::domain::account::UserId;
use crate::domain::aws::cli as aws_cli;
use crate::domain::aws::import_parameters::ImportParameters;
use crate::domain::aws::key_spec::AwsKeySpec;
use crate::domain::aws::outputs::{
    DescribeKeyOutput, ImportOutput, KeyRef, another_account_words, arn_key_id,
};

impl Runbook {
    /// Checks pasted get-parameters-for-import output for `region` before its
    /// KEK is imported: another Region's or another key's parameters, or
    /// expired ones, are refused.
    pub fn check_parameters(
        &self,
        region: &str,
        parameters: &ImportParameters,
        now: OffsetDateTime,
    ) -> Result<(), String> {
        self.region(region)?;
        let expected = self.arn_in(region).ok_or_else(need_new_key)?;
        let pasted = &parameters.key_arn;
        if pasted.region() != region {
            return Err(format!(
                "These parameters are from {} but this step is {region}'s: each Region has its own wrapping key and token. Run the command shown for {region} and paste its output.",
                pasted.region()
            ));
        }
        if pasted != &expected {
            return Err(format!(
                "These parameters are for {pasted}{}, not {expected}: run the command shown and paste its output.",
                another_account_words(Some(pasted), &expected)
            ));
        }
        if parameters.valid_to <= now {
            return Err("These parameters have expired (valid 24 hours): run get-parameters-for-import again.".to_owned());
        }
        Ok(())
    }

    /// Records `region`'s KEK and token once the KEK is in the KMS, by `by`.
    pub fn parameters_imported(
        &mut self,
        region: &str,
        kek_id: &str,
        parameters: &ImportParameters,
        by: &UserId,
    ) -> Result<(), String> {
        let progress = self.region_mut(region)?;
        progress.kek_id = Some(kek_id.to_owned());
        progress.import_token = Some(base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            &parameters.import_token,
        ));
        progress.parameters_valid_to = Some(parameters.valid_to);
        progress.entry_id = None;
        self.mark_done(&StepId::Parameters(region.to_owned()), by);
        Ok(())
    }

    /// Records the ledger entry of `region`'s export, made by `by`.
    pub fn exported(&mut self, region: &str, entry_id: &str, by: &UserId) -> Result<(), String> {
        self.region_mut(region)?.entry_id = Some(entry_id.to_owned());
        self.mark_done(&StepId::Export(region.to_owned()), by);
        Ok(())
    }

    /// Records the source key's next generation, made in the KMS by `by`.
    pub fn new_material(&mut self, new_key_id: &str, by: &UserId) {
        self.new_key_id = Some(new_key_id.to_owned());
        self.mark_done(&StepId::NewMaterial, by);
    }

    /// Applies a pasted import-key-material output for `region`, pasted by
    /// `by`: it must name this Region's key; a replica's material must be the primary's.
    pub fn accept_import(
        &mut self,
        region: &str,
        output: &ImportOutput,
        by: &UserId,
    ) -> Result<(), String> {
        let expected = self.arn_in(region).ok_or_else(need_new_key)?;
        if output.key.key_id() != arn_key_id(&expected)
            || output.key.arn().is_some_and(|arn| arn != &expected)
        {
            return Err(format!(
                "This output is about {}{}, not {expected}: paste {region}'s import-key-material output.",
                output
                    .key
                    .arn()
                    .map_or(output.key.key_id().to_owned(), ToString::to_string),
                another_account_words(output.key.arn(), &expected)
            ));
        }
        if self.region(region)?.entry_id.is_none() {
            return Err(format!(
                "{region} has no export yet: export the material for {region} before pasting its import output."
            ));
        }
        if !self.is_primary(region) {
            match &self.primary().key_material_id {
                None => {
                    return Err(format!(
                        "Import into the primary ({}) first and paste its output: replicas import the primary's material.",
                        self.primary().region
                    ));
                }
                Some(primary) if !primary.is_empty() && primary != &output.key_material_id => {
                    return Err(format!(
                        "{region} reports KeyMaterialId {} but the primary's is {primary}: the replica does not hold the primary's material. Import again with the command shown (EXISTING_KEY_MATERIAL and the primary's KeyMaterialId).",
                        output.key_material_id
                    ));
                }
                Some(_) => {}
            }
        }
        self.region_mut(region)?.key_material_id = Some(output.key_material_id.clone());
        self.mark_done(&StepId::Import(region.to_owned()), by);
        Ok(())
    }

    /// Applies `region`'s describe-key instead of its import output (HMAC and
    /// asymmetric imports print no KeyMaterialId with every CLI): the key in
    /// that Region must be Enabled; its current material id is kept if printed.
    pub fn accept_import_described(
        &mut self,
        region: &str,
        output: &DescribeKeyOutput,
        by: &UserId,
    ) -> Result<(), String> {
        let expected = self.arn_in(region).ok_or_else(need_new_key)?;
        if output.arn != expected {
            return Err(format!(
                "This describe-key output is about {}{}, not {expected}: describe {region}'s key.",
                output.arn,
                another_account_words(Some(&output.arn), &expected)
            ));
        }
        if output.key_state != "Enabled" {
            return Err(format!(
                "{region}'s key is {}, not Enabled: run {region}'s import-key-material command first.",
                output.key_state
            ));
        }
        let id = output.current_key_material_id.clone().unwrap_or_default();
        if self.key_spec == AwsKeySpec::SymmetricDefault && id.is_empty() {
            return Err("This describe-key output has no CurrentKeyMaterialId: paste import-key-material's output instead.".to_owned());
        }
        let key = KeyRef::Arn(expected);
        self.accept_import(
            region,
            &ImportOutput {
                key,
                key_material_id: id,
            },
            by,
        )
    }

    /// New key plan: the new AWS key's ARN from create-key's output, pasted by `by`.
    pub fn accept_new_key(&mut self, text: &str, by: &UserId) -> Result<(), String> {
        let arn = aws_cli::key_arn_from_input(text, self.key_spec)?;
        if arn == self.key_arn {
            return Err(
                "This is the old key's ARN: paste the output of the create-key command shown."
                    .to_owned(),
            );
        }
        if self.regions.len() > 1 && !is_multi_region(&arn) {
            return Err(format!(
                "{arn} is single-Region but this runbook has replicas: create the key with --multi-region as the command shows."
            ));
        }
        self.new_key_arn = Some(arn);
        self.mark_done(&StepId::CreateKey, by);
        Ok(())
    }

    /// Applies the final describe-key: the rotation is done when the primary's
    /// current material is the new one; the new key when it is Enabled.
    /// `by` pasted it.
    pub fn accept_check(
        &mut self,
        output: &DescribeKeyOutput,
        now: OffsetDateTime,
        by: &UserId,
    ) -> Result<(), String> {
        self.command(&StepId::Check, now)?;
        let expected = self.target_arn().ok_or_else(need_new_key)?;
        if &output.arn != expected {
            return Err(format!(
                "This describe-key output is about {}{}, not {expected}.",
                output.arn,
                another_account_words(Some(&output.arn), expected)
            ));
        }
        match self.kind {
            RunbookKind::Rotation => {
                let new = self.primary().key_material_id.clone().unwrap_or_default();
                match output.current_key_material_id.as_deref() {
                    Some(current) if current == new => {
                        self.rotated = true;
                        self.mark_done(&StepId::Check, by);
                        Ok(())
                    }
                    Some(current) => Err(format!(
                        "AWS's current material is still {current}, not the new {new}: run rotate-key-on-demand, wait a moment, and describe the key again."
                    )),
                    None => Err("This describe-key output has no CurrentKeyMaterialId: paste the whole output of the command shown.".to_owned()),
                }
            }
            _ => {
                if output.key_state != "Enabled" {
                    return Err(format!(
                        "The new key is {}, not Enabled: finish every Region's import first.",
                        output.key_state
                    ));
                }
                self.finished = true;
                self.mark_done(&StepId::Check, by);
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;

    #[test]
    fn parameters_of_another_region_or_key_or_expired_are_refused() {
        let runbook = rotation("eu-west-1");
        let eu = runbook.arn_in("eu-west-1").unwrap().to_string();
        let why = runbook
            .check_parameters("us-west-2", &parameters(&eu, "2026-11-30T11:00:00Z"), NOW)
            .unwrap_err();
        assert!(
            why.contains("from eu-west-1 but this step is us-west-2's"),
            "{why}"
        );
        let other = MRK.replace("mrk-1234", "mrk-9999");
        let why = runbook
            .check_parameters(
                "us-west-2",
                &parameters(&other, "2026-11-30T11:00:00Z"),
                NOW,
            )
            .unwrap_err();
        assert!(why.contains("not arn:aws:kms:us-west-2"), "{why}");
        let why = runbook
            .check_parameters("us-west-2", &parameters(MRK, "2026-11-29T11:00:00Z"), NOW)
            .unwrap_err();
        assert!(why.contains("expired"), "{why}");
        runbook
            .check_parameters("ap-south-1", &parameters(MRK, "2026-11-30T11:00:00Z"), NOW)
            .unwrap_err();
    }

    #[test]
    fn an_import_output_about_another_key_changes_nothing() {
        let mut runbook = rotation("");
        let p = parameters(MRK, "2026-11-30T11:00:00Z");
        runbook
            .parameters_imported("us-west-2", "kek", &p, &alice())
            .unwrap();
        runbook.exported("us-west-2", "e", &alice()).unwrap();
        let before = runbook.clone();
        let why = runbook
            .accept_import("us-west-2", &import_output(SINGLE, NEW_ID), &alice())
            .unwrap_err();
        assert!(why.contains("not arn:aws:kms:us-west-2"), "{why}");
        assert_eq!(runbook, before);
    }
}
