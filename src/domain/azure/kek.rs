//! The Azure key-encryption key (KEK) as the user hands it over — `az keyvault key show` JSON,
//! or the PEM `az keyvault key download` wrote plus its kid — checked before anything is sent.
//!
//! Azure's rules (byok-specification): an RSA-HSM key of 2048, 3072 or 4096 bits whose only
//! key operation is `import`, in the vault or Managed HSM the target key goes to.

use crate::domain::azure::byok_file::decode_base64url;
use crate::domain::azure::jwk::rsa_spki;
use crate::domain::azure::kid::AzureKeyId;
use crate::domain::azure::outputs::KeyBundle;
use crate::domain::cloud::Cloud;
use crate::domain::wrapping_key::{WrappingPublicKey, check_spki, decode_pem, modulus_bits};

/// The RSA sizes Azure accepts for a KEK.
pub const KEK_BITS: [usize; 3] = [2048, 3072, 4096];

/// A checked Azure KEK.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AzureKek {
    /// Its key identifier, with the version the `.byok` will name.
    pub kid: AzureKeyId,
    /// Its public key: the SubjectPublicKeyInfo DER the KMS imports, and its size.
    pub key: WrappingPublicKey,
    /// How it was handed over.
    pub source: KekSource,
}

/// How the KEK reached us.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KekSource {
    /// The JSON `az keyvault key show` (or `create`) prints.
    KeyShowJson,
    /// The PEM `az keyvault key download` writes, its kid typed beside it.
    PemWithKid,
}

impl KekSource {
    pub fn describe(self) -> &'static str {
        match self {
            Self::KeyShowJson => "az keyvault key show output",
            Self::PemWithKid => "PEM public key with its kid",
        }
    }
}

impl AzureKek {
    /// Its size in bits (2048, 3072 or 4096).
    pub fn bits(&self) -> usize {
        self.key.spec.bits()
    }

    /// The public key as a PEM "PUBLIC KEY", as `az keyvault key download` writes it.
    pub fn pem(&self) -> String {
        use base64::Engine;
        let body = base64::engine::general_purpose::STANDARD.encode(&self.key.spki_der);
        let lines: Vec<&str> = body
            .as_bytes()
            .chunks(64)
            .filter_map(|c| std::str::from_utf8(c).ok())
            .collect();
        format!(
            "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
            lines.join("\n")
        )
    }
}

/// Reads what was pasted: JSON alone (the kid is inside), or a PEM with the kid typed beside it.
pub fn parse_kek(text: &str, kid: Option<&str>) -> Result<AzureKek, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err("No KEK given: paste the JSON az keyvault key show --name <KEK> --vault-name <vault> prints, or the .publickey.pem az keyvault key download wrote together with its kid.".to_owned());
    }
    let kid = kid.filter(|k| !k.trim().is_empty());
    if trimmed.starts_with('{') {
        let kek = from_key_json(trimmed)?;
        return match kid {
            Some(typed) if AzureKeyId::parse(typed).ok().as_ref() != Some(&kek.kid) => {
                Err(format!(
                    "The kid typed ({}) is not the one in the JSON ({}): clear the kid field, the JSON names its key.",
                    typed.trim(),
                    kek.kid
                ))
            }
            _ => Ok(kek),
        };
    }
    let kid = kid.ok_or(
        "A PEM does not say which Azure key it is: type the KEK's kid (key.kid in az keyvault key show, with its version) beside it, or paste the whole JSON instead.",
    )?;
    from_pem(trimmed, kid)
}

/// Reads `az keyvault key show` / `create` JSON (or the REST API's key bundle).
/// Steps: JSON, kty, key operations, enabled, kid, modulus and exponent, size.
pub fn from_key_json(text: &str) -> Result<AzureKek, String> {
    let show: KeyBundle = serde_json::from_str(text).map_err(|e| {
        format!("The text starts like JSON but is not the JSON az keyvault key show prints ({e}): paste its whole output.")
    })?;
    let key = show.key.ok_or(
        "The JSON has no \"key\" member: paste the output of az keyvault key show --name <KEK> --vault-name <vault> (it holds key.kid, key.kty, key.n, key.e).",
    )?;
    check_kty(key.kty.as_deref())?;
    check_key_ops(key.key_ops.as_deref())?;
    if show.attributes.and_then(|a| a.enabled) == Some(false) {
        return Err("This KEK is disabled in Azure: Azure cannot unwrap with it. Enable it (az keyvault key set-attributes --enabled true) or create a new KEK.".to_owned());
    }
    let kid = key
        .kid
        .ok_or("The JSON has no key.kid: paste the whole output of az keyvault key show.")?;
    let kid = AzureKeyId::parse_versioned(&kid).map_err(|e| format!("key.kid: {e}"))?;
    let spki_der = spki_from_modulus(key.n.as_deref(), key.e.as_deref())?;
    let key = check_spki(&spki_der, Cloud::Azure)
        .map_err(|e| format!("The public key built from key.n and key.e is not usable ({e})."))?;
    Ok(AzureKek {
        kid,
        key,
        source: KekSource::KeyShowJson,
    })
}

