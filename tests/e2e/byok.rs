//! The guided flow in headless Chromium against the real KMS. The test plays
//! AWS's part: it makes the RSA wrapping key pair and prints the JSON exactly
//! as `aws kms get-parameters-for-import` does, then unwraps the downloaded
//! blob independently and compares it with the key material.

use byok_ui::domain::aws::arn::AwsKeyArn;
use byok_ui::domain::aws::cli::{
    CreateKeyOptions, create_key, describe_key, get_parameters_for_import,
};
use byok_ui::domain::aws::key_spec::{AwsKeySpec, KeyUsage};
use byok_ui::domain::aws::wrapping_key_spec::WrappingKeySpec;
use byok_ui::domain::key_material::{EcCurve, HmacHash, KeyMaterialSpec};
use byok_ui::domain::wrapping::WrappingAlgorithm;
use byok_ui::routes::Page;
use rsa::RsaPrivateKey;
use time::OffsetDateTime;

use crate::support::aws::{ARN, create_key_output, get_parameters_output};
use crate::support::pages::{ExportResult, GuidedPage};
use crate::support::seed::{create_material, material_bytes};
use crate::support::unwrap::unwrap;
use crate::support::{Browser, Kms};

const OTHER_ARN: &str =
    "arn:aws:kms:eu-west-3:447182645454:key/11111111-2222-3333-4444-555555555555";

async fn open_guided(browser: &Browser, kms: &Kms) {
    GuidedPage::open(browser, &kms.ui_url(&Page::Byok.href())).await;
}

struct Scenario {
    spec: AwsKeySpec,
    usage: KeyUsage,
    /// `None`: keep the recommendation.
    wrapping: Option<(WrappingAlgorithm, usize)>,
}

