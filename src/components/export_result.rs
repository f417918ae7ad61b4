//! What an export hands over: the wrapped blob (download and base64), the
//! import token, and the `aws kms import-key-material` command built from
//! the user's options.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use leptos::prelude::*;
use time::OffsetDateTime;

use crate::actions::export::WrappedKeyMaterial;
use crate::browser::now_utc;
use crate::components::after_paint::AfterPaint;
use crate::components::command_block::CommandBlock;
use crate::components::copy_button::CopyButton;
use crate::components::deferred::{Deferred, split_view};
use crate::components::download_button::DownloadButton;
use crate::components::error_banner::ErrorBanner;
use crate::components::file_drop::FileDropZone;
use crate::components::import_script_download::ImportScriptDownload;
use crate::components::ledger_record::{LedgerRecordStatus, use_ledger_record};
use crate::components::radio_row::RadioRow;
use crate::components::text_field::TextField;
use crate::domain::aws::arn::AwsKeyArn;
use crate::domain::aws::import_command::{
    Expiration, ImportCommand, ImportType, check_file_name, check_valid_to, parse_date,
    takes_import_type_and_description,
};
use crate::domain::aws::import_parameters::parse_import_token;
use crate::domain::aws::outputs::other_account_notice;

/// The blob, the token and the import command (its code loads when the
/// first export is done: a split point of the shipped build).
#[component]
pub fn ExportResult(
    wrapped: WrappedKeyMaterial,
    /// The token that came with the KEK, when the page has it.
    import_token: Option<Vec<u8>>,
    /// When that token stops being valid (get-parameters-for-import's
    /// ParametersValidTo), when the page knows it.
    #[prop(optional_no_strip)]
    parameters_valid_to: Option<OffsetDateTime>,
) -> impl IntoView {
    view! { <Deferred load=export_result_view(wrapped, import_token, parameters_valid_to) /> }
}

split_view! {
    prefetch pub prefetch_export_result = __preload_export_result_view;
    fn export_result_view(
        wrapped: WrappedKeyMaterial,
        import_token: Option<Vec<u8>>,
        parameters_valid_to: Option<OffsetDateTime>,
    ) {
        view! {
            <ExportResultView
                wrapped=wrapped
                import_token=import_token
                parameters_valid_to=parameters_valid_to
            />
        }
        .into_any()
    }
}

#[component]
fn ExportResultView(
    wrapped: WrappedKeyMaterial,
    import_token: Option<Vec<u8>>,
    parameters_valid_to: Option<OffsetDateTime>,
) -> impl IntoView {
    let blob = wrapped.blob.clone();
    let base64 = STANDARD.encode(&blob);
    let material_file = RwSignal::new("EncryptedKeyMaterial.bin".to_owned());
    let (ledger, on_command_copied) = use_ledger_record(&wrapped);
    let key_id = wrapped.key_id.clone();
    let summary = format!(
        "{} {} wrapped with {} under the RSA {}-bit wrapping key {}: {} bytes.",
        wrapped.key_id,
        wrapped.material,
        wrapped.algorithm,
        wrapped.kek_spec.bits(),
        wrapped.kek_id,
        blob.len()
    );
    view! {
        <div class="result" role="status" data-testid="export-result">
            <h2>"Wrapped key material ready"</h2>
            <p data-testid="export-summary">{summary}</p>
            <TextField id="material-file" label="File name" value=material_file />
            <DownloadButton bytes=blob file_name=material_file />
            // The rest follows the first paint of the button (off the click's path).
            <AfterPaint>
                <label for="material-base64">"Base64 of the same bytes"</label>
                <textarea id="material-base64" rows="4" readonly=true prop:value=base64.clone()></textarea>
                <CopyButton text=base64.clone() label="Copy the base64 wrapped key material" />
                <ImportCommandBuilder
                    wrapped=wrapped.clone()
                    material_file=material_file
                    stored_token=import_token.clone()
                    stored_valid_to=parameters_valid_to
                    on_command_copied=on_command_copied
                />
                // Last, so its changing length never moves the controls above.
                <h3>"BYOK ledger"</h3>
                <LedgerRecordStatus status=ledger key_id=key_id.clone() />
            </AfterPaint>
        </div>
    }
}

