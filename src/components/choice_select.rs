//! A labelled select over typed choices bound to a signal, written once: the
//! label, the options and the parse of the chosen value stay together.

use leptos::prelude::*;

use super::choice_options::choice_options;

/// `<label>` + `<select>` setting `selected` to the choice whose `value` was picked.
#[component]
pub fn ChoiceSelect<T, V, L>(
    id: &'static str,
    label: &'static str,
    choices: Vec<T>,
    selected: RwSignal<T>,
    /// The option's form value (e.g. the AWS name).
    value: V,
    /// The option's words for people.
    words: L,
) -> impl IntoView
where
    T: Copy + PartialEq + Send + Sync + 'static,
    V: Fn(T) -> String + Copy + Send + Sync + 'static,
    L: Fn(T) -> String + Copy + Send + Sync + 'static,
{
    let options = choices.clone();
    view! {
        <label for=id>{label}</label>
        <select
            id=id
            on:change=move |ev| {
                let picked = event_target_value(&ev);
                if let Some(choice) = choices.iter().find(|c| value(**c) == picked) {
                    selected.set(*choice);
                }
            }
        >
            {choice_options(options, value, words, move || selected.get())}
        </select>
    }
}
