//! One store for every document kept in a key's KMIP vendor attributes (names and
//! values only): written until it stays (the KMS 5.28 writes without a lock), read back by name.

use std::fmt;

use crate::actions::objects;
use crate::client::{KmsClient, RequestError};
use crate::domain::account::UserId;
use crate::kmip::{self, AttributeReference};

/// Writes tried in one round before the round counts as lost.
pub const MAX_WRITES_PER_ROUND: u32 = 10;
/// Rounds (write until seen, settle, see it again) before giving up.
pub const MAX_ROUNDS: u32 = 3;
/// How long a value must stay before it counts as kept: the KMS 5.28 writes
/// attributes read-modify-write without a lock, so a concurrent writer that read
/// the key before our write can put back a list without our value.
pub const SETTLE_MS: u32 = 500;

/// What a read of the key says about the value being written.
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

/// How the value is written.
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
    /// The value was seen, and seen again [`SETTLE_MS`] later.
    Done,
    /// (Add only) the name already holds this other value.
    Taken(String),
    /// The value did not stay in any of this many rounds.
    GaveUp { rounds: u32 },
}

/// The write-verify-settle loop as a state machine, apart from any I/O: each
/// writer writes, reads until its value is there (writing again when it is not),
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

/// Why a document could not be recorded. The messages still speak of the
/// ledger's entry (written before runbooks shared this store), kept word for word.
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

/// Runs the [`WriteLoop`]: each step is a write, a read, or the outcome.
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
                match write_once(client, key_id, &vendor_id, name, value, kind).await {
                    Ok(()) => state.written(),
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

/// One AddAttribute or SetAttribute of `name` = `value`, as `kind` says.
async fn write_once(
    client: &KmsClient,
    key_id: &str,
    vendor_id: &str,
    name: &str,
    value: &str,
    kind: WriteKind,
) -> Result<(), RequestError> {
    match kind {
        WriteKind::Add => client
            .kmip(&kmip::add_vendor_attribute(key_id, vendor_id, name, value))
            .await
            .and_then(|reply| Ok(kmip::parse_add_attribute(&reply)?)),
        WriteKind::Set => client
            .kmip(&kmip::set_vendor_attribute(key_id, vendor_id, name, value))
            .await
            .and_then(|reply| Ok(kmip::parse_set_attribute(&reply)?)),
    }
    .map(drop)
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

/// The user this client acts as, asked right before a write that records it
/// (`/me`, afresh: another tab may have signed in as someone else). Without
/// it nothing is written: no stored document records a guessed user.
pub async fn acting_user(client: &KmsClient) -> Result<UserId, RequestError> {
    client.me().await
}

/// [`acting_user`] for the writes whose errors are sentences.
pub async fn acting_user_or_say(client: &KmsClient) -> Result<UserId, String> {
    acting_user(client)
        .await
        .map_err(|e| RecordError::UserUnknown(e).to_string())
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
