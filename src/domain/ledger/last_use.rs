//! get-key-last-usage on a ledger entry: kept as a `last_used` event, read back
//! as the entry's latest reading, and an entry idle for long marked as such.

use time::{Duration, OffsetDateTime};

use crate::domain::aws::last_usage::{LastUse, UsageReading};
use crate::domain::ledger::{EventKind, LedgerEntry, LedgerEvent, by_words};
use crate::domain::time_display::utc_minutes;

impl EventKind {
    /// The event that keeps `reading`.
    pub fn last_used(reading: &UsageReading) -> Self {
        let last = reading.last.as_ref();
        Self::LastUsed {
            operation: last.and_then(|l| l.operation.clone()),
            used_at: last.and_then(|l| l.at),
            cloudtrail_event_id: last.and_then(|l| l.cloudtrail_event_id.clone()),
            kms_request_id: last.and_then(|l| l.kms_request_id.clone()),
            tracking_since: reading.tracking_since,
            key_created: reading.key_created,
        }
    }

    /// The reading a `last_used` event keeps (`None` for other events).
    pub fn usage(&self) -> Option<UsageReading> {
        let Self::LastUsed {
            operation,
            used_at,
            cloudtrail_event_id,
            kms_request_id,
            tracking_since,
            key_created,
        } = self
        else {
            return None;
        };
        let used = operation.is_some()
            || used_at.is_some()
            || cloudtrail_event_id.is_some()
            || kms_request_id.is_some();
        Some(UsageReading {
            key_created: *key_created,
            tracking_since: *tracking_since,
            last: used.then(|| LastUse {
                operation: operation.clone(),
                at: *used_at,
                cloudtrail_event_id: cloudtrail_event_id.clone(),
                kms_request_id: kms_request_id.clone(),
            }),
        })
    }
}

impl LedgerEntry {
    /// The latest get-key-last-usage reading pasted on this entry, with its event.
    pub fn last_usage(&self) -> Option<(&LedgerEvent, UsageReading)> {
        self.events
            .iter()
            .rev()
            .find_map(|event| event.kind.usage().map(|reading| (event, reading)))
    }

    /// How long the copy has gone without a known use, when that is longer than
    /// [`crate::domain::aws::last_usage::IDLE_AFTER`].
    pub fn idle_for(&self, now: OffsetDateTime) -> Option<Duration> {
        self.last_usage()
            .and_then(|(_, reading)| reading.verdict().idle_for(now))
    }
}

/// The entry's last use in a sentence for its details: the latest reading,
/// when it was read and by whom, and "idle" after long without use; or what
/// to run when none was pasted.
pub fn last_use_line(entry: &LedgerEntry, now: OffsetDateTime) -> String {
    let Some((event, reading)) = entry.last_usage() else {
        return if entry.aws_key_arn.is_some() {
            "Not known: run get-key-last-usage below and paste its output.".to_owned()
        } else {
            "Not known: once AWS's key is named (paste import-key-material or describe-key), get-key-last-usage tells.".to_owned()
        };
    };
    let idle = reading.verdict().idle_for(now).map_or(String::new(), |d| {
        format!(" Idle: no known use for {} days.", d.whole_days())
    });
    format!(
        "{} Read {}{}.{idle}",
        reading.describe(),
        utc_minutes(event.at),
        by_words(event.by.as_ref(), "user unknown")
    )
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use crate::domain::ledger::tests::{alice, entry};

    use super::*;

    fn decrypt_on(at: OffsetDateTime) -> UsageReading {
        UsageReading {
            key_created: Some(datetime!(2026-05-01 0:00 UTC)),
            tracking_since: Some(datetime!(2026-04-01 0:00 UTC)),
            last: Some(LastUse {
                operation: Some("Decrypt".to_owned()),
                at: Some(at),
                cloudtrail_event_id: Some("0a1b2c3d-aaaa-bbbb-cccc-0123456789ab".to_owned()),
                kms_request_id: None,
            }),
        }
    }

    #[test]
    fn the_latest_reading_is_the_entrys_and_reads_back_as_it_was_kept() {
        let mut e = entry();
        assert_eq!(e.last_usage(), None);
        let older = decrypt_on(datetime!(2026-06-01 0:00 UTC));
        let newer = decrypt_on(datetime!(2026-11-02 10:00 UTC));
        e.record_by(
            EventKind::last_used(&older),
            datetime!(2026-06-02 0:00 UTC),
            &alice(),
        );
        e.record_by(
            EventKind::last_used(&newer),
            datetime!(2026-11-03 0:00 UTC),
            &alice(),
        );
        let (event, reading) = e.last_usage().unwrap();
        assert_eq!(reading, newer);
        assert_eq!(event.at, datetime!(2026-11-03 0:00 UTC));
        assert_eq!(
            event.line(),
            "2026-11-03 00:00 UTC: last used 2026-11-02 10:00 UTC (Decrypt, CloudTrail event 0a1b2c3d-aaaa-bbbb-cccc-0123456789ab) by alice@example.com"
        );
        assert_eq!(e.idle_for(datetime!(2026-12-01 0:00 UTC)), None);
        assert_eq!(
            e.idle_for(datetime!(2027-03-01 0:00 UTC)),
            Some(Duration::days(119) - Duration::hours(10))
        );
    }

    #[test]
    fn a_reading_with_no_use_keeps_only_its_dates() {
        let reading = UsageReading {
            key_created: Some(datetime!(2025-01-15 9:30 UTC)),
            tracking_since: Some(datetime!(2025-04-01 0:00 UTC)),
            last: None,
        };
        let kind = EventKind::last_used(&reading);
        assert_eq!(kind.usage(), Some(reading));
        assert_eq!(
            kind.describe(),
            "no use recorded since tracking began 2025-04-01 00:00 UTC (earlier use unknown)"
        );
        assert_eq!(EventKind::Registered.usage(), None);
    }

    #[test]
    fn the_line_says_the_use_who_read_it_and_idleness_or_what_to_run() {
        let mut e = entry();
        assert_eq!(
            last_use_line(&e, datetime!(2026-12-01 0:00 UTC)),
            "Not known: run get-key-last-usage below and paste its output."
        );
        e.record_by(
            EventKind::last_used(&decrypt_on(datetime!(2026-06-01 0:00 UTC))),
            datetime!(2026-06-02 0:00 UTC),
            &alice(),
        );
        assert_eq!(
            last_use_line(&e, datetime!(2026-12-01 0:00 UTC)),
            "Last used 2026-06-01 00:00 UTC (Decrypt, CloudTrail event 0a1b2c3d-aaaa-bbbb-cccc-0123456789ab). Read 2026-06-02 00:00 UTC by alice@example.com. Idle: no known use for 183 days."
        );
    }
}
