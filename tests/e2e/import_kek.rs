//! The import page in headless Chromium against the real KMS: every input
//! kind, the bad inputs (nothing sent), replace protection, repeated imports, tag spellings.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use byok_ui::domain::wrapping::WrappingAlgorithm;
use byok_ui::kmip::{self, AttributeReference, ImportPublicKeyRequest, KeyAttributes, UsageMask};
use byok_ui::routes::Page;
use serde_json::json;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::support::aws::ARN;
use crate::support::pages::ImportKekPage;
use crate::support::{Browser, ENTER, Kms, fixture, scratch_dir};
const ANALYSIS: &str = "#kek-analysis";
const FORM_ERROR: &str = "form.import-kek .error-banner .error-text";
const IMPORTED_ID: &str = "[data-testid=imported-id]";
const VALIDITY: &str = "#parameters-validity";
const ALREADY_STORED: &str = "[data-testid=already-stored-text]";

fn der(name: &str) -> Vec<u8> {
    std::fs::read(fixture(name)).expect("fixture")
}

fn get_parameters_json(spki: &[u8], token: &[u8], valid_to: OffsetDateTime) -> String {
    let valid_to = valid_to
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    format!(
        "{{\n    \"KeyId\": \"{ARN}\",\n    \"ImportToken\": \"{}\",\n    \"PublicKey\": \"{}\",\n    \"ParametersValidTo\": \"{valid_to}\"\n}}",
        STANDARD.encode(token),
        STANDARD.encode(spki)
    )
}

fn ui_kms() -> Kms {
    Kms::with_ui()
}

/// Reads the object back over KMIP: SPKI bytes, tags, state.
fn assert_stored(kms: &Kms, id: &str, spki: &[u8], tags: &[String]) {
    assert_eq!(kms.public_key_der(id), spki, "{id}: SPKI bytes");
    let with_tags = kmip::parse_get_attributes(
        &kms.kmip(&kmip::get_attributes(id, &[AttributeReference::Tag]))
            .unwrap(),
    )
    .unwrap();
    let mut expected = tags.to_vec();
    expected.sort();
    assert_eq!(with_tags.tags, expected, "{id}: tags");
    let attributes =
        kmip::parse_get_attributes(&kms.kmip(&kmip::get_attributes(id, &[])).unwrap()).unwrap();
    assert_eq!(attributes.state, Some(kmip::State::Active), "{id}: state");
    assert_eq!(attributes.object_type, Some(kmip::ObjectType::PublicKey));
}

/// The CLI's three tags, then the fingerprint tag (SHA-256 of the DER, computed here).
fn tags(algorithm: WrappingAlgorithm, arn: bool, spki: &[u8]) -> Vec<String> {
    let mut tags = vec!["aws".to_owned(), algorithm.tag()];
    if arn {
        tags.push(format!("key_arn:{ARN}"));
    }
    tags.push(format!("kek_sha256:{}", hex::encode(Sha256::digest(spki))));
    tags
}

/// How many visible elements show `text` themselves (not through a child):
/// a message must be shown once.
async fn times_shown(browser: &Browser, text: &str) -> u64 {
    browser
        .client
        .execute(
            "const text = arguments[0];
             return [...document.querySelectorAll('body *')].filter(el =>
               el.textContent.includes(text)
               && ![...el.children].some(c => c.textContent.includes(text))
               && el.getClientRects().length > 0).length;",
            vec![json!(text)],
        )
        .await
        .expect("count the messages")
        .as_u64()
        .unwrap()
}

