//! A button that saves bytes as a file, with its size in the label.

use leptos::prelude::*;

use crate::browser::{download, human_bytes};

/// "Download ImportToken.bin (1.2 KB)".
#[component]
pub fn DownloadButton(
    /// The file's content.
    #[prop(into)]
    bytes: Signal<Vec<u8>>,
    /// The file name offered to the browser.
    #[prop(into)]
    file_name: Signal<String>,
    /// Receives a message if the browser refuses.
    #[prop(optional)]
    on_error: Option<Callback<String>>,
    /// Run once the browser took the file.
    #[prop(optional)]
    on_downloaded: Option<Callback<()>>,
) -> impl IntoView {
    let on_click = move |_| match download(&bytes.get(), &file_name.get()) {
        Ok(()) => {
            if let Some(on_downloaded) = on_downloaded {
                on_downloaded.run(());
            }
        }
        Err(message) => {
            if let Some(on_error) = on_error {
                on_error.run(message);
            }
        }
    };
    view! {
        <button type="button" class="download" on:click=on_click>
            "Download " {file_name} " (" {move || human_bytes(bytes.get().len() as u64)} ")"
        </button>
    }
}
