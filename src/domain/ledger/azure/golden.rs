//! The Azure copies' golden stored JSON: copies of every shape as this first version
//! writes them (`golden.jsonl`), written and read back byte for byte by every later one.

use std::collections::BTreeMap;

use serde_json::json;
use time::macros::datetime;

use super::{AzureCommand, AzureCopy, AzureEvent, AzureEventKind, AzureExport};
use crate::domain::azure::command::KeyOperation;
use crate::domain::azure::kid::{AzureKeyId, KeyName};
use crate::domain::azure::rules::AzureKeyType;
use crate::domain::key_material::EcCurve;
use crate::domain::stored::golden::{golden_lines, map, user};

const KEK: &str =
    "https://contosokeyvaulthsm.vault.azure.net/keys/KEKforBYOK/eba63d27e4e34e028839b53fac905621";
const KID: &str = "https://contosokeyvaulthsm.vault.azure.net/keys/ContosoFirstHSMkey/8fd7a3e7dbb84ccf9d6c3a0a1b2c3d4e";
const HSM_KEK: &str =
    "https://contosohsm.managedhsm.azure.net/keys/kek/0123456789abcdef0123456789abcdef";

fn golden() -> Vec<&'static str> {
    golden_lines(include_str!("golden.jsonl"))
}

/// Every shape a copy takes: each key type, a Managed HSM, users or none, times off UTC
/// and with fractions, a command or none, members a newer writer added at every level.
fn copies() -> Vec<AzureCopy> {
    let kid = |text: &str| AzureKeyId::parse_versioned(text).unwrap();
    let full = AzureCopy {
        id: "20261201T093000123Z_a1b2c3d4e5f6".into(),
        key_type: AzureKeyType::RsaHsm { bits: 3072 },
        vault: "https://contosokeyvaulthsm.vault.azure.net".into(),
        key_name: Some(KeyName::parse("ContosoFirstHSMkey").unwrap()),
        key_kid: Some(kid(KID)),
        recorded_at: datetime!(2026-12-01 10:30:00.123 +01:00),
        recorded_by: user("alice@example.com"),
        export: Some(AzureExport {
            kek_id: "kek-1".into(),
            kek_kid: kid(KEK),
            kek_sha256: Some("ab".repeat(32)),
            byok_sha256: "cd".repeat(32),
            preserved: map(json!({"generator": "Cosmian_KMS;v5"})),
        }),
        command: Some(AzureCommand {
            key_name: KeyName::parse("ContosoFirstHSMkey").unwrap(),
            ops: vec![KeyOperation::Sign, KeyOperation::Verify],
            expires: Some(datetime!(2027-06-30 12:00 UTC)),
            preserved: map(json!({"tags": {"env": "prod é"}})),
        }),
        events: vec![
            AzureEvent {
                at: datetime!(2026-12-01 11:00:00.9 +01:00),
                kind: AzureEventKind::Confirmed {
                    kid: kid(KID),
                    enabled: Some(true),
                    expires: Some(datetime!(2027-06-30 14:00 +02:00)),
                },
                by: user("bob@example.com"),
                preserved: map(json!({"z_later": [1, null], "a_first": {"b": 1, "a": true}})),
            },
            AzureEvent {
                at: datetime!(2026-12-02 08:00 UTC),
                kind: AzureEventKind::Confirmed {
                    kid: kid(KID),
                    enabled: None,
                    expires: None,
                },
                by: None,
                preserved: BTreeMap::new(),
            },
            AzureEvent {
                at: datetime!(2026-12-03 00:00 UTC),
                kind: AzureEventKind::Unrecognised(
                    json!({"kind": "released_later", "at": "2026-12-03T00:00:00Z", "by": "carol", "to": ["x"]}),
                ),
                by: None,
                preserved: BTreeMap::new(),
            },
        ],
        preserved: map(json!({"sameness": {"proof": "jwk"}, "aaa": null})),
    };
    let fresh = AzureCopy {
        id: "20261201T093000123Z_000000000000".into(),
        key_type: AzureKeyType::EcHsm {
            curve: EcCurve::Secp256k1,
        },
        key_name: None,
        key_kid: None,
        recorded_by: None,
        export: Some(AzureExport {
            kek_id: "kek \"2\"".into(),
            kek_kid: kid(KEK),
            kek_sha256: None,
            byok_sha256: "01".repeat(32),
            preserved: BTreeMap::new(),
        }),
        command: None,
        events: Vec::new(),
        preserved: BTreeMap::new(),
        ..full.clone()
    };
    let hsm = AzureCopy {
        id: "hsm".into(),
        key_type: AzureKeyType::OctHsm { bits: 256 },
        vault: "https://contosohsm.managedhsm.azure.net".into(),
        key_name: Some(KeyName::parse("aes-1").unwrap()),
        key_kid: None,
        export: Some(AzureExport {
            kek_kid: kid(HSM_KEK),
            ..fresh.export.clone().unwrap()
        }),
        command: Some(AzureCommand {
            key_name: KeyName::parse("aes-1").unwrap(),
            ops: Vec::new(),
            expires: None,
            preserved: BTreeMap::new(),
        }),
        ..fresh.clone()
    };
    let registered = AzureCopy {
        id: "registered".into(),
        key_type: AzureKeyType::EcHsm {
            curve: EcCurve::P521,
        },
        export: None,
        ..fresh.clone()
    };
    // Added with the sameness proof: both verdicts, one with a member a newer writer added.
    let proven = AzureCopy {
        id: "proven".into(),
        events: vec![
            AzureEvent {
                at: datetime!(2026-12-07 17:00 UTC),
                kind: AzureEventKind::SameMaterial { kid: kid(KID) },
                by: user("dave@example.com"),
                preserved: BTreeMap::new(),
            },
            AzureEvent {
                at: datetime!(2026-12-07 17:05:00.4 UTC),
                kind: AzureEventKind::DifferentMaterial {
                    kid: kid(KID),
                    reason: "Azure's public key does not verify the KMS key's signature: Azure holds another key pair.".into(),
                },
                by: None,
                preserved: map(json!({"challenge_bytes": 32})),
            },
        ],
        preserved: BTreeMap::new(),
        ..full.clone()
    };
    vec![full, fresh, hsm, registered, proven]
}

