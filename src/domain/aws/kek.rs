//! The AWS wrapping public key (KEK) as the user hands it over — base64, PEM,
//! DER file or get-parameters-for-import JSON — checked before any request.

use sha2::{Digest, Sha256};

use crate::domain::aws::import_parameters::ImportParameters;
use crate::domain::base64_text::decode_base64;
use crate::domain::cloud::Cloud;
use crate::domain::wrapping::WrappingAlgorithm;
use crate::domain::wrapping_key::{self, WrappingPublicKey};

/// Largest file read at all; checked before reading so a huge file cannot freeze the tab.
pub const MAX_FILE_BYTES: u64 = 64 * 1024;

impl WrappingPublicKey {
    /// A KMS id that is the same every time this key is imported for this
    /// algorithm, so a retried or repeated import finds it instead of copying it.
    pub fn stable_kms_id(&self, algorithm: WrappingAlgorithm) -> String {
        let digest = Sha256::digest(&self.spki_der);
        format!(
            "aws-kek-{}-{}",
            algorithm.aws_name().to_ascii_lowercase().replace('_', "-"),
            hex::encode(&digest[..8])
        )
    }
}

/// What the user gave, once understood.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KekInput {
    pub key: WrappingPublicKey,
    /// How it was recognised, shown to the user ("PEM", "base64", ...).
    pub kind: InputKind,
    /// Present when the whole get-parameters-for-import JSON was given.
    pub parameters: Option<ImportParameters>,
}

/// The detected input kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputKind {
    Base64,
    Pem,
    GetParametersJson,
    DerFile,
}

impl InputKind {
    pub fn describe(self) -> &'static str {
        match self {
            Self::Base64 => "base64 DER",
            Self::Pem => "PEM",
            Self::GetParametersJson => "get-parameters-for-import output",
            Self::DerFile => "binary DER file",
        }
    }
}

/// Reads pasted text: JSON, PEM or base64, detected from its shape.
pub fn parse_text(text: &str) -> Result<KekInput, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err("No wrapping key given: paste the PublicKey value (base64), a PEM \"PUBLIC KEY\", or the whole JSON output of aws kms get-parameters-for-import, or choose WrappingPublicKey.bin.".to_owned());
    }
    if trimmed.starts_with('{') {
        let parameters = ImportParameters::parse(trimmed)?;
        let key = check_spki(&parameters.public_key_der)
            .map_err(|e| format!("The PublicKey in the JSON is not a usable wrapping key: {e}"))?;
        return Ok(KekInput {
            key,
            kind: InputKind::GetParametersJson,
            parameters: Some(parameters),
        });
    }
    if trimmed.starts_with("-----BEGIN") {
        return Ok(KekInput {
            key: check_spki(&decode_pem(trimmed)?)?,
            kind: InputKind::Pem,
            parameters: None,
        });
    }
    let der = decode_base64(trimmed).map_err(|e| {
        format!("The wrapping key is not base64: {e}. Paste the PublicKey value exactly as AWS printed it, or a PEM or JSON.")
    })?;
    Ok(KekInput {
        key: check_spki(&der)?,
        kind: InputKind::Base64,
        parameters: None,
    })
}

/// Reads an uploaded file: raw DER, or text holding PEM, base64 or JSON.
pub fn parse_file(bytes: &[u8]) -> Result<KekInput, String> {
    if bytes.first() == Some(&0x30) {
        return Ok(KekInput {
            key: check_spki(bytes)?,
            kind: InputKind::DerFile,
            parameters: None,
        });
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => parse_text(text),
        Err(_) => Err("The file is neither DER (it does not start with a SEQUENCE) nor text holding PEM or base64: choose the WrappingPublicKey.bin that AWS gave you.".to_owned()),
    }
}

/// The DER inside a PEM "PUBLIC KEY" block, refusals in AWS's words.
fn decode_pem(text: &str) -> Result<Vec<u8>, String> {
    wrapping_key::decode_pem(text, Cloud::Aws)
}

