//! `/ui/azure/guided`: from "I need this key in my Azure vault" to the `.byok` and its import
//! command in five steps: views and signals only (rules in `domain::azure::guided`).

use leptos::prelude::*;

use crate::actions::azure::export::AzureByok;
use crate::actions::export::ExportRefusal;
use crate::actions::guided_clouds::{KekInKms, azure_kek_in_kms};
use crate::client::KmsClient;
use crate::components::choice_select::ChoiceSelect;
use crate::components::command_block::CommandBlock;
use crate::components::create_right::CreateRight;
use crate::components::deferred::{Deferred, prefetch, split_fn, split_view};
use crate::components::error_banner::ErrorBanner;
use crate::components::guided_step::{CheckedLine, ExportStep, GuidedStep, ImportStep, KeyStep};
use crate::components::submit::Submit;
use crate::components::text_field::{TextArea, TextField};
use crate::domain::azure::guided::{AzureKekInput, show_imported};
use crate::domain::azure::kek::{AzureKek, KEK_BITS, parse_kek};
use crate::domain::azure::kid::VaultKind;
use crate::routes::Page;
use crate::settings::use_settings;

use super::azure_export::{ByokResult, prefetch_azure_export, run_azure_export};

split_fn! {
    prefetch prefetch_import = __preload_run_azure_guided_import;
    /// Step 3's import (its code loads with the page's prefetch).
    async fn run_azure_guided_import(client: KmsClient, kek: AzureKek) -> Result<KekInKms, String> {
        azure_kek_in_kms(&client, kek).await
    }
}

/// The Azure guided page.
#[component]
pub fn AzureGuidedPage() -> impl IntoView {
    prefetch(async {
        prefetch_import().await;
        prefetch_azure_export().await;
        prefetch_result().await;
    });
    // Step 1.
    let vault_name = RwSignal::new(String::new());
    let kind = RwSignal::new(VaultKind::KeyVault);
    let kek_name = RwSignal::new(AzureKekInput::default().kek_name);
    let bits = RwSignal::new(AzureKekInput::default().bits);
    let plan = Memo::new(move |_| {
        AzureKekInput {
            vault_name: vault_name.get(),
            kind: kind.get(),
            kek_name: kek_name.get(),
            bits: bits.get(),
        }
        .plan()
    });
    // Nothing is wrong with a form not yet filled in: no error before a vault is named.
    let plan_error = Signal::derive(move || {
        plan.get()
            .err()
            .filter(|_| !vault_name.with(|v| v.trim().is_empty()))
    });
    let create = Signal::derive(move || {
        plan.get()
            .map(|p| p.create_command().multi_line())
            .unwrap_or_default()
    });
    let show = Signal::derive(move || {
        plan.get()
            .map(|p| p.show_command().multi_line())
            .unwrap_or_default()
    });
    // Step 2: nothing pasted is `None`.
    let pasted = RwSignal::new(String::new());
    let kek = Memo::new(move |_| {
        let text = pasted.get();
        if text.trim().is_empty() {
            return None;
        }
        Some(
            plan.get()
                .map_err(|e| format!("Step 1 first: {e}"))
                .and_then(|plan| {
                    let kek = parse_kek(&text, None)?;
                    plan.check_pasted(&kek)?;
                    Ok(kek)
                }),
        )
    });
    let kek_line = Signal::derive(move || {
        kek.get().map(|read| {
            read.map(|k| {
                format!(
                    "{} for {} (read as {}).",
                    k.key.summary(),
                    k.kid,
                    k.source.describe()
                )
            })
        })
    });
    let sizes = KEK_BITS.to_vec();
    view! {
        <section aria-labelledby="page-title">
            <h1 id="page-title">{Page::AzureGuided.label()}</h1>
            <p>
                "From a key of this KMS to an Azure Key Vault Premium or Managed HSM key in five steps: the KEK Azure creates, its JSON pasted back, the KEK imported here, the key wrapped as a .byok file, and the commands to import and check it."
            </p>
            <GuidedStep number=1 title="The KEK in Azure">
                <ChoiceSelect
                    id="azure-guided-kind"
                    label="Where the key goes"
                    choices=vec![VaultKind::KeyVault, VaultKind::ManagedHsm]
                    selected=kind
                    value=|k: VaultKind| k.az_option().to_owned()
                    words=|k: VaultKind| k.describe().to_owned()
                />
                <TextField id="azure-guided-vault" label="Vault or Managed HSM name" value=vault_name placeholder="contosokv" />
                <TextField id="azure-guided-kek-name" label="KEK name" value=kek_name />
                <ChoiceSelect
                    id="azure-guided-size"
                    label="KEK size"
                    choices=sizes
                    selected=bits
                    value=|b: usize| b.to_string()
                    words=|b: usize| format!("RSA {b} bits")
                />
                <ErrorBanner message=plan_error />
                <Show when=move || plan.with(Result::is_ok)>
                    <p class="hint">"Run both; keep the second one's output for step 2:"</p>
                    <CommandBlock id="azure-guided-create" text=create label="Copy the az keyvault key create command" />
                    <CommandBlock id="azure-guided-show" text=show label="Copy the az keyvault key show command" />
                </Show>
            </GuidedStep>
            <GuidedStep number=2 title="What Azure printed">
                <TextArea id="azure-guided-json" label="The JSON output of az keyvault key show" rows=6 value=pasted />
                <CheckedLine id="azure-guided-analysis" checked=kek_line />
            </GuidedStep>
            <Deferred load=azure_later_steps_view(pasted, kek) />
        </section>
    }
}

