//! Property-based fuzzing of every parser that takes user or server input
//! (cargo-fuzz needs a nightly toolchain these machines cannot fetch):
//! none may panic, and what they accept must be what they promise.
//! More cases: `PROPTEST_CASES=200000 cargo test --release --test parsers_fuzz`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use byok_ui::domain::aws::arn::AwsKeyArn;
use byok_ui::domain::aws::cli::key_arn_from_input;
use byok_ui::domain::aws::import_parameters::{ImportParameters, parse_import_token};
use byok_ui::domain::aws::kek;
use byok_ui::domain::aws::key_spec::AwsKeySpec;
use byok_ui::domain::azure::byok_file::ByokFile;
use byok_ui::domain::azure::kek as azure_kek;
use byok_ui::domain::azure::kid::AzureKeyId;
use byok_ui::domain::azure::outputs::read_key_output;
use byok_ui::domain::base64_text::decode_base64;
use byok_ui::domain::google::import_job::{ImportJob, read_pasted};
use byok_ui::domain::google::names::{CryptoKeyVersionName, ImportJobName};
use byok_ui::domain::google::outputs::KeyVersion;
use byok_ui::domain::server_url::ServerUrl;
use byok_ui::kmip::{self, Ttlv};
use proptest::prelude::*;

const RSA_2048: &[u8] = include_bytes!("fixtures/rsa2048.spki.der");

/// Strings near the shapes the parsers look for.
fn near_miss_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[A-Za-z0-9+/=\\s_-]{0,700}",
        "-----BEGIN [A-Z ]{0,20}-----\n[A-Za-z0-9+/=\n]{0,600}\n-----END [A-Z ]{0,20}-----",
        "\\{\"KeyId\": \"[a-z0-9:/-]{0,90}\", \"ImportToken\": \"[A-Za-z0-9+/=]{0,40}\", \"PublicKey\": \"[A-Za-z0-9+/=]{0,400}\", \"ParametersValidTo\": [0-9.\"T:+-]{0,40}\\}",
        "arn:[a-z-]{0,12}:[a-z]{0,5}:[a-z0-9-]{0,16}:[0-9]{0,14}:[a-z]{0,6}/[a-z0-9-]{0,40}",
    ]
}

/// Strings near what Azure and Google print: kids, resource names, `.byok` files, JSON.
fn cloud_near_miss_text() -> impl Strategy<Value = String> {
    prop_oneof![
        near_miss_text(),
        "https://[a-z0-9-]{0,30}\\.(vault|managedhsm)\\.azure\\.(net|cn)/keys/[A-Za-z0-9-]{0,20}(/[a-f0-9]{0,40})?/?",
        "projects/[a-z0-9-]{0,20}/locations/[a-z0-9-]{0,15}/keyRings/[A-Za-z0-9_-]{0,15}/(importJobs|cryptoKeys)/[A-Za-z0-9_-]{0,15}(/cryptoKeyVersions/[0-9]{0,4})?",
        "\\{\"schema_version\":\"1\\.0\\.0\",\"header\":\\{\"kid\":\"https://kv\\.vault\\.azure\\.net/keys/k/[a-f0-9]{0,32}\",\"alg\":\"(dir|x)\",\"enc\":\"CKM_RSA_AES_KEY_WRAP\"\\},\"ciphertext\":\"[A-Za-z0-9_=-]{0,80}\",\"generator\":\"[a-z;0-9]{0,10}\"\\}",
        json_value().prop_map(|v| v.to_string()),
    ]
}

/// Valid KEK DER with a few bytes changed, cut or added.
fn mutated_der() -> impl Strategy<Value = Vec<u8>> {
    (
        prop::collection::vec((0..RSA_2048.len(), any::<u8>()), 0..4),
        0..=RSA_2048.len() + 8,
        prop::collection::vec(any::<u8>(), 0..8),
    )
        .prop_map(|(edits, cut, tail)| {
            let mut der = RSA_2048.to_vec();
            for (at, byte) in edits {
                der[at] = byte;
            }
            der.truncate(cut);
            der.extend(tail);
            der
        })
}

