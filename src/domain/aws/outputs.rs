//! The JSON the user pastes back from the AWS CLI (import-key-material,
//! describe-key, list-key-rotations, get-public-key, generate-mac), recognised and typed.
//!
//! Member names and enum values follow the AWS KMS API model (botocore
//! `kms/2014-11-01/service-2.json`). Times are accepted as AWS CLI v2 prints
//! them (ISO 8601, e.g. `2026-11-28T12:00:00+00:00`) and as the API and CLI v1
//! print them (seconds since 1970). Every refusal says what is wrong and how to
//! get the right paste.

use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::domain::aws::arn::AwsKeyArn;
use crate::domain::aws::last_usage::{LastUsageOutput, LastUse, UsageReading};
use crate::domain::base64_text::decode_base64;

/// A key as an output names it: a full ARN, or a bare key id (list-key-rotations).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyRef {
    Arn(AwsKeyArn),
    Id(String),
}

impl KeyRef {
    fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.starts_with("arn:") {
            AwsKeyArn::parse(text).map(Self::Arn)
        } else if !text.is_empty() && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            Ok(Self::Id(text.to_owned()))
        } else {
            Err(format!("\"{text}\" is neither a key ARN nor a key id"))
        }
    }

    /// The key id (`1234abcd-…` or `mrk-…`).
    pub fn key_id(&self) -> &str {
        match self {
            Self::Arn(arn) => arn_key_id(arn),
            Self::Id(id) => id,
        }
    }

    pub fn arn(&self) -> Option<&AwsKeyArn> {
        match self {
            Self::Arn(arn) => Some(arn),
            Self::Id(_) => None,
        }
    }
}

impl std::fmt::Display for KeyRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Arn(arn) => write!(f, "{arn}"),
            Self::Id(id) => f.write_str(id),
        }
    }
}

/// The key id part of a key ARN.
pub fn arn_key_id(arn: &AwsKeyArn) -> &str {
    arn.as_str().rsplit_once(":key/").map_or("", |(_, id)| id)
}

/// The 12-digit account of a key ARN.
pub fn arn_account(arn: &AwsKeyArn) -> &str {
    arn.as_str().split(':').nth(4).unwrap_or_default()
}

/// Words naming `found`'s account when it is not `expected`'s (a key shared from, or
/// pasted for, another AWS account), e.g. " — a key of AWS account 111122223333, not
/// 444455556666"; empty when the accounts are the same or `found` names none.
pub fn another_account_words(found: Option<&AwsKeyArn>, expected: &AwsKeyArn) -> String {
    match found {
        Some(found) if arn_account(found) != arn_account(expected) => format!(
            " — a key of AWS account {}, not {}",
            arn_account(found),
            arn_account(expected)
        ),
        _ => String::new(),
    }
}

/// When the AWS key typed or pasted for an import (`chosen`) is of another account than
/// the key whose get-parameters-for-import gave the wrapping key (`kek_for`): which
/// accounts, and what to do (AWS refuses a token made for another key).
pub fn other_account_notice(chosen: &AwsKeyArn, kek_for: &AwsKeyArn) -> Option<String> {
    (arn_account(chosen) != arn_account(kek_for)).then(|| {
        format!(
            "{chosen} is a key of AWS account {}, not {}, the account of {kek_for}, whose get-parameters-for-import gave this wrapping key: AWS refuses a token made for another key. Import into {kek_for}, or export again under a wrapping key from get-parameters-for-import for {chosen}.",
            arn_account(chosen),
            arn_account(kek_for)
        )
    })
}

/// `aws kms import-key-material` output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportOutput {
    pub key: KeyRef,
    pub key_material_id: String,
}

/// `aws kms describe-key` output (`KeyMetadata`), the members the ledger uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DescribeKeyOutput {
    pub arn: AwsKeyArn,
    pub key_id: String,
    /// `Enabled`, `PendingImport`, `Disabled`, `PendingDeletion`, …
    pub key_state: String,
    /// `EXTERNAL` for imported material.
    pub origin: Option<String>,
    pub key_spec: Option<String>,
    pub key_usage: Option<String>,
    pub expiration_model: Option<String>,
    pub valid_to: Option<OffsetDateTime>,
    pub current_key_material_id: Option<String>,
    pub multi_region: Option<bool>,
    /// `PRIMARY` or `REPLICA` for a multi-Region key.
    pub multi_region_key_type: Option<String>,
}

/// A `KeyMaterialState` of list-key-rotations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyMaterialState {
    Current,
    NonCurrent,
    /// Imported NEW material waiting for `rotate-key-on-demand`; not yet
    /// permanently associated (it can still be deleted and replaced).
    PendingRotation,
    /// Multi-Region: the primary imported NEW material; every replica must
    /// import it (EXISTING_KEY_MATERIAL) before the primary rotates.
    PendingMultiRegionImportAndRotation,
    /// A value this app does not know yet, kept as AWS wrote it.
    Other(String),
}

