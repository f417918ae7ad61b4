//! Ledger entries kept on a KMS key as KMIP vendor attributes (written so that
//! concurrent writers all survive, then read back), the KMS's KMIP MAC, and
//! the KMS's proof that AWS's public key is the pair of its private key.

use std::fmt;

use time::OffsetDateTime;

use crate::actions::export::WrappedKeyMaterial;
use crate::actions::objects;
use crate::browser::random_bytes;
use crate::client::{KmsClient, RequestError};
use crate::domain::account::UserId;
use crate::domain::aws_key_spec::AwsKeySpec;
use crate::domain::aws_outputs::{
    AwsOutput, DescribeKeyOutput, KeyMaterialListing, parse_aws_output,
};
use crate::domain::import_command::ImportCommand;
use crate::domain::ledger::{
    CommandOptions, Discrepancy, ExportRecord, LedgerEntry, Proof, PublicKeyProof, Sameness,
    attribute_name, carried_copies, check_about_this_copy, check_public_key_output, confirm,
    is_ledger_attribute, new_entry_id, prove_mac, prove_public_key, public_key_proof, reconcile,
    register_from_describe_key, sha256_hex,
};
use crate::kmip::{
    self, AttributeReference, ImportPublicKeyRequest, KeyAttributes, ObjectAttributes, UsageMask,
};

/// Writes tried in one round before the round counts as lost.
pub const MAX_WRITES_PER_ROUND: u32 = 10;
/// Rounds (write until seen, settle, see it again) before giving up.
pub const MAX_ROUNDS: u32 = 3;
/// How long an entry must stay before it counts as kept: the KMS 5.28 writes
/// attributes read-modify-write without a lock, so a concurrent writer that read
/// the key before our write can put back a list without our entry.
pub const SETTLE_MS: u32 = 500;

/// What a read of the key says about the entry being written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Presence {
    /// The name holds the value written.
    Present,
    /// No attribute has the name.
    Absent,
    /// The name holds another value.
    Other(String),
}

/// Where `name` stands among `entries` (`(name, value)` pairs).
pub fn presence(entries: &[(String, String)], name: &str, value: &str) -> Presence {
    match entries.iter().find(|(n, _)| n == name) {
        Some((_, v)) if v == value => Presence::Present,
        Some((_, v)) => Presence::Other(v.clone()),
        None => Presence::Absent,
    }
}

/// How the entry is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriteKind {
    /// AddAttribute: a new name; a name holding another value is an error.
    Add,
    /// SetAttribute: a new value for a name; another value seen means not yet.
    Set,
}

/// The next step of the write-verify-settle loop.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// Send the write after waiting this many milliseconds.
    Write { after_ms: u32 },
    /// Read the key's vendor attributes after waiting this many milliseconds.
    Read { after_ms: u32 },
    /// The entry was seen, and seen again [`SETTLE_MS`] later.
    Done,
    /// (Add only) the name already holds this other value.
    Taken(String),
    /// The entry did not stay in any of this many rounds.
    GaveUp { rounds: u32 },
}

/// The write-verify-settle loop as a state machine, apart from any I/O: each
/// writer writes, reads until its entry is there (writing again when it is not),
/// waits [`SETTLE_MS`], and reads again; gone by then, the whole round restarts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WriteLoop {
    kind: WriteKind,
    round: u32,
    writes: u32,
    settling: bool,
}

impl WriteLoop {
    /// The loop and its first step (write at once).
    pub fn start(kind: WriteKind) -> (Self, Step) {
        let state = Self {
            kind,
            round: 0,
            writes: 1,
            settling: false,
        };
        (state, Step::Write { after_ms: 0 })
    }

    /// After the write was accepted (or, for Add, refused as already there).
    pub fn written(&mut self) -> Step {
        Step::Read { after_ms: 0 }
    }

    /// After a read; `jitter` in `[0, 1)` spreads retries so concurrent
    /// writers fall out of step.
    pub fn seen(&mut self, presence: Presence, jitter: f64) -> Step {
        let present = match presence {
            Presence::Present => true,
            Presence::Other(value) if self.kind == WriteKind::Add => return Step::Taken(value),
            Presence::Other(_) | Presence::Absent => false,
        };
        match (present, self.settling) {
            (true, false) => {
                self.settling = true;
                Step::Read {
                    after_ms: SETTLE_MS,
                }
            }
            (true, true) => Step::Done,
            (false, false) if self.writes < MAX_WRITES_PER_ROUND => {
                self.writes += 1;
                Step::Write {
                    after_ms: backoff_ms(jitter),
                }
            }
            (false, _) => self.next_round(jitter),
        }
    }

    fn next_round(&mut self, jitter: f64) -> Step {
        self.round += 1;
        if self.round >= MAX_ROUNDS {
            return Step::GaveUp { rounds: MAX_ROUNDS };
        }
        self.writes = 1;
        self.settling = false;
        Step::Write {
            after_ms: backoff_ms(jitter),
        }
    }
}

