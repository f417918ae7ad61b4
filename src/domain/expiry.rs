//! Expiry watch for imported AWS key material: days left, warnings, the earliest
//! expiry, an iCalendar file of reminders, and the re-import that renews it.
//!
//! AWS deletes expiring material at its ValidTo and only reports it afterwards
//! (the key goes to PendingImport), so the ledger warns ahead, with an injected clock.

use time::{Duration, OffsetDateTime, UtcOffset};

use crate::domain::aws::arn::AwsKeyArn;
use crate::domain::aws::cli::get_parameters_for_import;
pub use crate::domain::aws::import_command::check_valid_to;
use crate::domain::aws::import_command::{Expiration, ImportCommand, ImportType};
use crate::domain::aws::key_spec::AwsKeySpec;
use crate::domain::aws::wrapping_key_spec::WrappingKeySpec;
use crate::domain::cli::CliCommand;
use crate::domain::ledger::LedgerEntry;
use crate::domain::time_display::utc_minutes;
use crate::domain::wrapping::WrappingAlgorithm;

/// How close an expiry is. Ordered from calm to expired.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Warning {
    /// More than 30 days left.
    None,
    /// 30 days or less.
    Within30Days,
    /// 7 days or less.
    Within7Days,
    /// 1 day or less.
    Within1Day,
    /// ValidTo has passed: AWS has deleted the material.
    Expired,
}

/// Where one ValidTo stands at `now`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExpiryStatus {
    pub valid_to: OffsetDateTime,
    /// Whole days left, rounded down (negative once expired).
    pub days_left: i64,
    pub warning: Warning,
}

impl ExpiryStatus {
    pub fn at(valid_to: OffsetDateTime, now: OffsetDateTime) -> Self {
        let left = valid_to - now;
        let warning = if left <= Duration::ZERO {
            Warning::Expired
        } else if left <= Duration::DAY {
            Warning::Within1Day
        } else if left <= Duration::days(7) {
            Warning::Within7Days
        } else if left <= Duration::days(30) {
            Warning::Within30Days
        } else {
            Warning::None
        };
        Self {
            valid_to,
            days_left: left.whole_days(),
            warning,
        }
    }

    /// "expires in 12 days (2027-01-31 00:00 UTC)", "expired 3 days ago (…)".
    pub fn sentence(&self) -> String {
        let when = utc_minutes(self.valid_to);
        match self.warning {
            Warning::Expired => format!("expired {} ago ({when})", plural_days(-self.days_left)),
            _ if self.days_left == 0 => format!("expires in less than a day ({when})"),
            _ => format!("expires in {} ({when})", plural_days(self.days_left)),
        }
    }
}

fn plural_days(n: i64) -> String {
    if n == 1 {
        "1 day".to_owned()
    } else {
        format!("{n} days")
    }
}

/// An entry's expiry, `None` when its material does not expire (or nobody knows).
pub fn entry_expiry(entry: &LedgerEntry, now: OffsetDateTime) -> Option<ExpiryStatus> {
    entry
        .valid_to()
        .map(|valid_to| ExpiryStatus::at(valid_to, now))
}

/// An entry with the KMS key it is recorded on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WatchedEntry<'a> {
    pub kms_key_id: &'a str,
    pub entry: &'a LedgerEntry,
}

/// The soonest ValidTo across entries (already expired ones included: they come first).
pub fn earliest_expiry<'a>(
    entries: &[WatchedEntry<'a>],
    now: OffsetDateTime,
) -> Option<(WatchedEntry<'a>, ExpiryStatus)> {
    entries
        .iter()
        .filter_map(|w| entry_expiry(w.entry, now).map(|status| (*w, status)))
        .min_by_key(|(_, status)| status.valid_to)
}

