//! The ledger as a picture: every copy of one KMS key across time, laid out for an SVG the
//! app draws (dates → x, one lane per copy, a mark per event), and the same facts as words.
//!
//! Pure geometry in the SVG's own units ([`WIDTH`] wide, scaled to the screen by the
//! viewBox): the component only draws what [`lay_out`] returns.

use time::{Duration, OffsetDateTime};

use crate::domain::aws::outputs::arn_account;
use crate::domain::ledger::azure::{AzureCopy, AzureEventKind};
use crate::domain::ledger::google::{GoogleCopy, GoogleEventKind};
use crate::domain::ledger::{EventKind, LedgerEntry};
use crate::domain::time_display::utc_minutes;

/// The drawing's width in SVG units (the viewBox; the page scales it to fit, 360 px included).
pub const WIDTH: f64 = 400.0;
const SIDE: f64 = 10.0;
/// Room above the first lane for "today" and below the last for the dates.
const TOP: f64 = 22.0;
const BOTTOM: f64 = 22.0;
/// Each lane: its label, then its line with the marks.
pub const LANE_HEIGHT: f64 = 44.0;
/// Marks closer than this are set apart (their dates stay in the words).
const MIN_GAP: f64 = 9.0;
/// The expiry horizon: the next 30, 7 and 1 days from today are shaded.
pub const HORIZON_DAYS: [i64; 3] = [30, 7, 1];

/// What happened to a copy, as the timeline marks it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkKind {
    Exported,
    Registered,
    Imported,
    Verified,
    Mismatch,
    Rotated,
    Superseded,
    /// The material's expiry, still ahead.
    Expires,
    /// The material's expiry, passed.
    Expired,
}

impl MarkKind {
    pub const ALL: [Self; 9] = [
        Self::Exported,
        Self::Registered,
        Self::Imported,
        Self::Verified,
        Self::Mismatch,
        Self::Rotated,
        Self::Superseded,
        Self::Expires,
        Self::Expired,
    ];

    /// The word in the list and the legend.
    pub fn label(self) -> &'static str {
        match self {
            Self::Exported => "exported",
            Self::Registered => "registered",
            Self::Imported => "imported",
            Self::Verified => "verified",
            Self::Mismatch => "mismatch",
            Self::Rotated => "rotated",
            Self::Superseded => "superseded",
            Self::Expires => "expires",
            Self::Expired => "expired",
        }
    }

    /// The mark's shape as an SVG path centred on (x, y): a shape per kind, so
    /// the picture reads without colour.
    pub fn path(self, x: f64, y: f64) -> String {
        let r = 5.0;
        match self {
            // Circle (two arcs).
            Self::Exported | Self::Registered => format!(
                "M{:.1} {y:.1}a{r} {r} 0 1 0 {d:.1} 0a{r} {r} 0 1 0 -{d:.1} 0Z",
                x - r,
                d = 2.0 * r
            ),
            // Square.
            Self::Imported => format!(
                "M{:.1} {:.1}h{d:.1}v{d:.1}h-{d:.1}Z",
                x - r,
                y - r,
                d = 2.0 * r
            ),
            // Diamond.
            Self::Verified => format!(
                "M{x:.1} {:.1}L{:.1} {y:.1}L{x:.1} {:.1}L{:.1} {y:.1}Z",
                y - r - 1.0,
                x + r + 1.0,
                y + r + 1.0,
                x - r - 1.0
            ),
            // Triangle pointing right (moved on).
            Self::Rotated | Self::Superseded => format!(
                "M{:.1} {:.1}L{:.1} {y:.1}L{:.1} {:.1}Z",
                x - r,
                y - r,
                x + r,
                x - r,
                y + r
            ),
            // A cross.
            Self::Mismatch | Self::Expired => format!(
                "M{:.1} {:.1}L{:.1} {:.1}M{:.1} {:.1}L{:.1} {:.1}",
                x - r,
                y - r,
                x + r,
                y + r,
                x - r,
                y + r,
                x + r,
                y - r
            ),
            // A bar across the lane.
            Self::Expires => format!("M{x:.1} {:.1}V{:.1}", y - r - 3.0, y + r + 3.0),
        }
    }

    /// Whether the path is drawn as a line (stroke only) rather than filled.
    pub fn is_line(self) -> bool {
        matches!(self, Self::Mismatch | Self::Expired | Self::Expires)
    }
}

