//! A downloaded import script as the person at the cloud's side meets it: checked by
//! `shellcheck`, carried alone into a fresh folder, tampered with, run by the real `/bin/sh`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

use crate::scratch_dir;

/// The script checked by Debian's shellcheck, which the run must have.
pub fn shellcheck(script: &Path) {
    let output = Command::new("shellcheck")
        .args(["--shell=sh", "--severity=style"])
        .arg(script)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "shellcheck cannot run ({e}): the import script must be checked by it. \
                 Run `cargo xtask setup` (it installs Debian's `shellcheck` package) or `apt-get install shellcheck`."
            )
        });
    assert!(
        output.status.success(),
        "shellcheck finds fault with the import script:\n{}",
        String::from_utf8_lossy(&output.stdout)
    );
}

/// The script alone in a fresh folder, as carried to the cloud's side.
pub fn carried(name: &str, file: &str, script: &[u8]) -> PathBuf {
    let path = scratch_dir(name).join(file);
    std::fs::write(&path, script).unwrap();
    path
}

/// The line after which the here-document carrying `name` starts.
fn opening(lines: &[String], name: &str) -> usize {
    lines
        .iter()
        .position(|l| l.contains(&format!(" {name} ")) && l.ends_with("<<'END-OF-BASE64'"))
        .unwrap_or_else(|| panic!("the script has no here-document for {name}"))
}

/// The script with one character of its `name` here-document changed (the
/// base64 still decodes; the SHA-256 it carries no longer matches).
pub fn damaged(script: &[u8], name: &str) -> Vec<u8> {
    let mut lines: Vec<String> = text(script).lines().map(str::to_owned).collect();
    let at = opening(&lines, name) + 1;
    let first = &mut lines[at];
    let other = if first.starts_with('A') { "B" } else { "A" };
    first.replace_range(..1, other);
    (lines.join("\n") + "\n").into_bytes()
}

/// The script carrying `bytes` as `name` instead, with their own SHA-256 everywhere it is
/// named: a file the checksums accept, so only the script's other checks can refuse it.
pub fn carrying(script: &[u8], name: &str, bytes: &[u8]) -> Vec<u8> {
    let lines: Vec<String> = text(script).lines().map(str::to_owned).collect();
    let at = opening(&lines, name);
    let old_sha = lines[at].split(' ').nth(2).unwrap().to_owned();
    let end = at
        + lines[at..]
            .iter()
            .position(|l| l == "END-OF-BASE64")
            .unwrap();
    let encoded = STANDARD.encode(bytes);
    let body: Vec<String> = encoded
        .as_bytes()
        .chunks(64)
        .map(|c| String::from_utf8(c.to_vec()).unwrap())
        .collect();
    let new_sha = hex::encode(Sha256::digest(bytes));
    let mut out: Vec<String> = lines[..=at].to_vec();
    out.extend(body);
    out.extend(lines[end..].iter().cloned());
    (out.join("\n").replace(&old_sha, &new_sha) + "\n").into_bytes()
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The tools every script needs, linked into a folder of their own: a PATH without any cloud CLI.
pub fn tools_only(dir: &Path) -> PathBuf {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    for name in [
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
    ] {
        let found = ["/usr/bin", "/bin"]
            .iter()
            .map(|d| Path::new(d).join(name))
            .find(|p| p.exists())
            .unwrap_or_else(|| {
                panic!("{name} is needed to run the import scripts: install coreutils")
            });
        let _ = std::fs::remove_file(bin.join(name));
        std::os::unix::fs::symlink(found, bin.join(name)).unwrap();
    }
    bin
}

/// `/bin/sh <script> <args>` with `path` as PATH.
pub fn run(script: &Path, args: &[&str], path: &Path) -> Output {
    Command::new("/bin/sh")
        .arg(script)
        .args(args)
        .env("PATH", path)
        .output()
        .expect("/bin/sh runs")
}

/// What a folder holds: each name with its bytes, sorted (hidden names included).
pub fn contents(folder: &Path) -> Vec<(String, Vec<u8>)> {
    let mut all: Vec<(String, Vec<u8>)> = std::fs::read_dir(folder)
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&path).unwrap_or_default())
        })
        .collect();
    all.sort();
    all
}

/// The script refused with `message` and `nothing_done`, left its folder as it was, and
/// announced no cloud command.
pub fn refused(script: &Path, args: &[&str], path: &Path, message: &str, nothing_done: &str) {
    let folder = script.parent().unwrap();
    let before = contents(folder);
    let out = run(script, args, path);
    assert_eq!(out.status.code(), Some(1), "{message}: {out:?}");
    let stderr = text(&out.stderr);
    assert!(stderr.contains(message), "{message}: {stderr}");
    assert!(stderr.contains(nothing_done), "{message}: {stderr}");
    assert!(!text(&out.stdout).contains("Running:"), "{out:?}");
    assert!(contents(folder) == before, "{message}: the folder changed");
}
