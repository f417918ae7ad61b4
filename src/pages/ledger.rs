//! `/ui/aws/ledger`: every cloud copy of a KMS key's material (AWS, Azure, Google Cloud) side by side,
//! confirmed from the clouds' own outputs and watched for expiry: views and signals only.

mod azure;
mod copies;
mod google;

use std::time::Duration;

use leptos::prelude::*;
use time::OffsetDateTime;

use crate::actions::copies::{LedgeredKey, describe_every_object, ledgered_keys};
use crate::actions::ledger::{Applied, apply_aws_output, register_copy};
use crate::browser::{now_utc, random_bytes};
use crate::components::breakable::breakable;
use crate::components::choice_select::ChoiceSelect;
use crate::components::clock::use_now;
use crate::components::command_block::CommandBlock;
use crate::components::deferred::{Deferred, split_view};
use crate::components::download_button::DownloadButton;
use crate::components::error_banner::ErrorBanner;
use crate::components::loaded::{KmsRead, Loaded, use_kms_read};
use crate::components::request_progress::RequestProgress;
use crate::components::short_id::ShortId;
use crate::components::source_key_health::{SourceKeyFlags, SourceKeyNotice};
use crate::components::stacked_table::StackedTable;
use crate::components::submit::{Submit, SubmitButton};
use crate::components::text_field::{TextArea, TextField};
use crate::domain::aws::cli::describe_key;
use crate::domain::aws::import_command::{Expiration, parse_date};
use crate::domain::aws::key_spec::AwsKeySpec;
use crate::domain::aws::last_usage::command as last_usage_command;
use crate::domain::aws::outputs::{DescribeKeyOutput, arn_account, parse_describe_key};
use crate::domain::aws::wrapping_key_spec::WrappingKeySpec;
use crate::domain::cloud::Cloud;
use crate::domain::expiry::{
    RenewalOptions, WatchedEntry, earliest_expiry, entry_expiry, icalendar, renewal,
};
use crate::domain::kms_id::KmsId;
use crate::domain::ledger::azure::AzureCopy;
use crate::domain::ledger::google::{GoogleCopy, NO_EXPIRY};
use crate::domain::ledger::inventory::{InventoryRow, to_csv, to_json};
use crate::domain::ledger::{
    Discrepancy, LedgerEntry, LedgerFilter, LedgerState, by_words, check_registrable, drift,
    generate_mac_command, get_public_key_command, last_use_line,
};
use crate::domain::source_key_health::{SourceKeyProblem, source_key_problems};
use crate::kmip::ObjectAttributes;
use crate::routes::Page;
use crate::settings::use_settings;
use azure::AzureDetails;
use copies::{
    CopyRow, copy_ledger_row, copy_rows_of, first_expiring, shown_copies, with_saved_copy,
};
use google::GoogleDetails;

/// How many days before an expiry the calendar reminds.
const REMIND_DAYS_BEFORE: u32 = 7;

/// One row: an entry with the KMS key it is recorded on.
#[derive(Clone, Debug, PartialEq)]
struct Row {
    key_id: String,
    entry: LedgerEntry,
    /// Every readable entry of the same KMS key (list-key-rotations is reconciled against them).
    siblings: Vec<LedgerEntry>,
    /// The KMS key has a newer generation AWS does not hold (drift).
    drift: Option<Discrepancy>,
    /// What would stop a renewal or a new Region: read from the same describe.
    health: Vec<SourceKeyProblem>,
}

fn rows_of(keys: &[LedgeredKey]) -> (Vec<Row>, Vec<String>) {
    let mut rows = Vec::new();
    let mut unreadable = Vec::new();
    for key in keys {
        let id = &key.attributes.unique_identifier;
        let siblings: Vec<LedgerEntry> = key.entries.iter().flatten().cloned().collect();
        let newer = key.attributes.replaced_by.as_deref();
        let health = source_key_problems(&key.attributes);
        let newer_entries: Vec<LedgerEntry> = keys
            .iter()
            .filter(|k| Some(k.attributes.unique_identifier.as_str()) == newer)
            .flat_map(|k| k.entries.iter().flatten().cloned())
            .collect();
        for entry in &key.entries {
            match entry {
                Ok(entry) => rows.push(Row {
                    key_id: id.clone(),
                    entry: entry.clone(),
                    siblings: siblings.clone(),
                    drift: drift(entry, newer, &newer_entries),
                    health: health.clone(),
                }),
                Err(why) => unreadable.push(format!("{id}: {why}")),
            }
        }
    }
    rows.sort_by(|a, b| b.entry.id.cmp(&a.entry.id));
    (rows, unreadable)
}

/// The rows as the expiry watch reads them.
fn watched(rows: &[Row]) -> Vec<WatchedEntry<'_>> {
    rows.iter()
        .map(|r| WatchedEntry {
            kms_key_id: &r.key_id,
            entry: &r.entry,
        })
        .collect()
}

/// What the ledger's rows are narrowed to: "Show", "Cloud" and "Search".
#[derive(Clone, Copy)]
struct Narrowed {
    filter: RwSignal<LedgerFilter>,
    cloud: RwSignal<Option<Cloud>>,
    search: RwSignal<String>,
}

/// The ledger as the page reads it: every object described, read again by `reload`.
type Described = KmsRead<Vec<ObjectAttributes>>;

/// While the rows' code is on its way (the KMS is being read meanwhile).
const READING: &str = "Reading the ledger from the KMS…";