/// Why the command cannot be written yet.
#[derive(Clone, Debug, PartialEq)]
enum NotReady {
    /// "Expires" is chosen and the date field holds no date (yet).
    NoDate,
    /// Something the user gave is wrong: the message says what and how to fix it.
    Invalid(String),
}

/// What the builder asks for while "Expires" is chosen and no date is given.
const DATE_MISSING: &str = "Choose the date the key material expires.";

/// Token, ARN and options → the `aws kms import-key-material` command.
///
/// The command is written live as the options change; it is shown (and can
/// be copied) only when complete. A missing expiration date is not an error
/// until the user has left or changed the date field without giving one:
/// until then a hint says the command waits for the date.
#[component]
fn ImportCommandBuilder(
    wrapped: WrappedKeyMaterial,
    material_file: RwSignal<String>,
    stored_token: Option<Vec<u8>>,
    stored_valid_to: Option<OffsetDateTime>,
    /// Run with the command the user copied (or downloaded in the import script).
    on_command_copied: Callback<ImportCommand>,
) -> impl IntoView {
    let token = RwSignal::new(stored_token.clone());
    let parameters_valid_to = RwSignal::new(stored_valid_to);
    let token_error = RwSignal::new(None::<String>);
    let token_file = RwSignal::new("ImportToken.bin".to_owned());
    let arn = RwSignal::new(
        wrapped
            .key_arn
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
    );
    // The ARN typed or pasted names another account than the wrapping key's key: said so.
    let kek_for = wrapped.key_arn.clone();
    let account_notice = Signal::derive(move || {
        let chosen = AwsKeyArn::parse(&arn.get()).ok()?;
        other_account_notice(&chosen, kek_for.as_ref()?)
    });
    let expires = RwSignal::new(false);
    let valid_to = RwSignal::new(String::new());
    // The user left or changed the date field: a missing date is now an error.
    let date_touched = RwSignal::new(false);
    let import_type = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let material = wrapped.material;
    let blob = wrapped.blob.clone();
    let kms_key_id = wrapped.key_id.clone();
    let symmetric_default = takes_import_type_and_description(material);

    let command = Memo::new(move |_| -> Result<ImportCommand, NotReady> {
        check_file_name(&material_file.get()).map_err(NotReady::Invalid)?;
        check_file_name(&token_file.get()).map_err(NotReady::Invalid)?;
        let arn_text = arn.get();
        let key_arn = if arn_text.trim().is_empty() {
            None
        } else {
            Some(
                AwsKeyArn::parse(&arn_text)
                    .map_err(|e| NotReady::Invalid(format!("AWS key ARN: {e}")))?,
            )
        };
        let expiration = if expires.get() {
            let date = parse_date(&valid_to.get()).ok_or(NotReady::NoDate)?;
            check_valid_to(date, now_utc()).map_err(NotReady::Invalid)?;
            Expiration::ExpiresOn(date)
        } else {
            Expiration::DoesNotExpire
        };
        let import_type = ImportType::parse(&import_type.get());
        let description = description.get();
        Ok(ImportCommand {
            key_arn,
            material,
            material_file: material_file.get(),
            token_file: token_file.get(),
            expiration,
            import_type,
            description: (!description.trim().is_empty()).then_some(description),
            key_material_id: None,
        })
    });
    let multi_line =
        Signal::derive(move || command.get().map(|c| c.multi_line()).unwrap_or_default());
    let one_line = Signal::derive(move || command.get().map(|c| c.one_line()).unwrap_or_default());
    let date_missing = move || command.get() == Err(NotReady::NoDate);
    let copied = Callback::new(move |()| {
        if let Ok(command) = command.get_untracked() {
            on_command_copied.run(command);
        }
    });
    let command_error = Signal::derive(move || match command.get() {
        Err(NotReady::Invalid(message)) => Some(message),
        Err(NotReady::NoDate) if date_touched.get() => Some(DATE_MISSING.to_owned()),
        _ => None,
    });

    let take_token = move |text: String| match parse_import_token(&text) {
        Ok((bytes, parameters)) => {
            parameters_valid_to.set(parameters.as_ref().map(|p| p.valid_to));
            if let Some(p) = parameters {
                arn.set(p.key_arn.to_string());
            }
            token.set(Some(bytes));
            token_error.set(None);
        }
        Err(message) => token_error.set(Some(message)),
    };
    view! {
        <h3>"Import token"</h3>
        <Show
            when=move || token.get().is_some()
            fallback=move || {
                view! {
                    <p class="hint">
                        "No import token is known for this wrapping key in this tab. Give the one from the same get-parameters-for-import call:"
                    </p>
                    <label for="token-text">"Import token (base64, or the whole get-parameters-for-import JSON)"</label>
                    <textarea
                        id="token-text"
                        rows="3"
                        spellcheck="false"
                        on:change=move |ev| take_token(event_target_value(&ev))
                    ></textarea>
                    <FileDropZone
                        id="token-file-input"
                        label="Or choose ImportToken.bin"
                        hint="The binary token the AWS console downloads."
                        max_bytes=64 * 1024
                        on_file=Callback::new(move |(_, bytes): (String, Vec<u8>)| {
                            parameters_valid_to.set(None);
                            token.set(Some(bytes));
                            token_error.set(None);
                        })
                        on_error=Callback::new(move |message| token_error.set(Some(message)))
                    />
                    <ErrorBanner message=token_error />
                }
            }
        >
            <TextField id="token-file" label="Token file name" value=token_file />
            <DownloadButton
                bytes=Signal::derive(move || token.get().unwrap_or_default())
                file_name=token_file
            />
        </Show>
        <h3>"Import command"</h3>
        <TextField id="command-arn" label="AWS key ARN" value=arn />
        {move || account_notice.get().map(|text| view! {
            <p class="notice" role="status" data-testid="command-arn-account">{text}</p>
        })}
        <fieldset>
            <legend>"Key material expiration"</legend>
            <RadioRow
                id="expires-never"
                name="expiration"
                label="Does not expire (KEY_MATERIAL_DOES_NOT_EXPIRE)"
                checked=Signal::derive(move || !expires.get())
                on_choose=Callback::new(move |()| expires.set(false))
            />
            <RadioRow
                id="expires-on"
                name="expiration"
                label="Expires (KEY_MATERIAL_EXPIRES), at most 365 days ahead"
                checked=expires
                on_choose=Callback::new(move |()| {
                    date_touched.set(false);
                    expires.set(true);
                })
            />
            <Show when=move || expires.get()>
                // Not a TextField: leaving or changing it marks it touched.
                <label for="valid-to">"Expires on (00:00 UTC)"</label>
                <input
                    id="valid-to"
                    type="date"
                    prop:value=valid_to
                    aria-invalid=move || {
                        (date_missing() && date_touched.get()).then_some("true")
                    }
                    on:input=move |ev| valid_to.set(event_target_value(&ev))
                    on:change=move |ev| {
                        valid_to.set(event_target_value(&ev));
                        date_touched.set(true);
                    }
                    on:blur=move |_| date_touched.set(true)
                />
            </Show>
        </fieldset>
        <Show when=move || symmetric_default>
            <label for="import-type">"Import type (SYMMETRIC_DEFAULT keys, optional)"</label>
            <select id="import-type" on:change=move |ev| import_type.set(event_target_value(&ev))>
                <option value="">"Not given (AWS default)"</option>
                {ImportType::ALL
                    .map(|t| view! { <option value=t.aws_name()>{t.aws_name()}</option> })
                    .collect_view()}
            </select>
            <TextField
                id="material-description"
                label="Key material description (optional)"
                value=description
                prose=true
            />
        </Show>
        <ErrorBanner message=command_error />
        <Show when=move || date_missing() && !date_touched.get()>
            <p class="hint" data-testid="command-waits-for-date">
                "The import command appears here once the expiration date is chosen."
            </p>
        </Show>
        <Show when=move || command.get().is_ok()>
            <CommandBlock
                id="import-command"
                text=multi_line
                label="Copy the import command"
                title="aws kms import-key-material command"
                on_copied=copied
            />
            <CommandBlock
                id="import-command-one-line"
                text=one_line
                label="Copy the one-line import command"
                title="The same aws kms import-key-material command on one line"
                on_copied=copied
            />
        </Show>
        <ImportScriptDownload
            command=Signal::derive(move || command.get().ok())
            material=blob
            token=token
            parameters_valid_to=parameters_valid_to
            kms_key_id=kms_key_id
            on_downloaded=copied
        />
    }
}