#[tokio::test(flavor = "multi_thread")]
async fn each_family_goes_from_spec_to_a_blob_that_unwraps_to_the_material() {
    let kms = Kms::with_ui();
    let browser = Browser::start().await;
    use WrappingAlgorithm::*;
    let scenarios = [
        Scenario {
            spec: AwsKeySpec::SymmetricDefault,
            usage: KeyUsage::EncryptDecrypt,
            wrapping: Some((RsaesOaepSha1, 2048)),
        },
        Scenario {
            spec: AwsKeySpec::Hmac(HmacHash::Sha256),
            usage: KeyUsage::GenerateVerifyMac,
            wrapping: None,
        },
        Scenario {
            spec: AwsKeySpec::Rsa(2048),
            usage: KeyUsage::SignVerify,
            wrapping: Some((RsaAesKeyWrapSha256, 3072)),
        },
        Scenario {
            spec: AwsKeySpec::Ecc(EcCurve::P384),
            usage: KeyUsage::SignVerify,
            wrapping: Some((RsaesOaepSha256, 2048)),
        },
    ];
    let arn = AwsKeyArn::parse(ARN).unwrap();
    for (n, scenario) in scenarios.iter().enumerate() {
        let spec = scenario.spec;
        open_guided(&browser, &kms).await;

        // 1. The spec and the create-key command.
        browser.select("#byok-spec", &spec.aws_name()).await;
        browser
            .select("#byok-usage", scenario.usage.aws_name())
            .await;
        browser.fill("#byok-region", "eu-west-3").await;
        let expected = create_key(&CreateKeyOptions {
            spec,
            usage: scenario.usage,
            description: None,
            region: Some("eu-west-3".into()),
            multi_region: false,
        });
        browser
            .wait_for_text("#create-key-command", |t| t == expected.multi_line())
            .await;

        // 2. Wrapping parameters: the recommendation, or an override.
        let (recommended_algorithm, recommended_bits) = spec.recommended_wrapping();
        let recommendation = browser
            .wait_for_text("[data-testid=recommendation]", |t| !t.is_empty())
            .await;
        assert!(
            recommendation.contains(&format!(
                "{recommended_algorithm} with an {recommended_bits}"
            )),
            "{recommendation}"
        );
        let (algorithm, kek_bits) = scenario
            .wrapping
            .unwrap_or((recommended_algorithm, recommended_bits.bits()));
        browser
            .select("#byok-algorithm", algorithm.aws_name())
            .await;
        browser
            .select("#byok-kek-size", &format!("RSA_{kek_bits}"))
            .await;
        browser.paste("#byok-arn", &create_key_output(spec)).await;
        let expected = get_parameters_for_import(
            Some(&arn),
            algorithm,
            WrappingKeySpec::from_bits(kek_bits).unwrap(),
        );
        browser
            .wait_for_text("#get-parameters-command", |t| t == expected.multi_line())
            .await;

        // 3. AWS's answer.
        let kek = RsaPrivateKey::new(&mut rand::thread_rng(), kek_bits).unwrap();
        let token: Vec<u8> = (0..900).map(|i| (i * 7 + n) as u8).collect();
        let json = get_parameters_output(
            ARN,
            &kek,
            &token,
            OffsetDateTime::now_utc() + time::Duration::hours(23),
        );
        browser.paste("#byok-parameters", &json).await;
        let status = browser
            .wait_for_text("[data-testid=parameters-ok]", |t| !t.is_empty())
            .await;
        assert!(
            status.contains(&format!("RSA {kek_bits}-bit public key")),
            "{status}"
        );
        assert!(
            status.contains("import token 900 bytes, valid for 22 h 59 min")
                || status.contains("valid for 23 h"),
            "{status}"
        );

        // 4–5. New material; one click.
        let plan = browser
            .wait_for_text("[data-testid=byok-plan]", |t| !t.is_empty())
            .await;
        assert!(
            plan.contains(&format!("create {} key material", spec.aws_name())),
            "{plan}"
        );
        assert!(
            plan.contains(&format!("export the key material wrapped with {algorithm}")),
            "{plan}"
        );
        browser.record_requests().await;
        browser.click("#byok-run").await;
        let key_id = GuidedPage::key_id(&browser).await;
        browser
            .screenshot(&format!("byok-done-{}", spec.aws_name()))
            .await;

        // The blob unwraps to the material; the token is AWS's token.
        let material_file = format!("byok-{n}.bin");
        let blob = ExportResult::download_material(&browser, &material_file).await;
        let material = material_bytes(&kms, &key_id, spec.material());
        assert_eq!(unwrap(&kek, algorithm, &blob), material, "{spec}");
        let token_file = format!("token-{n}.bin");
        assert_eq!(
            ExportResult::download_token(&browser, &token_file).await,
            token
        );
        let import = browser
            .wait_for_text("#import-command", |t| !t.is_empty())
            .await;
        let words = shell_words::split(&import).unwrap();
        assert!(
            words.contains(&format!("fileb://{material_file}"))
                && words.contains(&format!("fileb://{token_file}")),
            "{import}"
        );
        browser
            .wait_for_text("#describe-key-command", |t| {
                t == describe_key(Some(&arn)).multi_line()
            })
            .await;
        let bodies = browser.recorded_requests().await;
        let count = |tag: &str| {
            bodies
                .iter()
                .filter(|b| b.starts_with(&format!("{{\"tag\":\"{tag}\"")))
                .count()
        };
        assert_eq!(
            (count("Import"), count("Export")),
            (1, 1),
            "{spec}: one import, one export"
        );
        assert_eq!(
            count("Create") + count("CreateKeyPair"),
            1,
            "{spec}: one creation"
        );
    }
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn expired_parameters_a_mismatched_arn_and_incompatible_keys_are_flagged() {
    let kms = Kms::with_ui();
    let vendor = kms.vendor_id();
    create_material(
        &kms,
        &vendor,
        "aes-256-ok",
        KeyMaterialSpec::Aes { bits: 256 },
    );
    create_material(
        &kms,
        &vendor,
        "aes-128-no",
        KeyMaterialSpec::Aes { bits: 128 },
    );
    create_material(
        &kms,
        &vendor,
        "hmac-no",
        KeyMaterialSpec::Hmac {
            hash: HmacHash::Sha256,
            bits: 256,
        },
    );
    let before = kms.object_ids();
    let kek = RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap();
    let browser = Browser::start().await;
    open_guided(&browser, &kms).await;
    browser
        .select("#byok-algorithm", "RSAES_OAEP_SHA_256")
        .await;
    browser.select("#byok-kek-size", "RSA_2048").await;
    browser.paste("#byok-arn", ARN).await;

    let expired = get_parameters_output(
        ARN,
        &kek,
        b"t",
        OffsetDateTime::now_utc() - time::Duration::minutes(90),
    );
    browser.paste("#byok-parameters", &expired).await;
    let shown = browser
        .wait_for_text("#byok-parameters-status", |t| !t.is_empty())
        .await;
    assert!(
        shown.starts_with("These import parameters expired 1 h 29 min ago")
            || shown.starts_with("These import parameters expired 1 h 30 min ago"),
        "{shown}"
    );
    browser.click("#byok-run").await;
    let refused = browser
        .wait_for_text("#step-5 ~ .error-banner .error-text", |t| !t.is_empty())
        .await;
    assert!(
        refused.starts_with("These import parameters expired"),
        "{refused}"
    );

    let mismatched = get_parameters_output(
        OTHER_ARN,
        &kek,
        b"t",
        OffsetDateTime::now_utc() + time::Duration::hours(1),
    );
    browser.paste("#byok-parameters", &mismatched).await;
    let shown = browser
        .wait_for_text("#byok-parameters-status", |t| {
            t.contains("but step 2's key is")
        })
        .await;
    assert_eq!(
        shown,
        format!(
            "These parameters are for {OTHER_ARN}, but step 2's key is {ARN}: run get-parameters-for-import for step 2's key, or correct step 2."
        )
    );

    // Only the compatible key is offered; the others say why not.
    browser.click("label[for=byok-material-existing]").await;
    let offered = browser
        .wait_for_text("#byok-existing", |t| t.contains("aes-256-ok"))
        .await;
    assert!(
        !offered.contains("aes-128-no") && !offered.contains("hmac-no"),
        "{offered}"
    );
    browser.click(".not-offered summary").await;
    let why = browser
        .wait_for_text("li[data-key-id=aes-128-no]", |t| !t.is_empty())
        .await;
    assert_eq!(why, "aes-128-no: it is AES-128 key, not AES-256 key");

    // Reload keeps every input.
    browser.client.refresh().await.unwrap();
    browser
        .wait_for_text("h1", |t| t == Page::Byok.label())
        .await;
    assert_eq!(browser.value_of("#byok-arn").await, ARN);
    assert_eq!(browser.value_of("#byok-parameters").await, mismatched);
    assert_eq!(browser.value_of("#byok-kek-size").await, "RSA_2048");
    browser.screenshot("byok-flagged").await;
    browser.assert_accessible("guided page (flagged)").await;
    assert_eq!(kms.object_ids(), before, "nothing was sent");

    // Start over clears it.
    browser.click_button("Start over").await;
    assert_eq!(browser.value_of("#byok-arn").await, "");
    browser.close().await;
}