#[test]
fn azure_copies_are_written_as_stored_and_read_back_byte_for_byte() {
    let golden = golden();
    let copies = copies();
    assert_eq!(
        golden.len(),
        copies.len(),
        "golden.jsonl: one line per copy"
    );
    for (copy, stored) in copies.iter().zip(&golden) {
        assert_eq!(&copy.to_attribute_value(), stored, "{}", copy.id);
        let read = AzureCopy::from_attribute(&copy.attribute_name(), stored).unwrap();
        assert_eq!(&read.to_attribute_value(), stored, "{}", copy.id);
        assert_eq!(read.events.len(), copy.events.len());
    }
}

#[test]
fn what_is_not_an_azure_copy_is_refused_with_the_reason_and_left_untouched() {
    let stored = golden()[0];
    let name = copies()[0].attribute_name();
    let refused = |name: &str, value: &str| AzureCopy::from_attribute(name, value).unwrap_err();
    let aws_name = crate::domain::ledger::attribute_name("x");
    assert!(refused(&aws_name, stored).contains("not an Azure copy"));
    let other = super::azure_attribute_name("other");
    assert!(refused(&other, stored).contains("is not the one in its name"));
    let newer = stored.replace(
        super::AZURE_FORMAT,
        &super::AZURE_FORMAT.replace("/1", "/2"),
    );
    assert!(refused(&name, &newer).contains("written by a newer version"));
    let bad_type = stored.replace("RSA-HSM 3072", "RSA-HSM 1000x");
    let why = refused(&name, &bad_type);
    assert!(
        why.contains("key_type \"RSA-HSM 1000x\" is not an Azure key type"),
        "{why}"
    );
    assert!(why.contains("left untouched"), "{why}");
    let upper = stored.replace(
        "8fd7a3e7dbb84ccf9d6c3a0a1b2c3d4e",
        "8FD7A3E7DBB84CCF9D6C3A0A1B2C3D4E",
    );
    assert!(refused(&name, &upper).contains("as this app writes it"));
}