impl KeyMaterialState {
    pub fn parse(name: &str) -> Self {
        match name {
            "CURRENT" => Self::Current,
            "NON_CURRENT" => Self::NonCurrent,
            "PENDING_ROTATION" => Self::PendingRotation,
            "PENDING_MULTI_REGION_IMPORT_AND_ROTATION" => Self::PendingMultiRegionImportAndRotation,
            other => Self::Other(other.to_owned()),
        }
    }

    pub fn aws_name(&self) -> &str {
        match self {
            Self::Current => "CURRENT",
            Self::NonCurrent => "NON_CURRENT",
            Self::PendingRotation => "PENDING_ROTATION",
            Self::PendingMultiRegionImportAndRotation => "PENDING_MULTI_REGION_IMPORT_AND_ROTATION",
            Self::Other(name) => name,
        }
    }

    /// Imported but not yet rotated in.
    pub fn is_pending_rotation(&self) -> bool {
        matches!(
            self,
            Self::PendingRotation | Self::PendingMultiRegionImportAndRotation
        )
    }
}

/// One `Rotations[]` member of list-key-rotations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyMaterialListing {
    pub key: Option<KeyRef>,
    pub key_material_id: Option<String>,
    pub description: Option<String>,
    /// `IMPORTED` or `PENDING_IMPORT` (expired or deleted: re-import needed).
    pub import_state: Option<String>,
    pub key_material_state: Option<KeyMaterialState>,
    pub expiration_model: Option<String>,
    pub valid_to: Option<OffsetDateTime>,
    pub rotation_date: Option<OffsetDateTime>,
    /// `AUTOMATIC` or `ON_DEMAND`; absent for the first and pending materials.
    pub rotation_type: Option<String>,
}

/// `aws kms list-key-rotations --include-key-material ALL_KEY_MATERIAL` output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyRotationsOutput {
    pub rotations: Vec<KeyMaterialListing>,
    /// More materials exist than were listed (`Truncated`, or a `NextToken`
    /// printed by the CLI with `--max-items`).
    pub truncated: bool,
}

/// `aws kms get-public-key` output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicKeyOutput {
    pub key: KeyRef,
    /// SubjectPublicKeyInfo DER.
    pub public_key_der: Vec<u8>,
    pub key_spec: Option<String>,
    pub key_usage: Option<String>,
}

/// `aws kms generate-mac` output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MacOutput {
    pub key: KeyRef,
    pub mac: Vec<u8>,
    /// `HMAC_SHA_256`, …
    pub mac_algorithm: String,
}

/// Whichever output was pasted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AwsOutput {
    Import(ImportOutput),
    DescribeKey(DescribeKeyOutput),
    KeyRotations(KeyRotationsOutput),
    PublicKey(PublicKeyOutput),
    Mac(MacOutput),
    LastUsage(LastUsageOutput),
}

impl AwsOutput {
    /// The AWS CLI command that prints it (`describe-key`, …).
    pub fn command(&self) -> &'static str {
        match self {
            Self::Import(_) => Kind::Import.command(),
            Self::DescribeKey(_) => Kind::DescribeKey.command(),
            Self::KeyRotations(_) => Kind::KeyRotations.command(),
            Self::PublicKey(_) => Kind::PublicKey.command(),
            Self::Mac(_) => Kind::Mac.command(),
            Self::LastUsage(_) => Kind::LastUsage.command(),
        }
    }

    /// The keys the output names (one, or one per listed material).
    pub fn keys(&self) -> Vec<KeyRef> {
        match self {
            Self::Import(o) => vec![o.key.clone()],
            Self::DescribeKey(o) => vec![KeyRef::Arn(o.arn.clone())],
            Self::KeyRotations(o) => o.rotations.iter().filter_map(|r| r.key.clone()).collect(),
            Self::PublicKey(o) => vec![o.key.clone()],
            Self::Mac(o) => vec![o.key.clone()],
            Self::LastUsage(o) => vec![o.key.clone()],
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Import,
    DescribeKey,
    KeyRotations,
    PublicKey,
    Mac,
    LastUsage,
}

impl Kind {
    fn command(self) -> &'static str {
        match self {
            Self::Import => "import-key-material",
            Self::DescribeKey => "describe-key",
            Self::KeyRotations => "list-key-rotations",
            Self::PublicKey => "get-public-key",
            Self::Mac => "generate-mac",
            Self::LastUsage => "get-key-last-usage",
        }
    }
}

const ACCEPTED: &str = "import-key-material, describe-key, list-key-rotations --include-key-material ALL_KEY_MATERIAL, get-public-key, generate-mac or get-key-last-usage";