/// What step 2 read: nothing pasted is `None`.
type PastedKek = Memo<Option<Result<AzureKek, String>>>;

split_view! {
    /// Steps 3 to 5, whose code loads right after the page's: steps 1 and 2
    /// are usable first.
    fn azure_later_steps_view(pasted: RwSignal<String>, kek: PastedKek) {
        view! { <LaterSteps pasted=pasted kek=kek /> }.into_any()
    }
}

/// Steps 3 (import the KEK), 4 (the key) and 5 (the `.byok` and commands).
#[component]
fn LaterSteps(pasted: RwSignal<String>, kek: PastedKek) -> impl IntoView {
    let settings = use_settings();
    // Step 3.
    let import = Action::new_local(move |kek: &AzureKek| {
        let kek = kek.clone();
        let client = settings.client();
        async move { run_azure_guided_import(client?, kek).await }
    });
    let importing = Submit::new(import);
    let create_right = CreateRight::ask("Importing the Azure KEK");
    // Another paste makes step 3's answer stale.
    Effect::new(move |_| {
        pasted.track();
        import.value().set(None);
    });
    let kek_in_kms = Signal::derive(move || import.value().get().and_then(Result::ok));
    let on_import = Callback::new(move |()| {
        importing.submit(|| {
            create_right.check()?;
            kek.get_untracked().unwrap_or_else(|| {
                Err("Paste the JSON az keyvault key show printed (step 2) first.".to_owned())
            })
        })
    });
    // Steps 4 and 5.
    let key_id = RwSignal::new(String::new());
    let refresh = RwSignal::new(0_u32);
    let export = Action::new_local(move |(key, kek): &(String, String)| {
        let (key, kek) = (key.clone(), kek.clone());
        let client = settings.client();
        async move {
            run_azure_export(client?, key, kek).await.map_err(|e| {
                if matches!(e, ExportRefusal::Changed(_)) {
                    refresh.update(|n| *n += 1);
                }
                e.sentence("Azure")
            })
        }
    });
    let exporting = Submit::new(export);
    let on_export = Callback::new(move |()| {
        exporting.submit(|| {
            let kek = kek_in_kms
                .get_untracked()
                .ok_or("Import the KEK into the KMS (step 3) first.")?;
            match key_id.get_untracked().trim() {
                "" => Err(
                    "Choose the key to bring (step 4): type its id or pick it from the list."
                        .to_owned(),
                ),
                key => Ok((key.to_owned(), kek.id)),
            }
        })
    });
    view! {
            <ImportStep
                title="Import the KEK into the KMS"
                create_right=create_right
                submit=importing
                id="azure-guided-import"
                idle="Import the KEK"
                what="Importing the Azure KEK"
                on_click=on_import
            />
            <KeyStep key_id=key_id refresh=refresh />
            <ExportStep
                title="Export it as a .byok file"
                submit=exporting
                id="azure-guided-export"
                idle="Export as .byok"
                what="Exporting the key for Azure"
                on_click=on_export
            >
                {move || export.value().get().and_then(Result::ok).map(|byok| view! { <Deferred load=azure_guided_result_view(byok) /> })}
            </ExportStep>
    }
}

split_view! {
    prefetch prefetch_result = __preload_azure_guided_result_view;
    /// Step 5's result (its code loads with the page's prefetch).
    fn azure_guided_result_view(byok: AzureByok) {
        view! { <GuidedByok byok=byok /> }.into_any()
    }
}

/// The export page's `.byok` result, then the command that shows the imported key.
#[component]
fn GuidedByok(byok: AzureByok) -> impl IntoView {
    let key_name = RwSignal::new(String::new());
    let kid = byok.kid.clone();
    let show = Memo::new(move |_| {
        show_imported(&kid, &key_name.get())
            .map(|c| c.multi_line())
            .ok()
    });
    view! {
        <ByokResult byok=byok key_name=key_name />
        <h3>"Then check the key in Azure"</h3>
        <p>"Expect the key with \"enabled\": true in the output."</p>
        <Show when=move || show.with(Option::is_some)>
            <CommandBlock
                id="azure-guided-check"
                text=Signal::derive(move || show.get().unwrap_or_default())
                label="Copy the az keyvault key show command for the imported key"
            />
        </Show>
    }
}
