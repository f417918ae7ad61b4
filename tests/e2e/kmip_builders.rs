//! Every KMIP builder and parser against the real server, including a wrapped
//! export unwrapped here by RustCrypto (independent of the server's OpenSSL).

use byok_ui::domain::wrapping::WrappingAlgorithm;
use byok_ui::kmip::{self, *};
use rsa::pkcs8::EncodePublicKey;
use rsa::{Oaep, RsaPrivateKey};
use time::OffsetDateTime;

use crate::support::{Kms, KmsOptions};

fn attributes(vendor_id: &str, id: Option<&str>, tags: &[&str], mask: UsageMask) -> KeyAttributes {
    KeyAttributes {
        unique_identifier: id.map(str::to_owned),
        activation_date: OffsetDateTime::now_utc() - time::Duration::minutes(1),
        usage_mask: mask,
        tags: tags.iter().map(|t| t.to_string()).collect(),
        vendor_id: vendor_id.to_owned(),
        sensitive: false,
    }
}

#[test]
fn builders_and_parsers_work_against_the_real_server() {
    let kms = Kms::start(KmsOptions::default());
    let vendor = kms.vendor_id();
    assert_eq!(vendor, "cosmian");

    // Import an RSA-2048 wrapping key, as AWS hands it over (SPKI DER).
    let private = RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap();
    let spki = private
        .to_public_key()
        .to_public_key_der()
        .unwrap()
        .into_vec();
    let algorithm = WrappingAlgorithm::RsaesOaepSha256;
    let tags = ["aws", &algorithm.tag()];
    let import = ImportPublicKeyRequest {
        spki_der: spki.clone(),
        replace_existing: false,
        attributes: attributes(
            &vendor,
            Some("kek-1"),
            &tags,
            UsageMask::WRAP_KEY.union(UsageMask::ENCRYPT),
        ),
    };
    let kek_id = kmip::parse_import(&kms.kmip(&kmip::import_public_key(&import)).unwrap()).unwrap();
    assert_eq!(kek_id, "kek-1");

    // A second import under the same id is refused unless ReplaceExisting.
    let before = kms.object_ids();
    let (status, reason) = kms.kmip(&kmip::import_public_key(&import)).unwrap_err();
    assert_eq!(status, 422, "{reason}");
    assert_eq!(kms.object_ids(), before);

    let with_tags = kmip::parse_get_attributes(
        &kms.kmip(&kmip::get_attributes(&kek_id, &[AttributeReference::Tag]))
            .unwrap(),
    )
    .unwrap();
    assert_eq!(with_tags.tags, vec!["aws".to_owned(), algorithm.tag()]);
    let plain = kmip::parse_get_attributes(&kms.kmip(&kmip::get_attributes(&kek_id, &[])).unwrap())
        .unwrap();
    assert_eq!(plain.object_type, Some(ObjectType::PublicKey));
    assert_eq!(plain.state, Some(State::Active));
    assert_eq!(plain.algorithm, Some(CryptographicAlgorithm::Rsa));
    assert_eq!(plain.length_bits, Some(2048));

    // Locate by tag finds the KEK and only it.
    let found = kmip::parse_locate(
        &kms.kmip(&kmip::locate(&LocateRequest {
            tags: vec!["aws".into()],
            vendor_id: vendor.clone(),
            ..Default::default()
        }))
        .unwrap(),
    )
    .unwrap();
    assert_eq!(found, vec![kek_id.clone()]);

    // Key material of each kind.
    let aes_id = kmip::parse_create(
        &kms.kmip(&kmip::create(&CreateSymmetricKeyRequest {
            algorithm: CryptographicAlgorithm::Aes,
            length_bits: 256,
            attributes: attributes(
                &vendor,
                Some("aes-1"),
                &["byok"],
                UsageMask::ENCRYPT.union(UsageMask::DECRYPT),
            ),
        }))
        .unwrap(),
    )
    .unwrap();
    assert_eq!(aes_id, "aes-1");
    let hmac_id = kmip::parse_create(
        &kms.kmip(&kmip::create(&CreateSymmetricKeyRequest {
            algorithm: CryptographicAlgorithm::HmacSha512,
            length_bits: 512,
            attributes: attributes(
                &vendor,
                None,
                &[],
                UsageMask::MAC_GENERATE.union(UsageMask::MAC_VERIFY),
            ),
        }))
        .unwrap(),
    )
    .unwrap();
    let hmac = kmip::parse_get_attributes(&kms.kmip(&kmip::get_attributes(&hmac_id, &[])).unwrap())
        .unwrap();
    assert_eq!(hmac.algorithm, Some(CryptographicAlgorithm::HmacSha512));
    assert_eq!(hmac.length_bits, Some(512));

    let rsa_pair = kmip::parse_create_key_pair(
        &kms.kmip(&kmip::create_key_pair(&CreateKeyPairRequest {
            kind: KeyPairKind::Rsa { bits: 2048 },
            attributes: attributes(&vendor, Some("rsa-1"), &[], UsageMask::SIGN),
            public_usage_mask: UsageMask::VERIFY,
        }))
        .unwrap(),
    )
    .unwrap();
    assert_eq!(rsa_pair.private_key_id, "rsa-1");
    assert_eq!(rsa_pair.public_key_id, "rsa-1_pk");

    let ec_pair = kmip::parse_create_key_pair(
        &kms.kmip(&kmip::create_key_pair(&CreateKeyPairRequest {
            kind: KeyPairKind::Ec {
                algorithm: CryptographicAlgorithm::Ecdh,
                curve: RecommendedCurve::P384,
            },
            attributes: attributes(&vendor, None, &[], UsageMask::SIGN),
            public_usage_mask: UsageMask::VERIFY,
        }))
        .unwrap(),
    )
    .unwrap();
    let ec = kmip::parse_get_attributes(
        &kms.kmip(&kmip::get_attributes(&ec_pair.private_key_id, &[]))
            .unwrap(),
    )
    .unwrap();
    assert_eq!(ec.object_type, Some(ObjectType::PrivateKey));
    assert_eq!(ec.state, Some(State::Active));

    // The wrapped export, unwrapped here with RSA-OAEP-SHA256.
    let blob = kmip::parse_export_wrapped(
        &kms.kmip(&kmip::export_wrapped(&ExportWrappedRequest {
            key_id: aes_id.clone(),
            kek_id: kek_id.clone(),
            parameters: algorithm.kmip_parameters(),
        }))
        .unwrap(),
    )
    .unwrap();
    assert_eq!(blob.len(), 256);
    let unwrapped = private.decrypt(Oaep::new::<sha2::Sha256>(), &blob).unwrap();
    assert_eq!(unwrapped, kms.key_bytes_in_clear(&aes_id));
    assert_eq!(unwrapped.len(), 32);

    // An unknown id is a 422 with the server's reason.
    let (status, reason) = kms.kmip(&kmip::get_attributes("nope", &[])).unwrap_err();
    assert_eq!(status, 422);
    assert!(reason.contains("nope"), "{reason}");
}