/// Recognises which output was pasted and reads it. With `expected`, an
/// output about another key, Region or account is refused, saying which.
pub fn parse_aws_output(text: &str, expected: Option<&AwsKeyArn>) -> Result<AwsOutput, String> {
    let object = json_object(text)?;
    let output = match recognise(&object)? {
        Kind::Import => AwsOutput::Import(import_from(&object)?),
        Kind::DescribeKey => AwsOutput::DescribeKey(describe_from(&object)?),
        Kind::KeyRotations => AwsOutput::KeyRotations(rotations_from(&object)?),
        Kind::PublicKey => AwsOutput::PublicKey(public_key_from(&object)?),
        Kind::Mac => AwsOutput::Mac(mac_from(&object)?),
        Kind::LastUsage => AwsOutput::LastUsage(last_usage_from(&object)?),
    };
    if let Some(expected) = expected {
        for key in output.keys() {
            check_key(&key, expected, output.command())?;
        }
    }
    Ok(output)
}

/// import-key-material's output only.
pub fn parse_import_output(text: &str) -> Result<ImportOutput, String> {
    import_from(&only(text, Kind::Import)?)
}

/// describe-key's output only.
pub fn parse_describe_key(text: &str) -> Result<DescribeKeyOutput, String> {
    describe_from(&only(text, Kind::DescribeKey)?)
}

/// list-key-rotations' output only.
pub fn parse_key_rotations(text: &str) -> Result<KeyRotationsOutput, String> {
    rotations_from(&only(text, Kind::KeyRotations)?)
}

/// get-public-key's output only.
pub fn parse_public_key(text: &str) -> Result<PublicKeyOutput, String> {
    public_key_from(&only(text, Kind::PublicKey)?)
}

/// generate-mac's output only.
pub fn parse_mac(text: &str) -> Result<MacOutput, String> {
    mac_from(&only(text, Kind::Mac)?)
}

/// The key an output names must be `expected`: same account, Region and key id.
pub fn check_key(found: &KeyRef, expected: &AwsKeyArn, command: &str) -> Result<(), String> {
    let expected_id = arn_key_id(expected);
    let Some(arn) = found.arn() else {
        return if found.key_id() == expected_id {
            Ok(())
        } else {
            Err(format!(
                "This {command} output is about key {}, not {expected_id} ({expected}): run it with --key-id {expected} --region {}.",
                found.key_id(),
                expected.region()
            ))
        };
    };
    if arn == expected {
        return Ok(());
    }
    if arn_key_id(arn) == expected_id && arn.region() != expected.region() {
        return Err(format!(
            "This {command} output is from Region {}, but the key is in {}: run it again with --region {} (each Region of a multi-Region key holds its own copy of the material).",
            arn.region(),
            expected.region(),
            expected.region()
        ));
    }
    if arn_key_id(arn) == expected_id && arn_account(arn) != arn_account(expected) {
        return Err(format!(
            "This {command} output is from account {}, but the key is in account {}: run it with that account's credentials (--profile).",
            arn_account(arn),
            arn_account(expected)
        ));
    }
    Err(format!(
        "This {command} output is about another key ({arn}{}), not {expected}: run it with --key-id {expected} --region {}.",
        another_account_words(Some(arn), expected),
        expected.region()
    ))
}

fn only(text: &str, wanted: Kind) -> Result<Map<String, Value>, String> {
    let object = json_object(text)?;
    let found = recognise(&object)?;
    if found != wanted {
        return Err(format!(
            "This is the output of aws kms {}, not of aws kms {}: paste what {} printed.",
            found.command(),
            wanted.command(),
            wanted.command()
        ));
    }
    Ok(object)
}

/// The pasted text as a JSON object, or what is wrong with it.
fn json_object(text: &str) -> Result<Map<String, Value>, String> {
    let text = text.trim().trim_start_matches('\u{feff}');
    if text.is_empty() {
        return Err(format!(
            "Nothing was pasted: paste the JSON printed by aws kms {ACCEPTED} (an older AWS CLI prints nothing after import-key-material: paste describe-key's output instead)."
        ));
    }
    if text.starts_with("aws ") || text.starts_with("$ aws ") {
        return Err(
            "This is a command, not its output: run it, then paste the JSON it prints.".to_owned(),
        );
    }
    if text.contains("An error occurred (") {
        let line = text
            .lines()
            .find(|l| l.contains("An error occurred ("))
            .unwrap_or(text);
        return Err(format!(
            "This is an AWS CLI error, not an output: \"{}\". Fix what it says and run the command again.",
            line.trim()
        ));
    }
    if !text.starts_with(['{', '[']) {
        let hint = if text
            .lines()
            .next()
            .is_some_and(|l| l.trim_end().ends_with(':'))
            || text.contains(": ") && !text.contains('{')
        {
            " It looks like YAML or text output: add --output json to the command."
        } else if text.contains('\t') {
            " It looks like --output text: add --output json to the command."
        } else {
            ""
        };
        return Err(format!(
            "This is not JSON (it should start with {{).{hint} Paste the whole output of aws kms {ACCEPTED}."
        ));
    }
    let value: Value = serde_json::from_str(text).map_err(|e| {
        if e.is_eof() {
            "The JSON stops before its end (truncated): copy the whole output, from the first { to the last }.".to_owned()
        } else {
            format!(
                "This is not valid JSON ({e}): paste the output exactly as the AWS CLI printed it, from the first {{ to the last }}."
            )
        }
    })?;
    match value {
        Value::Object(object) => Ok(object),
        _ => Err(
            "This JSON is not an object: paste the whole output, from the first { to the last }."
                .to_owned(),
        ),
    }
}

