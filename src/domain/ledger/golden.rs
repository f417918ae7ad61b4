//! The ledger's golden stored JSON: entries of every shape as the code before
//! issue 27 wrote them (`golden.jsonl`; later kinds added after them, as first
//! written), written and read back byte for byte.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use time::macros::{date, datetime};

use super::{
    CommandOptions, Discrepancy, EventKind, ExportRecord, LedgerEntry, LedgerEvent, Proof,
};
use crate::domain::account::UserId;
use crate::domain::aws::arn::AwsKeyArn;
use crate::domain::aws::import_command::{Expiration, ImportType};
use crate::domain::aws::key_spec::AwsKeySpec;
use crate::domain::stored::golden::{ARN, MRK, golden_lines, map, user};
use crate::domain::wrapping::WrappingAlgorithm;

/// `golden.jsonl`'s values (comments left out).
fn golden() -> Vec<&'static str> {
    golden_lines(include_str!("golden.jsonl"))
}

fn ev(kind: EventKind, by: Option<UserId>, preserved: Value) -> LedgerEvent {
    LedgerEvent {
        at: datetime!(2026-12-01 08:00:00.75 +02:00),
        kind,
        by,
        preserved: map(preserved),
    }
}

/// Every shape an entry takes: each event kind, users or none, times off
/// UTC and with fractions, members a newer writer added, each key spec family.
fn entries() -> Vec<LedgerEntry> {
    let full = LedgerEntry {
        id: "20261128T120000123Z_a1b2c3d4e5f6".into(),
        aws_key_arn: Some(AwsKeyArn::parse(ARN).unwrap()),
        key_spec: AwsKeySpec::SymmetricDefault,
        recorded_at: datetime!(2026-11-28 13:00:00.123 +01:00),
        recorded_by: user("alice@example.com"),
        export: Some(ExportRecord {
            kek_id: "kek-1".into(),
            kek_sha256: "ab".repeat(32),
            wrapping_algorithm: WrappingAlgorithm::RsaAesKeyWrapSha256,
            material_sha256: "cd".repeat(32),
        }),
        command: Some(CommandOptions {
            expiration: Expiration::ExpiresOn(date!(2027 - 01 - 31)),
            import_type: Some(ImportType::ExistingKeyMaterial),
            description: Some("first \"import\" é".into()),
        }),
        key_material_id: Some("1f".repeat(32)),
        events: vec![
            ev(
                EventKind::ImportConfirmed {
                    key_material_id: None,
                },
                None,
                json!({}),
            ),
            ev(
                EventKind::ImportConfirmed {
                    key_material_id: Some("ee".repeat(32)),
                },
                user("bob@example.com"),
                json!({"z_later": [1, 2.5, null], "a_first": {"b": 1, "a": true}}),
            ),
            ev(
                EventKind::DescribeConfirmed {
                    key_state: "Enabled".into(),
                    current_key_material_id: Some("1f".repeat(32)),
                    expiration_model: Some("KEY_MATERIAL_EXPIRES".into()),
                    valid_to: Some(datetime!(2027-01-31 00:00:00.9 -05:00)),
                },
                None,
                json!({}),
            ),
            ev(
                EventKind::DescribeConfirmed {
                    key_state: "PendingImport".into(),
                    current_key_material_id: None,
                    expiration_model: None,
                    valid_to: None,
                },
                user("carol@example.com"),
                json!({}),
            ),
            ev(EventKind::Registered, None, json!({"via": "cli"})),
            ev(
                EventKind::SameMaterial { proof: Proof::Mac },
                user("bob@example.com"),
                json!({}),
            ),
            ev(
                EventKind::SameMaterial {
                    proof: Proof::PublicKey,
                },
                None,
                json!({}),
            ),
            ev(
                EventKind::DifferentMaterial {
                    proof: Proof::AesImport,
                    reason: "differ \\ \n".into(),
                },
                None,
                json!({}),
            ),
            ev(
                EventKind::Mismatch {
                    source: "describe-key".into(),
                    discrepancies: vec![
                        Discrepancy {
                            problem: "p1".into(),
                            fix: "f1".into(),
                        },
                        Discrepancy {
                            problem: "p2".into(),
                            fix: String::new(),
                        },
                    ],
                },
                None,
                json!({}),
            ),
            ev(
                EventKind::Rotated {
                    new_key_material_id: "bb".repeat(32),
                    new_kms_key_id: "k2".into(),
                },
                None,
                json!({}),
            ),
            ev(
                EventKind::Superseded { by_arn: MRK.into() },
                None,
                json!({}),
            ),
            ev(
                EventKind::Unrecognised(
                    json!({"kind": "moved_later", "at": "2026-12-01T00:00:00Z", "to": "x", "b": [1]}),
                ),
                None,
                json!({}),
            ),
            ev(EventKind::Registered, None, json!({})),
        ],
        preserved: map(json!({"replica_regions": ["us-east-1"], "aaa": null, "zzz": {"n": 1}})),
    };
    let mut registered = full.clone();
    registered.id = "20261128T120000123Z_000000000000".into();
    registered.aws_key_arn = None;
    registered.export = None;
    registered.command = None;
    registered.key_material_id = None;
    registered.recorded_by = None;
    registered.events = vec![ev(EventKind::Registered, None, json!({}))];
    registered.preserved = BTreeMap::new();
    let mut rsa = full.clone();
    rsa.id = "x".into();
    rsa.key_spec = AwsKeySpec::parse("RSA_3072").unwrap();
    rsa.export.as_mut().unwrap().kek_sha256 = String::new();
    rsa.export.as_mut().unwrap().wrapping_algorithm = WrappingAlgorithm::RsaesOaepSha1;
    rsa.command = Some(CommandOptions {
        expiration: Expiration::DoesNotExpire,
        import_type: None,
        description: None,
    });
    rsa.events.clear();
    let mut ecc = rsa.clone();
    ecc.id = "ecc".into();
    ecc.key_spec = AwsKeySpec::parse("ECC_NIST_P384").unwrap();
    ecc.command.as_mut().unwrap().import_type = Some(ImportType::NewKeyMaterial);
    let mut hmac = ecc.clone();
    hmac.id = "hmac".into();
    hmac.key_spec = AwsKeySpec::parse("HMAC_512").unwrap();
    hmac.events = vec![ev(EventKind::Registered, user("dave"), json!({}))];
    let mut used = rsa.clone();
    used.id = "used".into();
    used.events = vec![
        ev(
            EventKind::LastUsed {
                operation: Some("Decrypt".into()),
                used_at: Some(datetime!(2026-11-02 10:00:12.345 UTC)),
                cloudtrail_event_id: Some("0a1b2c3d-aaaa-bbbb-cccc-0123456789ab".into()),
                kms_request_id: Some("11112222-3333-4444-5555-666677778888".into()),
                tracking_since: Some(datetime!(2026-04-01 0:00 UTC)),
                key_created: None,
            },
            user("erin"),
            json!({}),
        ),
        ev(
            EventKind::LastUsed {
                operation: None,
                used_at: None,
                cloudtrail_event_id: None,
                kms_request_id: None,
                tracking_since: Some(datetime!(2025-04-01 0:00 UTC)),
                key_created: Some(datetime!(2025-01-15 9:30 UTC)),
            },
            None,
            json!({}),
        ),
    ];
    vec![full, registered, rsa, ecc, hmac, used]
}

#[test]
fn entries_are_written_as_before_and_read_back_byte_for_byte() {
    let golden = golden();
    let entries = entries();
    for (entry, stored) in entries.iter().zip(&golden) {
        assert_eq!(&entry.to_attribute_value(), stored, "{}", entry.id);
        let read = LedgerEntry::from_attribute(&entry.attribute_name(), stored).unwrap();
        assert_eq!(&read.to_attribute_value(), stored, "{}", entry.id);
        assert_eq!(read.events.len(), entry.events.len());
    }
    let [lenient, written] = golden[entries.len()..] else {
        panic!("golden.jsonl: one lenient entry and how it is written back");
    };
    let read = LedgerEntry::from_attribute(&entries[0].attribute_name(), lenient).unwrap();
    assert_eq!(read.to_attribute_value(), written);
}
