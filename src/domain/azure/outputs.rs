//! The JSON `az keyvault key import` and `az keyvault key show` print for an imported key,
//! read into a typed value for the ledger, and checked to be the key just brought to Azure.
//!
//! Shape as azure-cli's `transform_key_bundle` prints it: `key.kid` (with version), `key.kty`,
//! `key.keyOps`, `key.n`/`key.e` or `key.crv`/`key.x`/`key.y` in base64, and `attributes`
//! (`enabled`, `expires`, `created`, `updated`, `notBefore` as ISO 8601 times). The REST API's
//! key bundle (`key_ops`, base64url, Unix seconds) is read too.

use serde::Deserialize;
use serde_json::Value;
use time::OffsetDateTime;

use crate::domain::azure::byok_file::decode_base64url;
use crate::domain::azure::kid::{AzureKeyId, KeyName};
use crate::domain::azure::rules::{AzureKeyType, parse_curve};
use crate::domain::key_material::EcCurve;
use crate::domain::stored::parse_rfc3339;
use crate::domain::wrapping_key::modulus_bits;

/// The public part of a key as Azure shows it; a symmetric key shows none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PublicPart {
    Rsa {
        n: Vec<u8>,
        e: Vec<u8>,
    },
    Ec {
        curve: EcCurve,
        x: Vec<u8>,
        y: Vec<u8>,
    },
    Symmetric,
}

/// A key in Azure as an output describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AzureKeyOutput {
    /// Its kid, with the version the import created.
    pub kid: AzureKeyId,
    /// `kty` as printed (`RSA-HSM`, `EC-HSM`, `oct-HSM`, or a software `RSA`, `EC`, `oct`).
    pub kty: String,
    /// The operations Azure grants (`sign`, `wrapKey`, … as printed).
    pub key_ops: Vec<String>,
    pub public: PublicPart,
    pub enabled: Option<bool>,
    pub not_before: Option<OffsetDateTime>,
    pub expires: Option<OffsetDateTime>,
    pub created: Option<OffsetDateTime>,
    pub updated: Option<OffsetDateTime>,
}

impl AzureKeyOutput {
    /// Whether HSM-protected (`-HSM` key types).
    pub fn is_hsm(&self) -> bool {
        self.kty.ends_with("-HSM")
    }

    /// Whether this is a BYOK KEK (its only operation is `import`).
    pub fn is_kek(&self) -> bool {
        self.key_ops == ["import"]
    }

    /// The Azure key type it is, when its size or curve shows (an oct key shows no size).
    pub fn key_type(&self) -> Option<AzureKeyType> {
        match (&self.public, self.kty.as_str()) {
            (PublicPart::Rsa { n, .. }, "RSA-HSM") => Some(AzureKeyType::RsaHsm {
                bits: modulus_bits(n),
            }),
            (PublicPart::Ec { curve, .. }, "EC-HSM") => Some(AzureKeyType::EcHsm { curve: *curve }),
            _ => None,
        }
    }
}

/// A key bundle as `az keyvault key show/import/create` print it (and the REST API).
#[derive(Deserialize)]
pub(super) struct KeyBundle {
    pub(super) key: Option<Jwk>,
    pub(super) attributes: Option<Attributes>,
}