/// `20270131T000000Z`: the .ics file's UTC DATE-TIME (RFC 5545 §3.3.5), stored, not shown.
fn ical_time(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// TEXT escaping of RFC 5545 §3.3.11.
fn ical_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// One content line, folded at 75 octets (RFC 5545 §3.1: CRLF then a space;
/// never inside a UTF-8 character), with its CRLF.
fn ical_line(out: &mut String, line: &str) {
    let mut limit = 75;
    let mut used = 0;
    for c in line.chars() {
        if used + c.len_utf8() > limit {
            out.push_str("\r\n ");
            used = 1;
            limit = 75;
        }
        out.push(c);
        used += c.len_utf8();
    }
    out.push_str("\r\n");
}

/// An iCalendar (RFC 5545) file with one event at each entry's ValidTo (UTC),
/// a display alarm `remind_days_before` days ahead, UIDs stable per entry
/// (`<entry id>@byok-aws-copy`, so a re-import updates rather than
/// duplicates), DTSTAMP = `now`. Entries whose material does not expire are left out.
pub fn icalendar(
    entries: &[WatchedEntry<'_>],
    now: OffsetDateTime,
    remind_days_before: u32,
) -> String {
    let mut out = String::new();
    let mut line = |text: &str| ical_line(&mut out, text);
    line("BEGIN:VCALENDAR");
    line("VERSION:2.0");
    line("PRODID:-//byok-ui//BYOK ledger//EN");
    line("CALSCALE:GREGORIAN");
    line("METHOD:PUBLISH");
    for w in entries {
        let Some(valid_to) = w.entry.valid_to() else {
            continue;
        };
        let aws_key = w.entry.aws_key_arn.as_ref().map_or(
            "an AWS key (ARN not recorded)".to_owned(),
            ToString::to_string,
        );
        let summary = format!("AWS key material expires: {aws_key}");
        let description = format!(
            "AWS deletes the imported material of {aws_key} at this time{}.\nKMS key: {}, ledger entry {}.\nRe-import the same material before then: Renew in the BYOK ledger.\nKeep the KMS key: AWS has no copy.",
            w.entry
                .key_material_id
                .as_deref()
                .map(|id| format!(" (KeyMaterialId {id})"))
                .unwrap_or_default(),
            w.kms_key_id,
            w.entry.id
        );
        line("BEGIN:VEVENT");
        line(&format!("UID:{}@byok-aws-copy", w.entry.id));
        line(&format!("DTSTAMP:{}", ical_time(now)));
        line(&format!("DTSTART:{}", ical_time(valid_to)));
        line(&format!("DTEND:{}", ical_time(valid_to + Duration::HOUR)));
        line(&format!("SUMMARY:{}", ical_escape(&summary)));
        line(&format!("DESCRIPTION:{}", ical_escape(&description)));
        line("BEGIN:VALARM");
        line("ACTION:DISPLAY");
        line(&format!(
            "DESCRIPTION:{}",
            ical_escape(&format!("In {remind_days_before} days: {summary}"))
        ));
        line(&format!("TRIGGER:-P{remind_days_before}D"));
        line("END:VALARM");
        line("END:VEVENT");
    }
    line("END:VCALENDAR");
    out
}

/// What "Renew" needs besides the entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenewalOptions {
    /// Size of the new AWS wrapping key.
    pub wrapping_key_spec: WrappingKeySpec,
    /// `None` reuses the entry's algorithm (required for a registered entry).
    pub algorithm: Option<WrappingAlgorithm>,
    /// The new expiry; `ExpiresOn` is checked against the 365-day cap.
    pub expiration: Expiration,
    pub material_file: String,
    pub token_file: String,
}

/// The re-import of the *same* material.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Renewal {
    /// Step 1: new wrapping key and token for that ARN.
    pub get_parameters: CliCommand,
    /// The algorithm the export under the new wrapping key must use.
    pub algorithm: WrappingAlgorithm,
    /// Step 3: `--import-type EXISTING_KEY_MATERIAL --key-material-id <id>`
    /// for SYMMETRIC_DEFAULT keys; other specs hold one material forever and
    /// take neither option.
    pub import: ImportCommand,
}

