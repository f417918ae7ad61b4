//! Rotation and multi-Region runbooks for one AWS key: which AWS CLI step comes
//! next, which orders AWS refuses, and the progress kept in the KMS for any browser.
//!
//! # The three plans
//!
//! * [`RunbookKind::Rotation`] (SYMMETRIC_DEFAULT): the KMS makes the next
//!   generation of the source key (KMIP ReKey: a new object linked to the old
//!   one); each Region imports that same material (the primary as
//!   `NEW_KEY_MATERIAL` with a description, every replica as
//!   `EXISTING_KEY_MATERIAL` with the primary's `KeyMaterialId`); then
//!   `rotate-key-on-demand` (at most [`MAX_ON_DEMAND_ROTATIONS`]); then
//!   describe-key shows the new `CurrentKeyMaterialId`.
//! * [`RunbookKind::Replicas`]: a multi-Region key whose primary already holds
//!   the source key's material gains replicas, each importing the same
//!   material under its own Region's wrapping key and token.
//! * [`RunbookKind::NewKey`] (HMAC, RSA, ECC: their material never changes):
//!   a new AWS key of the same spec with the KMS's next generation, then
//!   `update-alias` moves the alias; the old copy is marked superseded.
//!
//! # Where each concern lives
//!
//! `start.rs` the start form and its refusals (and the rotations AWS already
//! made); `steps.rs` the steps in the only order AWS accepts; `commands.rs`
//! each step's AWS CLI command, or why AWS would refuse it now; `progress.rs`
//! what moves a runbook on (the KMS's new material, each Region's KEK and
//! export, the pasted AWS outputs); `actors.rs` who did each step;
//! `stored.rs` the vendor attribute and its JSON (the serde derive of
//! [`Runbook`]).

mod actors;
mod commands;
#[cfg(test)]
mod golden;
mod progress;
mod start;
mod steps;
mod stored;

pub use actors::StepActor;
pub use commands::{MATERIAL_FILE, TOKEN_FILE, file_name};
pub use start::{RunbookStart, rotations_from_listing, rotations_so_far, start};
pub use steps::{Step, StepId, StepStatus};
pub use stored::{ATTRIBUTE_PREFIX, FORMAT, attribute_name, is_runbook_attribute};

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;

use crate::domain::account::UserId;
use crate::domain::aws::arn::AwsKeyArn;
use crate::domain::aws::import_command::Expiration;
use crate::domain::aws::key_spec::AwsKeySpec;
use crate::domain::aws::outputs::arn_key_id;

/// AWS's limit on on-demand rotations of one key with imported material.
pub const MAX_ON_DEMAND_ROTATIONS: u32 = 25;

/// Which plan a runbook follows (see the module doc); stored by its
/// snake_case name (`new_key`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunbookKind {
    Rotation,
    Replicas,
    NewKey,
}

impl RunbookKind {
    /// The plan in the page's words.
    pub fn title(self) -> &'static str {
        match self {
            Self::Rotation => "Rotate the AWS key on demand to new material",
            Self::Replicas => "Import the same material into replica Regions",
            Self::NewKey => "Rotate by a new AWS key and moving the alias",
        }
    }

    /// The plan AWS allows for this key spec: symmetric encryption keys rotate
    /// in place; HMAC and asymmetric keys never change material.
    pub fn rotation_for(spec: AwsKeySpec) -> Self {
        if spec == AwsKeySpec::SymmetricDefault {
            Self::Rotation
        } else {
            Self::NewKey
        }
    }
}

/// One Region's progress: its wrapping key and token, the export, the import
/// (its serde derive is the Region as stored).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionProgress {
    /// `eu-west-3`; the first Region of a runbook is the primary's.
    pub region: String,
    /// The KMS id of the KEK imported from this Region's parameters.
    pub kek_id: Option<String>,
    /// This Region's import token (base64), valid with its wrapping key only.
    /// Not a secret: useless without AWS's private wrapping key; kept so
    /// another browser can carry on.
    pub import_token: Option<String>,
    #[serde(default, with = "stored::parameters_valid_to")]
    pub parameters_valid_to: Option<OffsetDateTime>,
    /// The ledger entry recorded by this Region's wrapped export.
    pub entry_id: Option<String>,
    /// AWS's `KeyMaterialId` from this Region's import-key-material output.
    pub key_material_id: Option<String>,
    /// Members a newer writer added to this Region, kept and written back verbatim.
    #[serde(flatten)]
    pub preserved: BTreeMap<String, Value>,
}

