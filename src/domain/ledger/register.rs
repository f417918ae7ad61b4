//! A copy made outside this app (e.g. with the AWS CLI) registered from describe-key:
//! kept apart from `confirm.rs`, which applies outputs to entries this app recorded.

use time::OffsetDateTime;

use super::confirm::describe_key_discrepancies;
use super::{EventKind, LedgerEntry, whole_seconds};
use crate::domain::account::UserId;
use crate::domain::aws::import_command::Expiration;
use crate::domain::aws::key_spec::AwsKeySpec;
use crate::domain::aws::outputs::DescribeKeyOutput;

/// Whether describe-key's output is of a key a copy can be registered for
/// (imported material of a spec this app exports): its key spec, or why not.
pub fn check_registrable(describe: &DescribeKeyOutput) -> Result<AwsKeySpec, String> {
    if let Some(origin) = describe.origin.as_deref().filter(|o| *o != "EXTERNAL") {
        return Err(format!(
            "This key's Origin is {origin}: AWS made its material, so it is not a copy of a KMS key. Register a key created with --origin EXTERNAL."
        ));
    }
    let spec_name = describe.key_spec.as_deref().unwrap_or_default();
    AwsKeySpec::parse(spec_name).ok_or_else(|| {
        format!("This key's spec \"{spec_name}\" is not one this app exports (SYMMETRIC_DEFAULT, HMAC_*, RSA_*, ECC_*).")
    })
}

/// A copy made outside this app (e.g. with the AWS CLI), registered on a KMS
/// key from describe-key's output. It has no export record; its command
/// options are what AWS reports. `by` is who registers it.
pub fn register_from_describe_key(
    id: String,
    describe: &DescribeKeyOutput,
    now: OffsetDateTime,
    by: &UserId,
) -> Result<LedgerEntry, String> {
    let key_spec = check_registrable(describe)?;
    let expiration = match (describe.expiration_model.as_deref(), describe.valid_to) {
        (Some("KEY_MATERIAL_EXPIRES"), Some(valid_to)) => {
            Some(Expiration::ExpiresOn(valid_to.date()))
        }
        (Some("KEY_MATERIAL_DOES_NOT_EXPIRE"), _) => Some(Expiration::DoesNotExpire),
        _ => None,
    };
    let mut entry = LedgerEntry {
        id,
        aws_key_arn: Some(describe.arn.clone()),
        key_spec,
        recorded_at: whole_seconds(now),
        recorded_by: Some(by.clone()),
        export: None,
        command: expiration.map(|expiration| super::CommandOptions {
            expiration,
            import_type: None,
            description: None,
        }),
        key_material_id: describe.current_key_material_id.clone(),
        events: Vec::new(),
        preserved: Default::default(),
    };
    entry.record_by(EventKind::Registered, now, by);
    entry.record_by(
        EventKind::DescribeConfirmed {
            key_state: describe.key_state.clone(),
            current_key_material_id: describe.current_key_material_id.clone(),
            expiration_model: describe.expiration_model.clone(),
            valid_to: describe.valid_to.map(whole_seconds),
        },
        now,
        by,
    );
    // A key AWS cannot use (PendingImport, Disabled, …) is registered as it
    // is, and shows as a mismatch with what to do.
    let discrepancies = describe_key_discrepancies(&entry, describe);
    if !discrepancies.is_empty() {
        entry.record_by(
            EventKind::Mismatch {
                source: "describe-key".to_owned(),
                discrepancies,
            },
            now,
            by,
        );
    }
    Ok(entry)
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::super::confirm::tests::NOW;
    use super::super::tests::alice;
    use super::super::{LedgerState, new_entry_id};
    use super::*;
    use crate::domain::aws::outputs::parse_describe_key;
    use crate::domain::aws::outputs::tests::fixture;

    #[test]
    fn a_copy_made_elsewhere_is_registered_from_describe_key() {
        let describe = parse_describe_key(&fixture("describe-key-hmac.json")).unwrap();
        let id = new_entry_id(NOW, [1; 6]);
        let e = register_from_describe_key(id.clone(), &describe, NOW, &alice()).unwrap();
        assert_eq!(e.key_spec, AwsKeySpec::parse("HMAC_256").unwrap());
        assert_eq!(e.export, None);
        assert_eq!(e.valid_to(), Some(datetime!(2027-01-31 00:00 UTC)));
        assert_eq!(e.state(NOW), LedgerState::Imported);
        let back =
            LedgerEntry::from_attribute(&e.attribute_name(), &e.to_attribute_value()).unwrap();
        assert_eq!(back, e);
        let pending = parse_describe_key(&fixture("describe-key-hmac.json").replace(
            "\"KeyState\": \"Enabled\"",
            "\"KeyState\": \"PendingImport\"",
        ))
        .unwrap();
        let waiting =
            register_from_describe_key(new_entry_id(NOW, [2; 6]), &pending, NOW, &alice()).unwrap();
        assert!(
            matches!(&waiting.state(NOW), LedgerState::Mismatch(d) if d[0].problem.contains("PendingImport")),
            "{:?}",
            waiting.state(NOW)
        );
        let aws_made = parse_describe_key(&fixture("describe-key-multi-region.json")).unwrap();
        assert!(
            register_from_describe_key(id, &aws_made, NOW, &alice())
                .unwrap_err()
                .contains("Origin is AWS_KMS")
        );
    }
}
