//! The Google Cloud copies' golden stored JSON: copies of every shape as this first
//! version writes them (`golden.jsonl`), written and read back byte for byte by every
//! later one.

use std::collections::BTreeMap;

use serde_json::json;
use time::macros::datetime;

use super::{GoogleCommand, GoogleCopy, GoogleEvent, GoogleEventKind, GoogleExport};
use crate::domain::google::algorithm::{AesMode, GoogleAlgorithm, MacHash, RsaDigest};
use crate::domain::google::names::KeyRingName;
use crate::domain::google::outputs::VersionState;
use crate::domain::google::protection_level::ProtectionLevel;
use crate::domain::key_material::EcCurve;
use crate::domain::stored::golden::{golden_lines, map, user};

fn golden() -> Vec<&'static str> {
    golden_lines(include_str!("golden.jsonl"))
}

fn ring() -> KeyRingName {
    KeyRingName::new("byok-demo-471203", "europe-west1", "byok-ring").unwrap()
}

/// Every shape a copy takes: algorithm families, each protection level or none, a job
/// in another key ring, users or none, times off UTC and with fractions, a command or
/// none, unknown states and event kinds, members a newer writer added at every level.
fn copies() -> Vec<GoogleCopy> {
    let key = ring().crypto_key("payments-key").unwrap();
    let version = |n: u64| key.version(n).unwrap();
    let job = ring().import_job("cosmian-job-1").unwrap();
    let full = GoogleCopy {
        id: "20261201T093000123Z_a1b2c3d4e5f6".into(),
        algorithm: GoogleAlgorithm::RsaSignPss {
            bits: 3072,
            digest: RsaDigest::Sha256,
        },
        protection_level: Some(ProtectionLevel::Hsm),
        import_job: job.clone(),
        key: Some(key.clone()),
        version: Some(version(1)),
        recorded_at: datetime!(2026-12-01 10:30:00.123 +01:00),
        recorded_by: user("alice@example.com"),
        export: Some(GoogleExport {
            kek_id: "job-kek-1".into(),
            import_job: job.clone(),
            kek_sha256: Some("ab".repeat(32)),
            wrapped_sha256: "cd".repeat(32),
            preserved: map(json!({"generator": "Cosmian_KMS;v5"})),
        }),
        command: Some(GoogleCommand {
            key: key.clone(),
            wrapped_key_file: "payments key é.bin".into(),
            target_version: None,
            preserved: map(json!({"labels": {"env": "prod"}})),
        }),
        events: vec![
            GoogleEvent {
                at: datetime!(2026-12-01 11:00:00.9 +01:00),
                kind: GoogleEventKind::Confirmed {
                    version: version(1),
                    state: VersionState::Enabled,
                    import_time: Some(datetime!(2026-12-01 11:59:58.802114 +02:00)),
                },
                by: user("bob@example.com"),
                preserved: map(json!({"z_later": [1, null], "a_first": {"b": 1, "a": true}})),
            },
            GoogleEvent {
                at: datetime!(2026-12-02 08:00 UTC),
                kind: GoogleEventKind::Confirmed {
                    version: version(1),
                    state: VersionState::Other("ARCHIVED_LATER".into()),
                    import_time: None,
                },
                by: None,
                preserved: BTreeMap::new(),
            },
            GoogleEvent {
                at: datetime!(2026-12-03 00:00 UTC),
                kind: GoogleEventKind::Unrecognised(
                    json!({"kind": "rotated_later", "at": "2026-12-03T00:00:00Z", "by": "carol", "to": ["x"]}),
                ),
                by: None,
                preserved: BTreeMap::new(),
            },
        ],
        preserved: map(json!({"sameness": {"proof": "public_key"}, "aaa": null})),
    };
    let fresh = GoogleCopy {
        id: "20261201T093000123Z_000000000000".into(),
        algorithm: GoogleAlgorithm::EcSign(EcCurve::Secp256k1),
        protection_level: None,
        key: None,
        version: None,
        recorded_by: None,
        export: Some(GoogleExport {
            kek_id: "kek \"2\"".into(),
            import_job: job.clone(),
            kek_sha256: None,
            wrapped_sha256: "01".repeat(32),
            preserved: BTreeMap::new(),
        }),
        command: None,
        events: Vec::new(),
        preserved: BTreeMap::new(),
        ..full.clone()
    };
    let other_ring = KeyRingName::new("other-project-1", "us", "ring-2").unwrap();
    let other_job = other_ring.import_job("job-2").unwrap();
    let single_tenant = GoogleCopy {
        id: "single".into(),
        algorithm: GoogleAlgorithm::RawAes {
            bits: 256,
            mode: AesMode::Gcm,
        },
        protection_level: Some(ProtectionLevel::HsmSingleTenant),
        import_job: other_job.clone(),
        key: Some(key.clone()),
        export: Some(GoogleExport {
            import_job: other_job,
            ..fresh.export.clone().unwrap()
        }),
        command: Some(GoogleCommand {
            key: key.clone(),
            wrapped_key_file: "aes.wrapped".into(),
            target_version: Some(12),
            preserved: BTreeMap::new(),
        }),
        ..fresh.clone()
    };
    let registered = GoogleCopy {
        id: "registered".into(),
        algorithm: GoogleAlgorithm::Hmac(MacHash::Sha1),
        protection_level: Some(ProtectionLevel::Software),
        export: None,
        ..fresh.clone()
    };
    vec![full, fresh, single_tenant, registered]
}