impl RegionProgress {
    fn new(region: &str) -> Self {
        Self {
            region: region.to_owned(),
            kek_id: None,
            import_token: None,
            parameters_valid_to: None,
            entry_id: None,
            key_material_id: None,
            preserved: BTreeMap::new(),
        }
    }
}

/// A runbook and its progress, as stored in the KMS: its serde derive is the
/// stored JSON, written after `format` ([`Runbook::to_attribute_value`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Runbook {
    /// `[A-Za-z0-9_]`, sorts by time (the ledger's entry id scheme).
    pub id: String,
    pub kind: RunbookKind,
    #[serde(with = "stored::key_spec")]
    pub key_spec: AwsKeySpec,
    /// The KMS key whose material AWS holds now (holds this runbook).
    pub source_key_id: String,
    /// The ledger entry the runbook started from, if any.
    pub source_entry_id: Option<String>,
    /// The KMS key whose material the Regions import: the ReKey'd next
    /// generation (rotation, new key), or the source key itself (replicas).
    pub new_key_id: Option<String>,
    /// The AWS key being rotated or replicated (the primary, for multi-Region).
    #[serde(with = "stored::key_arn")]
    pub key_arn: AwsKeyArn,
    /// New key plan: the new AWS key's ARN, pasted from create-key.
    #[serde(default, with = "stored::new_key_arn")]
    pub new_key_arn: Option<AwsKeyArn>,
    /// New key plan: `alias/…` to move (empty: no alias to move).
    pub alias: Option<String>,
    /// `--key-material-description` of the primary's NEW import (rotation).
    pub description: Option<String>,
    /// Stored as `valid_to`: the date (`2027-01-31`), `null` when the
    /// material does not expire.
    #[serde(
        rename = "valid_to",
        default = "stored::never",
        with = "stored::valid_to"
    )]
    pub expiration: Expiration,
    /// On-demand rotations AWS made before this one (from the ledger or list-key-rotations).
    pub rotations_before: u32,
    /// Primary first, then each replica Region.
    pub regions: Vec<RegionProgress>,
    /// rotate-key-on-demand done: describe-key's `CurrentKeyMaterialId` is the new material's.
    pub rotated: bool,
    /// New key plan: describe-key of the new key showed it Enabled, alias moved.
    pub finished: bool,
    #[serde(with = "stored::started_at")]
    pub started_at: OffsetDateTime,
    /// Who started it; `None` in runbooks started before users were recorded
    /// (and then not written, so that they stay byte for byte).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "stored::started_by"
    )]
    pub started_by: Option<UserId>,
    /// Who recorded each step's progress, as stored ([`Runbook::step_actor`]
    /// reads it; kept as JSON so that what a newer writer adds survives).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub done_by: BTreeMap<String, Value>,
    /// Members a newer writer added, kept and written back verbatim.
    #[serde(flatten)]
    pub preserved: BTreeMap<String, Value>,
}

/// The same ARN in another Region: a multi-Region key's replica shares its key id.
pub fn arn_in_region(arn: &AwsKeyArn, region: &str) -> AwsKeyArn {
    let mut parts: Vec<&str> = arn.as_str().splitn(6, ':').collect();
    if parts.len() == 6 {
        parts[3] = region;
    }
    AwsKeyArn::parse(&parts.join(":")).unwrap_or_else(|_| arn.clone())
}

/// Whether an ARN names a multi-Region key (`mrk-` key id).
pub fn is_multi_region(arn: &AwsKeyArn) -> bool {
    arn_key_id(arn).starts_with("mrk-")
}

impl Runbook {
    /// The AWS key the Regions import into: the new key (new key plan) or the rotated one.
    pub fn target_arn(&self) -> Option<&AwsKeyArn> {
        match self.kind {
            RunbookKind::NewKey => self.new_key_arn.as_ref(),
            _ => Some(&self.key_arn),
        }
    }

    /// The target key's ARN in `region`.
    pub fn arn_in(&self, region: &str) -> Option<AwsKeyArn> {
        self.target_arn().map(|arn| arn_in_region(arn, region))
    }

    pub fn primary(&self) -> &RegionProgress {
        &self.regions[0]
    }

    fn is_primary(&self, region: &str) -> bool {
        self.primary().region == region
    }

    pub fn region(&self, region: &str) -> Result<&RegionProgress, String> {
        self.regions
            .iter()
            .find(|r| r.region == region)
            .ok_or_else(|| {
                format!(
                    "{region} is not a Region of this runbook ({}).",
                    self.region_names().join(", ")
                )
            })
    }

    fn region_mut(&mut self, region: &str) -> Result<&mut RegionProgress, String> {
        let names = self.region_names().join(", ");
        self.regions
            .iter_mut()
            .find(|r| r.region == region)
            .ok_or_else(|| format!("{region} is not a Region of this runbook ({names})."))
    }

