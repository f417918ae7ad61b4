//! What `aws kms get-key-last-usage` says about a key, in the words an auditor
//! needs before a material is retired: last used when, how, and how sure we are.
//!
//! AWS tracks the last successful cryptographic operation per key and per
//! Region since `TrackingStartDate`; an empty `KeyLastUsage` on a key created
//! before tracking began proves nothing, so it reads as "unknown", not "idle".

use time::{Duration, OffsetDateTime};

use crate::domain::aws::arn::AwsKeyArn;
use crate::domain::aws::outputs::KeyRef;
use crate::domain::cli::{CliCommand, shell_quote};
use crate::domain::time_display::utc_minutes;

/// How long without a use before a copy is marked as idle on the ledger.
pub const IDLE_AFTER: Duration = Duration::days(90);

/// The operations AWS tracks (`KeyLastUsageTrackingOperation` in the API model).
pub const TRACKED_OPERATIONS: [&str; 12] = [
    "Decrypt",
    "DeriveSharedSecret",
    "Encrypt",
    "GenerateDataKey",
    "GenerateDataKeyPair",
    "GenerateDataKeyPairWithoutPlaintext",
    "GenerateDataKeyWithoutPlaintext",
    "GenerateMac",
    "ReEncrypt",
    "Sign",
    "Verify",
    "VerifyMac",
];

/// `aws kms get-key-last-usage` output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LastUsageOutput {
    pub key: KeyRef,
    pub reading: UsageReading,
}

/// What AWS answered about one key in one Region (the output without its key;
/// what the ledger keeps as an event).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsageReading {
    pub key_created: Option<OffsetDateTime>,
    /// Since when AWS tracks this key's use in this Region.
    pub tracking_since: Option<OffsetDateTime>,
    /// `None`: no successful cryptographic operation since tracking began.
    pub last: Option<LastUse>,
}

/// The last successful cryptographic operation (`KeyLastUsage`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LastUse {
    /// `Decrypt`, `GenerateDataKey`, … as AWS names it.
    pub operation: Option<String>,
    pub at: Option<OffsetDateTime>,
    /// The CloudTrail `eventId` to look the call up by.
    pub cloudtrail_event_id: Option<String>,
    pub kms_request_id: Option<String>,
}

/// What a last-usage reading establishes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UsageVerdict {
    /// Used at this time (or at an unknown time, when AWS gave none).
    Used { at: Option<OffsetDateTime> },
    /// Not used since the key exists: it was created after tracking began.
    NeverUsed { since: Option<OffsetDateTime> },
    /// Nothing recorded since tracking began, but the key is older than
    /// tracking: it may have been used before.
    UnknownBeforeTracking { since: OffsetDateTime },
}

impl UsageReading {
    /// What the reading establishes.
    pub fn verdict(&self) -> UsageVerdict {
        if let Some(last) = &self.last {
            return UsageVerdict::Used { at: last.at };
        }
        match (self.key_created, self.tracking_since) {
            (Some(created), Some(since)) if created < since => {
                UsageVerdict::UnknownBeforeTracking { since }
            }
            (_, since) => UsageVerdict::NeverUsed { since },
        }
    }
}

impl UsageVerdict {
    /// Idle: no known use for [`IDLE_AFTER`] (a use at an unknown time, or a
    /// key older than tracking, is not called idle: nothing proves it).
    pub fn idle_for(&self, now: OffsetDateTime) -> Option<Duration> {
        let since = match self {
            Self::Used { at: Some(at) } => *at,
            Self::NeverUsed { since: Some(since) } => *since,
            _ => return None,
        };
        let idle = now - since;
        (idle >= IDLE_AFTER).then_some(idle)
    }
}

impl LastUse {
    /// "last used 2026-11-02 10:00 UTC (Decrypt, CloudTrail event 1a2b…)".
    pub fn describe(&self) -> String {
        let when = self
            .at
            .map_or("at a time AWS did not give".to_owned(), utc_minutes);
        let mut how = Vec::new();
        if let Some(operation) = &self.operation {
            how.push(operation.clone());
        }
        if let Some(event) = &self.cloudtrail_event_id {
            how.push(format!("CloudTrail event {event}"));
        }
        if how.is_empty() {
            format!("last used {when}")
        } else {
            format!("last used {when} ({})", how.join(", "))
        }
    }
}

impl UsageReading {
    /// The verdict in a sentence, for the page and the ceremony record.
    pub fn describe(&self) -> String {
        match (&self.last, self.verdict()) {
        (Some(last), _) => format!("{}.", capitalised(&last.describe())),
        (None, UsageVerdict::UnknownBeforeTracking { since }) => format!(
            "No use recorded since AWS began tracking on {}; the key is older, so earlier use is unknown: look it up in CloudTrail before retiring it.",
            utc_minutes(since)
        ),
        (None, UsageVerdict::NeverUsed { since: Some(since) }) => format!(
            "Not used since AWS began tracking this key on {} (no successful cryptographic operation).",
            utc_minutes(since)
        ),
        (None, _) => "Not used since AWS began tracking this key (no successful cryptographic operation).".to_owned(),
    }
    }

