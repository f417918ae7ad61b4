//! The `.byok` file Azure imports: the KEK's kid and the RSA-AES wrapped blob, written as
//! Microsoft's BYOK specification lays it out and read back from ours or the Cosmian CLI's.
//!
//! Microsoft's form (learn.microsoft.com/azure/key-vault/keys/byok-specification):
//! `{"schema_version":"1.0.0","header":{"kid":…,"alg":"dir","enc":"CKM_RSA_AES_KEY_WRAP"},
//! "ciphertext":BASE64URL(blob),"generator":…}`. The Cosmian CLI (`ckms azure byok export`)
//! writes the same members, `ciphertext` base64url without padding, `generator` `Cosmian_KMS;v5`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use crate::domain::azure::kid::AzureKeyId;
use crate::domain::base64_text::decode_base64;

/// The only schema version Microsoft's specification defines.
pub const SCHEMA_VERSION: &str = "1.0.0";
/// Direct mode: the kid's key protects the ciphertext itself.
pub const ALG: &str = "dir";
/// The one wrapping mechanism Azure unwraps.
pub const ENC: &str = "CKM_RSA_AES_KEY_WRAP";
/// Largest `.byok` read at all (an RSA-4096 key's is about 4 KB).
pub const MAX_BYOK_FILE_BYTES: usize = 64 * 1024;

/// This tool as the `generator` member names it: `byok-ui;<version>`.
pub fn generator() -> String {
    format!("byok-ui;{}", env!("CARGO_PKG_VERSION"))
}

/// A key transfer blob with the KEK it is wrapped for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ByokFile {
    /// The KEK's kid, with its version.
    pub kid: AzureKeyId,
    /// The CKM_RSA_AES_KEY_WRAP blob: RSA-OAEP(SHA-1) of an AES key, then RFC 5649 of the material.
    pub ciphertext: Vec<u8>,
    /// Who wrote it (`byok-ui;0.1.0`, `Cosmian_KMS;v5`); absent when the file does not say.
    pub generator: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct Document {
    schema_version: Option<String>,
    header: Option<Header>,
    ciphertext: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    generator: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct Header {
    kid: Option<String>,
    alg: Option<String>,
    enc: Option<String>,
}

impl ByokFile {
    /// A new file from this tool for a blob the KMS wrapped under `kid`.
    pub fn new(kid: AzureKeyId, ciphertext: Vec<u8>) -> Self {
        Self {
            kid,
            ciphertext,
            generator: Some(generator()),
        }
    }

    /// The file's text: one line, members in the specification's order,
    /// `ciphertext` base64url without padding (as the Cosmian CLI writes it).
    pub fn to_json(&self) -> String {
        let document = Document {
            schema_version: Some(SCHEMA_VERSION.to_owned()),
            header: Some(Header {
                kid: Some(self.kid.to_string()),
                alg: Some(ALG.to_owned()),
                enc: Some(ENC.to_owned()),
            }),
            ciphertext: Some(URL_SAFE_NO_PAD.encode(&self.ciphertext)),
            generator: self.generator.clone(),
        };
        serde_json::to_string(&document).unwrap_or_default()
    }

    /// Whether this file can be unwrapped by the KEK `kek_kid` of `kek_bits`: the same kid
    /// (version included), and a blob of an RSA ciphertext of the KEK's size followed by an
    /// RFC 5649 wrap (at least 16 bytes, a multiple of 8).
    pub fn check_for_kek(&self, kek_kid: &AzureKeyId, kek_bits: usize) -> Result<(), String> {
        if &self.kid != kek_kid {
            return Err(format!(
                "This .byok is wrapped for the KEK {}, not {kek_kid}: Azure would refuse it. Export the key again for {kek_kid}.",
                self.kid
            ));
        }
        let rsa_len = kek_bits / 8;
        let fits = self
            .ciphertext
            .len()
            .checked_sub(rsa_len)
            .is_some_and(|wrapped| wrapped >= 16 && wrapped % 8 == 0);
        if !fits {
            return Err(format!(
                "The .byok ciphertext is {} bytes, which is not an RSA {kek_bits}-bit block ({rsa_len} bytes) followed by an AES key wrap (16 bytes or more, a multiple of 8): the file was damaged or made for another KEK. Export the key again.",
                self.ciphertext.len()
            ));
        }
        Ok(())
    }

    /// The file name `az keyvault key import --byok-file` is given: `<key name>.byok`.
    pub fn file_name(key_name: &str) -> String {
        format!("{key_name}.byok")
    }

    /// Reads a `.byok` (ours, the Cosmian CLI's, a vendor tool's): the members in any
    /// order, the ciphertext padded or not. Steps: size, JSON, schema, header, kid, ciphertext.
    pub fn parse(text: &str) -> Result<Self, String> {
        check_size(text)?;
        let document = read_json(text)?;
        check_schema(document.schema_version.as_deref())?;
        let header = document.header.ok_or(
            "The .byok file has no \"header\": it is not a key transfer blob. Choose the .byok file the export wrote.",
        )?;
        check_header(&header)?;
        let kid = read_kid(header.kid.as_deref())?;
        let ciphertext = read_ciphertext(document.ciphertext.as_deref())?;
        Ok(Self {
            kid,
            ciphertext,
            generator: document.generator.filter(|g| !g.trim().is_empty()),
        })
    }
}

/// Base64 as a `.byok` or an Azure output spells it: base64url or standard,
/// padded or not, line breaks ignored.
pub fn decode_base64url(text: &str) -> Result<Vec<u8>, String> {
    let standard: String = text
        .chars()
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            c => c,
        })
        .collect();
    decode_base64(&standard)
}