    pub fn region_names(&self) -> Vec<String> {
        self.regions.iter().map(|r| r.region.clone()).collect()
    }

    fn replicas(&self) -> impl Iterator<Item = &RegionProgress> {
        self.regions.iter().skip(1)
    }

    /// Whether every step is done.
    pub fn is_complete(&self) -> bool {
        match self.kind {
            RunbookKind::Rotation => self.rotated,
            RunbookKind::Replicas => self.regions.iter().all(|r| r.key_material_id.is_some()),
            RunbookKind::NewKey => self.finished,
        }
    }

    fn expired(&self, region: &RegionProgress, now: OffsetDateTime) -> bool {
        region.parameters_valid_to.is_some_and(|t| t <= now)
    }
}

/// What the runbook's tests share: the start form, a rotation, AWS's outputs.
#[cfg(test)]
pub(crate) mod fixtures {
    pub use time::OffsetDateTime;
    pub use time::macros::datetime;

    pub use super::{Runbook, RunbookKind, RunbookStart, StepActor, StepId, StepStatus, start};
    pub use crate::domain::account::UserId;
    pub use crate::domain::aws::arn::AwsKeyArn;
    pub use crate::domain::aws::import_parameters::ImportParameters;
    pub use crate::domain::aws::key_spec::AwsKeySpec;
    pub use crate::domain::aws::outputs::{ImportOutput, parse_describe_key, parse_import_output};
    pub use crate::domain::ledger::tests::alice;

    pub const NOW: OffsetDateTime = datetime!(2026-11-29 12:00 UTC);
    pub const MRK: &str =
        "arn:aws:kms:us-west-2:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab";
    pub const SINGLE: &str =
        "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    pub const NEW_ID: &str = "0b7fd7ddbac6eef27907413567cad8c810e2883dc8a7534067a82ee1142fc1e6";

    pub fn input(kind: RunbookKind, arn: &str, replicas: &str) -> RunbookStart {
        RunbookStart {
            kind,
            key_spec: if kind == RunbookKind::NewKey {
                AwsKeySpec::parse("HMAC_256").unwrap()
            } else {
                AwsKeySpec::SymmetricDefault
            },
            source_key_id: "k1".into(),
            source_entry_id: Some("e1".into()),
            key_arn: AwsKeyArn::parse(arn).unwrap(),
            replica_regions: replicas.into(),
            description: "generation 2".into(),
            valid_to: String::new(),
            alias: "alias/payments".into(),
            rotations_before: 0,
            primary_key_material_id: Some(NEW_ID.into()),
            listing: String::new(),
        }
    }

    pub fn rotation(replicas: &str) -> Runbook {
        let mut runbook = start(
            &input(RunbookKind::Rotation, MRK, replicas),
            "r1".into(),
            NOW,
        )
        .unwrap();
        runbook.new_key_id = Some("k2".into());
        runbook
    }

    /// get-parameters-for-import output for `arn`, AWS CLI v2 shape.
    pub fn parameters(arn: &str, valid_to: &str) -> ImportParameters {
        ImportParameters::parse(&format!(
            r#"{{"KeyId":"{arn}","ImportToken":"AQID","PublicKey":"MIIB","ParametersValidTo":"{valid_to}"}}"#
        ))
        .unwrap()
    }

    pub fn import_output(arn: &str, id: &str) -> ImportOutput {
        parse_import_output(&format!(r#"{{"KeyId":"{arn}","KeyMaterialId":"{id}"}}"#)).unwrap()
    }

    /// Parameters, export and import done for `region` with material `id`.
    pub fn import_in(runbook: &mut Runbook, region: &str, id: &str) {
        let arn = runbook.arn_in(region).unwrap().to_string();
        let p = parameters(&arn, "2026-11-30T11:00:00Z");
        runbook.check_parameters(region, &p, NOW).unwrap();
        runbook
            .parameters_imported(region, &format!("kek-{region}"), &p, &alice())
            .unwrap();
        runbook
            .exported(region, &format!("entry-{region}"), &alice())
            .unwrap();
        runbook.import_command(region, NOW).unwrap();
        runbook
            .accept_import(region, &import_output(&arn, id), &alice())
            .unwrap();
    }

    pub fn status(runbook: &Runbook, id: StepId) -> StepStatus {
        runbook
            .steps(NOW)
            .into_iter()
            .find(|s| s.id == id)
            .unwrap()
            .status
    }

    pub fn user(name: &str) -> UserId {
        UserId::new(name).unwrap()
    }
}