/// One copy's history, whatever its cloud: what the timeline is drawn from.
#[derive(Clone, Debug, PartialEq)]
pub struct CopyHistory {
    /// e.g. "AWS 447182645454 eu-west-3 …0b0ea42b".
    pub label: String,
    pub copy_id: String,
    pub events: Vec<(OffsetDateTime, MarkKind)>,
}

/// The last 8 characters of an id, for a lane's label.
fn tail(id: &str) -> &str {
    id.char_indices()
        .rev()
        .nth(7)
        .map_or(id, |(at, _)| &id[at..])
}

fn expiry(at: Option<OffsetDateTime>, now: OffsetDateTime) -> Option<(OffsetDateTime, MarkKind)> {
    at.map(|t| {
        (
            t,
            if t <= now {
                MarkKind::Expired
            } else {
                MarkKind::Expires
            },
        )
    })
}

impl CopyHistory {
    /// An AWS copy: exported (or registered), imported, verified, mismatched, rotated,
    /// superseded, and its expiry. Each kind once, at its first time (the list of
    /// events keeps the rest).
    pub fn aws(entry: &LedgerEntry, now: OffsetDateTime) -> Self {
        let label = match &entry.aws_key_arn {
            Some(arn) => format!(
                "AWS {} {} …{}",
                arn_account(arn),
                arn.region(),
                tail(arn.as_str())
            ),
            None => format!("AWS copy …{} (AWS key not named yet)", tail(&entry.id)),
        };
        let start = if entry.export.is_some() {
            MarkKind::Exported
        } else {
            MarkKind::Registered
        };
        let mut events = vec![(entry.recorded_at, start)];
        for event in &entry.events {
            let kind = match &event.kind {
                EventKind::ImportConfirmed { .. } | EventKind::DescribeConfirmed { .. } => {
                    MarkKind::Imported
                }
                EventKind::SameMaterial { .. } => MarkKind::Verified,
                EventKind::DifferentMaterial { .. } | EventKind::Mismatch { .. } => {
                    MarkKind::Mismatch
                }
                EventKind::Rotated { .. } => MarkKind::Rotated,
                EventKind::Superseded { .. } => MarkKind::Superseded,
                EventKind::Registered | EventKind::LastUsed { .. } | EventKind::Unrecognised(_) => {
                    continue;
                }
            };
            if !events.iter().any(|(_, k)| *k == kind) {
                events.push((event.at, kind));
            }
        }
        events.extend(expiry(entry.valid_to(), now));
        Self {
            label,
            copy_id: entry.id.clone(),
            events,
        }
    }

    /// An Azure Key Vault copy: exported, imported (confirmed), verified or mismatched, its expiry.
    pub fn azure(copy: &AzureCopy, now: OffsetDateTime) -> Self {
        let mut events = vec![(copy.recorded_at, MarkKind::Exported)];
        for event in &copy.events {
            let kind = match &event.kind {
                AzureEventKind::Confirmed { .. } => MarkKind::Imported,
                AzureEventKind::SameMaterial { .. } => MarkKind::Verified,
                AzureEventKind::DifferentMaterial { .. } => MarkKind::Mismatch,
                _ => continue,
            };
            if !events.iter().any(|(_, k)| *k == kind) {
                events.push((event.at, kind));
            }
        }
        events.extend(expiry(copy.expires(), now));
        Self {
            label: format!("Azure {} …{}", copy.vault, tail(&copy.id)),
            copy_id: copy.id.clone(),
            events,
        }
    }

