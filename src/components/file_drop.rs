//! A labelled file picker that also accepts drag and drop; files are refused
//! by size before they are read.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::browser::read_file;

/// A file picker and drop zone.
#[component]
pub fn FileDropZone(
    /// The input's id (its `<label>` points at it).
    id: &'static str,
    /// The visible label.
    label: &'static str,
    /// What files are expected, shown under the label.
    hint: &'static str,
    /// Largest file read, in bytes.
    max_bytes: u64,
    /// Receives the file's name and bytes.
    on_file: Callback<(String, Vec<u8>)>,
    /// Receives a message when a file is refused.
    on_error: Callback<String>,
    /// Id of an element that also describes the input (e.g. where the chosen
    /// file's problem is shown).
    #[prop(optional)]
    described_by: Option<&'static str>,
    /// The chosen file was refused (`aria-invalid`).
    #[prop(optional, into)]
    invalid: Signal<bool>,
) -> impl IntoView {
    // Nested elements fire enter/leave pairs: count them to avoid flicker.
    let depth = RwSignal::new(0_i32);
    let accept = move |file: Option<web_sys::File>| {
        let Some(file) = file else { return };
        leptos::task::spawn_local(async move {
            match read_file(&file, max_bytes).await {
                Ok(bytes) => on_file.run((file.name(), bytes)),
                Err(message) => on_error.run(message),
            }
        });
    };
    let on_drop = move |ev: web_sys::DragEvent| {
        ev.prevent_default();
        depth.set(0);
        accept(
            ev.data_transfer()
                .and_then(|d| d.files())
                .and_then(|f| f.get(0)),
        );
    };
    let on_change = move |ev: leptos::ev::Event| {
        let input = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok());
        if let Some(input) = input {
            accept(input.files().and_then(|f| f.get(0)));
            // Choosing the same file again must fire again.
            input.set_value("");
        }
    };
    let on_enter = move |ev: web_sys::DragEvent| {
        ev.prevent_default();
        depth.update(|d| *d += 1);
    };
    let on_over = move |ev: web_sys::DragEvent| ev.prevent_default();
    let on_leave = move |_| depth.update(|d| *d = (*d - 1).max(0));
    let dragging = move || depth.get() > 0;
    let hint_id = format!("{id}-hint");
    let described = match described_by {
        Some(other) => format!("{hint_id} {other}"),
        None => hint_id.clone(),
    };
    view! {
        <div
            class="drop-zone"
            class:dragging=dragging
            on:dragenter=on_enter
            on:dragover=on_over
            on:dragleave=on_leave
            on:drop=on_drop
        >
            <label for=id>{label}</label>
            <p id=hint_id class="hint">{hint}</p>
            <input
                id=id
                type="file"
                aria-describedby=described
                aria-invalid=move || invalid.get().then_some("true")
                on:change=on_change
            />
        </div>
    }
}
