//! The independent oracle: unwraps AWS import blobs with RustCrypto, not the server's
//! OpenSSL, so a test can compare the bytes AWS would get with the key material.
//!
//! RSAES-OAEP (MGF1 of the same hash, empty label) and RSA_AES_KEY_WRAP
//! (OAEP-wrapped AES-256 key + AES Key Wrap with Padding).

use byok_ui::domain::wrapping::WrappingAlgorithm;
use rsa::traits::PublicKeyParts;
use rsa::{Oaep, RsaPrivateKey};

pub fn unwrap(private: &RsaPrivateKey, algorithm: WrappingAlgorithm, blob: &[u8]) -> Vec<u8> {
    let oaep = || match algorithm {
        WrappingAlgorithm::RsaesOaepSha1 | WrappingAlgorithm::RsaAesKeyWrapSha1 => {
            Oaep::new::<sha1::Sha1>()
        }
        _ => Oaep::new::<sha2::Sha256>(),
    };
    match algorithm {
        WrappingAlgorithm::RsaesOaepSha1 | WrappingAlgorithm::RsaesOaepSha256 => {
            assert_eq!(
                blob.len(),
                private.size(),
                "an OAEP blob is one modulus long"
            );
            private.decrypt(oaep(), blob).expect("OAEP unwrap")
        }
        WrappingAlgorithm::RsaAesKeyWrapSha1 | WrappingAlgorithm::RsaAesKeyWrapSha256 => {
            let (wrapped_aes_key, wrapped_material) = blob.split_at(private.size());
            let aes_key = private
                .decrypt(oaep(), wrapped_aes_key)
                .expect("OAEP unwrap of the ephemeral AES key");
            let aes_key: [u8; 32] = aes_key.try_into().expect("a 32-byte AES key");
            assert_eq!(
                wrapped_material.len() % 8,
                0,
                "AES-KWP output is a multiple of 8"
            );
            aes_kw::KekAes256::from(aes_key)
                .unwrap_with_padding_vec(wrapped_material)
                .expect("AES Key Wrap with Padding (RFC 5649) unwrap")
        }
    }
}