    /// A Google Cloud copy: exported, imported (confirmed); key versions do not expire.
    pub fn google(copy: &GoogleCopy) -> Self {
        let mut events = vec![(copy.recorded_at, MarkKind::Exported)];
        if let Some(event) = copy
            .events
            .iter()
            .find(|e| matches!(e.kind, GoogleEventKind::Confirmed { .. }))
        {
            events.push((event.at, MarkKind::Imported));
        }
        let ring = copy.import_job.key_ring();
        Self {
            label: format!(
                "Google Cloud {} {} …{}",
                ring.project(),
                ring.location(),
                tail(&copy.id)
            ),
            copy_id: copy.id.clone(),
            events,
        }
    }
}

/// A mark placed: its true position `x`, and `shown_x` moved right when it
/// would cover the previous mark of its lane.
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    pub kind: MarkKind,
    pub at: OffsetDateTime,
    pub x: f64,
    pub shown_x: f64,
    /// "imported 2026-11-28 12:05 UTC".
    pub words: String,
}

/// One copy's lane: its label above a line from its first mark to its last.
#[derive(Clone, Debug, PartialEq)]
pub struct Lane {
    pub label: String,
    pub copy_id: String,
    /// The lane line's y; the label sits above it.
    pub y: f64,
    pub from_x: f64,
    pub to_x: f64,
    pub marks: Vec<Mark>,
}

/// A date along the axis.
#[derive(Clone, Debug, PartialEq)]
pub struct Tick {
    pub x: f64,
    /// "2026-12-07".
    pub label: String,
}

/// The shaded expiry horizon: from today to `days` ahead.
#[derive(Clone, Debug, PartialEq)]
pub struct Band {
    pub days: i64,
    pub x0: f64,
    pub x1: f64,
}

/// The whole picture.
#[derive(Clone, Debug, PartialEq)]
pub struct Timeline {
    pub width: f64,
    pub height: f64,
    pub start: OffsetDateTime,
    pub end: OffsetDateTime,
    pub today_x: f64,
    pub lanes: Vec<Lane>,
    /// Widest first (30, 7, 1 days), so the narrower ones are drawn on top.
    pub horizon: Vec<Band>,
    pub ticks: Vec<Tick>,
}

impl Timeline {
    /// The x of a time (outside the range: at its edge).
    pub fn x_of(&self, at: OffsetDateTime) -> f64 {
        x_between(self.start, self.end, at)
    }

    /// Where the dates sit, below the last lane.
    pub fn axis_y(&self) -> f64 {
        self.height - BOTTOM + 14.0
    }
}

fn x_between(start: OffsetDateTime, end: OffsetDateTime, at: OffsetDateTime) -> f64 {
    let span = (end - start).as_seconds_f64().max(1.0);
    let part = ((at - start).as_seconds_f64() / span).clamp(0.0, 1.0);
    SIDE + part * (WIDTH - 2.0 * SIDE)
}

/// Lays the copies out between the earliest event (or today) and the latest
/// (at least 31 days after today, so the horizon shows), with a little room each side.
pub fn lay_out(copies: &[CopyHistory], now: OffsetDateTime) -> Timeline {
    let times = copies.iter().flat_map(|c| c.events.iter().map(|(t, _)| *t));
    let first = times.clone().chain([now]).min().unwrap_or(now);
    let last = times.chain([now + Duration::days(31)]).max().unwrap_or(now);
    let pad = (last - first) / 20;
    let (start, end) = (first - pad, last + pad);
    let x = |at: OffsetDateTime| x_between(start, end, at);
    let lanes = copies
        .iter()
        .enumerate()
        .map(|(i, copy)| lane(copy, TOP + LANE_HEIGHT * (i as f64 + 1.0) - 12.0, &x))
        .collect();
    let ticks = (0..4)
        .map(|i| {
            let at = start + (end - start) * i / 3;
            Tick {
                x: x(at),
                label: at.date().to_string(),
            }
        })
        .collect();
    Timeline {
        width: WIDTH,
        height: TOP + LANE_HEIGHT * copies.len().max(1) as f64 + BOTTOM,
        start,
        end,
        today_x: x(now),
        lanes,
        horizon: HORIZON_DAYS
            .iter()
            .map(|&days| Band {
                days,
                x0: x(now),
                x1: x(now + Duration::days(days)),
            })
            .collect(),
        ticks,
    }
}