/// 25 to 150 ms.
fn backoff_ms(jitter: f64) -> u32 {
    25 + (jitter.clamp(0.0, 1.0) * 125.0) as u32
}

/// Why an entry could not be recorded.
#[derive(Clone, Debug, PartialEq)]
pub enum RecordError {
    /// The KMS does not let `user` write this key's attributes (e.g. a user
    /// granted Export only), with the server's reason.
    /// `user` is `None` when the KMS's refusal did not say who it refused
    /// (the caller that asked `/me` fills it in: [`RecordError::by`]).
    NotAllowed {
        user: Option<UserId>,
        key_id: String,
        reason: String,
    },
    /// The KMS refused the write or its read-back, with its status and reason.
    Refused { status: u16, reason: String },
    /// Written, but concurrent writers kept removing it: not there after this many rounds.
    NotKept { rounds: u32 },
    /// (Record only) the name already holds another value.
    NameTaken { existing: String },
    /// No usable answer (unreachable, timed out, origin refused, unexpected reply).
    NoAnswer(RequestError),
    /// `/me` did not name the user, so nothing was written.
    UserUnknown(RequestError),
}

impl From<RequestError> for RecordError {
    fn from(e: RequestError) -> Self {
        match e {
            RequestError::Refused { status, reason } => Self::Refused { status, reason },
            other => Self::NoAnswer(other),
        }
    }
}

impl RecordError {
    /// `e` as met while writing `key_id`'s attributes: a refusal for a
    /// missing right becomes [`RecordError::NotAllowed`].
    fn writing(e: RequestError, key_id: &str) -> Self {
        if refused_right(&e).is_some() {
            Self::not_allowed(e, key_id)
        } else {
            e.into()
        }
    }

    /// [`RecordError::NotAllowed`] with the server's reason for `e`.
    fn not_allowed(e: RequestError, key_id: &str) -> Self {
        let (user, reason) = match e {
            RequestError::RightMissing { reason, user } => (user, reason),
            RequestError::Refused { reason, .. } => (None, reason),
            other => (None, other.to_string()),
        };
        Self::NotAllowed {
            user,
            key_id: key_id.to_owned(),
            reason,
        }
    }

    /// Names `user` (the one `/me` gave before the write) as the one refused.
    pub fn by(self, user: &UserId) -> Self {
        match self {
            Self::NotAllowed { key_id, reason, .. } => Self::NotAllowed {
                user: Some(user.clone()),
                key_id,
                reason,
            },
            other => other,
        }
    }
}

/// The server's reason when `e` says the user lacks a right on the object
/// (rather than that the request or the object is wrong): the KMS's 401
/// "Access denied: …", or a 403 / 422 refusal that names a permission.
pub fn refused_right(e: &RequestError) -> Option<String> {
    match e {
        RequestError::RightMissing { reason, .. } => Some(reason.clone()),
        RequestError::Refused { status, reason }
            if matches!(status, 403 | 422) && names_a_permission(reason) =>
        {
            Some(reason.clone())
        }
        _ => None,
    }
}

fn names_a_permission(reason: &str) -> bool {
    let reason = reason.to_ascii_lowercase();
    [
        "access denied",
        "permission",
        "access right",
        "not allowed",
        "unauthorized",
        "unauthorised",
    ]
    .iter()
    .any(|word| reason.contains(word))
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotAllowed {
                user,
                key_id,
                reason,
            } => write!(
                f,
                "The KMS does not let {} write the attributes of {key_id}, where the BYOK ledger keeps its records (the server said: {}).",
                user.as_ref()
                    .map_or("your user".to_owned(), ToString::to_string),
                reason.trim_end_matches('.')
            ),
            Self::Refused { status, reason } => write!(
                f,
                "The KMS refused to record the entry on the key ({status}): {}.",
                reason.trim_end_matches('.')
            ),
            Self::NotKept { rounds } => write!(
                f,
                "The entry was written but did not stay on the key ({rounds} attempts): \
                 other writers were changing the key at the same time. Try again."
            ),
            Self::NameTaken { existing } => write!(
                f,
                "The key already holds another entry under that name ({} characters).",
                existing.chars().count()
            ),
            Self::NoAnswer(e) => write!(f, "The entry was not recorded: {e}"),
            Self::UserUnknown(e) => write!(
                f,
                "The KMS could not say which user you are (/me), so nothing was recorded: {e}"
            ),
        }
    }
}

/// The KMS 5.28's refusal of an AddAttribute whose name is already there.
fn is_already_there(e: &RequestError) -> bool {
    matches!(e, RequestError::Refused { reason, .. } if reason.contains("Vendor Attribute already exists"))
}