#[derive(Deserialize)]
pub(super) struct Jwk {
    pub(super) kid: Option<String>,
    pub(super) kty: Option<String>,
    #[serde(rename = "keyOps", alias = "key_ops")]
    pub(super) key_ops: Option<Vec<String>>,
    pub(super) n: Option<String>,
    pub(super) e: Option<String>,
    pub(super) crv: Option<String>,
    pub(super) x: Option<String>,
    pub(super) y: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct Attributes {
    pub(super) enabled: Option<bool>,
    #[serde(rename = "notBefore", alias = "nbf")]
    pub(super) not_before: Option<Value>,
    #[serde(alias = "exp")]
    pub(super) expires: Option<Value>,
    pub(super) created: Option<Value>,
    pub(super) updated: Option<Value>,
}

/// Reads the JSON of `az keyvault key import` or `show`. Steps: JSON, key, kid, kty, public part, attributes.
pub fn read_key_output(text: &str) -> Result<AzureKeyOutput, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("No output given: paste the JSON az keyvault key import printed (or az keyvault key show --name <key> --vault-name <vault>).".to_owned());
    }
    let output: KeyBundle = serde_json::from_str(text).map_err(|e| {
        format!("This is not the JSON az keyvault key import prints ({e}): paste its whole output.")
    })?;
    let key = output.key.ok_or(
        "The JSON has no \"key\" member: paste the output of az keyvault key import or az keyvault key show, not of another command.",
    )?;
    let kid = key
        .kid
        .as_deref()
        .ok_or("The JSON has no key.kid: paste the whole output.")?;
    let kid = AzureKeyId::parse_versioned(kid).map_err(|e| format!("key.kid: {e}"))?;
    let kty = key
        .kty
        .clone()
        .ok_or("The JSON has no key.kty: paste the whole output.")?;
    let public = read_public_part(&kty, &key)?;
    let attributes = output.attributes;
    let time = |name: &str, value: Option<&Value>| read_time(name, value);
    Ok(AzureKeyOutput {
        kid,
        kty,
        key_ops: key.key_ops.unwrap_or_default(),
        public,
        enabled: attributes.as_ref().and_then(|a| a.enabled),
        not_before: time(
            "notBefore",
            attributes.as_ref().and_then(|a| a.not_before.as_ref()),
        )?,
        expires: time(
            "expires",
            attributes.as_ref().and_then(|a| a.expires.as_ref()),
        )?,
        created: time(
            "created",
            attributes.as_ref().and_then(|a| a.created.as_ref()),
        )?,
        updated: time(
            "updated",
            attributes.as_ref().and_then(|a| a.updated.as_ref()),
        )?,
    })
}

/// What the output must be for the key just imported: not the KEK, HSM-protected,
/// in the KEK's vault, under the name chosen, of the type exported.
pub fn check_imported(
    output: &AzureKeyOutput,
    expected: AzureKeyType,
    kek_kid: &AzureKeyId,
    key_name: &KeyName,
) -> Result<(), String> {
    if output.is_kek() {
        return Err(format!(
            "This is a KEK's output ({}: its only operation is import), not the imported key's: paste what az keyvault key import printed for {key_name}.",
            output.kid
        ));
    }
    if !output.is_hsm() {
        return Err(format!(
            "This key's kty is {}, a software-protected key; a key imported from a .byok is {}: paste the output of az keyvault key import for {key_name}.",
            output.kty,
            expected.kty()
        ));
    }
    if !output.kid.same_vault(kek_kid) {
        return Err(format!(
            "This key is in {}, but the KEK (and so the import) is in {}: paste the output from {}.",
            output.kid.vault_url(),
            kek_kid.vault_url(),
            kek_kid.vault_url()
        ));
    }
    if output.kid.key_name() != key_name {
        return Err(format!(
            "This output is for the key {}, not {key_name}: paste the output of the import of {key_name}.",
            output.kid.key_name()
        ));
    }
    check_type(output, expected)
}

fn check_type(output: &AzureKeyOutput, expected: AzureKeyType) -> Result<(), String> {
    let matches = match (expected, &output.public) {
        (AzureKeyType::OctHsm { .. }, PublicPart::Symmetric) => output.kty == "oct-HSM",
        _ => output.key_type() == Some(expected),
    };
    if matches {
        return Ok(());
    }
    let shown = output
        .key_type()
        .map_or_else(|| output.kty.clone(), |t| t.to_string());
    Err(format!(
        "This key is {shown}, but the key exported was {expected}: paste the output of the import of the .byok this tool wrote."
    ))
}

