//! The one way the UI shows a time: "2026-12-06 21:06 UTC", and a time left as a person
//! says it. Stored times (RFC 3339 in the KMS, the .ics file, the import script) keep theirs.

use time::{Duration, OffsetDateTime, UtcOffset};

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

/// A duration as a person says it, to the minute: "23 h 12 min", "72 h", "less than a
/// minute" (AWS's import parameters last 24 h, Google's import jobs 3 days).
pub fn duration_words(d: Duration) -> String {
    let minutes = d.whole_minutes();
    match (minutes / 60, minutes % 60) {
        (0, 0) => "less than a minute".to_owned(),
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
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

    #[test]
    fn a_duration_reads_in_hours_and_minutes() {
        let words = |minutes| duration_words(Duration::minutes(minutes));
        assert_eq!(words(0), "less than a minute");
        assert_eq!(words(5), "5 min");
        assert_eq!(words(72 * 60), "72 h");
        assert_eq!(words(23 * 60 + 12), "23 h 12 min");
        assert_eq!(duration_words(Duration::seconds(59)), "less than a minute");
    }
}
