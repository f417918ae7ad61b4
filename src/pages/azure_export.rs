//! `/ui/azure/export`: wrap a KMS key for an Azure KEK after checking Azure's rules, then hand
//! over the `.byok` file (download, SHA-256) and the `az keyvault key import` command that fits it.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::actions::azure::export::{AZURE_WRAPPING, AzureByok, export_for_azure};
use crate::actions::copies::record_azure_export;
use crate::actions::export::ExportRefusal;
use crate::browser::{now_utc, random_bytes};
use crate::client::KmsClient;
use crate::components::azure_kek_picker::AzureKekPicker;
use crate::components::cloud_ledger_record::{cloud_ledger_record_status, use_cloud_ledger_record};
use crate::components::command_block::CommandBlock;
use crate::components::copy_button::CopyButton;
use crate::components::deferred::{Deferred, prefetch, split_fn, split_view};
use crate::components::download_button::DownloadButton;
use crate::components::error_banner::ErrorBanner;
use crate::components::import_script_download::AzureImportScriptDownload;
use crate::components::key_material_picker::KeyMaterialPicker;
use crate::components::request_progress::RequestProgress;
use crate::components::shared_key_notice::shared_key_notice_view;
use crate::components::submit::{Submit, SubmitButton};
use crate::components::text_field::TextField;
use crate::domain::aws::import_command::parse_date;
use crate::domain::azure::byok_file::ByokFile;
use crate::domain::azure::command::{ImportOptions, KeyOperation, Vault, import_key};
use crate::domain::azure::kid::KeyName;
use crate::domain::ledger::azure::AzureCommand;
use crate::domain::ledger::midnight_utc;
use crate::routes::{EXPORT_KEK_QUERY, EXPORT_KEY_QUERY, Page};
use crate::settings::use_settings;

split_fn! {
    prefetch pub(super) prefetch_azure_export = __preload_run_azure_export;
    /// The export the button starts (its code loads on the first click).
    pub(super) async fn run_azure_export(
        client: KmsClient,
        key: String,
        kek: String,
    ) -> Result<AzureByok, ExportRefusal> {
        export_for_azure(&client, &key, &kek).await
    }
}

/// The Azure export page.
#[component]
pub fn AzureExportPage() -> impl IntoView {
    let settings = use_settings();
    let query = use_query_map();
    let chosen = |name| RwSignal::new(query.with_untracked(|q| q.get(name)).unwrap_or_default());
    let (key_id, kek_id) = (chosen(EXPORT_KEY_QUERY), chosen(EXPORT_KEK_QUERY));
    prefetch(async {
        prefetch_azure_export().await;
        prefetch_byok_result().await;
    });
    // Bumped when the key or KEK changed since listed: both lists read again.
    let refresh = RwSignal::new(0_u32);

    let export = Action::new_local(move |(key, kek): &(String, String)| {
        let (key, kek) = (key.clone(), kek.clone());
        let client = settings.client();
        async move {
            let client = client?;
            run_azure_export(client, key, kek).await.map_err(|e| {
                if matches!(e, ExportRefusal::Changed(_)) {
                    refresh.update(|n| *n += 1);
                }
                e.sentence("Azure")
            })
        }
    });
    let submit = Submit::new(export);
    let pending = submit.pending();
    let outcome = export.value();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submit.submit(|| {
            let (key, kek) = (key_id.get(), kek_id.get());
            if key.is_empty() {
                Err("Choose the key to export: type its id or pick it from the list.")
            } else if kek.is_empty() {
                Err("Choose the Azure key-encryption key (KEK) to wrap it with.")
            } else {
                Ok((key, kek))
            }
            .map_err(str::to_owned)
        });
    };
    let refusal = Signal::derive(move || match outcome.get() {
        Some(Err(message)) => Some(message),
        _ => None,
    });

    view! {
        <section aria-labelledby="page-title">
            <h1 id="page-title">{Page::AzureExport.label()}</h1>
            <p>
                "Wrap a key of this KMS for an Azure KEK as a .byok file (CKM_RSA_AES_KEY_WRAP, RSA-OAEP with SHA-1 and AES key wrap). Azure's rules are checked before anything is sent: RSA 2048–4096 and EC P-256, P-384, P-521, P-256K keys into a Key Vault Premium or a Managed HSM, AES keys into a Managed HSM only, no HMAC keys. The key never leaves the KMS unwrapped."
            </p>
            <form class="azure-export" on:submit=on_submit novalidate>
                <KeyMaterialPicker selected=key_id refresh=refresh />
                <Deferred load=shared_key_notice_view(key_id.into()) />
                <AzureKekPicker selected=kek_id refresh=refresh />
                <ErrorBanner message=submit.refusal />
                <ErrorBanner message=refusal />
                <SubmitButton pending=pending idle="Export as .byok" busy="Exporting…" />
                <RequestProgress pending=pending in_flight=submit.in_flight what="Exporting the key for Azure" />
            </form>
            {move || match outcome.get() {
                Some(Ok(byok)) => view! { <Deferred load=byok_result_view(byok) /> }.into_any(),
                _ => ().into_any(),
            }}
        </section>
    }
}

split_view! {
    prefetch prefetch_byok_result = __preload_byok_result_view;
    /// The result (its code loads with the page's prefetch, before the first export is done).
    fn byok_result_view(byok: AzureByok) {
        view! { <ByokResult byok=byok /> }.into_any()
    }
}

