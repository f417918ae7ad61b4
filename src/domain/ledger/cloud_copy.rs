//! What the ledger does alike with each cloud's own copy document (Azure, Google Cloud), so
//! the store, the export's ledger line and the ledger page are written once for both.

use std::fmt::Debug;

use time::OffsetDateTime;

use super::{LedgerFilter, LedgerState};
use crate::domain::account::UserId;
use crate::domain::cloud::Cloud;
use crate::domain::expiry::ExpiryStatus;

/// A copy kept in a vendor attribute of its own on the KMS key (`byok-azure-copy/1`,
/// `byok-google-copy/1`): how it is named and stored, and what the ledger says of it.
pub trait CloudCopy: Clone + Debug + PartialEq + Send + Sync + 'static {
    /// The cloud holding it.
    const CLOUD: Cloud;
    /// What the export handed over (".byok file", "wrapped key file").
    const FILE: &'static str;
    /// The command whose JSON output confirms it ("az keyvault key import").
    const CONFIRMED_BY: &'static str;
    /// What copying the import command records with it.
    const COMMAND_RECORDS: &'static str;

    /// The cloud CLI's JSON output that confirms a copy.
    type Output;
    /// The import command's options a copy records once the command is copied.
    type Command: Clone + Send + Sync + 'static;

    /// Reads a pasted output; the refusal says what to paste instead.
    fn read_output(text: &str) -> Result<Self::Output, String>;
    /// Whether `output` is about this copy: the refusal says what differs.
    fn check_about(&self, output: &Self::Output) -> Result<(), String>;
    /// Records `output` as a confirmation by `by` at `now` (checked first; refused, nothing changes).
    fn record_output(
        &mut self,
        output: &Self::Output,
        now: OffsetDateTime,
        by: &UserId,
    ) -> Result<(), String>;
    /// Records the options of the command copied.
    fn record_command(&mut self, command: Self::Command);

    /// Its id (`ledger::new_entry_id`).
    fn id(&self) -> &str;
    /// The vendor attribute copy `id` is kept in.
    fn stored_name_of(id: &str) -> String;
    /// Whether a vendor attribute holds a copy of this kind.
    fn is_stored_name(name: &str) -> bool;
    /// Reads a copy back from its attribute; the refusal says what is wrong.
    fn read_stored(name: &str, value: &str) -> Result<Self, String>;
    /// Its stored JSON.
    fn stored_value(&self) -> String;
    /// Where the cloud holds it, as far as known.
    fn place(&self) -> String;
    /// Where it goes, as the export knows it ("https://contosokv.vault.azure.net", the job).
    fn destination(&self) -> String;
    /// What it is in the cloud ("RSA-HSM", "EC_SIGN_P256_SHA256").
    fn kind_words(&self) -> String;
    /// Who exported it, when known.
    fn recorded_by(&self) -> Option<&UserId>;
    /// When the cloud stops allowing its use, as far as known.
    fn expires(&self) -> Option<OffsetDateTime>;
    /// Where it stands at `now`.
    fn state(&self, now: OffsetDateTime) -> LedgerState;

    /// The vendor attribute it is kept in.
    fn stored_name(&self) -> String {
        Self::stored_name_of(self.id())
    }

    /// When it stops being usable, in words.
    fn expiry_words(&self, now: OffsetDateTime) -> String {
        self.expires()
            .map_or("does not expire (or not known)".to_owned(), |t| {
                ExpiryStatus::at(t, now).sentence()
            })
    }

    /// Whether `filter` shows it at `now` (a cloud's output about another key is refused,
    /// never recorded: a copy is a mismatch only when a sameness proof found other material).
    fn kept_by(&self, filter: LedgerFilter, now: OffsetDateTime) -> bool {
        match filter {
            LedgerFilter::All => true,
            LedgerFilter::Expiring => self
                .expires()
                .is_some_and(|t| t - now <= time::Duration::days(30)),
            LedgerFilter::Unconfirmed => self.state(now) == LedgerState::Exported,
            LedgerFilter::Mismatch => matches!(self.state(now), LedgerState::Mismatch(_)),
        }
    }
}
