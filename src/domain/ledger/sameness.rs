//! Proving AWS holds the same material as the KMS key without the material
//! leaving either: public keys compared (RSA, EC), MACs of one message compared (HMAC).
//!
//! AES keys have no such check: AWS unwrapping and accepting the material under
//! its own import token is the proof (recorded by `confirm` on the import output).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use der::Decode;
use der::oid::ObjectIdentifier;
use spki::SubjectPublicKeyInfoRef;
use time::OffsetDateTime;

use super::confirm::check_about_this_copy;
use super::{EventKind, LedgerEntry, Proof};
use crate::domain::account::UserId;
use crate::domain::aws::arn::AwsKeyArn;
use crate::domain::aws::cli::describe_key;
use crate::domain::aws::key_spec::AwsKeySpec;
use crate::domain::aws::outputs::{AwsOutput, MacOutput, PublicKeyOutput};
use crate::domain::cli::{ARN_PLACEHOLDER, CliCommand, shell_quote};
use crate::domain::cloud::Cloud;
use crate::domain::key_material::{EcCurve, HmacHash};
use crate::kmip::SignatureAlgorithm;

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

/// How the KMS proves that a public key AWS gave is the pair of its private
/// key, chosen by what the private key may do (its `CryptographicUsageMask`):
/// the KMS refuses a Sign or Decrypt the mask does not allow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PublicKeyProof {
    /// Encrypt random bytes with AWS's public key (RSA-OAEP SHA-256), decrypt
    /// them with the KMS private key: the same bytes back, the same key pair.
    Decrypt,
    /// Sign random bytes with the KMS private key, verify the signature with
    /// AWS's public key: valid, the same key pair.
    Sign(SignatureAlgorithm),
}

const MASK_SIGN: i64 = 0x1;
const MASK_DECRYPT: i64 = 0x8;

/// A key pair whose public half a cloud shows, as far as the proof cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyPairKind {
    Rsa,
    Ec(EcCurve),
}

impl KeyPairKind {
    /// The pair an AWS key spec is, or why it has no public key.
    pub fn of_aws(spec: AwsKeySpec) -> Result<Self, String> {
        match spec {
            AwsKeySpec::Rsa(_) => Ok(Self::Rsa),
            AwsKeySpec::Ecc(curve) => Ok(Self::Ec(curve)),
            other => Err(format!("A {} key has no public key.", other.aws_name())),
        }
    }
}

/// The proof the KMS can run for a private key of `kind` with `usage_mask`,
/// or why there is none (nothing is recorded then); `cloud` holds the copy.
pub fn public_key_proof(
    kind: KeyPairKind,
    usage_mask: Option<i64>,
    cloud: Cloud,
) -> Result<PublicKeyProof, String> {
    let mask = usage_mask.unwrap_or(0);
    let can = |bit: i64| mask & bit == bit;
    match kind {
        KeyPairKind::Rsa if can(MASK_DECRYPT) => Ok(PublicKeyProof::Decrypt),
        KeyPairKind::Rsa if can(MASK_SIGN) => {
            Ok(PublicKeyProof::Sign(SignatureAlgorithm::RsaPssSha256))
        }
        KeyPairKind::Ec(_) if can(MASK_SIGN) => {
            Ok(PublicKeyProof::Sign(SignatureAlgorithm::EcdsaSha256))
        }
        KeyPairKind::Rsa | KeyPairKind::Ec(_) => Err(format!(
            "This KMS key may neither sign nor decrypt (usage mask {mask:#x}{}), so the KMS cannot prove that {}'s public key is its pair: the proof is not possible here and nothing was recorded. The import's output still confirms the copy.",
            if matches!(kind, KeyPairKind::Ec(_)) && mask & 0x800 != 0 {
                ": a key-agreement key"
            } else {
                ""
            },
            cloud.name()
        )),
    }
}

/// Why AWS's SubjectPublicKeyInfo cannot be a key of `spec` (another
/// algorithm or curve), or `None` when it can: the KMS then decides.
pub fn public_key_misfit(spec: AwsKeySpec, aws_spki_der: &[u8]) -> Option<String> {
    const RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
    const EC: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
    let spki = match SubjectPublicKeyInfoRef::from_der(aws_spki_der) {
        Ok(spki) => spki,
        Err(e) => {
            return Some(format!(
                "AWS's public key is not a SubjectPublicKeyInfo ({e})."
            ));
        }
    };
    let fits = match spec {
        AwsKeySpec::Rsa(_) => spki.algorithm.oid == RSA,
        AwsKeySpec::Ecc(curve) => {
            spki.algorithm.oid == EC && spki.algorithm.parameters_oid().ok() == Some(curve.oid())
        }
        _ => false,
    };
    (!fits).then(|| {
        format!(
            "AWS's public key is of another algorithm or curve ({}) than the exported {} material.",
            spki.algorithm.oid,
            spec.aws_name()
        )
    })
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
    by: &UserId,
) -> LedgerEntry {
    let mut entry = entry.clone();
    entry.record_by(
        match verdict {
            Sameness::Same => EventKind::SameMaterial { proof },
            Sameness::Different(reason) => EventKind::DifferentMaterial {
                proof,
                reason: reason.clone(),
            },
        },
        now,
        by,
    );
    entry
}

