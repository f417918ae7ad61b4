//! The ledger page's Azure copies: what an opened one shows of Azure's own (its `.byok` export,
//! the command's options, `key show`, the sameness proof, the expiry moved); the rest in `copies.rs`.

use leptos::prelude::*;

use super::copies::{CopyDetails, CopyRow, PasteBox, copy_details};
use crate::actions::azure::sameness::{AzureProof, prove_azure_copy};
use crate::browser::now_utc;
use crate::components::clock::use_now;
use crate::components::command_block::CommandBlock;
use crate::components::deferred::{Deferred, split_view};
use crate::components::error_banner::ErrorBanner;
use crate::components::request_progress::RequestProgress;
use crate::components::submit::SubmitButton;
use crate::components::text_field::{TextArea, TextField};
use crate::domain::azure::command::{Vault, new_expiry, set_expiry, show_key};
use crate::domain::azure::outputs::read_key_output;
use crate::domain::azure::rules::AzureKeyType;
use crate::domain::ledger::azure::{AES_IMPORT_IS_THE_PROOF, AzureCopy};
use crate::domain::ledger::{CloudCopy, Sameness, by_words};
use crate::domain::time_display::utc_minutes;

impl CopyDetails for AzureCopy {
    const PASTE_ID: &'static str = "ledger-azure-paste";
    const PASTE_LABEL: &'static str =
        "Azure's JSON output (az keyvault key import, show or set-attributes)";
    const PASTE_HINT: &'static str = "Paste what az keyvault key import printed (or az keyvault key show for the key, or az keyvault key set-attributes after moving its expiry): it is checked to be this copy — in the KEK's vault, under this copy's name, of its key type, HSM-protected, not the KEK — then its version, state and expiry are recorded. Another key's output is refused and nothing is written.";
    const SHOW_ID: &'static str = "ledger-azure-show";
    const SHOW_LABEL: &'static str = "Copy the az keyvault key show command";

    fn show_command(&self) -> Option<String> {
        let vault = self.export.as_ref().map(|e| Vault::of(&e.kek_kid))?;
        Some(show_key(&vault, self.name()?).multi_line())
    }

    fn summary_lines(&self) -> Vec<(&'static str, String)> {
        let export = self.export.as_ref().map_or_else(
            || "not recorded (made outside this app)".to_owned(),
            |e| {
                format!(
                    ".byok for the KEK {} (kid {}), KEK SHA-256 {}, .byok SHA-256 {}",
                    e.kek_id,
                    e.kek_kid,
                    e.kek_sha256.as_deref().unwrap_or("not recorded"),
                    e.byok_sha256
                )
            },
        );
        let command = self.command.as_ref().map_or_else(
            || {
                "not recorded (copy the import command on the export result to record them)"
                    .to_owned()
            },
            |c| {
                let ops = if c.ops.is_empty() {
                    "every operation its type allows".to_owned()
                } else {
                    c.ops
                        .iter()
                        .map(|o| o.az_name())
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                format!(
                    "key {}, operations: {ops}, {}",
                    c.key_name,
                    c.expires.map_or("no --expires".to_owned(), |t| format!(
                        "--expires {}",
                        utc_minutes(t)
                    ))
                )
            },
        );
        vec![
            ("Wrapped export", export),
            ("Import command options", command),
        ]
    }

    fn recorded_line(&self) -> String {
        AzureCopy::recorded_line(self)
    }

    fn event_lines(&self) -> Vec<String> {
        self.events.iter().map(|e| e.line()).collect()
    }

    fn more_sections(
        key_id: String,
        current: RwSignal<Self>,
        saved: Callback<(String, Self)>,
    ) -> AnyView {
        view! {
            {proof_section(key_id, current, saved)}
            {renewal_section(current)}
        }
        .into_any()
    }
}

/// "Same key as in the KMS?": for RSA and EC, `az keyvault key show`'s JSON proven by the KMS
/// (another key's refused before anything is sent); for AES, why the import is the proof.
fn proof_section(
    key_id: String,
    current: RwSignal<AzureCopy>,
    saved: Callback<(String, AzureCopy)>,
) -> AnyView {
    if current.with_untracked(|c| matches!(c.key_type, AzureKeyType::OctHsm { .. })) {
        return view! {
            <section aria-labelledby="azure-proof-title">
                <h3 id="azure-proof-title">"Same key as in the KMS?"</h3>
                <p data-testid="azure-proof-aes">{AES_IMPORT_IS_THE_PROOF}</p>
            </section>
        }
        .into_any();
    }
    let paste = PasteBox::new(
        key_id,
        current,
        saved,
        |proof: &AzureProof| proof.copy.clone(),
        |client, key_id, copy, text| async move {
            prove_azure_copy(&client, &key_id, &copy, &text, now_utc()).await
        },
    );
    let (pasted, submit, run_error, proven) = (paste.pasted, paste.submit, paste.error, paste.done);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submit.submit(|| {
            let text = pasted.get();
            // Another key's, vault's or version's JSON is refused here, before anything is sent.
            let output = read_key_output(&text)?;
            current.with_untracked(|copy| copy.public_key_to_prove(&output))?;
            Ok(text)
        });
    };
    view! {
        <section aria-labelledby="azure-proof-title">
            <h3 id="azure-proof-title">"Same key as in the KMS?"</h3>
            <p class="hint">"Paste az keyvault key show's JSON for this copy: the KMS imports Azure's public key (n and e, or crv, x and y) as a temporary object tagged byok-proof, checks it once against its private key with a random challenge, then removes it. No key leaves the KMS or Azure; the verdict is recorded on the copy."</p>
            <form on:submit=on_submit novalidate>
                <TextArea id="ledger-azure-proof" label="az keyvault key show JSON to prove the same key" rows=6 value=pasted />
                <ErrorBanner message=submit.refusal />
                <ErrorBanner message=run_error />
                <SubmitButton pending=submit.pending() idle="Prove in the KMS" busy="Proving…" />
                <RequestProgress pending=submit.pending() in_flight=submit.in_flight what="Proving in the KMS" />
            </form>
            {move || proven.get().map(|proof: AzureProof| view! {
                <div class="result" role="status" data-testid="azure-proof-result">
                    <p>{match &proof.verdict {
                        Sameness::Same => "Same key: the KMS checked Azure's public key against its private key with a random challenge, and no key left either.".to_owned(),
                        Sameness::Different(why) => format!("Not the same key: {why}"),
                    }}</p>
                    <p>{format!("Recorded in the copy{}.", by_words(Some(&proof.by), "user unknown"))}</p>
                    {proof.removal.map(|why| view! { <p class="error">{why}</p> })}
                </div>
            })}
        </section>
    }
    .into_any()
}

