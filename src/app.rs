//! The app shell: header with the server's status, settings, navigation and
//! the router that maps every [`Page`] to its component.

use leptos::prelude::*;
use leptos_router::StaticSegment;
use leptos_router::components::{A, Route, Router, Routes};

use crate::components::server_status::ServerStatus;
use crate::components::settings_panel::SettingsPanel;
use crate::pages::{
    ByokPage, CreateEcPage, CreateRsaPage, CreateSymmetricPage, ExportKeyMaterialPage,
    ImportKekPage, LedgerPage, NotFound, RotationPage,
};
use crate::routes::{Page, base};
use crate::settings::Settings;

/// The whole application.
#[component]
pub fn App() -> impl IntoView {
    provide_context(Settings::from_session());
    let route = |page: Page| {
        let (section, name) = page.segments();
        (StaticSegment(section), StaticSegment(name))
    };
    view! {
        <Router base=base()>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <header class="app-header">
                <p class="brand">"AWS BYOK · Cosmian KMS"</p>
                <ServerStatus />
                <SettingsPanel />
            </header>
            <Nav />
            <main id="main" tabindex="-1">
                <Routes fallback=NotFound>
                    <Route path=StaticSegment("") view=ByokPage />
                    <Route path=route(Page::Byok) view=ByokPage />
                    <Route path=route(Page::ImportKek) view=ImportKekPage />
                    <Route path=route(Page::ExportKeyMaterial) view=ExportKeyMaterialPage />
                    <Route path=route(Page::Ledger) view=LedgerPage />
                    <Route path=route(Page::Rotation) view=RotationPage />
                    <Route path=route(Page::CreateSymmetric) view=CreateSymmetricPage />
                    <Route path=route(Page::CreateRsa) view=CreateRsaPage />
                    <Route path=route(Page::CreateEc) view=CreateEcPage />
                </Routes>
            </main>
        </Router>
    }
}

/// Links to every page; the router marks the current one with `aria-current`.
#[component]
fn Nav() -> impl IntoView {
    view! {
        <nav class="app-nav" aria-label="Pages">
            <ul>
                {Page::ALL
                    .into_iter()
                    .map(|page| view! { <li><A href=page.href()>{page.label()}</A></li> })
                    .collect_view()}
            </ul>
        </nav>
    }
}
