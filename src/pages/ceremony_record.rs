//! `/ui/aws/ledger-record?key=…&entry=…`: one AWS copy's ceremony record, to print (or save
//! as PDF) and sign, or download as JSON; with the timeline of every copy of its KMS key.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use time::OffsetDateTime;

use crate::actions::ceremony::{CeremonyRead, read_ceremony};
use crate::browser::{now_utc, stored_import_token};
use crate::components::download_button::DownloadButton;
use crate::components::error_banner::ErrorBanner;
use crate::components::ledger_timeline::LedgerTimeline;
use crate::components::loaded::{Loaded, use_kms_read};

use crate::domain::ledger::ceremony::{
    CEREMONY_FORMAT, CeremonyInputs, CeremonyRecord, CloudTrailLookup, RecordedEvent,
    ceremony_record, to_json,
};
use crate::domain::ledger::sha256_hex;
use crate::domain::ledger::timeline::CopyHistory;
use crate::domain::stored::parse_rfc3339;
use crate::domain::time_display::utc_minutes;
use crate::routes::{Page, RECORD_ENTRY_QUERY, RECORD_KEY_QUERY};
use crate::session::{Account, use_session};

/// The ceremony record page.
#[component]
pub fn CeremonyRecordPage() -> impl IntoView {
    let query = use_query_map();
    let key_id = query
        .with_untracked(|q| q.get(RECORD_KEY_QUERY))
        .unwrap_or_default();
    let entry_id = query
        .with_untracked(|q| q.get(RECORD_ENTRY_QUERY))
        .unwrap_or_default();
    view! {
        <section class="ceremony" aria-labelledby="page-title">
            <h1 id="page-title">{Page::CeremonyRecord.label()}</h1>
            <p class="no-print"><a href=Page::Ledger.href()>"Back to the BYOK ledger"</a></p>
            {if key_id.is_empty() || entry_id.is_empty() {
                view! {
                    <p>
                        "A ceremony record is made for one AWS copy: open the BYOK ledger, open an entry and follow its “Ceremony record” link."
                    </p>
                }
                .into_any()
            } else {
                view! { <RecordRead key_id=key_id entry_id=entry_id /> }.into_any()
            }}
        </section>
    }
}

/// The copy and its keys read from the KMS, then the record.
#[component]
fn RecordRead(key_id: String, entry_id: String) -> impl IntoView {
    let read = use_kms_read(move |client| {
        let (key_id, entry_id) = (key_id.clone(), entry_id.clone());
        async move { read_ceremony(&client, &key_id, &entry_id).await }
    });
    let show = |read: Result<CeremonyRead, String>| match read {
        Ok(read) => view! { <Record read=read /> }.into_any(),
        Err(message) => view! { <ErrorBanner message=Some(message) /> }.into_any(),
    };
    view! { <Loaded read=read loading="Reading the copy from the KMS…" ok=show /> }
}

/// Every copy of the key, for the timeline.
fn histories(read: &CeremonyRead, now: OffsetDateTime) -> Vec<CopyHistory> {
    let key = &read.key;
    let aws = key
        .entries
        .iter()
        .flatten()
        .map(|e| CopyHistory::aws(e, now));
    let azure = key
        .azure
        .iter()
        .flatten()
        .map(|c| CopyHistory::azure(c, now));
    let google = key.google.iter().flatten().map(CopyHistory::google);
    aws.chain(azure).chain(google).collect()
}

