//! Pages whose forms are still to come: each says what it will do.

use leptos::prelude::*;

use crate::routes::Page;

#[component]
fn Placeholder(page: Page, purpose: &'static str) -> impl IntoView {
    view! {
        <section aria-labelledby="page-title">
            <h1 id="page-title">{page.label()}</h1>
            <p>{purpose}</p>
        </section>
    }
}

/// `/ui/aws/byok`: the guided flow.
#[component]
pub fn ByokPage() -> impl IntoView {
    view! {
        <Placeholder
            page=Page::Byok
            purpose="Bring your own key to AWS KMS: import the AWS wrapping key, then export key material wrapped by it."
        />
    }
}

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