fn lane(copy: &CopyHistory, y: f64, x: &impl Fn(OffsetDateTime) -> f64) -> Lane {
    let mut events = copy.events.clone();
    events.sort_by_key(|(at, _)| *at);
    let mut marks: Vec<Mark> = Vec::with_capacity(events.len());
    for (at, kind) in events {
        let true_x = x(at);
        let shown_x = marks
            .last()
            .map_or(true_x, |prev| true_x.max(prev.shown_x + MIN_GAP));
        marks.push(Mark {
            kind,
            at,
            x: true_x,
            shown_x,
            words: format!("{} {}", kind.label(), utc_minutes(at)),
        });
    }
    Lane {
        label: copy.label.clone(),
        copy_id: copy.copy_id.clone(),
        y,
        from_x: marks.first().map_or(SIDE, |m| m.shown_x),
        to_x: marks.last().map_or(SIDE, |m| m.shown_x),
        marks,
    }
}

/// A lane in one sentence, for the list beside the picture (what a screen reader reads):
/// "AWS 447182645454 eu-west-3 …: exported 2026-11-28 12:00 UTC, imported …".
pub fn lane_words(lane: &Lane) -> String {
    let marks: Vec<&str> = lane.marks.iter().map(|m| m.words.as_str()).collect();
    format!("{}: {}", lane.label, marks.join(", "))
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;
    use crate::domain::ledger::tests::{MATERIAL_ID, alice, entry};
    use crate::domain::ledger::{EventKind, Proof};

    const NOW: OffsetDateTime = datetime!(2026-12-07 10:00 UTC);

    fn history(events: &[(OffsetDateTime, MarkKind)]) -> CopyHistory {
        CopyHistory {
            label: "copy".to_owned(),
            copy_id: "c".to_owned(),
            events: events.to_vec(),
        }
    }

    #[test]
    fn dates_map_to_x_in_order_within_the_width_and_today_is_inside() {
        let t = lay_out(
            &[history(&[
                (datetime!(2026-11-01 0:00 UTC), MarkKind::Exported),
                (datetime!(2027-02-01 0:00 UTC), MarkKind::Expires),
            ])],
            NOW,
        );
        let xs: Vec<f64> = t.lanes[0].marks.iter().map(|m| m.x).collect();
        assert!(xs[0] >= SIDE && xs[1] <= WIDTH - SIDE, "{xs:?}");
        assert!(
            xs[0] < t.today_x && t.today_x < xs[1],
            "{xs:?} {}",
            t.today_x
        );
        // The first and last events sit 1/22 of the range in from each side.
        let inner = WIDTH - 2.0 * SIDE;
        assert!((xs[0] - (SIDE + inner / 22.0)).abs() < 0.5, "{}", xs[0]);
        assert!(
            (xs[1] - (WIDTH - SIDE - inner / 22.0)).abs() < 0.5,
            "{}",
            xs[1]
        );
        assert_eq!(t.x_of(datetime!(2000-01-01 0:00 UTC)), SIDE);
    }

    #[test]
    fn the_horizon_shades_30_7_1_days_from_today_widest_first() {
        let t = lay_out(&[], NOW);
        let days: Vec<i64> = t.horizon.iter().map(|b| b.days).collect();
        assert_eq!(days, [30, 7, 1]);
        assert!(t.horizon.iter().all(|b| b.x0 == t.today_x));
        assert!(t.horizon[0].x1 > t.horizon[1].x1 && t.horizon[1].x1 > t.horizon[2].x1);
        assert!(t.horizon[0].x1 <= WIDTH - SIDE);
        assert_eq!(t.ticks.len(), 4);
        assert_eq!(t.ticks[0].x, SIDE);
    }

    #[test]
    fn marks_on_the_same_day_are_set_apart_and_keep_their_dates() {
        let at = datetime!(2026-11-28 12:00 UTC);
        let t = lay_out(
            &[history(&[
                (at, MarkKind::Exported),
                (at, MarkKind::Imported),
                (at, MarkKind::Verified),
            ])],
            NOW,
        );
        let marks = &t.lanes[0].marks;
        assert_eq!(marks[0].x, marks[2].x);
        assert!(marks[1].shown_x - marks[0].shown_x >= MIN_GAP);
        assert!(marks[2].shown_x - marks[1].shown_x >= MIN_GAP);
        assert_eq!(marks[2].words, "verified 2026-11-28 12:00 UTC");
    }

    #[test]
    fn one_lane_per_copy_each_below_the_other() {
        let t = lay_out(
            &[
                history(&[(NOW, MarkKind::Exported)]),
                history(&[(NOW, MarkKind::Exported)]),
            ],
            NOW,
        );
        assert_eq!(t.lanes.len(), 2);
        assert_eq!(t.lanes[1].y - t.lanes[0].y, LANE_HEIGHT);
        assert!(t.axis_y() > t.lanes[1].y && t.axis_y() < t.height);
    }

    #[test]
    fn an_aws_entry_gives_its_marks_once_each_with_its_expiry() {
        let mut e = entry();
        let at = datetime!(2026-11-29 12:00 UTC);
        for kind in [
            EventKind::ImportConfirmed {
                key_material_id: Some(MATERIAL_ID.into()),
            },
            EventKind::SameMaterial {
                proof: Proof::AesImport,
            },
            EventKind::DescribeConfirmed {
                key_state: "Enabled".into(),
                current_key_material_id: None,
                expiration_model: Some("KEY_MATERIAL_EXPIRES".into()),
                valid_to: Some(datetime!(2027-01-31 00:00 UTC)),
            },
            EventKind::Rotated {
                new_key_material_id: "b".repeat(64),
                new_kms_key_id: "k2".into(),
            },
        ] {
            e.record_by(kind, at, &alice());
        }
        let h = CopyHistory::aws(&e, NOW);
        let kinds: Vec<MarkKind> = h.events.iter().map(|(_, k)| *k).collect();
        assert_eq!(
            kinds,
            [
                MarkKind::Exported,
                MarkKind::Imported,
                MarkKind::Verified,
                MarkKind::Rotated,
                MarkKind::Expires
            ]
        );
        assert_eq!(h.label, "AWS 447182645454 eu-west-3 …0b0ea42b");
        let gone = CopyHistory::aws(&e, datetime!(2027-02-01 0:00 UTC));
        assert_eq!(gone.events.last().unwrap().1, MarkKind::Expired);
        let lane = &lay_out(&[h], NOW).lanes[0];
        assert_eq!(
            lane_words(lane),
            "AWS 447182645454 eu-west-3 …0b0ea42b: exported 2026-11-28 12:00 UTC, imported 2026-11-29 12:00 UTC, verified 2026-11-29 12:00 UTC, rotated 2026-11-29 12:00 UTC, expires 2027-01-31 00:00 UTC"
        );
    }

    #[test]
    fn every_kind_has_a_shape_and_a_word() {
        for kind in MarkKind::ALL {
            let d = kind.path(100.0, 50.0);
            assert!(d.starts_with('M') && !d.contains("NaN"), "{kind:?} {d}");
            assert!(!kind.label().is_empty());
        }
    }
}
