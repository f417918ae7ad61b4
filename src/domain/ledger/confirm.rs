//! What AWS's outputs say about a ledger entry: refusing those about another
//! copy, binding the KeyMaterialId, checking describe-key (list-key-rotations: `reconcile.rs`; outside copies: `register.rs`).

use time::OffsetDateTime;

use super::sameness::mac_algorithm_name;
use super::{Discrepancy, EventKind, LedgerEntry, Proof, midnight_utc, whole_seconds};
use crate::domain::account::UserId;
use crate::domain::aws::import_command::Expiration;
use crate::domain::aws::key_spec::AwsKeySpec;
use crate::domain::aws::outputs::{
    AwsOutput, DescribeKeyOutput, ImportOutput, KeyRef, MacOutput, PublicKeyOutput,
    another_account_words, arn_key_id, check_key,
};
use crate::domain::time_display::utc_minutes;

/// The entry after an AWS output was applied, and what the page should say.
#[derive(Clone, Debug, PartialEq)]
pub struct Confirmation {
    /// The updated entry (events appended, ARN / KeyMaterialId bound): write it back.
    pub entry: LedgerEntry,
    /// Empty when AWS agreed; also recorded in the entry as a mismatch event.
    pub discrepancies: Vec<Discrepancy>,
    /// Things worth saying that are not wrong (e.g. another material is current).
    pub notes: Vec<String>,
}

/// Applies an import-key-material or describe-key output to an entry.
/// Other outputs are refused with where they go instead.
pub fn confirm(
    entry: &LedgerEntry,
    output: &AwsOutput,
    now: OffsetDateTime,
    by: &UserId,
) -> Result<Confirmation, String> {
    match output {
        AwsOutput::Import(import) => {
            check_about_this_copy(entry, output)?;
            Ok(confirm_import(entry, import, now, by))
        }
        AwsOutput::DescribeKey(describe) => {
            check_about_this_copy(entry, output)?;
            Ok(confirm_describe(entry, describe, now, by))
        }
        AwsOutput::KeyRotations(_) => Err(
            "list-key-rotations lists every material of the key: it is reconciled against all the key's entries, not confirmed on one."
                .to_owned(),
        ),
        AwsOutput::PublicKey(_) | AwsOutput::Mac(_) => Err(format!(
            "{} output proves the material is the same: use it in the sameness check.",
            output.command()
        )),
        AwsOutput::LastUsage(_) => Err(
            "get-key-last-usage says when the AWS key was last used: it is kept as the copy's last use, not as an import confirmation."
                .to_owned(),
        ),
    }
}

/// Whether `output` is evidence about this entry's copy. An output that
/// names another AWS key, Region or account is not (a paste on the wrong
/// entry, not news about this copy), nor, while the entry names no AWS key
/// yet, an output of a key that cannot hold its material (another key spec
/// or MAC algorithm, or material AWS made): `Err` says which key the output
/// is about, which this entry is for, and what to paste instead. Checked
/// before anything is written; nothing is recorded then.
pub fn check_about_this_copy(entry: &LedgerEntry, output: &AwsOutput) -> Result<(), String> {
    let command = output.command();
    for key in output.keys() {
        about_this_key(entry, &key, command)?;
    }
    if entry.aws_key_arn.is_some() {
        return Ok(());
    }
    match output {
        AwsOutput::DescribeKey(describe) => describe_fits(entry, describe),
        AwsOutput::PublicKey(public_key) => public_key_fits(entry, public_key),
        AwsOutput::Mac(mac) => mac_fits(entry, mac),
        AwsOutput::Import(_) | AwsOutput::KeyRotations(_) => Ok(()),
        AwsOutput::LastUsage(_) => Err(
            "This entry names no AWS key yet, so AWS's last use cannot be tied to it. Nothing was recorded: paste the import-key-material or describe-key output of the AWS key first."
                .to_owned(),
        ),
    }
}