/// Records a new vendor attribute `name` = `value` on `key_id` (under the KMS's
/// vendor id), returning only once it was seen to stay.
pub async fn record_vendor_attribute(
    client: &KmsClient,
    key_id: &str,
    name: &str,
    value: &str,
) -> Result<(), RecordError> {
    let outcome = write_until_kept(client, key_id, name, value, WriteKind::Add).await;
    objects::forget(client, key_id);
    outcome
}

/// Sets vendor attribute `name` to `value` on `key_id` (creating it if absent),
/// returning only once the new value was seen to stay.
pub async fn update_vendor_attribute(
    client: &KmsClient,
    key_id: &str,
    name: &str,
    value: &str,
) -> Result<(), RecordError> {
    let outcome = write_until_kept(client, key_id, name, value, WriteKind::Set).await;
    objects::forget(client, key_id);
    outcome
}

async fn write_until_kept(
    client: &KmsClient,
    key_id: &str,
    name: &str,
    value: &str,
    kind: WriteKind,
) -> Result<(), RecordError> {
    let vendor_id = client.vendor_id().await?;
    let (mut state, mut step) = WriteLoop::start(kind);
    loop {
        step = match step {
            Step::Write { after_ms } => {
                pause(after_ms).await;
                let written = match kind {
                    WriteKind::Add => client
                        .kmip(&kmip::add_vendor_attribute(key_id, &vendor_id, name, value))
                        .await
                        .and_then(|reply| Ok(kmip::parse_add_attribute(&reply)?)),
                    WriteKind::Set => client
                        .kmip(&kmip::set_vendor_attribute(key_id, &vendor_id, name, value))
                        .await
                        .and_then(|reply| Ok(kmip::parse_set_attribute(&reply)?)),
                };
                match written {
                    Ok(_) => state.written(),
                    Err(e) if kind == WriteKind::Add && is_already_there(&e) => state.written(),
                    Err(e) => return Err(write_refused(client, key_id, e).await),
                }
            }
            Step::Read { after_ms } => {
                pause(after_ms).await;
                let entries = read_vendor_attributes(client, key_id).await?;
                state.seen(presence(&entries, name, value), js_sys::Math::random())
            }
            Step::Done => return Ok(()),
            Step::Taken(existing) => return Err(RecordError::NameTaken { existing }),
            Step::GaveUp { rounds } => return Err(RecordError::NotKept { rounds }),
        };
    }
}

/// Why a write of `key_id`'s attributes was refused. The KMS 5.28 answers
/// a user who may use a key (e.g. export it) but not change its attributes
/// as if the key did not exist (422 "Object_Not_Found: object not found for
/// identifier …"): when the same user can still read the key, that refusal
/// is a missing right, said as such.
async fn write_refused(client: &KmsClient, key_id: &str, e: RequestError) -> RecordError {
    if refused_right(&e).is_none()
        && e.is_not_found()
        && read_vendor_attributes(client, key_id).await.is_ok()
    {
        return RecordError::not_allowed(e, key_id);
    }
    RecordError::writing(e, key_id)
}

async fn pause(ms: u32) {
    if ms > 0 {
        gloo_timers::future::sleep(std::time::Duration::from_millis(u64::from(ms))).await;
    }
}

/// Every non-tag vendor attribute of `key_id` under the KMS's vendor id, as
/// `(name, value)` sorted by name, in one GetAttributes.
pub async fn read_vendor_attributes(
    client: &KmsClient,
    key_id: &str,
) -> Result<Vec<(String, String)>, RequestError> {
    let vendor_id = client.vendor_id().await?;
    let reply = client
        .kmip(&kmip::get_attributes(
            key_id,
            &[AttributeReference::VendorExtension],
        ))
        .await?;
    Ok(kmip::parse_get_attributes_of_vendor(&reply, &vendor_id)?.vendor_attributes)
}

/// The KMS's MAC of `data` with the HMAC key `key_id` (the hash is the key's
/// own HMAC algorithm); the key never leaves the KMS.
pub async fn compute_mac(
    client: &KmsClient,
    key_id: &str,
    data: &[u8],
) -> Result<Vec<u8>, RequestError> {
    let reply = client.kmip(&kmip::mac(key_id, None, data)).await?;
    Ok(kmip::parse_mac(&reply)?)
}

/// The tag on every temporary public key a proof imports, so that leftovers
/// (a removal that failed) can be found with a Locate.
pub const PROOF_TAG: &str = "byok-proof";

/// The KMS's refusal of a decryption under the wrong key (OAEP decoding error).
fn is_crypto_failure(e: &RequestError) -> bool {
    matches!(e, RequestError::Refused { reason, .. } if reason.contains("Cryptographic_Failure"))
}