/// One message of several operations against the real server: each item
/// answers alone (a missing object fails its item only, with the body the same
/// call alone gets), in order; and what the server's ID placeholder covers.
#[test]
fn a_message_answers_each_item_alone() {
    let kms = Kms::start(KmsOptions::default());
    let vendor = kms.vendor_id();
    let create = |id: &str| {
        kmip::create(&CreateSymmetricKeyRequest {
            algorithm: CryptographicAlgorithm::Aes,
            length_bits: 256,
            attributes: attributes(
                &vendor,
                Some(id),
                &["batch"],
                UsageMask::ENCRYPT.union(UsageMask::DECRYPT),
            ),
        })
    };
    kms.kmip(&create("a")).unwrap();
    kms.kmip(&create("c")).unwrap();
    let operations = [
        get_attributes("a", &AttributeReference::DESCRIBE),
        get_attributes("gone", &AttributeReference::DESCRIBE),
        get_attributes("c", &AttributeReference::DESCRIBE),
    ];
    let reply = kms.kmip(&request_message(&operations)).unwrap();
    let items = parse_response_message(&reply, 3).unwrap();
    let a = parse_get_attributes(items[0].as_ref().unwrap()).unwrap();
    assert_eq!(
        (a.unique_identifier.as_str(), a.tags.as_slice()),
        ("a", &["batch".to_owned()][..])
    );
    assert_eq!(
        parse_get_attributes(items[2].as_ref().unwrap())
            .unwrap()
            .unique_identifier,
        "c"
    );
    // The same GetAttributes alone: 422 and the same words as the failed item.
    let alone = kms.kmip(&operations[1]).unwrap_err();
    assert_eq!(alone.0, 422);
    assert_eq!(
        items[1].as_ref().unwrap_err().as_reason_line(),
        alone.1.trim()
    );

    // The ID placeholder: a GetAttributes without id acts on the message's Create.
    let reply = kms
        .kmip(&request_message(&[
            create("placeheld"),
            Ttlv::structure(
                "GetAttributes",
                vec![Ttlv::enumeration("AttributeReference", "State")],
            ),
        ]))
        .unwrap();
    let items = parse_response_message(&reply, 2).unwrap();
    assert_eq!(
        parse_get_attributes(items[1].as_ref().unwrap())
            .unwrap()
            .unique_identifier,
        "placeheld"
    );
}
