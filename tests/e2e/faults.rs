//! The bad-input and fault table across the pages, in headless Chromium
//! against the real KMS behind a fault-injecting proxy: each case checks the
//! exact message, that the form kept the user's values, and that every object
//! in the KMS and all its attributes are unchanged.

use std::path::PathBuf;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use byok_ui::domain::key_material::{HmacHash, KeyMaterialSpec};
use byok_ui::domain::wrapping::WrappingAlgorithm;
use byok_ui::kmip::{self, ImportPublicKeyRequest, UsageMask};
use byok_ui::routes::Page;
use rsa::RsaPrivateKey;
use rsa::pkcs8::EncodePublicKey;
use serde_json::json;
use time::OffsetDateTime;

use crate::support::aws::{ARN, create_key_output, get_parameters_output};
use crate::support::pages::{ExportPage, GuidedPage, Settings};
use crate::support::proxy::{Fault, FaultProxy, kms_behind_proxy};
use crate::support::seed::{attributes, create_material, import_kek, tagged_kek};
use crate::support::{Browser, Kms, KmsOptions, fixture, scratch_dir};
/// The key the import cases bring: not the ARN of the stocked KEKs (a KEK
/// tagged for the same ARN, algorithm and size may be the same key: the page asks first).
const IMPORT_ARN: &str =
    "arn:aws:kms:eu-west-3:447182645454:key/0b6f3c9e-2f4d-4a8e-9c1b-7d5e3a2f1c00";
const IMPORT_ERROR: &str = "form.import-kek [role=alert] .error-text";
const EXPORT_ERROR: &str = "form.export-key-material [role=alert] .error-text";
const CREATE_ERROR: &str = "form.create-key [role=alert] .error-text";
const SETTINGS_ERROR: &str = ".settings [role=alert] .error-text";
const SERVER_ERROR: &str = "[data-testid=server-error] .error-text";
const CANCELLED: &str = "[data-testid=request-cancelled]";
const GUIDED_ARN_ERROR: &str = "#byok-arn + .error-banner .error-text";

