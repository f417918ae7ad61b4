//! "Download the import script": the export's blob, token and import command
//! in one self-checking shell script, offered with its size and SHA-256.

use leptos::prelude::*;
use time::OffsetDateTime;

use crate::components::download_button::DownloadButton;
use crate::domain::aws::import_command::ImportCommand;
use crate::domain::aws::import_script::ImportScript;
use crate::domain::ledger::sha256_hex;

/// The script for the command shown beside it, or why there is none yet.
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
    let script = Memo::new(move |_| -> Result<(String, Vec<u8>), String> {
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
    let bytes = Signal::derive(move || script.get().map(|(_, b)| b).unwrap_or_default());
    let file_name = Signal::derive(move || script.get().map(|(n, _)| n).unwrap_or_default());
    let sha256 = Signal::derive(move || sha256_hex(&bytes.get()));
    view! {
        <section class="import-script" data-testid="import-script" aria-labelledby="import-script-title">
            <h3 id="import-script-title">"Download the import script"</h3>
            <p class="hint">
                "One file for the machine with the AWS CLI: it checks both files it carries (SHA-256), the parameters' expiry and the AWS CLI before writing anything, then writes the two files above next to itself, runs this import command and checks that the key is Enabled. "
                <code>"sh <script> --dry-run"</code>
                " only writes and checks the files and prints the commands."
            </p>
            {move || match script.get() {
                Ok(_) => {
                    view! {
                        <DownloadButton bytes=bytes file_name=file_name on_downloaded=on_downloaded />
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