/// Has the KMS check that `aws_spki_der` (AWS's public key) is the pair of the
/// private key `key_id`, with the random `challenge`: AWS's public key is
/// imported as a temporary object (`byok-proof-<random>`, tagged
/// [`PROOF_TAG`]), used once, then revoked and removed, whatever happened.
/// No key reaches the browser: only the challenge, a ciphertext or a
/// signature and the verdict do. `Ok` carries the verdict and, if the
/// temporary object could not be removed, a sentence saying so.
pub async fn kms_public_key_check(
    client: &KmsClient,
    key_id: &str,
    method: PublicKeyProof,
    aws_spki_der: &[u8],
    challenge: &[u8],
    now: OffsetDateTime,
) -> Result<(Sameness, Option<String>), String> {
    let vendor_id = client
        .vendor_id()
        .await
        .map_err(|e| format!("The KMS could not be asked for its vendor id: {e}"))?;
    let temporary = format!("byok-proof-{}", hex::encode(random_bytes::<8>()));
    let request = ImportPublicKeyRequest {
        spki_der: aws_spki_der.to_vec(),
        replace_existing: false,
        attributes: KeyAttributes {
            unique_identifier: Some(temporary.clone()),
            activation_date: now - time::Duration::minutes(1),
            usage_mask: UsageMask::ENCRYPT.union(UsageMask::VERIFY),
            tags: vec![PROOF_TAG.to_owned()],
            vendor_id,
            sensitive: false,
        },
    };
    client
        .kmip(&kmip::import_public_key(&request))
        .await
        .and_then(|reply| Ok(kmip::parse_import(&reply)?))
        .map_err(|e| format!("The KMS did not take AWS's public key for the check: {e}"))?;
    let verdict = run_public_key_check(client, key_id, &temporary, method, challenge).await;
    let removal = remove_temporary(client, &temporary).await.err().map(|e| {
        format!(
            "The temporary copy of AWS's public key ({temporary}, tagged {PROOF_TAG}) could not be removed from the KMS: {e} Remove it by hand."
        )
    });
    match verdict {
        Ok(verdict) => Ok((verdict, removal)),
        Err(e) => Err(match removal {
            Some(r) => format!("{e} {r}"),
            None => e,
        }),
    }
}

async fn run_public_key_check(
    client: &KmsClient,
    key_id: &str,
    temporary: &str,
    method: PublicKeyProof,
    challenge: &[u8],
) -> Result<Sameness, String> {
    match method {
        PublicKeyProof::Decrypt => {
            let ciphertext = client
                .kmip(&kmip::encrypt_rsa_oaep_sha256(temporary, challenge))
                .await
                .and_then(|reply| Ok(kmip::parse_encrypt(&reply)?))
                .map_err(|e| format!("The KMS could not encrypt with AWS's public key: {e}"))?;
            match client
                .kmip(&kmip::decrypt_rsa_oaep_sha256(key_id, &ciphertext))
                .await
                .and_then(|reply| Ok(kmip::parse_decrypt(&reply)?))
            {
                Ok(plain) if plain == challenge => Ok(Sameness::Same),
                Ok(_) => Ok(Sameness::Different(
                    "The KMS private key decrypted what AWS's public key encrypted to other bytes: AWS holds another key pair.".to_owned(),
                )),
                Err(e) if is_crypto_failure(&e) => Ok(Sameness::Different(
                    "The KMS private key cannot decrypt what AWS's public key encrypted: AWS holds another key pair.".to_owned(),
                )),
                Err(e) => Err(format!("The KMS could not decrypt with this key: {e}")),
            }
        }
        PublicKeyProof::Sign(algorithm) => {
            let signature = client
                .kmip(&kmip::sign(key_id, algorithm, challenge))
                .await
                .and_then(|reply| Ok(kmip::parse_sign(&reply)?))
                .map_err(|e| format!("The KMS could not sign with this key: {e}"))?;
            match client
                .kmip(&kmip::signature_verify(temporary, algorithm, challenge, &signature))
                .await
                .and_then(|reply| Ok(kmip::parse_signature_verify(&reply)?))
            {
                Ok(true) => Ok(Sameness::Same),
                Ok(false) => Ok(Sameness::Different(
                    "AWS's public key does not verify the KMS key's signature: AWS holds another key pair.".to_owned(),
                )),
                Err(e) if is_crypto_failure(&e) => Ok(Sameness::Different(format!(
                    "AWS's public key cannot verify the KMS key's signature ({e}): AWS holds another key pair."
                ))),
                Err(e) => Err(format!("The KMS could not verify with AWS's public key: {e}")),
            }
        }
    }
}

/// Revoke, then Destroy with Remove.
async fn remove_temporary(client: &KmsClient, id: &str) -> Result<(), RequestError> {
    client
        .kmip(&kmip::revoke(id))
        .await
        .and_then(|reply| Ok(kmip::parse_revoke_or_destroy(&reply)?))?;
    client
        .kmip(&kmip::destroy_and_remove(id))
        .await
        .and_then(|reply| Ok(kmip::parse_revoke_or_destroy(&reply)?))?;
    objects::forget(client, id);
    Ok(())
}