/// The ledger page: its filters at once; the KMS read starts at once too, and
/// the rows (reading the entries, the table, the opened copy) come with their
/// own code, fetched while the KMS answers.
#[component]
pub fn LedgerPage() -> impl IntoView {
    let refresh = RwSignal::new(0_u32);
    let described: Described = use_kms_read(move |client| {
        refresh.track();
        async move { describe_every_object(&client).await }
    });
    let reload = Callback::new(move |()| refresh.update(|n| *n += 1));
    let narrowed = Narrowed {
        filter: RwSignal::new(LedgerFilter::All),
        cloud: RwSignal::new(None),
        search: RwSignal::new(String::new()),
    };
    view! {
        <section aria-labelledby="page-title">
            <h1 id="page-title">{Page::Ledger.label()}</h1>
            <p>
                "Which AWS key, which Azure key version and which Google Cloud key version holds which KMS key's material. Every export made here is recorded on the exported KMS key itself (KMIP attributes any KMIP client can read); paste the cloud's outputs to confirm each copy. The clouds keep no copy you can get back: keep these KMS keys for as long as a cloud uses them."
            </p>
            <LedgerFilters narrowed=narrowed />
            <Deferred
                load=ledger_rows_view(described, reload, narrowed)
                fallback=|| view! { <p class="muted">{READING}</p> }
            />
            <RegisterCopy reload=reload />
        </section>
    }
}

split_view! {
    fn ledger_rows_view(described: Described, reload: Callback<()>, narrowed: Narrowed) {
        let show = move |described: Vec<ObjectAttributes>| {
            view! { <LedgerView keys=ledgered_keys(described) reload=reload narrowed=narrowed /> }
        };
        // Its own boundary: a read again (`reload`) must not send the
        // Deferred's Suspense back to its fallback (the open entry would go).
        view! {
            <Transition fallback=|| view! { <p class="muted">{READING}</p> }>
                <Loaded read=described loading=READING ok=show />
            </Transition>
        }
        .into_any()
    }
}

/// `keys` with entry `saved` of `key_id` put in place of the one it updates.
fn with_saved(keys: &mut [LedgeredKey], key_id: &str, saved: &LedgerEntry) {
    let entries = keys
        .iter_mut()
        .filter(|k| k.attributes.unique_identifier == key_id)
        .flat_map(|k| k.entries.iter_mut());
    for entry in entries {
        if matches!(entry, Ok(e) if e.id == saved.id) {
            *entry = Ok(saved.clone());
        }
    }
}

/// The ledger as read: entries that cannot be read, the earliest expiry and
/// its calendar, the filter and search, the table, and the entry opened.
#[component]
fn LedgerView(keys: Vec<LedgeredKey>, reload: Callback<()>, narrowed: Narrowed) -> impl IntoView {
    let now = use_now(Duration::from_secs(60));
    let (_, mut unreadable) = rows_of(&keys);
    unreadable.extend(copy_rows_of::<AzureCopy>(&keys).1);
    unreadable.extend(copy_rows_of::<GoogleCopy>(&keys).1);
    // The ledger as read, then as each paste saved it (its `Applied::saved`):
    // the table, the expiry watch and the calendar show what was written.
    let keys = RwSignal::new(keys);
    let rows = Memo::new(move |_| keys.with(|keys| rows_of(keys).0));
    let azure_rows = Memo::new(move |_| keys.with(|keys| copy_rows_of(keys).0));
    let google_rows = Memo::new(move |_| keys.with(|keys| copy_rows_of(keys).0));
    let saved = Callback::new(move |(key_id, entry): (String, LedgerEntry)| {
        keys.update(|keys| with_saved(keys, &key_id, &entry));
    });
    let saved_azure = Callback::new(move |(key_id, copy): (String, AzureCopy)| {
        keys.update(|keys| with_saved_copy(keys, &key_id, &copy));
    });
    let saved_google = Callback::new(move |(key_id, copy): (String, GoogleCopy)| {
        keys.update(|keys| with_saved_copy(keys, &key_id, &copy));
    });
    let copies = CloudRows {
        azure: azure_rows,
        google: google_rows,
    };
    let Narrowed {
        filter,
        cloud,
        search,
    } = narrowed;
    let selected = RwSignal::new(None::<String>);
    view! {
        <UnreadableEntries unreadable=unreadable />
        <EarliestExpiry rows=rows copies=copies now=now />
        <ExpiryCalendar rows=rows now=now />
        <LedgerTable
            rows=rows
            copies=copies
            filter=filter
            cloud=cloud
            search=search
            now=now
            selected=selected
        />
        <InventoryDownloads rows=rows copies=copies filter=filter cloud=cloud search=search />
        <OpenEntry
            selected=selected
            rows=rows
            copies=copies
            reload=reload
            saved=saved
            saved_copy=(saved_azure, saved_google)
        />
    }
}