/// The record: made once when read (its time fixed), who it is for as the header learns it.
#[component]
fn Record(read: CeremonyRead) -> impl IntoView {
    let now = now_utc();
    let session = use_session();
    let token_sha256 = read
        .entry
        .export
        .as_ref()
        .and_then(|e| stored_import_token(&e.kek_id))
        .map(|token| sha256_hex(&token));
    let copies = histories(&read, now);
    let key_id = read.key.attributes.unique_identifier.clone();
    let record = Memo::new(move |_| {
        let by = match session.account.get() {
            Account::User { user, .. } => Some(user),
            _ => None,
        };
        ceremony_record(&CeremonyInputs {
            key: &read.key.attributes,
            entry: &read.entry,
            kek: read.kek.as_ref(),
            import_token_sha256: token_sha256.clone(),
            now,
            by: by.as_ref(),
        })
    });
    let json = Signal::derive(move || record.with(|r| to_json(r).into_bytes()));
    let file_name = record.with_untracked(|r| format!("byok-ceremony-record-{}.json", r.copy_id));
    let print = move |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.print();
        }
    };
    view! {
        <div class="record-actions no-print">
            <button type="button" on:click=print>"Print or save as PDF"</button>
            <DownloadButton bytes=json file_name=file_name />
        </div>
        {move || record.with(|r| view! { <RecordBody record=r.clone() /> })}
        <section class="record-section" aria-labelledby="record-timeline">
            <h2 id="record-timeline">"Every copy of this KMS key over time"</h2>
            <LedgerTimeline
                copies=copies
                now=now
                name=format!("Timeline of every copy of the KMS key {key_id}")
            />
        </section>
        <SignOff />
    }
}

/// A stored time as the pages show it ("2026-12-07 10:00 UTC").
fn shown(time: &str) -> String {
    parse_rfc3339(time).map_or_else(|_| time.to_owned(), utc_minutes)
}

fn or_unknown(value: Option<&String>, unknown: &str) -> String {
    value.cloned().unwrap_or_else(|| unknown.to_owned())
}

/// One term and its value.
fn item(term: &'static str, value: String, testid: &'static str) -> impl IntoView {
    view! {
        <dt>{term}</dt>
        <dd data-testid=testid>{value}</dd>
    }
}

/// A section of the record with its heading (a page break never splits it in print).
fn section(id: &'static str, title: String, body: AnyView) -> impl IntoView {
    view! {
        <section class="record-section" aria-labelledby=id>
            <h2 id=id>{title}</h2>
            {body}
        </section>
    }
}

/// The record, section by section, in the order a reader checks it.
#[component]
fn RecordBody(record: CeremonyRecord) -> impl IntoView {
    let made = format!(
        "{CEREMONY_FORMAT}, made {}{}",
        shown(&record.generated_at),
        record
            .generated_by
            .as_ref()
            .map_or(String::new(), |u| format!(" for {u}"))
    );
    view! {
        <p class="hint" data-testid="record-format">{made}</p>
        {section("record-copy", format!("AWS copy {}", record.copy_id), copy_facts(&record))}
        {section("record-kms-key", "KMS key".to_owned(), kms_key_facts(&record))}
        {section("record-kek", "Wrapping key (AWS's)".to_owned(), wrapping_key_facts(&record))}
        {section("record-files", "Files handed over (SHA-256)".to_owned(), files(&record))}
        {section("record-commands", "Commands".to_owned(), commands(&record))}
        {section("record-events", "Events".to_owned(), events(&record))}
        {section("record-aws", "AWS identifiers".to_owned(), aws_identifiers(&record))}
        {section("record-sameness", "Sameness proof".to_owned(), sameness(&record))}
        {section("record-cloudtrail", "AWS CloudTrail events to look for".to_owned(), cloudtrail(&record))}
    }
}

fn copy_facts(r: &CeremonyRecord) -> AnyView {
    let recorded = format!(
        "{}{}",
        shown(&r.recorded_at),
        r.recorded_by
            .as_ref()
            .map_or(", user not recorded (older entry)".to_owned(), |u| format!(
                " by {u}"
            ))
    );
    view! {
        <dl class="record-facts">
            {item("State", r.state.clone(), "record-state")}
            {item("Recorded", recorded, "record-recorded")}
        </dl>
    }
    .into_any()
}

