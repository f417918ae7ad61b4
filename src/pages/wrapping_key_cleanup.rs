//! `/ui/kms/clean-up-wrapping-keys`: the wrapping keys of every cloud stored in this KMS with
//! their expiry and age, the expired ones selected; after a confirmation naming the count, the
//! selected ones are revoked and destroyed in batches, progress shown, and the list read again.

use std::collections::BTreeSet;

use leptos::prelude::*;

use crate::actions::wrapping_key_cleanup::{clean_up, list_wrapping_keys};
use crate::browser::now_utc;
use crate::client::KmsClient;
use crate::components::breakable::breakable;
use crate::components::deferred::{Deferred, prefetch, split_fn, split_view};
use crate::components::error_banner::ErrorBanner;
use crate::components::loaded::{Loaded, use_kms_read};
use crate::components::request_progress::RequestProgress;
use crate::components::stacked_table::StackedTable;
use crate::components::submit::{Submit, SubmitButton};
use crate::domain::wrapping_key_cleanup::{
    CLEANUP_BATCH, CleanupPlan, CleanupReport, CleanupTarget, ExpiredWrappingKey, KeyOutcome,
};
use crate::routes::Page;
use crate::settings::use_settings;

/// "1 wrapping key", "3 wrapping keys".
fn keys_words(n: usize) -> String {
    if n == 1 {
        "1 wrapping key".to_owned()
    } else {
        format!("{n} wrapping keys")
    }
}

split_fn! {
    prefetch prefetch_clean_up = __preload_run_clean_up;
    /// The clean-up the confirmation starts (its code loads once the page is shown).
    async fn run_clean_up(
        client: KmsClient,
        targets: Vec<CleanupTarget>,
        progress: RwSignal<Option<CleanupReport>>,
    ) -> CleanupReport {
        clean_up(&client, &targets, |report| progress.set(Some(report.clone()))).await
    }
}

