//! The ledger page's rows and opened copy for every cloud with a copy document of its own
//! (Azure, Google Cloud): written once, each cloud adding its summary and its command.

use leptos::prelude::*;
use time::OffsetDateTime;

use crate::actions::cloud_ledger::apply_output;
use crate::actions::copies::{HeldCopy, LedgeredKey};
use crate::browser::now_utc;
use crate::client::KmsClient;
use crate::components::breakable::breakable;
use crate::components::command_block::CommandBlock;
use crate::components::error_banner::ErrorBanner;
use crate::components::request_progress::RequestProgress;
use crate::components::source_key_health::{SourceKeyFlags, SourceKeyNotice};
use crate::components::submit::{Submit, SubmitButton};
use crate::components::text_field::TextArea;
use crate::domain::account::UserId;
use crate::domain::expiry::ExpiryStatus;
use crate::domain::ledger::{CloudCopy, by_words};
use crate::domain::source_key_health::{SourceKeyProblem, source_key_problems};
use crate::settings::use_settings;

/// One cloud copy with the KMS key it is recorded on.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct CopyRow<C> {
    pub(super) key_id: String,
    pub(super) copy: C,
    /// What would stop a renewal or another export of the KMS key (same describe).
    pub(super) health: Vec<SourceKeyProblem>,
}

