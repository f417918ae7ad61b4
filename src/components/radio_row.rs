//! One radio button and its label, written once: the pages' either/or choices
//! (new or existing key material, expiring or not) look and read the same.

use leptos::prelude::*;

/// `<input type=radio>` + `<label>` in a `.radio-row`.
#[component]
pub fn RadioRow(
    id: &'static str,
    /// The group's `name`.
    name: &'static str,
    #[prop(into)] label: Signal<String>,
    #[prop(into)] checked: Signal<bool>,
    /// Run when this choice is made.
    on_choose: Callback<()>,
) -> impl IntoView {
    view! {
        <div class="radio-row">
            <input
                type="radio"
                id=id
                name=name
                prop:checked=checked
                on:change=move |_| on_choose.run(())
            />
            <label for=id>{label}</label>
        </div>
    }
}
