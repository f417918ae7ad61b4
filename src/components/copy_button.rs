//! Copies a text to the clipboard and says so; where the Clipboard API is not
//! available (plain http), the text stays selectable next to it.

use leptos::prelude::*;

use crate::browser::{clipboard_available, copy_text};

/// A "Copy" button for `text`.
#[component]
pub fn CopyButton(
    /// What to copy.
    #[prop(into)]
    text: Signal<String>,
    /// Names what is copied, for screen readers ("Copy the import command").
    label: &'static str,
    /// Run when the user copies the text.
    #[prop(optional_no_strip)]
    on_copied: Option<Callback<()>>,
) -> impl IntoView {
    let status = RwSignal::new(None::<String>);
    let on_click = move |_| {
        if let Some(copied) = on_copied {
            copied.run(());
        }
        let text = text.get();
        leptos::task::spawn_local(async move {
            status.set(Some(match copy_text(&text).await {
                Ok(()) => "Copied.".to_owned(),
                Err(message) => message,
            }));
        });
    };
    view! {
        <Show
            when=clipboard_available
            fallback=|| view! { <span class="hint">"Select the text to copy it."</span> }
        >
            <button type="button" class="copy" aria-label=label on:click=on_click>
                "Copy"
            </button>
        </Show>
        <span class="copy-status" role="status">{move || status.get()}</span>
    }
}