/// The copies the filters keep, as the files an auditor keeps: CSV for a
/// spreadsheet, JSON (`byok-ledger-inventory/1`) for another tool.
#[component]
fn InventoryDownloads(
    rows: Memo<Vec<Row>>,
    copies: CloudRows,
    filter: RwSignal<LedgerFilter>,
    cloud: RwSignal<Option<Cloud>>,
    search: RwSignal<String>,
) -> impl IntoView {
    let inventory = move |at: OffsetDateTime| {
        let filters = (filter.get(), cloud.get());
        let needle = search.get().trim().to_lowercase();
        listed(rows, copies, filters, &needle, at)
            .iter()
            .map(|listed| match listed {
                Listed::Aws(r) => InventoryRow::aws(&r.key_id, &r.entry, at),
                Listed::Azure(r) => InventoryRow::azure(&r.key_id, &r.copy, at),
                Listed::Google(r) => InventoryRow::google(&r.key_id, &r.copy, at),
            })
            .collect::<Vec<_>>()
    };
    let filter_words = move || {
        let needle = search.get();
        let needle = needle.trim();
        let searched = if needle.is_empty() {
            String::new()
        } else {
            format!(", search \"{needle}\"")
        };
        format!(
            "{}, {}{searched}",
            filter.get().label(),
            cloud_words(cloud.get())
        )
    };
    // Computed at the click: the time and the ledger as they are then.
    let csv = Signal::derive(move || to_csv(&inventory(now_utc())).into_bytes());
    let json = Signal::derive(move || {
        let at = now_utc();
        to_json(&inventory(at), at, &filter_words()).into_bytes()
    });
    view! {
        <section class="inventory" aria-labelledby="inventory-title">
            <h2 id="inventory-title">"The ledger as a file"</h2>
            <p class="hint">
                "The copies shown above (filters and search applied), one row each: KMS key, cloud, place, account or project, Region or location, KeyMaterialId, state, expiry and days left, who recorded it, the last event and AWS's last known use."
            </p>
            <DownloadButton bytes=csv file_name=String::from("byok-ledger.csv") />
            <DownloadButton bytes=json file_name=String::from("byok-ledger.json") />
        </section>
    }
}

/// "Entries that cannot be read (left untouched)", when there are any.
#[component]
fn UnreadableEntries(unreadable: Vec<String>) -> impl IntoView {
    (!unreadable.is_empty()).then(|| {
        view! {
            <div class="notice" role="status">
                <p>"Entries that cannot be read (left untouched):"</p>
                <ul>{unreadable.into_iter().map(|u| view! { <li>{u}</li> }).collect_view()}</ul>
            </div>
        }
    })
}

/// Told each copy a paste saved, with its KMS key id.
type Saved<C> = Callback<(String, C)>;

/// The copies of the clouds with a copy document of their own, as read and saved.
#[derive(Clone, Copy)]
struct CloudRows {
    azure: Memo<Vec<CopyRow<AzureCopy>>>,
    google: Memo<Vec<CopyRow<GoogleCopy>>>,
}

/// "Earliest expiry: the copy of … in … expires …", across clouds, kept up to date by the
/// clock; and, once there is a Google Cloud copy, why none of those expires.
#[component]
fn EarliestExpiry(
    rows: Memo<Vec<Row>>,
    copies: CloudRows,
    now: ReadSignal<OffsetDateTime>,
) -> impl IntoView {
    let earliest = move || {
        let now = now.get();
        rows.with(|rows| {
            copies
                .azure
                .with(|azure| earliest_expiry_line(rows, azure, now))
        })
        .map(|text| view! { <p class="notice" data-testid="earliest-expiry">{text}</p> })
    };
    let has_google = move || copies.google.with(|g| !g.is_empty());
    view! {
        {earliest}
        <Show when=has_google>
            <p class="hint" data-testid="google-expiry">
                {format!("Google Cloud copies: {NO_EXPIRY}. The ledger watches their import, not an expiry.")}
            </p>
        </Show>
    }
}

/// The sentence naming the copy that expires first in any cloud, if any expires (a Google
/// Cloud key version never does).
fn earliest_expiry_line(
    rows: &[Row],
    azure: &[CopyRow<AzureCopy>],
    now: OffsetDateTime,
) -> Option<String> {
    let aws = earliest_expiry(&watched(rows), now).map(|(w, status)| {
        let aws_key = w
            .entry
            .aws_key_arn
            .as_ref()
            .map_or("an AWS key".to_owned(), ToString::to_string);
        (status, w.kms_key_id.to_owned(), aws_key)
    });
    let azure = first_expiring(azure, now);
    [aws, azure]
        .into_iter()
        .flatten()
        .min_by_key(|(status, ..)| status.valid_to)
        .map(|(status, kms_key_id, place)| {
            format!(
                "Earliest expiry: the copy of {kms_key_id} in {place} {}.",
                status.sentence()
            )
        })
}

/// The expiry reminders as a calendar file. Offered once some copy expires:
/// an empty calendar helps nobody.
#[component]
fn ExpiryCalendar(rows: Memo<Vec<Row>>, now: ReadSignal<OffsetDateTime>) -> impl IntoView {
    let calendar = Signal::derive(move || {
        rows.with(|rows| icalendar(&watched(rows), now.get(), REMIND_DAYS_BEFORE).into_bytes())
    });
    let expiring = move || rows.with(|rows| rows.iter().any(|r| r.entry.valid_to().is_some()));
    view! {
        <Show when=expiring>
            <DownloadButton bytes=calendar file_name="byok-expiry-reminders.ics".to_owned() />
            <p class="hint">
                {format!("One calendar event per expiring copy, with a reminder {REMIND_DAYS_BEFORE} days before.")}
            </p>
        </Show>
    }
}