fn recognise(o: &Map<String, Value>) -> Result<Kind, String> {
    let has = |name: &str| o.contains_key(name);
    if has("KeyMetadata") {
        return Ok(Kind::DescribeKey);
    }
    if has("Rotations") {
        return Ok(Kind::KeyRotations);
    }
    if has("KeyLastUsage") || has("TrackingStartDate") {
        return Ok(Kind::LastUsage);
    }
    if has("ImportToken") || has("ParametersValidTo") {
        return Err(format!(
            "This is the output of aws kms get-parameters-for-import (it has the import token): it belongs on the export page. Here, paste the output of aws kms {ACCEPTED}."
        ));
    }
    if has("PublicKey") {
        return Ok(Kind::PublicKey);
    }
    if has("Mac") {
        return Ok(Kind::Mac);
    }
    if has("KeyMaterialId") {
        return Ok(Kind::Import);
    }
    let other = [
        ("CiphertextBlob", "encrypt or generate-data-key"),
        ("Plaintext", "decrypt"),
        ("Signature", "sign"),
        ("SignatureValid", "verify"),
        ("MacValid", "verify-mac"),
        ("Keys", "list-keys"),
        ("Aliases", "list-aliases"),
        ("KeyRotationEnabled", "get-key-rotation-status"),
        ("Policy", "get-key-policy"),
        ("Tags", "list-resource-tags"),
        ("ReplicaKeyMetadata", "replicate-key"),
    ]
    .into_iter()
    .find(|(member, _)| has(member));
    if let Some((_, command)) = other {
        return Err(format!(
            "This is the output of aws kms {command}: paste the output of aws kms {ACCEPTED} instead."
        ));
    }
    if has("KeyId") && o.len() == 1 {
        return Err(
            "This output has a KeyId but no KeyMaterialId (e.g. rotate-key-on-demand's): paste import-key-material's output (an AWS CLI that prints no KeyMaterialId is too old: update it, or paste describe-key's output)."
                .to_owned(),
        );
    }
    Err(format!(
        "This JSON is not an output this page reads (members: {}): paste the output of aws kms {ACCEPTED}.",
        o.keys().take(6).cloned().collect::<Vec<_>>().join(", ")
    ))
}

fn text_member<'a>(
    o: &'a Map<String, Value>,
    name: &str,
    command: &str,
) -> Result<Option<&'a str>, String> {
    match o.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.as_str())),
        Some(other) => Err(format!(
            "{name} is {other}, not text: paste {command}'s output unchanged."
        )),
    }
}

fn required<'a>(o: &'a Map<String, Value>, name: &str, command: &str) -> Result<&'a str, String> {
    text_member(o, name, command)?
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| format!("The {command} output has no {name}: paste the whole output."))
}

fn owned(o: &Map<String, Value>, name: &str, command: &str) -> Result<Option<String>, String> {
    Ok(text_member(o, name, command)?.map(str::to_owned))
}

fn key_ref(o: &Map<String, Value>, command: &str) -> Result<KeyRef, String> {
    KeyRef::parse(required(o, "KeyId", command)?).map_err(|e| format!("KeyId: {e}."))
}

/// A KeyMaterialId as AWS prints it: 64 lower-case hex digits (the API's
/// pattern). Other ASCII letters and digits are let through for emulators.
fn material_id(id: &str) -> Result<String, String> {
    let id = id.trim();
    if id.is_empty()
        || id.len() > 128
        || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return Err(format!(
            "KeyMaterialId \"{id}\" is not a key material id (64 hex digits): paste it as AWS printed it."
        ));
    }
    Ok(id.to_owned())
}

fn timestamp(
    o: &Map<String, Value>,
    name: &str,
    command: &str,
) -> Result<Option<OffsetDateTime>, String> {
    let parsed = match o.get(name) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(text)) => OffsetDateTime::parse(text.trim(), &Rfc3339).ok(),
        Some(Value::Number(n)) => n.as_f64().and_then(|seconds| {
            OffsetDateTime::from_unix_timestamp_nanos((seconds * 1e3).round() as i128 * 1_000_000)
                .ok()
        }),
        Some(_) => None,
    };
    parsed.map(Some).ok_or_else(|| {
        format!(
            "{name} in the {command} output is not a time such as 2027-01-31T00:00:00+00:00 (or seconds since 1970): paste the output unchanged."
        )
    })
}

