//! The Azure import script run by a real `sh` in a scratch folder: its dry run writes the page's
//! `.byok` byte for byte; every refusal (damaged block, another KEK, no `az`, a different file
//! there) leaves the folder as it was and never reaches `az`.

use std::path::Path;
use std::process::Command;

use super::tests::{byok, kek_kid, options};
use super::{AzureImportScript, CLOUD};
use crate::domain::azure::command::import_key;
use crate::domain::azure::kid::AzureKeyId;
use crate::domain::import_script::nothing_done;
use crate::domain::import_script::test_shell::{contents, damaged, run, scratch, stand_in, tools};

const TOOLS: [&str; 10] = [
    "base64",
    "cat",
    "cut",
    "date",
    "dirname",
    "mktemp",
    "mv",
    "rm",
    "sha256sum",
    "tr",
];

fn script_text(file: &[u8], kid: &AzureKeyId) -> String {
    let o = options();
    AzureImportScript {
        options: &o,
        byok: file,
        kek_kid: kid,
        kms_key_id: "rsa-1",
    }
    .text()
    .unwrap()
}

#[test]
fn the_dry_run_writes_the_byok_byte_for_byte_and_prints_the_commands() {
    let kid = kek_kid();
    let file = byok(&kid, &(0..=255).collect::<Vec<u8>>());
    let dir = scratch("azure-dry-run");
    std::fs::write(dir.join("s.sh"), script_text(&file, &kid)).unwrap();
    let out = run(&dir, "s.sh", &["--dry-run"]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(std::fs::read(dir.join("rsa-1.byok")).unwrap(), file);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&import_key(&options()).unwrap().multi_line()),
        "{stdout}"
    );
    assert!(stdout.contains("Dry run: nothing was sent to Azure."));
    assert_eq!(contents(&dir).len(), 2, "no temporary folder left");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Runs `text` with `tools` (and `az` as a tripwire when `az`) and checks it refused with
/// `message`, never called `az`, and left the folder as it was.
fn refuses(
    what: &str,
    text: &str,
    beside: &[(&str, &[u8])],
    az: bool,
    args: &[&str],
    message: &str,
) {
    let root = scratch(what);
    let folder = root.join("folder");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("s.sh"), text).unwrap();
    for (name, bytes) in beside {
        std::fs::write(folder.join(name), bytes).unwrap();
    }
    let before = contents(&folder);
    let bin = tools(&root, &TOOLS);
    let called = root.join("az-called");
    if az {
        stand_in(
            &bin,
            "az",
            &format!("echo \"$*\" >>'{}'\nexit 1\n", called.display()),
        );
    }
    let out = Command::new("/bin/sh")
        .arg(folder.join("s.sh"))
        .args(args)
        .env("PATH", &bin)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{what}: {out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(message), "{what}: {stderr}");
    assert!(stderr.contains(&nothing_done(CLOUD)), "{what}: {stderr}");
    assert!(!Path::new(&called).exists(), "{what}: az was called");
    assert!(contents(&folder) == before, "{what}: the folder changed");
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn every_refusal_comes_before_any_write_and_any_az_call() {
    let kid = kek_kid();
    let file = byok(&kid, &[9u8; 300]);
    let text = script_text(&file, &kid);
    let other_kid = AzureKeyId::parse_versioned(
        "https://contosokeyvaulthsm.vault.azure.net/keys/other-kek/00000000000000000000000000000000",
    )
    .unwrap();
    // A file for another KEK, carried with its own (correct) SHA-256.
    let wrong_kid = script_text(&byok(&other_kid, &[9u8; 300]), &kid);
    for args in [&[][..], &["--dry-run"][..]] {
        refuses(
            "azure-damaged",
            &damaged(&text, "rsa-1.byok", 'A'),
            &[],
            true,
            args,
            "The rsa-1.byok this script carries is damaged (SHA-256 ",
        );
        refuses(
            "azure-wrong-kid",
            &wrong_kid,
            &[],
            true,
            args,
            &format!("is not wrapped for the KEK {kid}"),
        );
        refuses(
            "azure-other-file",
            &text,
            &[("rsa-1.byok", b"other")],
            true,
            args,
            "rsa-1.byok next to this script differs from the one it carries",
        );
    }
    refuses(
        "azure-no-az",
        &text,
        &[],
        false,
        &[],
        "The Azure CLI (az) is not on PATH",
    );
}
