//! The runbook as stored: one KMIP vendor attribute on the source key, its
//! name and its JSON (the serde derive of [`Runbook`], `format` first).
//!
//! One vendor attribute on the KMS key AWS holds now (the *source* key, the one
//! the ledger entry is on): name `byok_aws_runbook_<id>` ([`attribute_name`]),
//! value the compact JSON of [`Runbook::to_attribute_value`], format
//! `byok-aws-runbook/1`. Any KMIP client can read it; every paste the page
//! accepts is written back before the next step is offered, so another
//! operator (or browser) continues where the last one stopped.
//!
//! The JSON is `{"format":"byok-aws-runbook/1"}` followed by [`Runbook`]'s
//! members in their order, each typed one through
//! [`crate::domain::stored::text`] (AWS's key spec name, the ARN, RFC 3339
//! UTC times, the user id), Regions as [`RegionProgress`](super::RegionProgress)'s
//! members, unknown members of the runbook and of each Region kept after
//! their own. Only `valid_to` is written by hand: the [`Expiration`] is a
//! date (`2027-01-31`, not a time as in the ledger) or `null`.

use serde::{Deserialize, Deserializer, Serializer};
use time::OffsetDateTime;

use super::Runbook;
use crate::domain::account::UserId;
use crate::domain::aws::arn::AwsKeyArn;
use crate::domain::aws::import_command::{Expiration, parse_date};
use crate::domain::aws::key_spec::AwsKeySpec;
use crate::domain::stored::{members, read_document, read_members, text, write_document};

/// The `format` member of every runbook this version writes.
pub const FORMAT: &str = "byok-aws-runbook/1";
/// What every runbook attribute name starts with; the runbook id follows.
pub const ATTRIBUTE_PREFIX: &str = "byok_aws_runbook_";

/// `byok_aws_runbook_<id>`.
pub fn attribute_name(id: &str) -> String {
    format!("{ATTRIBUTE_PREFIX}{id}")
}

/// Whether a vendor attribute name is a runbook's.
pub fn is_runbook_attribute(name: &str) -> bool {
    name.strip_prefix(ATTRIBUTE_PREFIX).is_some_and(|id| {
        !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    })
}

impl Runbook {
    /// The vendor attribute name this runbook is stored under.
    pub fn attribute_name(&self) -> String {
        attribute_name(&self.id)
    }

    /// The compact JSON stored as the attribute's value.
    pub fn to_attribute_value(&self) -> String {
        write_document(FORMAT, self)
    }

    /// Reads a runbook attribute back; never panics.
    pub fn from_attribute(name: &str, value: &str) -> Result<Self, String> {
        let id = name
            .strip_prefix(ATTRIBUTE_PREFIX)
            .filter(|_| is_runbook_attribute(name))
            .ok_or_else(|| format!("{name} is not a runbook attribute."))?;
        let bad =
            |why: String| format!("The runbook {id} cannot be read ({why}); it is left untouched.");
        let members = read_document(value, FORMAT).map_err(|refusal| bad(refusal.words(FORMAT)))?;
        let runbook: Self = read_members(members).map_err(&bad)?;
        if runbook.id != id {
            return Err(bad(format!(
                "its id {} is not the one in its name",
                runbook.id
            )));
        }
        if let Some((step, _)) = runbook
            .done_by
            .iter()
            .find(|(_, record)| !record.is_object())
        {
            return Err(bad(format!("done_by.{step} is not an object")));
        }
        if runbook.regions.is_empty() {
            return Err(bad("no Regions".to_owned()));
        }
        Ok(runbook)
    }
}

members! {
    key_spec: AwsKeySpec => text;
    key_arn: AwsKeyArn => text;
    new_key_arn: Option<AwsKeyArn> => text::option;
    valid_to: Expiration => date_or_never;
    started_at: OffsetDateTime => text;
    started_by: Option<UserId> => text::option;
    parameters_valid_to: Option<OffsetDateTime> => text::option;
}

/// `valid_to` absent: the material does not expire.
pub(super) fn never() -> Expiration {
    Expiration::DoesNotExpire
}

/// An [`Expiration`] as the runbook keeps it: the date, `null` for none.
mod date_or_never {
    use super::*;

