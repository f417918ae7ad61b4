//! The four AWS wrapping algorithms as a radio group, each with the key
//! material it can carry.

use leptos::prelude::*;

use crate::domain::wrapping::WrappingAlgorithm;

/// Picks a [`WrappingAlgorithm`]; `None` until the user chooses.
#[component]
pub fn WrappingAlgorithmPicker(
    /// The chosen algorithm.
    selected: RwSignal<Option<WrappingAlgorithm>>,
    /// Why the choice matters here, shown under the legend.
    note: &'static str,
) -> impl IntoView {
    view! {
        <fieldset class="algorithm-picker">
            <legend>"Wrapping algorithm"</legend>
            <p class="hint">{note}</p>
            {WrappingAlgorithm::ALL
                .into_iter()
                .map(|algorithm| {
                    let id = format!("algorithm-{}", algorithm.cli_name());
                    let hint_id = format!("{id}-hint");
                    view! {
                        <div class="radio-row">
                            <input
                                type="radio"
                                name="wrapping-algorithm"
                                id=id.clone()
                                value=algorithm.aws_name()
                                aria-describedby=hint_id.clone()
                                prop:checked=move || selected.get() == Some(algorithm)
                                on:change=move |_| selected.set(Some(algorithm))
                            />
                            <label for=id>{algorithm.aws_name()}</label>
                            <p id=hint_id class="hint">{algorithm.carries()}</p>
                        </div>
                    }
                })
                .collect_view()}
        </fieldset>
    }
}
