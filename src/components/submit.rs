//! "Validate, submit, show progress", written once: the guard against a second
//! click, the error cleared or set, the dispatch, and the button that says so.

use leptos::prelude::*;

use super::request_progress::InFlight;

/// One form's submission: its action, what is in flight, and why the last
/// attempt was refused before anything was sent.
pub struct Submit<I: 'static, O: 'static> {
    pub action: Action<I, O>,
    pub in_flight: InFlight,
    /// The check's refusal ("what is wrong and how to fix it"); nothing was sent.
    pub refusal: RwSignal<Option<String>>,
}

impl<I: 'static, O: 'static> Clone for Submit<I, O> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<I: 'static, O: 'static> Copy for Submit<I, O> {}

impl<I, O> Submit<I, O>
where
    I: Send + Sync + 'static,
    O: Send + Sync + 'static,
{
    pub fn new(action: Action<I, O>) -> Self {
        Self {
            action,
            in_flight: InFlight::new(),
            refusal: RwSignal::new(None),
        }
    }

    pub fn pending(&self) -> Memo<bool> {
        self.action.pending()
    }

    /// Ignored while a request is in flight; otherwise runs `check` and either
    /// shows its refusal (sending nothing) or clears it and dispatches.
    pub fn submit(&self, check: impl FnOnce() -> Result<I, String>) {
        if self.action.pending().get_untracked() {
            return;
        }
        match check() {
            Ok(input) => self.dispatch(input),
            Err(message) => self.refusal.set(Some(message)),
        }
    }

    /// Sends `input` (checked by the caller), clearing the last refusal;
    /// ignored while a request is in flight.
    pub fn dispatch(&self, input: I) {
        if self.action.pending().get_untracked() {
            return;
        }
        self.refusal.set(None);
        self.in_flight.dispatch(self.action, input);
    }
}

/// A submit button that is disabled and `aria-busy` while `pending`, with
/// its own words for each state.
#[component]
pub fn SubmitButton(
    #[prop(into)] pending: Signal<bool>,
    idle: &'static str,
    busy: &'static str,
    /// Set for a button outside a form (`type="button"`), with its click.
    #[prop(optional)]
    on_click: Option<Callback<()>>,
    #[prop(optional)] id: Option<&'static str>,
) -> impl IntoView {
    view! {
        <button
            type=if on_click.is_some() { "button" } else { "submit" }
            id=id
            disabled=move || pending.get()
            aria-busy=move || pending.get().to_string()
            on:click=move |_| {
                if let Some(on_click) = on_click {
                    on_click.run(());
                }
            }
        >
            {move || if pending.get() { busy } else { idle }}
        </button>
    }
}
