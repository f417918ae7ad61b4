//! Rotation and multi-Region runbooks for one AWS key: which AWS CLI step comes
//! next, which orders AWS refuses, and the progress kept in the KMS for any browser.
//!
//! # Where and how a runbook is stored
//!
//! One vendor attribute on the KMS key AWS holds now (the *source* key, the one
//! the ledger entry is on): name `byok_aws_runbook_<id>` ([`attribute_name`]),
//! value the compact JSON of [`Runbook::to_attribute_value`], format
//! `byok-aws-runbook/1`. Any KMIP client can read it; every paste the page
//! accepts is written back before the next step is offered, so another
//! operator (or browser) continues where the last one stopped.
//!
//! # Who did what
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

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::account::UserId;
use super::arn::AwsKeyArn;
use super::aws_cli::{self, CreateKeyOptions};
use super::aws_key_spec::AwsKeySpec;
use super::aws_outputs::{
    DescribeKeyOutput, ImportOutput, KeyMaterialState, KeyRotationsOutput, arn_key_id,
    parse_key_rotations,
};
use super::cli::{CliCommand, shell_quote};
use super::import_command::{Expiration, ImportCommand, ImportType, parse_date};
use super::import_parameters::{ImportParameters, Validity};
use super::ledger::{CommandOptions, whole_seconds};

/// The `format` member of every runbook this version writes.
pub const FORMAT: &str = "byok-aws-runbook/1";
/// What every runbook attribute name starts with; the runbook id follows.
pub const ATTRIBUTE_PREFIX: &str = "byok_aws_runbook_";
/// AWS's limit on on-demand rotations of one key with imported material.
pub const MAX_ON_DEMAND_ROTATIONS: u32 = 25;
/// The file names the page's downloads and commands use.
pub const MATERIAL_FILE: &str = "EncryptedKeyMaterial.bin";
pub const TOKEN_FILE: &str = "ImportToken.bin";

/// Which plan a runbook follows (see the module doc).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunbookKind {
    Rotation,
    Replicas,
    NewKey,
}

impl RunbookKind {
    fn wire_name(self) -> &'static str {
        match self {
            Self::Rotation => "rotation",
            Self::Replicas => "replicas",
            Self::NewKey => "new_key",
        }
    }

    fn parse(name: &str) -> Option<Self> {
        [Self::Rotation, Self::Replicas, Self::NewKey]
            .into_iter()
            .find(|k| k.wire_name() == name)
    }

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

/// One Region's progress: its wrapping key and token, the export, the import.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegionProgress {
    /// `eu-west-3`; the first Region of a runbook is the primary's.
    pub region: String,
    /// The KMS id of the KEK imported from this Region's parameters.
    pub kek_id: Option<String>,
    /// This Region's import token (base64), valid with its wrapping key only.
    /// Not a secret: useless without AWS's private wrapping key; kept so
    /// another browser can carry on.
    pub import_token: Option<String>,
    pub parameters_valid_to: Option<OffsetDateTime>,
    /// The ledger entry recorded by this Region's wrapped export.
    pub entry_id: Option<String>,
    /// AWS's `KeyMaterialId` from this Region's import-key-material output.
    pub key_material_id: Option<String>,
    /// Members a newer writer added to this Region, kept and written back verbatim.
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