/// Builds the renewal of an entry's material (step 2, the export, is the export page's).
pub fn renewal(
    entry: &LedgerEntry,
    options: &RenewalOptions,
    now: OffsetDateTime,
) -> Result<Renewal, String> {
    let arn: &AwsKeyArn = entry
        .aws_key_arn
        .as_ref()
        .ok_or("This entry names no AWS key: paste describe-key's output to confirm it first.")?;
    let algorithm = options
        .algorithm
        .or(entry.export.as_ref().map(|e| e.wrapping_algorithm))
        .ok_or("This copy was registered, not exported here: choose the wrapping algorithm.")?;
    if let Some(why) = entry
        .key_spec
        .why_not_size(algorithm, options.wrapping_key_spec)
    {
        return Err(format!(
            "{why}: choose another wrapping algorithm or key size."
        ));
    }
    if let Expiration::ExpiresOn(date) = options.expiration {
        check_valid_to(date, now)?;
    }
    let symmetric_default = entry.key_spec == AwsKeySpec::SymmetricDefault;
    Ok(Renewal {
        get_parameters: get_parameters_for_import(Some(arn), algorithm, options.wrapping_key_spec),
        algorithm,
        import: ImportCommand {
            key_arn: Some(arn.clone()),
            material: entry.key_spec.material(),
            material_file: options.material_file.clone(),
            token_file: options.token_file.clone(),
            expiration: options.expiration,
            import_type: symmetric_default.then_some(ImportType::ExistingKeyMaterial),
            description: None,
            key_material_id: entry.key_material_id.clone().filter(|_| symmetric_default),
        },
    })
}

#[cfg(test)]
mod tests {
    use time::macros::{date, datetime};

    use super::*;
    use crate::domain::ledger::CommandOptions;
    use crate::domain::ledger::tests::{MATERIAL_ID, entry};

    const NOW: OffsetDateTime = datetime!(2026-12-01 09:30 UTC);

    #[test]
    fn warnings_at_31_30_7_1_and_0_days() {
        let at = |days: i64| ExpiryStatus::at(NOW + Duration::days(days), NOW);
        assert_eq!(at(31).warning, Warning::None);
        assert_eq!(at(30).warning, Warning::Within30Days);
        assert_eq!(at(8).warning, Warning::Within30Days);
        assert_eq!(at(7).warning, Warning::Within7Days);
        assert_eq!(at(2).warning, Warning::Within7Days);
        assert_eq!(at(1).warning, Warning::Within1Day);
        assert_eq!(at(0).warning, Warning::Expired);
        assert_eq!(at(-3).warning, Warning::Expired);
        assert_eq!(at(31).days_left, 31);
        assert_eq!(
            ExpiryStatus::at(NOW + Duration::hours(30), NOW).days_left,
            1
        );
        assert_eq!(
            ExpiryStatus::at(NOW + Duration::hours(30), NOW).warning,
            Warning::Within7Days
        );
        assert_eq!(
            ExpiryStatus::at(NOW + Duration::hours(5), NOW).sentence(),
            "expires in less than a day (2026-12-01 14:30 UTC)"
        );
        assert_eq!(
            at(30).sentence(),
            "expires in 30 days (2026-12-31 09:30 UTC)"
        );
        assert_eq!(
            at(-3).sentence(),
            "expired 3 days ago (2026-11-28 09:30 UTC)"
        );
        assert!(Warning::Within7Days > Warning::Within30Days);
    }

    #[test]
    fn the_365_day_cap_is_import_commands() {
        assert!(check_valid_to(date!(2027 - 12 - 01), NOW).is_ok());
        assert!(
            check_valid_to(date!(2027 - 12 - 02), NOW)
                .unwrap_err()
                .contains("365")
        );
    }

    fn expiring(id: &str, on: time::Date) -> LedgerEntry {
        let mut e = entry();
        e.id = id.into();
        e.command = Some(CommandOptions {
            expiration: Expiration::ExpiresOn(on),
            import_type: None,
            description: None,
        });
        e
    }

    #[test]
    fn the_earliest_expiry_wins() {
        let a = expiring("a", date!(2027 - 03 - 01));
        let b = expiring("b", date!(2026 - 12 - 20));
        let mut never = entry();
        never.command.as_mut().unwrap().expiration = Expiration::DoesNotExpire;
        let items = [
            WatchedEntry {
                kms_key_id: "k1",
                entry: &a,
            },
            WatchedEntry {
                kms_key_id: "k2",
                entry: &never,
            },
            WatchedEntry {
                kms_key_id: "k3",
                entry: &b,
            },
        ];
        let (w, status) = earliest_expiry(&items, NOW).unwrap();
        assert_eq!((w.kms_key_id, status.days_left), ("k3", 18));
        assert_eq!(status.warning, Warning::Within30Days);
        assert_eq!(earliest_expiry(&items[1..2], NOW), None);
    }

