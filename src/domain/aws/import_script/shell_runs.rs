//! The import script run by a real `sh` in a scratch folder: quoting, dry runs, fallback
//! tools, every refusal leaving the folder as it was. Its own file: most of the script's tests.

use std::process::Command;

use time::OffsetDateTime;
use time::macros::{date, datetime};

use super::tests::script;
use super::{CLOUD, ImportScript};
use crate::domain::aws::import_command::tests::command;
use crate::domain::aws::import_command::{Expiration, ImportType};
use crate::domain::import_script::nothing_done;
use crate::domain::import_script::test_shell::{contents, damaged, run, scratch, stand_in, tools};

/// Every value a user can type is quoted: file names and the description
/// with quotes, `$`, backticks and newlines come out of the shell whole.
#[test]
fn every_embedded_value_is_quoted_and_the_dry_run_writes_the_exact_bytes() {
    let mut c = command();
    c.material_file = "it's $HOME `x` \"q\".bin".into();
    c.token_file = "-token;rm -rf x.bin".into();
    c.expiration = Expiration::ExpiresOn(date!(2027 - 01 - 31));
    c.import_type = Some(ImportType::NewKeyMaterial);
    c.description = Some("rotation #2 'now'\n$(touch pwned)".into());
    let material: Vec<u8> = (0..=255).cycle().take(1000).collect();
    let s = ImportScript {
        parameters_valid_to: Some(OffsetDateTime::now_utc() + time::Duration::hours(1)),
        ..script(&c, &material)
    };
    let dir = scratch("quoted");
    let file = s.file_name().unwrap();
    std::fs::write(dir.join(&file), s.text().unwrap()).unwrap();
    let syntax = Command::new("sh")
        .args(["-n"])
        .arg(dir.join(&file))
        .output()
        .unwrap();
    assert!(syntax.status.success(), "{syntax:?}");
    let out = run(&dir, &file, &["--dry-run"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(std::fs::read(dir.join(&c.material_file)).unwrap(), material);
    assert_eq!(
        std::fs::read(dir.join(&c.token_file)).unwrap(),
        b"token bytes"
    );
    assert!(!dir.join("pwned").exists());
    // The printed command is the page's, quotes and all.
    assert!(stdout.contains(&c.multi_line()), "{stdout}");
    assert!(stdout.contains("Dry run: nothing was sent to AWS."));
    // A second dry run finds the same files and keeps them.
    let again = run(&dir, &file, &["--dry-run"]);
    assert!(again.status.success(), "{again:?}");
    assert!(String::from_utf8_lossy(&again.stdout).contains("is already there and the same"));
    // A different file is never overwritten.
    std::fs::write(dir.join(&c.token_file), b"other").unwrap();
    let refused = run(&dir, &file, &["--dry-run"]);
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("differs from the one it carries"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(dir.join(&c.token_file)).unwrap(), b"other");
    // Unknown arguments are refused.
    assert_eq!(run(&dir, &file, &["--yes"]).status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_fallback_tools_do_the_same_and_a_missing_one_is_named() {
    let c = command();
    let material: Vec<u8> = (0..=255).collect();
    let s = ImportScript {
        parameters_valid_to: None,
        ..script(&c, &material)
    };
    let text = s.text().unwrap();
    let file = s.file_name().unwrap();
    let common = ["cut", "date", "dirname", "mktemp", "mv", "rm"];
    for (name, extra) in [
        ("shasum-openssl", ["shasum", "openssl"]),
        ("sha256sum-base64", ["sha256sum", "base64"]),
    ] {
        let dir = scratch(name);
        std::fs::write(dir.join(&file), &text).unwrap();
        let bin = tools(&dir, &[&common[..], &extra[..]].concat());
        let out = Command::new("/bin/sh")
            .arg(dir.join(&file))
            .arg("--dry-run")
            .env("PATH", &bin)
            .output()
            .unwrap();
        assert!(out.status.success(), "{name}: {out:?}");
        assert_eq!(
            std::fs::read(dir.join("EncryptedKeyMaterial.bin")).unwrap(),
            material
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
    let dir = scratch("fallback-no-hash");
    std::fs::write(dir.join(&file), &text).unwrap();
    let bin = tools(&dir, &[&common[..], &["base64"][..]].concat());
    let out = Command::new("/bin/sh")
        .arg(dir.join(&file))
        .env("PATH", &bin)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Neither sha256sum nor shasum is installed"),
        "{out:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// One way the script can refuse before AWS.
#[derive(Clone)]
struct Refusal<'a> {
    what: &'a str,
    text: String,
    /// Files next to the script before it runs.
    beside: &'a [(&'a str, &'a [u8])],
    /// The tools on PATH, besides a stand-in `aws` that records any call.
    tools: &'a [&'a str],
    aws: bool,
    /// A stand-in `mv` that fails for the token.
    failing_mv: bool,
    args: &'a [&'a str],
    code: i32,
    message: &'a str,
}

const TOOLS: [&str; 8] = [
    "base64",
    "cut",
    "date",
    "dirname",
    "mktemp",
    "mv",
    "rm",
    "sha256sum",
];

/// Runs the script with the real `sh` and checks it refused with the
/// message, called no `aws`, and left its folder exactly as it was.
fn refuses(r: &Refusal) {
    let root = scratch(r.what);
    let folder = root.join("folder");
    std::fs::create_dir_all(&folder).unwrap();
    let file = "import-SYMMETRIC_DEFAULT-350e35ef.sh";
    std::fs::write(folder.join(file), &r.text).unwrap();
    for (name, bytes) in r.beside {
        std::fs::write(folder.join(name), bytes).unwrap();
    }
    let before = contents(&folder);
    let bin = tools(&root, r.tools);
    let stand_in = |name: &str, body: &str| stand_in(&bin, name, body);
    let called = root.join("aws-called");
    if r.aws {
        stand_in(
            "aws",
            &format!("echo \"$*\" >>'{}'\nexit 1\n", called.display()),
        );
    }
    if r.failing_mv {
        stand_in(
            "mv",
            "case \"$2\" in\n*ImportToken.bin) echo 'mv: no space left on device' >&2; exit 1 ;;\nesac\nexec /bin/mv \"$@\"\n",
        );
    }
    let out = Command::new("/bin/sh")
        .arg(folder.join(file))
        .args(r.args)
        .current_dir(&root)
        .env("PATH", &bin)
        .output()
        .unwrap();
    let what = format!("{} {:?}", r.what, r.args);
    assert_eq!(out.status.code(), Some(r.code), "{what}: {out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(r.message), "{what}: {stderr}");
    if r.code == 1 && !r.failing_mv {
        assert!(stderr.contains(&nothing_done(CLOUD)), "{what}: {stderr}");
    }
    assert!(!called.exists(), "{what}: aws was called");
    let after = contents(&folder);
    assert_eq!(
        after.iter().map(|(n, _)| n).collect::<Vec<_>>(),
        before.iter().map(|(n, _)| n).collect::<Vec<_>>(),
        "{what}: the folder's files changed"
    );
    assert!(after == before, "{what}: a file's bytes changed");
    let _ = std::fs::remove_dir_all(&root);
}

/// Every refusal comes before the first file is written next to the
/// script: damaged or undecodable blocks, expired parameters, a missing
/// tool or AWS CLI, a different file already there, a file that cannot
/// be moved into place (the one moved before it is taken back).
#[test]
fn every_refusal_leaves_the_folder_as_it_was() {
    let c = command();
    let material = [1u8; 48];
    let valid = ImportScript {
        parameters_valid_to: Some(OffsetDateTime::now_utc() + time::Duration::hours(1)),
        ..script(&c, &material)
    };
    let text = valid.text().unwrap();
    let expired = ImportScript {
        parameters_valid_to: Some(datetime!(2020-01-01 00:00 UTC)),
        ..valid.clone()
    }
    .text()
    .unwrap();
    let without = |gone: &[&str]| -> Vec<&str> {
        TOOLS
            .iter()
            .copied()
            .filter(|t| !gone.contains(t))
            .collect()
    };
    let no_hash = without(&["sha256sum"]);
    let no_base64 = without(&["base64"]);
    let no_mktemp = without(&["mktemp"]);
    let same_material: &[(&str, &[u8])] = &[
        ("EncryptedKeyMaterial.bin", &material),
        ("ImportToken.bin", b"other"),
    ];
    let base = Refusal {
        what: "",
        text: text.clone(),
        beside: &[],
        tools: &TOOLS,
        aws: true,
        failing_mv: false,
        args: &[],
        code: 1,
        message: "",
    };
    let cases = [
        Refusal {
            what: "damaged-material",
            text: damaged(&text, "EncryptedKeyMaterial.bin", 'A'),
            message: "The EncryptedKeyMaterial.bin this script carries is damaged (SHA-256 ",
            ..base.clone()
        },
        Refusal {
            what: "damaged-token",
            text: damaged(&text, "ImportToken.bin", 'A'),
            message: "The ImportToken.bin this script carries is damaged (SHA-256 ",
            ..base.clone()
        },
        Refusal {
            what: "undecodable-token",
            text: damaged(&text, "ImportToken.bin", '*'),
            message: "The ImportToken.bin this script carries could not be decoded",
            ..base.clone()
        },
        Refusal {
            what: "expired",
            text: expired,
            message: "The import parameters expired at 2020-01-01T00:00:00Z (ParametersValidTo)",
            ..base.clone()
        },
        Refusal {
            what: "no-aws",
            aws: false,
            message: "The AWS CLI (aws) is not on PATH",
            ..base.clone()
        },
        Refusal {
            what: "no-hash",
            tools: &no_hash,
            message: "Neither sha256sum nor shasum is installed",
            ..base.clone()
        },
        Refusal {
            what: "no-base64",
            tools: &no_base64,
            message: "Neither base64 nor openssl is installed",
            ..base.clone()
        },
        Refusal {
            what: "no-mktemp",
            tools: &no_mktemp,
            message: "No temporary folder could be made next to this script",
            ..base.clone()
        },
        Refusal {
            what: "other-token",
            beside: &[("ImportToken.bin", b"other")],
            message: "ImportToken.bin next to this script differs from the one it carries",
            ..base.clone()
        },
        Refusal {
            what: "same-material-other-token",
            beside: same_material,
            message: "ImportToken.bin next to this script differs from the one it carries",
            ..base.clone()
        },
        Refusal {
            what: "token-not-moved",
            failing_mv: true,
            message: "ImportToken.bin could not be moved next to this script (see above): run the script in a folder you may write to. Any file this run wrote was removed",
            ..base.clone()
        },
        Refusal {
            what: "unknown-argument",
            args: &["--yes"],
            code: 2,
            message: "Usage: sh ",
            ..base.clone()
        },
    ];
    for case in &cases {
        refuses(case);
        // The dry run refuses the same, but needs no AWS CLI.
        if case.args.is_empty() && case.aws {
            refuses(&Refusal {
                args: &["--dry-run"],
                ..case.clone()
            });
        }
    }
    // The checks pass with the same files already there: nothing refused.
    let root = scratch("same-files");
    std::fs::write(root.join("s.sh"), &text).unwrap();
    std::fs::write(root.join("EncryptedKeyMaterial.bin"), material).unwrap();
    std::fs::write(root.join("ImportToken.bin"), b"token bytes").unwrap();
    let out = run(&root, "s.sh", &["--dry-run"]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(contents(&root).len(), 3, "{:?}", contents(&root));
    let _ = std::fs::remove_dir_all(&root);
}
