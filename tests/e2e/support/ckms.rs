//! The real Cosmian CLI 5.28 (`byok-ckms`, built by `cargo xtask setup` beside the
//! server) pointed at a test's KMS: the Azure interop tests run it as a user would.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::kms::Kms;
use crate::paths::{required_file, scratch_dir};

fn ckms_binary() -> PathBuf {
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default();
    required_file(
        "BYOK_CKMS_BIN",
        home.join(".cargo/bin/byok-ckms"),
        "the Cosmian CLI (byok-ckms)",
    )
}

/// The CLI with its own configuration file naming `kms`'s address.
pub struct Ckms {
    conf: PathBuf,
    /// Where its files are written (PEMs given to it, `.byok` files it writes).
    pub dir: PathBuf,
}

impl Ckms {
    pub fn for_kms(kms: &Kms) -> Self {
        let dir = scratch_dir("ckms");
        let conf = dir.join("ckms.toml");
        std::fs::write(
            &conf,
            format!("[http_config]\nserver_url = \"{}\"\n", kms.url()),
        )
        .expect("write ckms.toml");
        Self { conf, dir }
    }

    /// Runs `byok-ckms <args>`; panics with its output unless it succeeds; returns its stdout.
    pub fn run(&self, args: &[&str]) -> String {
        let output = Command::new(ckms_binary())
            .arg("--conf-path")
            .arg(&self.conf)
            .args(args)
            .current_dir(&self.dir)
            .output()
            .expect("run byok-ckms");
        assert!(
            output.status.success(),
            "ckms {args:?} failed: {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// A file in the CLI's folder.
    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Writes `text` as `name` in the CLI's folder and returns its path.
    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.join(name);
        std::fs::write(&path, text).expect("write a file for ckms");
        path
    }
}

/// `path` as the `&str` an argument list needs.
pub fn arg(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}