    /// A tiny RFC 5545 reader: checks CRLF and the 75-octet fold, unfolds,
    /// and returns each VEVENT's properties (name → unescaped value).
    fn parse_ics(text: &str) -> Vec<Vec<(String, String)>> {
        assert!(text.ends_with("\r\n"));
        let physical: Vec<&str> = text[..text.len() - 2].split("\r\n").collect();
        for line in &physical {
            assert!(line.len() <= 75, "{line:?} is {} octets", line.len());
            assert!(!line.contains('\n') && !line.contains('\r'), "{line:?}");
        }
        let mut logical: Vec<String> = Vec::new();
        for line in physical {
            match line.strip_prefix(' ') {
                Some(rest) => logical.last_mut().unwrap().push_str(rest),
                None => logical.push(line.to_owned()),
            }
        }
        assert_eq!(logical.first().map(String::as_str), Some("BEGIN:VCALENDAR"));
        assert_eq!(logical.last().map(String::as_str), Some("END:VCALENDAR"));
        let unescape = |v: &str| {
            v.replace("\\n", "\n")
                .replace("\\,", ",")
                .replace("\\;", ";")
                .replace("\\\\", "\\")
        };
        let mut events = Vec::new();
        let mut current: Option<Vec<(String, String)>> = None;
        let mut in_alarm = false;
        for line in logical {
            let (name, value) = line.split_once(':').unwrap();
            match (name, value) {
                ("BEGIN", "VEVENT") => current = Some(Vec::new()),
                ("END", "VEVENT") => events.push(current.take().unwrap()),
                ("BEGIN", "VALARM") => in_alarm = true,
                ("END", "VALARM") => in_alarm = false,
                _ => {
                    if let Some(props) = current.as_mut() {
                        let name = if in_alarm {
                            format!("VALARM.{name}")
                        } else {
                            name.to_owned()
                        };
                        props.push((name, unescape(value)));
                    }
                }
            }
        }
        events
    }

