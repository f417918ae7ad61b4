//! The import script as the person on the AWS side meets it: downloaded from
//! the export result (guided flow and export page), clean under `shellcheck`
//! and `sh -n`, its dry run writing the page's own files byte for byte, run
//! unedited with the real AWS CLI against LocalStack (the key becomes Enabled
//! and works), and its refusals, each before any AWS call and any file written.

use std::path::Path;
use std::process::{Command, Output};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use byok_ui::domain::aws::key_spec::{AwsKeySpec, KeyUsage};
use byok_ui::domain::key_material::{EcCurve, KeyMaterialSpec};
use byok_ui::domain::wrapping::WrappingAlgorithm;
use rsa::RsaPrivateKey;
use sha2::{Digest, Sha256};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use crate::support::aws::{ARN, LocalStack, get_parameters_output};
use crate::support::aws_flow::{Scenario, guided_flow, prove_key_works};
use crate::support::pages::{ExportPage, ExportResult, ImportKekPage};
use crate::support::script::{carried, damaged, shellcheck, text};
use crate::support::seed::create_material;
use crate::support::{Browser, Kms, scratch_dir};

/// The dry run succeeded and wrote, next to the script, exactly the page's
/// two downloads, and nothing else (no temporary file left).
fn dry_run_wrote(out: &Output, script: &Path, material: &[u8], token: &[u8]) {
    assert!(out.status.success(), "{out:?}");
    let folder = script.parent().unwrap();
    let written = |name: &str| std::fs::read(folder.join(name)).unwrap();
    assert_eq!(written("EncryptedKeyMaterial.bin"), material);
    assert_eq!(written("ImportToken.bin"), token);
    holds(
        script,
        &["EncryptedKeyMaterial.bin", "ImportToken.bin"],
        "after the dry run",
    );
}

/// The script's folder holds the script and `others`, nothing more (hidden
/// names included: a temporary file left behind counts).
fn holds(script: &Path, others: &[&str], when: &str) {
    let folder = script.parent().unwrap();
    let mut found: Vec<String> = std::fs::read_dir(folder)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    found.sort();
    let file = script.file_name().unwrap().to_string_lossy().into_owned();
    let mut expected: Vec<String> = others.iter().map(|n| (*n).to_owned()).collect();
    expected.push(file);
    expected.sort();
    assert_eq!(found, expected, "{}, {when}", folder.display());
}

/// The script stopped with `message` before any AWS call and before writing
/// anything: exit 1, its message on stderr, no command announced, its
/// folder holding the script and `beside` (what was there before) only, and
/// the key still waiting.
fn refused(
    stack: &LocalStack,
    script: &Path,
    beside: &[&str],
    out: &Output,
    message: &str,
    arn: &str,
) {
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(text(&out.stderr).contains(message), "{out:?}");
    assert!(
        text(&out.stderr).contains("No file was written and nothing was sent to AWS."),
        "{out:?}"
    );
    assert!(!text(&out.stdout).contains("Running:"), "{out:?}");
    holds(script, beside, message);
    assert_eq!(key_state(stack, arn), "PendingImport");
}

