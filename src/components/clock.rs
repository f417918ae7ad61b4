//! The page's clock, written once: the current time as a signal that ticks at
//! a given period, for validity and expiry texts that must not go stale.

use std::time::Duration;

use leptos::prelude::*;
use time::OffsetDateTime;

use crate::browser::now_utc;

/// Now, updated every `period` while the calling component lives.
pub fn use_now(period: Duration) -> ReadSignal<OffsetDateTime> {
    let (now, set_now) = signal(now_utc());
    if let Ok(handle) = set_interval_with_handle(move || set_now.set(now_utc()), period) {
        on_cleanup(move || handle.clear());
    }
    now
}