/// What the opened copy shows of its cloud's own: the paste box's words, the command that
/// prints its output, and the summary's lines.
pub(super) trait CopyDetails: HeldCopy {
    /// The paste box's id and label.
    const PASTE_ID: &'static str;
    const PASTE_LABEL: &'static str;
    /// What the paste is checked against, above the box.
    const PASTE_HINT: &'static str;
    /// The describe command's block id and copy label.
    const SHOW_ID: &'static str;
    const SHOW_LABEL: &'static str;
    /// The command printing the copy's current output, once its key is known.
    fn show_command(&self) -> Option<String>;
    /// The summary's lines of this cloud's own (the export, the command's options).
    fn summary_lines(&self) -> Vec<(&'static str, String)>;
    /// "Recorded <when> by <who>".
    fn recorded_line(&self) -> String;
    /// Its events, oldest first, in words.
    fn event_lines(&self) -> Vec<String>;
    /// What the opened copy adds of its cloud's own below the paste box (Azure: the sameness
    /// proof and the expiry's renewal), working on `current` and `saved` as the paste does.
    fn more_sections(
        _key_id: String,
        _current: RwSignal<Self>,
        _saved: Callback<(String, Self)>,
    ) -> AnyView {
        ().into_any()
    }
}

/// One cloud's copies of every key, newest first, and those that cannot be read.
pub(super) fn copy_rows_of<C: HeldCopy>(keys: &[LedgeredKey]) -> (Vec<CopyRow<C>>, Vec<String>) {
    let mut rows = Vec::new();
    let mut unreadable = Vec::new();
    for key in keys {
        let id = &key.attributes.unique_identifier;
        let health = source_key_problems(&key.attributes);
        for copy in C::held(key) {
            match copy {
                Ok(copy) => rows.push(CopyRow {
                    key_id: id.clone(),
                    copy: copy.clone(),
                    health: health.clone(),
                }),
                Err(why) => unreadable.push(format!("{id}: {why}")),
            }
        }
    }
    rows.sort_by(|a, b| b.copy.id().cmp(a.copy.id()));
    (rows, unreadable)
}

/// `keys` with copy `saved` of `key_id` put in place of the one it updates.
pub(super) fn with_saved_copy<C: HeldCopy>(keys: &mut [LedgeredKey], key_id: &str, saved: &C) {
    let copies = keys
        .iter_mut()
        .filter(|k| k.attributes.unique_identifier == key_id)
        .flat_map(|k| C::held_mut(k).iter_mut());
    for copy in copies {
        if matches!(copy, Ok(c) if c.id() == saved.id()) {
            *copy = Ok(saved.clone());
        }
    }
}

/// The copies `filter` keeps at `now` whose KMS key or place contains `needle` (lower case).
pub(super) fn shown_copies<C: CloudCopy>(
    rows: &[CopyRow<C>],
    filter: crate::domain::ledger::LedgerFilter,
    needle: &str,
    now: OffsetDateTime,
) -> impl Iterator<Item = CopyRow<C>> {
    rows.iter()
        .filter(move |r| {
            r.copy.kept_by(filter, now)
                && (needle.is_empty()
                    || r.key_id.to_lowercase().contains(needle)
                    || r.copy.place().to_lowercase().contains(needle))
        })
        .cloned()
}

/// The copy of `rows` that expires first: its status, KMS key and place.
pub(super) fn first_expiring<C: CloudCopy>(
    rows: &[CopyRow<C>],
    now: OffsetDateTime,
) -> Option<(ExpiryStatus, String, String)> {
    rows.iter()
        .filter_map(|r| {
            r.copy.expires().map(|t| {
                (
                    ExpiryStatus::at(t, now),
                    r.key_id.clone(),
                    format!("{} {}", C::CLOUD.name(), r.copy.place()),
                )
            })
        })
        .min_by_key(|(status, ..)| status.valid_to)
}

/// One cloud copy in the table: KMS key, cloud, place, state, expiry, "Open".
pub(super) fn copy_ledger_row<C: CloudCopy>(
    row: CopyRow<C>,
    now: ReadSignal<OffsetDateTime>,
    selected: RwSignal<Option<String>>,
) -> impl IntoView {
    let state = {
        let copy = row.copy.clone();
        move || copy.state(now.get()).label()
    };
    let expiry = {
        let copy = row.copy.clone();
        move || copy.expiry_words(now.get())
    };
    let id = row.copy.id().to_owned();
    let open = id.clone();
    let recorded_by = match row.copy.recorded_by() {
        Some(user) => format!("recorded by {user}"),
        None => "recorded by: not recorded".to_owned(),
    };
    let cloud = C::CLOUD.name();
    view! {
        <tr data-entry-id=id.clone() data-cloud=cloud>
            <td data-label="KMS key">
                {breakable(&row.key_id)}
                {format!(" ({})", row.copy.kind_words())}
            </td>
            <td data-label="Cloud" data-testid="entry-cloud">{cloud}</td>
            <td data-label="Copy in the cloud" data-testid="entry-place">{breakable(&row.copy.place())}</td>
            <td data-label="State">
                <span data-testid="entry-state">{state}</span>
                <br />
                <span class="hint" data-testid="entry-recorded-by">{recorded_by}</span>
                <SourceKeyFlags problems=row.health.clone() />
            </td>
            <td data-label="Expiry">{expiry}</td>
            <td data-label="Details">
                <button type="button" class="secondary" on:click=move |_| selected.set(Some(open.clone()))>
                    "Open "{breakable(&id)}
                </button>
            </td>
        </tr>
    }
}

/// The opened copy: what it records, the command printing its output, and the box where
/// that output confirms it (checked before anything is sent, another key's refused).
pub(super) fn copy_details<C: CopyDetails>(
    row: CopyRow<C>,
    reload: Callback<()>,
    saved: Callback<(String, C)>,
) -> impl IntoView {
    let current = RwSignal::new(row.copy.clone());
    let paste = PasteBox::new(
        row.key_id.clone(),
        current,
        saved,
        |(copy, _): &(C, UserId)| copy.clone(),
        |client, key_id, copy, text| async move {
            apply_output(&client, &key_id, &copy, &text, now_utc()).await
        },
    );
    let (pasted, submit, run_error, applied) =
        (paste.pasted, paste.submit, paste.error, paste.done);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submit.submit(|| {
            let text = pasted.get();
            // Another key's output is refused here, before anything is sent.
            let output = C::read_output(&text)?;
            current.with_untracked(|copy| copy.check_about(&output))?;
            Ok(text)
        });
    };
    let more = C::more_sections(row.key_id.clone(), current, saved);
    let show = Signal::derive(move || current.with(C::show_command).unwrap_or_default());
    let has_show = move || current.with(|copy| copy.show_command().is_some());
    let cloud = C::CLOUD.name();
    view! {
        <section class="entry-details" aria-labelledby="entry-title" data-testid="entry-details">
            <h2 id="entry-title">{format!("{cloud} copy {}", row.copy.id())}</h2>
            <SourceKeyNotice key_id=row.key_id.clone() problems=row.health.clone() />
            {move || current.with(|copy| copy_summary(copy.clone()))}
            <p class="hint">{C::PASTE_HINT}</p>
            <Show when=has_show>
                <CommandBlock id=C::SHOW_ID text=show label=C::SHOW_LABEL />
            </Show>
            <form on:submit=on_submit novalidate>
                <TextArea id=C::PASTE_ID label=C::PASTE_LABEL rows=6 value=pasted />
                <ErrorBanner message=submit.refusal />
                <ErrorBanner message=run_error />
                <SubmitButton pending=submit.pending() idle="Check and record" busy="Checking…" />
                <RequestProgress pending=submit.pending() in_flight=submit.in_flight what="Recording on the KMS key" />
            </form>
            {move || applied.get().map(|(copy, by): (C, UserId)| view! {
                <div class="result" role="status" data-testid="ledger-applied">
                    <p>{format!("{cloud} confirms this copy: {} is imported.", copy.place())}</p>
                    <p>
                        {format!("Recorded in the copy{}. ", by_words(Some(&by), "user unknown"))}
                        <button type="button" class="secondary" on:click=move |_| reload.run(())>
                            "Read the ledger again"
                        </button>
                    </p>
                </div>
            })}
            {more}
        </section>
    }
}

