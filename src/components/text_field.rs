//! A labelled one-line field bound to a signal, written once: the label, the
//! input and its optional hint stay tied together by ids for screen readers.

use leptos::prelude::*;

/// What a text field shows and changes: a signal of its own, or one text of
/// a larger value (e.g. the guided flow's draft) held in a signal.
#[derive(Clone, Copy)]
pub struct TextValue {
    read: Signal<String>,
    write: Callback<String>,
}

impl From<RwSignal<String>> for TextValue {
    fn from(signal: RwSignal<String>) -> Self {
        Self {
            read: signal.into(),
            write: Callback::new(move |text| signal.set(text)),
        }
    }
}

impl TextValue {
    /// The text that `read`/`write` pick out of `whole`.
    pub fn field<T: Send + Sync + 'static>(
        whole: RwSignal<T>,
        read: fn(&T) -> &String,
        write: fn(&mut T) -> &mut String,
    ) -> Self {
        Self {
            read: Signal::derive(move || whole.with(|w| read(w).clone())),
            write: Callback::new(move |text| whole.update(|w| *write(w) = text)),
        }
    }
}

/// `<label>`, `<input>` and, when given, a hint the input is described by.
#[component]
pub fn TextField(
    id: &'static str,
    label: &'static str,
    #[prop(into)] value: TextValue,
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
            prop:value=value.read
            on:input=move |ev| {
                value.write.run(event_target_value(&ev));
                if let Some(changed) = on_change {
                    changed.run(());
                }
            }
        />
        {hint.map(|text| view! { <p id=hint_id class="hint">{text}</p> })}
    }
}

/// `<label>` and a multi-line `<textarea>` for pasted ids, ARNs and JSON
/// (never spell-checked).
#[component]
pub fn TextArea(
    id: &'static str,
    label: &'static str,
    #[prop(into)] value: TextValue,
    rows: u32,
    /// Run after each change of the value.
    #[prop(optional)]
    on_change: Option<Callback<()>>,
) -> impl IntoView {
    view! {
        <label for=id>{label}</label>
        <textarea
            id=id
            rows=rows
            spellcheck="false"
            prop:value=value.read
            on:input=move |ev| {
                if let Some(changed) = on_change {
                    changed.run(());
                }
                value.write.run(event_target_value(&ev));
            }
        ></textarea>
    }
}
