//! What the tests put in the KMS before the browser looks, through KMIP: key
//! material of each family, RSA KEKs (bare or tagged as the import page does),
//! and BYOK ledger entries written and read back by direct KMIP calls.

use byok_ui::domain::key_material::KeyMaterialSpec;
use byok_ui::domain::ledger::{LedgerEntry, is_ledger_attribute};
use byok_ui::domain::wrapping::WrappingAlgorithm;
use byok_ui::kmip::{self, *};
use rsa::RsaPrivateKey;
use rsa::pkcs8::EncodePublicKey;
use sha2::Digest;
use time::OffsetDateTime;

use crate::aws::ARN;
use crate::kms::Kms;

pub fn attributes(vendor: &str, id: &str, mask: UsageMask) -> KeyAttributes {
    KeyAttributes {
        unique_identifier: Some(id.to_owned()),
        activation_date: OffsetDateTime::now_utc() - time::Duration::minutes(1),
        usage_mask: mask,
        tags: vec![],
        vendor_id: vendor.to_owned(),
        sensitive: false,
    }
}

/// Creates the key material in the KMS; returns the id to export.
pub fn create_material(kms: &Kms, vendor: &str, id: &str, spec: KeyMaterialSpec) -> String {
    let symmetric = |algorithm, bits: usize, mask| {
        kmip::parse_create(
            &kms.kmip(&kmip::create(&CreateSymmetricKeyRequest {
                algorithm,
                length_bits: bits as i32,
                attributes: attributes(vendor, id, mask),
            }))
            .unwrap(),
        )
        .unwrap()
    };
    let pair = |kind| {
        kmip::parse_create_key_pair(
            &kms.kmip(&kmip::create_key_pair(&CreateKeyPairRequest {
                kind,
                attributes: attributes(vendor, id, UsageMask::SIGN),
                public_usage_mask: UsageMask::VERIFY,
            }))
            .unwrap(),
        )
        .unwrap()
        .private_key_id
    };
    match spec {
        KeyMaterialSpec::Aes { bits } => symmetric(
            CryptographicAlgorithm::Aes,
            bits,
            UsageMask::ENCRYPT.union(UsageMask::DECRYPT),
        ),
        KeyMaterialSpec::Hmac { hash, bits } => symmetric(
            CryptographicAlgorithm::from(hash),
            bits,
            UsageMask::MAC_GENERATE.union(UsageMask::MAC_VERIFY),
        ),
        KeyMaterialSpec::RsaPrivate { bits } => pair(KeyPairKind::Rsa { bits: bits as i32 }),
        KeyMaterialSpec::EcPrivate { curve } => pair(KeyPairKind::Ec {
            algorithm: CryptographicAlgorithm::Ecdh,
            curve: curve.into(),
        }),
    }
}

/// Generates an RSA KEK here and imports its public half; returns the private key.
pub fn import_kek(kms: &Kms, vendor: &str, id: &str, bits: usize) -> RsaPrivateKey {
    import_kek_with(kms, vendor, id, bits, Vec::new(), false)
}

/// [`import_kek`] with tags, replacing an object of the same id when
/// `replace` (as `ckms aws byok import` does, without asking).
pub fn import_kek_with(
    kms: &Kms,
    vendor: &str,
    id: &str,
    bits: usize,
    tags: Vec<String>,
    replace: bool,
) -> RsaPrivateKey {
    let private = RsaPrivateKey::new(&mut rand::thread_rng(), bits).unwrap();
    let mut attributes = attributes(vendor, id, UsageMask::WRAP_KEY.union(UsageMask::ENCRYPT));
    attributes.tags = tags;
    let request = ImportPublicKeyRequest {
        spki_der: private
            .to_public_key()
            .to_public_key_der()
            .unwrap()
            .into_vec(),
        replace_existing: replace,
        attributes,
    };
    kmip::parse_import(&kms.kmip(&kmip::import_public_key(&request)).unwrap()).unwrap();
    private
}