fn key_state(stack: &LocalStack, arn: &str) -> String {
    let described = stack.aws(
        &format!("aws kms describe-key --key-id {arn}"),
        &scratch_dir("describe"),
    );
    described["KeyMetadata"]["KeyState"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_import_script_carries_the_export_to_aws_and_refuses_what_would_fail() {
    let stack = LocalStack::start();
    let kms = Kms::with_ui();
    let browser = Browser::start().await;
    let scenario = Scenario {
        spec: AwsKeySpec::SymmetricDefault,
        usage: KeyUsage::EncryptDecrypt,
        algorithm: WrappingAlgorithm::RsaesOaepSha256,
        kek_bits: 2048,
    };
    let (arn, key_id, import) = guided_flow(&stack, &kms, &browser, &scenario).await;
    let downloads = browser.download_dir.clone();
    let material = std::fs::read(downloads.join("EncryptedKeyMaterial.bin")).unwrap();
    let token = std::fs::read(downloads.join("ImportToken.bin")).unwrap();

    // Offered beside the command, named by key spec and key id, its SHA-256 shown.
    let (file, script, shown_sha256) = ExportResult::download_script(&browser).await;
    let key_uuid = arn.rsplit('/').next().unwrap();
    assert_eq!(
        file,
        format!("import-SYMMETRIC_DEFAULT-{}.sh", &key_uuid[..8])
    );
    assert_eq!(shown_sha256, hex::encode(Sha256::digest(&script)));
    let script_text = text(&script);
    assert!(
        script_text.contains(&format!("if ! {import}; then")),
        "the script runs the command the page shows:\n{import}\n{script_text}"
    );
    assert!(
        script_text.contains("(ParametersValidTo)"),
        "the guided flow knows it"
    );

    // Clean for shellcheck and sh -n.
    let dry = carried("script-dry-run", &file, &script);
    shellcheck(&dry);
    let syntax = Command::new("sh").arg("-n").arg(&dry).output().unwrap();
    assert!(syntax.status.success(), "{syntax:?}");

    // --dry-run: the page's two downloads byte for byte, the commands printed, nothing called.
    let out = stack.run_script(&dry, &["--dry-run"], true);
    dry_run_wrote(&out, &dry, &material, &token);
    let printed = text(&out.stdout);
    assert!(
        printed.contains("Dry run: nothing was sent to AWS."),
        "{printed}"
    );
    assert!(printed.contains(&import), "{printed}");
    assert_eq!(key_state(&stack, &arn), "PendingImport");

    // A tampered EncryptedKeyMaterial.bin next to the script is neither used nor overwritten.
    let tampered = carried("script-tampered", &file, &script);
    let mut flipped = material.clone();
    flipped[material.len() / 2] ^= 1;
    let beside = tampered.parent().unwrap().join("EncryptedKeyMaterial.bin");
    std::fs::write(&beside, &flipped).unwrap();
    let out = stack.run_script(&tampered, &[], true);
    refused(
        &stack,
        &tampered,
        &["EncryptedKeyMaterial.bin"],
        &out,
        "EncryptedKeyMaterial.bin next to this script differs from the one it carries",
        &arn,
    );
    assert_eq!(std::fs::read(&beside).unwrap(), flipped);

    // Another ImportToken.bin there, no EncryptedKeyMaterial.bin: neither is written.
    let other_token = carried("script-other-token", &file, &script);
    let beside = other_token.parent().unwrap().join("ImportToken.bin");
    std::fs::write(&beside, b"another token").unwrap();
    let out = stack.run_script(&other_token, &[], true);
    refused(
        &stack,
        &other_token,
        &["ImportToken.bin"],
        &out,
        "ImportToken.bin next to this script differs from the one it carries",
        &arn,
    );
    assert_eq!(std::fs::read(&beside).unwrap(), b"another token");

    // A damaged block, the material's or the token's: nothing is written.
    for name in ["EncryptedKeyMaterial.bin", "ImportToken.bin"] {
        let broken = carried("script-damaged", &file, &damaged(&script, name));
        let out = stack.run_script(&broken, &[], true);
        refused(
            &stack,
            &broken,
            &[],
            &out,
            &format!("The {name} this script carries is damaged (SHA-256 "),
            &arn,
        );
    }

    // No AWS CLI on PATH: nothing is written, nothing else happens.
    let no_aws = carried("script-no-aws", &file, &script);
    let out = stack.run_script(&no_aws, &[], false);
    refused(
        &stack,
        &no_aws,
        &[],
        &out,
        "The AWS CLI (aws) is not on PATH",
        &arn,
    );

    // The export page offers the script too; there, a token pasted with AWS's
    // JSON brings its ParametersValidTo, here one already past.
    let summary = browser
        .wait_for_text(ExportPage::SUMMARY, |t| t.contains("wrapping key "))
        .await;
    let kek_id = summary
        .split("wrapping key ")
        .nth(1)
        .and_then(|rest| rest.split(':').next())
        .unwrap()
        .to_owned();
    let other_tab = Browser::start().await;
    ExportPage::open(&other_tab, &kms, &key_id, &kek_id).await;
    ExportPage::export_and_wait(&other_tab).await;
    let expired_parameters = format!(
        "{{\"KeyId\":\"{arn}\",\"ImportToken\":\"{}\",\"PublicKey\":\"{}\",\"ParametersValidTo\":\"2026-01-02T03:04:05.000000+01:00\"}}",
        STANDARD.encode(&token),
        STANDARD.encode(kms.public_key_der(&kek_id)),
    );
    ExportResult::give_token(&other_tab, &expired_parameters).await;
    let (expired_file, expired_script, _) = ExportResult::download_script(&other_tab).await;
    assert_eq!(expired_file, file);
    let expired = carried("script-expired", &file, &expired_script);
    shellcheck(&expired);
    let out = stack.run_script(&expired, &[], true);
    refused(
        &stack,
        &expired,
        &[],
        &out,
        "The import parameters expired at 2026-01-02T02:04:05Z (ParametersValidTo)",
        &arn,
    );
    other_tab.close().await;

    // A token of another call: AWS refuses the import, the script says what that means.
    let third_tab = Browser::start().await;
    ExportPage::open(&third_tab, &kms, &key_id, &kek_id).await;
    ExportPage::export_and_wait(&third_tab).await;
    ExportResult::give_token(&third_tab, &STANDARD.encode([9_u8; 600])).await;
    let (_, wrong_token_script, _) = ExportResult::download_script(&third_tab).await;
    third_tab.close().await;
    let wrong = carried("script-wrong-token", &file, &wrong_token_script);
    let out = stack.run_script(&wrong, &[], true);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(
        text(&out.stderr).contains("import script: AWS refused the import (its message is above)"),
        "{out:?}"
    );
    assert!(text(&out.stdout).contains("Running:"), "{out:?}");
    assert_eq!(key_state(&stack, &arn), "PendingImport");

    // Run unedited, alone in its folder: the key becomes Enabled and works.
    let real = carried("script-run", &file, &script);
    let out = stack.run_script(&real, &[], true);
    assert!(out.status.success(), "{out:?}");
    let printed = text(&out.stdout);
    assert!(
        printed.contains(&format!("Running:\n{import}")),
        "{printed}"
    );
    assert!(
        printed.contains(&format!("Done: the key {arn} is Enabled")),
        "{printed}"
    );
    assert_eq!(key_state(&stack, &arn), "Enabled");
    prove_key_works(
        &stack,
        &kms,
        real.parent().unwrap(),
        &arn,
        &key_id,
        &scenario,
    );

    // A second run says so instead of failing obscurely.
    let out = stack.run_script(&real, &[], true);
    assert!(out.status.success(), "{out:?}");
    assert!(
        text(&out.stdout).contains("is already Enabled: its key material is already imported"),
        "{out:?}"
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_export_page_script_knows_the_validity_the_import_page_kept() {
    let kms = Kms::with_ui();
    let vendor = kms.vendor_id();
    let key_id = create_material(
        &kms,
        &vendor,
        "aes-script",
        KeyMaterialSpec::Aes { bits: 256 },
    );
    let kek = RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap();
    let token = vec![7_u8; 600];
    let valid_to = (OffsetDateTime::now_utc() + Duration::hours(23))
        .replace_nanosecond(0)
        .unwrap();
    let browser = ImportKekPage::open(&kms).await;
    ImportKekPage::import_parameters(
        &browser,
        &get_parameters_output(ARN, &kek, &token, valid_to),
        WrappingAlgorithm::RsaesOaepSha256,
        "kek-script",
    )
    .await;

    // The export page finds the token and its ParametersValidTo in the tab.
    ExportPage::open(&browser, &kms, &key_id, "kek-script").await;
    ExportPage::export_and_wait(&browser).await;
    let (file, script, _) = ExportResult::download_script(&browser).await;
    let material = ExportResult::download_material(&browser, "EncryptedKeyMaterial.bin").await;
    assert_eq!(file, "import-SYMMETRIC_DEFAULT-350e35ef.sh");
    let shown = valid_to.format(&Rfc3339).unwrap();
    assert!(
        text(&script).contains(&format!(
            "The import token is valid until {shown} (ParametersValidTo)."
        )),
        "{}",
        text(&script)
    );
    let path = carried("script-export-page", &file, &script);
    shellcheck(&path);
    let out = Command::new("sh")
        .arg(&path)
        .arg("--dry-run")
        .output()
        .unwrap();
    dry_run_wrote(&out, &path, &material, &token);
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_import_script_imports_asymmetric_material_and_points_to_the_ledger_proof() {
    let stack = LocalStack::start();
    let kms = Kms::with_ui();
    let browser = Browser::start().await;
    let scenario = Scenario {
        spec: AwsKeySpec::Ecc(EcCurve::P256),
        usage: KeyUsage::SignVerify,
        algorithm: WrappingAlgorithm::RsaAesKeyWrapSha256,
        kek_bits: 3072,
    };
    let (arn, key_id, _) = guided_flow(&stack, &kms, &browser, &scenario).await;
    let (file, script, _) = ExportResult::download_script(&browser).await;
    let key_uuid = arn.rsplit('/').next().unwrap();
    assert_eq!(file, format!("import-ECC_NIST_P256-{}.sh", &key_uuid[..8]));
    let path = carried("script-ec", &file, &script);
    shellcheck(&path);
    let out = stack.run_script(&path, &[], true);
    assert!(out.status.success(), "{out:?}");
    assert!(
        text(&out.stdout).contains(&format!(
            "To prove AWS holds the same material as {key_id}, run the BYOK ledger's get-public-key check."
        )),
        "{out:?}"
    );
    prove_key_works(
        &stack,
        &kms,
        path.parent().unwrap(),
        &arn,
        &key_id,
        &scenario,
    );
    browser.close().await;
}