/// A runbook and its progress, as stored in the KMS.
#[derive(Clone, Debug, PartialEq)]
pub struct Runbook {
    /// `[A-Za-z0-9_]`, sorts by time (the ledger's entry id scheme).
    pub id: String,
    pub kind: RunbookKind,
    pub key_spec: AwsKeySpec,
    /// The KMS key whose material AWS holds now (holds this runbook).
    pub source_key_id: String,
    /// The ledger entry the runbook started from, if any.
    pub source_entry_id: Option<String>,
    /// The KMS key whose material the Regions import: the ReKey'd next
    /// generation (rotation, new key), or the source key itself (replicas).
    pub new_key_id: Option<String>,
    /// The AWS key being rotated or replicated (the primary, for multi-Region).
    pub key_arn: AwsKeyArn,
    /// New key plan: the new AWS key's ARN, pasted from create-key.
    pub new_key_arn: Option<AwsKeyArn>,
    /// New key plan: `alias/…` to move (empty: no alias to move).
    pub alias: Option<String>,
    /// `--key-material-description` of the primary's NEW import (rotation).
    pub description: Option<String>,
    pub expiration: Expiration,
    /// On-demand rotations AWS made before this one (from the ledger or list-key-rotations).
    pub rotations_before: u32,
    /// Primary first, then each replica Region.
    pub regions: Vec<RegionProgress>,
    /// rotate-key-on-demand done: describe-key's `CurrentKeyMaterialId` is the new material's.
    pub rotated: bool,
    /// New key plan: describe-key of the new key showed it Enabled, alias moved.
    pub finished: bool,
    pub started_at: OffsetDateTime,
    /// Who started it; `None` in runbooks started before users were recorded.
    pub started_by: Option<UserId>,
    /// Who recorded each step's progress, as stored ([`Runbook::done_by`]
    /// reads it; kept as JSON so that what a newer writer adds survives).
    pub done_by: BTreeMap<String, Value>,
    /// Members a newer writer added, kept and written back verbatim.
    pub preserved: BTreeMap<String, Value>,
}

/// `byok_aws_runbook_<id>`.
pub fn attribute_name(id: &str) -> String {
    format!("{ATTRIBUTE_PREFIX}{id}")
}