/// `found` (a key an output of `command` names) against the entry's key.
fn about_this_key(entry: &LedgerEntry, found: &KeyRef, command: &str) -> Result<(), String> {
    let Some(expected) = entry.aws_key_arn.as_ref() else {
        return Ok(());
    };
    if found.key_id() == arn_key_id(expected) {
        // The same key id from another Region or account: said as such.
        return check_key(found, expected, command)
            .map_err(|e| format!("{e} Nothing was recorded."));
    }
    Err(format!(
        "This {command} output is about another AWS key ({found}{}); this entry is the copy in {expected}. Nothing was recorded: paste the output of {command} for {expected} (run it with --key-id {expected} --region {}). A copy in that other key is its own entry: export for it, or register it below.",
        another_account_words(found.arn(), expected),
        expected.region()
    ))
}

/// For an entry with no ARN yet: the refusal of an output whose key cannot
/// hold the entry's `key_spec` material, `what` saying why.
fn cannot_hold(entry: &LedgerEntry, command: &str, key: &KeyRef, what: &str) -> Result<(), String> {
    Err(format!(
        "This {command} output is about {key}, {what}; this entry is a copy of {} material, which that key cannot hold. Nothing was recorded: paste the output of {command} for the AWS key you imported this export into (--key-id with its ARN, and its --region).",
        entry.key_spec.aws_name()
    ))
}

fn describe_fits(entry: &LedgerEntry, describe: &DescribeKeyOutput) -> Result<(), String> {
    let key = KeyRef::Arn(describe.arn.clone());
    if let Some(origin) = describe.origin.as_deref().filter(|o| *o != "EXTERNAL") {
        return cannot_hold(
            entry,
            "describe-key",
            &key,
            &format!("a key whose material AWS made (Origin {origin})"),
        );
    }
    match describe.key_spec.as_deref() {
        Some(spec) if spec != entry.key_spec.aws_name() => {
            cannot_hold(entry, "describe-key", &key, &format!("a {spec} key"))
        }
        _ => Ok(()),
    }
}

fn public_key_fits(entry: &LedgerEntry, public_key: &PublicKeyOutput) -> Result<(), String> {
    match public_key.key_spec.as_deref() {
        Some(spec) if spec != entry.key_spec.aws_name() => cannot_hold(
            entry,
            "get-public-key",
            &public_key.key,
            &format!("a {spec} key"),
        ),
        _ => Ok(()),
    }
}

fn mac_fits(entry: &LedgerEntry, mac: &MacOutput) -> Result<(), String> {
    match entry.key_spec {
        AwsKeySpec::Hmac(hash) if mac.mac_algorithm != mac_algorithm_name(hash) => cannot_hold(
            entry,
            "generate-mac",
            &mac.key,
            &format!("a key that computed {}", mac.mac_algorithm),
        ),
        _ => Ok(()),
    }
}

fn confirm_import(
    entry: &LedgerEntry,
    import: &ImportOutput,
    now: OffsetDateTime,
    by: &UserId,
) -> Confirmation {
    let mut entry = entry.clone();
    let mut notes = Vec::new();
    let mut discrepancies = Vec::new();
    if let Some(bound) = entry
        .key_material_id
        .as_deref()
        .filter(|b| *b != import.key_material_id)
    {
        discrepancies.push(Discrepancy {
            problem: format!(
                "This import produced key material {}, but this entry is bound to {bound}: AWS holds other material than this export.",
                import.key_material_id
            ),
            fix: "Paste the output of the import made with this entry's command; to restore this entry's material, use Renew (EXISTING_KEY_MATERIAL with its KeyMaterialId).".to_owned(),
        });
    }
    if discrepancies.is_empty() {
        if let (None, KeyRef::Arn(arn)) = (&entry.aws_key_arn, &import.key) {
            entry.aws_key_arn = Some(arn.clone());
            notes.push(format!("The entry now names the AWS key {arn}."));
        }
        entry.key_material_id = Some(import.key_material_id.clone());
        entry.record_by(
            EventKind::ImportConfirmed {
                key_material_id: Some(import.key_material_id.clone()),
            },
            now,
            by,
        );
        if entry.key_spec == AwsKeySpec::SymmetricDefault {
            entry.record_by(
                EventKind::SameMaterial {
                    proof: Proof::AesImport,
                },
                now,
                by,
            );
            notes.push(Proof::AesImport.describe().to_owned());
        }
    } else {
        entry.record_by(
            EventKind::Mismatch {
                source: "import-key-material".to_owned(),
                discrepancies: discrepancies.clone(),
            },
            now,
            by,
        );
    }
    Confirmation {
        entry,
        discrepancies,
        notes,
    }
}