/// A KMS key that holds ledger entries, with what it is and the entries.
#[derive(Clone, Debug, PartialEq)]
pub struct LedgeredKey {
    pub attributes: ObjectAttributes,
    /// Each entry read back, or why it could not be read (left untouched).
    pub entries: Vec<Result<LedgerEntry, String>>,
}

/// The entries among a described object's vendor attributes.
fn entries_of(attributes: &ObjectAttributes) -> Vec<Result<LedgerEntry, String>> {
    attributes
        .vendor_attributes
        .iter()
        .filter(|(name, _)| is_ledger_attribute(name))
        .map(|(name, value)| LedgerEntry::from_attribute(name, value).map_err(|e| e.to_string()))
        .collect()
}

/// Every KMS key holding ledger entries: one Locate, then every object
/// described in one message (entries come with the describe).
pub async fn list_ledger(client: &KmsClient) -> Result<Vec<LedgeredKey>, RequestError> {
    let ids = objects::list_object_ids(client).await?;
    Ok(ledgered_keys(objects::describe_listed(client, &ids).await?))
}

/// The described objects that hold entries of their own: the entries a ReKey
/// copied from the previous generation stay with that generation only.
fn ledgered_keys(described: Vec<ObjectAttributes>) -> Vec<LedgeredKey> {
    let previous_of = |attributes: &ObjectAttributes| {
        attributes.replaces.as_ref().and_then(|p| {
            described
                .iter()
                .find(|d| &d.unique_identifier == p)
                .map(|d| d.vendor_attributes.clone())
        })
    };
    let mut keys = Vec::new();
    for attributes in &described {
        let mut attributes = attributes.clone();
        if let Some(previous) = previous_of(&attributes) {
            let carried: Vec<String> = carried_copies(&attributes.vendor_attributes, &previous)
                .into_iter()
                .map(str::to_owned)
                .collect();
            attributes
                .vendor_attributes
                .retain(|(name, _)| !carried.contains(name));
        }
        let entries = entries_of(&attributes);
        if !entries.is_empty() || attributes.replaces.is_some() {
            keys.push(LedgeredKey {
                attributes,
                entries,
            });
        }
    }
    keys
}

/// The user this client acts as, asked right before a write that records it
/// (`/me`, afresh: another tab may have signed in as someone else). Without
/// it nothing is written: the ledger never records a guessed user.
pub async fn acting_user(client: &KmsClient) -> Result<UserId, RequestError> {
    client.me().await
}

/// [`acting_user`] for the writes whose errors are sentences.
pub async fn acting_user_or_say(client: &KmsClient) -> Result<UserId, String> {
    acting_user(client)
        .await
        .map_err(|e| RecordError::UserUnknown(e).to_string())
}

/// Records on the exported key the AWS copy its wrapped export is for, as
/// the user `/me` names (asked first; the entry says who recorded it).
pub async fn record_export(
    client: &KmsClient,
    wrapped: &WrappedKeyMaterial,
    now: OffsetDateTime,
    random: [u8; 6],
) -> Result<LedgerEntry, RecordError> {
    let by = acting_user(client)
        .await
        .map_err(RecordError::UserUnknown)?;
    record_export_by(client, wrapped, &by, now, random).await
}

/// [`record_export`] as `by`, already asked of `/me` by the caller.
pub async fn record_export_by(
    client: &KmsClient,
    wrapped: &WrappedKeyMaterial,
    by: &UserId,
    now: OffsetDateTime,
    random: [u8; 6],
) -> Result<LedgerEntry, RecordError> {
    let entry = LedgerEntry::exported(
        new_entry_id(now, random),
        wrapped.key_arn.clone(),
        AwsKeySpec::parse(&wrapped.material.aws_spec()).unwrap_or(AwsKeySpec::SymmetricDefault),
        ExportRecord {
            kek_id: wrapped.kek_id.clone(),
            kek_sha256: wrapped.kek_sha256.clone().unwrap_or_default(),
            wrapping_algorithm: wrapped.algorithm,
            material_sha256: sha256_hex(&wrapped.blob),
        },
        None,
        now,
        by,
    );
    record_vendor_attribute(
        client,
        &wrapped.key_id,
        &entry.attribute_name(),
        &entry.to_attribute_value(),
    )
    .await
    .map_err(|e| e.by(by))?;
    Ok(entry)
}

/// Registers on `key_id` a copy made outside this app, from AWS's
/// describe-key output, as the user `/me` names (asked first).
pub async fn register_copy(
    client: &KmsClient,
    key_id: &str,
    describe: &DescribeKeyOutput,
    now: OffsetDateTime,
    random: [u8; 6],
) -> Result<LedgerEntry, String> {
    let by = acting_user_or_say(client).await?;
    let entry = register_from_describe_key(new_entry_id(now, random), describe, now, &by)?;
    record_vendor_attribute(
        client,
        key_id,
        &entry.attribute_name(),
        &entry.to_attribute_value(),
    )
    .await
    .map_err(|e| e.by(&by).to_string())?;
    Ok(entry)
}