/// Arbitrary JSON trees, TTLV-shaped or not.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        "[A-Za-z0-9 _:.\\-]{0,20}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::from),
            (
                prop_oneof![
                    Just("ImportResponse"),
                    Just("ExportResponse"),
                    Just("GetAttributesResponse"),
                    Just("LocateResponse"),
                    Just("Attributes"),
                    Just("UniqueIdentifier"),
                    Just("KeyBlock"),
                    Just("KeyValue"),
                    Just("Attribute")
                ],
                prop_oneof![
                    Just(None),
                    Just(Some("TextString")),
                    Just(Some("ByteString")),
                    Just(Some("Integer")),
                    Just(Some("LongInteger")),
                    Just(Some("Enumeration")),
                    Just(Some("DateTime")),
                    Just(Some("Interval")),
                    Just(Some("Boolean")),
                    Just(Some("Structure"))
                ],
                inner,
            )
                .prop_map(|(tag, kind, value)| {
                    let mut node = serde_json::Map::new();
                    node.insert("tag".into(), tag.into());
                    if let Some(kind) = kind {
                        node.insert("type".into(), kind.into());
                    }
                    node.insert("value".into(), value);
                    serde_json::Value::Object(node)
                }),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn kek_text_parsing_never_panics(text in near_miss_text()) {
        if let Ok(input) = kek::parse_text(&text) {
            prop_assert!([2048, 3072, 4096].contains(&input.key.spec.bits()));
        }
        let _ = decode_base64(&text);
        let _ = parse_import_token(&text);
        let _ = ImportParameters::parse(&text);
        let _ = ServerUrl::parse(&text, "http://127.0.0.1:9998");
        let _ = key_arn_from_input(&text, AwsKeySpec::SymmetricDefault);
    }

    #[test]
    fn arns_that_parse_print_back_unchanged(text in near_miss_text()) {
        if let Ok(arn) = AwsKeyArn::parse(&text) {
            prop_assert_eq!(arn.as_str(), text.trim());
            prop_assert_eq!(AwsKeyArn::parse(arn.as_str()), Ok(arn.clone()));
            prop_assert!(!arn.region().is_empty());
        }
    }

    #[test]
    fn mutated_keys_are_accepted_only_when_still_a_valid_kek(der in mutated_der()) {
        let results = [kek::check_spki(&der), kek::parse_file(&der).map(|i| i.key), kek::parse_text(&STANDARD.encode(&der)).map(|i| i.key)];
        for key in results.into_iter().flatten() {
            prop_assert_eq!(&key.spki_der, &der);
            prop_assert!([2048, 3072, 4096].contains(&key.spec.bits()));
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic_the_file_parser(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let _ = kek::parse_file(&bytes);
    }

    #[test]
    fn kmip_replies_never_panic_the_parsers(value in json_value()) {
        if let Ok(node) = Ttlv::from_json(&value) {
            prop_assert_eq!(Ttlv::from_json(&node.to_json()), Ok(node.clone()));
            let _ = kmip::parse_import(&node);
            let _ = kmip::parse_create(&node);
            let _ = kmip::parse_create_key_pair(&node);
            let _ = kmip::parse_locate(&node);
            let _ = kmip::parse_get_attributes(&node);
            let _ = kmip::parse_export_wrapped(&node);
            let _ = kmip::parse_query_vendor_id(&node);
        }
        let _ = Ttlv::from_json_text(&value.to_string());
    }

    #[test]
    fn azure_and_google_texts_never_panic_and_names_print_back(text in cloud_near_miss_text()) {
        if let Ok(kid) = AzureKeyId::parse(&text) {
            prop_assert_eq!(AzureKeyId::parse(&kid.to_string()), Ok(kid.clone()));
        }
        if let Ok(file) = ByokFile::parse(&text) {
            prop_assert_eq!(ByokFile::parse(&file.to_json()), Ok(file.clone()));
        }
        if let Ok(name) = ImportJobName::parse(&text) {
            prop_assert_eq!(ImportJobName::parse(&name.to_string()), Ok(name.clone()));
        }
        if let Ok(name) = CryptoKeyVersionName::parse(&text) {
            prop_assert_eq!(CryptoKeyVersionName::parse(&name.to_string()), Ok(name.clone()));
        }
        let now = time::OffsetDateTime::now_utc();
        let _ = AzureKeyId::parse_versioned(&text);
        let _ = azure_kek::parse_kek(&text, None);
        let _ = azure_kek::parse_kek(&text, Some("https://kv.vault.azure.net/keys/k/0123456789abcdef0123456789abcdef"));
        let _ = read_key_output(&text);
        let _ = ImportJob::parse_describe(&text, now);
        let _ = read_pasted(&text, "rsa-oaep-3072-sha256-aes-256", "projects/p/locations/l/keyRings/r/importJobs/j", now);
        let _ = KeyVersion::parse(&text);
    }
}