/// "Show" (which states), "Cloud" and "Search" (KMS key, AWS key ARN, KeyMaterialId, Azure
/// key, Google Cloud key).
#[component]
fn LedgerFilters(narrowed: Narrowed) -> impl IntoView {
    let Narrowed {
        filter,
        cloud,
        search,
    } = narrowed;
    view! {
        <ChoiceSelect
            id="ledger-filter"
            label="Show"
            choices=LedgerFilter::ALL.to_vec()
            selected=filter
            value=|f: LedgerFilter| f.name().to_owned()
            words=|f: LedgerFilter| f.label().to_owned()
        />
        <ChoiceSelect
            id="ledger-cloud"
            label="Cloud"
            choices=vec![None, Some(Cloud::Aws), Some(Cloud::Azure), Some(Cloud::Google)]
            selected=cloud
            value=cloud_value
            words=cloud_words
        />
        <TextField id="ledger-search" label="Search (KMS key, AWS key ARN, KeyMaterialId, Azure or Google Cloud key)" value=search kind="search" />
    }
}

/// The cloud filter's form value.
fn cloud_value(cloud: Option<Cloud>) -> String {
    match cloud {
        None => "all",
        Some(Cloud::Aws) => "aws",
        Some(Cloud::Azure) => "azure",
        Some(Cloud::Google) => "google",
    }
    .to_owned()
}

/// The cloud filter's words.
fn cloud_words(cloud: Option<Cloud>) -> String {
    cloud.map_or("Every cloud", Cloud::name).to_owned()
}

/// A row of the table: a copy in one cloud.
#[derive(Clone, Debug, PartialEq)]
enum Listed {
    Aws(Row),
    Azure(CopyRow<AzureCopy>),
    Google(Box<CopyRow<GoogleCopy>>),
}

impl Listed {
    fn id(&self) -> &str {
        match self {
            Self::Aws(row) => &row.entry.id,
            Self::Azure(row) => &row.copy.id,
            Self::Google(row) => &row.copy.id,
        }
    }
}

/// Every copy the filters keep, newest first, clouds side by side.
fn shown_listed(
    rows: &[Row],
    (azure, google): (&[CopyRow<AzureCopy>], &[CopyRow<GoogleCopy>]),
    (filter, cloud): (LedgerFilter, Option<Cloud>),
    needle: &str,
    now: OffsetDateTime,
) -> Vec<Listed> {
    let wants = |c: Cloud| cloud.is_none_or(|chosen| chosen == c);
    let mut listed: Vec<Listed> = Vec::new();
    if wants(Cloud::Aws) {
        listed.extend(
            shown_rows(rows, filter, needle, now)
                .into_iter()
                .map(Listed::Aws),
        );
    }
    if wants(Cloud::Azure) {
        listed.extend(shown_copies(azure, filter, needle, now).map(Listed::Azure));
    }
    if wants(Cloud::Google) {
        listed
            .extend(shown_copies(google, filter, needle, now).map(|r| Listed::Google(Box::new(r))));
    }
    listed.sort_by(|a, b| b.id().cmp(a.id()));
    listed
}

/// [`shown_listed`] over the ledger as the page holds it (tracking its rows).
fn listed(
    rows: Memo<Vec<Row>>,
    copies: CloudRows,
    filters: (LedgerFilter, Option<Cloud>),
    needle: &str,
    now: OffsetDateTime,
) -> Vec<Listed> {
    rows.with(|rows| {
        copies.azure.with(|azure| {
            copies.google.with(|google| {
                let clouds = (azure.as_slice(), google.as_slice());
                shown_listed(rows, clouds, filters, needle, now)
            })
        })
    })
}

/// The rows `filter` keeps at `now` whose KMS key, AWS key ARN or
/// KeyMaterialId contains `needle` (lower case; empty: every row).
fn shown_rows(rows: &[Row], filter: LedgerFilter, needle: &str, now: OffsetDateTime) -> Vec<Row> {
    rows.iter()
        .filter(|r| filter.keeps(&r.entry, now))
        .filter(|r| {
            needle.is_empty()
                || r.key_id.to_lowercase().contains(needle)
                || r.entry
                    .aws_key_arn
                    .as_ref()
                    .is_some_and(|a| a.to_string().to_lowercase().contains(needle))
                || r.entry
                    .key_material_id
                    .as_deref()
                    .is_some_and(|id| id.to_lowercase().contains(needle))
        })
        .cloned()
        .collect()
}

/// The table of the copies shown, or why there is none.
#[component]
fn LedgerTable(
    rows: Memo<Vec<Row>>,
    copies: CloudRows,
    filter: RwSignal<LedgerFilter>,
    cloud: RwSignal<Option<Cloud>>,
    search: RwSignal<String>,
    now: ReadSignal<OffsetDateTime>,
    selected: RwSignal<Option<String>>,
) -> impl IntoView {
    move || {
        let filters = (filter.get(), cloud.get());
        let needle = search.get().trim().to_lowercase();
        // The clock does not rebuild the table (focus and a pending click
        // stay); the state and expiry cells follow it on their own.
        let shown = listed(rows, copies, filters, &needle, now.get_untracked());
        let none = rows.with(Vec::is_empty)
            && copies.azure.with(Vec::is_empty)
            && copies.google.with(Vec::is_empty);
        if none {
            return view! {
                <p class="muted">"No copy recorded yet: export key material for AWS, Azure or Google Cloud, and it appears here."</p>
            }
            .into_any();
        }
        if shown.is_empty() {
            return view! { <p class="muted">"No copy matches."</p> }.into_any();
        }
        view! {
            <StackedTable headers=&["KMS key", "Cloud", "Copy in the cloud", "State", "Expiry", "Details"]>
                {shown
                    .into_iter()
                    .map(|listed| match listed {
                        Listed::Aws(row) => view! { <LedgerRow row=row now=now selected=selected /> }.into_any(),
                        Listed::Azure(row) => copy_ledger_row(row, now, selected).into_any(),
                        Listed::Google(row) => copy_ledger_row(*row, now, selected).into_any(),
                    })
                    .collect_view()}
            </StackedTable>
        }
        .into_any()
    }
}