/// The material as the KMS holds it: raw bytes, or PKCS#8 DER for private keys.
pub fn material_bytes(kms: &Kms, id: &str, spec: KeyMaterialSpec) -> Vec<u8> {
    if spec.is_symmetric() {
        kms.key_bytes_in_clear(id)
    } else {
        kms.private_key_pkcs8(id)
    }
}

/// Imports a fresh RSA KEK tagged as the import page does (for [`ARN`]).
pub fn tagged_kek(
    kms: &Kms,
    vendor: &str,
    id: &str,
    bits: usize,
    algorithm: WrappingAlgorithm,
) -> RsaPrivateKey {
    let private = RsaPrivateKey::new(&mut rand::thread_rng(), bits).unwrap();
    let mut attributes = attributes(vendor, id, UsageMask::WRAP_KEY.union(UsageMask::ENCRYPT));
    attributes.tags = vec!["aws".into(), algorithm.tag(), format!("key_arn:{ARN}")];
    let request = ImportPublicKeyRequest {
        spki_der: private
            .to_public_key()
            .to_public_key_der()
            .unwrap()
            .into_vec(),
        replace_existing: false,
        attributes,
    };
    kms.kmip(&kmip::import_public_key(&request)).unwrap();
    private
}

/// [`tagged_kek`] with the `kek_sha256:<hex>` tag the import page writes;
/// returns the private key and the public key's DER (what the tag hashes).
pub fn fingerprinted_kek(
    kms: &Kms,
    vendor: &str,
    id: &str,
    bits: usize,
    algorithm: WrappingAlgorithm,
) -> (RsaPrivateKey, Vec<u8>) {
    let private = RsaPrivateKey::new(&mut rand::thread_rng(), bits).unwrap();
    let der = private
        .to_public_key()
        .to_public_key_der()
        .unwrap()
        .into_vec();
    let mut attributes = attributes(vendor, id, UsageMask::WRAP_KEY.union(UsageMask::ENCRYPT));
    attributes.tags = vec![
        "aws".into(),
        algorithm.tag(),
        format!("key_arn:{ARN}"),
        format!("kek_sha256:{}", hex::encode(sha2::Sha256::digest(&der))),
    ];
    let request = ImportPublicKeyRequest {
        spki_der: der.clone(),
        replace_existing: false,
        attributes,
    };
    kms.kmip(&kmip::import_public_key(&request)).unwrap();
    (private, der)
}

/// Every vendor attribute of `key_id` under the KMS's vendor id but the tags
/// (ledger entries, runbooks), `(name, value)` sorted by name, read by the
/// harness's own KMIP GetAttributes (VendorExtension), not through the app.
pub fn vendor_attributes(kms: &Kms, key_id: &str) -> Vec<(String, String)> {
    let reply = kms
        .kmip(&kmip::get_attributes(
            key_id,
            &[kmip::AttributeReference::VendorExtension],
        ))
        .expect("GetAttributes succeeds");
    let mut found = kmip::parse_get_attributes_of_vendor(&reply, &kms.vendor_id())
        .expect("GetAttributesResponse")
        .vendor_attributes;
    found.sort();
    found
}

/// Every BYOK ledger vendor attribute of `key_id` ([`vendor_attributes`]).
pub fn ledger_attributes(kms: &Kms, key_id: &str) -> Vec<(String, String)> {
    vendor_attributes(kms, key_id)
        .into_iter()
        .filter(|(name, _)| is_ledger_attribute(name))
        .collect()
}

/// The ledger entries of `key_id` read back by [`ledger_attributes`]; every
/// one must parse.
pub fn ledger_entries(kms: &Kms, key_id: &str) -> Vec<LedgerEntry> {
    ledger_attributes(kms, key_id)
        .iter()
        .map(|(name, value)| {
            LedgerEntry::from_attribute(name, value)
                .unwrap_or_else(|e| panic!("{name} = {value}: {e}"))
        })
        .collect()
}

