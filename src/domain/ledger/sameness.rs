//! Proving AWS holds the same material as the KMS key without the material
//! leaving either: public keys compared (RSA, EC), MACs of one message compared (HMAC).
//!
//! AES keys have no such check: AWS unwrapping and accepting the material under
//! its own import token is the proof (recorded by `confirm` on the import output).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use der::Decode;
use spki::SubjectPublicKeyInfoRef;
use time::OffsetDateTime;

use super::super::arn::AwsKeyArn;
use super::super::aws_cli::describe_key;
use super::super::aws_key_spec::AwsKeySpec;
use super::super::aws_outputs::{MacOutput, PublicKeyOutput, check_key};
use super::super::cli::{ARN_PLACEHOLDER, CliCommand, shell_quote};
use super::super::key_material::HmacHash;
use super::{EventKind, LedgerEntry, Proof, sha256_hex};

/// AWS accepts a generate-mac message of 1 to 4096 bytes.
pub const MAX_MAC_MESSAGE_LEN: usize = 4096;

/// The verdict of one comparison.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sameness {
    Same,
    /// Why they differ, in a sentence.
    Different(String),
}

/// `aws kms get-public-key --key-id <ARN> --region <Region>`.
pub fn get_public_key_command(key_arn: Option<&AwsKeyArn>) -> CliCommand {
    let mut command = describe_key(key_arn);
    command.0[0] = "aws kms get-public-key".to_owned();
    command
}

/// AWS's `--mac-algorithm` for an HMAC key spec (HMAC_256 → HMAC_SHA_256).
pub fn mac_algorithm_name(hash: HmacHash) -> &'static str {
    match hash {
        HmacHash::Sha224 => "HMAC_SHA_224",
        HmacHash::Sha256 => "HMAC_SHA_256",
        HmacHash::Sha384 => "HMAC_SHA_384",
        HmacHash::Sha512 => "HMAC_SHA_512",
    }
}

/// `aws kms generate-mac --key-id <ARN> --mac-algorithm HMAC_SHA_… --message
/// <base64> --cli-binary-format base64 --region <Region>`.
///
/// The message (random bytes the caller chose, 1 to 4096 of them) is written
/// inline as standard base64 (RFC 4648, padded); `--cli-binary-format base64`
/// makes AWS CLI v2 decode it to those bytes whatever the user's
/// `cli_binary_format` setting, so AWS MACs exactly the bytes the KMS MACs. No
/// file to create. (AWS CLI v1 has no such option and takes the text as the
/// bytes: v2 is required.)
pub fn generate_mac_command(
    key_arn: Option<&AwsKeyArn>,
    hash: HmacHash,
    message: &[u8],
) -> Result<CliCommand, String> {
    if message.is_empty() || message.len() > MAX_MAC_MESSAGE_LEN {
        return Err(format!(
            "The message is {} bytes; AWS's generate-mac takes 1 to {MAX_MAC_MESSAGE_LEN}.",
            message.len()
        ));
    }
    let key_id = key_arn.map_or(ARN_PLACEHOLDER.to_owned(), ToString::to_string);
    let mut parts = vec![
        "aws kms generate-mac".to_owned(),
        format!("--key-id {}", shell_quote(&key_id)),
        format!("--mac-algorithm {}", mac_algorithm_name(hash)),
        format!("--message {}", shell_quote(&STANDARD.encode(message))),
        "--cli-binary-format base64".to_owned(),
    ];
    if let Some(arn) = key_arn {
        parts.push(format!("--region {}", arn.region()));
    }
    Ok(CliCommand(parts))
}

/// AWS's public key (get-public-key's SubjectPublicKeyInfo) against the KMS
/// key pair's public key (SPKI DER). Equal algorithm, parameters and key bits
/// are the same key even if the two DER encodings differ.
pub fn compare_public_key(aws_spki_der: &[u8], kms_spki_der: &[u8]) -> Sameness {
    if aws_spki_der == kms_spki_der {
        return Sameness::Same;
    }
    let aws = SubjectPublicKeyInfoRef::from_der(aws_spki_der);
    let kms = SubjectPublicKeyInfoRef::from_der(kms_spki_der);
    let (aws, kms) = match (aws, kms) {
        (Ok(aws), Ok(kms)) => (aws, kms),
        (Err(e), _) => {
            return Sameness::Different(format!(
                "AWS's public key is not a SubjectPublicKeyInfo ({e})."
            ));
        }
        (_, Err(e)) => {
            return Sameness::Different(format!(
                "The KMS's public key is not a SubjectPublicKeyInfo ({e})."
            ));
        }
    };
    if aws.algorithm.oid != kms.algorithm.oid
        || aws.algorithm.parameters != kms.algorithm.parameters
    {
        return Sameness::Different(format!(
            "AWS's public key is of another algorithm or curve ({}) than the KMS's ({}).",
            aws.algorithm.oid, kms.algorithm.oid
        ));
    }
    if aws.subject_public_key != kms.subject_public_key {
        return Sameness::Different(format!(
            "The public keys differ (SHA-256 of AWS's {}…, of the KMS's {}…): AWS holds other material.",
            &sha256_hex(aws_spki_der)[..16],
            &sha256_hex(kms_spki_der)[..16]
        ));
    }
    Sameness::Same
}

