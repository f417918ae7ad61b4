//! The app shell: header with the server's status, settings, navigation and
//! the router that maps every [`Page`] to its component.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{Lazy, LazyRoute, StaticSegment};

use crate::components::account_status::AccountStatus;
use crate::components::app_nav::AppNav;
use crate::components::deferred::split_view;
use crate::components::server_status::ServerStatus;
use crate::components::settings_panel::SettingsPanel;
use crate::pages::{
    AzureExportPage, AzureGuidedPage, AzureImportKekPage, ByokPage, CeremonyRecordPage,
    CreateEcPage, CreateRsaPage, CreateSymmetricPage, ExportKeyMaterialPage, GoogleExportPage,
    GoogleGuidedPage, GoogleImportJobPage, ImportKekPage, LedgerPage, NotFound, RotationPage,
    SignInPage, SignedIn, WrappingKeyCleanupPage,
};
use crate::routes::{Page, SIGNED_IN_SEGMENT, SIGNED_OUT_SEGMENT, base};
use crate::session::{Session, put_back_left_form};
use crate::settings::Settings;

/// The whole application.
#[component]
pub fn App() -> impl IntoView {
    provide_context(Settings::from_session());
    Session::provide();
    put_back_left_form();
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
                <AccountStatus />
                <SettingsPanel />
            </header>
            <AppNav />
            <main id="main" tabindex="-1">
                <Routes fallback=NotFound>
                    <Route path=StaticSegment("") view={Lazy::<ByokRoute>::new()} />
                    <Route path=StaticSegment(SIGNED_IN_SEGMENT) view=SignedIn />
                    <Route path=StaticSegment(SIGNED_OUT_SEGMENT) view=SignInPage />
                    <Route path=route(Page::Byok) view={Lazy::<ByokRoute>::new()} />
                    <Route path=route(Page::ImportKek) view={Lazy::<ImportKekRoute>::new()} />
                    <Route path=route(Page::ExportKeyMaterial) view={Lazy::<ExportKeyMaterialRoute>::new()} />
                    <Route path=route(Page::Ledger) view={Lazy::<LedgerRoute>::new()} />
                    <Route path=route(Page::Rotation) view={Lazy::<RotationRoute>::new()} />
                    <Route path=route(Page::CeremonyRecord) view={Lazy::<CeremonyRecordRoute>::new()} />
                    <Route path=route(Page::AzureGuided) view={Lazy::<AzureGuidedRoute>::new()} />
                    <Route path=route(Page::AzureImportKek) view={Lazy::<AzureImportKekRoute>::new()} />
                    <Route path=route(Page::AzureExport) view={Lazy::<AzureExportRoute>::new()} />
                    <Route path=route(Page::GoogleGuided) view={Lazy::<GoogleGuidedRoute>::new()} />
                    <Route path=route(Page::GoogleImportJob) view={Lazy::<GoogleImportJobRoute>::new()} />
                    <Route path=route(Page::GoogleExport) view={Lazy::<GoogleExportRoute>::new()} />
                    <Route path=route(Page::CreateSymmetric) view={Lazy::<CreateSymmetricRoute>::new()} />
                    <Route path=route(Page::CreateRsa) view={Lazy::<CreateRsaRoute>::new()} />
                    <Route path=route(Page::CreateEc) view={Lazy::<CreateEcRoute>::new()} />
                    <Route path=route(Page::WrappingKeyCleanup) view={Lazy::<WrappingKeyCleanupRoute>::new()} />
                </Routes>
            </main>
        </Router>
    }
}

/// A page whose code `cargo xtask build` cuts into its own wasm module,
/// fetched when the page is first shown (see `split_view!`).
macro_rules! lazy_page {
    ($route:ident, $view:ident, $page:ident) => {
        struct $route;

        split_view! {
            fn $view() {
                view! { <$page /> }.into_any()
            }
        }

        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            async fn view(_: Self) -> AnyView {
                $view().await
            }
        }
    };
}

lazy_page!(ByokRoute, byok_view, ByokPage);
lazy_page!(ImportKekRoute, import_kek_view, ImportKekPage);
lazy_page!(
    ExportKeyMaterialRoute,
    export_key_material_view,
    ExportKeyMaterialPage
);
lazy_page!(LedgerRoute, ledger_view, LedgerPage);
lazy_page!(RotationRoute, rotation_view, RotationPage);
lazy_page!(
    CeremonyRecordRoute,
    ceremony_record_view,
    CeremonyRecordPage
);
lazy_page!(AzureGuidedRoute, azure_guided_view, AzureGuidedPage);
lazy_page!(
    AzureImportKekRoute,
    azure_import_kek_view,
    AzureImportKekPage
);
lazy_page!(AzureExportRoute, azure_export_view, AzureExportPage);
lazy_page!(GoogleGuidedRoute, google_guided_view, GoogleGuidedPage);
lazy_page!(
    GoogleImportJobRoute,
    google_import_job_view,
    GoogleImportJobPage
);
lazy_page!(GoogleExportRoute, google_export_view, GoogleExportPage);
lazy_page!(
    CreateSymmetricRoute,
    create_symmetric_view,
    CreateSymmetricPage
);
lazy_page!(CreateRsaRoute, create_rsa_view, CreateRsaPage);
lazy_page!(CreateEcRoute, create_ec_view, CreateEcPage);
lazy_page!(
    WrappingKeyCleanupRoute,
    wrapping_key_cleanup_view,
    WrappingKeyCleanupPage
);