/// What describe-key says against the entry, each with what to do: for an
/// output about this entry's key ([`check_about_this_copy`] refuses others).
pub fn describe_key_discrepancies(
    entry: &LedgerEntry,
    describe: &DescribeKeyOutput,
) -> Vec<Discrepancy> {
    let mut found = Vec::new();
    let arn = &describe.arn;
    let region = arn.region();
    let mut add = |problem: String, fix: &str| {
        found.push(Discrepancy {
            problem,
            fix: fix.replace("<ARN>", &format!("{arn} --region {region}")),
        })
    };
    if let Some(origin) = describe.origin.as_deref().filter(|o| *o != "EXTERNAL") {
        add(
            format!(
                "The AWS key's Origin is {origin}, not EXTERNAL: AWS made its material, so it cannot hold this export."
            ),
            "Create a key with --origin EXTERNAL and import into it; this entry's command named the wrong key.",
        );
    }
    if let Some(spec) = describe
        .key_spec
        .as_deref()
        .filter(|s| *s != entry.key_spec.aws_name())
    {
        add(
            format!(
                "The AWS key's spec is {spec}, but the exported material is {}.",
                entry.key_spec.aws_name()
            ),
            "Import into a key created with the material's key spec; this AWS key cannot hold it.",
        );
    }
    match describe.key_state.as_str() {
        "Enabled" => {}
        "PendingImport" => add(
            "The AWS key is PendingImport: it holds no usable material (never imported, expired or deleted).".to_owned(),
            "Run the import command again with this same material (Renew builds it); AWS cannot recover it otherwise.",
        ),
        "Disabled" => add(
            "The AWS key is Disabled.".to_owned(),
            "Run aws kms enable-key --key-id <ARN> if it should be in use.",
        ),
        "PendingDeletion" | "PendingReplicaDeletion" => add(
            format!("The AWS key is {}: AWS will delete it.", describe.key_state),
            "Run aws kms cancel-key-deletion --key-id <ARN> before the waiting period ends, if it is still needed; keep the KMS key either way.",
        ),
        other => add(
            format!("The AWS key's state is {other}, not Enabled."),
            "Check the key in the AWS console; paste describe-key again once it is Enabled.",
        ),
    }
    let current_is_ours = entry.is_this_material(describe.current_key_material_id.as_deref());
    if let (Some(command), true) = (entry.command.as_ref(), current_is_ours) {
        let model = describe.expiration_model.as_deref();
        match (command.expiration, model) {
            (Expiration::DoesNotExpire, Some("KEY_MATERIAL_EXPIRES")) => add(
                format!(
                    "AWS says the material expires{}, but the command was built with KEY_MATERIAL_DOES_NOT_EXPIRE.",
                    describe
                        .valid_to
                        .map(|t| format!(" at {}", utc_minutes(t)))
                        .unwrap_or_default()
                ),
                "Re-import the same material with --expiration-model KEY_MATERIAL_DOES_NOT_EXPIRE (Renew), or watch the expiry.",
            ),
            (Expiration::ExpiresOn(date), Some("KEY_MATERIAL_DOES_NOT_EXPIRE")) => add(
                format!(
                    "AWS says the material does not expire, but the command was built to expire on {date}."
                ),
                "Nothing is at risk; re-import with KEY_MATERIAL_EXPIRES (Renew) if it must expire.",
            ),
            (Expiration::ExpiresOn(date), Some("KEY_MATERIAL_EXPIRES")) => {
                if let Some(valid_to) = describe.valid_to.filter(|t| *t != midnight_utc(date)) {
                    add(
                        format!(
                            "AWS's ValidTo is {}, but the command was built with --valid-to {date}T00:00:00Z.",
                            utc_minutes(valid_to)
                        ),
                        "Re-import the same material with the wanted --valid-to (Renew); the ledger watches AWS's date meanwhile.",
                    );
                }
            }
            _ => {}
        }
    }
    found
}