/// AWS's MAC against the KMS's MAC of the same message with the source key.
/// `expected_algorithm` is the one the command asked for (`HMAC_SHA_256`).
pub fn compare_mac(aws: &MacOutput, expected_algorithm: &str, kms_mac: &[u8]) -> Sameness {
    if aws.mac_algorithm != expected_algorithm {
        return Sameness::Different(format!(
            "AWS computed {}, but the command asked for {expected_algorithm}: run the command shown, unchanged.",
            aws.mac_algorithm
        ));
    }
    if aws.mac.len() != kms_mac.len() {
        return Sameness::Different(format!(
            "AWS's MAC is {} bytes, the KMS's {}: not the same algorithm or message.",
            aws.mac.len(),
            kms_mac.len()
        ));
    }
    if aws.mac != kms_mac {
        return Sameness::Different(
            "The MACs of the same message differ: AWS holds other material (or the message was changed: run the command shown, unchanged).".to_owned(),
        );
    }
    Sameness::Same
}

fn record(
    entry: &LedgerEntry,
    proof: Proof,
    verdict: &Sameness,
    now: OffsetDateTime,
) -> LedgerEntry {
    let mut entry = entry.clone();
    entry.record(
        match verdict {
            Sameness::Same => EventKind::SameMaterial { proof },
            Sameness::Different(reason) => EventKind::DifferentMaterial {
                proof,
                reason: reason.clone(),
            },
        },
        now,
    );
    entry
}

fn refuse_other_key(
    entry: &LedgerEntry,
    key: &super::super::aws_outputs::KeyRef,
    command: &str,
) -> Result<(), String> {
    match entry.aws_key_arn.as_ref() {
        Some(expected) => check_key(key, expected, command),
        None => Ok(()),
    }
}

/// Checks get-public-key's output against the KMS public key and records
/// the verdict. Refused (nothing recorded) when the output is about another
/// key or the entry is not an asymmetric key.
pub fn prove_public_key(
    entry: &LedgerEntry,
    output: &PublicKeyOutput,
    kms_spki_der: &[u8],
    now: OffsetDateTime,
) -> Result<(LedgerEntry, Sameness), String> {
    if !matches!(entry.key_spec, AwsKeySpec::Rsa(_) | AwsKeySpec::Ecc(_)) {
        return Err(format!(
            "A {} key has no public key: {}",
            entry.key_spec.aws_name(),
            if entry.key_spec == AwsKeySpec::SymmetricDefault {
                "for AES the successful import is the proof."
            } else {
                "prove an HMAC key with generate-mac."
            }
        ));
    }
    refuse_other_key(entry, &output.key, "get-public-key")?;
    let verdict = match output.key_spec.as_deref() {
        Some(spec) if spec != entry.key_spec.aws_name() => Sameness::Different(format!(
            "AWS's key is {spec}, the exported material {}.",
            entry.key_spec.aws_name()
        )),
        _ => compare_public_key(&output.public_key_der, kms_spki_der),
    };
    Ok((record(entry, Proof::PublicKey, &verdict, now), verdict))
}

