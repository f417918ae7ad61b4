//! Cryptographic operations run inside the KMS (Encrypt, Decrypt, Sign,
//! SignatureVerify) and the removal of a temporary object (Revoke, Destroy).

use super::responses::expect;
use super::{ProtocolError, Ttlv};

/// The RSA-OAEP SHA-256 parameters of an Encrypt or Decrypt.
fn rsa_oaep_sha256() -> Ttlv {
    Ttlv::structure(
        "CryptographicParameters",
        vec![
            Ttlv::enumeration("PaddingMethod", "OAEP"),
            Ttlv::enumeration("HashingAlgorithm", "SHA256"),
            Ttlv::enumeration("CryptographicAlgorithm", "RSA"),
        ],
    )
}

/// `Encrypt` of `data` with the RSA public key `key_id`, RSA-OAEP SHA-256.
pub fn encrypt_rsa_oaep_sha256(key_id: &str, data: &[u8]) -> Ttlv {
    Ttlv::structure(
        "Encrypt",
        vec![
            Ttlv::text("UniqueIdentifier", key_id),
            rsa_oaep_sha256(),
            Ttlv::bytes("Data", data.to_vec()),
        ],
    )
}

/// `Decrypt` of `data` with the RSA private key `key_id`, RSA-OAEP SHA-256.
/// The 5.28 server answers 422 `Cryptographic_Failure: … oaep decoding error`
/// when the data was encrypted under another key.
pub fn decrypt_rsa_oaep_sha256(key_id: &str, data: &[u8]) -> Ttlv {
    Ttlv::structure(
        "Decrypt",
        vec![
            Ttlv::text("UniqueIdentifier", key_id),
            rsa_oaep_sha256(),
            Ttlv::bytes("Data", data.to_vec()),
        ],
    )
}

/// The `DigitalSignatureAlgorithm` of a Sign or SignatureVerify.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureAlgorithm {
    /// RSASSA-PSS with SHA-256 (the server's default hash for PSS).
    RsaPssSha256,
    /// ECDSA with SHA-256 (any curve: P-256, P-384, P-521, secp256k1).
    EcdsaSha256,
}

impl SignatureAlgorithm {
    pub fn kmip_name(self) -> &'static str {
        match self {
            Self::RsaPssSha256 => "RSASSAPSS",
            Self::EcdsaSha256 => "ECDSAWithSHA256",
        }
    }

    fn parameters(self) -> Ttlv {
        Ttlv::structure(
            "CryptographicParameters",
            vec![Ttlv::enumeration(
                "DigitalSignatureAlgorithm",
                self.kmip_name(),
            )],
        )
    }
}

/// `Sign` of `data` with the private key `key_id`. The 5.28 server refuses a
/// key whose usage mask lacks Sign (`Item_Not_Found: Sign: no valid key for id`).
pub fn sign(key_id: &str, algorithm: SignatureAlgorithm, data: &[u8]) -> Ttlv {
    Ttlv::structure(
        "Sign",
        vec![
            Ttlv::text("UniqueIdentifier", key_id),
            algorithm.parameters(),
            Ttlv::bytes("Data", data.to_vec()),
        ],
    )
}

/// `SignatureVerify` of `signature` over `data` with the public key `key_id`.
pub fn signature_verify(
    key_id: &str,
    algorithm: SignatureAlgorithm,
    data: &[u8],
    signature: &[u8],
) -> Ttlv {
    Ttlv::structure(
        "SignatureVerify",
        vec![
            Ttlv::text("UniqueIdentifier", key_id),
            algorithm.parameters(),
            Ttlv::bytes("Data", data.to_vec()),
            Ttlv::bytes("SignatureData", signature.to_vec()),
        ],
    )
}

