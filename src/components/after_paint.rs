//! What can wait for the next frame: a result's first paint shows what the user
//! came for (the download button) and the rest (command, script, ledger) follows.

use std::time::Duration;

use leptos::prelude::*;

/// Draws `children` once the browser has painted the view around it (an
/// animation frame, then a task), so they are off the path to that paint.
#[component]
pub fn AfterPaint(children: ChildrenFn) -> impl IntoView {
    let painted = RwSignal::new(false);
    request_animation_frame(move || {
        set_timeout(
            move || {
                // The view may be gone by then (another result replaced it).
                let _ = painted.try_set(true);
            },
            Duration::ZERO,
        );
    });
    view! { <Show when=move || painted.get()>{children()}</Show> }
}