/// One copy in the table: its KMS key, AWS key, KeyMaterialId, state (who
/// recorded it, any drift), expiry, and the button that opens its details.
#[component]
fn LedgerRow(
    row: Row,
    now: ReadSignal<OffsetDateTime>,
    selected: RwSignal<Option<String>>,
) -> impl IntoView {
    let state = {
        let entry = row.entry.clone();
        move || entry.state(now.get()).label()
    };
    let expiry = {
        let entry = row.entry.clone();
        move || expiry_words(&entry, now.get())
    };
    let entry_id = row.entry.id.clone();
    let open = entry_id.clone();
    // In the State cell: no column of its own, so the table never scrolls sideways.
    let recorded_by = recorded_by(&row.entry);
    let drifted = row.drift.clone().map(
        |d| view! { <DriftNotice drift=d href=Page::rotation_href(&row.key_id, &row.entry.id) /> },
    );
    view! {
        <tr data-entry-id=entry_id data-cloud="AWS">
            <td data-label="KMS key">
                {breakable(&row.key_id)}
                {format!(" ({})", row.entry.key_spec.aws_name())}
            </td>
            <td data-label="Cloud" data-testid="entry-cloud">"AWS"</td>
            <td data-label="Copy in the cloud" data-testid="entry-place">
                {match &row.entry.aws_key_arn {
                    Some(arn) => view! {
                        {breakable(&arn.to_string())}
                        <br />
                        <span data-testid="entry-account">{format!("AWS account {}", arn_account(arn))}</span>
                    }
                    .into_any(),
                    None => "AWS key not known yet".into_any(),
                }}
                <br />
                "KeyMaterialId "
                {match row.entry.key_material_id.clone() {
                    Some(id) => view! { <ShortId value=id copy_label="Copy the KeyMaterialId" /> }.into_any(),
                    None => "not bound yet".into_any(),
                }}
            </td>
            <td data-label="State">
                <span data-testid="entry-state">{state}</span>
                <br />
                <span class="hint" data-testid="entry-recorded-by">{recorded_by}</span>
                <SourceKeyFlags problems=row.health.clone() />
                {drifted}
            </td>
            <td data-label="Expiry">{expiry}</td>
            <td data-label="Details">
                <button
                    type="button"
                    class="secondary"
                    on:click=move |_| selected.set(Some(open.clone()))
                >
                    "Open "{breakable(&row.entry.id)}
                </button>
            </td>
        </tr>
    }
}

/// When the copy expires, in words.
fn expiry_words(entry: &LedgerEntry, now: OffsetDateTime) -> String {
    entry_expiry(entry, now).map_or("does not expire (or not known)".to_owned(), |s| {
        s.sentence()
    })
}

/// "recorded by <user>", or that an older entry did not record it.
fn recorded_by(entry: &LedgerEntry) -> AnyView {
    match &entry.recorded_by {
        Some(user) => view! { "recorded by "{breakable(user.as_str())} }.into_any(),
        None => "recorded by: not recorded (older entry)".into_any(),
    }
}

/// The KMS key has a newer generation AWS does not hold: what differs, and
/// the link to rotate the AWS key.
#[component]
fn DriftNotice(drift: Discrepancy, href: String) -> impl IntoView {
    view! {
        <p class="error-text" data-testid="entry-drift">
            {drift.to_string()}" "<a href=href>"Rotate this AWS key…"</a>
        </p>
    }
}

/// The details of the entry whose "Open" was clicked.
#[component]
fn OpenEntry(
    selected: RwSignal<Option<String>>,
    rows: Memo<Vec<Row>>,
    copies: CloudRows,
    reload: Callback<()>,
    saved: Callback<(String, LedgerEntry)>,
    saved_copy: (Saved<AzureCopy>, Saved<GoogleCopy>),
) -> impl IntoView {
    let (saved_azure, saved_google) = saved_copy;
    move || {
        // Opened with the row as it is; a save updates the open details
        // itself (untracked here, so the paste's result stays shown).
        let id = selected.get()?;
        if let Some(row) =
            rows.with_untracked(|rows| rows.iter().find(|r| r.entry.id == id).cloned())
        {
            return Some(view! { <EntryDetails row=row reload=reload saved=saved /> }.into_any());
        }
        if let Some(row) = copies
            .azure
            .with_untracked(|rows| rows.iter().find(|r| r.copy.id == id).cloned())
        {
            return Some(
                view! { <AzureDetails row=row reload=reload saved=saved_azure /> }.into_any(),
            );
        }
        let row = copies
            .google
            .with_untracked(|rows| rows.iter().find(|r| r.copy.id == id).cloned())?;
        Some(view! { <GoogleDetails row=row reload=reload saved=saved_google /> }.into_any())
    }
}

/// One entry: what was recorded, the commands to ask AWS, and the paste box.
/// `saved` gets each entry a paste wrote, with its KMS key id.
#[component]
fn EntryDetails(
    row: Row,
    reload: Callback<()>,
    saved: Callback<(String, LedgerEntry)>,
) -> impl IntoView {
    view! { <Deferred load=entry_details_view(row, reload, saved) /> }
}

split_view! {
    fn entry_details_view(row: Row, reload: Callback<()>, saved: Callback<(String, LedgerEntry)>) {
        view! { <EntryDetailsView row=row reload=reload saved=saved /> }.into_any()
    }
}

