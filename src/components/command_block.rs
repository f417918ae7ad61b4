//! A command shown as it will be pasted, with its copy button.

use leptos::prelude::*;

use crate::components::copy_button::CopyButton;

/// `<pre>` with the command text and a Copy button next to it.
#[component]
pub fn CommandBlock(
    /// The `<pre>`'s id.
    id: &'static str,
    /// The command text.
    #[prop(into)]
    text: Signal<String>,
    /// What the copy button copies, for screen readers.
    label: &'static str,
) -> impl IntoView {
    view! {
        // Focusable so keyboard users can scroll a long line.
        <pre id=id class="command" tabindex="0" aria-label=label>{text}</pre>
        <CopyButton text=text label=label />
    }
}
