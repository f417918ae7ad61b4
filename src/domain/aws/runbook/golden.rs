//! The runbook's golden stored JSON: runbooks of every plan as the code before
//! issue 27 wrote them (`golden.jsonl`), written and read back byte for byte.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use time::macros::{date, datetime};

use super::{RegionProgress, Runbook, RunbookKind};
use crate::domain::aws::arn::AwsKeyArn;
use crate::domain::aws::import_command::Expiration;
use crate::domain::aws::key_spec::AwsKeySpec;
use crate::domain::stored::golden::{ARN, MRK, golden_lines, map, user};

/// `golden.jsonl`'s values (comments left out).
fn golden() -> Vec<&'static str> {
    golden_lines(include_str!("golden.jsonl"))
}

fn region(name: &str, preserved: Value) -> RegionProgress {
    RegionProgress {
        region: name.into(),
        kek_id: Some(format!("kek-{name}")),
        import_token: Some("AQID".into()),
        parameters_valid_to: Some(datetime!(2026-11-30 11:00:00.5 +01:00)),
        entry_id: None,
        key_material_id: Some("0b".repeat(32)),
        preserved: map(preserved),
    }
}

/// Each plan, with and without users, members a newer writer added, times
/// off UTC and with fractions.
fn runbooks() -> Vec<Runbook> {
    let rotation = Runbook {
        id: "r1".into(),
        kind: RunbookKind::Rotation,
        key_spec: AwsKeySpec::SymmetricDefault,
        source_key_id: "k1".into(),
        source_entry_id: Some("e1".into()),
        new_key_id: Some("k2".into()),
        key_arn: AwsKeyArn::parse(MRK).unwrap(),
        new_key_arn: None,
        alias: Some("alias/payments".into()),
        description: Some("generation 2".into()),
        expiration: Expiration::ExpiresOn(date!(2027 - 02 - 28)),
        rotations_before: 3,
        regions: vec![
            region("us-west-2", json!({"kms_region": "x"})),
            RegionProgress {
                region: "eu-west-1".into(),
                kek_id: None,
                import_token: None,
                parameters_valid_to: None,
                entry_id: None,
                key_material_id: None,
                preserved: BTreeMap::new(),
            },
        ],
        rotated: false,
        finished: false,
        started_at: datetime!(2026-11-29 12:00:00.999 UTC),
        started_by: user("alice@example.com"),
        done_by: map(
            json!({"new_material": {"by": "alice@example.com", "new_key_id": "k2"}, "check": {"by": ""}}),
        ),
        preserved: map(json!({"later": 1, "b": [true]})),
    };
    let mut new_key = rotation.clone();
    new_key.id = "r2".into();
    new_key.kind = RunbookKind::NewKey;
    new_key.key_spec = AwsKeySpec::parse("HMAC_256").unwrap();
    new_key.new_key_arn = Some(AwsKeyArn::parse(ARN).unwrap());
    new_key.alias = None;
    new_key.description = None;
    new_key.expiration = Expiration::DoesNotExpire;
    new_key.started_by = None;
    new_key.done_by = BTreeMap::new();
    new_key.preserved = BTreeMap::new();
    new_key.finished = true;
    let mut replicas = rotation.clone();
    replicas.id = "r3".into();
    replicas.kind = RunbookKind::Replicas;
    replicas.rotated = true;
    vec![rotation, new_key, replicas]
}

#[test]
fn runbooks_are_written_as_before_and_read_back_byte_for_byte() {
    let golden = golden();
    let runbooks = runbooks();
    for (runbook, stored) in runbooks.iter().zip(&golden) {
        assert_eq!(&runbook.to_attribute_value(), stored, "{}", runbook.id);
        let read = Runbook::from_attribute(&runbook.attribute_name(), stored).unwrap();
        assert_eq!(&read.to_attribute_value(), stored, "{}", runbook.id);
    }
    let [sparse, written] = golden[runbooks.len()..] else {
        panic!("golden.jsonl: one runbook without its optional members and how it is written back");
    };
    let read = Runbook::from_attribute(&runbooks[0].attribute_name(), sparse).unwrap();
    assert_eq!(read.to_attribute_value(), written);
}