/// `Revoke` (reason CessationOfOperation): an active object must be revoked
/// before the server destroys it.
pub fn revoke(key_id: &str) -> Ttlv {
    Ttlv::structure(
        "Revoke",
        vec![
            Ttlv::text("UniqueIdentifier", key_id),
            Ttlv::structure(
                "RevocationReason",
                vec![Ttlv::enumeration(
                    "RevocationReasonCode",
                    "CessationOfOperation",
                )],
            ),
        ],
    )
}

/// `Destroy` with `Remove`: the object is deleted from the database, not kept
/// as a destroyed record.
pub fn destroy_and_remove(key_id: &str) -> Ttlv {
    Ttlv::structure(
        "Destroy",
        vec![
            Ttlv::text("UniqueIdentifier", key_id),
            Ttlv::boolean("Remove", true),
        ],
    )
}

/// `EncryptResponse` → the ciphertext.
pub fn parse_encrypt(reply: &Ttlv) -> Result<Vec<u8>, ProtocolError> {
    Ok(expect(reply, "EncryptResponse")?
        .require("Data")?
        .as_bytes()?
        .to_vec())
}

/// `DecryptResponse` → the plaintext.
pub fn parse_decrypt(reply: &Ttlv) -> Result<Vec<u8>, ProtocolError> {
    Ok(expect(reply, "DecryptResponse")?
        .require("Data")?
        .as_bytes()?
        .to_vec())
}

/// `SignResponse` → the signature.
pub fn parse_sign(reply: &Ttlv) -> Result<Vec<u8>, ProtocolError> {
    Ok(expect(reply, "SignResponse")?
        .require("SignatureData")?
        .as_bytes()?
        .to_vec())
}

/// `SignatureVerifyResponse` → whether the signature is `Valid`.
pub fn parse_signature_verify(reply: &Ttlv) -> Result<bool, ProtocolError> {
    match expect(reply, "SignatureVerifyResponse")?
        .require("ValidityIndicator")?
        .as_enumeration()?
    {
        "Valid" => Ok(true),
        "Invalid" => Ok(false),
        other => Err(ProtocolError::new(format!(
            "the signature's validity is {other}"
        ))),
    }
}