fn check_size(text: &str) -> Result<(), String> {
    if text.trim().is_empty() {
        return Err(
            "The .byok file is empty: choose the file the export wrote (<key name>.byok)."
                .to_owned(),
        );
    }
    if text.len() > MAX_BYOK_FILE_BYTES {
        return Err(format!(
            "The file is {} bytes; a .byok is a few kilobytes (at most {MAX_BYOK_FILE_BYTES} bytes): choose the .byok file itself.",
            text.len()
        ));
    }
    Ok(())
}

fn read_json(text: &str) -> Result<Document, String> {
    serde_json::from_str(text.trim()).map_err(|e| {
        format!("The .byok file is not the JSON a .byok holds ({e}): choose the .byok file the export wrote, unchanged.")
    })
}

fn check_schema(version: Option<&str>) -> Result<(), String> {
    match version {
        Some(SCHEMA_VERSION) => Ok(()),
        Some(other) => Err(format!(
            "The .byok file's schema_version is \"{other}\"; Azure's BYOK specification defines \"{SCHEMA_VERSION}\" only: export the key again with this tool or the Cosmian CLI."
        )),
        None => Err(format!(
            "The .byok file has no schema_version (Azure expects \"{SCHEMA_VERSION}\"): it is not a key transfer blob. Choose the .byok file the export wrote."
        )),
    }
}

fn check_header(header: &Header) -> Result<(), String> {
    match header.alg.as_deref() {
        Some(ALG) => {}
        other => {
            return Err(format!(
                "The .byok header's alg is {}; Azure expects \"{ALG}\" (the kid's key protects the ciphertext directly): export the key again.",
                quoted_or_absent(other)
            ));
        }
    }
    match header.enc.as_deref() {
        Some(ENC) => Ok(()),
        other => Err(format!(
            "The .byok header's enc is {}; Azure unwraps \"{ENC}\" only (RSA-AES key wrap with SHA-1): export the key again with that wrapping.",
            quoted_or_absent(other)
        )),
    }
}

fn quoted_or_absent(value: Option<&str>) -> String {
    value.map_or_else(|| "absent".to_owned(), |v| format!("\"{v}\""))
}

fn read_kid(kid: Option<&str>) -> Result<AzureKeyId, String> {
    let kid = kid.ok_or(
        "The .byok header has no kid: Azure cannot tell which KEK unwraps it. Export the key again for an Azure KEK.",
    )?;
    AzureKeyId::parse_versioned(kid).map_err(|e| format!("The .byok header's kid: {e}"))
}