fn import_from(o: &Map<String, Value>) -> Result<ImportOutput, String> {
    let command = Kind::Import.command();
    Ok(ImportOutput {
        key: key_ref(o, command)?,
        key_material_id: material_id(required(o, "KeyMaterialId", command)?)?,
    })
}

fn describe_from(o: &Map<String, Value>) -> Result<DescribeKeyOutput, String> {
    let command = Kind::DescribeKey.command();
    let Some(Value::Object(m)) = o.get("KeyMetadata") else {
        return Err(
            "KeyMetadata is not an object: paste describe-key's output unchanged.".to_owned(),
        );
    };
    let arn = AwsKeyArn::parse(required(m, "Arn", command)?).map_err(|e| format!("Arn: {e}"))?;
    let key_id = owned(m, "KeyId", command)?.unwrap_or_else(|| arn_key_id(&arn).to_owned());
    let multi_region_key_type = match m.get("MultiRegionConfiguration") {
        Some(Value::Object(c)) => owned(c, "MultiRegionKeyType", command)?,
        _ => None,
    };
    Ok(DescribeKeyOutput {
        key_id,
        key_state: required(m, "KeyState", command)?.to_owned(),
        origin: owned(m, "Origin", command)?,
        key_spec: owned(m, "KeySpec", command)?.or(owned(m, "CustomerMasterKeySpec", command)?),
        key_usage: owned(m, "KeyUsage", command)?,
        expiration_model: owned(m, "ExpirationModel", command)?,
        valid_to: timestamp(m, "ValidTo", command)?,
        current_key_material_id: text_member(m, "CurrentKeyMaterialId", command)?
            .map(material_id)
            .transpose()?,
        multi_region: m.get("MultiRegion").and_then(Value::as_bool),
        multi_region_key_type,
        arn,
    })
}