/// Overwrites a ledger entry on `key_id` with a direct KMIP SetAttribute (another client's update).
pub fn set_ledger_entry(kms: &Kms, key_id: &str, entry: &LedgerEntry) -> Result<(), (u16, String)> {
    kms.kmip(&kmip::set_vendor_attribute(
        key_id,
        &kms.vendor_id(),
        &entry.attribute_name(),
        &entry.to_attribute_value(),
    ))
    .map(drop)
}

/// Writes a ledger entry on `key_id` with a direct KMIP AddAttribute.
pub fn add_ledger_entry(kms: &Kms, key_id: &str, entry: &LedgerEntry) -> Result<(), (u16, String)> {
    kms.kmip(&kmip::add_vendor_attribute(
        key_id,
        &kms.vendor_id(),
        &entry.attribute_name(),
        &entry.to_attribute_value(),
    ))
    .map(drop)
}

/// Seeds `count` AWS KEKs `kek-0001`… (one RSA-2048 public key under each id,
/// tagged as the import page does, with `parameters_valid_to` from `valid_to`
/// when it gives one) and as many AES-256 keys `aes-0001`…, by direct KMIP
/// messages of at most 500 operations each (any KMIP client can do the same).
pub fn seed_keks_and_keys(
    kms: &Kms,
    vendor: &str,
    count: usize,
    valid_to: impl Fn(usize) -> Option<OffsetDateTime>,
) {
    seed_keks_with(kms, vendor, count, valid_to, true);
}

/// [`seed_keks_and_keys`] without the AES keys: the KEKs alone.
pub fn seed_keks(
    kms: &Kms,
    vendor: &str,
    count: usize,
    valid_to: impl Fn(usize) -> Option<OffsetDateTime>,
) {
    seed_keks_with(kms, vendor, count, valid_to, false);
}

fn seed_keks_with(
    kms: &Kms,
    vendor: &str,
    count: usize,
    valid_to: impl Fn(usize) -> Option<OffsetDateTime>,
    with_aes: bool,
) {
    let spki = std::fs::read(crate::paths::fixture("rsa2048.spki.der")).expect("fixture");
    let mut operations = Vec::new();
    for n in 1..=count {
        let mut attributes = attributes(
            vendor,
            &format!("kek-{n:04}"),
            UsageMask::WRAP_KEY.union(UsageMask::ENCRYPT),
        );
        attributes.tags = vec![
            "aws".to_owned(),
            WrappingAlgorithm::RsaesOaepSha256.tag(),
            format!("key_arn:{ARN}"),
        ];
        if let Some(valid_to) = valid_to(n) {
            attributes.tags.extend(kek_validity_tags(valid_to));
        }
        operations.push(kmip::import_public_key(&ImportPublicKeyRequest {
            spki_der: spki.clone(),
            replace_existing: false,
            attributes,
        }));
        if with_aes {
            operations.push(kmip::create(&CreateSymmetricKeyRequest {
                algorithm: CryptographicAlgorithm::Aes,
                length_bits: 256,
                attributes: attributes_for_aes(vendor, &format!("aes-{n:04}")),
            }));
        }
    }
    for chunk in operations.chunks(500) {
        let reply = kms
            .kmip(&kmip::request_message(chunk))
            .expect("the seed message");
        for item in kmip::parse_response_message(&reply, chunk.len()).unwrap() {
            item.expect("every seeded object is stored");
        }
    }
}

/// The validity tags the import page writes today: `parameters_valid_to:` and the day tags
/// the lists Locate (as if imported now).
pub fn kek_validity_tags(valid_to: OffsetDateTime) -> Vec<String> {
    let mut tags = vec![byok_ui::domain::aws::kek_tags::parameters_valid_to_tag(
        valid_to,
    )];
    let imported = valid_to.min(OffsetDateTime::now_utc());
    tags.extend(byok_ui::domain::expiry_day::DayWindow::AWS.tags(valid_to, imported));
    tags
}

