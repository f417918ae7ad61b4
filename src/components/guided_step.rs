//! The pieces every cloud's guided flow is made of, written once: a numbered step, the live line
//! saying what was read of a paste, and a step's button with its refusal, error and progress.

use leptos::prelude::*;

use super::create_right::{CreateRight, CreateRightNotice};
use super::error_banner::ErrorBanner;
use super::key_material_picker::KeyMaterialPicker;
use super::request_progress::{InFlight, RequestProgress};
use super::shared_key_notice::SharedKeyNotice;
use super::submit::{Submit, SubmitButton};
use crate::actions::guided_clouds::KekInKms;

/// `<section class="step">` named by its "n. title" heading.
#[component]
pub fn GuidedStep(number: u8, title: &'static str, children: Children) -> impl IntoView {
    let id = format!("step-{number}");
    let labelled_by = id.clone();
    view! {
        <section class="step" aria-labelledby=labelled_by>
            <h2 id=id>{format!("{number}. {title}")}</h2>
            {children()}
        </section>
    }
}

/// What was read of a paste, or why it is refused (`None`: nothing pasted yet), as a polite
/// live region the paste field is described by.
#[component]
pub fn CheckedLine(
    id: &'static str,
    #[prop(into)] checked: Signal<Option<Result<String, String>>>,
) -> impl IntoView {
    view! {
        <p id=id class="kek-analysis" aria-live="polite">
            {move || {
                checked
                    .get()
                    .map(|line| match line {
                        Ok(text) => view! { <span class="ok">{text}</span> }.into_any(),
                        Err(text) => view! { <span class="error-text">{text}</span> }.into_any(),
                    })
            }}
        </p>
    }
}

/// A step's button: its refusal (nothing sent), the KMS's error, the button and the progress.
#[component]
pub fn StepButton<I, O>(
    id: &'static str,
    submit: Submit<I, Result<O, String>>,
    idle: &'static str,
    busy: &'static str,
    /// What is being done, e.g. "Importing the Azure KEK".
    what: &'static str,
    on_click: Callback<()>,
) -> impl IntoView
where
    I: Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    let pending = submit.pending();
    let value = submit.action.value();
    let error = Signal::derive(move || value.get().and_then(Result::err));
    let in_flight: InFlight = submit.in_flight;
    view! {
        <ErrorBanner message=submit.refusal />
        <ErrorBanner message=error />
        <SubmitButton id=id pending=pending idle=idle busy=busy on_click=on_click />
        <RequestProgress pending=pending in_flight=in_flight what=what />
    }
}

/// Step 3: the pasted KEK or job into the KMS (or the one it already holds), then what was done.
#[component]
pub fn ImportStep<I>(
    title: &'static str,
    create_right: CreateRight,
    submit: Submit<I, Result<KekInKms, String>>,
    /// The button's id and words, and what the progress line says.
    id: &'static str,
    idle: &'static str,
    what: &'static str,
    on_click: Callback<()>,
) -> impl IntoView
where
    I: Send + Sync + 'static,
{
    let value = submit.action.value();
    let done = move || {
        value.get().and_then(Result::ok).map(|done| {
            view! { <p data-testid="guided-kek-done">{done.done_line()}</p> }
        })
    };
    view! {
        <GuidedStep number=3 title=title>
            <CreateRightNotice right=create_right />
            {done}
            <StepButton id=id submit=submit idle=idle busy="Importing…" what=what on_click=on_click />
        </GuidedStep>
    }
}

/// Step 4: the key of this KMS to bring (typed or picked from every key).
#[component]
pub fn KeyStep(key_id: RwSignal<String>, #[prop(into)] refresh: Signal<u32>) -> impl IntoView {
    view! {
        <GuidedStep number=4 title="The key to bring">
            <KeyMaterialPicker selected=key_id refresh=refresh />
            <SharedKeyNotice key_id=key_id />
        </GuidedStep>
    }
}

/// Step 5: the export's button, then what it gave (`children`, shown once exported).
#[component]
pub fn ExportStep<I, O>(
    title: &'static str,
    submit: Submit<I, Result<O, String>>,
    /// The button's id and words, and what the progress line says.
    id: &'static str,
    idle: &'static str,
    what: &'static str,
    on_click: Callback<()>,
    children: Children,
) -> impl IntoView
where
    I: Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    view! {
        <GuidedStep number=5 title=title>
            <StepButton id=id submit=submit idle=idle busy="Exporting…" what=what on_click=on_click />
            {children()}
        </GuidedStep>
    }
}
