//! The ledger as a file an auditor keeps: every copy in every cloud as one row
//! (CSV for a spreadsheet, JSON `byok-ledger-inventory/1` for another tool).
//!
//! A row says which KMS key, where in which cloud (account or project, Region or
//! location), its state and expiry, the last event and who recorded it, and AWS's
//! last known use. CSV cells that a spreadsheet would run as a formula are quoted
//! with a leading `'` (OWASP's CSV-injection advice): a description is data.

use serde::Serialize;
use time::OffsetDateTime;

use crate::domain::account::UserId;
use crate::domain::aws::outputs::arn_account;
use crate::domain::cloud::Cloud;
use crate::domain::expiry::ExpiryStatus;
use crate::domain::ledger::azure::AzureCopy;
use crate::domain::ledger::google::GoogleCopy;
use crate::domain::ledger::{LedgerEntry, by_words};
use crate::domain::stored::rfc3339;
use crate::domain::time_display::utc_minutes;

/// The JSON file's format name and version (read by other tools: change the
/// version when a member changes meaning; adding members keeps it).
pub const INVENTORY_FORMAT: &str = "byok-ledger-inventory/1";

/// One copy of a KMS key's material in one cloud.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InventoryRow {
    pub kms_key_id: String,
    /// `AWS`, `Azure`, `Google Cloud` ([`Cloud::name`]).
    pub cloud: &'static str,
    /// The ledger's id of the copy.
    pub copy_id: String,
    /// AWS key ARN, Azure kid, Google key version name (as far as known).
    pub place: String,
    /// AWS account, Google Cloud project, Azure vault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// AWS Region, Google Cloud location.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// AWS KeyMaterialId.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_material_id: Option<String>,
    /// `exported`, `imported`, `verified`, `mismatch`, `expired`, …
    pub state: &'static str,
    /// RFC 3339; absent when the copy does not expire (or it is not known yet).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// Whole days left (negative once expired).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_left: Option<i64>,
    pub recorded_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recorded_by: Option<String>,
    /// The latest event in words, with its time and who recorded it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_event: Option<String>,
    /// AWS's last known use (get-key-last-usage), in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_use: Option<String>,
}

/// The CSV's columns, in order (the JSON's member names).
const COLUMNS: [&str; 14] = [
    "kms_key_id",
    "cloud",
    "copy_id",
    "place",
    "account",
    "region",
    "key_material_id",
    "state",
    "expires",
    "days_left",
    "recorded_at",
    "recorded_by",
    "last_event",
    "last_use",
];

fn expiry(expires: Option<OffsetDateTime>, now: OffsetDateTime) -> (Option<String>, Option<i64>) {
    match expires {
        Some(t) => (Some(rfc3339(t)), Some(ExpiryStatus::at(t, now).days_left)),
        None => (None, None),
    }
}

fn user(by: Option<&UserId>) -> Option<String> {
    by.map(|u| u.as_str().to_owned())
}

impl InventoryRow {
    /// An AWS copy (a ledger entry) on KMS key `kms_key_id`.
    pub fn aws(kms_key_id: &str, entry: &LedgerEntry, now: OffsetDateTime) -> Self {
        let arn = entry.aws_key_arn.as_ref();
        let (expires, days_left) = expiry(entry.valid_to(), now);
        Self {
            kms_key_id: kms_key_id.to_owned(),
            cloud: Cloud::Aws.name(),
            copy_id: entry.id.clone(),
            place: arn.map_or("AWS key not named yet".to_owned(), ToString::to_string),
            account: arn.map(|a| arn_account(a).to_owned()),
            region: arn.map(|a| a.region().to_owned()),
            key_material_id: entry.key_material_id.clone(),
            state: entry.state(now).label(),
            expires,
            days_left,
            recorded_at: rfc3339(entry.recorded_at),
            recorded_by: user(entry.recorded_by.as_ref()),
            last_event: entry.events.last().map(|e| e.line()),
            last_use: entry.last_usage().map(|(event, reading)| {
                format!("{} (read {})", reading.short_words(), utc_minutes(event.at))
            }),
        }
    }