/// The checks of get-public-key's output that need no KMS: `Err` (nothing to
/// record) when it is not about this copy ([`check_about_this_copy`]) or the
/// entry has no public key;
/// `Some(Different)` when AWS's key is plainly not this material (another key
/// spec, algorithm or curve); `None` when only the KMS can tell
/// ([`public_key_proof`]).
pub fn check_public_key_output(
    entry: &LedgerEntry,
    output: &PublicKeyOutput,
) -> Result<Option<Sameness>, String> {
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
    check_about_this_copy(entry, &AwsOutput::PublicKey(output.clone()))?;
    if let Some(spec) = output.key_spec.as_deref()
        && spec != entry.key_spec.aws_name()
    {
        return Ok(Some(Sameness::Different(format!(
            "AWS's key is {spec}, the exported material {}.",
            entry.key_spec.aws_name()
        ))));
    }
    Ok(public_key_misfit(entry.key_spec, &output.public_key_der).map(Sameness::Different))
}

/// Records the verdict on get-public-key's output: the checks of
/// [`check_public_key_output`] first, then `kms_verdict` (the KMS's proof
/// with AWS's public key and the source private key) when they leave it open.
pub fn prove_public_key(
    entry: &LedgerEntry,
    output: &PublicKeyOutput,
    kms_verdict: Sameness,
    now: OffsetDateTime,
    by: &UserId,
) -> Result<(LedgerEntry, Sameness), String> {
    let verdict = check_public_key_output(entry, output)?.unwrap_or(kms_verdict);
    Ok((record(entry, Proof::PublicKey, &verdict, now, by), verdict))
}

