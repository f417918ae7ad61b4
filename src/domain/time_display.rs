//! The one way the UI shows a time: "2026-12-06 21:06 UTC". Stored times
//! (RFC 3339 in the KMS, the .ics file, the import script) keep their own formats.

use time::{OffsetDateTime, UtcOffset};

/// "2026-12-06 21:06 UTC": `t` in UTC, to the minute, as every page shows a time.
pub fn utc_minutes(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute()
    )
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn a_time_reads_as_utc_to_the_minute() {
        assert_eq!(
            utc_minutes(datetime!(2026-12-06 21:06:36.5 UTC)),
            "2026-12-06 21:06 UTC"
        );
        // Another offset is shown in UTC; small years keep four digits.
        assert_eq!(
            utc_minutes(datetime!(2027-01-01 01:30 +02:00)),
            "2026-12-31 23:30 UTC"
        );
        assert_eq!(
            utc_minutes(datetime!(0999-03-04 05:06 UTC)),
            "0999-03-04 05:06 UTC"
        );
    }
}