    fn prop<'a>(event: &'a [(String, String)], name: &str) -> &'a str {
        &event.iter().find(|(n, _)| n == name).unwrap().1
    }

    #[test]
    fn the_calendar_has_one_event_per_expiry_at_the_right_utc_time() {
        let a = expiring("20261201T093000000Z_aaaaaaaaaaaa", date!(2027 - 03 - 01));
        let mut b = expiring("20261201T093000001Z_bbbbbbbbbbbb", date!(2026 - 12 - 20));
        b.key_material_id = Some(MATERIAL_ID.into());
        // AWS said another time for b's material: the calendar follows AWS.
        b.record(
            crate::domain::ledger::EventKind::DescribeConfirmed {
                key_state: "Enabled".into(),
                current_key_material_id: Some(MATERIAL_ID.into()),
                expiration_model: Some("KEY_MATERIAL_EXPIRES".into()),
                valid_to: Some(datetime!(2026-12-20 17:45 +02:00)),
            },
            NOW,
        );
        let mut never = entry();
        never.command.as_mut().unwrap().expiration = Expiration::DoesNotExpire;
        let key_id = "a key; with, commas \\ and a very long name that forces folding of the description line é€";
        let items = [
            WatchedEntry {
                kms_key_id: key_id,
                entry: &a,
            },
            WatchedEntry {
                kms_key_id: "k2",
                entry: &never,
            },
            WatchedEntry {
                kms_key_id: "k3",
                entry: &b,
            },
        ];
        let ics = icalendar(&items, NOW, 14);
        let events = parse_ics(&ics);
        assert_eq!(events.len(), 2);
        assert_eq!(
            prop(&events[0], "UID"),
            "20261201T093000000Z_aaaaaaaaaaaa@byok-aws-copy"
        );
        assert_eq!(prop(&events[0], "DTSTART"), "20270301T000000Z");
        assert_eq!(prop(&events[0], "DTEND"), "20270301T010000Z");
        assert_eq!(prop(&events[0], "DTSTAMP"), "20261201T093000Z");
        assert_eq!(prop(&events[0], "VALARM.TRIGGER"), "-P14D");
        assert_eq!(prop(&events[0], "VALARM.ACTION"), "DISPLAY");
        assert!(
            prop(&events[0], "DESCRIPTION").contains(&format!("KMS key: {key_id}, ledger entry"))
        );
        assert!(
            prop(&events[0], "SUMMARY")
                .starts_with("AWS key material expires: arn:aws:kms:eu-west-3:")
        );
        assert_eq!(prop(&events[1], "DTSTART"), "20261220T154500Z");
        assert!(prop(&events[1], "DESCRIPTION").contains(MATERIAL_ID));
        // Stable: the same entries give the same file.
        assert_eq!(icalendar(&items, NOW, 14), ics);
        assert!(ics.contains("\r\n "), "long lines are folded");
    }

    #[test]
    fn folding_never_splits_a_character() {
        let mut out = String::new();
        ical_line(&mut out, &format!("X:{}", "é".repeat(100)));
        for line in out.trim_end_matches("\r\n").split("\r\n") {
            assert!(line.len() <= 75);
        }
        assert_eq!(
            out.replace("\r\n ", "").trim_end(),
            format!("X:{}", "é".repeat(100))
        );
    }

    #[test]
    fn renewal_reimports_the_same_material() {
        let mut e = entry();
        e.key_material_id = Some(MATERIAL_ID.into());
        let options = RenewalOptions {
            wrapping_key_spec: WrappingKeySpec::Rsa4096,
            algorithm: None,
            expiration: Expiration::ExpiresOn(date!(2027 - 06 - 30)),
            material_file: "EncryptedKeyMaterial.bin".into(),
            token_file: "ImportToken.bin".into(),
        };
        let r = renewal(&e, &options, NOW).unwrap();
        assert_eq!(
            r.get_parameters.one_line(),
            "aws kms get-parameters-for-import --key-id arn:aws:kms:eu-west-3:447182645454:key/350e35ef-ac51-4dbb-82a4-9bc50b0ea42b --wrapping-algorithm RSAES_OAEP_SHA_256 --wrapping-key-spec RSA_4096 --region eu-west-3"
        );
        assert_eq!(
            r.import.one_line(),
            format!(
                "aws kms import-key-material --key-id arn:aws:kms:eu-west-3:447182645454:key/350e35ef-ac51-4dbb-82a4-9bc50b0ea42b \
                 --encrypted-key-material fileb://EncryptedKeyMaterial.bin --import-token fileb://ImportToken.bin \
                 --expiration-model KEY_MATERIAL_EXPIRES --valid-to 2027-06-30T00:00:00Z \
                 --import-type EXISTING_KEY_MATERIAL --key-material-id {MATERIAL_ID} --region eu-west-3"
            )
        );
        let forever = RenewalOptions {
            expiration: Expiration::DoesNotExpire,
            ..options.clone()
        };
        assert!(
            renewal(&e, &forever, NOW)
                .unwrap()
                .import
                .one_line()
                .contains("KEY_MATERIAL_DOES_NOT_EXPIRE")
        );
        let too_late = RenewalOptions {
            expiration: Expiration::ExpiresOn(date!(2028 - 01 - 01)),
            ..options.clone()
        };
        assert!(renewal(&e, &too_late, NOW).unwrap_err().contains("365"));
        let mut rsa = e.clone();
        rsa.key_spec = AwsKeySpec::Rsa(2048);
        assert!(
            renewal(&rsa, &options, NOW)
                .unwrap_err()
                .contains("RSA_AES_KEY_WRAP")
        );
        let wrap = RenewalOptions {
            algorithm: Some(WrappingAlgorithm::RsaAesKeyWrapSha256),
            ..options.clone()
        };
        let line = renewal(&rsa, &wrap, NOW).unwrap().import.one_line();
        assert!(!line.contains("--import-type") && !line.contains("--key-material-id"));
        let mut registered = e.clone();
        registered.export = None;
        assert!(
            renewal(&registered, &options, NOW)
                .unwrap_err()
                .contains("choose the wrapping algorithm")
        );
        registered.aws_key_arn = None;
        assert!(
            renewal(&registered, &options, NOW)
                .unwrap_err()
                .contains("names no AWS key")
        );
    }
}
