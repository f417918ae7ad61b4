//! "Download the import script": an export's files and import command in one self-checking
//! shell script, offered with its size and SHA-256 (AWS's, Azure's and Google Cloud's results).

use leptos::prelude::*;
use time::OffsetDateTime;

use crate::actions::google::export::GoogleWrapped;
use crate::components::download_button::DownloadButton;
use crate::domain::aws::import_command::ImportCommand;
use crate::domain::aws::import_script::ImportScript;
use crate::domain::azure::command::ImportOptions;
use crate::domain::azure::import_script::AzureImportScript;
use crate::domain::azure::kid::AzureKeyId;
use crate::domain::google::import_script::GoogleImportScript;
use crate::domain::ledger::sha256_hex;

/// The script (file name and bytes) or why there is none yet.
pub type ScriptFile = Result<(String, Vec<u8>), String>;

/// AWS's script for the command shown beside it, or why there is none yet.
#[component]
pub fn ImportScriptDownload(
    /// The import command the page shows (its files, options and Region).
    #[prop(into)]
    command: Signal<Option<ImportCommand>>,
    /// EncryptedKeyMaterial.bin.
    material: Vec<u8>,
    /// ImportToken.bin, once known.
    #[prop(into)]
    token: Signal<Option<Vec<u8>>>,
    /// get-parameters-for-import's ParametersValidTo, when known.
    #[prop(into)]
    parameters_valid_to: Signal<Option<OffsetDateTime>>,
    /// The exported key's id in the KMS.
    kms_key_id: String,
    /// Run when the script is downloaded (it hands over the command's options).
    on_downloaded: Callback<()>,
) -> impl IntoView {
    let script = Memo::new(move |_| -> ScriptFile {
        let command = command
            .get()
            .ok_or("The import script follows the import command: complete it above.")?;
        let token = token
            .get()
            .ok_or("The import script needs the import token: give it above.")?;
        let script = ImportScript {
            command: &command,
            material: &material,
            token: &token,
            parameters_valid_to: parameters_valid_to.get(),
            kms_key_id: &kms_key_id,
        };
        Ok((script.file_name()?, script.text()?.into_bytes()))
    });
    view! {
        <ScriptDownload
            script=script
            hint="One file for the machine with the AWS CLI: it checks both files it carries (SHA-256), the parameters' expiry and the AWS CLI before writing anything, then writes the two files above next to itself, runs this import command and checks that the key is Enabled. "
            on_downloaded=on_downloaded
        />
    }
}

/// Azure's script for the `.byok` and the `az keyvault key import` command shown beside it.
#[component]
pub fn AzureImportScriptDownload(
    /// The command's options as the page shows them, or why there is no command.
    #[prop(into)]
    options: Signal<Result<ImportOptions, String>>,
    /// The `.byok` file's bytes, as downloaded.
    byok: Vec<u8>,
    /// The KEK's kid the file's header names.
    kek_kid: AzureKeyId,
    /// The exported key's id in the KMS.
    kms_key_id: String,
) -> impl IntoView {
    let script = Memo::new(move |_| -> ScriptFile {
        let options = options.get()?;
        let script = AzureImportScript {
            options: &options,
            byok: &byok,
            kek_kid: &kek_kid,
            kms_key_id: &kms_key_id,
        };
        Ok((script.file_name(), script.text()?.into_bytes()))
    });
    view! {
        <ScriptDownload
            script=script
            hint="One file for the machine with the Azure CLI: it checks the .byok it carries (SHA-256, the KEK its header names) and the Azure CLI before writing anything, then writes the .byok next to itself, runs this import command and checks with az keyvault key show that the key is in the vault. "
        />
    }
}

/// Google Cloud's script for the wrapped key and the `gcloud kms keys versions import` shown beside it.
#[component]
pub fn GoogleImportScriptDownload(
    /// The export's result.
    wrapped: GoogleWrapped,
    /// The key's name in Cloud KMS, as typed.
    #[prop(into)]
    key_name: Signal<String>,
) -> impl IntoView {
    let script = Memo::new(move |_| -> ScriptFile {
        let import = wrapped.import_options(&key_name.get())?;
        let script = GoogleImportScript {
            import: &import,
            wrapped_key: &wrapped.blob,
            expire_time: wrapped.job.expire_time,
            kms_key_id: &wrapped.key_id,
        };
        Ok((script.file_name(), script.text().into_bytes()))
    });
    view! {
        <ScriptDownload
            script=script
            hint="One file for the machine with gcloud: it checks the wrapped key it carries (SHA-256), the import job's expiry and gcloud before writing anything, then writes the file next to itself, runs this import command and checks the new version's state. "
        />
    }
}

/// Any cloud's script: the download button with the script's SHA-256, or why there is none yet.
#[component]
pub fn ScriptDownload(
    /// The script's file name and bytes, or why there is none yet.
    #[prop(into)]
    script: Signal<ScriptFile>,
    /// What the script checks and runs, in one sentence or two (ends with a space).
    hint: &'static str,
    /// Run when the script is downloaded.
    #[prop(optional)]
    on_downloaded: Option<Callback<()>>,
) -> impl IntoView {
    let bytes = Signal::derive(move || script.get().map(|(_, b)| b).unwrap_or_default());
    let file_name = Signal::derive(move || script.get().map(|(n, _)| n).unwrap_or_default());
    let sha256 = Signal::derive(move || sha256_hex(&bytes.get()));
    view! {
        <section class="import-script" data-testid="import-script" aria-labelledby="import-script-title">
            <h3 id="import-script-title">"Download the import script"</h3>
            <p class="hint">
                {hint}
                <code>"sh <script> --dry-run"</code>
                " only writes and checks the files and prints the commands."
            </p>
            {move || match script.get() {
                Ok(_) => {
                    view! {
                        <DownloadButton bytes=bytes file_name=file_name on_downloaded=on_downloaded.unwrap_or(Callback::new(|()| {})) />
                        <p data-testid="import-script-sha256">
                            "SHA-256 of the script: " <code class="digest">{sha256}</code>
                        </p>
                    }
                        .into_any()
                }
                Err(why) => view! { <p class="hint" data-testid="import-script-waits">{why}</p> }.into_any(),
            }}
        </section>
    }
}