    /// The verdict in a few words, for an event's line.
    pub fn short_words(&self) -> String {
        match (&self.last, self.verdict()) {
            (Some(last), _) => last.describe(),
            (None, UsageVerdict::UnknownBeforeTracking { since }) => format!(
                "no use recorded since tracking began {} (earlier use unknown)",
                utc_minutes(since)
            ),
            (None, _) => "not used since tracking began".to_owned(),
        }
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// `aws kms get-key-last-usage --key-id <ARN> --region <Region>`: aliases are
/// not accepted by this operation, and its answer is for one Region.
pub fn command(key_arn: &AwsKeyArn) -> CliCommand {
    CliCommand(vec![
        "aws kms get-key-last-usage".to_owned(),
        format!("--key-id {}", shell_quote(key_arn.as_str())),
        format!("--region {}", key_arn.region()),
    ])
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    fn output(
        created: Option<OffsetDateTime>,
        since: Option<OffsetDateTime>,
        last: Option<LastUse>,
    ) -> UsageReading {
        UsageReading {
            key_created: created,
            tracking_since: since,
            last,
        }
    }

    fn decrypt_at(at: OffsetDateTime) -> LastUse {
        LastUse {
            operation: Some("Decrypt".to_owned()),
            at: Some(at),
            cloudtrail_event_id: Some("0a1b2c3d-aaaa-bbbb-cccc-0123456789ab".to_owned()),
            kms_request_id: Some("11112222-3333-4444-5555-666677778888".to_owned()),
        }
    }

    #[test]
    fn a_use_is_described_with_its_operation_and_cloudtrail_event() {
        let out = output(
            None,
            None,
            Some(decrypt_at(datetime!(2026-11-02 10:00 UTC))),
        );
        assert_eq!(
            out.describe(),
            "Last used 2026-11-02 10:00 UTC (Decrypt, CloudTrail event 0a1b2c3d-aaaa-bbbb-cccc-0123456789ab)."
        );
        assert_eq!(
            out.verdict(),
            UsageVerdict::Used {
                at: Some(datetime!(2026-11-02 10:00 UTC))
            }
        );
    }

    #[test]
    fn an_empty_reading_on_a_key_older_than_tracking_is_unknown_not_idle() {
        let out = output(
            Some(datetime!(2025-01-01 0:00 UTC)),
            Some(datetime!(2026-04-01 0:00 UTC)),
            None,
        );
        let verdict = out.verdict();
        assert_eq!(
            verdict,
            UsageVerdict::UnknownBeforeTracking {
                since: datetime!(2026-04-01 0:00 UTC)
            }
        );
        assert_eq!(verdict.idle_for(datetime!(2027-06-01 0:00 UTC)), None);
        assert!(
            out.describe().contains("earlier use is unknown"),
            "{}",
            out.describe()
        );
    }

    #[test]
    fn a_key_created_after_tracking_and_never_used_is_idle_after_ninety_days() {
        let out = output(
            Some(datetime!(2026-06-01 0:00 UTC)),
            Some(datetime!(2026-06-01 0:00 UTC)),
            None,
        );
        let verdict = out.verdict();
        assert_eq!(verdict.idle_for(datetime!(2026-08-29 0:00 UTC)), None);
        assert_eq!(
            verdict.idle_for(datetime!(2026-08-30 0:00 UTC)),
            Some(Duration::days(90))
        );
        assert!(
            out.describe()
                .starts_with("Not used since AWS began tracking this key on 2026-06-01")
        );
    }

    #[test]
    fn a_use_long_ago_is_idle_and_a_use_at_an_unknown_time_is_not() {
        let old = output(None, None, Some(decrypt_at(datetime!(2026-01-01 0:00 UTC))));
        assert_eq!(
            old.verdict().idle_for(datetime!(2026-12-01 0:00 UTC)),
            Some(Duration::days(334))
        );
        let unknown_time = LastUse {
            at: None,
            ..decrypt_at(datetime!(2026-01-01 0:00 UTC))
        };
        let out = output(None, None, Some(unknown_time));
        assert_eq!(out.verdict().idle_for(datetime!(2030-01-01 0:00 UTC)), None);
        assert!(out.describe().contains("at a time AWS did not give"));
    }

    #[test]
    fn the_command_names_the_arn_and_its_region() {
        let arn = AwsKeyArn::parse(
            "arn:aws:kms:eu-west-3:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        )
        .unwrap();
        assert_eq!(
            command(&arn).one_line(),
            "aws kms get-key-last-usage --key-id arn:aws:kms:eu-west-3:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab --region eu-west-3"
        );
    }
}