fn read_public_part(kty: &str, key: &Jwk) -> Result<PublicPart, String> {
    let bytes = |name: &str, value: Option<&str>| {
        let value = value.ok_or_else(|| {
            format!("The JSON has no key.{name}, which a {kty} key shows: paste the whole output.")
        })?;
        decode_base64url(value).map_err(|why| format!("key.{name} is not base64: {why}."))
    };
    match kty {
        "RSA-HSM" | "RSA" => Ok(PublicPart::Rsa {
            n: bytes("n", key.n.as_deref())?,
            e: bytes("e", key.e.as_deref())?,
        }),
        "EC-HSM" | "EC" => {
            let crv = key
                .crv
                .as_deref()
                .ok_or("The JSON has no key.crv, which an EC key shows: paste the whole output.")?;
            let curve = parse_curve(crv).ok_or_else(|| {
                format!("key.crv is {crv}; Azure's curves are P-256, P-384, P-521 and P-256K: paste the output of az keyvault key import.")
            })?;
            Ok(PublicPart::Ec {
                curve,
                x: bytes("x", key.x.as_deref())?,
                y: bytes("y", key.y.as_deref())?,
            })
        }
        "oct-HSM" | "oct" => Ok(PublicPart::Symmetric),
        other => Err(format!(
            "key.kty is {other}; Azure's key types are RSA-HSM, EC-HSM and oct-HSM: paste the output of az keyvault key import."
        )),
    }
}