/// Checks that `der` is an SPKI holding an RSA key of an AWS wrapping size.
pub fn check_spki(der: &[u8]) -> Result<WrappingPublicKey, String> {
    wrapping_key::check_spki(der, Cloud::Aws)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_stable_id_depends_on_the_key_and_the_algorithm_only() {
        let key = |byte| WrappingPublicKey {
            spki_der: vec![byte; 300],
            spec: WrappingKeySpec::Rsa2048,
        };
        let id = key(1).stable_kms_id(WrappingAlgorithm::RsaesOaepSha256);
        assert!(id.starts_with("aws-kek-rsaes-oaep-sha-256-"), "{id}");
        assert_eq!(id.len(), "aws-kek-rsaes-oaep-sha-256-".len() + 16);
        assert_eq!(id, key(1).stable_kms_id(WrappingAlgorithm::RsaesOaepSha256));
        assert_ne!(id, key(2).stable_kms_id(WrappingAlgorithm::RsaesOaepSha256));
        assert_ne!(id, key(1).stable_kms_id(WrappingAlgorithm::RsaesOaepSha1));
    }

    use base64::Engine;
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};

    use super::*;
    use crate::domain::aws::wrapping_key_spec::WrappingKeySpec;

    macro_rules! fixture {
        ($name:literal) => {
            include_bytes!(concat!("../../../tests/fixtures/", $name)).as_slice()
        };
    }

    fn b64(bytes: &[u8]) -> String {
        STANDARD.encode(bytes)
    }

    fn refused(text: &str, starts: &str) {
        let message = parse_text(text).unwrap_err();
        assert!(
            message.starts_with(starts),
            "expected {starts:?}, got {message:?}"
        );
    }

    fn refused_file(bytes: &[u8], starts: &str) {
        let message = parse_file(bytes).unwrap_err();
        assert!(
            message.starts_with(starts),
            "expected {starts:?}, got {message:?}"
        );
    }

    #[test]
    fn every_aws_wrapping_size_is_accepted_as_base64() {
        for (der, bits) in [
            (fixture!("rsa2048.spki.der"), 2048),
            (fixture!("rsa3072.spki.der"), 3072),
            (fixture!("rsa4096.spki.der"), 4096),
        ] {
            let input = parse_text(&b64(der)).unwrap();
            assert_eq!(input.kind, InputKind::Base64);
            assert_eq!(input.key.spec.bits(), bits);
            assert_eq!(input.key.spki_der, der);
        }
    }

    #[test]
    fn base64_tolerates_line_breaks_and_missing_padding() {
        let der = fixture!("rsa2048.spki.der");
        let text = b64(der);
        let wrapped: String = text
            .as_bytes()
            .chunks(64)
            .map(|c| format!("{}\r\n", std::str::from_utf8(c).unwrap()))
            .collect();
        assert_eq!(parse_text(&wrapped).unwrap().key.spki_der, der);
        let unpadded = STANDARD_NO_PAD.encode(&der[..293]);
        assert!(decode_base64(&unpadded).is_ok());
    }

    #[test]
    fn pem_and_files_are_detected() {
        let pem = std::str::from_utf8(fixture!("rsa4096.spki.pem")).unwrap();
        let input = parse_text(pem).unwrap();
        assert_eq!(input.kind, InputKind::Pem);
        assert_eq!(input.key.spki_der, fixture!("rsa4096.spki.der"));
        assert_eq!(parse_file(pem.as_bytes()).unwrap().kind, InputKind::Pem);
        let der = parse_file(fixture!("rsa3072.spki.der")).unwrap();
        assert_eq!(der.kind, InputKind::DerFile);
        assert_eq!(der.key.spec, WrappingKeySpec::Rsa3072);
        let text_file = parse_file(b64(fixture!("rsa2048.spki.der")).as_bytes()).unwrap();
        assert_eq!(text_file.kind, InputKind::Base64);
    }

    #[test]
    fn the_get_parameters_json_gives_key_token_and_arn() {
        let json = format!(
            r#"{{
    "KeyId": "arn:aws:kms:eu-west-3:447182645454:key/350e35ef-ac51-4dbb-82a4-9bc50b0ea42b",
    "ImportToken": "{}",
    "PublicKey": "{}",
    "ParametersValidTo": "2026-02-19T15:07:13.227000+01:00"
}}"#,
            b64(&[9; 1000]),
            b64(fixture!("rsa4096.spki.der"))
        );
        let input = parse_text(&json).unwrap();
        assert_eq!(input.kind, InputKind::GetParametersJson);
        assert_eq!(input.key.spec, WrappingKeySpec::Rsa4096);
        let parameters = input.parameters.unwrap();
        assert_eq!(parameters.import_token, vec![9; 1000]);
        let bad = json.replace(
            &b64(fixture!("rsa4096.spki.der")),
            &b64(fixture!("ec-p256.spki.der")),
        );
        refused(
            &bad,
            "The PublicKey in the JSON is not a usable wrapping key: This is an EC public key",
        );
    }

    #[test]
    fn the_summary_names_size_and_fingerprint() {
        let key = check_spki(fixture!("rsa4096.spki.der")).unwrap();
        let summary = key.summary();
        assert!(summary.starts_with("RSA 4096-bit public key, SHA-256 fingerprint "));
        assert_eq!(key.fingerprint().len(), 32 * 3 - 1);
        assert_eq!(key.spec.aws_name(), "RSA_4096");
        // The tag's hex and the shown fingerprint are the same digest (sha256sum of the file).
        let hex = "e28e18f7f78fd4be97a94d2feec789cd67d2f38598abc3496635e0d53cba5c14";
        assert_eq!(key.sha256_hex(), hex);
        assert_eq!(key.fingerprint().replace(':', "").to_ascii_lowercase(), hex);
    }

    #[test]
    fn bad_inputs_get_precise_messages() {
        let rsa = fixture!("rsa2048.spki.der");
        refused("", "No wrapping key given");
        refused("   \n ", "No wrapping key given");
        refused(
            "MIIB!IjAN",
            "The wrapping key is not base64: the character '!' at position 5",
        );
        refused(
            "MIIB-IjAN",
            "The wrapping key is not base64: the character '-' at position 5 is not in the base64 alphabet (that is the URL-safe",
        );
        refused(
            "MIIBI",
            "The wrapping key is not base64: 5 characters cannot be base64",
        );
        refused("aGVsbG8gd29ybGQ=", "The bytes are not DER");
        refused(
            &b64(&rsa[..200]),
            "The DER is truncated: it announces 294 bytes but only 200",
        );
        let mut trailing = rsa.to_vec();
        trailing.extend_from_slice(&[0, 0, 0]);
        refused(&b64(&trailing), "The key is followed by 3 trailing bytes");
        refused(
            &b64(fixture!("ec-p256.spki.der")),
            "This is an EC public key",
        );
        refused(
            &b64(fixture!("ed25519.spki.der")),
            "This is an Ed25519 public key",
        );
        refused(
            &b64(fixture!("rsa1024.spki.der")),
            "This is an RSA 1024-bit key; AWS wrapping keys are 2048, 3072 or 4096 bits",
        );
        refused(
            &b64(fixture!("rsa2048.cert.der")),
            "This is a certificate, not a public key",
        );
        refused(
            std::str::from_utf8(fixture!("rsa2048.cert.pem")).unwrap(),
            "This is a certificate, not a public key",
        );
        refused(
            &b64(fixture!("rsa2048.pkcs8.der")),
            "This is a private key, pasted by mistake?",
        );
        refused(
            std::str::from_utf8(fixture!("rsa2048.pkcs1.pem")).unwrap(),
            "This is a private key, pasted by mistake?",
        );
        refused(
            std::str::from_utf8(fixture!("rsa2048.pkcs1pub.pem")).unwrap(),
            "This is a PKCS#1 \"RSA PUBLIC KEY\"",
        );
        refused(
            &b64(&[0x30; 5000]),
            "The wrapping key is 5000 bytes; an AWS wrapping key is at most 4096 bytes",
        );
        refused(
            "-----BEGIN PUBLIC KEY-----\nMIIB",
            "The PEM has no \"-----END PUBLIC KEY-----\" line",
        );
        refused(
            "{\"KeyId\": 1",
            "The text starts like JSON but is not valid JSON",
        );
        refused_file(&[0xff, 0xfe, 0x00], "The file is neither DER");
        refused_file(
            fixture!("rsa2048.pkcs8.der"),
            "This is a private key, pasted by mistake?",
        );
    }
}