/// Whether a vendor attribute name is a runbook's.
pub fn is_runbook_attribute(name: &str) -> bool {
    name.strip_prefix(ATTRIBUTE_PREFIX).is_some_and(|id| {
        !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    })
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
            super::import_command::check_valid_to(date, now)?;
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
    /// The vendor attribute name this runbook is stored under.
    pub fn attribute_name(&self) -> String {
        attribute_name(&self.id)
    }

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

    fn expired(&self, region: &RegionProgress, now: OffsetDateTime) -> bool {
        region.parameters_valid_to.is_some_and(|t| t <= now)
    }

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
                description: format!("Rotated from {}", self.key_arn),
                region: self.key_arn.region().to_owned(),
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
                "These parameters are for {pasted}, not {expected}: run the command shown and paste its output."
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
                "This output is about {}, not {expected}: paste {region}'s import-key-material output.",
                output
                    .key
                    .arn()
                    .map_or(output.key.key_id().to_owned(), ToString::to_string)
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
                "This describe-key output is about {}, not {expected}: describe {region}'s key.",
                output.arn
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
        let key = super::aws_outputs::KeyRef::Arn(expected);
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
                "This describe-key output is about {}, not {expected}.",
                output.arn
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
    fn mark_done(&mut self, step: &StepId, by: &UserId) {
        let (key, member) = progress_key(step);
        let mut record = serde_json::Map::new();
        record.insert("by".to_owned(), Value::String(by.to_string()));
        if let (Some(member), Some(value)) = (member, self.progress_value(step)) {
            record.insert(member.to_owned(), Value::String(value));
        }
        self.done_by.insert(key, Value::Object(record));
    }

    /// The compact JSON stored as the attribute's value.
    pub fn to_attribute_value(&self) -> String {
        let wire = WireRunbook {
            format: FORMAT.to_owned(),
            id: self.id.clone(),
            kind: self.kind.wire_name().to_owned(),
            key_spec: self.key_spec.aws_name(),
            source_key_id: self.source_key_id.clone(),
            source_entry_id: self.source_entry_id.clone(),
            new_key_id: self.new_key_id.clone(),
            key_arn: self.key_arn.to_string(),
            new_key_arn: self.new_key_arn.as_ref().map(ToString::to_string),
            alias: self.alias.clone(),
            description: self.description.clone(),
            valid_to: match self.expiration {
                Expiration::ExpiresOn(date) => Some(date.to_string()),
                Expiration::DoesNotExpire => None,
            },
            rotations_before: self.rotations_before,
            regions: self
                .regions
                .iter()
                .map(|r| WireRegion {
                    region: r.region.clone(),
                    kek_id: r.kek_id.clone(),
                    import_token: r.import_token.clone(),
                    parameters_valid_to: r.parameters_valid_to.map(rfc3339),
                    entry_id: r.entry_id.clone(),
                    key_material_id: r.key_material_id.clone(),
                    preserved: r.preserved.clone(),
                })
                .collect(),
            rotated: self.rotated,
            finished: self.finished,
            started_at: rfc3339(self.started_at),
            started_by: self.started_by.as_ref().map(ToString::to_string),
            done_by: self.done_by.clone(),
            preserved: self.preserved.clone(),
        };
        serde_json::to_string(&wire).unwrap_or_default()
    }

    /// Reads a runbook attribute back; never panics.
    pub fn from_attribute(name: &str, value: &str) -> Result<Self, String> {
        let id = name
            .strip_prefix(ATTRIBUTE_PREFIX)
            .filter(|_| is_runbook_attribute(name))
            .ok_or_else(|| format!("{name} is not a runbook attribute."))?;
        let bad =
            |why: String| format!("The runbook {id} cannot be read ({why}); it is left untouched.");
        let wire: WireRunbook =
            serde_json::from_str(value).map_err(|e| bad(format!("not its JSON: {e}")))?;
        if wire.format != FORMAT {
            return Err(bad(format!("format \"{}\" is not {FORMAT}", wire.format)));
        }
        if wire.id != id {
            return Err(bad(format!(
                "its id {} is not the one in its name",
                wire.id
            )));
        }
        let kind =
            RunbookKind::parse(&wire.kind).ok_or_else(|| bad(format!("kind \"{}\"", wire.kind)))?;
        let key_spec = AwsKeySpec::parse(&wire.key_spec)
            .ok_or_else(|| bad(format!("key_spec \"{}\"", wire.key_spec)))?;
        let key_arn = AwsKeyArn::parse(&wire.key_arn).map_err(&bad)?;
        let new_key_arn = wire
            .new_key_arn
            .as_deref()
            .map(AwsKeyArn::parse)
            .transpose()
            .map_err(&bad)?;
        let expiration = match wire.valid_to.as_deref() {
            None => Expiration::DoesNotExpire,
            Some(text) => Expiration::ExpiresOn(
                parse_date(text).ok_or_else(|| bad(format!("valid_to \"{text}\"")))?,
            ),
        };
        let regions = wire
            .regions
            .into_iter()
            .map(|r| {
                Ok(RegionProgress {
                    parameters_valid_to: r
                        .parameters_valid_to
                        .as_deref()
                        .map(parse_time)
                        .transpose()
                        .map_err(&bad)?,
                    region: r.region,
                    kek_id: r.kek_id,
                    import_token: r.import_token,
                    entry_id: r.entry_id,
                    key_material_id: r.key_material_id,
                    preserved: r.preserved,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let started_by = wire
            .started_by
            .as_deref()
            .map(|name| {
                UserId::new(name)
                    .filter(|user| user.as_str() == name)
                    .ok_or_else(|| bad(format!("started_by \"{name}\" is not a user id")))
            })
            .transpose()?;
        if let Some((step, _)) = wire.done_by.iter().find(|(_, record)| !record.is_object()) {
            return Err(bad(format!("done_by.{step} is not an object")));
        }
        if regions.is_empty() {
            return Err(bad("no Regions".to_owned()));
        }
        Ok(Self {
            id: wire.id,
            kind,
            key_spec,
            source_key_id: wire.source_key_id,
            source_entry_id: wire.source_entry_id,
            new_key_id: wire.new_key_id,
            key_arn,
            new_key_arn,
            alias: wire.alias,
            description: wire.description,
            expiration,
            rotations_before: wire.rotations_before,
            regions,
            rotated: wire.rotated,
            finished: wire.finished,
            started_at: parse_time(&wire.started_at).map_err(&bad)?,
            started_by,
            done_by: wire.done_by,
            preserved: wire.preserved,
        })
    }
}

fn need_new_key() -> String {
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
            "This list-key-rotations output is about {other}, not {arn}: run it for this key."
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

fn rfc3339(t: OffsetDateTime) -> String {
    whole_seconds(t).format(&Rfc3339).unwrap_or_default()
}

fn parse_time(text: &str) -> Result<OffsetDateTime, String> {
    OffsetDateTime::parse(text, &Rfc3339).map_err(|e| format!("\"{text}\" is not RFC 3339: {e}"))
}

#[derive(Serialize, Deserialize)]
struct WireRunbook {
    format: String,
    id: String,
    kind: String,
    key_spec: String,
    source_key_id: String,
    source_entry_id: Option<String>,
    new_key_id: Option<String>,
    key_arn: String,
    new_key_arn: Option<String>,
    alias: Option<String>,
    description: Option<String>,
    valid_to: Option<String>,
    rotations_before: u32,
    regions: Vec<WireRegion>,
    rotated: bool,
    finished: bool,
    started_at: String,
    /// Absent (not `null`) when not known: older runbooks stay byte for byte.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    started_by: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    done_by: BTreeMap<String, Value>,
    #[serde(flatten)]
    preserved: BTreeMap<String, Value>,
}

#[derive(Serialize, Deserialize)]
struct WireRegion {
    region: String,
    kek_id: Option<String>,
    import_token: Option<String>,
    parameters_valid_to: Option<String>,
    entry_id: Option<String>,
    key_material_id: Option<String>,
    #[serde(flatten)]
    preserved: BTreeMap<String, Value>,
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
    use time::macros::datetime;

    use super::*;
    use crate::domain::aws_outputs::{parse_describe_key, parse_import_output};
    use crate::domain::ledger::tests::alice;

    const NOW: OffsetDateTime = datetime!(2026-11-29 12:00 UTC);
    const MRK: &str = "arn:aws:kms:us-west-2:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab";
    const SINGLE: &str =
        "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const NEW_ID: &str = "0b7fd7ddbac6eef27907413567cad8c810e2883dc8a7534067a82ee1142fc1e6";

    fn input(kind: RunbookKind, arn: &str, replicas: &str) -> RunbookStart {
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

    fn rotation(replicas: &str) -> Runbook {
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
    fn parameters(arn: &str, valid_to: &str) -> ImportParameters {
        ImportParameters::parse(&format!(
            r#"{{"KeyId":"{arn}","ImportToken":"AQID","PublicKey":"MIIB","ParametersValidTo":"{valid_to}"}}"#
        ))
        .unwrap()
    }

    fn import_output(arn: &str, id: &str) -> ImportOutput {
        parse_import_output(&format!(r#"{{"KeyId":"{arn}","KeyMaterialId":"{id}"}}"#)).unwrap()
    }

    /// Parameters, export and import done for `region` with material `id`.
    fn import_in(runbook: &mut Runbook, region: &str, id: &str) {
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

    fn status(runbook: &Runbook, id: StepId) -> StepStatus {
        runbook
            .steps(NOW)
            .into_iter()
            .find(|s| s.id == id)
            .unwrap()
            .status
    }

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

    /// An AWS-shaped fixture (`tests/fixtures/aws/`) about `key_id`.
    fn listing(name: &str, key_id: &str) -> String {
        crate::domain::aws_outputs::tests::fixture(name)
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

    #[test]
    fn unreadable_runbooks_are_refused_not_panicked_on() {
        assert!(Runbook::from_attribute("byok_aws_runbook_r1", "{").is_err());
        assert!(Runbook::from_attribute("byok_aws_copy_r1", "{}").is_err());
        let runbook = rotation("");
        let value = runbook
            .to_attribute_value()
            .replace("byok-aws-runbook/1", "byok-aws-runbook/9");
        assert!(
            Runbook::from_attribute(&runbook.attribute_name(), &value)
                .unwrap_err()
                .contains("format")
        );
        let with_extra = runbook
            .to_attribute_value()
            .replacen('{', r#"{"later":1,"#, 1);
        let read = Runbook::from_attribute(&runbook.attribute_name(), &with_extra).unwrap();
        assert!(read.to_attribute_value().contains(r#""later":1"#));
        assert!(is_runbook_attribute("byok_aws_runbook_a1"));
        assert!(!is_runbook_attribute("byok_aws_runbook_"));
        assert_eq!(
            file_name(MATERIAL_FILE, "eu-west-1"),
            "EncryptedKeyMaterial-eu-west-1.bin"
        );
    }

    /// A single-Region rotation as the versions before users were recorded
    /// wrote it once rotated.
    const OLDER_RUNBOOK: &str = concat!(
        r#"{"format":"byok-aws-runbook/1","id":"r1","kind":"rotation","key_spec":"SYMMETRIC_DEFAULT","#,
        r#""source_key_id":"k1","source_entry_id":"e1","new_key_id":"k2","#,
        r#""key_arn":"arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab","#,
        r#""new_key_arn":null,"alias":"alias/payments","description":"generation 2","valid_to":null,"#,
        r#""rotations_before":0,"regions":[{"region":"us-west-2","kek_id":"kek-us-west-2","#,
        r#""import_token":"AQID","parameters_valid_to":"2026-11-30T11:00:00Z","entry_id":"entry-us-west-2","#,
        r#""key_material_id":"0b7fd7ddbac6eef27907413567cad8c810e2883dc8a7534067a82ee1142fc1e6"}],"#,
        r#""rotated":true,"finished":false,"started_at":"2026-11-29T12:00:00Z"}"#
    );

    fn user(name: &str) -> UserId {
        UserId::new(name).unwrap()
    }

    /// [`OLDER_RUNBOOK`]'s steps, each done by whom the test says.
    fn rotated_by(alice: &UserId, bob: &UserId, carol: &UserId) -> Runbook {
        let mut runbook =
            start(&input(RunbookKind::Rotation, SINGLE, ""), "r1".into(), NOW).unwrap();
        runbook.started_by = Some(alice.clone());
        runbook.new_material("k2", alice);
        let p = parameters(SINGLE, "2026-11-30T11:00:00Z");
        runbook
            .parameters_imported("us-west-2", "kek-us-west-2", &p, bob)
            .unwrap();
        runbook
            .exported("us-west-2", "entry-us-west-2", bob)
            .unwrap();
        runbook
            .accept_import("us-west-2", &import_output(SINGLE, NEW_ID), carol)
            .unwrap();
        let described = parse_describe_key(&format!(
            r#"{{"KeyMetadata":{{"Arn":"{SINGLE}","KeyId":"1234abcd-12ab-34cd-56ef-1234567890ab","KeyState":"Enabled","CurrentKeyMaterialId":"{NEW_ID}"}}}}"#
        ))
        .unwrap();
        runbook.accept_check(&described, NOW, alice).unwrap();
        runbook
    }

    #[test]
    fn runbooks_written_before_users_were_recorded_read_back_byte_for_byte() {
        let read = Runbook::from_attribute("byok_aws_runbook_r1", OLDER_RUNBOOK).unwrap();
        assert_eq!(read.to_attribute_value(), OLDER_RUNBOOK);
        assert_eq!(read.started_by, None);
        assert!(read.done_by.is_empty());
        for step in read.steps(NOW) {
            assert_eq!(step.status, StepStatus::Done, "{step:?}");
            assert_eq!(
                read.step_actor(&step.id),
                StepActor::NotRecorded,
                "{step:?}"
            );
        }
        assert_eq!(
            StepActor::NotRecorded.words(),
            "user not recorded (older runbook)"
        );
        // The same steps done by this version differ only by who did them.
        let mut now_recorded = rotated_by(&user("a@x"), &user("b@x"), &user("c@x"));
        now_recorded.started_by = None;
        now_recorded.done_by.clear();
        assert_eq!(now_recorded, read);
        // Members a newer writer added, at the top and in a Region, are kept.
        let newer = OLDER_RUNBOOK
            .replace(
                r#""key_material_id":"0b7f"#,
                r#""kms_region":"x","key_material_id":"0b7f"#,
            )
            .replace(r#"12:00:00Z"}"#, r#"12:00:00Z","later":1}"#);
        let read = Runbook::from_attribute("byok_aws_runbook_r1", &newer).unwrap();
        assert_eq!(read.regions[0].preserved["kms_region"], "x");
        let written = read.to_attribute_value();
        assert!(written.contains(r#""kms_region":"x""#), "{written}");
        assert!(written.ends_with(r#","later":1}"#), "{written}");
    }

    #[test]
    fn who_did_each_step_is_stored_and_pinned() {
        let (alice, bob, carol) = (
            user("alice@example.com"),
            user("bob@example.com"),
            user("carol@example.com"),
        );
        let runbook = rotated_by(&alice, &bob, &carol);
        let expected = OLDER_RUNBOOK.replace(
            r#""started_at":"2026-11-29T12:00:00Z"}"#,
            concat!(
                r#""started_at":"2026-11-29T12:00:00Z","started_by":"alice@example.com","#,
                r#""done_by":{"check":{"by":"alice@example.com"},"#,
                r#""export/us-west-2":{"by":"bob@example.com","entry_id":"entry-us-west-2"},"#,
                r#""import/us-west-2":{"by":"carol@example.com","#,
                r#""key_material_id":"0b7fd7ddbac6eef27907413567cad8c810e2883dc8a7534067a82ee1142fc1e6"},"#,
                r#""new_material":{"by":"alice@example.com","new_key_id":"k2"},"#,
                r#""parameters/us-west-2":{"by":"bob@example.com","kek_id":"kek-us-west-2"}}}"#
            ),
        );
        let value = runbook.to_attribute_value();
        assert_eq!(value, expected);
        let read = Runbook::from_attribute(&runbook.attribute_name(), &value).unwrap();
        assert_eq!(read, runbook);
        assert_eq!(read.to_attribute_value(), expected);
        let actor = |id: StepId| read.step_actor(&id);
        assert_eq!(actor(StepId::NewMaterial), StepActor::By(alice.clone()));
        assert_eq!(
            actor(StepId::Parameters("us-west-2".into())),
            StepActor::By(bob.clone())
        );
        assert_eq!(
            actor(StepId::Export("us-west-2".into())),
            StepActor::By(bob.clone())
        );
        assert_eq!(
            actor(StepId::Import("us-west-2".into())),
            StepActor::By(carol.clone())
        );
        assert_eq!(actor(StepId::Rotate), StepActor::By(alice.clone()));
        assert_eq!(actor(StepId::Check), StepActor::By(alice.clone()));
        assert_eq!(StepActor::By(carol).words(), "by carol@example.com");
    }

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

    #[test]
    fn bad_users_in_a_runbook_are_refused_not_guessed() {
        let runbook = rotated_by(&user("a@x"), &user("b@x"), &user("c@x"));
        let value = runbook.to_attribute_value();
        let read = |value: &str| Runbook::from_attribute(&runbook.attribute_name(), value);
        let empty = value.replace(r#""started_by":"a@x""#, r#""started_by":"""#);
        assert!(
            read(&empty)
                .unwrap_err()
                .contains("started_by \"\" is not a user id")
        );
        let not_object = value.replace(r#""check":{"by":"a@x"}"#, r#""check":"a@x""#);
        assert!(
            read(&not_object)
                .unwrap_err()
                .contains("done_by.check is not an object")
        );
        // A record without a usable user names nobody.
        let nobody = value.replace(r#""check":{"by":"a@x"}"#, r#""check":{"by":""}"#);
        assert_eq!(
            read(&nobody).unwrap().step_actor(&StepId::Check),
            StepActor::NotRecorded
        );
    }
}
