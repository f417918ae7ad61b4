//! Where the harness finds and puts things: the repository, scratch directories,
//! fixtures, the built bundle, installed tools, free loopback ports.

use std::fs;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

/// What to run when a part the suite needs is missing.
pub const INSTALL_HINT: &str =
    "run `cargo xtask setup` (it installs chromium, chromium-driver and the KMS server)";

/// The repository root (this crate lives in `tests/e2e/support/`).
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(3)
        .expect("tests/e2e/support sits three levels below the repository")
        .to_path_buf()
}

/// A fresh, unique directory under `target/e2e/`.
pub fn scratch_dir(name: &str) -> PathBuf {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let dir = workspace()
        .join("target")
        .join("e2e")
        .join(format!("{name}-{}-{n}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind a free loopback port")
        .port()
}

/// `env_var`'s path, or `default`; fails with an install hint when absent.
pub fn required_file(env_var: &str, default: PathBuf, what: &str) -> PathBuf {
    let path = std::env::var_os(env_var)
        .map(PathBuf::from)
        .unwrap_or(default);
    assert!(
        path.exists(),
        "{what} not found at {} (set {env_var} or {INSTALL_HINT})",
        path.display()
    );
    path
}

/// The built bundle; `cargo xtask build` makes it.
pub fn dist_dir() -> PathBuf {
    let dist = std::env::var_os("BYOK_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("dist"));
    assert!(
        dist.join("index.html").exists(),
        "no bundle at {}: run `cargo xtask build` first",
        dist.display()
    );
    dist
}

/// Where [`subfolder_dist_dir`]'s bundle is served.
pub const SUBFOLDER_BASE: &str = "/ui/byok/";

/// The bundle built for [`SUBFOLDER_BASE`] (to install beside the stock UI);
/// `cargo xtask test` makes it.
pub fn subfolder_dist_dir() -> PathBuf {
    let dist = std::env::var_os("BYOK_DIST_SUBFOLDER")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target").join("dist-byok"));
    assert!(
        dist.join("index.html").exists(),
        "no bundle at {}: run `cargo xtask build --base {SUBFOLDER_BASE} --dist target/dist-byok` first",
        dist.display()
    );
    dist
}

/// Copies the folder `from` (files and subfolders) into `to`, created.
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap_or_else(|e| panic!("create {}: {e}", to.display()));
    for entry in fs::read_dir(from).unwrap_or_else(|e| panic!("read {}: {e}", from.display())) {
        let path = entry.expect("a directory entry").path();
        let target = to.join(path.file_name().expect("a file name"));
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            fs::copy(&path, &target).unwrap_or_else(|e| panic!("copy {}: {e}", path.display()));
        }
    }
}

/// A file under `tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    workspace().join("tests").join("fixtures").join(name)
}

/// A stand-in for the stock Cosmian UI (one heading) with this bundle, built
/// for `/ui/byok/`, in its `byok/` folder: what the KMS serves at `/ui` when
/// the bundle is installed beside its own UI.
pub fn stock_ui_with_byok_beside() -> PathBuf {
    let folder = scratch_dir("stock-ui");
    fs::write(
        folder.join("index.html"),
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Stock UI</title></head>\
         <body><h1>Stock Cosmian KMS UI (stand-in)</h1></body></html>",
    )
    .unwrap();
    copy_dir(&subfolder_dist_dir(), &folder.join("byok"));
    folder
}