/// One entry, loaded: what it records, how AWS proves the copy and the
/// commands to ask it, the paste box, the rotation link, renewal, and what
/// the last paste did.
#[component]
fn EntryDetailsView(
    row: Row,
    reload: Callback<()>,
    saved: Callback<(String, LedgerEntry)>,
) -> impl IntoView {
    // The entry as last saved: shown above, and each paste builds on the
    // previous one's events.
    let current = RwSignal::new(row.entry.clone());
    let entry = row.entry.clone();
    let key_id = row.key_id.clone();
    let health = row.health.clone();
    // The random challenge, chosen here once per view: the message AWS and the
    // KMS both MAC (HMAC keys), or the bytes the KMS signs or encrypts to check
    // AWS's public key (RSA, EC keys).
    let challenge: [u8; 32] = random_bytes();
    let pasted = RwSignal::new(String::new());
    let applied = RwSignal::new(None::<Applied>);
    let submit = paste_submit(row, current, challenge, pasted, applied, saved);
    view! {
        <section class="entry-details" aria-labelledby="entry-title" data-testid="entry-details">
            <h2 id="entry-title">{format!("AWS copy {}", entry.id)}</h2>
            <SourceKeyNotice key_id=key_id.clone() problems=health />
            <EntrySummary entry=current />
            <p class="hint">{proof_note(entry.key_spec)}</p>
            <ProofCommands entry=current key_spec=entry.key_spec challenge=challenge />
            <PasteOutput submit=submit pasted=pasted />
            <RotateLink entry=current href=Page::rotation_href(&key_id, &entry.id) />
            <p><a href=Page::ceremony_record_href(&key_id, &entry.id)>"Ceremony record"</a>" — the copy's record to print and sign, or download as JSON, with its key's timeline."</p>
            <Renewal entry=current key_id=key_id />
            <AppliedOutput applied=applied reload=reload />
        </section>
    }
}

/// How AWS proves it holds this copy's material, in words.
fn proof_note(key_spec: AwsKeySpec) -> &'static str {
    match key_spec {
        AwsKeySpec::SymmetricDefault => {
            "AES: a successful import is the proof that AWS holds this material (AWS unwrapped it under its own token): paste import-key-material's output."
        }
        AwsKeySpec::Hmac(_) => {
            "HMAC: run generate-mac below and paste its output; the KMS computes the MAC of the same message with this key and the two are compared."
        }
        _ => {
            "RSA and EC: run get-public-key below and paste its output. The KMS checks AWS's public key against this key inside the KMS: it signs random bytes with this key and verifies the signature with AWS's public key (keys made to sign), or encrypts random bytes with AWS's public key and decrypts them with this key (RSA keys made to decrypt). AWS's public key is held by the KMS only for the check, then removed; no key reaches this page. Key-agreement EC keys can do neither, so they cannot be proven this way: describe-key confirms the copy."
        }
    }
}

/// The commands that ask AWS about this copy: describe-key, then
/// get-public-key (RSA, EC) or generate-mac of the challenge (HMAC).
#[component]
fn ProofCommands(
    entry: RwSignal<LedgerEntry>,
    key_spec: AwsKeySpec,
    challenge: [u8; 32],
) -> impl IntoView {
    // The commands name the AWS key once a paste bound it.
    let arn = move || entry.with(|e| e.aws_key_arn.clone());
    let describe = Signal::derive(move || describe_key(arn().as_ref()).multi_line());
    let mac = match key_spec {
        AwsKeySpec::Hmac(hash) => Some(Signal::derive(move || {
            generate_mac_command(arn().as_ref(), hash, &challenge)
                .map(|c| c.multi_line())
                .unwrap_or_default()
        })),
        _ => None,
    };
    let public_key = matches!(key_spec, AwsKeySpec::Rsa(_) | AwsKeySpec::Ecc(_))
        .then(|| Signal::derive(move || get_public_key_command(arn().as_ref()).multi_line()));
    // get-key-last-usage takes no alias nor placeholder: shown once the ARN is known.
    let last_usage = Signal::derive(move || {
        arn()
            .map(|arn| last_usage_command(&arn).multi_line())
            .unwrap_or_default()
    });
    view! {
        <CommandBlock id="ledger-describe-key" text=describe label="Copy the describe-key command" />
        <Show when=move || arn().is_some()>
            <CommandBlock
                id="ledger-get-key-last-usage"
                text=last_usage
                label="Copy the get-key-last-usage command"
            />
        </Show>
        {public_key.map(|text| view! {
            <CommandBlock id="ledger-get-public-key" text=text label="Copy the get-public-key command" />
        })}
        {mac.map(|text| view! {
            <CommandBlock id="ledger-generate-mac" text=text label="Copy the generate-mac command" />
            <p class="hint">
                "Written for AWS CLI v2 (as in CloudShell): the message is given in base64. AWS CLI v1 does not know --cli-binary-format: save the same bytes to a file and pass --message fileb://<file> instead."
            </p>
        })}
    }
}

/// A pasted AWS output, sent and answered with what it proved and recorded.
type PasteSubmit = Submit<String, Result<Applied, String>>;

