//! The page shown for an address that is not one of the app's pages.

use leptos::prelude::*;

use crate::routes::Page;

/// Any other path under `/ui`.
#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <section aria-labelledby="page-title">
            <h1 id="page-title">"Page not found"</h1>
            <p>
                "This address is not a page of the app. Go to "
                <a href=Page::Byok.href()>{Page::Byok.label()}</a> "."
            </p>
        </section>
    }
}
