//! The RSA public key a cloud gives to wrap a KMS key under (AWS's wrapping key, Azure's KEK,
//! Google's import job key): PEM and SPKI checks every cloud shares, refusals in its words.

use der::asn1::{AnyRef, ObjectIdentifier};
use der::{Decode, Encode, Header, Reader, SliceReader, Tag, Tagged};
use pkcs1::RsaPublicKey;
use sha2::{Digest, Sha256};
use spki::SubjectPublicKeyInfoRef;

use crate::domain::aws::wrapping_key_spec::WrappingKeySpec;
use crate::domain::base64_text::decode_base64;
use crate::domain::cloud::Cloud;

/// Largest DER wrapping key accepted (an RSA-4096 SPKI is 550 bytes).
pub const MAX_KEK_BYTES: usize = 4096;

const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const RSASSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");
const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");

/// A checked wrapping key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WrappingPublicKey {
    /// The SubjectPublicKeyInfo DER, exactly what the cloud returned.
    pub spki_der: Vec<u8>,
    /// Its size: 2048, 3072 or 4096 bits, the sizes every cloud here issues (AWS's
    /// `--wrapping-key-spec` names them).
    pub spec: WrappingKeySpec,
}

impl WrappingPublicKey {
    /// SHA-256 of the DER in lower-case hex, as the `kek_sha256:` tag holds it.
    pub fn sha256_hex(&self) -> String {
        hex::encode(Sha256::digest(&self.spki_der))
    }

    /// SHA-256 of the DER as `3F:9A:…`.
    pub fn fingerprint(&self) -> String {
        Sha256::digest(&self.spki_der)
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect::<Vec<_>>()
            .join(":")
    }

    /// "RSA 4096-bit public key, SHA-256 fingerprint 3F:9A:…".
    pub fn summary(&self) -> String {
        format!(
            "RSA {}-bit public key, SHA-256 fingerprint {}",
            self.spec.bits(),
            self.fingerprint()
        )
    }
}

/// Reads a wrapping key pasted as a PEM "PUBLIC KEY" or as base64 DER.
pub fn parse_pem_or_base64(text: &str, cloud: Cloud) -> Result<WrappingPublicKey, String> {
    let trimmed = text.trim();
    let noun = cloud.wrapping_key_noun();
    if trimmed.is_empty() {
        return Err(format!(
            "No {noun} given: paste {}.",
            cloud.key_sources_phrase()
        ));
    }
    if trimmed.starts_with("-----BEGIN") {
        return check_spki(&decode_pem(trimmed, cloud)?, cloud);
    }
    let der = decode_base64(trimmed).map_err(|e| {
        format!(
            "The {noun} is not base64: {e}. Paste {} exactly as {cloud} printed it.",
            cloud.key_value()
        )
    })?;
    check_spki(&der, cloud)
}

/// The DER inside a PEM "PUBLIC KEY" block; other PEM labels are named.
pub fn decode_pem(text: &str, cloud: Cloud) -> Result<Vec<u8>, String> {
    let first = text.lines().next().unwrap_or_default().trim();
    if !first.starts_with("-----BEGIN") {
        return Err(format!(
            "This is not a PEM (no -----BEGIN PUBLIC KEY----- line): give {}.",
            cloud.key_sources_phrase()
        ));
    }
    let label = first
        .strip_prefix("-----BEGIN ")
        .and_then(|l| l.strip_suffix("-----"))
        .ok_or("The PEM header line is malformed: it must read -----BEGIN PUBLIC KEY-----.")?;
    match label {
        "PUBLIC KEY" => {}
        "CERTIFICATE" => return Err(certificate_message(cloud)),
        "RSA PUBLIC KEY" => {
            return Err(format!(
                "This is a PKCS#1 \"RSA PUBLIC KEY\"; {} are SubjectPublicKeyInfo (\"-----BEGIN PUBLIC KEY-----\"): paste {} {cloud} returned.",
                wrapping_keys(cloud),
                cloud.key_value()
            ));
        }
        l if l.contains("PRIVATE KEY") => return Err(private_key_message(cloud)),
        other => {
            return Err(format!(
                "This PEM holds a \"{other}\", not a public key: paste a \"-----BEGIN PUBLIC KEY-----\" block."
            ));
        }
    }
    let end = "-----END PUBLIC KEY-----";
    let body_end = text
        .find(end)
        .ok_or("The PEM has no \"-----END PUBLIC KEY-----\" line: the copy is incomplete.")?;
    if !text[body_end + end.len()..].trim().is_empty() {
        return Err(
            "There is text after \"-----END PUBLIC KEY-----\": paste one key only.".to_owned(),
        );
    }
    let body = &text[first.len()..body_end];
    decode_base64(body).map_err(|e| format!("The PEM body is not base64: {e}"))
}

/// "AWS wrapping keys", "Azure KEKs": the subject of a sentence about every such key.
fn wrapping_keys(cloud: Cloud) -> String {
    format!("{cloud} {}s", cloud.wrapping_key_noun())
}