fn confirm_describe(
    entry: &LedgerEntry,
    describe: &DescribeKeyOutput,
    now: OffsetDateTime,
    by: &UserId,
) -> Confirmation {
    let mut entry = entry.clone();
    let mut notes = Vec::new();
    let discrepancies = describe_key_discrepancies(&entry, describe);
    if !discrepancies.is_empty() {
        entry.record_by(
            EventKind::Mismatch {
                source: "describe-key".to_owned(),
                discrepancies: discrepancies.clone(),
            },
            now,
            by,
        );
        return Confirmation {
            entry,
            discrepancies,
            notes,
        };
    }
    if entry.aws_key_arn.is_none() {
        entry.aws_key_arn = Some(describe.arn.clone());
        notes.push(format!("The entry now names the AWS key {}.", describe.arn));
    }
    match (&entry.key_material_id, &describe.current_key_material_id) {
        (None, Some(current)) => {
            entry.key_material_id = Some(current.clone());
            if entry.key_spec == AwsKeySpec::SymmetricDefault {
                notes.push(format!(
                    "Bound to the key's current material {current}. If this key holds several materials, paste import-key-material's output or list-key-rotations to be sure."
                ));
            }
        }
        (Some(mine), Some(current)) if mine != current => notes.push(format!(
            "The key's current material is {current}, not this entry's {mine}: a rotation made another material current. This entry's material is still needed to decrypt what it encrypted: keep the KMS key."
        )),
        _ => {}
    }
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
    Confirmation {
        entry,
        discrepancies,
        notes,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use time::macros::{date, datetime};

    use super::super::tests::{alice, entry};
    use super::super::{CommandOptions, LedgerState};
    use super::*;
    use crate::domain::aws::arn::AwsKeyArn;
    use crate::domain::aws::outputs::tests::fixture;
    use crate::domain::aws::outputs::{parse_aws_output, parse_describe_key};

    const ARN: &str = "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    pub(crate) const CURRENT: &str =
        "0b7fd7ddbac6eef27907413567cad8c810e2883dc8a7534067a82ee1142fc1e6";
    const FIRST: &str = "cf7e3a5b42c6e1f9a2d8b7c6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6";
    pub(crate) const NOW: OffsetDateTime = datetime!(2026-11-28 12:10 UTC);

    pub(crate) fn our_entry() -> LedgerEntry {
        let mut e = entry();
        e.aws_key_arn = Some(AwsKeyArn::parse(ARN).unwrap());
        e
    }

    fn output(name: &str) -> AwsOutput {
        output_of(&fixture(name))
    }

    fn output_of(text: &str) -> AwsOutput {
        parse_aws_output(text, None).unwrap()
    }

    #[test]
    fn import_output_binds_the_material_and_proves_aes() {
        let c = confirm(
            &our_entry(),
            &output("import-key-material.json"),
            NOW,
            &alice(),
        )
        .unwrap();
        assert!(c.discrepancies.is_empty());
        assert_eq!(c.entry.key_material_id.as_deref(), Some(CURRENT));
        assert_eq!(c.entry.state(NOW), LedgerState::Verified);
        assert!(c.notes[0].contains("the successful import is the proof"));

        let mut rsa = our_entry();
        rsa.key_spec = AwsKeySpec::Rsa(2048);
        let c = confirm(&rsa, &output("import-key-material.json"), NOW, &alice()).unwrap();
        assert_eq!(c.entry.state(NOW), LedgerState::Imported);

        let mut unnamed = our_entry();
        unnamed.aws_key_arn = None;
        let c = confirm(&unnamed, &output("import-key-material.json"), NOW, &alice()).unwrap();
        assert_eq!(c.entry.aws_key_arn.unwrap().as_str(), ARN);
    }

    #[test]
    fn an_import_of_other_material_is_a_mismatch() {
        let mut bound = our_entry();
        bound.key_material_id = Some(FIRST.into());
        let c = confirm(&bound, &output("import-key-material.json"), NOW, &alice()).unwrap();
        assert!(
            c.discrepancies[0]
                .problem
                .contains("but this entry is bound to cf7e")
        );
        assert_eq!(c.entry.key_material_id.as_deref(), Some(FIRST));
        assert_eq!(c.entry.state(NOW).label(), "mismatch");
    }

    /// A verified entry of [`ARN`] (SYMMETRIC_DEFAULT), as after its import.
    fn verified() -> LedgerEntry {
        let c = confirm(
            &our_entry(),
            &output("import-key-material.json"),
            NOW,
            &alice(),
        )
        .unwrap();
        assert_eq!(c.entry.state(NOW), LedgerState::Verified);
        c.entry
    }

    #[test]
    fn another_keys_output_is_refused_and_says_what_to_paste() {
        // describe-key of another AWS key pasted on a verified copy: refused,
        // nothing to record, whatever that other key's state.
        let entry = verified();
        let other = "arn:aws:kms:us-west-2:111122223333:key/0987dcba-09fe-87dc-65ba-ab0987654321";
        let describe = fixture("describe-key.json").replace(ARN, other).replace(
            "1234abcd-12ab-34cd-56ef-1234567890ab",
            "0987dcba-09fe-87dc-65ba-ab0987654321",
        );
        let why = confirm(&entry, &output_of(&describe), NOW, &alice()).unwrap_err();
        assert_eq!(
            why,
            format!(
                "This describe-key output is about another AWS key ({other}); this entry is the copy in {ARN}. Nothing was recorded: paste the output of describe-key for {ARN} (run it with --key-id {ARN} --region us-west-2). A copy in that other key is its own entry: export for it, or register it below."
            )
        );
        let disabled = describe.replace("\"KeyState\": \"Enabled\"", "\"KeyState\": \"Disabled\"");
        assert!(confirm(&entry, &output_of(&disabled), NOW, &alice()).is_err());
        // The same key, Disabled: a real disagreement about this copy, recorded.
        let this_disabled = fixture("describe-key.json")
            .replace("\"KeyState\": \"Enabled\"", "\"KeyState\": \"Disabled\"");
        let c = confirm(&entry, &output_of(&this_disabled), NOW, &alice()).unwrap();
        assert_eq!(c.entry.state(NOW).label(), "mismatch");
        // Another expiry on this key: recorded too.
        let later = fixture("describe-key.json")
            .replace("2027-01-31T00:00:00+00:00", "2027-02-28T00:00:00+00:00");
        let c = confirm(&entry, &output_of(&later), NOW, &alice()).unwrap();
        assert!(
            c.discrepancies[0]
                .problem
                .contains("AWS's ValidTo is 2027-02-28 00:00 UTC"),
            "{:?}",
            c.discrepancies
        );

        // import-key-material into another key, Region or account: refused.
        let import = |arn: &str| {
            output_of(&format!(
                r#"{{"KeyId": "{arn}", "KeyMaterialId": "{CURRENT}"}}"#
            ))
        };
        let why = confirm(&entry, &import(other), NOW, &alice()).unwrap_err();
        assert!(
            why.contains(&format!("about another AWS key ({other})")),
            "{why}"
        );
        let why = confirm(
            &entry,
            &import(&ARN.replace("us-west-2", "eu-west-1")),
            NOW,
            &alice(),
        )
        .unwrap_err();
        assert!(
            why.starts_with("This import-key-material output is from Region eu-west-1, but the key is in us-west-2")
                && why.ends_with("Nothing was recorded."),
            "{why}"
        );
        let why = confirm(
            &entry,
            &import(&ARN.replace("111122223333", "444455556666")),
            NOW,
            &alice(),
        )
        .unwrap_err();
        assert!(why.contains("from account 444455556666"), "{why}");
    }

    #[test]
    fn every_output_that_names_another_key_is_refused() {
        let entry = verified();
        // get-public-key and generate-mac of 0987dcba…, list-key-rotations of a bare key id.
        for name in ["get-public-key.json", "generate-mac.json"] {
            let why = check_about_this_copy(&entry, &output(name)).unwrap_err();
            assert!(
                why.contains(
                    "about another AWS key (arn:aws:kms:us-west-2:111122223333:key/0987dcba"
                ),
                "{name}: {why}"
            );
            assert!(why.contains(&format!("--key-id {ARN}")), "{name}: {why}");
        }
        let rotations = output_of(&fixture("list-key-rotations.json").replace(
            "1234abcd-12ab-34cd-56ef-1234567890ab",
            "0987dcba-09fe-87dc-65ba-ab0987654321",
        ));
        let why = check_about_this_copy(&entry, &rotations).unwrap_err();
        assert!(
            why.starts_with("This list-key-rotations output is about another AWS key (0987dcba-09fe-87dc-65ba-ab0987654321)"),
            "{why}"
        );
        // This key's outputs pass.
        for name in [
            "import-key-material.json",
            "describe-key.json",
            "list-key-rotations.json",
        ] {
            assert_eq!(
                check_about_this_copy(&entry, &output(name)),
                Ok(()),
                "{name}"
            );
        }
    }

    #[test]
    fn an_entry_without_arn_refuses_keys_that_cannot_hold_its_material() {
        let mut unnamed = our_entry();
        unnamed.aws_key_arn = None;
        // Any key of the right kind may be the one: describe-key binds it.
        assert_eq!(
            check_about_this_copy(&unnamed, &output("describe-key.json")),
            Ok(())
        );
        let c = confirm(&unnamed, &output("describe-key.json"), NOW, &alice()).unwrap();
        assert_eq!(c.entry.aws_key_arn.unwrap().as_str(), ARN);
        // Another key spec, or material AWS made: not this copy.
        let why = confirm(&unnamed, &output("describe-key-hmac.json"), NOW, &alice()).unwrap_err();
        assert_eq!(
            why,
            "This describe-key output is about arn:aws:kms:us-west-2:111122223333:key/0987dcba-09fe-87dc-65ba-ab0987654321, a HMAC_256 key; this entry is a copy of SYMMETRIC_DEFAULT material, which that key cannot hold. Nothing was recorded: paste the output of describe-key for the AWS key you imported this export into (--key-id with its ARN, and its --region)."
        );
        let why = confirm(
            &unnamed,
            &output("describe-key-multi-region.json"),
            NOW,
            &alice(),
        )
        .unwrap_err();
        assert!(
            why.contains("a key whose material AWS made (Origin AWS_KMS)"),
            "{why}"
        );
        // get-public-key of another spec; generate-mac of another algorithm.
        let mut rsa = unnamed.clone();
        rsa.key_spec = AwsKeySpec::Rsa(2048);
        let why = check_about_this_copy(&rsa, &output("get-public-key.json")).unwrap_err();
        assert!(
            why.contains("a ECC_NIST_P256 key; this entry is a copy of RSA_2048 material"),
            "{why}"
        );
        let mut hmac384 = unnamed.clone();
        hmac384.key_spec = AwsKeySpec::parse("HMAC_384").unwrap();
        let why = check_about_this_copy(&hmac384, &output("generate-mac.json")).unwrap_err();
        assert!(why.contains("a key that computed HMAC_SHA_256"), "{why}");
        let mut hmac256 = unnamed;
        hmac256.key_spec = AwsKeySpec::parse("HMAC_256").unwrap();
        assert_eq!(
            check_about_this_copy(&hmac256, &output("generate-mac.json")),
            Ok(())
        );
    }

    #[test]
    fn describe_key_confirms_or_lists_each_mismatch_with_a_fix() {
        let c = confirm(&our_entry(), &output("describe-key.json"), NOW, &alice()).unwrap();
        assert_eq!(c.discrepancies, vec![]);
        assert_eq!(c.entry.key_material_id.as_deref(), Some(CURRENT));
        assert_eq!(c.entry.state(NOW), LedgerState::Imported);

        let text = fixture("describe-key.json");
        let problems = |text: &str, e: &LedgerEntry| -> Vec<String> {
            describe_key_discrepancies(e, &parse_describe_key(text).unwrap())
                .into_iter()
                .map(|d| {
                    assert!(!d.fix.is_empty());
                    d.problem
                })
                .collect()
        };
        let e = our_entry();
        let p = problems(
            &text.replace(
                "\"KeyState\": \"Enabled\"",
                "\"KeyState\": \"PendingImport\"",
            ),
            &e,
        );
        assert!(p[0].contains("PendingImport"), "{p:?}");
        let p = problems(
            &text.replace("\"Origin\": \"EXTERNAL\"", "\"Origin\": \"AWS_KMS\""),
            &e,
        );
        assert!(p[0].contains("Origin is AWS_KMS"), "{p:?}");
        let p = problems(
            &text.replace("2027-01-31T00:00:00+00:00", "2027-02-28T00:00:00+00:00"),
            &e,
        );
        assert!(p[0].contains("ValidTo is 2027-02-28"), "{p:?}");
        let mut never = our_entry();
        never.command = Some(CommandOptions {
            expiration: Expiration::DoesNotExpire,
            import_type: None,
            description: None,
        });
        let p = problems(&text, &never);
        assert!(
            p[0].contains("built with KEY_MATERIAL_DOES_NOT_EXPIRE"),
            "{p:?}"
        );
        let p = problems(
            &text
                .replace(
                    "\"KeySpec\": \"SYMMETRIC_DEFAULT\"",
                    "\"KeySpec\": \"HMAC_256\"",
                )
                .replace("\"KeyState\": \"Enabled\"", "\"KeyState\": \"Disabled\""),
            &e,
        );
        assert_eq!(p.len(), 2, "{p:?}");
        // Another material is current: no expiry comparison, a note instead.
        let mut older = our_entry();
        older.key_material_id = Some(FIRST.into());
        older.command.as_mut().unwrap().expiration = Expiration::ExpiresOn(date!(2026 - 12 - 31));
        let c = confirm(&older, &output("describe-key.json"), NOW, &alice()).unwrap();
        assert!(c.discrepancies.is_empty());
        assert!(c.notes[0].contains("a rotation made another material current"));
        // A mismatch is recorded, then cleared by a later good describe-key.
        let bad = parse_aws_output(
            &text.replace("\"KeyState\": \"Enabled\"", "\"KeyState\": \"Disabled\""),
            None,
        )
        .unwrap();
        let c = confirm(&our_entry(), &bad, NOW, &alice()).unwrap();
        assert_eq!(c.entry.state(NOW).label(), "mismatch");
        let c = confirm(&c.entry, &output("describe-key.json"), NOW, &alice()).unwrap();
        assert_eq!(c.entry.state(NOW), LedgerState::Imported);
    }

    #[test]
    fn other_outputs_are_sent_elsewhere() {
        assert!(
            confirm(&our_entry(), &output("get-public-key.json"), NOW, &alice())
                .unwrap_err()
                .contains("sameness")
        );
        assert!(
            confirm(
                &our_entry(),
                &output("list-key-rotations.json"),
                NOW,
                &alice()
            )
            .unwrap_err()
            .contains("reconciled")
        );
    }
}