fn kms_key_facts(r: &CeremonyRecord) -> AnyView {
    let key = &r.kms_key;
    let size = key
        .length_bits
        .map_or("not known".to_owned(), |b| format!("{b} bits"));
    view! {
        <dl class="record-facts">
            {item("Id", key.id.clone(), "record-key-id")}
            {item("Type", or_unknown(key.object_type.as_ref(), "not known"), "record-key-type")}
            {item("Algorithm", or_unknown(key.algorithm.as_ref(), "not known"), "record-key-algorithm")}
            {item("Size", size, "record-key-size")}
            {key.curve.clone().map(|c| item("Curve", c, "record-key-curve"))}
            {item("State", or_unknown(key.state.as_ref(), "not known"), "record-key-state")}
            {item("AWS key spec", key.aws_key_spec.clone(), "record-key-spec")}
            {item("Fingerprint", or_unknown(key.fingerprint.as_ref(), "none: the material never leaves the KMS in clear; the sameness proof below compares it with AWS's"), "record-key-fingerprint")}
        </dl>
    }
    .into_any()
}

const REGISTERED: &str =
    "None: this copy was made outside this app and registered from describe-key.";

fn wrapping_key_facts(r: &CeremonyRecord) -> AnyView {
    let Some(w) = &r.wrapping_key else {
        return view! { <p>{REGISTERED}</p> }.into_any();
    };
    let now_words = match (&w.spki_sha256, &w.spki_sha256_now, w.in_kms) {
        (_, _, false) => "the wrapping key is no longer in the KMS (cleaned up)".to_owned(),
        (_, None, true) => "no kek_sha256 tag on the wrapping key".to_owned(),
        (Some(then), Some(tagged), true) if then == tagged => format!("{tagged} (the same)"),
        (_, Some(tagged), true) => {
            format!("{tagged} (differs from the export's: another key under this id)")
        }
    };
    let valid_to = w
        .parameters_valid_to
        .as_deref()
        .map_or("not recorded (a KEK imported without it)".to_owned(), shown);
    view! {
        <dl class="record-facts">
            {item("Id", w.id.clone(), "record-kek-id")}
            {item("SPKI SHA-256 at export", or_unknown(w.spki_sha256.as_ref(), "not recorded (a KEK imported without it)"), "record-kek-sha256")}
            {item("SPKI SHA-256 now", now_words, "record-kek-sha256-now")}
            {item("Wrapping algorithm", w.wrapping_algorithm.clone(), "record-kek-algorithm")}
            {item("Wrapping key spec", or_unknown(w.wrapping_key_spec.as_ref(), "not known"), "record-kek-spec")}
            {item("ParametersValidTo", valid_to, "record-kek-valid-to")}
        </dl>
    }
    .into_any()
}