    /// An Azure Key Vault copy on KMS key `kms_key_id`.
    pub fn azure(kms_key_id: &str, copy: &AzureCopy, now: OffsetDateTime) -> Self {
        let (expires, days_left) = expiry(copy.expires(), now);
        Self {
            kms_key_id: kms_key_id.to_owned(),
            cloud: Cloud::Azure.name(),
            copy_id: copy.id.clone(),
            place: copy.place(),
            account: Some(copy.vault.clone()),
            region: None,
            key_material_id: None,
            state: copy.state(now).label(),
            expires,
            days_left,
            recorded_at: rfc3339(copy.recorded_at),
            recorded_by: user(copy.recorded_by.as_ref()),
            last_event: copy.events.last().map(|e| e.line()),
            last_use: None,
        }
    }

    /// A Google Cloud KMS copy on KMS key `kms_key_id` (key versions do not expire).
    pub fn google(kms_key_id: &str, copy: &GoogleCopy, now: OffsetDateTime) -> Self {
        let ring = copy.import_job.key_ring();
        Self {
            kms_key_id: kms_key_id.to_owned(),
            cloud: Cloud::Google.name(),
            copy_id: copy.id.clone(),
            place: copy.place(),
            account: Some(ring.project().to_owned()),
            region: Some(ring.location().to_owned()),
            key_material_id: None,
            state: copy.state(now).label(),
            expires: None,
            days_left: None,
            recorded_at: rfc3339(copy.recorded_at),
            recorded_by: user(copy.recorded_by.as_ref()),
            last_event: copy.events.last().map(|e| e.line()),
            last_use: None,
        }
    }

    fn cells(&self) -> [Option<String>; 14] {
        [
            Some(self.kms_key_id.clone()),
            Some(self.cloud.to_owned()),
            Some(self.copy_id.clone()),
            Some(self.place.clone()),
            self.account.clone(),
            self.region.clone(),
            self.key_material_id.clone(),
            Some(self.state.to_owned()),
            self.expires.clone(),
            self.days_left.map(|d| d.to_string()),
            Some(self.recorded_at.clone()),
            self.recorded_by.clone(),
            self.last_event.clone(),
            self.last_use.clone(),
        ]
    }
}

