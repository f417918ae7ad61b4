//! What the user sees while a request is in flight: the seconds waited and a
//! Cancel button, so a slow or stuck KMS never leaves a page frozen.

use gloo_timers::callback::Interval;
use leptos::prelude::*;
use leptos::reactive::actions::ActionAbortHandle;

/// The request a page has in flight, kept so the user can cancel it.
#[derive(Clone, Copy)]
pub struct InFlight {
    handle: StoredValue<Option<ActionAbortHandle>, LocalStorage>,
    cancelled: RwSignal<bool>,
}

impl InFlight {
    pub fn new() -> Self {
        Self {
            handle: StoredValue::new_local(None),
            cancelled: RwSignal::new(false),
        }
    }

    /// Starts `action` and remembers how to stop it.
    pub fn dispatch<I, O>(&self, action: Action<I, O>, input: I)
    where
        I: Send + Sync + 'static,
        O: Send + Sync + 'static,
    {
        self.cancelled.set(false);
        self.handle.set_value(Some(action.dispatch(input)));
    }

    /// Stops waiting: the pending fetch is aborted and its result ignored.
    pub fn cancel(&self) {
        if let Some(handle) = self.handle.try_update_value(Option::take).flatten() {
            handle.abort();
            self.cancelled.set(true);
        }
    }
}

impl Default for InFlight {
    fn default() -> Self {
        Self::new()
    }
}

/// Progress of the page's request: shown while `pending`, with Cancel.
#[component]
pub fn RequestProgress(
    #[prop(into)] pending: Signal<bool>,
    in_flight: InFlight,
    /// What is being done, e.g. "Importing the wrapping key".
    what: &'static str,
) -> impl IntoView {
    let elapsed = RwSignal::new(0u32);
    let ticker = StoredValue::new_local(None::<Interval>);
    Effect::new(move |_| {
        if pending.get() {
            elapsed.set(0);
            let tick = Interval::new(1_000, move || elapsed.update(|s| *s += 1));
            ticker.set_value(Some(tick));
        } else {
            ticker.set_value(None);
        }
    });
    view! {
        <Show when=move || pending.get()>
            <div class="request-progress" data-testid="request-progress">
                <span class="spinner" aria-hidden="true"></span>
                <span role="status">{what}" — waiting for the KMS…"</span>
                <span class="elapsed" aria-hidden="true">{move || format!("{} s", elapsed.get())}</span>
                <button type="button" class="secondary" on:click=move |_| in_flight.cancel()>
                    "Cancel"
                </button>
            </div>
        </Show>
        <Show when=move || in_flight.cancelled.get() && !pending.get()>
            <p class="notice" role="status" data-testid="request-cancelled">
                "Cancelled: the app stopped waiting for the KMS. If the request had already reached the server, it may still have been carried out there; check before trying again."
            </p>
        </Show>
    }
}
