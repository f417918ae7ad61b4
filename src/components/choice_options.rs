//! The `<option>`s of a select over typed choices, written once: each has a
//! value for the form and a label for people, and the current one is selected.

use leptos::prelude::*;

/// One `<option>` per choice, selected while it equals `current()`.
pub fn choice_options<T>(
    choices: impl IntoIterator<Item = T>,
    value: impl Fn(T) -> String,
    label: impl Fn(T) -> String,
    current: impl Fn() -> T + Copy + Send + Sync + 'static,
) -> impl IntoView
where
    T: Copy + PartialEq + Send + Sync + 'static,
{
    choices
        .into_iter()
        .map(|choice| {
            view! {
                <option value=value(choice) selected=move || current() == choice>
                    {label(choice)}
                </option>
            }
        })
        .collect_view()
}