    pub fn serialize<S: Serializer>(expiration: &Expiration, s: S) -> Result<S::Ok, S::Error> {
        match expiration {
            Expiration::ExpiresOn(date) => s.serialize_str(&date.to_string()),
            Expiration::DoesNotExpire => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Expiration, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(Expiration::DoesNotExpire),
            Some(text) => parse_date(&text).map(Expiration::ExpiresOn).ok_or_else(|| {
                serde::de::Error::custom(format!("\"{text}\" is not a date (YYYY-MM-DD)"))
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::super::{MATERIAL_FILE, file_name};
    use super::*;

    #[test]
    fn unreadable_runbooks_are_refused_not_panicked_on() {
        assert!(Runbook::from_attribute("byok_aws_runbook_r1", "{").is_err());
        assert!(Runbook::from_attribute("byok_aws_copy_r1", "{}").is_err());
        let runbook = rotation("");
        let value = runbook
            .to_attribute_value()
            .replace("byok-aws-runbook/1", "byok-aws-runbook/9");
        assert!(
            Runbook::from_attribute(&runbook.attribute_name(), &value)
                .unwrap_err()
                .contains("format")
        );
        let with_extra = runbook
            .to_attribute_value()
            .replacen('{', r#"{"later":1,"#, 1);
        let read = Runbook::from_attribute(&runbook.attribute_name(), &with_extra).unwrap();
        assert!(read.to_attribute_value().contains(r#""later":1"#));
        assert!(is_runbook_attribute("byok_aws_runbook_a1"));
        assert!(!is_runbook_attribute("byok_aws_runbook_"));
        assert_eq!(
            file_name(MATERIAL_FILE, "eu-west-1"),
            "EncryptedKeyMaterial-eu-west-1.bin"
        );
    }

    /// A single-Region rotation as the versions before users were recorded
    /// wrote it once rotated.
    const OLDER_RUNBOOK: &str = concat!(
        r#"{"format":"byok-aws-runbook/1","id":"r1","kind":"rotation","key_spec":"SYMMETRIC_DEFAULT","#,
        r#""source_key_id":"k1","source_entry_id":"e1","new_key_id":"k2","#,
        r#""key_arn":"arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab","#,
        r#""new_key_arn":null,"alias":"alias/payments","description":"generation 2","valid_to":null,"#,
        r#""rotations_before":0,"regions":[{"region":"us-west-2","kek_id":"kek-us-west-2","#,
        r#""import_token":"AQID","parameters_valid_to":"2026-11-30T11:00:00Z","entry_id":"entry-us-west-2","#,
        r#""key_material_id":"0b7fd7ddbac6eef27907413567cad8c810e2883dc8a7534067a82ee1142fc1e6"}],"#,
        r#""rotated":true,"finished":false,"started_at":"2026-11-29T12:00:00Z"}"#
    );

    /// [`OLDER_RUNBOOK`]'s steps, each done by whom the test says.
    fn rotated_by(alice: &UserId, bob: &UserId, carol: &UserId) -> Runbook {
        let mut runbook =
            start(&input(RunbookKind::Rotation, SINGLE, ""), "r1".into(), NOW).unwrap();
        runbook.started_by = Some(alice.clone());
        runbook.new_material("k2", alice);
        let p = parameters(SINGLE, "2026-11-30T11:00:00Z");
        runbook
            .parameters_imported("us-west-2", "kek-us-west-2", &p, bob)
            .unwrap();
        runbook
            .exported("us-west-2", "entry-us-west-2", bob)
            .unwrap();
        runbook
            .accept_import("us-west-2", &import_output(SINGLE, NEW_ID), carol)
            .unwrap();
        let described = parse_describe_key(&format!(
            r#"{{"KeyMetadata":{{"Arn":"{SINGLE}","KeyId":"1234abcd-12ab-34cd-56ef-1234567890ab","KeyState":"Enabled","CurrentKeyMaterialId":"{NEW_ID}"}}}}"#
        ))
        .unwrap();
        runbook.accept_check(&described, NOW, alice).unwrap();
        runbook
    }

    #[test]
    fn runbooks_written_before_users_were_recorded_read_back_byte_for_byte() {
        let read = Runbook::from_attribute("byok_aws_runbook_r1", OLDER_RUNBOOK).unwrap();
        assert_eq!(read.to_attribute_value(), OLDER_RUNBOOK);
        assert_eq!(read.started_by, None);
        assert!(read.done_by.is_empty());
        for step in read.steps(NOW) {
            assert_eq!(step.status, StepStatus::Done, "{step:?}");
            assert_eq!(
                read.step_actor(&step.id),
                StepActor::NotRecorded,
                "{step:?}"
            );
        }
        assert_eq!(
            StepActor::NotRecorded.words(),
            "user not recorded (older runbook)"
        );
        // The same steps done by this version differ only by who did them.
        let mut now_recorded = rotated_by(&user("a@x"), &user("b@x"), &user("c@x"));
        now_recorded.started_by = None;
        now_recorded.done_by.clear();
        assert_eq!(now_recorded, read);
        // Members a newer writer added, at the top and in a Region, are kept.
        let newer = OLDER_RUNBOOK
            .replace(
                r#""key_material_id":"0b7f"#,
                r#""kms_region":"x","key_material_id":"0b7f"#,
            )
            .replace(r#"12:00:00Z"}"#, r#"12:00:00Z","later":1}"#);
        let read = Runbook::from_attribute("byok_aws_runbook_r1", &newer).unwrap();
        assert_eq!(read.regions[0].preserved["kms_region"], "x");
        let written = read.to_attribute_value();
        assert!(written.contains(r#""kms_region":"x""#), "{written}");
        assert!(written.ends_with(r#","later":1}"#), "{written}");
    }

    #[test]
    fn who_did_each_step_is_stored_and_pinned() {
        let (alice, bob, carol) = (
            user("alice@example.com"),
            user("bob@example.com"),
            user("carol@example.com"),
        );
        let runbook = rotated_by(&alice, &bob, &carol);
        let expected = OLDER_RUNBOOK.replace(
            r#""started_at":"2026-11-29T12:00:00Z"}"#,
            concat!(
                r#""started_at":"2026-11-29T12:00:00Z","started_by":"alice@example.com","#,
                r#""done_by":{"check":{"by":"alice@example.com"},"#,
                r#""export/us-west-2":{"by":"bob@example.com","entry_id":"entry-us-west-2"},"#,
                r#""import/us-west-2":{"by":"carol@example.com","#,
                r#""key_material_id":"0b7fd7ddbac6eef27907413567cad8c810e2883dc8a7534067a82ee1142fc1e6"},"#,
                r#""new_material":{"by":"alice@example.com","new_key_id":"k2"},"#,
                r#""parameters/us-west-2":{"by":"bob@example.com","kek_id":"kek-us-west-2"}}}"#
            ),
        );
        let value = runbook.to_attribute_value();
        assert_eq!(value, expected);
        let read = Runbook::from_attribute(&runbook.attribute_name(), &value).unwrap();
        assert_eq!(read, runbook);
        assert_eq!(read.to_attribute_value(), expected);
        let actor = |id: StepId| read.step_actor(&id);
        assert_eq!(actor(StepId::NewMaterial), StepActor::By(alice.clone()));
        assert_eq!(
            actor(StepId::Parameters("us-west-2".into())),
            StepActor::By(bob.clone())
        );
        assert_eq!(
            actor(StepId::Export("us-west-2".into())),
            StepActor::By(bob.clone())
        );
        assert_eq!(
            actor(StepId::Import("us-west-2".into())),
            StepActor::By(carol.clone())
        );
        assert_eq!(actor(StepId::Rotate), StepActor::By(alice.clone()));
        assert_eq!(actor(StepId::Check), StepActor::By(alice.clone()));
        assert_eq!(StepActor::By(carol).words(), "by carol@example.com");
    }

    #[test]
    fn bad_users_in_a_runbook_are_refused_not_guessed() {
        let runbook = rotated_by(&user("a@x"), &user("b@x"), &user("c@x"));
        let value = runbook.to_attribute_value();
        let read = |value: &str| Runbook::from_attribute(&runbook.attribute_name(), value);
        let empty = value.replace(r#""started_by":"a@x""#, r#""started_by":"""#);
        assert!(
            read(&empty)
                .unwrap_err()
                .contains("started_by \"\" is not a user id")
        );
        let not_object = value.replace(r#""check":{"by":"a@x"}"#, r#""check":"a@x""#);
        assert!(
            read(&not_object)
                .unwrap_err()
                .contains("done_by.check is not an object")
        );
        // A record without a usable user names nobody.
        let nobody = value.replace(r#""check":{"by":"a@x"}"#, r#""check":{"by":""}"#);
        assert_eq!(
            read(&nobody).unwrap().step_actor(&StepId::Check),
            StepActor::NotRecorded
        );
    }
}