/// Reads the PEM `az keyvault key download` wrote, with the kid typed beside it.
pub fn from_pem(pem: &str, kid: &str) -> Result<AzureKek, String> {
    let kid = AzureKeyId::parse_versioned(kid)?;
    let der = decode_pem(pem.trim(), Cloud::Azure)?;
    let key = check_spki(&der, Cloud::Azure).map_err(|e| {
        format!("The PEM is not an RSA public key Azure could have given for a KEK ({e})")
    })?;
    Ok(AzureKek {
        kid,
        key,
        source: KekSource::PemWithKid,
    })
}

fn check_kty(kty: Option<&str>) -> Result<(), String> {
    match kty {
        Some("RSA-HSM") => Ok(()),
        Some("RSA") => Err("This key's kty is RSA, a software-protected key; Azure's KEK must be RSA-HSM (Key Vault Premium or Managed HSM): create it with az keyvault key create --kty RSA-HSM --ops import.".to_owned()),
        Some(other) => Err(format!(
            "This key's kty is {other}; Azure's KEK is an RSA-HSM key: create one with az keyvault key create --kty RSA-HSM --size 4096 --ops import and paste its az keyvault key show output."
        )),
        None => Err("The JSON has no key.kty: paste the whole output of az keyvault key show.".to_owned()),
    }
}

fn check_key_ops(ops: Option<&[String]>) -> Result<(), String> {
    match ops {
        Some([only]) if only == "import" => Ok(()),
        Some(ops) => Err(format!(
            "This key's operations are [{}]; Azure's KEK must have import as its only operation, or Azure refuses the .byok: create a KEK with --ops import and nothing else.",
            ops.join(", ")
        )),
        None => Err("The JSON has no key.keyOps: paste the whole output of az keyvault key show (a KEK's keyOps is [\"import\"]).".to_owned()),
    }
}

/// The SubjectPublicKeyInfo of the RSA key `n`, `e` (base64url or base64, as az or the REST API prints).
fn spki_from_modulus(n: Option<&str>, e: Option<&str>) -> Result<Vec<u8>, String> {
    let decode = |name: &str, value: Option<&str>| {
        let value = value.ok_or_else(|| {
            format!("The JSON has no key.{name}: paste the whole output of az keyvault key show.")
        })?;
        decode_base64url(value).map_err(|why| format!("key.{name} is not base64: {why}."))
    };
    let n = decode("n", n)?;
    let e = decode("e", e)?;
    let bits = modulus_bits(&n);
    if !KEK_BITS.contains(&bits) {
        return Err(format!(
            "This KEK is RSA {bits}-bit; Azure's KEK is 2048, 3072 or 4096 bits: create it with --size 2048, 3072 or 4096."
        ));
    }
    rsa_spki(&n, &e)
}

#[cfg(test)]
mod tests {
    use base64::Engine;
    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
    use der::Decode;
    use spki::SubjectPublicKeyInfoRef;

    use super::*;

    const KID: &str =
        "https://mypremiumkeyvault.vault.azure.net/keys/KEK-BYOK/664f5aa2797a4075b8e36ca4500636d8";

    macro_rules! fixture {
        ($name:literal) => {
            include_bytes!(concat!("../../../tests/fixtures/", $name)).as_slice()
        };
    }

    /// (n, e) of an SPKI fixture.
    fn modulus_and_exponent(der: &[u8]) -> (Vec<u8>, Vec<u8>) {
        let spki = SubjectPublicKeyInfoRef::from_der(der).unwrap();
        let rsa = pkcs1::RsaPublicKey::from_der(spki.subject_public_key.raw_bytes()).unwrap();
        (
            rsa.modulus.as_bytes().to_vec(),
            rsa.public_exponent.as_bytes().to_vec(),
        )
    }

