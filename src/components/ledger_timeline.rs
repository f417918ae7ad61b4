//! Every copy of a KMS key across time as an inline SVG (today marked, the 30/7/1-day expiry
//! horizon shaded), with the same facts as a list beside it for screen readers and print.

use leptos::prelude::*;
use time::OffsetDateTime;

use crate::domain::ledger::timeline::{CopyHistory, MarkKind, lane_words, lay_out};

/// The timeline of `copies` at `now`; `name` says whose copies (the picture's accessible name).
#[component]
pub fn LedgerTimeline(
    copies: Vec<CopyHistory>,
    now: OffsetDateTime,
    name: String,
) -> impl IntoView {
    let t = lay_out(&copies, now);
    let height = t.height;
    let axis_y = t.axis_y();
    let bottom = axis_y - 12.0;
    let bands = t
        .horizon
        .iter()
        .map(|band| {
            view! {
                <rect
                    class=format!("horizon horizon-{}", band.days)
                    x=n(band.x0)
                    y="0"
                    width=n(band.x1 - band.x0)
                    height=n(bottom)
                />
            }
        })
        .collect_view();
    let lanes = t
        .lanes
        .iter()
        .map(|lane| {
            let marks = lane
                .marks
                .iter()
                .map(|mark| {
                    let class = if mark.kind.is_line() {
                        format!("mark mark-{} mark-line", mark.kind.label())
                    } else {
                        format!("mark mark-{}", mark.kind.label())
                    };
                    view! { <path class=class d=mark.kind.path(mark.shown_x, lane.y) data-at=mark.words.clone() /> }
                })
                .collect_view();
            view! {
                <text class="lane-label" x="10" y=n(lane.y - 12.0)>{lane.label.clone()}</text>
                <line class="lane" x1=n(lane.from_x) x2=n(lane.to_x) y1=n(lane.y) y2=n(lane.y) />
                {marks}
            }
        })
        .collect_view();
    let ticks = t
        .ticks
        .iter()
        .enumerate()
        .map(|(i, tick)| {
            let anchor = match i {
                0 => "start",
                i if i + 1 == t.ticks.len() => "end",
                _ => "middle",
            };
            view! { <text class="tick" x=n(tick.x) y=n(axis_y) text-anchor=anchor>{tick.label.clone()}</text> }
        })
        .collect_view();
    let today_x = t.today_x;
    let facts = t
        .lanes
        .iter()
        .map(|lane| view! { <li data-copy-id=lane.copy_id.clone()>{lane_words(lane)}</li> })
        .collect_view();
    view! {
        <figure class="ledger-timeline" data-testid="ledger-timeline">
            <svg
                class="timeline-svg"
                viewBox=format!("0 0 {} {height}", t.width)
                role="img"
                aria-label=name
                aria-describedby="timeline-facts"
                data-testid="timeline-svg"
            >
                {bands}
                <line class="today" x1=n(today_x) x2=n(today_x) y1="0" y2=n(bottom) />
                <text class="today-label" x=n(today_x) y="10" text-anchor="middle">"today"</text>
                {lanes}
                {ticks}
            </svg>
            <figcaption>
                <p class="hint">
                    "Today is the vertical line; the next 30, 7 and 1 days are shaded, darker nearer. Marks: "
                    {legend()}
                    "."
                </p>
                <ul id="timeline-facts" class="timeline-facts" data-testid="timeline-facts">
                    {facts}
                </ul>
            </figcaption>
        </figure>
    }
}

/// A coordinate as an attribute's text.
fn n(value: f64) -> String {
    format!("{value:.1}")
}

/// The shapes in words: "circle exported or registered, square imported, …".
fn legend() -> String {
    [
        (
            "circle",
            [MarkKind::Exported, MarkKind::Registered].as_slice(),
        ),
        ("square", &[MarkKind::Imported]),
        ("diamond", &[MarkKind::Verified]),
        ("triangle", &[MarkKind::Rotated, MarkKind::Superseded]),
        ("cross", &[MarkKind::Mismatch, MarkKind::Expired]),
        ("bar", &[MarkKind::Expires]),
    ]
    .iter()
    .map(|(shape, kinds)| {
        let words: Vec<&str> = kinds.iter().map(|k| k.label()).collect();
        format!("{shape} {}", words.join(" or "))
    })
    .collect::<Vec<_>>()
    .join(", ")
}