fn files(r: &CeremonyRecord) -> AnyView {
    if r.files.is_empty() {
        return view! { <p>{REGISTERED}</p> }.into_any();
    }
    view! {
        <ul class="record-list" data-testid="record-files">
            {r.files.iter().map(|f| view! {
                <li data-file=f.name.clone()>
                    <strong>{f.name.clone()}</strong>" "
                    <code class="hash">{or_unknown(f.sha256.as_ref(), "not known here")}</code>
                    <br /><span class="hint">{f.note.clone()}</span>
                </li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}

fn commands(r: &CeremonyRecord) -> AnyView {
    view! {
        <ol class="record-list" data-testid="record-commands">
            {r.commands.iter().map(|c| view! {
                <li>{c.purpose.clone()}<pre class="record-command"><code>{c.command.clone()}</code></pre></li>
            }).collect_view()}
        </ol>
    }
    .into_any()
}

fn events(r: &CeremonyRecord) -> AnyView {
    if r.events.is_empty() {
        return view! { <p>"None yet: AWS has confirmed nothing about this copy."</p> }.into_any();
    }
    let line = |e: &RecordedEvent| {
        let by =
            e.by.as_ref()
                .map_or("user not recorded (older entry)".to_owned(), |u| {
                    format!("by {u}")
                });
        format!("{}: {} — {by}", shown(&e.at), e.what)
    };
    view! {
        <ol class="record-list" data-testid="record-events">
            {r.events.iter().map(|e| view! { <li>{line(e)}</li> }).collect_view()}
        </ol>
    }
    .into_any()
}

fn aws_identifiers(r: &CeremonyRecord) -> AnyView {
    let aws = &r.aws;
    let expires = aws
        .expires
        .as_deref()
        .map_or("does not expire (or not known)".to_owned(), shown);
    view! {
        <dl class="record-facts">
            {item("Key ARN", or_unknown(aws.key_arn.as_ref(), "not named yet"), "record-arn")}
            {item("Account", or_unknown(aws.account.as_ref(), "not known yet"), "record-account")}
            {item("Region", or_unknown(aws.region.as_ref(), "not known yet"), "record-region")}
            {item("Key id", or_unknown(aws.key_id.as_ref(), "not known yet"), "record-aws-key-id")}
            {item("KeyMaterialId", or_unknown(aws.key_material_id.as_ref(), "not bound yet"), "record-key-material-id")}
            {item("Expiration model", or_unknown(aws.expiration_model.as_ref(), "not known yet"), "record-expiration-model")}
            {item("Expires", expires, "record-expires")}
        </dl>
    }
    .into_any()
}

fn sameness(r: &CeremonyRecord) -> AnyView {
    let proven = &r.sameness;
    let when = match (&proven.at, &proven.by) {
        (Some(at), Some(by)) => format!("{} by {by}", shown(at)),
        (Some(at), None) => format!("{}, user not recorded", shown(at)),
        _ => "not proven yet".to_owned(),
    };
    view! {
        <dl class="record-facts">
            {item("Result", proven.result.clone(), "record-sameness")}
            {item("Proof", or_unknown(proven.proof.as_ref(), "none yet"), "record-proof")}
            {item("How", proven.how.clone(), "record-proof-how")}
            {item("When", when, "record-proof-when")}
        </dl>
    }
    .into_any()
}

/// What matches a CloudTrail event to this copy, as `field = value` (the same for
/// every event of the copy; an event's own `eventID` is shown with it).
fn match_fields(c: &CloudTrailLookup) -> String {
    [
        ("awsRegion", c.aws_region.as_ref()),
        ("recipientAccountId", c.account.as_ref()),
        ("resources[].ARN", c.key_arn.as_ref()),
        ("requestParameters.keyId", c.key_id.as_ref()),
        ("keyMaterialId", c.key_material_id.as_ref()),
    ]
    .into_iter()
    .filter_map(|(name, value)| Some(format!("{name} = {}", value?)))
    .chain([format!("eventTime ≥ {}", shown(&c.not_before))])
    .collect::<Vec<_>>()
    .join("; ")
}

fn cloudtrail(r: &CeremonyRecord) -> AnyView {
    let fields = r.cloudtrail.first().map(match_fields).unwrap_or_default();
    view! {
        <p>
            "Each event comes from kms.amazonaws.com (eventSource); match it to this copy by: "
            <code class="hash" data-testid="record-cloudtrail-match">{fields}</code>
        </p>
        <ul class="record-list" data-testid="record-cloudtrail">
            {r.cloudtrail.iter().map(|c| view! {
                <li data-event=c.event_name.clone()>
                    <strong>{c.event_name.clone()}</strong>": "{c.shows.clone()}
                    {c.event_id.clone().map(|id| view! { " eventID = "<code class="hash">{id}</code> })}
                </li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// Where the people who approve the ceremony sign the printed record.
#[component]
fn SignOff() -> impl IntoView {
    let line = |who: &'static str| {
        view! {
            <div class="sign-line">
                <span>{who}</span>
                <span class="sign-blank">"Name, date, signature"</span>
            </div>
        }
    };
    view! {
        <section class="record-section sign-off" aria-labelledby="record-sign-off">
            <h2 id="record-sign-off">"Sign-off"</h2>
            {line("Operator")}
            {line("Security officer")}
        </section>
    }
}