/// `RevokeResponse` or `DestroyResponse` → the id of the object.
pub fn parse_revoke_or_destroy(reply: &Ttlv) -> Result<String, ProtocolError> {
    if reply.tag != "RevokeResponse" && reply.tag != "DestroyResponse" {
        return Err(ProtocolError::new(format!(
            "expected RevokeResponse or DestroyResponse, got {}",
            reply.tag
        )));
    }
    Ok(reply.require("UniqueIdentifier")?.as_text()?.to_owned())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn reply(json: &str) -> Ttlv {
        Ttlv::from_json_text(json).unwrap()
    }

    const OAEP: &str = r#"{"tag":"CryptographicParameters","value":[
        {"tag":"PaddingMethod","type":"Enumeration","value":"OAEP"},
        {"tag":"HashingAlgorithm","type":"Enumeration","value":"SHA256"},
        {"tag":"CryptographicAlgorithm","type":"Enumeration","value":"RSA"}]}"#;

    #[test]
    fn encrypt_and_decrypt_are_rsa_oaep_sha256() {
        let oaep: serde_json::Value = serde_json::from_str(OAEP).unwrap();
        assert_eq!(
            encrypt_rsa_oaep_sha256("byok-proof-01", &[1, 2, 0xAB]).to_json(),
            json!({"tag":"Encrypt","value":[
                {"tag":"UniqueIdentifier","type":"TextString","value":"byok-proof-01"},
                oaep,
                {"tag":"Data","type":"ByteString","value":"0102AB"}]})
        );
        assert_eq!(
            decrypt_rsa_oaep_sha256("k", &[0xFF]).to_json(),
            json!({"tag":"Decrypt","value":[
                {"tag":"UniqueIdentifier","type":"TextString","value":"k"},
                oaep,
                {"tag":"Data","type":"ByteString","value":"FF"}]})
        );
    }

    #[test]
    fn sign_and_verify_name_the_signature_algorithm() {
        assert_eq!(
            sign("k", SignatureAlgorithm::RsaPssSha256, &[1]).to_json(),
            json!({"tag":"Sign","value":[
                {"tag":"UniqueIdentifier","type":"TextString","value":"k"},
                {"tag":"CryptographicParameters","value":[
                    {"tag":"DigitalSignatureAlgorithm","type":"Enumeration","value":"RSASSAPSS"}]},
                {"tag":"Data","type":"ByteString","value":"01"}]})
        );
        assert_eq!(
            signature_verify("p", SignatureAlgorithm::EcdsaSha256, &[1], &[0x30, 0x45]).to_json(),
            json!({"tag":"SignatureVerify","value":[
                {"tag":"UniqueIdentifier","type":"TextString","value":"p"},
                {"tag":"CryptographicParameters","value":[
                    {"tag":"DigitalSignatureAlgorithm","type":"Enumeration","value":"ECDSAWithSHA256"}]},
                {"tag":"Data","type":"ByteString","value":"01"},
                {"tag":"SignatureData","type":"ByteString","value":"3045"}]})
        );
    }

    #[test]
    fn removal_is_revoke_then_destroy_with_remove() {
        assert_eq!(
            revoke("p").to_json(),
            json!({"tag":"Revoke","value":[
                {"tag":"UniqueIdentifier","type":"TextString","value":"p"},
                {"tag":"RevocationReason","value":[
                    {"tag":"RevocationReasonCode","type":"Enumeration","value":"CessationOfOperation"}]}]})
        );
        assert_eq!(
            destroy_and_remove("p").to_json(),
            json!({"tag":"Destroy","value":[
                {"tag":"UniqueIdentifier","type":"TextString","value":"p"},
                {"tag":"Remove","type":"Boolean","value":true}]})
        );
    }

    #[test]
    fn replies_of_the_real_server_are_read() {
        let enc = reply(
            r#"{"tag":"EncryptResponse","value":[{"tag":"UniqueIdentifier","type":"TextString","value":"p"},{"tag":"Data","type":"ByteString","value":"7FEC"}]}"#,
        );
        assert_eq!(parse_encrypt(&enc).unwrap(), vec![0x7F, 0xEC]);
        assert!(parse_decrypt(&enc).is_err());
        let dec = reply(
            r#"{"tag":"DecryptResponse","value":[{"tag":"UniqueIdentifier","type":"TextString","value":"k"},{"tag":"Data","type":"ByteString","value":"1755"}]}"#,
        );
        assert_eq!(parse_decrypt(&dec).unwrap(), vec![0x17, 0x55]);
        let sig = reply(
            r#"{"tag":"SignResponse","value":[{"tag":"UniqueIdentifier","type":"TextString","value":"k"},{"tag":"SignatureData","type":"ByteString","value":"3045"}]}"#,
        );
        assert_eq!(parse_sign(&sig).unwrap(), vec![0x30, 0x45]);
        let verify = |v: &str| {
            parse_signature_verify(&reply(&format!(
                r#"{{"tag":"SignatureVerifyResponse","value":[{{"tag":"UniqueIdentifier","type":"TextString","value":"p"}},{{"tag":"ValidityIndicator","type":"Enumeration","value":"{v}"}}]}}"#
            )))
        };
        assert!(verify("Valid").unwrap());
        assert!(!verify("Invalid").unwrap());
        assert!(verify("Unknown").is_err());
        for tag in ["RevokeResponse", "DestroyResponse"] {
            let r = reply(&format!(
                r#"{{"tag":"{tag}","value":[{{"tag":"UniqueIdentifier","type":"TextString","value":"p"}}]}}"#
            ));
            assert_eq!(parse_revoke_or_destroy(&r).unwrap(), "p");
        }
        assert!(parse_revoke_or_destroy(&sig).is_err());
    }
}
