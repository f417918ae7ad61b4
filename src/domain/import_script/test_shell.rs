//! Helpers for running an import script under a real `/bin/sh` in the tests of every cloud's script.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A fresh folder under the target dir; `name` must be unique across the tests run at once
/// (two tests of one name would remove each other's folder).
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("import-script-tests")
        .join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub fn run(dir: &Path, file: &str, args: &[&str]) -> std::process::Output {
    Command::new("sh")
        .arg(dir.join(file))
        .args(args)
        .env("PATH", "/usr/bin:/bin")
        .output()
        .expect("sh runs")
}

/// A folder of links to the tools named, to run the script with only them on PATH.
pub fn tools(dir: &Path, names: &[&str]) -> PathBuf {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    for name in names {
        let found = ["/usr/bin", "/bin"]
            .iter()
            .map(|d| Path::new(d).join(name))
            .find(|p| p.exists())
            .unwrap_or_else(|| panic!("{name} is needed by this test"));
        std::os::unix::fs::symlink(found, bin.join(name)).unwrap();
    }
    bin
}

/// What a folder holds, hidden entries included: each name with its bytes.
pub fn contents(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut all: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            match std::fs::read(&path) {
                Ok(bytes) => (name, bytes),
                Err(_) => (name, b"(not a readable file)".to_vec()),
            }
        })
        .collect();
    all.sort();
    all
}

/// The script with one character of the first base64 line after the
/// here-document opened for `name` replaced by `with`.
pub fn damaged(text: &str, name: &str, with: char) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let opening = lines
        .iter()
        .position(|l| l.contains(&format!(" {name} ")) && l.ends_with("<<'END-OF-BASE64'"))
        .unwrap_or_else(|| panic!("no here-document for {name}"));
    let first = &mut lines[opening + 1];
    let replaced = if first.starts_with(with) { 'B' } else { with };
    first.replace_range(..1, &replaced.to_string());
    lines.join("\n") + "\n"
}

/// A stand-in for `name` in `bin` running `body`: never the cloud, only a tripwire or a failing tool.
pub fn stand_in(bin: &Path, name: &str, body: &str) {
    use std::os::unix::fs::PermissionsExt;
    let path = bin.join(name);
    let _ = std::fs::remove_file(&path);
    std::fs::write(&path, format!("#!/bin/sh\n{body}")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
}
