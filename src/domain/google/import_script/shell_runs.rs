//! The Google import script run by a real `sh` in a scratch folder: its dry run writes the
//! page's wrapped key byte for byte; every refusal (damaged block, expired job, no `gcloud`, a
//! different file there) leaves the folder as it was and never reaches `gcloud`.

use std::process::Command;

use time::OffsetDateTime;
use time::macros::datetime;

use super::tests::{import, script};
use super::{CLOUD, GoogleImportScript};
use crate::domain::google::command::import_version;
use crate::domain::import_script::nothing_done;
use crate::domain::import_script::test_shell::{contents, damaged, run, scratch, stand_in, tools};

const TOOLS: [&str; 9] = [
    "base64",
    "cut",
    "date",
    "dirname",
    "mktemp",
    "mv",
    "rm",
    "sha256sum",
    "tr",
];

#[test]
fn the_dry_run_writes_the_wrapped_key_byte_for_byte_and_prints_the_command() {
    let i = import();
    let bytes: Vec<u8> = (0..=255).cycle().take(552).collect();
    let s = GoogleImportScript {
        expire_time: Some(OffsetDateTime::now_utc() + time::Duration::hours(1)),
        ..script(&i, &bytes)
    };
    let dir = scratch("google-dry-run");
    std::fs::write(dir.join("s.sh"), s.text()).unwrap();
    let out = run(&dir, "s.sh", &["--dry-run"]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(std::fs::read(dir.join(&i.wrapped_key_file)).unwrap(), bytes);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&import_version(&i).multi_line()),
        "{stdout}"
    );
    assert!(stdout.contains("Dry run: nothing was sent to Google Cloud."));
    assert_eq!(contents(&dir).len(), 2, "no temporary folder left");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Runs `text` (with `gcloud` as a tripwire when `gcloud`) and checks it refused with
/// `message`, never called `gcloud`, and left the folder as it was.
fn refuses(
    what: &str,
    text: &str,
    beside: &[(&str, &[u8])],
    gcloud: bool,
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
    let called = root.join("gcloud-called");
    if gcloud {
        stand_in(
            &bin,
            "gcloud",
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
    assert!(!called.exists(), "{what}: gcloud was called");
    assert!(contents(&folder) == before, "{what}: the folder changed");
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn every_refusal_comes_before_any_write_and_any_gcloud_call() {
    let i = import();
    let bytes = [4u8; 552];
    let valid = GoogleImportScript {
        expire_time: Some(OffsetDateTime::now_utc() + time::Duration::hours(1)),
        ..script(&i, &bytes)
    };
    let text = valid.text();
    let expired = GoogleImportScript {
        expire_time: Some(datetime!(2020-01-01 00:00 UTC)),
        ..valid.clone()
    }
    .text();
    for args in [&[][..], &["--dry-run"][..]] {
        refuses(
            "google-damaged",
            &damaged(&text, &i.wrapped_key_file, 'A'),
            &[],
            true,
            args,
            "The aes-1-wrapped-key.bin this script carries is damaged (SHA-256 ",
        );
        refuses(
            "google-expired",
            &expired,
            &[],
            true,
            args,
            "The import job job-1 expired at 2020-01-01T00:00:00Z (expireTime)",
        );
        refuses(
            "google-other-file",
            &text,
            &[("aes-1-wrapped-key.bin", b"other")],
            true,
            args,
            "aes-1-wrapped-key.bin next to this script differs from the one it carries",
        );
    }
    refuses(
        "google-no-gcloud",
        &text,
        &[],
        false,
        &[],
        "The Google Cloud CLI (gcloud) is not on PATH",
    );
}