/// "Check and record", sent: the pasted output applied to the entry as last
/// saved; what it wrote is shown, handed to `saved`, and the paste box emptied.
fn paste_submit(
    row: Row,
    current: RwSignal<LedgerEntry>,
    challenge: [u8; 32],
    pasted: RwSignal<String>,
    applied: RwSignal<Option<Applied>>,
    saved: Callback<(String, LedgerEntry)>,
) -> PasteSubmit {
    let settings = use_settings();
    let saved_key = row.key_id.clone();
    let run = Action::new_local(move |text: &String| {
        let (text, row) = (text.clone(), row.clone());
        let entry = current.get_untracked();
        let siblings = siblings_as_saved(&row.siblings, &entry);
        let client = settings.client();
        async move {
            apply_aws_output(
                &client?,
                &row.key_id,
                &entry,
                &siblings,
                &text,
                &challenge,
                now_utc(),
            )
            .await
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(done)) = run.value().get() {
            // One value, one trip: the entry the action wrote is what is shown.
            if let Some(entry) = &done.saved {
                current.set(entry.clone());
                saved.run((saved_key.clone(), entry.clone()));
            }
            applied.set(Some(done));
            pasted.set(String::new());
        }
    });
    Submit::new(run)
}

/// The other entries of the key as read, this one as last saved.
fn siblings_as_saved(siblings: &[LedgerEntry], entry: &LedgerEntry) -> Vec<LedgerEntry> {
    siblings
        .iter()
        .map(|s| {
            if s.id == entry.id {
                entry.clone()
            } else {
                s.clone()
            }
        })
        .collect()
}

/// The paste box: AWS's JSON output about this copy, checked with the KMS and recorded.
#[component]
fn PasteOutput(submit: PasteSubmit, pasted: RwSignal<String>) -> impl IntoView {
    let run_error = Signal::derive(move || submit.action.value().get().and_then(Result::err));
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submit.submit(|| {
            let text = pasted.get();
            if text.trim().is_empty() {
                Err("Paste the JSON output of an AWS CLI command first.".to_owned())
            } else {
                Ok(text)
            }
        });
    };
    view! {
        <form on:submit=on_submit novalidate>
            <TextArea
                id="ledger-paste"
                label="AWS's JSON output (import-key-material, describe-key, get-public-key, generate-mac, list-key-rotations or get-key-last-usage)"
                rows=6
                value=pasted
            />
            <ErrorBanner message=submit.refusal />
            <ErrorBanner message=run_error />
            <SubmitButton pending=submit.pending() idle="Check and record" busy="Checking…" />
            <RequestProgress pending=submit.pending() in_flight=submit.in_flight what="Checking with the KMS" />
        </form>
    }
}

/// "Rotate this AWS key…", once the entry names its AWS key.
#[component]
fn RotateLink(entry: RwSignal<LedgerEntry>, href: String) -> impl IntoView {
    move || {
        entry.with(|e| e.aws_key_arn.is_some()).then(|| {
            view! {
                <p>
                    <a href=href.clone()>"Rotate this AWS key…"</a>
                    " — new material in the KMS, imported in every Region in the order AWS accepts (or, for multi-Region keys, replica Regions added)."
                </p>
            }
        })
    }
}

/// What the last paste did: its lines, where AWS disagrees, and who it was
/// recorded by, with "Read the ledger again".
#[component]
fn AppliedOutput(applied: RwSignal<Option<Applied>>, reload: Callback<()>) -> impl IntoView {
    move || {
        applied.get().map(|done| view! {
            <div class="result" role="status" data-testid="ledger-applied">
                {done.lines.into_iter().map(|l| view! { <p>{l}</p> }).collect_view()}
                {(!done.discrepancies.is_empty()).then(|| view! {
                    <p class="error-text">"AWS disagrees:"</p>
                    <ul>
                        {done.discrepancies.iter().map(|d| view! { <li>{d.to_string()}</li> }).collect_view()}
                    </ul>
                })}
                {done.saved.map(|_| view! {
                    <p>
                        {format!("Recorded in the entry{}. ", by_words(done.by.as_ref(), "user unknown"))}
                        <button type="button" class="secondary" on:click=move |_| reload.run(())>
                            "Read the ledger again"
                        </button>
                    </p>
                })}
            </div>
        })
    }
}

/// "Renew": the re-import of the same material under a new wrapping key.
#[component]
fn Renewal(entry: RwSignal<LedgerEntry>, key_id: String) -> impl IntoView {
    let valid_to = RwSignal::new(String::new());
    let kek = RwSignal::new(WrappingKeySpec::Rsa4096);
    let export = Page::export_href(Some(&key_id), None);
    let commands = Memo::new(move |_| {
        let expiration = match valid_to.get().trim() {
            "" => Expiration::DoesNotExpire,
            text => Expiration::ExpiresOn(parse_date(text).ok_or(
                "Expires on: write the date as YYYY-MM-DD, or leave it empty for no expiry.",
            )?),
        };
        let options = RenewalOptions {
            wrapping_key_spec: kek.get(),
            algorithm: None,
            expiration,
            material_file: "EncryptedKeyMaterial.bin".to_owned(),
            token_file: "ImportToken.bin".to_owned(),
        };
        entry
            .with(|entry| renewal(entry, &options, now_utc()))
            .map(|r| (r.get_parameters.multi_line(), r.import.multi_line()))
    });
    let error = Signal::derive(move || commands.get().err());
    view! {
        <details class="renewal">
            <summary>"Renew: import the same material again"</summary>
            <p class="hint">
                "AWS needs the same material to restore or extend this copy. 1. Ask AWS for a new wrapping key; 2. import it and "
                <a href=export>"export this KMS key again"</a>
                " under it; 3. import with the command below."
            </p>
            <ChoiceSelect
                id="renew-kek"
                label="Wrapping key spec"
                choices=WrappingKeySpec::ALL.to_vec()
                selected=kek
                value=|s: WrappingKeySpec| s.aws_name().to_owned()
                words=|s: WrappingKeySpec| s.aws_name().to_owned()
            />
            <TextField id="renew-valid-to" label="Expires on (YYYY-MM-DD, empty: does not expire)" value=valid_to />
            <ErrorBanner message=error />
            {move || commands.get().ok().map(|(get, import)| view! {
                <CommandBlock id="renew-get-parameters" text=get label="Copy the get-parameters-for-import command" />
                <CommandBlock id="renew-import" text=import label="Copy the re-import command" />
            })}
        </details>
    }
}