/// The clean-up page: its button at once; the list (read from the KMS once
/// its code is there), the confirmation and the progress with code fetched
/// meanwhile.
#[component]
pub fn WrappingKeyCleanupPage() -> impl IntoView {
    prefetch(prefetch_clean_up());
    let settings = use_settings();
    let refresh = RwSignal::new(0u32);
    // The keys as the list last read them (`None` until it has).
    let listed = RwSignal::new(None::<CleanupPlan>);
    let selected = RwSignal::new(BTreeSet::<String>::new());
    let confirming = RwSignal::new(None::<Vec<CleanupTarget>>);
    let progress = RwSignal::new(None::<CleanupReport>);

    // The confirmation names the keys selected when it was asked: a change asks again.
    Effect::new(move |_| {
        selected.track();
        confirming.set(None);
    });

    let run = Action::new_local(move |targets: &Vec<CleanupTarget>| {
        let targets = targets.clone();
        let client = settings.client();
        async move { Ok::<_, String>(run_clean_up(client?, targets, progress).await) }
    });
    let sending = Submit::new(run);
    let pending = sending.pending();
    // Once a clean-up has ended (done or stopped), the list says what the KMS holds now.
    Effect::new(move |was_pending: Option<bool>| {
        let now_pending = pending.get();
        if was_pending == Some(true) && !now_pending {
            refresh.update(|n| *n += 1);
        }
        now_pending
    });
    let ask = move || {
        let Some(plan) = listed.get_untracked() else {
            return;
        };
        match plan.targets(&selected.get_untracked()) {
            Ok(targets) => {
                sending.refusal.set(None);
                confirming.set(Some(targets));
            }
            Err(why) => sending.refusal.set(Some(why)),
        }
    };
    let confirm = Callback::new(move |()| {
        if let Some(targets) = confirming.get_untracked() {
            confirming.set(None);
            progress.set(Some(CleanupReport {
                selected: targets.len(),
                ..Default::default()
            }));
            sending.dispatch(targets);
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !pending.get_untracked() {
            ask();
        }
    };
    let request_error = Signal::derive(move || match run.value().get() {
        Some(Err(message)) => Some(message),
        _ => None,
    });

    view! {
        <section aria-labelledby="page-title">
            <h1 id="page-title">{Page::WrappingKeyCleanup.label()}</h1>
            <p>
                "Each import leaves its wrapping key in this KMS, yet AWS's is useless 24 hours after get-parameters-for-import and a Google import job's after 3 days. Expired ones are selected below; a key without an expiry tag (imported by the Cosmian CLI) or an Azure KEK is yours to select. A key an unfinished runbook step still needs is never removed. The selected keys are revoked, then destroyed; the BYOK ledger keeps each copy's wrapping key id and SHA-256."
            </p>
            <form class="wrapping-key-cleanup" on:submit=on_submit novalidate>
                <Deferred
                    load=cleanup_list_view(Listing {
                        refresh,
                        selected,
                        listed,
                    })
                    fallback=|| view! { <p class="muted">{LOADING}</p> }
                />
                <ErrorBanner message=sending.refusal />
                <SubmitButton pending=pending idle="Clean up the selected wrapping keys…" busy="Cleaning up…" />
                <RequestProgress pending=pending in_flight=sending.in_flight what="Revoking and destroying the selected wrapping keys" />
            </form>
            <Deferred load=after_click_view(AfterClick {
                confirming,
                confirm,
                request_error,
                progress,
                pending: pending.into(),
            }) />
        </section>
    }
}

/// While the wrapping keys (or the code listing them) are on their way.
const LOADING: &str = "Loading wrapping keys…";

/// What the list reads and writes of the page: read again when `refresh`
/// changes; the expired keys selected by default; the plan it shows.
#[derive(Clone, Copy)]
struct Listing {
    refresh: RwSignal<u32>,
    selected: RwSignal<BTreeSet<String>>,
    listed: RwSignal<Option<CleanupPlan>>,
}

split_view! {
    fn cleanup_list_view(listing: Listing) {
        // Its own boundary: a list read again must not send the Deferred's
        // Suspense back to its fallback.
        view! {
            <Transition fallback=|| view! { <p class="muted">{LOADING}</p> }>
                <CleanupListRead listing=listing />
            </Transition>
        }
        .into_any()
    }
}

/// Every cloud's stored wrapping keys read from the KMS (again after each
/// clean-up), the expired ones selected, then the list.
#[component]
fn CleanupListRead(listing: Listing) -> impl IntoView {
    let Listing {
        refresh,
        selected,
        listed,
    } = listing;
    let plan = use_kms_read(move |client| {
        refresh.track();
        async move { list_wrapping_keys(&client, now_utc()).await }
    });
    // A list that could not be read leaves nothing to clean up.
    Effect::new(move |_| match plan.get() {
        Some(Ok(plan)) => {
            selected.set(plan.default_selection());
            listed.set(Some(plan));
        }
        Some(Err(_)) => listed.set(None),
        None => {}
    });
    let show = move |plan: CleanupPlan| view! { <CleanupList plan=plan selected=selected /> };
    view! {
        <Loaded
            read=plan
            loading=LOADING
            ok=show
            retry=Callback::new(move |()| refresh.update(|n| *n += 1))
            error_testid="cleanup-load-error"
        />
    }
}

/// What the clean-up button leads to: the confirmation, then the progress.
#[derive(Clone, Copy)]
struct AfterClick {
    confirming: RwSignal<Option<Vec<CleanupTarget>>>,
    confirm: Callback<()>,
    request_error: Signal<Option<String>>,
    progress: RwSignal<Option<CleanupReport>>,
    pending: Signal<bool>,
}

split_view! {
    fn after_click_view(after: AfterClick) {
        let AfterClick {
            confirming,
            confirm,
            request_error,
            progress,
            pending,
        } = after;
        view! {
            {move || {
                confirming
                    .get()
                    .map(|targets| {
                        view! {
                            <Confirmation
                                count=targets.len()
                                on_confirm=confirm
                                on_cancel=Callback::new(move |()| confirming.set(None))
                            />
                        }
                    })
            }}
            <ErrorBanner message=request_error />
            {move || {
                progress
                    .get()
                    .map(|report| view! { <CleanupProgress report=report pending=pending.get() /> })
            }}
        }
        .into_any()
    }
}

/// The wrapping keys with a checkbox each (disabled, with its reason, when kept).
#[component]
fn CleanupList(plan: CleanupPlan, selected: RwSignal<BTreeSet<String>>) -> impl IntoView {
    if plan.keys.is_empty() {
        return view! { <p class="muted">"No wrapping keys in this KMS."</p> }.into_any();
    }
    let now = now_utc();
    let total = plan.keys.len();
    let expired = plan.expired_count();
    let count = move || {
        format!(
            "{} in this KMS, {expired} expired; {} selected.",
            keys_words(total),
            selected.with(BTreeSet::len)
        )
    };
    view! {
        <p role="status" data-testid="cleanup-count">{count}</p>
        <StackedTable headers=&["Clean up", "Cloud", "Names", "Expiry", "Note"]>
            {plan
                .keys
                .into_iter()
                .map(|key| view! { <CleanupRow key=key now=now selected=selected /> })
                .collect_view()}
        </StackedTable>
    }
    .into_any()
}

#[component]
fn CleanupRow(
    key: ExpiredWrappingKey,
    now: time::OffsetDateTime,
    selected: RwSignal<BTreeSet<String>>,
) -> impl IntoView {
    let id = key.id.clone();
    let box_id = format!("cleanup-{id}");
    let note_id = format!("cleanup-note-{id}");
    let kept = key.kept_because.is_some();
    let note = match (&key.kept_because, key.revoked) {
        (Some(why), _) => format!("Kept: {why}."),
        (None, true) => "revoked, not destroyed yet".to_owned(),
        (None, false) => String::new(),
    };
    let checked = {
        let id = id.clone();
        move || selected.with(|s| s.contains(&id))
    };
    let toggle = {
        let id = id.clone();
        move |ev: leptos::ev::Event| {
            let on = event_target_checked(&ev);
            selected.update(|s| {
                if on {
                    s.insert(id.clone());
                } else {
                    s.remove(&id);
                }
            });
        }
    };
    view! {
        <tr data-kek-id=id.clone() class:kept=kept>
            <td data-label="Clean up">
                <input
                    id=box_id.clone()
                    type="checkbox"
                    disabled=kept
                    aria-describedby=note_id.clone()
                    prop:checked=checked
                    on:change=toggle
                />
                <label for=box_id>{breakable(&id)}</label>
            </td>
            <td data-label="Cloud">{key.cloud.name()}</td>
            <td data-label="Names">{breakable(key.names.as_deref().unwrap_or("—"))}</td>
            <td data-label="Expiry">{key.expiry.words(now)}</td>
            <td data-label="Note" id=note_id class:error-text=kept>{note}</td>
        </tr>
    }
}

/// Asks before anything is sent, naming the count.
#[component]
fn Confirmation(count: usize, on_confirm: Callback<()>, on_cancel: Callback<()>) -> impl IntoView {
    let confirm_button = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if let Some(button) = confirm_button.get() {
            let _ = button.focus();
        }
    });
    let what = keys_words(count);
    view! {
        <div class="replace-confirmation" role="alertdialog" aria-labelledby="cleanup-confirm-title" aria-describedby="cleanup-confirm-text">
            <h2 id="cleanup-confirm-title">{format!("Revoke and destroy {what}?")}</h2>
            <p id="cleanup-confirm-text">
                {format!(
                    "The {what} will be revoked, then destroyed and removed from this KMS ({CLEANUP_BATCH} per request). This cannot be undone; nothing has been sent yet."
                )}
            </p>
            <button type="button" class="danger" node_ref=confirm_button on:click=move |_| on_confirm.run(())>
                {format!("Revoke and destroy {what}")}
            </button>
            <button type="button" class="secondary" on:click=move |_| on_cancel.run(())>
                "Keep them (cancel)"
            </button>
        </div>
    }
}