fn attributes_for_aes(vendor: &str, id: &str) -> KeyAttributes {
    attributes(vendor, id, UsageMask::ENCRYPT.union(UsageMask::DECRYPT))
}

/// Deletes an object as another client would (revoke, then destroy and remove).
pub fn delete_object(kms: &Kms, id: &str) {
    use serde_json::json;
    let uid = json!({"tag":"UniqueIdentifier","type":"TextString","value":id});
    let send = |operation: serde_json::Value| {
        kms.kmip(&Ttlv::from_json_text(&operation.to_string()).unwrap())
    };
    send(json!({"tag":"Revoke","value":[uid.clone(),
        {"tag":"RevocationReason","value":[
            {"tag":"RevocationReasonCode","type":"Enumeration","value":"Unspecified"}]}]}))
    .expect("revoke");
    send(json!({"tag":"Destroy","value":[uid,
        {"tag":"Remove","type":"Boolean","value":true}]}))
    .expect("destroy");
    assert!(
        !kms.object_ids().contains(&id.to_owned()),
        "{id} still listed"
    );
}

/// The throwaway RSA-2048 key of `tests/fixtures` (its public half is `rsa2048.spki.der`):
/// the private key of the Azure KEKs the tests import, for the independent unwrap.
/// (`rsa2048.pkcs8.der` holds the key's PKCS#1 DER despite its name: the parser tests
/// paste it as "a private key by mistake" either way.)
pub fn fixture_kek_private() -> RsaPrivateKey {
    use rsa::pkcs1::DecodeRsaPrivateKey;
    let der = std::fs::read(crate::paths::fixture("rsa2048.pkcs8.der")).expect("fixture");
    RsaPrivateKey::from_pkcs1_der(&der).expect("the fixture's RSA private key (PKCS#1 DER)")
}

/// Imports the fixture KEK's public key under `id`, tagged as `ckms azure byok import` tags
/// it (`azure`, `kid:<kid>`), with usage WrapKey+Encrypt; returns its private key.
pub fn azure_kek(kms: &Kms, vendor: &str, id: &str, kid: &str) -> RsaPrivateKey {
    let private = fixture_kek_private();
    azure_kek_of(kms, vendor, id, kid, &private);
    private
}

/// [`azure_kek`] for the public half of `private`.
pub fn azure_kek_of(kms: &Kms, vendor: &str, id: &str, kid: &str, private: &RsaPrivateKey) {
    let tags = vec!["azure".to_owned(), format!("kid:{kid}")];
    import_tagged_public_key(kms, vendor, id, private, tags, false);
}

/// Imports `private`'s public half under `id` with `tags` (usage WrapKey+Encrypt), replacing
/// an object of that id when `replace` (as the clouds' CLIs do, without asking).
pub fn import_tagged_public_key(
    kms: &Kms,
    vendor: &str,
    id: &str,
    private: &RsaPrivateKey,
    tags: Vec<String>,
    replace: bool,
) {
    let mut attributes = attributes(vendor, id, UsageMask::WRAP_KEY.union(UsageMask::ENCRYPT));
    attributes.tags = tags;
    let request = ImportPublicKeyRequest {
        spki_der: private
            .to_public_key()
            .to_public_key_der()
            .unwrap()
            .into_vec(),
        replace_existing: replace,
        attributes,
    };
    kms.kmip(&kmip::import_public_key(&request)).unwrap();
}

/// The temporary public keys of the sameness proofs (tagged `byok-proof`) still in the KMS.
pub fn proof_leftovers(kms: &Kms) -> Vec<String> {
    kmip::parse_locate(
        &kms.kmip(&kmip::locate(&LocateRequest {
            tags: vec![byok_ui::actions::sameness::PROOF_TAG.to_owned()],
            vendor_id: kms.vendor_id(),
            ..LocateRequest::default()
        }))
        .unwrap(),
    )
    .unwrap()
}