/// The `.byok` file and the import command, named after the key's name in Azure.
#[component]
pub(super) fn ByokResult(
    byok: AzureByok,
    /// The key's name in Azure, when the caller shows more commands about it (the guided flow).
    #[prop(optional)]
    key_name: Option<RwSignal<String>>,
) -> impl IntoView {
    let summary = format!(
        "{} {} wrapped with {} under the Azure KEK {} (RSA {}-bit, kid {}): it becomes an {} key in the {} {}.",
        byok.key_id,
        byok.material,
        AZURE_WRAPPING,
        byok.kek_id,
        byok.kek_bits,
        byok.kid,
        byok.key_type,
        byok.kid.kind().describe(),
        byok.kid.vault_name(),
    );
    // The KMS id is often a fine Azure name; else the user types one.
    let default_name = KeyName::parse(&byok.key_id)
        .map(|n| n.to_string())
        .unwrap_or_default();
    let key_name = key_name.unwrap_or_else(|| RwSignal::new(String::new()));
    key_name.set(default_name);
    let fitting = KeyOperation::fitting(byok.key_type);
    let ops = RwSignal::new(Vec::<KeyOperation>::new());
    let name = Memo::new(move |_| KeyName::parse(&key_name.get()));
    let file_name = Signal::derive(move || match name.get() {
        Ok(name) => ByokFile::file_name(name.as_str()),
        Err(_) => "key.byok".to_owned(),
    });
    let expires_on = RwSignal::new(String::new());
    let (vault, key_type) = (Vault::of(&byok.kid), byok.key_type);
    let options = Memo::new(move |_| {
        let key_name = name.get()?;
        let expires = match expires_on.get().trim() {
            "" => None,
            text => Some(midnight_utc(parse_date(text).ok_or(
                "Expires on: write the date as YYYY-MM-DD, or leave it empty for no expiry.",
            )?)),
        };
        Ok::<_, String>(ImportOptions {
            vault: vault.clone(),
            key_name,
            key_type,
            ops: ops.get(),
            expires,
        })
    });
    let command = Memo::new(move |_| import_key(&options.get()?).map(|c| c.multi_line()));
    let command_text = Signal::derive(move || command.get().unwrap_or_default());
    let for_ledger = byok.clone();
    let (ledger, on_command_copied) =
        use_cloud_ledger_record(byok.key_id.clone(), |client| async move {
            record_azure_export(&client, &for_ledger, now_utc(), random_bytes()).await
        });
    let on_copied = Callback::new(move |()| {
        if let Ok(options) = options.get_untracked() {
            on_command_copied.run(AzureCommand::from_options(&options));
        }
    });
    let key_id = byok.key_id.clone();
    let command_error = Signal::derive(move || command.get().err());
    let bytes = byok.json.clone().into_bytes();
    let json = byok.json.clone();
    view! {
        <div class="result" role="status" data-testid="azure-byok-result">
            <h2>".byok file ready"</h2>
            <p data-testid="azure-byok-summary">{summary}</p>
            <TextField
                id="azure-key-name"
                label="Key name in Azure"
                value=key_name
                hint="1 to 127 letters, digits and hyphens; an existing name gets a new version. It names the file and the import command."
            />
            <DownloadButton bytes=bytes file_name=file_name />
            <p>
                "SHA-256 of the file: "
                <code data-testid="azure-byok-sha256">{byok.sha256.clone()}</code>
            </p>
            <label for="azure-byok-json">"The .byok file's text"</label>
            <textarea id="azure-byok-json" rows="4" readonly=true prop:value=json.clone()></textarea>
            <CopyButton text=json label="Copy the .byok file's text" />
            <fieldset class="azure-ops">
                <legend>"Operations Azure grants the key (none chosen: every operation its type allows)"</legend>
                {fitting
                    .iter()
                    .map(|op| {
                        let op = *op;
                        let id = format!("azure-op-{}", op.az_name());
                        view! {
                            <div class="radio-row">
                                <input
                                    id=id.clone()
                                    type="checkbox"
                                    prop:checked=move || ops.with(|o| o.contains(&op))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        ops.update(|o| {
                                            o.retain(|x| *x != op);
                                            if on {
                                                o.push(op);
                                            }
                                            o.sort_by_key(|x| fitting.iter().position(|f| f == x));
                                        });
                                    }
                                />
                                <label for=id>{op.az_name()}</label>
                            </div>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <TextField
                id="azure-expires"
                label="Expires on (YYYY-MM-DD, empty: no expiry)"
                value=expires_on
                hint="Azure's --expires: after it, Azure refuses to use the key. The ledger watches it."
            />
            <ErrorBanner message=command_error />
            <Show when=move || command_error.get().is_none()>
                <CommandBlock
                    id="azure-import-command"
                    text=command_text
                    label="Copy the az keyvault key import command"
                    on_copied=on_copied
                />
            </Show>
            <AzureImportScriptDownload
                options=options
                byok=byok.json.clone().into_bytes()
                kek_kid=byok.kid.clone()
                kms_key_id=byok.key_id.clone()
            />
            <h3>"BYOK ledger"</h3>
            {cloud_ledger_record_status(ledger, key_id, "azure-ledger-status")}
        </div>
    }
}
