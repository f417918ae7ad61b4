//! A labelled one-line field bound to a signal, written once: the label, the
//! input and its optional hint stay tied together by ids for screen readers.

use leptos::prelude::*;

/// `<label>`, `<input>` and, when given, a hint the input is described by.
#[component]
pub fn TextField(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    /// Shown under the field and read with it.
    #[prop(optional)]
    hint: Option<&'static str>,
    /// The input type: "text" unless given ("date", "search", …).
    #[prop(default = "text")]
    kind: &'static str,
    #[prop(optional)] placeholder: Option<&'static str>,
    /// Words for people (spell-checked), not ids, ARNs or file names.
    #[prop(optional)]
    prose: bool,
    /// Run after each change of the value (e.g. go back to the first page of results).
    #[prop(optional)]
    on_change: Option<Callback<()>>,
) -> impl IntoView {
    let hint_id = hint.map(|_| format!("{id}-hint"));
    view! {
        <label for=id>{label}</label>
        <input
            id=id
            type=kind
            spellcheck=if prose { "true" } else { "false" }
            placeholder=placeholder
            aria-describedby=hint_id.clone()
            prop:value=value
            on:input=move |ev| {
                value.set(event_target_value(&ev));
                if let Some(changed) = on_change {
                    changed.run(());
                }
            }
        />
        {hint.map(|text| view! { <p id=hint_id class="hint">{text}</p> })}
    }
}