fn rotations_from(o: &Map<String, Value>) -> Result<KeyRotationsOutput, String> {
    let command = Kind::KeyRotations.command();
    let Some(Value::Array(list)) = o.get("Rotations") else {
        return Err(
            "Rotations is not a list: paste list-key-rotations' output unchanged.".to_owned(),
        );
    };
    let rotations = list
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let Value::Object(r) = item else {
                return Err(format!(
                    "Rotations[{i}] is not an object: paste the output unchanged."
                ));
            };
            let at = |e: String| format!("Rotations[{i}]: {e}");
            Ok(KeyMaterialListing {
                key: text_member(r, "KeyId", command)
                    .map_err(at)?
                    .map(KeyRef::parse)
                    .transpose()
                    .map_err(|e| at(format!("KeyId: {e}.")))?,
                key_material_id: text_member(r, "KeyMaterialId", command)
                    .map_err(at)?
                    .map(material_id)
                    .transpose()
                    .map_err(at)?,
                description: owned(r, "KeyMaterialDescription", command).map_err(at)?,
                import_state: owned(r, "ImportState", command).map_err(at)?,
                key_material_state: owned(r, "KeyMaterialState", command)
                    .map_err(at)?
                    .map(|s| KeyMaterialState::parse(&s)),
                expiration_model: owned(r, "ExpirationModel", command).map_err(at)?,
                valid_to: timestamp(r, "ValidTo", command).map_err(at)?,
                rotation_date: timestamp(r, "RotationDate", command).map_err(at)?,
                rotation_type: owned(r, "RotationType", command).map_err(at)?,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    let truncated = o.get("Truncated").and_then(Value::as_bool).unwrap_or(false)
        || o.get("NextToken").is_some_and(|t| !t.is_null())
        || o.get("NextMarker").is_some_and(|t| !t.is_null());
    Ok(KeyRotationsOutput {
        rotations,
        truncated,
    })
}

fn public_key_from(o: &Map<String, Value>) -> Result<PublicKeyOutput, String> {
    let command = Kind::PublicKey.command();
    let der = decode_base64(required(o, "PublicKey", command)?).map_err(|e| {
        format!("PublicKey is not base64: {e}. Paste get-public-key's JSON output unchanged.")
    })?;
    if der.first() != Some(&0x30) {
        return Err("PublicKey is not a DER SubjectPublicKeyInfo: paste get-public-key's JSON output unchanged (not --output text).".to_owned());
    }
    Ok(PublicKeyOutput {
        key: key_ref(o, command)?,
        public_key_der: der,
        key_spec: owned(o, "KeySpec", command)?.or(owned(o, "CustomerMasterKeySpec", command)?),
        key_usage: owned(o, "KeyUsage", command)?,
    })
}

fn mac_from(o: &Map<String, Value>) -> Result<MacOutput, String> {
    let command = Kind::Mac.command();
    let mac = decode_base64(required(o, "Mac", command)?).map_err(|e| {
        format!("Mac is not base64: {e}. Paste generate-mac's JSON output unchanged.")
    })?;
    if mac.is_empty() {
        return Err("Mac is empty: paste generate-mac's output unchanged.".to_owned());
    }
    Ok(MacOutput {
        key: key_ref(o, command)?,
        mac,
        mac_algorithm: required(o, "MacAlgorithm", command)?.to_owned(),
    })
}

fn last_usage_from(o: &Map<String, Value>) -> Result<LastUsageOutput, String> {
    let command = Kind::LastUsage.command();
    let last = match o.get("KeyLastUsage") {
        None | Some(Value::Null) => None,
        Some(Value::Object(u)) if u.is_empty() => None,
        Some(Value::Object(u)) => Some(LastUse {
            operation: owned(u, "Operation", command)?,
            at: timestamp(u, "Timestamp", command)?,
            cloudtrail_event_id: owned(u, "CloudTrailEventId", command)?,
            kms_request_id: owned(u, "KmsRequestId", command)?,
        }),
        Some(_) => {
            return Err(
                "KeyLastUsage is not an object: paste get-key-last-usage's output unchanged."
                    .to_owned(),
            );
        }
    };
    Ok(LastUsageOutput {
        key: key_ref(o, command)?,
        reading: UsageReading {
            key_created: timestamp(o, "KeyCreationDate", command)?,
            tracking_since: timestamp(o, "TrackingStartDate", command)?,
            last,
        },
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use time::macros::datetime;

    use super::*;

    pub fn fixture(name: &str) -> String {
        let path = format!("{}/tests/fixtures/aws/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    fn arn(text: &str) -> AwsKeyArn {
        AwsKeyArn::parse(text).unwrap()
    }

    const ARN: &str = "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    #[test]
    fn each_fixture_is_recognised() {
        for (name, command) in [
            ("import-key-material.json", "import-key-material"),
            ("describe-key.json", "describe-key"),
            ("describe-key-hmac.json", "describe-key"),
            ("describe-key-multi-region.json", "describe-key"),
            ("list-key-rotations.json", "list-key-rotations"),
            ("get-public-key.json", "get-public-key"),
            ("generate-mac.json", "generate-mac"),
            ("get-key-last-usage.json", "get-key-last-usage"),
            ("get-key-last-usage-unused.json", "get-key-last-usage"),
        ] {
            let output =
                parse_aws_output(&fixture(name), None).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(output.command(), command, "{name}");
        }
    }

    #[test]
    fn import_output_binds_the_material_id() {
        let output = parse_import_output(&fixture("import-key-material.json")).unwrap();
        assert_eq!(output.key, KeyRef::Arn(arn(ARN)));
        assert_eq!(
            output.key_material_id,
            "0b7fd7ddbac6eef27907413567cad8c810e2883dc8a7534067a82ee1142fc1e6"
        );
    }

    #[test]
    fn describe_key_members_are_read() {
        let d = parse_describe_key(&fixture("describe-key.json")).unwrap();
        assert_eq!(d.arn, arn(ARN));
        assert_eq!(d.key_id, "1234abcd-12ab-34cd-56ef-1234567890ab");
        assert_eq!(d.key_state, "Enabled");
        assert_eq!(d.origin.as_deref(), Some("EXTERNAL"));
        assert_eq!(d.key_spec.as_deref(), Some("SYMMETRIC_DEFAULT"));
        assert_eq!(d.expiration_model.as_deref(), Some("KEY_MATERIAL_EXPIRES"));
        assert_eq!(d.valid_to, Some(datetime!(2027-01-31 00:00 UTC)));
        assert_eq!(
            d.current_key_material_id.as_deref(),
            Some("0b7fd7ddbac6eef27907413567cad8c810e2883dc8a7534067a82ee1142fc1e6")
        );
        assert_eq!(d.multi_region, Some(false));
        let m = parse_describe_key(&fixture("describe-key-multi-region.json")).unwrap();
        assert_eq!(m.multi_region_key_type.as_deref(), Some("PRIMARY"));
        assert_eq!(m.arn.region(), "ap-northeast-1");
        // Epoch seconds, as the API and CLI v1 print them.
        let h = parse_describe_key(&fixture("describe-key-hmac.json")).unwrap();
        assert_eq!(h.key_spec.as_deref(), Some("HMAC_256"));
        assert_eq!(h.valid_to, Some(datetime!(2027-01-31 00:00 UTC)));
    }

    #[test]
    fn list_key_rotations_reads_every_material_state() {
        let r = parse_key_rotations(&fixture("list-key-rotations.json")).unwrap();
        assert!(!r.truncated);
        let states: Vec<_> = r
            .rotations
            .iter()
            .map(|m| m.key_material_state.as_ref().unwrap().aws_name().to_owned())
            .collect();
        assert_eq!(states, ["NON_CURRENT", "CURRENT", "PENDING_ROTATION"]);
        assert_eq!(r.rotations[0].rotation_type, None);
        assert_eq!(r.rotations[1].rotation_type.as_deref(), Some("ON_DEMAND"));
        assert_eq!(
            r.rotations[1].rotation_date,
            Some(datetime!(2026-06-12 19:07:13 UTC))
        );
        assert_eq!(r.rotations[2].import_state.as_deref(), Some("IMPORTED"));
        assert!(
            r.rotations[2]
                .key_material_state
                .as_ref()
                .unwrap()
                .is_pending_rotation()
        );
        assert_eq!(
            r.rotations[0].key.as_ref().unwrap().key_id(),
            "1234abcd-12ab-34cd-56ef-1234567890ab"
        );
        let truncated = fixture("list-key-rotations.json")
            .replace("\"Truncated\": false", "\"Truncated\": true");
        assert!(parse_key_rotations(&truncated).unwrap().truncated);
        assert_eq!(
            KeyMaterialState::parse("PENDING_MULTI_REGION_IMPORT_AND_ROTATION"),
            KeyMaterialState::PendingMultiRegionImportAndRotation
        );
        assert_eq!(KeyMaterialState::parse("NEW_STATE").aws_name(), "NEW_STATE");
    }

    #[test]
    fn public_key_and_mac_outputs_are_decoded() {
        let p = parse_public_key(&fixture("get-public-key.json")).unwrap();
        assert_eq!(p.key_spec.as_deref(), Some("ECC_NIST_P256"));
        assert_eq!(p.public_key_der[0], 0x30);
        let m = parse_mac(&fixture("generate-mac.json")).unwrap();
        assert_eq!(m.mac_algorithm, "HMAC_SHA_256");
        assert_eq!(m.mac.len(), 32);
    }

    #[test]
    fn bad_pastes_say_what_is_wrong_and_what_to_do() {
        let err = |text: &str| parse_aws_output(text, Some(&arn(ARN))).unwrap_err();
        assert!(err("").starts_with("Nothing was pasted"));
        assert!(err("   \n").starts_with("Nothing was pasted"));
        assert!(err("hello").starts_with("This is not JSON"));
        assert!(err("KeyMetadata:\n  KeyId: x").contains("add --output json"));
        assert!(err("KEYMETADATA\tx\ty").contains("--output text"));
        assert!(
            err("aws kms describe-key --key-id x").starts_with("This is a command, not its output")
        );
        assert!(err("\nAn error occurred (NotFoundException) when calling the DescribeKey operation: Key 'x' does not exist")
            .contains("NotFoundException"));
        let describe = fixture("describe-key.json");
        assert!(err(&describe[..describe.len() - 20]).contains("truncated"));
        assert!(err("{\"KeyMetadata\": }").starts_with("This is not valid JSON"));
        assert!(err("[]").starts_with("This JSON is not an object"));
        assert!(err(r#"{"KeyId": "x", "ImportToken": "AQID", "PublicKey": "AQID", "ParametersValidTo": 1}"#)
            .contains("get-parameters-for-import"));
        assert!(err(r#"{"CiphertextBlob": "AQID", "KeyId": "x"}"#).contains("encrypt"));
        assert!(err(&format!(r#"{{"KeyId": "{ARN}"}}"#)).contains("no KeyMaterialId"));
        assert!(err(r#"{"Foo": 1}"#).contains("members: Foo"));
        assert!(err(r#"{"KeyMetadata": {"KeyState": "Enabled"}}"#).contains("no Arn"));
        assert!(
            err(&describe
                .replace(
                    "\"Enabled\": true",
                    "\"Enabled\": true, \"ValidTo\": \"soon\""
                )
                .replace("\"ValidTo\": \"2027-01-31T00:00:00+00:00\",", ""))
            .contains("ValidTo in the describe-key output is not a time")
        );
        assert!(
            err(&fixture("get-public-key.json").replace("MFkw", "M!kw"))
                .contains("PublicKey is not base64")
        );
        // Only the wanted command.
        assert_eq!(
            parse_describe_key(&fixture("get-public-key.json")).unwrap_err(),
            "This is the output of aws kms get-public-key, not of aws kms describe-key: paste what describe-key printed."
        );
    }

    #[test]
    fn every_truncation_of_every_fixture_is_refused_without_panicking() {
        for name in [
            "import-key-material.json",
            "describe-key.json",
            "describe-key-hmac.json",
            "describe-key-multi-region.json",
            "list-key-rotations.json",
            "get-public-key.json",
            "generate-mac.json",
        ] {
            let text = fixture(name);
            let end = text.trim_end().len();
            for cut in (0..end).filter(|&i| text.is_char_boundary(i)) {
                let message = parse_aws_output(&text[..cut], Some(&arn(ARN))).unwrap_err();
                assert!(message.ends_with('.'), "{name} cut at {cut}: {message}");
            }
        }
    }

    #[test]
    fn another_key_region_or_account_is_refused() {
        let describe = fixture("describe-key.json");
        assert!(parse_aws_output(&describe, Some(&arn(ARN))).is_ok());
        let other_region =
            arn("arn:aws:kms:eu-west-3:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab");
        assert_eq!(
            parse_aws_output(&describe, Some(&other_region)).unwrap_err(),
            "This describe-key output is from Region us-west-2, but the key is in eu-west-3: run it again with --region eu-west-3 (each Region of a multi-Region key holds its own copy of the material)."
        );
        let other_account =
            arn("arn:aws:kms:us-west-2:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab");
        assert!(
            parse_aws_output(&describe, Some(&other_account))
                .unwrap_err()
                .contains("from account 111122223333")
        );
        let other_key =
            arn("arn:aws:kms:us-west-2:111122223333:key/0987dcba-09fe-87dc-65ba-ab0987654321");
        assert!(
            parse_aws_output(&describe, Some(&other_key))
                .unwrap_err()
                .contains("about another key")
        );
        // list-key-rotations names keys by id only.
        let rotations = fixture("list-key-rotations.json");
        assert!(parse_aws_output(&rotations, Some(&other_region)).is_ok());
        assert!(
            parse_aws_output(&rotations, Some(&other_key))
                .unwrap_err()
                .contains("about key 1234abcd")
        );
    }

    #[test]
    fn last_usage_reads_the_last_operation_and_what_an_empty_one_means() {
        use crate::domain::aws::last_usage::UsageVerdict;
        let AwsOutput::LastUsage(used) =
            parse_aws_output(&fixture("get-key-last-usage.json"), Some(&arn(ARN))).unwrap()
        else {
            panic!("not read as get-key-last-usage");
        };
        let used = used.reading;
        let last = used.last.clone().unwrap();
        assert_eq!(last.operation.as_deref(), Some("Decrypt"));
        assert_eq!(last.at, Some(datetime!(2026-11-02 10:00:12.345 UTC)));
        assert_eq!(
            last.kms_request_id.as_deref(),
            Some("11112222-3333-4444-5555-666677778888")
        );
        assert_eq!(used.tracking_since, Some(datetime!(2026-04-01 0:00 UTC)));
        assert_eq!(
            used.describe(),
            "Last used 2026-11-02 10:00 UTC (Decrypt, CloudTrail event 0a1b2c3d-aaaa-bbbb-cccc-0123456789ab)."
        );
        let AwsOutput::LastUsage(unused) =
            parse_aws_output(&fixture("get-key-last-usage-unused.json"), None).unwrap()
        else {
            panic!("not read as get-key-last-usage");
        };
        assert_eq!(unused.reading.last, None);
        assert_eq!(
            unused.reading.verdict(),
            UsageVerdict::UnknownBeforeTracking {
                since: datetime!(2025-04-01 0:00 UTC)
            }
        );
    }

    #[test]
    fn another_accounts_key_is_named_as_such_even_when_its_key_id_differs() {
        let expected =
            arn("arn:aws:kms:us-west-2:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab");
        let other =
            arn("arn:aws:kms:us-west-2:111122223333:key/0987dcba-09fe-87dc-65ba-ab0987654321");
        assert_eq!(
            another_account_words(Some(&other), &expected),
            " — a key of AWS account 111122223333, not 444455556666"
        );
        assert_eq!(another_account_words(Some(&expected), &expected), "");
        assert_eq!(other_account_notice(&expected, &expected), None);
        assert!(
            other_account_notice(&other, &expected)
                .unwrap()
                .starts_with(&format!("{other} is a key of AWS account 111122223333, not 444455556666, the account of {expected}"))
        );
        assert_eq!(another_account_words(None, &expected), "");
        let why = check_key(&KeyRef::Arn(other.clone()), &expected, "describe-key").unwrap_err();
        assert!(
            why.starts_with(&format!(
                "This describe-key output is about another key ({other} — a key of AWS account 111122223333, not 444455556666), not {expected}"
            )),
            "{why}"
        );
    }

    #[test]
    fn last_usage_for_another_account_or_key_is_named_as_such() {
        let text = fixture("get-key-last-usage.json");
        let other_account =
            arn("arn:aws:kms:us-west-2:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab");
        assert_eq!(
            parse_aws_output(&text, Some(&other_account)).unwrap_err(),
            "This get-key-last-usage output is from account 111122223333, but the key is in account 444455556666: run it with that account's credentials (--profile)."
        );
        let other_key =
            arn("arn:aws:kms:us-west-2:111122223333:key/0987dcba-09fe-87dc-65ba-ab0987654321");
        assert!(
            parse_aws_output(&text, Some(&other_key))
                .unwrap_err()
                .contains("This get-key-last-usage output is about another key")
        );
        let bad = text.replace("\"2026-11-02T10:00:12.345000+00:00\"", "\"yesterday\"");
        assert!(
            parse_aws_output(&bad, None)
                .unwrap_err()
                .starts_with("Timestamp in the get-key-last-usage output is not a time")
        );
    }
}
