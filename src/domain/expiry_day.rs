//! Tags that let one KMIP message of Locates find the wrapping keys still usable (the KMS
//! filters tags, not dates), so a list does not grow with the expired keys a KMS keeps.
//!
//! A wrapping key whose use ends at a known time (AWS's `ParametersValidTo`, a Google import
//! job's expiry) is also tagged with that UTC day, `expiry_day:<YYYY-MM-DD>`, and with
//! [`EXPIRY_DAY_TAGGED`]: the pages Locate the days from today on, and every object of the
//! cloud that is not marked (imported by the Cosmian CLI, by older versions of this app, or
//! with an expiry too far out to be looked for) is described and judged by its own tags, as
//! before. The older tags (`parameters_valid_to:`, `expire_time:`) stay the truth for the time.

use time::{Date, Duration, OffsetDateTime};

/// Prefix of the tag naming the UTC day a wrapping key stops being usable.
pub const EXPIRY_DAY_TAG_PREFIX: &str = "expiry_day:";
/// Carried with an `expiry_day:` tag: the object can be found by its day.
pub const EXPIRY_DAY_TAGGED: &str = "expiry_day_tagged";

/// How far ahead of its import a cloud's wrapping key is day-tagged, and so
/// which days a list Locates: today and one day more than that, so a list's
/// clock a day behind the importing one still finds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DayWindow {
    tagged_days_ahead: i64,
}

impl DayWindow {
    /// AWS's import parameters last 24 hours: tagged up to the day after the
    /// import, looked for today and the next 2 days (3 Locates).
    pub const AWS: Self = Self {
        tagged_days_ahead: 1,
    };
    /// Google Cloud's import jobs last 3 days.
    pub const GOOGLE: Self = Self {
        tagged_days_ahead: 3,
    };

    /// The tags written beside the expiry of a key imported at `now`: its day
    /// and the marker, or none when the expiry is further out than a list looks
    /// (such a key is described and judged by its own tags).
    pub fn tags(self, expiry: OffsetDateTime, now: OffsetDateTime) -> Vec<String> {
        let day = utc_day(expiry);
        if day > utc_day(now) + Duration::days(self.tagged_days_ahead) {
            return Vec::new();
        }
        vec![expiry_day_tag(day), EXPIRY_DAY_TAGGED.to_owned()]
    }

    /// The `expiry_day:` tags a list Locates at `now`: today's and the next days'.
    pub fn days_to_locate(self, now: OffsetDateTime) -> Vec<String> {
        let today = utc_day(now);
        (0..=self.tagged_days_ahead + 1)
            .map(|ahead| expiry_day_tag(today + Duration::days(ahead)))
            .collect()
    }
}

/// `expiry_day:2026-12-08`.
pub fn expiry_day_tag(day: Date) -> String {
    format!(
        "{EXPIRY_DAY_TAG_PREFIX}{:04}-{:02}-{:02}",
        day.year(),
        u8::from(day.month()),
        day.day()
    )
}

fn utc_day(t: OffsetDateTime) -> Date {
    t.to_offset(time::UtcOffset::UTC).date()
}

/// What the Locates say of a cloud's stored wrapping keys, before any is described.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LocatedKeys {
    /// Day-tagged for today or later: usable, unless today's hour has passed (described to know).
    pub dated_usable: Vec<String>,
    /// Day-tagged for an earlier day: expired, known without describing them.
    pub dated_expired: Vec<String>,
    /// Not day-tagged (the CLI, older versions, an expiry far out): described and judged by their tags.
    pub undated: Vec<String>,
}