/// The id of the focused element.
async fn focused_id(browser: &Browser) -> String {
    browser
        .client
        .execute("return document.activeElement.id;", vec![])
        .await
        .expect("read the focus")
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// Rows of the KEK list whose ARN column is `arn`.
async fn rows_for_arn(browser: &Browser, arn: &str) -> u64 {
    browser
        .client
        .execute(
            "return [...document.querySelectorAll('.kek-list tbody tr')]
               .filter(tr => tr.cells[2].textContent.trim() === arguments[0]).length;",
            vec![json!(arn)],
        )
        .await
        .expect("count the rows")
        .as_u64()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn each_input_kind_imports_the_exact_key_with_the_cli_tags() {
    let kms = ui_kms();
    let browser = ImportKekPage::open(&kms).await;

    // 1. base64, pasted; with an ARN typed by hand.
    let spki = der("rsa2048.spki.der");
    browser.paste("#kek-text", &STANDARD.encode(&spki)).await;
    browser
        .wait_for_text(ANALYSIS, |t| {
            t.starts_with("RSA 2048-bit public key, SHA-256 fingerprint ")
                && t.ends_with("(read as base64 DER).")
        })
        .await;
    ImportKekPage::choose_algorithm(&browser, WrappingAlgorithm::RsaesOaepSha256).await;
    browser.fill("#key-arn", ARN).await;
    browser.fill("#kms-id", "kek-base64").await;
    browser.click("form.import-kek button[type=submit]").await;
    browser
        .wait_for_text(IMPORTED_ID, |t| t == "kek-base64")
        .await;
    browser.screenshot("import-kek-result").await;
    browser
        .assert_accessible("import page (result shown)")
        .await;
    assert_stored(
        &kms,
        "kek-base64",
        &spki,
        &tags(WrappingAlgorithm::RsaesOaepSha256, true, &spki),
    );

    // 2. PEM, typed (line breaks and all); no ARN.
    let pem = std::fs::read_to_string(fixture("rsa4096.spki.pem")).unwrap();
    browser.goto(&kms.ui_url(&Page::ImportKek.href())).await;
    browser.fill("#kek-text", &pem).await;
    browser
        .wait_for_text(ANALYSIS, |t| {
            t.contains("RSA 4096-bit") && t.contains("(read as PEM)")
        })
        .await;
    ImportKekPage::choose_algorithm(&browser, WrappingAlgorithm::RsaAesKeyWrapSha256).await;
    browser.fill("#kms-id", "kek-pem").await;
    browser.click("form.import-kek button[type=submit]").await;
    browser.wait_for_text(IMPORTED_ID, |t| t == "kek-pem").await;
    assert_stored(
        &kms,
        "kek-pem",
        &der("rsa4096.spki.der"),
        &tags(
            WrappingAlgorithm::RsaAesKeyWrapSha256,
            false,
            &der("rsa4096.spki.der"),
        ),
    );

    // 3. The whole get-parameters-for-import JSON: ARN filled, token offered.
    let token: Vec<u8> = (0..=255u8).cycle().take(1200).collect();
    let valid_to = OffsetDateTime::now_utc() + time::Duration::hours(24);
    let json = get_parameters_json(&der("rsa3072.spki.der"), &token, valid_to);
    browser.goto(&kms.ui_url(&Page::ImportKek.href())).await;
    browser.paste("#kek-text", &json).await;
    browser
        .wait_for_text(ANALYSIS, |t| {
            t.contains("RSA 3072-bit") && t.contains("(read as get-parameters-for-import output)")
        })
        .await;
    let validity = browser
        .wait_for_text(VALIDITY, |t| {
            t.starts_with("These import parameters are valid for")
        })
        .await;
    assert!(
        [
            "These import parameters are valid for 23 h 59 min (valid 24 h, single use).",
            "These import parameters are valid for 23 h 58 min (valid 24 h, single use)."
        ]
        .contains(&validity.as_str()),
        "{validity}"
    );
    assert_eq!(browser.value_of("#key-arn").await, ARN);
    browser.click(".parameters-notice button.download").await;
    assert_eq!(browser.downloaded("ImportToken.bin").await, token);
    ImportKekPage::choose_algorithm(&browser, WrappingAlgorithm::RsaesOaepSha1).await;
    browser.click("form.import-kek button[type=submit]").await;
    let id = browser.wait_for_text(IMPORTED_ID, |t| !t.is_empty()).await;
    assert_eq!(id.len(), 36, "the server picked a UUID: {id}");
    // The parameters' validity is recorded beside the CLI's tags, for the pickers.
    let mut expected = tags(
        WrappingAlgorithm::RsaesOaepSha1,
        true,
        &der("rsa3072.spki.der"),
    );
    expected.push(format!(
        "parameters_valid_to:{}",
        valid_to
            .replace_nanosecond(0)
            .unwrap()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap()
    ));
    // And its day, for the lists' Locates.
    expected.extend(
        byok_ui::domain::expiry_day::DayWindow::AWS.tags(valid_to, OffsetDateTime::now_utc()),
    );
    assert_stored(&kms, &id, &der("rsa3072.spki.der"), &expected);
    browser.screenshot("import-kek-json").await;
    browser
        .assert_accessible("import page (JSON parameters shown)")
        .await;

    // 4. DER file (the console's WrappingPublicKey.bin), chosen in the picker.
    let dir = scratch_dir("kek-files");
    let der_file = dir.join("WrappingPublicKey.bin");
    std::fs::write(&der_file, der("rsa4096.spki.der")).unwrap();
    browser.goto(&kms.ui_url(&Page::ImportKek.href())).await;
    browser.upload("#kek-file", &der_file).await;
    browser
        .wait_for_text(ANALYSIS, |t| {
            t.contains("RSA 4096-bit") && t.contains("(read as binary DER file)")
        })
        .await;
    ImportKekPage::choose_algorithm(&browser, WrappingAlgorithm::RsaAesKeyWrapSha1).await;
    browser.fill("#kms-id", "kek-der-file").await;
    browser.click("form.import-kek button[type=submit]").await;
    browser
        .wait_for_text(IMPORTED_ID, |t| t == "kek-der-file")
        .await;
    assert_stored(
        &kms,
        "kek-der-file",
        &der("rsa4096.spki.der"),
        &tags(
            WrappingAlgorithm::RsaAesKeyWrapSha1,
            false,
            &der("rsa4096.spki.der"),
        ),
    );

    // 5. PEM file.
    browser.goto(&kms.ui_url(&Page::ImportKek.href())).await;
    browser
        .upload("#kek-file", &fixture("rsa4096.spki.pem"))
        .await;
    browser
        .wait_for_text(ANALYSIS, |t| {
            t.contains("RSA 4096-bit") && t.contains("(read as PEM)")
        })
        .await;
    ImportKekPage::choose_algorithm(&browser, WrappingAlgorithm::RsaesOaepSha256).await;
    browser.fill("#key-arn", ARN).await;
    browser.fill("#kms-id", "kek-pem-file").await;
    browser.click("form.import-kek button[type=submit]").await;
    browser
        .wait_for_text(IMPORTED_ID, |t| t == "kek-pem-file")
        .await;
    assert_stored(
        &kms,
        "kek-pem-file",
        &der("rsa4096.spki.der"),
        &tags(
            WrappingAlgorithm::RsaesOaepSha256,
            true,
            &der("rsa4096.spki.der"),
        ),
    );

    // The result links to the export page with the KEK preselected.
    browser.click("[data-testid=import-result] a").await;
    let query = browser.wait_for_path(&Page::ExportKeyMaterial.href()).await;
    assert_eq!(query.as_deref(), Some("kek=kek-pem-file"));
    browser.close().await;
}

/// One bad input: what the user gives, and the message they must see, once, where.
struct BadInput {
    name: &'static str,
    kek: Kek,
    algorithm: Option<WrappingAlgorithm>,
    arn: &'static str,
    message: &'static str,
    /// Where the message shows: under the key field (ANALYSIS, or VALIDITY for
    /// expired parameters; the field is marked invalid and focused) or in the banner.
    at: &'static str,
}

enum Kek {
    Paste(String),
    File(&'static str, Vec<u8>),
}

fn bad_inputs() -> Vec<BadInput> {
    let rsa = der("rsa2048.spki.der");
    let ok = Some(WrappingAlgorithm::RsaesOaepSha256);
    let paste = |bytes: &[u8]| Kek::Paste(STANDARD.encode(bytes));
    let mut trailing = rsa.clone();
    trailing.extend_from_slice(&[0, 0]);
    let expired = get_parameters_json(
        &rsa,
        b"token",
        OffsetDateTime::now_utc() - time::Duration::hours(2) - time::Duration::minutes(1),
    );
    // The expired parameters come first: the minute shown must not tick over while the
    // other cases run.
    vec![
        BadInput {
            name: "expired parameters",
            kek: Kek::Paste(expired),
            algorithm: ok,
            arn: "",
            message: "These import parameters expired 2 h 1 min ago: run get-parameters-for-import again (its output is valid 24 h and single use).",
            at: VALIDITY,
        },
        BadInput {
            name: "empty",
            kek: Kek::Paste(String::new()),
            algorithm: ok,
            arn: "",
            message: "No wrapping key given: paste the PublicKey value (base64)",
            at: ANALYSIS,
        },
        BadInput {
            name: "not base64",
            kek: Kek::Paste("MIIBIjAN!gkqhkiG9w0BAQEFAAOC".into()),
            algorithm: ok,
            arn: "",
            message: "The wrapping key is not base64: the character '!' at position 9 is not in the base64 alphabet. Paste the PublicKey value exactly as AWS printed it, or a PEM or JSON.",
            at: ANALYSIS,
        },
        BadInput {
            name: "url-safe base64",
            kek: Kek::Paste("MIIBIjAN_gkqhkiG9w0BAQEFAAOC".into()),
            algorithm: ok,
            arn: "",
            message: "The wrapping key is not base64: the character '_' at position 9 is not in the base64 alphabet (that is the URL-safe alphabet; AWS prints standard base64). Paste the PublicKey value",
            at: ANALYSIS,
        },
        BadInput {
            name: "not DER",
            kek: Kek::Paste("aGVsbG8gd29ybGQ=".into()),
            algorithm: ok,
            arn: "",
            message: "The bytes are not DER (no ASN.1 SEQUENCE at the start)",
            at: ANALYSIS,
        },
        BadInput {
            name: "truncated",
            kek: paste(&rsa[..150]),
            algorithm: ok,
            arn: "",
            message: "The DER is truncated: it announces 294 bytes but only 150 are there.",
            at: ANALYSIS,
        },
        BadInput {
            name: "trailing bytes",
            kek: paste(&trailing),
            algorithm: ok,
            arn: "",
            message: "The key is followed by 2 trailing bytes",
            at: ANALYSIS,
        },
        BadInput {
            name: "EC key",
            kek: paste(&der("ec-p256.spki.der")),
            algorithm: ok,
            arn: "",
            message: "This is an EC public key; AWS wrapping keys are RSA",
            at: ANALYSIS,
        },
        BadInput {
            name: "RSA-1024",
            kek: paste(&der("rsa1024.spki.der")),
            algorithm: ok,
            arn: "",
            message: "This is an RSA 1024-bit key; AWS wrapping keys are 2048, 3072 or 4096 bits",
            at: ANALYSIS,
        },
        BadInput {
            name: "certificate",
            kek: Kek::Paste(std::fs::read_to_string(fixture("rsa2048.cert.pem")).unwrap()),
            algorithm: ok,
            arn: "",
            message: "This is a certificate, not a public key",
            at: ANALYSIS,
        },
        BadInput {
            name: "private key",
            kek: Kek::Paste(std::fs::read_to_string(fixture("rsa2048.pkcs1.pem")).unwrap()),
            algorithm: ok,
            arn: "",
            message: "This is a private key, pasted by mistake?",
            at: ANALYSIS,
        },
        BadInput {
            name: "oversized",
            kek: paste(&[0x30; 5000]),
            algorithm: ok,
            arn: "",
            message: "The wrapping key is 5000 bytes; an AWS wrapping key is at most 4096 bytes",
            at: ANALYSIS,
        },
        BadInput {
            name: "bare key id as ARN",
            kek: paste(&rsa),
            algorithm: ok,
            arn: "350e35ef-ac51-4dbb-82a4-9bc50b0ea42b",
            message: "AWS key ARN: \"350e35ef-ac51-4dbb-82a4-9bc50b0ea42b\" is a key id, not a key ARN",
            at: FORM_ERROR,
        },
        BadInput {
            name: "alias ARN",
            kek: paste(&rsa),
            algorithm: ok,
            arn: "arn:aws:kms:eu-west-3:447182645454:alias/my-key",
            message: "AWS key ARN: This is an alias ARN (alias/my-key)",
            at: FORM_ERROR,
        },
        BadInput {
            name: "no algorithm",
            kek: paste(&rsa),
            algorithm: None,
            arn: "",
            message: "Choose the wrapping algorithm",
            at: FORM_ERROR,
        },
        BadInput {
            name: "malformed JSON",
            kek: Kek::Paste("{\"KeyId\": \"x\",".into()),
            algorithm: ok,
            arn: "",
            message: "The text starts like JSON but is not valid JSON",
            at: ANALYSIS,
        },
        BadInput {
            name: "private key file",
            kek: Kek::File("private.der", der("rsa2048.pkcs8.der")),
            algorithm: ok,
            arn: "",
            message: "private.der: This is a private key, pasted by mistake?",
            at: ANALYSIS,
        },
        BadInput {
            name: "binary garbage file",
            kek: Kek::File("garbage.bin", vec![0xff, 0xd8, 0xff, 0xe0, 0, 1]),
            algorithm: ok,
            arn: "",
            message: "garbage.bin: The file is neither DER",
            at: ANALYSIS,
        },
        BadInput {
            name: "huge file",
            kek: Kek::File("huge.bin", vec![0x30; 100_000]),
            algorithm: ok,
            arn: "",
            message: "The file \"huge.bin\" is 100.0 KB; the largest accepted here is 65.5 KB.",
            at: ANALYSIS,
        },
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_inputs_are_refused_with_a_clear_message_and_nothing_is_sent() {
    let kms = ui_kms();
    let before = kms.snapshot();
    let browser = ImportKekPage::open(&kms).await;
    let dir = scratch_dir("bad-kek-files");
    let cases = bad_inputs();
    assert!(cases.len() >= 12);
    for case in cases {
        browser.goto(&kms.ui_url(&Page::ImportKek.href())).await;
        browser
            .wait_for_text("h1", |t| t == Page::ImportKek.label())
            .await;
        let pasted = match &case.kek {
            Kek::Paste(text) => {
                browser.paste("#kek-text", text).await;
                Some(text.clone())
            }
            Kek::File(name, bytes) => {
                let path = dir.join(name);
                std::fs::write(&path, bytes).unwrap();
                browser.upload("#kek-file", &path).await;
                None
            }
        };
        if let Some(algorithm) = case.algorithm {
            ImportKekPage::choose_algorithm(&browser, algorithm).await;
        }
        browser.fill("#key-arn", case.arn).await;
        browser.fill("#kms-id", "must-not-exist").await;
        browser.click("form.import-kek button[type=submit]").await;
        let shown = browser
            .wait_for_text(case.at, |t| t.starts_with(case.message))
            .await;
        assert!(
            shown.starts_with(case.message),
            "{}: expected {:?}, shown {shown:?}",
            case.name,
            case.message
        );
        assert_eq!(
            times_shown(&browser, case.message).await,
            1,
            "{}: the message must show once",
            case.name
        );
        if case.at != FORM_ERROR {
            // A problem with the key itself: no banner; the field says it and has the focus.
            assert!(
                browser
                    .client
                    .find(fantoccini::Locator::Css("form.import-kek .error-banner"))
                    .await
                    .is_err(),
                "{}: a banner repeats the message",
                case.name
            );
            let field = if pasted.is_some() {
                "kek-text"
            } else {
                "kek-file"
            };
            assert_eq!(focused_id(&browser).await, field, "{}: focus", case.name);
            let field = browser.element(&format!("#{field}")).await;
            assert_eq!(
                field.attr("aria-invalid").await.unwrap().as_deref(),
                Some("true"),
                "{}",
                case.name
            );
            let described_by = field
                .attr("aria-describedby")
                .await
                .unwrap()
                .unwrap_or_default();
            assert!(
                described_by
                    .split(' ')
                    .any(|id| format!("#{id}") == case.at),
                "{}: the field is not described by the message: {described_by}",
                case.name
            );
        }
        // The form keeps what the user gave.
        if let Some(text) = pasted {
            assert_eq!(browser.value_of("#kek-text").await, text, "{}", case.name);
        }
        assert_eq!(
            browser.value_of("#key-arn").await,
            case.arn,
            "{}",
            case.name
        );
        assert_eq!(
            browser.value_of("#kms-id").await,
            "must-not-exist",
            "{}",
            case.name
        );
        assert_eq!(kms.snapshot(), before, "{}: the KMS changed", case.name);
        browser
            .screenshot(&format!("import-kek-bad-{}", case.name.replace(' ', "-")))
            .await;
        browser
            .assert_accessible(&format!("import page (error: {})", case.name))
            .await;
    }
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn importing_twice_under_one_id_asks_before_replacing() {
    let kms = ui_kms();
    let browser = ImportKekPage::open(&kms).await;
    let import = |name: &'static str| {
        let browser = &browser;
        async move {
            browser
                .paste("#kek-text", &STANDARD.encode(der(name)))
                .await;
            ImportKekPage::choose_algorithm(browser, WrappingAlgorithm::RsaesOaepSha256).await;
            browser.fill("#kms-id", "kek-dup").await;
            browser.click("form.import-kek button[type=submit]").await;
        }
    };
    import("rsa2048.spki.der").await;
    browser.wait_for_text(IMPORTED_ID, |t| t == "kek-dup").await;

    browser.goto(&kms.ui_url(&Page::ImportKek.href())).await;
    import("rsa3072.spki.der").await;
    let shown = browser
        .wait_for_text(".replace-confirmation p:first-of-type", |t| {
            t.starts_with("kek-dup")
        })
        .await;
    assert!(
        shown.contains("PublicKey · RSA 2048-bit · Active"),
        "{shown}"
    );
    let fingerprint = hex::encode(Sha256::digest(der("rsa2048.spki.der")));
    assert!(
        shown.contains(&format!(
            "tags: aws, kek_sha256:{fingerprint}, wrapping_algorithm:RsaesOaepSha256"
        )),
        "{shown}"
    );
    browser.screenshot("import-kek-replace").await;
    browser
        .assert_accessible("import page (replace confirmation)")
        .await;
    assert_eq!(kms.public_key_der("kek-dup"), der("rsa2048.spki.der"));

    // Cancel leaves it alone.
    browser
        .click(".replace-confirmation button.secondary")
        .await;
    assert!(
        browser
            .client
            .find(fantoccini::Locator::Css(".replace-confirmation"))
            .await
            .is_err()
    );
    assert_eq!(kms.public_key_der("kek-dup"), der("rsa2048.spki.der"));

    // Asking again, then replacing, overwrites it.
    browser.click("form.import-kek button[type=submit]").await;
    browser.click(".replace-confirmation button.danger").await;
    browser.wait_for_text(IMPORTED_ID, |t| t == "kek-dup").await;
    assert_eq!(kms.public_key_der("kek-dup"), der("rsa3072.spki.der"));
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn keks_tagged_in_any_spelling_are_recognised_and_unknown_ones_reported() {
    let kms = ui_kms();
    let vendor = kms.vendor_id();
    let cases = [
        (
            "kek-cli",
            "wrapping_algorithm:RsaAesKeyWrapSha1",
            "RSA_AES_KEY_WRAP_SHA_1",
        ),
        (
            "kek-react",
            "wrapping_algorithm:rsa-oaep",
            "RSAES_OAEP_SHA_256",
        ),
        (
            "kek-aws",
            "wrapping_algorithm:RSA_AES_KEY_WRAP_SHA_256",
            "RSA_AES_KEY_WRAP_SHA_256",
        ),
        (
            "kek-lower",
            "wrapping_algorithm:rsaesoaepsha1",
            "RSAES_OAEP_SHA_1",
        ),
        (
            "kek-unknown",
            "wrapping_algorithm:rsa-oaep-sha512",
            "the tag \"wrapping_algorithm:rsa-oaep-sha512\" names no wrapping algorithm",
        ),
    ];
    for (id, tag, _) in cases {
        let request = ImportPublicKeyRequest {
            spki_der: der("rsa2048.spki.der"),
            replace_existing: false,
            attributes: KeyAttributes {
                unique_identifier: Some(id.to_owned()),
                activation_date: OffsetDateTime::now_utc() - time::Duration::minutes(1),
                usage_mask: UsageMask::WRAP_KEY.union(UsageMask::ENCRYPT),
                tags: vec!["aws".into(), tag.into()],
                vendor_id: vendor.clone(),
                sensitive: false,
            },
        };
        kms.kmip(&kmip::import_public_key(&request)).unwrap();
    }
    let browser = ImportKekPage::open(&kms).await;
    for (id, _, shown) in cases {
        let text = browser
            .wait_for_text(&format!("tr[data-kek-id={id}] td.algorithm"), |t| {
                !t.is_empty()
            })
            .await;
        assert!(text.starts_with(shown), "{id}: {text}");
    }
    browser.screenshot("import-kek-list").await;
    browser
        .assert_accessible("import page (KEK list with an unknown tag)")
        .await;
    browser.close().await;
}

/// Fills the form with `spki` (base64) for `ARN` and RSAES_OAEP_SHA_256.
async fn fill_form(browser: &Browser, spki: &[u8]) {
    let kek_field = browser.labelled(ImportKekPage::KEK).await;
    browser.paste(&kek_field, &STANDARD.encode(spki)).await;
    browser
        .wait_for_text(ANALYSIS, |t| t.starts_with("RSA "))
        .await;
    ImportKekPage::choose_algorithm(browser, WrappingAlgorithm::RsaesOaepSha256).await;
    let arn_field = browser.labelled(ImportKekPage::ARN).await;
    browser.fill(&arn_field, ARN).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_repeated_import_is_caught_and_the_stored_key_offered() {
    let kms = ui_kms();
    let browser = ImportKekPage::open(&kms).await;
    ImportKekPage::list_loaded(&browser, None).await;
    let spki = der("rsa2048.spki.der");
    fill_form(&browser, &spki).await;
    browser.click("form.import-kek button[type=submit]").await;
    let id = browser.wait_for_text(IMPORTED_ID, |t| !t.is_empty()).await;
    let objects = kms.object_ids();

    // The button stays usable (for another key), but a second click on the same one imports nothing.
    let expected = format!(
        "{id} holds the same public key (same SHA-256 fingerprint) for the same AWS key ARN and wrapping algorithm, so nothing was imported again."
    );
    browser.click("form.import-kek button[type=submit]").await;
    let shown = browser
        .wait_for_text(ALREADY_STORED, |t| t.starts_with(&expected))
        .await;
    assert_eq!(times_shown(&browser, &expected).await, 1, "{shown}");
    assert!(
        browser
            .client
            .find(fantoccini::Locator::Css(IMPORTED_ID))
            .await
            .is_err(),
        "the earlier result is replaced by the answer to this click"
    );
    let link = browser.element("[data-testid=already-stored] a").await;
    assert_eq!(link.text().await.unwrap(), format!("Export with {id}"));
    assert_eq!(
        link.attr("href").await.unwrap().as_deref(),
        Some(format!("{}?kek={id}", Page::ExportKeyMaterial.href()).as_str())
    );
    assert_eq!(kms.object_ids(), objects, "a second click imported again");
    browser.screenshot("import-kek-already-stored").await;
    browser
        .assert_accessible("import page (key already stored)")
        .await;

    // After a reload the stored KEK's tags say the same; Enter in a field submits.
    browser.goto(&kms.ui_url(&Page::ImportKek.href())).await;
    ImportKekPage::list_loaded(&browser, Some(&id)).await;
    fill_form(&browser, &spki).await;
    browser.click("#key-arn").await;
    browser.press(ENTER).await;
    browser
        .wait_for_text(ALREADY_STORED, |t| t.starts_with(&expected))
        .await;
    browser.press(ENTER).await;
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    browser
        .wait_for_text(ALREADY_STORED, |t| t.starts_with(&expected))
        .await;
    assert_eq!(kms.object_ids(), objects, "Enter imported again");
    assert_eq!(rows_for_arn(&browser, ARN).await, 1);

    // Another key for the same ARN is imported (the button is not a one-shot).
    fill_form(&browser, &der("rsa3072.spki.der")).await;
    browser.click("form.import-kek button[type=submit]").await;
    let other = browser.wait_for_text(IMPORTED_ID, |t| !t.is_empty()).await;
    assert_ne!(other, id);
    assert_eq!(kms.object_ids().len(), objects.len() + 1);

    // The offered KEK opens the export page.
    fill_form(&browser, &spki).await;
    browser.click("form.import-kek button[type=submit]").await;
    browser
        .wait_for_text(ALREADY_STORED, |t| t.starts_with(&expected))
        .await;
    browser.click("[data-testid=already-stored] a").await;
    let query = browser.wait_for_path(&Page::ExportKeyMaterial.href()).await;
    assert_eq!(query, Some(format!("kek={id}")));
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cli_imported_kek_for_the_same_arn_may_be_the_same_key() {
    let kms = ui_kms();
    let vendor = kms.vendor_id();
    let spki = der("rsa2048.spki.der");
    // As `ckms aws byok import` tags it: no fingerprint.
    kms.kmip(&kmip::import_public_key(&ImportPublicKeyRequest {
        spki_der: spki.clone(),
        replace_existing: false,
        attributes: KeyAttributes {
            unique_identifier: Some("kek-cli".to_owned()),
            activation_date: OffsetDateTime::now_utc() - time::Duration::minutes(1),
            usage_mask: UsageMask::WRAP_KEY.union(UsageMask::ENCRYPT),
            tags: vec![
                "aws".into(),
                WrappingAlgorithm::RsaesOaepSha256.tag(),
                format!("key_arn:{ARN}"),
            ],
            vendor_id: vendor,
            sensitive: false,
        },
    }))
    .unwrap();
    let objects = kms.object_ids();
    let browser = ImportKekPage::open(&kms).await;
    ImportKekPage::list_loaded(&browser, Some("kek-cli")).await;
    fill_form(&browser, &spki).await;
    browser.click("form.import-kek button[type=submit]").await;
    let expected = "kek-cli is tagged for the same AWS key ARN, wrapping algorithm and RSA size, but was imported without a fingerprint (by the Cosmian CLI?), so it may be the same key. Nothing has been imported: export with it, or import this key anyway if it is a new one.";
    browser
        .wait_for_text(ALREADY_STORED, |t| t == expected)
        .await;
    assert_eq!(kms.object_ids(), objects);
    assert_eq!(
        browser
            .element("[data-testid=already-stored] a")
            .await
            .text()
            .await
            .unwrap(),
        "Export with kek-cli"
    );
    browser.screenshot("import-kek-maybe-stored").await;
    browser
        .assert_accessible("import page (key may be stored)")
        .await;

    // The person knows better: import it anyway.
    browser.click("[data-testid=already-stored] button").await;
    let id = browser.wait_for_text(IMPORTED_ID, |t| !t.is_empty()).await;
    assert_eq!(kms.object_ids().len(), objects.len() + 1);
    assert_stored(
        &kms,
        &id,
        &spki,
        &tags(WrappingAlgorithm::RsaesOaepSha256, true, &spki),
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_certificate_is_shown_once_next_to_the_field() {
    let kms = ui_kms();
    let before = kms.snapshot();
    let browser = ImportKekPage::open(&kms).await;
    let certificate = std::fs::read_to_string(fixture("rsa2048.cert.pem")).unwrap();
    browser.paste("#kek-text", &certificate).await;
    ImportKekPage::choose_algorithm(&browser, WrappingAlgorithm::RsaesOaepSha256).await;
    let message = "This is a certificate, not a public key: AWS gives the wrapping key as a bare public key (PublicKey in get-parameters-for-import, or WrappingPublicKey.bin).";
    browser.wait_for_text(ANALYSIS, |t| t == message).await;
    assert_eq!(times_shown(&browser, message).await, 1, "while typing");
    browser.click("form.import-kek button[type=submit]").await;
    // The click says nothing twice, and moves the focus to the field the message describes.
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    assert_eq!(times_shown(&browser, message).await, 1, "after Import");
    assert_eq!(focused_id(&browser).await, "kek-text");
    let field = browser.element("#kek-text").await;
    assert_eq!(
        field.attr("aria-invalid").await.unwrap().as_deref(),
        Some("true")
    );
    assert_eq!(kms.snapshot(), before);
    browser
        .assert_accessible("import page (certificate refused)")
        .await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn expired_parameters_are_refused_once_in_plain_words() {
    let kms = ui_kms();
    let before = kms.snapshot();
    let browser = ImportKekPage::open(&kms).await;
    let json = get_parameters_json(
        &der("rsa2048.spki.der"),
        b"token",
        OffsetDateTime::now_utc() - time::Duration::minutes(61),
    );
    browser.paste("#kek-text", &json).await;
    ImportKekPage::choose_algorithm(&browser, WrappingAlgorithm::RsaesOaepSha256).await;
    let message = "These import parameters expired 1 h 1 min ago: run get-parameters-for-import again (its output is valid 24 h and single use).";
    browser.wait_for_text(VALIDITY, |t| t == message).await;
    browser.click("form.import-kek button[type=submit]").await;
    browser.wait_for_text(VALIDITY, |t| t == message).await;
    assert_eq!(times_shown(&browser, message).await, 1);
    assert_eq!(times_shown(&browser, "EXPIRED").await, 0);
    assert_eq!(focused_id(&browser).await, "kek-text");
    assert_eq!(kms.snapshot(), before);
    browser.close().await;
}