/// What the user does on the page, in order; fields are checked afterwards.
enum Step {
    /// Types into a field (checked to keep its value).
    Fill(&'static str, String),
    /// Pastes into a field (checked to keep its value).
    Paste(&'static str, String),
    /// Chooses an option of a select (checked to keep its value).
    Select(&'static str, &'static str),
    /// Picks a file for a file input.
    Upload(&'static str, PathBuf),
    Click(&'static str),
}

/// What goes wrong, set up before the page loads or just before submitting.
#[derive(Clone)]
enum Trouble {
    None,
    /// The KMS is stopped before the page loads.
    DownAtLoad,
    /// The KMS is stopped after the form is filled, before submitting.
    StoppedBeforeSubmit,
    /// The proxy does this to the next request for the operation.
    Proxy(&'static str, Fault),
    /// Settings hold a token the server does not accept.
    WrongToken,
    /// Settings point at a second KMS that does not allow this origin.
    OtherOriginServer,
}

struct Case {
    name: &'static str,
    page: String,
    trouble: Trouble,
    steps: Vec<Step>,
    /// The element that shows the message, and the exact message.
    shows: &'static str,
    message: String,
    /// Clicked once the request is pending (e.g. Cancel); `None` for most.
    while_pending: Option<&'static str>,
    /// How long the message may take (the timeout case waits 30 s).
    patience: u64,
}

fn case(
    name: &'static str,
    page: String,
    steps: Vec<Step>,
    shows: &'static str,
    message: String,
) -> Case {
    Case {
        name,
        page,
        trouble: Trouble::None,
        steps,
        shows,
        message,
        while_pending: None,
        patience: 30,
    }
}

impl Case {
    fn with(mut self, trouble: Trouble) -> Self {
        self.trouble = trouble;
        self
    }
}

fn export_page(key: &str, kek: &str) -> String {
    Page::export_href(Some(key), Some(kek))
}

fn import_steps(kek_b64: &str, arn: &str, kms_id: &str) -> Vec<Step> {
    vec![
        Step::Paste("#kek-text", kek_b64.to_owned()),
        Step::Click("label[for=algorithm-RsaesOaepSha256]"),
        Step::Fill("#key-arn", arn.to_owned()),
        Step::Fill("#kms-id", kms_id.to_owned()),
        Step::Click("form.import-kek button[type=submit]"),
    ]
}

const EXPORT_SUBMIT: Step = Step::Click("form.export-key-material button[type=submit]");

fn cases(proxy: &FaultProxy, other_kms: &str, big_file: PathBuf) -> Vec<Case> {
    let spki = std::fs::read(fixture("rsa2048.spki.der")).unwrap();
    let kek_b64 = STANDARD.encode(&spki);
    let unreachable = format!(
        "Cannot reach the KMS at {}: no answer (the server is down or the address is wrong). Check that the server is running and that the address in Settings is right.",
        proxy.url()
    );
    let import = Page::ImportKek.href();
    let create = Page::CreateSymmetric.href();
    vec![
        case(
            "50 MB file refused by its size before reading",
            import.clone(),
            vec![
                Step::Fill("#kms-id", "kek-big".into()),
                Step::Upload("#kek-file", big_file),
            ],
            "#kek-analysis",
            "The file \"big.bin\" is 52.4 MB; the largest accepted here is 65.5 KB. Choose the right file.".into(),
        ),
        case(
            "certificate file where a public key belongs",
            import.clone(),
            vec![Step::Upload("#kek-file", fixture("rsa2048.cert.pem"))],
            "#kek-analysis",
            "rsa2048.cert.pem: This is a certificate, not a public key: AWS gives the wrapping key as a bare public key (PublicKey in get-parameters-for-import, or WrappingPublicKey.bin).".into(),
        ),
        case(
            "ARN with an 11-digit account",
            import.clone(),
            import_steps(&kek_b64, "arn:aws:kms:eu-west-3:44718264545:key/350e35ef-ac51-4dbb-82a4-9bc50b0ea42b", ""),
            IMPORT_ERROR,
            "AWS key ARN: The ARN's account \"44718264545\" must be exactly 12 digits.".into(),
        ),
        case(
            "ARN of another service",
            import.clone(),
            import_steps(&kek_b64, "arn:aws:s3:::my-bucket", ""),
            IMPORT_ERROR,
            "AWS key ARN: This is an ARN of the \"s3\" service; expected an AWS KMS key ARN (arn:aws:kms:...).".into(),
        ),
        case(
            "KMS id with a space",
            import.clone(),
            import_steps(&kek_b64, IMPORT_ARN, "my kek"),
            IMPORT_ERROR,
            "KMS key id: spaces are not allowed; use letters, digits, '-' or '_', or leave it empty.".into(),
        ),
        case(
            "no key material chosen",
            export_page("", "kek-oaep"),
            vec![EXPORT_SUBMIT],
            EXPORT_ERROR,
            "Choose the key material to export: type its id or pick it from the list.".into(),
        ),
        case(
            "KEK id that does not exist",
            export_page("aes-key", "no-such-kek"),
            vec![EXPORT_SUBMIT],
            EXPORT_ERROR,
            "There is no object no-such-kek in this KMS: pick a wrapping key from the list, or import it on the import page.".into(),
        ),
        case(
            "KEK without the aws tag",
            export_page("aes-key", "kek-untagged"),
            vec![EXPORT_SUBMIT],
            EXPORT_ERROR,
            "kek-untagged is not tagged \"aws\": import the AWS wrapping key through the import page, which tags it with its algorithm.".into(),
        ),
        case(
            "KEK with an unknown tag spelling",
            export_page("aes-key", "kek-odd-spelling"),
            vec![EXPORT_SUBMIT],
            EXPORT_ERROR,
            "kek-odd-spelling: the tag \"wrapping_algorithm:RSA-OAEP-512\" names no wrapping algorithm this app knows: expected one of RsaesOaepSha1, RsaesOaepSha256, RsaAesKeyWrapSha1, RsaAesKeyWrapSha256 (or the AWS names); re-import the KEK with the algorithm given to get-parameters-for-import".into(),
        ),
        case(
            "PreActive key",
            export_page("pre-active-key", "kek-oaep"),
            vec![EXPORT_SUBMIT],
            EXPORT_ERROR,
            "The key material is PreActive, not Active: the KMS exports only active keys and generations rotated out (Deactivated); activate it, or create a new key.".into(),
        ),
        case(
            "key stored wrapped by a key that cannot unwrap",
            export_page("stored-wrapped-key", "kek-oaep"),
            vec![EXPORT_SUBMIT],
            EXPORT_ERROR,
            "stored-wrapped-key is stored wrapped by not-an-unwrapping-key in this KMS, which must unwrap it before wrapping it for AWS, and could not: The KMS refused the request (422): Not Supported: The key: not-an-unwrapping-key, is not meant to unwrap keys. Check that not-an-unwrapping-key exists, is Active and may unwrap keys, or export a key stored in the clear.".into(),
        ),
        case(
            "forbidden cell: HMAC under RSA_AES_KEY_WRAP_SHA_256",
            export_page("hmac-key", "kek-wrap"),
            vec![EXPORT_SUBMIT],
            EXPORT_ERROR,
            "AWS documents RSA_AES_KEY_WRAP_SHA_256 for RSA and ECC private keys only; HMAC-SHA256 256-bit key material is imported with RSAES_OAEP_SHA_256 or RSAES_OAEP_SHA_1: run get-parameters-for-import again with --wrapping-algorithm RSAES_OAEP_SHA_256 and import that wrapping key.".into(),
        ),
        case(
            "KMS down when the page loads",
            export_page("aes-key", "kek-oaep"),
            vec![],
            SERVER_ERROR,
            unreachable.clone(),
        )
        .with(Trouble::DownAtLoad),
        case(
            "KMS stopped between filling and exporting",
            export_page("aes-key", "kek-oaep"),
            vec![EXPORT_SUBMIT],
            EXPORT_ERROR,
            unreachable.clone(),
        )
        .with(Trouble::StoppedBeforeSubmit),
        case(
            "KMS stopped between filling and importing",
            import.clone(),
            import_steps(&kek_b64, IMPORT_ARN, "kek-never"),
            IMPORT_ERROR,
            unreachable.clone(),
        )
        .with(Trouble::StoppedBeforeSubmit),
        case(
            "wrong access token (401)",
            import.clone(),
            import_steps(&kek_b64, IMPORT_ARN, "kek-401"),
            IMPORT_ERROR,
            "The KMS refused the request (401): No authentication provided. Enter a valid access token in Settings.".into(),
        )
        .with(Trouble::WrongToken),
        case(
            "server that refuses this origin (CORS)",
            import.clone(),
            import_steps(&kek_b64, IMPORT_ARN, "kek-cors"),
            IMPORT_ERROR,
            format!(
                "The KMS at {other_kms} is running but refuses requests from this page's origin ({}) (CORS). Start it with --cors-allowed-origins {} (list the server's own origin too if it also serves the UI), or open this UI from the server itself.",
                proxy.url(),
                proxy.url()
            ),
        )
        .with(Trouble::OtherOriginServer),
        case(
            "500 from the server on export",
            export_page("aes-key", "kek-oaep"),
            vec![EXPORT_SUBMIT],
            EXPORT_ERROR,
            "The KMS refused the request (500): Internal server error. The server keeps the details of internal errors in its log. Likely cause: the server could not wrap this material with this algorithm; check the AWS rules shown on this page.".into(),
        )
        .with(Trouble::Proxy("Export", Fault::Status(500, "Internal server error"))),
        case(
            "422 from the server: the id is taken",
            create.clone(),
            vec![
                Step::Fill("#create-id", "aes-key".into()),
                Step::Click("form.create-key button[type=submit]"),
            ],
            CREATE_ERROR,
            "The KMS refused the request (422): Database Error: Ext. store error: one or more objects already exist. The id aes-key is already taken in this KMS: choose another id, or leave it empty for a unique one.".into(),
        ),
        case(
            "key id with a space on the create page",
            create.clone(),
            vec![
                Step::Fill("#create-id", "my key".into()),
                Step::Click("form.create-key button[type=submit]"),
            ],
            CREATE_ERROR,
            "Key id: spaces are not allowed; use letters, digits, '-' or '_', or leave it empty.".into(),
        ),
        case(
            "reserved tag on the create page",
            create.clone(),
            vec![
                Step::Select("#create-spec", "HMAC_256"),
                Step::Fill("#create-tags", "byok, _sk".into()),
                Step::Click("form.create-key button[type=submit]"),
            ],
            CREATE_ERROR,
            "The tag \"_sk\" starts with '_', which the KMS reserves for itself: rename it.".into(),
        ),
        case(
            "server address that is not http(s)",
            Page::ImportKek.href(),
            vec![
                Step::Click(".settings summary"),
                Step::Fill("#server-url", "ftp://127.0.0.1:21".into()),
                Step::Click(".settings button[type=submit]"),
            ],
            SETTINGS_ERROR,
            "\"ftp://127.0.0.1:21\" is not a KMS address: start it with http:// or https://, e.g. http://127.0.0.1:9998".into(),
        ),
        case(
            "access token with a line break",
            Page::ImportKek.href(),
            vec![
                Step::Click(".settings summary"),
                Step::Fill("#access-token", "abc def".into()),
                Step::Click(".settings button[type=submit]"),
            ],
            SETTINGS_ERROR,
            "The access token contains spaces or line breaks: paste the token alone, without \"Bearer\".".into(),
        ),
        case(
            "public key chosen as the key material",
            export_page("rsa-key_pk", "kek-wrap"),
            vec![EXPORT_SUBMIT],
            EXPORT_ERROR,
            "rsa-key_pk is a public key; AWS imports the private key: use rsa-key instead.".into(),
        ),
        case(
            "wrapping key that is not active yet",
            export_page("aes-key", "kek-pre-active"),
            vec![EXPORT_SUBMIT],
            EXPORT_ERROR,
            "The wrapping key is PreActive, not Active: re-import it (the import page sets an activation date).".into(),
        ),
        case(
            "500 from the server on key pair creation",
            Page::CreateRsa.href(),
            vec![
                Step::Fill("#create-id", "rsa-never".into()),
                Step::Click("form.create-key button[type=submit]"),
            ],
            CREATE_ERROR,
            "The KMS refused the request (500): Internal server error. The server keeps the details of internal errors in its log.".into(),
        )
        .with(Trouble::Proxy("CreateKeyPair", Fault::Status(500, "Internal server error"))),
        case(
            "guided flow: truncated create-key output",
            Page::Byok.href(),
            vec![Step::Paste("#byok-arn", "{\"KeyMetadata\": {\"Arn\": \"arn:aws:kms:eu-west-3".into())],
            GUIDED_ARN_ERROR,
            "This is not the JSON create-key prints (no KeyMetadata.Arn): paste the whole output or just the ARN.".into(),
        ),
        case(
            "guided flow: alias ARN instead of a key ARN",
            Page::Byok.href(),
            vec![Step::Paste("#byok-arn", "arn:aws:kms:eu-west-3:447182645454:alias/payments".into())],
            GUIDED_ARN_ERROR,
            "This is an alias ARN (alias/payments); key material is imported into a key, not an alias: use the key's ARN (…:key/<key id>).".into(),
        ),
        Case {
            while_pending: Some("[data-testid=request-progress] button"),
            ..case(
                "slow server: the pending import is cancelled",
                import.clone(),
                import_steps(&kek_b64, IMPORT_ARN, "kek-slow"),
                CANCELLED,
                "Cancelled: the app stopped waiting for the KMS. If the request had already reached the server, it may still have been carried out there; check before trying again.".into(),
            )
            .with(Trouble::Proxy("Import", Fault::Hang))
        },
        Case {
            patience: 45,
            ..case(
                "server that never answers: the export times out",
                export_page("aes-key", "kek-oaep"),
                vec![EXPORT_SUBMIT],
                EXPORT_ERROR,
                format!(
                    "The KMS at {} did not answer within 30 seconds. Try again, or check the server.",
                    proxy.url()
                ),
            )
            .with(Trouble::Proxy("Export", Fault::Hang))
        },
    ]
}

/// The objects the export cases point at.
fn stock(kms: &Kms) {
    let vendor = kms.vendor_id();
    tagged_kek(
        kms,
        &vendor,
        "kek-oaep",
        2048,
        WrappingAlgorithm::RsaesOaepSha256,
    );
    tagged_kek(
        kms,
        &vendor,
        "kek-wrap",
        2048,
        WrappingAlgorithm::RsaAesKeyWrapSha256,
    );
    import_kek(kms, &vendor, "kek-untagged", 2048);
    let odd = RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap();
    let mut odd_attributes = attributes(
        &vendor,
        "kek-odd-spelling",
        UsageMask::WRAP_KEY.union(UsageMask::ENCRYPT),
    );
    odd_attributes.tags = vec!["aws".into(), "wrapping_algorithm:RSA-OAEP-512".into()];
    kms.kmip(&kmip::import_public_key(&ImportPublicKeyRequest {
        spki_der: odd.to_public_key().to_public_key_der().unwrap().into_vec(),
        replace_existing: false,
        attributes: odd_attributes,
    }))
    .unwrap();
    create_material(kms, &vendor, "aes-key", KeyMaterialSpec::Aes { bits: 256 });
    create_material(
        kms,
        &vendor,
        "rsa-key",
        KeyMaterialSpec::RsaPrivate { bits: 2048 },
    );
    let pre = RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap();
    let mut pre_attributes = attributes(
        &vendor,
        "kek-pre-active",
        UsageMask::WRAP_KEY.union(UsageMask::ENCRYPT),
    );
    pre_attributes.tags = vec!["aws".into(), WrappingAlgorithm::RsaesOaepSha256.tag()];
    pre_attributes.activation_date = OffsetDateTime::now_utc() + time::Duration::days(30);
    kms.kmip(&kmip::import_public_key(&ImportPublicKeyRequest {
        spki_der: pre.to_public_key().to_public_key_der().unwrap().into_vec(),
        replace_existing: false,
        attributes: pre_attributes,
    }))
    .unwrap();
    create_material(
        kms,
        &vendor,
        "hmac-key",
        KeyMaterialSpec::Hmac {
            hash: HmacHash::Sha256,
            bits: 256,
        },
    );
    let mut later = attributes(
        &vendor,
        "pre-active-key",
        UsageMask::ENCRYPT.union(UsageMask::DECRYPT),
    );
    later.activation_date = OffsetDateTime::now_utc() + time::Duration::days(30);
    kms.kmip(&kmip::create(&kmip::CreateSymmetricKeyRequest {
        algorithm: kmip::CryptographicAlgorithm::Aes,
        length_bits: 256,
        attributes: later,
    }))
    .unwrap();
    // A key stored wrapped by an AES key that is not allowed to unwrap.
    create_material(
        kms,
        &vendor,
        "not-an-unwrapping-key",
        KeyMaterialSpec::Aes { bits: 256 },
    );
    kms.kmip_json(
        &json!({"tag":"Import","value":[
            {"tag":"UniqueIdentifier","type":"TextString","value":"stored-wrapped-key"},
            {"tag":"ObjectType","type":"Enumeration","value":"SymmetricKey"},
            {"tag":"KeyWrapType","type":"Enumeration","value":"AsRegistered"},
            {"tag":"Attributes","value":[
                {"tag":"CryptographicAlgorithm","type":"Enumeration","value":"AES"},
                {"tag":"CryptographicLength","type":"Integer","value":256},
                {"tag":"ActivationDate","type":"DateTime","value":"2020-01-01T00:00:00Z"}]},
            {"tag":"SymmetricKey","value":[{"tag":"KeyBlock","value":[
                {"tag":"KeyFormatType","type":"Enumeration","value":"Raw"},
                {"tag":"KeyValue","type":"ByteString","value":"00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF0011223344556677"},
                {"tag":"CryptographicAlgorithm","type":"Enumeration","value":"AES"},
                {"tag":"CryptographicLength","type":"Integer","value":256},
                {"tag":"KeyWrappingData","value":[
                    {"tag":"WrappingMethod","type":"Enumeration","value":"Encrypt"},
                    {"tag":"EncryptionKeyInformation","value":[
                        {"tag":"UniqueIdentifier","type":"TextString","value":"not-an-unwrapping-key"}]}]}]}]}]}),
        kms.token.as_deref(),
    )
    .expect("import a key stored wrapped");
}

async fn do_step(browser: &Browser, step: &Step) {
    match step {
        Step::Fill(css, text) => browser.fill(css, text).await,
        Step::Paste(css, text) => browser.paste(css, text).await,
        Step::Select(css, value) => browser.select(css, value).await,
        Step::Upload(css, path) => browser.upload(css, path).await,
        Step::Click(css) => browser.click(css).await,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_inputs_and_faults_get_a_clear_message_keep_the_form_and_change_nothing() {
    let (mut kms, proxy, token) = kms_behind_proxy();
    stock(&kms);
    // A second KMS with default CORS: it allows only its own origin.
    let other = Kms::start(KmsOptions::default());
    let big = scratch_dir("big-file").join("big.bin");
    std::fs::write(&big, vec![0x30u8; 50 * 1024 * 1024]).unwrap();

    let browser = Browser::start().await;
    browser.keep_secret(&token);
    browser
        .goto(&format!("{}{}", proxy.url(), Page::Byok.href()))
        .await;
    let cases = cases(&proxy, &other.url(), big);
    assert!(cases.len() >= 25, "the table has {} cases", cases.len());
    let mut report = Vec::new();
    let mut wrong_messages = Vec::new();
    for case in cases {
        println!("case: {}", case.name);
        let before = kms.snapshot();
        let (url, case_token) = match case.trouble {
            Trouble::WrongToken => (String::new(), "not-the-token"),
            Trouble::OtherOriginServer => (other.url(), ""),
            _ => (String::new(), token.as_str()),
        };
        Settings::use_server(&browser, &url, case_token).await;
        if let Trouble::DownAtLoad = case.trouble {
            kms.stop();
        }
        browser.goto(&format!("{}{}", proxy.url(), case.page)).await;
        browser.wait_for_text("h1", |t| !t.is_empty()).await;
        if case.page.contains("kek=") && !matches!(case.trouble, Trouble::DownAtLoad) {
            // The pickers have loaded.
            browser.element("#kek-id").await;
        }
        let (last, first) = match case.steps.split_last() {
            Some((last @ Step::Click(_), first)) => (Some(last), first),
            _ => (None, &case.steps[..]),
        };
        for step in first {
            do_step(&browser, step).await;
        }
        if let Trouble::StoppedBeforeSubmit = case.trouble {
            kms.stop();
        }
        if let Trouble::Proxy(operation, fault) = &case.trouble {
            proxy.arm(operation, fault.clone());
        }
        if let Some(last) = last {
            do_step(&browser, last).await;
        }
        if let Some(button) = case.while_pending {
            if let Trouble::Proxy(operation, Fault::Hang) = &case.trouble {
                proxy.wait_holding(operation).await;
            }
            browser.element("[data-testid=request-progress]").await;
            browser.screenshot("fault-request-pending").await;
            browser.click(button).await;
        }
        let shown = browser
            .wait_for_text_within(case.shows, case.patience, |t| !t.is_empty())
            .await;
        if shown != case.message {
            wrong_messages.push(format!(
                "{}:\n  shown:    {shown:?}\n  expected: {:?}",
                case.name, case.message
            ));
        }
        for step in &case.steps {
            let (css, expected) = match step {
                Step::Fill(css, text) | Step::Paste(css, text) => (*css, text.as_str()),
                Step::Select(css, value) => (*css, *value),
                _ => continue,
            };
            assert_eq!(
                browser.value_of(css).await,
                expected,
                "{}: {css} kept",
                case.name
            );
        }
        if case.while_pending.is_some() {
            let deadline = std::time::Instant::now() + Duration::from_secs(10);
            while proxy.abandoned().is_empty() {
                assert!(
                    std::time::Instant::now() < deadline,
                    "{}: the request was not aborted",
                    case.name
                );
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        proxy.disarm();
        if matches!(
            case.trouble,
            Trouble::DownAtLoad | Trouble::StoppedBeforeSubmit
        ) {
            kms.resume();
        }
        assert_eq!(kms.snapshot(), before, "{}: the KMS changed", case.name);
        browser.assert_accessible(case.name).await;
        report.push(format!("| {} | {shown} |", case.name));
    }
    browser.screenshot("fault-last").await;
    println!("| case | message shown |\n|---|---|\n{}", report.join("\n"));
    browser.close().await;
    assert!(
        wrong_messages.is_empty(),
        "wrong messages:\n{}",
        wrong_messages.join("\n")
    );
}

/// Operations that reached the KMS, without the reads.
fn writes(proxy: &FaultProxy) -> Vec<String> {
    proxy
        .take_forwarded()
        .into_iter()
        .filter(|op| ["Create", "CreateKeyPair", "Import", "Export"].contains(&op.as_str()))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn double_submit_back_forward_and_reload_leave_no_duplicates() {
    let (kms, proxy, token) = kms_behind_proxy();
    stock(&kms);
    let browser = Browser::start().await;
    browser.keep_secret(&token);
    browser
        .goto(&format!("{}{}", proxy.url(), Page::Byok.href()))
        .await;
    Settings::use_server(&browser, "", &token).await;
    let spki = std::fs::read(fixture("rsa2048.spki.der")).unwrap();
    let slow = Fault::Delay(Duration::from_secs(2));

    // Import: submit, then submit again and press Enter while the first is pending.
    browser
        .goto(&format!("{}{}", proxy.url(), Page::ImportKek.href()))
        .await;
    for step in import_steps(&STANDARD.encode(&spki), IMPORT_ARN, "") {
        if let Step::Click(css) = step
            && css.ends_with("[type=submit]")
        {
            proxy.take_forwarded();
            proxy.arm("Import", slow.clone());
            browser.click(css).await;
            browser.element("[data-testid=request-progress]").await;
            browser.click(css).await;
            browser
                .client
                .execute(
                    "document.querySelector('#key-arn').form.requestSubmit();",
                    vec![],
                )
                .await
                .unwrap();
        } else {
            do_step(&browser, &step).await;
        }
    }
    browser
        .wait_for_text("[data-testid=imported-id]", |t| !t.is_empty())
        .await;
    assert_eq!(writes(&proxy), ["Import"], "one import for three submits");

    // Create: the same on the creation page.
    let before = kms.object_ids().len();
    browser
        .goto(&format!("{}{}", proxy.url(), Page::CreateSymmetric.href()))
        .await;
    browser.element("#create-id").await;
    proxy.take_forwarded();
    proxy.arm("Create", slow.clone());
    browser.click("form.create-key button[type=submit]").await;
    browser.element("[data-testid=request-progress]").await;
    browser.click("form.create-key button[type=submit]").await;
    browser
        .wait_for_text("[data-testid=created-key-id]", |t| !t.is_empty())
        .await;
    assert_eq!(writes(&proxy), ["Create"], "one key for two submits");
    assert_eq!(kms.object_ids().len(), before + 1);

    // Export, then back and forward: nothing is sent again.
    browser
        .goto(&format!(
            "{}{}",
            proxy.url(),
            export_page("aes-key", "kek-oaep")
        ))
        .await;
    browser.element("#kek-id").await;
    proxy.take_forwarded();
    proxy.arm("Export", slow.clone());
    browser
        .click("form.export-key-material button[type=submit]")
        .await;
    browser.element("[data-testid=request-progress]").await;
    ExportPage::export_and_wait(&browser).await;
    assert_eq!(writes(&proxy), ["Export"], "one export for two submits");
    let objects = kms.snapshot();
    browser.client.back().await.unwrap();
    browser
        .wait_for_text("h1", |t| t == Page::CreateSymmetric.label())
        .await;
    browser.client.forward().await.unwrap();
    browser
        .wait_for_text("h1", |t| t == Page::ExportKeyMaterial.label())
        .await;
    browser.element("#kek-id").await;
    assert_eq!(
        writes(&proxy),
        Vec::<String>::new(),
        "back/forward sent a write"
    );
    assert_eq!(kms.snapshot(), objects);

    // Guided flow: reload while the import hangs, then run again.
    let before = kms.object_ids();
    let kek = RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap();
    let spec = byok_ui::domain::aws::key_spec::AwsKeySpec::SymmetricDefault;
    GuidedPage::open(&browser, &format!("{}{}", proxy.url(), Page::Byok.href())).await;
    browser.select("#byok-spec", &spec.aws_name()).await;
    browser.select("#byok-kek-size", "RSA_2048").await;
    browser.paste("#byok-arn", &create_key_output(spec)).await;
    let parameters = get_parameters_output(
        ARN,
        &kek,
        &[9; 600],
        OffsetDateTime::now_utc() + time::Duration::hours(23),
    );
    browser.paste("#byok-parameters", &parameters).await;
    browser
        .wait_for_text("[data-testid=byok-plan]", |t| !t.is_empty())
        .await;
    proxy.take_forwarded();
    proxy.arm("Import", Fault::Hang);
    browser.click("#byok-run").await;
    browser.element("[data-testid=request-progress]").await;
    // The material is created and the import is pending: reload now.
    proxy.wait_holding("Import").await;
    assert_eq!(writes(&proxy), ["Create"]);
    browser.client.refresh().await.unwrap();
    browser
        .wait_for_text("[data-testid=byok-plan]", |t| t.contains("use the key"))
        .await;
    browser.click("#byok-run").await;
    let key_id = GuidedPage::key_id(&browser).await;
    assert_eq!(
        writes(&proxy),
        ["Import", "Export"],
        "the rerun created nothing new"
    );
    let after = kms.object_ids();
    let added: Vec<_> = after.iter().filter(|id| !before.contains(id)).collect();
    assert_eq!(
        added.len(),
        2,
        "one key material and one wrapping key: {added:?}"
    );
    assert!(added.contains(&&key_id), "{added:?}");

    // Running the finished flow again reuses both.
    browser.click("#byok-run").await;
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let mut sent = Vec::new();
    while !sent.iter().any(|op| op == "Export") {
        assert!(
            std::time::Instant::now() < deadline,
            "the second run did not export"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
        sent.extend(writes(&proxy));
    }
    // The KMS refuses the second Import (the KEK's id is taken): nothing is copied.
    assert_eq!(sent, ["Import", "Export"], "the second run's writes");
    assert_eq!(kms.object_ids(), after, "a second run added objects");
    browser.close().await;
}