/// Sorts the ids of every object carrying the cloud's tag (`all`), those marked
/// [`EXPIRY_DAY_TAGGED`] (`marked`), and those found by today's or a later day
/// (`by_day`). An id found by a day but missing from the others (a Locate
/// reached its cap) stays usable: a usable key is never left out.
pub fn sort_located(all: &[String], marked: &[String], by_day: &[String]) -> LocatedKeys {
    let mut marked = marked.to_vec();
    marked.sort_unstable();
    let mut dated_usable: Vec<String> = by_day.to_vec();
    dated_usable.sort_unstable();
    dated_usable.dedup();
    let mut dated_expired: Vec<String> = marked
        .iter()
        .filter(|id| dated_usable.binary_search(id).is_err())
        .cloned()
        .collect();
    dated_expired.sort_unstable();
    dated_expired.dedup();
    let mut undated: Vec<String> = all
        .iter()
        .filter(|id| marked.binary_search(id).is_err() && dated_usable.binary_search(id).is_err())
        .cloned()
        .collect();
    undated.sort_unstable();
    undated.dedup();
    LocatedKeys {
        dated_usable,
        dated_expired,
        undated,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn an_expiry_is_tagged_with_its_utc_day_and_the_marker() {
        let now = datetime!(2026-12-07 23:30 UTC);
        assert_eq!(
            DayWindow::AWS.tags(datetime!(2026-12-08 01:30 +02:00), now),
            ["expiry_day:2026-12-07", "expiry_day_tagged"]
        );
        assert_eq!(
            DayWindow::AWS.tags(datetime!(2026-12-08 23:59 UTC), now),
            ["expiry_day:2026-12-08", "expiry_day_tagged"]
        );
        assert_eq!(
            DayWindow::GOOGLE.tags(datetime!(2026-12-10 23:59 UTC), now),
            ["expiry_day:2026-12-10", "expiry_day_tagged"]
        );
    }

    #[test]
    fn an_expiry_further_out_than_a_list_looks_is_not_day_tagged() {
        let now = datetime!(2026-12-07 00:00 UTC);
        assert!(
            DayWindow::AWS
                .tags(datetime!(2026-12-09 00:00 UTC), now)
                .is_empty()
        );
        assert!(
            DayWindow::GOOGLE
                .tags(datetime!(2026-12-11 00:00 UTC), now)
                .is_empty()
        );
        assert!(
            DayWindow::GOOGLE
                .tags(datetime!(2027-12-07 00:00 UTC), now)
                .is_empty()
        );
    }

    #[test]
    fn a_list_locates_today_and_every_day_a_tagged_key_can_still_be_usable() {
        assert_eq!(
            DayWindow::AWS.days_to_locate(datetime!(2026-12-31 12:00 UTC)),
            [
                "expiry_day:2026-12-31",
                "expiry_day:2027-01-01",
                "expiry_day:2027-01-02"
            ]
        );
        assert_eq!(
            DayWindow::GOOGLE.days_to_locate(datetime!(2026-12-30 12:00 UTC)),
            [
                "expiry_day:2026-12-30",
                "expiry_day:2026-12-31",
                "expiry_day:2027-01-01",
                "expiry_day:2027-01-02",
                "expiry_day:2027-01-03"
            ]
        );
        // Whatever was tagged at import is found the day before its import
        // too (a list's clock a day behind), and every day after until it
        // expires.
        for window in [DayWindow::AWS, DayWindow::GOOGLE] {
            for hours in 0..(24 * 4) {
                let import = datetime!(2026-12-30 00:00 UTC) + Duration::hours(hours);
                for ahead in 0..=(24 * (window.tagged_days_ahead + 1)) {
                    let expiry = import + Duration::hours(ahead);
                    let Some(tag) = window.tags(expiry, import).first().cloned() else {
                        continue;
                    };
                    let mut list = import - Duration::days(1);
                    while list < expiry {
                        assert!(
                            window.days_to_locate(list).contains(&tag),
                            "{window:?} {import} {expiry} {list}"
                        );
                        list += Duration::hours(5);
                    }
                }
            }
        }
    }

    #[test]
    fn an_aws_key_valid_24_hours_is_day_tagged_whenever_it_is_imported() {
        // AWS's parameters last 24 hours from get-parameters-for-import; the
        // wrapping key is imported into the KMS at once or within that day.
        let fetched = datetime!(2026-12-07 22:00 UTC);
        let valid_to = fetched + Duration::hours(24);
        for after_hours in [0, 2, 23] {
            let import = fetched + Duration::hours(after_hours);
            assert!(
                !DayWindow::AWS.tags(valid_to, import).is_empty(),
                "{after_hours}"
            );
        }
    }

    #[test]
    fn located_ids_are_sorted_by_what_their_tags_say() {
        let all = ids(&["cli", "old", "k-exp", "k-ok"]);
        let marked = ids(&["k-exp", "k-ok", "k-new"]);
        let by_day = ids(&["k-ok", "k-new", "k-beyond-cap"]);
        let located = sort_located(&all, &marked, &by_day);
        assert_eq!(
            located.dated_usable,
            ids(&["k-beyond-cap", "k-new", "k-ok"])
        );
        assert_eq!(located.dated_expired, ids(&["k-exp"]));
        assert_eq!(located.undated, ids(&["cli", "old"]));
    }
}