/// The rows as CSV (RFC 4180: a header line, CRLF line ends, quotes doubled).
pub fn to_csv(rows: &[InventoryRow]) -> String {
    let mut out = COLUMNS.join(",");
    out.push_str("\r\n");
    for row in rows {
        let line: Vec<String> = row
            .cells()
            .iter()
            .map(|cell| csv_cell(cell.as_deref().unwrap_or_default()))
            .collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

/// One CSV cell: a leading `= + - @` (or tab, CR) gets a `'` so a spreadsheet
/// shows it instead of running it (a negative day count stays a number);
/// quoted when it holds a comma, a quote or a line break.
fn csv_cell(text: &str) -> String {
    let number = text.parse::<i64>().is_ok();
    let guarded = if !number && text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

/// The rows as JSON: `{"format":"byok-ledger-inventory/1","generated_at":…,
/// "filter":…,"copies":[…]}`, members absent when unknown.
pub fn to_json(rows: &[InventoryRow], generated_at: OffsetDateTime, filter: &str) -> String {
    #[derive(Serialize)]
    struct Inventory<'a> {
        format: &'static str,
        generated_at: String,
        filter: &'a str,
        copies: &'a [InventoryRow],
    }
    serde_json::to_string_pretty(&Inventory {
        format: INVENTORY_FORMAT,
        generated_at: rfc3339(generated_at),
        filter,
        copies: rows,
    })
    .unwrap_or_default()
}

/// "Ledger of 3 copies, 2026-12-07 10:00 UTC by alice@example.com": the line
/// above a printed or downloaded inventory.
pub fn heading(rows: &[InventoryRow], now: OffsetDateTime, by: Option<&UserId>) -> String {
    let copies = if rows.len() == 1 { "copy" } else { "copies" };
    format!(
        "Ledger of {} {copies}, {}{}",
        rows.len(),
        utc_minutes(now),
        by_words(by, "user unknown")
    )
}

#[cfg(test)]
mod tests {
    use serde_json::Value;
    use time::macros::datetime;

    use super::*;
    use crate::domain::aws::last_usage::{LastUse, UsageReading};
    use crate::domain::ledger::EventKind;
    use crate::domain::ledger::tests::{alice, entry};

    const NOW: OffsetDateTime = datetime!(2026-12-07 10:00 UTC);

    fn aws_row() -> InventoryRow {
        let mut e = entry();
        e.record_by(
            EventKind::last_used(&UsageReading {
                key_created: None,
                tracking_since: Some(datetime!(2026-04-01 0:00 UTC)),
                last: Some(LastUse {
                    operation: Some("Decrypt".to_owned()),
                    at: Some(datetime!(2026-11-02 10:00 UTC)),
                    cloudtrail_event_id: None,
                    kms_request_id: None,
                }),
            }),
            datetime!(2026-11-03 0:00 UTC),
            &alice(),
        );
        InventoryRow::aws("kms-key-1", &e, NOW)
    }

    #[test]
    fn an_aws_row_names_account_region_material_and_last_use() {
        let row = aws_row();
        assert_eq!(row.cloud, "AWS");
        assert_eq!(row.account.as_deref(), Some("447182645454"));
        assert_eq!(row.region.as_deref(), Some("eu-west-3"));
        assert_eq!(
            row.last_use.as_deref(),
            Some("last used 2026-11-02 10:00 UTC (Decrypt) (read 2026-11-03 00:00 UTC)")
        );
        assert!(
            row.last_event
                .as_deref()
                .unwrap()
                .ends_with("by alice@example.com")
        );
    }

    #[test]
    fn csv_has_a_header_quotes_what_needs_it_and_defuses_formulas() {
        let mut row = aws_row();
        row.place = "=HYPERLINK(\"http://evil\",\"x\"), more".to_owned();
        row.days_left = Some(-3);
        let csv = to_csv(&[row]);
        let mut lines = csv.split("\r\n");
        assert_eq!(lines.next().unwrap(), COLUMNS.join(","));
        let line = lines.next().unwrap();
        assert!(
            line.contains(",\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\"), more\","),
            "{line}"
        );
        assert!(line.contains(",-3,"), "{line}");
        assert_eq!(lines.next(), Some(""));
        assert_eq!(csv_cell("-x"), "'-x");
        assert_eq!(csv_cell("plain"), "plain");
    }

    #[test]
    fn json_is_named_and_versioned_and_leaves_unknowns_out() {
        let mut row = aws_row();
        row.key_material_id = None;
        let json: Value = serde_json::from_str(&to_json(&[row], NOW, "Every copy")).unwrap();
        assert_eq!(json["format"], "byok-ledger-inventory/1");
        assert_eq!(json["generated_at"], "2026-12-07T10:00:00Z");
        assert_eq!(json["filter"], "Every copy");
        let copy = &json["copies"][0];
        assert_eq!(copy["kms_key_id"], "kms-key-1");
        assert!(copy.get("key_material_id").is_none(), "{copy}");
        let names: Vec<&str> = copy
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert!(names.iter().all(|n| COLUMNS.contains(n)), "{names:?}");
    }

    #[test]
    fn the_heading_counts_copies_and_names_who_took_it() {
        assert_eq!(
            heading(&[aws_row()], NOW, Some(&alice())),
            "Ledger of 1 copy, 2026-12-07 10:00 UTC by alice@example.com"
        );
    }
}