/// What the entry records, in words: as last saved.
#[component]
fn EntrySummary(entry: RwSignal<LedgerEntry>) -> impl IntoView {
    move || entry.with(|entry| summary(entry.clone()))
}

fn summary(entry: LedgerEntry) -> impl IntoView {
    let now = now_utc();
    let state = entry.state(now);
    let problems = match &state {
        LedgerState::Mismatch(list) => list.iter().map(ToString::to_string).collect(),
        _ => Vec::new(),
    };
    let export = entry.export.as_ref().map(|e| {
        format!(
            "wrapped under {} ({}), KEK SHA-256 {}, EncryptedKeyMaterial.bin SHA-256 {}",
            e.kek_id,
            e.wrapping_algorithm,
            if e.kek_sha256.is_empty() {
                "not recorded"
            } else {
                &e.kek_sha256
            },
            e.material_sha256
        )
    });
    let command = entry.command.as_ref().map(|c| {
        format!(
            "{}{}",
            c.expiration,
            c.import_type
                .map(|t| format!(", {}", t.aws_name()))
                .unwrap_or_default()
        )
    });
    view! {
        <dl class="entry-summary">
            <dt>"State"</dt>
            <dd data-testid="details-state">{state.label()}</dd>
            <dt>"Recorded"</dt>
            <dd data-testid="details-recorded">{entry.recorded_line()}</dd>
            <dt>"AWS account"</dt>
            <dd data-testid="details-account">
                {entry.aws_key_arn.as_ref().map_or("not known yet (AWS's key is not named yet)".to_owned(), |arn| {
                    format!("{} (from the key ARN {arn})", arn_account(arn))
                })}
            </dd>
            <dt>"Wrapped export"</dt>
            <dd>{export.unwrap_or_else(|| "registered from describe-key (made outside this app)".to_owned())}</dd>
            <dt>"Import command options"</dt>
            <dd>{command.unwrap_or_else(|| "not recorded (copy the import command on the export result to record them)".to_owned())}</dd>
            <dt>"Last use in AWS"</dt>
            <dd data-testid="details-last-use">{last_use_line(&entry, now)}</dd>
            <dt>"Events"</dt>
            <dd>
                {if entry.events.is_empty() {
                    "none yet".into_any()
                } else {
                    view! {
                        <ol class="entry-events" data-testid="details-events">
                            {entry.events.iter().map(|e| view! { <li>{e.line()}</li> }).collect_view()}
                        </ol>
                    }
                    .into_any()
                }}
            </dd>
        </dl>
        {(!problems.is_empty()).then(|| view! {
            <ul class="error-text">{problems.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul>
        })}
    }
}

/// A copy made outside this app, registered on a KMS key from describe-key.
#[component]
fn RegisterCopy(reload: Callback<()>) -> impl IntoView {
    view! { <Deferred load=register_copy_view(reload) /> }
}

split_view! {
    fn register_copy_view(reload: Callback<()>) {
        view! { <RegisterCopyView reload=reload /> }.into_any()
    }
}

#[component]
fn RegisterCopyView(reload: Callback<()>) -> impl IntoView {
    let settings = use_settings();
    let key_id = RwSignal::new(String::new());
    let pasted = RwSignal::new(String::new());
    let register = Action::new_local(move |(key, describe): &(String, DescribeKeyOutput)| {
        let (key, describe) = (key.clone(), describe.clone());
        let client = settings.client();
        async move {
            register_copy(&client?, &key, &describe, now_utc(), random_bytes())
                .await
                .map(|entry| (key, entry))
        }
    });
    let submit = Submit::new(register);
    let done = Signal::derive(move || register.value().get().and_then(Result::ok));
    let error = Signal::derive(move || register.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if done.get().is_some() {
            reload.run(());
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submit.submit(|| {
            let key = KmsId::parse(&key_id.get())
                .map_err(|e| format!("KMS key id: {e}"))?
                .into_string();
            let describe = parse_describe_key(&pasted.get())?;
            check_registrable(&describe)?;
            Ok((key, describe))
        });
    };
    view! {
        <details class="register-copy">
            <summary>"Register a copy made outside this app"</summary>
            <form on:submit=on_submit novalidate>
                <TextField id="register-key-id" label="KMS key id (the source of the AWS copy)" value=key_id />
                <TextArea id="register-describe" label="The JSON output of aws kms describe-key for the AWS key" rows=6 value=pasted />
                <ErrorBanner message=submit.refusal />
                <ErrorBanner message=error />
                <SubmitButton pending=submit.pending() idle="Register the copy" busy="Registering…" />
                <RequestProgress pending=submit.pending() in_flight=submit.in_flight what="Recording on the KMS key" />
            </form>
            {move || done.get().map(|(key, entry)| view! {
                <p class="ok" role="status">
                    {format!(
                        "Registered on {key} as entry {}{}.",
                        entry.id,
                        by_words(entry.recorded_by.as_ref(), "user unknown")
                    )}
                </p>
            })}
        </details>
    }
}