fn certificate_message(cloud: Cloud) -> String {
    let asked = match cloud {
        Cloud::Azure => "the KEK's public key",
        Cloud::Aws | Cloud::Google => "a public key",
    };
    format!(
        "This is a certificate, not {asked}: {cloud} gives the {} as a bare public key ({}).",
        cloud.wrapping_key_noun(),
        cloud.key_sources_phrase()
    )
}

fn private_key_message(cloud: Cloud) -> String {
    format!(
        "This is a private key, pasted by mistake? The {} {cloud} gives is a public key ({}); never paste private keys here.",
        cloud.wrapping_key_noun(),
        cloud.key_sources()[0]
    )
}

/// Checks that `der` is an SPKI holding an RSA key of a wrapping size (2048, 3072 or
/// 4096 bits); every refusal names `cloud` and what it gives.
pub fn check_spki(der: &[u8], cloud: Cloud) -> Result<WrappingPublicKey, String> {
    let noun = cloud.wrapping_key_noun();
    if der.is_empty() {
        return Err(format!("The {noun} is empty."));
    }
    if der.len() > MAX_KEK_BYTES {
        return Err(format!(
            "The {noun} is {} bytes; {} {noun} is at most {MAX_KEK_BYTES} bytes (RSA-4096 is 550): check you pasted the right value.",
            der.len(),
            cloud.with_article()
        ));
    }
    let outer_len = outer_sequence_len(der, cloud)?;
    if outer_len < der.len() {
        return Err(format!(
            "The key is followed by {} trailing bytes: the DER key ends at byte {outer_len}. Paste exactly {}.",
            der.len() - outer_len,
            cloud.key_value()
        ));
    }
    let spki = match SubjectPublicKeyInfoRef::from_der(der) {
        Ok(spki) => spki,
        Err(_) => return Err(identify_other_structure(der, cloud)),
    };
    let oid = spki.algorithm.oid;
    let keys = wrapping_keys(cloud);
    let sizes = cloud.sizes();
    if oid == EC_PUBLIC_KEY {
        return Err(format!(
            "This is an EC public key; {keys} are RSA ({sizes})."
        ));
    }
    if oid == ED25519 {
        return Err(format!(
            "This is an Ed25519 public key; {keys} are RSA ({sizes})."
        ));
    }
    if oid == RSASSA_PSS {
        return Err(format!(
            "This is an RSA-PSS signing key; {keys} are rsaEncryption keys."
        ));
    }
    if oid != RSA_ENCRYPTION {
        return Err(format!(
            "This public key's algorithm ({oid}) is not RSA; {keys} are RSA ({sizes})."
        ));
    }
    let key_bytes = spki
        .subject_public_key
        .as_bytes()
        .ok_or("The RSA key's bit string is malformed.")?;
    let rsa = RsaPublicKey::from_der(key_bytes)
        .map_err(|e| format!("The RSA public key inside is malformed ({e})."))?;
    let bits = modulus_bits(rsa.modulus.as_bytes());
    let Some(spec) = WrappingKeySpec::from_bits(bits) else {
        return Err(format!(
            "This is an RSA {bits}-bit key; {keys} are {}.",
            cloud.sizes_in_bits()
        ));
    };
    Ok(WrappingPublicKey {
        spki_der: der.to_vec(),
        spec,
    })
}

/// The size in bits of an RSA modulus given as big-endian bytes (leading zeros ignored).
pub fn modulus_bits(modulus: &[u8]) -> usize {
    let start = modulus
        .iter()
        .position(|b| *b != 0)
        .unwrap_or(modulus.len());
    match modulus.get(start) {
        Some(first) => (modulus.len() - start) * 8 - first.leading_zeros() as usize,
        None => 0,
    }
}

/// The length of the leading DER SEQUENCE, or why there is none.
fn outer_sequence_len(der: &[u8], cloud: Cloud) -> Result<usize, String> {
    let not_der = || {
        format!(
            "The bytes are not DER (no ASN.1 SEQUENCE at the start): this is not a public key. Paste {} exactly as {cloud} printed it.",
            cloud.key_value()
        )
    };
    let reader = SliceReader::new(der).map_err(|_| not_der())?;
    let header = reader.peek_header().map_err(|_| not_der())?;
    if header.tag != Tag::Sequence {
        return Err(not_der());
    }
    let header_len = usize::try_from(u32::from(header.encoded_len().map_err(|_| not_der())?))
        .map_err(|_| not_der())?;
    let body_len = usize::try_from(u32::from(header.length)).map_err(|_| not_der())?;
    let total = header_len + body_len;
    if total > der.len() {
        return Err(format!(
            "The DER is truncated: it announces {total} bytes but only {} are there. Check the copy is complete.",
            der.len()
        ));
    }
    Ok(total)
}