/// Checks generate-mac's output against the KMS's MAC of the same message
/// and records the verdict. Refused when the output is about another key or
/// the entry is not an HMAC key.
pub fn prove_mac(
    entry: &LedgerEntry,
    output: &MacOutput,
    kms_mac: &[u8],
    now: OffsetDateTime,
) -> Result<(LedgerEntry, Sameness), String> {
    let AwsKeySpec::Hmac(hash) = entry.key_spec else {
        return Err(format!(
            "A {} key does not compute MACs: generate-mac proves HMAC keys only.",
            entry.key_spec.aws_name()
        ));
    };
    refuse_other_key(entry, &output.key, "generate-mac")?;
    let verdict = compare_mac(output, mac_algorithm_name(hash), kms_mac);
    Ok((record(entry, Proof::Mac, &verdict, now), verdict))
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::super::super::aws_outputs::tests::fixture;
    use super::super::super::aws_outputs::{parse_mac, parse_public_key};
    use super::super::LedgerState;
    use super::super::tests::entry;
    use super::*;

    const NOW: OffsetDateTime = datetime!(2026-11-28 12:10 UTC);
    const ARN: &str = "arn:aws:kms:us-west-2:111122223333:key/0987dcba-09fe-87dc-65ba-ab0987654321";

    fn der(name: &str) -> Vec<u8> {
        std::fs::read(format!(
            "{}/tests/fixtures/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    }

    fn asymmetric(spec: AwsKeySpec) -> LedgerEntry {
        let mut e = entry();
        e.key_spec = spec;
        e.aws_key_arn = Some(AwsKeyArn::parse(ARN).unwrap());
        e
    }

    #[test]
    fn the_commands_are_exact() {
        let arn = AwsKeyArn::parse(ARN).unwrap();
        assert_eq!(
            get_public_key_command(Some(&arn)).one_line(),
            format!("aws kms get-public-key --key-id {ARN} --region us-west-2")
        );
        let message: Vec<u8> = (0..32).collect();
        let line = generate_mac_command(Some(&arn), HmacHash::Sha384, &message)
            .unwrap()
            .one_line();
        assert_eq!(
            line,
            format!(
                "aws kms generate-mac --key-id {ARN} --mac-algorithm HMAC_SHA_384 \
                 --message AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8= --cli-binary-format base64 --region us-west-2"
            )
        );
        let words = shell_words::split(&line).unwrap();
        assert_eq!(STANDARD.decode(&words[8]).unwrap(), message);
        assert!(generate_mac_command(None, HmacHash::Sha256, &[]).is_err());
        assert!(generate_mac_command(None, HmacHash::Sha256, &[0; 4097]).is_err());
        let placeholder = generate_mac_command(None, HmacHash::Sha256, &[0; 4096]).unwrap();
        assert_eq!(
            shell_words::split(&placeholder.one_line()).unwrap()[4],
            ARN_PLACEHOLDER
        );
    }

    #[test]
    fn public_keys_are_compared_as_keys() {
        let p256 = der("ec-p256.spki.der");
        let rsa = der("rsa2048.spki.der");
        assert_eq!(compare_public_key(&p256, &p256), Sameness::Same);
        assert!(
            matches!(compare_public_key(&p256, &rsa), Sameness::Different(r) if r.contains("another algorithm"))
        );
        let mut flipped = p256.clone();
        *flipped.last_mut().unwrap() ^= 1;
        assert!(
            matches!(compare_public_key(&flipped, &p256), Sameness::Different(r) if r.contains("The public keys differ"))
        );
        assert!(
            matches!(compare_public_key(b"junk", &p256), Sameness::Different(r) if r.contains("AWS's public key is not"))
        );
    }

    #[test]
    fn get_public_key_output_proves_or_flags_the_material() {
        let output = parse_public_key(&fixture("get-public-key.json")).unwrap();
        let e = asymmetric(AwsKeySpec::parse("ECC_NIST_P256").unwrap());
        let (proven, verdict) =
            prove_public_key(&e, &output, &der("ec-p256.spki.der"), NOW).unwrap();
        assert_eq!(verdict, Sameness::Same);
        assert_eq!(proven.state(NOW), LedgerState::Verified);
        let (flagged, verdict) =
            prove_public_key(&e, &output, &der("rsa2048.spki.der"), NOW).unwrap();
        assert!(matches!(verdict, Sameness::Different(_)));
        assert_eq!(flagged.state(NOW).label(), "mismatch");
        let rsa = asymmetric(AwsKeySpec::Rsa(2048));
        let (_, verdict) = prove_public_key(&rsa, &output, &der("ec-p256.spki.der"), NOW).unwrap();
        assert_eq!(
            verdict,
            Sameness::Different(
                "AWS's key is ECC_NIST_P256, the exported material RSA_2048.".into()
            )
        );
        assert!(
            prove_public_key(&entry(), &output, &[], NOW)
                .unwrap_err()
                .contains("the successful import is the proof")
        );
        let mut elsewhere = e.clone();
        elsewhere.aws_key_arn =
            Some(AwsKeyArn::parse(&ARN.replace("us-west-2", "eu-west-3")).unwrap());
        assert!(
            prove_public_key(&elsewhere, &output, &[], NOW)
                .unwrap_err()
                .contains("from Region us-west-2")
        );
    }

    #[test]
    fn generate_mac_output_proves_or_flags_the_material() {
        let output = parse_mac(&fixture("generate-mac.json")).unwrap();
        let e = asymmetric(AwsKeySpec::parse("HMAC_256").unwrap());
        // What the KMS computes: HMAC-SHA-256 with key bytes 0..=31 over 1..=32.
        use hmac::Mac;
        let mut hmac =
            hmac::Hmac::<sha2::Sha256>::new_from_slice(&(0..32).collect::<Vec<u8>>()).unwrap();
        hmac.update(&(1..=32).collect::<Vec<u8>>());
        let kms_mac = hmac.finalize().into_bytes().to_vec();
        let (proven, verdict) = prove_mac(&e, &output, &kms_mac, NOW).unwrap();
        assert_eq!(verdict, Sameness::Same);
        assert_eq!(proven.state(NOW), LedgerState::Verified);
        let mut wrong = kms_mac.clone();
        wrong[0] ^= 1;
        let (flagged, verdict) = prove_mac(&e, &output, &wrong, NOW).unwrap();
        assert!(
            matches!(verdict, Sameness::Different(r) if r.contains("MACs of the same message differ"))
        );
        assert_eq!(flagged.state(NOW).label(), "mismatch");
        let e384 = asymmetric(AwsKeySpec::parse("HMAC_384").unwrap());
        let (_, verdict) = prove_mac(&e384, &output, &kms_mac, NOW).unwrap();
        assert!(matches!(verdict, Sameness::Different(r) if r.contains("asked for HMAC_SHA_384")));
        assert!(prove_mac(&entry(), &output, &kms_mac, NOW).is_err());
    }
}
