//! Asking before an import overwrites the object that already has the chosen id: the object
//! shown, "Replace it" or "Keep it (cancel)"; nothing is sent until one is pressed.

use leptos::prelude::*;

use crate::actions::import_kek::ImportKekOutcome;
use crate::actions::objects::one_line;
use crate::kmip::ObjectAttributes;

/// What an import page's answer can do next: import again (`(replace,
/// check)`: replace the id's object; look for the key among the stored ones
/// first), or drop the answer.
#[derive(Clone, Copy)]
pub struct Answered {
    pub submit: Callback<(bool, bool)>,
    pub cancel: Callback<()>,
}

impl Answered {
    /// "Import it anyway": no replace, no look for a stored copy first.
    pub fn anyway(self) -> Callback<()> {
        Callback::new(move |()| self.submit.run((false, false)))
    }

    /// The import's outcome: asked before replacing an id's object, or
    /// `imported` shown.
    pub fn outcome(
        self,
        outcome: ImportKekOutcome,
        imported: impl FnOnce(ObjectAttributes) -> AnyView,
    ) -> AnyView {
        match outcome {
            ImportKekOutcome::AlreadyExists(existing) => view! {
                <ReplaceConfirmation
                    existing=existing
                    on_replace=Callback::new(move |()| self.submit.run((true, false)))
                    on_cancel=self.cancel
                />
            }
            .into_any(),
            ImportKekOutcome::Imported(object) => imported(object),
        }
    }
}

/// An object already uses the chosen id: show it and ask before replacing.
#[component]
pub fn ReplaceConfirmation(
    /// The object that holds the id now.
    existing: ObjectAttributes,
    /// Run on "Replace it".
    on_replace: Callback<()>,
    /// Run on "Keep it (cancel)".
    on_cancel: Callback<()>,
) -> impl IntoView {
    view! {
        <div class="replace-confirmation" role="alertdialog" aria-labelledby="replace-title">
            <h2 id="replace-title">"An object with this id already exists"</h2>
            <p>
                <code>{existing.unique_identifier.clone()}</code>
                ": "
                {one_line(&existing)}
                {(!existing.tags.is_empty()).then(|| format!(", tags: {}", existing.tags.join(", ")))}
            </p>
            <p>"Replacing it overwrites that object. Nothing has been sent yet."</p>
            <button type="button" class="danger" on:click=move |_| on_replace.run(())>
                "Replace it"
            </button>
            <button type="button" class="secondary" on:click=move |_| on_cancel.run(())>
                "Keep it (cancel)"
            </button>
        </div>
    }
}