/// A paste box of the opened copy, written once: the text pasted, its run on the copy as
/// shown, and the copy the run gives back put in place (`current`, the page's `saved`).
pub(super) struct PasteBox<O: Send + Sync + 'static> {
    pub(super) pasted: RwSignal<String>,
    pub(super) submit: Submit<String, Result<O, String>>,
    /// The run's refusal (the KMS's status and reason, or a rule's words).
    pub(super) error: Signal<Option<String>>,
    /// What the last run did.
    pub(super) done: Signal<Option<O>>,
}

impl<O: Clone + Send + Sync + 'static> PasteBox<O> {
    /// `run(client, key id, copy as shown, text)`; `copy_of` picks the copy out of its result.
    pub(super) fn new<C: HeldCopy, Fut>(
        key_id: String,
        current: RwSignal<C>,
        saved: Callback<(String, C)>,
        copy_of: fn(&O) -> C,
        run: impl Fn(KmsClient, String, C, String) -> Fut + 'static,
    ) -> Self
    where
        Fut: Future<Output = Result<O, String>> + 'static,
    {
        let settings = use_settings();
        let pasted = RwSignal::new(String::new());
        let for_run = key_id.clone();
        let action = Action::new_local(move |text: &String| {
            let copy = current.get_untracked();
            let started = settings
                .client()
                .map(|client| run(client, for_run.clone(), copy, text.clone()));
            async move { started?.await }
        });
        Effect::new(move |_| {
            if let Some(Ok(done)) = action.value().get() {
                let copy = copy_of(&done);
                current.set(copy.clone());
                saved.run((key_id.clone(), copy));
                pasted.set(String::new());
            }
        });
        Self {
            pasted,
            submit: Submit::new(action),
            error: Signal::derive(move || action.value().get().and_then(Result::err)),
            done: Signal::derive(move || action.value().get().and_then(Result::ok)),
        }
    }
}

/// What the copy records, in words.
fn copy_summary<C: CopyDetails>(copy: C) -> impl IntoView {
    let now = now_utc();
    let events = copy.event_lines();
    view! {
        <dl class="entry-summary">
            <dt>"State"</dt>
            <dd data-testid="details-state">{copy.state(now).label()}</dd>
            <dt>{format!("{} key", C::CLOUD.name())}</dt>
            <dd data-testid="details-place">{format!("{} ({})", copy.place(), copy.kind_words())}</dd>
            <dt>"Expiry"</dt>
            <dd data-testid="details-expiry">{copy.expiry_words(now)}</dd>
            <dt>"Recorded"</dt>
            <dd data-testid="details-recorded">{copy.recorded_line()}</dd>
            {copy
                .summary_lines()
                .into_iter()
                .map(|(term, text)| view! { <dt>{term}</dt><dd>{text}</dd> })
                .collect_view()}
            <dt>"Events"</dt>
            <dd>
                {if events.is_empty() {
                    "none yet".into_any()
                } else {
                    view! {
                        <ol class="entry-events" data-testid="details-events">
                            {events.into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}
                        </ol>
                    }
                    .into_any()
                }}
            </dd>
        </dl>
    }
}
