//! The app's data tables, written once: scrollable when wide, and stacked into
//! labelled cards under 640 px (each cell carries its column's `data-label`).

use leptos::prelude::*;

/// A `table.stacks` with these column headers; `children` are the `<tr>`s.
#[component]
pub fn StackedTable(headers: &'static [&'static str], children: Children) -> impl IntoView {
    view! {
        <div class="table-scroll">
            <table class="stacks">
                <thead>
                    <tr>
                        {headers
                            .iter()
                            .map(|header| view! { <th scope="col">{*header}</th> })
                            .collect_view()}
                    </tr>
                </thead>
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
}