fn read_ciphertext(ciphertext: Option<&str>) -> Result<Vec<u8>, String> {
    let text = ciphertext
        .ok_or("The .byok file has no ciphertext: it carries no key. Export the key again.")?;
    let blob = decode_base64url(text)
        .map_err(|e| format!("The .byok ciphertext is not base64url: {e}. The file was damaged: export the key again."))?;
    if blob.is_empty() {
        return Err(
            "The .byok ciphertext is empty: it carries no key. Export the key again.".to_owned(),
        );
    }
    Ok(blob)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KID: &str =
        "https://mypremiumkeyvault.vault.azure.net/keys/KEK-BYOK/664f5aa2797a4075b8e36ca4500636d8";

    fn kid() -> AzureKeyId {
        AzureKeyId::parse_versioned(KID).unwrap()
    }

    /// A blob whose base64 holds both URL-safe characters and needs padding.
    fn blob() -> Vec<u8> {
        let mut blob = vec![0xfb, 0xff, 0xbf];
        blob.extend((0..=255u8).cycle().take(530));
        blob
    }

    fn refused(text: &str, starts: &str) {
        let message = ByokFile::parse(text).unwrap_err();
        assert!(
            message.starts_with(starts),
            "expected {starts:?}, got {message:?}"
        );
    }

    #[test]
    fn a_file_is_written_in_the_specifications_member_order() {
        let file = ByokFile::new(kid(), vec![0xfb, 0xff, 0xbf, 0x01]);
        assert_eq!(
            file.to_json(),
            format!(
                r#"{{"schema_version":"1.0.0","header":{{"kid":"{KID}","alg":"dir","enc":"CKM_RSA_AES_KEY_WRAP"}},"ciphertext":"-_-_AQ","generator":"byok-ui;{}"}}"#,
                env!("CARGO_PKG_VERSION")
            )
        );
        assert_eq!(
            ByokFile::file_name("ContosoFirstHSMkey"),
            "ContosoFirstHSMkey.byok"
        );
    }

    #[test]
    fn a_file_built_from_a_blob_reads_back_to_the_same_blob_and_kid() {
        let file = ByokFile::new(kid(), blob());
        let back = ByokFile::parse(&file.to_json()).unwrap();
        assert_eq!(back, file);
        assert_eq!(back.ciphertext, blob());
        assert_eq!(back.kid.to_string(), KID);
        assert!(!file.to_json().contains('='), "no padding");
    }

    /// The Cosmian CLI builds it with `serde_json::json!` and writes `to_string()`:
    /// one line, and without serde_json's preserve_order its members come sorted.
    #[test]
    fn a_cosmian_cli_file_is_read_in_either_member_order() {
        let ciphertext = URL_SAFE_NO_PAD.encode(blob());
        let sorted = format!(
            r#"{{"ciphertext":"{ciphertext}","generator":"Cosmian_KMS;v5","header":{{"alg":"dir","enc":"CKM_RSA_AES_KEY_WRAP","kid":"{KID}"}},"schema_version":"1.0.0"}}"#
        );
        let spec_order = format!(
            r#"{{"schema_version":"1.0.0","header":{{"kid":"{KID}","alg":"dir","enc":"CKM_RSA_AES_KEY_WRAP"}},"ciphertext":"{ciphertext}","generator":"Cosmian_KMS;v5"}}"#
        );
        for text in [sorted, spec_order] {
            let file = ByokFile::parse(&text).unwrap();
            assert_eq!(file.kid, kid());
            assert_eq!(file.ciphertext, blob());
            assert_eq!(file.generator.as_deref(), Some("Cosmian_KMS;v5"));
        }
    }

    #[test]
    fn padding_standard_base64_pretty_printing_and_no_generator_are_accepted() {
        use base64::engine::general_purpose::{STANDARD, URL_SAFE};
        for ciphertext in [URL_SAFE.encode(blob()), STANDARD.encode(blob())] {
            let text = format!(
                "{{\n  \"schema_version\": \"1.0.0\",\n  \"header\": {{\n    \"kid\": \"{KID}\",\n    \"alg\": \"dir\",\n    \"enc\": \"CKM_RSA_AES_KEY_WRAP\"\n  }},\n  \"ciphertext\": \"{ciphertext}\"\n}}\n"
            );
            let file = ByokFile::parse(&text).unwrap();
            assert_eq!(file.ciphertext, blob());
            assert_eq!(file.generator, None);
        }
    }

    #[test]
    fn a_file_is_checked_against_its_kek() {
        // An RSA-4096 ciphertext (512 bytes) and an RFC 5649 wrap of 40 bytes of material (48).
        let file = ByokFile::new(kid(), vec![7; 512 + 48]);
        assert_eq!(file.check_for_kek(&kid(), 4096), Ok(()));
        let other = AzureKeyId::parse_versioned(&KID.replace("664f5aa2", "00000000")).unwrap();
        assert!(
            file.check_for_kek(&other, 4096)
                .unwrap_err()
                .starts_with(&format!(
                    "This .byok is wrapped for the KEK {KID}, not {other}"
                ))
        );
        for (len, bits) in [(512 + 47, 4096), (512 + 8, 4096), (300, 4096), (0, 2048)] {
            let message = ByokFile::new(kid(), vec![7; len])
                .check_for_kek(&kid(), bits)
                .unwrap_err();
            assert!(
                message.starts_with(&format!(
                    "The .byok ciphertext is {len} bytes, which is not an RSA {bits}-bit block"
                )),
                "{message}"
            );
        }
    }

    #[test]
    fn every_refusal_says_what_is_wrong() {
        let good = ByokFile::new(kid(), blob()).to_json();
        refused("", "The .byok file is empty");
        refused(
            &" ".repeat(MAX_BYOK_FILE_BYTES + 1),
            "The .byok file is empty",
        );
        refused(
            &format!("{good}{}", " ".repeat(MAX_BYOK_FILE_BYTES)),
            &format!("The file is {} bytes", good.len() + MAX_BYOK_FILE_BYTES),
        );
        refused(
            "-----BEGIN PUBLIC KEY-----",
            "The .byok file is not the JSON a .byok holds",
        );
        refused(
            &good.replace("1.0.0", "2.0.0"),
            "The .byok file's schema_version is \"2.0.0\"",
        );
        refused(
            &good.replace("\"schema_version\":\"1.0.0\",", ""),
            "The .byok file has no schema_version",
        );
        refused(
            r#"{"schema_version":"1.0.0"}"#,
            "The .byok file has no \"header\"",
        );
        refused(
            &good.replace("\"dir\"", "\"RSA-OAEP\""),
            "The .byok header's alg is \"RSA-OAEP\"; Azure expects \"dir\"",
        );
        refused(
            &good.replace("\"alg\":\"dir\",", ""),
            "The .byok header's alg is absent",
        );
        refused(
            &good.replace("CKM_RSA_AES_KEY_WRAP", "CKM_RSA_PKCS_OAEP"),
            "The .byok header's enc is \"CKM_RSA_PKCS_OAEP\"; Azure unwraps \"CKM_RSA_AES_KEY_WRAP\" only",
        );
        refused(
            &good.replace(&format!("\"kid\":\"{KID}\","), ""),
            "The .byok header has no kid",
        );
        refused(
            &good.replace("/664f5aa2797a4075b8e36ca4500636d8", ""),
            "The .byok header's kid: The key identifier https://mypremiumkeyvault.vault.azure.net/keys/KEK-BYOK has no version",
        );
        let ciphertext = URL_SAFE_NO_PAD.encode(blob());
        refused(
            &good.replace(&format!(",\"ciphertext\":\"{ciphertext}\""), ""),
            "The .byok file has no ciphertext",
        );
        refused(
            &good.replace(&ciphertext, "AB!D"),
            "The .byok ciphertext is not base64url: the character '!' at position 3",
        );
        refused(
            &good.replace(&ciphertext, ""),
            "The .byok ciphertext is empty",
        );
    }
}
