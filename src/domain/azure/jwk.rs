//! The public key an Azure JWK shows (`n`/`e`, or `crv`/`x`/`y`) as the SubjectPublicKeyInfo
//! DER the KMS imports: a KEK to wrap under, or a copy's public key for the sameness proof.

use der::Encode;
use der::asn1::{AnyRef, BitString, ObjectIdentifier, UintRef};
use spki::{AlgorithmIdentifier, SubjectPublicKeyInfo};

use crate::domain::azure::outputs::PublicPart;
use crate::domain::key_material::EcCurve;

const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");

/// The SubjectPublicKeyInfo (rsaEncryption) of the RSA key with modulus `n` and exponent `e`
/// (big-endian bytes, as a JWK's base64url decodes).
pub fn rsa_spki(n: &[u8], e: &[u8]) -> Result<Vec<u8>, String> {
    let not_encodable = |_| {
        "key.n or key.e cannot be encoded as an RSA public key: paste the output again.".to_owned()
    };
    let rsa = pkcs1::RsaPublicKey {
        modulus: UintRef::new(n).map_err(not_encodable)?,
        public_exponent: UintRef::new(e).map_err(not_encodable)?,
    };
    SubjectPublicKeyInfo {
        algorithm: AlgorithmIdentifier {
            oid: RSA_ENCRYPTION,
            parameters: Some(AnyRef::NULL),
        },
        subject_public_key: BitString::from_bytes(&rsa.to_der().map_err(not_encodable)?)
            .map_err(not_encodable)?,
    }
    .to_der()
    .map_err(not_encodable)
}

/// The SubjectPublicKeyInfo (id-ecPublicKey, namedCurve) of the point (`x`, `y`) on `curve`:
/// the uncompressed point `04 || x || y`, each coordinate left-padded to the curve's size.
pub fn ec_spki(curve: EcCurve, x: &[u8], y: &[u8]) -> Result<Vec<u8>, String> {
    let size = curve.coordinate_len();
    let mut point = vec![0x04];
    for (name, coordinate) in [("x", x), ("y", y)] {
        let coordinate = strip_leading_zeros(coordinate);
        if coordinate.len() > size {
            return Err(format!(
                "key.{name} is {} bytes, more than a {} coordinate ({size} bytes): paste the output again.",
                coordinate.len(),
                curve.name()
            ));
        }
        point.resize(point.len() + size - coordinate.len(), 0);
        point.extend_from_slice(coordinate);
    }
    let not_encodable = |_| {
        "key.x or key.y cannot be encoded as an EC public key: paste the output again.".to_owned()
    };
    SubjectPublicKeyInfo {
        algorithm: AlgorithmIdentifier {
            oid: EC_PUBLIC_KEY,
            parameters: Some(curve.oid()),
        },
        subject_public_key: BitString::from_bytes(&point).map_err(not_encodable)?,
    }
    .to_der()
    .map_err(not_encodable)
}

fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let first = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    &bytes[first..]
}

impl PublicPart {
    /// Its SubjectPublicKeyInfo DER; `None` for a symmetric key, which has no public part.
    pub fn spki_der(&self) -> Result<Option<Vec<u8>>, String> {
        match self {
            Self::Rsa { n, e } => rsa_spki(n, e).map(Some),
            Self::Ec { curve, x, y } => ec_spki(*curve, x, y).map(Some),
            Self::Symmetric => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::azure::outputs::tests::{rsa_modulus, subject_public_key};

    macro_rules! fixture {
        ($name:literal) => {
            include_bytes!(concat!("../../../tests/fixtures/", $name)).as_slice()
        };
    }

    #[test]
    fn an_rsa_jwk_gives_back_the_spki_it_came_from() {
        let (n, e) = rsa_modulus();
        let part = PublicPart::Rsa { n, e };
        assert_eq!(
            part.spki_der().unwrap().as_deref(),
            Some(fixture!("rsa3072.spki.der"))
        );
    }

    #[test]
    fn an_ec_jwk_gives_back_the_spki_it_came_from_even_with_short_coordinates() {
        let der = fixture!("ec-p256.spki.der");
        let point = subject_public_key(der);
        let part = PublicPart::Ec {
            curve: EcCurve::P256,
            x: point[1..33].to_vec(),
            y: point[33..].to_vec(),
        };
        assert_eq!(part.spki_der().unwrap().as_deref(), Some(der));
        // A coordinate written without its leading zero bytes is padded back.
        let mut x = vec![0; 32];
        x[31] = 7;
        let padded = ec_spki(EcCurve::P256, &x[30..], &point[33..]).unwrap();
        assert_eq!(padded, ec_spki(EcCurve::P256, &x, &point[33..]).unwrap());
        let too_long = ec_spki(EcCurve::P256, &[1; 33], &point[33..]).unwrap_err();
        assert!(too_long.starts_with("key.x is 33 bytes, more than a P-256 coordinate"));
        assert_eq!(PublicPart::Symmetric.spki_der(), Ok(None));
    }
}