/// When the expiry is 30 days away or past: a new date, checked, and the exact
/// `az keyvault key set-attributes` command; its JSON output is pasted in the box above.
fn renewal_section(current: RwSignal<AzureCopy>) -> impl IntoView {
    let now = use_now(std::time::Duration::from_secs(60));
    let new_date = RwSignal::new(String::new());
    let command = Memo::new(move |_| {
        let copy = current.get();
        let kid = copy.key_kid.clone().ok_or(NO_VERSION)?;
        let expires = new_expiry(&new_date.get(), copy.expires(), now.get())?;
        set_expiry(&kid, expires).map(|c| c.multi_line())
    });
    // Said once a date is typed: an empty field is not yet an error.
    let problem = Signal::derive(move || {
        command
            .get()
            .err()
            .filter(|_| !new_date.get().trim().is_empty())
    });
    let text = Signal::derive(move || command.get().unwrap_or_default());
    let ready = move || command.with(Result::is_ok);
    let due = move || current.with(|c| c.renewal_due(now.get()));
    let version_known = move || current.with(|c| c.key_kid.is_some());
    let expiry = move || current.with(|c| c.expiry_words(now.get()));
    view! {
        <Show when=due>
            <section aria-labelledby="azure-renew-title">
                <h3 id="azure-renew-title">"Move the expiry in Azure"</h3>
                <p data-testid="azure-renew-why">
                    {move || format!("This copy {}. Azure keeps the key's material and lets its expiry move: choose a new date, run the command, then paste its JSON output in the box above to record the new expiry.", expiry())}
                </p>
                <Show when=version_known fallback=|| view! { <p class="hint">{NO_VERSION}</p> }>
                    <TextField
                        id="azure-new-expiry"
                        label="New expiry (YYYY-MM-DD)"
                        value=new_date
                        hint="Midnight UTC that day; later than the expiry Azure has now."
                    />
                    <ErrorBanner message=problem />
                    <Show when=ready>
                        <CommandBlock id="azure-set-expiry" text=text label="Copy the az keyvault key set-attributes command" />
                    </Show>
                </Show>
            </section>
        </Show>
    }
}

/// Why the expiry cannot be moved yet.
const NO_VERSION: &str = "The version this copy became is not known yet: paste the output of az keyvault key import or az keyvault key show above first, then the expiry can be moved.";

/// The Azure copy whose "Open" was clicked (its code loads then).
#[component]
pub(super) fn AzureDetails(
    row: CopyRow<AzureCopy>,
    reload: Callback<()>,
    saved: Callback<(String, AzureCopy)>,
) -> impl IntoView {
    view! { <Deferred load=azure_details_view(row, reload, saved) /> }
}

split_view! {
    fn azure_details_view(row: CopyRow<AzureCopy>, reload: Callback<()>, saved: Callback<(String, AzureCopy)>) {
        copy_details(row, reload, saved).into_any()
    }
}