/// The value of vendor attribute `name` on `key_id` as the KMS holds it now.
pub async fn read_named(
    client: &KmsClient,
    key_id: &str,
    name: &str,
) -> Result<Option<String>, RequestError> {
    Ok(read_vendor_attributes(client, key_id)
        .await?
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, value)| value))
}

/// Entry `entry_id` of `key_id` as the KMS holds it now.
pub async fn entry_by_id(
    client: &KmsClient,
    key_id: &str,
    entry_id: &str,
) -> Result<LedgerEntry, String> {
    let name = attribute_name(entry_id);
    let value = read_named(client, key_id, &name)
        .await
        .map_err(|e| format!("The entry could not be read again: {e}"))?
        .ok_or_else(|| {
            format!(
                "The entry {entry_id} is no longer on {key_id} (another client removed it, or the key is gone): nothing was recorded. Read the ledger again."
            )
        })?;
    LedgerEntry::from_attribute(&name, &value).map_err(|e| e.to_string())
}

/// `shown` as the KMS holds it now, read back by its attribute name.
pub async fn current_entry(
    client: &KmsClient,
    key_id: &str,
    shown: &LedgerEntry,
) -> Result<LedgerEntry, String> {
    entry_by_id(client, key_id, &shown.id).await
}

/// Writes back an entry that changed (command options, confirmations, proofs).
pub async fn save_entry(
    client: &KmsClient,
    key_id: &str,
    entry: &LedgerEntry,
) -> Result<(), RecordError> {
    update_vendor_attribute(
        client,
        key_id,
        &entry.attribute_name(),
        &entry.to_attribute_value(),
    )
    .await
}

/// Records the options of the import command the user copied on the entry
/// as it is now (an ARN given only in the command fills in a missing one).
pub async fn record_command_options(
    client: &KmsClient,
    key_id: &str,
    shown: &LedgerEntry,
    command: &ImportCommand,
) -> Result<LedgerEntry, String> {
    let mut entry = current_entry(client, key_id, shown).await?;
    entry.command = Some(CommandOptions::from_command(command));
    if entry.aws_key_arn.is_none() {
        entry.aws_key_arn = command.key_arn.clone();
    }
    save_entry(client, key_id, &entry)
        .await
        .map_err(|e| e.to_string())?;
    Ok(entry)
}

/// What applying a pasted AWS output did.
#[derive(Clone, Debug, PartialEq)]
pub struct Applied {
    /// The entry as written back (`None`: nothing to write, e.g. a reconciliation).
    pub saved: Option<LedgerEntry>,
    /// What disagreed, each with what to do (also recorded in the entry).
    pub discrepancies: Vec<Discrepancy>,
    /// Plain-words lines for the page (confirmations, proofs, reconciliation).
    pub lines: Vec<String>,
    /// Who the saved events are recorded by (`None`: nothing saved).
    pub by: Option<UserId>,
}