/// Checks generate-mac's output against the KMS's MAC of the same message
/// and records the verdict. Refused when the output is not about this copy
/// ([`check_about_this_copy`]) or the entry is not an HMAC key.
pub fn prove_mac(
    entry: &LedgerEntry,
    output: &MacOutput,
    kms_mac: &[u8],
    now: OffsetDateTime,
    by: &UserId,
) -> Result<(LedgerEntry, Sameness), String> {
    let AwsKeySpec::Hmac(hash) = entry.key_spec else {
        return Err(format!(
            "A {} key does not compute MACs: generate-mac proves HMAC keys only.",
            entry.key_spec.aws_name()
        ));
    };
    check_about_this_copy(entry, &AwsOutput::Mac(output.clone()))?;
    let verdict = compare_mac(output, mac_algorithm_name(hash), kms_mac);
    Ok((record(entry, Proof::Mac, &verdict, now, by), verdict))
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::super::LedgerState;
    use super::super::tests::{alice, entry};
    use super::*;
    use crate::domain::aws::outputs::tests::fixture;
    use crate::domain::aws::outputs::{parse_mac, parse_public_key};

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
    fn public_keys_of_another_algorithm_or_curve_are_told_apart() {
        let p256 = der("ec-p256.spki.der");
        let rsa = der("rsa2048.spki.der");
        let spec = |name| AwsKeySpec::parse(name).unwrap();
        assert_eq!(public_key_misfit(spec("ECC_NIST_P256"), &p256), None);
        assert_eq!(public_key_misfit(AwsKeySpec::Rsa(2048), &rsa), None);
        assert!(
            public_key_misfit(spec("ECC_NIST_P384"), &p256)
                .unwrap()
                .contains("another algorithm or curve")
        );
        assert!(public_key_misfit(spec("ECC_SECG_P256K1"), &p256).is_some());
        assert!(public_key_misfit(AwsKeySpec::Rsa(2048), &p256).is_some());
        assert!(public_key_misfit(spec("ECC_NIST_P256"), &rsa).is_some());
        assert!(
            public_key_misfit(spec("ECC_NIST_P256"), b"junk")
                .unwrap()
                .contains("not a SubjectPublicKeyInfo")
        );
    }

    #[test]
    fn the_proof_follows_what_the_private_key_may_do() {
        let spec = |name| KeyPairKind::of_aws(AwsKeySpec::parse(name).unwrap()).unwrap();
        let proof = |kind, mask| public_key_proof(kind, mask, Cloud::Aws);
        // Masks as the create pages set them on the private key.
        assert_eq!(
            proof(KeyPairKind::Rsa, Some(0x8)),
            Ok(PublicKeyProof::Decrypt)
        );
        assert_eq!(
            proof(spec("RSA_3072"), Some(0x1)),
            Ok(PublicKeyProof::Sign(SignatureAlgorithm::RsaPssSha256))
        );
        for name in ["ECC_NIST_P256", "ECC_NIST_P521", "ECC_SECG_P256K1"] {
            assert_eq!(
                proof(spec(name), Some(0x1)),
                Ok(PublicKeyProof::Sign(SignatureAlgorithm::EcdsaSha256))
            );
        }
        let agreement = proof(spec("ECC_NIST_P256"), Some(0x800)).unwrap_err();
        assert!(
            agreement.contains("neither sign nor decrypt") && agreement.contains("key-agreement"),
            "{agreement}"
        );
        assert!(proof(KeyPairKind::Rsa, None).is_err());
        let azure = public_key_proof(KeyPairKind::Rsa, Some(0x4), Cloud::Azure).unwrap_err();
        assert!(
            azure.contains("that Azure's public key is its pair"),
            "{azure}"
        );
        assert_eq!(
            KeyPairKind::of_aws(AwsKeySpec::parse("HMAC_256").unwrap()),
            Err("A HMAC_256 key has no public key.".to_owned())
        );
    }

    #[test]
    fn get_public_key_output_records_the_kms_verdict() {
        let output = parse_public_key(&fixture("get-public-key.json")).unwrap();
        let e = asymmetric(AwsKeySpec::parse("ECC_NIST_P256").unwrap());
        assert_eq!(check_public_key_output(&e, &output), Ok(None));
        let (proven, verdict) =
            prove_public_key(&e, &output, Sameness::Same, NOW, &alice()).unwrap();
        assert_eq!(verdict, Sameness::Same);
        assert_eq!(proven.state(NOW), LedgerState::Verified);
        let (flagged, verdict) = prove_public_key(
            &e,
            &output,
            Sameness::Different("signature invalid".into()),
            NOW,
            &alice(),
        )
        .unwrap();
        assert_eq!(verdict, Sameness::Different("signature invalid".into()));
        assert_eq!(flagged.state(NOW).label(), "mismatch");
        // Another key spec: different before any KMS step, whatever the KMS says.
        let rsa = asymmetric(AwsKeySpec::Rsa(2048));
        let expected = Sameness::Different(
            "AWS's key is ECC_NIST_P256, the exported material RSA_2048.".into(),
        );
        assert_eq!(
            check_public_key_output(&rsa, &output),
            Ok(Some(expected.clone()))
        );
        let (_, verdict) = prove_public_key(&rsa, &output, Sameness::Same, NOW, &alice()).unwrap();
        assert_eq!(verdict, expected);
        // Another curve in the key itself (KeySpec edited to match).
        let mut other_curve = output.clone();
        other_curve.public_key_der = der("rsa2048.spki.der");
        assert!(matches!(
            check_public_key_output(&e, &other_curve),
            Ok(Some(Sameness::Different(r))) if r.contains("another algorithm")
        ));
        assert!(
            prove_public_key(&entry(), &output, Sameness::Same, NOW, &alice())
                .unwrap_err()
                .contains("the successful import is the proof")
        );
        let mut elsewhere = e.clone();
        elsewhere.aws_key_arn =
            Some(AwsKeyArn::parse(&ARN.replace("us-west-2", "eu-west-3")).unwrap());
        assert!(
            prove_public_key(&elsewhere, &output, Sameness::Same, NOW, &alice())
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
        let (proven, verdict) = prove_mac(&e, &output, &kms_mac, NOW, &alice()).unwrap();
        assert_eq!(verdict, Sameness::Same);
        assert_eq!(proven.state(NOW), LedgerState::Verified);
        let mut wrong = kms_mac.clone();
        wrong[0] ^= 1;
        let (flagged, verdict) = prove_mac(&e, &output, &wrong, NOW, &alice()).unwrap();
        assert!(
            matches!(verdict, Sameness::Different(r) if r.contains("MACs of the same message differ"))
        );
        assert_eq!(flagged.state(NOW).label(), "mismatch");
        let e384 = asymmetric(AwsKeySpec::parse("HMAC_384").unwrap());
        let (_, verdict) = prove_mac(&e384, &output, &kms_mac, NOW, &alice()).unwrap();
        assert!(matches!(verdict, Sameness::Different(r) if r.contains("asked for HMAC_SHA_384")));
        assert!(prove_mac(&entry(), &output, &kms_mac, NOW, &alice()).is_err());
    }
}