#[test]
fn google_copies_are_written_as_stored_and_read_back_byte_for_byte() {
    let golden = golden();
    let copies = copies();
    assert_eq!(
        golden.len(),
        copies.len(),
        "golden.jsonl: one line per copy"
    );
    for (copy, stored) in copies.iter().zip(&golden) {
        assert_eq!(&copy.to_attribute_value(), stored, "{}", copy.id);
        let read = GoogleCopy::from_attribute(&copy.attribute_name(), stored).unwrap();
        assert_eq!(&read.to_attribute_value(), stored, "{}", copy.id);
        assert_eq!(read.events.len(), copy.events.len());
    }
}

#[test]
fn what_is_not_a_google_copy_is_refused_with_the_reason_and_left_untouched() {
    let stored = golden()[0];
    let name = copies()[0].attribute_name();
    let refused = |name: &str, value: &str| GoogleCopy::from_attribute(name, value).unwrap_err();
    let azure_name = crate::domain::ledger::azure::azure_attribute_name("x");
    assert!(refused(&azure_name, stored).contains("not a Google Cloud copy"));
    let other = super::google_attribute_name("other");
    assert!(refused(&other, stored).contains("is not the one in its name"));
    let newer = stored.replace(
        super::GOOGLE_FORMAT,
        &super::GOOGLE_FORMAT.replace("/1", "/2"),
    );
    assert!(refused(&name, &newer).contains("written by a newer version"));
    let gcloud = stored.replace("RSA_SIGN_PSS_3072_SHA256", "rsa-sign-pss-3072-sha256");
    let why = refused(&name, &gcloud);
    assert!(
        why.contains("algorithm \"rsa-sign-pss-3072-sha256\" is not a Cloud KMS algorithm as this app writes it"),
        "{why}"
    );
    assert!(why.contains("left untouched"), "{why}");
    let unknown = stored.replace("RSA_SIGN_PSS_3072_SHA256", "PQ_SIGN_ML_DSA_65");
    assert!(refused(&name, &unknown).contains("not a Cloud KMS algorithm this app imports"));
    let bad_version = stored.replace("cryptoKeyVersions/1\"", "cryptoKeyVersions/01\"");
    assert!(refused(&name, &bad_version).contains("as this app writes it"));
    let level = stored.replace(
        "\"protection_level\":\"HSM\"",
        "\"protection_level\":\"hsm\"",
    );
    assert!(refused(&name, &level).contains("protection_level \"hsm\""));
}