/// How far the clean-up got, and what it did to the keys it could not remove.
#[component]
fn CleanupProgress(report: CleanupReport, pending: bool) -> impl IntoView {
    let title = if pending {
        "Cleaning up…"
    } else if report.stopped.is_some() {
        "Clean-up stopped"
    } else {
        "Clean-up done"
    };
    let line = format!(
        "{} ({} request{}).",
        report.summary(),
        report.requests,
        if report.requests == 1 { "" } else { "s" }
    );
    let failures: Vec<(String, String)> = report
        .outcomes
        .iter()
        .filter_map(|(id, outcome)| match outcome {
            KeyOutcome::Destroyed => None,
            KeyOutcome::RevokedNotDestroyed(why) => {
                Some((id.clone(), format!("revoked, not destroyed yet: {why}")))
            }
            KeyOutcome::Untouched(why) => Some((id.clone(), format!("not removed: {why}"))),
        })
        .collect();
    view! {
        <div class="result" role="status" data-testid="cleanup-result">
            <h2>{title}</h2>
            <p data-testid="cleanup-summary">{line}</p>
            {report
                .stopped
                .map(|why| {
                    view! {
                        <p class="error-text" data-testid="cleanup-stopped">
                            {format!(
                                "The KMS did not answer ({why}), so the clean-up stopped: the keys not counted as destroyed are still listed (as they are now in the KMS) once it answers again."
                            )}
                        </p>
                    }
                })}
            {(!failures.is_empty())
                .then(|| {
                    view! {
                        <ul data-testid="cleanup-failures">
                            {failures
                                .into_iter()
                                .map(|(id, why)| view! { <li><code>{id}</code>": "{why}</li> })
                                .collect_view()}
                        </ul>
                    }
                })}
        </div>
    }
}