/// Applies a pasted AWS CLI output to `entry` on `key_id`: import-key-material
/// and describe-key confirm it, generate-mac is checked against the KMS's
/// MAC of `challenge`, get-public-key by the KMS with `challenge` (signed by
/// the key and verified with AWS's public key, or encrypted with AWS's public
/// key and decrypted by the key: see [`kms_public_key_check`]), list-key-rotations is reconciled with `siblings`
/// (every entry of that KMS key). Bad pastes, and outputs that are not about
/// this copy (another AWS key, Region or account: [`check_about_this_copy`]),
/// are refused before anything is written; what AWS says against this copy
/// (not Enabled, another expiry, other material) is recorded.
pub async fn apply_aws_output(
    client: &KmsClient,
    key_id: &str,
    entry: &LedgerEntry,
    siblings: &[LedgerEntry],
    text: &str,
    challenge: &[u8],
    now: OffsetDateTime,
) -> Result<Applied, String> {
    let output = parse_aws_output(text, None)?;
    // Applied to the entry as it is now: another tab or client may have
    // recorded something on it (or named its AWS key) since this page read it.
    let entry = &current_entry(client, key_id, entry).await?;
    check_about_this_copy(entry, &output)?;
    let (updated, discrepancies, lines, by) = match &output {
        AwsOutput::Import(_) | AwsOutput::DescribeKey(_) => {
            let by = acting_user_or_say(client).await?;
            let confirmation = confirm(entry, &output, now, &by)?;
            let mut lines = confirmation.notes;
            if confirmation.discrepancies.is_empty() {
                lines.insert(
                    0,
                    format!("AWS's {} output agrees with this entry.", output.command()),
                );
            }
            (confirmation.entry, confirmation.discrepancies, lines, by)
        }
        AwsOutput::Mac(mac) => {
            let kms_mac = compute_mac(client, key_id, challenge)
                .await
                .map_err(|e| format!("The KMS could not compute the MAC: {e}"))?;
            let by = acting_user_or_say(client).await?;
            let (updated, verdict) = prove_mac(entry, mac, &kms_mac, now, &by)?;
            let line = match &verdict {
                Sameness::Same => Proof::Mac.describe().to_owned(),
                Sameness::Different(why) => format!("Not the same material: {why}"),
            };
            (updated, Vec::new(), vec![line], by)
        }
        AwsOutput::PublicKey(public_key) => {
            let (verdict, removal) = match check_public_key_output(entry, public_key)? {
                Some(known) => (known, None),
                None => {
                    let attributes = objects::describe(client, key_id)
                        .await
                        .map_err(|e| format!("The KMS key could not be read: {e}"))?;
                    let method = public_key_proof(entry.key_spec, attributes.usage_mask)?;
                    kms_public_key_check(
                        client,
                        key_id,
                        method,
                        &public_key.public_key_der,
                        challenge,
                        now,
                    )
                    .await?
                }
            };
            let by = acting_user_or_say(client).await?;
            let (updated, verdict) = prove_public_key(entry, public_key, verdict, now, &by)?;
            let mut lines = vec![match &verdict {
                Sameness::Same => Proof::PublicKey.describe().to_owned(),
                Sameness::Different(why) => format!("Not the same material: {why}"),
            }];
            lines.extend(removal);
            (updated, Vec::new(), lines, by)
        }
        AwsOutput::KeyRotations(rotations) => {
            let r = reconcile(siblings, rotations);
            let mut lines = vec![format!(
                "AWS lists {} material(s) of this key; {} match entries of this KMS key.",
                rotations.rotations.len(),
                r.matched.len()
            )];
            let ids = |list: &[KeyMaterialListing]| {
                list.iter()
                    .map(|m| {
                        m.key_material_id
                            .clone()
                            .unwrap_or_else(|| "(no id)".to_owned())
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            if !r.unknown_to_ledger.is_empty() {
                lines.push(format!(
                    "Unknown to the ledger: {} (made outside this app or recorded on another KMS key: register them).",
                    ids(&r.unknown_to_ledger)
                ));
            }
            if !r.pending_rotation.is_empty() {
                lines.push(format!(
                    "Pending rotation: {} (imported, not rotated in yet).",
                    ids(&r.pending_rotation)
                ));
            }
            if !r.awaiting_import.is_empty() {
                lines.push(format!(
                    "Awaiting import: {} (expired or deleted: the key stays PendingImport until the same material is imported again).",
                    ids(&r.awaiting_import)
                ));
            }
            if !r.not_listed_by_aws.is_empty() {
                lines.push(format!(
                    "Entries AWS does not list: {}.",
                    r.not_listed_by_aws.join(", ")
                ));
            }
            if r.truncated {
                lines.push(
                    "AWS listed only part of the materials: run the command without --max-items."
                        .to_owned(),
                );
            }
            return Ok(Applied {
                saved: None,
                discrepancies: Vec::new(),
                lines,
                by: None,
            });
        }
    };
    save_entry(client, key_id, &updated)
        .await
        .map_err(|e| format!("{e} Nothing else changed."))?;
    Ok(Applied {
        by: Some(by),
        saved: Some(updated),
        discrepancies,
        lines,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn presence_compares_name_and_value() {
        let e = entries(&[("a", "1"), ("b", "2")]);
        assert_eq!(presence(&e, "a", "1"), Presence::Present);
        assert_eq!(presence(&e, "b", "1"), Presence::Other("2".into()));
        assert_eq!(presence(&e, "c", "1"), Presence::Absent);
    }

    #[test]
    fn an_entry_seen_twice_settle_apart_is_done() {
        let (mut l, first) = WriteLoop::start(WriteKind::Add);
        assert_eq!(first, Step::Write { after_ms: 0 });
        assert_eq!(l.written(), Step::Read { after_ms: 0 });
        assert_eq!(
            l.seen(Presence::Present, 0.5),
            Step::Read {
                after_ms: SETTLE_MS
            }
        );
        assert_eq!(l.seen(Presence::Present, 0.5), Step::Done);
    }

    #[test]
    fn an_entry_not_seen_is_written_again_up_to_the_round_limit() {
        let (mut l, _) = WriteLoop::start(WriteKind::Add);
        let mut writes = 1;
        loop {
            l.written();
            match l.seen(Presence::Absent, 0.0) {
                Step::Write { after_ms } => {
                    assert_eq!(after_ms, 25);
                    writes += 1;
                }
                other => panic!("{other:?}"),
            }
            if writes == MAX_WRITES_PER_ROUND {
                break;
            }
        }
        // The round is lost: a new round starts (a write), not a give-up.
        l.written();
        assert_eq!(l.round, 0);
        assert!(matches!(
            l.seen(Presence::Absent, 1.0),
            Step::Write { after_ms: 150 }
        ));
        assert_eq!(l.round, 1);
    }

    #[test]
    fn an_entry_gone_after_settling_restarts_the_round_then_gives_up() {
        let (mut l, _) = WriteLoop::start(WriteKind::Add);
        for round in 1..=MAX_ROUNDS {
            l.written();
            assert!(matches!(l.seen(Presence::Present, 0.0), Step::Read { .. }));
            let next = l.seen(Presence::Absent, 0.0);
            if round < MAX_ROUNDS {
                assert!(matches!(next, Step::Write { .. }), "{next:?}");
            } else {
                assert_eq!(next, Step::GaveUp { rounds: MAX_ROUNDS });
            }
        }
    }

    #[test]
    fn another_value_is_taken_for_add_and_not_yet_for_set() {
        let (mut add, _) = WriteLoop::start(WriteKind::Add);
        add.written();
        assert_eq!(
            add.seen(Presence::Other("x".into()), 0.0),
            Step::Taken("x".into())
        );
        let (mut set, _) = WriteLoop::start(WriteKind::Set);
        set.written();
        assert!(matches!(
            set.seen(Presence::Other("old".into()), 0.0),
            Step::Write { .. }
        ));
        set.written();
        assert!(matches!(
            set.seen(Presence::Present, 0.0),
            Step::Read { .. }
        ));
        assert_eq!(set.seen(Presence::Present, 0.0), Step::Done);
    }

    #[test]
    fn refusals_keep_status_and_reason_and_already_there_is_recognised() {
        let taken = RequestError::Refused {
            status: 422,
            reason: "Invalid Request: Vendor Attribute already exists".into(),
        };
        assert!(is_already_there(&taken));
        let denied = RequestError::Refused {
            status: 422,
            reason: "Permission_Denied: not allowed".into(),
        };
        assert!(!is_already_there(&denied));
        assert_eq!(
            RecordError::from(denied),
            RecordError::Refused {
                status: 422,
                reason: "Permission_Denied: not allowed".into()
            }
        );
        let gone = RequestError::TimedOut { url: "u".into() };
        assert_eq!(RecordError::from(gone.clone()), RecordError::NoAnswer(gone));
        assert!(
            RecordError::NotKept { rounds: 3 }
                .to_string()
                .contains("did not stay")
        );
    }

    #[test]
    fn a_missing_right_to_write_attributes_is_told_from_other_refusals() {
        let access_denied = RequestError::RightMissing {
            reason: "Access denied: bob@example.com has no access right on k1".into(),
            user: None,
        };
        assert_eq!(
            refused_right(&access_denied).as_deref(),
            Some("Access denied: bob@example.com has no access right on k1")
        );
        for (status, reason) in [
            (
                403,
                "Permission denied: no right to modify the attributes of k1",
            ),
            (422, "Permission_Denied: not allowed"),
            (
                422,
                "Invalid Request: user bob is not allowed to update attributes",
            ),
        ] {
            let e = RequestError::Refused {
                status,
                reason: reason.into(),
            };
            assert_eq!(
                refused_right(&e).as_deref(),
                Some(reason),
                "{status} {reason}"
            );
        }
        for (status, reason) in [
            (422, "Invalid Request: Vendor Attribute already exists"),
            (422, "Item_Not_Found: k1"),
            (500, "permission table corrupt"),
        ] {
            let e = RequestError::Refused {
                status,
                reason: reason.into(),
            };
            assert_eq!(refused_right(&e), None, "{status} {reason}");
        }
        assert_eq!(
            refused_right(&RequestError::TimedOut { url: "u".into() }),
            None
        );
    }

    #[test]
    fn a_refused_write_names_the_user_the_key_and_the_servers_reason() {
        let bob = UserId::new("bob@example.com").unwrap();
        let refused = RecordError::writing(
            RequestError::RightMissing {
                reason: "Access denied: no right on k1.".into(),
                user: None,
            },
            "k1",
        );
        assert_eq!(
            refused,
            RecordError::NotAllowed {
                user: None,
                key_id: "k1".into(),
                reason: "Access denied: no right on k1.".into(),
            }
        );
        assert_eq!(
            refused.to_string(),
            "The KMS does not let your user write the attributes of k1, where the BYOK ledger keeps its records (the server said: Access denied: no right on k1)."
        );
        assert_eq!(
            refused.by(&bob).to_string(),
            "The KMS does not let bob@example.com write the attributes of k1, where the BYOK ledger keeps its records (the server said: Access denied: no right on k1)."
        );
        // Any other failure stays what it was.
        let gone = RequestError::TimedOut { url: "u".into() };
        assert_eq!(
            RecordError::writing(gone.clone(), "k1").by(&bob),
            RecordError::NoAnswer(gone.clone())
        );
        assert!(RecordError::UserUnknown(gone).to_string().starts_with(
            "The KMS could not say which user you are (/me), so nothing was recorded: "
        ));
    }
}