/// A time as az prints it (ISO 8601) or the REST API (Unix seconds); null is absent.
fn read_time(name: &str, value: Option<&Value>) -> Result<Option<OffsetDateTime>, String> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => parse_rfc3339(text).map(Some).map_err(|e| {
            format!("attributes.{name}: {e}; paste the output exactly as az printed it.")
        }),
        Some(Value::Number(seconds)) => seconds
            .as_i64()
            .and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok())
            .map(Some)
            .ok_or_else(|| {
                format!("attributes.{name} ({seconds}) is not a time in seconds since 1970.")
            }),
        Some(other) => Err(format!(
            "attributes.{name} is {other}, not a time: paste the output exactly as az printed it."
        )),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use base64::Engine;
    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
    use der::Decode;
    use spki::SubjectPublicKeyInfoRef;
    use time::macros::datetime;

    use super::*;

    const KEK: &str = "https://contosokeyvaulthsm.vault.azure.net/keys/KEKforBYOK/eba63d27e4e34e028839b53fac905621";
    const KID: &str = "https://contosokeyvaulthsm.vault.azure.net/keys/ContosoFirstHSMkey/8fd7a3e7dbb84ccf9d6c3a0a1b2c3d4e";

    macro_rules! fixture {
        ($name:literal) => {
            include_bytes!(concat!("../../../tests/fixtures/", $name)).as_slice()
        };
    }

    /// The subject public key's bytes of an SPKI (an RSA key's PKCS#1, an EC key's point).
    pub(crate) fn subject_public_key(der: &[u8]) -> Vec<u8> {
        SubjectPublicKeyInfoRef::from_der(der)
            .unwrap()
            .subject_public_key
            .raw_bytes()
            .to_vec()
    }

    /// (n, e) of the `rsa3072.spki.der` fixture.
    pub(crate) fn rsa_modulus() -> (Vec<u8>, Vec<u8>) {
        let bytes = subject_public_key(fixture!("rsa3072.spki.der"));
        let rsa = pkcs1::RsaPublicKey::from_der(&bytes).unwrap();
        (
            rsa.modulus.as_bytes().to_vec(),
            rsa.public_exponent.as_bytes().to_vec(),
        )
    }

    /// `az keyvault key import` output for an RSA-HSM key (azure-cli's transform_key_bundle).
    fn rsa_import(kid: &str, ops: &str) -> String {
        let (n, e) = rsa_modulus();
        format!(
            r#"{{
  "attributes": {{
    "created": "2026-12-01T09:30:00+00:00",
    "enabled": true,
    "expires": "2027-06-30T12:00:00+00:00",
    "notBefore": null,
    "recoveryLevel": "Recoverable+Purgeable",
    "updated": "2026-12-01T09:30:00+00:00"
  }},
  "key": {{
    "crv": null, "d": null, "dp": null, "dq": null,
    "e": "{}",
    "k": null,
    "keyOps": {ops},
    "kid": "{kid}",
    "kty": "RSA-HSM",
    "n": "{}",
    "p": null, "q": null, "qi": null, "t": null, "x": null, "y": null
  }},
  "managed": null,
  "name": "ContosoFirstHSMkey",
  "tags": null
}}"#,
            STANDARD.encode(e),
            STANDARD.encode(n)
        )
    }

    /// The REST API's key bundle for an EC-HSM P-256 key (base64url, Unix seconds).
    fn ec_rest(kid: &str, crv: &str) -> String {
        let point = subject_public_key(fixture!("ec-p256.spki.der"));
        format!(
            r#"{{"key":{{"kid":"{kid}","kty":"EC-HSM","key_ops":["sign","verify"],"crv":"{crv}","x":"{}","y":"{}"}},"attributes":{{"enabled":true,"created":1764581400,"updated":1764581400}}}}"#,
            URL_SAFE_NO_PAD.encode(&point[1..33]),
            URL_SAFE_NO_PAD.encode(&point[33..])
        )
    }

    fn kek() -> AzureKeyId {
        AzureKeyId::parse(KEK).unwrap()
    }

    fn name() -> KeyName {
        KeyName::parse("ContosoFirstHSMkey").unwrap()
    }

    fn refused(text: &str, starts: &str) {
        let message = read_key_output(text).unwrap_err();
        assert!(
            message.starts_with(starts),
            "expected {starts:?}, got {message:?}"
        );
    }

    fn refused_check(text: &str, expected: AzureKeyType, starts: &str) {
        let output = read_key_output(text).unwrap();
        let message = check_imported(&output, expected, &kek(), &name()).unwrap_err();
        assert!(
            message.starts_with(starts),
            "expected {starts:?}, got {message:?}"
        );
    }

    #[test]
    fn an_rsa_import_output_is_read_and_typed() {
        let output = read_key_output(&rsa_import(KID, r#"["sign", "verify"]"#)).unwrap();
        assert_eq!(output.kid.to_string(), KID);
        assert_eq!(output.kty, "RSA-HSM");
        assert_eq!(output.key_ops, ["sign", "verify"]);
        let (n, e) = rsa_modulus();
        assert_eq!(output.public, PublicPart::Rsa { n, e });
        assert_eq!(output.key_type(), Some(AzureKeyType::RsaHsm { bits: 3072 }));
        assert_eq!(output.enabled, Some(true));
        assert_eq!(output.expires, Some(datetime!(2027-06-30 12:00 UTC)));
        assert_eq!(output.created, Some(datetime!(2026-12-01 09:30 UTC)));
        assert_eq!(output.not_before, None);
        let expected = AzureKeyType::RsaHsm { bits: 3072 };
        assert_eq!(check_imported(&output, expected, &kek(), &name()), Ok(()));
    }

    #[test]
    fn an_ec_key_from_the_rest_api_and_an_oct_key_are_read() {
        let output = read_key_output(&ec_rest(KID, "P-256")).unwrap();
        let PublicPart::Ec { curve, x, y } = &output.public else {
            panic!("{:?}", output.public)
        };
        assert_eq!((*curve, x.len(), y.len()), (EcCurve::P256, 32, 32));
        assert_eq!(output.created, Some(datetime!(2025-12-01 09:30 UTC)));
        let expected = AzureKeyType::EcHsm {
            curve: EcCurve::P256,
        };
        assert_eq!(check_imported(&output, expected, &kek(), &name()), Ok(()));

        let hsm_kek = AzureKeyId::parse("https://contoso-hsm.managedhsm.azure.net/keys/KEKforBYOK/eba63d27e4e34e028839b53fac905621").unwrap();
        let oct = r#"{"attributes":{"enabled":true},"key":{"kid":"https://contoso-hsm.managedhsm.azure.net/keys/ContosoFirstHSMkey/8fd7a3e7dbb84ccf9d6c3a0a1b2c3d4e","kty":"oct-HSM","keyOps":["wrapKey","unwrapKey"]}}"#;
        let output = read_key_output(oct).unwrap();
        assert_eq!(output.public, PublicPart::Symmetric);
        assert_eq!(output.key_type(), None);
        let expected = AzureKeyType::OctHsm { bits: 256 };
        assert_eq!(check_imported(&output, expected, &hsm_kek, &name()), Ok(()));
    }

    #[test]
    fn a_wrong_paste_is_refused_with_the_fix() {
        let rsa = AzureKeyType::RsaHsm { bits: 3072 };
        refused_check(
            &rsa_import(KEK, r#"["import"]"#),
            rsa,
            &format!("This is a KEK's output ({KEK}: its only operation is import)"),
        );
        refused_check(
            &rsa_import(KID, r#"["sign"]"#).replace("\"RSA-HSM\"", "\"RSA\""),
            rsa,
            "This key's kty is RSA, a software-protected key; a key imported from a .byok is RSA-HSM",
        );
        refused_check(
            &rsa_import(
                &KID.replace("contosokeyvaulthsm", "othervault"),
                r#"["sign"]"#,
            ),
            rsa,
            "This key is in https://othervault.vault.azure.net, but the KEK (and so the import) is in https://contosokeyvaulthsm.vault.azure.net",
        );
        refused_check(
            &rsa_import(&KID.replace("ContosoFirstHSMkey", "Other"), r#"["sign"]"#),
            rsa,
            "This output is for the key Other, not ContosoFirstHSMkey",
        );
        refused_check(
            &rsa_import(KID, r#"["sign"]"#),
            AzureKeyType::RsaHsm { bits: 4096 },
            "This key is RSA-HSM 3072-bit, but the key exported was RSA-HSM 4096-bit",
        );
        refused_check(
            &ec_rest(KID, "P-256"),
            AzureKeyType::EcHsm {
                curve: EcCurve::P384,
            },
            "This key is EC-HSM P-256, but the key exported was EC-HSM P-384",
        );
        refused_check(
            &ec_rest(KID, "P-256"),
            AzureKeyType::OctHsm { bits: 256 },
            "This key is EC-HSM P-256, but the key exported was oct-HSM 256-bit (AES)",
        );
    }

    #[test]
    fn every_refusal_of_the_json_names_the_member() {
        let good = rsa_import(KID, r#"["sign"]"#);
        refused("", "No output given");
        refused(
            "{\"key\":",
            "This is not the JSON az keyvault key import prints",
        );
        refused("{}", "The JSON has no \"key\" member");
        refused(
            &good.replace(&format!("\"kid\": \"{KID}\","), ""),
            "The JSON has no key.kid",
        );
        refused(
            &good.replace("/8fd7a3e7dbb84ccf9d6c3a0a1b2c3d4e", ""),
            "key.kid: The key identifier https://contosokeyvaulthsm.vault.azure.net/keys/ContosoFirstHSMkey has no version",
        );
        refused(
            &good.replace("\"kty\": \"RSA-HSM\",", ""),
            "The JSON has no key.kty",
        );
        refused(
            &good.replace("\"RSA-HSM\"", "\"OKP\""),
            "key.kty is OKP; Azure's key types are RSA-HSM, EC-HSM and oct-HSM",
        );
        let (n, _) = rsa_modulus();
        refused(
            &good.replace(&format!("\"n\": \"{}\",", STANDARD.encode(&n)), ""),
            "The JSON has no key.n, which a RSA-HSM key shows",
        );
        refused(
            &good.replace(&STANDARD.encode(&n), "A!"),
            "key.n is not base64: the character '!'",
        );
        refused(
            &ec_rest(KID, "P-256").replace(",\"crv\":\"P-256\"", ""),
            "The JSON has no key.crv",
        );
        refused(
            &ec_rest(KID, "P-224"),
            "key.crv is P-224; Azure's curves are P-256, P-384, P-521 and P-256K",
        );
        refused(
            &good.replace("\"2027-06-30T12:00:00+00:00\"", "\"next June\""),
            "attributes.expires: \"next June\" is not an RFC 3339 time",
        );
        refused(
            &good.replace("\"2027-06-30T12:00:00+00:00\"", "true"),
            "attributes.expires is true, not a time",
        );
        refused(
            &good.replace("\"2027-06-30T12:00:00+00:00\"", "1e300"),
            "attributes.expires (1e+300) is not a time in seconds since 1970",
        );
    }
}