    /// `az keyvault key show` output as azure-cli's transform_key_bundle prints it
    /// (n and e in standard base64, keyOps, attributes with ISO times).
    fn key_show(der: &[u8], kty: &str, ops: &str) -> String {
        let (n, e) = modulus_and_exponent(der);
        format!(
            r#"{{
  "attributes": {{
    "created": "2026-11-28T10:15:02+00:00",
    "enabled": true,
    "expires": null,
    "exportable": false,
    "notBefore": null,
    "recoverableDays": 90,
    "recoveryLevel": "Recoverable+Purgeable",
    "updated": "2026-11-28T10:15:02+00:00"
  }},
  "key": {{
    "crv": null, "d": null, "dp": null, "dq": null,
    "e": "{}",
    "k": null,
    "keyOps": {ops},
    "kid": "{KID}",
    "kty": "{kty}",
    "n": "{}",
    "p": null, "q": null, "qi": null, "t": null, "x": null, "y": null
  }},
  "managed": null,
  "name": "KEK-BYOK",
  "releasePolicy": null,
  "tags": null
}}"#,
            STANDARD.encode(e),
            STANDARD.encode(n)
        )
    }

    fn refused(text: &str, kid: Option<&str>, starts: &str) {
        let message = parse_kek(text, kid).unwrap_err();
        assert!(
            message.starts_with(starts),
            "expected {starts:?}, got {message:?}"
        );
    }

    #[test]
    fn the_key_show_json_gives_the_same_der_as_the_key_itself() {
        for (der, bits) in [
            (fixture!("rsa2048.spki.der"), 2048),
            (fixture!("rsa3072.spki.der"), 3072),
            (fixture!("rsa4096.spki.der"), 4096),
        ] {
            let kek = parse_kek(&key_show(der, "RSA-HSM", r#"["import"]"#), None).unwrap();
            assert_eq!(kek.key.spki_der, der, "{bits}");
            assert_eq!(kek.bits(), bits);
            assert_eq!(kek.kid.to_string(), KID);
            assert_eq!(kek.source, KekSource::KeyShowJson);
        }
    }

    #[test]
    fn the_rest_api_form_is_read_too() {
        let der = fixture!("rsa2048.spki.der");
        let (n, e) = modulus_and_exponent(der);
        let json = format!(
            r#"{{"key":{{"kid":"{KID}","kty":"RSA-HSM","key_ops":["import"],"n":"{}","e":"{}"}},"attributes":{{"enabled":true,"created":1764324902}}}}"#,
            URL_SAFE_NO_PAD.encode(n),
            URL_SAFE_NO_PAD.encode(e)
        );
        assert_eq!(parse_kek(&json, None).unwrap().key.spki_der, der);
    }

    #[test]
    fn the_downloaded_pem_with_its_kid_is_read_and_written_back() {
        let pem = std::str::from_utf8(fixture!("rsa4096.spki.pem")).unwrap();
        let kek = parse_kek(pem, Some(KID)).unwrap();
        assert_eq!(kek.key.spki_der, fixture!("rsa4096.spki.der"));
        assert_eq!(kek.source, KekSource::PemWithKid);
        assert_eq!(kek.source.describe(), "PEM public key with its kid");
        assert_eq!(kek.pem().trim(), pem.trim());
        assert!(kek.key.summary().starts_with("RSA 4096-bit public key"));
    }

    #[test]
    fn every_refusal_of_the_json_says_what_to_do() {
        let der = fixture!("rsa2048.spki.der");
        let good = key_show(der, "RSA-HSM", r#"["import"]"#);
        refused("", None, "No KEK given");
        refused(
            "{\"key\": 1",
            None,
            "The text starts like JSON but is not the JSON",
        );
        refused("{}", None, "The JSON has no \"key\" member");
        refused(
            &key_show(der, "RSA", r#"["import"]"#),
            None,
            "This key's kty is RSA, a software-protected key; Azure's KEK must be RSA-HSM",
        );
        refused(
            &key_show(der, "EC-HSM", r#"["import"]"#),
            None,
            "This key's kty is EC-HSM; Azure's KEK is an RSA-HSM key",
        );
        refused(
            &good.replace("\"kty\": \"RSA-HSM\",", ""),
            None,
            "The JSON has no key.kty",
        );
        refused(
            &key_show(der, "RSA-HSM", r#"["import", "wrapKey"]"#),
            None,
            "This key's operations are [import, wrapKey]; Azure's KEK must have import as its only operation",
        );
        refused(
            &key_show(der, "RSA-HSM", r#"["encrypt", "decrypt"]"#),
            None,
            "This key's operations are [encrypt, decrypt]",
        );
        refused(
            &good.replace("\"keyOps\": [\"import\"],", ""),
            None,
            "The JSON has no key.keyOps",
        );
        refused(
            &good.replace("\"enabled\": true", "\"enabled\": false"),
            None,
            "This KEK is disabled in Azure",
        );
        refused(
            &good.replace(&format!("\"kid\": \"{KID}\","), ""),
            None,
            "The JSON has no key.kid",
        );
        refused(
            &good.replace("/664f5aa2797a4075b8e36ca4500636d8", ""),
            None,
            "key.kid: The key identifier https://mypremiumkeyvault.vault.azure.net/keys/KEK-BYOK has no version",
        );
        let (n, _) = modulus_and_exponent(der);
        refused(
            &good.replace(&STANDARD.encode(&n), "AB!D"),
            None,
            "key.n is not base64: the character '!' at position 3",
        );
        refused(
            &good.replace(&format!("\"n\": \"{}\",", STANDARD.encode(&n)), ""),
            None,
            "The JSON has no key.n",
        );
        refused(
            &key_show(fixture!("rsa1024.spki.der"), "RSA-HSM", r#"["import"]"#),
            None,
            "This KEK is RSA 1024-bit; Azure's KEK is 2048, 3072 or 4096 bits",
        );
    }

    #[test]
    fn a_kid_typed_beside_the_json_must_be_the_same() {
        let json = key_show(fixture!("rsa2048.spki.der"), "RSA-HSM", r#"["import"]"#);
        assert!(parse_kek(&json, Some(KID)).is_ok());
        assert!(parse_kek(&json, Some(" ")).is_ok());
        let other = KID.replace("664f5aa2", "00000000");
        refused(
            &json,
            Some(&other),
            &format!("The kid typed ({other}) is not the one in the JSON ({KID})"),
        );
    }

    #[test]
    fn a_refused_pem_names_azure_and_its_kek_not_aws() {
        let pem = |der: &[u8]| {
            format!(
                "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----",
                STANDARD.encode(der)
            )
        };
        assert_eq!(
            parse_kek(&pem(fixture!("ec-p256.spki.der")), Some(KID)).unwrap_err(),
            "The PEM is not an RSA public key Azure could have given for a KEK (This is an EC public key; Azure KEKs are RSA (RSA-HSM 2048, 3072 or 4096).)"
        );
        assert_eq!(
            parse_kek(&pem(fixture!("rsa1024.spki.der")), Some(KID)).unwrap_err(),
            "The PEM is not an RSA public key Azure could have given for a KEK (This is an RSA 1024-bit key; Azure KEKs are 2048, 3072 or 4096 bits (RSA-HSM).)"
        );
        assert_eq!(
            parse_kek(
                std::str::from_utf8(fixture!("rsa2048.pkcs1.pem")).unwrap(),
                Some(KID)
            )
            .unwrap_err(),
            "This is a private key, pasted by mistake? The KEK Azure gives is a public key (the PEM az keyvault key download wrote); never paste private keys here."
        );
        assert_eq!(
            parse_kek("MIIBIjAN", Some(KID)).unwrap_err(),
            "This is not a PEM (no -----BEGIN PUBLIC KEY----- line): give the PEM az keyvault key download wrote, or the JSON az keyvault key show prints."
        );
    }

    #[test]
    fn every_refusal_of_the_pem_says_what_to_do() {
        let pem = std::str::from_utf8(fixture!("rsa4096.spki.pem")).unwrap();
        refused(pem, None, "A PEM does not say which Azure key it is");
        refused(pem, Some("  "), "A PEM does not say which Azure key it is");
        refused(
            pem,
            Some("https://mypremiumkeyvault.vault.azure.net/keys/KEK-BYOK"),
            "The key identifier https://mypremiumkeyvault.vault.azure.net/keys/KEK-BYOK has no version",
        );
        refused("MIIBIjAN", Some(KID), "This is not a PEM");
        refused(
            std::str::from_utf8(fixture!("rsa2048.cert.pem")).unwrap(),
            Some(KID),
            "This is a certificate, not the KEK's public key",
        );
        refused(
            std::str::from_utf8(fixture!("rsa2048.pkcs1.pem")).unwrap(),
            Some(KID),
            "This is a private key, pasted by mistake?",
        );
        refused(
            std::str::from_utf8(fixture!("rsa2048.pkcs1pub.pem")).unwrap(),
            Some(KID),
            "This is a PKCS#1 \"RSA PUBLIC KEY\"",
        );
        refused(
            "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----",
            Some(KID),
            "This PEM holds a \"EC PARAMETERS\"",
        );
        refused(
            "-----BEGIN PUBLIC KEY-----\nMIIB",
            Some(KID),
            "The PEM has no \"-----END PUBLIC KEY-----\" line",
        );
        refused(
            &format!("{pem}\n{pem}"),
            Some(KID),
            "There is text after \"-----END PUBLIC KEY-----\"",
        );
        refused(
            "-----BEGIN PUBLIC KEY-----\nAB!D\n-----END PUBLIC KEY-----",
            Some(KID),
            "The PEM body is not base64: the character '!'",
        );
        let ec = format!(
            "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----",
            STANDARD.encode(fixture!("ec-p256.spki.der"))
        );
        refused(
            &ec,
            Some(KID),
            "The PEM is not an RSA public key Azure could have given for a KEK (This is an EC public key",
        );
    }
}
