//! Where things live (workspace, cargo's bin, the tool cache) and how xtask runs
//! a program: with the pinned tools first on PATH, timed, failing loudly.

use std::env;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

pub type Result<T = ()> = std::result::Result<T, String>;

/// The workspace root (xtask's parent directory).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

pub fn home() -> PathBuf {
    env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| "/root".into())
}

pub fn cargo_bin_dir() -> PathBuf {
    env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| home().join(".cargo"))
        .join("bin")
}

/// Where version-named tools outside cargo live (survives fresh clones).
pub fn tool_cache() -> PathBuf {
    home().join(".cache").join("byok-ui")
}

/// npm's binaryen 132 works; Debian's binaryen 108 breaks the bundle.
pub const BINARYEN_VERSION: &str = "132.0.0";

/// Where `setup` installs the pinned binaryen (npm).
pub fn binaryen_dir() -> PathBuf {
    tool_cache().join(format!("binaryen-{BINARYEN_VERSION}"))
}

/// The JS minifier of the shipped bundle (npm terser, pure JS, run by node).
pub const TERSER_VERSION: &str = "5.51.4";

/// Where `setup` installs the pinned terser (npm).
pub fn terser_dir() -> PathBuf {
    tool_cache().join(format!("terser-{TERSER_VERSION}"))
}

pub fn terser_bin() -> PathBuf {
    terser_dir()
        .join("node_modules")
        .join(".bin")
        .join("terser")
}

/// Where the pinned wasm-opt is; put first on every command's PATH.
pub fn binaryen_bin() -> PathBuf {
    binaryen_dir().join("node_modules").join(".bin")
}

/// PATH with the pinned wasm-opt and cargo's bin first.
fn tool_path() -> String {
    let mut paths = vec![binaryen_bin(), cargo_bin_dir()];
    if let Some(existing) = env::var_os("PATH") {
        paths.extend(env::split_paths(&existing));
    }
    env::join_paths(paths)
        .expect("PATH entries are valid")
        .to_string_lossy()
        .into_owned()
}

/// `program`, run from the workspace root with the pinned tools on PATH.
pub fn command(program: impl AsRef<std::ffi::OsStr>) -> Command {
    let mut cmd = Command::new(program);
    cmd.env("PATH", tool_path()).current_dir(root());
    cmd
}

/// Runs `cmd` to completion, announcing it and how long it took.
pub fn run_step(what: &str, cmd: &mut Command) -> Result {
    println!("==> {what}");
    let _ = std::io::stdout().flush();
    let started = Instant::now();
    let status = cmd
        .status()
        .map_err(|e| format!("{what}: cannot start {:?}: {e}", cmd.get_program()))?;
    if status.success() {
        println!("    {what}: done in {:.0?}", started.elapsed());
        Ok(())
    } else {
        Err(format!("{what} failed ({status})"))
    }
}

/// The trimmed output a tool prints for `args`, if it runs and succeeds.
pub fn version_of(program: impl AsRef<std::ffi::OsStr>, args: &[&str]) -> Option<String> {
    let output = command(program).args(args).output().ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}