/// Names a DER structure that is not an SPKI (certificate, private key, ...).
fn identify_other_structure(der: &[u8], cloud: Cloud) -> String {
    let generic = format!(
        "The DER is not a SubjectPublicKeyInfo: paste {} {cloud} returned.",
        cloud.key_value()
    );
    let Ok(mut reader) = SliceReader::new(der) else {
        return generic;
    };
    if Header::decode(&mut reader).is_err() {
        return generic;
    }
    let mut tags = Vec::new();
    while !reader.is_finished() {
        match AnyRef::decode(&mut reader) {
            Ok(any) => tags.push(any.tag()),
            Err(_) => return generic,
        }
    }
    match tags.as_slice() {
        [Tag::Sequence, Tag::Sequence, Tag::BitString] => certificate_message(cloud),
        [Tag::Integer, Tag::Sequence, Tag::OctetString, ..] => private_key_message(cloud),
        [Tag::Integer, Tag::OctetString, ..] => private_key_message(cloud),
        [Tag::Integer, Tag::Integer, Tag::Integer, ..] => private_key_message(cloud),
        [Tag::Integer, Tag::Integer] => format!(
            "This is a PKCS#1 RSA public key; {} are SubjectPublicKeyInfo: paste {} {cloud} returned.",
            wrapping_keys(cloud),
            cloud.key_value()
        ),
        _ => generic,
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;

    use super::*;

    macro_rules! fixture {
        ($name:literal) => {
            include_bytes!(concat!("../../tests/fixtures/", $name)).as_slice()
        };
    }

    fn refusal(der: &[u8], cloud: Cloud) -> String {
        check_spki(der, cloud).unwrap_err()
    }

    #[test]
    fn every_cloud_accepts_the_same_keys() {
        for cloud in Cloud::ALL {
            let key = check_spki(fixture!("rsa3072.spki.der"), cloud).unwrap();
            assert_eq!(key.spec.bits(), 3072);
            let pem = std::str::from_utf8(fixture!("rsa4096.spki.pem")).unwrap();
            assert_eq!(
                parse_pem_or_base64(pem, cloud).unwrap().spki_der,
                fixture!("rsa4096.spki.der")
            );
            let base64 = STANDARD.encode(fixture!("rsa2048.spki.der"));
            assert_eq!(
                parse_pem_or_base64(&base64, cloud).unwrap().spec.bits(),
                2048
            );
        }
    }

    #[test]
    fn an_azure_refusal_names_azure_and_its_kek() {
        assert_eq!(
            refusal(fixture!("ec-p256.spki.der"), Cloud::Azure),
            "This is an EC public key; Azure KEKs are RSA (RSA-HSM 2048, 3072 or 4096)."
        );
        assert_eq!(
            refusal(fixture!("rsa1024.spki.der"), Cloud::Azure),
            "This is an RSA 1024-bit key; Azure KEKs are 2048, 3072 or 4096 bits (RSA-HSM)."
        );
        assert_eq!(
            refusal(fixture!("rsa2048.cert.der"), Cloud::Azure),
            "This is a certificate, not the KEK's public key: Azure gives the KEK as a bare public key (the PEM az keyvault key download wrote, or the JSON az keyvault key show prints)."
        );
    }

    #[test]
    fn a_google_refusal_names_google_cloud_and_its_import_job() {
        assert_eq!(
            refusal(fixture!("ec-p256.spki.der"), Cloud::Google),
            "This is an EC public key; Google Cloud wrapping keys are RSA (3072 or 4096 bits, the import method's size)."
        );
        assert_eq!(
            refusal(fixture!("rsa1024.spki.der"), Cloud::Google),
            "This is an RSA 1024-bit key; Google Cloud wrapping keys are 3072 or 4096 bits (the import method's size)."
        );
        assert_eq!(
            refusal(fixture!("rsa2048.pkcs8.der"), Cloud::Google),
            "This is a private key, pasted by mistake? The wrapping key Google Cloud gives is a public key (the import job's publicKey.pem from gcloud kms import-jobs describe); never paste private keys here."
        );
        assert_eq!(
            parse_pem_or_base64("", Cloud::Google).unwrap_err(),
            "No wrapping key given: paste the import job's publicKey.pem from gcloud kms import-jobs describe."
        );
    }

    #[test]
    fn no_refusal_for_another_cloud_names_aws() {
        let inputs: [&[u8]; 6] = [
            fixture!("ec-p256.spki.der"),
            fixture!("ed25519.spki.der"),
            fixture!("rsa1024.spki.der"),
            fixture!("rsa2048.cert.der"),
            fixture!("rsa2048.pkcs8.der"),
            b"\x04\x00",
        ];
        for cloud in [Cloud::Azure, Cloud::Google] {
            for der in inputs {
                let message = refusal(der, cloud);
                assert!(!message.contains("AWS"), "{cloud}: {message}");
                assert!(!message.contains("PublicKey"), "{cloud}: {message}");
            }
        }
    }

    #[test]
    fn the_modulus_size_ignores_leading_zeros() {
        assert_eq!(modulus_bits(&[]), 0);
        assert_eq!(modulus_bits(&[0, 0]), 0);
        assert_eq!(modulus_bits(&[0, 0x80, 0]), 16);
        assert_eq!(modulus_bits(&[0x01, 0xff]), 9);
    }
}
